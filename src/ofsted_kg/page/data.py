"""The page's data step: the store -> `PageData`, from inspections, never from report copies.

Everything comes from the library: tiles from `answers.summary.latest_summary` (latest grades,
visits, neighbours' grade counts), each authority's inspections from
`answers.history.all_histories` (one row per inspection: an inspection with several report
copies is one column), findings from `analysis.data.fetch_findings` (placed under their
inspection), related links as `related` stored them, recurring weaknesses from
`analysis.recurring`. Only what no answer gives is derived here: which weaknesses a later
strength answered (`resolved`), and the two narrowings (`since`, one authority).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from .. import iris
from ..analysis.data import FindingRow, fetch_findings, fetch_theme_labels
from ..analysis.recurring import Recurrence, recurrences_from_findings
from ..analysis.related import RelatedLink, stored_or_computed_links
from ..answers.common import GRADE_LABELS
from ..answers.history import HistoryEntry, all_histories
from ..answers.summary import AuthoritySummary, latest_summary
from ..backend import Backend
from ..loaders import authorities
from .resolved import Resolution, resolved_weaknesses

# A focused or monitoring visit this close to the newest visit in the store marks its tile.
RECENT_DAYS = 365
GRADE_OF_LABEL = {label: notation for notation, label in GRADE_LABELS.items()}


@dataclass(frozen=True)
class PageAuthority:
    """An authority the page can name: the 153 current ones (with a tile) and any former one
    (Cumbria, Northamptonshire, Poole) whose inspections are in the store."""

    gss_code: str
    name: str
    region: str
    neighbours: tuple[str, ...]  # GSS codes, nearest first
    current: bool


@dataclass(frozen=True)
class PageData:
    authorities: dict[str, PageAuthority]  # GSS code -> authority
    summaries: dict[str, AuthoritySummary]  # GSS code -> latest grades and visits (current ones)
    histories: dict[str, list[HistoryEntry]]  # GSS code -> inspections and visits, oldest first
    findings: list[FindingRow]  # each under one inspection of `histories`
    links: list[RelatedLink]  # both ends in `findings`
    recurrences: list[Recurrence]
    resolutions: list[Resolution]
    themes: dict[str, str]  # notation -> label
    as_of: dt.date | None  # the newest visit end in the store
    authority: str | None = None  # GSS code: the page is this authority's briefing
    since: dt.date | None = None

    @property
    def recent_from(self) -> dt.date | None:
        return self.as_of - dt.timedelta(days=RECENT_DAYS) if self.as_of else None

    def inspection_count(self) -> int:
        return sum(len(entries) for entries in self.histories.values())


# What page_data reads, in order: `progress` is told each before it starts.
STEPS = ("latest grades", "histories", "findings", "related links", "recurring weaknesses", "resolutions")


def page_data(
    backend: Backend,
    authority: str | None = None,
    since: dt.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> PageData:
    """The page's data from the store; `authority` (a GSS code, already resolved) makes it that
    authority's briefing; `since` keeps inspections that started on or after the date. At national
    scale (x10) this takes about 36 s on two cores (docs/performance.md): `progress` hears each of
    STEPS as it starts."""
    step = progress or (lambda _: None)
    step(STEPS[0])
    summaries = {s.gss_code: s for s in latest_summary(backend)}
    gss_of = {s.authority_iri: s.gss_code for s in summaries.values()}
    histories: dict[str, list[HistoryEntry]] = {}
    step(STEPS[1])
    for iri, entries in all_histories(backend).items():
        gss = gss_of.get(iri) or _gss_from_iri(iri)
        kept = [e for e in entries if e.inspection and (since is None or _visit_date(e) >= since)]
        if gss and kept:
            histories[gss] = kept
    inspections = {e.inspection for entries in histories.values() for e in entries}
    step(STEPS[2])
    every_finding = fetch_findings(backend)
    findings = [f for f in every_finding if f.inspection in inspections]
    kept_iris = {f.iri for f in findings}
    step(STEPS[3])
    links = [
        link
        for link in stored_or_computed_links(backend, findings)
        if link.finding_a in kept_iris and link.finding_b in kept_iris
    ]
    step(STEPS[4])
    # From the findings already read: the same recurrences as recurring_weaknesses(backend), which
    # reads every candidate pair's texts and evidence again (a minute at x10).
    recurrences = [
        r
        for r in recurrences_from_findings(every_finding)
        if r.earlier.finding in kept_iris and r.later.finding in kept_iris
    ]
    ends = [e.end or e.start for entries in histories.values() for e in entries]
    step(STEPS[5])
    data = PageData(
        authorities=_authorities(summaries, histories),
        summaries=summaries,
        histories=histories,
        findings=findings,
        links=links,
        recurrences=recurrences,
        resolutions=resolved_weaknesses(findings, _visit_dates(histories), recurrences),
        themes=_theme_order(fetch_theme_labels(backend)),
        as_of=max((d for d in ends if d is not None), default=None),
        since=since,
    )
    return one_authority(data, authority) if authority else data


def one_authority(data: PageData, gss: str) -> PageData:
    """The briefing for one authority: its inspections and findings, and of the rest only the
    findings related to its own (with their inspections), so its related list still ranks them."""
    own = {e.inspection for e in data.histories.get(gss, [])}
    own_findings = {f.iri for f in data.findings if f.inspection in own}
    links = [link for link in data.links if link.finding_a in own_findings or link.finding_b in own_findings]
    wanted = own_findings | {iri for link in links for iri in (link.finding_a, link.finding_b)}
    findings = [f for f in data.findings if f.iri in wanted]
    inspections = {f.inspection for f in findings} | own
    histories = {
        code: kept
        for code, entries in data.histories.items()
        if (kept := [e for e in entries if e.inspection in inspections])
    }
    return dataclasses.replace(
        data,
        histories=histories,
        findings=findings,
        links=links,
        recurrences=[r for r in data.recurrences if r.earlier.finding in own_findings],
        resolutions=[r for r in data.resolutions if r.weakness in own_findings],
        authority=gss,
    )


def _authorities(
    summaries: dict[str, AuthoritySummary], histories: dict[str, list[HistoryEntry]]
) -> dict[str, PageAuthority]:
    out = {}
    for gss in [*summaries, *(code for code in histories if code not in summaries)]:
        info = authorities.lookup(gss)
        summary = summaries.get(gss)
        name = summary.authority if summary else (info.name if info else histories[gss][0].authority)
        region = summary.region if summary else (info.region_name if info else "")
        out[gss] = PageAuthority(
            gss_code=gss,
            name=name,
            region=region,
            neighbours=info.statistical_neighbours if info else (),
            current=summary is not None,
        )
    return out


def _gss_from_iri(iri: str) -> str | None:
    prefix = str(iris.authority("X"))[:-1]
    return iri[len(prefix) :] if iri.startswith(prefix) else None


def _visit_date(entry: HistoryEntry) -> dt.date:
    return entry.start or entry.end or entry.published or dt.date.min


def _visit_dates(histories: dict[str, list[HistoryEntry]]) -> dict[str, dt.date]:
    return {e.inspection: _visit_date(e) for entries in histories.values() for e in entries if e.inspection}


def _theme_order(labels: dict[str, str]) -> dict[str, str]:
    return dict(sorted(labels.items(), key=lambda kv: kv[1].casefold()))


def tile_grade(s: AuthoritySummary) -> tuple[str, str] | None:
    """(judgement area, grade notation) a tile is coloured by: the latest ILACS overall
    effectiveness or, where overall is no longer given (from April 2026), the first judgement
    the inspection gives, in the order a report prints them. None: no ILACS inspection."""
    for area, grade in (
        ("overall_effectiveness", s.overall),
        ("impact_of_leaders", s.leaders),
        ("help_and_protection", s.help_and_protection),
        ("children_in_care_and_care_leavers", s.in_care_and_care_leavers),
        ("children_in_care", s.in_care),
        ("care_leavers", s.care_leavers),
    ):
        if grade:
            return area, GRADE_OF_LABEL.get(grade, grade)
    return None


def recent_visits(s: AuthoritySummary, recent_from: dt.date | None) -> list[tuple[str, str]]:
    """The marks on a tile: ("FV", words) for a focused visit, ("MV", words) for a monitoring
    visit that ended on or after `recent_from`."""
    out = []
    if recent_from and s.focused_visit_end and s.focused_visit_end >= recent_from:
        out.append(("FV", f"Focused visit ended {s.focused_visit_end:%-d %b %Y}"))
    if recent_from and s.monitoring_visit_end and s.monitoring_visit_end >= recent_from:
        number = f" {s.monitoring_visit_number}" if s.monitoring_visit_number else ""
        out.append(("MV", f"Monitoring visit{number} ended {s.monitoring_visit_end:%-d %b %Y}"))
    return out
