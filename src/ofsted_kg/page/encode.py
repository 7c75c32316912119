"""`PageData` -> the JSON the page reads, compact enough for a national corpus in one file.

Two parts. The *overview* (authorities, their latest grades, every inspection with its grades and
per-theme counts) is plain JSON, parsed before the first paint. The *detail* (findings, their
texts and quotes, related links, recurring weaknesses, resolutions) is most of the bytes — about
460 characters of text per finding, 40,000 findings nationally — so it is gzip-compressed and
base64-encoded, and the page inflates it (the browser's own DecompressionStream) after the
overview is drawn. Inside the detail:

- findings are columns (one array per field), not objects, so field names are not repeated;
- every text is stored once (`texts`), and a quote only when it differs from its finding's text
  (`quote` -1 = same as the text);
- a finding's IRI is its prefix (shared by the findings of one report, `iriPrefixes`) + its last
  path segment;
- links, recurrences and resolutions are flat integer arrays (finding indices, similarity x1000,
  an index into the sets of shared themes).

Grades, judgement areas, finding kinds and polarities travel as notations; the labels once.
"""

from __future__ import annotations

import base64
import datetime as dt
import gzip
import json
from collections.abc import Hashable, Iterable
from typing import Any

from ..answers.common import GRADE_LABELS
from ..answers.history import AREA_NAMES, AREA_ORDER, HistoryEntry
from ..answers.summary import AuthoritySummary
from .data import GRADE_OF_LABEL, PageData, recent_visits, tile_grade

FORMAT_VERSION = 1
# Geographical order, read in rows of three: north, middle, south (the overview's layout).
REGION_ORDER = (
    "North West", "North East", "Yorkshire and The Humber",
    "West Midlands", "East Midlands", "East of England",
    "South West", "London", "South East",
)  # fmt: skip
TYPE_LABELS = {
    "ilacs_inspection": "ILACS inspection",
    "focused_visit": "Focused visit",
    "monitoring_visit": "Monitoring visit",
    "sif_inspection": "SIF inspection",
    "area_send_inspection": "Area SEND inspection",
    "jtai": "Joint targeted area inspection",
    "other": "Other report",
}
KIND_LABELS = {
    "headline": "Headline finding",
    "area_for_improvement": "Area for improvement",
    "area_for_priority_action": "Area for priority action",
    "strength": "Strength",
    "main_finding": "Main finding",
}
POLARITIES = ("strength", "concern", "mixed", "neutral")
AREA_LABELS = {
    **{area: name[0].upper() + name[1:] for area, name in AREA_NAMES.items()},
    "overall_effectiveness": "Overall effectiveness",
    "impact_of_leaders": "Impact of leaders",
    "area_send_outcome": "Area SEND outcome",
    "sif_help_and_protection": "Help and protection (SIF)",
    "sif_looked_after_and_permanence": "Looked after and permanence (SIF)",
    "sif_adoption": "Adoption (SIF)",
    "sif_care_leavers": "Care leavers (SIF)",
    "sif_leadership": "Leadership (SIF)",
    "lscb_review": "LSCB review",
}


class Table:
    """A list of distinct values and each one's index: what 'store each string once' means."""

    def __init__(self) -> None:
        self.values: list[Any] = []
        self._index: dict[Hashable, int] = {}

    def __call__(self, value: Hashable) -> int:
        found = self._index.get(value)
        if found is None:
            found = self._index[value] = len(self.values)
            self.values.append(list(value) if isinstance(value, tuple) else value)
        return found


