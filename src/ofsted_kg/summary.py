"""Authority summaries: per-authority theme tallies derived from the findings, kept current by ingest.

Corpus-wide questions ("which authorities have most findings on placement sufficiency", "each
authority's theme profile") would otherwise count every finding in the store on every query, a
cost that grows with the corpus (at 8,400 documents, seconds per query). An authority's summary
holds one okg:ThemeTally per theme and one okg:ThemePolarityTally per theme and polarity, so those
queries read a few hundred tallies whatever the number of reports.

Each summary lives in its own graph (graph/summary/<GSS code>) and lists the reports it counts
(okg:summarises). `refresh_summaries` compares that list with the reports in the store
(the `select_summary_coverage` query) and recounts only the authorities that differ, replacing
each summary graph in one write: a summary is either the old one or the new one, never half of
each. An interrupted ingest can leave a summary out of date, never wrong about what it lists;
the next ingest (even with nothing new to load) finds and repairs it.

The counting is split as the loaders are: `select_finding_themes` rows -> `tally` (a pure
function, no RDF) -> `summary_ntriples`.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from rdflib import RDF, XSD, Literal, URIRef

from . import iris
from .backend import Backend
from .loaders.graph import Triples
from .named_queries import as_bool, named_queries
from .namespace import OKG

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThemeCount:
    theme: URIRef
    findings: int
    inspections: int


@dataclass(frozen=True)
class ThemePolarityCount:
    theme: URIRef
    polarity: URIRef
    findings: int


@dataclass(frozen=True)
class AuthorityTally:
    authority: URIRef
    reports: tuple[URIRef, ...]
    themes: tuple[ThemeCount, ...]
    theme_polarities: tuple[ThemePolarityCount, ...]


def tally(
    authority: URIRef, reports: Iterable[URIRef], rows: Iterable[Mapping[str, URIRef | None]]
) -> AuthorityTally:
    """Count one authority's `select_finding_themes` rows (a pure function of them)."""
    findings: dict[URIRef, set[URIRef]] = defaultdict(set)
    inspections: dict[URIRef, set[URIRef]] = defaultdict(set)
    by_polarity: dict[tuple[URIRef, URIRef], set[URIRef]] = defaultdict(set)
    for row in rows:
        finding, theme, inspection = row["finding"], row["theme"], row["inspection"]
        assert finding is not None and theme is not None and inspection is not None
        findings[theme].add(finding)
        inspections[theme].add(inspection)
        by_polarity[(theme, row.get("polarity") or OKG.Polarity_neutral)].add(finding)
    return AuthorityTally(
        authority=authority,
        reports=tuple(sorted(set(reports))),
        themes=tuple(
            ThemeCount(theme, len(findings[theme]), len(inspections[theme])) for theme in sorted(findings)
        ),
        theme_polarities=tuple(
            ThemePolarityCount(theme, polarity, len(members))
            for (theme, polarity), members in sorted(by_polarity.items())
        ),
    )


@dataclass(frozen=True)
class DocumentCounts:
    """One document's contribution to its authority's summary, counted in the worker from the
    triples it writes (so a fresh load needs no recount from the store). Findings and inspections
    are the document's own, so the counts of several documents add up exactly."""

    authority: URIRef
    report: URIRef
    themes: tuple[tuple[URIRef, int], ...]  # theme -> findings with it
    theme_polarities: tuple[tuple[URIRef, URIRef, int], ...]  # theme, polarity -> findings


def document_counts(triples: Iterable[tuple[URIRef, URIRef, object]]) -> DocumentCounts | None:
    """The counts `select_finding_themes` + `tally` would give for this document alone; None for
    a document with no report or no authority."""
    authority_of: dict[URIRef, URIRef] = {}
    about: dict[URIRef, URIRef] = {}
    themes: dict[URIRef, set[URIRef]] = defaultdict(set)
    polarity: dict[URIRef, URIRef] = {}
    reports: list[URIRef] = []
    for s, p, o in triples:
        if p == OKG.inspectedAuthority:
            authority_of[s] = o  # type: ignore[assignment]
        elif p == OKG.aboutInspection:
            about[s] = o  # type: ignore[assignment]
        elif p == OKG.theme:
            themes[s].add(o)  # type: ignore[arg-type]
        elif p == OKG.polarity:
            polarity[s] = o  # type: ignore[assignment]
        elif p == RDF.type and o == OKG.Report:
            reports.append(s)
    if len(reports) != 1 or len(set(authority_of.values())) != 1:
        return None
    authority = next(iter(authority_of.values()))
    by_theme: dict[URIRef, int] = defaultdict(int)
    by_polarity: dict[tuple[URIRef, URIRef], int] = defaultdict(int)
    for finding, found in themes.items():
        if about.get(finding) not in authority_of:
            continue
        for theme in found:
            by_theme[theme] += 1
            by_polarity[(theme, polarity.get(finding, OKG.Polarity_neutral))] += 1
    return DocumentCounts(
        authority=authority,
        report=reports[0],
        themes=tuple(sorted(by_theme.items())),
        theme_polarities=tuple((t, p, n) for (t, p), n in sorted(by_polarity.items())),
    )


