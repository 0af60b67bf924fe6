/* Make the menu and page-contents buttons of the article header work (see _ext/page_fixes.py).
 *
 * sphinx-book-theme 1.3.0 shows its own menu (.primary-toggle) and contents (.secondary-toggle)
 * buttons in the article header and hides the copies that pydata-sphinx-theme 0.17.1 puts in the
 * top navbar. Both themes' scripts bind only the first button of each kind on the page
 * (document.querySelector), which is the hidden navbar copy: a reader's click on a visible
 * button reaches no handler. This hands every such click to the bound copy, so the themes' own
 * code runs: below 992px it opens the sidebar as a dialog, above it the book theme collapses
 * or restores the sidebar.
 */
(() => {
  "use strict";

  const KINDS = [".primary-toggle", ".secondary-toggle"];

  window.addEventListener(
    "click",
    (event) => {
      const button = event.target.closest && event.target.closest(KINDS.join(","));
      if (!button) {
        return;
      }
      const kind = KINDS.find((selector) => button.matches(selector));
      const bound = document.querySelector(kind);
      if (!bound || bound === button) {
        return;
      }
      // Only the bound copy acts, also should a later theme version bind every button.
      event.preventDefault();
      event.stopImmediatePropagation();
      // A pointer click should not leave the button's tooltip up once the dialog closes and
      // focus returns to it; keyboard users (event.detail 0) keep the focus on the button.
      if (event.detail > 0) {
        button.blur();
      }
      bound.click();
    },
    true,
  );

  // A link followed inside a sidebar dialog closes the dialog: a link to a section of this
  // page would otherwise scroll the page behind a dialog that still covers it.
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a[href]");
    const dialog = link && link.closest("dialog[open]");
    if (dialog && dialog.id.startsWith("pst-") && dialog.id.endsWith("-sidebar-modal")) {
      dialog.close();
    }
  });
})();

/* Accessible names that contain what a control shows (WCAG 2.5.3; axe-core's
 * label-content-name-mismatch, checked by tests/test_accessibility.py).
 *
 * pydata-sphinx-theme 0.17.1 labels its search field "Search" although it shows
 * "Search Ctrl+K": without the label, a screen reader names the field by the text it shows.
 * Its colour-mode button is labelled "Color mode" and shows an icon whose tooltip ("Light",
 * "Dark", "System Settings") counts as visible text: the icons are decoration, the button's
 * label says what it does.
 */
(() => {
  "use strict";

  const fix = () => {
    for (const field of document.querySelectorAll(".search-button__button[aria-label]")) {
      if (field.textContent.trim()) {
        field.removeAttribute("aria-label");
      }
    }
    for (const icon of document.querySelectorAll(".theme-switch-button .theme-switch")) {
      icon.setAttribute("aria-hidden", "true");
    }
  };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", fix);
  } else {
    fix();
  }
})();

/* A display equation wider than the column scrolls in its own box (page-fixes.css); a reader
 * without a mouse must be able to scroll it too (WCAG 2.1.1; axe-core's
 * scrollable-region-focusable). As pydata-sphinx-theme does for code and tables, such an
 * equation becomes a tab stop while it overflows, and only then. */
(() => {
  "use strict";

  const update = () => {
    for (const equation of document.querySelectorAll('mjx-container[display="true"]')) {
      if (equation.scrollWidth > equation.clientWidth + 1) {
        equation.tabIndex = 0;
      } else {
        equation.removeAttribute("tabindex");
      }
    }
  };
  let timer = null;
  window.addEventListener("resize", () => {
    clearTimeout(timer);
    timer = setTimeout(update, 300);
  });
  window.addEventListener("load", () => {
    Promise.resolve(window.MathJax?.startup?.promise).then(update);
  });
})();
