// National overview: every authority as a tile, grouped by region, coloured by its latest ILACS
// grade (or a theme's share of its concerns), marked for a recent focused or monitoring visit.
(function (okg) {
  "use strict";
  var el = okg.el, D = okg.data;
  var built = false, tiles = [];

  // The tile's judgement and the recent-visit marks are decided in Python (page/data.py:
  // tile_grade, recent_visits), so the page and the png/svg picture follow one rule.
  function latestGrade(a) {
    return a.latest && a.latest.tile ? a.latest.tile : null;
  }
  okg.latestGrade = latestGrade;

  function recentVisits(a) {
    return (a.latest && a.latest.recent || []).map(function (v) {
      return { code: v.code, cls: v.code.toLowerCase(), text: v.text };
    });
  }

  function themeCounts(a, t) {
    var on = 0, all = 0;
    a.inspections.forEach(function (insp) {
      all += insp.concerns || 0;
      if (insp.concernsByTheme) on += insp.concernsByTheme[t] || 0;
    });
    return { on: on, all: all, share: all ? on / all : null };
  }

  function build() {
    var box = okg.$("tiles");
    D.regions.forEach(function (region) {
      var members = okg.A.filter(function (a) { return a.current && a.region === region; });
      if (!members.length) return;
      var grid = el("div", { class: "grid", role: "list" });
      members.forEach(function (a) {
        var tile = el("button", { type: "button", class: "tile", "data-gss": a.gss, role: "listitem",
          onclick: function () { okg.go({ view: "story", authority: a.gss, finding: null }); } }, [
          el("span", { class: "name" + (/\S{15,}/.test(a.name) ? " long" : ""), text: a.name.replace(/, City of$/, "") }),
          el("span", { class: "foot" }, [el("span", { class: "grade" }), el("span", { class: "badges" })])
        ]);
        tile.addEventListener("keydown", arrowKeys);
        tiles.push({ a: a, node: tile });
        grid.appendChild(tile);
      });
      box.appendChild(el("section", { class: "region", "aria-label": region }, [
        el("h3", {}, [region, el("span", { class: "count", text: members.length + "" })]), grid
      ]));
    });
    var pick = okg.$("colour-by");
    var group = el("optgroup", { label: "Share of an authority's concerns on a theme" });
    okg.themes.forEach(function (t) { group.appendChild(el("option", { value: t.id, text: t.label })); });
    pick.appendChild(group);
    pick.addEventListener("change", function () { okg.go({ view: "overview", colour: pick.value || null }); });
    built = true;
  }

  // Arrow keys move between tiles (left/right in reading order, up/down to the nearest tile in
  // the row above or below); Tab still reaches every tile.
  function arrowKeys(ev) {
    var keys = { ArrowLeft: -1, ArrowRight: 1, ArrowUp: "up", ArrowDown: "down", Home: "home", End: "end" };
    var move = keys[ev.key];
    if (move === undefined) return;
    ev.preventDefault();
    var nodes = tiles.map(function (t) { return t.node; }), i = nodes.indexOf(ev.currentTarget), target = null;
    if (move === "home") target = nodes[0];
    else if (move === "end") target = nodes[nodes.length - 1];
    else if (typeof move === "number") target = nodes[i + move];
    else {
      var here = nodes[i].getBoundingClientRect(), best = null, bestCost = Infinity;
      nodes.forEach(function (n) {
        var r = n.getBoundingClientRect();
        var dy = move === "up" ? here.top - r.top : r.top - here.top;
        if (dy <= 4) return;
        var cost = dy * 4 + Math.abs(r.left - here.left);
        if (cost < bestCost) { bestCost = cost; best = n; }
      });
      target = best;
    }
    if (target) target.focus();
  }

  function paintGrades() {
    tiles.forEach(function (t) {
      var a = t.a, g = latestGrade(a), node = t.node, gradeText = node.querySelector(".grade"), badges = okg.clear(node.querySelector(".badges"));
      var words = [a.name];
      node.className = "tile";
      node.style.background = "";
      if (g) {
        node.style.background = okg.gradeColour[g.grade];
        if (okg.darkGrade[g.grade]) node.classList.add("dark");
        var label = (g.area === "overall_effectiveness" ? "" : okg.areaLabel(g.area) + ": ") +
          (g.grade === "requires_improvement" ? "Req. improvement" : okg.shortGrade[g.grade]);
        var dir = a.latest.ilacs.direction;
        var arrow = dir === "improved" ? " ↑" : dir === "declined" ? " ↓" : "";
        okg.clear(gradeText).appendChild(document.createTextNode(label + " · " + (g.year || "")));
        if (arrow) gradeText.appendChild(el("span", { class: "dir", text: arrow, title: dir + " since the previous ILACS inspection" }));
        words.push("latest ILACS " + (g.area === "overall_effectiveness" ? "overall" : okg.areaLabel(g.area)) + " " +
          okg.gradeLabel(g.grade) + ", " + okg.monthYear(a.latest.ilacs.end || a.latest.ilacs.start) + (dir ? ", " + dir : ""));
      } else {
        node.classList.add("none");
        gradeText.textContent = "";
        words.push("no ILACS inspection in this store");
      }
      recentVisits(a).forEach(function (v) {
        badges.appendChild(el("span", { class: "badge " + v.cls, text: v.code, title: v.text }));
        words.push(v.text);
      });
      node.setAttribute("aria-label", words.join("; "));
      node.title = words.join("\n");
    });
  }

  function paintTheme(theme) {
    var counts = tiles.map(function (t) { return themeCounts(t.a, theme.idx); });
    var max = d3.max(counts, function (c) { return c.share || 0; }) || 1;
    var colour = d3.scaleSequential(d3.interpolateOranges).domain([0, max]);
    tiles.forEach(function (t, k) {
      var c = counts[k], node = t.node, badges = okg.clear(node.querySelector(".badges")), gradeText = node.querySelector(".grade");
      node.className = "tile";
      node.style.background = "";
      var words = [t.a.name];
      if (c.share === null) {
        node.classList.add("none");
        gradeText.textContent = "";
        words.push("no concerns recorded in this store");
      } else {
        node.style.background = colour(c.share);
        if (c.share > max * 0.62) node.classList.add("dark");
        gradeText.textContent = okg.pct(c.share) + " · " + c.on + " of " + c.all;
        words.push(okg.pct(c.share) + " of its concerns are on " + theme.label + " (" + c.on + " of " + c.all + ")");
      }
      recentVisits(t.a).forEach(function (v) {
        badges.appendChild(el("span", { class: "badge " + v.cls, text: v.code, title: v.text }));
        words.push(v.text);
      });
      node.setAttribute("aria-label", words.join("; "));
      node.title = words.join("\n");
    });
    return { max: max, colour: colour };
  }

  function legend(theme, scale) {
    var box = okg.clear(okg.$("overview-legend"));
    if (!theme) {
      ["outstanding", "good", "requires_improvement", "inadequate"].forEach(function (g) {
        box.appendChild(okg.legendItem(okg.swatch(okg.gradeColour[g]), okg.gradeLabel(g)));
      });
      box.appendChild(okg.legendItem(okg.swatch("repeating-linear-gradient(135deg,#fafafa 0 3px,#e4e4e4 3px 6px)"), "no ILACS inspection in this store"));
      box.appendChild(okg.legendItem(el("span", { class: "dir", text: "↑ ↓" }), "overall grade up / down since the previous ILACS"));
    } else {
      var bar = el("span", { class: "swatch" });
      bar.style.width = "90px";
      bar.style.background = "linear-gradient(90deg," + d3.range(0, 1.01, 0.25).map(function (x) { return scale.colour(x * scale.max); }).join(",") + ")";
      box.appendChild(okg.legendItem(bar, "0 to " + okg.pct(scale.max) + " of an authority's concerns on " + theme.label));
      box.appendChild(okg.legendItem(okg.swatch("repeating-linear-gradient(135deg,#fafafa 0 3px,#e4e4e4 3px 6px)"), "no concerns recorded"));
    }
    box.appendChild(okg.legendItem(el("span", { class: "badge", text: "FV" }), "focused visit"));
    box.appendChild(okg.legendItem(el("span", { class: "badge mv", text: "MV" }), "monitoring visit, in the 12 months to " + okg.dayMonthYear(okg.scope.asOf)));
  }

  okg.views.overview = {
    render: function (s) {
      if (!built) build();
      var theme = s.colour ? okg.themeById[s.colour] : null;
      okg.$("colour-by").value = theme ? theme.id : "";
      var scale = null;
      if (theme) scale = paintTheme(theme); else paintGrades();
      legend(theme, scale);
      var graded = okg.A.filter(function (a) { return a.current && latestGrade(a); }).length;
      okg.$("overview-note").textContent = theme
        ? "Each tile: the share of the authority's concerns (findings of concern, every inspection and visit in the store) that are on " +
          theme.label + ". Click a tile for the authority's story."
        : okg.plural(tiles.length, "authority", "authorities") + ", " + graded + " with an ILACS inspection in the store. " +
          "Each tile shows the latest ILACS overall grade (from April 2026, when overall effectiveness is no longer graded, the first judgement given) " +
          "and the year of that inspection. Click a tile for the authority's story.";
      okg.clearDetails();
    }
  };
})(window.okg);
