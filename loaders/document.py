"""Read a PDF or plain-text document into one clean *report text* with paragraphs and pages.

The report text is what every piece of evidence points into (see docs/design.md): page
furniture removed, the lines of a paragraph joined by single spaces, paragraphs separated by a
blank line, a paragraph broken by a page boundary joined again.

Furniture: Ofsted's letterhead on page 1 (its address lines above or before the letter's date, in
a sidebar, or as a block; not a lone "Ofsted" or town further down), page numbers (in the margins or as the lowest/highest line
of a page), running headers/footers repeated across pages, and footnotes (smaller type at a page's
foot opening with the note's number, and lone superscript markers). Paragraph breaks come from the
vertical gap between lines (against the page's lower-quartile line pitch), bullets, and numbered
paragraphs set without a gap ("12. Children ...").

For a PDF each line also keeps where it was printed (TextLine.x/y/height/page_width) and each page
the heights of its horizontal rules (ReportText.rules): tables are read by position (area SEND).
The running headers and footers removed are kept aside (ReportText.furniture): some reports name
the authority only there.

Reading: a file is a PDF when its bytes start with "%PDF-", otherwise text, decoded from its
byte-order mark (UTF-8, UTF-16, UTF-32), else as UTF-8, else Windows-1252, else Latin-1; control
characters beyond a trace mean binary data. Nothing larger than a real document is read at all:
a text over MAX_TEXT_BYTES, a PDF over MAX_PDF_BYTES or MAX_PDF_PAGES, or a report text over
MAX_TEXT_CHARS is refused (TooLarge) after reading at most one byte past the limit.
"""

from __future__ import annotations

import bisect
import codecs
import functools
import hashlib
import os
import re
import statistics
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from ofsted_kg.user_files import special_file_kind

from .errors import (
    CorruptPDF,
    EmptyDocument,
    EncryptedPDF,
    GarbledText,
    NotAFile,
    NotAPDF,
    NoTextLayer,
    TooLarge,
)
from .record import SourceInfo

# Size limits, each far above any real document: the largest report in examples/letters (a SIF
# inspection with its LSCB review) is a 0.8 MB PDF of 50 pages whose report text is 122,000
# characters. Without them a 200 MB text file took minutes and gigabytes before failing.
MAX_TEXT_BYTES = 4 * 1024 * 1024  # a letter's or report's text file (UTF-16 doubles its bytes)
MAX_PDF_BYTES = 64 * 1024 * 1024
MAX_PDF_PAGES = 500
MAX_TEXT_CHARS = 4 * 1024 * 1024  # the report text read out of a PDF
MAX_TEXT_LINES = 100_000  # a text file's lines: 500 pages of a report are ~30,000

BULLETS = "\u25fc\uf06e\u2022\u25aa\uf0b7\u25cf\u25a0\uf0a7\u2013-"
BULLET_RE = re.compile(rf"^[{re.escape(BULLETS)}]\s+")

# Ofsted's own address and contact lines (page-1 sidebar of letters, over the years).
_ADDRESS_TOKENS = (
    r"Ofsted",
    r"Piccadilly Gate",
    r"Store Street",
    r"Manchester",
    r"M1 2WD",
    r"Agora",
    r"6 Cape Road",
    r"Warwick",
    r"CV34 5DS",
    r"Aviation House",
    r"125 Kingsway",
    r"London",
    r"WC2B 6SE",
    r"T\s*0300\s*123\s*1231",
    r"Textphone\s*0161\s*618\s*8524",
    r"enquiries@ofsted\.gov\.uk",
    r"www\.gov\.uk/ofsted",
    r"www\.ofsted\.gov\.uk",
    r"lasunit@ofsted\.gov\.uk",
)
ADDRESS_LINE_RE = re.compile(rf"^(?:(?:{'|'.join(_ADDRESS_TOKENS)})[\s,]*)+$")
PAGE_NUMBER_RE = re.compile(r"^(?:Page\s+)?\d{1,3}(?:\s+of\s+\d{1,3})?$", re.IGNORECASE)
_STOPWORDS = frozenset("the and of to in for a is are that with children their on be by this have".split())


@dataclass(frozen=True)
class Line:
    text: str
    page: int  # 1-based
    y: float | None = None  # baseline height from the page bottom (PDF units); None for plain text
    height: float | None = None
    page_height: float | None = None
    gap_before: bool = False  # plain text: a blank line precedes it
    y_end: float | None = None  # baseline of the line's last glyphs (pdfium joins a hyphen-broken pair)
    size: float | None = None  # font size in points (median over the line's first glyphs)
    x: float | None = None  # left edge of the line's first glyph (points from the page's left)
    page_width: float | None = None


