// Theme view: one theme across authorities (rows) and years (columns); each cell shaded by the
// number of concerns on the theme in that authority's inspections and visits of that year.
// Click a cell for its findings.
(function (okg) {
  "use strict";
  var el = okg.el;
  var LABEL_W = 230, CELL_W = 40, CELL_H = 20, HEAD_H = 34;
  var built = false, drawn = null;

  function build() {
    var pick = okg.$("theme-pick");
    okg.themes.forEach(function (t) { pick.appendChild(el("option", { value: t.id, text: t.label })); });
    pick.addEventListener("change", function () { okg.go({ view: "theme", theme: pick.value, cell: null }); });
    okg.$("theme-sort").addEventListener("change", function () { drawn = null; okg.render(); });
    built = true;
  }

  // Per authority and year: {concerns, findings: [finding indices]} for theme t.
  function tally(t) {
    var cells = new Map(), years = [Infinity, -Infinity];
    okg.I.forEach(function (insp) {
      if (insp.year !== null) { years[0] = Math.min(years[0], insp.year); years[1] = Math.max(years[1], insp.year); }
      okg.findingsOf[insp.idx].forEach(function (f) {
        if (okg.f.themes(f).indexOf(t) < 0) return;
        var key = insp.a + ":" + insp.year, cell = cells.get(key);
        if (!cell) cells.set(key, (cell = { a: insp.a, year: insp.year, concerns: 0, findings: [] }));
        cell.findings.push(f);
        if (okg.f.polarity(f) === "concern") cell.concerns++;
      });
    });
    return { cells: cells, years: years };
  }

  okg.views.theme = {
    render: function (s) {
      if (!built) build();
      var theme = okg.themeById[s.theme] || okg.themes[0];
      okg.$("theme-pick").value = theme.id;
      return okg.detailReady.then(function () {
        var sort = okg.$("theme-sort").value;
        if (!drawn || drawn.theme !== theme.id || drawn.sort !== sort) draw(theme, sort);
        selectCell(s.cell);
      });
    }
  };

  function draw(theme, sort) {
    var box = okg.clear(okg.$("theme-grid"));
    var T = tally(theme.idx);
    drawn = { theme: theme.id, sort: sort, cells: T.cells, nodes: new Map() };
    var byAuthority = new Map();
    T.cells.forEach(function (c) {
      var row = byAuthority.get(c.a);
      if (!row) byAuthority.set(c.a, (row = { a: okg.A[c.a], concerns: 0, findings: 0 }));
      row.concerns += c.concerns; row.findings += c.findings.length;
    });
    var rows = Array.from(byAuthority.values());
    var totalConcerns = d3.sum(rows, function (r) { return r.concerns; });
    okg.$("theme-note").textContent = rows.length
      ? theme.label + ": " + okg.plural(d3.sum(rows, function (r) { return r.findings; }), "finding") + " (" + okg.plural(totalConcerns, "concern") +
        ") in " + okg.plural(rows.length, "authority", "authorities") + ". Each cell counts the concerns on this theme in the authority's inspections and visits of that year; click a cell for its findings."
      : "No finding on " + theme.label + " in this store.";
    if (!rows.length) { legend(null); return; }
    var lines = [];
    if (sort === "concerns") {
      rows.sort(function (p, q) { return q.concerns - p.concerns || q.findings - p.findings || p.a.name.localeCompare(q.a.name); });
      rows.forEach(function (r) { lines.push({ row: r }); });
    } else {
      okg.data.regions.forEach(function (region) {
        var members = rows.filter(function (r) { return r.a.region === region; });
        if (!members.length) return;
        members.sort(function (p, q) { return p.a.name.localeCompare(q.a.name); });
        lines.push({ region: region });
        members.forEach(function (r) { lines.push({ row: r }); });
      });
      var rest = rows.filter(function (r) { return okg.data.regions.indexOf(r.a.region) < 0; });
      if (rest.length) { lines.push({ region: "Other" }); rest.forEach(function (r) { lines.push({ row: r }); }); }
    }
    var years = d3.range(T.years[0], T.years[1] + 1);
    var max = d3.max(Array.from(T.cells.values()), function (c) { return c.concerns; }) || 1;
    var colour = d3.scaleSequential(d3.interpolateOranges).domain([0, max * 1.1]);
    var width = LABEL_W + years.length * CELL_W + 70, height = HEAD_H + lines.length * CELL_H + 6;
    var svg = d3.select(box).append("svg").attr("width", width).attr("height", height).attr("viewBox", "0 0 " + width + " " + height)
      .attr("role", "group").attr("aria-label", theme.label + " by authority and year");
    years.forEach(function (year, j) {
      svg.append("text").attr("x", LABEL_W + j * CELL_W + CELL_W / 2).attr("y", HEAD_H - 10).attr("text-anchor", "middle").text(year);
    });
    svg.append("text").attr("x", LABEL_W + years.length * CELL_W + 8).attr("y", HEAD_H - 10).style("fill", "#555").text("total");
    var grid = svg.append("g");
    lines.forEach(function (line, i) {
      var y = HEAD_H + i * CELL_H;
      if (line.region) {
        svg.append("text").attr("class", "region-label").attr("x", 4).attr("y", y + CELL_H - 6).text(line.region);
        svg.append("line").attr("x1", 0).attr("x2", width).attr("y1", y + CELL_H - 1).attr("y2", y + CELL_H - 1).attr("stroke", "#bbb");
        return;
      }
      var a = line.row.a;
      svg.append("text").attr("x", LABEL_W - 8).attr("y", y + CELL_H / 2).attr("dy", "0.35em").attr("text-anchor", "end")
        .text(a.name.replace(/, City of$/, ""));
      svg.append("text").attr("x", LABEL_W + years.length * CELL_W + 8).attr("y", y + CELL_H / 2).attr("dy", "0.35em").style("fill", "#333")
        .text(line.row.concerns + " / " + line.row.findings);
      years.forEach(function (year, j) {
        var c = T.cells.get(a.idx + ":" + year);
        if (!c) return;
        var key = a.gss + ":" + year;
        var cell = grid.append("g").attr("class", "cell").attr("tabindex", 0).attr("role", "button").attr("data-cell", key)
          .attr("transform", "translate(" + (LABEL_W + j * CELL_W + 1) + "," + (y + 1) + ")")
          .attr("aria-label", a.name + " " + year + ": " + okg.plural(c.concerns, "concern") + " of " + okg.plural(c.findings.length, "finding") + " on " + theme.label);
        cell.append("rect").attr("width", CELL_W - 2).attr("height", CELL_H - 2).attr("rx", 2)
          .attr("fill", c.concerns ? colour(c.concerns) : "#e3eef8").attr("stroke", c.concerns ? "none" : okg.polarityColour.strength).attr("stroke-width", 0.8);
        cell.append("text").attr("x", (CELL_W - 2) / 2).attr("y", (CELL_H - 2) / 2).attr("dy", "0.35em").attr("text-anchor", "middle")
          .style("fill", c.concerns > max * 0.6 ? "#fff" : "#222").style("font-weight", c.concerns ? 700 : 400).text(c.concerns);
        cell.append("title").text(a.name + " " + year + ": " + c.concerns + " concerns, " + c.findings.length + " findings on " + theme.label);
        drawn.nodes.set(key, cell.node());
      });
    });
    grid.on("click", function (ev) {
      var c = ev.target.closest(".cell");
      if (c) okg.go({ cell: c.getAttribute("data-cell") }, true);
    }).on("keydown", function (ev) {
      var c = ev.target.closest(".cell");
      if (c && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); okg.go({ cell: c.getAttribute("data-cell") }, true); }
    });
    legend(colour, max);
  }

  function legend(colour, max) {
    var box = okg.clear(okg.$("theme-legend"));
    if (!colour) return;
    var bar = el("span", { class: "swatch" });
    bar.style.width = "90px";
    bar.style.background = "linear-gradient(90deg," + [0, 0.25, 0.5, 0.75, 1].map(function (x) { return colour(x * max); }).join(",") + ")";
    box.appendChild(okg.legendItem(bar, "concerns on the theme: 1 to " + max));
    var none = okg.swatch("#e3eef8");
    none.style.borderColor = okg.polarityColour.strength;
    box.appendChild(okg.legendItem(none, "findings, none of concern"));
    box.appendChild(okg.legendItem(el("span", { text: "total" }), "= concerns / findings"));
  }

  function selectCell(key) {
    if (!drawn) return;
    drawn.nodes.forEach(function (n) { n.classList.remove("selected"); });
    var parts = key ? key.split(":") : null, a = parts ? okg.byGss[parts[0]] : null;
    var c = a ? drawn.cells.get(a.idx + ":" + parts[1]) : null;
    if (!c) {
      okg.detailsMessage(okg.themeById[drawn.theme].label, [el("p", { text: "Click a cell (or Tab to it and press Enter) to list its findings with their quotes." })]);
      return;
    }
    var node = drawn.nodes.get(key);
    node.classList.add("selected");
    var theme = okg.themeById[drawn.theme];
    var body = okg.detailsMessage(a.name + ", " + parts[1], [
      el("p", { class: "meta", text: theme.label + ": " + okg.plural(c.findings.length, "finding") + ", " + okg.plural(c.concerns, "concern") })
    ]);
    var list = el("ul", { id: "cell-findings" });
    var byInspection = d3.group(c.findings, function (f) { return okg.F.inspection[f]; });
    byInspection.forEach(function (fs, i) {
      var insp = okg.I[i];
      list.appendChild(el("li", {}, [el("strong", { text: okg.inspectionName(insp) + ", " + okg.monthYear(insp.date) })]));
      fs.forEach(function (f) {
        var pol = okg.f.polarity(f);
        list.appendChild(el("li", {}, [
          okg.symbolSvg(pol, 11, okg.f.isWeakness(f)), " ",
          el("span", { class: "meta", text: okg.kindLabel(okg.f.kind(f)) + (okg.f.page(f) ? ", page " + okg.f.page(f) : "") }),
          el("blockquote", { class: "polarity-" + pol, text: okg.f.quote(f) }),
          okg.findingLink(f, "Open in " + a.name + "'s story"), " · ",
          el("button", { type: "button", class: "linkish", text: "Related findings",
            onclick: function () { okg.go({ view: "related", finding: okg.f.key(f), authority: null }); } })
        ]));
      });
    });
    body.appendChild(list);
  }
})(window.okg);
