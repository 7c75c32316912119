"""SIF-era reports (2013-2018): single inspection framework inspections and re-inspections, often
combined with the review of the Local Safeguarding Children Board, plus the two earlier kinds read
the same way (loaders/lscb_review.py: a standalone LSCB review; loaders/looked_after_children.py:
the 2012-13 inspection of looked after children services).

Page 1 names the authority, "Inspection date(s):", "Report published:", the overall judgement
("The overall judgement is ...", "Children's services in X are ...") and the numbered judgements
1, 2, 2.1, 2.2, 3; the LSCB's judgement opens its own part. The body's paragraphs are numbered in
one sequence through the report (a second, separately published report bound into the same PDF
starts again at 1), recommendations included. Sections are read from their headings: summaries give
headline findings, recommendations and areas for improvement give improvement points, and the
numbered paragraphs of the judgement sections give main findings (loaders/sif_body.py). Footnote digits stuck to words
("board1") are part of the printed text and kept.

The authority is read from page 1 before the dates (the titles taken out); else from the overall
judgement ("Children's services in Kent are good"); else from a page-1 line that is a council's
name ("Wirral Council", "London Borough of Brent"); else from the running header or footer,
where some reports name it and page 1 does not ("...children board: Hull 11"). Each must name
exactly one authority: two different ones is not a guess worth making.
"""

from __future__ import annotations

import re

from . import dates, people
from .authorities import resolve
from .document import ReportText
from .errors import ExtractionFailed
from .passages import collapse
from .record import Authority, DocumentType, Inspector, InspectorRole, Record, SourceInfo
from .sif_body import GRADE, find_headings, grade_notation, read_body, running_heads

