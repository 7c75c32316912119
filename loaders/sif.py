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
numbered paragraphs of the judgement sections give main findings. Footnote digits stuck to words
("board1") are part of the printed text and kept.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from . import dates, people
from .authorities import resolve
from .document import ReportText
from .errors import ExtractionFailed
from .numbered import (
    FOOTNOTE_RE,
    Item,
    bullet_points,
    collapse,
    finding,
    numbered_paragraphs,
)
from .record import Inspector, Record, SourceInfo

_GRADE = (
    r"(?:outstanding|good|requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|adequate|not\s+judged)"
)


def grade_notation(text: str) -> str | None:
    """'Requires improvement to be good' -> 'requires_improvement'; 'Not judged' -> None."""
    word = text.split()[0].lower()
    if word.startswith("require"):
        return "requires_improvement"
    if word == "not":
        return None
    return word


# The numbered judgements on page 1, in print order.
_ROWS: tuple[tuple[str, str], ...] = (
    ("sif_help_and_protection", r"1\.\s*Children\s+who\s+need\s+help\s+and\s+protection"),
    ("sif_looked_after_and_permanence", r"2\.\s*Children\s+looked\s+after\s+and\s+achieving\s+permanence"),
    ("sif_adoption", r"2\.1\s*Adoption\s+performance"),
    ("sif_care_leavers", r"2\.2\s*Experiences\s+and\s+progress\s+of\s+care\s+leavers"),
    ("sif_leadership", r"3\.\s*Leadership,\s+management\s+and\s+governance"),
)
_OVERALL_RES = (
    re.compile(
        rf"The\s+overall\s+judgement\s+is\s+(?:that\s+children.s\s+services\s+)?(?P<g>{_GRADE})", re.I
    ),
    re.compile(
        rf"Children.s\s+services\s+(?:in|on)\s+[^.\n]{{2,60}}?\s+(?:(?:are|is)\s+)?(?P<g>{_GRADE})", re.I
    ),
)
_LSCB_RE = re.compile(
    r"The\s+(?:effectiveness\s+of\s+the\s+)?Local\s+Safeguarding\s+Children\s+Board(?:\s+\(LSCB\))?\s+"
    rf"(?:is\s+)?(?P<g>{_GRADE})",
    re.I,
)
_TITLE_RES = (
    re.compile(r"(?:Re-?\s?)?inspection\s+of\s+services\s+for\s+children\s+in\s+need", re.I),
    re.compile(r"(?:Review|Inspection)\s+of\s+the\s+effectiveness\s+of\s+the\s+local\s+safeguarding", re.I),
    re.compile(r"Inspection\s+of\s+(?:safeguarding\s+and\s+)?looked\s+after\s+children", re.I),
)
_REINSPECTION_RE = re.compile(r"\bRe-?\s?inspection\s+of\s+services\b", re.I)
_DATES_RE = re.compile(r"Inspection\s+dates?\s*:?\s*", re.I)
_DATES_END_RE = re.compile(
    r"Report\s+published|Reporting\s+inspector|Lead\s+inspector|Age\s+group|\n\n", re.I
)
_TEAM_LABEL_RE = re.compile(
    r"(?P<label>Lead\s+inspector|Reporting\s+inspector|Deputy\s+lead\s+inspector|Team\s+inspectors?"
    r"|Shadow\s+inspectors?|Senior\s+data\s+analysts?|Data\s+analysts?|Quality\s+assurance\s+manager"
    r"|Any\s+complaints|Information\s+about|The\s+inspection\s+team\s+consisted)\b\s*:?\s*",
    re.I,
)
_INSPECTING_LABELS = ("lead", "reporting", "deputy", "team", "shadow")
# Post-nominals of the SIF teams that people.clean_name does not know, and role notes.
_EXTRA_POST_NOMINALS_RE = re.compile(
    r"(?:\s+(?:SCRI|RI|AI|SHMI|HMI))+\s*$|\s*\((?:[^)]*inspector[^)]*)\)\s*$", re.I
)
_SUFFIX_ROLES = {
    "hmi": "hmi",
    "shmi": "hmi",
    "ai": "ofsted_inspector",
    "scri": "ofsted_inspector",
    "ri": "ofsted_inspector",
}


@dataclass(frozen=True)
class _Heading:
    role: str  # summary | priority | improve | strengths | judgement | judgement_summary | findings | other
    start: int
    end: int
    label: str