@dataclass(frozen=True)
class Paragraph:
    text: str
    start: int
    end: int
    page: int


@dataclass(frozen=True)
class TextLine:
    """One printed line, located in the report text (lines of a paragraph are joined by a space).

    A PDF line also keeps where it was printed (points; y is the baseline height from the page
    bottom): tables can only be read by position. Plain-text lines have None there.
    """

    text: str
    start: int
    end: int
    page: int
    x: float | None = None
    y: float | None = None
    height: float | None = None  # glyph height at the baseline
    page_width: float | None = None


@dataclass
class ReportText:
    text: str
    paragraphs: list[Paragraph]
    page_starts: list[int] = field(default_factory=list)  # offset in `text` where each page begins
    lines: list[TextLine] = field(default_factory=list)
    # page -> heights (points from the bottom) of the horizontal rules drawn on it (PDF only)
    rules: dict[int, list[float]] = field(default_factory=dict)
    # Running headers and footers removed from the text: one line per form (page numbers aside).
    furniture: list[str] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return len(self.page_starts)

    def page_at(self, offset: int) -> int:
        """The 1-based page on which the character at `offset` was printed."""
        return max(1, bisect.bisect_right(self.page_starts, offset))

    def rule_between(self, above: TextLine, below: TextLine) -> bool:
        """Whether a horizontal rule is drawn between two lines printed on the same page."""
        if above.page != below.page or above.y is None or above.height is None:
            return False
        if below.y is None or below.height is None:
            return False
        top = above.y + 0.2 * above.height  # a rule under a line runs just below its baseline
        bottom = below.y + 0.5 * below.height
        return any(bottom < ry < top for ry in self.rules.get(above.page, ()))


@dataclass
class LoadedDocument:
    source: SourceInfo
    report: ReportText


_LINE_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f]")
_SPACES = re.compile(r"\s+")


def normalise_line(text: str) -> str:
    text = text.replace("\ufffe", "-").replace("\u00ad", "-").replace("\u00a0", " ").replace("\t", " ")
    text = _LINE_CONTROLS.sub("", text)
    return _SPACES.sub(" ", text).strip()


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ----------------------------------------------------------------------------------- reading


def load(path: str | Path) -> LoadedDocument:
    """Read one file (PDF or text, decided by its bytes, not its name) into a LoadedDocument.

    Raises a DocumentError subclass with a one-line reason for anything it cannot read. A file
    over its kind's size limit is refused before it is read (or, for a pipe or a device whose
    size is unknown, as soon as one byte more than the limit has been read).
    """
    path = Path(path)
    with path.open("rb") as handle:
        size = os.fstat(handle.fileno()).st_size
        head = handle.read(1024)
        limit = MAX_PDF_BYTES if _is_pdf(head) else MAX_TEXT_BYTES
        _check_size(max(size, len(head)), limit, _is_pdf(head))
        data = head + handle.read(limit + 1 - len(head))
    _check_size(len(data), limit, _is_pdf(head))
    return load_bytes(data, str(path))


def check_saved_file(path: str | Path) -> None:
    """Refuse, from its type and size alone, a file `load` would refuse or never finish: a pipe,
    a device or a socket (a pipe with no writer blocks whoever opens it; /dev/zero never ends;
    a pipe read once to be hashed is empty when read again), or a regular file over its kind's
    size limit (a 10 GB file is refused in a millisecond, not after hashing it). Reads at most
    the first kilobyte, to tell a PDF from text. Raises NotAFile, TooLarge or OSError."""
    info = os.stat(path)
    if what := special_file_kind(info.st_mode):
        raise NotAFile(f"not a saved file but {what}: save the document to a file and load that")
    size = info.st_size
    if size <= MAX_TEXT_BYTES:
        return  # under every limit
    with open(path, "rb") as handle:
        head = handle.read(1024)
    _check_size(size, MAX_PDF_BYTES if _is_pdf(head) else MAX_TEXT_BYTES, _is_pdf(head))


def _is_pdf(data: bytes) -> bool:
    return data.lstrip()[:5] == b"%PDF-"


def _check_size(size: int, limit: int, pdf: bool) -> None:
    if size > limit:
        kind = "PDF" if pdf else "text file"
        raise TooLarge(
            f"too large for an Ofsted letter or report (a {_megabytes(size)} {kind}; the limit is {_megabytes(limit)})"
        )


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 1024 * 1024 else f"{size:,} bytes"


