"""Where each printed line of a PDF sits on its page, and where the table rules are.

The report text (loaders/document.py) keeps the words and their order but not their position.
Area SEND reports print their priority actions and areas for improvement as bordered tables
whose rows are only a few points apart, and a two-column "responsible body | action" table:
rows and columns can only be told apart by position. This module re-reads the PDF named by
the SourceInfo, aligns its lines with `ReportText.lines`, and returns each line's box plus the
horizontal rules drawn on each page. Callers fall back to text-only rules when it returns None
(plain text, a file no longer at its path, or a different file than the one loaded).
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .document import ReportText, normalise_line
from .record import SourceInfo

if TYPE_CHECKING:
    from pypdfium2 import PdfPage, PdfTextPage

# A rule is a path object at most this tall (points) and at least this wide.
_RULE_MAX_HEIGHT = 1.6
_RULE_MIN_WIDTH = 40.0


@dataclass(frozen=True)
class LineBox:
    x: float  # left edge of the line's first glyph (points from the page's left)
    y: float  # baseline height from the page bottom
    height: float


@dataclass
class Layout:
    boxes: list[LineBox | None]  # parallel to ReportText.lines; None when a line was not found
    rules: dict[int, list[float]] = field(default_factory=dict)  # page -> y of horizontal rules

    def rule_between(self, index_above: int, index_below: int, page: int) -> bool:
        """Whether a horizontal rule is drawn between two lines printed on the same page."""
        above, below = self.boxes[index_above], self.boxes[index_below]
        if above is None or below is None:
            return False
        top = above.y + 0.2 * above.height  # a rule under a line runs just below its baseline
        bottom = below.y + 0.5 * below.height
        return any(bottom < ry < top for ry in self.rules.get(page, ()))


def read_layout(
    report: ReportText, source: SourceInfo | None, span: tuple[int, int] | None = None
) -> Layout | None:
    """Line boxes and rules for `report`, re-read from the PDF at `source.path`, or None.

    With `span` (report-text offsets), only the pages it covers are read; other lines get None.
    """
    if source is None or source.media_type != "application/pdf":
        return None
    path = Path(source.path)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if hashlib.sha256(data).hexdigest() != source.sha256:
        return None
    try:
        import pypdfium2 as pdfium
        import pypdfium2.raw as pdfium_c
    except ImportError:  # pragma: no cover - a dependency of the package
        return None
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError:
        return None
    try:
        printed: dict[int, list[tuple[str, LineBox | None]]] = {}
        rules: dict[int, list[float]] = {}
        wanted = {ln.page for ln in report.lines}
        if span is not None:
            wanted = set(range(report.page_at(span[0]), report.page_at(max(span[0], span[1] - 1)) + 1))
        for number in sorted(wanted):
            if number > len(pdf):
                continue
            page = pdf[number - 1]
            try:
                printed[number] = _page_lines(page)
                rules[number] = _page_rules(page, pdfium_c.FPDF_PAGEOBJ_PATH)
            finally:
                page.close()
    except pdfium.PdfiumError:
        return None
    finally:
        pdf.close()
    boxes: list[LineBox | None] = []
    cursor: dict[int, int] = {}
    for line in report.lines:
        candidates = printed.get(line.page, [])
        i = cursor.get(line.page, 0)
        found = None
        # Lines come in the same order; furniture lines dropped from the report are skipped over.
        for j in range(i, len(candidates)):
            if candidates[j][0] == line.text:
                found = candidates[j][1]
                cursor[line.page] = j + 1
                break
        boxes.append(found)
    return Layout(boxes, rules)


def _page_lines(page: PdfPage) -> list[tuple[str, LineBox | None]]:
    textpage = page.get_textpage()
    try:
        raw = textpage.get_text_range()
        out: list[tuple[str, LineBox | None]] = []
        offset = 0
        for raw_line in re.split(r"\r\n|\n|\r", raw):
            text = normalise_line(raw_line)
            if text:
                out.append((text, _line_box(textpage, offset, len(raw_line))))
            offset += len(raw_line) + 2  # pdfium separates lines with generated "\r\n"
        return out
    finally:
        textpage.close()


def _line_box(textpage: PdfTextPage, offset: int, length: int) -> LineBox | None:
    best: tuple[float, float, float] | None = None
    left: float | None = None
    for i in range(offset, offset + min(length, 6)):
        try:
            x0, bottom, _x1, top = textpage.get_charbox(i)
        except Exception:  # pdfium raises on generated characters
            continue
        if left is None and top - bottom > 0:
            left = x0
        h = top - bottom
        if h > 0 and (best is None or h > best[2]):
            best = (x0, bottom, h)
    if best is None or left is None:
        return None
    return LineBox(left, best[1], best[2])


def _page_rules(page: PdfPage, path_type: int) -> list[float]:
    ys: list[float] = []
    for obj in page.get_objects(filter=[path_type]):
        left, bottom, right, top = obj.get_bounds()
        if top - bottom <= _RULE_MAX_HEIGHT and right - left >= _RULE_MIN_WIDTH:
            ys.append((top + bottom) / 2)
    return sorted(set(round(y, 1) for y in ys))
