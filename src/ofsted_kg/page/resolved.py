"""Weaknesses a later inspection answered: an area for improvement (or priority action) of one
inspection, never raised again, that a later inspection or visit of the same authority praised
on the same theme in similar words.

The rule mirrors `analysis.recurring` from the other side: a recurrence is an earlier weakness
whose theme comes back as a weakness in similar words; a resolution is an earlier weakness with
no recurrence whose theme comes back as a *strength* in similar words. The strength chosen is the
closest in words, from the earliest later inspection that has one.

"Similar words" is a TF-IDF cosine of at least 0.2, twice the recurrence threshold: a strength
is written as a description, not as a short heading, so it shares fewer words by chance. Read on
the example corpus (28 pairs at 0.1): under 0.2 most pairs share only generic words (Croydon's
"written plans" and a paragraph on homeless young people's assessments, 0.11); from 0.2 each
names the same practice (private fostering assessments 0.31, pre-proceedings under the PLO 0.39,
the early help offer 0.26).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from ..analysis.data import FindingRow
from ..analysis.recurring import Recurrence
from ..analysis.tfidf import TfidfModel

WEAKNESS_KINDS = frozenset({"area_for_improvement", "area_for_priority_action"})
MIN_SIMILARITY = 0.2


@dataclass(frozen=True)
class Resolution:
    weakness: str  # finding IRI: the earlier area for improvement or priority action
    strength: str  # finding IRI: the later strength that answers it
    theme: str  # the theme they share (notation)
    similarity: float


def resolved_weaknesses(
    findings: Sequence[FindingRow],
    visit_dates: dict[str, dt.date],
    recurrences: Sequence[Recurrence],
    min_similarity: float = MIN_SIMILARITY,
) -> list[Resolution]:
    """`visit_dates`: inspection IRI -> the date it is placed at (its first visit day)."""
    recurring = {r.earlier.finding for r in recurrences}
    strengths: dict[tuple[str, str], list[FindingRow]] = defaultdict(list)  # (authority, theme)
    for f in findings:
        if f.polarity == "strength" and f.inspection in visit_dates:
            for theme in f.themes:
                strengths[(f.authority, theme)].append(f)
    candidates: list[tuple[FindingRow, str, list[FindingRow]]] = []
    for f in findings:
        if f.kind not in WEAKNESS_KINDS or f.iri in recurring or f.inspection not in visit_dates:
            continue
        for theme in f.themes:
            later = [
                s
                for s in strengths[(f.authority, theme)]
                if visit_dates[s.inspection] > visit_dates[f.inspection]
            ]
            if later:
                candidates.append((f, theme, later))
    if not candidates:
        return []
    texts: dict[str, int] = {}
    for weakness, _, later in candidates:
        for f in (weakness, *later):
            texts.setdefault(f.text, len(texts))
    model = TfidfModel(list(texts))
    best: dict[str, tuple[tuple[dt.date, float], Resolution]] = {}
    for weakness, theme, later in candidates:
        for strength in later:
            similarity = round(model.similarity(texts[weakness.text], texts[strength.text]), 4)
            if similarity < min_similarity:
                continue
            # The earliest inspection that answered it; within it, the closest words.
            rank = (visit_dates[strength.inspection], -similarity)
            current = best.get(weakness.iri)
            if current is None or rank < current[0]:
                best[weakness.iri] = (rank, Resolution(weakness.iri, strength.iri, theme, similarity))
    return sorted((r for _, r in best.values()), key=lambda r: r.weakness)
