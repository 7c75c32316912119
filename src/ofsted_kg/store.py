"""The embedded store: pyoxigraph's on-disk (RocksDB) quad store behind the Backend interface.

Queries see the union of all named graphs as their default graph. Terms cross the boundary as
rdflib terms; `from_ox` converts results. Parameters are bound by a VALUES block of
escaped terms opening the query's WHERE group (ofsted_kg.sparql_bindings), exactly as on a
remote store, so a named query gives the same rows on every backend.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from .backend import EXPORT_FORMATS, Backend, SelectResult, StoreError

OX_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}

# Prefixes written into Turtle/TriG exports so the files read well.
EXPORT_PREFIXES = {
    "okg": "https://w3id.org/ofsted-kg/ontology#",
    "id": "https://w3id.org/ofsted-kg/id/",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "time": "http://www.w3.org/2006/time#",
    "oa": "http://www.w3.org/ns/oa#",
    "schema": "http://schema.org/",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def from_ox(term: object) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (None stays None)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        # Keep the lexical form exactly: rdflib would otherwise normalise ("01" -> 1).
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term from the store: {term!r}")


class _Converter:
    """from_ox for one result set, making each distinct IRI into a URIRef once: results repeat
    predicates and subjects, and URIRef's validation cost more than the query (a whole
    inspection's 8,563 triples: ~2x faster)."""

    def __init__(self) -> None:
        self._iris: dict[str, URIRef] = {}
        self._literals: dict[tuple[str, str | None, str], Literal] = {}

    def __call__(self, term: object) -> Identifier | None:
        if isinstance(term, ox.NamedNode):
            value = term.value
            iri = self._iris.get(value)
            if iri is None:
                iri = self._iris[value] = URIRef(value)
            return iri
        if isinstance(term, ox.Literal):
            key = (term.value, term.language, term.datatype.value)
            literal = self._literals.get(key)
            if literal is None:
                literal = self._literals[key] = from_ox(term)  # type: ignore[assignment]
            return literal
        return from_ox(term)


def _ntriples_for_update(ntriples: bytes) -> str:
    """Re-serialise N-Triples through pyoxigraph so the text placed in INSERT DATA is canonical.

    Parsing first rejects malformed input (nothing is written) and guarantees every literal and
    IRI is escaped by oxigraph's own serialiser, so the data cannot break out of the update.
    """
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode("utf-8")


