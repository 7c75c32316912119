"""A standalone review of the effectiveness of a Local Safeguarding Children Board (2013-2018).

Published on its own (Surrey 2015) rather than bound into a SIF report: read like a SIF report
(loaders/sif.py), recorded as document_type "other" with the single judgement `lscb_review` and
inspection kind "lscb-review", so it keeps its facts without posing as an inspection of services.
"""

from __future__ import annotations

from .document import ReportText
from .record import Record, SourceInfo
from .sif import read_report


def parse(report: ReportText, source: SourceInfo) -> Record:
    record = read_report(report, source, "other")
    record.judgements = {k: v for k, v in record.judgements.items() if k == "lscb_review"}
    record.inspection_kind = "lscb-review"
    return record
