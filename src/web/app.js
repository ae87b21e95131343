// Keyboard shortcuts for the comment list: j/k move, x select, t tag, a assign, / search.
// Loaded as a file (the Content-Security-Policy allows no inline script).
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
