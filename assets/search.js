/* Learning space and search helpers (served from assets/, loaded by Dash on every page).
 *
 * 1. Pressing "/" anywhere outside a text field focuses the shell search box (#shell-search), as on many sites.
 * 2. Dash renders pages after the browser has tried to scroll to a #anchor, so after each page load or
 *    in-app navigation we scroll to the anchored element (e.g. /learn/glossary#forced-labour) once it exists.
 */
(function () {
  "use strict";

  function isTyping(target) {
    if (!target) return false;
    var tag = (target.tagName || "").toLowerCase();
    return tag === "input" || tag === "textarea" || tag === "select" || target.isContentEditable;
  }

  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || isTyping(event.target)) return;
    var box = document.getElementById("shell-search");
    if (!box) return;
    event.preventDefault();
    box.focus();
    if (box.select) box.select();
  });

  function scrollToHash() {
    var id = decodeURIComponent((window.location.hash || "").slice(1));
    if (!id) return;
    var tries = 0;
    var timer = window.setInterval(function () {
      var target = document.getElementById(id);
      tries += 1;
      if (target) {
        window.clearInterval(timer);
        target.scrollIntoView();
        if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
        target.focus({ preventScroll: true });
      } else if (tries > 50) {
        window.clearInterval(timer);
      }
    }, 100);
  }

  window.addEventListener("load", scrollToHash);
  window.addEventListener("hashchange", scrollToHash);
  // dcc.Link navigations use history.pushState and tell other dcc.Location components with this event.
  window.addEventListener("_dashprivate_pushstate", function () { window.setTimeout(scrollToHash, 0); });
  window.addEventListener("popstate", scrollToHash);
})();
