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
