/* orgpath org explorer: the whole org, laid out by the server (layout.json), drawn in view.
 *
 * Far away, a canvas draws department-coloured blocks (pixels when boxes are tiny); once a
 * name would be at least 9 px tall, the people in view become DOM boxes (data-person-id,
 * one roving-tabindex tree) in a layer moved by one CSS transform. d3-zoom does the
 * dragging, wheel (the maps pattern: only with Ctrl/Cmd or after a click) and pinch.
 * Focus, open teams and zoom live in the URL (?focus=&open=&shut=&z=).
 *
 * A box shows the photo (lazy <img alt="">, from the server's photo route) or initials in a
 * circle, the name, and the title (the ladder role's title in the page's language when the
 * person has none) on at most two lines: a long title is set smaller (11, 10, then 9 px),
 * then takes the photo's width; past that the box shows what fits and the whole title is
 * in the tooltip and the box's accessible name. Dotted-line managers are dashed connectors
 * drawn for the box pointed at or focused (and the search hit); on a person page
 * (data-mode="person") for that person all the time. Nothing per frame grows with the org.
 */
(function () {
  "use strict";
  var PALETTE = ["#2b6cb0", "#c05621", "#2f855a", "#6b46c1", "#b7791f", "#c53030",
                 "#2c7a7b", "#97266d", "#4a5568", "#276749", "#9c4221", "#553c9a"];
  var NAME_PX = 12;           // a box's name font size in world units
  var READABLE = 9 / NAME_PX; // scale at which names are 9 px on screen
  var MAX_BOXES = 800;        // DOM boxes drawn at most (the view holds far fewer)
  var DEFAULT_DEPTH = 1;      // teams open at first: the top person's and their reports'
  var MAX_URL_IDS = 200;
  var TITLE_PX = [11, 10, 9]; // title font sizes tried, largest first (never under 9 px)
  var FACE = 34;              // the photo or initials circle, world units
  var SVGNS = "http://www.w3.org/2000/svg";

  function initials(name) {
    var parts = (name || "").trim().split(/\s+/).filter(Boolean);
    if (!parts.length) { return "?"; }
    var a = Array.from(parts[0])[0] || "", b = parts.length > 1 ? Array.from(parts[parts.length - 1])[0] || "" : "";
    return (a + b).toUpperCase();
  }

  function fold(s) {
    return s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function Explorer(root) {
    this.root = root;
    this.t = root.dataset;
    this.frame = root.querySelector(".explorer-frame");
    this.canvas = root.querySelector(".explorer-canvas");
    this.layer = root.querySelector(".explorer-layer");
    this.tree = root.querySelector(".explorer-boxes");
    this.mini = root.querySelector(".explorer-minimap");
    this.input = root.querySelector("#explorer-q");
    this.hitsList = root.querySelector("#explorer-hits");
    this.count = root.querySelector("#explorer-count");
    this.selected = root.querySelector("#explorer-selected");
    this.legend = root.querySelector(".explorer-legend");
    this.boxes = new Map();   // index -> element
    this.current = 0;         // the tree's one tab stop
    this.hit = -1;
    this.armed = false;       // the wheel zooms after a click on the chart
    this.pending = false;
    this.transform = null;
    this.mode = root.dataset.mode || "org";  // "person": opened on data-focus, URL left alone
    this.pointed = -1;                       // the box pointed at or focused (dotted lines)
    this.dottedKey = "";
    this.fits = new Map();                   // "t"+title, "n"/"w"+name -> font sizes (measured once)
  }

  Explorer.prototype.load = function (data) {
    var n = data.ids.length, i;
    this.d = data;
    this.n = n;
    this.bw = data.box[0];
    this.bh = data.box[1];
    this.x = Float64Array.from(data.x);
    this.y = Float64Array.from(data.y);
    this.parent = Int32Array.from(data.parent);
    this.dept = Int16Array.from(data.dept);
    this.size = new Int32Array(n).fill(1);   // subtree sizes: a preorder subtree is i..i+size-1
    this.depth = new Int32Array(n);
    for (i = n - 1; i > 0; i--) { if (this.parent[i] >= 0) { this.size[this.parent[i]] += this.size[i]; } }
    for (i = 0; i < n; i++) { if (this.parent[i] >= 0) { this.depth[i] = this.depth[this.parent[i]] + 1; } }
    this.index = new Map();
    for (i = 0; i < n; i++) { this.index.set(data.ids[i], i); }
    this.vacant = new Uint8Array(n);
    data.vacant.forEach(function (v) { this.vacant[v] = 1; }, this);
    this.open = new Uint8Array(n);
    for (i = 0; i < n; i++) { if (this.depth[i] < DEFAULT_DEPTH + 1 && this.size[i] > 1) { this.open[i] = 1; } }
    this.visible = new Uint8Array(n);
    var lang = document.documentElement.lang || "en";
    var roles = data.roles ? (data.roles[lang] || data.roles.en || []) : [];
    this.titles = data.titles.slice();        // own title, else the ladder role's (page language)
    (data.role || []).forEach(function (pr) { if (!this.titles[pr[0]]) { this.titles[pr[0]] = roles[pr[1]] || ""; } }, this);
    this.w = data.words ? (data.words[lang] || data.words.en) : {};
    this.photo = new Uint8Array(n);
    (data.photo || []).forEach(function (v) { this.photo[v] = 1; }, this);
    this.up = new Map();    // i -> dotted-line managers
    this.down = new Map();  // i -> people with a dotted line to i
    (data.dotted || []).forEach(function (pr) {
      (this.up.get(pr[0]) || this.up.set(pr[0], []).get(pr[0])).push(pr[1]);
      (this.down.get(pr[1]) || this.down.set(pr[1], []).get(pr[1])).push(pr[0]);
    }, this);
    this.colours = data.departments.map(function (_, k) { return PALETTE[k % PALETTE.length]; });
    this.rgb = this.colours.map(function (c) {
      var v = parseInt(c.slice(1), 16);
      return (255 << 24) | ((v & 255) << 16) | (((v >> 8) & 255) << 8) | (v >> 16);
    });
    this.drawLegend();
  };

  Explorer.prototype.kids = function (i) {
    var out = [], j = i + 1, end = i + this.size[i];
    while (j < end) { out.push(j); j += this.size[j]; }
    return out;
  };

  Explorer.prototype.recompute = function () {
    if (this.localShow) { this.visible.set(this.localShow); return; }
    var p = this.parent, v = this.visible, o = this.open;
    for (var i = 0; i < this.n; i++) { v[i] = p[i] < 0 ? 1 : (v[p[i]] && o[p[i]]) ? 1 : 0; }
  };

  Explorer.prototype.drawLegend = function () {
    var ul = this.legend;
    function item(cls, text, colour) {
      var li = document.createElement("li"), sw = document.createElement("span");
      sw.className = "swatch " + cls;
      if (colour) { sw.style.background = colour; }
      li.appendChild(sw);
      li.appendChild(document.createTextNode(text));
      ul.appendChild(li);
      return li;
    }
    this.d.departments.forEach(function (name, k) { item("dept", name, this.colours[k]); }, this);
    var w = this.w;
    if (this.d.vacant.length && w.legend_vacant) { item("vacant", w.legend_vacant).dataset.key = "vacant"; }
    if (this.n > 1 && w.legend_headcount) {
      var li = item("count", w.legend_headcount);
      li.dataset.key = "headcount";
      li.firstChild.textContent = "12";
    }
    if (this.up.size && w.dotted_hint) { item("dotted", w.dotted_hint).dataset.key = "dotted"; }
  };

  // --- view -------------------------------------------------------------------------------

  Explorer.prototype.size2d = function () {
    return [this.frame.clientWidth, this.frame.clientHeight];
  };

  Explorer.prototype.fitScale = function () {
    var s = this.size2d();
    return Math.min(s[0] / (this.d.width + 20), s[1] / (this.d.height + 20));
  };

  Explorer.prototype.schedule = function () {
    if (this.pending) { return; }
    this.pending = true;
    var self = this;
    requestAnimationFrame(function () { self.pending = false; self.draw(); });
  };

  Explorer.prototype.draw = function () {
    var t = this.transform, s = this.size2d(), w = s[0], h = s[1];
    var dpr = window.devicePixelRatio || 1;
    var c = this.canvas;
    if (c.width !== Math.round(w * dpr) || c.height !== Math.round(h * dpr)) {
      c.width = Math.round(w * dpr); c.height = Math.round(h * dpr);
      c.style.width = w + "px"; c.style.height = h + "px";
    }
    var ctx = c.getContext("2d");
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    var k = t.k, x0 = -t.x / k, y0 = -t.y / k, x1 = x0 + w / k, y1 = y0 + h / k;
    var readable = k >= READABLE;
    var inView = [];
    var X = this.x, Y = this.y, V = this.visible, bw = this.bw, bh = this.bh;
    for (var i = 0; i < this.n; i++) {
      if (V[i] && X[i] + bw >= x0 && X[i] <= x1 && Y[i] + bh >= y0 && Y[i] <= y1) { inView.push(i); }
    }
    this.inView = inView;
    if (k * bw < 3) {
      this.drawPixels(ctx, inView, t, c.width, c.height, dpr);
    } else {
      ctx.setTransform(dpr * k, 0, 0, dpr * k, dpr * t.x, dpr * t.y);
      if (k >= 0.05) { this.drawLines(ctx, inView, k); }
      if (!readable) { this.drawBlocks(ctx, inView); }
    }
    this.layer.style.transform = "translate(" + t.x + "px," + t.y + "px) scale(" + k + ")";
    this.syncBoxes(readable && inView.length <= MAX_BOXES ? inView : []);
    this.drawDotted();
    this.drawMinimap(x0, y0, x1, y1);
  };

  Explorer.prototype.drawPixels = function (ctx, list, t, W, H, dpr) {
    if (!this.img || this.img.width !== W || this.img.height !== H) {
      this.img = ctx.createImageData(W, H);
      this.buf = new Uint32Array(this.img.data.buffer);
    }
    var img = this.img, buf = this.buf;
    buf.fill(0);
    var k = t.k * dpr, ox = t.x * dpr, oy = t.y * dpr;
    var bw = Math.max(1, Math.round(this.bw * k)), bh = Math.max(1, Math.round(this.bh * k));
    for (var m = 0; m < list.length; m++) {
      var i = list[m], px = Math.floor(this.x[i] * k + ox), py = Math.floor(this.y[i] * k + oy);
      var col = this.dept[i] >= 0 ? this.rgb[this.dept[i]] : 0xff808080;
      if (i === this.hit) { col = 0xff000000; }
      for (var yy = Math.max(0, py); yy < Math.min(H, py + bh); yy++) {
        var row = yy * W;
        for (var xx = Math.max(0, px); xx < Math.min(W, px + bw); xx++) { buf[row + xx] = col; }
      }
    }
    ctx.putImageData(img, 0, 0);
  };

  Explorer.prototype.drawLines = function (ctx, list, k) {
    ctx.beginPath();
    var half = this.bw / 2, P = this.parent, X = this.x, Y = this.y, bh = this.bh;
    var local = !!this.localShow;
    for (var m = 0; m < list.length; m++) {
      var i = list[m], p = P[i];
      if (p < 0) { continue; }
      var cx = X[i] + half, py = Y[p] + bh, mid = Y[i] - (Y[i] - py) / 2;
      if (Y[i] <= Y[p]) { continue; }
      if (local) { mid = Y[i] - Math.min(20, (Y[i] - py) / 2); }  // in the gap above the row
      if (!local && Math.abs(X[i] - X[p]) < this.bw && Y[i] - Y[p] < 2.5 * bh) {  // compact column
        ctx.moveTo(X[p] + 8, py); ctx.lineTo(X[p] + 8, Y[i] + bh / 2); ctx.lineTo(X[i], Y[i] + bh / 2);
      } else {
        ctx.moveTo(X[p] + half, py); ctx.lineTo(X[p] + half, mid); ctx.lineTo(cx, mid); ctx.lineTo(cx, Y[i]);
      }
    }
    ctx.lineWidth = 1.2 / k;
    ctx.strokeStyle = "#718096";
    ctx.stroke();
  };

  Explorer.prototype.drawBlocks = function (ctx, list) {
    var byDept = {};
    for (var m = 0; m < list.length; m++) {
      var key = this.dept[list[m]];
      (byDept[key] || (byDept[key] = [])).push(list[m]);
    }
    for (var key2 in byDept) {
      ctx.fillStyle = key2 >= 0 ? this.colours[key2] : "#808080";
      ctx.beginPath();
      var ids = byDept[key2];
      for (var j = 0; j < ids.length; j++) { ctx.rect(this.x[ids[j]], this.y[ids[j]], this.bw, this.bh); }
      ctx.fill();
    }
    if (this.hit >= 0 && this.visible[this.hit]) {
      ctx.lineWidth = 6 / this.transform.k;
      ctx.strokeStyle = "#000";
      ctx.strokeRect(this.x[this.hit], this.y[this.hit], this.bw, this.bh);
    }
  };

  Explorer.prototype.drawMinimap = function (x0, y0, x1, y1) {
    var m = this.mini, ctx = m.getContext("2d"), W = m.width, H = m.height;
    var sx = W / this.d.width, sy = H / this.d.height;
    if (!this.miniBase) {
      var off = document.createElement("canvas");
      off.width = W; off.height = H;
      var o = off.getContext("2d");
      o.fillStyle = "#fff"; o.fillRect(0, 0, W, H);
      for (var i = 0; i < this.n; i++) {
        o.fillStyle = this.dept[i] >= 0 ? this.colours[this.dept[i]] : "#808080";
        o.fillRect(this.x[i] * sx, this.y[i] * sy, Math.max(1, this.bw * sx), Math.max(1, this.bh * sy));
      }
      this.miniBase = off;
    }
    ctx.drawImage(this.miniBase, 0, 0);
    ctx.strokeStyle = "#1a202c";
    ctx.lineWidth = 2;
    ctx.strokeRect(Math.max(0, x0 * sx), Math.max(0, y0 * sy),
                   Math.max(3, Math.min(W, (x1 - x0) * sx)), Math.max(3, Math.min(H, (y1 - y0) * sy)));
  };

  // --- boxes (DOM, readable zoom) ---------------------------------------------------------

  Explorer.prototype.titleFit = function (title) {
    // [font px, wide (no face column), fits]: measured once per distinct title with canvas text
    var got = this.fits.get("t" + title);
    if (got) { return got; }
    if (!this.measure) {
      this.measure = document.createElement("canvas").getContext("2d");
      this.font = getComputedStyle(this.tree).fontFamily || "sans-serif";
    }
    var m = this.measure, narrow = this.bw - 6 - 1 - 12 - FACE - 5, wide = this.bw - 6 - 1 - 12;
    function lines(px, width) {
      m.font = px + "px " + this.font;
      var words = title.split(/\s+/), n = 1, line = "";
      for (var j = 0; j < words.length; j++) {
        var next = line ? line + " " + words[j] : words[j];
        if (m.measureText(next).width <= width) { line = next; continue; }
        if (!line) { return 99; }     // one word wider than the box
        n++; line = words[j];
        if (m.measureText(line).width > width) { return 99; }
      }
      return n;
    }
    got = null;
    for (var pass = 0; pass < 2 && !got; pass++) {
      for (var f = 0; f < TITLE_PX.length; f++) {
        if (lines.call(this, TITLE_PX[f], pass ? wide : narrow) <= 2) { got = [TITLE_PX[f], pass === 1, true]; break; }
      }
    }
    got = got || [TITLE_PX[TITLE_PX.length - 1], true, false];
    this.fits.set("t" + title, got);
    return got;
  };

  Explorer.prototype.nameFit = function (name, wide) {
    // the name's font size: 12 px, or 11 or 10 when that is what fits on one line
    var key = (wide ? "w" : "n") + name, got = this.fits.get(key);
    if (got) { return got; }
    this.titleFit("");  // sets up the measuring canvas
    var width = this.bw - 6 - 1 - 12 - (wide ? 24 : FACE + 5), m = this.measure;
    got = 10;
    for (var px = NAME_PX; px >= 10; px--) {
      m.font = "bold " + px + "px " + this.font;
      if (m.measureText(name).width <= width) { got = px; break; }
    }
    this.fits.set(key, got);
    return got;
  };

  Explorer.prototype.photoUrl = function (i) {
    var u = this.d.photo_url.replace("__ID__", encodeURIComponent(this.d.ids[i]));
    return (window.devicePixelRatio || 1) > 1.5 ? u + "?size=192" : u;
  };

  Explorer.prototype.makeBox = function (i) {
    var d = this.d, el = document.createElement("div");
    el.className = "op-box" + (this.vacant[i] ? " vacant" : "");
    el.setAttribute("role", "treeitem");
    el.dataset.personId = d.ids[i];
    el.dataset.i = i;
    el.style.left = this.x[i] + "px";
    el.style.top = this.y[i] + "px";
    el.style.width = this.bw + "px";
    el.style.height = this.bh + "px";
    if (this.dept[i] >= 0) { el.style.borderLeftColor = this.colours[this.dept[i]]; }
    el.setAttribute("aria-level", this.depth[i] + 1);
    var sibs = this.parent[i] >= 0 ? this.kids(this.parent[i]) : [i];
    el.setAttribute("aria-setsize", sibs.length);
    el.setAttribute("aria-posinset", sibs.indexOf(i) + 1);
    var who = this.vacant[i] ? (d.names[i] || this.t.tVacant) : d.names[i];
    var title = this.titles[i], fit = title ? this.titleFit(title) : [TITLE_PX[0], false, true];
    var dept = this.dept[i] >= 0 ? d.departments[this.dept[i]] : "";
    var count = this.size[i] - 1;
    // the accessible name and tooltip say everything the box shows (and the whole title)
    var label = [who, title, dept].filter(Boolean).join(", ") +
      (count > 0 ? ", " + count.toLocaleString(document.documentElement.lang) + " " + this.t.tReports : "");
    el.setAttribute("aria-label", label);
    el.title = label;
    if (!fit[1]) {
      var face = document.createElement("span");
      face.className = "op-face";
      face.setAttribute("aria-hidden", "true");
      if (this.photo[i] && d.photo_url) {
        var img = document.createElement("img");
        img.alt = "";
        img.loading = "lazy";
        img.decoding = "async";
        img.width = FACE; img.height = FACE;
        img.src = this.photoUrl(i);
        img.addEventListener("error", function () { face.textContent = initials(who); face.classList.add("initials"); });
        face.appendChild(img);
      } else {
        face.classList.add("initials");
        face.textContent = this.vacant[i] && !d.names[i] ? "–" : initials(who);
        if (this.dept[i] >= 0) { face.style.borderColor = this.colours[this.dept[i]]; }
      }
      el.appendChild(face);
    } else {
      el.classList.add("wide");
    }
    var text = document.createElement("span");
    text.className = "op-text";
    var name = document.createElement("span");
    name.className = "op-name";
    name.textContent = who;
    var npx = this.nameFit(who || "", fit[1]);
    if (npx !== NAME_PX) { name.style.fontSize = npx + "px"; }
    text.appendChild(name);
    if (title) {
      var t = document.createElement("span");
      t.className = "op-title" + (fit[2] ? "" : " overflow");
      t.style.fontSize = fit[0] + "px";
      t.textContent = title;
      text.appendChild(t);
    }
    el.appendChild(text);
    if (count > 0) {
      el.classList.add("has-count");
      var badge = document.createElement("span");
      badge.className = "op-count";
      badge.setAttribute("aria-hidden", "true");
      badge.textContent = count.toLocaleString(document.documentElement.lang);
      el.appendChild(badge);
    }
    return el;
  };

  // --- dotted lines (the box pointed at or focused, the search hit, a person page's person) ---

  Explorer.prototype.shownAs = function (i) {
    while (i >= 0 && !this.visible[i]) { i = this.parent[i]; }  // the closed team it is in
    return i;
  };

  Explorer.prototype.dottedFor = function () {
    if (this.pointed >= 0) { return this.pointed; }
    if (this.hit >= 0) { return this.hit; }
    return this.mode === "person" && this.focus !== undefined ? this.focus : -1;
  };

  Explorer.prototype.drawDotted = function () {
    var i = this.dottedFor(), pairs = [];
    if (i >= 0 && this.visible[i]) {
      (this.up.get(i) || []).forEach(function (m) { pairs.push([i, this.shownAs(m)]); }, this);
      (this.down.get(i) || []).forEach(function (r) { pairs.push([this.shownAs(r), i]); }, this);
    }
    pairs = pairs.filter(function (pr) { return pr[0] >= 0 && pr[1] >= 0 && pr[0] !== pr[1]; });
    var key = pairs.map(function (pr) { return pr.join(">"); }).join(",");
    (this.dotEnds || []).forEach(function (el) { el.classList.remove("dotted-end"); });
    this.dotEnds = [];
    pairs.forEach(function (pr) {
      pr.forEach(function (k) {
        var el = this.boxes.get(k);
        if (el) { el.classList.add("dotted-end"); this.dotEnds.push(el); }
      }, this);
    }, this);
    if (key === this.dottedKey) { return; }
    this.dottedKey = key;
    if (!this.dotSvg) {
      this.dotSvg = document.createElementNS(SVGNS, "svg");
      this.dotSvg.setAttribute("class", "op-dotted");
      this.dotSvg.setAttribute("aria-hidden", "true");
      this.dotSvg.setAttribute("width", "1");
      this.dotSvg.setAttribute("height", "1");
      this.layer.insertBefore(this.dotSvg, this.layer.firstChild);
    }
    var svg = this.dotSvg, bw = this.bw, bh = this.bh, X = this.x, Y = this.y;
    svg.textContent = "";
    pairs.forEach(function (pr) {
      var a = pr[0], b = pr[1];  // a has a dotted line to manager b
      // leave a's top edge, enter b from the side facing a: a curve, dashed, with an arrow
      var ax = X[a] + bw / 2, ay = Y[a], bx, by = Y[b] + bh / 2;
      bx = X[b] + bw < ax ? X[b] + bw : (X[b] > ax ? X[b] : X[b] + bw / 2);
      if (bx === X[b] + bw / 2) { by = Y[b] + (Y[b] < Y[a] ? bh : 0); }
      var midY = Math.min(ay, by) - 30;
      var path = document.createElementNS(SVGNS, "path");
      path.setAttribute("d", "M" + ax + "," + ay + " C" + ax + "," + midY + " " + bx + "," + midY + " " + bx + "," + by);
      path.setAttribute("class", "op-dotted-line");
      svg.appendChild(path);
      var head = document.createElementNS(SVGNS, "circle");
      head.setAttribute("cx", bx); head.setAttribute("cy", by); head.setAttribute("r", 4);
      head.setAttribute("class", "op-dotted-end");
      svg.appendChild(head);
    }, this);
    this.root.dataset.dotted = pairs.length;
  };

  Explorer.prototype.syncBoxes = function (list) {
    var want = new Set(list), self = this;
    if (this.visible[this.current] && this.boxes.has(this.current) === false && document.activeElement &&
        document.activeElement.dataset && document.activeElement.dataset.i == this.current) {
      want.add(this.current);
    }
    this.boxes.forEach(function (el, i) {
      if (!want.has(i) && el !== document.activeElement) { el.remove(); self.boxes.delete(i); }
    });
    want.forEach(function (i) {
      var el = self.boxes.get(i);
      if (!el) { el = self.makeBox(i); self.boxes.set(i, el); self.tree.appendChild(el); }
      if (self.size[i] > 1) { el.setAttribute("aria-expanded", self.open[i] ? "true" : "false"); }
      el.tabIndex = i === self.current ? 0 : -1;
      el.classList.toggle("hit", i === self.hit);
      el.setAttribute("aria-selected", i === self.current ? "true" : "false");
    });
  };

  // --- moves ------------------------------------------------------------------------------

  Explorer.prototype.setTransform = function (tx, ty, k) {
    this.sel.call(this.zoom.transform, d3.zoomIdentity.translate(tx, ty).scale(k));
  };

  Explorer.prototype.centreOn = function (i, k) {
    var s = this.size2d();
    k = k || Math.max(this.transform.k, 1);
    this.setTransform(s[0] / 2 - (this.x[i] + this.bw / 2) * k, s[1] / 2 - (this.y[i] + this.bh / 2) * k, k);
  };

  Explorer.prototype.showTop = function () {
    var s = this.size2d(), k = 1;
    this.setTransform(s[0] / 2 - (this.x[0] + this.bw / 2) * k, 16 - this.y[0] * k, k);
  };

  Explorer.prototype.fit = function () {
    var s = this.size2d(), k = this.fitScale();
    this.setTransform((s[0] - this.d.width * k) / 2, (s[1] - this.d.height * k) / 2, k);
  };

  Explorer.prototype.openChain = function (i) {
    for (var p = this.parent[i]; p >= 0; p = this.parent[p]) { this.open[p] = 1; }
    this.recompute();
  };

  Explorer.prototype.toggle = function (i, on) {
    if (this.size[i] <= 1) { return; }
    if (this.localShow) { this.leaveLocal(); this.open[i] = on === undefined ? 1 : (on ? 1 : 0); this.recompute(); return; }
    this.open[i] = on === undefined ? (this.open[i] ? 0 : 1) : (on ? 1 : 0);
    this.recompute();
    this.schedule();
    this.writeUrl();
  };

  Explorer.prototype.select = function (i, focus) {
    this.current = i;
    var d = this.d, a = document.createElement("a");
    a.href = this.t.personUrl.replace("__ID__", encodeURIComponent(d.ids[i]));
    a.textContent = this.t.tOpen + ": " + (d.names[i] || this.t.tVacant);
    this.selected.textContent = "";
    this.selected.appendChild(a);
    if (focus) {
      var k = this.transform.k, s = this.size2d();
      var sx = this.x[i] * k + this.transform.x, sy = this.y[i] * k + this.transform.y;
      if (k < READABLE || sx < 0 || sy < 0 || sx + this.bw * k > s[0] || sy + this.bh * k > s[1]) {
        this.centreOn(i, Math.max(k, 1));
      }
      this.draw();
      var el = this.boxes.get(i);
      if (el) { el.focus({preventScroll: true}); }
    }
    this.writeUrl();
  };

  Explorer.prototype.jump = function (i) {
    this.leaveLocal();
    this.hit = i;
    this.openChain(i);
    this.current = i;
    this.centreOn(i, Math.max(this.transform.k, 1));
    this.draw();
    this.select(i, false);
  };

  Explorer.prototype.onTreeKey = function (e) {
    var el = e.target.closest(".op-box");
    if (!el) { return; }
    var i = +el.dataset.i, to = -1, p = this.parent[i];
    switch (e.key) {
      case "ArrowUp": to = p; break;
      case "ArrowDown":
        if (this.size[i] > 1) { if (!this.open[i]) { this.toggle(i, true); } to = i + 1; }
        break;
      case "ArrowLeft": case "ArrowRight":
        if (p >= 0) {
          var sib = this.kids(p), at = sib.indexOf(i) + (e.key === "ArrowLeft" ? -1 : 1);
          if (at >= 0 && at < sib.length) { to = sib[at]; }
        }
        break;
      case "Home": to = 0; break;
      case "Enter": case " ": this.toggle(i); this.select(i, true); e.preventDefault(); e.stopPropagation(); return;
      default: return;
    }
    e.preventDefault();
    e.stopPropagation();
    if (to >= 0) { this.select(to, true); }
  };

  Explorer.prototype.onFrameKey = function (e) {
    if (e.ctrlKey || e.metaKey || e.altKey) { return; }
    var step = 80, t = this.transform;
    switch (e.key) {
      case "+": case "=": this.sel.call(this.zoom.scaleBy, 1.5); break;
      case "-": case "−": this.sel.call(this.zoom.scaleBy, 1 / 1.5); break;
      case "0": this.fit(); break;
      case "ArrowLeft": this.setTransform(t.x + step, t.y, t.k); break;
      case "ArrowRight": this.setTransform(t.x - step, t.y, t.k); break;
      case "ArrowUp": this.setTransform(t.x, t.y + step, t.k); break;
      case "ArrowDown": this.setTransform(t.x, t.y - step, t.k); break;
      default: return;
    }
    e.preventDefault();
  };

  // --- search -----------------------------------------------------------------------------

  Explorer.prototype.search = function (q) {
    var needle = fold(q.trim());
    if (!needle) { return {total: 0, hits: []}; }
    if (!this.folded) {
      var d = this.d;
      this.folded = [d.names.map(fold), this.titles.map(fold), d.dept.map(function (k) {
        return k >= 0 ? fold(d.departments[k]) : "";
      })];
    }
    var hits = [], seen = new Uint8Array(this.n), total = 0;
    var exact = this.index.get(q.trim());
    if (exact !== undefined) { hits.push(exact); seen[exact] = 1; total++; }
    for (var col = 0; col < 3; col++) {
      var a = this.folded[col];
      for (var i = 0; i < this.n; i++) {
        if (!seen[i] && a[i].indexOf(needle) >= 0) {
          seen[i] = 1; total++;
          if (hits.length < 8) { hits.push(i); }
        }
      }
    }
    return {total: total, hits: hits};
  };

  Explorer.prototype.showHits = function () {
    var r = this.search(this.input.value), ul = this.hitsList, d = this.d, self = this;
    this.lastHits = r.hits;
    ul.textContent = "";
    r.hits.forEach(function (i, m) {
      var li = document.createElement("li"), p = self.parent[i];
      li.id = "explorer-hit-" + m;
      li.setAttribute("role", "option");
      li.dataset.i = i;
      var b = document.createElement("strong");
      b.textContent = d.names[i] || self.t.tVacant;
      li.appendChild(b);
      var rest = [self.titles[i], self.dept[i] >= 0 ? d.departments[self.dept[i]] : "",
                  p >= 0 ? "→ " + d.names[p] : ""].filter(Boolean).join(" · ");
      li.appendChild(document.createTextNode(" " + rest));
      ul.appendChild(li);
    });
    var any = r.hits.length > 0;
    ul.hidden = !any;
    this.input.setAttribute("aria-expanded", any ? "true" : "false");
    this.count.textContent = this.input.value.trim() ?
      (r.total ? r.total.toLocaleString(document.documentElement.lang) + " " + this.t.tMatches : this.t.tNone) : "";
  };

  // --- URL --------------------------------------------------------------------------------

  Explorer.prototype.writeUrl = function () {
    if (!this.ready || this.mode === "person") { return; }
    var u = new URL(window.location.href), open = [], shut = [];
    for (var i = 0; i < this.n && open.length + shut.length < MAX_URL_IDS; i++) {
      if (this.size[i] <= 1) { continue; }
      var dflt = this.depth[i] <= DEFAULT_DEPTH;
      if (this.open[i] && !dflt) { open.push(this.d.ids[i]); }
      if (!this.open[i] && dflt) { shut.push(this.d.ids[i]); }
    }
    u.searchParams.set("focus", this.d.ids[this.current]);
    if (open.length) { u.searchParams.set("open", open.join(",")); } else { u.searchParams.delete("open"); }
    if (shut.length) { u.searchParams.set("shut", shut.join(",")); } else { u.searchParams.delete("shut"); }
    u.searchParams.set("z", this.transform.k.toPrecision(3));
    history.replaceState(null, "", u);
  };

  Explorer.prototype.around = function () {
    // A person page: a layout of its own, readable at any org size (in the whole org's
    // layout a VP's reports sit thousands of units apart): the chain above in a column,
    // the person, their reports in rows below and their dotted-line partners beside them.
    var f = this.focus, bw = this.bw, bh = this.bh, GX = 16, GY = 48, ROW = 40;
    if (!this.gx) { this.gx = this.x; this.gy = this.y; }
    var X = Float64Array.from(this.gx), Y = Float64Array.from(this.gy), show = new Uint8Array(this.n);
    var chain = [], kids = this.kids(f), s = this.size2d();
    for (var p = this.parent[f]; p >= 0; p = this.parent[p]) { chain.unshift(p); }
    var cols = Math.max(1, Math.floor((s[0] + GX) / (bw + GX)));
    if (kids.length > cols && cols > 2 && cols % 2) { cols -= 1; }  // even: the trunk runs down the middle gap
    cols = Math.max(1, Math.min(cols, kids.length));
    var rowW = cols * bw + (cols - 1) * GX, cx = Math.max(rowW, bw) / 2, y = 0;
    var open = this.open;
    chain.concat([f]).forEach(function (a) { X[a] = cx - bw / 2; Y[a] = y; show[a] = 1; open[a] = 1; y += bh + GY; });
    kids.forEach(function (k, m) {
      X[k] = (m % cols) * (bw + GX); Y[k] = y + Math.floor(m / cols) * (bh + ROW); show[k] = 1;
    });
    var others = (this.up.get(f) || []).concat(this.down.get(f) || []);
    var ox = Math.max(rowW, cx + bw / 2) + 3 * GX;
    others.forEach(function (o, m) {
      if (!show[o]) { X[o] = ox; Y[o] = Y[f] + m * (bh + ROW); show[o] = 1; }
    });
    this.setLocal(X, Y, show);
    this.current = f;
    // all of it when it fits; else as much of the team as fits, the person no higher than 1/5
    var bottom = Y[f] + bh;
    show.forEach(function (v, j) { if (v && Y[j] + bh > bottom) { bottom = Y[j] + bh; } });
    var k = 1, ty = Math.max(s[1] * 0.2 - Y[f] * k, Math.min(16, s[1] - 16 - bottom * k));
    this.setTransform(s[0] / 2 - cx * k, ty, k);
    this.select(f, false);
  };

  Explorer.prototype.setLocal = function (X, Y, show) {
    // switch between the person page's own layout (show: who is in it) and the whole org's
    this.x = X; this.y = Y;
    this.localShow = show;
    this.boxes.forEach(function (el) { el.remove(); });  // boxes are placed when made
    this.boxes.clear();
    this.dottedKey = "";
    this.root.classList.toggle("local", !!show);
    this.recompute();
    this.schedule();
  };

  Explorer.prototype.leaveLocal = function () {
    if (!this.localShow) { return; }
    this.setLocal(this.gx, this.gy, null);
    this.openChain(this.focus);
    if (this.size[this.focus] > 1) { this.open[this.focus] = 1; }
    this.recompute();
  };

  Explorer.prototype.readUrl = function () {
    if (this.mode === "person" && this.focus !== undefined) { this.around(); return; }
    var u = new URL(window.location.href), self = this;
    function ids(name) {
      return (u.searchParams.get(name) || "").split(",").map(function (s) { return self.index.get(s); })
        .filter(function (i) { return i !== undefined; });
    }
    ids("open").forEach(function (i) { self.open[i] = 1; });
    ids("shut").forEach(function (i) { self.open[i] = 0; });
    this.recompute();
    var focus = this.index.get(u.searchParams.get("focus") || "");
    var z = parseFloat(u.searchParams.get("z"));
    if (focus !== undefined) {
      this.openChain(focus);
      this.current = focus;
      this.centreOn(focus, z > 0 ? z : 1);
      this.select(focus, false);
    } else if (z > 0 && z < this.fitScale() * 1.01) {
      this.fit();
    } else {
      this.showTop();
    }
  };

  // --- wiring -----------------------------------------------------------------------------

  Explorer.prototype.start = function () {
    var self = this, frame = this.frame;
    var kmin = Math.min(this.fitScale() / 2, 0.5);
    this.zoom = d3.zoom()
      .scaleExtent([kmin, 4])
      .filter(function (e) {
        if (e.type === "wheel") { return self.armed || e.ctrlKey || e.metaKey; }
        return (!e.ctrlKey || e.type === "wheel") && !e.button;
      })
      .on("zoom", function (e) {
        self.transform = e.transform;
        self.schedule();
        self.root.classList.toggle("readable", e.transform.k >= READABLE);
      })
      .on("end", function () { self.writeUrl(); });
    this.sel = d3.select(frame);
    this.transform = d3.zoomIdentity;
    this.sel.call(this.zoom).on("dblclick.zoom", null);
    frame.addEventListener("pointerdown", function () { self.armed = true; frame.classList.add("armed"); });
    document.addEventListener("pointerdown", function (e) {
      if (!frame.contains(e.target)) { self.armed = false; frame.classList.remove("armed"); }
    });
    frame.addEventListener("keydown", function (e) {
      if (e.target.closest && e.target.closest(".op-box")) { self.onTreeKey(e); }
      if (!e.defaultPrevented) { self.onFrameKey(e); }
    });
    this.tree.addEventListener("click", function (e) {
      var el = e.target.closest(".op-box");
      if (!el) { return; }
      var i = +el.dataset.i;
      self.toggle(i);
      self.select(i, true);
    });
    this.tree.addEventListener("focusin", function (e) {
      var el = e.target.closest(".op-box");
      if (el && +el.dataset.i !== self.current) { self.current = +el.dataset.i; self.syncBoxes(self.readableList()); }
      if (el) { self.point(+el.dataset.i); }
    });
    this.tree.addEventListener("focusout", function () { self.point(-1); });
    this.tree.addEventListener("pointerover", function (e) {
      var el = e.target.closest && e.target.closest(".op-box");
      if (el) { self.point(+el.dataset.i); }
    });
    this.tree.addEventListener("pointerout", function (e) {
      var to = e.relatedTarget && e.relatedTarget.closest && e.relatedTarget.closest(".op-box");
      if (!to) {
        var f = document.activeElement && document.activeElement.closest && document.activeElement.closest(".op-box");
        self.point(f && self.tree.contains(f) ? +f.dataset.i : -1);
      }
    });
    this.mini.addEventListener("click", function (e) {
      var r = self.mini.getBoundingClientRect(), s = self.size2d(), k = self.transform.k;
      var wx = (e.clientX - r.left) / r.width * self.d.width, wy = (e.clientY - r.top) / r.height * self.d.height;
      self.setTransform(s[0] / 2 - wx * k, s[1] / 2 - wy * k, k);
      e.stopPropagation();
    });
    this.mini.addEventListener("pointerdown", function (e) { e.stopPropagation(); });
    this.root.querySelector(".explorer-tools").addEventListener("click", function (e) {
      var b = e.target.closest("button");
      if (!b) { return; }
      var act = b.dataset.act;
      if (act === "in") { self.sel.call(self.zoom.scaleBy, 1.5); }
      else if (act === "out") { self.sel.call(self.zoom.scaleBy, 1 / 1.5); }
      else if (act === "fit") { self.leaveLocal(); self.fit(); }
      else if (act === "around" && self.focus !== undefined) { self.around(); }
      else if (act === "expand" || act === "collapse") {
        for (var i = 0; i < self.n; i++) {
          if (self.size[i] > 1) { self.open[i] = act === "expand" ? 1 : (self.depth[i] <= DEFAULT_DEPTH ? 1 : 0); }
        }
        self.recompute(); self.schedule(); self.writeUrl();
      }
    });
    var timer = null;
    this.input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.showHits(); }, 80);
    });
    this.input.addEventListener("keydown", function (e) {
      if (e.key === "Enter") {
        e.preventDefault();
        clearTimeout(timer);
        self.showHits();
        if (self.lastHits && self.lastHits.length) { self.jump(self.lastHits[0]); }
        self.hitsList.hidden = true;
        self.input.setAttribute("aria-expanded", "false");
      } else if (e.key === "Escape") {
        self.hitsList.hidden = true;
        self.input.setAttribute("aria-expanded", "false");
      }
    });
    this.hitsList.addEventListener("click", function (e) {
      var li = e.target.closest("li");
      if (!li) { return; }
      self.jump(+li.dataset.i);
      self.hitsList.hidden = true;
      self.input.setAttribute("aria-expanded", "false");
    });
    window.addEventListener("resize", function () { self.schedule(); });
    this.recompute();
    this.readUrl();
    this.ready = true;
    this.draw();
    this.root.classList.add("explorer-ready");
    this.root.dataset.ready = "1";
  };

  Explorer.prototype.point = function (i) {
    if (i === this.pointed) { return; }
    this.pointed = i;
    this.drawDotted();
  };

  Explorer.prototype.readableList = function () {
    return this.transform.k >= READABLE && this.inView && this.inView.length <= MAX_BOXES ? this.inView : [];
  };

  function init() {
    var root = document.getElementById("explorer");
    if (!root || typeof window.d3 === "undefined" || !window.fetch) { return; }
    var ex = new Explorer(root);
    root.hidden = false;
    var fallback = document.getElementById("static-chart");
    ex.count.textContent = root.dataset.tLoading;
    fetch(root.dataset.layout, {credentials: "same-origin"})
      .then(function (r) { if (!r.ok) { throw new Error(r.status); } return r.json(); })
      .then(function (data) {
        ex.count.textContent = "";
        if (!data.ids.length) { root.hidden = true; return; }
        ex.load(data);
        if (root.dataset.focus) { ex.focus = ex.index.get(root.dataset.focus); }
        if (fallback) { fallback.hidden = true; }
        ex.start();
        window.orgpathExplorer = ex;  // for benchmarks and integrators
      })
      .catch(function () { root.hidden = true; if (fallback) { fallback.hidden = false; } });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
