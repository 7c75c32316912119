"""Theme co-occurrence: which themes are named together in one finding, and in one document."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

from .data import FindingRow


@dataclass(frozen=True)
class ThemePair:
    theme_a: str
    theme_b: str
    findings: int  # findings tagged with both
    documents: int  # reports with a finding on each
    jaccard: float  # findings with both / findings with either
    lift: float  # observed / expected co-occurrence in findings (>1: more often together than chance)


def theme_cooccurrence(findings: Sequence[FindingRow]) -> list[ThemePair]:
    per_theme: Counter[str] = Counter()
    in_findings: Counter[tuple[str, str]] = Counter()
    themes_by_report: dict[str, set[str]] = defaultdict(set)
    tagged = 0
    for f in findings:
        if not f.themes:
            continue
        tagged += 1
        per_theme.update(f.themes)
        themes_by_report[f.report].update(f.themes)
        in_findings.update(combinations(sorted(f.themes), 2))
    in_documents: Counter[tuple[str, str]] = Counter()
    for themes in themes_by_report.values():
        in_documents.update(combinations(sorted(themes), 2))
    out = []
    for pair in sorted(set(in_findings) | set(in_documents)):
        a, b = pair
        both = in_findings[pair]
        either = per_theme[a] + per_theme[b] - both
        expected = per_theme[a] * per_theme[b] / tagged if tagged else 0.0
        out.append(
            ThemePair(
                theme_a=a,
                theme_b=b,
                findings=both,
                documents=in_documents[pair],
                jaccard=round(both / either, 4) if either else 0.0,
                lift=round(both / expected, 4) if expected else 0.0,
            )
        )
    out.sort(key=lambda p: (-p.findings, -p.documents, p.theme_a, p.theme_b))
    return out
