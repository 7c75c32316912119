"""The ontology: consistent for HermiT, documented, in step with the record contract and with the
generated namespace module and docs."""

from __future__ import annotations

import ast
import shutil
import typing
from pathlib import Path

import pytest
from ofsted_kg.loaders import record
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from ofsted_kg import vocabulary
from ofsted_kg.namespace import OKG
from tools import devtools

ROOT = Path(__file__).resolve().parent.parent
OKG_NS = vocabulary.OKG_NS


@pytest.fixture(scope="module")
def ontology() -> Graph:
    return vocabulary.ontology_graph()


def okg_subjects(graph: Graph) -> set[str]:
    return {str(s)[len(OKG_NS) :] for s in graph.subjects() if str(s).startswith(OKG_NS)}


def test_ontology_header(ontology: Graph) -> None:
    header = URIRef("https://w3id.org/ofsted-kg/ontology")
    assert (header, RDF.type, OWL.Ontology) in ontology
    assert ontology.value(header, OWL.versionIRI) == URIRef("https://w3id.org/ofsted-kg/ontology/0.1.0")
    assert ontology.value(header, OWL.versionInfo) is not None
    assert not list(ontology.objects(header, OWL.imports)), (
        "no remote imports: OWL tools must load it offline"
    )


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_finds_the_ontology_consistent() -> None:
    from ofsted_kg.validate import check_consistency

    consistent, message = check_consistency()
    assert consistent, message


@pytest.mark.skipif(shutil.which("java") is None, reason="HermiT needs Java")
def test_hermit_detects_an_inconsistency() -> None:
    """The check can fail: a report that is also an inspection violates PROV's Activity/Entity disjointness."""
    from ofsted_kg.validate import check_consistency

    data = Graph()
    thing = URIRef("https://w3id.org/ofsted-kg/id/report/0000000000000000")
    data.add((thing, RDF.type, OKG.Report))
    data.add((thing, RDF.type, OKG.FocusedVisit))
    consistent, message = check_consistency(data)
    assert not consistent
    assert "inconsistent" in message


def test_every_okg_term_is_labelled_and_explained(ontology: Graph) -> None:
    missing = []
    for name in sorted(okg_subjects(ontology)):
        term = URIRef(OKG_NS + name)
        has_label = any(ontology.objects(term, RDFS.label)) or any(ontology.objects(term, SKOS.prefLabel))
        has_comment = any(ontology.objects(term, RDFS.comment)) or any(
            ontology.objects(term, SKOS.definition)
        )
        if not (has_label and has_comment):
            missing.append(name)
    assert not missing, f"terms without label or comment: {missing}"


def test_every_okg_term_referenced_is_defined(ontology: Graph) -> None:
    """No dangling okg: IRIs in the ontology or the shapes (a typo would silently match nothing)."""
    defined = {URIRef(OKG_NS + n) for n in okg_subjects(ontology)}
    shapes = vocabulary.shapes_graph()
    used = {
        term
        for graph in (ontology, shapes)
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(OKG_NS)
    }
    assert sorted(used - defined) == []


