"""Load documents into a store: parallel extraction, one writer, incremental, bounded memory.

Workers (a process pool) turn a file into N-Triples bytes — its copy's report graph, the
inspection graph as read from it, and shared triples; only bytes cross the process boundary. The
main process is the only writer: each copy is one transaction (`ofsted_kg.copies`), so an
interrupted run (Ctrl-C, kill -9) leaves whole copies or none, never an inspection with two sets
of findings or none, and re-running finishes the job. The authority summaries change in the same
transactions (ofsted_kg.summary), so there is nothing to recount afterwards and nothing an
interruption can leave stale.

Each inspection's authority summary changes in the same transaction as its findings.

A copy already in the store as a load would leave it is skipped after hashing the file (and
working out its provenance: file name, archive layout, fetch manifest; ofsted_kg.provenance).
The same bytes under several paths are one copy with the provenance of all of them. Nothing is
removed except by `prune=True` (copies whose file is not among the paths given) or `delete`.
"""

from __future__ import annotations

import functools
import hashlib
import importlib.resources
import logging
import os
import stat
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from . import __version__, iris
from .backend import Backend, StoreError
from .copies import CopyState, NewCopy, StoredCopy
from .loaders.document import check_saved_file
from .loaders.errors import DocumentError, shown
from .loaders.record import Provenance
from .provenance import ProvenanceFinder
from .summary import ThemeTallies, fold, has_legacy_summaries, refresh_summaries
from .validation_record import ValidationRecord, warn_not_saved
from .workers import pool, worker_count

if TYPE_CHECKING:
    from .validate import Validator

log = logging.getLogger(__name__)

DOCUMENT_SUFFIXES = (".pdf", ".txt")
MAX_STORE_FAILURES_IN_A_ROW = 3
# Files that sit next to the letters but are not documents.
IGNORED_NAMES = {"sources.tsv", "readme", "readme.md", "readme.txt", "license", "license.txt"}

_ONTOLOGY_VERSION_ASK = """
PREFIX dcterms: <http://purl.org/dc/terms/>
ASK { GRAPH ?graph { ?graph dcterms:identifier ?version } }
"""


@dataclass(frozen=True)
class Built:
    """What a worker hands back for a document it could read: graph bytes, never rdflib objects."""

    path: str
    sha256: str
    media_type: str
    inspection: str  # the inspection's IRI
    report: bytes  # N-Triples of the copy's report graph
    inspection_data: bytes  # N-Triples of the inspection graph, as read from this copy
    shared: bytes  # N-Triples for the shared graph (authority, inspectors)
    authority: str | None = None  # the inspected authority's IRI
    counts: ThemeTallies = ThemeTallies()  # findings per theme and polarity (its summary's share)
    warnings: tuple[str, ...] = ()  # e.g. a listed URN that is not the document's authority
    # SHACL on the copy's report and inspection graphs as built (None: not checked), and the
    # software that read them: what `validate` would check for an inspection of this one copy.
    conforms: bool | None = None
    software: str = ""

    def new_copy(self) -> NewCopy:
        return NewCopy(
            sha256=self.sha256,
            media_type=self.media_type,
            inspection=URIRef(self.inspection),
            report_data=self.report,
            inspection_data=self.inspection_data,
            shared_data=self.shared,
            authority=URIRef(self.authority) if self.authority else None,
            counts=self.counts,
        )


@dataclass(frozen=True)
class Failed:
    path: str
    reason: str


@dataclass
class IngestSummary:
    loaded: list[str] = field(default_factory=list)  # one path per copy written
    skipped_unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)
    # Loaded as a further copy of an inspection whose findings another copy carries.
    alternates: list[str] = field(default_factory=list)
    # (path, the path loaded for the same bytes): one copy, its provenance from both.
    duplicates: list[tuple[str, str]] = field(default_factory=list)
    pruned: list[str] = field(default_factory=list)  # report graphs of copies no longer present
    summarised: list[str] = field(default_factory=list)  # authorities whose summary was recounted
    warnings: list[tuple[str, str]] = field(default_factory=list)  # (path or IRI, message)

    @property
    def ok(self) -> bool:
        return not self.failed


