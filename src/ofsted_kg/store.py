"""The embedded store: pyoxigraph's on-disk (RocksDB) quad store behind the Backend interface.

Queries see the union of all named graphs as their default graph. Terms cross the boundary as
rdflib terms; `rdf_io.TermConverter` converts results. Parameters are bound by a VALUES block of
escaped terms opening the query's WHERE group (ofsted_kg.sparql_bindings), exactly as on a
remote store, so a named query gives the same rows on every backend.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import pyoxigraph as ox

from .backend import Backend, GraphChange, RowStream, SelectResult, StoreError, change_update
from .rdf_io import RDF_FORMATS, TermConverter, prefixes_for
from .row_values import ox_to_python
from .store_lock import Holder, StoreLock, command_line, rocksdb_lock_holder

if TYPE_CHECKING:
    from rdflib import URIRef

    from .backend import Term


def _ntriples_for_update(ntriples: bytes) -> str:
    """Re-serialise N-Triples through pyoxigraph so the text placed in INSERT DATA is canonical.

    Parsing first rejects malformed input (nothing is written) and guarantees every literal and
    IRI is escaped by oxigraph's own serialiser, so the data cannot break out of the update.
    """
    triples = ox.parse(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


# Below this many quads a bulk load is one atomic ingestion (Oxigraph's loader batches a million).
BULK_ATOMIC_QUADS = 500_000
# Below this many quads a transactional load costs less than the bulk loader, whose fixed cost
# (table files written and ingested: 60-100 ms of CPU) outweighs its lower cost per quad; measured
# on pyoxigraph 0.5.13, 2,000 quads: 20-50 ms against 90-160 ms; the two cross near 5,000-10,000.
# Both are atomic.
SMALL_LOAD_QUADS = 6_000
# Below this size (both graphs' N-Triples) a replaced graph's lines are compared as themselves,
# above it by digest so that the related findings' 2 million lines are not held twice.
_DELTA_AS_LINES_BYTES = 32 << 20


class EmbeddedStore(Backend):
    """A pyoxigraph `Store` in a folder on disk (created if missing, unless read-only).

    `read_only` opens it for reading only: no write access to the folder is needed (a read-only
    filesystem, a folder of someone else's), and any number of readers may share it. Every open
    first takes the folder's advisory lock (ofsted_kg.store_lock), shared or exclusive.
    """

    # pyoxigraph releases the GIL while it evaluates, and a Store is safe to read from threads.
    concurrent_reads = True

    def __init__(self, path: str | os.PathLike[str], *, read_only: bool = False) -> None:
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            try:
                self.path.mkdir(parents=True, exist_ok=True)  # `--store out/kg.db` just works
            except FileExistsError as exc:
                raise StoreError(
                    f"{self.path}: a file is there; a store is a folder (give --store a new or store folder)"
                ) from exc
            except OSError as exc:
                raise StoreError(f"{self.path}: cannot create the store ({exc.strerror or exc})") from exc
        self._lock = StoreLock.acquire(self.path, exclusive=not read_only)
        if read_only and (holder := rocksdb_lock_holder(self.path)) is not None:
            # A process writing without our lock: reading beside it is undefined in Oxigraph.
            self._lock.release()
            raise StoreError(_not_shared(self.path, holder))
        try:
            self._store = ox.Store.read_only(str(self.path)) if read_only else ox.Store(str(self.path))
        except OSError as exc:
            self._lock.release()
            raise StoreError(self._open_failure(exc)) from exc

    def _open_failure(self, exc: OSError) -> str:
        """One line naming the real cause of a failed open."""
        text = _first_line(exc)
        lowered = text.lower()
        if "read-only file system" in lowered:
            return f"{self.path}: the store is on a read-only filesystem: it can be read (query, export, validate) but not written"
        if "permission denied" in lowered:
            return f"{self.path}: permission denied ({text}): it can be read by commands that only read, if its files are readable"
        if "lock" in lowered:
            return _not_shared(self.path, rocksdb_lock_holder(self.path))
        return f"{self.path}: cannot open the store ({text})"

    # -- graphs -------------------------------------------------------------------------------

    def has_graph(self, graph: URIRef) -> bool:
        return self._store.contains_named_graph(ox.NamedNode(str(graph)))

    def replace_graph(self, graph: URIRef, ntriples: bytes) -> None:
        self._check_writable()
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
        delta = self._delta(name, data)
        if delta is not None:
            # Only the triples that changed: replacing the 2 million triples of the related
            # findings by themselves as DROP + INSERT DATA took 642 s and 9 GB at x10.
            removed, added = delta
            parts = [f"DELETE DATA {{ GRAPH {name} {{\n{removed}}} }}"] if removed else []
            parts += [f"INSERT DATA {{ GRAPH {name} {{\n{added}}} }}"] if added else []
            if parts:
                self._run_update(" ;\n".join(parts))
            if not data:
                self._store.add_graph(name)
            return
        update = f"DROP SILENT GRAPH {name} ;\nINSERT DATA {{ GRAPH {name} {{\n{data}}} }}"
        self._run_update(update)
        if not data:
            self._store.add_graph(name)

    def _delta(self, name: ox.NamedNode, canonical: str) -> tuple[str, str] | None:
        """The N-Triples lines to delete from and add to graph `name` so it holds `canonical`
        (oxigraph's own N-Triples, as its dump writes them: a triple has one spelling), or None
        where lines cannot be compared (blank nodes are relabelled by every dump, and DELETE
        DATA cannot name one). A large graph's lines are compared by digest, so its lines are
        never held as Python sets; a small one's (under _DELTA_AS_LINES_BYTES) as themselves,
        about 3x faster."""
        if "_:" in canonical:
            return None
        dumped = io.BytesIO()
        self._store.dump(dumped, format=ox.RdfFormat.N_TRIPLES, from_graph=name)
        old = dumped.getvalue()
        if b"_:" in old:
            return None
        new = canonical.encode("utf-8")
        if old == new:
            return "", ""
        if len(old) + len(new) < _DELTA_AS_LINES_BYTES:

            def key(line: bytes) -> bytes:
                return line

        else:
            import hashlib  # here: the read commands never replace a graph (7 ms of their start-up)

            def key(line: bytes) -> bytes:
                return hashlib.md5(line, usedforsecurity=False).digest()

        old_keys = set(map(key, io.BytesIO(old)))
        new_keys = set(map(key, io.BytesIO(new)))
        removed = b"".join(line for line in io.BytesIO(old) if key(line) not in new_keys)
        added = b"".join(line for line in io.BytesIO(new) if key(line) not in old_keys)
        return removed.decode("utf-8"), added.decode("utf-8")

    def add_to_graph(self, graph: URIRef, ntriples: bytes) -> None:
        self._check_writable()
        try:
            self._store.load(ntriples, format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(str(graph)))
        except SyntaxError as exc:
            raise ValueError(f"invalid N-Triples for {graph}: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc

    def drop_graph(self, graph: URIRef) -> None:
        self._check_writable()
        self._run_update(f"DROP SILENT GRAPH {ox.NamedNode(str(graph))}")

    def apply(self, change: GraphChange) -> None:
        if change.is_empty():
            return
        self._check_writable()
        if not change.delete and not any(
            self._store.contains_named_graph(ox.NamedNode(str(g))) for g in change.drop
        ):
            # Only new graphs and additions (the usual case: a new inspection): one transactional
            # load of the quads, several times faster than parsing them as a SPARQL update.
            self._extend(change.insert)
            return
        try:
            update = change_update(change)
        except ValueError:
            raise
        self._run_update(update)

    def _extend(self, inserts: tuple[tuple[URIRef, bytes], ...]) -> None:
        # N-Triples become N-Quads by naming the graph at the end of each statement: every
        # statement ends " .\n" and a line break inside a literal is escaped, so that byte
        # sequence ends statements only. One load is one transaction, and no Python object is
        # made per quad (parsing into pyoxigraph Quads and `extend` cost twice as much).
        try:
            parts = []
            for graph, data in inserts:
                if data:
                    name = f" {ox.NamedNode(str(graph))} .\n".encode()
                    data = data if data.endswith(b"\n") else data + b"\n"
                    if data.count(b" .\n") != data.count(b"\n"):
                        # Not one statement a line as ofsted-kg writes them: pyoxigraph rewrites it so
                        # (a line left without its graph would land in the default graph).
                        data = _ntriples_for_update(data).encode("utf-8")
                    parts.append(data.replace(b" .\n", name))
            quads = b"".join(parts)
            count = quads.count(b"\n")
            if count < SMALL_LOAD_QUADS:
                # A copy or two (ingest's last documents, written as they come): one transaction.
                self._store.load(quads, format=ox.RdfFormat.N_QUADS)
            elif count < BULK_ATOMIC_QUADS:
                # Oxigraph's bulk loader encodes up to a million quads in memory and ingests them
                # as one set of RocksDB table files — one IngestExternalFiles call, atomic across
                # column families — so a smaller load is whole or absent after kill -9 (tested:
                # tests/test_kill_resume.py, and docs/performance.md's trials) at about 40% of
                # the CPU of a transactional load.
                self._store.bulk_load(quads, format=ox.RdfFormat.N_QUADS)
            else:
                self._store.load(quads, format=ox.RdfFormat.N_QUADS)
        except (SyntaxError, ValueError) as exc:
            raise ValueError(f"invalid N-Triples: {_first_line(exc)}") from exc
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc

    def graph_ntriples(self, graph: URIRef) -> bytes:
        return self._store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph))) or b""

    def graphs(self) -> list[URIRef]:
        from rdflib import URIRef

        return sorted(URIRef(g.value) for g in self._store.named_graphs() if isinstance(g, ox.NamedNode))

    def triple_count(self, graph: URIRef | None = None) -> int:
        """Quads in the store, or triples in one named graph."""
        if graph is None:
            return len(self._store)
        return sum(1 for _ in self._store.quads_for_pattern(None, None, None, ox.NamedNode(str(graph))))

    def _check_writable(self) -> None:
        if self.read_only:
            raise StoreError(f"{self.path}: the store was opened read-only; this command cannot write to it")

    def _run_update(self, update: str) -> None:
        try:
            self._store.update(update)
        except OSError as exc:
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc

    # -- queries ------------------------------------------------------------------------------

    def _query(self, sparql: str, bindings: Mapping[str, Term] | None) -> object:
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

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = [v.value for v in result.variables]
        convert = TermConverter()
        try:
            rows = [dict(zip(variables, map(convert, solution), strict=True)) for solution in result]
        except (OSError, RuntimeError) as exc:
            raise self._query_failed(exc) from None
        return SelectResult(variables=variables, rows=rows)

    def select_values(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> RowStream:
        """Rows straight from oxigraph's solutions, converted as they are read: a query without
        ORDER BY or aggregates stops computing when the caller stops reading."""
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QuerySolutions):
            raise ValueError("not a SELECT query")
        variables = [v.value for v in result.variables]
        return RowStream(variables=variables, rows=self._solution_values(result))

    def _solution_values(self, result: ox.QuerySolutions) -> Iterator[tuple[Any, ...]]:
        try:
            for solution in result:
                yield tuple(map(ox_to_python, solution))
        except (OSError, RuntimeError) as exc:
            raise self._query_failed(exc) from None

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Iterator[tuple]:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        convert = TermConverter()
        try:
            for triple in result:
                yield (convert(triple.subject), convert(triple.predicate), convert(triple.object))
        except (OSError, RuntimeError) as exc:
            raise self._query_failed(exc) from None

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryBoolean):
            raise ValueError("not an ASK query")
        return bool(result)

    def construct_to(
        self, out: IO[bytes], fmt: str, sparql: str, bindings: Mapping[str, Term] | None = None
    ) -> None:
        """Serialise a CONSTRUCT result straight from oxigraph (no rdflib graph in memory)."""
        result = self._query(sparql, bindings)
        if not isinstance(result, ox.QueryTriples):
            raise ValueError("not a CONSTRUCT or DESCRIBE query")
        ox.serialize(result, out, format=RDF_FORMATS[fmt], prefixes=prefixes_for(fmt))

    # -- export -------------------------------------------------------------------------------

    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        if fmt not in RDF_FORMATS:
            raise ValueError(f"unknown export format {fmt!r} (choose from {', '.join(RDF_FORMATS)})")
        rdf_format = RDF_FORMATS[fmt]
        wanted = [ox.NamedNode(str(g)) for g in graphs] if graphs is not None else None
        prefixes = prefixes_for(fmt)
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
        sources: list[ox.NamedNode | ox.BlankNode | ox.DefaultGraph] = (
            list(wanted) if wanted is not None else [ox.DefaultGraph(), *self._store.named_graphs()]
        )
        for graph in sources:
            # A repeated @prefix block between graphs is valid Turtle.
            self._store.dump(out, format=rdf_format, from_graph=graph, prefixes=prefixes)

    def flush(self) -> None:
        if not self.read_only:
            self._store.flush()

    def close(self) -> None:
        store = getattr(self, "_store", None)
        lock = getattr(self, "_lock", None)
        try:
            if store is not None:
                del self._store
                if not self.read_only:
                    store.flush()
        except OSError as exc:  # a full disk: one line, exit 3, not a traceback
            raise StoreError(f"{self.path}: write failed ({_first_line(exc)})") from exc
        finally:
            del store  # the database closes before its lock is released
            if lock is not None:
                lock.release()


def _not_shared(path: Path, pid: int | None) -> str:
    who = Holder(pid, command_line(pid), True).describe() if pid else "another process"
    return (
        f"{path}: the store is in use by another process (locked): open read-write by {who}, "
        "which does not share it"
    )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