def encode(data: PageData) -> dict[str, Any]:
    """The whole payload as Python values: {"overview": {...}, "detail": {...}}."""
    order = sorted(data.authorities.values(), key=lambda a: a.name.casefold())
    authority_index = {a.gss_code: i for i, a in enumerate(order)}
    themes = list(data.themes)
    theme_index = {t: i for i, t in enumerate(themes)}
    entries = sorted(
        ((gss, e) for gss, es in data.histories.items() for e in es),
        key=lambda ge: (authority_index[ge[0]], _iso(ge[1].start or ge[1].end) or "", ge[1].inspection or ""),
    )
    inspection_index = {e.inspection: i for i, (_, e) in enumerate(entries)}
    overview = {
        "version": FORMAT_VERSION,
        "scope": {
            "authority": data.authority,
            "since": _iso(data.since),
            "asOf": _iso(data.as_of),
            "recentFrom": _iso(data.recent_from),
            "findings": len(data.findings),
            "links": len(data.links),
        },
        "labels": {
            "grades": GRADE_LABELS,
            "areas": AREA_LABELS,
            "areaOrder": list(AREA_ORDER),
            "types": TYPE_LABELS,
            "kinds": KIND_LABELS,
        },
        "regions": [r for r in REGION_ORDER if any(a.region == r for a in order)]
        + sorted({a.region for a in order if a.region not in REGION_ORDER}),
        "themes": [[t, data.themes[t]] for t in themes],
        "authorities": [
            _authority(a.gss_code, a.name, a.region, a.current, a.neighbours, data, authority_index)
            for a in order
        ],
        "inspections": [_inspection(authority_index[gss], e, theme_index) for gss, e in entries],
    }
    return {"overview": overview, "detail": _detail(data, inspection_index, theme_index)}


def _authority(
    gss: str,
    name: str,
    region: str,
    current: bool,
    neighbours: Iterable[str],
    data: PageData,
    authority_index: dict[str, int],
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "gss": gss,
        "name": name,
        "region": region,
        "current": current,
        "neighbours": [authority_index[n] for n in neighbours if n in authority_index],
    }
    summary = data.summaries.get(gss)
    if summary is not None:
        out["latest"] = _latest(summary, data)
    return out


def _latest(s: AuthoritySummary, data: PageData) -> dict[str, Any]:
    """The summary row the tile and the story's heading show (dates ISO, grades as notations)."""
    grades = {
        "overall_effectiveness": s.overall,
        "impact_of_leaders": s.leaders,
        "help_and_protection": s.help_and_protection,
        "children_in_care_and_care_leavers": s.in_care_and_care_leavers,
        "children_in_care": s.in_care,
        "care_leavers": s.care_leavers,
    }
    out: dict[str, Any] = {
        "urn": s.urn,
        "ilacs": _drop_none(
            {
                "start": _iso(s.ilacs_start),
                "end": _iso(s.ilacs_end),
                "kind": s.ilacs_kind,
                "published": _iso(s.published),
                "url": s.report_url,
                "inspection": s.inspection,
                "grades": {area: GRADE_OF_LABEL.get(g, g) for area, g in grades.items() if g},
                "previous": GRADE_OF_LABEL.get(s.previous_overall or "", s.previous_overall),
                "previousEnd": _iso(s.previous_ilacs_end),
                "direction": s.direction,
            }
        ),
        "focused": _drop_none(
            {"end": _iso(s.focused_visit_end), "focus": s.focused_visit_focus, "url": s.focused_visit_url}
        ),
        "monitoring": _drop_none(
            {
                "end": _iso(s.monitoring_visit_end),
                "number": s.monitoring_visit_number,
                "url": s.monitoring_visit_url,
            }
        ),
        "send": _drop_none(
            {
                "end": _iso(s.send_end),
                "outcome": GRADE_OF_LABEL.get(s.send_outcome or "", s.send_outcome),
                "url": s.send_url,
            }
        ),
        "jtai": _drop_none({"end": _iso(s.jtai_end), "focus": s.jtai_focus, "url": s.jtai_url}),
        "tile": _tile(s),
        "recent": [{"code": code, "text": text} for code, text in recent_visits(s, data.recent_from)],
        "neighbourGrades": {
            "outstanding": s.neighbours_outstanding,
            "good": s.neighbours_good,
            "requires_improvement": s.neighbours_requires_improvement,
            "inadequate": s.neighbours_inadequate,
            "not_graded": s.neighbours_not_graded,
        },
    }
    return {key: value for key, value in out.items() if value}


def _tile(s: AuthoritySummary) -> dict[str, Any] | None:
    found = tile_grade(s)
    if found is None:
        return None
    end = s.ilacs_end or s.ilacs_start
    return {"area": found[0], "grade": found[1], "year": end.year if end else None}


