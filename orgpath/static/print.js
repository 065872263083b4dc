/* orgpath: print diagrams whole. svg-pan-zoom (orgpath.js) takes each diagram's viewBox away
   and pans a transform instead; before printing, put the viewBox back and the transform away,
   so the SVG scales to the paper (orgpath.css @media print); after printing, undo it.
   Loaded before orgpath.js, so it sees the viewBox Graphviz wrote. */
(function () {
  "use strict";
  var svgs = document.querySelectorAll("[data-zoom] > svg");
  for (var i = 0; i < svgs.length; i++) {
    var vb = svgs[i].getAttribute("viewBox");
    if (vb) { svgs[i].setAttribute("data-print-viewbox", vb); }
  }
  var saved = [];
  window.addEventListener("beforeprint", function () {
    if (saved.length) { return; }
    var all = document.querySelectorAll("svg[data-print-viewbox]");
    for (var j = 0; j < all.length; j++) {
      var svg = all[j];
      var vp = svg.querySelector(".svg-pan-zoom_viewport");
      saved.push({svg: svg, vp: vp, viewBox: svg.getAttribute("viewBox"),
                  transform: vp && vp.getAttribute("transform"),
                  style: vp && vp.style.transform});
      svg.setAttribute("viewBox", svg.getAttribute("data-print-viewbox"));
      if (vp) { vp.removeAttribute("transform"); vp.style.transform = ""; }
    }
  });
  window.addEventListener("afterprint", function () {
    for (var j = 0; j < saved.length; j++) {
      var s = saved[j];
      if (s.viewBox === null) { s.svg.removeAttribute("viewBox"); }
      else { s.svg.setAttribute("viewBox", s.viewBox); }
      if (s.vp && s.transform !== null) { s.vp.setAttribute("transform", s.transform); }
      if (s.vp) { s.vp.style.transform = s.style; }
    }
    saved = [];
  });
})();
