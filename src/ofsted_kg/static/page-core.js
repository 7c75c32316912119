// ofsted-kg page, core: the data (overview parsed at once, detail inflated after the first
// paint), formatting, colours, the URL-hash state and view switching, the details panel.
// Data reaches the DOM only through textContent and attributes, never innerHTML.
(function () {
  "use strict";
  var okg = (window.okg = { views: {}, timings: [], marks: {} });
  var t0 = performance.now();
  var D = (okg.data = JSON.parse(document.getElementById("okg-overview").textContent));
  okg.marks.overviewParsed = performance.now() - t0;
  var BASE = "https://w3id.org/ofsted-kg/id/";

  // ---- small DOM helpers -------------------------------------------------------------------
  function el(tag, attrs, children) {
    var e = document.createElement(tag);
    if (attrs) Object.keys(attrs).forEach(function (k) {
      var v = attrs[k];
      if (v === undefined || v === null || v === false) return;
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else if (k.slice(0, 2) === "on") e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v === true ? "" : v);
    });
    (children || []).forEach(function (c) {
      if (c === null || c === undefined || c === false) return;
      e.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return e;
  }
  okg.el = el;
  okg.clear = function (node) { while (node.firstChild) node.removeChild(node.firstChild); return node; };
  okg.$ = function (id) { return document.getElementById(id); };

  // ---- formatting --------------------------------------------------------------------------
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  okg.parseDate = function (iso) { return iso ? new Date(iso + "T00:00:00Z") : null; };
  okg.monthYear = function (iso) { return iso ? MONTHS[+iso.slice(5, 7) - 1] + " " + iso.slice(0, 4) : "date unknown"; };
  okg.dayMonthYear = function (iso) { return iso ? (+iso.slice(8, 10)) + " " + okg.monthYear(iso) : "date unknown"; };
  okg.fmtInt = function (n) { return n.toLocaleString("en-GB"); };
  okg.pct = function (x) { return Math.round(x * 100) + "%"; };
  okg.plural = function (n, one, many) { return okg.fmtInt(n) + " " + (n === 1 ? one : (many || one + "s")); };

  // ---- grades, polarity: colours and words ---------------------------------------------------
  var css = getComputedStyle(document.documentElement);
  function v(name) { return css.getPropertyValue(name).trim(); }
  okg.gradeColour = {
    outstanding: v("--outstanding"), good: v("--good"), requires_improvement: v("--ri"), inadequate: v("--inadequate"),
    adequate: v("--ri"), positive_experiences: v("--good"), inconsistent_experiences: v("--ri"), widespread_failings: v("--inadequate")
  };
  okg.darkGrade = { outstanding: true, inadequate: true, widespread_failings: true };
  okg.shortGrade = {
    outstanding: "Outstanding", good: "Good", requires_improvement: "Requires improvement", adequate: "Adequate",
    inadequate: "Inadequate", positive_experiences: "Positive", inconsistent_experiences: "Inconsistent",
    widespread_failings: "Widespread failings"
  };
  okg.gradeLabel = function (g) { return D.labels.grades[g] || g; };
  okg.areaLabel = function (a) { return D.labels.areas[a] || a.replace(/_/g, " "); };
  okg.typeLabel = function (t) { return D.labels.types[t] || (t || "report").replace(/_/g, " "); };
  okg.polarityColour = { strength: v("--strength"), concern: v("--concern"), mixed: v("--mixed"), neutral: v("--neutral") };
  // Shapes double the colours: circle strength, triangle concern, diamond mixed, small dot neutral.
  okg.polaritySymbol = { strength: d3.symbolCircle, concern: d3.symbolTriangle, mixed: d3.symbolDiamond, neutral: d3.symbolCircle };
  okg.polarityWord = { strength: "strength", concern: "concern", mixed: "mixed", neutral: "neutral" };

  okg.gradeChip = function (area, grade) {
    var chip = el("span", { class: "chip" + (okg.darkGrade[grade] ? " dark" : "") }, [
      el("b", { text: okg.areaLabel(area) }), okg.shortGrade[grade] || okg.gradeLabel(grade)
    ]);
    chip.style.background = okg.gradeColour[grade] || "";
    return chip;
  };
  okg.symbolSvg = function (polarity, size, outlined) {
    var svg = d3.create("svg").attr("width", size + 4).attr("height", size + 4).attr("aria-hidden", "true");
    svg.append("path").attr("transform", "translate(" + (size / 2 + 2) + "," + (size / 2 + 2) + ")")
      .attr("d", d3.symbol(okg.polaritySymbol[polarity], size * size * (polarity === "neutral" ? 0.35 : 0.6))())
      .attr("fill", okg.polarityColour[polarity]).attr("stroke", outlined ? "#111" : "none").attr("stroke-width", 1.6);
    return svg.node();
  };
  okg.legendItem = function (swatch, label) {
    return el("span", { class: "item" }, [swatch, label]);
  };
  okg.swatch = function (colour, extraClass) {
    var s = el("span", { class: "swatch" + (extraClass ? " " + extraClass : "") });
    s.style.background = colour;
    return s;
  };

  // ---- authorities and inspections (overview part) ---------------------------------------
  okg.A = D.authorities;
  okg.byGss = {};
  okg.A.forEach(function (a, i) { a.idx = i; okg.byGss[a.gss] = a; a.inspections = []; });
  okg.I = D.inspections;
  okg.I.forEach(function (insp, i) {
    insp.idx = i;
    insp.date = insp.start || insp.end || insp.published || null;
    insp.year = insp.date ? +insp.date.slice(0, 4) : null;
    okg.A[insp.a].inspections.push(insp);
  });
  okg.themes = D.themes.map(function (t, i) { return { idx: i, id: t[0], label: t[1] }; });
  okg.themeById = {};
  okg.themes.forEach(function (t) { okg.themeById[t.id] = t; });
  okg.scope = D.scope;

  okg.inspectionName = function (insp) {
    var name = okg.typeLabel(insp.type);
    if (insp.type === "monitoring_visit" && insp.series) name += " " + insp.series;
    if (insp.kind && insp.type === "ilacs_inspection") name += " (" + insp.kind + ")";
    return name;
  };

  // ---- detail: findings, texts, links (inflated after the first paint) ----------------------
  async function inflate() {
    var started = performance.now();
    var b64 = document.getElementById("okg-detail").textContent.trim();
    var bin = atob(b64), bytes = new Uint8Array(bin.length);
    for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    var detail = JSON.parse(await new Response(stream).text());
    index(detail);
    okg.marks.detailMs = performance.now() - started;
    return detail;
  }

  function index(X) {
    var F = (okg.F = X.findings);
    var n = (okg.nFindings = F.inspection.length);
    okg.texts = X.texts;
    okg.kinds = X.kinds;
    okg.polarities = X.polarities;
    okg.themeSets = X.themeSets;
    okg.iriPrefixes = X.iriPrefixes;
    okg.findingsOf = okg.I.map(function () { return []; });
    for (var i = 0; i < n; i++) okg.findingsOf[F.inspection[i]].push(i);
    // Related links as adjacency lists (compressed rows): [other, similarity x1000, theme set].
    var L = X.links, degree = new Int32Array(n + 1), k;
    for (k = 0; k < L.length; k += 4) { degree[L[k]]++; degree[L[k + 1]]++; }
    var start = new Int32Array(n + 1);
    for (i = 0; i < n; i++) start[i + 1] = start[i] + degree[i];
    var fill = start.slice(0, n), other = new Int32Array(start[n]), sim = new Int16Array(start[n]), sets = new Int32Array(start[n]);
    for (k = 0; k < L.length; k += 4) {
      var a = L[k], b = L[k + 1];
      other[fill[a]] = b; sim[fill[a]] = L[k + 2]; sets[fill[a]++] = L[k + 3];
      other[fill[b]] = a; sim[fill[b]] = L[k + 2]; sets[fill[b]++] = L[k + 3];
    }
    okg.linkRows = { start: start, other: other, sim: sim, sets: sets };
    okg.linkCount = L.length / 4;
    function pairs(flat) {
      var from = {}, to = {}, list = [];
      for (var k = 0; k < flat.length; k += 4) {
        var p = { from: flat[k], to: flat[k + 1], sim: flat[k + 2] / 1000, theme: flat[k + 3] };
        list.push(p);
        (from[p.from] = from[p.from] || []).push(p);
        (to[p.to] = to[p.to] || []).push(p);
      }
      return { list: list, from: from, to: to };
    }
    okg.recurring = pairs(X.recurring);
    okg.recurring.list.forEach(function (p) { p.themes = okg.themeSets[p.theme]; });
    okg.resolved = pairs(X.resolved);
  }

  okg.detailReady = new Promise(function (resolve, reject) {
    // After the overview's first frame, so inflating never delays the first paint.
    okg.startDetail = function () { inflate().then(resolve, reject); };
  });

  // Finding accessors.
  okg.f = {
    text: function (i) { return okg.texts[okg.F.text[i]]; },
    quote: function (i) { var q = okg.F.quote[i]; return q < 0 ? okg.texts[okg.F.text[i]] : okg.texts[q]; },
    kind: function (i) { return okg.kinds[okg.F.kind[i]]; },
    polarity: function (i) { return okg.polarities[okg.F.polarity[i]]; },
    themes: function (i) { return okg.themeSets[okg.F.themes[i]]; },
    page: function (i) { return okg.F.page[i] || null; },
    inspection: function (i) { return okg.I[okg.F.inspection[i]]; },
    authority: function (i) { return okg.A[okg.I[okg.F.inspection[i]].a]; },
    iri: function (i) { return okg.iriPrefixes[okg.F.iriPrefix[i]] + "/" + okg.F.iri[i]; },
    key: function (i) { var iri = okg.f.iri(i); return iri.indexOf(BASE) === 0 ? iri.slice(BASE.length) : iri; },
    isWeakness: function (i) { var k = okg.f.kind(i); return k === "area_for_improvement" || k === "area_for_priority_action"; }
  };
  okg.kindLabel = function (kind) { return D.labels.kinds[kind] || (kind || "finding").replace(/_/g, " "); };
  var keyIndex = null;
  okg.findingByKey = function (key) {
    if (!keyIndex) {
      keyIndex = new Map();
      for (var i = 0; i < okg.nFindings; i++) keyIndex.set(okg.f.key(i), i);
    }
    var found = keyIndex.get(key);
    return found === undefined ? null : found;
  };
  // A finding's related findings, strongest first: [{other, sim, themes}].
  okg.relatedOf = function (i) {
    var R = okg.linkRows, out = [];
    for (var k = R.start[i]; k < R.start[i + 1]; k++) out.push({ other: R.other[k], sim: R.sim[k] / 1000, themes: okg.themeSets[R.sets[k]] });
    out.sort(function (a, b) { return b.sim - a.sim || a.other - b.other; });
    return out;
  };
  okg.findingTitle = function (i) {
    var insp = okg.f.inspection(i);
    return okg.A[insp.a].name + " · " + okg.inspectionName(insp) + " · " + okg.monthYear(insp.date);
  };
  okg.snippet = function (text, n) { return text.length > n ? text.slice(0, n - 1).replace(/\s+\S*$/, "") + "…" : text; };

  // ---- state in the URL hash ------------------------------------------------------------------
  // #authority=E06000031[&finding=KEY]   #theme=placement-sufficiency[&cell=E06000031:2023]
  // #view=related&finding=KEY | &authority=E06000031     #colour=THEME (overview)
  okg.state = {};
  okg.parseHash = function () {
    var p = new URLSearchParams(location.hash.replace(/^#/, ""));
    var s = {
      view: p.get("view"), authority: p.get("authority"), theme: p.get("theme"), finding: p.get("finding"),
      cell: p.get("cell"), colour: p.get("colour")
    };
    if (!s.view) s.view = s.theme ? "theme" : s.authority ? "story" : "overview";
    if (!location.hash && okg.scope.colour) s.colour = okg.scope.colour;
    if (okg.scope.authority && (s.view === "overview" || s.view === "theme")) { s.view = "story"; s.authority = okg.scope.authority; }
    if (s.view === "story" && !s.authority) s.authority = okg.scope.authority || null;
    return s;
  };
  okg.formatHash = function (s) {
    var parts = [];
    function add(k, v) { if (v) parts.push(k + "=" + encodeURIComponent(v).replace(/%2F/g, "/").replace(/%3A/g, ":")); }
    if (s.view === "related") add("view", "related");
    else if (s.view === "overview" && !s.colour) parts.push("view=overview");
    if (s.view === "theme") { add("theme", s.theme); add("cell", s.cell); }
    else if (s.view === "overview") add("colour", s.colour);
    else { add("authority", s.authority); add("finding", s.finding); }
    return "#" + parts.join("&");
  };
  okg.go = function (patch, replace) {
    var s = Object.assign({}, okg.state, patch);
    var hash = okg.formatHash(s);
    okg.switchStarted = performance.now();
    if (hash === location.hash) { okg.render(); return; }
    if (replace) { history.replaceState(null, "", hash); okg.render(); }
    else {
      // hashchange renders, after this handler returns: until then the view on screen is
      // already out of date, so say so now (a script waiting for rendered = 1 would otherwise
      // take the old view for the new one).
      document.body.dataset.rendered = "0";
      location.hash = hash;
    }
  };
  window.addEventListener("hashchange", function () {
    if (okg.switchStarted === undefined || performance.now() - okg.switchStarted > 1000) okg.switchStarted = performance.now();
    okg.render();
  });

  okg.render = function () {
    var s = (okg.state = okg.parseHash());
    var started = (okg.viewStarted = okg.switchStarted !== undefined ? okg.switchStarted : performance.now());
    okg.switchStarted = undefined;
    var view = okg.views[s.view] ? s.view : "overview";
    document.body.dataset.view = view;
    document.body.dataset.rendered = "0";
    Object.keys(okg.views).forEach(function (name) {
      okg.$("view-" + name).hidden = name !== view;
      var tab = okg.$("tab-" + name);
      if (name === view) tab.setAttribute("aria-current", "page"); else tab.removeAttribute("aria-current");
    });
    var done = function () {
      // Time to the next frame after the view's DOM is built: what a person waits for.
      requestAnimationFrame(function () {
        setTimeout(function () {
          var ms = performance.now() - started;
          okg.timings.push({ view: view, hash: location.hash, ms: ms });
          document.body.dataset.rendered = "1";
        }, 0);
      });
    };
    var result = okg.views[view].render(s);
    if (result && result.then) result.then(done, okg.fail); else done();
  };
  okg.fail = function (err) {
    document.body.dataset.error = String(err && err.message || err);
    console.error(err);
  };

  // ---- the details panel -----------------------------------------------------------------------
  okg.clearDetails = function () {
    okg.$("details-empty").hidden = false;
    okg.clear(okg.$("details-body")).hidden = true;
  };
  okg.detailsMessage = function (title, nodes) {
    okg.$("details-empty").hidden = true;
    var body = okg.clear(okg.$("details-body"));
    body.hidden = false;
    body.appendChild(el("h2", { text: title }));
    nodes.forEach(function (n) { body.appendChild(n); });
    return body;
  };
  // A button that opens a finding (in its authority's story, unless told otherwise).
  okg.findingLink = function (i, label, onClick) {
    return el("button", { type: "button", class: "linkish", text: label,
      onclick: onClick || function () { okg.openFinding(i); } });
  };
  okg.openFinding = function (i) {
    var a = okg.f.authority(i);
    okg.go({ view: "story", authority: a.gss, finding: okg.f.key(i) });
  };
  okg.showFinding = function (i, options) {
    options = options || {};
    var insp = okg.f.inspection(i), a = okg.A[insp.a], pol = okg.f.polarity(i), kind = okg.f.kind(i);
    var body = okg.detailsMessage(a.name, []);
    body.dataset.finding = okg.f.key(i);
    body.appendChild(el("p", { class: "meta" }, [
      el("span", { class: "kind polarity-" + pol, text: okg.kindLabel(kind) }), " ",
      okg.polarityWord[pol] || pol
    ]));
    body.appendChild(el("p", { class: "meta", text: okg.inspectionName(insp) + ", " + visitDates(insp) }));
    var themes = okg.f.themes(i);
    if (themes.length) body.appendChild(el("p", {}, themes.map(function (t) {
      return el("button", { type: "button", class: "tag linkish", text: okg.themes[t].label, title: "This theme across authorities",
        onclick: function () { okg.go({ view: "theme", theme: okg.themes[t].id, cell: a.gss + ":" + insp.year }); } });
    })));
    // The finding as extracted, and the words it stands on in the report when they differ.
    if (okg.F.quote[i] >= 0) {
      body.appendChild(el("h3", { text: "Finding" }));
      body.appendChild(el("p", { id: "d-text", text: okg.f.text(i) }));
    }
    body.appendChild(el("h3", { text: okg.F.quote[i] >= 0 ? "Quote (evidence)" : "Finding, quoted from the report" }));
    body.appendChild(el("blockquote", { id: "d-quote", class: "polarity-" + pol, text: okg.f.quote(i) }));
    var source = [];
    if (okg.f.page(i)) source.push("page " + okg.f.page(i) + " of ");
    source.push(insp.title || okg.inspectionName(insp));
    if (insp.published) source.push(", published " + okg.dayMonthYear(insp.published));
    body.appendChild(el("p", { id: "d-source", class: "meta" }, [source.join("")]));
    if (insp.url) body.appendChild(el("p", {}, [el("a", { href: insp.url, rel: "noopener noreferrer", target: "_blank", text: "The report on Ofsted's site" })]));
    body.appendChild(el("p", { class: "iri", text: okg.f.iri(i) }));
    // Recurrence and resolution, both ways.
    var links = [];
    (okg.recurring.to[i] || []).forEach(function (p) { links.push(["Raised before: ", p.from]); });
    (okg.recurring.from[i] || []).forEach(function (p) { links.push(["Raised again: ", p.to]); });
    (okg.resolved.from[i] || []).forEach(function (p) { links.push(["Answered later by a strength: ", p.to]); });
    (okg.resolved.to[i] || []).forEach(function (p) { links.push(["Answers an earlier weakness: ", p.from]); });
    if (links.length) {
      body.appendChild(el("h3", { text: "Over time" }));
      body.appendChild(el("ul", {}, links.map(function (l) {
        return el("li", {}, [l[0], okg.findingLink(l[1], okg.monthYear(okg.f.inspection(l[1]).date) + ": " + okg.snippet(okg.f.text(l[1]), 110))]);
      })));
    }
    if (options.inRelated) return;  // the related view lists them beside the panel
    var related = okg.relatedOf(i);
    body.appendChild(el("h3", { text: "Related findings (" + related.length + ")" }));
    if (!related.length) body.appendChild(el("p", { class: "empty", text: "None: no finding elsewhere shares a theme and enough of its words." }));
    else {
      body.appendChild(el("ul", { id: "details-related" }, related.slice(0, 8).map(function (r) {
        return el("li", {}, [
          okg.findingLink(r.other, okg.findingTitle(r.other)), " ", okg.simBar(r.sim),
          el("div", { text: okg.snippet(okg.f.text(r.other), 160) })
        ]);
      })));
      body.appendChild(el("button", { type: "button", class: "linkish", text: "All related findings, ranked, with a graph →",
        onclick: function () { okg.go({ view: "related", finding: okg.f.key(i), authority: null }); } }));
    }
  };
  okg.simBar = function (sim) {
    var bar = el("span", { class: "sim", title: "similarity " + sim.toFixed(2), "aria-label": "similarity " + sim.toFixed(2) }, [el("span")]);
    bar.firstChild.style.width = Math.round(Math.min(1, sim) * 100) + "%";
    return el("span", {}, [bar, el("span", { class: "meta", text: sim.toFixed(2) })]);
  };
  function visitDates(insp) {
    if (insp.start && insp.end && insp.start !== insp.end) return okg.dayMonthYear(insp.start) + " to " + okg.dayMonthYear(insp.end);
    return okg.dayMonthYear(insp.start || insp.end || insp.published);
  }
  okg.visitDates = visitDates;
})();
