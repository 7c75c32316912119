"""Recurring weaknesses: a weakness named in one inspection whose theme comes back in a later one.

The named query `select_recurring_weaknesses` returns every candidate pair: an earlier area for
improvement or priority action, and a later weakness (area for improvement, priority action, or
a concern/mixed finding) of the same authority on the same theme. Here the candidates for one
earlier weakness and one later report become one recurrence: the later finding whose words are
closest to the earlier one (TF-IDF cosine), with every theme the pair shares. Pairs whose words
have almost nothing in common (`min_similarity`) are dropped: a shared broad theme alone
("leadership") does not show that the same point was made again.

Over the whole store (no authority, no theme) the candidates come from every finding read once
(`recurrences_from_findings`, the query's rule in Python, tested equal to the query's answer):
at x10 the query gives 81,000 candidate rows, each with two texts and two quotes, in about 50 s.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from rdflib import URIRef

from ..backend import Backend
from .data import FindingRow, fetch_findings, integer, select_rows, text
from .tfidf import TfidfModel

# On the example corpus, pairs under 0.1 share only generic words; at 0.1 and above the later
# finding names the same practice (e.g. Peterborough's supervision in 2021 and 2023).
DEFAULT_MIN_SIMILARITY = 0.1


@dataclass(frozen=True)
class FindingRef:
    finding: str
    kind: str
    text: str
    quote: str
    page: int | None
    report: str
    date: str


@dataclass(frozen=True)
class Recurrence:
    authority: str
    authority_name: str
    themes: tuple[str, ...]
    earlier: FindingRef
    later: FindingRef
    similarity: float  # TF-IDF cosine of the two texts: how closely the later one repeats the point

    @property
    def theme(self) -> str:
        return " ".join(self.themes)


def _ref(row: dict, side: str) -> FindingRef:
    return FindingRef(
        finding=text(row[side]),
        kind=text(row[f"{side}Kind"]),
        text=text(row[f"{side}Text"]),
        quote=text(row[f"{side}Quote"]) or text(row[f"{side}Text"]),
        page=integer(row[f"{side}Page"]),
        report=text(row[f"{side}Report"]),
        date=text(row[f"{side}Date"])[:10],
    )


def recurring_weaknesses(
    backend: Backend,
    authority: URIRef | None = None,
    theme: URIRef | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[Recurrence]:
    """The recurring weaknesses of one authority, or one theme, or (neither given) the store."""
    if authority is None and theme is None:
        return recurrences_from_findings(fetch_findings(backend), min_similarity)
    return recurrences_from_query(backend, authority, theme, min_similarity)


def recurrences_from_query(
    backend: Backend,
    authority: URIRef | None = None,
    theme: URIRef | None = None,
    min_similarity: float = DEFAULT_MIN_SIMILARITY,
) -> list[Recurrence]:
    """`recurring_weaknesses` from the candidate pairs of the named query."""
    bindings: dict[str, URIRef] = {}
    if authority is not None:
        bindings["authority"] = authority
    if theme is not None:
        bindings["theme"] = theme
    rows = select_rows(backend, "select_recurring_weaknesses", bindings or None)
    candidates = [
        (
            text(row["authority"]),
            text(row["authorityName"]),
            text(row["themeNotation"]),
            _ref(row, "earlier"),
            _ref(row, "later"),
        )
        for row in rows
    ]
    return _recurrences(candidates, min_similarity)


WEAKNESS_KINDS = ("area_for_improvement", "area_for_priority_action")
LATER_POLARITIES = ("concern", "mixed")

# (authority, authority name, theme notation, earlier finding, later finding): one candidate pair
# on one shared theme, as select_recurring_weaknesses gives them.
Candidate = tuple[str, str, str, FindingRef, FindingRef]


def recurrences_from_findings(
    findings: Sequence[FindingRow], min_similarity: float = DEFAULT_MIN_SIMILARITY
) -> list[Recurrence]:
    """`recurring_weaknesses` over the whole store, computed from every finding already read
    (`fetch_findings`): the candidate pairs of select_recurring_weaknesses by the same rule (an
    earlier area for improvement or priority action; a later weakness, concern or mixed finding of
    the same authority on the same theme, from another report, dated later; dates as the finding
    rows give them: the visit's start, else publication), in the query's order, then the same
    choice. The page reads every finding anyway; the query reads each pair's texts and evidence
    from the store again (at x10, 81,000 candidate rows: 50 s). Equal to the query's answer
    (`recurrences_from_query`) on real data: tests/test_analysis.py."""
    groups: dict[tuple[str, str], list[FindingRow]] = defaultdict(list)
    for finding in findings:
        if finding.date and finding.page is not None:
            for theme in finding.themes:
                groups[(finding.authority, theme)].append(finding)
    pairs: list[tuple[FindingRow, FindingRow, str]] = []
    for (_, theme), group in groups.items():
        later = [f for f in group if f.kind in WEAKNESS_KINDS or f.polarity in LATER_POLARITIES]
        for e in group:
            if e.kind in WEAKNESS_KINDS:
                pairs.extend((e, f, theme) for f in later if f.report != e.report and e.date < f.date)
    # The query's ORDER BY: authority name, earlier date, theme, later date, earlier, later.
    pairs.sort(key=lambda p: (p[0].authority_name, p[0].date, p[2], p[1].date, p[0].iri, p[1].iri))
    candidates = [
        (e.authority, e.authority_name, theme, _finding_ref(e), _finding_ref(f)) for e, f, theme in pairs
    ]
    return _recurrences(candidates, min_similarity)


def _finding_ref(finding: FindingRow) -> FindingRef:
    return FindingRef(
        finding=finding.iri,
        kind=finding.kind,
        text=finding.text,
        quote=finding.quote,
        page=finding.page,
        report=finding.report,
        date=finding.date,
    )


def _recurrences(candidates: list[Candidate], min_similarity: float) -> list[Recurrence]:
    texts: dict[str, int] = {}
    for _, _, _, earlier, later in candidates:
        texts.setdefault(earlier.text, len(texts))
        texts.setdefault(later.text, len(texts))
    model = TfidfModel(list(texts))
    # (earlier finding, later finding) -> shared themes; then the best later finding per later report.
    pair_themes: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: dict[tuple[str, str], tuple[Candidate, float]] = {}
    for candidate in candidates:
        _, _, theme, earlier, later = candidate
        key = (earlier.finding, later.finding)
        pair_themes[key].add(theme)
        if key not in pairs:
            pairs[key] = (candidate, round(model.similarity(texts[earlier.text], texts[later.text]), 4))
    best: dict[tuple[str, str], Recurrence] = {}
    for key, ((authority, authority_name, _, earlier, later), sim) in pairs.items():
        if sim < min_similarity:
            continue
        slot = (earlier.finding, later.report)
        current = best.get(slot)
        if current is None or (sim, later.finding) > (current.similarity, current.later.finding):
            best[slot] = Recurrence(
                authority=authority,
                authority_name=authority_name,
                themes=tuple(sorted(pair_themes[key])),
                earlier=earlier,
                later=later,
                similarity=sim,
            )
    return sorted(
        best.values(),
        key=lambda r: (r.authority_name, r.earlier.date, r.earlier.finding, r.later.date),
    )
