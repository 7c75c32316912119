"""Authority summaries: per-authority theme tallies, changed in the same transaction as the findings.

Corpus-wide questions ("which authorities have most findings on placement sufficiency", "each
authority's theme profile") would otherwise count every finding in the store on every query, a
cost that grows with the corpus. An authority's summary (graph `graph/summary/<GSS code>`) holds
one okg:ThemeTally per theme (findings with it, inspections with such a finding) and one
okg:ThemePolarityTally per theme and polarity (a finding with no polarity counts as neutral), so
`select_authorities_by_theme_count` and `select_theme_profiles` read a few hundred rows whatever
the number of reports.

Each change to an inspection's findings (a new inspection, a better copy taking over, a removal)
carries the change to its authority's summary rows in the same transaction (`Summaries.change`,
used by ofsted_kg.copies): the delta of the inspection leaving (recounted from the store) and of
the one arriving (counted from the record by the worker, `count_themes`). A summary is never out
of step with the findings — not after `kill -9`, not after a copy switch — and there is no recount
step. docs/design.md ("Authority summaries") gives the measurements that chose this over summing
per-inspection tallies in every query. `refresh_summaries` recounts from the store (upgrading a
store written by ofsted-kg 0.1, or repairing one edited by hand); `disagreements` is what
`ofsted-kg validate` checks.
"""

from __future__ import annotations

import logging
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import RDF, XSD, Literal, URIRef

from . import iris, vocabulary
from .backend import Backend, GraphChange
from .loaders.record import Finding
from .namespace import OKG

log = logging.getLogger(__name__)

NEUTRAL = "neutral"  # the polarity a finding without one is counted under

_INSPECTION_FINDINGS = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?authority ?finding ?theme ?polarity WHERE {
  ?inspection okg:inspectedAuthority ?authority .
  ?finding okg:aboutInspection ?inspection ; okg:theme ?theme_concept .
  ?theme_concept skos:notation ?theme .
  OPTIONAL { ?finding okg:polarity ?polarity_concept . ?polarity_concept skos:notation ?polarity }
}"""
_AUTHORITY_FINDINGS = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?inspection ?finding ?theme ?polarity WHERE {
  ?inspection okg:inspectedAuthority ?authority .
  ?finding okg:aboutInspection ?inspection ; okg:theme ?theme_concept .
  ?theme_concept skos:notation ?theme .
  OPTIONAL { ?finding okg:polarity ?polarity_concept . ?polarity_concept skos:notation ?polarity }
}"""
_LEGACY = "ASK { GRAPH ?g { ?s <https://w3id.org/ofsted-kg/ontology#summarises> ?o } }"


@dataclass(frozen=True)
class ThemeTallies:
    """One inspection's counts: theme notation -> findings, (theme, polarity) -> findings."""

    themes: tuple[tuple[str, int], ...] = ()
    theme_polarities: tuple[tuple[str, str, int], ...] = ()


def count_themes(findings: Iterable[Finding]) -> ThemeTallies:
    """Distinct findings per theme and per theme and polarity (a finding lists a theme once)."""
    by_theme: Counter[str] = Counter()
    by_polarity: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        for theme in sorted(set(finding.themes)):
            by_theme[theme] += 1
            by_polarity[(theme, finding.polarity or NEUTRAL)] += 1
    return _tallies(by_theme, by_polarity)


def _tallies(by_theme: Counter[str], by_polarity: Counter[tuple[str, str]]) -> ThemeTallies:
    return ThemeTallies(
        themes=tuple(sorted((t, n) for t, n in by_theme.items() if n)),
        theme_polarities=tuple((t, p, n) for (t, p), n in sorted(by_polarity.items()) if n),
    )


@dataclass
class AuthorityCounts:
    """An authority's summary rows: theme -> [findings, inspections], (theme, polarity) -> findings."""

    themes: dict[str, tuple[int, int]] = field(default_factory=dict)
    polarities: dict[tuple[str, str], int] = field(default_factory=dict)

    def plus(self, tallies: ThemeTallies, sign: int) -> AuthorityCounts:
        """These counts with one inspection's tallies added (sign 1) or taken away (sign -1)."""
        themes = dict(self.themes)
        for theme, findings in tallies.themes:
            had_findings, had_inspections = themes.get(theme, (0, 0))
            themes[theme] = (had_findings + sign * findings, had_inspections + sign)
        polarities = dict(self.polarities)
        for theme, polarity, findings in tallies.theme_polarities:
            polarities[(theme, polarity)] = polarities.get((theme, polarity), 0) + sign * findings
        return AuthorityCounts(
            {t: c for t, c in themes.items() if c[0] > 0 and c[1] > 0},
            {k: n for k, n in polarities.items() if n > 0},
        )

    def is_empty(self) -> bool:
        return not self.themes and not self.polarities


