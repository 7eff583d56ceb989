/* Chart tools under every chart: download as PNG or SVG, and share (link and embed code).
 *
 * The downloaded image is the chart as shown, with the section title above it and, below it, the chart's
 * source line (the first line of its caption) and the page's address, so a copy pasted into a report still
 * says where the numbers come from. Embed code points at /embed/<same path and query> (chart only).
 * `window.delta87Export.image(figureElement, "svg" | "png")` resolves with the image as a data URL (tests use it).
 */
(function () {
  "use strict";

  var FOOTER = 64;
  var TEXT = JSON.parse((document.getElementById("delta87-text") || {}).textContent || "{}");
  function t(words) { return TEXT[words] || words; }  // the page's language (dashboards/_switcher.py)


  function chartTitle(block) {
    var gd = block.querySelector(".js-plotly-plot");
    var title = gd && gd.layout && gd.layout.title;
    var own = gd && (gd.getAttribute("data-title") || title && (title.text || title));  // unwrapped: chart_titles.js
    if (typeof own === "string" && own) return own;
    var section = block.closest("section, .card, article, main") || document;
    var heading = section.querySelector("h2, h3, h1");
    return heading ? heading.textContent.trim() : document.title;
  }

  function sourceLine(block) {
    var caption = block.querySelector("figcaption");
    var first = caption && caption.firstElementChild;
    return first ? first.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function wrap(text, width) {
    var words = text.split(" "), lines = [], line = "";
    words.forEach(function (w) {
      if ((line + " " + w).length > width && line) { lines.push(line); line = w; } else { line = line ? line + " " + w : w; }
    });
    if (line) lines.push(line);
    return lines.join("<br>");
  }

  function image(block, format) {
    var gd = block.querySelector(".js-plotly-plot");
    var full = gd._fullLayout || {};
    var width = full.width || 800, height = (full.height || 450) + FOOTER + 40;
    var chars = Math.max(40, Math.floor(width / 6.5));
    var layout = JSON.parse(JSON.stringify(gd.layout || {}));
    var margin = layout.margin || {};
    layout.margin = Object.assign({}, margin, {t: (margin.t || 20) + 40, b: (margin.b || 40) + FOOTER});
    layout.title = {text: chartTitle(block), x: 0, xanchor: "left", font: {size: 15}};
    layout.width = width;
    layout.height = height;
    layout.annotations = (layout.annotations || []).concat([{
      text: wrap(sourceLine(block), chars) + "<br>" + window.location.href, showarrow: false, align: "left",
      xref: "paper", yref: "paper", x: 0, y: 0, xanchor: "left", yanchor: "top",
      yshift: -((margin.b || 40) + 6), font: {size: 10, color: "#444"}
    }]);
    var config = {topojsonURL: (gd._context && gd._context.topojsonURL) || "/assets/topojson/"};
    return window.Plotly.toImage({data: gd.data, layout: layout, config: config},
      {format: format, width: width, height: height});
  }

  function fileName(block) {
    var base = chartTitle(block).toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    return "delta87-" + (base || "chart");
  }

  function download(block, format) {
    image(block, format).then(function (url) {
      var a = document.createElement("a");
      a.href = url;
      a.download = fileName(block) + "." + format;
      document.body.appendChild(a);
      a.click();
      a.remove();
    });
  }

  function embedUrl(block) {
    var path = window.location.pathname.replace(/^\/embed\//, "/");
    var query = new URLSearchParams(window.location.search);
    var graph = block.querySelector(".dash-graph");
    if (graph && graph.id) query.set("chart", graph.id);
    return window.location.origin + "/embed" + path + "?" + query.toString();
  }

  function share(block) {
    var dialog = document.getElementById("chart-share");
    if (!dialog) {
      dialog = document.createElement("dialog");
      dialog.id = "chart-share";
      dialog.setAttribute("aria-labelledby", "chart-share-title");
      dialog.innerHTML = '<h2 id="chart-share-title" class="h5">' + t("Share this chart") + '</h2>' +
        '<label class="form-label small" for="chart-share-link">' + t("Link") + '</label>' +
        '<input id="chart-share-link" class="form-control form-control-sm mb-2" readonly>' +
        '<label class="form-label small" for="chart-share-embed">' + t("Embed code") + '</label>' +
        '<textarea id="chart-share-embed" class="form-control form-control-sm mb-2" rows="3" readonly></textarea>' +
        '<button type="button" class="btn btn-sm btn-secondary">' + t("Close") + '</button>';
      dialog.querySelector("button").addEventListener("click", function () { dialog.close(); });
      document.body.appendChild(dialog);
    }
    dialog.querySelector("#chart-share-link").value = window.location.href;
    dialog.querySelector("#chart-share-embed").value = '<iframe src="' + embedUrl(block) +
      '" title="' + chartTitle(block).replace(/"/g, "&quot;") +
      '" width="100%" height="520" style="border:0" loading="lazy"></iframe>';
    dialog.showModal();
  }

  function button(label, name, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "btn btn-link btn-sm p-0 me-3 chart-tool";
    b.textContent = label;
    b.setAttribute("aria-label", label + ": " + name);
    b.addEventListener("click", onClick);
    return b;
  }

  function addTools(block) {
    var frame = block.querySelector(".graph-frame");
    if (!frame || block.querySelector(".chart-tools")) return;
    var name = chartTitle(block);
    var tools = document.createElement("div");
    tools.className = "chart-tools small";
    tools.appendChild(button(t("Download PNG"), name, function () { download(block, "png"); }));
    tools.appendChild(button(t("Download SVG"), name, function () { download(block, "svg"); }));
    tools.appendChild(button(t("Share or embed"), name, function () { share(block); }));
    frame.insertAdjacentElement("afterend", tools);
  }

  function scan() {
    document.querySelectorAll("figure.chart-block").forEach(addTools);
    var embed = document.querySelector(".embed-page[data-chart]");
    if (embed) {  // an embed of one chart of a page: hide the page's other charts
      var keep = embed.getAttribute("data-chart");
      embed.querySelectorAll("figure.chart-block").forEach(function (block) {
        var graph = block.querySelector(".dash-graph, .lazy-graph");
        var id = graph && (graph.getAttribute("data-graph-id") || graph.id);
        block.hidden = !!id && id !== keep;
      });
    }
  }

  window.delta87Export = {image: function (block, format) { return image(block.closest("figure") || block, format); }};
  new MutationObserver(scan).observe(document.documentElement, {childList: true, subtree: true});
})();
