/* Accessibility repairs for what Dash 4 components render (axe-core serious or critical findings otherwise).
 *
 * 1. dcc.RadioItems / dcc.Checklist, and the open list of a dcc.Dropdown, render a role="listbox" of
 *    <label role="option"> elements, each wrapping a real <input> (radio or checkbox, which is what takes focus):
 *    an unnamed listbox ("aria-input-field-name") whose options hold inputs ("nested-interactive"). The inputs
 *    already carry the semantics, so the list becomes a radiogroup/group and the labels plain labels.
 * 2. dash_table's pagination buttons hold only an icon ("button-name"), its page box only a placeholder: they get
 *    their names.
 * 3. A region that scrolls sideways on a narrow screen (code blocks, tables) must be reachable by keyboard
 *    ("scrollable-region-focusable"): it becomes a tab stop while it scrolls.
 * 4. dash_table takes Tab to move between its cells, even with no cell chosen and from its page number box: a
 *    keyboard that reached a table could not leave it. Our tables are read-only: Tab moves on, as on any page.
 * 5. A Plotly chart is an SVG of loose labels and tick numbers to a screen reader: it becomes one picture named by
 *    its title; the summary and the table under each chart hold its numbers as text.
 * 6. A number field's −/+ buttons repeat what its Up and Down arrow keys do (a spin button): they are no tab stops.
 * 7. Escape closes the navigation menu opened on a narrow screen and returns focus to its button.
 */
(function () {
  "use strict";

  var TEXT = JSON.parse((document.getElementById("delta87-text") || {}).textContent || "{}");
  function t(words) { return TEXT[words] || words; }  // the page's language (dashboards/_switcher.py)
  var PAGER = {"first-page": t("First page"), "previous-page": t("Previous page"), "next-page": t("Next page"),
               "last-page": t("Last page")};
  var SCROLLERS = "pre, table, .dash-spreadsheet-container, .table-responsive, .coverage-scroll";

  function optionLists(root) {
    root.querySelectorAll(".dash-radioitems, .dash-checklist, .dash-dropdown-options").forEach(function (list) {
      if (list.getAttribute("role") === "listbox") {
        list.setAttribute("role", list.querySelector("input[type=radio]") ? "radiogroup" : "group");
      }
      list.querySelectorAll("label[role], label[aria-selected]").forEach(function (label) {
        label.removeAttribute("role");
        label.removeAttribute("aria-selected");
      });
    });
  }

  function pagers(root) {
    Object.keys(PAGER).forEach(function (cls) {
      root.querySelectorAll(".previous-next-container button." + cls + ":not([aria-label])").forEach(function (b) {
        b.setAttribute("aria-label", PAGER[cls]);
      });
    });
    root.querySelectorAll(".previous-next-container input.current-page:not([aria-label])").forEach(function (box) {
      box.setAttribute("aria-label", t("Page number"));
    });
  }

  function scrollers(root) {
    root.querySelectorAll(SCROLLERS).forEach(function (el) {
      var scrolls = el.scrollWidth > el.clientWidth + 1 && getComputedStyle(el).overflowX !== "visible";
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-a11y-scroll", "");
      } else if (!scrolls && el.hasAttribute("data-a11y-scroll")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-a11y-scroll");
      }
    });
  }

  function charts(root) {
    root.querySelectorAll(".js-plotly-plot").forEach(function (gd) {
      var title = gd.getAttribute("data-title") || (gd.layout && gd.layout.title && gd.layout.title.text);
      if (typeof title !== "string" || !title) return;
      var name = title.replace(/<br>/g, " ").replace(/<[^>]+>/g, "");
      if (gd.getAttribute("aria-label") !== name) {
        gd.setAttribute("role", "img");
        gd.setAttribute("aria-label", name);
      }
    });
  }

  function steppers(root) {
    root.querySelectorAll(".dash-input-stepper:not([tabindex])").forEach(function (button) {
      button.tabIndex = -1;
      button.setAttribute("aria-label", t(button.getAttribute("aria-label")));
    });
  }

  var queued = false;
  function fixAll() {
    queued = false;
    optionLists(document);
    pagers(document);
    scrollers(document);
    charts(document);
    steppers(document);
  }
  function schedule() {
    if (!queued) {
      queued = true;
      window.requestAnimationFrame(fixAll);
    }
  }

  new MutationObserver(schedule).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["role", "aria-selected"]
  });
  window.addEventListener("resize", schedule);
  document.addEventListener("keydown", function (event) {  // before React's handlers, which run at its root
    if (event.key === "Tab" && event.target.closest && event.target.closest(".dash-table-container")) {
      event.stopPropagation();
    }
    var menu = document.getElementById("shell-toggler"), inNavbar = event.target.closest && event.target.closest(".navbar");
    if (event.key === "Escape" && inNavbar && menu && menu.getAttribute("aria-expanded") === "true") {
      menu.click();
      menu.focus();
    }
  }, true);
})();