# Section headings as printed: (role, pattern). A heading is a whole text paragraph, optionally
# followed by a footnote digit or a grade; `judgement` headings name the section of main findings.
_HEADINGS: tuple[tuple[str, str], ...] = (
    ("summary", r"(?:Section\s+1:\s+The\s+local\s+authority\s+-\s+)?Summary\s+of\s+findings"),
    ("summary", r"Executive\s+summary"),
    ("priority", r"Priority\s+and\s+immediate\s+action"),
    ("improve", r"Recommendations|Areas\s+for\s+improvement"),
    ("improve", r"What\s+does\s+the\s+(?:local\s+authority|LSCB)\s+need\s+to\s+improve\??"),
    (
        "strengths",
        r"The\s+local\s+authority\s+has\s+the\s+following\s+strengths:?|The\s+local\s+authority.s\s+strengths",
    ),
    ("other", r"Progress\s+since\s+the\s+last\s+inspection|Summary\s+for\s+children\s+and\s+young\s+people"),
    ("other", r"(?:The\s+local\s+authority\s+)?Information\s+about\s+this\s+(?:local\s+authority\s+)?area.*"),
    ("other", r"Information\s+about\s+(?:this|the)\s+(?:local\s+authority\s+|LSCB\s+)?(?:inspection|review)"),
    ("other", r"What\s+the\s+(?:local\s+authority\s+|LSCB\s+)?inspection\s+judgements\s+mean.*"),
    (
        "other",
        r"About\s+this\s+inspection|The\s+inspection\s+judgements\s+and\s+what\s+they\s+mean|Service\s+information",
    ),
    ("other", r"Contents\b.*|Record\s+of\s+main\s+findings\b.*|The\s+inspection\s+team"),
    (
        "judgement",
        r"The\s+experiences\s+and\s+progress\s+of\s+children\s+who\s+need\s+help\s+and\s+protection",
    ),
    (
        "judgement",
        r"The\s+experiences\s+and\s+progress\s+of\s+children\s+looked\s+after\s+and\s+achieving\s+permanence",
    ),
    ("judgement", r"The\s+graded\s+judge?ment\s+(?:for|about)\s+(?:the\s+)?adoption\s+performance.*"),
    (
        "judgement",
        r"The\s+graded\s+judge?ment\s+about\s+the\s+experiences?\s+(?:and|of)\s+progress\s+of\s+care\s+leavers.*",
    ),
    ("judgement", r"Leadership,\s+management\s+and\s+governance"),
    ("judgement", r"Section\s+2:\s+The\s+effectiveness\s+of\s+the\s+Local\s+Safeguarding\s+Children\s+Board"),
    ("judgement", r"The\s+Local\s+Safeguarding\s+Children\s+Board\s+\(LSCB\)"),
    (
        "judgement",
        r"Key\s+strengths\s+and\s+weaknesses\s+of\s+the\s+LSCB|Inspection\s+judgement\s+about\s+the\s+LSCB",
    ),
    ("judgement", r"Inspection\s+findings\s+[–-]\s+the\s+Local\s+Safeguarding\s+Children\s+Board"),
    (
        "judgement",
        r"Overall\s+effectiveness\s+of\s+services\s+for\s+looked\s+after\s+children\s+and\s+young\s+people",
    ),
    (
        "judgement",
        r"Capacity\s+to\s+improve|Outcomes\s+for\s+looked\s+after\s+children\s+and\s+young\s+people",
    ),
    ("judgement", r"Quality\s+of\s+provision|Leadership\s+and\s+management"),
    ("findings", r"Inspection\s+findings"),
    ("judgement_summary", r"Summary"),
)
_HEADING_RES = tuple(
    (role, re.compile(rf"(?:{pattern})\d?(?:\s+(?:Grade\s+\d\s+\()?{_GRADE}\)?)?", re.I))
    for role, pattern in _HEADINGS
)
# Headings that also appear as subheadings inside recommendation lists count only with a grade
# after them (on the same line, in the next paragraph, or a "Key judgement" table header).
_NEEDS_GRADE = re.compile(r"Leadership,\s+management\s+and\s+governance", re.I)
_GRADE_PARA_RE = re.compile(rf"(?:Grade\s+\d\s+\()?{_GRADE}\)?|Key\s+judgement\s+Judgement\s+grade", re.I)
_INTRO_RE = re.compile(r".{0,120}:$")  # "Children's services in X require improvement because:"
_TIMING_RE = re.compile(r"(?:Immediately|Within\s+\w+\s+(?:weeks?|months?))\s*:", re.I)
# A subheading run into the end of a bulleted point ("... reporting arrangements. Practice and policy").
_TRAILING_SUBHEADING_RE = re.compile(r"(?<=[.;)])\s+[A-Z][\w ,’'&-]{2,60}$")


