"""Recurring weaknesses: a weakness named in one inspection whose theme comes back in a later one.

The named query `select_recurring_weaknesses` returns every candidate pair (an earlier area for
improvement or priority action, and a later weakness of the same authority on the same theme).
Here each earlier weakness keeps, per later report and theme, the later finding whose words are
closest to it, so a reader sees the one sentence that repeats the point, not every sentence that
mentions the theme.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import URIRef

from ..backend import Backend
from .data import integer, select_rows, text
from .tfidf import TfidfModel


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
    theme: str
    earlier: FindingRef
    later: FindingRef
    similarity: float  # TF-IDF cosine of the two texts: how closely the later one repeats the point


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
    backend: Backend, authority: URIRef | None = None, theme: URIRef | None = None
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
    best: dict[tuple[str, str, str, str], Recurrence] = {}
    for row in rows:
        earlier, later = _ref(row, "earlier"), _ref(row, "later")
        sim = round(model.similarity(texts[earlier.text], texts[later.text]), 4)
        key = (text(row["authority"]), text(row["themeNotation"]), earlier.finding, later.report)
        current = best.get(key)
        if current is None or (sim, later.finding) > (current.similarity, current.later.finding):
            best[key] = Recurrence(
                authority=key[0],
                authority_name=text(row["authorityName"]),
                theme=key[1],
                earlier=earlier,
                later=later,
                similarity=sim,
            )
    return sorted(
        best.values(),
        key=lambda r: (r.authority_name, r.earlier.date, r.theme, r.later.date, r.earlier.finding),
    )
