"""The related-findings page: one self-contained, offline HTML file (or a matplotlib picture).

The view holds findings, the inspections (reports) they come from, the authorities inspected
and the themes, with edges for related findings, recurring weaknesses, theme membership and
report/authority structure. Positions are computed here, in Python, so the browser only draws:
authorities and themes by a seeded spring layout (a few hundred nodes at most), inspections on
a ring round their authority and findings on a ring round their inspection, which costs O(n)
and stays readable at ten times the example corpus.
"""

from __future__ import annotations

import importlib.resources
import json
import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from .analysis.data import FindingRow, fetch_findings, fetch_theme_labels
from .analysis.recurring import Recurrence, recurring_weaknesses
from .analysis.related import RelatedLink, stored_or_computed_links
from .backend import Backend
from .errors import UsageError

LAYOUT_SEED = 42
# vis-network 10.1.5 standalone UMD build, vendored from npm (MIT or Apache-2.0: static/vis-network.LICENSE-*);
# chosen by measurement over Cytoscape.js and sigma.js, see docs/analysis.md.
LIBRARY = "vis-network.min.js"

KIND_COLOURS = {
    "authority": "#1f3a5f",
    "inspection": "#6a4c93",
    "theme": "#e07a1f",
    "finding": "#2a9d8f",
}
POLARITY_COLOURS = {"concern": "#c0392b", "strength": "#2a9d8f", "mixed": "#d4a017", "neutral": "#7f8c8d"}
EDGE_COLOURS = {
    "related": "#c0392b",
    "recurring": "#8e44ad",
    "theme": "#e0b080",
    "in_report": "#b8b8b8",
    "of_authority": "#8a8a8a",
}


@dataclass
class View:
    nodes: list[dict[str, Any]] = field(default_factory=list)
    edges: list[dict[str, Any]] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = defaultdict(int)
        for n in self.nodes:
            out[n["kind"]] += 1
        for e in self.edges:
            out[f"edge:{e['kind']}"] += 1
        return dict(out)


def _doc_label(doc_type: str) -> str:
    return doc_type.replace("_", " ") if doc_type else "report"


def select_findings(
    findings: Sequence[FindingRow],
    links: Sequence[RelatedLink],
    authority: str | None = None,
    theme: str | None = None,
    since: str | None = None,
) -> tuple[list[FindingRow], set[str]]:
    """The findings the view shows and the core among them: those matching the filters (the
    core), plus the findings related to a core finding (so an authority's page also shows where
    else the same point was made, but not the links among those others)."""

    def matches(f: FindingRow) -> bool:
        return (
            (authority is None or f.authority_name.casefold() == authority.casefold())
            and (theme is None or theme in f.themes)
            and (since is None or (bool(f.date) and f.date >= since))
        )

    core = {f.iri for f in findings if matches(f)}
    chosen = set(core)
    if authority is not None or theme is not None:
        by_iri = {f.iri: f for f in findings}
        for link in links:
            for a, b in ((link.finding_a, link.finding_b), (link.finding_b, link.finding_a)):
                other = by_iri.get(b)
                if a in core and other is not None and (since is None or other.date >= since):
                    if theme is None or theme in link.shared_themes:
                        chosen.add(b)
    return [f for f in findings if f.iri in chosen], core


