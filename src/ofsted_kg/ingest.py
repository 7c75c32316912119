"""Load documents into a store: parallel extraction, one writer, incremental, bounded memory.

Workers (a process pool) turn a file into N-Triples bytes for its document graph and for the
shared graph; only bytes cross the process boundary. The main process is the only writer: each
document is one `replace_graph` transaction, so an interrupted run (Ctrl-C, kill -9) leaves
whole documents or none, and re-running finishes the job. A document whose report graph is
already in the store is skipped without being read beyond its hash. Last, the authority
summaries whose reports changed are recounted (`ofsted_kg.summary`): from the counts the workers
made for documents loaded in this run, from the store otherwise.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import logging
import os
import signal
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from . import iris
from .backend import Backend, StoreError
from .summary import DocumentCounts, LoadedCounts, document_counts, refresh_summaries

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".pdf", ".txt")
MAX_STORE_FAILURES_IN_A_ROW = 3
# Files that sit next to the letters but are not documents.
IGNORED_NAMES = {"sources.tsv", "readme", "readme.md", "readme.txt", "license", "license.txt"}

_ONTOLOGY_VERSION_ASK = """
PREFIX dcterms: <http://purl.org/dc/terms/>
ASK { GRAPH ?graph { ?graph dcterms:identifier ?version } }
"""

_SOURCES_QUERY = """
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
SELECT ?graph ?source WHERE { GRAPH ?graph { ?report okg:sha256 ?sha ; dcterms:source ?source } }
"""


@dataclass(frozen=True)
class Built:
    """What a worker hands back for a document it could read: graph bytes, never rdflib objects."""

    path: str
    sha256: str
    document: bytes  # N-Triples of the document's own graph
    shared: bytes  # N-Triples for the shared graph (authority, inspectors)
    counts: DocumentCounts | None = None  # its contribution to its authority's summary


@dataclass(frozen=True)
class Failed:
    path: str
    reason: str


@dataclass
class IngestSummary:
    loaded: list[str] = field(default_factory=list)
    skipped_unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)  # graphs of older versions of a loaded file
    pruned: list[str] = field(default_factory=list)  # graphs of documents no longer present
    summarised: list[str] = field(default_factory=list)  # authorities whose summary was recounted

    @property
    def ok(self) -> bool:
        return not self.failed


Builder = Callable[[str], "Built | Failed"]


# -- finding and hashing files ---------------------------------------------------------------------


def find_documents(paths: Iterable[str | os.PathLike[str]]) -> tuple[list[Path], list[tuple[str, str]]]:
    """Document files under the given files and folders (sorted), and the paths that failed with why.

    A failure is a path that does not exist, one this user may not reach (a file inside a folder
    it cannot enter), or a folder it cannot list, given or met on the way down: each is named with
    its reason and counts as a failed input, while everything else is still found.
    """
    found: list[Path] = []
    failed: list[tuple[str, str]] = []
    for given in paths:
        path = Path(given)
        try:
            mode = path.stat().st_mode
        except (FileNotFoundError, NotADirectoryError):
            failed.append((str(given), "no such file or folder"))
            continue
        except OSError as exc:
            failed.append((str(given), _os_reason(exc)))
            continue
        if stat.S_ISDIR(mode):
            found.extend(_documents_under(path, failed))
        else:
            found.append(path)  # named explicitly: the extractor says why if it cannot read it
    unique = list(dict.fromkeys(found))
    return unique, failed


def _documents_under(folder: Path, failed: list[tuple[str, str]]) -> list[Path]:
    """Document files below `folder`, sorted; folders that cannot be listed are added to `failed`."""

    def unreadable(exc: OSError) -> None:
        failed.append((str(exc.filename or folder), f"cannot read this folder ({_os_reason(exc)})"))

    out: list[Path] = []
    for root, _dirs, files in os.walk(folder, onerror=unreadable):
        for name in files:
            candidate = Path(root, name)
            if candidate.suffix.lower() not in DOCUMENT_SUFFIXES or name.lower() in IGNORED_NAMES:
                continue
            try:
                if candidate.is_file():  # a symbolic link to a file counts; a dangling one does not
                    out.append(candidate)
            except OSError as exc:
                failed.append((str(candidate), _os_reason(exc)))
    return sorted(out)


def _os_reason(exc: OSError) -> str:
    if isinstance(exc, PermissionError):
        return "permission denied"
    return " ".join((exc.strerror or str(exc)).split()) or type(exc).__name__


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the worker ------------------------------------------------------------------------------------


def build_document(path: str) -> Built | Failed:
    """Extract one file and build its graphs (runs in a worker process)."""
    from .loaders.errors import DocumentError
    from .loaders.extract import extract_path

    try:
        record = extract_path(path)
        document, shared, counts = _document_output(record)
    except DocumentError as exc:
        return Failed(path, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        log.debug("extracting %s failed", path, exc_info=True)
        return Failed(path, f"internal error while loading ({type(exc).__name__}: {_one_line(exc)})")
    sha = record.source.sha256 if record.source else file_sha256(Path(path))
    return Built(path, sha, document, shared, counts)


def _document_output(record: object) -> tuple[bytes, bytes, DocumentCounts | None]:
    from .loaders.graph import record_to_graph

    built = record_to_graph(record)
    document, shared = built.ntriples()
    return document, shared, document_counts(chain(built.document_triples, built.shared_triples))


# -- the base graphs -------------------------------------------------------------------------------


def ontology_ntriples() -> tuple[bytes, str]:
    """The packaged ontology (every .ttl in ofsted_kg.ontology but SHACL shapes) as N-Triples, and
    a digest of its source files that tells whether a store holds this very version."""
    folder = importlib.resources.files("ofsted_kg.ontology")
    triples: list[ox.Triple] = []
    digest = hashlib.sha256()
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name.endswith(".ttl") and "shape" not in entry.name:
            data = entry.read_bytes()
            digest.update(entry.name.encode() + b"\0" + data)
            triples.extend(ox.parse(data, format=ox.RdfFormat.TURTLE))
    text = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"") if triples else b""
    return text, f"sha256:{digest.hexdigest()}"


def authorities_ntriples() -> bytes:
    from .loaders.graph import authorities_graph

    return authorities_graph().serialize(format="nt", encoding="utf-8")


def ensure_base_graphs(backend: Backend, *, force: bool = False, refresh_ontology: bool = False) -> None:
    """Load the ontology and the authorities on a store's first use (or when forced).

    `refresh_ontology` replaces the ontology graph with the packaged one, so a store written by
    an older version sees the current theme labels once new documents are loaded with it.
    """
    if force or refresh_ontology or not backend.has_graph(iris.ONTOLOGY_GRAPH):
        data, version = ontology_ntriples()
        marker = Literal(version)
        if data and (
            force or not backend.ask(_ONTOLOGY_VERSION_ASK, {"graph": iris.ONTOLOGY_GRAPH, "version": marker})
        ):
            # The digest rides along on the graph's own IRI so the next run can skip the reload.
            stamp = f"{iris.ONTOLOGY_GRAPH.n3()} {DCTERMS.identifier.n3()} {marker.n3()} .\n".encode()
            backend.replace_graph(iris.ONTOLOGY_GRAPH, data + stamp)
    if force or not backend.has_graph(iris.SHARED_GRAPH):
        backend.add_to_graph(iris.SHARED_GRAPH, authorities_ntriples())


# -- the pipeline ----------------------------------------------------------------------------------


def ingest(
    backend: Backend,
    paths: Iterable[str | os.PathLike[str]],
    *,
    jobs: int | None = None,
    progress: bool = True,
    prune: bool = False,
    force: bool = False,
    builder: Builder = build_document,
) -> IngestSummary:
    """Load every document under `paths` into `backend`; see the module docstring."""
    summary = IngestSummary()
    files, missing = find_documents(paths)
    summary.failed.extend(missing)

    existing = {g for g in backend.graphs() if str(g).startswith(iris.REPORT_GRAPH_PREFIX)}
    hashes: dict[str, str] = {}  # path -> sha256
    to_load: list[str] = []
    for path in files:
        try:
            sha = file_sha256(path)
        except OSError as exc:
            summary.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
            continue
        hashes[str(path)] = sha
        if not force and iris.report_graph(sha) in existing:
            summary.skipped_unchanged.append(str(path))
        else:
            to_load.append(str(path))
    ensure_base_graphs(backend, force=force, refresh_ontology=bool(to_load))

    bar = _progress_bar(len(to_load), enabled=progress)
    counted = LoadedCounts()
    try:
        store_failures = 0
        for result in _run(builder, to_load, jobs):
            if isinstance(result, Failed):
                summary.failed.append((result.path, result.reason))
            else:
                try:
                    _write(backend, result)
                except StoreError as exc:
                    # One refused document (a 5xx after retries) fails alone; a store that
                    # refuses several in a row is down, and the whole run stops (exit 3).
                    store_failures += 1
                    if store_failures >= MAX_STORE_FAILURES_IN_A_ROW:
                        raise
                    summary.failed.append((result.path, f"the store refused it ({exc})"))
                else:
                    store_failures = 0
                    summary.loaded.append(result.path)
                    if result.counts is not None:
                        counted.add(result.counts)
                    log.debug("loaded %s", result.path)
                    if len(summary.loaded) % FLUSH_EVERY == 0:
                        backend.flush()
            bar.update(1)
    finally:
        bar.close()

    current = {iris.report_graph(sha) for sha in hashes.values()}
    summary.replaced.extend(_drop_older_versions(backend, files, current))
    if prune:
        for graph in sorted(g for g in backend.graphs() if str(g).startswith(iris.REPORT_GRAPH_PREFIX)):
            if graph not in current:
                backend.drop_graph(graph)
                summary.pruned.append(str(graph))
    # Last, so that a summary never counts a report that is not (yet) in the store; also repairs
    # summaries left out of date by an interrupted run, even when nothing new was loaded.
    summary.summarised.extend(str(a) for a in refresh_summaries(backend, loaded=counted))
    backend.flush()
    return summary


# RocksDB holds written data in memory until flushed: without this, ingest's memory grew with
# the number of documents (measured on x10: 836 MB without, 212 MB flushing every 50).
FLUSH_EVERY = 50


def _write(backend: Backend, built: Built) -> None:
    # Shared triples first: a document graph present means its authority and inspectors are too.
    if built.shared:
        backend.add_to_graph(iris.SHARED_GRAPH, built.shared)
    backend.replace_graph(iris.report_graph(built.sha256), built.document)


def _drop_older_versions(backend: Backend, files: list[Path], current: set[URIRef]) -> list[str]:
    """Drop graphs loaded from an earlier version of a file given now (same file name, other hash)."""
    names = {path.name for path in files}
    if not names:
        return []
    dropped = []
    for row in backend.select(_SOURCES_QUERY).rows:
        graph, source = row.get("graph"), row.get("source")
        if graph is None or source is None or str(source) not in names:
            continue
        graph_iri = URIRef(str(graph))
        if graph_iri not in current and str(graph_iri).startswith(iris.REPORT_GRAPH_PREFIX):
            backend.drop_graph(graph_iri)
            dropped.append(str(graph_iri))
    return sorted(set(dropped))


def _run(builder: Builder, paths: list[str], jobs: int | None) -> Iterator[Built | Failed]:
    """Results as they complete; at most 2 x jobs documents in flight, so memory stays flat."""
    jobs = max(1, jobs or os.cpu_count() or 1)
    if jobs == 1 or len(paths) <= 1:
        for path in paths:
            yield builder(path)
        return
    pending = iter(paths)
    executor = _pool(jobs)
    in_flight: dict[Future, str] = {}
    try:
        while True:
            while len(in_flight) < 2 * jobs and (queued := next(pending, None)) is not None:
                in_flight[executor.submit(builder, queued)] = queued
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in done:
                path = in_flight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    # A worker died (e.g. the PDF library crashed): blame this file, start afresh.
                    yield Failed(path, "the extractor crashed on this file")
                    for other in list(in_flight):
                        paths_left = in_flight.pop(other)
                        pending = _chain([paths_left], pending)
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = _pool(jobs)
                    break
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    # Ctrl-C is the main process's to handle: it stops handing out work and the workers finish
    # their current document quietly instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _chain(first: list[str], rest: Iterator[str]) -> Iterator[str]:
    yield from first
    yield from rest


class _NoBar:
    def update(self, n: int) -> None: ...

    def close(self) -> None: ...


def _progress_bar(total: int, *, enabled: bool) -> Any:
    if not enabled or total == 0 or not sys.stderr.isatty():
        return _NoBar()
    from tqdm import tqdm

    return tqdm(total=total, unit="doc", file=sys.stderr, desc="ingest", dynamic_ncols=True)


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__
