"""Headings, sections and items of a report text, shared by the letter and report loaders.

A heading is a printed line (a `TextLine`) that matches a known heading pattern; its section
runs to the next heading. A section's items are its paragraphs and bulleted points, with a
point broken by a page boundary joined again. Every item keeps its [start, end) offsets in the
report text, so a Finding built from it quotes `report.text[start:end]` exactly.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from .document import BULLET_RE, ReportText
from .record import Finding, FindingKind, Span

# A closing bracket is not a sentence end: "... mental health services (CAMHS)" runs on overleaf.
_TERMINAL_RE = re.compile(r"[.!?:;’”'\"]$")


@dataclass(frozen=True)
class Heading:
    key: str  # the caller's name for the heading
    start: int  # offset of the heading line in the report text
    end: int  # offset just past it: the section's content starts here
    text: str


@dataclass(frozen=True)
class Item:
    start: int
    end: int
    bullet: bool  # printed as a bulleted point


def find_headings(report: ReportText, patterns: dict[str, re.Pattern[str]]) -> list[Heading]:
    """Every line matching one of `patterns` (full match, first key wins), in reading order."""
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


def chunks(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """The paragraphs of text[start:end] as trimmed [start, end) pairs."""
    out: list[tuple[int, int]] = []
    pos = start
    while pos < end:
        nxt = text.find("\n\n", pos, end)
        stop = end if nxt < 0 else nxt
        a, b = _trim(text, pos, stop)
        if a < b:
            out.append((a, b))
        pos = stop + 2 if nxt >= 0 else end
    return out


def _trim(text: str, a: int, b: int) -> tuple[int, int]:
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


def items(report: ReportText, start: int, end: int) -> list[Item]:
    """The paragraphs and bulleted points between two offsets.

    A paragraph that neither follows a finished sentence nor starts a new point continues the
    one before it (a point broken by a page boundary or a badly spaced line).
    """
    text = report.text
    out: list[Item] = []
    for a, b in chunks(text, start, end):
        m = BULLET_RE.match(text[a:b])
        bullet = bool(m)
        if m:
            a += m.end()
        if a >= b or not any(ch.isalnum() for ch in text[a:b]):
            continue
        if (
            out
            and not bullet
            and (text[a].islower() or not _TERMINAL_RE.search(text[out[-1].start : out[-1].end]))
        ):
            out[-1] = Item(out[-1].start, b, out[-1].bullet)
            continue
        out.append(Item(a, b, bullet))
    return out


def clean(text: str) -> str:
    """Quoted text with bullet glyphs at line starts dropped and whitespace collapsed."""
    parts = [BULLET_RE.sub("", p.strip()) for p in re.split(r"\n\n", text)]
    return re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()


def finding(
    report: ReportText,
    kind: FindingKind,
    start: int,
    end: int,
    section: str | None,
    responsible_body: str | None = None,
) -> Finding:
    start, end = _trim(report.text, start, end)
    return Finding(
        kind=kind,
        text=clean(report.text[start:end]),
        span=Span(start, end, report.page_at(start)),
        section=section,
        responsible_body=responsible_body,
    )


def findings_from(
    report: ReportText, kind: FindingKind, spans: Iterable[Item], section: str | None
) -> list[Finding]:
    return [finding(report, kind, it.start, it.end, section) for it in spans]
