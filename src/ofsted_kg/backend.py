"""What every store ofsted-kg writes to and queries must offer.

Two implementations: the embedded pyoxigraph store (`ofsted_kg.store.EmbeddedStore`, the
default) and any SPARQL 1.1 endpoint (`ofsted_kg.remote.RemoteStore`). Commands and the Python
API only ever talk to this interface, so every command works unchanged on either.

Terms crossing this interface are rdflib terms (URIRef, Literal, BNode); each backend converts
at its own boundary. Query parameters may also be pyoxigraph terms: the analysts' commands bind
theirs that way and read rows as Python values (`select_values`), so they never import rdflib.
Query parameters are always bound by the backend (a VALUES block of terms written by
pyoxigraph, ofsted_kg.sparql_bindings), never formatted into the text.
"""

from __future__ import annotations

import logging
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import StoreError
from .rdf_io import RDF_FORMATS

if TYPE_CHECKING:
    from rdflib.term import Identifier, URIRef

    from .rdf_io import OxTerm

    # A query parameter: an rdflib term, or a pyoxigraph term (what a command that only reads
    # binds, so that it never imports rdflib).
    Term = Identifier | OxTerm

log = logging.getLogger(__name__)

__all__ = [
    "EXPORT_FORMATS",
    "Backend",
    "GraphChange",
    "RowStream",
    "SelectResult",
    "StoreError",
    "change_update",
]

# Export formats: the names of ofsted_kg.rdf_io.RDF_FORMATS.
EXPORT_FORMATS = tuple(RDF_FORMATS)


@dataclass(frozen=True)
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Identifier | None]]  # missing (unbound) values are None


@dataclass(frozen=True)
class RowStream:
    """A SELECT's rows as plain Python values (`ofsted_kg.row_values`), one tuple per solution in
    the order of `variables`, produced as they are read: a caller printing a page of a long
    listing never converts, or waits for, the rows it does not print."""

    variables: list[str]
    rows: Iterator[tuple[Any, ...]]


@dataclass(frozen=True)
class GraphChange:
    """Changes to several named graphs that `Backend.apply` makes in one transaction: graphs
    dropped first (a graph dropped and given triples is replaced), then triples deleted from
    graphs, then triples inserted. Data is N-Triples (UTF-8)."""

    drop: tuple[URIRef, ...] = ()
    delete: tuple[tuple[URIRef, bytes], ...] = ()
    insert: tuple[tuple[URIRef, bytes], ...] = ()

    def is_empty(self) -> bool:
        return not (self.drop or self.delete or self.insert)


def change_update(change: GraphChange) -> str:
    """The SPARQL 1.1 Update request making `change` (one request: SPARQL 1.1 Update asks a store
    to apply a request atomically, and Oxigraph does).

    Every graph name goes through pyoxigraph's IRI check and every triple through its parser and
    serialiser, so no value can break out of the request; malformed data raises ValueError and
    nothing is sent.
    """
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}" for graph in change.drop]
    for keyword, parts in (("DELETE DATA", change.delete), ("INSERT DATA", change.insert)):
        blocks = []
        for graph, data in parts:
            body = _canonical_ntriples(graph, data)
            if body:
                blocks.append(f"GRAPH {ox.NamedNode(str(graph))} {{\n{body}}}")
        if blocks:
            operations.append(f"{keyword} {{\n" + "\n".join(blocks) + "\n}")
    return " ;\n".join(operations)


def _canonical_ntriples(graph: URIRef, data: bytes) -> str:
    try:
        triples = ox.parse(data, format=ox.RdfFormat.N_TRIPLES)
        return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")
    except SyntaxError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "syntax error"
        raise ValueError(f"invalid N-Triples for {graph}: {first}") from exc


class Backend(ABC):
    """A quad store holding one named graph per document plus shared and analysis graphs."""

    # Whether two threads may read through this backend at once (a command with independent
    # queries then runs them side by side, one per core). Off unless a backend says so: the HTTP
    # client's digest-auth handler keeps per-connection state.
    concurrent_reads: bool = False

    @abstractmethod
    def has_graph(self, graph: URIRef) -> bool: ...

    @abstractmethod
    def replace_graph(self, graph: URIRef, ntriples: bytes) -> None:
        """Atomically make `graph` hold exactly these triples (N-Triples, UTF-8): whole or not at all."""

    @abstractmethod
    def add_to_graph(self, graph: URIRef, ntriples: bytes) -> None:
        """Atomically add triples to `graph` (the shared graph grows; its triples are idempotent)."""

    @abstractmethod
    def drop_graph(self, graph: URIRef) -> None: ...

    @abstractmethod
    def apply(self, change: GraphChange) -> None:
        """Make every change of `change` in one transaction: all of them or none."""

    @abstractmethod
    def graphs(self) -> list[URIRef]: ...

    def graph_ntriples(self, graph: URIRef) -> bytes:
        """One named graph's triples as N-Triples (empty when it does not exist). This default
        asks a CONSTRUCT; a backend may answer faster from its own storage."""
        from .rdf_io import nt_term

        lines = (
            f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n"
            for s, p, o in self.construct(
                "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}
            )
        )
        return "".join(lines).encode("utf-8")

    @abstractmethod
    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult: ...

    def select_values(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> RowStream:
        """A SELECT's rows as Python values, streamed where the backend can (this default reads
        the whole answer through `select`)."""
        from .row_values import to_python

        result = self.select(sparql, bindings)
        variables = list(result.variables)
        rows = (tuple(to_python(row.get(v)) for v in variables) for row in result.rows)
        return RowStream(variables=variables, rows=rows)

    @abstractmethod
    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Iterator[tuple]:
        """Triples (s, p, o) of a CONSTRUCT/DESCRIBE as rdflib terms."""

    @abstractmethod
    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool: ...

    @abstractmethod
    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        """Stream the store (or the given graphs) to `out` in an EXPORT_FORMATS format."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Push buffered writes to durable storage (bounds the memory of a long ingest)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, locks or connections."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, exc_type: object, exc: object, traceback: object) -> None:
        try:
            self.close()
        except Exception:
            if exc_type is None:
                raise
            # Closing after a failure must not replace it: on a full disk the failed write is the
            # error to report, and the flush at close then fails the same way (issue 13).
            log.debug("closing the store after an error failed too", exc_info=True)