Builder = Callable[[str, Provenance], "Built | Failed"]


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
            failures = len(failed)
            under = _documents_under(path, failed)
            if not under and len(failed) == failures:  # an unreadable folder is a failure already
                # Not a failure (a synced folder may be empty yet), but "loaded 0" alone does not
                # say the folder held nothing ofsted-kg reads: a wrong folder, or .docx files.
                log.warning("%s: no .pdf or .txt files in this folder", shown(str(path)))
            found.extend(under)
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


def document_sha256(path: Path) -> str:
    """The SHA-256 of a document file named for loading, after refusing from its type and size
    alone what would never load (a pipe, a device, a 10 GB file: loaders.document
    `check_saved_file`) rather than hashing it first, or blocking on it for ever."""
    check_saved_file(path)
    return file_sha256(path)


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# -- the worker ------------------------------------------------------------------------------------


def build_document(path: str, provenance: Provenance | None = None) -> Built | Failed:
    """Extract one file and build its graphs (runs in a worker process)."""
    from .loaders.errors import DocumentError
    from .loaders.extract import extract_path
    from .loaders.graph import record_to_graph
    from .provenance import urn_disagreements

    try:
        record = extract_path(path)
        if provenance is not None:
            record.provenance = provenance
        built = record_to_graph(record)
        report, inspection, shared = built.ntriples()
        # Checked here, in parallel, so `validate` need not check it again (issue 14).
        conforms = _validator().run(report + inspection, ntriples=True).conforms
    except DocumentError as exc:
        return Failed(path, exc.reason)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        log.debug("extracting %s failed", path, exc_info=True)
        return Failed(path, f"internal error while loading ({type(exc).__name__}: {_one_line(exc)})")
    return Built(
        path=path,
        sha256=built.sha256,
        media_type=built.media_type,
        inspection=str(built.inspection),
        report=report,
        inspection_data=inspection,
        shared=shared,
        authority=str(built.authority) if built.authority is not None else None,
        counts=built.counts,
        warnings=tuple(urn_disagreements(record)),
        conforms=conforms,
        software=str(iris.software(__version__)),
    )


@functools.cache
def _validator() -> Validator:
    from .validate import Validator

    return Validator.load()


# -- the base graphs -------------------------------------------------------------------------------


@functools.cache
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