def parse(report: ReportText, source: SourceInfo) -> Record:
    """A SIF inspection or re-inspection (document_type sif_inspection)."""
    reinspection = bool(_REINSPECTION_RE.search(report.text[:2000]))
    record = read_report(report, source, "sif_inspection")
    record.framework = "sif-2013"
    record.inspection_kind = "re-inspection" if reinspection else "standard"
    return record


def read_report(report: ReportText, source: SourceInfo, document_type: str) -> Record:
    """Everything a SIF-era report prints, into a Record of `document_type`."""
    text = report.text
    authority = resolve(_authority_text(text))
    if authority is None:
        raise ExtractionFailed("SIF-era report: the inspected authority is not named on page 1")
    visit_sets = _visit_dates(text)
    headings = _headings(report)
    body_start = headings[0].start if headings else 0
    furniture = _running_heads(report)
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
    _read_body(report, record, headings, body_start, furniture)
    return record


# ------------------------------------------------------------------------------------- page 1


def _title(text: str) -> str | None:
    for pattern in _TITLE_RES:
        m = pattern.search(text, 0, 1500)
        if m:
            end = re.search(r"\d?\s+(?:Inspection\s+dates?|Report\s+published)|\n\n", text[m.start() :])
            return collapse(text[m.start() : m.start() + (end.start() if end else 200)])
    return None


def _authority_text(text: str) -> str:
    """Page 1 up to the dates with the report titles taken out: what names the authority."""
    dates_at = _DATES_RE.search(text, 0, 3000)
    head = text[: dates_at.start() if dates_at else 600]
    for pattern in _TITLE_RES:
        m = pattern.search(head)
        if m:
            title_end = head.find("\n\n", m.end())
            head = head[: m.start()] + " " + head[title_end if title_end >= 0 else len(head) :]
    # A standalone LSCB review names the board: "Surrey Safeguarding Children Board".
    head = re.sub(r"Safeguarding\s+Children\s+Board", " ", head, flags=re.I)
    return collapse(head)


def _visit_dates(text: str) -> list[tuple[str, str]]:
    m = _DATES_RE.search(text, 0, 3000)
    if not m:
        return []
    stop = _DATES_END_RE.search(text, m.end())
    segment = text[m.end() : stop.start() if stop else m.end() + 120]
    return [(r.start, r.end) for r in dates.find_ranges(segment)]


def _judgements(text: str, body_start: int) -> dict[str, str]:
    head = text[: max(body_start, 400)]
    out: dict[str, str] = {}
    for pattern in _OVERALL_RES:
        m = pattern.search(head)
        if m:
            grade = grade_notation(m["g"])
            if grade:
                out["overall_effectiveness"] = grade
            break
    for area, label in _ROWS:
        m = re.search(rf"{label}\s+(?P<g>{_GRADE})", head, re.I)
        if m and grade_notation(m["g"]):
            out[area] = grade_notation(m["g"])  # type: ignore[assignment]
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
        if kind == "lead" and m["label"].lower().startswith("lead") and not _in_team_list(text, m.start()):
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


def _in_team_list(text: str, at: int) -> bool:
    # "Lead inspector:" also appears in prose ("the lead inspector met ..."): only the team list counts.
    return text[at - 2 : at] in ("\n\n", "") or bool(
        re.search(r"(?:team|inspector\s*:?[^.]{0,80})\s*$", text[max(0, at - 120) : at])
    )


def _listing(segment: str) -> str:
    """The names after a label, up to where the list ends (a paragraph break not after a comma)."""
    out = segment
    for m in re.finditer(r"\n\n", segment):
        if not segment[: m.start()].rstrip().endswith(","):
            out = segment[: m.start()]
            break
    return collapse(out).rstrip(".")


def _name_and_role(raw: str) -> tuple[str, str]:
    raw = collapse(raw)
    suffix = re.search(r"\b(SHMI|SCRI|HMI|AI|RI)\s*$", raw)
    role = _SUFFIX_ROLES[suffix[1].lower()] if suffix else (people.role_of(raw) or "inspector")
    name = _EXTRA_POST_NOMINALS_RE.sub("", raw)
    name = people.clean_name(name)
    if not name or len(name.split()) < 2 or len(name.split()) > 5 or not name[:1].isupper():
        return "", role
    return name, role


# ----------------------------------------------------------------------------------- the body


