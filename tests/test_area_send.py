"""Area SEND reports (examples/letters/send-area_*.pdf) against gold records read from the reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from ofsted_kg.loaders import area_send, detect
from ofsted_kg.loaders.document import load, load_bytes
from ofsted_kg.loaders.errors import ExtractionFailed
from ofsted_kg.loaders.extract import extract_bytes, extract_path
from ofsted_kg.loaders.passages import quote
from report_gold import CONTRACT_KEYS, gold_files, span_text
from report_gold import gold as read_gold

ROOT = Path(__file__).resolve().parent.parent
GOLD_FILES = gold_files("send-area")
# Running footers and Ofsted's back-page furniture that must never reach a finding.
FURNITURE_RE = re.compile(
    r"inspection report:|Local Area Partnership,? \d|Piccadilly Gate|Crown copyright|raising standards|"
    r"improving lives|www\.gov\.uk/ofsted|\bPage \d+\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def extracted() -> dict[str, tuple[dict, object, object]]:
    out = {}
    for path in GOLD_FILES:
        gold = read_gold(path)
        doc = load(ROOT / gold["file"])
        out[path.name] = (gold, extract_path(ROOT / gold["file"]), doc)
    return out


def test_every_area_send_example_has_gold() -> None:
    examples = {p.name for p in (ROOT / "examples" / "letters").glob("send-area_*.pdf")}
    golds = {Path(read_gold(p)["file"]).name for p in GOLD_FILES}
    assert examples and examples == golds


@pytest.mark.parametrize("name", [p.name for p in GOLD_FILES])
def test_extracts_to_gold(extracted, name: str) -> None:
    gold, record, _ = extracted[name]
    got = record.to_json()
    for key in CONTRACT_KEYS:
        assert got[key] == gold[key], key
    assert record.framework == gold["framework"]
    assert record.partner_bodies == gold["partner_bodies"]
    assert record.visit_focus == gold["visit_focus"]
    roles = [{"name": i.name, "role": i.role, "inspectorate": i.inspectorate} for i in record.inspectors]
    assert roles == gold["inspector_roles"]
    actions = [
        {"responsible_body": f.responsible_body, "text": f.text}
        for f in record.findings
        if f.kind == "area_for_priority_action"
    ]
    assert actions == gold["priority_actions"]


@pytest.mark.parametrize("name", [p.name for p in GOLD_FILES])
def test_findings_quote_the_report_text(extracted, name: str) -> None:
    _, record, doc = extracted[name]
    assert record.text == doc.report.text
    kinds = {f.kind for f in record.findings}
    assert {"headline", "main_finding", "strength", "area_for_improvement"} <= kinds
    for f in record.findings:
        quoted = record.text[f.span.start : f.span.end]
        assert quoted == quoted.strip() and quoted
        assert f.text == span_text(record, f.span.start, f.span.end)
        assert f.span.page == doc.report.page_at(f.span.start)
        assert not FURNITURE_RE.search(f.text), f.text
        assert not f.text.startswith(("Areas for improvement", "Responsible body", "◼", "•", "▪"))


def test_priority_actions_name_their_responsible_body(extracted) -> None:
    seen = 0
    for gold, record, _ in extracted.values():
        actions = [f for f in record.findings if f.kind == "area_for_priority_action"]
        # Only a "widespread and/or systemic failings" outcome comes with priority actions.
        assert bool(actions) == (gold["judgements"]["area_send_outcome"] == "widespread_failings")
        for f in actions:
            seen += 1
            assert f.responsible_body and re.search(r"\bICB\b|Integrated Care Board", f.responsible_body)
            assert f.responsible_body not in f.text
    assert seen == 17


def test_both_inspectorates_and_who_led(extracted) -> None:
    # Issue 12: every report says the inspection "was led by (one of) His Majesty's Inspectors
    # (HMI) from Ofsted"; the CQC lead inspector leads the CQC team. So the leads are Ofsted's
    # alone (two HMI co-led Telford and Wrekin 2023), and each report has one CQC lead inspector,
    # told apart by role.
    for _, record, _ in extracted.values():
        assert re.search(
            r"inspection was led by (?:one of )?His Majesty.s Inspectors (?:\(HMI\) )?from Ofsted",
            record.text,
        )
        bodies = {i.inspectorate for i in record.inspectors}
        assert bodies == {"ofsted", "cqc"}
        leads = [i for i in record.inspectors if i.lead]
        assert leads and all(i.inspectorate == "ofsted" and i.role == "hmi" for i in leads)
        assert len(leads) == (2 if "telford" in record.source.path else 1)
        cqc_leads = [i for i in record.inspectors if i.role == "cqc_lead"]
        assert len(cqc_leads) == 1 and cqc_leads[0].inspectorate == "cqc" and not cqc_leads[0].lead
        assert all(
            i.role in ("cqc_inspector", "cqc_lead") for i in record.inspectors if i.inspectorate == "cqc"
        )
        assert all(
            i.role in ("hmi", "ofsted_inspector") for i in record.inspectors if i.inspectorate == "ofsted"
        )


def test_detected_from_text_alone() -> None:
    doc = load(ROOT / "examples" / "letters" / "send-area_dudley_2025-03.pdf")
    assert detect.detect_text(doc.report.text) == "area_send_inspection"
    # The same words under another name, as text, are still an area SEND report.
    record = extract_bytes(doc.report.text.encode(), "renamed.txt")
    assert record.document_type == "area_send_inspection"
    assert record.authority and record.authority.gss_code == "E08000027"


@pytest.mark.parametrize(
    "name",
    ["send-area_bury_2024-05.json", "send-area_oxfordshire_2023-09.json", "send-area_suffolk_2024-01.json"],
)
def test_pdf_loaded_from_bytes_keeps_table_rows_apart(name: str) -> None:
    # Positions and rules travel with the report text: a PDF read from bytes (an upload, no path)
    # separates its table rows exactly as one read from a file. These three reports' priority
    # rows run together when read from text alone.
    gold = read_gold(ROOT / "tests" / "gold" / name)
    data = (ROOT / gold["file"]).read_bytes()
    doc = load_bytes(data, "upload.pdf")
    assert doc.report.rules and all(ln.x is not None for ln in doc.report.lines)
    record = area_send.parse(doc.report, doc.source)
    actions = [
        {"responsible_body": f.responsible_body, "text": f.text}
        for f in record.findings
        if f.kind == "area_for_priority_action"
    ]
    assert actions == gold["priority_actions"]
    assert record.improvement_points == gold["improvement_points"]


def _as_copied_text(report) -> str:
    """The report as text copied from the PDF: one printed line a line, a blank line between paragraphs."""
    out = []
    for para in report.paragraphs:
        out.append("\n".join(ln.text for ln in report.lines if para.start <= ln.start < para.end))
    return "\n\n".join(out)


def test_without_positions_rows_fall_back_to_paragraphs() -> None:
    # The report's words as plain text have no positions: the facts outside the tables are
    # unchanged and each table row is still a stretch of the report text.
    gold = read_gold(ROOT / "tests" / "gold" / "send-area_suffolk_2024-01.json")
    doc = load_bytes(_as_copied_text(load(ROOT / gold["file"]).report).encode(), "suffolk.txt")
    assert not doc.report.rules and all(ln.x is None and ln.y is None for ln in doc.report.lines)
    record = area_send.parse(doc.report, doc.source)
    assert record.to_json()["inspectors"] == gold["inspectors"]
    assert record.judgements == gold["judgements"]
    bodies = {a["responsible_body"] for a in gold["priority_actions"]}
    actions = [f for f in record.findings if f.kind == "area_for_priority_action"]
    assert actions and all(f.responsible_body in bodies for f in actions)
    for point in record.improvement_points:
        assert quote(point) in quote(doc.report.text)


def test_team_labels_decide_roles_and_leads() -> None:
    team = (
        "Chris Pollitt, Ofsted HMI, Lead Inspector Kaye Goodfellow, CQC Lead Inspector "
        "Wayne Simner, Ofsted HMI, Lead Inspector Rebecca Hogan, CQC Inspector Dr Keith Tysoe, Ofsted Inspector"
    )
    got = area_send.parse_team(team)
    assert [(i.name, i.lead, i.role, i.inspectorate) for i in got] == [
        ("Chris Pollitt", True, "hmi", "ofsted"),
        ("Kaye Goodfellow", False, "cqc_lead", "cqc"),
        ("Wayne Simner", True, "hmi", "ofsted"),
        ("Rebecca Hogan", False, "cqc_inspector", "cqc"),
        ("Keith Tysoe", False, "ofsted_inspector", "ofsted"),
    ]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The local area partnership is made up of Dudley Metropolitan Borough Council and Black Country "
            "Integrated Care Board (ICB).",
            ["Black Country Integrated Care Board"],
        ),
        (
            "Suffolk County Council, the NHS Suffolk and North East Essex Integrated Care Board (ICB) and NHS "
            "Norfolk and Waveney ICB are responsible for planning.",
            [
                "NHS Suffolk and North East Essex Integrated Care Board",
                "NHS Norfolk and Waveney Integrated Care Board",
            ],
        ),
        (
            "Telford and Wrekin Council and NHS Shropshire, Telford and Wrekin Integrated Care Board (NHS ST&W ICB) "
            "are jointly responsible.",
            ["NHS Shropshire, Telford and Wrekin Integrated Care Board"],
        ),
        ("The council commissions these services alone.", []),
    ],
)
def test_icb_names(sentence: str, expected: list[str]) -> None:
    assert area_send.icb_names(sentence) == expected


def test_not_an_area_send_report_is_a_clear_failure() -> None:
    doc = load_bytes(("This letter is about something else entirely. " * 20).encode(), "other.txt")
    with pytest.raises(ExtractionFailed) as info:
        area_send.parse(doc.report, doc.source)
    assert "\n" not in info.value.reason and "Area SEND inspection of" in info.value.reason
