// Follows a draw running in the background until it ends, then goes back to the task page,
// which shows the draw and the outcome (or why it failed). Without JavaScript the page
// refreshes itself instead (a meta refresh in its head).
(function () {
  "use strict";
  var box = document.getElementById("draw-job");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.statusUrl;
  var done = box.dataset.doneUrl;
  function show(state) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var value = state[el.dataset.field];
      if (value !== undefined && value !== null) { el.textContent = value; }
    });
    var bar = box.querySelector("progress.progress");
    if (bar) {
      bar.value = state.percent;
      bar.textContent = state.percent + "%";
    }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        show(state);
        if (state.finished) {
          window.location.assign(done);
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
