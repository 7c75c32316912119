"""Recurring weaknesses: a weakness named in one inspection whose theme comes back in a later one.

The named query `select_recurring_weaknesses` returns every candidate pair: an earlier area for
improvement or priority action, and a later weakness (area for improvement, priority action, or
a concern/mixed finding) of the same authority on the same theme. Here the candidates for one
earlier weakness and one later report become one recurrence: the later finding whose words are
closest to the earlier one (TF-IDF cosine), with every theme the pair shares. Pairs whose words
have almost nothing in common (`min_similarity`) are dropped: a shared broad theme alone
("leadership") does not show that the same point was made again.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from rdflib import URIRef

from ..backend import Backend
from .data import integer, select_rows, text
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
    bindings: dict[str, URIRef] = {}
    if authority is not None:
        bindings["authority"] = authority
    if theme is not None:
        bindings["theme"] = theme
    rows = select_rows(backend, "select_recurring_weaknesses", bindings or None)
    texts: dict[str, int] = {}
    for row in rows:
        for side in ("earlier", "later"):
            texts.setdefault(text(row[f"{side}Text"]), len(texts))
    model = TfidfModel(list(texts))
    # (earlier finding, later finding) -> shared themes; then the best later finding per later report.
    pair_themes: dict[tuple[str, str], set[str]] = defaultdict(set)
    pairs: dict[tuple[str, str], tuple[dict, FindingRef, FindingRef, float]] = {}
    for row in rows:
        earlier, later = _ref(row, "earlier"), _ref(row, "later")
        key = (earlier.finding, later.finding)
        pair_themes[key].add(text(row["themeNotation"]))
        if key not in pairs:
            sim = round(model.similarity(texts[earlier.text], texts[later.text]), 4)
            pairs[key] = (row, earlier, later, sim)
    best: dict[tuple[str, str], Recurrence] = {}
    for key, (row, earlier, later, sim) in pairs.items():
        if sim < min_similarity:
            continue
        slot = (earlier.finding, later.report)
        current = best.get(slot)
        if current is None or (sim, later.finding) > (current.similarity, current.later.finding):
            best[slot] = Recurrence(
                authority=text(row["authority"]),
                authority_name=text(row["authorityName"]),
                themes=tuple(sorted(pair_themes[key])),
                earlier=earlier,
                later=later,
                similarity=sim,
            )
    return sorted(
        best.values(),
        key=lambda r: (r.authority_name, r.earlier.date, r.earlier.finding, r.later.date),
    )
