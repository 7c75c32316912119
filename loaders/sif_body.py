"""The body of a SIF-era report: its section headings and the findings and points each section holds.

Headings are whole text paragraphs (a heading broken over two lines is joined); each has a role:
summaries give headline findings, "Priority and immediate action" and recommendations or areas for
improvement give improvement points, the local authority's strengths give strength findings, and
the judgement sections give main findings. Items are numbered paragraphs (one sequence per report
bound into the PDF) or, where a section has no numbers, its paragraphs and bullets. Running heads
the report text kept (repeated short paragraphs with a page number) end any item they interrupt.
"""

from __future__ import annotations

import re
from collections import Counter

from .document import Paragraph, ReportText
from .passages import (
    Heading,
    Item,
    bullet_points,
    collapse,
    finding,
    items,
    numbered_paragraphs,
)
from .record import FindingKind, Record

GRADE = r"(?:outstanding|good|requires?\s+improvement(?:\s+to\s+be\s+good)?|inadequate|adequate|not\s+judged)"


def grade_notation(text: str) -> str | None:
    """'Requires improvement to be good' -> 'requires_improvement'; 'Not judged' -> None."""
    word = text.split()[0].lower()
    if word.startswith("require"):
        return "requires_improvement"
    if word == "not":
        return None
    return word


# Section headings as printed: (role, pattern). A heading is a whole text paragraph, optionally
# followed by a footnote digit or a grade; `judgement` headings name the section of main findings.
# A Heading's key is its role (summary | priority | improve | strengths | judgement |
# judgement_summary | findings | other), its text the section's name.
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
    (role, re.compile(rf"(?:{pattern})\d?(?:\s+(?:Grade\s+\d\s+\()?{GRADE}\)?)?", re.I))
    for role, pattern in _HEADINGS
)
# Headings that also appear as subheadings inside recommendation lists count only with a grade
# after them (on the same line, in the next paragraph, or a "Key judgement" table header).
_NEEDS_GRADE = re.compile(r"Leadership,\s+management\s+and\s+governance", re.I)
_GRADE_PARA_RE = re.compile(rf"(?:Grade\s+\d\s+\()?{GRADE}\)?|Key\s+judgement\s+Judgement\s+grade", re.I)
# Summary paragraphs that are not findings: a lead-in line ("Children's services in X require
# improvement because:") and a subheading (under 80 characters, no sentence end).
_SUMMARY_SKIP = (r".{0,120}:", r".{0,78}[^.!?]")
_TIMING_RE = re.compile(r"(?:Immediately|Within\s+\w+\s+(?:weeks?|months?))\s*:", re.I)
# A subheading run into the end of a bulleted point ("... reporting arrangements. Practice and policy").
_TRAILING_SUBHEADING_RE = re.compile(r"(?<=[.;)])\s+[A-Z][\w ,’'&-]{2,60}$")


def find_headings(report: ReportText) -> list[Heading]:
    paragraphs = report.paragraphs
    found: list[Heading] = []
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
            found.append(Heading(role, p.start, end, _section_name(collapse(m))))
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
    return re.sub(rf"\d?(?:\s+(?:Grade\s+\d\s+\()?{GRADE}\)?)?$", "", heading, flags=re.I).strip()


def _graded(heading: str, following: list[Paragraph]) -> bool:
    if re.search(rf"{GRADE}\s*$", heading, re.I):
        return True
    return any(_GRADE_PARA_RE.fullmatch(p.text.strip()) for p in following)


def running_heads(report: ReportText) -> list[tuple[int, int]]:
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


def read_body(
    report: ReportText,
    record: Record,
    headings: list[Heading],
    body_start: int,
    furniture: list[tuple[int, int]],
) -> None:
    text = report.text
    heading_starts = sorted([h.start for h in headings] + [a for a, _ in furniture])
    skip = _skip_pattern(report, furniture)
    summary_skip = _summary_skip(skip)
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
        if h.key in ("summary", "priority", "improve", "strengths", "judgement_summary")
    ]
    bulleted: list[tuple[Heading, int, int]] = []
    for h, start, stop in points_sections:
        inside = [item for item in numbered if start <= item.start < stop]
        bullets = bullet_points(report, start, stop, skip) if h.key in ("priority", "improve") else []
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
        record.findings.append(finding(report, _KINDS.get(role, "main_finding"), item, section))
    for h, start, stop in bulleted:
        if h.key in ("summary", "strengths", "judgement_summary"):
            kind = _KINDS[h.key]
            section = h.text if h.key != "judgement_summary" else _role_at(headings, h.start)[1]
            for item in items(report, start, stop, summary_skip):
                record.findings.append(finding(report, kind, _drop_trailing_subheading(item, text), section))
            continue
        for item in bullet_points(report, start, stop, skip):
            item = _drop_trailing_subheading(item, text)
            record.findings.append(finding(report, _KINDS[h.key], item, h.text))
    # Reading order (sort is stable), and the points as their findings quote them.
    record.findings.sort(key=lambda f: f.span.start)
    record.improvement_points = [f.text for f in record.findings if f.kind in _POINT_KINDS]


# Finding kind of a section's items (by the section's role); the last two are improvement points.
_KINDS: dict[str, FindingKind] = {
    "summary": "headline",
    "strengths": "strength",
    "judgement_summary": "main_finding",
    "priority": "area_for_priority_action",
    "improve": "area_for_improvement",
}
_POINT_KINDS: frozenset[FindingKind] = frozenset({"area_for_priority_action", "area_for_improvement"})


def _clamp(text: str, item: Item, heading_starts: list[int]) -> Item:
    """The item cut before the first section heading inside it."""
    cut = next((h for h in heading_starts if item.start < h < item.end), None)
    if cut is None:
        return item
    end = cut
    while end > item.start and text[end - 1].isspace():
        end -= 1
    return item.cut(end)


def _role_at(headings: list[Heading], offset: int) -> tuple[str, str | None]:
    """The role of the section holding `offset` and the judgement section it belongs to."""
    role = "other"
    section: str | None = None
    for h in headings:
        if h.start > offset:
            break
        if h.key == "judgement":
            section = h.text
            role = "findings"
        elif h.key in ("findings", "judgement_summary"):
            if role != "findings":  # findings outside any judgement section (a standalone LSCB review)
                section = h.text
            role = "findings"
        else:
            role = h.key
            section = h.text
    return role, section


def _skip_pattern(report: ReportText, furniture: list[tuple[int, int]]) -> re.Pattern[str]:
    """Paragraphs a list of points skips: group labels ("Within three months:") and running heads."""
    heads = sorted({re.escape(report.text[a:b].strip()) for a, b in furniture})
    return re.compile("|".join([_TIMING_RE.pattern, *heads]), re.I)


def _summary_skip(skip: re.Pattern[str]) -> re.Pattern[str]:
    """Paragraphs a summary skips: those a list of points skips, lead-in lines and subheadings."""
    return re.compile("|".join([skip.pattern, *_SUMMARY_SKIP]), re.I)


def _drop_trailing_subheading(item: Item, text: str) -> Item:
    """The item without a subheading printed at its end."""
    m = _TRAILING_SUBHEADING_RE.search(item.text(text))
    if not m:
        return item
    tail = m.group(0).strip()
    span_text = text[item.start : item.end]
    cut = span_text.rstrip().rfind(tail)
    if cut <= 0:
        return item
    return item.cut(item.start + len(span_text[:cut].rstrip()))
