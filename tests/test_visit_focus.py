"""Visit focus coded to okg:VisitFocusScheme, and the next inspection an area SEND report states.

Checked against hand-written gold: tests/gold/visit_focus.jsonl (the areas each letter's printed
focus names, read from the letters) and tests/gold/next_inspections.jsonl (each area SEND
report's timing sentences, with the windows worked out by hand from the inspection's last day).
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import re
from pathlib import Path

import pytest
from ofsted_kg.loaders import visit_focus
from ofsted_kg.loaders.extract import extract_path
from ofsted_kg.loaders.graph import inspection_of, record_to_graph
from ofsted_kg.loaders.record import Record
from ofsted_kg.loaders.themes import Lexicon
from rdflib import Literal, Namespace
from rdflib.namespace import RDF, SKOS, XSD

from ofsted_kg import iris, vocabulary

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line]


FOCUS_GOLD = _jsonl("visit_focus.jsonl")
NEXT_GOLD = _jsonl("next_inspections.jsonl")


@functools.cache
def _extract(relative: str) -> Record:
    return extract_path(ROOT / relative)


def test_the_focus_gold_covers_every_focused_visit_letter() -> None:
    letters = {
        f"examples/letters/{p.name}" for p in (ROOT / "examples" / "letters").glob("focused-visit_*.pdf")
    }
    assert len(letters) >= 30
    assert letters <= {row["file"] for row in FOCUS_GOLD}


@pytest.mark.parametrize("row", FOCUS_GOLD, ids=lambda row: Path(row["file"]).stem)
def test_every_visit_gets_the_focus_its_letter_states(row: dict) -> None:
    record = _extract(row["file"])
    assert record.document_type in ("focused_visit", "monitoring_visit")
    assert record.visit_focus, "the printed focus is kept"
    assert record.visit_focus_areas, "at least one focus concept"
    assert sorted(record.visit_focus_areas) == sorted(row["areas"])
    assert set(record.visit_focus_areas) <= set(vocabulary.notations(OKG.VisitFocusScheme))


def test_a_focus_stated_inside_the_opening_paragraph_is_found() -> None:
    croydon = _extract("examples/letters/focused-visit_croydon_2021-07.pdf")
    assert (
        croydon.visit_focus == "Inspectors looked at the local authority’s arrangements for the ‘front door’."
    )
    harrow = _extract("examples/letters/focused-visit_harrow_2018-11.pdf")
    assert (
        harrow.visit_focus is not None
        and "Specifically, they considered the ‘front door’" in harrow.visit_focus
    )


def test_the_pandemic_review_codes_only_letters_without_a_narrower_focus() -> None:
    croydon = _extract("examples/letters/focused-visit_croydon_2021-07.pdf")
    assert "COVID-19" in croydon.text[:2000] and croydon.visit_focus_areas == ["front-door"]
    southwark = _extract("examples/letters/focused-visit_southwark_2020-11.pdf")
    assert southwark.visit_focus is not None and "COVID-19" in southwark.visit_focus
    assert southwark.visit_focus_areas == ["covid-19-practice"]


def test_the_focus_scheme_is_skos_and_its_labels_are_the_lexicon() -> None:
    graph = vocabulary.ontology_graph()
    concepts = set(graph.subjects(SKOS.inScheme, OKG.VisitFocusScheme))
    assert len(concepts) >= 10
    assert (OKG.VisitFocusScheme, RDF.type, SKOS.ConceptScheme) in graph
    for concept in concepts:
        notation = str(graph.value(concept, SKOS.notation))
        assert re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", notation), notation
        assert graph.value(concept, SKOS.prefLabel) is not None and graph.value(concept, SKOS.definition)
        assert (concept, SKOS.topConceptOf, OKG.VisitFocusScheme) in graph
    assert (OKG.VisitFocus_help_and_protection, SKOS.narrower, OKG.VisitFocus_front_door) in graph
    focus = "Inspectors looked at the local authority’s arrangements for young carers."
    assert visit_focus.focus_areas(focus) == []
    graph.add(
        (
            OKG.VisitFocus_children_in_need_and_child_protection,
            SKOS.altLabel,
            Literal("young carers", lang="en"),
        )
    )
    lexicon = Lexicon.from_graph(graph, OKG.VisitFocusScheme)
    assert visit_focus.focus_areas(focus, lexicon) == ["children-in-need-and-child-protection"]


def test_the_graph_links_the_visit_to_its_focus_concepts() -> None:
    record = _extract("examples/letters/focused-visit_birmingham_2024-10.pdf")
    graph = record_to_graph(record).document
    inspection = inspection_of(record)
    linked = set(graph.objects(inspection, OKG.visitFocusArea))
    expected = {vocabulary.concept(OKG.VisitFocusScheme, n) for n in record.visit_focus_areas}
    assert linked == expected and len(linked) == 3
    assert graph.value(inspection, OKG.visitFocus) == Literal(record.visit_focus)


# --------------------------------------------------------------------------- next inspection


def test_the_next_inspection_gold_covers_every_area_send_report() -> None:
    reports = {f"examples/letters/{p.name}" for p in (ROOT / "examples" / "letters").glob("send-area_*.pdf")}
    assert reports == {row["file"] for row in NEXT_GOLD}


@pytest.mark.parametrize("row", NEXT_GOLD, ids=lambda row: Path(row["file"]).stem)
def test_area_send_reports_give_the_next_inspection_window(row: dict) -> None:
    record = _extract(row["file"])
    got = [
        {"kind": n.kind, "interval": n.interval, "due_from": n.due_from, "due_by": n.due_by}
        for n in record.next_inspections
    ]
    assert got == row["next_inspections"]
    for expected in record.next_inspections:
        assert expected.approximate  # every report in the corpus says "approximately"
        assert record.text[expected.span.start : expected.span.end] == expected.statement  # the evidence
        assert expected.statement in (record.visit_focus or "")


def test_the_graph_carries_the_window_and_the_sentence() -> None:
    record = _extract("examples/letters/send-area_bury_2024-05.pdf")
    graph = record_to_graph(record).document
    inspection = inspection_of(record)
    nodes = sorted(graph.objects(inspection, OKG.nextInspection))
    assert len(nodes) == 2
    monitoring = iris.next_inspection(inspection, 1)
    assert (monitoring, RDF.type, OKG.ExpectedInspection) in graph
    assert graph.value(monitoring, OKG.dueBy) == Literal("2025-08-16", datatype=XSD.date)
    assert graph.value(monitoring, OKG.dueFrom) == Literal("2024-02-16", datatype=XSD.date)
    assert graph.value(monitoring, OKG.statedInterval) == Literal("P18M")
    assert graph.value(monitoring, OKG.expectedKind) == Literal("monitoring_inspection")
    statement = str(graph.value(monitoring, OKG.statement))
    assert statement == "A monitoring inspection will be carried out within approximately 18 months."


def test_statements_in_words_and_month_ends() -> None:
    text = "Outcome. The next full area SEND inspection will take place within three years."
    (found,) = visit_focus.next_inspections(text, "2023-08-31")
    assert (found.kind, found.interval, found.approximate, found.due_by) == (
        "full_inspection",
        "P3Y",
        False,
        "2026-08-31",
    )
    assert visit_focus.add_months(dt.date(2023, 8, 31), 18) == dt.date(2025, 2, 28)
    assert visit_focus.add_months(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    assert visit_focus.next_inspections(text, None) == []  # no inspection date, no window
    assert (
        visit_focus.next_inspections(
            "Ofsted will take the findings into account when planning your next inspection.", "2023-01-01"
        )
        == []
    )
