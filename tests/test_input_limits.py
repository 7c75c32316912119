"""Bad input of issue 13: oversized files refused early, text in the encodings people save it in,
file names that would split an error line. Each through the real CLI or the real loader."""

from __future__ import annotations

import codecs
import subprocess
import sys
from pathlib import Path

import pypdfium2 as pdfium
import pytest
from ofsted_kg.loaders import document, errors
from ofsted_kg.loaders.extract import extract_bytes, extract_path

from ofsted_kg.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEXT_LETTER = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
PDF_LETTER = ROOT / "examples" / "letters" / "focused-visit_cornwall_2022-02.pdf"


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args], capture_output=True, text=True, cwd=cwd, timeout=600
    )


# ------------------------------------------------------------------------------- size limits


def test_an_oversized_text_file_is_refused_and_the_batch_goes_on(tmp_path: Path) -> None:
    # Issue 13: a .txt over 16 MB ran for minutes to a MemoryError traceback, and with -j 1 the
    # rest of the batch was never loaded. A real letter's text repeated to 17 MB:
    letter = TEXT_LETTER.read_text(encoding="utf-8")
    big = tmp_path / "big.txt"
    big.write_text(letter * (17 * 1024 * 1024 // len(letter) + 1), encoding="utf-8")
    assert big.stat().st_size > 17 * 1024 * 1024
    good = tmp_path / "letter.txt"
    good.write_text(letter, encoding="utf-8")
    done = cli("--store", str(tmp_path / "kg.db"), "ingest", "-j", "1", str(big), str(good), cwd=tmp_path)
    assert done.returncode == 1, done.stderr
    lines = done.stderr.strip().splitlines()
    assert lines[0] == (
        f"ofsted-kg: {big}: too large for an Ofsted letter or report (a 17.0 MB text file; the limit is 4.0 MB)"
    )
    assert "loaded 1," in lines[-1] and "failed 1" in lines[-1]
    assert "Traceback" not in done.stderr


def test_size_is_checked_before_the_file_is_read(tmp_path: Path) -> None:
    # Sparse files: a 2 GB "text" and a 100 MB "PDF" are refused from their size, unread.
    text = tmp_path / "huge.txt"
    with text.open("wb") as handle:
        handle.write(b"Focused visit to Nowhere children's services\n")
        handle.truncate(2 * 1024**3)
    pdf = tmp_path / "huge.pdf"
    with pdf.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(100 * 1024**2)
    with pytest.raises(errors.TooLarge, match=r"a 2048\.0 MB text file; the limit is 4\.0 MB"):
        extract_path(text)
    with pytest.raises(errors.TooLarge, match=r"a 100\.0 MB PDF; the limit is 64\.0 MB"):
        extract_path(pdf)


def test_a_pdf_with_more_pages_than_any_report_is_refused() -> None:
    pdf = pdfium.PdfDocument.new()
    for _ in range(document.MAX_PDF_PAGES + 1):
        pdf.new_page(595, 842)
    import io

    buffer = io.BytesIO()
    pdf.save(buffer)
    pdf.close()
    with pytest.raises(errors.TooLarge, match=rf"{document.MAX_PDF_PAGES + 1} pages; the limit is 500"):
        extract_bytes(buffer.getvalue(), "long.pdf")


def test_a_text_file_with_more_lines_than_any_report_is_refused_before_they_are_built() -> None:
    letter = TEXT_LETTER.read_bytes()
    many = letter + b"- point\n" * 450_000  # 3.6 MB: under the byte limit (it took 13 s to refuse)
    assert len(many) < document.MAX_TEXT_BYTES
    with pytest.raises(errors.TooLarge, match=r"\(450,\d{3} lines; the limit is 100,000\)"):
        extract_bytes(many, "many-lines.txt")
    # The same limit in UTF-16, whose newlines are two bytes.
    wide = codecs.BOM_UTF16_LE + (letter + b"- point\n" * 150_000).decode("utf-8").encode("utf-16-le")
    assert len(wide) < document.MAX_TEXT_BYTES
    with pytest.raises(errors.TooLarge, match=r"\(150,\d{3} lines; the limit is 100,000\)"):
        extract_bytes(wide, "many-lines.txt")


def test_the_limits_are_far_above_real_documents() -> None:
    # The largest example, a SIF report with its LSCB review: 0.8 MB, 50 pages, 122,000 characters.
    largest = ROOT / "examples" / "letters" / "other_birmingham_2016-11.pdf"
    assert largest.stat().st_size * 50 < document.MAX_PDF_BYTES
    record = extract_path(ROOT / "examples" / "letters" / "other_kingston-upon-hull_2015-02.pdf")
    assert len(record.text) * 20 < document.MAX_TEXT_CHARS
    assert record.source is not None and record.source.pages * 5 <= document.MAX_PDF_PAGES
    assert TEXT_LETTER.read_bytes().count(b"\n") * 100 < document.MAX_TEXT_LINES


# ------------------------------------------------------------------------------- encodings


@pytest.mark.parametrize(
    ("encoding", "bom"),
    [
        ("utf-16-le", codecs.BOM_UTF16_LE),
        ("utf-16-be", codecs.BOM_UTF16_BE),
        ("utf-32-le", codecs.BOM_UTF32_LE),
        ("utf-8", codecs.BOM_UTF8),
        ("utf-16-le", b""),  # no byte-order mark: told by its zero bytes
        ("utf-16-be", b""),
        ("cp1252", b""),  # Windows "ANSI": curly quotes are bytes 0x91-0x94
    ],
)
def test_text_in_the_encodings_people_save_it_in(tmp_path: Path, encoding: str, bom: bytes) -> None:
    # Issue 13: UTF-16 text with a byte-order mark was rejected as "binary data".
    letter = TEXT_LETTER.read_text(encoding="utf-8")
    path = tmp_path / "letter.txt"
    path.write_bytes(bom + letter.encode(encoding))
    expected = extract_path(TEXT_LETTER).to_json()
    assert extract_path(path).to_json() == expected


def test_latin_1_text(tmp_path: Path) -> None:
    # ISO 8859-1 has no curly quotes: the same letter with straight quotes and an accent it does have.
    letter = TEXT_LETTER.read_text(encoding="utf-8").translate(str.maketrans("‘’“”", "''\"\""))
    letter = letter.replace("Peterborough City Council", "Peterborough City Council (Conseil régional)", 1)
    path = tmp_path / "letter.txt"
    path.write_bytes(letter.encode("latin-1"))
    assert path.read_bytes().count(b"\xe9") == 1  # "é" as one Latin-1 byte, invalid as UTF-8
    record = extract_path(path)
    assert record.to_json() == extract_bytes(letter.encode("utf-8"), "letter.txt").to_json()
    assert "régional" in record.text


def test_windows_punctuation_read_as_latin_1_somewhere_along_the_way(tmp_path: Path) -> None:
    # Text that went through a Windows-1252 file read as Latin-1 and saved as UTF-8: its curly
    # quotes and dashes are now C1 control characters (U+0091-U+0097). They read as meant.
    # Cornwall's letter, curly quotes and all (its bullet glyphs have no Windows-1252 byte: "-").
    letter = document.load(PDF_LETTER).report.text.replace("\u25fc", "-")
    mangled = letter.encode("cp1252").decode("latin-1")
    assert "\x92" in mangled and "’" not in mangled
    path = tmp_path / "letter.txt"
    path.write_text(mangled, encoding="utf-8")
    assert extract_path(path).to_json() == extract_bytes(letter.encode("utf-8"), "letter.txt").to_json()


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 20,  # every byte: control characters throughout
        codecs.BOM_UTF16_LE + b"\x00\xd8" * 300,  # a byte-order mark, then no valid UTF-16
    ],
    ids=["bytes", "bad-utf-16"],
)
def test_binary_data_is_still_refused(data: bytes) -> None:
    with pytest.raises(errors.GarbledText, match="neither a PDF nor readable text"):
        extract_bytes(data, "data.txt")


