/* Start downloading what a chart needs as early as the page's first view needs it, and no earlier.
 *
 * Dash fetches plotly.js and the graph component's code only when the first graph mounts, i.e. after the page's
 * layout has made its round trips, and Plotly fetches the world map's shapes only once it draws a map; on a slow
 * mobile link each waits for the one before. Pages whose first view holds a chart (the map pages, the coverage
 * matrix, the overview's estimate charts on a screen wide enough to show its headline cards in one row) start
 * them alongside the page's other scripts. Pages whose charts all lie below the fold (country pages, the overview
 * on a phone) start them once their first view has shown, so the 400 kB do not slow that view down on a slow
 * link. The URLs are the ones dash-renderer and Plotly use (plotly.js is answered by web/plotlyjs.py), so their
 * own requests reuse these downloads. Text-only pages (explainers, forum, search) do not pay for them.
 */
(function () {
  "use strict";
  var CHART_PAGES = /^\/(embed\/)?(country\/[^/]+|indicator\/[^/]+|theme\/[^/]+|coverage|progress)?\/?$/;
  var MAP_PAGES = /^\/(embed\/)?(indicator\/[^/]+|progress)\/?$/;
  var BELOW_THE_FOLD = /^\/country\/[^/]+\/?$/;
  var path = window.location.pathname;
  if (window.Plotly || !CHART_PAGES.test(path)) return;

  function preload(href, as) {
    var link = document.createElement("link");
    link.rel = "preload";
    link.as = as;
    link.href = href;
    if (as === "fetch") link.crossOrigin = "anonymous";
    document.head.appendChild(link);
  }

  function preloadCharts() {
    preload("/_dash-component-suites/plotly/package_data/plotly.min.js", "script");
    preload("/_dash-component-suites/dash/dcc/async-graph.js", "script");
    if (MAP_PAGES.test(path)) preload("/assets/topojson/world_110m.json", "fetch");
  }

  var later = BELOW_THE_FOLD.test(path) || (path === "/" && !window.matchMedia("(min-width: 992px)").matches);
  if (!later) {
    preloadCharts();
    return;
  }
  var shown = new MutationObserver(function () {
    if (!document.querySelector("#_pages_content > *")) return;
    shown.disconnect();
    preloadCharts();
  });
  shown.observe(document.documentElement, {childList: true, subtree: true});
})();