def _headings(report: ReportText) -> list[_Heading]:
    paragraphs = report.paragraphs
    found: list[_Heading] = []
    for i, p in enumerate(paragraphs):
        stripped = p.text.strip()
        if len(stripped) > 300:
            continue
        end = p.end
        candidates = [stripped]
        nxt = paragraphs[i + 1] if i + 1 < len(paragraphs) else None
        if nxt is not None and len(nxt.text) < 40 and nxt.text[:1].islower():
            # A heading broken over two lines by the layout ("... children and young" / "people").
            candidates.append(f"{stripped} {nxt.text.strip()}")
        for role, pattern in _HEADING_RES:
            m = next((c for c in candidates if pattern.fullmatch(c)), None)
            if m is None:
                continue
            if _NEEDS_GRADE.match(stripped) and not _graded(stripped, paragraphs[i + 1 : i + 3]):
                break
            if m is not stripped and nxt is not None:
                end = nxt.end
            found.append(_Heading(role, p.start, end, _section_name(collapse(m))))
            break
    return found


# Judgement sections under one name whatever the year's wording ("The graded judgment about the
# experiences and progress of care leavers is inadequate" -> "Experiences and progress of care leavers").
_SECTION_NAMES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.I), name)
    for pattern, name in (
        (r"The graded judge?ment (?:for|about) (?:the )?adoption performance", "Adoption performance"),
        (
            r"The graded judge?ment about the experiences? (?:and|of) progress of care leavers",
            "The experiences and progress of care leavers",
        ),
        (
            r"Section 2: The effectiveness of the Local Safeguarding Children Board"
            r"|The Local Safeguarding Children Board \(LSCB\)|Inspection findings . the Local Safeguarding"
            r"|Inspection judgement about the LSCB|Key strengths and weaknesses of the LSCB",
            "The Local Safeguarding Children Board",
        ),
        (
            r"The local authority has the following strengths|The local authority.s strengths",
            "The local authority's strengths",
        ),
        (r"Section 1: The local authority - Summary of findings", "Summary of findings"),
    )
)


def _section_name(heading: str) -> str:
    """A heading as a section name: printed grade and footnote digit dropped, judgement wording unified."""
    for pattern, name in _SECTION_NAMES:
        if pattern.match(heading):
            return name
    return re.sub(rf"\d?(?:\s+(?:Grade\s+\d\s+\()?{_GRADE}\)?)?$", "", heading, flags=re.I).strip()


def _graded(heading: str, following) -> bool:  # following: the next paragraphs
    if re.search(rf"{_GRADE}\s*$", heading, re.I):
        return True
    return any(_GRADE_PARA_RE.fullmatch(p.text.strip()) for p in following)


def _running_heads(report: ReportText) -> list[tuple[int, int]]:
    """Running heads and feet the report text kept, as (start, end) paragraphs.

    Some reports alternate a left and a right running head ("2 Inspection of the effectiveness of
    the local safeguarding children board: Hull" / "...: Hull 3"), which page furniture removal
    does not recognise: a short paragraph printed with a page number, repeated on three or more pages.
    """
    keys = Counter(_furniture_key(p.text) for p in report.paragraphs)
    return [
        (p.start, p.end)
        for p in report.paragraphs
        if "#" in _furniture_key(p.text)
        and keys[_furniture_key(p.text)] >= 3
        and len(p.text) < 120
        and not _GRADE_PARA_RE.fullmatch(p.text.strip())
    ]


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.strip().lower())


