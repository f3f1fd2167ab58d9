/* Page behaviours, from data attributes: no inline scripts or on* handlers, so the
   Content-Security-Policy can forbid them. Loaded with `defer` by core/base.html. */
(function () {
  "use strict";

  // <select data-autosubmit>: submit its form on change (the language switch).
  document.addEventListener("change", function (e) {
    var el = e.target.closest && e.target.closest("[data-autosubmit]");
    if (el && el.form) el.form.submit();
  });

  document.addEventListener("click", function (e) {
    var t = e.target.closest ? e.target.closest("[data-print],[data-confirm],[data-copy],[data-back]") : null;
    if (!t) return;
    if (t.hasAttribute("data-print")) { window.print(); return; }
    if (t.hasAttribute("data-back")) { e.preventDefault(); history.back(); return; }
    if (t.hasAttribute("data-confirm") && !window.confirm(t.getAttribute("data-confirm"))) {
      e.preventDefault();
      return;
    }
    if (t.hasAttribute("data-copy")) {
      var src = document.getElementById(t.getAttribute("data-copy"));
      if (!src) return;
      src.select();
      (navigator.clipboard ? navigator.clipboard.writeText(src.value) : Promise.reject())
        .catch(function () { document.execCommand("copy"); });
      if (t.dataset.done) t.textContent = t.dataset.done;
    }
  });

  // The menu's sections: one drop-down open at a time; a click elsewhere or Escape closes it.
  document.addEventListener("toggle", function (e) {
    var d = e.target;
    if (!d.hasAttribute || !d.hasAttribute("data-menu-section") || !d.open) return;
    document.querySelectorAll("details[data-menu-section][open]").forEach(function (o) {
      if (o !== d) o.open = false;
    });
  }, true);
  function closeMenus(except) {
    document.querySelectorAll("details[data-menu-section][open]").forEach(function (o) {
      if (!except || !o.contains(except)) o.open = false;
    });
  }
  document.addEventListener("click", function (e) { closeMenus(e.target); });
  document.addEventListener("keydown", function (e) { if (e.key === "Escape") closeMenus(null); });

  // <form data-submit-once>: a double click submits once (the idempotency key makes a replay
  // harmless anyway).
  document.addEventListener("submit", function (e) {
    var f = e.target;
    if (!f.hasAttribute || !f.hasAttribute("data-submit-once")) return;
    var b = f.querySelector("button[type=submit]");
    if (!b) return;
    if (b.dataset.sent) { e.preventDefault(); return; }
    b.dataset.sent = "1";
  });

  // <form data-signature-pad>: a <canvas> to sign on, [data-clear] to wipe it, the drawing
  // goes into <input name="signature"> as a PNG data URL; an empty pad is not submitted
  // (data-required-message, if set, tells why).
  function signaturePad(form) {
    var c = form.querySelector("canvas"), input = form.querySelector("input[name=signature]");
    if (!c || !input) return;
    var x = c.getContext("2d"), down = false, drawn = false;
    x.lineWidth = 2; x.lineCap = "round";
    function p(e) {
      var r = c.getBoundingClientRect();
      return [(e.clientX - r.left) * c.width / r.width, (e.clientY - r.top) * c.height / r.height];
    }
    c.addEventListener("pointerdown", function (e) { down = true; var q = p(e); x.beginPath(); x.moveTo(q[0], q[1]); });
    c.addEventListener("pointermove", function (e) { if (!down) return; var q = p(e); x.lineTo(q[0], q[1]); x.stroke(); drawn = true; });
    window.addEventListener("pointerup", function () { down = false; });
    var clear = form.querySelector("[data-clear]");
    if (clear) clear.addEventListener("click", function () { x.clearRect(0, 0, c.width, c.height); drawn = false; });
    form.addEventListener("submit", function (e) {
      if (!drawn) {
        e.preventDefault();
        if (form.dataset.requiredMessage) alert(form.dataset.requiredMessage);
        return;
      }
      input.value = c.toDataURL("image/png");
    });
  }
  function init() { document.querySelectorAll("form[data-signature-pad]").forEach(signaturePad); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