@dataclass(frozen=True)
class _Job:
    """One copy to load: the first of its paths (in sorted order) and the provenance of all."""

    path: str
    sha256: str
    provenance: Provenance


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
    if has_legacy_summaries(backend) or not files:
        # A store of ofsted-kg 0.1 (summaries recounted at the end of a run) is recounted in the
        # current form, one authority per transaction; with no paths, ingest repairs summaries.
        summary.summarised.extend(str(a) for a in refresh_summaries(backend))

    state = CopyState.read(backend)
    finder = ProvenanceFinder()
    by_sha: dict[str, list[Path]] = {}
    provenance: dict[str, Provenance] = {}
    for path in files:
        try:
            sha = document_sha256(path)
        except DocumentError as exc:
            summary.failed.append((str(path), exc.reason))
            continue
        except OSError as exc:
            summary.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
            continue
        by_sha.setdefault(sha, []).append(path)
        found = finder.provenance(path, sha)
        provenance[sha] = provenance[sha].merge(found) if sha in provenance else found
    to_load: list[_Job] = []
    for sha, found_at in by_sha.items():
        first = str(found_at[0])
        summary.duplicates.extend((str(other), first) for other in found_at[1:])
        if not force and state.up_to_date(sha, provenance[sha]):
            summary.skipped_unchanged.extend(str(p) for p in found_at)
        else:
            to_load.append(_Job(first, sha, state.merged_provenance(sha, provenance[sha])))
    loading = {job.sha256: job for job in to_load}
    if not to_load:
        ensure_base_graphs(backend, force=force)

    bar = _progress_bar(len(to_load), enabled=progress)
    workers = worker_count(jobs)
    writer = _Writer(backend, state, summary, bar, batch_size(len(to_load), workers))
    try:
        tail = _Tail()
        in_tail = tail.__bool__
        base_graphs_written = False
        for results in _run(builder, to_load, workers, tail):
            if not base_graphs_written:
                # Here, once the workers have started on the documents, rather than before:
                # nothing they do needs the store, and the ontology and the authorities are
                # written while they read the first documents.
                ensure_base_graphs(backend, force=force, refresh_ontology=True)
                base_graphs_written = True
            # Results join the writer's batch as they come; it commits every `batch_size` copies
            # (and at the end), so each load pays its fixed cost for many documents.
            for result in results:
                if isinstance(result, Failed):
                    summary.failed.append((result.path, result.reason))
                    bar.update(1)
                    continue
                for message in result.warnings:
                    log.warning("%s: %s", result.path, message)
                    summary.warnings.append((result.path, message))
                writer.write(result, loading[result.sha256].provenance)
            if in_tail():
                # The workers' last documents: what is waiting goes as one batch, then each copy
                # as it comes, so the run does not end with the workers idle while one large
                # batch is written. Not sooner: a copy written alone costs about 2.7x the CPU
                # per quad of a batch (a transactional load against the bulk loader).
                writer.commit()
        writer.commit()
    finally:
        bar.close()
        # Saved whatever happened (what was checked stays checked); said only when the run
        # itself succeeded: after a failed write its one line is the message.
        unsaved = writer.validated.save()
    if unsaved:
        warn_not_saved("ingest", unsaved)
    state = writer.state

    # The summary rows the batches added, this run's and any an interrupted run left, become
    # one row per theme again (the counts do not change: queries add rows up either way).
    fold(backend, state.summaries.known())

    if prune:
        available = {
            sha: _Job(str(found[0]), sha, state.merged_provenance(sha, provenance[sha]))
            for sha, found in by_sha.items()
        }
        for sha in sorted(set(state.copies) - set(by_sha)):
            graph = iris.report_graph(sha)
            for message in state.remove(backend, sha, _successor(builder, available)):
                log.warning("%s", message)
                summary.warnings.append((str(graph), message))
            summary.pruned.append(str(graph))
    backend.flush()
    return summary


def _validation_record(backend: Backend) -> ValidationRecord:
    """The record `validate` keeps beside an embedded store (none for an endpoint)."""
    from .store import EmbeddedStore
    from .validate import validation_rules

    return ValidationRecord(backend.path if isinstance(backend, EmbeddedStore) else None, validation_rules())


