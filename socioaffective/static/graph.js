/* socioaffective graph pages: draws the JSON graph data with vis-network.
 * All text from the framework is set with textContent or handed to vis-network
 * as plain strings (rendered as text); nothing is parsed as HTML. */
(function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  var INSIDE = {ellipse: 1, box: 1, circle: 1, database: 1, text: 1};  // shapes drawn around their label
  var SHAPES = {
    dot: "circle:8,8,6", circle: "circle:8,8,6", ellipse: "ellipse:8,8,7,4.5",
    square: "rect:2.5,2.5,11,11", box: "rect:1.5,4,13,8,2", database: "rect:3,2,10,12,3",
    diamond: "polygon:8,1 15,8 8,15 1,8", triangle: "polygon:8,1.5 15,14 1,14",
    triangleDown: "polygon:1,2 15,2 8,14.5", hexagon: "polygon:4,1.5 12,1.5 15.5,8 12,14.5 4,14.5 0.5,8",
    star: "polygon:8,0.5 10,5.8 15.5,6 11.2,9.4 12.7,15 8,11.8 3.3,15 4.8,9.4 0.5,6 6,5.8"
  };

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
  var explorer = document.body.classList.contains("sa-mode-explorer");
  var MAX_ZOOM = 1.3;
  var container = document.getElementById("sa-graph");

  var nodes = new vis.DataSet(data.nodes.map(function (n) {
    var node = {id: n.id, label: n.label, title: n.title, shape: n.shape, color: n.color,
      x: n.x, y: n.y, url: n.url, kind: n.kind,
      // searchable text: id and aliases, plus the tooltip (title, kind, summary)
      search: ((n.search || "") + " " + (n.title || "")).toLowerCase()};
    if (INSIDE[n.shape]) { node.font = {size: explorer ? 13 : 12}; node.widthConstraint = {maximum: 110}; node.margin = 6; }
    ["size", "borderWidth", "font"].forEach(function (k) { if (n[k] !== undefined) { node[k] = n[k]; } });
    return node;
  }));
  var edges = new vis.DataSet(data.edges.map(function (e) {
    var edge = {id: e.id, from: e.from, to: e.to, title: e.title, dashes: e.dashes,
      arrows: {to: {enabled: e.arrows === "to", scaleFactor: 0.6}}};
    if (e.label) { edge.label = e.label; }
    return edge;
  }));

  var options = {
    physics: {enabled: false},
    layout: {improvedLayout: false},
    interaction: {hover: true, tooltipDelay: 120, keyboard: {enabled: true, bindToWindow: false},
      navigationButtons: false, zoomView: true},
    nodes: {size: 18, borderWidth: 1.5, widthConstraint: {maximum: 140},
      font: {size: explorer ? 16 : 14, face: "system-ui, -apple-system, Segoe UI, Roboto, sans-serif", color: "#1f2328",
        strokeWidth: 3, strokeColor: "#ffffff"}},
    edges: {smooth: false, width: 1.3, selectionWidth: 2,
      color: {color: "#8a94a6", highlight: "#2e3440", hover: "#2e3440"},
      font: {size: 11, align: "middle", color: "#4c566a", strokeWidth: 3, strokeColor: "#ffffff"}}
  };
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, options);
  // for tests and curious readers: the live network and its data
  window.saNetwork = network;
  window.saNodes = nodes;

  // fit the graph, but never blow a small graph up beyond MAX_ZOOM
  function fit(ids) {
    network.fit(ids ? {nodes: ids, animation: false} : {animation: false});
    if (network.getScale() > MAX_ZOOM) {
      network.moveTo({scale: MAX_ZOOM, position: network.getViewPosition(), animation: false});
    }
  }
  fit();
  window.addEventListener("resize", function () { fit(); });

  network.on("click", function (params) {
    if (!params.nodes.length) { return; }
    var node = nodes.get(params.nodes[0]);
    if (node && node.url) {
      var target = new URL(node.url, document.baseURI).href;
      try { window.top.location.href = target; } catch (err) { window.location.href = target; }
    }
  });
  network.on("hoverNode", function () { container.style.cursor = "pointer"; });
  network.on("blurNode", function () { container.style.cursor = "default"; });

  // legend (local graphs) or filters (explorer)
  var legend = document.getElementById("sa-legend");
  var controls = document.getElementById("sa-controls");
  var lines = el("span", {"class": "sa-legend-lines"});
  lines.appendChild(el("span", {"class": "sa-line sa-line-solid", "aria-hidden": "true"}));
  lines.appendChild(document.createTextNode(" the paper\u2019s claim "));
  lines.appendChild(el("span", {"class": "sa-line sa-line-dashed", "aria-hidden": "true"}));
  lines.appendChild(document.createTextNode(" other source or editorial"));

  if (!explorer) {
    data.kinds.forEach(function (k) {
      var item = el("span", {"class": "sa-legend-item"});
      item.appendChild(swatch(k));
      item.appendChild(document.createTextNode(k.label));
      legend.appendChild(item);
    });
    legend.appendChild(lines);
    return;
  }

  var enabled = {};
  var query = "";
  var status = el("span", {"class": "sa-status", "role": "status", "aria-live": "polite"});

  function apply() {
    var words = query.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = [];
    nodes.update(nodes.get().map(function (n) {
      var match = words.every(function (w) { return n.search.indexOf(w) !== -1; });
      var visible = enabled[n.kind] && match;
      if (visible) { shown.push(n.id); }
      return {id: n.id, hidden: !visible};
    }));
    status.textContent = shown.length + " of " + data.nodes.length + " entries shown";
    if (shown.length) { fit(shown); }
    return shown;
  }

  var search = el("input", {"type": "search", "id": "sa-search", "placeholder": "Search titles, ids, summaries\u2026",
    "aria-label": "Search the framework", "autocomplete": "off"});
  search.addEventListener("input", function () { query = search.value; apply(); });
  search.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") {
      var shown = apply();
      if (shown.length) { network.selectNodes([shown[0]]); network.focus(shown[0], {scale: 1.2, animation: false}); }
    }
  });
  var searchBox = el("div", {"class": "sa-search"});
  searchBox.appendChild(search);
  controls.appendChild(searchBox);

  var fieldset = el("fieldset", {"class": "sa-filters"});
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
  var reset = el("button", {"type": "button", "class": "sa-reset"}, "Show all");
  reset.addEventListener("click", function () {
    query = ""; search.value = "";
    network.unselectAll();
    fieldset.querySelectorAll("input").forEach(function (b) { b.checked = true; enabled[b.value] = true; });
    apply();
  });
  controls.appendChild(reset);
  controls.appendChild(status);
  legend.appendChild(lines);
  status.textContent = data.nodes.length + " entries shown";
})();
