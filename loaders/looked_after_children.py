"""The 2012-13 inspection of looked after children services (before the single inspection framework).

Its judgements are graded 1-4 (outstanding, good, adequate, inadequate) under headings of their
own; only "Overall effectiveness of services for looked after children and young people" has a
notation in the judgement scheme (`overall_effectiveness`), the others (capacity to improve,
outcomes, quality of provision, leadership and management) have none and are left out. Recorded as
document_type "other", inspection kind "looked-after-children"; page 1 names the reporting inspector.
"""

from __future__ import annotations

import re

from .document import ReportText
from .record import Record, SourceInfo
from .sif import grade_notation, read_report

_OVERALL_RE = re.compile(
    r"Overall\s+effectiveness\s+of\s+services\s+for\s+looked\s+after\s+children\s+and\s+young\s+people\s+"
    r"Grade\s+\d\s+\((?P<g>outstanding|good|adequate|inadequate)\)",
    re.I,
)


def parse(report: ReportText, source: SourceInfo) -> Record:
    record = read_report(report, source, "other")
    m = _OVERALL_RE.search(report.text)
    grade = grade_notation(m["g"]) if m else None
    record.judgements = {"overall_effectiveness": grade} if grade else {}
    record.inspection_kind = "looked-after-children"
    return record
