"""Record -> RDF (loaders/graph.py): complete, deterministic, evidenced; and the golden graphs."""

from __future__ import annotations

import dataclasses
import importlib.util
import shutil
from pathlib import Path

import pytest
import rdflib.namespace as ns
from ofsted_kg.loaders.graph import (
    RecordGraphError,
    alternate_triples,
    authorities_graph,
    copy_rank,
    inspection_of,
    record_to_graph,
    superclasses,
)
from ofsted_kg.loaders.record import Finding, Provenance, Record, Span
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
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
HAS_EXTRACTOR = importlib.util.find_spec("ofsted_kg.loaders.extract") is not None


@pytest.fixture(scope="module")
def example() -> Record:
    return peterborough_example()


def sorted_ntriples(graph: Graph) -> list[str]:
    return sorted(line for line in graph.serialize(format="nt").splitlines() if line.strip())


def test_document_graph_describes_report_inspection_and_inspectors(example: Record) -> None:
    built = record_to_graph(example, software_version="9.9.9")
    g, sha = built.document, example.source.sha256
    report, inspection = iris.report(sha), built.inspection
    assert inspection == URIRef("https://w3id.org/ofsted-kg/id/inspection/E06000031/focused-visit/2021-06-22")
    assert built.report_graph == iris.report_graph(sha)
    assert built.inspection_graph == URIRef(
        "https://w3id.org/ofsted-kg/id/graph/inspection/E06000031/focused-visit/2021-06-22"
    )
    assert (report, RDF.type, OKG.Letter) in g
    assert g.value(report, OKG.sha256) == Literal(sha)
    # The file name is okg:fileName; dcterms:source is kept for where Ofsted published it (an IRI).
    assert g.value(report, OKG.fileName) == Literal("focused-visit_peterborough_2021-08.pdf")
    assert g.value(report, DCTERMS.source) is None
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
    assert (iris.association(inspection, "Tom Anthony"), PROV.hadRole, OKG.Role_lead) in g
    assert g.value(inspection, OKG.primaryReport) == report
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
    built = record_to_graph(example)
    g = built.document
    finding = iris.finding(built.inspection, 1)
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
    built = record_to_graph(ilacs)
    g, sha, inspection = built.document, example.source.sha256, built.inspection
    assert inspection == URIRef("https://w3id.org/ofsted-kg/id/inspection/E06000031/ilacs/2021-06-22")
    assert (inspection, RDF.type, OKG.ILACSShortInspection) in g
    assert (iris.report(sha), RDF.type, OKG.Letter) not in g
    judgement = iris.judgement(inspection, "care_leavers")
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
    built = record_to_graph(visit)
    g, inspection = built.document, built.inspection
    assert (inspection, RDF.type, OKG.MonitoringVisit) in g
    assert g.value(inspection, OKG.seriesNumber) == Literal(3)
    intervals = set(g.objects(inspection, ns.TIME.hasTime))
    assert intervals == {iris.visit_interval(inspection), iris.extra_visit_interval(inspection, 1)}
    begin = g.value(iris.extra_visit_interval(inspection, 1), ns.TIME.hasBeginning)
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
    g, inspection = built.document, built.inspection
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


# ------------------------------------------------------------- identity, copies and provenance


def test_the_inspection_is_its_authority_type_and_first_visit_day(example: Record) -> None:
    """Every copy of a report names one inspection: the IRI depends on what the document says of
    the inspection, never on the bytes, unless the document gives no date at all."""
    other_bytes = dataclasses.replace(example.source, sha256="f" * 64, media_type="text/plain")
    copy = dataclasses.replace(example, source=other_bytes)
    assert inspection_of(copy) == inspection_of(example)
    built, copy_built = record_to_graph(example), record_to_graph(copy)
    # Read from the other copy, the inspection graph is the same but for which copy it names.
    renamed = {
        iris.report("f" * 64): iris.report(example.source.sha256),
        iris.extraction("f" * 64): iris.extraction(example.source.sha256),
    }
    assert {tuple(renamed.get(t, t) for t in triple) for triple in copy_built.inspection_triples} == set(
        built.inspection_triples
    )
    assert copy_built.report_triples.ntriples() != built.report_triples.ntriples()
    undated = dataclasses.replace(example, visit_start=None, visit_end=None)
    assert str(inspection_of(undated)).endswith("/E06000031/focused-visit/published-2021-08-02")
    nothing = dataclasses.replace(undated, published=None)
    assert str(inspection_of(nothing)).endswith(
        f"/E06000031/focused-visit/sha256-{example.source.sha256[:16]}"
    )
    assert inspection_of(dataclasses.replace(example, document_type="ilacs_inspection")) != inspection_of(
        example
    )


def test_report_and_inspection_triples_are_split_by_graph(example: Record) -> None:
    built = record_to_graph(example)
    report_subjects = {s for s, _p, _o in built.report_triples}
    assert report_subjects == {built.report, iris.recipient(example.source.sha256)}
    assert (built.report, OKG.text, Literal(example.text)) in built.report_triples
    inspection_subjects = {s for s, _p, _o in built.inspection_triples}
    assert built.report not in inspection_subjects
    assert all(
        str(s).startswith(str(built.inspection)) or s == iris.extraction(example.source.sha256)
        for s in inspection_subjects
    )
    assert set(built.document_triples) == set(built.report_triples) | set(built.inspection_triples)
    dataset = built.dataset()
    assert {g.identifier for g in dataset.graphs() if len(g)} == {
        built.report_graph,
        built.inspection_graph,
        iris.SHARED_GRAPH,
    }