def build_view(
    findings: Sequence[FindingRow],
    links: Sequence[RelatedLink],
    recurrences: Sequence[Recurrence],
    theme_labels: dict[str, str],
    authority: str | None = None,
    theme: str | None = None,
    since: str | None = None,
) -> View:
    shown, core = select_findings(findings, links, authority, theme, since)
    shown_iris = {f.iri for f in shown}
    links = [link for link in links if link.finding_a in core or link.finding_b in core]
    view = View(filters={"authority": authority, "theme": theme, "since": since})
    # Each finding lists its related findings by id and score only; the page looks the rest up.
    related_of: dict[str, list[list[Any]]] = defaultdict(list)
    for link in links:
        if link.finding_a in shown_iris and link.finding_b in shown_iris:
            related_of[link.finding_a].append([link.finding_b, link.similarity])
            related_of[link.finding_b].append([link.finding_a, link.similarity])
    authorities: dict[str, str] = {}
    inspections: dict[str, FindingRow] = {}
    themes: set[str] = set()
    for f in shown:
        authorities[f.authority] = f.authority_name
        inspections.setdefault(f.report, f)
        themes.update(f.themes)
    for iri, name in sorted(authorities.items(), key=lambda kv: kv[1]):
        view.nodes.append({"id": iri, "kind": "authority", "label": name, "authority": name})
    for report, f in sorted(inspections.items(), key=lambda kv: (kv[1].authority_name, kv[1].date)):
        title = f.report_title or f"{f.authority_name} {_doc_label(f.document_type)}"
        view.nodes.append(
            {
                "id": report,
                "kind": "inspection",
                "label": f"{f.authority_name} {f.date[:7]}",
                "title": title,
                "authority": f.authority_name,
                "date": f.date,
                "docType": f.document_type,
            }  # fmt: skip
        )
        view.edges.append(
            {"id": f"of:{report}", "source": report, "target": f.authority, "kind": "of_authority"}
        )
    for t in sorted(themes):
        view.nodes.append({"id": f"theme:{t}", "kind": "theme", "label": theme_labels.get(t, t), "theme": t})
    for f in shown:
        node = {
            "id": f.iri,
            "kind": "finding",
            "text": f.text,
            "findingKind": f.kind,
            "polarity": f.polarity or "neutral",
            "themes": list(f.themes),
            "authority": f.authority_name,
            "report": f.report,
            "reportTitle": f.report_title or _doc_label(f.document_type),
            "page": f.page,
            "date": f.date,
            "docType": f.document_type,
            "related": sorted(related_of.get(f.iri, []), key=lambda r: -r[1]),
        }
        if f.quote != f.text:  # the page shows the text when no separate quote is given
            node["quote"] = f.quote
        view.nodes.append(node)
        view.edges.append({"id": f"in:{f.iri}", "source": f.iri, "target": f.report, "kind": "in_report"})
        for t in f.themes:
            view.edges.append(
                {"id": f"theme:{f.iri}:{t}", "source": f.iri, "target": f"theme:{t}", "kind": "theme"}
            )
    for link in links:
        if link.finding_a in shown_iris and link.finding_b in shown_iris:
            view.edges.append(
                {
                    "id": str(link.iri),
                    "source": link.finding_a,
                    "target": link.finding_b,
                    "kind": "related",
                    "similarity": link.similarity,
                    "themes": list(link.shared_themes),
                }  # fmt: skip
            )
    seen_recurring: set[tuple[str, str]] = set()
    for r in recurrences:
        key = (r.earlier.finding, r.later.finding)
        if key[0] in shown_iris and key[1] in shown_iris and key not in seen_recurring:
            seen_recurring.add(key)
            view.edges.append(
                {
                    "id": f"recurring:{key[0]}:{key[1]}",
                    "source": key[0],
                    "target": key[1],
                    "kind": "recurring",
                    "theme": r.theme,
                    "similarity": r.similarity,
                }  # fmt: skip
            )
    layout(view)
    return view


def layout(view: View, seed: int = LAYOUT_SEED) -> None:
    """Give every node x/y (pixels): see the module docstring for why the layout is staged."""
    kinds = {n["id"]: n["kind"] for n in view.nodes}
    report_of: dict[str, str] = {}
    authority_of: dict[str, str] = {}
    for e in view.edges:
        if e["kind"] == "in_report":
            report_of[e["source"]] = e["target"]
        elif e["kind"] == "of_authority":
            authority_of[e["source"]] = e["target"]
    findings_in: dict[str, list[str]] = defaultdict(list)
    for f, r in report_of.items():
        findings_in[r].append(f)
    reports_of: dict[str, list[str]] = defaultdict(list)
    for r, a in authority_of.items():
        reports_of[a].append(r)
    # Each authority's cluster: its reports on a ring, each report's findings on a spiral round it.
    local: dict[str, tuple[float, float]] = {}
    radius_of: dict[str, float] = {}
    for a, reports in reports_of.items():
        ring = 40.0 + 12.0 * math.sqrt(sum(len(findings_in[r]) for r in reports))
        extent = 0.0
        for i, r in enumerate(sorted(reports)):
            angle = 2 * math.pi * i / len(reports) + 0.3
            rx, ry = ring * math.cos(angle), ring * math.sin(angle)
            local[r] = (rx, ry)
            members = sorted(findings_in[r])
            spiral = 10.0 + 7.0 * math.sqrt(len(members))
            for j, f in enumerate(members):
                # A spiral, not a circle: many findings stay apart without a huge ring.
                fr = spiral * (0.35 + 0.8 * j / max(len(members), 1))
                fa = angle + 2.4 * j
                local[f] = (rx + fr * math.cos(fa), ry + fr * math.sin(fa))
            extent = max(extent, ring + 1.2 * spiral)
        radius_of[a] = extent
    authorities = [n for n, k in kinds.items() if k == "authority"]
    centre = _authority_grid(authorities, view.edges, report_of, authority_of, radius_of, seed)
    pos: dict[str, tuple[float, float]] = dict(centre)
    for a, reports in reports_of.items():
        ax, ay = centre.get(a, (0.0, 0.0))
        for r in reports:
            for node in (r, *findings_in[r]):
                lx, ly = local[node]
                pos[node] = (ax + lx, ay + ly)
    pos.update(_theme_ring(kinds, view.edges, pos))
    for n in view.nodes:
        x, y = pos.get(n["id"], (0.0, 0.0))
        n["x"], n["y"] = round(x, 1), round(y, 1)