def _read_body(
    report: ReportText,
    record: Record,
    headings: list[_Heading],
    body_start: int,
    furniture: list[tuple[int, int]],
) -> None:
    text = report.text
    heading_starts = sorted([h.start for h in headings] + [a for a, _ in furniture])
    skip = _skip_pattern(report, furniture)
    numbered: list[Item] = []
    pos = body_start
    while True:  # one sequence per report bound into the PDF
        run = numbered_paragraphs(text, pos, len(text), 1)
        if not run:
            break
        numbered.extend(_clamp(text, item, heading_starts) for item in run)
        pos = run[-1].end
    points_sections = [
        (h, h.end, headings[i + 1].start if i + 1 < len(headings) else len(text))
        for i, h in enumerate(headings)
        if h.role in ("summary", "priority", "improve", "strengths", "judgement_summary")
    ]
    bulleted: list[tuple[_Heading, int, int]] = []
    for h, start, stop in points_sections:
        inside = [item for item in numbered if start <= item.start < stop]
        bullets = bullet_points(report, start, stop, skip) if h.role in ("priority", "improve") else []
        # A lone numbered lead-in ("15. ... the local authority should take the following action.")
        # over a bulleted list: the bullets are the points.
        if not inside or (len(inside) == 1 and len(bullets) >= 2):
            bulleted.append((h, start, stop))
    for item in numbered:
        if any(start <= item.start < stop for _, start, stop in bulleted):
            continue
        role, section = _role_at(headings, item.start)
        if role == "other":
            continue
        kind, is_point = _KINDS.get(role, ("main_finding", False))
        found = finding(report, kind, item, section)
        if is_point:
            record.improvement_points.append(found.text)
        record.findings.append(found)
    for h, start, stop in bulleted:
        if h.role in ("summary", "strengths", "judgement_summary"):
            kind = _KINDS[h.role][0]
            section = h.label if h.role != "judgement_summary" else _role_at(headings, h.start)[1]
            for item in _summary_items(report, start, stop, furniture):
                summary, item = _drop_trailing_subheading(collapse(text[item.start : item.end]), item, text)
                record.findings.append(finding(report, kind, item, section, summary))
            continue
        kind = "area_for_priority_action" if h.role == "priority" else "area_for_improvement"
        for item, point in bullet_points(report, start, stop, skip):
            point, item = _drop_trailing_subheading(point, item, text)
            record.improvement_points.append(point)
            record.findings.append(finding(report, kind, item, h.label, point))
    order = {id(f): i for i, f in enumerate(record.findings)}
    record.findings.sort(key=lambda f: (f.span.start, order[id(f)]))
    record.improvement_points = [
        f.text for f in record.findings if f.kind in ("area_for_improvement", "area_for_priority_action")
    ]


# Finding kind of a section's items, and whether they are improvement points.
_KINDS: dict[str, tuple[str, bool]] = {
    "summary": ("headline", False),
    "priority": ("area_for_priority_action", True),
    "improve": ("area_for_improvement", True),
    "strengths": ("strength", False),
    "judgement_summary": ("main_finding", False),
}


def _clamp(text: str, item: Item, heading_starts: list[int]) -> Item:
    """The item cut before the first section heading inside it."""
    cut = next((h for h in heading_starts if item.start < h < item.end), None)
    if cut is None:
        return item
    end = cut
    while end > item.start and text[end - 1].isspace():
        end -= 1
    return Item(item.start, end, item.number)


def _role_at(headings: list[_Heading], offset: int) -> tuple[str, str | None]:
    """The role of the section holding `offset` and the judgement section it belongs to."""
    role = "other"
    section: str | None = None
    for h in headings:
        if h.start > offset:
            break
        if h.role == "judgement":
            section = h.label
            role = "findings"
        elif h.role in ("findings", "judgement_summary"):
            if role != "findings":  # findings outside any judgement section (a standalone LSCB review)
                section = h.label
            role = "findings"
        else:
            role = h.role
            section = h.label
    return role, section


def _skip_pattern(report: ReportText, furniture: list[tuple[int, int]]) -> re.Pattern[str]:
    """Paragraphs a list of points skips: group labels ("Within three months:") and running heads."""
    heads = sorted({re.escape(report.text[a:b].strip()) for a, b in furniture})
    return re.compile("|".join([_TIMING_RE.pattern, *heads]), re.I)


def _summary_items(report: ReportText, start: int, end: int, furniture: list[tuple[int, int]]) -> list[Item]:
    """Headline paragraphs and bullets of a summary, without subheadings, lead-in lines and running heads."""
    items: list[Item] = []
    heads = {a for a, _ in furniture}
    for p in report.paragraphs:
        if p.start < start or p.end > end or p.start in heads:
            continue
        body = p.text.strip()
        if FOOTNOTE_RE.match(body) or _INTRO_RE.fullmatch(body) or _TIMING_RE.fullmatch(body):
            continue
        if len(body) < 80 and not re.search(r"[.!?]$", body):
            continue  # a subheading
        glyph = re.match(r"[\uf000-\uf0ff\u2022\u25aa\u25fc]\s*", body)
        a = p.start + (glyph.end() if glyph else 0)
        if items and body[:1].islower() and report.text[items[-1].end : p.start].strip() == "":
            items[-1] = Item(items[-1].start, p.end)
            continue
        items.append(Item(a, p.end))
    return items


def _drop_trailing_subheading(point: str, item: Item, text: str) -> tuple[str, Item]:
    m = _TRAILING_SUBHEADING_RE.search(point)
    if not m:
        return point, item
    tail = m.group(0).strip()
    span_text = text[item.start : item.end]
    cut = span_text.rstrip().rfind(tail)
    if cut <= 0:
        return point, item
    new_end = item.start + len(span_text[:cut].rstrip())
    return point[: m.start()].rstrip(), Item(item.start, new_end, item.number)