# The numbered judgements on page 1, in print order.
_ROWS: tuple[tuple[str, str], ...] = (
    ("sif_help_and_protection", r"1\.\s*Children\s+who\s+need\s+help\s+and\s+protection"),
    ("sif_looked_after_and_permanence", r"2\.\s*Children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    ("sif_adoption", r"2\.1\s*Adoption\s+performance"),
    ("sif_care_leavers", r"2\.2\s*Experiences\s+and\s+progress\s+of\s+care\s+leavers"),
    ("sif_leadership", r"3\.\s*Leadership,\s+management\s+and\s+governance"),
)
_OVERALL_RES = (
    re.compile(rf"The\s+overall\s+judgement\s+is\s+(?:that\s+children.s\s+services\s+)?(?P<g>{GRADE})", re.I),
    re.compile(
        rf"Children.s\s+services\s+(?:in|on)\s+[^.\n]{{2,60}}?\s+(?:(?:are|is)\s+)?(?P<g>{GRADE})", re.I
    ),
)
_LSCB_RE = re.compile(
    r"The\s+(?:effectiveness\s+of\s+the\s+)?Local\s+Safeguarding\s+Children\s+Board(?:\s+\(LSCB\))?\s+"
    rf"(?:is\s+)?(?P<g>{GRADE})",
    re.I,
)
# Report titles as printed (a footnote digit may follow: "... Children Board1").
_TITLE_RES = (
    re.compile(
        r"(?:Re-?\s?)?inspection\s+of\s+services\s+for\s+children\s+in\s+need\s+of\s+help\s+and\s+protection,?"
        r"\s+children\s+looked\s+after\s+and\s+care\s+leavers(?:\s+and\s+Review\s+of\s+the\s+effectiveness\s+of"
        r"\s+the\s+local\s+safeguarding\s+children\s+board)?\d?",
        re.I,
    ),
    re.compile(
        r"(?:Review|Inspection)\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding\s+children\s+board\d?",
        re.I,
    ),
    re.compile(
        r"Inspection\s+of\s+(?:safeguarding\s+and\s+)?looked\s+after\s+children(?:.s)?\s+services", re.I
    ),
)
_REINSPECTION_RE = re.compile(r"\bRe-?\s?inspection\s+of\s+services\b", re.I)
_DATES_RE = re.compile(r"Inspection\s+dates?\s*:?\s*", re.I)
_DATES_END_RE = re.compile(
    r"Report\s+published|Reporting\s+inspector|Lead\s+inspector|Age\s+group|\n\n", re.I
)
# The team list's labels, capitalised as printed (prose says "the lead inspector", never "Lead inspector").
_TEAM_LABEL_RE = re.compile(
    r"(?P<label>Lead\s+inspector|Reporting\s+inspector|Deputy\s+lead\s+inspector|Team\s+inspectors?"
    r"|Shadow\s+inspectors?|Senior\s+data\s+analysts?|Data\s+analysts?|Quality\s+assurance\s+manager"
    r"|Any\s+complaints|Information\s+about|The\s+inspection\s+team\s+consisted)\b\s*:?\s*",
)
_INSPECTING_LABELS = ("lead", "reporting", "deputy", "team", "shadow")
# Post-nominals of the SIF teams that people.clean_name does not know, and role notes.
_EXTRA_POST_NOMINALS_RE = re.compile(
    r"(?:\s+(?:SCRI|RI|AI|SHMI|HMI))+\s*$|\s*\((?:[^)]*inspector[^)]*)\)\s*$", re.I
)
_SUFFIX_ROLES: dict[str, InspectorRole] = {
    "hmi": "hmi",
    "shmi": "hmi",
    "ai": "ofsted_inspector",
    "scri": "ofsted_inspector",
    "ri": "ofsted_inspector",
}


def parse(report: ReportText, source: SourceInfo) -> Record:
    """A SIF inspection or re-inspection (document_type sif_inspection)."""
    reinspection = bool(_REINSPECTION_RE.search(report.text[:2000]))
    record = read_report(report, source, "sif_inspection")
    record.framework = "sif-2013"
    record.inspection_kind = "re-inspection" if reinspection else "standard"
    return record


def read_report(report: ReportText, source: SourceInfo, document_type: DocumentType) -> Record:
    """Everything a SIF-era report prints, into a Record of `document_type`."""
    text = report.text
    authority = _authority(report)
    if authority is None:
        raise ExtractionFailed("SIF-era report: the inspected authority is not named on page 1")
    visit_sets = _visit_dates(text)
    headings = find_headings(report)
    body_start = headings[0].start if headings else 0
    furniture = running_heads(report)
    record = Record(
        document_type=document_type,
        authority=authority,
        published=dates.published_date(text[:3000]),
        visit_start=visit_sets[0][0] if visit_sets else None,
        visit_end=visit_sets[-1][1] if visit_sets else None,
        inspectors=_inspectors(text),
        recipient=None,
        judgements=_judgements(text, body_start),
        source=source,
        text=text,
        title=_title(text),
        extra_dates=list(visit_sets) if len(visit_sets) > 1 else [],
    )
    read_body(report, record, headings, body_start, furniture)
    return record


# ------------------------------------------------------------------------------------- page 1


def _title(text: str) -> str | None:
    for pattern in _TITLE_RES:
        m = pattern.search(text, 0, 1500)
        if m:
            return collapse(re.sub(r"\d$", "", m.group(0)))
    return None


def _authority_text(text: str) -> str:
    """Page 1 up to the dates with the report titles taken out: what names the authority."""
    dates_at = _DATES_RE.search(text, 0, 3000)
    head = text[: dates_at.start() if dates_at else 600]
    for pattern in _TITLE_RES:
        head = pattern.sub(" ", head)
    # A standalone LSCB review names the board: "Surrey Safeguarding Children Board".
    head = re.sub(r"Safeguarding\s+Children\s+Board", " ", head, flags=re.I)
    return collapse(head)


_SERVICES_IN_RE = re.compile(
    r"Children.s\s+services\s+(?:in|on)\s+(?:the\s+)?(?P<name>[A-Z][\w’'&,.\- ]{1,60}?)\s+(?:are|is|require)\b"
)
_COUNCIL_LINE_RE = re.compile(
    r"^(?:The\s+)?(?:[A-Z][\w’'&,.\- ]{1,60}\s+(?:Council|Corporation)|(?:London|Royal|Metropolitan)\s+Borough"
    r"\s+of\s+[A-Z][\w’'&,.\- ]{1,60}|(?:City|County|Council)\s+of\s+(?:the\s+)?[A-Z][\w’'&,.\- ]{1,60})$"
)


def _authority(report: ReportText) -> Authority | None:
    """The inspected authority (see the module docstring for where it is looked for)."""
    text = report.text
    found = resolve(_authority_text(text))
    if found:
        return found
    overall = _SERVICES_IN_RE.search(text, 0, 4000)
    if overall and (found := resolve(overall["name"])):
        return found
    for candidates in (
        [p.text for p in report.paragraphs if p.start < 4000 and _COUNCIL_LINE_RE.match(p.text)],
        [_strip_titles(line) for line in report.furniture],
    ):
        named = {resolve(candidate) for candidate in candidates} - {None}
        if len(named) == 1:
            return named.pop()
    return None


def _strip_titles(text: str) -> str:
    for pattern in _TITLE_RES:
        text = pattern.sub(" ", text)
    return re.sub(r"\b\d+\b", " ", text)


def _visit_dates(text: str) -> list[tuple[str, str]]:
    m = _DATES_RE.search(text, 0, 3000)
    if not m:
        return []
    stop = _DATES_END_RE.search(text, m.end())
    segment = text[m.end() : stop.start() if stop else m.end() + 120]
    return [(r.start, r.end) for r in dates.find_ranges(segment)]


def _judgements(text: str, body_start: int) -> dict[str, str]:
    # Page 1 up to the first section heading (a plain-text copy may have none: its first 3000 characters).
    head = text[:body_start] if body_start > 400 else text[:3000]
    out: dict[str, str] = {}
    for pattern in _OVERALL_RES:
        m = pattern.search(head)
        if m:
            grade = grade_notation(m["g"])
            if grade:
                out["overall_effectiveness"] = grade
            break
    for area, label in _ROWS:
        m = re.search(rf"{label}\s*[.:]?\s+(?P<g>{GRADE})", head, re.I)
        grade = grade_notation(m["g"]) if m else None
        if grade:
            out[area] = grade
    lscb = _lscb_judgement(text)
    if lscb:
        out["lscb_review"] = lscb
    return out


def _lscb_judgement(text: str) -> str | None:
    """The LSCB's grade, read where its part (or a standalone review) opens with it."""
    for m in _LSCB_RE.finditer(text):
        at_paragraph = m.start() == 0 or text[m.start() - 2 : m.start()] == "\n\n"
        if at_paragraph or m.start() < 2000:
            return grade_notation(m["g"])
    return None


def _inspectors(text: str) -> list[Inspector]:
    """Lead, deputy, team and shadow inspectors under 'The inspection team' (or the reporting
    inspector on page 1); quality assurance managers and data analysts are not on the team."""
    labels = list(_TEAM_LABEL_RE.finditer(text))
    people_found: list[Inspector] = []
    seen: set[str] = set()
    for i, m in enumerate(labels):
        kind = m["label"].split()[0].lower()
        if kind not in _INSPECTING_LABELS:
            continue
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        listing = _listing(text[m.end() : stop])
        for raw in re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+", listing):
            name, role = _name_and_role(raw)
            if not name or name.lower() in seen:
                continue
            seen.add(name.lower())
            lead = kind in ("lead", "reporting")
            people_found.append(Inspector(name=name, lead=lead, role=role, inspectorate="ofsted"))
    return people_found


def _listing(segment: str) -> str:
    """The names after a label, up to where the list ends (a paragraph break not after a comma)."""
    out = segment
    for m in re.finditer(r"\n\n", segment):
        if not segment[: m.start()].rstrip().endswith(","):
            out = segment[: m.start()]
            break
    return collapse(out).rstrip(".")


def _name_and_role(raw: str) -> tuple[str, InspectorRole]:
    raw = collapse(raw)
    suffix = re.search(r"\b(SHMI|SCRI|HMI|AI|RI)\s*$", raw)
    role = _SUFFIX_ROLES[suffix[1].lower()] if suffix else (people.role_of(raw) or "inspector")
    name = _EXTRA_POST_NOMINALS_RE.sub("", raw)
    name = people.clean_name(name)
    if not name or len(name.split()) < 2 or len(name.split()) > 5 or not name[:1].isupper():
        return "", role
    return name, role
