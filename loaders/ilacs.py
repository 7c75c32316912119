"""ILACS inspection reports (2018-): the judgement table, improvement points and numbered findings.

Page 1 carries the title ("Inspection of X local authority children's services", "Inspection of
children's social care services" under the council's name, or a children's trust), "Inspection
dates:" (sometimes two date sets), "Lead inspector:" and the Judgement | Grade table: four rows
until 2022 (children in care and care leavers judged together), five from 2023 (care leavers
separate), and from April 2026 no overall effectiveness row (left absent, never a grade). Then
the summary paragraphs (headline findings), "What needs to improve?" bullets and one section per
judgement whose paragraphs are numbered across the whole report.

The table as text extraction gives it: a row's label and grade on one line or two, a label
ending in a full stop ("Overall effectiveness."), a label broken over two lines with its grade
printed between them (the grade sits level with the middle of the label), or the whole label
column before the grade column, or a row whose grade was lost (see _judgement_table).

The authority: the council or trust named with the title; else the page-1 header; else the
running header or footer ("Inspection of Kent local authority children's services"); else the
summary's "Children's services in X ...". Each must name exactly one authority (never a guess).
"""

from __future__ import annotations

import datetime as dt
import re

from . import dates, people
from .authorities import resolve
from .document import ReportText
from .errors import ExtractionFailed
from .passages import BACK_MATTER_RE, bullet_points, finding, items, numbered_paragraphs
from .record import Authority, Inspector, Record, SourceInfo

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
        r"(?:The\s+)?impact\s+of\s+leaders\s+on\s+social\s+work\s+practice\s+with\s+children\s+and\s+families",
    ),
    (
        "help_and_protection",
        r"(?:The\s+)?experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection",
    ),
    (
        "children_in_care_and_care_leavers",
        r"(?:The\s+)?experiences\s+and\s+progress\s+of\s+children\s+in\s+care\s+and\s+care\s+leavers",
    ),
    ("children_in_care", r"(?:The\s+)?experiences\s+and\s+progress\s+of\s+children\s+in\s+care"),
    # "children care leavers" is printed in some 2025-26 tables.
    ("care_leavers", r"(?:The\s+)?experiences\s+and\s+progress\s+of\s+(?:children\s+)?care\s+leavers"),
    ("overall_effectiveness", r"Overall\s+effectiveness"),
)
_LABEL_RE = re.compile(
    r"(?P<label>" + "|".join(f"(?P<{area}>{pattern})" for area, pattern in AREAS) + r")\b\.?",
    re.IGNORECASE,
)
_GRADE_ONLY_RE = re.compile(GRADE_RE + r"\b\.?", re.IGNORECASE)
# Words a table row can be made of: a label broken by its grade is read word by word.
_TABLE_WORD_RE = re.compile(
    r"(?:the|impact|of|leaders|on|social|work|practice|with|children|and|families|experiences|progress"
    r"|who|need|help|protection|in|care|leavers|overall|effectiveness|requires|improvement|to|be|good"
    r"|outstanding|inadequate)\.?(?=\s|$)",
    re.IGNORECASE,
)
_HEADING_RE = re.compile(
    r"(?P<label>" + "|".join(pattern for area, pattern in AREAS if area != "overall_effectiveness") + r")"
    r"(?:\s*[:.]|\s+is\s*:?|\s+are\s*:?|)\s*" + GRADE_RE + r"\b\.?",
    re.IGNORECASE,
)
_TABLE_HEAD_RE = re.compile(r"Judgements?\s*(?:\|\s*)?Grades?\b", re.IGNORECASE)
_IMPROVE_RE = re.compile(r"What\s+needs\s+to\s+improve\b[?:]?", re.IGNORECASE)
_DATES_RE = re.compile(r"(?:Inspection\s+dates?|Dates?\s+of\s+(?:the\s+)?inspection)\s*:?\s*", re.IGNORECASE)
# The summary's first words name the authority ("Children's services in Croydon have improved").
_SERVICES_IN_RE = re.compile(
    r"(?:Children.s\s+(?:social\s+care\s+)?services|Services\s+for\s+children(?:\s+and\s+families)?)"
    r"\s+(?:in|on)\s+(?:the\s+)?(?P<name>[A-Z][\w’'&,.\- ]{1,60}?)\s+(?:are|is|have|has|require|continue)\b"
)
_TITLE_HINT_RE = re.compile(r"Inspection\s+of|children.s\s+(?:social\s+care\s+)?services|Council|Trust", re.I)
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
    table_start, table_head_end = _table_bounds(text)
    if table_start is None:
        raise _fail("no 'Judgement Grade' table on page 1")
    header = text[:table_start]
    authority = _authority(report, header)
    if authority is None:
        raise _fail("the inspected authority is not named in the title")
    visit_sets = _visit_dates(header) or _visit_dates(text[:4000]) or _footer_dates(report)
    if not visit_sets:
        raise _fail("no 'Inspection dates:' line")
    judgements, table_end = _judgement_table(text, table_head_end)
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
    for item in items(report, table_end, summary_end):
        record.findings.append(finding(report, "headline", item))
    if improve:
        points_end = sections[0][1] if sections else body_end
        for item in bullet_points(report, improve.end(), points_end):
            point = finding(report, "area_for_improvement", item, "What needs to improve?")
            record.improvement_points.append(point.text)
            record.findings.append(point)
    number = 1
    for i, (heading, _, body_start) in enumerate(sections):
        stop = sections[i + 1][1] if i + 1 < len(sections) else body_end
        for item in numbered_paragraphs(text, body_start, stop, number):
            record.findings.append(finding(report, "main_finding", item, heading))
            number = (item.number or number) + 1
    return record


