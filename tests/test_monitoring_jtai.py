"""Monitoring visit and JTAI letters (synthetic, tests/corpus/synthetic) against their gold records."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from ofsted_kg.loaders import detect, jtai, monitoring_visit
from ofsted_kg.loaders.document import load, load_bytes
from ofsted_kg.loaders.errors import ExtractionFailed
from ofsted_kg.loaders.extract import extract_bytes, extract_path
from report_gold import CONTRACT_KEYS, GOLD, span_text
from report_gold import gold as read_gold

ROOT = Path(__file__).resolve().parent.parent
SYNTHETIC = ROOT / "tests" / "corpus" / "synthetic"
GOLD_FILES = sorted(GOLD.glob("synthetic-*.json"))


def _text(name: str) -> str:
    return (SYNTHETIC / name).read_text(encoding="utf-8")


def test_every_synthetic_letter_has_gold_and_a_readme() -> None:
    letters = {p.name for p in SYNTHETIC.glob("synthetic-*.txt")}
    golds = {Path(read_gold(p)["file"]).name for p in GOLD_FILES}
    assert letters == golds and len(letters) == 4
    assert {n.split("_")[0] for n in letters} == {"synthetic-monitoring", "synthetic-jtai"}
    assert "synthetic" in (SYNTHETIC / "README.md").read_text(encoding="utf-8").lower()


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_extracts_to_gold(path: Path) -> None:
    gold = read_gold(path)
    record = extract_path(ROOT / gold["file"])
    got = record.to_json()
    for key in CONTRACT_KEYS:
        assert got[key] == gold[key], key
    assert record.framework == gold["framework"]
    assert record.visit_focus == gold["visit_focus"]
    assert record.series_number == gold.get("series_number")
    assert record.partner_bodies == gold.get("partner_bodies", [])
    roles = [{"name": i.name, "role": i.role, "inspectorate": i.inspectorate} for i in record.inspectors]
    assert roles == gold["inspector_roles"]
    assert Counter(f.kind for f in record.findings) == Counter(gold["finding_kinds"])


@pytest.mark.parametrize("path", GOLD_FILES, ids=lambda p: p.stem)
def test_findings_quote_the_letter_and_leave_out_its_furniture(path: Path) -> None:
    gold = read_gold(path)
    doc = load(ROOT / gold["file"])
    record = extract_path(ROOT / gold["file"])
    assert record.text == doc.report.text
    for f in record.findings:
        quoted = record.text[f.span.start : f.span.end]
        assert quoted and f.text == span_text(record, f.span.start, f.span.end)
        assert f.span.page == doc.report.page_at(f.span.start)
        for furniture in (
            "Yours sincerely",
            "Dear ",
            "Ofsted will take the findings",
            "principal authority",
            "Areas covered by the visit",
            "His Majesty's Inspector\n",
        ):
            assert furniture not in quoted
        assert not f.text.startswith(("- ", "• "))


def test_detected_from_text_alone_whatever_the_file_name() -> None:
    for path in SYNTHETIC.glob("synthetic-*.txt"):
        expected = "jtai" if "jtai" in path.name else "monitoring_visit"
        assert detect.detect_text(load(path).report.text) == expected
        renamed = extract_bytes(path.read_bytes(), "letter.txt")
        assert renamed.document_type == expected


@pytest.mark.parametrize(
    ("phrase", "number"),
    [
        ("This visit was the first monitoring visit", 1),
        ("This was the eighth monitoring visit", 8),
        ("This visit was the 4th monitoring visit", 4),
    ],
)
def test_series_number_wordings(phrase: str, number: int) -> None:
    text = _text("synthetic-monitoring_thurrock_2024-06.txt").replace(
        "This visit was the third monitoring visit", phrase
    )
    doc = load_bytes(text.encode(), "letter.txt")
    assert monitoring_visit.parse(doc.report, doc.source).series_number == number


def test_monitoring_visit_without_series_sentence_has_no_number() -> None:
    text = _text("synthetic-monitoring_thurrock_2024-06.txt").replace(
        " This visit was the third monitoring visit since the local authority was judged inadequate in July 2023.",
        "",
    )
    doc = load_bytes(text.encode(), "letter.txt")
    record = monitoring_visit.parse(doc.report, doc.source)
    assert record.series_number is None and record.visit_start == "2024-05-14"


def test_monitoring_visit_for_an_unknown_area_fails_clearly() -> None:
    text = _text("synthetic-monitoring_thurrock_2024-06.txt").replace("Thurrock", "Atlantis")
    doc = load_bytes(text.encode(), "letter.txt")
    with pytest.raises(ExtractionFailed) as info:
        monitoring_visit.parse(doc.report, doc.source)
    assert "Atlantis" in info.value.reason and "\n" not in info.value.reason


def test_jtai_without_dates_fails_clearly() -> None:
    text = _text("synthetic-jtai_calderdale_2023-04.txt").replace(
        "This inspection took place from 27 February to 3 March 2023. ", ""
    )
    doc = load_bytes(text.encode(), "letter.txt")
    with pytest.raises(ExtractionFailed) as info:
        jtai.parse(doc.report, doc.source)
    assert "dates" in info.value.reason


def test_jtai_signature_block_gives_each_inspectorate() -> None:
    lines = [
        "Ofsted", "A Person", "His Majesty's Inspector",
        "Care Quality Commission", "B Person", "Children's Services Inspector",
        "HMICFRS", "C Person", "His Majesty's Inspector of Constabulary",
        "HMI Probation", "D Person", "Inspector, His Majesty's Inspectorate of Probation",
    ]  # fmt: skip
    got = [(i.name, i.role, i.inspectorate, i.lead) for i in jtai.signatories(lines)]
    assert got == [
        ("A Person", "hmi", "ofsted", False),
        ("B Person", "cqc_inspector", "cqc", False),
        ("C Person", "hmicfrs_inspector", "hmicfrs", False),
        ("D Person", "probation_inspector", "hmi_probation", False),
    ]


def test_jtai_address_block_one_item_per_line() -> None:
    # Letters printed from a PDF put name, job title and organisation on separate lines.
    inline = (
        "Ruth Ainsley, Director of Children's Services, Calderdale Council\n"
        "Graham Pike, Chief Constable, West Yorkshire Police\n"
        "Fiona Clegg, Chief Executive, NHS West Yorkshire Integrated Care Board"
    )
    block = "\n".join(part.strip() for line in inline.split("\n") for part in line.split(",", 2))
    text = _text("synthetic-jtai_calderdale_2023-04.txt")
    assert inline in text
    doc = load_bytes(text.replace(inline, block).encode(), "letter.txt")
    record = jtai.parse(doc.report, doc.source)
    gold = read_gold(ROOT / "tests" / "gold" / "synthetic-jtai_calderdale_2023-04.json")
    assert record.partner_bodies == gold["partner_bodies"]
    assert record.to_json()["recipient"] == gold["recipient"]


def test_monitoring_visit_inspectors_with_bracketed_hmi() -> None:
    text = _text("synthetic-monitoring_thurrock_2024-06.txt").replace(
        "His Majesty's Inspectors for this visit", "His Majesty's Inspectors (HMI) for this visit"
    )
    doc = load_bytes(text.encode(), "letter.txt")
    record = monitoring_visit.parse(doc.report, doc.source)
    assert [(i.name, i.lead) for i in record.inspectors] == [("Rachel Linden", True), ("Owen Marsh", False)]


def test_jtai_ofsted_heading_in_a_text_letter_names_the_inspectorate() -> None:
    # The "Ofsted" line heading the signature block survives loading a plain-text letter, so a
    # signatory whose title names no inspectorate is still Ofsted's.
    text = _text("synthetic-jtai_calderdale_2023-04.txt")
    assert "Ofsted\nNina Sharples\nHis Majesty's Inspector\n" in text
    text = text.replace("Nina Sharples\nHis Majesty's Inspector\n", "Nina Sharples\nSenior Regulatory Lead\n")
    doc = load_bytes(text.encode(), "letter.txt")
    got = [(i.name, i.inspectorate) for i in jtai.parse(doc.report, doc.source).inspectors]
    # ... and the title line under a name is never read as another signatory.
    assert got == [("Nina Sharples", "ofsted"), ("Owen Pryce", "cqc"), ("Jade Morrison", "hmicfrs")]


def test_jtai_spaced_addressees_with_postal_addresses() -> None:
    # Each partner a paragraph of its own: name, job title, organisation, then its address, whose
    # lines may name an agency too ("Police Headquarters") without being an organisation.
    partners = (
        "Ruth Ainsley\nDirector of Children's Services\nCalderdale Council\nTown Hall\nHalifax\nHX1 1UJ\n\n"
        "Graham Pike\nChief Constable\nWest Yorkshire Police\nPolice Headquarters\nLaburnum Road\nWakefield\n\n"
        "Fiona Clegg\nChief Executive\nNHS West Yorkshire Integrated Care Board\nWhite Rose House\nWakefield\n\n"
        "Sam Jenkins\nHead of Service\nCalderdale Youth Justice Service\nNHS Trust House\nHalifax"
    )
    text = _text("synthetic-jtai_calderdale_2023-04.txt")
    inline = text.split("\n\n")[1]
    doc = load_bytes(text.replace(inline, partners).encode(), "letter.txt")
    record = jtai.parse(doc.report, doc.source)
    assert record.partner_bodies == [
        "West Yorkshire Police",
        "NHS West Yorkshire Integrated Care Board",
        "Calderdale Youth Justice Service",
    ]
    assert record.to_json()["recipient"] == {
        "name": "Ruth Ainsley",
        "role": "Director of Children's Services",
    }
