"""ILACS inspection reports (2018-): the judgement table, improvement points and numbered findings.

Page 1 carries the title ("Inspection of X local authority children's services", "Inspection of
children's social care services" under the council's name, or a children's trust), "Inspection
dates:" (sometimes two date sets), "Lead inspector:" and the Judgement | Grade table: four rows
until 2022 (children in care and care leavers judged together), five from 2023 (care leavers
separate), and from April 2026 no overall effectiveness row (left absent, never a grade). Then
the summary paragraphs (headline findings), "What needs to improve?" bullets and one section per
judgement whose paragraphs are numbered across the whole report.
"""

from __future__ import annotations

import datetime as dt
import re

from . import dates, people
from .authorities import resolve
from .document import ReportText
from .errors import ExtractionFailed
from .numbered import BACK_MATTER_RE, bullet_points, finding, numbered_paragraphs, paragraphs
from .record import Inspector, Record, SourceInfo

GRADE_RE = r"(?P<grade>outstanding|good|requires\s+improvement(?:\s+to\s+be\s+good)?|inadequate)"
GRADES = {
    "outstanding": "outstanding",
    "good": "good",
    "requires": "requires_improvement",
    "inadequate": "inadequate",
}

# Judgement labels, most specific first; the section headings repeat them with the grade.
AREAS: tuple[tuple[str, str], ...] = (
    (
        "impact_of_leaders",
        r"The\s+impact\s+of\s+leaders\s+on\s+social\s+work\s+practice\s+with\s+children\s+and\s+families",
    ),
    (
        "help_and_protection",
        r"The\s+experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection",
    ),
    (
        "children_in_care_and_care_leavers",
        r"The\s+experiences\s+and\s+progress\s+of\s+children\s+in\s+care\s+and\s+care\s+leavers",
    ),
    ("children_in_care", r"The\s+experiences\s+and\s+progress\s+of\s+children\s+in\s+care"),
    # "children care leavers" is printed in some 2025-26 tables.
    ("care_leavers", r"The\s+experiences\s+and\s+progress\s+of\s+(?:children\s+)?care\s+leavers"),
    ("overall_effectiveness", r"Overall\s+effectiveness"),
)
_ROW_RE = re.compile(
    r"(?P<label>"
    + "|".join(f"(?P<{area}>{pattern})" for area, pattern in AREAS)
    + r")\s*(?:"
    + GRADE_RE
    + r")?",
    re.IGNORECASE,
)
_GRADE_ONLY_RE = re.compile(GRADE_RE + r"\b", re.IGNORECASE)
_HEADING_RE = re.compile(
    r"(?P<label>" + "|".join(pattern for area, pattern in AREAS if area != "overall_effectiveness") + r")"
    r"(?:\s*:|\s+is\s*:?|\s+are\s*:?|)\s*" + GRADE_RE + r"\b\.?",
    re.IGNORECASE,
)
_TABLE_HEAD_RE = re.compile(r"Judgement\s+Grade\b", re.IGNORECASE)
_IMPROVE_RE = re.compile(r"What\s+needs\s+to\s+improve\b[?:]?", re.IGNORECASE)
_DATES_RE = re.compile(r"Inspection\s+dates?\s*:?\s*", re.IGNORECASE)
_LEAD_RE = re.compile(r"Lead\s+inspector\s*:?\s*", re.IGNORECASE)
# A team list printed as a labelled paragraph ("Inspection team: A, HMI; B, Ofsted Inspector").
_TEAM_RE = re.compile(r"(?:^|\n\n)(?:The\s+)?inspection\s+team\s*:\s*", re.IGNORECASE)
_SHORT_RE = re.compile(r"\bshort\s+inspection\b", re.IGNORECASE)
_STANDARD_RE = re.compile(r"\bstandard\s+inspection\b", re.IGNORECASE)
OVERALL_REMOVED = dt.date(2026, 4, 1)


def _grade(text: str) -> str:
    return GRADES[text.split()[0].lower()]


def _area(match: re.Match[str]) -> str:
    return next(area for area, _ in AREAS if match.group(area))


def _fail(reason: str) -> ExtractionFailed:
    return ExtractionFailed(f"ILACS inspection report: {reason}")


def parse(report: ReportText, source: SourceInfo) -> Record:
    text = report.text
    table = _TABLE_HEAD_RE.search(text)
    if not table:
        raise _fail("no 'Judgement Grade' table on page 1")
    header = text[: table.start()]
    authority = resolve(_title_text(header))
    if authority is None:
        raise _fail("the inspected authority is not named in the title")
    visit_sets = _visit_dates(header)
    if not visit_sets:
        raise _fail("no 'Inspection dates:' line")
    judgements, table_end = _judgement_table(text, table.end())
    if not judgements:
        raise _fail("the judgement table has no graded rows")
    improve = _IMPROVE_RE.search(text, table_end)
    sections = _sections(text, improve.end() if improve else table_end)
    body_end = _back_matter_start(text, sections[-1][2] if sections else table_end)

    record = Record(
        document_type="ilacs_inspection",
        authority=authority,
        published=dates.published_date(header),
        visit_start=visit_sets[0][0],
        visit_end=visit_sets[-1][1],
        inspectors=_inspectors(header, text),
        recipient=None,
        judgements=judgements,
        source=source,
        text=text,
        title=_title_text(header) or None,
        extra_dates=list(visit_sets) if len(visit_sets) > 1 else [],
    )
    record.framework = _framework(judgements, record.visit_start)
    record.inspection_kind = _inspection_kind(text, visit_sets)

    # Headline findings: the summary paragraphs between the table and "What needs to improve".
    summary_end = improve.start() if improve else (sections[0][1] if sections else body_end)
    for item in paragraphs(report, table_end, summary_end):
        record.findings.append(finding(report, "headline", item))
    if improve:
        points_end = sections[0][1] if sections else body_end
        for item, point in bullet_points(report, improve.end(), points_end):
            record.improvement_points.append(point)
            record.findings.append(
                finding(report, "area_for_improvement", item, "What needs to improve?", point)
            )
    number = 1
    for i, (heading, _, body_start) in enumerate(sections):
        stop = sections[i + 1][1] if i + 1 < len(sections) else body_end
        for item in numbered_paragraphs(text, body_start, stop, number):
            record.findings.append(finding(report, "main_finding", item, heading))
            number = (item.number or number) + 1
    return record


