"""Validation of the knowledge graph: SHACL shapes per inspection, OWL consistency by HermiT.

SHACL (pySHACL) checks what each loaded inspection must hold (ontology/shapes.ttl): its
inspection graph together with the report graph of every copy of its report (`ValidationUnit`),
with the ontology alongside so concept schemes and subclasses are known. Copies whose inspection
has no graph (the copy carrying its findings was removed without a successor, or the store was
written by an older layout) and inspection graphs whose primary report is gone are found by
`validation_units` and reported as failures without SHACL. HermiT (through owlready2,
in its own `World()`, never the global default world) checks that the ontology, optionally with
instance data, is consistent.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, SH, XSD

from . import iris, vocabulary
from .namespace import OKG

if TYPE_CHECKING:
    from .backend import Backend

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


@dataclass(frozen=True)
class ValidationUnit:
    """What SHACL checks at once: an inspection graph and the report graphs of its copies."""

    inspection_graph: URIRef
    report_graphs: tuple[URIRef, ...]


@dataclass(frozen=True)
class StoreLayout:
    """The store's inspections and copies as validation sees them."""

    units: tuple[ValidationUnit, ...]
    # Report graph -> why it cannot be checked: a copy whose inspection has no graph.
    orphans: tuple[tuple[URIRef, str], ...]
    # Inspection graph -> why: its primary report is not in the store.
    dangling: tuple[tuple[URIRef, str], ...]


def store_layout(backend: Backend) -> StoreLayout:
    """Group the store's graphs into validation units, and find what no unit can hold."""
    from .copies import CopyState

    state = CopyState.read(backend)
    units, dangling = [], []
    for inspection, primary in sorted(state.primary.items()):
        copies = state.copies_of(inspection)
        graph = iris.inspection_graph(inspection)
        units.append(ValidationUnit(graph, tuple(sorted(iris.report_graph(c.sha256) for c in copies))))
        if primary not in {c.report for c in copies}:
            dangling.append(
                (
                    graph,
                    f"its findings were read from {primary}, which is no longer in the store; ingest a "
                    "file of one of its copies again to read them from it",
                )
            )
    orphans = []
    for copy in sorted(state.copies.values(), key=lambda c: c.sha256):
        if copy.inspection is None or copy.inspection not in state.primary:
            names = ", ".join(copy.provenance.file_names) or copy.sha256
            if copy.inspection is None or "/" not in str(copy.inspection).removeprefix(
                iris.INSPECTION_PREFIX
            ):
                # Inspections of ofsted-kg 0.1 were keyed by the report's hash, in its own graph.
                reason = "written by an older version of ofsted-kg (its inspection has no graph of its own)"
            else:
                reason = f"a copy of {copy.inspection}, whose findings were read from a copy since removed"
            orphans.append(
                (iris.report_graph(copy.sha256), f"{reason}; ingest this file ({names}) again to read it")
            )
    return StoreLayout(tuple(units), tuple(orphans), tuple(dangling))


def split_inspections(graph: Graph) -> tuple[dict[URIRef, Graph], Graph]:
    """Split a merged graph (e.g. an exported Turtle file) into validation units and the rest.

    A unit is every triple whose subject is an inspection (or lies below its IRI: iris mints
    judgements, associations, findings, evidence and tallies there) or one of the copies of its
    report (or lies below the copy's IRI: recipient, extraction run), keyed by the inspection's
    graph IRI. A copy whose inspection is not described is a unit of its own, keyed by its report
    graph, so SHACL reports what it lacks.
    """
    owners: dict[str, URIRef] = {}
    for inspection in set(graph.subjects(OKG.primaryReport, None)) | set(
        graph.subjects(RDF.type, OKG.Inspection)
    ):
        if str(inspection).startswith(iris.INSPECTION_PREFIX):
            owners[str(inspection)] = iris.inspection_graph(URIRef(str(inspection)))
    for report, sha in graph.subject_objects(OKG.sha256):
        generated_by = graph.value(report, PROV.wasGeneratedBy)
        owner = owners.get(str(generated_by)) if generated_by is not None else None
        owners[str(report)] = owner if owner is not None else iris.report_graph(str(sha))
    units: dict[URIRef, Graph] = {name: Graph() for name in set(owners.values())}
    rest = Graph()
    for triple in graph:
        owner = _owner(str(triple[0]), owners)
        (units[owner] if owner is not None else rest).add(triple)
    return units, rest


def _owner(subject: str, owners: dict[str, URIRef]) -> URIRef | None:
    """The unit of the longest owner IRI that is the subject or a '/'-prefix of it."""
    if not subject.startswith(iris.BASE):
        return None
    candidate = subject
    while len(candidate) > len(iris.BASE):
        if candidate in owners:
            return owners[candidate]
        candidate = candidate.rsplit("/", 1)[0]
    return None


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
