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

import hashlib
import io
import re
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV, RDF, RDFS, SH, XSD

from . import iris, vocabulary
from .namespace import OKG

if TYPE_CHECKING:
    from collections.abc import Iterable

    from .backend import Backend
    from .copies import CopyState
    from .loaders.record import Provenance

ONTOLOGY_IRI = "https://w3id.org/ofsted-kg/ontology"


class ReasonerError(RuntimeError):
    """HermiT could not be run (no Java, or the reasoner crashed): not a verdict on the data."""


@dataclass(frozen=True)
class ShaclOutcome:
    conforms: bool
    text: str  # the engine's human-readable report
    results: Graph  # the sh:ValidationReport as RDF, for callers that inspect individual results

    def violations(self) -> list[tuple[str, str]]:
        """(focus node, message) of each result of severity Violation, sorted."""
        found = []
        for result in self.results.subjects(SH.resultSeverity, SH.Violation):
            focus = self.results.value(result, SH.focusNode)
            message = self.results.value(result, SH.resultMessage)
            found.append((str(focus), str(message)))
        return sorted(found)


# What SHACL needs of the ontology beside the data: the ontology's triples whose predicate the
# shapes name (a path, or inside a SPARQL constraint: scheme membership, notations, a framework's
# dates), and the class hierarchy (sh:class; instances carry their superclasses as well). The
# concepts' labels, most of the ontology (the theme lexicon), are left out: half the time a unit.
_NAME = re.compile(r"\b([a-z]+):([A-Za-z_][\w-]*)")
_PREFIX = re.compile(r"@prefix\s+([a-z]+):\s*<([^>]+)>")


def _shapes_predicates() -> set[str]:
    text = vocabulary.read_ontology_file(vocabulary.SHAPES_FILE)
    prefixes = dict(_PREFIX.findall(text))
    return {prefixes[p] + local for p, local in _NAME.findall(text) if p in prefixes} | {str(RDFS.subClassOf)}


@cache
def shapes_version() -> str:
    """A digest of the shapes file: a recorded verdict holds only for the shapes it was reached with."""
    return (
        "sha256:" + hashlib.sha256(vocabulary.read_ontology_file(vocabulary.SHAPES_FILE).encode()).hexdigest()
    )


def validation_rules() -> str:
    """The versions a recorded verdict holds for: the shapes' and the ontology's."""
    from .ingest import ontology_ntriples

    return f"{shapes_version()} {ontology_ntriples()[1]}"


@cache
def _context_ntriples() -> bytes:
    import pyoxigraph as ox

    from .ingest import ontology_ntriples

    data, _version = ontology_ntriples()
    wanted = _shapes_predicates()
    kept = [t for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES) if t.predicate.value in wanted]
    return ox.serialize(kept, format=ox.RdfFormat.N_TRIPLES) or b""


ENGINES = ("pyshacl-turbo", "pyshacl")


def default_engine() -> str:
    """pyshacl-turbo where it installs (Python 3.11 and later), else pySHACL."""
    import importlib.util

    return "pyshacl-turbo" if importlib.util.find_spec("pyshacl_turbo") is not None else "pyshacl"


