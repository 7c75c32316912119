"""Monitoring visit letters (ILACS, to authorities judged inadequate) into a Record.

Read from the letter: its date (record.published), the addressee, the title "Monitoring visit to
X children's services" (the authority), the visit dates and which visit in the series it was
("This visit was the third monitoring visit since the local authority was judged inadequate in
..."), the inspectors ("His Majesty's Inspectors for this visit were A and B."; the signing
inspector is the lead), the focus ("Areas covered by the visit": the areas of concern reviewed
-> record.visit_focus) and the findings: "Headline findings" (headline), "Findings and evaluation
of progress" (main_finding), and any "What needs to improve" points. Monitoring visits carry no
grade: record.judgements stays empty.
"""

from __future__ import annotations

import re

from . import authorities, dates, people, visit_focus
from .document import ReportText
from .errors import ExtractionFailed
from .letter_parts import LetterParts, address_lines, addressee, letter_parts
from .passages import Heading, find_headings, items, pieces, section_bounds, section_findings
from .record import FindingKind, Recipient, Record, SourceInfo

FRAMEWORK_BY_YEAR = ((2023, "ilacs-2023"), (2018, "ilacs-2018"))

TITLE_RE = re.compile(
    r"Monitoring visit (?:to|of)\s+(?P<name>.+?)(?:\s+(?:local authority\s+)?children[’']?s\s+(?:social care\s+)?"
    r"services)?\s*$",
    re.I,
)
SERIES_RE = re.compile(r"\b(?:was|is)\s+the\s+(?P<n>\w+)\s+monitoring\s+visit\b", re.I)
ORDINALS = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7,
    "eighth": 8, "ninth": 9, "tenth": 10, "eleventh": 11, "twelfth": 12,
}  # fmt: skip
INSPECTORS_RE = re.compile(
    r"[^.]*\b(?:inspectors?(?:\s*\([A-Z]{2,8}s?\))?\s+for\s+this\s+visit\s+(?:were|was)|visit\s+was\s+(?:carried\s+out|conducted)\s+by)"
    r"[^.]*\.",
    re.I,
)
CLOSING_RE = re.compile(r"^Ofsted will take the findings\b", re.I)

HEADINGS: dict[str, re.Pattern[str]] = {
    "areas": re.compile(r"Areas? covered by (?:the|this) visit", re.I),
    "headline": re.compile(r"Headline findings", re.I),
    "improve": re.compile(r"What needs to improve(?: in this area of social work practice)?\??", re.I),
    "findings": re.compile(r"(?:Main )?Findings(?: and evaluation of progress)?", re.I),
}
# (heading key, kind of its findings, section name)
SECTIONS: tuple[tuple[str, FindingKind, str], ...] = (
    ("headline", "headline", "Headline findings"),
    ("improve", "area_for_improvement", "What needs to improve"),
    ("findings", "main_finding", "Findings and evaluation of progress"),
)


def parse(report: ReportText, source: SourceInfo) -> Record:
    text = report.text
    parts = letter_parts(report)
    if parts.title is None:
        raise ExtractionFailed("no 'Monitoring visit to ...' title after the salutation")
    title_text = re.sub(r"\s+", " ", parts.title.text)
    m = TITLE_RE.search(title_text)
    if not m:
        raise ExtractionFailed("no 'Monitoring visit to ... children's services' title")
    authority = authorities.resolve(m["name"]) or authorities.resolve(" ".join(address_lines(report, parts)))
    if authority is None:
        raise ExtractionFailed(f"'{m['name']}' is not an English local authority in the reference lookup")

    opening = pieces(text, parts.body_start, parts.body_end)[:2]
    opening_text = " ".join(text[a:b] for a, b in opening)
    ranges = dates.find_ranges(opening_text)
    if not ranges:
        raise ExtractionFailed("no visit dates in the opening paragraph")
    series = SERIES_RE.search(opening_text)
    series_number = _ordinal(series["n"]) if series else None

    inspectors = []
    sentence = INSPECTORS_RE.search(opening_text)
    if sentence:
        inspectors = people.parse_inspectors(sentence.group())
    signer = _signer(parts.signature_lines)
    inspectors = people.mark_lead(inspectors, signer)

    headings = find_headings(report, HEADINGS)
    findings = section_findings(report, headings, SECTIONS, parts.body_end, CLOSING_RE)
    recipient = _recipient(report, parts)
    focus = _focus(report, headings, parts.body_end)
    return Record(
        document_type="monitoring_visit",
        authority=authority,
        published=parts.date,
        visit_start=ranges[0].start,
        visit_end=ranges[0].end,
        inspectors=inspectors,
        recipient=recipient,
        judgements={},
        improvement_points=[f.text for f in findings if f.kind == "area_for_improvement"],
        findings=findings,
        source=source,
        text=text,
        title=title_text,
        framework=_framework(ranges[0].start),
        inspection_kind="monitoring",
        visit_focus=focus,
        visit_focus_areas=visit_focus.focus_areas(focus),
        series_number=series_number,
    )


def _ordinal(word: str) -> int | None:
    if word.isdigit():
        return int(word)
    word = word.lower()
    if word in ORDINALS:
        return ORDINALS[word]
    m = re.fullmatch(r"(\d+)(?:st|nd|rd|th)", word)
    return int(m[1]) if m else None


def _framework(start: str) -> str:
    year = int(start[:4])
    return next(name for since, name in FRAMEWORK_BY_YEAR if year >= since) if year >= 2018 else "ilacs-2018"


def _signer(lines: list[str]) -> str | None:
    for line in lines:
        name = people.clean_name(line)
        if name and not people.role_of(line) and len(name.split()) >= 2:
            return name
    return None


def _recipient(report: ReportText, parts: LetterParts) -> Recipient | None:
    return addressee([address_lines(report, parts)])


def _bounds(headings: list[Heading], key: str, stop: int) -> tuple[int, int] | None:
    bounds = section_bounds(headings, key, stop)
    if bounds is None:
        return None
    return bounds[0], min(bounds[1], stop)


def _focus(report: ReportText, headings: list[Heading], stop: int) -> str | None:
    """The areas reviewed (the bullets under 'Areas covered by the visit'), or its first paragraph."""
    bounds = _bounds(headings, "areas", stop)
    if not bounds:
        return None
    its = items(report, *bounds)
    bullets = [i.text(report.text).rstrip(".;") for i in its if i.bullet]
    if bullets:
        return "; ".join(bullets)
    return its[0].text(report.text) if its else None
