"""Every focused visit letter in examples/letters against its hand-written gold record (tests/gold)."""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

import pytest
from ofsted_kg.loaders.extract import extract_bytes
from ofsted_kg.loaders.record import Record
from report_gold import extracted, gold_files
from report_gold import gold as read_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD_FILES = gold_files("focused-visit")


def _norm(text: str | None) -> str | None:
    if text is None:
        return None
    text = text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return re.sub(r"\s+", " ", text).strip()


def test_every_focused_visit_has_gold() -> None:
    letters = sorted(
        p.name
        for folder in (ROOT / "examples" / "letters", ROOT / "tests" / "corpus" / "text")
        for p in folder.glob("focused-visit_*")
        if p.suffix in {".pdf", ".txt"}
    )
    covered = sorted(Path(read_gold(g)["file"]).name for g in GOLD_FILES)
    assert covered == letters
    assert len(letters) == 34


@pytest.fixture(params=GOLD_FILES, ids=lambda p: p.stem)
def case(request: pytest.FixtureRequest) -> tuple[dict, Record]:
    gold = read_gold(request.param)
    return gold, extracted(gold["file"])


def test_document_type_and_authority(case: tuple[dict, Record]) -> None:
    gold, record = case
    assert record.document_type == gold["document_type"]
    assert record.authority is not None
    assert {"name": record.authority.name, "gss_code": record.authority.gss_code} == gold["authority"]


def test_dates(case: tuple[dict, Record]) -> None:
    gold, record = case
    assert (record.published, record.visit_start, record.visit_end) == (
        gold["published"],
        gold["visit_start"],
        gold["visit_end"],
    )


def test_inspectors_and_lead(case: tuple[dict, Record]) -> None:
    gold, record = case
    got = [{"name": i.name, "lead": i.lead, "role": i.role} for i in record.inspectors]
    assert got == gold["inspectors"]
    assert sum(i.lead for i in record.inspectors) == 1


def test_recipient(case: tuple[dict, Record]) -> None:
    gold, record = case
    assert record.recipient is not None
    assert _norm(record.recipient.name) == _norm(gold["recipient"]["name"])
    assert _norm(record.recipient.role) == _norm(gold["recipient"]["role"])


def test_improvement_points(case: tuple[dict, Record]) -> None:
    gold, record = case
    assert [_norm(p) for p in record.improvement_points] == [_norm(p) for p in gold["improvement_points"]]


def test_finding_spans_point_into_the_report_text(case: tuple[dict, Record]) -> None:
    _, record = case
    assert record.findings, "a focused visit letter always has findings"
    kinds = {f.kind for f in record.findings}
    assert "main_finding" in kinds
    for finding in record.findings:
        quoted = record.text[finding.span.start : finding.span.end]
        assert quoted == finding.text
        assert quoted == quoted.strip() and quoted
        assert not re.match(r"^[\u25fc\uf06e•\-]", quoted), "bullet glyph must stay outside the span"
        assert not quoted.startswith(("Ofsted will take the findings", "Yours sincerely", "Your sincerely"))
        assert "\n\n" not in quoted


def test_improvement_points_are_area_for_improvement_findings(case: tuple[dict, Record]) -> None:
    _, record = case
    areas = [f.text for f in record.findings if f.kind == "area_for_improvement"]
    assert areas == record.improvement_points


def test_json_shape_is_the_documented_contract(case: tuple[dict, Record]) -> None:
    gold, record = case
    data = record.to_json()
    assert list(data) == [
        "document_type",
        "authority",
        "published",
        "visit_start",
        "visit_end",
        "inspectors",
        "recipient",
        "judgements",
        "improvement_points",
        "findings",
        "corrections",
    ]
    assert data["corrections"] == []  # no example letter prints a date that needs correcting
    assert data["judgements"] == gold["judgements"] == {}
    json.dumps(data, ensure_ascii=False)


def test_priority_actions_in_letters_that_have_them() -> None:
    for name, expected in (
        ("focused-visit_peterborough_2023-05.pdf", 2),
        ("focused-visit_plymouth_2023-01.pdf", 2),
        ("focused-visit_hackney_2019-03.pdf", 2),
        ("focused-visit_bournemouth-christchurch-and-poole_2020-11.pdf", 2),
        ("focused-visit_barnet_2021-08.pdf", 0),
    ):
        record = extracted(f"examples/letters/{name}")
        assert sum(f.kind == "area_for_priority_action" for f in record.findings) == expected, name


def test_quality_assurance_manager_is_not_an_inspector() -> None:
    record = extracted("examples/letters/focused-visit_barking-and-dagenham_2018-04.pdf")
    assert "Sean Tarpey" not in {i.name for i in record.inspectors}


def test_numbered_findings_keep_their_number_outside_the_span() -> None:
    record = extracted("examples/letters/focused-visit_bournemouth-christchurch-and-poole_2020-11.pdf")
    numbered = [f for f in record.findings if f.kind == "main_finding"]
    assert [f.number for f in numbered[:3]] == [1, 2, 3]
    assert not numbered[0].text[:1].isdigit()


