"""SHACL: real letters' graphs conform; deliberately broken graphs fail on the right shape."""

from __future__ import annotations

import dataclasses
import importlib.util
from pathlib import Path

import pytest
import rdflib.namespace as ns
from ofsted_kg.loaders.graph import inspection_of, record_to_graph
from ofsted_kg.loaders.record import Record
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH

from ofsted_kg import iris
from ofsted_kg.namespace import OA, OKG, PROV
from ofsted_kg.validate import ShaclOutcome, Validator, validate_graph
from tools.ontology_docs import peterborough_example

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
HAS_EXTRACTOR = importlib.util.find_spec("ofsted_kg.loaders.extract") is not None
# One real document of each kind the example set holds (the extractor's own tests cover the rest).
SAMPLE_LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "../../tests/corpus/text/focused-visit_peterborough_2021-08.txt",
    "focused-visit_barking-and-dagenham_2018-04.pdf",
    "ilacs_peterborough_2024-01.pdf",
)


@pytest.fixture(scope="module")
def validator() -> Validator:
    return Validator.load()


@pytest.fixture(scope="module")
def example() -> Record:
    return peterborough_example()


def document(record: Record) -> Graph:
    return record_to_graph(record).document


def results(outcome: ShaclOutcome, severity: URIRef = SH.Violation) -> list[tuple[str, str, str]]:
    """(focus node, constraint component local name, message) of each result of that severity."""
    found = []
    for result in outcome.results.subjects(SH.resultSeverity, severity):
        component = str(outcome.results.value(result, SH.sourceConstraintComponent)).rsplit("#", 1)[-1]
        found.append(
            (
                str(outcome.results.value(result, SH.focusNode)),
                component,
                str(outcome.results.value(result, SH.resultMessage)),
            )
        )
    return sorted(found)


def test_the_worked_example_conforms(validator: Validator, example: Record) -> None:
    outcome = validator.run(document(example))
    assert outcome.conforms, outcome.text
    assert results(outcome) == []


@pytest.mark.skipif(not HAS_EXTRACTOR, reason="ofsted_kg.loaders.extract (the extractor) is not installed")
@pytest.mark.parametrize("name", SAMPLE_LETTERS)
def test_real_letters_conform(validator: Validator, name: str) -> None:
    from ofsted_kg.loaders.extract import extract_path

    record = extract_path(EXAMPLES / name)
    assert record.findings, "a real letter yields findings to validate"
    conforms, text = validator.validate(document(record))
    assert conforms, text


def test_quote_not_matching_the_text_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.set(
        (
            iris.quote_selector(inspection_of(example), 1),
            OA.exact,
            Literal("The quality and recording of supervision is good."),
        )
    )
    outcome = validator.run(g)
    assert not outcome.conforms
    assert results(outcome) == [
        (
            str(iris.report(example.source.sha256)),
            "SPARQLConstraintComponent",
            f"the evidence quote (oa:exact) of finding {iris.finding(inspection_of(example), 1)} is not the report text "
            "between its start and end offsets",
        )
    ]


def test_offsets_moved_off_the_quote_fail(validator: Validator, example: Record) -> None:
    g = document(example)
    start = g.value(iris.position_selector(inspection_of(example), 1), OA.start).toPython()
    g.set((iris.position_selector(inspection_of(example), 1), OA.start, Literal(start + 1)))
    components = {c for _f, c, _m in results(validator.run(g))}
    assert "SPARQLConstraintComponent" in components


def test_start_after_end_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.set((iris.position_selector(inspection_of(example), 1), OA.start, Literal(5000)))
    g.set((iris.position_selector(inspection_of(example), 1), OA.end, Literal(4000)))
    found = results(validator.run(g))
    assert (str(iris.position_selector(inspection_of(example), 1)), "LessThanConstraintComponent") in {
        (f, c) for f, c, _m in found
    }