# networkx's spring layout needs scipy from 500 nodes; England has 153 authorities, so only
# synthetic stress views are bigger, and they keep the alphabetical grid.
SPRING_LIMIT = 499


def _authority_grid(
    authorities: list[str],
    edges: list[dict[str, Any]],
    report_of: dict[str, str],
    authority_of: dict[str, str],
    radius_of: dict[str, float],
    seed: int,
) -> dict[str, tuple[float, float]]:
    """Authorities on a grid whose cells fit the largest cluster, so clusters never overlap.
    Grid order comes from a seeded spring layout of the authorities joined by their related
    findings (rows by y, then x): authorities that say the same things sit near each other."""
    if not authorities:
        return {}
    order = sorted(authorities)
    if 1 < len(authorities) <= SPRING_LIMIT:
        g = nx.Graph()
        g.add_nodes_from(order)
        for e in edges:
            if e["kind"] == "related":
                a = authority_of.get(report_of.get(e["source"], ""))
                b = authority_of.get(report_of.get(e["target"], ""))
                if a and b and a != b:
                    g.add_edge(a, b, weight=g.get_edge_data(a, b, {"weight": 0})["weight"] + 1)
        raw = nx.spring_layout(g, seed=seed, weight="weight", iterations=100)
        by_y = sorted(order, key=lambda a: (float(raw[a][1]), a))
        side = math.ceil(math.sqrt(len(order)))
        rows = [by_y[i : i + side] for i in range(0, len(by_y), side)]
        order = [a for row in rows for a in sorted(row, key=lambda a: (float(raw[a][0]), a))]
    side = math.ceil(math.sqrt(len(order)))
    cell = 2.2 * max([radius_of.get(a, 40.0) for a in order] + [40.0])
    return {a: (cell * (i % side), cell * (i // side)) for i, a in enumerate(order)}


def _theme_ring(
    kinds: dict[str, str], edges: list[dict[str, Any]], pos: dict[str, tuple[float, float]]
) -> dict[str, tuple[float, float]]:
    """Themes on a ring round the authorities, each at the angle of the findings that use it."""
    placed = [p for n, p in pos.items() if kinds.get(n) == "authority"] or [(0.0, 0.0)]
    cx = sum(x for x, _ in placed) / len(placed)
    cy = sum(y for _, y in placed) / len(placed)
    reach = max(math.hypot(x - cx, y - cy) for x, y in pos.values()) if pos else 100.0
    sums: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for e in edges:
        if e["kind"] == "theme" and e["source"] in pos:
            x, y = pos[e["source"]]
            sums[e["target"]][0] += x - cx
            sums[e["target"]][1] += y - cy
    themes = sorted(
        (n for n, k in kinds.items() if k == "theme"), key=lambda t: (math.atan2(*sums[t][::-1]), t)
    )
    out = {}
    for i, t in enumerate(themes):
        # Spread evenly in the order of their preferred angles, so labels do not pile up.
        angle = 2 * math.pi * i / max(len(themes), 1)
        out[t] = (cx + 1.15 * reach * math.cos(angle), cy + 1.15 * reach * math.sin(angle))
    return out


def view_from_store(
    backend: Backend, authority: str | None = None, theme: str | None = None, since: str | None = None
) -> View:
    """The view over the store; related links are read from the related graph when it exists,
    otherwise computed in memory (nothing is written by drawing a picture)."""
    findings = fetch_findings(backend)
    links = stored_or_computed_links(backend, findings)
    return build_view(
        findings, links, recurring_weaknesses(backend), fetch_theme_labels(backend), authority, theme, since
    )


def _static(name: str) -> str:
    return (importlib.resources.files("ofsted_kg") / "static" / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    # A literal "</script" inside inlined code would end the element early.
    return code.replace("</script", "<\\/script")


EDGE_KINDS = ("in_report", "of_authority", "theme", "related", "recurring")


def compact_payload(view: View) -> dict[str, Any]:
    """The view as the page reads it: edges as [source, target, kind] node indices and related
    findings as [index, similarity], so ten thousand long IRIs are not repeated in every edge."""
    index = {n["id"]: i for i, n in enumerate(view.nodes)}
    nodes = []
    for n in view.nodes:
        if "related" in n:
            n = {**n, "related": [[index[other], sim] for other, sim in n["related"] if other in index]}
        nodes.append(n)
    kinds = {k: i for i, k in enumerate(EDGE_KINDS)}
    edges = [[index[e["source"]], index[e["target"]], kinds[e["kind"]]] for e in view.edges]
    return {"nodes": nodes, "edges": edges, "edgeKinds": list(EDGE_KINDS), "filters": view.filters}


def render_html(view: View, title: str = "ofsted-kg: related findings") -> str:
    """The page as one string: template + inlined library + app + data, nothing fetched."""
    data = compact_payload(view)
    data["colours"] = {"kinds": KIND_COLOURS, "polarity": POLARITY_COLOURS, "edges": EDGE_COLOURS}
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # JSON inside <script type="application/json">: escape '<' so no text can close the element.
    payload = payload.replace("<", "\\u003c")
    page = _static("related-page.html")
    replacements = {
        "__OKG_TITLE__": _escape_html(title),
        "/*__OKG_LIBRARY__*/": _inline_script(_static(LIBRARY)),
        "/*__OKG_APP__*/": _inline_script(_static("related.js")),
        "__OKG_DATA__": payload,
    }
    for marker, value in replacements.items():
        before, sep, after = page.partition(marker)
        if not sep:
            raise RuntimeError(f"page template lacks {marker}")
        page = before + value + after  # partition, not str.replace: values may contain markers' text
    return page


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def write_html(view: View, out: str | Path) -> None:
    Path(out).write_text(render_html(view), encoding="utf-8")


def write_picture(view: View, out: str | Path, fmt: str) -> None:
    """The same view drawn with matplotlib (png or svg), for reports."""
    try:
        # A Figure of its own, never pyplot: drawing a picture must not switch the backend of a
        # notebook or application that imported this (no matplotlib.use at import or call time).
        from matplotlib.collections import LineCollection
        from matplotlib.figure import Figure
    except ImportError as exc:  # matplotlib is the optional 'viz' extra
        raise UsageError("--format png|svg needs matplotlib: pip install 'ofsted-kg[viz]'") from exc
    pos = {n["id"]: (n["x"], -n["y"]) for n in view.nodes}
    fig = Figure(figsize=(14, 10), dpi=110)
    ax = fig.subplots()

    # Finding-theme links stay off the picture, as they start hidden on the page.
    for kind in ("in_report", "of_authority", "related", "recurring"):
        segments = [[pos[e["source"]], pos[e["target"]]] for e in view.edges if e["kind"] == kind]
        if segments:  # one collection per kind: thousands of edges draw in one call
            strong = kind in ("related", "recurring")
            # Thousands of related links would paint the picture solid red: fade them with their number.
            alpha = min(0.7, 15.0 / math.sqrt(len(segments))) if strong else 0.35
            ax.add_collection(
                LineCollection(
                    segments, colors=EDGE_COLOURS[kind], linewidths=0.8 if strong else 0.4, zorder=1,
                    linestyles="--" if kind == "recurring" else "-", alpha=alpha,
                )
            )  # fmt: skip
    shapes = {"authority": ("s", 120), "inspection": ("D", 50), "theme": ("h", 110), "finding": ("o", 14)}
    for kind, (marker, size) in shapes.items():
        members = [n for n in view.nodes if n["kind"] == kind]
        if not members:
            continue
        colours = [
            POLARITY_COLOURS.get(n.get("polarity", ""), KIND_COLOURS[kind])
            if kind == "finding"
            else KIND_COLOURS[kind]
            for n in members
        ]
        ax.scatter([pos[n["id"]][0] for n in members], [pos[n["id"]][1] for n in members],
                   c=colours, marker=marker, s=size, zorder=2, label=kind, edgecolors="white", linewidths=0.4)  # fmt: skip
        if kind in ("authority", "theme"):
            for n in members:
                ax.annotate(n["label"], pos[n["id"]], fontsize=6, zorder=3, ha="center", va="bottom",
                            xytext=(0, 4), textcoords="offset points")  # fmt: skip
    ax.legend(loc="lower left", fontsize=7, frameon=False)
    ax.set_axis_off()
    ax.set_title("ofsted-kg: findings, inspections, authorities and themes", fontsize=10)
    fig.tight_layout()
    fig.savefig(out, format=fmt)