# ------------------------------------------------------------------------------- file names


BAD_NAME = "bad\nname\x1b[31m.txt"


def test_a_file_name_with_a_newline_stays_on_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Issue 13: a name holding a newline split the error line in two; control characters are escaped too.
    path = tmp_path / BAD_NAME
    path.write_text("too short to be a letter", encoding="utf-8")
    code = main(["-q", "extract", str(path)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "\x1b" not in err
    assert err == f"ofsted-kg: {str(path)!r}: too little text for a letter or report (19 letters)\n"


def test_ingest_names_every_failure_on_its_own_line(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / BAD_NAME).write_text("too short to be a letter", encoding="utf-8")
    (folder / "letter.txt").write_bytes(TEXT_LETTER.read_bytes())
    done = cli("--store", str(tmp_path / "kg.db"), "ingest", "-j", "1", str(folder), cwd=tmp_path)
    assert done.returncode == 1
    lines = done.stderr.strip().splitlines()
    assert lines == [
        f"ofsted-kg: {str(folder / BAD_NAME)!r}: too little text for a letter or report (19 letters)",
        "ofsted-kg: loaded 1, skipped 0 (unchanged), failed 1",
    ]


def test_shown_leaves_ordinary_names_alone() -> None:
    assert (
        errors.shown("examples/letters/ilacs_kent_2026-02.pdf") == "examples/letters/ilacs_kent_2026-02.pdf"
    )
    assert errors.shown("Lettres/rapport d'inspection é.pdf") == "Lettres/rapport d'inspection é.pdf"
    assert errors.shown("a\tb.pdf") == "'a\\tb.pdf'"
    assert errors.shown(" leading.pdf") == "' leading.pdf'"
    assert errors.shown(Path("x\ny")) == "'x\\ny'"