def _title_text(header: str) -> str:
    """The page-1 header up to the dates: council name and title, whitespace collapsed."""
    dates_at = _DATES_RE.search(header)
    return re.sub(r"\s+", " ", header[: dates_at.start() if dates_at else len(header)]).strip()


def _visit_dates(header: str) -> list[tuple[str, str]]:
    m = _DATES_RE.search(header)
    if not m:
        return []
    stop = _LEAD_RE.search(header, m.end())
    # The dates end at the lead inspector (sometimes on the same line) or the end of their line.
    segment = header[m.end() : stop.start() if stop else len(header)].split("\n\n")[0][:160]
    return [(r.start, r.end) for r in dates.find_ranges(segment)]


def _inspectors(header: str, text: str) -> list[Inspector]:
    m = _LEAD_RE.search(header)
    if m:
        line = header[m.end() :].split("\n\n")[0]
        name = people.clean_name(line)
        if name:
            role = people.role_of(line) or "hmi"
            return [Inspector(name=name, lead=True, role=role, inspectorate=people.inspectorate_of(role))]
    # No lead printed (Devon and Warwickshire 2025): a team list if there is one, else nobody.
    team = _TEAM_RE.search(text)
    if team:
        return people.parse_inspectors(text[team.end() :].split("\n\n")[0])
    return []


def _judgement_table(text: str, start: int) -> tuple[dict[str, str], int]:
    """Rows of the Judgement | Grade table from `start`; the offset where the summary begins.

    A row is a label followed by its grade, on one line or the next (PDFs print either; a copied
    plain text runs the rows together); the first text that is neither a label nor a pending
    label's grade ends the table.
    """
    judgements: dict[str, str] = {}
    pending: str | None = None
    pos = end = start
    while True:
        row = _ROW_RE.match(text, _skip_space(text, pos))
        if row:
            area = _area(row)
            if row.group("grade"):
                judgements[area] = _grade(row.group("grade"))
                pending, end = None, row.end()
            else:
                pending = area
            pos = row.end()
            continue
        grade = _GRADE_ONLY_RE.match(text, _skip_space(text, pos))
        if grade and pending:
            judgements[pending] = _grade(grade.group("grade"))
            pending, pos, end = None, grade.end(), grade.end()
            continue
        return judgements, end


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos].isspace():
        pos += 1
    return pos


def _sections(text: str, start: int) -> list[tuple[str, int, int]]:
    """(judgement label, heading start, body start) for each judgement section after `start`."""
    out: list[tuple[str, int, int]] = []
    for m in _HEADING_RE.finditer(text, start):
        at_paragraph = m.start() == 0 or text[m.start() - 2 : m.start()] == "\n\n"
        # Run into the text (a plain-text copy): after a sentence and before paragraph 1 of the section.
        run_in = bool(re.search(r"[.!?)]\s+$", text[max(0, m.start() - 3) : m.start()])) and bool(
            re.match(r"\s*\d{1,3}\.\s", text[m.end() : m.end() + 8])
        )
        if at_paragraph or run_in:
            out.append((re.sub(r"\s+", " ", m.group("label")).strip(), m.start(), m.end()))
    return out


def _back_matter_start(text: str, start: int) -> int:
    m = BACK_MATTER_RE.search(text, start)
    return m.start() if m else len(text)


def _framework(judgements: dict[str, str], visit_start: str | None) -> str:
    separate_care_leavers = "care_leavers" in judgements or "children_in_care" in judgements
    if not separate_care_leavers:
        return "ilacs-2018"
    if "overall_effectiveness" not in judgements:
        return "ilacs-2026"
    if visit_start and dt.date.fromisoformat(visit_start) >= OVERALL_REMOVED:
        return "ilacs-2026"
    return "ilacs-2023"


def _inspection_kind(text: str, visit_sets: list[tuple[str, str]]) -> str:
    """'short' or 'standard'. The phrase decides when printed; otherwise the length of the visit:
    short inspections (for good and outstanding authorities) are one week on site, standard two."""
    if _SHORT_RE.search(text):
        return "short"
    if _STANDARD_RE.search(text):
        return "standard"
    if len(visit_sets) == 1:
        first, last = (dt.date.fromisoformat(d) for d in visit_sets[0])
        if (last - first).days <= 6:
            return "short"
    return "standard"