class Validator:
    """SHACL on one unit at a time, with the shapes parsed (and compiled) once.

    The engine is pyshacl-turbo (a Rust engine with pySHACL's interface) where it installs: the
    same verdicts and results as pySHACL on every shape test and every real document, at about a
    twentieth of the time (pySHACL evaluates the shapes' SPARQL constraints with rdflib's query
    engine; benchmarks/shacl_engines.py, docs/performance.md). pySHACL remains the engine on Python
    3.10, for which pyshacl-turbo has no build. Each unit is handed over as an in-memory
    pyoxigraph store (turbo) or rdflib graph (pySHACL), with the part of the ontology the shapes
    read (`_context_ntriples`).
    """

    def __init__(self, shapes: Graph, engine: str | None = None) -> None:
        self.shapes = shapes
        self.engine = engine or default_engine()
        if self.engine not in ENGINES:
            raise ValueError(f"unknown SHACL engine {self.engine!r} (choose from {', '.join(ENGINES)})")
        self._compiled = None
        if self.engine == "pyshacl-turbo":
            import pyshacl_turbo

            self._compiled = pyshacl_turbo.CompiledShapes(shapes)

    @classmethod
    def load(cls, engine: str | None = None) -> Validator:
        return cls(vocabulary.shapes_graph(), engine)

    def run(self, data: Graph | bytes, *, ntriples: bool = False) -> ShaclOutcome:
        """Validate one unit: an rdflib graph, or N-Triples / N-Quads bytes (named graphs are
        read as one). Warnings are reported but do not break conformance.

        `ntriples=True` says the bytes are N-Triples (no named graphs, as ingest builds them):
        pyshacl-turbo then reads them directly, without a pyoxigraph store in between (loading
        the store and dumping it back cost about a quarter of the SHACL step at ingest)."""
        import pyoxigraph as ox

        if ntriples and self._compiled is not None and isinstance(data, bytes):
            from pyshacl_turbo import Input

            text = (data + b"\n" + _context_ntriples()).decode("utf-8")
            source = Input(text, "nquads", None, {}, preserve_ids=True)
            conforms, results, text = self._compiled.validate(source, allow_warnings=True)
            return ShaclOutcome(bool(conforms), str(text), results)
        if isinstance(data, Graph):
            data = data.serialize(format="nt", encoding="utf-8")
        store = ox.Store()  # N-Triples are N-Quads of the default graph
        store.load(data + b"\n" + _context_ntriples(), format=ox.RdfFormat.N_QUADS)
        if any(True for _ in store.named_graphs()):  # named graphs are read as one
            merged = ox.Store()
            merged.extend(ox.Quad(q.subject, q.predicate, q.object) for q in store)
            store = merged
        if self._compiled is not None:
            conforms, results, text = self._compiled.validate(store, allow_warnings=True)
        else:
            from pyshacl import validate

            combined = Graph().parse(
                data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt"
            )
            # No RDFS inference: instances carry their superclasses, which is all targets and
            # sh:class need; inference would only add types guessed from domains and ranges.
            conforms, results, text = validate(
                combined, shacl_graph=self.shapes, inference="none", allow_warnings=True
            )
        return ShaclOutcome(bool(conforms), str(text), results)

    def validate(self, data: Graph | bytes) -> tuple[bool, str]:
        """(conforms, the engine's text report)."""
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
    state: CopyState | None = None  # the copies, as read to find the units


@dataclass(frozen=True)
class UnitPrints:
    """What each unit's content is made of, as a fingerprint (ofsted_kg.validation_record)."""

    inspections: dict[URIRef, str]  # inspection graph -> fingerprint
    summaries: dict[URIRef, list[str]]  # summary graph -> its authority's inspections' fingerprints
    file_names: dict[URIRef, tuple[str, ...]]  # inspection graph -> its copies' file names


def copy_print(sha256: str, media_type: str, provenance: Provenance) -> list[object]:
    """What of a copy goes into its inspection unit's fingerprint (its report graph is made of
    its bytes and this provenance)."""
    return [sha256, media_type, [list(values) for values in provenance.fields()]]


def inspection_print(
    graph: URIRef, primary: URIRef | None, software: Iterable[str], copies: list[list[object]]
) -> str:
    from .validation_record import fingerprint

    return fingerprint(str(graph), str(primary), sorted(software), copies)


_SOFTWARE = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?graph ?software WHERE { GRAPH ?graph { ?run a okg:ExtractionRun ; prov:wasAssociatedWith ?software } }"""


def unit_fingerprints(backend: Backend, layout: StoreLayout) -> UnitPrints:
    """Fingerprints of the layout's inspection units (their copy, the software that read it, each
    copy's hash, media type and provenance), and per summary those of its authority's inspections."""
    assert layout.state is not None
    state = layout.state
    software: dict[str, list[str]] = {}
    for row in backend.select(_SOFTWARE).rows:
        software.setdefault(str(row["graph"]), []).append(str(row["software"]))
    inspections: dict[URIRef, str] = {}
    summaries: dict[URIRef, list[str]] = {}
    names: dict[URIRef, tuple[str, ...]] = {}
    for unit in layout.units:
        inspection = iris.inspection_of_graph(unit.inspection_graph)
        copies = state.copies_of(inspection)
        inspections[unit.inspection_graph] = print_ = inspection_print(
            unit.inspection_graph,
            state.primary.get(inspection),
            software.get(str(unit.inspection_graph), []),
            [copy_print(c.sha256, c.media_type, c.provenance) for c in copies],
        )
        gss = str(inspection).removeprefix(iris.INSPECTION_PREFIX).split("/", 1)[0]
        summaries.setdefault(iris.summary_graph(iris.authority(gss)), []).append(print_)
        names[unit.inspection_graph] = tuple(n for c in copies for n in c.provenance.file_names)
    return UnitPrints(inspections, {g: sorted(p) for g, p in summaries.items()}, names)


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
    return StoreLayout(tuple(units), tuple(orphans), tuple(dangling), state)


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