def _namespace_annotations() -> set[str]:
    source = (ROOT / "src" / "ofsted_kg" / "namespace.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    okg = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "OKG")
    names = {n.target.id for n in okg.body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
    for node in okg.body:  # _extras: names that are not Python identifiers
        if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "_extras" for t in node.targets):
            names |= {ast.literal_eval(e) for e in node.value.elts}  # type: ignore[attr-defined]
    return names


def test_namespace_module_terms_match_the_ontology(ontology: Graph) -> None:
    assert _namespace_annotations() == okg_subjects(ontology)


def test_namespace_module_refuses_unknown_terms() -> None:
    with pytest.raises(AttributeError):
        _ = OKG.Inspecton  # a typo must fail loudly, not mint a new IRI


def test_namespace_module_is_current() -> None:
    committed = (ROOT / "src" / "ofsted_kg" / "namespace.py").read_text(encoding="utf-8")
    assert devtools.generate_namespace() == committed, "run: python -m ofsted_kg.devtools namespace"


def test_notations_module_is_current() -> None:
    committed = (ROOT / "src" / "ofsted_kg" / "notations.py").read_text(encoding="utf-8")
    assert devtools.generate_notations() == committed, "run: python -m tools.devtools notations"


def test_notations_module_holds_every_scheme_member(ontology: Graph) -> None:
    from ofsted_kg.notations import NOTATIONS

    for ptype, scheme in devtools.NOTATION_SCHEMES.items():
        members = set(ontology.subjects(SKOS.inScheme, URIRef(OKG_NS + scheme)))
        expected = {str(n) for m in members for n in ontology.objects(m, SKOS.notation)}
        assert members and {n for n, _ in NOTATIONS[ptype]} == expected, ptype


def test_ontology_docs_are_current() -> None:
    committed = (ROOT / "docs" / "ontology.md").read_text(encoding="utf-8")
    assert devtools.generate_docs() == committed, "run: python -m ofsted_kg.devtools docs"


def test_namespace_generator_handles_non_identifier_names() -> None:
    graph = Graph()
    graph.add((URIRef(OKG_NS + "front-door"), RDFS.label, Literal("front door", lang="en")))
    graph.add((URIRef(OKG_NS + "Finding"), RDFS.label, Literal("finding", lang="en")))
    text = devtools.generate_namespace(graph)
    namespace: dict[str, object] = {}
    exec(compile(text, "namespace.py", "exec"), namespace)  # noqa: S102 - our own generated module
    okg = namespace["OKG"]
    assert okg["front-door"] == URIRef(OKG_NS + "front-door")  # type: ignore[index]
    assert okg.Finding == URIRef(OKG_NS + "Finding")  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("scheme", "expected"),
    [
        (OKG.DocumentTypeScheme, set(record.DOCUMENT_TYPES)),
        (OKG.FindingKindScheme, set(record.FINDING_KINDS)),
        (OKG.PolarityScheme, set(typing.get_args(record.Polarity))),
        (OKG.InspectorRoleScheme, set(typing.get_args(record.InspectorRole)) | {"lead"}),
        (
            OKG.FrameworkScheme,
            {"sif-2013", "ilacs-2018", "ilacs-2023", "ilacs-2026", "area-send-2023", "jtai-2016"},
        ),
        (
            OKG.GradeScheme,
            {
                "outstanding",
                "good",
                "requires_improvement",
                "adequate",
                "inadequate",
                "positive_experiences",
                "inconsistent_experiences",
                "widespread_failings",
            },
        ),
    ],
)
def test_scheme_notations_match_the_record_contract(scheme: URIRef, expected: set[str]) -> None:
    assert set(vocabulary.notations(scheme)) == expected


def test_judgement_areas_cover_ilacs_sif_lscb_and_area_send(ontology: Graph) -> None:
    areas = vocabulary.notations(OKG.JudgementAreaScheme)
    assert {
        "overall_effectiveness",
        "impact_of_leaders",
        "help_and_protection",
        "children_in_care_and_care_leavers",
        "children_in_care",
        "care_leavers",
        "sif_help_and_protection",
        "sif_looked_after_and_permanence",
        "sif_adoption",
        "sif_care_leavers",
        "sif_leadership",
        "lscb_review",
        "area_send_outcome",
    } <= set(areas)
    # SIF sub-judgements 2.1 and 2.2 sit under judgement 2.
    parent = areas["sif_looked_after_and_permanence"]
    assert (areas["sif_adoption"], SKOS.broader, parent) in ontology
    assert (areas["sif_care_leavers"], SKOS.broader, parent) in ontology


def test_frameworks_have_ordered_dates_of_validity(ontology: Graph) -> None:
    frameworks = vocabulary.notations(OKG.FrameworkScheme)
    for notation, concept in frameworks.items():
        start = ontology.value(concept, OKG.validFrom)
        assert start is not None, notation
        end = ontology.value(concept, OKG.validUntil)
        if end is not None:
            assert start.toPython() < end.toPython(), notation
    ilacs = [
        ontology.value(frameworks[n], OKG.validFrom).toPython()
        for n in ("ilacs-2018", "ilacs-2023", "ilacs-2026")
    ]
    assert ilacs == sorted(ilacs)


def test_design_alignments_onto_w3c_vocabularies(ontology: Graph) -> None:
    org = "http://www.w3.org/ns/org#"
    prov = "http://www.w3.org/ns/prov#"
    expected = [
        (OKG.LocalAuthority, URIRef(org + "FormalOrganization")),
        (OKG.ChildrensServices, URIRef(org + "OrganizationalUnit")),
        (OKG.Inspection, URIRef(prov + "Activity")),
        (OKG.Report, URIRef(prov + "Entity")),
        (OKG.Finding, URIRef(prov + "Entity")),
        (OKG.Inspector, URIRef(prov + "Person")),
        (OKG.InspectorRole, URIRef(prov + "Role")),
        (OKG.Software, URIRef(prov + "SoftwareAgent")),
        (OKG.Judgement, URIRef("https://schema.org/Rating")),
        (OKG.Framework, SKOS.Concept),
        (OKG.ILACSShortInspection, OKG.ILACSInspection),
        (OKG.Letter, OKG.Report),
    ]
    for sub, sup in expected:
        assert (sub, RDFS.subClassOf, sup) in ontology, (sub, sup)


def test_ontology_files_are_package_data() -> None:
    files = vocabulary.ontology_files()
    assert "ofsted-kg.ttl" in files
    assert vocabulary.SHAPES_FILE not in files
