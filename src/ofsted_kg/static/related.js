// The related-findings page: draws the precomputed view with vis-network (physics off: positions
// come from Python), filters by hiding nodes (their edges go with them), shows a finding's
// evidence on click. Data reaches the DOM only through textContent, never innerHTML.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("okg-data").textContent);
  var colours = data.colours;
  // Compact payload: nodes carry their IRI as "id"; edges are [source, target, kind] node indices.
  var nodes = data.nodes;
  var indexOf = {};
  nodes.forEach(function (n, i) { indexOf[n.id] = i; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  var SHAPES = {
    authority: { shape: "square", size: 11, font: { size: 16, face: "system-ui", strokeWidth: 3, strokeColor: "#fff", bold: true } },
    inspection: { shape: "diamond", size: 6, font: { size: 9, face: "system-ui", color: "#444" } },
    theme: { shape: "hexagon", size: 10, font: { size: 13, face: "system-ui", strokeWidth: 3, strokeColor: "#fff" } },
    finding: { shape: "dot", size: 4 }
  };
  var visNodes = new vis.DataSet(nodes.map(function (n, i) {
    var s = SHAPES[n.kind];
    var colour = n.kind === "finding" ? (colours.polarity[n.polarity] || colours.kinds.finding) : colours.kinds[n.kind];
    var node = { id: i, x: n.x, y: n.y, shape: s.shape, size: s.size, color: { background: colour, border: colour,
                 highlight: { background: colour, border: "#111" } }, borderWidth: 1, borderWidthSelected: 3 };
    if (n.kind !== "finding") { node.label = n.label; node.font = s.font; }
    return node;
  }));
  var EDGE_STYLE = {
    in_report: { color: { color: colours.edges.in_report, opacity: 0.5 }, width: 0.5 },
    of_authority: { color: { color: colours.edges.of_authority, opacity: 0.7 }, width: 1.2 },
    theme: { color: { color: colours.edges.theme, opacity: 0.35 }, width: 0.5 },
    related: { color: { color: colours.edges.related, highlight: "#5b0000", opacity: 0.75 }, width: 1.4 },
    recurring: { color: { color: colours.edges.recurring, highlight: "#3b1050", opacity: 0.95 }, width: 2.4, dashes: [6, 4],
                 arrows: { to: { enabled: true, scaleFactor: 0.6 } } }
  };
  var edgeList = [], themeEdges = [];
  data.edges.forEach(function (e, i) {
    var kind = data.edgeKinds[e[2]];
    var edge = Object.assign({ id: i, from: e[0], to: e[1], kind: kind }, EDGE_STYLE[kind]);
    // Finding-to-theme links are many and say little zoomed out: added when asked for.
    if (kind === "theme") themeEdges.push(edge); else edgeList.push(edge);
  });
  var visEdges = new vis.DataSet(edgeList);

  var network = new vis.Network(document.getElementById("graph-canvas"), { nodes: visNodes, edges: visEdges }, {
    physics: false,
    layout: { improvedLayout: false, randomSeed: 42 },
    // A selected finding's links are drawn darker and thicker so they stand out of the crowd.
    edges: { smooth: false, selectionWidth: 2.5 },
    nodes: { scaling: { label: { drawThreshold: 6 } } },
    interaction: { hover: false, tooltipDelay: 300, hideEdgesOnDrag: nodes.length > 3000,
                   hideEdgesOnZoom: nodes.length > 3000, multiselect: false }
  });

  // ---- legend ---------------------------------------------------------------------------------
  var legend = document.getElementById("legend");
  var swatchShape = { authority: "2px", inspection: "0", theme: "4px" };
  [["authority", "Authority"], ["inspection", "Inspection / report"], ["theme", "Theme"]].forEach(function (k) {
    var item = el("div", null, "legend-item");
    var sw = el("span", null, "swatch");
    sw.style.background = colours.kinds[k[0]];
    sw.style.borderRadius = swatchShape[k[0]];
    if (k[0] === "inspection") sw.style.transform = "rotate(45deg) scale(0.8)";
    item.appendChild(sw); item.appendChild(el("span", k[1])); legend.appendChild(item);
  });
  Object.keys(colours.polarity).forEach(function (p) {
    var item = el("div", null, "legend-item");
    var sw = el("span", null, "swatch");
    sw.style.background = colours.polarity[p]; sw.style.borderRadius = "50%";
    item.appendChild(sw); item.appendChild(el("span", "Finding: " + p)); legend.appendChild(item);
  });
  [["related", "Related findings (shared theme, similar words)", "solid"],
   ["recurring", "Recurring weakness (earlier \u2192 later)", "dashed"],
   ["theme", "Finding is about theme (tick the box above)", "solid"],
   ["in_report", "Finding in report", "solid"],
   ["of_authority", "Report on authority", "solid"]].forEach(function (k) {
    var item = el("div", null, "legend-item");
    var ln = el("span", null, "line");
    ln.style.borderTopStyle = k[2]; ln.style.borderTopColor = colours.edges[k[0]];
    item.appendChild(ln); item.appendChild(el("span", k[1])); legend.appendChild(item);
  });

  // ---- filters ----------------------------------------------------------------------------------
  function fill(select, values) {
    values.forEach(function (v) { var o = el("option", v[1]); o.value = v[0]; select.appendChild(o); });
  }
  var themeSelect = document.getElementById("filter-theme");
  var authoritySelect = document.getElementById("filter-authority");
  var docSelect = document.getElementById("filter-doctype");
  var fromInput = document.getElementById("filter-from");
  var toInput = document.getElementById("filter-to");
  var search = document.getElementById("search");
  fill(themeSelect, nodes.filter(function (n) { return n.kind === "theme"; })
    .map(function (n) { return [n.theme, n.label]; }).sort(function (a, b) { return a[1].localeCompare(b[1]); }));
  var authorityNames = nodes.filter(function (n) { return n.kind === "authority"; })
    .map(function (n) { return n.label; }).sort();
  fill(authoritySelect, authorityNames.map(function (a) { return [a, a]; }));
  var datalist = document.getElementById("authority-names");
  authorityNames.forEach(function (a) { var o = el("option"); o.value = a; datalist.appendChild(o); });
  var docTypes = {};
  nodes.forEach(function (n) { if (n.docType) docTypes[n.docType] = true; });
  fill(docSelect, Object.keys(docTypes).sort().map(function (d) { return [d, d.replace(/_/g, " ")]; }));

  var hidden = new Array(nodes.length).fill(false);
  var totalFindings = nodes.filter(function (n) { return n.kind === "finding"; }).length;
  function applyFilters() {
    var theme = themeSelect.value, authority = authoritySelect.value, doc = docSelect.value;
    var from = fromInput.value, to = toInput.value;
    var anyFilter = theme || authority || doc || from || to;
    function dateOk(d) { return (!from || (d && d >= from)) && (!to || (d && d <= to)); }
    var visibleFindings = 0, reports = {}, authorities = {}, themes = {};
    var hide = new Array(nodes.length).fill(false);
    nodes.forEach(function (n, i) {
      if (n.kind !== "finding") return;
      var ok = !anyFilter || ((!theme || n.themes.indexOf(theme) >= 0) && (!authority || n.authority === authority) &&
                              (!doc || n.docType === doc) && dateOk(n.date));
      if (!ok) { hide[i] = true; return; }
      visibleFindings += 1; reports[n.report] = true; authorities[n.authority] = true;
      n.themes.forEach(function (t) { themes[t] = true; });
    });
    if (anyFilter) {
      nodes.forEach(function (n, i) {
        if ((n.kind === "inspection" && !reports[n.id]) || (n.kind === "authority" && !authorities[n.label]) ||
            (n.kind === "theme" && (!themes[n.theme] || (theme && n.theme !== theme)))) hide[i] = true;
      });
    }
    // Only changed nodes are updated; vis-network hides the edges of hidden nodes itself.
    var changes = [];
    hide.forEach(function (h, i) { if (h !== hidden[i]) changes.push({ id: i, hidden: h }); });
    hidden = hide;
    if (changes.length) visNodes.update(changes);
    document.getElementById("status").textContent = visibleFindings + " of " + totalFindings + " findings shown";
    document.body.dataset.visibleFindings = String(visibleFindings);
  }
  [themeSelect, authoritySelect, docSelect, fromInput, toInput].forEach(function (c) {
    c.addEventListener("change", applyFilters);
  });
  var themeLinks = document.getElementById("show-theme-links");
  themeLinks.addEventListener("change", function () {
    if (themeLinks.checked) visEdges.add(themeEdges);
    else visEdges.remove(themeEdges.map(function (e) { return e.id; }));
  });
  document.getElementById("reset").addEventListener("click", function () {
    themeSelect.value = ""; authoritySelect.value = ""; docSelect.value = ""; fromInput.value = ""; toInput.value = "";
    search.value = ""; network.unselectAll(); applyFilters(); network.fit();
  });

  // ---- search -----------------------------------------------------------------------------------
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    if (q.length < 2) return;
    var names = {}, hits = [];
    nodes.forEach(function (n, i) {
      if (n.kind === "authority" && n.label.toLowerCase().indexOf(q) >= 0) { names[n.label] = true; hits.push(i); }
    });
    if (!hits.length) return;
    var around = hits.slice();
    nodes.forEach(function (n, i) { if (n.kind !== "theme" && n.kind !== "authority" && names[n.authority]) around.push(i); });
    network.selectNodes(hits, false);
    network.fit({ nodes: around, animation: { duration: 250, easingFunction: "easeInOutQuad" } });
  });

  // ---- details ----------------------------------------------------------------------------------
  function showFinding(i) {
    var n = nodes[i];
    if (!n || n.kind !== "finding") return;
    document.getElementById("details-empty").hidden = true;
    document.getElementById("details-body").hidden = false;
    document.getElementById("d-title").textContent = n.authority + " \u2014 " + n.findingKind.replace(/_/g, " ");
    document.getElementById("d-meta").textContent = (n.date || "date unknown") + " \u00b7 " +
      (n.docType || "report").replace(/_/g, " ") + " \u00b7 polarity: " + n.polarity;
    var themes = document.getElementById("d-themes");
    themes.textContent = "";
    n.themes.forEach(function (t) { themes.appendChild(el("span", t, "tag")); });
    document.getElementById("d-text").textContent = n.text;
    document.getElementById("d-quote").textContent = n.quote || n.text;
    document.getElementById("d-source").textContent = n.reportTitle + (n.page ? ", page " + n.page : "") +
      " \u2014 " + n.report;
    var list = document.getElementById("related-list");
    list.textContent = "";
    if (!n.related.length) list.appendChild(el("li", "No related findings in this view.", "empty"));
    n.related.forEach(function (r) {
      var other = nodes[r[0]];
      var text = other.text.length > 160 ? other.text.slice(0, 159) + "\u2026" : other.text;
      var li = el("li", other.authority + " (" + (other.date || "?") + ", similarity " + r[1].toFixed(2) + "): " + text);
      li.dataset.finding = other.id;
      li.addEventListener("click", function () { select(other.id); });
      list.appendChild(li);
    });
  }
  function select(iri) {
    var i = indexOf[iri];
    if (i === undefined) return false;
    network.selectNodes([i]);
    showFinding(i);
    // Chosen from the list (not clicked on the canvas): bring it and its related findings into view.
    var around = [i].concat(nodes[i].related.map(function (r) { return r[0]; }));
    network.fit({ nodes: around, animation: { duration: 300, easingFunction: "easeInOutQuad" } });
    return true;
  }
  network.on("click", function (params) {
    if (params.nodes.length && nodes[params.nodes[0]].kind === "finding") showFinding(params.nodes[0]);
  });

  applyFilters();
  window.okg = {
    network: network, select: select, applyFilters: applyFilters, nodes: nodes,
    isHidden: function (iri) { return hidden[indexOf[iri]]; },
    // Where a node is drawn, in page pixels: lets a test click it like a reader would.
    screenPosition: function (iri) {
      var p = network.getPositions([indexOf[iri]])[indexOf[iri]];
      var c = network.canvasToDOM(p);
      var box = document.getElementById("graph-canvas").getBoundingClientRect();
      return { x: box.left + c.x, y: box.top + c.y };
    },
    ready: { nodes: visNodes.length, edges: visEdges.length, initMs: Math.round(performance.now() - started) }
  };
  network.once("afterDrawing", function () {
    window.okg.ready.ms = Math.round(performance.now() - started);
    document.body.dataset.ready = "1";
  });
})();
