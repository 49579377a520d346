// Installs the inspector's app (fieldwork/templates/fieldwork/app/sw.js) so that the pages
// opened online open offline too, and tells it whose pages it keeps. Without service workers
// (an old browser, plain HTTP away from localhost) the pages work online as before.
(function () {
  "use strict";
  var meta = document.querySelector("meta[name=fieldwork-service-worker]");
  if (!meta || !("serviceWorker" in navigator)) return;
  var owner = document.querySelector("[data-draft-user]");
  navigator.serviceWorker
    .register(meta.content, { scope: meta.dataset.scope })
    .then(function () { return navigator.serviceWorker.ready; })
    .then(function (registration) {
      if (owner && registration.active) {
        registration.active.postMessage({ owner: owner.dataset.draftUser });
      }
    })
    .catch(function () {
      // Not installable here: the pages still work online.
    });
})();
