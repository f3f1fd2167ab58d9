/* The dispatch board: drag an order from the side list onto a technician's hour. The drop
   fills the hidden htmx form #board-dispatch and submits it; the server runs every check
   (permit, roster, double booking) and sends the board back with the result. No inline
   script (CSP); SortableJS is served from the project's static files. */
(function () {
  "use strict";

  function submitDrop(slot, order) {
    var form = document.getElementById("board-dispatch");
    if (!form) return;
    form.querySelector("[name=order]").value = order;
    form.querySelector("[name=technician]").value = slot.dataset.technician;
    form.querySelector("[name=starts_at]").value = slot.dataset.start;
    if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true, bubbles: true }));
  }

  function init(root) {
    if (!window.Sortable || !root.querySelector) return;
    var src = root.querySelector("[data-board-source]");
    if (!src || src.dataset.sortable) return;
    src.dataset.sortable = "1";
    window.Sortable.create(src, {
      group: { name: "board", pull: "clone", put: false },
      sort: false,
      filter: "details, input, select, button, a, summary",
      preventOnFilter: false
    });
    root.querySelectorAll("[data-slot]").forEach(function (slot) {
      window.Sortable.create(slot, {
        group: { name: "board", pull: false, put: true },
        sort: false,
        onAdd: function (evt) {
          var order = evt.item.dataset.order;
          evt.item.parentNode.removeChild(evt.item);
          submitDrop(slot, order);
        }
      });
    });
  }

  document.addEventListener("htmx:load", function (e) { init(document); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", function () { init(document); });
  else init(document);
})();