def test_visit_start_after_end_fails(validator: Validator, example: Record) -> None:
    late = dataclasses.replace(example, visit_start="2021-06-24")
    assert results(validator.run(document(late))) == [
        (
            str(inspection_of(late)),
            "LessThanOrEqualsConstraintComponent",
            "an inspection has exactly one okg:startDate (xsd:date), not after its okg:endDate",
        )
    ]


def test_two_authorities_fail(validator: Validator, example: Record) -> None:
    g = document(example)
    g.add((inspection_of(example), OKG.inspectedAuthority, iris.authority("E06000032")))
    assert results(validator.run(g)) == [
        (
            str(inspection_of(example)),
            "MaxCountConstraintComponent",
            "an inspection has exactly one okg:inspectedAuthority",
        )
    ]


def test_page_zero_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.set((iris.evidence(inspection_of(example), 1), OKG.page, Literal(0)))
    found = results(validator.run(g))
    assert [(c, m) for _f, c, m in found] == [
        ("MinInclusiveConstraintComponent", "evidence has exactly one okg:page, an integer >= 1")
    ]


def test_a_grade_from_the_wrong_scheme_fails(validator: Validator, example: Record) -> None:
    send = dataclasses.replace(
        example, document_type="area_send_inspection", judgements={"area_send_outcome": "good"}
    )
    found = results(validator.run(document(send)))
    judgement = str(iris.judgement(inspection_of(send), "area_send_outcome"))
    assert [(f, c) for f, c, _m in found] == [(judgement, "SPARQLConstraintComponent")]
    fitting = dataclasses.replace(send, judgements={"area_send_outcome": "widespread_failings"})
    assert validator.run(document(fitting)).conforms


def test_a_finding_kind_outside_its_scheme_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.set((iris.finding(inspection_of(example), 1), OKG.findingKind, OKG.Grade_good))
    found = {(f, c, m) for f, c, m in results(validator.run(g))}
    assert (
        str(iris.finding(inspection_of(example), 1)),
        "NodeConstraintComponent",
        "a finding has exactly one okg:findingKind from okg:FindingKindScheme",
    ) in found
    assert (
        str(OKG.Grade_good),
        "HasValueConstraintComponent",
        "not a finding kind of okg:FindingKindScheme",
    ) in found


def test_missing_evidence_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.remove((iris.finding(inspection_of(example), 1), OKG.evidence, None))
    found = results(validator.run(g))
    assert (
        "MinCountConstraintComponent",
        "a finding has exactly one okg:evidence (an oa:SpecificResource)",
    ) in {(c, m) for _f, c, m in found}


def test_inspectors_required_on_letters_but_only_warned_on_reports(
    validator: Validator, example: Record
) -> None:
    letter = validator.run(document(dataclasses.replace(example, inspectors=[])))
    assert not letter.conforms
    assert any("names at least one inspector" in m for _f, _c, m in results(letter))
    report = validator.run(
        document(dataclasses.replace(example, document_type="ilacs_inspection", inspectors=[]))
    )
    assert report.conforms, report.text
    assert [m for _f, _c, m in results(report, SH.Warning)] == ["no inspector is named for this inspection"]


def test_wrong_datatype_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    inspection = inspection_of(example)
    g.set((inspection, OKG.endDate, Literal("2021-06-23T00:00:00", datatype=ns.XSD.dateTime)))
    assert not validator.run(g).conforms


def test_validate_graph_function(example: Record) -> None:
    conforms, text = validate_graph(document(example))
    assert conforms and "Conforms: True" in text
    g = document(example)
    g.remove((None, PROV.wasGeneratedBy, inspection_of(example)))
    conforms, text = validate_graph(g)
    assert not conforms and "exactly one okg:Inspection" in text


