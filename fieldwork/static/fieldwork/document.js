// The print button appears only where a script can press it; the browser's own print works too.
(function () {
  "use strict";
  var button = document.querySelector("[data-print]");
  if (button && window.print) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  }
})();
