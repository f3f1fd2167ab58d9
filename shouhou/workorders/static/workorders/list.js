/* The work-order list: <input data-check-all="ids"> ticks or clears every row's checkbox
   named "ids" in its form (no inline script: the Content-Security-Policy forbids them). */
(function () {
  "use strict";
  document.addEventListener("change", function (e) {
    var all = e.target.closest && e.target.closest("[data-check-all]");
    if (!all || !all.form) return;
    var name = all.getAttribute("data-check-all");
    all.form.querySelectorAll("input[type=checkbox][name='" + name + "']").forEach(function (c) {
      c.checked = all.checked;
    });
  });
})();