def test_copies_rank_pdf_first_then_lowest_hash_and_link_both_ways() -> None:
    assert copy_rank("application/pdf", "f" * 64) < copy_rank("text/plain", "0" * 64)
    assert copy_rank("application/pdf", "0" * 64) < copy_rank("application/pdf", "1" * 64)
    a, b, c = (iris.report(x * 64) for x in "abc")
    links = set(alternate_triples([c, a, b]))
    assert len(links) == 6 and (a, PROV.alternateOf, b) in links and (b, PROV.alternateOf, a) in links
    assert not any(s == o for s, _p, o in links)
    assert list(alternate_triples([a])) == []


def test_superclasses_come_from_the_ontology() -> None:
    assert set(superclasses(OKG.ILACSShortInspection)) == {OKG.ILACSInspection, OKG.Inspection, PROV.Activity}
    assert set(superclasses(OKG.Letter)) == {OKG.Report, PROV.Entity}  # not schema:Report
    assert set(superclasses(OKG.Inspector)) == {PROV.Agent, PROV.Person}
    assert superclasses(ORG.Organization) == ()  # only ofsted-kg's own and PROV classes
    from ofsted_kg.vocabulary import ontology_graph

    ontology = ontology_graph()
    for cls in set(ontology.subjects(RDF.type, ns.OWL.Class)):
        if str(cls).startswith(str(OKG._NS)):
            # Every superclass materialised is one the ontology states, directly or transitively.
            stated = set(ontology.transitive_objects(cls, RDFS.subClassOf)) - {cls}
            assert set(superclasses(cls)) <= stated, cls


def test_every_instance_is_typed_with_its_superclasses(example: Record) -> None:
    ilacs = dataclasses.replace(example, document_type="ilacs_inspection", inspection_kind="short")
    built = record_to_graph(ilacs)
    for graph in (built.document, built.shared):
        for s, o in graph.subject_objects(RDF.type):
            for parent in superclasses(o):
                assert (s, RDF.type, parent) in graph, (s, parent)
    types = set(built.document.objects(built.inspection, RDF.type))
    assert types == {OKG.ILACSShortInspection, OKG.ILACSInspection, OKG.Inspection, PROV.Activity}


def test_provenance_reaches_the_report_and_the_printed_date_wins(example: Record) -> None:
    provenance = Provenance(
        file_names=(
            "children's services focused visit - 02 august 2021.pdf",
            "focused-visit_peterborough_2021-08.pdf",
        ),
        urls=("https://files.ofsted.gov.uk/v1/file/50167869",),
        listed_dates=("2021-08-03",),
        listed_urns=("80537",),
        listed_types=("children's services focused visit",),
    )
    built = record_to_graph(dataclasses.replace(example, provenance=provenance))
    g, report = built.report_triples.graph(), built.report
    assert set(g.objects(report, OKG.fileName)) == {Literal(n) for n in provenance.file_names}
    assert g.value(report, DCTERMS.source) == URIRef("https://files.ofsted.gov.uk/v1/file/50167869")
    assert g.value(report, OKG.listedURN) == Literal("80537")
    assert g.value(report, OKG.listedPublicationType) == Literal("children's services focused visit")
    assert g.value(report, OKG.listedDate) == Literal("2021-08-03", datatype=ns.XSD.date)
    assert g.value(report, DCTERMS.issued) == Literal("2021-08-02", datatype=ns.XSD.date)  # as printed
    unprinted = record_to_graph(dataclasses.replace(example, published=None, provenance=provenance))
    assert unprinted.report_triples.graph().value(unprinted.report, DCTERMS.issued) == Literal(
        "2021-08-03", datatype=ns.XSD.date
    )
    with pytest.raises(RecordGraphError, match="not an http"):
        record_to_graph(dataclasses.replace(example, provenance=Provenance(urls=("files/123",))))


def test_the_theme_counts_travel_with_the_graphs() -> None:
    """What the copy adds to its authority's summary: distinct findings per theme and polarity."""
    pytest.importorskip("ofsted_kg.loaders.extract")
    from ofsted_kg.loaders.extract import extract_path

    record = extract_path(EXAMPLES / "focused-visit_peterborough_2021-08.pdf")
    built = record_to_graph(record)
    expected: dict[str, int] = {}
    for finding in record.findings:
        for theme in set(finding.themes):
            expected[theme] = expected.get(theme, 0) + 1
    assert expected, "the letter's findings carry themes"
    assert dict(built.counts.themes) == expected
    assert sum(n for _t, _p, n in built.counts.theme_polarities) == sum(expected.values())
    assert built.authority == iris.authority("E06000031")
    # The counts are not in the graphs: the authority's summary holds them (ofsted_kg.summary).
    assert not any(p == OKG.findingCount for _s, p, _o in built.document)
