// Follows an import job until it finishes; the page is complete without it after a reload.
(function () {
  "use strict";
  var box = document.getElementById("import-job");
  if (!box || box.dataset.finished === "1") { return; }
  var url = box.dataset.statusUrl;
  function show(state) {
    box.querySelectorAll("[data-field]").forEach(function (el) {
      var value = state[el.dataset.field];
      if (value !== undefined && value !== null) { el.textContent = value; }
    });
    box.querySelector("[data-testid=job-status]").textContent =
      state.interrupted ? "已中断" : state.status_label;
    var bar = box.querySelector("progress.progress");
    bar.value = state.percent;
    bar.textContent = state.percent + "%";
    if (state.has_report) { document.getElementById("report-link").hidden = false; }
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (state) {
        show(state);
        if (state.finished || state.interrupted) {
          // Reload once so that the buttons that depend on the outcome appear.
          window.location.reload();
        } else {
          window.setTimeout(poll, 1000);
        }
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