def summary_triples(
    authority: URIRef,
    counts: AuthorityCounts,
    *,
    themes: Iterable[str] | None = None,
    polarities: Iterable[tuple[str, str]] | None = None,
    node: bool = True,
    part: str | None = None,
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The RDF of one authority's summary (empty when it counts nothing); with `themes` and
    `polarities`, only those rows (and the summary node itself only with `node`); with `part`,
    rows named as one batch's addition (iris.summary_part)."""
    if counts.is_empty():
        return []
    summary = iris.authority_summary(authority)
    out: list[tuple[URIRef, URIRef, URIRef | Literal]] = []
    if node:
        out += _typed(summary, OKG.AuthoritySummary)
        out.append((summary, OKG.summaryOf, authority))
    for theme in sorted(counts.themes if themes is None else themes):
        if theme in counts.themes:
            findings, inspections = counts.themes[theme]
            row = iris.theme_tally(authority, theme, part)
            out += _row(row, OKG.ThemeTally, summary, authority, theme, findings)
            out.append((row, OKG.inspectionCount, Literal(inspections, datatype=XSD.integer)))
    for key in sorted(counts.polarities if polarities is None else polarities):
        if key in counts.polarities:
            theme, polarity = key
            row = iris.theme_polarity_tally(authority, theme, polarity, part)
            out += _row(row, OKG.ThemePolarityTally, summary, authority, theme, counts.polarities[key])
            out.append((row, OKG.tallyPolarity, vocabulary.concept(OKG.PolarityScheme, polarity)))
    return out


def _typed(node: URIRef, cls: URIRef) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    """The node's class and its superclasses, as every instance ofsted-kg writes is typed."""
    from .loaders.graph import superclasses

    return [(node, RDF.type, c) for c in (cls, *superclasses(cls))]


def _row(
    row: URIRef, cls: URIRef, node: URIRef, authority: URIRef, theme: str, findings: int
) -> list[tuple[URIRef, URIRef, URIRef | Literal]]:
    return [
        *_typed(row, cls),
        (row, OKG.inSummary, node),
        (row, OKG.tallyAuthority, authority),
        (row, OKG.tallyTheme, vocabulary.concept(OKG.ThemeScheme, theme)),
        (row, OKG.findingCount, Literal(findings, datatype=XSD.integer)),
    ]


def _ntriples(triples: Iterable[tuple[URIRef, URIRef, URIRef | Literal]]) -> bytes:
    from .loaders.graph import Triples

    out = Triples()
    for triple in triples:
        out.add(triple)
    return out.ntriples()


# -- reading counts from the store ------------------------------------------------------------------


def inspection_tallies(backend: Backend, inspection: URIRef) -> tuple[URIRef | None, ThemeTallies]:
    """The authority and theme counts of an inspection's findings as the store holds them."""
    rows = backend.select(_INSPECTION_FINDINGS, {"inspection": inspection}).rows
    authority = next((r["authority"] for r in rows if r["authority"] is not None), None)
    return authority, _count_rows(rows)  # type: ignore[return-value]


def _count_rows(rows: Iterable[dict]) -> ThemeTallies:
    themes: dict[str, set[str]] = defaultdict(set)
    polarities: dict[tuple[str, str], set[str]] = defaultdict(set)
    for row in rows:
        finding, theme = str(row["finding"]), str(row["theme"])
        themes[theme].add(finding)
        polarities[(theme, str(row.get("polarity") or NEUTRAL))].add(finding)
    return _tallies(
        Counter({t: len(f) for t, f in themes.items()}), Counter({k: len(f) for k, f in polarities.items()})
    )


def recount(backend: Backend, authority: URIRef) -> AuthorityCounts:
    """An authority's summary counted from the findings in the store."""
    counts = AuthorityCounts()
    by_inspection: dict[str, list[dict]] = defaultdict(list)
    for row in backend.select(_AUTHORITY_FINDINGS, {"authority": authority}).rows:
        by_inspection[str(row["inspection"])].append(row)
    for rows in by_inspection.values():
        counts = counts.plus(_count_rows(rows), 1)
    return counts


def stored(backend: Backend, authority: URIRef) -> AuthorityCounts:
    """An authority's summary as its graph holds it (the rows of each theme, and theme and
    polarity, added up)."""
    return counts_of_graph(backend.graph_ntriples(iris.summary_graph(authority)))


def counts_of_graph(ntriples: bytes) -> AuthorityCounts:
    """The counts a summary graph's triples hold (read in Python: a query naming the graph
    through a bound variable cost 140 ms a summary on the example store)."""
    import pyoxigraph as ox

    # Concepts to notations here: the notations are in the ontology graph, not the summary's.
    theme_of = {str(iri): notation for notation, iri in vocabulary.notations(OKG.ThemeScheme).items()}
    polarity_of = {str(iri): notation for notation, iri in vocabulary.notations(OKG.PolarityScheme).items()}
    rows: dict[str, dict[str, str]] = defaultdict(dict)
    wanted = {
        str(OKG.tallyTheme): "theme",
        str(OKG.tallyPolarity): "polarity",
        str(OKG.findingCount): "findings",
        str(OKG.inspectionCount): "inspections",
    }
    for triple in ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES):
        key = wanted.get(triple.predicate.value)
        if key is not None:
            rows[triple.subject.value][key] = triple.object.value
    themes: dict[str, tuple[int, int]] = {}
    polarities: dict[tuple[str, str], int] = {}
    for row in rows.values():
        if "theme" not in row or "findings" not in row:
            continue
        theme = theme_of.get(row["theme"], row["theme"])
        findings = int(row["findings"])
        # Rows added by batches (not folded yet) add up with the rest.
        if "polarity" in row:
            pair = (theme, polarity_of.get(row["polarity"], row["polarity"]))
            polarities[pair] = polarities.get(pair, 0) + findings
        else:
            had_findings, had_inspections = themes.get(theme, (0, 0))
            themes[theme] = (had_findings + findings, had_inspections + int(row.get("inspections", 0)))
    return AuthorityCounts(themes, polarities)