def load_bytes(data: bytes, name: str) -> LoadedDocument:
    if not data.strip():
        raise EmptyDocument("the file is empty")
    _check_size(len(data), MAX_PDF_BYTES if _is_pdf(data) else MAX_TEXT_BYTES, _is_pdf(data))
    digest = sha256_bytes(data)
    rules: dict[int, list[float]] = {}
    if _is_pdf(data):
        pages, rules = _pdf_lines(data)
        media_type = "application/pdf"
    else:
        head = data[:2048].lstrip().lower()
        if head.startswith((b"<!doctype html", b"<html", b"<?xml", b"<head", b"<body")):
            raise NotAPDF("an HTML or XML page, not a PDF or a letter's text")
        if name.lower().endswith(".pdf"):
            raise NotAPDF("named .pdf but is not a PDF (no %PDF header)")
        # Counted on the bytes (UTF-16 too: each newline holds a 0x0A byte) before the lines are
        # built: 450,000 short lines under the byte limit took 13 s and 400 MB to be refused.
        if (breaks := data.count(b"\n")) > MAX_TEXT_LINES:
            raise TooLarge(
                f"too large for an Ofsted letter or report ({breaks:,} lines; the limit is {MAX_TEXT_LINES:,})"
            )
        pages = _text_lines(data)
        media_type = "text/plain"
    report = build_report_text(pages, rules)
    if len(report.text) > MAX_TEXT_CHARS:
        raise TooLarge(
            f"too large for an Ofsted letter or report ({len(report.text):,} characters of text; "
            f"the limit is {MAX_TEXT_CHARS:,})"
        )
    _check_readable(report, pdf=media_type == "application/pdf")
    return LoadedDocument(SourceInfo(name, digest, media_type, len(pages)), report)


def _pdf_lines(data: bytes) -> tuple[list[list[Line]], dict[int, list[float]]]:
    """Each page's printed lines, and the heights of the horizontal rules drawn on each page."""
    import pypdfium2 as pdfium  # imported here: plain-text loading must not need it

    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        message = str(exc).lower()
        if "password" in message or "security" in message:
            raise EncryptedPDF("the PDF is encrypted with a password") from None
        raise CorruptPDF(f"the PDF is corrupt or truncated ({exc})") from None
    try:
        if len(pdf) > MAX_PDF_PAGES:
            raise TooLarge(
                f"too large for an Ofsted letter or report ({len(pdf):,} pages; the limit is {MAX_PDF_PAGES})"
            )
        pages: list[list[Line]] = []
        rules: dict[int, list[float]] = {}
        for index in range(len(pdf)):
            page = pdf[index]
            try:
                height = page.get_height()
                width = page.get_width()
                textpage = page.get_textpage()
                raw = textpage.get_text_range()
                glyphs = _Glyphs(textpage)
                lines: list[Line] = []
                offset = 0
                for raw_line in re.split(r"\r\n|\n|\r", raw):
                    text = normalise_line(raw_line)
                    if text:
                        x, y, h, y_end, size = _line_geometry(glyphs, offset, len(raw_line))
                        lines.append(
                            Line(text, index + 1, y, h, height, y_end=y_end, size=size, x=x, page_width=width)
                        )
                    offset += len(raw_line) + 2  # pdfium separates lines with generated "\r\n"
                pages.append(lines)
                textpage.close()
                found = _page_rules(page)
                if found:
                    rules[index + 1] = found
            finally:
                page.close()
        return pages, rules
    except pdfium.PdfiumError as exc:
        raise CorruptPDF(f"the PDF could not be read ({exc})") from None
    finally:
        pdf.close()


# A table rule is a path object at most this tall (points) and at least this wide.
_RULE_MAX_HEIGHT = 1.6
_RULE_MIN_WIDTH = 40.0
_FORM_MAX_DEPTH = 15  # as pypdfium2's own object walk


