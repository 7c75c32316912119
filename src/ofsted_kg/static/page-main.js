// Wiring: tabs, the authority finder, the first render (the overview paints before the detail is
// inflated), readiness flags the tests and the benchmark wait for.
(function (okg) {
  "use strict";
  var el = okg.el, scope = okg.scope;
  var last = { authority: scope.authority || null, theme: null, finding: null };

  var sub = [];
  if (scope.asOf) sub.push("as of " + okg.dayMonthYear(scope.asOf));
  if (scope.since) sub.push("inspections from " + okg.dayMonthYear(scope.since));
  if (scope.authority) {
    // A briefing also carries the other authorities' findings related to its own: count its own.
    var own = (okg.byGss[scope.authority] || { inspections: [] }).inspections;
    sub.push(okg.plural(own.length, "inspection or visit", "inspections and visits"));
    sub.push(okg.plural(d3.sum(own, function (i) { return i.findings || 0; }), "finding"));
    sub.push(okg.plural(scope.links, "link", "links") + " to related findings");
  } else {
    sub.push(okg.plural(okg.I.length, "inspection or visit", "inspections and visits"));
    sub.push(okg.plural(scope.findings, "finding"));
    sub.push(okg.plural(scope.links, "related-finding link"));
  }
  okg.$("page-sub").textContent = sub.join(" · ");
  if (scope.authority) {
    var a = okg.byGss[scope.authority];
    okg.$("page-title").textContent = (a ? a.name : scope.authority) + ": children's services inspections";
    ["tab-overview", "tab-theme"].forEach(function (id) { okg.$(id).hidden = true; });
    okg.$("find-form").hidden = true;
  }

  okg.$("tab-overview").addEventListener("click", function () { okg.go({ view: "overview", finding: null }); });
  okg.$("tab-story").addEventListener("click", function () {
    okg.go({ view: "story", authority: okg.state.authority || last.authority, finding: okg.state.view === "story" ? okg.state.finding : last.finding });
  });
  okg.$("tab-theme").addEventListener("click", function () {
    okg.go({ view: "theme", theme: okg.state.theme || last.theme || okg.themes[0].id, cell: null });
  });
  okg.$("tab-related").addEventListener("click", function () {
    var finding = okg.state.finding || last.finding;
    okg.go({ view: "related", finding: finding, authority: finding ? null : okg.state.authority || last.authority });
  });
  window.addEventListener("hashchange", remember);
  function remember() {
    var s = okg.parseHash();
    if (s.authority) last.authority = s.authority;
    if (s.theme) last.theme = s.theme;
    if (s.finding) last.finding = s.finding;
  }

  // The finder: a name in any case, a unique start of one, a GSS code or an Ofsted URN.
  var names = okg.$("authority-names");
  okg.A.forEach(function (a) { names.appendChild(el("option", { value: a.name })); });
  function find(text) {
    var t = text.trim().toLowerCase().replace(/&/g, "and").replace(/\s+/g, " ");
    if (!t) return null;
    var exact = okg.A.filter(function (a) {
      return a.name.toLowerCase() === t || a.gss.toLowerCase() === t || (a.latest && a.latest.urn === t);
    });
    if (exact.length) return exact[0];
    var starts = okg.A.filter(function (a) { return a.name.toLowerCase().indexOf(t) === 0; });
    if (starts.length === 1) return starts[0];
    var contains = okg.A.filter(function (a) { return a.name.toLowerCase().indexOf(t) >= 0; });
    return contains.length === 1 ? contains[0] : { candidates: starts.length ? starts : contains };
  }
  function submit(ev) {
    if (ev) ev.preventDefault();
    var input = okg.$("find"), message = okg.$("find-message"), found = find(input.value);
    message.textContent = "";
    if (!found) return;
    if (found.candidates) {
      message.textContent = found.candidates.length
        ? "Which one? " + found.candidates.slice(0, 4).map(function (a) { return a.name; }).join(", ") + (found.candidates.length > 4 ? "…" : "")
        : "No authority called “" + input.value.trim() + "”";
      return;
    }
    input.value = "";
    okg.go({ view: "story", authority: found.gss, finding: null });
  }
  okg.$("find-form").addEventListener("submit", submit);
  okg.$("find").addEventListener("change", function (ev) {
    // Choosing from the list fires change with a whole name: go straight there.
    var found = find(ev.target.value);
    if (found && !found.candidates) submit();
  });

  // First render, then the detail once the first frame is painted.
  remember();
  okg.switchStarted = 0;  // the first view's time counts from navigation start
  okg.render();
  requestAnimationFrame(function () {
    setTimeout(function () {
      okg.marks.firstView = performance.now();
      document.body.dataset.painted = "1";
      okg.startDetail();
      okg.detailReady.then(function () {
        okg.marks.detailReady = performance.now();
        document.body.dataset.ready = "1";
      }, okg.fail);
    }, 0);
  });
})(window.okg);
