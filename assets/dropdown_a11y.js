/* Keyboard and screen-reader order for Dash 4 dropdowns (dcc.Dropdown).
 *
 * 1. Dash 4 renders each dropdown as a hidden focus target (<input aria-hidden="true" tabindex="0">) that forwards
 *    focus to the labelled combobox button (tabindex="-1"). Tab therefore lands on an element hidden from assistive
 *    technology (axe-core rule "aria-hidden-focus", serious). Giving the tab stop to the button itself keeps the
 *    behaviour (Enter, Space or Arrow Down opens the list; typing searches) and names the control correctly. Dash
 *    gives the focus target its tab stop back whenever the dropdown loses focus, so it is taken again each time.
 * 2. Dash names the button by its value alone ("Any") and leaves the open list (a dialog holding a group of
 *    options) unnamed ("aria-dialog-name", "aria-input-field-name", serious): the field's own <label for> names
 *    all three. (assets/a11y.js turns the list's options into the plain inputs they hold.)
 */
(function () {
  "use strict";

  function label(button) {
    var field = button && button.id && document.querySelector('label[for="' + CSS.escape(button.id) + '"]');
    if (field && !field.id) field.id = button.id + "-label";
    return field;
  }

  function labelledBy(el, ids) {
    if (el.getAttribute("aria-labelledby") !== ids) el.setAttribute("aria-labelledby", ids);
  }

  function fix(root) {
    root.querySelectorAll(".dash-dropdown-wrapper").forEach(function (wrapper) {
      var target = wrapper.querySelector("input.dash-dropdown-focus-target");
      var button = wrapper.querySelector("button.dash-dropdown");
      if (target && button && target.tabIndex !== -1) {
        target.tabIndex = -1;
        button.tabIndex = 0;
      }
      var field = label(button);
      var own = button ? button.getAttribute("aria-labelledby") || "" : "";
      if (field && own.split(" ")[0] !== field.id) labelledBy(button, (field.id + " " + own).trim());  // "Indicators Any"
    });
    root.querySelectorAll(".dash-dropdown-content[id]").forEach(function (popup) {
      var field = label(document.querySelector('button.dash-dropdown[aria-controls="' + CSS.escape(popup.id) + '"]'));
      var list = popup.querySelector(".dash-dropdown-options");
      if (!field) return;
      labelledBy(popup, field.id);
      if (list) labelledBy(list, field.id);
    });
  }

  new MutationObserver(function () {
    fix(document);
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true, attributeFilter: ["tabindex"] });
})();
