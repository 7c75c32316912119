// Authority story: every inspection, visit and review as a column on a time axis, headed by its
// type and grades; one row per theme with the findings as marks (colour and shape by polarity,
// outlined when an area for improvement or priority action); recurring weaknesses as arcs from
// the earlier to the later finding; a weakness later answered by a strength as a dotted arc.
(function (okg) {
  "use strict";
  var el = okg.el, D = okg.data;
  var LABEL_W = 300, COL_W = 172, GAP = 12, STEP = 14, PAD = 8;
  var PER_LINE = Math.floor((COL_W - 2 * PAD) / STEP);
  var SHORT_TYPE = {
    ilacs_inspection: "ILACS inspection", focused_visit: "Focused visit", monitoring_visit: "Monitoring visit",
    sif_inspection: "SIF inspection", area_send_inspection: "Area SEND", jtai: "JTAI", other: "Other report"
  };
  var SHORT_AREA = {
    overall_effectiveness: "Overall", impact_of_leaders: "Leaders", help_and_protection: "Help & protection",
    children_in_care_and_care_leavers: "In care & leavers", children_in_care: "Children in care", care_leavers: "Care leavers",
    area_send_outcome: "Outcome", sif_help_and_protection: "Help & protection", sif_looked_after_and_permanence: "Looked after",
    sif_adoption: "Adoption", sif_care_leavers: "Care leavers", sif_leadership: "Leadership", lscb_review: "LSCB"
  };
  var SHORT_GRADE = {
    outstanding: "Outstanding", good: "Good", requires_improvement: "RI", adequate: "Adequate", inadequate: "Inadequate",
    positive_experiences: "Positive", inconsistent_experiences: "Inconsistent", widespread_failings: "Widespread failings"
  };
  var POLARITY_ORDER = { concern: 0, mixed: 1, neutral: 2, strength: 3 };
  var SYMBOL_PATH = {};
  Object.keys(okg.polaritySymbol).forEach(function (p) {
    SYMBOL_PATH[p] = d3.symbol(okg.polaritySymbol[p], p === "neutral" ? 30 : 78)();
  });
  var measure = document.createElement("canvas").getContext("2d");
  var current = null;  // {gss, marks: Map finding -> [nodes]}

  okg.views.story = {
    render: function (s) {
      return okg.detailReady.then(function () {
        var a = s.authority ? okg.byGss[s.authority] : null;
        if (!a) {
          current = null;
          okg.clear(okg.$("story-timeline"));
          okg.clear(okg.$("story-lists"));
          okg.clear(okg.$("story-latest"));
          okg.clear(okg.$("story-neighbours"));
          okg.$("story-name").textContent = s.authority ? "No authority " + s.authority + " in this page" : "Choose an authority";
          okg.$("story-meta").textContent = "Click a tile on the national overview, or type a name in ‘Find an authority’.";
          okg.clearDetails();
          return;
        }
        if (!current || current.gss !== a.gss) draw(a);
        var f = s.finding ? okg.findingByKey(s.finding) : null, drawn = current;
        // The marks below the first screen are still being added: select once they are all there.
        drawn.complete.then(function () { if (current === drawn) select(f); });
        if (f === null) select(null);
      });
    }
  };

  function draw(a) {
    var done;
    current = { gss: a.gss, marks: new Map(), complete: new Promise(function (resolve) { done = resolve; }) };
    current.done = done;
    current.started = okg.viewStarted;
    okg.$("story-name").textContent = a.name;
    var meta = [a.region, "GSS " + a.gss];
    if (a.latest && a.latest.urn) meta.push("Ofsted URN " + a.latest.urn);
    meta.push(okg.plural(a.inspections.length, "inspection or visit", "inspections and visits") + " in this store");
    if (okg.scope.since) meta.push("from " + okg.dayMonthYear(okg.scope.since));
    okg.$("story-meta").textContent = meta.join(" · ");
    drawLatest(a);
    drawNeighbours(a);
    drawLegend();
    okg.clear(okg.$("story-lists"));
    drawTimeline(a);
    var drawn = current;
    drawn.complete.then(function () { if (current === drawn) drawLists(a); });
  }

  function drawLatest(a) {
    var box = okg.clear(okg.$("story-latest"));
    var L = a.latest || {}, ilacs = L.ilacs;
    if (ilacs && ilacs.grades) {
      var when = okg.visitDates({ start: ilacs.start, end: ilacs.end });
      var line = "Latest ILACS inspection: " + when + (ilacs.kind ? " (" + ilacs.kind + ")" : "");
      if (ilacs.direction) line += "; overall " + ilacs.direction + " since " + okg.monthYear(ilacs.previousEnd) + " (" + okg.gradeLabel(ilacs.previous) + ")";
      box.appendChild(el("p", { class: "meta", text: line }));
      box.appendChild(el("div", { class: "grades" }, D.labels.areaOrder.filter(function (area) { return ilacs.grades[area]; }).map(function (area) {
        return okg.gradeChip(area, ilacs.grades[area]);
      })));
    } else {
      box.appendChild(el("p", { class: "meta", text: "No ILACS inspection of this authority in the store." }));
    }
    var visits = [];
    if (L.focused) visits.push("Last focused visit: " + okg.dayMonthYear(L.focused.end) + (L.focused.focus ? " — " + L.focused.focus : ""));
    if (L.monitoring) visits.push("Last monitoring visit" + (L.monitoring.number ? " (" + L.monitoring.number + ")" : "") + ": " + okg.dayMonthYear(L.monitoring.end));
    if (L.send) visits.push("Area SEND inspection: " + okg.dayMonthYear(L.send.end) + (L.send.outcome ? " — " + okg.gradeLabel(L.send.outcome) : ""));
    if (L.jtai) visits.push("Joint targeted area inspection: " + okg.dayMonthYear(L.jtai.end) + (L.jtai.focus ? " — " + L.jtai.focus : ""));
    if (visits.length) box.appendChild(el("ul", { class: "visits" }, visits.map(function (t) { return el("li", { text: t }); })));
  }

  function drawNeighbours(a) {
    var box = okg.clear(okg.$("story-neighbours"));
    box.appendChild(el("h3", { text: "Statistical neighbours: latest ILACS overall" }));
    var counts = a.latest && a.latest.neighbourGrades;
    if (counts) {
      var words = ["outstanding", "good", "requires_improvement", "inadequate", "not_graded"].filter(function (g) { return counts[g]; })
        .map(function (g) { return counts[g] + " " + (g === "not_graded" ? "not graded in this store" : okg.shortGrade[g].toLowerCase()); });
      box.appendChild(el("p", { class: "meta", text: words.join(", ") }));
    }
    if (!a.neighbours.length) { box.appendChild(el("p", { class: "empty", text: "None in the reference lookup." })); return; }
    box.appendChild(el("ol", {}, a.neighbours.map(function (n) {
      var b = okg.A[n], g = okg.latestGrade(b);
      var dot = el("span", { class: "dot" + (g ? "" : " none") });
      if (g) dot.style.background = okg.gradeColour[g.grade];
      var text = g ? okg.shortGrade[g.grade] + " " + (g.year || "") : "no ILACS";
      var clickable = !okg.scope.authority || b.inspections.length;
      return el("li", {}, [el(clickable ? "button" : "span", {
        type: clickable ? "button" : null, title: b.name + ": " + text,
        onclick: clickable ? function () { okg.go({ view: "story", authority: b.gss, finding: null }); } : null
      }, [dot, el("span", { class: "nname", text: b.name.replace(/, City of$/, "") }), el("span", { class: "meta", text: " " + text })])]);
    })));
  }

  function drawLegend() {
    var box = okg.clear(okg.$("story-legend"));
    box.appendChild(el("span", { class: "title", text: "Findings:" }));
    ["strength", "concern", "mixed", "neutral"].forEach(function (p) {
      box.appendChild(okg.legendItem(okg.symbolSvg(p, 12, false), p));
    });
    box.appendChild(okg.legendItem(okg.symbolSvg("concern", 12, true), "outlined: area for improvement or priority action"));
    var rec = d3.create("svg").attr("width", 34).attr("height", 12);
    rec.append("path").attr("d", "M2,10 C8,0 26,0 32,10").attr("class", "arc recurring");
    box.appendChild(okg.legendItem(rec.node(), "recurring weakness (earlier → later)"));
    var res = d3.create("svg").attr("width", 34).attr("height", 12);
    res.append("path").attr("d", "M2,10 C8,0 26,0 32,10").attr("class", "arc resolved");
    box.appendChild(okg.legendItem(res.node(), "weakness answered later by a strength"));
    box.appendChild(okg.legendItem(el("b", { text: "RI" }), "requires improvement to be good"));
    box.appendChild(el("button", { type: "button", class: "print", text: "Print or save as PDF", onclick: function () { window.print(); } }));
  }

  function rowsOf(a) {
    var counts = {}, unthemed = 0;
    a.inspections.forEach(function (insp) {
      okg.findingsOf[insp.idx].forEach(function (f) {
        var ts = okg.f.themes(f);
        if (!ts.length) unthemed++;
        ts.forEach(function (t) { counts[t] = (counts[t] || 0) + 1; });
      });
    });
    var rows = Object.keys(counts).map(function (t) { return { key: +t, label: okg.themes[+t].label, count: counts[t] }; });
    rows.sort(function (x, y) { return y.count - x.count || x.label.localeCompare(y.label); });
    if (unthemed) rows.push({ key: -1, label: "No theme matched", count: unthemed });
    return rows;
  }

  function headerLines(insp) {
    var lines = [];
    var areas = insp.grades ? D.labels.areaOrder.filter(function (area) { return insp.grades[area]; }) : [];
    Object.keys(insp.grades || {}).forEach(function (area) { if (areas.indexOf(area) < 0) areas.push(area); });
    areas.forEach(function (area) { lines.push({ area: area, grade: insp.grades[area] }); });
    return lines;
  }

  function drawTimeline(a) {
    var box = okg.clear(okg.$("story-timeline"));
    var insps = a.inspections;
    if (!insps.length) {
      box.appendChild(el("p", { class: "empty", text: "No inspection or visit of " + a.name + " in this store." }));
      current.done();
      return;
    }
    var rows = rowsOf(a);
    var maxGrades = d3.max(insps, function (i) { return headerLines(i).length; }) || 0;
    var AXIS_H = 30, HEAD_H = 40 + Math.max(3, maxGrades) * 16 + 18;
    var available = Math.max(600, box.clientWidth - LABEL_W - 24);
    var dates = insps.map(function (i) { return okg.parseDate(i.date); });
    var lo = d3.timeMonth.offset(d3.min(dates), -5), hi = d3.timeMonth.offset(d3.max(dates), 5);
    var plotW = Math.max(available, insps.length * (COL_W + GAP));
    var x = d3.scaleUtc().domain([lo, hi]).range([COL_W / 2, plotW - COL_W / 2]);
    // Columns at their dates, pushed apart where visits are close (a leader line keeps the date).
    var left = dates.map(function (d) { return x(d) - COL_W / 2; });
    for (var k = 0; k < left.length; k++) left[k] = Math.max(left[k], k ? left[k - 1] + COL_W + GAP : 0);
    for (k = left.length - 1; k >= 0; k--) left[k] = Math.min(left[k], (k < left.length - 1 ? left[k + 1] - COL_W - GAP : plotW - COL_W));
    for (k = 0; k < left.length; k++) left[k] = Math.max(left[k], k ? left[k - 1] + COL_W + GAP : 0);
    plotW = Math.max(plotW, left[left.length - 1] + COL_W);
    // Cells: the findings of each inspection on each row (one pass), weaknesses first.
    var rowOf = {};
    rows.forEach(function (row, r) { rowOf[row.key] = r; });
    var cells = rows.map(function () { return insps.map(function () { return []; }); });
    insps.forEach(function (insp, c) {
      okg.findingsOf[insp.idx].forEach(function (f) {
        var ts = okg.f.themes(f);
        if (!ts.length) cells[rowOf[-1]][c].push(f);
        for (var t = 0; t < ts.length; t++) cells[rowOf[ts[t]]][c].push(f);
      });
    });
    var rank = function (f) { return (okg.f.isWeakness(f) ? 0 : 4) + POLARITY_ORDER[okg.f.polarity(f)]; };
    cells.forEach(function (row) { row.forEach(function (list) { list.sort(function (p, q) { return rank(p) - rank(q) || p - q; }); }); });
    var y = AXIS_H + HEAD_H + 6;
    rows.forEach(function (row, r) {
      var lines = Math.max(1, d3.max(cells[r], function (c) { return Math.ceil(c.length / PER_LINE); }));
      row.y = y; row.h = lines * STEP + 10;
      y += row.h;
    });
    var width = LABEL_W + plotW + 12, height = y + 8;
    var svg = d3.select(box).append("svg").attr("width", width).attr("height", height).attr("viewBox", "0 0 " + width + " " + height)
      .attr("role", "group").attr("aria-label", "Timeline of " + a.name + "'s inspections and visits, findings by theme");
    var defs = svg.append("defs");
    [["recurring", "#222"], ["resolved", okg.polarityColour.strength]].forEach(function (m) {
      defs.append("marker").attr("id", "arrow-" + m[0]).attr("viewBox", "0 0 10 10").attr("refX", 9).attr("refY", 5)
        .attr("markerWidth", 7).attr("markerHeight", 7).attr("orient", "auto-start-reverse")
        .append("path").attr("d", "M0,0 L10,5 L0,10 z").attr("fill", m[1]);
    });
    var g = svg.append("g").attr("transform", "translate(" + LABEL_W + ",0)");
    // Row bands and labels.
    var bands = svg.append("g").lower();
    rows.forEach(function (row, r) {
      if (r % 2 === 0) bands.append("rect").attr("x", 0).attr("y", row.y).attr("width", width).attr("height", row.h).attr("fill", "#f4f5f7");
      svg.append("text").attr("class", "row-label").attr("x", LABEL_W - 10).attr("y", row.y + row.h / 2).attr("dy", "0.35em")
        .attr("text-anchor", "end").text(row.label + " (" + row.count + ")");
    });
    // Time axis and leader lines from each date to its column.
    var axis = g.append("g").attr("class", "axis").attr("transform", "translate(0," + (AXIS_H - 8) + ")")
      .call(d3.axisTop(x).ticks(d3.utcYear.every(hi.getUTCFullYear() - lo.getUTCFullYear() > 12 ? 2 : 1)).tickFormat(d3.utcFormat("%Y")).tickSizeOuter(0));
    axis.select(".domain").attr("stroke", "#999");
    insps.forEach(function (insp, c) {
      var cx = left[c] + COL_W / 2, dx = x(dates[c]);
      g.append("path").attr("d", "M" + dx + "," + (AXIS_H - 8) + " L" + dx + "," + (AXIS_H - 2) + " L" + cx + "," + (AXIS_H + 6))
        .attr("stroke", "#777").attr("fill", "none");
      g.append("circle").attr("cx", dx).attr("cy", AXIS_H - 8).attr("r", 3).attr("fill", "#333");
    });
    // Columns: a light band through the rows, the header with type, date and grades.
    insps.forEach(function (insp, c) {
      var col = g.append("g").attr("class", "column").attr("data-date", insp.date).attr("data-x", left[c])
        .attr("transform", "translate(" + left[c] + "," + (AXIS_H + 6) + ")");
      col.append("rect").attr("width", COL_W).attr("height", height - AXIS_H - 10).attr("rx", 4)
        .attr("fill", "rgba(26,79,139,0.035)").attr("stroke", "#c9ccd3");
      col.append("rect").attr("width", COL_W).attr("height", HEAD_H).attr("rx", 4).attr("fill", "#fff").attr("stroke", "#c9ccd3");
      var type = SHORT_TYPE[insp.type] || okg.typeLabel(insp.type);
      if (insp.type === "monitoring_visit" && insp.series) type += " " + insp.series;
      col.append("text").attr("class", "col-type").attr("x", 7).attr("y", 16).text(type);
      col.append("text").attr("class", "col-date").attr("x", 7).attr("y", 31).text(okg.monthYear(insp.date) + (insp.kind && insp.type === "ilacs_inspection" ? " · " + insp.kind : ""));
      headerLines(insp).forEach(function (line, j) {
        var yy = 40 + j * 16;
        col.append("rect").attr("x", 7).attr("y", yy).attr("width", 12).attr("height", 12).attr("rx", 2)
          .attr("fill", okg.gradeColour[line.grade] || "#ddd").attr("stroke", "rgba(0,0,0,.3)");
        col.append("text").attr("x", 24).attr("y", yy + 10).style("font-size", "10.5px")
          .text((SHORT_AREA[line.area] || okg.areaLabel(line.area)) + ": " + (SHORT_GRADE[line.grade] || okg.gradeLabel(line.grade)));
      });
      if (!insp.grades && insp.focus) wrapText(col, focusWords(insp.focus), 7, 46, COL_W - 12, Math.floor((HEAD_H - 62) / 13));
      col.append("text").attr("x", 7).attr("y", HEAD_H - 6).style("fill", "#555").style("font-size", "10.5px")
        .text(okg.plural(okg.findingsOf[insp.idx].length, "finding"));
      var tip = [okg.inspectionName(insp), okg.visitDates(insp)];
      if (insp.focus) tip.push(insp.focus);
      if (insp.changes) tip.push(insp.changes.join("; "));
      if (insp.lead) tip.push("Lead inspector: " + insp.lead);
      col.append("title").text(tip.join("\n"));
    });
    // Marks: one path each (shape by polarity, outlined when a weakness), styled by class. The
    // rows on the first screen are drawn at once; the rest follow a batch per frame, then the
    // arcs, so a story of thousands of findings is on screen as fast as a small one.
    var marksLayer = g.append("g").attr("class", "marks");
    var NS = "http://www.w3.org/2000/svg", story = current;
    function drawRow(r) {
      var row = rows[r], fragment = document.createDocumentFragment(), count = 0;
      insps.forEach(function (insp, c) {
        var when = okg.monthYear(insp.date);
        cells[r][c].forEach(function (f, k) {
          var mx = left[c] + PAD + (k % PER_LINE) * STEP + STEP / 2, my = row.y + 5 + Math.floor(k / PER_LINE) * STEP + STEP / 2;
          var pol = okg.f.polarity(f), text = okg.f.text(f);
          var node = document.createElementNS(NS, "path");
          node.setAttribute("class", "mark p-" + pol + (okg.f.isWeakness(f) ? " weak" : ""));
          node.setAttribute("d", SYMBOL_PATH[pol]);
          node.setAttribute("transform", "translate(" + mx + "," + my + ")");
          node.setAttribute("tabindex", "0");
          node.setAttribute("role", "button");
          node.setAttribute("data-finding", f);
          node.setAttribute("aria-label", okg.kindLabel(okg.f.kind(f)) + " (" + pol + "), " + when + ": " + (text.length > 140 ? text.slice(0, 139) + "…" : text));
          node._x = mx; node._y = my; node._row = row.key;
          fragment.appendChild(node);
          if (!story.marks.has(f)) story.marks.set(f, []);
          story.marks.get(f).push(node);
          count++;
        });
      });
      marksLayer.node().appendChild(fragment);
      return count;
    }
    var main = okg.$("main"), top = box.getBoundingClientRect().top - main.getBoundingClientRect().top + main.scrollTop;
    var firstScreen = main.clientHeight - Math.max(0, top - main.scrollTop), next = 0;
    while (next < rows.length && rows[next].y < firstScreen) drawRow(next++);
    document.body.dataset.drawing = "1";
    function more() {
      if (current !== story) return;  // another story was opened meanwhile
      var budget = 1500;
      while (next < rows.length && budget > 0) budget -= drawRow(next++);
      if (next < rows.length) { requestAnimationFrame(function () { setTimeout(more, 0); }); return; }
      drawArcs();
      okg.marks.storyComplete = performance.now() - story.started;
      document.body.dataset.drawing = "0";
      story.done();
    }
    requestAnimationFrame(function () { setTimeout(more, 0); });
    marksLayer.on("mouseover focusin", function (ev) {
      var m = ev.target.closest(".mark");
      if (m) showTip(m, +m.getAttribute("data-finding"));
    }).on("mouseout focusout", hideTip);
    marksLayer.on("click", function (ev) {
      var m = ev.target.closest(".mark");
      if (m) pick(+m.getAttribute("data-finding"));
    }).on("keydown", function (ev) {
      var m = ev.target.closest(".mark");
      if (m && (ev.key === "Enter" || ev.key === " ")) { ev.preventDefault(); pick(+m.getAttribute("data-finding")); }
    });
    // Arcs over the marks: recurring (solid, arrow to the later) and resolved (dotted).
    function drawArcs() {
      var arcs = g.append("g").attr("class", "arcs");
      var markIn = function (f, rowKey) {
        var nodes = story.marks.get(f) || [];
        for (var k = 0; k < nodes.length; k++) if (nodes[k]._row === rowKey) return nodes[k];
        return null;
      };
      var arc = function (p, themes, cls) {
        for (var k = 0; k < themes.length; k++) {
          var from = markIn(p.from, themes[k]), to = markIn(p.to, themes[k]);
          if (!from || !to) continue;
          var h = 12 + Math.min(34, Math.abs(to._x - from._x) / 10);
          var d = "M" + from._x + "," + (from._y - 5) + " C" + from._x + "," + (from._y - 5 - h) + " " + to._x + "," + (to._y - 5 - h) + " " + to._x + "," + (to._y - 6);
          arcs.append("path").attr("class", "arc halo").attr("d", d);
          arcs.append("path").attr("class", "arc " + cls).attr("d", d).attr("marker-end", "url(#arrow-" + cls + ")")
            .attr("data-from", p.from).attr("data-to", p.to);
          return;
        }
      };
      ownPairs(okg.recurring, insps).forEach(function (p) { arc(p, p.themes, "recurring"); });
      ownPairs(okg.resolved, insps).forEach(function (p) { arc(p, [p.theme], "resolved"); });
    }
    box.dataset.columns = insps.length;
    box.dataset.rows = rows.length;
  }

  // A visit's focus, without the words every letter starts it with.
  function focusWords(text) {
    return text.replace(/^Inspectors (looked at|evaluated|reviewed)( the local authority['’]s)?( arrangements for| progress in| the)?\s*/i, "")
      .replace(/^./, function (c) { return c.toUpperCase(); });
  }

  // Text wrapped to a width in an SVG group, at most `lines` lines (the last one ends in …),
  // measured on a canvas: asking the SVG for its text length would lay the page out per word.
  function wrapText(group, text, x, y, width, lines) {
    if (lines < 1) return;
    if (!measure.ready) { measure.font = "10.5px " + getComputedStyle(document.body).fontFamily; measure.ready = true; }
    var node = group.append("text").attr("x", x).attr("y", y).style("font-size", "10.5px").style("fill", "#333");
    var words = text.split(/\s+/), out = [], line = [];
    for (var k = 0; k < words.length; k++) {
      var next = line.concat([words[k]]).join(" ");
      if (line.length && measure.measureText(next).width > width) { out.push(line.join(" ")); line = [words[k]]; }
      else line.push(words[k]);
    }
    if (line.length) out.push(line.join(" "));
    if (out.length > lines) { out = out.slice(0, lines); out[lines - 1] += " …"; }
    out.forEach(function (t, i) { node.append("tspan").attr("x", x).attr("dy", i ? "1.2em" : "0.9em").text(t); });
  }

  // One tooltip for every mark (a <title> per mark would double the story's elements).
  var tip = null;
  function showTip(mark, f) {
    if (!tip) { tip = el("div", { class: "tip", role: "tooltip" }); document.body.appendChild(tip); }
    var insp = okg.f.inspection(f);
    tip.textContent = okg.kindLabel(okg.f.kind(f)) + " · " + okg.inspectionName(insp) + ", " + okg.monthYear(insp.date) + "\n" + okg.snippet(okg.f.text(f), 240);
    var r = mark.getBoundingClientRect();
    tip.style.left = Math.min(window.innerWidth - 340, r.right + 8) + "px";
    tip.style.top = (r.bottom + 6) + "px";
    tip.hidden = false;
  }
  function hideTip() { if (tip) tip.hidden = true; }

  function pick(f) {
    okg.go({ finding: okg.f.key(f) }, true);
  }

  function select(f) {
    if (!current) return;
    hideTip();
    document.querySelectorAll("#story-timeline .mark.selected").forEach(function (n) { n.classList.remove("selected"); });
    if (f === null || f === undefined) {
      okg.detailsMessage("Findings of " + okg.byGss[current.gss].name, [
        el("p", { text: "Click a mark (or Tab to it and press Enter) to see the finding, the quote it comes from, its page, and its related findings in other authorities and over time." }),
        el("button", { type: "button", class: "linkish", text: "Related findings of " + okg.byGss[current.gss].name + ", ranked →",
          onclick: function () { okg.go({ view: "related", authority: current.gss, finding: null }); } })
      ]);
      return;
    }
    var nodes = current.marks.get(f) || [];
    nodes.forEach(function (n) { n.classList.add("selected"); });
    if (nodes.length) {
      var box = okg.$("story-timeline"), main = okg.$("main"), r = nodes[0].getBoundingClientRect(), b = box.getBoundingClientRect();
      if (r.left < b.left || r.right > b.right) box.scrollLeft += r.left - b.left - b.width / 2;
      var m = main.getBoundingClientRect();
      if (r.top < m.top || r.bottom > m.bottom) main.scrollTop += r.top - m.top - m.height / 3;
    }
    okg.showFinding(f);
  }

  // Recurrences or resolutions whose both findings are in these inspections, from the index
  // by earlier finding (never a scan of every pair in the corpus).
  function ownPairs(pairs, insps) {
    var own = new Set(), out = [];
    insps.forEach(function (insp) { okg.findingsOf[insp.idx].forEach(function (f) { own.add(f); }); });
    own.forEach(function (f) {
      (pairs.from[f] || []).forEach(function (p) { if (own.has(p.to)) out.push(p); });
    });
    return out;
  }

  var LIST_FIRST = 20;

  function drawLists(a) {
    var box = okg.clear(okg.$("story-lists"));
    function entry(f) {
      var insp = okg.f.inspection(f);
      return el("span", {}, [
        el("span", { class: "when", text: (SHORT_TYPE[insp.type] || okg.typeLabel(insp.type)) + ", " + okg.monthYear(insp.date) + ": " }),
        el("button", { type: "button", text: "“" + okg.snippet(okg.f.text(f), 150) + "”", onclick: function () { pick(f); } })
      ]);
    }
    // In time order; a long list shows its first entries and a button for the rest.
    function byTime(p, q) {
      return okg.f.inspection(p.from).date.localeCompare(okg.f.inspection(q.from).date) ||
        okg.f.inspection(p.to).date.localeCompare(okg.f.inspection(q.to).date) || p.from - q.from || p.to - q.to;
    }
    function section(title, id, pairs, empty, item) {
      var box = el("section", {}, [el("h3", { text: title + " (" + pairs.length + ")" })]);
      if (!pairs.length) { box.appendChild(el("p", { class: "empty", text: empty })); return box; }
      var list = el("ol", { class: "pairs", id: id });
      var add = function (from, to) { pairs.slice(from, to).forEach(function (p) { list.appendChild(item(p)); }); };
      add(0, LIST_FIRST);
      box.appendChild(list);
      if (pairs.length > LIST_FIRST) {
        var button = el("button", { type: "button", class: "linkish more", text: "Show all " + pairs.length,
          onclick: function () { add(LIST_FIRST, pairs.length); button.remove(); } });
        box.appendChild(button);
      }
      return box;
    }
    var rec = ownPairs(okg.recurring, a.inspections).sort(byTime);
    var res = ownPairs(okg.resolved, a.inspections).sort(byTime);
    box.appendChild(section("Recurring weaknesses", "recurring-list", rec,
      "No area for improvement raised again in a later inspection or visit.", function (p) {
        return el("li", {}, [
          el("span", { class: "tag", text: p.themes.map(function (t) { return okg.themes[t].label; }).join(", ") }), " ",
          entry(p.from), el("br"), "→ ", entry(p.to)
        ]);
      }));
    box.appendChild(section("Weaknesses answered later by a strength", "resolved-list", res,
      "No area for improvement later praised in similar words on the same theme.", function (p) {
        return el("li", {}, [el("span", { class: "tag", text: okg.themes[p.theme].label }), " ", entry(p.from), el("br"), "✓ ", entry(p.to)]);
      }));
  }
})(window.okg);
