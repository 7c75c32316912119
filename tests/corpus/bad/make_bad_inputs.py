"""Build the bad-input documents the tests feed to ofsted-kg, from the real letters and by hand.

Nothing here needs more than the project's own dependencies (pypdfium2): the tests call these
functions into a temporary folder. Run as a script to write them into this folder for a look:
    python tests/corpus/bad/make_bad_inputs.py
"""

from __future__ import annotations

import io
import random
from pathlib import Path

HERE = Path(__file__).resolve().parent
LETTERS = HERE.parent.parent.parent / "examples" / "letters"
SOURCE_LETTER = LETTERS / "focused-visit_cornwall_2022-02.pdf"
TEXT_LETTER = HERE.parent / "text" / "focused-visit_peterborough_2021-08.txt"
SCHOOL_REPORT = HERE.parent / "unsupported" / "other_rough-hay-primary-school-walsall_2016-11.pdf"


def minimal_pdf(lines: list[str], encrypt: bool = False) -> bytes:
    """A one-page PDF showing `lines` in Helvetica, written object by object with a correct xref.

    With `encrypt`, the trailer carries a Standard security handler whose /U entry does not match
    the empty password: to a reader it is a PDF locked with a password it does not know.
    """
    text_ops = ["BT", "/F1 11 Tf", "14 TL", "50 800 Td"]
    for line in lines:
        escaped = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text_ops.append(f"({escaped}) '")
    text_ops.append("ET")
    stream = "\n".join(text_ops).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >>"
        b" /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if encrypt:
        rng = random.Random(42)
        owner = bytes(rng.randrange(256) for _ in range(32)).hex().encode()
        user = bytes(rng.randrange(256) for _ in range(32)).hex().encode()
        objects.append(b"<< /Filter /Standard /V 1 /R 2 /O <" + owner + b"> /U <" + user + b"> /P -44 >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    trailer = b"<< /Size %d /Root 1 0 R" % (len(objects) + 1)
    if encrypt:
        trailer += (
            b" /Encrypt %d 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>]"
            % len(objects)
        )
    out.write(b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def garbled_words(count: int = 400, seed: int = 3) -> list[str]:
    """Lines of the consonant soup a PDF with a broken font encoding yields."""
    rng = random.Random(seed)
    words = [
        "".join(rng.choice("bcdfghjklmnpqrstvwxz") for _ in range(rng.randint(3, 9))) for _ in range(count)
    ]
    return [" ".join(words[i : i + 10]) for i in range(0, count, 10)]


def scanned_pdf(source: Path = SOURCE_LETTER) -> bytes:
    """The first page of a real letter rendered to an image and placed in a new PDF: no text layer."""
    import pypdfium2 as pdfium

    src = pdfium.PdfDocument(source.read_bytes())
    try:
        page = src[0]
        width, height = page.get_size()
        bitmap = page.render(scale=0.6)
        out = pdfium.PdfDocument.new()
        new_page = out.new_page(width, height)
        image = pdfium.PdfImage.new(out)
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(width, height))
        new_page.insert_obj(image)
        new_page.gen_content()
        buffer = io.BytesIO()
        out.save(buffer)
        return buffer.getvalue()
    finally:
        src.close()


def letter_without_dates(source: Path = TEXT_LETTER) -> bytes:
    """The plain-text focused visit letter with every date's year removed."""
    import re

    text = source.read_text(encoding="utf-8")
    return re.sub(r"\b(19|20)\d{2}\b", "", text).encode("utf-8")


def letter_without_authority(source: Path = TEXT_LETTER) -> bytes:
    """The plain-text focused visit letter with the authority's name replaced by a place that is none."""
    text = source.read_text(encoding="utf-8")
    return text.replace("Peterborough", "Narnia").encode("utf-8")


def bad_inputs() -> dict[str, bytes]:
    """File name -> bytes for every bad input the tests use."""
    letter = SOURCE_LETTER.read_bytes()
    rng = random.Random(1234)
    return {
        "empty.pdf": b"",
        "blank.txt": b" \n\n \t\n",
        "truncated.pdf": letter[: len(letter) // 2],
        "corrupt.pdf": b"%PDF-1.7\n" + bytes(rng.randrange(256) for _ in range(4000)),
        "encrypted.pdf": minimal_pdf(["Focused visit to Nowhere children's services"] * 40, encrypt=True),
        "page.pdf": b"<!DOCTYPE html>\n<html><head><title>Ofsted</title></head><body><p>Report</p></body></html>\n",
        "scanned.pdf": scanned_pdf(),
        "school.pdf": SCHOOL_REPORT.read_bytes(),
        "random.bin": bytes(rng.randrange(256) for _ in range(5000)),
        "random.pdf": bytes(rng.randrange(256) for _ in range(5000)),
        "no-dates.txt": letter_without_dates(),
        "no-authority.txt": letter_without_authority(),
        "garbled.pdf": minimal_pdf(garbled_words()[:55]),
        "garbled.txt": "\n".join(garbled_words()[:55]).encode("utf-8"),
        "unrelated.txt": (
            "Minutes of the allotment society\n\n"
            + "The committee met to discuss the summer show and the state of the paths around the plots. "
            * 12
        ).encode("utf-8"),
    }


if __name__ == "__main__":
    for name, data in bad_inputs().items():
        (HERE / name).write_bytes(data)
        print(name, len(data))
