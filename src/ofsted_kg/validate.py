"""Validation of the knowledge graph: SHACL shapes per document graph, OWL consistency by HermiT.

SHACL (pySHACL) checks what each loaded report graph must hold (ontology/shapes.ttl), with the
ontology alongside so concept schemes and subclasses are known. HermiT (through owlready2,
in its own `World()`, never the global default world) checks that the ontology, optionally with
instance data, is consistent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD

from . import iris, vocabulary
from .namespace import OKG

ONTOLOGY_IRI = "https://w3id.org/ofsted-kg/ontology"


class ReasonerError(RuntimeError):
    """HermiT could not be run (no Java, or the reasoner crashed): not a verdict on the data."""


@dataclass(frozen=True)
class ShaclOutcome:
    conforms: bool
    text: str  # pySHACL's human-readable report
    results: Graph  # the sh:ValidationReport as RDF, for callers that inspect individual results

    def violations(self) -> list[tuple[str, str]]:
        """(focus node, message) of each result of severity Violation, sorted."""
        found = []
        for result in self.results.subjects(SH.resultSeverity, SH.Violation):
            focus = self.results.value(result, SH.focusNode)
            message = self.results.value(result, SH.resultMessage)
            found.append((str(focus), str(message)))
        return sorted(found)


@dataclass(frozen=True)
class Validator:
    """The shapes and ontology graphs, parsed once and reused for every document graph."""

    shapes: Graph
    ontology: Graph

    @classmethod
    def load(cls) -> Validator:
        return cls(vocabulary.shapes_graph(), vocabulary.ontology_graph())

    def run(self, data: Graph) -> ShaclOutcome:
        """Validate one document graph. Warnings are reported but do not break conformance."""
        from pyshacl import validate

        # pySHACL's ont_graph mix-in copies class and property axioms only, not the SKOS concepts
        # that scheme-membership shapes look up, so the whole ontology joins a copy of the data.
        combined = Graph()
        for source in (data, self.ontology):
            for triple in source:
                combined.add(triple)
        conforms, results, text = validate(
            combined,
            shacl_graph=self.shapes,
            # No RDFS inference: the ontology's subclass axioms are in the data, which is all
            # targets and sh:class need; inference would only add types guessed from
            # domains/ranges (weakening sh:class) and triple the time per report.
            inference="none",
            allow_warnings=True,
        )
        return ShaclOutcome(bool(conforms), str(text), results)

    def validate(self, data: Graph) -> tuple[bool, str]:
        """(conforms, pySHACL's text report)."""
        outcome = self.run(data)
        return outcome.conforms, outcome.text


def validate_graph(graph: Graph, validator: Validator | None = None) -> tuple[bool, str]:
    """SHACL-validate one document graph: (conforms, report text)."""
    return (validator or Validator.load()).validate(graph)


def split_reports(graph: Graph) -> tuple[dict[URIRef, Graph], Graph]:
    """Split a merged graph (e.g. an exported Turtle file) into report graphs and the rest.

    A report's graph is every triple whose subject is its report or inspection IRI or lies below
    them (iris mints findings, evidence, associations... there), keyed by iris.report_graph(sha).
    """
    prefixes: dict[str, URIRef] = {}
    for report in graph.subjects(RDF.type, OKG.Report):
        sha = graph.value(report, OKG.sha256)
        if sha is not None:
            name = iris.report_graph(str(sha))
            prefixes[str(iris.report(str(sha)))] = name
            prefixes[str(iris.inspection(str(sha)))] = name
    reports: dict[URIRef, Graph] = {name: Graph() for name in prefixes.values()}
    rest = Graph()
    for triple in graph:
        subject = str(triple[0])
        # An owner IRI is BASE + 'report|inspection/' + key: its first seven '/'-separated parts.
        head = "/".join(subject.split("/")[:7]) if subject.startswith(iris.BASE) else ""
        owner = prefixes.get(head)
        (reports[owner] if owner is not None else rest).add(triple)
    return reports, rest


def _hermit_view(graph: Graph) -> Graph:
    """The graph as HermiT can read it.

    HermiT supports only the OWL 2 datatype map, which lacks xsd:date; dates become midnight UTC
    xsd:dateTime values (order and typing are kept, so range and functional checks still bite).
    """
    out = Graph()
    for s, p, o in graph:
        if o == XSD.date:
            o = XSD.dateTime
        elif isinstance(o, Literal) and o.datatype == XSD.date:
            o = Literal(f"{o}T00:00:00Z", datatype=XSD.dateTime)
        out.add((s, p, o))
    return out


def check_consistency(data: Graph | None = None) -> tuple[bool, str]:
    """Is the ontology (with `data`, if given) consistent? (consistent, message).

    Raises ReasonerError when HermiT cannot run at all (e.g. no Java).
    """
    from owlready2 import OwlReadyInconsistentOntologyError, World, sync_reasoner

    graph = vocabulary.ontology_graph()
    if data is not None:
        for triple in data:
            graph.add(triple)
    ntriples = _hermit_view(graph).serialize(format="nt", encoding="utf-8")
    subject = "the ontology" + (" with the data" if data is not None else "")
    world = World()
    try:
        ontology = world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(ntriples), format="ntriples")
        with ontology:
            sync_reasoner(world, infer_property_values=False, debug=0)
        # Unsatisfiable classes leave the ontology consistent but are modelling errors all the same.
        unsatisfiable = sorted(str(c.iri) for c in world.inconsistent_classes() if hasattr(c, "iri"))
    except OwlReadyInconsistentOntologyError:
        return False, f"HermiT: {subject} is inconsistent"
    except Exception as exc:  # noqa: BLE001 - Java missing, HermiT crash: not a verdict
        raise ReasonerError(f"HermiT could not run: {' '.join(str(exc).split())[:300]}") from exc
    finally:
        world.close()
    if unsatisfiable:
        return False, f"HermiT: {subject} has unsatisfiable classes: {', '.join(unsatisfiable)}"
    return True, f"HermiT: {subject} is consistent ({len(graph)} triples)"