class _Writer:
    """Ingest's single writer: copies whose change only adds join one transaction (a CopyBatch,
    committed every `size` copies and at the end); any other change is written alone, in
    order, after the batch before it. A refused batch is written again copy by copy, so a
    refused copy fails alone; a store that refuses several transactions in a row is down, and
    the run stops (exit 3)."""

    def __init__(
        self, backend: Backend, state: CopyState, summary: IngestSummary, bar: Any, size: int
    ) -> None:
        self.backend, self.state, self.summary, self.bar = backend, state, summary, bar
        self.size = size
        self.batch = state.batch(backend)
        # (the worker's result, its provenance, whether it carries its inspection's findings)
        self.pending: list[tuple[Built, Provenance, bool]] = []
        self.failures = 0
        self.validated = _validation_record(backend)

    def write(self, built: Built, provenance: Provenance) -> None:
        new = built.new_copy()
        if self.batch.joins(new):
            self.pending.append((built, provenance, self.batch.add(new, provenance)))
            if len(self.pending) >= self.size:
                self.commit()
            return
        self.commit()
        self._alone(built, provenance)

    def commit(self) -> None:
        if not self.pending:
            return
        done, self.pending = self.pending, []
        try:
            self.batch.commit()
        except StoreError as exc:
            self._refused(exc)
            # What the state says was written was not: read it again, then write each alone.
            self.state = CopyState.read(self.backend)
            self.batch = self.state.batch(self.backend)
            for built, provenance, _ in done:
                self._alone(built, provenance)
        else:
            self.failures = 0
            for built, provenance, carries in done:
                self._written(built.path, carries)
                if carries and built.conforms:
                    self._conforms(built, provenance)

    def _alone(self, built: Built, provenance: Provenance) -> None:
        try:
            carries = self.state.add(self.backend, built.new_copy(), provenance)
        except StoreError as exc:
            self._refused(exc)
            self.summary.failed.append((built.path, f"the store refused it ({exc})"))
            self.bar.update(1)
        else:
            self.failures = 0
            self._written(built.path, carries)

    def _conforms(self, built: Built, provenance: Provenance) -> None:
        """Record the new inspection (of this one copy, as written) as conforming."""
        from .validate import copy_print, inspection_print

        inspection = URIRef(built.inspection)
        graph = iris.inspection_graph(inspection)
        print_ = inspection_print(
            graph,
            iris.report(built.sha256),
            [built.software],
            [copy_print(built.sha256, built.media_type, provenance)],
        )
        self.validated.conforms(str(graph), print_)

    def _written(self, path: str, carries: bool) -> None:
        self.summary.loaded.append(path)
        if not carries:
            self.summary.alternates.append(path)
        log.debug("loaded %s", path)
        if len(self.summary.loaded) % FLUSH_EVERY == 0:
            self.backend.flush()
        self.bar.update(1)

    def _refused(self, exc: StoreError) -> None:
        self.failures += 1
        if self.failures >= MAX_STORE_FAILURES_IN_A_ROW:
            raise exc


def delete(
    backend: Backend,
    targets: Iterable[str],
    *,
    successors: Iterable[str | os.PathLike[str]] = (),
    builder: Builder = build_document,
) -> IngestSummary:
    """Remove copies from the store: each target a file (its SHA-256 is looked up), a SHA-256 (or
    its first 16 hex digits), or a report IRI. Files under `successors` are read when a removed
    copy carried its inspection's findings and another copy remains (see CopyState.remove)."""
    summary = IngestSummary()
    state = CopyState.read(backend)
    finder = ProvenanceFinder()
    wanted: list[str] = []
    for target in targets:
        sha = _resolve_copy(state, target)
        if sha is None:
            summary.failed.append(
                (target, "no such copy in the store (give a file, a SHA-256 or a report IRI)")
            )
        elif sha not in wanted:
            wanted.append(sha)
    files, missing = find_documents(successors)
    summary.failed.extend(missing)
    available: dict[str, _Job] = {}
    for path in files:
        try:
            sha = document_sha256(path)
        except DocumentError as exc:
            summary.failed.append((str(path), exc.reason))
            continue
        except OSError as exc:
            summary.failed.append((str(path), f"cannot read ({exc.strerror or exc})"))
            continue
        if sha not in available:
            available[sha] = _Job(str(path), sha, state.merged_provenance(sha, finder.provenance(path, sha)))
    for sha in wanted:
        graph = iris.report_graph(sha)
        for message in state.remove(backend, sha, _successor(builder, available)):
            log.warning("%s", message)
            summary.warnings.append((str(graph), message))
        summary.pruned.append(str(graph))
    backend.flush()
    return summary


