"""What every store ofsted-kg writes to and queries must offer.

Two implementations: the embedded pyoxigraph store (`ofsted_kg.store.EmbeddedStore`, the
default) and any SPARQL 1.1 endpoint (`ofsted_kg.remote.RemoteStore`). Commands and the Python
API only ever talk to this interface, so every command works unchanged on either.

Terms crossing this interface are rdflib terms (URIRef, Literal, BNode); each backend converts
at its own boundary. Query parameters are always bound by the backend (a VALUES block of terms
written by pyoxigraph, ofsted_kg.sparql_bindings), never formatted into the text.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import IO

from rdflib.term import Identifier, URIRef

from .errors import StoreError
from .rdf_io import RDF_FORMATS

__all__ = ["EXPORT_FORMATS", "Backend", "SelectResult", "StoreError"]

# Export formats: the names of ofsted_kg.rdf_io.RDF_FORMATS.
EXPORT_FORMATS = tuple(RDF_FORMATS)


@dataclass(frozen=True)
class SelectResult:
    variables: list[str]
    rows: list[dict[str, Identifier | None]]  # missing (unbound) values are None


class Backend(ABC):
    """A quad store holding one named graph per document plus shared and analysis graphs."""

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
    def graphs(self) -> list[URIRef]: ...

    @abstractmethod
    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> SelectResult: ...

    @abstractmethod
    def construct(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Iterator[tuple]:
        """Triples (s, p, o) of a CONSTRUCT/DESCRIBE as rdflib terms."""

    @abstractmethod
    def ask(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> bool: ...

    @abstractmethod
    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        """Stream the store (or the given graphs) to `out` in an EXPORT_FORMATS format."""

    def flush(self) -> None:  # noqa: B027 - optional hook
        """Push buffered writes to durable storage (bounds the memory of a long ingest)."""

    def close(self) -> None:  # noqa: B027 - optional hook
        """Release files, locks or connections."""

    def __enter__(self) -> Backend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
