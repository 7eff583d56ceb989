/* Charts below the fold are drawn when the reader scrolls near them, not at page load.
 *
 * The server writes such a chart as a `.lazy-graph` placeholder of the graph's height holding the dcc.Graph's
 * JSON (dashboards/_components.py `lazy_graph`). Once the placeholder comes within 200 px of the viewport
 * (or the page is printed) the graph becomes its child through Dash's `set_props`, so Dash knows it like any
 * other component. Headline numbers and text never wait for Plotly, and a page draws only the charts it shows.
 * Printable pages (`.brief`) draw every chart at once, as does `window.delta87Charts.drawAll()` (tests use it).
 * Printing starts drawing the rest, but the print is laid out before Plotly has drawn them: a chart not drawn yet
 * prints as its table alternative instead of a blank box (print.css hides the placeholder, the table opens for the
 * print and closes after it).
 * A long table can wait in the page the same way, unrendered (`[data-deferred]`, dashboards/_views.py `Deferred`):
 * it becomes its placeholder's child when its <details> is opened, or at once (React's flushSync) when printing,
 * so the print holds the table without waiting for anything.
 */
(function () {
  "use strict";

  var SELECTOR = ".lazy-graph[data-graph]";
  var PRINTABLE = ".brief";

  function drawn(el) {
    return !!el.querySelector(".dash-graph");
  }

  function draw(el) {
    var setProps = window.dash_clientside && window.dash_clientside.set_props;
    if (!el.isConnected || drawn(el) || !setProps) return;
    setProps(el.id, {children: JSON.parse(el.getAttribute("data-graph"))});
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      draw(entry.target);
    });
  }, {rootMargin: "200px 0px"}) : null;

  function scan() {
    document.querySelectorAll(SELECTOR).forEach(function (el) {
      if (drawn(el)) return;
      if (observer && !el.closest(PRINTABLE)) {
        observer.unobserve(el);  // a placeholder React reused for another page's chart is watched afresh
        observer.observe(el);
      } else {
        draw(el);
      }
    });
  }

  function mount(el, now) {
    var setProps = window.dash_clientside && window.dash_clientside.set_props;
    if (!el.isConnected || el.firstChild || !setProps) return;
    var props = {children: JSON.parse(el.getAttribute("data-deferred"))};
    if (now && window.ReactDOM && window.ReactDOM.flushSync) {
      window.ReactDOM.flushSync(function () { setProps(el.id, props); });
    } else {
      setProps(el.id, props);
    }
  }

  function mountOpened(now) {
    document.querySelectorAll("details[open] [data-deferred]").forEach(function (el) { mount(el, now === true); });
  }

  function drawAll() {
    document.querySelectorAll(SELECTOR).forEach(draw);
  }

  var queued = false;
  new MutationObserver(function () {
    if (queued) return;
    queued = true;
    window.requestAnimationFrame(function () { queued = false; scan(); mountOpened(); });
  }).observe(document.documentElement, {childList: true, subtree: true});
  document.addEventListener("toggle", mountOpened, true);  // toggle does not bubble

  function beforePrint() {
    drawAll();
    document.querySelectorAll(".lazy-graph").forEach(function (el) {
      if (el.querySelector(".main-svg")) return;
      el.classList.add("print-pending");
      var figure = el.closest("figure");
      var table = figure && figure.querySelector(":scope > details:not([open])");
      if (table) {
        table.open = true;
        table.setAttribute("data-print-opened", "");
      }
    });
    mountOpened(true);
  }

  function afterPrint() {
    document.querySelectorAll(".print-pending").forEach(function (el) { el.classList.remove("print-pending"); });
    document.querySelectorAll("details[data-print-opened]").forEach(function (table) {
      table.open = false;
      table.removeAttribute("data-print-opened");
    });
  }

  window.addEventListener("beforeprint", beforePrint);
  window.addEventListener("afterprint", afterPrint);
  window.delta87Charts = {drawAll: drawAll};
})();