def _inspection(authority: int, e: HistoryEntry, theme_index: dict[str, int]) -> dict[str, Any]:
    return _drop_none(
        {
            "a": authority,
            "iri": e.inspection,
            "type": e.type,
            "kind": e.kind,
            "framework": e.framework,
            "start": _iso(e.start),
            "end": _iso(e.end),
            "published": _iso(e.published),
            "lead": e.lead_inspector,
            "grades": {area: GRADE_OF_LABEL.get(g, g) for area, g in e.judgements.items()} or None,
            "changes": list(e.grade_changes) or None,
            "focus": e.focus,
            "series": e.series_number,
            "findings": e.findings,
            "strengths": e.strengths,
            "concerns": e.concerns,
            # theme index -> concerns: the overview's "share of concerns" and the theme view's cells
            "concernsByTheme": _by_theme(e.concerns_by_theme, theme_index),
            "strengthsByTheme": _by_theme(e.strengths_by_theme, theme_index),
            "title": e.title,
            "report": e.report,
            "url": e.report_url,
        }
    )


def _by_theme(counts: dict[str, int], theme_index: dict[str, int]) -> dict[str, int] | None:
    return {str(theme_index[t]): n for t, n in counts.items() if t in theme_index} or None


def _detail(
    data: PageData, inspection_index: dict[str | None, int], theme_index: dict[str, int]
) -> dict[str, Any]:
    texts, prefixes, theme_sets = Table(), Table(), Table()
    findings = sorted(
        (f for f in data.findings if f.inspection in inspection_index),
        key=lambda f: (
            inspection_index[f.inspection],
            f.sequence if f.sequence is not None else 1 << 30,
            f.iri,
        ),
    )
    finding_index = {f.iri: i for i, f in enumerate(findings)}
    kinds = Table()
    columns: dict[str, list[Any]] = {
        name: []
        for name in ("inspection", "kind", "polarity", "themes", "page", "text", "quote", "iriPrefix", "iri")
    }
    for f in findings:
        prefix, _, local = f.iri.rpartition("/")
        columns["inspection"].append(inspection_index[f.inspection])
        columns["kind"].append(kinds(f.kind or "finding"))
        columns["polarity"].append(POLARITIES.index(f.polarity) if f.polarity in POLARITIES else 3)
        columns["themes"].append(theme_sets(tuple(theme_index[t] for t in f.themes if t in theme_index)))
        columns["page"].append(f.page or 0)
        columns["text"].append(texts(f.text))
        columns["quote"].append(texts(f.quote) if f.quote and f.quote != f.text else -1)
        columns["iriPrefix"].append(prefixes(prefix))
        columns["iri"].append(local)
    links: list[int] = []
    for link in data.links:
        a, b = finding_index.get(link.finding_a), finding_index.get(link.finding_b)
        if a is not None and b is not None:
            shared = tuple(theme_index[t] for t in link.shared_themes if t in theme_index)
            links += [a, b, round(link.similarity * 1000), theme_sets(shared)]
    recurring: list[int] = []
    for r in data.recurrences:
        a, b = finding_index.get(r.earlier.finding), finding_index.get(r.later.finding)
        if a is not None and b is not None:
            shared = tuple(theme_index[t] for t in r.themes if t in theme_index)
            recurring += [a, b, round(r.similarity * 1000), theme_sets(shared)]
    resolved: list[int] = []
    for res in data.resolutions:
        a, b = finding_index.get(res.weakness), finding_index.get(res.strength)
        if a is not None and b is not None and res.theme in theme_index:
            resolved += [a, b, round(res.similarity * 1000), theme_index[res.theme]]
    return {
        "kinds": kinds.values,
        "polarities": list(POLARITIES),
        "findings": columns,
        "texts": texts.values,
        "iriPrefixes": prefixes.values,
        "themeSets": theme_sets.values,
        "links": links,
        "recurring": recurring,
        "resolved": resolved,
    }


def pack(detail: dict[str, Any]) -> str:
    """The detail part as base64 of gzip of its JSON (mtime 0: the same data, the same page)."""
    raw = json.dumps(detail, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(gzip.compress(raw, compresslevel=9, mtime=0)).decode("ascii")


def unpack(packed: str) -> dict[str, Any]:
    """The inverse of `pack` (tests and tools read a page's detail with it)."""
    result: dict[str, Any] = json.loads(gzip.decompress(base64.b64decode(packed)).decode("utf-8"))
    return result


def _iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def _drop_none(values: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in values.items() if value is not None}
