// Keyboard shortcuts for the comment list (j/k move, x select, t tag, a assign, / search), and the
// unsaved-form warning. Loaded as a file (the Content-Security-Policy allows no inline script).
(function () {
  "use strict";
  var rows = Array.prototype.slice.call(document.querySelectorAll("#comments tbody tr"));
  var current = -1;
  function focusRow(i) {
    if (!rows.length) return;
    if (current >= 0) rows[current].classList.remove("current");
    current = Math.max(0, Math.min(rows.length - 1, i));
    rows[current].classList.add("current");
    rows[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var tag = (e.target && e.target.tagName) || "";
    if (tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
    var el;
    switch (e.key) {
      case "j": focusRow(current + 1); break;
      case "k": focusRow(current - 1); break;
      case "x":
        if (current < 0) return;
        el = rows[current].querySelector("input[type=checkbox]");
        if (el) el.checked = !el.checked;
        break;
      case "t": el = document.getElementById("bulk-category"); if (el) el.focus(); break;
      case "a": el = document.getElementById("bulk-drafter"); if (el) el.focus(); break;
      case "/": el = document.getElementById("search"); if (el) el.focus(); break;
      case "Enter":
        if (current < 0) return;
        el = rows[current].querySelector("td.num a");
        if (el) window.location = el.getAttribute("href");
        break;
      default: return;
    }
    e.preventDefault();
  });
})();

// Answer and revision forms: a warning before leaving the page with text not yet saved
// (typed, or put back by the server after an inserted phrase or a refused save).
(function () {
  "use strict";
  var forms = Array.prototype.slice.call(document.querySelectorAll("form.guarded"));
  if (!forms.length) return;
  var dirty = forms.some(function (f) { return f.hasAttribute("data-unsaved"); });
  forms.forEach(function (f) {
    f.addEventListener("input", function () { dirty = true; });
    f.addEventListener("change", function () { dirty = true; });
    f.addEventListener("submit", function () { dirty = false; });
  });
  window.addEventListener("beforeunload", function (e) {
    if (!dirty) return;
    e.preventDefault();
    e.returnValue = "";
  });
})();
