"""Document-type detection on every document in the corpus, from the text alone."""

from __future__ import annotations

import csv
import functools
from pathlib import Path

import pytest
from ofsted_kg.loaders import detect
from ofsted_kg.loaders.document import load, load_bytes
from ofsted_kg.loaders.record import DOCUMENT_TYPES

ROOT = Path(__file__).resolve().parent.parent
LETTERS = ROOT / "examples" / "letters"
TEXT_LETTER = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
UNSUPPORTED = ROOT / "tests" / "corpus" / "unsupported"

# SOURCES.tsv type -> detected kind; the "other" documents were read one by one (see OTHER).
BY_LISTED_TYPE = {
    "focused-visit": detect.FOCUSED_VISIT,
    "ilacs": detect.ILACS,
    "send-area": detect.AREA_SEND,
}
OTHER = {
    "other_norfolk_2013-08.pdf": detect.LAC_INSPECTION,  # "Inspection of looked after children services"
    "other_barnsley_2014-08.pdf": detect.SIF,  # SIF with the LSCB review
    "other_kingston-upon-hull_2015-02.pdf": detect.SIF,  # SIF without the LSCB review
    "other_norfolk_2015-10.pdf": detect.SIF,
    "other_surrey_2015-08.pdf": detect.LSCB_REVIEW,  # a standalone LSCB review
    "other_isles-of-scilly_2016-06.pdf": detect.SIF,
    "other_birmingham_2016-11.pdf": detect.SIF,  # re-inspection
    "other_kent_2017-06.pdf": detect.SIF,
    "other_norfolk_2018-01.pdf": detect.SIF,  # re-inspection
}


def _listed() -> list[tuple[str, str]]:
    with (LETTERS / "SOURCES.tsv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    out = []
    for row in rows:
        kind = OTHER[row["file"]] if row["type"] == "other" else BY_LISTED_TYPE[row["type"]]
        out.append((row["file"], kind))
    return out


@functools.cache
def _report(path: Path):
    return load(path).report


@pytest.mark.parametrize(("file", "kind"), _listed(), ids=lambda v: v if isinstance(v, str) else "")
def test_corpus_document_kinds(file: str, kind: str) -> None:
    assert detect.detect(_report(LETTERS / file)) == kind


def test_every_corpus_file_is_listed() -> None:
    files = {p.name for p in LETTERS.iterdir() if p.suffix in {".pdf", ".txt"}}
    listed = {f for f, _ in _listed()}
    assert files == listed


@pytest.mark.parametrize("path", sorted(UNSUPPORTED.glob("*.pdf")), ids=lambda p: p.stem)
def test_school_reports(path: Path) -> None:
    assert detect.detect(_report(path)) == detect.SCHOOL


def test_plain_text_letter() -> None:
    assert detect.detect(_report(TEXT_LETTER)) == detect.FOCUSED_VISIT


def test_file_name_is_ignored() -> None:
    data = (LETTERS / "ilacs_kent_2026-02.pdf").read_bytes()
    report = load_bytes(data, "focused-visit_kent_2024-02.pdf").report
    assert detect.detect(report) == detect.ILACS


def test_passing_mentions_do_not_decide() -> None:
    # Medway's focused visit and Harrow's ILACS mention an earlier JTAI in passing.
    assert detect.detect(_report(LETTERS / "focused-visit_medway_2019-02.pdf")) == detect.FOCUSED_VISIT
    assert detect.detect(_report(LETTERS / "ilacs_harrow_2025-03.pdf")) == detect.ILACS


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        (
            "12 March 2024\n\nMonitoring visit to Bradford children's services\n\nThis letter ...",
            detect.MONITORING_VISIT,
        ),
        ("Joint targeted area inspection of the multi-agency response to children in Leeds", detect.JTAI),
        (
            "Inspection of Slough Children First\n\nJudgement Grade\n\nOverall effectiveness Good",
            detect.ILACS,
        ),
        ("Joint local area SEND inspection in Bury\n\nBetween 13 May 2019 and 17 May 2019", detect.SEND_2016),
        ("Children's home inspection - Full\n\nInspection date 4 April 2019", detect.PROVIDER),
        ("Minutes of the allotment society. The paths need weeding.", detect.UNKNOWN),
    ],
)
def test_kinds_outside_the_corpus(text: str, kind: str) -> None:
    assert detect.detect_text(text) == kind


def test_document_type_mapping() -> None:
    for kind in detect.CHILDRENS_SERVICES_KINDS:
        assert detect.document_type_of(kind) in DOCUMENT_TYPES
    assert detect.document_type_of(detect.LSCB_REVIEW) == "other"
    assert detect.document_type_of(detect.FOCUSED_VISIT) == "focused_visit"
    assert not set(detect.NOT_CHILDRENS_SERVICES) & detect.CHILDRENS_SERVICES_KINDS


SIX_PARTNERS = [
    ("Ruth Ainsley", "Strategic Director, Children and Young People's Service", "Calderdale Metropolitan Borough Council", "Town Hall", "Crossley Street", "Halifax", "West Yorkshire", "HX1 1UJ"),
    ("Robin Tuddenham", "Chief Executive and Director of Public Health", "Calderdale Metropolitan Borough Council", "Town Hall", "Crossley Street", "Halifax", "West Yorkshire", "HX1 1UJ"),
    ("Graham Pike", "Chief Constable", "West Yorkshire Police", "Police Headquarters", "Laburnum Road", "Wakefield", "WF1 3QP"),
    ("Fiona Clegg", "Chief Executive", "NHS West Yorkshire Integrated Care Board", "White Rose House", "West Parade", "Wakefield", "WF1 1LT"),
    ("Sam Jenkins", "Head of Service, Early Intervention and Youth Justice", "Calderdale Youth Justice Service", "Westgate House", "Westgate", "Halifax", "HX1 1PS"),
    ("Alison Noble", "Independent Chair and Scrutineer", "Calderdale Safeguarding Children Partnership", "Princess Buildings", "Princess Street", "Halifax", "HX1 1TS"),
]  # fmt: skip


def test_jtai_title_after_six_addressees() -> None:
    # A real JTAI letter names every statutory partner, with job title, organisation and address,
    # before its title: the title sits far past the first 800 characters.
    letter = (ROOT / "tests" / "corpus" / "synthetic" / "synthetic-jtai_calderdale_2023-04.txt").read_text(
        encoding="utf-8"
    )
    inline = letter.split("\n\n")[1]
    assert inline.startswith("Ruth Ainsley, Director")
    blocks = "\n\n".join("\n".join(partner) for partner in SIX_PARTNERS)
    report = load_bytes(letter.replace(inline, blocks).encode(), "letter.txt").report
    title_at = report.text.index("Joint targeted area inspection of")
    assert title_at > 800 and detect.detect(report) == detect.JTAI


@pytest.mark.parametrize("at", [900, 2000])
def test_jtai_mentioned_in_passing_further_down_does_not_decide(at: int) -> None:
    filler = "Leaders know their services well and children are seen regularly by their social workers. "
    head = (filler * (at // len(filler) + 1))[:at]
    for mention in (
        "Since the joint targeted area inspection of the multi-agency response in 2019, leaders have acted.",
        "The joint targeted area inspection in May 2023 found that partners shared information well.",
    ):
        assert detect.detect_text(head + "\n\n" + mention + "\n\n" + filler * 5) == detect.UNKNOWN
