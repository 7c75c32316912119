"""Reading the body of Ofsted's inspection reports: numbered paragraphs, bullet lists, plain paragraphs.

ILACS and SIF reports number their findings paragraphs (1., 2., ... continuing across sections) and
list their improvement points as bullets or numbers. The report text (loaders/document.py) does not
always keep one printed paragraph per text paragraph: a paragraph broken by a page may come back as
two pieces, and in a few PDFs several numbered paragraphs run together in one piece. So the helpers
here read a *region* of the report text and locate each item by its printed marker, returning
[start, end) offsets that always satisfy `report.text[start:end] == the item as printed`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .document import BULLETS, ReportText
from .record import Finding, FindingKind, Span

# A paragraph number as printed: "12. Text", "41.Text" or (rarely, a typesetting slip) "34 Text".
_MARKER_RE = re.compile(r"(\d{1,3})(\.(?!\d)\s*|\s+)(?=[A-Z‘'“\"(])")
# What may precede a number run into the paragraph before it ("... in written plans. 27. The ...").
_INLINE_BEFORE_RE = re.compile(r"[.!?:;”’\"')]\s+$")
# A subheading printed on the same line as the number it precedes ("The quality of plans 10. Ensure").
_RUN_IN_HEADING_RE = re.compile(r"[A-Z][^.!?:;\n]{2,80}\s")
# A paragraph that is a subheading: short, capitalised, no closing punctuation.
_SUBHEADING_RE = re.compile(r"[A-Z][^.!?:;\n]{2,80}(?=\n\n|$)")
# Private-use bullet glyphs (Symbol/Wingdings) that survive inside a span's text.
_GLYPHS_RE = re.compile("[\uf000-\uf0ff\u25aa\u25cf\u25fc\u2022]")
# A footnote printed at a page's foot: a bare number and a sentence ("1 The areas for improvement...").
FOOTNOTE_RE = re.compile(r"\d{1,2}\s+[A-Z‘'“\"]")
BULLET_CHARS = frozenset(BULLETS) - {"-", "–"}
_LEADING_BULLET_RE = re.compile(rf"^[{re.escape(''.join(sorted(BULLET_CHARS)))}]\s*")
_SUB_BULLET_RE = re.compile(r"^[-–]\s+")
# Whole-report boilerplate after the findings (back cover) that ends the last section.
BACK_MATTER_RE = re.compile(
    r"(?:The Office for Standards in Education|Ofsted has a duty|If you would like a copy of this document"
    r"|You may reuse this information|This publication is available at|© Crown copyright)",
)


@dataclass(frozen=True)
class Item:
    """One printed item located in the report text: [start, end) and, if numbered, its number."""

    start: int
    end: int
    number: int | None = None


def collapse(text: str) -> str:
    """Whitespace collapsed to single spaces (a span may cross a paragraph break), bullet glyphs removed."""
    return re.sub(r"\s+", " ", _GLYPHS_RE.sub(" ", text)).strip()


def finding(
    report: ReportText, kind: FindingKind, item: Item, section: str | None = None, text: str | None = None
) -> Finding:
    """A Finding whose evidence is exactly report.text[item.start:item.end]."""
    quoted = text if text is not None else collapse(report.text[item.start : item.end])
    return Finding(
        kind=kind,
        text=quoted,
        span=Span(item.start, item.end, report.page_at(item.start)),
        section=section,
        number=item.number,
    )


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def _cut_at_footnote(text: str, start: int, end: int) -> int:
    """End of an item before a page-foot footnote or back matter that the region carries after it."""
    pos = start
    while True:
        brk = text.find("\n\n", pos, end)
        if brk < 0:
            return end
        nxt = brk + 2
        if FOOTNOTE_RE.match(text, nxt) or BACK_MATTER_RE.match(text, nxt) or _SUBHEADING_RE.match(text, nxt):
            return brk
        pos = nxt


def numbered_paragraphs(text: str, start: int, end: int, first: int = 1) -> list[Item]:
    """The numbered paragraphs printed in text[start:end], numbers expected to run first, first+1, ...

    A marker counts when it carries the expected number (one skipped number is tolerated, for a
    paragraph lost to a broken text layer) and starts a text paragraph, opens the region, or follows
    the end of a sentence. Each item runs to the next marker, cut before any page-foot footnote.
    """
    markers: list[tuple[int, int, int]] = []  # (number, where the previous item stops, body start)
    expected = first
    for m in _MARKER_RE.finditer(text, start, end):
        number = int(m[1])
        brk = text.rfind("\n\n", start, m.start())
        para_start = brk + 2 if brk >= 0 else start
        at_paragraph = m.start() == para_start
        at_region_head = not text[start : m.start()].strip()
        inline = bool(_INLINE_BEFORE_RE.search(text, max(start, m.start() - 4), m.start()))
        run_in = bool(_RUN_IN_HEADING_RE.fullmatch(text, para_start, m.start()))
        allowed = {expected} if not at_paragraph else {expected, expected + 1}
        if number not in allowed or not (at_paragraph or at_region_head or inline or run_in):
            continue
        if "." not in m[2] and (number < 3 or not at_paragraph):
            # Undotted numbers are footnotes unless a paragraph in the running sequence.
            continue
        markers.append((number, para_start if run_in else m.start(), m.end()))
        expected = number + 1
    items: list[Item] = []
    for i, (number, _, body) in enumerate(markers):
        stop = markers[i + 1][1] if i + 1 < len(markers) else end
        stop = _cut_at_footnote(text, body, stop)
        a, b = _trim(text, body, stop)
        if b > a:
            items.append(Item(a, b, number))
    return items


def _pieces(report: ReportText, start: int, end: int) -> list[tuple[int, int, str]]:
    """The text paragraphs overlapping [start, end), clipped to it and trimmed: (start, end, text).

    Clipping matters for a plain-text copy, where a heading can sit inside a paragraph.
    """
    out: list[tuple[int, int, str]] = []
    for p in report.paragraphs:
        if p.end <= start or p.start >= end:
            continue
        a, b = _trim(report.text, max(p.start, start), min(p.end, end))
        if b > a:
            out.append((a, b, report.text[a:b]))
    return out


def paragraphs(report: ReportText, start: int, end: int) -> list[Item]:
    """The text paragraphs within [start, end), a piece starting in lower case joined to the one before.

    Page-foot footnotes and lone footnote markers ("1") are skipped.
    """
    items: list[Item] = []
    for a, b, text in _pieces(report, start, end):
        if FOOTNOTE_RE.match(text) or re.fullmatch(r"\d{1,2}", text):
            continue
        if items and text[:1].islower() and report.text[items[-1].end : a].strip() == "":
            items[-1] = Item(items[-1].start, b)
            continue
        items.append(Item(a, b))
    return items


def bullet_points(
    report: ReportText, start: int, end: int, skip: re.Pattern[str] | None = None
) -> list[tuple[Item, str]]:
    """The bulleted points in [start, end): each point's span and its text without bullet glyphs.

    A point's dash sub-bullets and any piece of it carried over a page belong to it. Lone
    footnote markers, footnotes and paragraphs matching `skip` (group labels such as
    "Within three months:") are skipped.
    """
    points: list[tuple[Item, list[str]]] = []
    for a, b, text in _pieces(report, start, end):
        if re.fullmatch(r"\d{1,2}", text) or FOOTNOTE_RE.match(text):
            continue
        if skip is not None and skip.fullmatch(text):
            continue
        bullet = _LEADING_BULLET_RE.match(text)
        if bullet:
            points.append((Item(a + bullet.end(), b), [text[bullet.end() :]]))
        elif points:
            item, parts = points[-1]
            parts.append(_SUB_BULLET_RE.sub("", text))
            points[-1] = (Item(item.start, b), parts)
    return [(item, collapse(" ".join(parts))) for item, parts in points]
