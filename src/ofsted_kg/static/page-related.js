// Related findings of the selected finding or authority: a ranked list with the quotes, and a
// small graph around the selection (a few dozen edges at most, never every link at once).
(function (okg) {
  "use strict";
  var el = okg.el;
  var GRAPH_NODES = 15, GRAPH_EDGES = 36, LIST_MAX = 60;

  okg.views.related = {
    render: function (s) {
      return okg.detailReady.then(function () {
        var f = s.finding ? okg.findingByKey(s.finding) : null;
        var a = !s.finding && s.authority ? okg.byGss[s.authority] : null;
        if (f !== null) return forFinding(f);
        if (a) return forAuthority(a);
        okg.$("related-heading").textContent = "Related findings";
        okg.$("related-sub").textContent = "Choose a finding (click a mark in an authority's story) or an authority to see what was said elsewhere and over time in similar words.";
        okg.clear(okg.$("related-list"));
        okg.clear(okg.$("related-graph"));
        okg.$("related-graph-note").textContent = "";
        okg.clearDetails();
      });
    }
  };

  function who(f) {
    var insp = okg.f.inspection(f);
    return okg.A[insp.a].name + " · " + okg.inspectionName(insp) + " · " + okg.monthYear(insp.date);
  }

  function themeTags(themes) {
    return themes.map(function (t) { return el("span", { class: "tag", text: okg.themes[t].label }); });
  }

  function forFinding(f) {
    var a = okg.f.authority(f);
    okg.$("related-heading").textContent = "Findings related to " + a.name + "'s " + okg.kindLabel(okg.f.kind(f)).toLowerCase() +
      " (" + okg.monthYear(okg.f.inspection(f).date) + ")";
    okg.$("related-sub").textContent = "“" + okg.f.text(f) + "” — strongest first: other findings on a shared theme in similar words, in other authorities and in this one's other inspections.";
    var related = okg.relatedOf(f);
    var list = okg.clear(okg.$("related-list"));
    if (!related.length) list.appendChild(el("li", { class: "empty", text: "No related finding: nothing else shares a theme and enough of its words." }));
    related.slice(0, LIST_MAX).forEach(function (r) {
      var same = okg.f.authority(r.other).idx === a.idx;
      list.appendChild(el("li", { "data-finding": r.other }, [
        el("button", { type: "button", onclick: function () { okg.go({ view: "related", finding: okg.f.key(r.other), authority: null }); } }, [
          el("span", { class: "who", text: who(r.other) }), " ", okg.simBar(r.sim)
        ]),
        el("div", {}, themeTags(r.themes).concat(same ? [el("span", { class: "tag same", text: "same authority, another time" })] : [])),
        el("div", { class: "quote", text: "“" + okg.snippet(okg.f.quote(r.other), 420) + "”" }),
        okg.findingLink(r.other, "Open in " + okg.f.authority(r.other).name + "'s story")
      ]));
    });
    // The graph: the finding, its strongest related findings, and the links among them.
    var nodes = [{ id: "f" + f, f: f, centre: true }].concat(related.slice(0, GRAPH_NODES).map(function (r) { return { id: "f" + r.other, f: r.other }; }));
    var ids = new Map(nodes.map(function (n) { return [n.f, n]; }));
    var edges = related.slice(0, GRAPH_NODES).map(function (r) { return { source: "f" + f, target: "f" + r.other, sim: r.sim }; });
    var among = [];
    nodes.slice(1).forEach(function (n) {
      okg.relatedOf(n.f).forEach(function (r) {
        if (r.other > n.f && ids.has(r.other)) among.push({ source: n.id, target: "f" + r.other, sim: r.sim, among: true });
      });
    });
    among.sort(function (p, q) { return q.sim - p.sim; });
    edges = edges.concat(among.slice(0, Math.max(0, GRAPH_EDGES - edges.length)));
    nodes.forEach(function (n) {
      var insp = okg.f.inspection(n.f);
      n.label = shortName(okg.A[insp.a].name) + " " + (insp.year || "");
      n.polarity = okg.f.polarity(n.f);
      n.title = who(n.f) + "\n" + okg.snippet(okg.f.text(n.f), 200);
      n.action = function () { okg.go({ view: "related", finding: okg.f.key(n.f), authority: null }); };
    });
    graph(nodes, edges, "finding");
    okg.$("related-graph-note").textContent = "The selected finding (large) and its " + (nodes.length - 1) +
      " strongest related findings; lines: related (thicker = more similar), grey between the related ones. Click a node to follow it.";
    okg.showFinding(f, { inRelated: true });
  }

  function forAuthority(a) {
    okg.$("related-heading").textContent = "Findings related to " + a.name + "'s findings";
    var own = new Set();
    a.inspections.forEach(function (insp) { okg.findingsOf[insp.idx].forEach(function (f) { own.add(f); }); });
    var pairs = [], byAuthority = new Map();
    own.forEach(function (f) {
      okg.relatedOf(f).forEach(function (r) {
        var sameInspection = okg.F.inspection[r.other] === okg.F.inspection[f];
        if (sameInspection || (own.has(r.other) && r.other < f)) return;  // each pair of its own once
        pairs.push({ own: f, other: r.other, sim: r.sim, themes: r.themes });
        var b = okg.f.authority(r.other);
        var entry = byAuthority.get(b.idx) || { a: b, n: 0, sum: 0 };
        entry.n++; entry.sum += r.sim;
        byAuthority.set(b.idx, entry);
      });
    });
    pairs.sort(function (p, q) { return q.sim - p.sim || p.other - q.other; });
    okg.$("related-sub").textContent = okg.plural(pairs.length, "link") + " between " + a.name + "'s findings and " +
      (byAuthority.has(a.idx) ? okg.fmtInt(byAuthority.size - 1) + " other authorities' (and its own other inspections')" : okg.fmtInt(byAuthority.size) + " other authorities'") +
      ", strongest first" + (pairs.length > LIST_MAX ? " (the first " + LIST_MAX + ")" : "") + ".";
    var list = okg.clear(okg.$("related-list"));
    if (!pairs.length) list.appendChild(el("li", { class: "empty", text: "No related finding in this store." }));
    pairs.slice(0, LIST_MAX).forEach(function (p) {
      var same = okg.f.authority(p.other).idx === a.idx;
      list.appendChild(el("li", { "data-finding": p.other }, [
        el("button", { type: "button", onclick: function () { okg.go({ view: "related", finding: okg.f.key(p.other), authority: null }); } }, [
          el("span", { class: "who", text: who(p.other) }), " ", okg.simBar(p.sim)
        ]),
        el("div", {}, themeTags(p.themes).concat(same ? [el("span", { class: "tag same", text: "same authority, another time" })] : [])),
        el("div", { class: "quote", text: "“" + okg.snippet(okg.f.quote(p.other), 360) + "”" }),
        el("div", { class: "from" }, ["related to " + okg.monthYear(okg.f.inspection(p.own).date) + ": ",
          okg.findingLink(p.own, "“" + okg.snippet(okg.f.text(p.own), 140) + "”", function () { okg.go({ view: "related", finding: okg.f.key(p.own), authority: null }); })])
      ]));
    });
    // The graph: the authority and the authorities it shares most related findings with.
    var top = Array.from(byAuthority.values()).filter(function (e) { return e.a.idx !== a.idx; })
      .sort(function (p, q) { return q.n - p.n || q.sum - p.sum; }).slice(0, GRAPH_NODES);
    var nodes = [{ id: "a" + a.idx, authority: a, centre: true, label: a.name, title: a.name }].concat(top.map(function (e) {
      return { id: "a" + e.a.idx, authority: e.a, n: e.n, label: shortName(e.a.name) + " (" + e.n + ")",
               title: e.a.name + ": " + okg.plural(e.n, "related finding") };
    }));
    var edges = top.map(function (e) { return { source: "a" + a.idx, target: "a" + e.a.idx, weight: e.n, sim: Math.min(1, e.sum / e.n) }; });
    nodes.forEach(function (n) {
      n.action = function () { okg.go({ view: "story", authority: n.authority.gss, finding: null }); };
    });
    graph(nodes, edges, "authority");
    okg.$("related-graph-note").textContent = top.length
      ? a.name + " and the " + top.length + " authorities it shares most related findings with (the number on each; thicker line = more; colour: latest ILACS grade). Click one for its story."
      : "";
    okg.detailsMessage(a.name, [el("p", { text: "Click an entry's heading to see that finding's own related findings, or the quoted " + a.name + " finding it is related to." })]);
  }

  // A long name shortened for a graph label (the full name is in the node's label and tooltip):
  // "Bournemouth, Christchurch and Poole" -> "BCP".
  function shortName(name) {
    name = name.replace(/, City of$/, "");
    if (name.length <= 20) return name;
    return name.split(/[\s,]+/).filter(function (w) { return /^[A-Z]/.test(w); }).map(function (w) { return w[0]; }).join("");
  }

  function graph(nodes, edges, mode) {
    var box = okg.clear(okg.$("related-graph"));
    var W = 440, H = 400;
    nodes.forEach(function (n) { if (n.centre) { n.fx = 0; n.fy = 0; } });
    var maxWeight = d3.max(edges, function (e) { return e.weight || 1; }) || 1;
    var sim = d3.forceSimulation(nodes)
      .force("link", d3.forceLink(edges).id(function (n) { return n.id; })
        .distance(function (e) { return e.among ? 150 : 110 + 160 * (1 - Math.min(1, e.sim)); }).strength(function (e) { return e.among ? 0.05 : 0.8; }))
      .force("charge", d3.forceManyBody().strength(-700))
      .force("collide", d3.forceCollide(46))
      .stop();
    for (var tick = 0; tick < 300; tick++) sim.tick();
    // Positions are fitted into the box; symbols and labels keep their size.
    var xs = nodes.map(function (n) { return n.x; }), ys = nodes.map(function (n) { return n.y; });
    var fx = d3.scaleLinear().domain(d3.extent(xs)).range([70, W - 70]);
    var fy = d3.scaleLinear().domain(d3.extent(ys)).range([24, H - 34]);
    var sx = Math.min(1.4, (W - 140) / Math.max(1, fx.domain()[1] - fx.domain()[0]));
    var sy = Math.min(1.4, (H - 58) / Math.max(1, fy.domain()[1] - fy.domain()[0]));
    var k = Math.min(sx, sy), cx = (fx.domain()[0] + fx.domain()[1]) / 2, cy = (fy.domain()[0] + fy.domain()[1]) / 2;
    nodes.forEach(function (n) { n.x = W / 2 + (n.x - cx) * k; n.y = H / 2 - 5 + (n.y - cy) * k; });
    var svg = d3.select(box).append("svg").attr("viewBox", [0, 0, W, H].join(" ")).attr("role", "group")
      .attr("aria-label", mode === "finding" ? "Graph of the finding and its related findings" : "Graph of the authority and the authorities it shares related findings with");
    var g = svg.append("g");
    g.append("g").selectAll("line").data(edges).join("line")
      .attr("x1", function (e) { return e.source.x; }).attr("y1", function (e) { return e.source.y; })
      .attr("x2", function (e) { return e.target.x; }).attr("y2", function (e) { return e.target.y; })
      .attr("stroke", function (e) { return e.among ? "#b9b9b9" : "#444"; })
      .attr("stroke-width", function (e) { return mode === "authority" ? 1 + 5 * (e.weight / maxWeight) : (e.among ? 1 : 0.8 + 3.5 * Math.max(0, e.sim - 0.2)); });
    var node = g.append("g").selectAll("g").data(nodes).join("g").attr("class", "gnode")
      .attr("transform", function (n) { return "translate(" + n.x + "," + n.y + ")"; })
      .attr("tabindex", 0).attr("role", "button").attr("aria-label", function (n) { return n.title.replace(/\n/g, ": "); })
      .on("click", function (ev, n) { n.action(); })
      .on("keydown", function (ev, n) { if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); n.action(); } });
    if (mode === "finding") {
      node.append("path").attr("d", function (n) { return d3.symbol(okg.polaritySymbol[n.polarity], n.centre ? 420 : 170)(); })
        .attr("fill", function (n) { return okg.polarityColour[n.polarity]; })
        .attr("stroke", function (n) { return okg.f.isWeakness(n.f) ? "#111" : "#fff"; }).attr("stroke-width", 1.8);
    } else {
      node.append("circle").attr("r", function (n) { return n.centre ? 14 : 6 + 8 * Math.sqrt((n.n || 1) / maxWeight); })
        .attr("fill", function (n) { var g2 = okg.latestGrade(n.authority); return g2 ? okg.gradeColour[g2.grade] : "#ddd"; })
        .attr("stroke", "#333").attr("stroke-width", function (n) { return n.centre ? 2.5 : 1; });
    }
    node.append("text").attr("y", function (n) { return n.centre ? 28 : 20; }).attr("text-anchor", "middle")
      .style("font-weight", function (n) { return n.centre ? 700 : 400; }).text(function (n) { return n.label; });
    node.append("title").text(function (n) { return n.title; });
    box.dataset.nodes = nodes.length;
    box.dataset.edges = edges.length;
  }
})(window.okg);
