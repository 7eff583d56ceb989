/* Chart titles wrap to their chart's width.
 *
 * Plotly draws a title on one line, so on a phone a long title (and most French or Spanish ones) runs past the
 * chart's edge and is cut off. Whenever a chart has been drawn or redrawn, a title wider than its chart is set
 * again with line breaks where it fits; a chart drawn wider again gets its one-line title back. The title the
 * server wrote is kept in `data-title`, its top margin in `data-title-top`.
 * Plotly places a title of several lines by its first line (with `title.automargin` too), so the other lines
 * reached above the chart or into the plot: once drawn, the title is moved down and the top margin widened by what
 * its lines measure.
 */
(function () {
  "use strict";

  var PADDING = 16, GAP = 6;

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
    if (wanted !== title.text) {
      if (!gd.hasAttribute("data-title-top")) gd.setAttribute("data-title-top", gd._fullLayout.margin.t);
      var placed = {"title.text": wanted, "title.automargin": false, "title.y": 1, "title.yanchor": "top", "title.pad.t": GAP};
      if (wanted.indexOf("<br>") < 0) placed["margin.t"] = Number(gd.getAttribute("data-title-top"));
      window.Plotly.relayout(gd, placed);
    } else if (wanted.indexOf("<br>") >= 0) {
      place(gd, drawn);  // on the next pass, once the wrapped title is drawn
    }
  }

  function place(gd, drawn) {
    var box = drawn.getBoundingClientRect(), top = gd.getBoundingClientRect().top;
    var pad = gd._fullLayout.title.pad.t, margin = gd._fullLayout.margin.t;
    var down = GAP - (box.top - top);  // how far the first line has to move for every line to show
    var needed = Math.max(Number(gd.getAttribute("data-title-top")) || 0, Math.ceil(box.bottom - top + down + 2 * GAP));
    if (Math.abs(down) > 1 || Math.abs(needed - margin) > 1) {
      window.Plotly.relayout(gd, {"title.pad.t": Math.max(0, pad + down), "margin.t": needed});
    }
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
