/* On pages that draw charts, start downloading plotly.js alongside the page's other scripts.
 *
 * Dash fetches plotly.js only when the first graph mounts, i.e. after the page's layout and first callbacks
 * have made their round trips; on a slow mobile link that puts the largest file last in the queue. The URL is
 * the one dash-renderer gives the graphs (answered by web/plotlyjs.py), so the graph's own request reuses this
 * download. Text-only pages (explainers, forum, search) do not pay for it.
 */
(function () {
  "use strict";
  var CHART_PAGES = /^\/(embed\/)?(country\/[^/]+|indicator\/[^/]+|theme\/[^/]+|coverage)?\/?$/;
  if (window.Plotly || !CHART_PAGES.test(window.location.pathname)) return;
  var link = document.createElement("link");
  link.rel = "preload";
  link.as = "script";
  link.href = "/_dash-component-suites/plotly/package_data/plotly.min.js";
  document.head.appendChild(link);
})();
