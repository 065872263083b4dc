/* orgpath: make inline diagrams zoomable (svg-pan-zoom), nothing else. */
(function () {
  "use strict";
  function setup(box) {
    var svg = box.querySelector("svg");
    if (!svg || typeof window.svgPanZoom !== "function") { return; }
    // Graphviz writes fixed pt sizes; let CSS size the SVG and keep the viewBox.
    svg.removeAttribute("width");
    svg.removeAttribute("height");
    svg.setAttribute("width", "100%");
    svg.setAttribute("height", "100%");
    var pz = window.svgPanZoom(svg, {
      controlIconsEnabled: true,
      zoomScaleSensitivity: 0.3,
      minZoom: 0.3,
      maxZoom: 8,
      mouseWheelZoomEnabled: true,
      preventMouseEventsDefault: false,
      fit: true,
      center: true
    });
    box.addEventListener("keydown", function (e) {
      if (e.key === "+" || e.key === "=") { pz.zoomIn(); e.preventDefault(); }
      else if (e.key === "-") { pz.zoomOut(); e.preventDefault(); }
      else if (e.key === "0") { pz.resetZoom(); pz.center(); e.preventDefault(); }
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