def _page_rules(page) -> list[float]:
    """Heights of the thin horizontal paths (table rules, underlines) drawn on one page.

    Walks the page's objects (and those of its form XObjects) through the raw API: pypdfium2's
    object wrappers cost as much as the rest of the load (hundreds of text objects a page).
    """
    import ctypes

    import pypdfium2.raw as pdfium_raw

    object_type, bounds = _pdfium_object_calls()
    path_type, form_type = pdfium_raw.FPDF_PAGEOBJ_PATH, pdfium_raw.FPDF_PAGEOBJ_FORM
    left, bottom, right, top = (ctypes.c_float() for _ in range(4))
    out = [ctypes.byref(value) for value in (left, bottom, right, top)]
    ys: set[float] = set()
    # (container, its object count, getter, depth): the page first, then any nested forms.
    pending = [(page.raw, pdfium_raw.FPDFPage_CountObjects(page.raw), pdfium_raw.FPDFPage_GetObject, 0)]
    while pending:
        container, count, get_object, depth = pending.pop()
        for i in range(count):
            obj = get_object(container, i)
            kind = object_type(obj)
            if kind == form_type and depth < _FORM_MAX_DEPTH:
                nested = pdfium_raw.FPDFFormObj_CountObjects(obj)
                pending.append((obj, nested, pdfium_raw.FPDFFormObj_GetObject, depth + 1))
            if kind != path_type or not bounds(obj, *out):
                continue
            if top.value - bottom.value <= _RULE_MAX_HEIGHT and right.value - left.value >= _RULE_MIN_WIDTH:
                ys.add(round((top.value + bottom.value) / 2, 1))
    return sorted(ys)


class _Glyphs:
    """Glyph boxes and font sizes of one pdfium text page, read through the raw API.

    The wrapper's get_charbox allocates four ctypes doubles and raises on generated characters;
    a load asks for ~25 boxes and sizes a line, so this reuses one set and answers None instead,
    and calls pdfium through bare function pointers (`_pdfium_glyph_calls`).
    """

    def __init__(self, textpage) -> None:
        import ctypes

        self._charbox, self._fontsize = _pdfium_glyph_calls()
        self._handle = ctypes.c_void_p(ctypes.cast(textpage.raw, ctypes.c_void_p).value)
        self._box = [ctypes.c_double() for _ in range(4)]  # pdfium's order: l, r, b, t
        self._out = [ctypes.byref(value) for value in self._box]

    def box(self, index: int) -> tuple[float, float, float] | None:
        """(left, bottom, top) of the glyph at `index`, or None for a generated character."""
        left, _right, bottom, top = self._box
        if not self._charbox(self._handle, index, *self._out):
            return None
        return left.value, bottom.value, top.value

    def size(self, index: int) -> float:
        return self._fontsize(self._handle, index)


@functools.cache
def _pdfium_object_calls():  # noqa: ANN202 - two ctypes function pointers
    """FPDFPageObj_GetType and FPDFPageObj_GetBounds as bare function pointers (see
    `_pdfium_glyph_calls`): called with the typed object pointer pdfium handed out."""
    import ctypes

    import pypdfium2.raw as pdfium_raw

    return (
        _bare_call(pdfium_raw.FPDFPageObj_GetType, ctypes.c_int),
        _bare_call(pdfium_raw.FPDFPageObj_GetBounds, ctypes.c_int),
    )


@functools.cache
def _pdfium_glyph_calls():  # noqa: ANN202 - two ctypes function pointers
    """pdfium's FPDFText_GetCharBox and FPDFText_GetFontSize as bare C function pointers: no
    argument types for ctypes to check and convert on each call (the handle a void pointer, the
    index an int, the box doubles by reference), half the cost of pypdfium2's typed bindings
    for the same call into pdfium."""
    import ctypes

    import pypdfium2.raw as pdfium_raw

    return (
        _bare_call(pdfium_raw.FPDFText_GetCharBox, ctypes.c_int),
        _bare_call(pdfium_raw.FPDFText_GetFontSize, ctypes.c_double),
    )


def _bare_call(function, restype):  # noqa: ANN001, ANN202
    """A ctypes function pointer to the same C function with only its return type declared."""
    import ctypes

    address = ctypes.cast(function, ctypes.c_void_p).value
    if not address:
        raise ImportError(f"pdfium has no {function.__name__}")
    return ctypes.CFUNCTYPE(restype)(address)


