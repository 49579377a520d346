// Fills in the risk-class counts of the directory list when the page went out without them.
(function () {
  "use strict";
  var box = document.getElementById("firm-counts");
  if (!box || !box.querySelector("[data-pending]")) { return; }
  fetch(box.dataset.url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
    .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
    .then(function (data) {
      box.textContent = "";
      var lead = document.createElement("span");
      lead.append("符合条件 ");
      var total = document.createElement("strong");
      total.dataset.testid = "total";
      total.textContent = data.total;
      lead.append(total, " 家：");
      box.append(lead);
      data.counts.forEach(function (c) {
        var item = document.createElement("span");
        item.className = "count risk-" + c.risk_class;
        var n = document.createElement("strong");
        n.dataset.testid = "count-" + c.risk_class;
        n.textContent = c.count;
        item.append(c.label + " ", n);
        box.append(item);
      });
    })
    .catch(function () {
      box.querySelector("[data-pending]").textContent = "统计数量暂时无法获取，请稍后刷新。";
    });
})();
