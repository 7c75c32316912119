"""Passages of a report text, and the one definition of what a finding quotes.

Every loader cuts its findings out of the report text (loaders/document.py) with the helpers
here: headings and the sections they open, paragraphs, bulleted points and numbered paragraphs.
Each passage is an `Item`, [start, end) offsets into the report text, and `finding()` makes the
Finding that quotes it: its span is exactly `report.text[start:end]` (trimmed), its page the page
that offset was printed on, and its text `quote()` of what it spans: each text paragraph's
leading bullet marker dropped, bullet glyphs left inside the text turned into spaces, whitespace
collapsed. A paragraph or point broken by a page-foot footnote quotes only its own pieces
(`Item.parts`).

The report text does not always keep one printed paragraph per text paragraph: a paragraph broken
by a page may come back as two pieces, and in a few PDFs (and plain-text copies) several numbered
paragraphs run together in one piece. So numbered paragraphs are located by their printed numbers
within a region, not by text paragraphs.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace

from .document import BULLETS, ReportText
from .record import Finding, FindingKind, Span

# Printed bullets: the glyphs document.BULLETS names and any private-use (Symbol/Wingdings) glyph,
# with or without a space after them; a dash or en dash followed by a space is a bullet too (often
# a sub-point).
BULLET_GLYPHS = "\uf000-\uf0ff" + re.escape("".join(ch for ch in BULLETS if ch not in "-–"))
_GLYPH_RE = re.compile(f"[{BULLET_GLYPHS}]")
_BULLET_RE = re.compile(rf"[{BULLET_GLYPHS}]\s*|[-–]\s+")
_SPACE_RE = re.compile(r"\s+")
# A closing bracket is not a sentence end: "... mental health services (CAMHS)" runs on overleaf.
_TERMINAL_RE = re.compile(r"[.!?:;’”'\"]$")
# A footnote printed at a page's foot: a bare number and a sentence ("1 The areas for improvement...").
FOOTNOTE_RE = re.compile(r"\d{1,2}\s+[A-Z‘'“\"]")
# A lone footnote marker left as a paragraph of its own.
_FOOTNOTE_MARK_RE = re.compile(r"\d{1,2}")
# Whole-report boilerplate after the findings (back cover) that ends the last section.
BACK_MATTER_RE = re.compile(
    r"(?:The Office for Standards in Education|Ofsted has a duty|If you would like a copy of this document"
    r"|You may reuse this information|This publication is available at|© Crown copyright)",
)


# ---------------------------------------------------------------------------------- the text


def bullet_at(text: str, pos: int = 0, end: int | None = None) -> re.Match[str] | None:
    """The bullet marker printed at `pos` (the glyph or dash and the space after it), if any."""
    return _BULLET_RE.match(text, pos, len(text) if end is None else end)


def is_dash(marker: re.Match[str]) -> bool:
    """Whether a bullet marker is a dash: under a glyph-bulleted point, a sub-point of it."""
    return marker.group()[0] in "-–"


def collapse(text: str) -> str:
    """Bullet glyphs turned into spaces, whitespace collapsed to single spaces."""
    return _SPACE_RE.sub(" ", _GLYPH_RE.sub(" ", text)).strip()


def quote(text: str) -> str:
    """What a finding quotes of `text`: each text paragraph's leading bullet marker dropped, collapsed."""
    paragraphs = []
    for p in text.split("\n\n"):
        p = p.strip()
        marker = bullet_at(p)
        paragraphs.append(p[marker.end() :] if marker else p)
    return collapse(" ".join(paragraphs))


def trim(text: str, start: int, end: int) -> tuple[int, int]:
    """[start, end) without whitespace at either end."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# ---------------------------------------------------------------------------------- findings


@dataclass(frozen=True)
class Item:
    """One printed passage located in the report text."""

    start: int
    end: int
    number: int | None = None  # a numbered paragraph's printed number
    bullet: bool = False  # printed as a bulleted point
    # The text paragraphs of [start, end) the passage is made of (empty: all of it); what lies
    # between them (a page-foot footnote, a running head) is not quoted.
    parts: tuple[tuple[int, int], ...] = ()

    def text(self, report_text: str) -> str:
        """The passage's text as a finding quotes it."""
        stretches = self.parts or ((self.start, self.end),)
        return quote("\n\n".join(report_text[a:b] for a, b in stretches))

    def cut(self, end: int) -> Item:
        """The passage up to `end`."""
        return replace(self, end=end, parts=tuple((a, min(b, end)) for a, b in self.parts if a < end))


def finding(
    report: ReportText,
    kind: FindingKind,
    item: Item,
    section: str | None = None,
    responsible_body: str | None = None,
) -> Finding:
    """The Finding that quotes `item` (see the module docstring)."""
    start, end = trim(report.text, item.start, item.end)
    return Finding(
        kind=kind,
        text=replace(item, start=start, end=end).text(report.text),
        span=Span(start, end, report.page_at(start)),
        section=section,
        number=item.number,
        responsible_body=responsible_body,
    )


# ---------------------------------------------------------------------------------- headings


@dataclass(frozen=True)
class Heading:
    key: str  # the caller's name for the heading (or its role)
    start: int  # offset of the heading in the report text
    end: int  # offset just past it: the section's content starts here
    text: str  # the heading as printed, or the section's name


def find_headings(report: ReportText, patterns: dict[str, re.Pattern[str]]) -> list[Heading]:
    """Every printed line matching one of `patterns` (full match, first key wins), in reading order."""
    found: list[Heading] = []
    for line in report.lines:
        for key, pattern in patterns.items():
            m = pattern.fullmatch(line.text)
            if m:
                found.append(Heading(key, line.start, line.start + m.end(), line.text))
                break
    return found


