"""The report text: furniture removed, paragraphs whole, offsets and pages consistent (real letters)."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest
from ofsted_kg.loaders.document import ReportText, load, load_bytes

LETTERS = Path(__file__).resolve().parent.parent / "examples" / "letters"
TEXT_LETTERS = Path(__file__).resolve().parent / "corpus" / "text"
SAMPLE = [
    "focused-visit_barking-and-dagenham_2018-04.pdf",
    "focused-visit_barnet_2021-08.pdf",
    "focused-visit_barnet_2025-12.pdf",
    "focused-visit_bournemouth-christchurch-and-poole_2020-11.pdf",
    "focused-visit_doncaster_2021-04.pdf",
    "focused-visit_manchester_2018-10.pdf",
    "focused-visit_southwark_2020-11.pdf",
    "focused-visit_peterborough_2021-08.txt",
    "ilacs_warwickshire_2025-10.pdf",
    "other_kingston-upon-hull_2015-02.pdf",
    "send-area_enfield_2023-08.pdf",
]


@functools.cache
def report(name: str) -> ReportText:
    return load((TEXT_LETTERS if name.endswith(".txt") else LETTERS) / name).report


def paragraphs(name: str) -> list[str]:
    return [p.text for p in report(name).paragraphs]


@pytest.mark.parametrize("name", SAMPLE)
def test_offsets_are_consistent(name: str) -> None:
    r = report(name)
    assert r.text == "\n\n".join(p.text for p in r.paragraphs)
    for p in r.paragraphs:
        assert r.text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and "\n" not in p.text and "  " not in p.text
        assert r.page_at(p.start) == p.page
    for line in r.lines:
        assert r.text[line.start : line.end] == line.text
    assert r.page_starts == sorted(r.page_starts)
    assert r.pages >= 1 and r.page_at(len(r.text) - 1) == r.pages


@pytest.mark.parametrize("name", SAMPLE)
def test_furniture_is_gone(name: str) -> None:
    texts = paragraphs(name)
    assert not any(t.isdigit() for t in texts), "bare page numbers"
    # Ofsted's address block on page 1 (a report's back-page colophon is content, left to its parser).
    first_page = [p.text for p in report(name).paragraphs if p.page == 1]
    assert not any(t.startswith(("Piccadilly Gate", "Textphone", "enquiries@ofsted")) for t in first_page)


def test_footnote_at_the_foot_of_the_page_is_dropped() -> None:
    # Barnet 2025 page 2 ends with a footnote cross-referencing the National Framework, in smaller type.
    text = report("focused-visit_barnet_2025-12.pdf").text
    assert "have been cross-referenced with the outcomes" not in text
    # The paragraph the footnote interrupted continues across the page break.
    assert any(
        t.startswith("Most care leavers are supported well to develop independent living skills")
        and t.endswith("live independently and confidently.")
        for t in paragraphs("focused-visit_barnet_2025-12.pdf")
    )


def test_a_line_pdfium_joined_at_a_hyphen_does_not_break_its_paragraph() -> None:
    # "virtual cook-" / "alongs ... Bright Spots" / "survey." : pdfium joins the first two lines.
    texts = paragraphs("focused-visit_barnet_2021-08.pdf")
    assert "survey." not in texts
    assert any(t.endswith("the recently commissioned Bright Spots survey.") for t in texts)


def test_page_number_printed_above_the_footer_margin_is_dropped() -> None:
    texts = paragraphs("focused-visit_doncaster_2021-04.pdf")
    assert not any(t in {"2", "3", "4", "5"} for t in texts)


def test_numbered_paragraphs_without_a_gap_are_separate() -> None:
    texts = paragraphs("focused-visit_bournemouth-christchurch-and-poole_2020-11.pdf")
    numbered = [t.split(".", 1)[0] for t in texts if t[:1].isdigit() and "." in t[:4]]
    assert numbered[:5] == ["1", "2", "3", "4", "5"]


def test_short_last_page_keeps_its_paragraph_gaps() -> None:
    texts = paragraphs("focused-visit_manchester_2018-10.pdf")
    closing = "Ofsted will take the findings from this focused visit into account when planning your next inspection or visit."
    assert closing in texts
    assert "Yours sincerely" in texts


def test_plain_text_pages_and_paragraphs() -> None:
    r = report("focused-visit_peterborough_2021-08.txt")
    assert r.paragraphs[0].text == "2 August 2021"
    assert any(p.text == "Main findings" for p in r.paragraphs)


def test_kind_is_read_from_the_bytes_not_the_name() -> None:
    data = (TEXT_LETTERS / "focused-visit_peterborough_2021-08.txt").read_bytes()
    doc = load_bytes(data, "letter.dat")
    assert doc.source.media_type == "text/plain"
    pdf = load_bytes((LETTERS / "focused-visit_barnet_2021-08.pdf").read_bytes(), "letter.txt")
    assert pdf.source.media_type == "application/pdf" and pdf.source.pages == 4


def test_pdf_lines_keep_where_they_were_printed() -> None:
    r = report("send-area_enfield_2023-08.pdf")
    for line in r.lines:
        assert line.x is not None and line.page_width is not None and 0 <= line.x < line.page_width
        assert line.y is not None and line.height is not None and line.height > 0
    # A paragraph's lines run down the page.
    body = next(p for p in r.paragraphs if len(p.text) > 400)
    ys = [ln.y for ln in r.lines if body.start <= ln.start < body.end]
    assert len(ys) > 3 and ys == sorted(ys, reverse=True)  # type: ignore[type-var]
    text = load_bytes(r.text.encode(), "enfield.txt").report
    assert all(ln.x is None and ln.y is None for ln in text.lines) and text.rules == {}


def test_table_rules_separate_rows_and_footer_rules_separate_nothing() -> None:
    r = report("send-area_enfield_2023-08.pdf")
    assert set(r.rules) <= set(range(1, r.pages + 1))
    ruled = [(a, b) for a, b in zip(r.lines, r.lines[1:], strict=False) if r.rule_between(a, b)]
    # The "Areas for improvement" table: a rule under each of its three rows but the last.
    rows = [
        b.text
        for a, b in ruled
        if a.page == b.page and b.text.startswith(("Leaders should", "The partnership"))
    ]
    assert len(rows) == 3
    # Pages 2-4 are prose above a ruled footer: the footer rule never falls between two lines.
    for p in (p for p in r.paragraphs if 2 <= p.page <= 4):
        inside = [ln for ln in r.lines if p.start <= ln.start < p.end]
        assert not any(r.rule_between(a, b) for a, b in zip(inside, inside[1:], strict=False)), p.text[:60]


def test_letterhead_dropped_but_an_addressees_town_kept() -> None:
    # Southwark 2020: Ofsted's Manchester letterhead is printed above the date; "London" ends the
    # addressee's address below it and is the letter's text.
    r = report("focused-visit_southwark_2020-11.pdf")
    page1 = [ln.text for ln in r.lines if ln.page == 1]
    assert "London" in page1
    assert not any(t in page1 for t in ("Ofsted", "Piccadilly Gate", "Manchester", "M1 2WD"))


def test_lone_ofsted_line_in_a_text_letter_is_kept() -> None:
    # A JTAI's signature block opens with "Ofsted"; a plain-text letter is all one page.
    path = LETTERS.parent.parent / "tests" / "corpus" / "synthetic" / "synthetic-jtai_calderdale_2023-04.txt"
    r = load(path).report
    texts = [ln.text for ln in r.lines]
    assert r.pages == 1 and texts[texts.index("Yours sincerely") + 1] == "Ofsted"


def test_text_letterhead_before_the_date_as_a_block_or_a_footer_is_dropped() -> None:
    letterhead = "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD\nT 0300 123 1231\n"
    body = (
        "Jo Bloggs\nDirector of Children's Services\nLondon\n\nDear Jo\n\n"
        + "The inspectors found that children in London are seen and their needs are met. " * 10
        + "\n\nYours sincerely\n\nOfsted\nA Person\nHis Majesty's Inspector\n"
    )
    footer = "\nOfsted, Piccadilly Gate, Store Street, Manchester M1 2WD\nT 0300 123 1231\n"
    for text in (
        letterhead + "\n12 March 2024\n\n" + body,
        "12 March 2024\n\n" + body + "\n" + letterhead,
        "12 March 2024\n\n" + body + footer,
    ):
        lines = [ln.text for ln in load_bytes(text.encode(), "letter.txt").report.lines]
        assert not any(part in t for t in lines for part in ("Piccadilly Gate", "M1 2WD", "0300 123 1231"))
        assert lines.count("London") == 1 and lines.count("Ofsted") == 1
