/* orgpath: make inline diagrams zoomable (svg-pan-zoom), nothing else.
   The zoom buttons are the page's own (templates/_macros.html, shown once this runs);
   on the diagram, arrow keys pan, + and − zoom and 0 fits it again. */
(function () {
  "use strict";
  var PAN_STEP = 60; // px per arrow key press

  function setup(box) {
    var svg = box.querySelector("svg");
    if (!svg || typeof window.svgPanZoom !== "function") { return; }
    // Graphviz writes fixed pt sizes; let CSS size the SVG and keep the viewBox.
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    var pz = window.svgPanZoom(svg, {
      controlIconsEnabled: false,
      zoomScaleSensitivity: 0.3,
      minZoom: 0.3,
      maxZoom: 8,
      mouseWheelZoomEnabled: true,
      preventMouseEventsDefault: false,
      fit: true,
      center: true
    });
    // svg-pan-zoom moves every child into its viewport group; the chart's own <title> and
    // <desc> name and describe the SVG only as its direct children.
    var vp = svg.querySelector(".svg-pan-zoom_viewport");
    ["desc", "title"].forEach(function (tag) {
      var el = vp && vp.querySelector(":scope > " + tag);
      if (el) { svg.insertBefore(el, svg.firstChild); }
    });
    function act(what) {
      if (what === "in") { pz.zoomIn(); }
      else if (what === "out") { pz.zoomOut(); }
      else { pz.resetZoom(); pz.center(); }
    }
    var tools = box.parentNode.querySelector(".zoom-tools");
    if (tools) {
      tools.hidden = false;
      tools.addEventListener("click", function (e) {
        var b = e.target.closest("button[data-zoom-act]");
        if (b) { act(b.getAttribute("data-zoom-act")); }
      });
    }
    var pans = {ArrowLeft: [1, 0], ArrowRight: [-1, 0], ArrowUp: [0, 1], ArrowDown: [0, -1]};
    box.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey) { return; }
      if (e.key === "+" || e.key === "=") { act("in"); }
      else if (e.key === "-" || e.key === "−") { act("out"); }
      else if (e.key === "0") { act("fit"); }
      else if (pans[e.key] && e.target === box) {
        pz.panBy({x: pans[e.key][0] * PAN_STEP, y: pans[e.key][1] * PAN_STEP});
      } else { return; }
      e.preventDefault();
    });
    // A link focused by Tab inside the diagram is panned into view.
    box.addEventListener("focusin", function (e) {
      if (e.target === box) { return; }
      var f = box.getBoundingClientRect(), r = e.target.getBoundingClientRect();
      if (r.left >= f.left && r.right <= f.right && r.top >= f.top && r.bottom <= f.bottom) {
        return;
      }
      pz.panBy({x: (f.left + f.width / 2) - (r.left + r.width / 2),
                y: (f.top + f.height / 2) - (r.top + r.height / 2)});
    });
    window.addEventListener("resize", function () { pz.resize(); pz.fit(); pz.center(); });
    box.classList.add("zoom-ready");
  }
  function init() {
    var boxes = document.querySelectorAll("[data-zoom]");
    for (var i = 0; i < boxes.length; i++) { setup(boxes[i]); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else { init(); }
})();