def test_prefix_not_before_the_quote_fails(validator: Validator, example: Record) -> None:
    g = document(example)
    g.set((iris.quote_selector(inspection_of(example), 1), OA.prefix, Literal("not what precedes the quote")))
    messages = [m for _f, _c, m in results(validator.run(g))]
    assert messages == [
        f"the evidence prefix or suffix of finding {iris.finding(inspection_of(example), 1)} is not the report text "
        "just before or after its quote"
    ]


# ------------------------------------------------------------------------ the validate command


def _store_with(tmp_path: Path, graphs: dict[URIRef, Graph]) -> str:
    from ofsted_kg.store import EmbeddedStore

    tmp_path.mkdir(parents=True, exist_ok=True)
    path = str(tmp_path / "store")
    with EmbeddedStore(path) as store:
        for name, graph in graphs.items():
            store.replace_graph(name, graph.serialize(format="nt", encoding="utf-8"))
    return path


def _graphs(built) -> dict[URIRef, Graph]:  # noqa: ANN001 - a DocumentGraphs
    return {
        built.report_graph: built.report_triples.graph(),
        built.inspection_graph: built.inspection_triples.graph(),
        iris.SHARED_GRAPH: built.shared,
    }


def test_validate_command_passes_a_good_store_and_fails_a_broken_one(
    tmp_path: Path, example: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    from ofsted_kg.cli import main

    built = record_to_graph(example)
    good = _store_with(tmp_path / "good", _graphs(built))
    assert main(["--store", good, "validate", "--no-reasoner"]) == 0
    assert "SHACL: 1 of 1 inspections, copies and summaries conform" in capsys.readouterr().out

    broken = _graphs(built)
    broken[built.inspection_graph].add(
        (built.inspection, OKG.inspectedAuthority, iris.authority("E06000032"))
    )
    bad = _store_with(tmp_path / "bad", broken)
    assert main(["--store", bad, "validate", "--no-reasoner"]) == 1
    captured = capsys.readouterr()
    assert "SHACL: 0 of 1 inspections, copies and summaries conform" in captured.out
    assert "exactly one okg:inspectedAuthority" in captured.err


def test_validate_command_names_copies_without_an_inspection(
    tmp_path: Path, example: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    from ofsted_kg.cli import main
    from ofsted_kg.store import EmbeddedStore

    built = record_to_graph(example)
    path = _store_with(tmp_path / "kg", _graphs(built))
    with EmbeddedStore(path) as store:
        store.drop_graph(built.inspection_graph)  # as a delete with no successor file leaves it
    assert main(["--store", path, "validate", "--no-reasoner"]) == 1
    err = capsys.readouterr().err
    assert f"{built.report_graph}: a copy of {built.inspection}, whose findings were read from a copy" in err
    assert "ingest this file (focused-visit_peterborough_2021-08.pdf) again" in err


def test_validate_command_fails_a_summary_that_does_not_count_the_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Summaries change with the findings; one edited by hand (or written by a bug) is found by
    recounting, a malformed one by its shapes, and `ingest` with no paths recounts it."""
    from ofsted_kg.cli import main
    from ofsted_kg.ingest import ingest
    from ofsted_kg.store import EmbeddedStore

    path = tmp_path / "kg.db"
    with EmbeddedStore(path) as store:
        assert ingest(store, [EXAMPLES / "focused-visit_peterborough_2021-08.pdf"], jobs=1, progress=False).ok
    assert main(["--store", str(path), "validate", "--no-reasoner"]) == 0
    assert "SHACL: 2 of 2 inspections, copies and summaries conform" in capsys.readouterr().out
    authority = iris.authority("E06000031")
    graph = iris.summary_graph(authority)
    with EmbeddedStore(path) as store:
        kept = list(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}))
        row = min(s for s, p, o in kept if (p, o) == (RDF.type, OKG.ThemeTally))
        edited = [(s, p, Literal(99) if (s, p) == (row, OKG.findingCount) else o) for s, p, o in kept]
        store.replace_graph(graph, "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in edited).encode())
    assert main(["--store", str(path), "validate", "--no-reasoner"]) == 1
    assert (
        f"{graph}: does not count the findings in the store (1 theme and 0 theme-and-polarity rows differ)"
        in (capsys.readouterr().err)
    )
    with EmbeddedStore(path) as store:
        zeroed = [
            (s, p, Literal(0, datatype=ns.XSD.integer) if (s, p) == (row, OKG.findingCount) else o)
            for s, p, o in kept
        ]
        store.replace_graph(graph, "".join(f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in zeroed).encode())
    assert main(["--store", str(path), "validate", "--no-reasoner"]) == 1
    assert "okg:findingCount, an integer >= 1" in capsys.readouterr().err
    assert main(["--store", str(path), "ingest"]) == 0  # no paths: recounts the summaries
    assert main(["--store", str(path), "validate", "--no-reasoner"]) == 0


def test_a_report_published_before_its_visit_ended_fails(validator: Validator, example: Record) -> None:
    # Ofsted's January slip: a letter about a June 2021 visit dated as if a year earlier.
    slipped = dataclasses.replace(example, published="2020-08-02")
    assert results(validator.run(document(slipped))) == [
        (
            str(iris.report(example.source.sha256)),
            "SPARQLConstraintComponent",
            "the report is dated 2020-08-02, before its visit ended (2021-06-23): a misprinted or wrongly "
            "listed date",
        )
    ]
    # The last day of the visit itself is possible (a letter dated as the visit closes).
    assert validator.run(document(dataclasses.replace(example, published="2021-06-23"))).conforms


def test_findings_read_from_another_copy_and_false_alternates_fail(
    validator: Validator, example: Record
) -> None:
    built = record_to_graph(example)
    other = dataclasses.replace(example, source=dataclasses.replace(example.source, sha256="0" * 64))
    copy = record_to_graph(other)
    both = built.document + copy.report_triples.graph()
    both.add((built.report, PROV.alternateOf, copy.report))
    both.add((copy.report, PROV.alternateOf, built.report))
    assert validator.run(both).conforms, validator.run(both).text
    # A finding derived from the copy that is not the primary: findings exist once, from one copy.
    finding = iris.finding(built.inspection, 1)
    wrong = both + Graph()
    wrong.set((finding, PROV.wasDerivedFrom, copy.report))
    assert (
        str(built.inspection),
        "SPARQLConstraintComponent",
        f"finding {finding} of this inspection is derived from a report other than its primary report: "
        "findings exist once, read from one copy",
    ) in results(validator.run(wrong))
    # alternateOf to a report of another inspection.
    stranger = record_to_graph(dataclasses.replace(other, visit_start="2020-01-07", visit_end="2020-01-08"))
    false = built.document + stranger.document
    false.add((built.report, PROV.alternateOf, stranger.report))
    assert (
        str(built.report),
        "SPARQLConstraintComponent",
        f"prov:alternateOf links this report to {stranger.report}, which is not a copy of the same "
        "inspection's report",
    ) in results(validator.run(false))


@pytest.mark.slow
@pytest.mark.skipif(not HAS_EXTRACTOR, reason="ofsted_kg.loaders.extract (the extractor) is not installed")
def test_every_example_letter_conforms(validator: Validator) -> None:
    """Issue 2: pySHACL validates every example letter's graph (documents no parser reads yet are skipped)."""
    from ofsted_kg.loaders.errors import UnsupportedDocument
    from ofsted_kg.loaders.extract import extract_path

    failures, checked = [], 0
    for path in sorted(EXAMPLES.iterdir()):
        if path.suffix not in (".pdf", ".txt"):
            continue
        try:
            record = extract_path(path)
        except UnsupportedDocument:
            continue
        checked += 1
        outcome = validator.run(document(record))
        if not outcome.conforms:
            failures.append(f"{path.name}: {results(outcome)[:3]}")
    assert checked >= 40
    assert not failures, "\n".join(failures)


def test_split_inspections_recovers_each_inspection_with_its_copies(example: Record) -> None:
    from ofsted_kg.validate import split_inspections

    built = record_to_graph(example)
    text_copy = record_to_graph(
        dataclasses.replace(example, source=dataclasses.replace(example.source, sha256="f" * 64))
    )
    other = record_to_graph(
        dataclasses.replace(
            example,
            source=dataclasses.replace(example.source, sha256="0" * 64),
            visit_start="2020-01-07",
            visit_end="2020-01-08",
            judgements={},
        )
    )
    merged = built.document + built.shared + text_copy.report_triples.graph() + other.document
    units, rest = split_inspections(merged)
    assert set(units) == {built.inspection_graph, other.inspection_graph}
    assert set(units[built.inspection_graph]) == set(built.document) | set(text_copy.report_triples)
    assert set(rest) == set(built.shared)
    # A copy whose inspection is not described is a unit of its own, for SHACL to fail.
    alone, _ = split_inspections(text_copy.report_triples.graph())
    assert set(alone) == {text_copy.report_graph}


def test_validate_command_checks_an_exported_file(
    tmp_path: Path, example: Record, capsys: pytest.CaptureFixture[str]
) -> None:
    from ofsted_kg.cli import main

    built = record_to_graph(example)
    good = tmp_path / "good.ttl"
    good.write_text((built.document + built.shared).serialize(format="turtle"), encoding="utf-8")
    assert main(["validate", "--no-reasoner", "--file", str(good)]) == 0
    assert "SHACL: 1 of 1 inspections, copies and summaries conform" in capsys.readouterr().out
    broken = built.document + built.shared
    broken.set((iris.evidence(inspection_of(example), 1), OKG.page, Literal(0)))
    bad = tmp_path / "bad.nt"
    bad.write_text(broken.serialize(format="nt"), encoding="utf-8")
    assert main(["validate", "--no-reasoner", "--file", str(bad)]) == 1
    assert "okg:page, an integer >= 1" in capsys.readouterr().err
    garbage = tmp_path / "garbage.ttl"
    garbage.write_text("this is not turtle <<", encoding="utf-8")
    assert main(["validate", "--no-reasoner", "--file", str(garbage)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "garbage.ttl: cannot read it as RDF" in err


def test_framework_outside_its_dates_is_a_warning(validator: Validator, example: Record) -> None:
    outcome = validator.run(document(dataclasses.replace(example, framework="sif-2013")))
    assert outcome.conforms
    assert [m for _f, _c, m in results(outcome, SH.Warning)] == [
        f"the inspection's start date falls outside the dates of validity of its framework {OKG.Framework_sif_2013}"
    ]
    assert results(validator.run(document(example)), SH.Warning) == []


@pytest.mark.skipif(importlib.util.find_spec("pyshacl_turbo") is None, reason="pyshacl-turbo not installed")
def test_the_two_engines_reach_the_same_results(example: Record) -> None:
    """pyshacl-turbo (the default where it installs) and pySHACL report the same results, with
    the same focus nodes, constraint components and messages, on a conforming graph and on one
    broken in several ways at once (a quote off its text, a page zero, an end before its start)."""
    broken = document(example)
    inspection = inspection_of(example)
    broken.set((iris.quote_selector(inspection, 1), OA.exact, Literal("Not the text.")))
    broken.set((iris.evidence(inspection, 2), OKG.page, Literal(0)))
    broken.set((iris.position_selector(inspection, 3), OA.start, Literal(10**6)))
    turbo, pyshacl = Validator.load("pyshacl-turbo"), Validator.load("pyshacl")
    for graph in (document(example), broken):
        fast, slow = turbo.run(graph), pyshacl.run(graph)
        assert fast.conforms == slow.conforms
        assert results(fast) == results(slow)
        assert results(fast, SH.Warning) == results(slow, SH.Warning)
    assert results(turbo.run(broken))  # the broken graph did break