class EmbeddedStore(Backend):
    """A pyoxigraph `Store` in a folder on disk (created if missing)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)  # `--store out/kg.db` just works
            self._store = ox.Store(str(self.path))
        except OSError as exc:
            if "lock" in str(exc).lower():
                raise StoreError(f"{self.path}: the store is in use by another process (locked)") from exc
            raise StoreError(f"{self.path}: cannot open the store ({_first_line(exc)})") from exc

    # -- graphs -------------------------------------------------------------------------------

    def has_graph(self, graph: URIRef) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def replace_graph(self, graph: URIRef, ntriples: bytes) -> None:
        name = ox.NamedNode(str(graph))  # validated IRI: cannot carry '>' or spaces
        if not self._store.contains_named_graph(name):
            # A new graph (the usual case: graph names carry the content hash) is one
            # transactional load, several times faster than parsing the data as a SPARQL update.
            self.add_to_graph(graph, ntriples)
            self._store.add_graph(name)  # an empty document still marks itself as loaded
            return
        try:
            data = _ntriples_for_update(ntriples)
        except SyntaxError as exc:
            raise ValueError(f"invalid N-Triples for {graph}: {_first_line(exc)}") from exc
        # One update = one transaction: readers see the old graph or the new one, never half.
        update = f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{data}}} }}"
        self._run_update(update)
        if not data:
            self._store.add_graph(name)

    def add_to_graph(self, graph: URIRef, ntriples: bytes) -> None:
        try:
            self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
        except SyntaxError as exc:
            raise ValueError(f"invalid N-Triples for {graph}: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc

    def drop_graph(self, graph: URIRef) -> None:
        self._run_update(f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}")

    def graphs(self) -> list[URIRef]:
        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self, graph: URIRef | None = None) -> int:
        """Quads in the store, or triples in one named graph."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def _run_update(self, update: str) -> None:
        try:
            self._store.update(update)
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc

    # -- queries ------------------------------------------------------------------------------

    def _query(self, sparql: str, bindings: Mapping[str, Identifier] | None) -> object:
        # Parameters go in as a VALUES block of escaped terms opening the WHERE group (the same
        # binding a remote store gets), not as pyoxigraph `substitutions`: oxigraph joins
        # substitutions after evaluating the whole pattern, so a selective parameter saved
        # nothing (measured: one theme of select_authorities_by_theme_count, 6.4 s -> 0.23 s).
        if bindings:
            from .sparql_bindings import bind

            sparql = bind(sparql, bindings)
        try:
            return self._store.query(sparql, use_default_graph_as_union=True)
        except RuntimeError as exc:
            raise ValueError(_first_line(exc)) from exc
        except OSError as exc:
            raise self._query_failed(exc) from None

    def _query_failed(self, exc: Exception) -> StoreError:
        # Reading the store failed, or a SERVICE clause (query --allow-service) could not reach
        # its endpoint or got no SPARQL answer: pyoxigraph raises OSError or RuntimeError while
        # the solutions are read.
        return StoreError(f"{self.path}: the query failed ({_first_line(exc)})")

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> SelectResult:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = [v.value for v in result.variables]
        convert = _Converter()
        try:
            rows = [dict(zip(variables, map(convert, solution), strict=True)) for solution in result]
        except (OSError, RuntimeError) as exc:
            raise self._query_failed(exc) from None
        return SelectResult(variables=variables, rows=rows)

    def construct(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Iterator[tuple]:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        convert = _Converter()
        try:
            for triple in result:
                yield (convert(triple.subject), convert(triple.predicate), convert(triple.object))
        except (OSError, RuntimeError) as exc:
            raise self._query_failed(exc) from None

    def ask(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> bool:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct_to(
        self, out: IO[bytes], fmt: str, sparql: str, bindings: Mapping[str, Identifier] | None = None
    ) -> None:
        """Serialise a CONSTRUCT result straight from oxigraph (no rdflib graph in memory)."""
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        result.serialize(out, format=OX_FORMATS[fmt])

    # -- export -------------------------------------------------------------------------------

    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(EXPORT_FORMATS)})")
        rdf_format = OX_FORMATS[fmt]
        wanted = [ox.NamedNode(str(g)) for g in graphs] if graphs is not None else None
        prefixes = EXPORT_PREFIXES if fmt in ("turtle", "trig") else None
        if rdf_format.supports_datasets:
            if wanted is None:
                self._store.dump(out, format=rdf_format, prefixes=prefixes)
            else:
                # Dataset formats keep graph names: stream only the wanted graphs' quads.
                quads = (q for g in wanted for q in self._store.quads_for_pattern(None, None, None, g))
                ox.serialize(quads, out, format=rdf_format, prefixes=prefixes)
            return
        # Triple formats: the default graph is not a union for dumps, so merge graph by graph.
        # Blank node labels are store-wide in oxigraph, so concatenated dumps never collide.
        sources: list[ox.NamedNode | ox.DefaultGraph] = (
            wanted if wanted is not None else [ox.DefaultGraph(), *self._store.named_graphs()]
        )
        for graph in sources:
            # A repeated @prefix block between graphs is valid Turtle.
            self._store.dump(out, format=rdf_format, from_graph=graph, prefixes=prefixes)

    def flush(self) -> None:
        self._store.flush()

    def close(self) -> None:
        store = getattr(self, "_store", None)
        if store is not None:
            store.flush()
            del self._store


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