class LoadedCounts:
    """The counts of the documents one ingest run wrote, summed per authority as they arrive
    (memory: a few hundred numbers per authority, whatever the number of documents)."""

    def __init__(self) -> None:
        self._reports: dict[URIRef, set[URIRef]] = defaultdict(set)
        self._findings: dict[URIRef, dict[URIRef, int]] = defaultdict(lambda: defaultdict(int))
        self._inspections: dict[URIRef, dict[URIRef, int]] = defaultdict(lambda: defaultdict(int))
        self._polarities: dict[URIRef, dict[tuple[URIRef, URIRef], int]] = defaultdict(
            lambda: defaultdict(int)
        )

    def add(self, counts: DocumentCounts) -> None:
        authority = counts.authority
        if counts.report in self._reports[authority]:
            return  # the same content twice in one run is one report in the store
        self._reports[authority].add(counts.report)
        for theme, count in counts.themes:
            self._findings[authority][theme] += count
            self._inspections[authority][theme] += 1  # one inspection per document
        for theme, polarity, count in counts.theme_polarities:
            self._polarities[authority][(theme, polarity)] += count

    def reports(self, authority: URIRef) -> set[URIRef]:
        return set(self._reports.get(authority, ()))

    def tally(self, authority: URIRef) -> AuthorityTally:
        findings, inspections = self._findings[authority], self._inspections[authority]
        return AuthorityTally(
            authority=authority,
            reports=tuple(sorted(self._reports[authority])),
            themes=tuple(ThemeCount(t, findings[t], inspections[t]) for t in sorted(findings)),
            theme_polarities=tuple(
                ThemePolarityCount(t, p, n) for (t, p), n in sorted(self._polarities[authority].items())
            ),
        )


def summary_triples(counts: AuthorityTally) -> Triples:
    """The RDF of one authority's summary, as its summary graph holds it (written as N-Triples
    directly: an rdflib Graph cost more than the counting)."""
    g = Triples()
    authority = counts.authority
    node = iris.summary(authority)
    g.add((node, RDF.type, OKG.AuthoritySummary))
    g.add((node, OKG.summaryOf, authority))
    for report in counts.reports:
        g.add((node, OKG.summarises, report))
    for theme_count in counts.themes:
        row = iris.theme_tally(authority, theme_count.theme)
        g.add((row, RDF.type, OKG.ThemeTally))
        g.add((row, OKG.inSummary, node))
        g.add((row, OKG.tallyAuthority, authority))
        g.add((row, OKG.tallyTheme, theme_count.theme))
        g.add((row, OKG.findingCount, Literal(theme_count.findings, datatype=XSD.integer)))
        g.add((row, OKG.inspectionCount, Literal(theme_count.inspections, datatype=XSD.integer)))
    for polarity_count in counts.theme_polarities:
        row = iris.theme_polarity_tally(authority, polarity_count.theme, polarity_count.polarity)
        g.add((row, RDF.type, OKG.ThemePolarityTally))
        g.add((row, OKG.inSummary, node))
        g.add((row, OKG.tallyAuthority, authority))
        g.add((row, OKG.tallyTheme, polarity_count.theme))
        g.add((row, OKG.tallyPolarity, polarity_count.polarity))
        g.add((row, OKG.findingCount, Literal(polarity_count.findings, datatype=XSD.integer)))
    return g


def summary_ntriples(counts: AuthorityTally) -> bytes:
    return summary_triples(counts).ntriples()


@dataclass(frozen=True)
class Coverage:
    """Per authority: the reports in the store, and the reports its summary counts."""

    in_store: dict[URIRef, set[URIRef]]
    summarised: dict[URIRef, set[URIRef]]

    def out_of_date(self) -> list[URIRef]:
        authorities = set(self.in_store) | set(self.summarised)
        return sorted(a for a in authorities if self.in_store.get(a) != self.summarised.get(a))


def coverage(backend: Backend) -> Coverage:
    query = named_queries()["select_summary_coverage"]
    in_store: dict[URIRef, set[URIRef]] = defaultdict(set)
    summarised: dict[URIRef, set[URIRef]] = defaultdict(set)
    for row in backend.select(query.text).rows:
        authority, report = row["authority"], row["report"]
        assert isinstance(authority, URIRef) and isinstance(report, URIRef)
        # By value: Virtuoso sends these booleans as 1/0 (an `is True` on the term never matched).
        if as_bool(row["in_store"]) is True:
            in_store[authority].add(report)
        if as_bool(row["summarised"]) is True:
            summarised[authority].add(report)
    return Coverage(dict(in_store), dict(summarised))


def recount(backend: Backend, authority: URIRef, reports: Iterable[URIRef]) -> AuthorityTally:
    query = named_queries()["select_finding_themes"]
    rows = backend.select(query.text, query.bindings({"authority": str(authority)})).rows
    return tally(authority, reports, rows)


def refresh_summaries(
    backend: Backend,
    *,
    everything: bool = False,
    loaded: LoadedCounts | None = None,
) -> list[URIRef]:
    """Recount the summary of every authority whose reports changed (all of them with
    `everything`); drop the summaries of authorities with no report left. Returns the
    authorities whose summary was written or dropped.

    `loaded` holds the counts of the documents this run wrote, by authority: an authority all of
    whose reports in the store are among them is summed from those counts; any other is recounted
    from the store (`select_finding_themes`)."""
    state = coverage(backend)
    stale = sorted(set(state.in_store) | set(state.summarised)) if everything else state.out_of_date()
    for authority in stale:
        reports = state.in_store.get(authority)
        graph = iris.summary_graph(authority)
        if not reports:
            backend.drop_graph(graph)
            continue
        if loaded is not None and reports == loaded.reports(authority):
            counts = loaded.tally(authority)
        else:
            counts = recount(backend, authority, reports)
        backend.replace_graph(graph, summary_ntriples(counts))
    if stale:
        log.debug("authority summaries recounted: %d", len(stale))
    return stale