# -- keeping them current ---------------------------------------------------------------------------


class Summaries:
    """The summaries one ingest run changes, read from the store on first use and kept in memory
    (the run is the store's only writer). `change` gives the graph changes to put in the same
    transaction as the findings; `commit` records them once that transaction is done."""

    def __init__(self, backend: Backend) -> None:
        self._backend = backend
        self._counts: dict[URIRef, AuthorityCounts] = {}
        # Which summaries exist: an authority without one needs no query to know it counts nothing.
        self._existing = {g for g in backend.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX)}

    def counts(self, authority: URIRef) -> AuthorityCounts:
        if authority not in self._counts:
            exists = iris.summary_graph(authority) in self._existing
            self._counts[authority] = stored(self._backend, authority) if exists else AuthorityCounts()
        return self._counts[authority]

    def change(
        self, authority: URIRef, leaving: Iterable[ThemeTallies] = (), arriving: Iterable[ThemeTallies] = ()
    ) -> tuple[GraphChange, AuthorityCounts]:
        """The change to the authority's summary graph when inspections' findings go (`leaving`)
        and come (`arriving`), and the counts it leaves."""
        old = self.counts(authority)
        new = old
        for tallies in leaving:
            new = new.plus(tallies, -1)
        for tallies in arriving:
            new = new.plus(tallies, 1)
        graph = iris.summary_graph(authority)
        if new == old:
            return GraphChange(), new
        if new.is_empty():
            return GraphChange(drop=(graph,)), new
        # Rewritten whole, folding any rows batches added: a change that leaves findings is
        # rare (a better copy, a removal), and a summary is a few hundred triples.
        return GraphChange(drop=(graph,), insert=((graph, _ntriples(summary_triples(authority, new))),)), new

    def addition(
        self, authority: URIRef, arriving: Iterable[ThemeTallies], part: str
    ) -> tuple[GraphChange, AuthorityCounts]:
        """The rows that add the findings of arriving inspections to an authority's summary,
        named `part` (additions only, so they join a transaction that only adds), and the counts
        it leaves. `fold` merges them into one row per theme (and polarity) later; until then
        the rows of a theme add up (readers sum them)."""
        old = self.counts(authority)
        delta = AuthorityCounts()
        for tallies in arriving:
            delta = delta.plus(tallies, 1)
        if delta.is_empty():
            return GraphChange(), old
        new = old
        for theme, (findings, inspections) in delta.themes.items():
            had_findings, had_inspections = new.themes.get(theme, (0, 0))
            new = AuthorityCounts(
                {**new.themes, theme: (had_findings + findings, had_inspections + inspections)},
                new.polarities,
            )
        polarities = dict(new.polarities)
        for key, findings in delta.polarities.items():
            polarities[key] = polarities.get(key, 0) + findings
        new = AuthorityCounts(new.themes, polarities)
        if iris.summary_graph(authority) not in self._existing:
            # An authority's first rows are its summary as it stands: named as such, no fold.
            return GraphChange(
                insert=((iris.summary_graph(authority), _ntriples(summary_triples(authority, new))),)
            ), new
        triples = summary_triples(authority, delta, part=part, node=False)
        return GraphChange(insert=((iris.summary_graph(authority), _ntriples(triples)),)), new

    def known(self) -> dict[URIRef, AuthorityCounts]:
        """The counts this run holds (as written), by authority."""
        return dict(self._counts)

    def commit(self, authority: URIRef, counts: AuthorityCounts) -> None:
        self._counts[authority] = counts
        graph = iris.summary_graph(authority)
        if counts.is_empty():
            self._existing.discard(graph)
        else:
            self._existing.add(graph)


