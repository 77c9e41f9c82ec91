/* socioaffective graph pages: draws the JSON graph data with vis-network.
 *
 * One design for every graph. Small graphs (an entry's neighbourhood, a part
 * of the framework) show every label whole (wrapped, never cut), at least
 * MIN_PX big at the default zoom and clear of each other: the page spreads the
 * computed layout over its frame and pushes apart the nodes whose label boxes
 * (as vis-network measures them) overlap. The explorer (the whole framework)
 * is drawn as plain dots and straight links; labels appear for the nodes in
 * view once the reader zooms in far enough to read them (level of detail).
 * Clicking a node focuses it: its neighbourhood stays, the rest is dimmed, and
 * a card names it with a link to its page.
 *
 * The data comes in the shape vis-network takes (nodes and edges go into
 * vis.DataSet as they are; a node's group is its kind); names, tooltips,
 * search texts and URLs wait in a second block, parsed on the first hover,
 * click, search or zoom (info below). All text from the
 * framework is set with textContent or handed to vis-network as plain strings
 * (rendered as text); nothing is parsed as HTML. */
(function () {
  "use strict";
  // small graphs load vis-network (469 KB) only when their frame comes into view; the explorer's page loads it itself
  var me = document.currentScript;
  function start() {
  var SVG = "http://www.w3.org/2000/svg";
  var SHAPES = {
    dot: "circle:8,8,6", circle: "circle:8,8,6", ellipse: "ellipse:8,8,7,4.5",
    square: "rect:2.5,2.5,11,11", box: "rect:1.5,4,13,8,2", database: "rect:3,2,10,12,3",
    diamond: "polygon:8,1 15,8 8,15 1,8", triangle: "polygon:8,1.5 15,14 1,14",
    triangleDown: "polygon:1,2 15,2 8,14.5", hexagon: "polygon:4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
    star: "polygon:8,0.5 10,5.8 15.5,6 11.2,9.4 12.7,15 8,11.8 3.3,15 4.8,9.4 0.5,6 6,5.8"
  };
  var FONT = 14;        // label size in canvas units: 14 CSS px at scale 1
  var MIN_PX = 12;      // no label of a small graph is smaller at the default zoom (wide frames)
  var WRAP = 150;       // labels wrap at this width (canvas units)
  var MAX_ZOOM = 1.25;  // never blow a tiny graph up further than this
  var LOD_PX = 10;      // explorer: labels appear once they would be this big
  var LOD_MAX = 1500;   // ... and at most this many at a time are labelled
  var GAP = 8;          // the least space between two label boxes (canvas units)
  var INK = "#1f2328", FADED_INK = "#a0a7b4", EDGE = "#8a94a6";

  function el(tag, attrs, text) {
    var e = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { e.setAttribute(k, attrs[k]); });
    if (text !== undefined) { e.textContent = text; }
    return e;
  }

  // a small picture of a kind's shape and colour, for legends and filters
  function swatch(kind) {
    var spec = (SHAPES[kind.shape] || SHAPES.dot).split(":");
    var nums = spec[1].split(",");
    var svg = document.createElementNS(SVG, "svg");
    svg.setAttribute("class", "sa-swatch");
    svg.setAttribute("viewBox", "0 0 16 16");
    svg.setAttribute("width", "14");
    svg.setAttribute("height", "14");
    svg.setAttribute("aria-hidden", "true");
    var shape = document.createElementNS(SVG, spec[0]);
    if (spec[0] === "circle") { shape.setAttribute("cx", nums[0]); shape.setAttribute("cy", nums[1]); shape.setAttribute("r", nums[2]); }
    if (spec[0] === "ellipse") { shape.setAttribute("cx", nums[0]); shape.setAttribute("cy", nums[1]); shape.setAttribute("rx", nums[2]); shape.setAttribute("ry", nums[3]); }
    if (spec[0] === "rect") {
      shape.setAttribute("x", nums[0]); shape.setAttribute("y", nums[1]); shape.setAttribute("width", nums[2]); shape.setAttribute("height", nums[3]);
      if (nums[4]) { shape.setAttribute("rx", nums[4]); }
    }
    if (spec[0] === "polygon") { shape.setAttribute("points", spec[1]); }
    shape.setAttribute("fill", kind.color);
    shape.setAttribute("stroke", "#2e3440");
    shape.setAttribute("stroke-width", "1");
    svg.appendChild(shape);
    return svg;
  }

  var data = JSON.parse(document.getElementById("sa-graph-data").textContent);
  var text = null;
  function texts() {
    if (text === null) { text = JSON.parse(document.getElementById("sa-graph-text").textContent); }
    return text;
  }
  // an edge's tooltip: the numbers of its lines in the table of distinct lines (network.page_data)
  function edgeTitle(t, i) {
    var nums = t.edges[i];
    return nums ? nums.map(function (n) { return t.lines[n]; }).join("\n") : "";
  }
  function info(id) { return texts().nodes[id] || {name: String(id), title: String(id), search: "", grade: ""}; }
  var explorer = document.body.classList.contains("sa-mode-explorer");
  var lod = data.nodes.length > 0 && data.nodes[0].label === undefined;  // the explorer: labels on zoom
  var container = document.getElementById("sa-graph");
  var kinds = {};
  var groups = {};
  // shapes vis-network draws around their label would grow over their neighbours when the
  // explorer labels them: there they become the nearest shape with the label below
  var OUTSIDE = {ellipse: "dot", circle: "dot", text: "dot", box: "square", database: "square"};
  data.kinds.forEach(function (k) {
    if (lod && OUTSIDE[k.shape]) { k.shape = OUTSIDE[k.shape]; }  // legend and filters show the same
    kinds[k.name] = k;
    groups[k.name] = {shape: k.shape, color: {background: k.color, border: "#2e3440",
      highlight: {background: k.color, border: "#000000"}, hover: {background: k.color, border: "#000000"}}};
    if (k.shape === "box" || k.shape === "ellipse" || k.shape === "database" || k.shape === "circle") {
      groups[k.name].margin = 7;  // drawn around their label
    }
  });

  // legend (small graphs) or filters (explorer)
  var legend = document.getElementById("sa-legend");
  var controls = document.getElementById("sa-controls");
  var lines = el("span", {"class": "sa-legend-lines"});
  lines.appendChild(el("span", {"class": "sa-line sa-line-solid", "aria-hidden": "true"}));
  lines.appendChild(document.createTextNode(" the paper\u2019s claim "));
  lines.appendChild(el("span", {"class": "sa-line sa-line-dashed", "aria-hidden": "true"}));
  lines.appendChild(document.createTextNode(" other source or editorial"));

  function localLegend() {
    data.kinds.forEach(function (k) {
      var item = el("span", {"class": "sa-legend-item"});
      item.appendChild(swatch(k));
      item.appendChild(document.createTextNode(k.label));
      legend.appendChild(item);
    });
    legend.appendChild(lines);
    legend.appendChild(tools());
  }

  var enabled = {};
  var search, fieldset;
  var query = "";
  var searchText = null;  // per node: id and aliases, plus the tooltip (title, kind, summary)
  var status = el("span", {"class": "sa-status", "role": "status", "aria-live": "polite"});

  function apply() {
    if (searchText === null) {
      searchText = {};
      data.nodes.forEach(function (n) { var t = info(n.id); searchText[n.id] = ((t.search || "") + " " + (t.title || "")).toLowerCase(); });
    }
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = [];
    nodes.update(data.nodes.map(function (n) {
      var t = searchText[n.id];
      var visible = enabled[n.group] && words.every(function (w) { return t.indexOf(w) !== -1; });
      if (visible) { shown.push(n.id); }
      return {id: n.id, hidden: !visible};
    }));
    status.textContent = shown.length + " of " + data.nodes.length + " entries shown";
    if (shown.length) { fit(shown); }
    return shown;
  }

  function explorerControls() {
  search = el("input", {"type": "search", "id": "sa-search", "placeholder": "Search titles, ids, summaries\u2026",
    "aria-label": "Search the framework", "autocomplete": "off"});
  search.addEventListener("input", function () { query = search.value; apply(); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var shown = apply();
      if (shown.length) { focusNode(shown[0]); network.focus(shown[0], {scale: 1.2, animation: false}); labelView(); }
    }
  });
  var searchBox = el("div", {"class": "sa-search"});
  searchBox.appendChild(search);
  controls.appendChild(searchBox);

  fieldset = el("fieldset", {"class": "sa-filters"});
  fieldset.appendChild(el("legend", {}, "Kinds shown"));
  data.kinds.forEach(function (k) {
    enabled[k.name] = true;
    var id = "sa-kind-" + k.name;
    var box = el("input", {"type": "checkbox", "id": id, "value": k.name, "checked": "checked"});
    box.addEventListener("change", function () { enabled[k.name] = box.checked; apply(); });
    var label = el("label", {"for": id, "class": "sa-filter"});
    label.appendChild(box);
    label.appendChild(swatch(k));
    label.appendChild(document.createTextNode(k.plural + " (" + k.count + ")"));
    fieldset.appendChild(label);
  });
  controls.appendChild(fieldset);
  var reset = el("button", {"type": "button", "class": "sa-button sa-reset"}, "Show all");
  reset.addEventListener("click", function () {
    query = ""; search.value = "";
    clearFocus();
    fieldset.querySelectorAll("input").forEach(function (b) { b.checked = true; enabled[b.value] = true; });
    apply();
  });
  controls.appendChild(reset);
  controls.appendChild(tools());
  controls.appendChild(status);
  legend.appendChild(lines);
  legend.appendChild(el("span", {"class": "sa-hint"}, "Zoom in to read the labels; click a node to focus it."));
  status.textContent = data.nodes.length + " entries shown";
  }
  // the controls and legend first: the graph's frame has its final size when the network is made
  if (explorer) { explorerControls(); } else { localLegend(); }

  var nodes = new vis.DataSet(data.nodes);  // in the library's own shape: no conversion
  var edges = new vis.DataSet(data.edges);
  var options = {
    physics: {enabled: false},
    layout: {improvedLayout: false},
    groups: groups,
    interaction: {hover: true, hoverConnectedEdges: !lod, tooltipDelay: 150, navigationButtons: false, zoomView: true,
      dragNodes: !lod, hideEdgesOnDrag: lod, hideEdgesOnZoom: lod,
      // autoFocus off: vis-network would focus the canvas on every mouse move, and the browser
      // would scroll the page to it (the page jumped by up to 110 px under the pointer)
      keyboard: {enabled: true, bindToWindow: false, autoFocus: false}},
    nodes: {size: lod ? 7 : 11, borderWidth: lod ? 1 : 1.5, widthConstraint: {maximum: WRAP},
      font: {size: FONT, face: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", color: INK,
        strokeWidth: 4, strokeColor: "#ffffff"},
      scaling: {label: {drawThreshold: lod ? LOD_PX : 1, maxVisible: 40}}},
    edges: {smooth: false, width: lod ? 0.6 : 1.3, selectionWidth: 1.5, hoverWidth: 1,
      arrows: {to: {enabled: true, scaleFactor: 0.55}},
      color: {color: EDGE, highlight: "#2e3440", hover: "#2e3440", inherit: false},
      font: {size: 12, align: "middle", color: "#4c566a", strokeWidth: 4, strokeColor: "#ffffff"}}
  };
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  // for tests and curious readers: the live network and its data
  window.saNetwork = network;
  window.saNodes = nodes;

  // --- small graphs: spread the layout over the frame, then push overlapping labels apart.
  // Wide frames: the layout fills the frame at scale 1. Narrow frames (phones): the labels
  // keep MIN_PX at the scale PHONE_SCALE, the layout keeps the frame's width and takes the
  // height its labels need (the page's graph-frames.js makes the frame that tall).
  // Positions move in one DataSet update: moveNode() would redraw the whole graph per node.
  var home = {};
  data.nodes.forEach(function (n) { home[n.id] = {x: n.x, y: n.y}; });
  var PHONE = 560;                        // frames narrower than this get the phone layout
  var PHONE_SCALE = (MIN_PX + 0.3) / FONT; // labels just over MIN_PX there
  var PACK = 0.42;                        // share of a phone layout's area the label boxes fill
  var extent = null;                      // the spread layout's bounds (canvas units)
  function narrow() { return !explorer && container.clientWidth < PHONE; }
  function spread() {
    var ids = data.nodes.map(function (n) { return n.id; });
    var W = container.clientWidth, H = container.clientHeight;
    if (ids.length < 2 || !W || !H) { return; }
    if (extent) { nodes.update(ids.map(function (id) { return {id: id, x: home[id].x, y: home[id].y}; })); }  // spread before
    network.redraw();  // vis-network measures the labels as it draws
    var box = {}, P = {}, maxW = 0, maxH = 0, area = 0;
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
    data.nodes.forEach(function (n) {
      var b = network.getBoundingBox(n.id), h = home[n.id];
      box[n.id] = {l: h.x - b.left, r: b.right - h.x, t: h.y - b.top, b: b.bottom - h.y};
      maxW = Math.max(maxW, b.right - b.left);
      maxH = Math.max(maxH, b.bottom - b.top);
      area += (b.right - b.left + GAP) * (b.bottom - b.top + GAP);
      minX = Math.min(minX, h.x); maxX = Math.max(maxX, h.x); minY = Math.min(minY, h.y); maxY = Math.max(maxY, h.y);
    });
    var cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    var center = data.center && box[data.center] ? data.center : null;
    if (center) { cx = home[center].x; cy = home[center].y; }
    var phone = narrow();
    // the frame in canvas units: at scale 1 (wide), or at PHONE_SCALE as tall as the labels need
    var FW = phone ? W / PHONE_SCALE - 2 * GAP : W, FH = phone ? Math.max(0.6 * FW, area / PACK / FW) : H;  // not from H: the frame follows
    var fx = maxX > minX ? Math.max(0.05, (FW - maxW - 2 * GAP) / (maxX - minX)) : 1;
    var fy = maxY > minY ? Math.max(0.05, (FH - maxH - 2 * GAP) / (maxY - minY)) : 1;
    data.nodes.forEach(function (n) { P[n.id] = {x: (home[n.id].x - cx) * fx, y: (home[n.id].y - cy) * fy}; });
    var left = -FW / 2, right = FW / 2;
    if (phone) {  // the centre node stays put: fit the frame's width around it
      var lo = Infinity, hi = -Infinity;
      ids.forEach(function (id) { lo = Math.min(lo, P[id].x - box[id].l); hi = Math.max(hi, P[id].x + box[id].r); });
      left = (lo + hi) / 2 - FW / 2; right = left + FW;
    }
    function clampX(id) {  // phones: never wider than the frame (the push goes up and down instead)
      if (!phone) { return; }
      var p = P[id], B = box[id];
      if (p.x - B.l < left) { p.x = left + B.l; }
      if (p.x + B.r > right) { p.x = right - B.r; }
    }
    var rounds = Math.min(phone ? 1000 : 400, Math.ceil(2e6 / (ids.length * ids.length)));  // fewer for big graphs
    for (var round = 0; round < rounds; round++) {
      var moved = false;
      for (var i = 0; i < ids.length; i++) {
        for (var j = i + 1; j < ids.length; j++) {
          var a = P[ids[i]], b = P[ids[j]], A = box[ids[i]], B = box[ids[j]];
          var ox = Math.min(a.x + A.r, b.x + B.r) - Math.max(a.x - A.l, b.x - B.l) + GAP;
          var oy = Math.min(a.y + A.b, b.y + B.b) - Math.max(a.y - A.t, b.y - B.t) + GAP;
          if (ox <= 0 || oy <= 0) { continue; }
          moved = true;
          var wa = ids[i] === center ? 0 : (ids[j] === center ? 1 : 0.5), wb = 1 - wa;
          if (phone ? ox < oy : ox / W < oy / H) {  // the cheaper way apart, for the frame's shape
            var sx = a.x < b.x || (a.x === b.x && i < j) ? -1 : 1;
            a.x += sx * ox * wa; b.x -= sx * ox * wb;
            clampX(ids[i]); clampX(ids[j]);
            // phones: where the frame's edge stops them, the rest of the way is up and down
            ox = Math.min(a.x + A.r, b.x + B.r) - Math.max(a.x - A.l, b.x - B.l) + GAP;
            if (!phone || ox <= 1e-6) { continue; }
          }
          var sy = a.y < b.y || (a.y === b.y && i < j) ? -1 : 1;
          a.y += sy * oy * wa; b.y -= sy * oy * wb;
        }
      }
      if (!moved) { break; }
    }
    extent = {left: Infinity, right: -Infinity, top: Infinity, bottom: -Infinity};
    ids.forEach(function (id) {
      var p = P[id], B = box[id];
      extent.left = Math.min(extent.left, p.x - B.l); extent.right = Math.max(extent.right, p.x + B.r);
      extent.top = Math.min(extent.top, p.y - B.t); extent.bottom = Math.max(extent.bottom, p.y + B.b);
    });
    nodes.update(ids.map(function (id) { return {id: id, x: P[id].x, y: P[id].y}; }));
    askHeight();
  }

  // phones: tell the book's page how tall this frame must be for the whole graph at PHONE_SCALE
  var wanted = 0;
  function askHeight() {
    if (!narrow() || !extent || window.parent === window) { return; }
    var chrome = document.body.scrollHeight - container.clientHeight;  // controls and legend
    wanted = Math.ceil((extent.bottom - extent.top + 4 * GAP) * PHONE_SCALE + chrome);
    try { window.parent.postMessage({saGraphHeight: wanted}, "*"); } catch (err) { /* no parent page */ }
  }
  window.addEventListener("message", function (ev) {  // the page asks again once its script runs
    if (ev.source === window.parent && ev.data && ev.data.saGraphAsk === 1) { askHeight(); }
  });

  // fit the graph to its frame; small graphs (not the explorer: it opens on the whole picture)
  // never below MIN_PX labels; on phones at PHONE_SCALE (the frame grows to the graph)
  function fit(ids) {
    if (!ids && narrow() && extent) {
      network.moveTo({scale: PHONE_SCALE, position: {x: (extent.left + extent.right) / 2, y: (extent.top + extent.bottom) / 2}, animation: false});
      return;
    }
    network.fit(ids ? {nodes: ids, animation: false} : {animation: false});
    var scale = network.getScale();
    if (scale > MAX_ZOOM) {
      network.moveTo({scale: MAX_ZOOM, position: network.getViewPosition(), animation: false});
    } else if (!explorer && scale * FONT < MIN_PX) {
      network.moveTo({scale: MIN_PX / FONT + 0.001, position: network.getViewPosition(), animation: false});
    }
    labelView();
  }

  // --- the explorer: label the nodes in view once labels are big enough to read
  var labelled = {};
  var labelTimer = null;
  function labelView() {
    if (!lod || network.getScale() * FONT < LOD_PX) { return; }
    var a = network.DOMtoCanvas({x: 0, y: 0});
    var b = network.DOMtoCanvas({x: container.clientWidth, y: container.clientHeight});
    var mx = (b.x - a.x) * 0.1, my = (b.y - a.y) * 0.1;
    var ids = [];
    for (var i = 0; i < data.nodes.length && ids.length < LOD_MAX; i++) {
      var n = data.nodes[i];
      if (!labelled[n.id] && n.x >= a.x - mx && n.x <= b.x + mx && n.y >= a.y - my && n.y <= b.y + my) { ids.push(n.id); }
    }
    labelNodes(ids);
  }
  // label these nodes and give their links their dashes (solid: the paper's claim)
  function labelNodes(ids) {
    ids = ids.filter(function (id) { return !labelled[id]; });
    if (!ids.length) { return; }
    if (!dashedSet) { dashedSet = {}; texts().dashed.forEach(function (i) { dashedSet[i] = true; }); }
    var seen = {}, dash = [];
    ids.forEach(function (id) {
      labelled[id] = true;
      network.getConnectedEdges(id).forEach(function (e) { if (dashedSet[e] && !seen[e]) { seen[e] = true; dash.push({id: e, dashes: true}); } });
    });
    nodes.update(ids.map(function (id) { return {id: id, label: info(id).name}; }));
    if (dash.length) { edges.update(dash); }
  }
  var dashedSet = null;
  function labelSoon() { clearTimeout(labelTimer); labelTimer = setTimeout(labelView, 120); }
  if (lod) {
    network.on("zoom", labelSoon);
    network.on("dragEnd", labelSoon);
  }

  var SPREAD_MAX = 150;  // the label push is quadratic: bigger labelled graphs keep their layout
  function touch() {  // phones: a swipe up or down scrolls the page (the graph fits), other gestures pan and zoom it
    var action = narrow() ? "pan-y" : "none";
    container.style.touchAction = action;
    var hammer = network.canvas && network.canvas.hammer;
    if (hammer && hammer.set) { hammer.set({touchAction: action}); }
  }
  touch();
  if (!lod && data.nodes.length <= SPREAD_MAX) { spread(); }
  fit();
  document.body.classList.add("sa-ready");  // shown once laid out: nothing shifts under the reader
  var resizeTimer = null;
  var spreadWidth = container.clientWidth;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      touch();
      // a phone layout depends on the frame's width only (its height follows the layout)
      var again = !lod && data.nodes.length <= SPREAD_MAX && !(narrow() && container.clientWidth === spreadWidth);
      spreadWidth = container.clientWidth;
      if (again) { spread(); }
      fit();
    }, 150);
  });

  // --- focus: a click on a node keeps its neighbourhood and dims the rest
  var card = document.getElementById("sa-focus");
  var focused = null, lit = [], litEdges = [];
  function clearFocus() {
    if (focused === null) { return; }
    focused = null;
    network.setOptions({nodes: {opacity: 1, font: {color: INK}}, edges: {color: {opacity: 1}}});
    nodes.update(lit.map(function (id) { return {id: id, opacity: 1, font: {color: INK}}; }));
    edges.update(litEdges.map(function (id) { return {id: id, width: lod ? 0.6 : 1.3, color: {color: EDGE, opacity: 1}}; }));
    lit = []; litEdges = [];
    network.unselectAll();
    card.hidden = true;
    while (card.firstChild) { card.removeChild(card.firstChild); }
  }
  function focusNode(id) {
    var n = nodes.get(id);
    if (!n) { return; }
    clearFocus();
    focused = id;
    lit = [id].concat(network.getConnectedNodes(id));
    litEdges = network.getConnectedEdges(id);
    network.setOptions({nodes: {opacity: 0.2, font: {color: FADED_INK}}, edges: {color: {opacity: 0.12}}});
    nodes.update(lit.map(function (x) {
      return {id: x, opacity: 1, font: {color: INK}};
    }));
    if (lod) { labelNodes(lit); }  // the neighbourhood is labelled
    edges.update(litEdges.map(function (x) { return {id: x, width: 2, color: {color: "#2e3440", opacity: 1}}; }));
    network.selectNodes([id], false);
    showCard(n, info(id), lit.length - 1);
  }
  function showCard(n, t, links) {
    while (card.firstChild) { card.removeChild(card.firstChild); }
    var k = kinds[n.group];
    var head = el("div", {"class": "sa-focus-head"});
    if (k) { head.appendChild(swatch(k)); head.appendChild(el("span", {"class": "sa-focus-kind"}, k.label)); }
    var g = data.grades && data.grades[t.grade];
    if (g) { head.appendChild(el("span", {"class": "sa-focus-grade", "title": g.label}, g.badge)); }
    var close = el("button", {"type": "button", "class": "sa-focus-close", "aria-label": "Clear the focus"}, "\u00d7");
    close.addEventListener("click", clearFocus);
    head.appendChild(close);
    card.appendChild(head);
    card.appendChild(el("p", {"class": "sa-focus-title"}, t.name));
    card.appendChild(el("p", {"class": "sa-focus-links"}, links + (links === 1 ? " linked entry highlighted" : " linked entries highlighted")));
    if (t.url) {
      var a = el("a", {"class": "sa-focus-open", "href": t.url, "target": "_top"}, "Open its page \u2192");
      card.appendChild(a);
    }
    card.hidden = false;
  }
  function openPage(id) {
    var url = info(id).url;
    if (!url) { return; }
    var target = new URL(url, document.baseURI).href;
    try { window.top.location.href = target; } catch (err) { window.location.href = target; }
  }
  network.on("click", function (params) {
    if (!params.nodes.length) { if (!params.edges.length) { clearFocus(); } return; }
    var id = params.nodes[0];
    if (id === focused) { openPage(id); } else { focusNode(id); }
  });
  network.on("doubleClick", function (params) { if (params.nodes.length) { openPage(params.nodes[0]); } });
  document.addEventListener("keydown", function (ev) { if (ev.key === "Escape") { clearFocus(); } });
  // tooltips: set once the graph is drawn (or on the first hover, if that comes sooner)
  var titled = false;
  function setTitles() {
    if (titled) { return; }
    titled = true;
    var t = texts();
    nodes.update(data.nodes.map(function (n) { return {id: n.id, title: info(n.id).title}; }));
    edges.update(data.edges.map(function (e) { return {id: e.id, title: edgeTitle(t, e.id)}; }));
  }
  // (the explorer's only on the first hover: setting them redraws the whole graph, four times over)
  if (!lod) { network.once("afterDrawing", function () { setTimeout(setTitles, 30); }); }
  network.on("hoverNode", function () { container.style.cursor = "pointer"; setTitles(); });
  network.on("hoverEdge", setTitles);
  network.on("blurNode", function () { container.style.cursor = "default"; });
  window.saFocus = focusNode;

  // --- tools: fit and full screen
  function tools() {
    var box = el("span", {"class": "sa-tools"});
    var reset = el("button", {"type": "button", "class": "sa-button sa-fit"}, "Fit");
    reset.addEventListener("click", function () { fit(); });
    box.appendChild(reset);
    if (document.fullscreenEnabled) {
      var full = el("button", {"type": "button", "class": "sa-button sa-fullscreen"}, "Full screen");
      full.addEventListener("click", function () {
        if (document.fullscreenElement) { document.exitFullscreen(); } else { document.documentElement.requestFullscreen(); }
      });
      document.addEventListener("fullscreenchange", function () {
        full.textContent = document.fullscreenElement ? "Exit full screen" : "Full screen";
      });
      box.appendChild(full);
    }
    return box;
  }

  }
  if (window.vis) { start(); return; }
  function load() {
    var s = document.createElement("script");
    s.src = me.src.replace(/graph\.js(\?.*)?$/, "vis/vis-network.min.js");
    s.onload = start;
    document.head.appendChild(s);
  }
  var target = document.getElementById("sa-graph");
  if (!target || !("IntersectionObserver" in window)) { load(); return; }
  var seen = new IntersectionObserver(function (entries) {
    if (entries.some(function (e) { return e.isIntersecting; })) { seen.disconnect(); load(); }
  });
  seen.observe(target);
})();
