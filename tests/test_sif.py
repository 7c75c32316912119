"""SIF-era reports (2013-2018): SIF inspections and re-inspections, the 2012-13 looked after children
inspection and a standalone LSCB review, each against its hand-written gold record."""

from __future__ import annotations

import re

import pytest
from ofsted_kg.loaders import sif
from ofsted_kg.loaders.document import load
from ofsted_kg.loaders.errors import ExtractionFailed
from report_gold import (
    ROOT,
    assert_matches_gold,
    extracted,
    gold,
    gold_files,
    normalise,
    report_text,
    span_text,
)

GOLD_FILES = gold_files("other")
IDS = [p.stem for p in GOLD_FILES]
SIF_AREAS = {
    "overall_effectiveness",
    "sif_help_and_protection",
    "sif_looked_after_and_permanence",
    "sif_adoption",
    "sif_care_leavers",
    "sif_leadership",
    "lscb_review",
}


def test_every_sif_era_example_has_gold(examples_dir):
    assert sorted(p.stem for p in examples_dir.glob("other_*.pdf")) == IDS


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_extracts_to_gold(path):
    expected = gold(path)
    record = extracted(expected["file"])
    assert_matches_gold(record, expected)
    assert set(record.judgements) <= SIF_AREAS


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_findings_quote_the_report_text_exactly(path):
    expected = gold(path)
    record = extracted(expected["file"])
    assert record.text == report_text(expected["file"])
    assert {"area_for_improvement", "main_finding"} <= {f.kind for f in record.findings}
    for f in record.findings:
        assert 0 <= f.span.start < f.span.end <= len(record.text)
        assert f.text == span_text(record, f.span.start, f.span.end) or f.kind == "area_for_improvement"
        assert normalise(f.text) in normalise(span_text(record, f.span.start, f.span.end))
    points = [
        f.text for f in record.findings if f.kind in ("area_for_improvement", "area_for_priority_action")
    ]
    assert points == record.improvement_points


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_numbered_paragraphs_keep_their_printed_numbers(path):
    record = extracted(gold(path)["file"])
    text = record.text
    numbered = [f for f in record.findings if f.number is not None]
    assert numbered
    for f in numbered:
        # The printed number sits just before the quoted paragraph (possibly run into the line before).
        before = text[max(0, f.span.start - 8) : f.span.start]
        assert re.search(rf"(?<!\d){f.number}\.?\s*$", before), (f.number, before)
    numbers = [f.number for f in numbered]
    # Increasing within each report bound into the PDF (Hull's LSCB report starts again at 1).
    restarts = sum(1 for a, b in zip(numbers, numbers[1:], strict=False) if b <= a)
    assert restarts == (1 if "kingston-upon-hull" in path.stem else 0)


@pytest.mark.parametrize("path", GOLD_FILES, ids=IDS)
def test_no_running_heads_or_back_matter_in_any_finding(path):
    record = extracted(gold(path)["file"])
    furniture = re.compile(
        r"Inspection of the effectiveness of the local safeguarding children board: \w+|Crown copyright"
        r"|Piccadilly Gate|enquiries@ofsted|www\.gov\.uk/ofsted|\bPage \d+ of \d+"
    )
    for f in record.findings:
        assert not furniture.search(f.text), f.text[:120]


def test_not_judged_areas_are_absent_not_graded():
    judgements = extracted("examples/letters/other_isles-of-scilly_2016-06.pdf").judgements
    assert "sif_looked_after_and_permanence" not in judgements
    assert "sif_adoption" not in judgements and "sif_care_leavers" not in judgements
    assert judgements["sif_help_and_protection"] == "good"


def test_reinspections_and_earlier_kinds_are_recognised_as_their_own_kind():
    assert extracted("examples/letters/other_norfolk_2018-01.pdf").inspection_kind == "re-inspection"
    assert extracted("examples/letters/other_birmingham_2016-11.pdf").document_type == "sif_inspection"
    lac = extracted("examples/letters/other_norfolk_2013-08.pdf")
    assert (lac.document_type, lac.inspection_kind) == ("other", "looked-after-children")
    assert lac.inspectors[0].name == "Gary Lamb" and lac.inspectors[0].lead
    lscb = extracted("examples/letters/other_surrey_2015-08.pdf")
    assert (lscb.document_type, lscb.inspection_kind, lscb.judgements) == (
        "other",
        "lscb-review",
        {"lscb_review": "requires_improvement"},
    )


def test_priority_actions_are_their_own_finding_kind():
    record = extracted("examples/letters/other_kingston-upon-hull_2015-02.pdf")
    priority = [f for f in record.findings if f.kind == "area_for_priority_action"]
    assert [f.number for f in priority] == [1, 2, 3, 4, 5]
    # A subheading printed on the same line ("The quality of social work practice 1. Ensure ...") is not quoted.
    assert priority[0].text.startswith("Ensure that joint visits")


def test_footnote_digits_stay_as_printed():
    record = extracted("examples/letters/other_kent_2017-06.pdf")
    assert "Local Safeguarding Children Board1" in record.text


def test_a_report_without_an_authority_fails_with_a_reason():
    doc = load(ROOT / "examples/letters/other_surrey_2015-08.pdf")
    doc.report.text = doc.report.text.replace("Surrey", "Someshire")
    with pytest.raises(ExtractionFailed, match="authority"):
        sif.parse(doc.report, doc.source)
