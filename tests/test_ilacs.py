"""ILACS inspection reports (2018-2026): every example report against its hand-written gold record."""

from __future__ import annotations

import re

import pytest
from ofsted_kg.loaders import ilacs
from ofsted_kg.loaders.document import load, load_bytes
from ofsted_kg.loaders.errors import ExtractionFailed
from report_gold import (
    ROOT,
    assert_fields_match_gold,
    assert_matches_gold,
    extracted,
    gold,
    gold_files,
    normalise,
    report_text,
    span_text,
)

GOLD_FILES = gold_files("ilacs")
IDS = [p.stem for p in GOLD_FILES]


def test_every_ilacs_example_has_gold(examples_dir):
    examples = sorted(p.stem for p in examples_dir.glob("ilacs_*.pdf"))
    assert examples == IDS


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_extracts_to_gold(path):
    expected = gold(path)
    record = extracted(expected["file"])
    assert_matches_gold(record, expected)


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_findings_quote_the_report_text_exactly(path):
    expected = gold(path)
    record = extracted(expected["file"])
    assert record.text == report_text(expected["file"])
    kinds = {f.kind for f in record.findings}
    assert {"headline", "area_for_improvement", "main_finding"} <= kinds
    for f in record.findings:
        assert 0 <= f.span.start < f.span.end <= len(record.text)
        assert f.text == span_text(record, f.span.start, f.span.end)
        assert f.text and not f.text[0].isspace()


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_main_findings_are_the_numbered_paragraphs_of_each_judgement_section(path):
    record = extracted(gold(path)["file"])
    main = [f for f in record.findings if f.kind == "main_finding"]
    assert [f.number for f in main] == list(range(1, len(main) + 1))
    sections = list(dict.fromkeys(f.section for f in main))
    # One section per judgement except overall effectiveness, in the order printed.
    assert len(sections) == len([area for area in record.judgements if area != "overall_effectiveness"])
    for section in sections:
        assert re.match(r"The (experiences and progress of|impact of leaders)", section or "")
    # The printed number is not part of the quoted paragraph.
    assert not any(re.match(r"\d+\.?\s", f.text) for f in main)
    points = [f for f in record.findings if f.kind == "area_for_improvement"]
    assert [normalise(f.text) for f in points] == [normalise(p) for p in record.improvement_points]


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_no_page_furniture_in_any_finding(path):
    record = extracted(gold(path)["file"])
    # The running footer repeats the report title and the inspection dates with a page number.
    footer = re.compile(
        r"Inspection of [\w ,’'-]{0,80}children.s (?:social care )?services|Inspection dates?:|"
        r"Crown copyright|Piccadilly Gate|enquiries@ofsted|\bPage \d+ of \d+"
    )
    for f in record.findings:
        assert not footer.search(f.text), f.text[:120]
        assert not re.search(r"(?:^|\s)\d{1,2}\s*$", f.text), f.text[-80:]


def test_judgement_table_four_rows_before_2023_five_after():
    old = extracted("examples/letters/ilacs_slough_2019-03.pdf").judgements
    new = extracted("examples/letters/ilacs_birmingham_2023-04.pdf").judgements
    assert set(old) == {
        "impact_of_leaders",
        "help_and_protection",
        "children_in_care_and_care_leavers",
        "overall_effectiveness",
    }
    assert set(new) == {
        "impact_of_leaders",
        "help_and_protection",
        "children_in_care",
        "care_leavers",
        "overall_effectiveness",
    }


def test_table_without_overall_effectiveness_leaves_it_absent():
    # From April 2026 the table has no overall effectiveness row: Kent's real report with that row taken out.
    doc = load(ROOT / "examples/letters/ilacs_kent_2026-02.pdf")
    text = doc.report.text
    assert "\n\nOverall effectiveness Good\n\n" in text
    trimmed = load_bytes(text.replace("\n\nOverall effectiveness Good\n\n", "\n\n").encode(), "kent.txt")
    record = ilacs.parse(trimmed.report, trimmed.source)
    assert "overall_effectiveness" not in record.judgements
    assert record.judgements == {
        "impact_of_leaders": "good",
        "help_and_protection": "good",
        "children_in_care": "outstanding",
        "care_leavers": "requires_improvement",
    }
    assert record.framework == "ilacs-2026"
    assert all(
        grade in {"outstanding", "good", "requires_improvement", "inadequate"}
        for grade in record.judgements.values()
    )


def test_split_date_sets_keep_every_set():
    record = extracted("examples/letters/ilacs_devon_2025-05.pdf")
    assert (record.visit_start, record.visit_end) == ("2024-09-30", "2025-01-16")
    assert record.extra_dates == [("2024-09-30", "2024-10-11"), ("2025-01-13", "2025-01-16")]
    assert record.inspectors == []  # no lead inspector and no team printed


def test_one_week_inspection_is_short_and_two_week_standard():
    assert extracted("examples/letters/ilacs_kent_2026-02.pdf").inspection_kind == "short"
    assert extracted("examples/letters/ilacs_knowsley_2021-12.pdf").inspection_kind == "standard"


def test_a_focused_visit_letter_is_not_read_as_an_ilacs_report():
    doc = load(ROOT / "examples/letters/focused-visit_kent_2019-02.pdf")
    with pytest.raises(ExtractionFailed, match="Judgement Grade"):
        ilacs.parse(doc.report, doc.source)


def test_numbered_paragraphs_run_together_are_still_found():
    # Some PDFs give several numbered paragraphs as one text paragraph ("... plans. 27. The vast
    # majority ..."): the same real section with its paragraph breaks removed reads the same.
    from ofsted_kg.loaders.passages import numbered_paragraphs

    record = extracted("examples/letters/ilacs_dorset_2021-11.pdf")
    first_section = next(f.section for f in record.findings if f.kind == "main_finding")
    main = [f for f in record.findings if f.kind == "main_finding" and f.section == first_section]
    assert len(main) > 5
    start = record.text.rfind("\n\n", 0, main[0].span.start) + 2
    end = main[-1].span.end
    flat = record.text[:start] + record.text[start:end].replace("\n\n", "  ") + record.text[end:]
    items = numbered_paragraphs(flat, start, end, 1)
    assert [i.number for i in items] == [f.number for f in main]
    assert [flat[i.start : i.end] for i in items] == [record.text[f.span.start : f.span.end] for f in main]


@pytest.mark.parametrize("stem", ["ilacs_kent_2026-02", "ilacs_birmingham_2019-01", "ilacs_devon_2025-05"])
def test_a_plain_text_copy_of_a_report_reads_the_same(stem):
    # The text a reader copies out of the PDF: every page's text, no blank lines, the footer kept.
    import pypdfium2 as pdfium
    from ofsted_kg.loaders.extract import extract_bytes

    pdf = pdfium.PdfDocument(ROOT / f"examples/letters/{stem}.pdf")
    try:
        pages = [pdf[i].get_textpage().get_text_range().replace("\r\n", "\n") for i in range(len(pdf))]
    finally:
        pdf.close()
    record = extract_bytes("\f".join(pages).encode(), f"{stem}.txt")
    expected = gold(GOLD_FILES[IDS.index(stem)])
    assert_fields_match_gold(record, expected)
    # The same numbered paragraphs under the same sections (a copied page-foot footnote can stay
    # inside a paragraph's text: a copy has no layout to tell it apart).
    pdf_main = [
        (f.number, f.section) for f in extracted(expected["file"]).findings if f.kind == "main_finding"
    ]
    text_main = [(f.number, f.section) for f in record.findings if f.kind == "main_finding"]
    assert text_main == pdf_main
