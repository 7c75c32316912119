"""Theme tallies: how many of one inspection's findings carry each theme, and each theme with each
polarity, written with the inspection in its own graph.

Corpus-wide questions ("which authorities have most findings on placement sufficiency", "each
authority's theme profile") would otherwise count every finding in the store on every query.
The tallies are computed from the record by the graph builder (loaders/graph.py) and land in the
inspection's graph in the same transaction as its findings, so they can never be out of step with
them — not after `kill -9`, not after a copy of the report takes over the findings, not after a
prune — and need no recount step. `select_authorities_by_theme_count` and
`select_theme_profiles` sum them per authority (docs/design.md, "Theme tallies", says why this
and not per-authority summaries, with the measurements).

A pure function of the findings: no RDF here.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from .loaders.record import Finding

NEUTRAL = "neutral"  # the polarity a finding without one is counted under


@dataclass(frozen=True)
class ThemeTallies:
    """One inspection's counts: theme notation -> findings, (theme, polarity) -> findings."""

    themes: tuple[tuple[str, int], ...]
    theme_polarities: tuple[tuple[str, str, int], ...]


def count_themes(findings: Iterable[Finding]) -> ThemeTallies:
    """Distinct findings per theme and per theme and polarity (a finding lists a theme once)."""
    by_theme: Counter[str] = Counter()
    by_polarity: Counter[tuple[str, str]] = Counter()
    for finding in findings:
        for theme in sorted(set(finding.themes)):
            by_theme[theme] += 1
            by_polarity[(theme, finding.polarity or NEUTRAL)] += 1
    return ThemeTallies(
        themes=tuple(sorted(by_theme.items())),
        theme_polarities=tuple((t, p, n) for (t, p), n in sorted(by_polarity.items())),
    )
