/* On pages that draw charts, start downloading what a chart needs alongside the page's other scripts.
 *
 * Dash fetches plotly.js and the graph component's code only when the first graph mounts, i.e. after the page's
 * layout has made its round trips, and Plotly fetches the world map's shapes only once it draws a map; on a slow
 * mobile link each waits for the one before. The URLs are the ones dash-renderer and Plotly use (plotly.js is
 * answered by web/plotlyjs.py), so their own requests reuse these downloads. Text-only pages (explainers,
 * forum, search) do not pay for them.
 */
(function () {
  "use strict";
  var CHART_PAGES = /^\/(embed\/)?(country\/[^/]+|indicator\/[^/]+|theme\/[^/]+|coverage|progress)?\/?$/;
  var MAP_PAGES = /^\/(embed\/)?(indicator\/[^/]+|progress)\/?$/;
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

  preload("/_dash-component-suites/plotly/package_data/plotly.min.js", "script");
  preload("/_dash-component-suites/dash/dcc/async-graph.js", "script");
  if (MAP_PAGES.test(path)) preload("/assets/topojson/world_110m.json", "fetch");
})();
