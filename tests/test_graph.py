"""Record -> RDF (loaders/graph.py): complete, deterministic, evidenced; and the golden graphs."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from pathlib import Path

import pytest
import rdflib.namespace as ns
from ofsted_kg.loaders.graph import RecordGraphError, authorities_graph, record_to_graph
from ofsted_kg.loaders.record import Finding, Record, Span
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import to_isomorphic
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SKOS

from ofsted_kg import iris
from ofsted_kg.namespace import OA, OKG
from tools import golden
from tools.ontology_docs import peterborough_example

BUILT_INS = {RDF.type, RDFS.label}  # OWL's own: not declared by any ontology
# rdflib namespaces that warn on unknown attributes stay behind `ns.` (pytest probes module globals).
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HAS_EXTRACTOR = importlib.util.find_spec("ofsted_kg.loaders.extract") is not None


@pytest.fixture(scope="module")
def example() -> Record:
    return peterborough_example()


def sorted_ntriples(graph: Graph) -> list[str]:
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


def test_document_graph_describes_report_inspection_and_inspectors(example: Record) -> None:
    built = record_to_graph(example, software_version="9.9.9")
    g, sha = built.document, example.source.sha256
    report, inspection = iris.report(sha), iris.inspection(sha)
    assert built.graph_iri == iris.report_graph(sha)
    assert (report, RDF.type, OKG.Letter) in g
    assert g.value(report, OKG.sha256) == Literal(sha)
    assert g.value(report, DCTERMS.source) == Literal("focused-visit_peterborough_2021-08.pdf")
    assert g.value(report, DCTERMS.issued) == Literal("2021-08-02", datatype=ns.XSD.date)
    assert g.value(report, DCTERMS.license) == iris.OGL_V3
    assert g.value(report, OKG.documentType) == OKG.DocumentType_focused_visit
    assert g.value(report, OKG.text) == Literal(example.text)
    assert g.value(report, PROV.wasGeneratedBy) == inspection
    assert (inspection, RDF.type, OKG.FocusedVisit) in g
    assert g.value(inspection, OKG.inspectedAuthority) == iris.authority("E06000031")
    assert g.value(inspection, OKG.startDate) == Literal("2021-06-22", datatype=ns.XSD.date)
    assert g.value(inspection, OKG.endDate) == Literal("2021-06-23", datatype=ns.XSD.date)
    interval = g.value(inspection, ns.TIME.hasTime)
    assert g.value(g.value(interval, ns.TIME.hasEnd), ns.TIME.inXSDDate) == Literal(
        "2021-06-23", datatype=ns.XSD.date
    )
    leads = {
        g.value(a, PROV.agent)
        for a in g.objects(inspection, PROV.qualifiedAssociation)
        if (a, OKG.isLead, Literal(True)) in g
    }
    assert leads == {iris.inspector("Tom Anthony")}
    assert (iris.association(sha, "Tom Anthony"), PROV.hadRole, OKG.Role_lead) in g
    assert set(g.objects(inspection, PROV.wasAssociatedWith)) == {
        iris.inspector("Tom Anthony"),
        iris.inspector("Nigel Parkes"),
    }
    software = iris.software("9.9.9")
    assert (iris.extraction(sha), PROV.wasAssociatedWith, software) in g
    assert (software, RDF.type, OKG.Software) in built.shared
    assert (iris.inspector("Nigel Parkes"), RDF.type, OKG.Inspector) in built.shared
    assert (iris.authority("E06000031"), ORG.hasUnit, iris.childrens_services("E06000031")) in built.shared


def test_finding_evidence_points_into_the_report_text(example: Record) -> None:
    g, sha = record_to_graph(example).document, example.source.sha256
    finding = iris.finding(sha, 1)
    assert g.value(finding, OKG.findingKind) == OKG.FindingKind_area_for_improvement
    evidence = g.value(finding, OKG.evidence)
    selectors = set(g.objects(evidence, OA.hasSelector))
    quote = next(s for s in selectors if (s, RDF.type, OA.TextQuoteSelector) in g)
    position = next(s for s in selectors if (s, RDF.type, OA.TextPositionSelector) in g)
    start, end = g.value(position, OA.start).toPython(), g.value(position, OA.end).toPython()
    exact = str(g.value(quote, OA.exact))
    assert exact == example.text[start:end]
    assert exact.startswith("The quality and recording of supervision")
    assert example.text[:start].endswith(str(g.value(quote, OA.prefix)))
    assert example.text[end:].startswith(str(g.value(quote, OA.suffix)))
    assert len(str(g.value(quote, OA.prefix))) == 32
    assert g.value(evidence, OKG.page) == Literal(2)


def test_conversion_is_deterministic_with_no_blank_nodes(example: Record) -> None:
    first, second = record_to_graph(example), record_to_graph(example)
    for a, b in ((first.document, second.document), (first.shared, second.shared)):
        assert sorted_ntriples(a) == sorted_ntriples(b)
        assert to_isomorphic(a) == to_isomorphic(b)
        assert not any(isinstance(term, BNode) for triple in a for term in triple)


def test_every_term_used_is_defined(example: Record) -> None:
    from ofsted_kg.vocabulary import ontology_graph

    defined = set(ontology_graph().subjects())
    built = record_to_graph(example)
    for graph in (built.document, built.shared, authorities_graph()):
        for _s, p, o in graph:
            assert p in defined or p in BUILT_INS, p
            if p == RDF.type:
                assert o in defined, o


def test_bad_records_raise_a_clear_error(example: Record) -> None:
    outside = dataclasses.replace(
        example, findings=[Finding("headline", "x", Span(10, len(example.text) + 5, 1))]
    )
    with pytest.raises(RecordGraphError, match="outside the report text"):
        record_to_graph(outside)
    with pytest.raises(RecordGraphError, match="grade"):
        record_to_graph(dataclasses.replace(example, judgements={"overall_effectiveness": "excellent"}))
    with pytest.raises(RecordGraphError, match="ISO date"):
        record_to_graph(dataclasses.replace(example, visit_start="22 June 2021"))
    with pytest.raises(RecordGraphError, match="no source"):
        record_to_graph(dataclasses.replace(example, source=None))


def test_judgements_and_ilacs_kind(example: Record) -> None:
    ilacs = dataclasses.replace(
        example,
        document_type="ilacs_inspection",
        inspection_kind="short",
        judgements={"overall_effectiveness": "good", "care_leavers": "requires_improvement"},
    )
    g, sha = record_to_graph(ilacs).document, example.source.sha256
    inspection = iris.inspection(sha)
    assert (inspection, RDF.type, OKG.ILACSShortInspection) in g
    assert (iris.report(sha), RDF.type, OKG.Letter) not in g
    judgement = iris.judgement(sha, "care_leavers")
    assert (inspection, OKG.hasJudgement, judgement) in g
    assert g.value(judgement, OKG.judgementArea) == OKG.JudgementArea_care_leavers
    assert g.value(judgement, OKG.grade) == OKG.Grade_requires_improvement


def test_authorities_graph_holds_the_reference_lookup() -> None:
    g = authorities_graph()
    authorities = set(g.subjects(RDF.type, OKG.LocalAuthority))
    assert len(authorities) == 156  # 153 current + Cumbria, Northamptonshire, Poole
    peterborough = iris.authority("E06000031")
    assert g.value(peterborough, SKOS.prefLabel) == Literal("Peterborough")
    assert g.value(peterborough, OKG.ofstedURN) == Literal("80537")
    assert g.value(peterborough, OKG.laNumber) == Literal("874")
    assert g.value(peterborough, OKG.regionCode) == Literal("E12000006")
    assert g.value(peterborough, OKG.area) == iris.gss_area("E06000031")
    assert len(set(g.objects(peterborough, OKG.statisticalNeighbour))) == 10
    assert set(g.objects(iris.authority("E10000006"), OKG.succeededBy)) == {
        iris.authority("E06000063"),
        iris.authority("E06000064"),
    }
    assert len(set(g.subjects(RDF.type, OKG.Inspectorate))) == 4
    assert all(isinstance(a, URIRef) and g.value(a, ORG.hasUnit) is not None for a in authorities)
    # Links stay inside the graph: every neighbour and successor is itself a described authority.
    linked = set(g.objects(None, OKG.statisticalNeighbour)) | set(g.objects(None, OKG.succeededBy))
    assert linked <= authorities


def test_record_shared_triples_agree_with_the_authorities_graph(example: Record) -> None:
    shared = record_to_graph(example).shared
    reference = authorities_graph()
    authority = iris.authority("E06000031")
    for triple in shared.triples((authority, None, None)):
        assert triple in reference, triple


# --------------------------------------------------------------------------- golden graphs


def test_golden_diff_is_readable() -> None:
    a, b = Graph(), Graph()
    s = URIRef("https://w3id.org/ofsted-kg/id/report/x")
    a.add((s, OKG.pageCount, Literal(3)))
    b.add((s, OKG.pageCount, Literal(4)))
    text = golden.diff(a, b)
    assert text.startswith("1 triples missing, 1 extra")
    assert (
        '- <https://w3id.org/ofsted-kg/id/report/x> <https://w3id.org/ofsted-kg/ontology#pageCount> "3"'
        in text
    )
    assert golden.diff(a, a) == ""


@pytest.mark.skipif(not HAS_EXTRACTOR, reason="ofsted_kg.loaders.extract (the extractor) is not installed")
@pytest.mark.parametrize("case", golden.cases(FIXTURES), ids=lambda c: c.name)
def test_golden_graph(case: golden.GoldenCase) -> None:
    difference = golden.compare(case)
    assert not difference, (
        f"{case.name} differs from {case.expected} "
        f"(regenerate: python -m ofsted_kg.devtools golden)\n{difference}"
    )


def test_golden_cases_exist() -> None:
    names = [c.name for c in golden.cases(FIXTURES)]
    assert len(names) >= 3
    assert all((FIXTURES / n / golden.EXPECTED_NAME).exists() for n in names)


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_a_report_with_the_shared_graph_is_consistent_for_hermit(example: Record) -> None:
    from ofsted_kg.validate import check_consistency

    built = record_to_graph(example)
    data = built.document + built.shared + authorities_graph()
    consistent, message = check_consistency(data)
    assert consistent, message


def test_monitoring_visit_series_and_extra_dates(example: Record) -> None:
    visit = dataclasses.replace(
        example,
        document_type="monitoring_visit",
        series_number=3,
        extra_dates=[("2021-07-06", "2021-07-07")],
        framework=None,
    )
    g, sha = record_to_graph(visit).document, example.source.sha256
    inspection = iris.inspection(sha)
    assert (inspection, RDF.type, OKG.MonitoringVisit) in g
    assert g.value(inspection, OKG.seriesNumber) == Literal(3)
    intervals = set(g.objects(inspection, ns.TIME.hasTime))
    assert intervals == {iris.visit_interval(sha), iris.extra_visit_interval(sha, 1)}
    begin = g.value(iris.extra_visit_interval(sha, 1), ns.TIME.hasBeginning)
    assert g.value(begin, ns.TIME.inXSDDate) == Literal("2021-07-06", datatype=ns.XSD.date)
    assert g.value(inspection, OKG.startDate) == Literal("2021-06-22", datatype=ns.XSD.date)  # the first set


def test_joint_inspection_judges_a_partnership(example: Record) -> None:
    jtai = dataclasses.replace(
        example,
        document_type="jtai",
        partner_bodies=["Cambridgeshire Constabulary"],
        inspectors=[
            *example.inspectors,
            dataclasses.replace(
                example.inspectors[1], name="Ann Other", inspectorate="hmicfrs", role="hmicfrs_inspector"
            ),
        ],
    )
    built = record_to_graph(jtai)
    g, sha = built.document, example.source.sha256
    inspection = iris.inspection(sha)
    partnership = iris.partnership("E06000031", "jtai")
    assert g.value(inspection, OKG.inspectedPartnership) == partnership
    assert g.value(inspection, OKG.inspectedService) is None
    assert set(g.objects(inspection, OKG.conductedBy)) == {
        iris.inspectorate("ofsted"),
        iris.inspectorate("hmicfrs"),
    }
    body = iris.partner_body("Cambridgeshire Constabulary")
    assert set(built.shared.objects(partnership, OKG.hasPartner)) == {iris.authority("E06000031"), body}
    assert (body, RDF.type, OKG.PartnerBody) in built.shared