def _table_bounds(text: str) -> tuple[int | None, int]:
    """(start, end) of the judgement table's header row; without one, the first row label on page 1."""
    # Page 1 only (the header row sits within 200 characters in every example): prose further on
    # may speak of a "judgement grade".
    head = _TABLE_HEAD_RE.search(text, 0, 4000)
    if head:
        return head.start(), head.end()
    row = _LABEL_RE.search(text, 0, 3000)
    if row and (row["impact_of_leaders"] or row["help_and_protection"]):  # a table's first rows
        return row.start(), row.start()
    return None, 0


def _authority(report: ReportText, header: str) -> Authority | None:
    """The inspected authority (see the module docstring for where it is looked for)."""
    found = resolve(_title_text(header))
    if found:
        return found
    # The whole page-1 header but the lead inspector's name (a person's name may be a place's).
    lines = [p for p in header.split("\n\n") if not _LEAD_RE.match(p) and not _DATES_RE.match(p)]
    found = resolve(" ".join(lines))
    if found:
        return found
    heads = {resolve(line) for line in report.furniture if _TITLE_HINT_RE.search(line)}
    heads.discard(None)
    if len(heads) == 1:
        return heads.pop()
    summary = _SERVICES_IN_RE.search(report.text, len(header), len(header) + 4000)
    return resolve(summary["name"]) if summary else None


def _footer_dates(report: ReportText) -> list[tuple[str, str]]:
    """The visit dates from a running footer that repeats them (ILACS reports from 2023)."""
    for line in report.furniture:
        ranges = dates.find_ranges(line)
        if ranges and ranges[0].start != ranges[0].end:
            return [(r.start, r.end) for r in ranges]
    return []


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

    The table is the run of words rows are made of; in it, grades are taken out and the rest read
    as labels. A grade printed inside a label (between its two lines) is that label's. The others
    pair run by run: a run of labels followed by a run of grades pair in order when the counts
    match (row by row, or a column of labels before the column of grades); when a row's grade is
    missing, the grades go to the last labels of the run, the ones printed beside them. The table
    ends after the last label or grade paired: what follows (a summary opening "Children in care
    ..." or "Good progress ...") is the summary's.
    """
    region_end = start
    while True:
        word = _TABLE_WORD_RE.match(text, _skip_space(text, region_end))
        if not word:
            break
        region_end = word.end()
    grades = [
        (m.start(), m.end(), _grade(m["grade"])) for m in _GRADE_ONLY_RE.finditer(text, start, region_end)
    ]
    # The labels' words with the grades taken out, one space apart.
    spans = _label_spans(text, start, region_end, grades)
    label_text = " ".join(text[a:b] for _, a, b in spans)
    labels: list[tuple[int, int, str]] = []  # (start, end, area) in `text`
    for m in _LABEL_RE.finditer(label_text):
        first, last = _mapped(spans, m.start(), m.end())
        if first is not None and last is not None:
            labels.append((first, last, _area(m)))
    pairs: list[tuple[int, int]] = []  # (label index, grade index)
    inside = {
        g: i for g, (ga, _, _) in enumerate(grades) for i, (la, lb, _) in enumerate(labels) if la < ga < lb
    }
    pairs.extend((i, g) for g, i in inside.items())
    # The rest in print order, as runs of labels and runs of grades.
    rest = sorted(
        [(la, "label", i) for i, (la, _, _) in enumerate(labels) if i not in inside.values()]
        + [(ga, "grade", g) for g, (ga, _, _) in enumerate(grades) if g not in inside]
    )
    runs: list[tuple[str, list[int]]] = []
    for _, kind, index in rest:
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(index)
        else:
            runs.append((kind, [index]))
    pending: list[int] = []
    for kind, members in runs:
        if kind == "label":
            pending = members
            continue
        if not pending:
            break  # grades no label claims: the summary has begun
        paired = min(len(pending), len(members))
        pairs.extend(zip(pending[len(pending) - paired :], members[:paired], strict=True))
        pending = []
        if len(members) > paired:
            break
    judgements: dict[str, str] = {}
    end = start
    for i, g in sorted(pairs, key=lambda pair: labels[pair[0]][0]):
        judgements.setdefault(labels[i][2], grades[g][2])
        end = max(end, labels[i][1], grades[g][1])
    return judgements, end


def _label_spans(
    text: str, start: int, stop: int, grades: list[tuple[int, int, str]]
) -> list[tuple[int, int, int]]:
    """For each word of the table outside the grades: (offset in the collapsed label text, start, end)."""
    out: list[tuple[int, int, int]] = []
    pos = 0
    for m in re.finditer(r"\S+", text[start:stop]):
        a, b = start + m.start(), start + m.end()
        if any(ga <= a < gb for ga, gb, _ in grades):
            continue
        out.append((pos, a, b))
        pos += (b - a) + 1
    return out


def _mapped(spans: list[tuple[int, int, int]], a: int, b: int) -> tuple[int | None, int | None]:
    """The text offsets of the first and last word of the collapsed-text stretch [a, b)."""
    first = next((ta for pos, ta, tb in spans if pos <= a < pos + (tb - ta) + 1), None)
    last = next((tb for pos, ta, tb in reversed(spans) if pos < b), None)
    return first, last


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