def _line_geometry(
    glyphs: _Glyphs, offset: int, length: int
) -> tuple[float | None, float | None, float | None, float | None, float | None]:
    """(left, baseline, glyph height, last baseline, font size) of one pdfium text line."""
    # The first few glyphs of a line may be a quote mark or a bullet, whose boxes are short;
    # the tallest of them gives the line's baseline and size; the first inked one its left edge.
    # The glyph boxes through pdfium's raw call, bound once here (a line asks for up to twelve).
    charbox, handle = glyphs._charbox, glyphs._handle
    left, _right, bottom, top = glyphs._box  # pdfium's order: l, r, b, t
    out_left, out_right, out_bottom, out_top = glyphs._out
    best: tuple[float, float] | None = None
    x: float | None = None
    for i in range(offset, offset + min(length, 6)):
        if not charbox(handle, i, out_left, out_right, out_bottom, out_top):
            continue  # a generated character has no box
        h = top.value - bottom.value
        if h > 0 and x is None:
            x = left.value
        if h > 0 and (best is None or h > best[1]):
            best = (bottom.value, h)
    # pdfium joins two printed lines when the first ends in a hyphen it treats as soft ("cook-" +
    # "alongs"); the last glyphs' baseline tells where the joined line really ends.
    last: tuple[float, float] | None = None
    for i in range(offset + length - 1, max(offset, offset + length - 6) - 1, -1):
        if not charbox(handle, i, out_left, out_right, out_bottom, out_top):
            continue
        h = top.value - bottom.value
        if h > 0 and (last is None or h > last[1]):
            last = (bottom.value, h)
    font_size = _line_font_size(glyphs, offset, min(length, 24))
    if not best:
        return x, None, None, None, font_size
    # Only a drop of a line or more means a joined pair; smaller differences are glyph shapes.
    y_end = last[0] if last is not None and best[0] - last[0] > 0.8 * best[1] else best[0]
    return x, best[0], best[1], y_end, font_size


def _line_font_size(glyphs: _Glyphs, offset: int, count: int) -> float | None:
    """The median font size of a line's first `count` glyphs (generated spaces, size 1, aside).

    A size held by more than half of the `count` glyphs is the median whatever the others are
    (its run covers the middle of the sorted sizes), so reading stops there: a line of one font
    costs 13 calls into pdfium instead of 24.
    """
    fontsize, handle = glyphs._fontsize, glyphs._handle
    sizes: list[float] = []
    seen: dict[float, int] = {}
    for i in range(offset, offset + count):
        size = fontsize(handle, i)
        if size > 1.5:  # generated spaces report size 1
            sizes.append(size)
            held = seen[size] = seen.get(size, 0) + 1
            if 2 * held > count:
                return size
    return statistics.median(sizes) if sizes else None


# Byte-order marks, longest first (a UTF-32 LE mark starts with the UTF-16 LE one).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
# C1 control characters in decoded text are Windows-1252 punctuation read as Latin-1 somewhere
# along the way (U+0092 for a curly apostrophe): read them as Windows-1252 meant them.
_C1_AS_CP1252 = {
    code: bytes([code]).decode("cp1252")
    for code in range(0x80, 0xA0)
    if code not in (0x81, 0x8D, 0x8F, 0x90, 0x9D)
}