def merge(*changes: GraphChange) -> GraphChange:
    """Several changes as one (still applied as one transaction)."""
    return GraphChange(
        drop=tuple(g for c in changes for g in c.drop),
        delete=tuple(d for c in changes for d in c.delete),
        insert=tuple(i for c in changes for i in c.insert),
    )


def summarised_authorities(backend: Backend) -> list[URIRef]:
    """Authorities with a summary graph or with inspections in the store."""
    found = {
        URIRef(str(r["a"]))
        for r in backend.select(
            "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#> "
            "SELECT DISTINCT ?a WHERE { { ?i okg:primaryReport ?r ; okg:inspectedAuthority ?a } "
            "UNION { ?s okg:summaryOf ?a } }"
        ).rows
        if r["a"] is not None
    }
    return sorted(found)


def disagreement(backend: Backend, authority: URIRef, held: AuthorityCounts | None = None) -> str | None:
    """Why an authority's summary (`held`, if already read) does not count the findings in the
    store, or None if it does."""
    held = stored(backend, authority) if held is None else held
    counted = recount(backend, authority)
    if held == counted:
        return None
    themes = {
        k for k in set(held.themes) | set(counted.themes) if held.themes.get(k) != counted.themes.get(k)
    }
    polarities = {
        k
        for k in set(held.polarities) | set(counted.polarities)
        if held.polarities.get(k) != counted.polarities.get(k)
    }
    return (
        f"does not count the findings in the store ({len(themes)} theme and {len(polarities)} "
        "theme-and-polarity rows differ); `ofsted-kg ingest` with no paths recounts it"
    )


def disagreements(backend: Backend) -> list[tuple[URIRef, str]]:
    """(summary graph, why) for each summary that does not count the findings in the store."""
    out = []
    for authority in summarised_authorities(backend):
        why = disagreement(backend, authority)
        if why is not None:
            out.append((iris.summary_graph(authority), why))
    return out


def has_legacy_summaries(backend: Backend) -> bool:
    """Does the store hold summaries of ofsted-kg 0.1 (recounted at the end of a run, listing the
    reports they counted)? They are recounted in the new form."""
    return backend.ask(_LEGACY)


def refresh_summaries(backend: Backend, authorities: Iterable[URIRef] | None = None) -> list[URIRef]:
    """Recount summaries from the store, replacing (one transaction each) those that differ or are
    in an older form; the authorities written."""
    legacy = has_legacy_summaries(backend)
    written = []
    for authority in sorted(authorities if authorities is not None else summarised_authorities(backend)):
        counted = recount(backend, authority)
        if not legacy and stored(backend, authority) == counted:
            continue
        graph = iris.summary_graph(authority)
        if counted.is_empty():
            backend.drop_graph(graph)
        else:
            backend.replace_graph(graph, _ntriples(summary_triples(authority, counted)))
        written.append(authority)
    if written:
        log.debug("authority summaries recounted: %d", len(written))
    return written


_UNFOLDED = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
SELECT DISTINCT ?authority WHERE {
  ?row okg:inSummary ?summary . ?summary okg:summaryOf ?authority .
  FILTER (CONTAINS(STR(?row), ?mark))
}"""


def fold(backend: Backend, known: dict[URIRef, AuthorityCounts] | None = None) -> list[URIRef]:
    """Merge the rows batches added to authorities' summaries into one row per theme (and theme
    and polarity), one transaction per authority: every summary holding such rows (this run's,
    and any an interrupted run left). `known` gives counts a writer already holds (no query for
    those). The counts do not change, so a fold cut short leaves every summary right. The
    authorities folded."""
    known = known or {}
    rows = backend.select(_UNFOLDED, {"mark": Literal(iris.SUMMARY_PART_MARK)}).rows
    folded = []
    for authority in sorted({URIRef(str(r["authority"])) for r in rows if r["authority"] is not None}):
        counts = known[authority] if authority in known else stored(backend, authority)
        graph = iris.summary_graph(authority)
        if counts.is_empty():
            backend.drop_graph(graph)
        else:
            backend.replace_graph(graph, _ntriples(summary_triples(authority, counts)))
        folded.append(authority)
    return folded
