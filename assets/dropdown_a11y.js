/* Keyboard and screen-reader order for Dash 4 dropdowns (dcc.Dropdown).
 *
 * Dash 4 renders each dropdown as a hidden focus target (<input aria-hidden="true" tabindex="0">) that forwards
 * focus to the labelled combobox button (tabindex="-1"). Tab therefore lands on an element hidden from assistive
 * technology (axe-core rule "aria-hidden-focus", serious). Giving the tab stop to the button itself keeps the
 * behaviour (Enter, Space or Arrow Down opens the list; typing searches) and names the control correctly.
 */
(function () {
  "use strict";

  function fix(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector("input.dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (target && button && target.tabIndex !== -1) {
        target.tabIndex = -1;
        button.tabIndex = 0;
      }
    });
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true });
})();