def section_bounds(headings: list[Heading], key: str, text_end: int) -> tuple[int, int] | None:
    """[start, end) of the content under the first heading `key`, up to the next heading."""
    for i, h in enumerate(headings):
        if h.key == key:
            end = headings[i + 1].start if i + 1 < len(headings) else text_end
            return h.end, end
    return None


def section_findings(
    report: ReportText,
    headings: list[Heading],
    sections: Iterable[tuple[str, FindingKind, str]],
    stop: int,
    leave_out: re.Pattern[str] | None = None,
) -> list[Finding]:
    """The findings of a letter's sections, in reading order.

    `sections` are (heading key, finding kind, section name); each section's items end by `stop`
    (the letter's sign-off). Items whose text `leave_out` matches at its start are not findings.
    """
    out: list[Finding] = []
    for key, kind, section in sections:
        bounds = section_bounds(headings, key, stop)
        if not bounds:
            continue
        for it in items(report, bounds[0], min(bounds[1], stop)):
            if leave_out is None or not leave_out.match(report.text[it.start : it.end]):
                out.append(finding(report, kind, it, section))
    out.sort(key=lambda f: f.span.start)
    return out


# -------------------------------------------------------------------- paragraphs and points


def pieces(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The text paragraphs of text[start:end], clipped to it and trimmed, as [start, end) pairs.

    Clipping matters for a plain-text copy, where a heading can sit inside a paragraph.
    """
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nxt = text.find("\n\n", pos, end)
        stop = end if nxt < 0 else nxt
        a, b = trim(text, pos, stop)
        if a < b:
            out.append((a, b))
        pos = stop + 2 if nxt >= 0 else end
    return out


def _is_footnote(piece: str) -> bool:
    return bool(FOOTNOTE_RE.match(piece) or _FOOTNOTE_MARK_RE.fullmatch(piece))


def items(report: ReportText, start: int, end: int, skip: re.Pattern[str] | None = None) -> list[Item]:
    """The paragraphs and bulleted points between two offsets.

    A paragraph that neither follows a finished sentence nor starts a new point continues the
    one before it (a point broken by a page boundary or a badly spaced line). Page-foot
    footnotes, lone footnote markers and paragraphs matching `skip` are left out, also from
    inside an item.
    """
    text = report.text
    out: list[Item] = []
    for a, b in pieces(text, start, end):
        if _is_footnote(text[a:b]) or (skip is not None and skip.fullmatch(text, a, b)):
            continue
        marker = bullet_at(text, a, b)
        if marker:
            a = marker.end()
        if a >= b or not any(ch.isalnum() for ch in text[a:b]):
            continue
        previous = out[-1] if out else None
        if (
            previous is not None
            and not marker
            and (text[a].islower() or not _TERMINAL_RE.search(text, previous.start, previous.end))
        ):
            out[-1] = replace(previous, end=b, parts=(*previous.parts, (a, b)))
            continue
        out.append(Item(a, b, bullet=bool(marker), parts=((a, b),)))
    return out


def bullet_points(
    report: ReportText, start: int, end: int, skip: re.Pattern[str] | None = None
) -> list[Item]:
    """The glyph-bulleted points between two offsets (a report's improvement points).

    A point's dash sub-points and any piece of it carried over a page belong to it. Lone
    footnote markers, footnotes and paragraphs matching `skip` (group labels such as
    "Within three months:", running heads) are left out of the point.
    """
    text = report.text
    points: list[Item] = []
    for a, b in pieces(text, start, end):
        piece = text[a:b]
        if _is_footnote(piece) or (skip is not None and skip.fullmatch(text, a, b)):
            continue
        marker = bullet_at(text, a, b)
        if marker and not is_dash(marker):
            points.append(Item(marker.end(), b, bullet=True, parts=((marker.end(), b),)))
        elif points:
            point = points[-1]
            points[-1] = replace(point, end=b, parts=(*point.parts, (a, b)))
    return points


# ------------------------------------------------------------------------ numbered paragraphs

# A paragraph number as printed: "12. Text", "41.Text" or (rarely, a typesetting slip) "34 Text".
_NUMBER_RE = re.compile(r"(\d{1,3})(\.(?!\d)\s*|\s+)(?=[A-Z‘'“\"(])")
# What may precede a number run into the paragraph before it ("... in written plans. 27. The ...").
_INLINE_BEFORE_RE = re.compile(r"[.!?:;”’\"')]\s+$")
# A subheading printed on the same line as the number it precedes ("The quality of plans 10. Ensure").
_RUN_IN_HEADING_RE = re.compile(r"[A-Z][^.!?:;\n]{2,80}\s")
# A paragraph that is a subheading: short, capitalised, no closing punctuation.
_SUBHEADING_RE = re.compile(r"[A-Z][^.!?:;\n]{2,80}(?=\n\n|$)")


def number_at(text: str, pos: int) -> re.Match[str] | None:
    """A paragraph number printed with its full stop at `pos` ("12. Text"): group 1 is the number."""
    m = _NUMBER_RE.match(text, pos)
    return m if m and "." in m[2] else None


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

    A number counts when it is the expected one (one skipped number is tolerated, for a paragraph
    lost to a broken text layer) and starts a text paragraph, opens the region, or follows the end
    of a sentence. Each item runs to the next number, cut before any page-foot footnote.
    """
    markers: list[tuple[int, int, int]] = []  # (number, where the previous item stops, body start)
    expected = first
    for m in _NUMBER_RE.finditer(text, start, end):
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
    out: list[Item] = []
    for i, (number, _, body) in enumerate(markers):
        stop = markers[i + 1][1] if i + 1 < len(markers) else end
        stop = _cut_at_footnote(text, body, stop)
        a, b = trim(text, body, stop)
        if b > a:
            out.append(Item(a, b, number))
    return out