def _successor(builder: Builder, available: dict[str, _Job]) -> Callable[[StoredCopy], NewCopy | None]:
    """Read a remaining copy's file again (in this process) to hand it an inspection's findings."""

    def read(candidate: StoredCopy) -> NewCopy | None:
        job = available.get(candidate.sha256)
        if job is None:
            return None
        result = builder(job.path, job.provenance)
        if isinstance(result, Failed):
            log.warning("%s: cannot be read to carry its inspection's findings (%s)", job.path, result.reason)
            return None
        return result.new_copy()

    return read


def _resolve_copy(state: CopyState, target: str) -> str | None:
    text = target.strip()
    path = Path(text)
    if path.is_file():
        sha = file_sha256(path)
        return sha if sha in state.copies else None
    if text.startswith(iris.BASE):
        copy = state.by_report(URIRef(text))
        return copy.sha256 if copy else None
    lowered = text.lower()
    if len(lowered) >= 16 and all(c in "0123456789abcdef" for c in lowered):
        matches = [sha for sha in state.copies if sha.startswith(lowered)]
        return matches[0] if len(matches) == 1 else None
    return None


# RocksDB holds written data in memory until flushed: without this, ingest's memory grew with
# the number of documents (measured on x10: 836 MB without, 212 MB flushing every 50).
FLUSH_EVERY = 50
# Copies written in one transaction: a bulk load costs about 40 ms of CPU whatever its size, on top
# of its quads; 32 typical documents are 60,000 quads (a few MB held until written).
MAX_BATCH = 32


def batch_size(documents: int, workers: int) -> int:
    """Copies a batch holds in a run of `documents`: MAX_BATCH, or fewer in a small run, so that
    a run commits (and its progress bar moves) at least about twice per worker; a short run
    is cheap however it is written."""
    return max(1, min(MAX_BATCH, documents // (2 * workers)))


class _Tail:
    """True once no document is left waiting for a worker: the results still to come are of the
    documents the workers hold now."""

    def __init__(self) -> None:
        self.done = False

    def __bool__(self) -> bool:
        return self.done


def _run(
    builder: Builder, work: list[_Job], jobs: int, tail: _Tail | None = None
) -> Iterator[list[Built | Failed]]:
    """Results in groups, each what was ready at one moment; at most 2 x jobs + MAX_BATCH
    documents in flight (finished ones wait for the writer as bytes), so memory stays flat."""
    tail = tail if tail is not None else _Tail()
    if jobs == 1 or len(work) <= 1:
        for index, job in enumerate(work):
            result = builder(job.path, job.provenance)
            tail.done = index == len(work) - 1
            yield [result]
        return
    pending = iter(work)
    executor = pool(jobs)
    in_flight: dict[Future, _Job] = {}
    try:
        while True:
            while len(in_flight) < 2 * jobs + MAX_BATCH and (queued := next(pending, None)) is not None:
                in_flight[executor.submit(builder, queued.path, queued.provenance)] = queued
            if not in_flight:
                return
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            ready: list[Built | Failed] = []
            for future in done:
                job = in_flight.pop(future)
                try:
                    ready.append(future.result())
                except BrokenProcessPool:
                    # A worker died (e.g. the PDF library crashed): blame this file, start afresh.
                    ready.append(Failed(job.path, "the extractor crashed on this file"))
                    for other in list(in_flight):
                        left = in_flight.pop(other)
                        pending = _chain([left], pending)
                    executor.shutdown(wait=False, cancel_futures=True)
                    executor = pool(jobs)
                    break
            # Hand the workers their next documents before the writer starts on these.
            while len(in_flight) < 2 * jobs + MAX_BATCH and (queued := next(pending, None)) is not None:
                in_flight[executor.submit(builder, queued.path, queued.provenance)] = queued
            # No more in flight than workers means nothing is left to hand out and none is
            # queued (a document put back after a crash is handed out again, so this can turn
            # false once more).
            tail.done = len(in_flight) <= jobs
            yield ready
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _chain(first: list[_Job], rest: Iterator[_Job]) -> Iterator[_Job]:
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
