// The related-findings page: draws the precomputed view with Cytoscape.js (layout "preset":
// positions come from Python), filters by hiding elements, shows a finding's evidence on click.
// Data reaches the DOM only through textContent, never innerHTML.
(function () {
  "use strict";
  var started = performance.now();
  var data = JSON.parse(document.getElementById("okg-data").textContent);
  var colours = data.colours;
  var byId = {};
  data.nodes.forEach(function (n) { byId[n.id] = n; });

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) e.textContent = text;
    if (cls) e.className = cls;
    return e;
  }

  var elements = [];
  data.nodes.forEach(function (n) {
    elements.push({ group: "nodes", data: { id: n.id, kind: n.kind, label: n.label, polarity: n.polarity || "" },
                    position: { x: n.x, y: n.y }, classes: n.kind });
  });
  data.edges.forEach(function (e) {
    elements.push({ group: "edges", data: { id: e.id, source: e.source, target: e.target, kind: e.kind },
                    classes: e.kind });
  });

  var big = data.nodes.length > 3000;
  var cy = cytoscape({
    container: document.getElementById("cy"),
    elements: elements,
    layout: { name: "preset", fit: true, padding: 20 },
    autoungrabify: big,
    boxSelectionEnabled: false,
    textureOnViewport: big,
    hideEdgesOnViewport: big,
    minZoom: 0.02,
    maxZoom: 4,
    style: [
      { selector: "node", style: { "width": 8, "height": 8, "border-width": 0, "label": "",
                                   "font-size": 10, "text-valign": "top", "text-margin-y": -3,
                                   "min-zoomed-font-size": 7 } },
      { selector: "node.finding", style: { "shape": "ellipse", "background-color": function (n) {
          return colours.polarity[n.data("polarity")] || colours.kinds.finding; } } },
      { selector: "node.authority", style: { "shape": "round-rectangle", "width": 22, "height": 22,
          "background-color": colours.kinds.authority, "label": "data(label)", "font-size": 13,
          "font-weight": "bold", "text-outline-color": "#fff", "text-outline-width": 2 } },
      { selector: "node.inspection", style: { "shape": "diamond", "width": 14, "height": 14,
          "background-color": colours.kinds.inspection, "label": "data(label)", "font-size": 8,
          "min-zoomed-font-size": 10 } },
      { selector: "node.theme", style: { "shape": "hexagon", "width": 20, "height": 20,
          "background-color": colours.kinds.theme, "label": "data(label)", "font-size": 11,
          "text-outline-color": "#fff", "text-outline-width": 2 } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#111", "width": 14, "height": 14 } },
      { selector: "node.highlight", style: { "border-width": 4, "border-color": "#f1c40f" } },
      { selector: "edge", style: { "width": 0.6, "curve-style": "haystack", "opacity": 0.35 } },
      { selector: "edge.in_report", style: { "line-color": colours.edges.in_report } },
      { selector: "edge.of_authority", style: { "line-color": colours.edges.of_authority, "width": 1.2 } },
      { selector: "edge.theme", style: { "line-color": colours.edges.theme, "opacity": 0.18 } },
      { selector: "edge.related", style: { "line-color": colours.edges.related, "width": 1.6, "opacity": 0.75 } },
      { selector: "edge.recurring", style: { "line-color": colours.edges.recurring, "width": 2.4, "opacity": 0.9,
          "line-style": "dashed", "curve-style": "bezier", "target-arrow-shape": "triangle",
          "target-arrow-color": colours.edges.recurring } }
    ]
  });

  // ---- legend ---------------------------------------------------------------------------------
  var legend = document.getElementById("legend");
  var shapes = { authority: "3px", inspection: "0", theme: "4px", finding: "50%" };
  [["authority", "Authority"], ["inspection", "Inspection / report"], ["theme", "Theme"]].forEach(function (k) {
    var item = el("div", null, "legend-item");
    var sw = el("span", null, "swatch");
    sw.style.background = colours.kinds[k[0]];
    sw.style.borderRadius = shapes[k[0]];
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
   ["theme", "Finding is about theme", "solid"],
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
  fill(themeSelect, data.nodes.filter(function (n) { return n.kind === "theme"; })
    .map(function (n) { return [n.theme, n.label]; }).sort(function (a, b) { return a[1].localeCompare(b[1]); }));
  var authorityNames = data.nodes.filter(function (n) { return n.kind === "authority"; })
    .map(function (n) { return n.label; }).sort();
  fill(authoritySelect, authorityNames.map(function (a) { return [a, a]; }));
  var datalist = document.getElementById("authority-names");
  authorityNames.forEach(function (a) { var o = el("option"); o.value = a; datalist.appendChild(o); });
  var docTypes = {};
  data.nodes.forEach(function (n) { if (n.docType) docTypes[n.docType] = true; });
  fill(docSelect, Object.keys(docTypes).sort().map(function (d) { return [d, d.replace(/_/g, " ")]; }));

  function applyFilters() {
    var theme = themeSelect.value, authority = authoritySelect.value, doc = docSelect.value;
    var from = fromInput.value, to = toInput.value;
    function dateOk(d) { return (!from || (d && d >= from)) && (!to || (d && d <= to)); }
    var visibleFindings = 0, visibleReports = {}, visibleAuthorities = {}, visibleThemes = {};
    cy.batch(function () {
      cy.nodes(".finding").forEach(function (node) {
        var n = byId[node.id()];
        var ok = (!theme || n.themes.indexOf(theme) >= 0) && (!authority || n.authority === authority) &&
                 (!doc || n.docType === doc) && dateOk(n.date);
        node.style("display", ok ? "element" : "none");
        if (ok) {
          visibleFindings += 1; visibleReports[n.report] = true; visibleAuthorities[n.authority] = true;
          n.themes.forEach(function (t) { visibleThemes[t] = true; });
        }
      });
      var anyFilter = theme || authority || doc || from || to;
      cy.nodes(".inspection").forEach(function (node) {
        node.style("display", !anyFilter || visibleReports[node.id()] ? "element" : "none");
      });
      cy.nodes(".authority").forEach(function (node) {
        node.style("display", !anyFilter || visibleAuthorities[byId[node.id()].label] ? "element" : "none");
      });
      cy.nodes(".theme").forEach(function (node) {
        node.style("display", (!theme || byId[node.id()].theme === theme) &&
                              (!anyFilter || visibleThemes[byId[node.id()].theme]) ? "element" : "none");
      });
    });
    document.getElementById("status").textContent =
      visibleFindings + " of " + cy.nodes(".finding").length + " findings shown";
    document.body.dataset.visibleFindings = String(visibleFindings);
  }
  [themeSelect, authoritySelect, docSelect, fromInput, toInput].forEach(function (c) {
    c.addEventListener("change", applyFilters);
  });
  document.getElementById("reset").addEventListener("click", function () {
    themeSelect.value = ""; authoritySelect.value = ""; docSelect.value = ""; fromInput.value = ""; toInput.value = "";
    search.value = ""; cy.nodes().removeClass("highlight"); applyFilters(); cy.fit(undefined, 20);
  });

  // ---- search -----------------------------------------------------------------------------------
  search.addEventListener("input", function () {
    var q = search.value.trim().toLowerCase();
    cy.nodes().removeClass("highlight");
    if (q.length < 2) return;
    var hits = cy.nodes(".authority").filter(function (node) {
      return byId[node.id()].label.toLowerCase().indexOf(q) >= 0;
    });
    hits.addClass("highlight");
    if (hits.length) {
      var around = hits.union(cy.nodes().filter(function (node) {
        var n = byId[node.id()]; return n.kind !== "theme" && n.kind !== "authority" && hits.some(function (h) {
          return byId[h.id()].label === n.authority; });
      }));
      cy.animate({ fit: { eles: around, padding: 40 } }, { duration: 250 });
    }
  });

  // ---- details ----------------------------------------------------------------------------------
  function showFinding(id) {
    var n = byId[id];
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
    document.getElementById("d-quote").textContent = n.quote;
    document.getElementById("d-source").textContent = n.reportTitle + (n.page ? ", page " + n.page : "") +
      " \u2014 " + n.report;
    var list = document.getElementById("related-list");
    list.textContent = "";
    if (!n.related.length) list.appendChild(el("li", "No related findings in this view.", "empty"));
    n.related.forEach(function (r) {
      var li = el("li", r.authority + " (" + (r.date || "?") + ", similarity " + r.similarity.toFixed(2) + "): " + r.text);
      li.dataset.finding = r.id;
      li.addEventListener("click", function () { select(r.id); });
      list.appendChild(li);
    });
  }
  function select(id) {
    var node = cy.getElementById(id);
    cy.nodes(":selected").unselect();
    node.select();
    showFinding(id);
  }
  cy.on("tap", "node.finding", function (evt) { select(evt.target.id()); });

  // Pre-set filters from the command line (--authority/--theme) are already applied in Python.
  applyFilters();
  window.okg = { cy: cy, select: select, applyFilters: applyFilters,
                 ready: { nodes: cy.nodes().length, edges: cy.edges().length } };
  cy.one("render", function () {
    window.okg.ready.ms = Math.round(performance.now() - started);
    document.body.dataset.ready = "1";
  });
  // A graph that renders nothing new (empty view) still counts as ready.
  setTimeout(function () { if (!document.body.dataset.ready) { document.body.dataset.ready = "1"; } }, 2000);
})();
