"""Similar authorities: cosine over theme/polarity profiles, beside the official statistical neighbours.

An authority's profile counts its findings per (theme, polarity) -- a finding with three themes
counts three times, so the total is of theme mentions, not of findings; each profile is scaled
to unit length so a long ILACS report and a short focused-visit letter weigh alike. The `k` most
similar authorities (among those with a profile) are compared with the authority's DfE
statistical neighbours that have one: overlap = shared / min(k, such neighbours).

DfE's neighbour lists are one-directional (Barking and Dagenham lists Peterborough; Peterborough
does not list it), so both directions are given: the authority's own neighbours, and the
authorities that list it as theirs.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from ..backend import Backend
from .data import select_rows, text


@dataclass(frozen=True)
class SimilarAuthorities:
    authority: str
    authority_name: str
    theme_mentions: int  # findings counted once per theme they carry (the profile's total)
    most_similar: tuple[tuple[str, float], ...]  # (name, cosine), best first
    statistical_neighbours: tuple[str, ...]  # its own DfE neighbours that have a profile
    neighbour_of: tuple[str, ...]  # authorities with a profile that list it as their neighbour
    overlap: int  # how many of most_similar are statistical neighbours
    overlap_ratio: float  # overlap / min(k, len(statistical_neighbours)); 0 when none comparable
    mean_similarity_neighbours: float | None  # mean cosine to the statistical neighbours with findings
    mean_similarity_others: float | None  # mean cosine to every other authority with findings


def profiles(backend: Backend) -> tuple[dict[str, dict[str, float]], dict[str, str], dict[str, int]]:
    vectors: dict[str, dict[str, float]] = defaultdict(dict)
    names: dict[str, str] = {}
    totals: dict[str, int] = defaultdict(int)
    for row in select_rows(backend, "select_theme_profiles"):
        authority = text(row["authority"])
        names[authority] = text(row["authorityName"])
        count = int(str(row["findings"]))
        vectors[authority][f"{text(row['themeNotation'])}|{text(row['polarity'])}"] = float(count)
        totals[authority] += count
    return dict(vectors), names, dict(totals)


def norm(vector: dict[str, float]) -> float:
    return math.sqrt(sum(v * v for v in vector.values()))


def cosine(a: dict[str, float], b: dict[str, float], norm_a: float, norm_b: float) -> float:
    """Cosine of two sparse vectors, given their norms (computed once for each vector: every
    caller compares each vector with many others)."""
    dot = sum(v * b.get(k, 0.0) for k, v in a.items())
    product = norm_a * norm_b
    return dot / product if product else 0.0


def _mean(values: list[float]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def similar_authorities(backend: Backend, k: int = 5) -> list[SimilarAuthorities]:
    vectors, names, totals = profiles(backend)
    neighbours: dict[str, set[str]] = defaultdict(set)
    listed_by: dict[str, set[str]] = defaultdict(set)
    for row in select_rows(backend, "select_statistical_neighbours"):
        neighbours[text(row["authority"])].add(text(row["neighbour"]))
        listed_by[text(row["neighbour"])].add(text(row["authority"]))
    norms = {a: norm(vector) for a, vector in vectors.items()}
    out = []
    for a in sorted(vectors, key=lambda x: names[x]):
        scores = sorted(
            ((round(cosine(vectors[a], vectors[b], norms[a], norms[b]), 4), b) for b in vectors if b != a),
            key=lambda s: (-s[0], names[s[1]]),
        )
        top = [b for _, b in scores[:k]]
        comparable = sorted(n for n in neighbours.get(a, ()) if n in vectors)
        overlap = len(set(top) & set(comparable))
        denominator = min(k, len(comparable))
        by_other = {b: s for s, b in scores}
        out.append(
            SimilarAuthorities(
                authority=a,
                authority_name=names[a],
                theme_mentions=totals[a],
                most_similar=tuple((names[b], s) for s, b in scores[:k]),
                statistical_neighbours=tuple(sorted(names[n] for n in comparable)),
                neighbour_of=tuple(sorted(names[n] for n in listed_by.get(a, ()) if n in vectors)),
                overlap=overlap,
                overlap_ratio=round(overlap / denominator, 4) if denominator else 0.0,
                mean_similarity_neighbours=_mean([by_other[n] for n in comparable]),
                mean_similarity_others=_mean([s for s, b in scores if b not in comparable]),
            )
        )
    return out
