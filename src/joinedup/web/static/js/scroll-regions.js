// A wide table scrolls inside its box (.app-table-wrapper) rather than the page. A box that does
// scroll is put in the tab order, named by its table's caption, so that a keyboard user can
// focus it and scroll it with the arrow keys (WCAG 2.1.1; axe: scrollable-region-focusable).
// Boxes that fit are left out of the tab order: a stop with nothing to do slows a keyboard user.
// No inline script (the Content-Security-Policy allows the service's own files only).
(function () {
  "use strict";

  function mark(box) {
    if (box.scrollWidth > box.clientWidth + 1) {
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      var caption = box.querySelector("caption");
      if (caption) {
        if (!caption.id) {
          caption.id = "app-scroll-caption-" + Math.random().toString(36).slice(2);
        }
        box.setAttribute("aria-labelledby", caption.id);
      } else {
        box.setAttribute("aria-label", "Table, scrolls sideways");
      }
    } else if (box.getAttribute("tabindex") === "0") {
      box.removeAttribute("tabindex");
      box.removeAttribute("role");
      box.removeAttribute("aria-labelledby");
      box.removeAttribute("aria-label");
    }
  }

  function markAll() {
    Array.prototype.forEach.call(document.querySelectorAll(".app-table-wrapper"), mark);
  }

  markAll();
  window.addEventListener("resize", markAll);
  // htmx swaps in new tables (live pages); mark those too.
  document.addEventListener("htmx:afterSettle", markAll);
})();
