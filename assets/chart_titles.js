/* Chart titles wrap to their chart's width.
 *
 * Plotly draws a title on one line, so on a phone a long title (and most French or Spanish ones) runs past the
 * chart's edge and is cut off. Whenever a chart has been drawn or redrawn, a title wider than its chart is set
 * again with line breaks where it fits (`title.automargin` makes room for the extra lines); a chart drawn wider
 * again gets its one-line title back. The title the server wrote is kept in `data-title`.
 */
(function () {
  "use strict";

  var PADDING = 16;

  function wrap(text, chars) {
    var lines = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && (line + " " + word).length > chars) { lines.push(line); line = word; }
      else { line = line ? line + " " + word : word; }
    });
    return lines.concat(line ? [line] : []).join("<br>");
  }

  function fit(gd) {
    var drawn = gd.querySelector(".gtitle");
    var title = gd.layout && gd.layout.title;
    if (!drawn || !gd._fullLayout || !title || typeof title.text !== "string" || !window.Plotly) return;
    if (title.text.indexOf("<br>") < 0) {  // as the server wrote it: measured on one line
      gd.setAttribute("data-title", title.text);
      gd.setAttribute("data-title-char", drawn.getComputedTextLength() / title.text.length);
    }
    var text = gd.getAttribute("data-title"), perChar = Number(gd.getAttribute("data-title-char"));
    if (!text || !perChar) return;
    var wanted = wrap(text, Math.max(12, Math.floor((gd._fullLayout.width - PADDING) / perChar)));
    if (wanted !== title.text) window.Plotly.relayout(gd, {"title.text": wanted, "title.automargin": true});
  }

  var queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () {
      queued = false;
      document.querySelectorAll(".js-plotly-plot").forEach(fit);
    });
  }).observe(document.documentElement, {childList: true, subtree: true});
})();