def test_essex_subheadings_are_sections_not_findings() -> None:
    record = extracted("examples/letters/focused-visit_essex_2025-02.pdf")
    texts = {f.text for f in record.findings}
    heading = "Identifying and responding to children’s needs and appropriate thresholds"
    assert heading not in texts
    assert any(f.section == heading for f in record.findings)


def test_text_copy_matches_the_pdf() -> None:
    pdf = extracted("examples/letters/focused-visit_peterborough_2021-08.pdf")
    txt = extracted("tests/corpus/text/focused-visit_peterborough_2021-08.txt")

    # The text copy was saved with line-end hyphens removed ("prepandemic" for the PDF's "pre-pandemic").
    def words(text: str) -> str | None:
        return _norm(text.replace("-", ""))

    assert [words(f.text) for f in txt.findings] == [words(f.text) for f in pdf.findings]
    assert txt.source is not None and txt.source.media_type == "text/plain"


def _pasted(width: int | None) -> bytes:
    """The Peterborough text copy as a browser paste gives it: no blank line anywhere (so no page
    breaks either), each paragraph on one line or, with `width`, wrapped to that many columns."""
    source = ROOT / "tests/corpus/text/focused-visit_peterborough_2021-08.txt"
    lines = [line for line in source.read_text(encoding="utf-8").splitlines() if line.strip()]
    if width is not None:
        lines = [part for line in lines for part in textwrap.wrap(line, width)]
    return ("\n".join(lines) + "\n").encode()


def _without_positions(record: Record) -> dict:
    out = record.to_json()
    out["findings"] = [
        {k: v for k, v in f.items() if k not in ("page", "start", "end")} for f in out["findings"]
    ]
    return out


def test_a_letter_pasted_without_blank_lines_reads_as_the_spaced_copy() -> None:
    # One line a paragraph, nothing between them: every field and every finding as in the spaced
    # copy; only offsets and pages differ (a paste has no pages: every finding is on page 1).
    spaced = extracted("tests/corpus/text/focused-visit_peterborough_2021-08.txt")
    pasted = extract_bytes(_pasted(None), "pasted.txt")
    assert _without_positions(pasted) == _without_positions(spaced)
    assert {f.span.page for f in pasted.findings} == {1}
    assert pasted.recipient == spaced.recipient and pasted.visit_focus == spaced.visit_focus


@pytest.mark.parametrize("width", [60, 100, 130])
def test_a_pasted_letter_wrapped_to_a_width_keeps_every_finding(width: int) -> None:
    # Wrapped lines: a paragraph ends where its last line stopped short of the width, so when a
    # last line is full two paragraphs can join (and the words never change). Every field, every
    # improvement point and, kind by kind, every word of the findings in order, as in the spaced copy.
    spaced = extracted("tests/corpus/text/focused-visit_peterborough_2021-08.txt").to_json()
    pasted = extract_bytes(_pasted(width), f"pasted-{width}.txt").to_json()
    assert {k: v for k, v in pasted.items() if k != "findings"} == {
        k: v for k, v in spaced.items() if k != "findings"
    }

    def words(record: dict, kind: str) -> str:
        return " ".join(f["text"] for f in record["findings"] if f["kind"] == kind)

    for kind in ("headline", "area_for_improvement", "main_finding"):
        assert words(pasted, kind) == words(spaced, kind)
    assert abs(len(pasted["findings"]) - len(spaced["findings"])) <= 3


def test_visit_focus_and_title() -> None:
    record = extracted("examples/letters/focused-visit_cornwall_2022-02.pdf")
    assert record.title == "Focused visit to Cornwall children’s services"
    assert (
        record.visit_focus
        == "Inspectors looked at the local authority’s arrangements for planning and achieving permanence."
    )


def test_cli_prints_the_record_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    from ofsted_kg.cli import main

    file = "examples/letters/focused-visit_cornwall_2022-02.pdf"
    assert main(["-q", "extract", str(ROOT / file)]) == 0
    out = capsys.readouterr().out
    assert json.loads(out) == extracted(file).to_json()
    assert "children’s" in out  # ensure_ascii=False: the letter's own characters
    assert out.startswith('{\n  "document_type": "focused_visit"')


def test_cli_text_format(capsys: pytest.CaptureFixture[str]) -> None:
    from ofsted_kg.cli import main

    assert (
        main(
            [
                "-q",
                "extract",
                "--format",
                "text",
                str(ROOT / "examples/letters/focused-visit_medway_2019-02.pdf"),
            ]
        )
        == 0
    )
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "focused_visit: Medway (E06000035)"
    assert "inspector: Maire Atherton (hmi, lead)" in out
    assert "visit: 2019-02-05 to 2019-02-05" in out