def decode_text(data: bytes) -> str:
    """A text file's characters: by its byte-order mark, else UTF-8, else Windows-1252, else
    Latin-1; UTF-16 without a mark is recognised by its zero bytes. Raises GarbledText for binary data."""
    text: str | None = None
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                raise GarbledText(
                    f"the file is neither a PDF nor readable text (not valid {codec})"
                ) from None
            break
    if text is None:
        bomless = _bomless_utf16(data)
        candidates = (bomless,) if bomless else ("utf-8", "cp1252", "latin-1")
        for candidate in candidates:
            try:
                text = data.decode(candidate)
                break
            except UnicodeDecodeError:
                continue
    # Text holds no NULs and, beyond a stray character or two, no other control characters.
    if text is None or "\x00" in text or len(_CONTROL_RE.findall(text)) > max(2, len(text) // 1000):
        raise GarbledText("the file is neither a PDF nor readable text (binary data)")
    return text.translate(_C1_AS_CP1252)


def _bomless_utf16(data: bytes) -> str | None:
    """'utf-16-le' or 'utf-16-be' when zero bytes fill one side of most character pairs (ASCII-range
    text in UTF-16 without a byte-order mark), else None."""
    sample = data[:4096]
    pairs = len(sample) // 2
    if pairs < 16:
        return None
    odd = sum(1 for i in range(1, 2 * pairs, 2) if sample[i] == 0)
    even = sum(1 for i in range(0, 2 * pairs, 2) if sample[i] == 0)
    if odd > 0.6 * pairs and even == 0:
        return "utf-16-le"
    if even > 0.6 * pairs and odd == 0:
        return "utf-16-be"
    return None


def _text_lines(data: bytes) -> list[list[Line]]:
    text = decode_text(data)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # A copied letter marks page breaks with a form feed or a run of three or more blank lines.
    raw_pages = re.split(r"\f|\n[ \t]*\n[ \t]*\n[ \t]*\n+", text)
    pages: list[list[Line]] = []
    for number, raw_page in enumerate(raw_pages, start=1):
        lines: list[Line] = []
        blank = True
        for raw_line in raw_page.split("\n"):
            clean = normalise_line(raw_line)
            if not clean:
                blank = True
                continue
            lines.append(Line(clean, number, gap_before=blank))
            blank = False
        pages.append(lines)
    pages = [p for p in pages if p] or [[]]
    if not any(ln.gap_before for lines in pages for ln in lines[1:]):
        pages = [_inferred_gaps(lines) for lines in pages]
    return pages


# The end of a sentence at the end of a line: a closing bracket alone is not one.
_SENTENCE_END_RE = re.compile(r"[.!?:;][”’'\")]*$")


def _inferred_gaps(lines: list[Line]) -> list[Line]:
    """A text with no blank line anywhere between its lines (a letter pasted from a browser or a
    PDF viewer), its paragraph breaks inferred.

    A line opens a paragraph when it is a bullet, or when the line before stopped short of the
    text's width (its first word would have fitted there); in a paste of whole paragraphs, one
    a line, also after a line that ends a sentence. A line carrying on an unfinished sentence in
    lower case never does. In text wrapped to a width (most lines near it), a sentence ending at
    a full line is not taken for a paragraph's end.
    """
    if len(lines) < 2:
        return lines
    lengths = sorted(len(ln.text) for ln in lines)
    width = lengths[int(0.9 * (len(lengths) - 1))]
    wrapped = sum(1 for n in lengths if n >= 0.75 * width) > 0.5 * len(lengths)
    out = [lines[0]]
    for prev, ln in zip(lines, lines[1:], strict=False):
        if BULLET_RE.match(ln.text):
            gap = True
        elif _continues(prev.text, ln.text):
            gap = False
        else:
            fits = len(prev.text) + 1 + len(ln.text.split(" ", 1)[0]) <= width
            gap = fits or (not wrapped and bool(_SENTENCE_END_RE.search(prev.text)))
        out.append(replace(ln, gap_before=gap))
    return out


# ------------------------------------------------------------------------------ furniture


def _furniture_key(text: str) -> str:
    return re.sub(r"\d+", "#", text.lower())


def _drop_furniture(pages: list[list[Line]]) -> tuple[list[list[Line]], list[str]]:
    """Remove page numbers, Ofsted's address block and running headers/footers; also return the
    running headers/footers removed (each distinct text once)."""
    n_pages = len(pages)
    # Running headers/footers repeat (digits aside) at the same place on several pages.
    counts: Counter[str] = Counter()
    for lines in pages[1:] if n_pages > 2 else pages:
        counts.update({_furniture_key(ln.text) for ln in _margin_lines(lines)})
    repeated = {k for k, c in counts.items() if c >= max(2, (n_pages - 1) // 2)}
    kept: list[list[Line]] = []
    running: dict[str, str] = {}  # furniture key -> the first text printed with it
    for index, lines in enumerate(pages):
        margin = set(map(id, _margin_lines(lines)))
        margin |= set(map(id, _extreme_lines(lines)))
        footnotes = set(map(id, _footnote_lines(lines)))
        letterhead = set(map(id, _letterhead_lines(lines))) if index == 0 else set()
        out = []
        for ln in lines:
            if id(ln) in footnotes or id(ln) in letterhead:
                continue
            if PAGE_NUMBER_RE.match(ln.text) and (id(ln) in margin or ln.y is None):
                continue
            if id(ln) in margin and _furniture_key(ln.text) in repeated:
                if not PAGE_NUMBER_RE.match(ln.text):
                    running.setdefault(_furniture_key(ln.text), ln.text)
                continue
            out.append(ln)
        kept.append(out)
    return kept, list(running.values())


_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
LETTER_DATE_RE = re.compile(rf"^\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS})\s+\d{{4}}$", re.IGNORECASE)


# Address lines that can also be a letter's own text: the signature block's inspectorate, the
# addressee's town.
_AMBIGUOUS_ADDRESS_LINES = frozenset({"ofsted", "london", "manchester", "warwick"})


def _letterhead_lines(lines: list[Line]) -> list[Line]:
    """Ofsted's address and contact lines on a letter's first page.

    "Piccadilly Gate", "T 0300 123 1231" or "Ofsted Piccadilly Gate Store Street" go wherever
    they are. A lone "Ofsted", "London", ... goes only where a letterhead sits: above the letter's
    date (printed higher on the page, or before it in a text copy), in a PDF's right-hand sidebar
    or top/bottom margin, or in a block of three or more address lines. A lone "Ofsted" heading a
    JTAI's signature block, or "London" in the addressee's address, is the letter's own text.
    """
    address = [ADDRESS_LINE_RE.match(ln.text) is not None for ln in lines]
    if not any(address):
        return []
    dropped = {
        i for i, ln in enumerate(lines) if address[i] and ln.text.lower() not in _AMBIGUOUS_ADDRESS_LINES
    }
    page_height = lines[0].page_height
    if lines[0].y is not None and page_height is not None:
        dated = [ln.y for ln in lines if ln.y is not None and LETTER_DATE_RE.match(ln.text)]
        top = max(dated) if dated else 0.75 * page_height
        margin = set(map(id, _margin_lines(lines)))
        for i, ln in enumerate(lines):
            sidebar = ln.x is not None and ln.page_width is not None and ln.x > 0.55 * ln.page_width
            if address[i] and ((ln.y is not None and ln.y > top) or sidebar or id(ln) in margin):
                dropped.add(i)
    else:
        date_at = next((i for i, ln in enumerate(lines) if LETTER_DATE_RE.match(ln.text)), None)
        # Without a date on the page, only the run of address lines the page opens with.
        header_end = (
            date_at if date_at is not None else address.index(False) if False in address else len(lines)
        )
        dropped.update(i for i in range(header_end) if address[i])
    run_start = 0
    for i in range(len(lines) + 1):
        if i < len(lines) and address[i]:
            continue
        if i - run_start >= 3:
            dropped.update(range(run_start, i))
        run_start = i + 1
    return [lines[i] for i in sorted(dropped)]


def _extreme_lines(lines: list[Line]) -> list[Line]:
    """The lowest and highest printed line of a page: where a page number sits, however deep the margin."""
    placed = [ln for ln in lines if ln.y is not None]
    if len(placed) < 3:
        return []
    return [min(placed, key=lambda ln: ln.y or 0.0), max(placed, key=lambda ln: ln.y or 0.0)]


_FOOTNOTE_START_RE = re.compile(r"^(?:\d{1,2}|\*)\s*\S")
_FOOTNOTE_MARK_RE = re.compile(r"^\d{1,2}$")


def _footnote_lines(lines: list[Line]) -> list[Line]:
    """Footnote markers (a lone superscript digit on its own line) and the footnote block at a page's
    foot: smaller type than the page's body, its first line starting with the note's number."""
    sized = [ln for ln in lines if ln.size is not None and ln.y is not None]
    if len(sized) < 5:
        return []
    body = statistics.median(ln.size for ln in sized if ln.size)
    small = [ln for ln in sized if ln.size and ln.size < 0.9 * body]
    drop = [ln for ln in small if _FOOTNOTE_MARK_RE.match(ln.text)]
    # Walk up from the bottom while the type stays small; a page number below the note may interrupt.
    block: list[Line] = []
    for ln in sorted(sized, key=lambda ln: ln.y or 0.0):
        if ln.size and ln.size < 0.9 * body and not _FOOTNOTE_MARK_RE.match(ln.text):
            block.append(ln)
        elif PAGE_NUMBER_RE.match(ln.text) and not block:
            continue
        else:
            break
    while block and not _FOOTNOTE_START_RE.match(block[-1].text):
        block.pop()  # the block must open with the note's number
    return drop + block


def _margin_lines(lines: list[Line]) -> list[Line]:
    """Lines printed in the top or bottom margin (PDF) or first/last two lines of a page (text)."""
    if not lines:
        return []
    if lines[0].y is None or lines[0].page_height is None:
        return lines[:2] + lines[-2:]
    ph = lines[0].page_height
    return [ln for ln in lines if ln.y is not None and (ln.y < 0.085 * ph or ln.y > 0.93 * ph)]


# ----------------------------------------------------------------------------- paragraphs


# A numbered paragraph ("12. Children ...") set without a gap above it (BCP focused visit 2020).
_NUMBERED_RE = re.compile(r"^\d{1,3}\.\s*[A-Z‘'“(]")


def _bottom(line: Line) -> float:
    if line.y_end is not None:
        return line.y_end
    if line.y is None:
        raise ValueError("a plain-text line has no printed position")
    return line.y


def _paragraph_breaks(lines: list[Line]) -> list[bool]:
    """For each line, whether it starts a new paragraph."""
    if not lines:
        return []
    if lines[0].y is None:
        return [ln.gap_before or bool(BULLET_RE.match(ln.text)) for ln in lines]
    pitches = [
        _bottom(a) - b.y
        for a, b in zip(lines, lines[1:], strict=False)
        if a.y is not None and b.y is not None and 0 < _bottom(a) - b.y < 40
    ]
    # The lower quartile, not the median: on a short page paragraph gaps can be half the drops.
    pitch = sorted(pitches)[len(pitches) // 4] if pitches else 14.0
    breaks = [True]
    for prev, ln in zip(lines, lines[1:], strict=False):
        if prev.y is None or ln.y is None:
            breaks.append(True)
            continue
        drop = _bottom(prev) - ln.y
        numbered = bool(_NUMBERED_RE.match(ln.text)) and bool(_ENDS_RE.search(prev.text))
        new = drop > 1.45 * pitch or drop < -2 or bool(BULLET_RE.match(ln.text)) or numbered
        breaks.append(new)
    return breaks


_CONTINUES_RE = re.compile(r"^[a-z(‘'“\"]|^\d+(?:\.\d+)?\s*(?:%|per cent)")
_ENDS_RE = re.compile(r"[.!?:;”\"’')]$")


def build_report_text(pages: list[list[Line]], rules: dict[int, list[float]] | None = None) -> ReportText:
    pages, furniture = _drop_furniture(pages)
    paragraphs: list[tuple[list[Line], int]] = []  # (lines, page)
    for lines in pages:
        breaks = _paragraph_breaks(lines)
        for i, (ln, new) in enumerate(zip(lines, breaks, strict=True)):
            first_on_page = i == 0
            if first_on_page and paragraphs and _continues(paragraphs[-1][0][-1].text, ln.text):
                paragraphs[-1][0].append(ln)
            elif new or not paragraphs:
                paragraphs.append(([ln], ln.page))
            else:
                paragraphs[-1][0].append(ln)
    text_parts: list[str] = []
    out: list[Paragraph] = []
    text_lines: list[TextLine] = []
    page_starts: dict[int, int] = {}
    offset = 0
    for parts, page in paragraphs:
        para, line_offsets = _join([ln.text for ln in parts])
        if text_parts:
            offset += 2
        out.append(Paragraph(para, offset, offset + len(para), page))
        for ln, (a, b) in zip(parts, line_offsets, strict=True):
            text_lines.append(
                TextLine(para[a:b], offset + a, offset + b, ln.page, ln.x, ln.y, ln.height, ln.page_width)
            )
            page_starts.setdefault(ln.page, offset + a)
        text_parts.append(para)
        offset += len(para)
    n_pages = len(pages)
    starts: list[int] = []
    last = 0
    for page in range(1, n_pages + 1):
        last = page_starts.get(page, last)
        starts.append(last)
    return ReportText("\n\n".join(text_parts), out, starts, text_lines, dict(rules or {}), furniture)


def _continues(previous: str, line: str) -> bool:
    return not _ENDS_RE.search(previous) and bool(_CONTINUES_RE.match(line))


def _join(parts: list[str]) -> tuple[str, list[tuple[int, int]]]:
    """Join a paragraph's lines; also return each line's [start, end) within the paragraph."""
    text = parts[0]
    spans = [(0, len(text))]
    for part in parts[1:]:
        # A word hyphenated across lines keeps its hyphen (Ofsted hyphenates compounds, not syllables).
        if not (text.endswith("-") and text[-2:-1].isalpha()):
            text += " "
        spans.append((len(text), len(text) + len(part)))
        text += part
    return text, spans


_ODD_RE = re.compile("[\ufffd\ue000-\uf8ff]")


def _letters_up_to(text: str, enough: int) -> int:
    """The letters in `text`, counted until `enough` are found (a real report has them at once)."""
    count = 0
    for ch in text:
        if ch.isalpha():
            count += 1
            if count >= enough:
                break
    return count


def _check_readable(report: ReportText, *, pdf: bool = True) -> None:
    text = report.text
    letters = _letters_up_to(text, 200)
    if letters < 200 and not pdf:
        raise EmptyDocument(
            f"too little text for a letter or report ({letters} letter{'' if letters == 1 else 's'})"
        )
    if letters < 200:
        raise NoTextLayer(
            "no text layer: the document looks scanned or image-only (run OCR first)"
            if report.pages
            else "no text found"
        )
    # Character by character in Python this was a fifth of reading a PDF: count with the regex
    # engine instead (the same characters: U+FFFD and the private-use area, bullets aside).
    odd = sum(1 for ch in _ODD_RE.findall(text) if ch not in BULLETS)
    words = re.findall(r"[A-Za-z]+", text)
    common = sum(map(_STOPWORDS.__contains__, map(str.lower, words)))
    if odd > 0.02 * len(text) or (len(words) > 50 and common / len(words) < 0.05):
        if pdf:
            raise GarbledText("the text layer is garbled (broken font encoding); the words cannot be trusted")
        # A text file has no font to blame: say what was found.
        raise GarbledText(
            "the text does not read as English prose (too few common words, or unreadable characters)"
        )
