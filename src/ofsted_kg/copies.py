"""Copies of one report, one inspection: what the store holds, and how a copy comes and goes.

The store keeps one graph per copy of a report (`iris.report_graph(sha256)`: the file, its text,
its provenance) and one graph per inspection (`iris.inspection_graph(...)`: the inspection, its
judgements, inspectors, findings, evidence and theme tallies, read from one copy — its
`okg:primaryReport` — plus `prov:alternateOf` between the copies). Which copy is primary is decided
by `copy_rank` (PDF before text, then lowest SHA-256), a property of the bytes, so the store ends
the same whatever order the copies arrive in.

Every change below is one `Backend.apply`: one transaction. When a better copy arrives, its report
graph and the whole new inspection graph replace the old ones together, so no reader (and no
`kill -9`) ever sees both sets of findings or neither.

`CopyState` is read from the store once per run and kept current by the writer (the main process
is the only one), so deciding what to write costs no query per document.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace

from rdflib import URIRef

from . import iris
from .backend import Backend, GraphChange
from .loaders.graph import alternate_triples, copy_rank
from .loaders.record import Provenance
from .summary import AuthorityCounts, Summaries, ThemeTallies, inspection_tallies, merge

log = logging.getLogger(__name__)

_PREFIXES = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
_COPIES = (
    _PREFIXES
    + """SELECT ?graph ?report ?sha ?media ?inspection WHERE {
  GRAPH ?graph { ?report okg:sha256 ?sha . OPTIONAL { ?report okg:mediaType ?media }
                 OPTIONAL { ?report prov:wasGeneratedBy ?inspection } }
}"""
)
_PROVENANCE = (
    _PREFIXES
    + """SELECT ?sha ?property ?value WHERE {
  GRAPH ?graph { ?report okg:sha256 ?sha ; ?property ?value .
    VALUES ?property { okg:fileName dcterms:source okg:listedDate okg:listedURN okg:listedPublicationType } }
}"""
)
_PRIMARIES = (
    _PREFIXES
    + "SELECT ?graph ?inspection ?primary WHERE { GRAPH ?graph { ?inspection okg:primaryReport ?primary } }"
)

_FIELD_OF = {
    "https://w3id.org/ofsted-kg/ontology#fileName": "file_names",
    "http://purl.org/dc/terms/source": "urls",
    "https://w3id.org/ofsted-kg/ontology#listedDate": "listed_dates",
    "https://w3id.org/ofsted-kg/ontology#listedURN": "listed_urns",
    "https://w3id.org/ofsted-kg/ontology#listedPublicationType": "listed_types",
}


@dataclass(frozen=True)
class StoredCopy:
    report: URIRef
    sha256: str
    media_type: str
    inspection: URIRef | None  # None: a report graph of an older layout, or broken
    provenance: Provenance = field(default_factory=Provenance)

    @property
    def rank(self) -> tuple[int, str]:
        return copy_rank(self.media_type, self.sha256)


@dataclass(frozen=True)
class NewCopy:
    """One copy as a worker built it (the fields `Built` carries), ready to write."""

    sha256: str
    media_type: str
    inspection: URIRef
    report_data: bytes  # N-Triples of its report graph
    inspection_data: bytes  # N-Triples of the inspection graph as read from it
    shared_data: bytes  # N-Triples for the shared graph
    authority: URIRef | None = None  # the inspected authority, whose summary counts the findings
    counts: ThemeTallies = ThemeTallies()  # the findings per theme and polarity, as read from it

    @property
    def report(self) -> URIRef:
        return iris.report(self.sha256)

    @property
    def rank(self) -> tuple[int, str]:
        return copy_rank(self.media_type, self.sha256)


# What re-reads a remaining copy's file when the copy carrying an inspection's findings goes:
# None when no file of that copy is at hand (or it cannot be read as the same inspection).
Successor = Callable[[StoredCopy], NewCopy | None]


class CopyState:
    """The copies in the store (by hash, report IRI and inspection) and each inspection's primary."""

    def __init__(
        self, copies: dict[str, StoredCopy], primary: dict[URIRef, URIRef], summaries: Summaries
    ) -> None:
        self.copies: dict[str, StoredCopy] = {}  # sha256 -> copy
        self.primary = primary  # inspection -> the report its graph reads findings from
        self.summaries = summaries  # the authority summaries, changed with the findings
        self._by_report: dict[URIRef, str] = {}
        self._by_inspection: dict[URIRef | None, set[str]] = defaultdict(set)
        for copy in copies.values():
            self._put(copy)

    def _put(self, copy: StoredCopy) -> None:
        self._drop(copy.sha256)
        self.copies[copy.sha256] = copy
        self._by_report[copy.report] = copy.sha256
        self._by_inspection[copy.inspection].add(copy.sha256)

    def _drop(self, sha256: str) -> None:
        old = self.copies.pop(sha256, None)
        if old is not None:
            self._by_report.pop(old.report, None)
            self._by_inspection[old.inspection].discard(sha256)

    @classmethod
    def read(cls, backend: Backend) -> CopyState:
        copies: dict[str, StoredCopy] = {}
        for row in backend.select(_COPIES).rows:
            graph, sha = row["graph"], row["sha"]
            if not str(graph).startswith(iris.REPORT_GRAPH_PREFIX) or sha is None:
                continue
            inspection = row.get("inspection")
            copies[str(sha)] = StoredCopy(
                report=URIRef(str(row["report"])),
                sha256=str(sha),
                media_type=str(row.get("media") or ""),
                inspection=URIRef(str(inspection)) if inspection is not None else None,
            )
        values: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
        for row in backend.select(_PROVENANCE).rows:
            name = _FIELD_OF.get(str(row["property"]))
            if name is not None and row["sha"] is not None and row["value"] is not None:
                values[str(row["sha"])][name].add(str(row["value"]))
        for sha_key, fields in values.items():
            if sha_key in copies:
                provenance = Provenance(**{k: tuple(sorted(v)) for k, v in fields.items()})
                copies[sha_key] = replace(copies[sha_key], provenance=provenance)
        primary = {
            URIRef(str(row["inspection"])): URIRef(str(row["primary"]))
            for row in backend.select(_PRIMARIES).rows
            if str(row["graph"]).startswith(iris.INSPECTION_GRAPH_PREFIX)
        }
        return cls(copies, primary, Summaries(backend))

    # -- questions ------------------------------------------------------------------------------

    def by_report(self, report: URIRef) -> StoredCopy | None:
        sha = self._by_report.get(report)
        return self.copies[sha] if sha is not None else None

    def copies_of(self, inspection: URIRef) -> list[StoredCopy]:
        return sorted(
            (self.copies[sha] for sha in self._by_inspection.get(inspection, ())), key=lambda c: c.rank
        )

    def up_to_date(self, sha256: str, provenance: Provenance) -> bool:
        """Is this copy in the store as a load of it now would leave it? False when it is absent,
        when its inspection has no graph (an older layout, or the copy carrying the findings was
        removed), when it should carry its inspection's findings but does not, or when the file
        brings provenance the store does not hold yet."""
        stored = self.copies.get(sha256)
        if stored is None or stored.inspection is None:
            return False
        current = self.primary.get(stored.inspection)
        if current is None:
            return False
        if current != stored.report:
            carrier = self.by_report(current)
            if carrier is None or stored.rank < carrier.rank:
                return False
        return stored.provenance.covers(provenance)

    def merged_provenance(self, sha256: str, provenance: Provenance) -> Provenance:
        """What the copy's graph should hold: what the store knows of it, and what this run adds."""
        stored = self.copies.get(sha256)
        return stored.provenance.merge(provenance) if stored else provenance

    # -- changes --------------------------------------------------------------------------------

    def batch(self, backend: Backend) -> CopyBatch:
        """A writer of several copies in one transaction (see CopyBatch)."""
        return CopyBatch(self, backend)

    def add(self, backend: Backend, new: NewCopy, provenance: Provenance) -> bool:
        """Write one copy; True when it now carries its inspection's findings."""
        inspection, report = new.inspection, new.report
        graph = iris.inspection_graph(inspection)
        previous = self.copies.get(new.sha256)
        drop: list[URIRef] = [iris.report_graph(new.sha256)]
        delete: list[tuple[URIRef, bytes]] = []
        left: URIRef | None = None  # an inspection this copy carried and leaves
        counting = _Counting(self)
        if previous is not None and previous.inspection is not None and previous.inspection != inspection:
            # Read again, the same bytes report on another inspection (a newer extractor reads
            # other dates): they leave the old one in the same transaction.
            old_drop, old_delete = self._leave(previous)
            drop += old_drop
            delete += old_delete
            if old_drop:
                left = previous.inspection
                counting.leaves(backend, previous.inspection)
            elif previous.inspection not in self.primary:
                # A copy written by ofsted-kg 0.1 keeps its findings in its own graph, which goes.
                counting.leaves(backend, previous.inspection)
        others = [c for c in self.copies_of(inspection) if c.sha256 != new.sha256]
        current = self.primary.get(inspection)
        carrier = self.by_report(current) if current is not None else None
        primary = current is None or current == report or carrier is None or new.rank < carrier.rank
        insert: list[tuple[URIRef, bytes]] = [(iris.report_graph(new.sha256), new.report_data)]
        if primary:
            links = alternate_triples([report, *(c.report for c in others)]).ntriples()
            if current is not None:
                counting.leaves(backend, inspection)  # the findings read from the old primary
            counting.arrives(new)
            drop.append(graph)
            insert.append((graph, new.inspection_data + links))
        else:
            links = alternate_triples([report, *(c.report for c in others)])
            insert.append((graph, _triples_with(links, report)))
        if new.shared_data:
            insert.append((iris.SHARED_GRAPH, new.shared_data))
        summary_change, summary_counts = counting.change()
        backend.apply(merge(GraphChange(tuple(drop), tuple(delete), tuple(insert)), summary_change))
        counting.commit(summary_counts)
        self._put(StoredCopy(report, new.sha256, new.media_type, inspection, provenance))
        if left is not None:
            del self.primary[left]
        if primary:
            self.primary[inspection] = report
        return primary

    def remove(self, backend: Backend, sha256: str, successor: Successor) -> list[str]:
        """Remove one copy (its report graph); warnings, one line each.

        Removing the copy that carries its inspection's findings hands them to the next copy by
        rank whose file `successor` can read, in the same transaction. With no such copy the
        inspection's graph goes too: the remaining copies stay, waiting to be read again
        (`ofsted-kg validate` reports them; ingesting their files restores the inspection)."""
        stored = self.copies.get(sha256)
        if stored is None:
            return []
        warnings: list[str] = []
        drop: list[URIRef] = [iris.report_graph(sha256)]
        delete: list[tuple[URIRef, bytes]] = []
        insert: list[tuple[URIRef, bytes]] = []
        inspection = stored.inspection
        handed_to: StoredCopy | None = None
        counting = _Counting(self)
        if inspection is not None:
            others = [c for c in self.copies_of(inspection) if c.sha256 != sha256]
            graph = iris.inspection_graph(inspection)
            if self.primary.get(inspection) == stored.report or inspection not in self.primary:
                # (Without an inspection graph: a copy of ofsted-kg 0.1, its findings in its graph.)
                counting.leaves(backend, inspection)
            if self.primary.get(inspection) == stored.report and others:
                for candidate in others:
                    new = successor(candidate)
                    if new is not None and new.inspection == inspection and new.sha256 == candidate.sha256:
                        counting.arrives(new)
                        links = alternate_triples(c.report for c in others).ntriples()
                        drop.append(graph)
                        insert.append((graph, new.inspection_data + links))
                        if new.shared_data:
                            insert.append((iris.SHARED_GRAPH, new.shared_data))
                        handed_to = candidate
                        break
                else:
                    drop.append(graph)
                    warnings.append(
                        f"{inspection}: the copy carrying its findings was removed and no file of its "
                        f"other copies ({', '.join(str(c.report) for c in others)}) was given to read "
                        "them from; ingest one of those files to restore the inspection"
                    )
            elif self.primary.get(inspection) == stored.report:
                drop.append(graph)
            else:
                delete.append(
                    (
                        graph,
                        _triples_with(
                            alternate_triples([stored.report, *(c.report for c in others)]), stored.report
                        ),
                    )
                )
        summary_change, summary_counts = counting.change()
        backend.apply(merge(GraphChange(tuple(drop), tuple(delete), tuple(insert)), summary_change))
        counting.commit(summary_counts)
        self._drop(sha256)
        if inspection is not None and self.primary.get(inspection) == stored.report:
            if handed_to is not None:
                self.primary[inspection] = handed_to.report
            else:
                del self.primary[inspection]
        return warnings

    def _leave(self, stored: StoredCopy) -> tuple[list[URIRef], list[tuple[URIRef, bytes]]]:
        """The graph changes by which a copy leaves the inspection it was stored under."""
        assert stored.inspection is not None
        graph = iris.inspection_graph(stored.inspection)
        others = [c for c in self.copies_of(stored.inspection) if c.sha256 != stored.sha256]
        if self.primary.get(stored.inspection) == stored.report:
            if others:
                log.warning(
                    "%s: re-read as another inspection, %s no longer reads its findings from it; "
                    "ingest one of its other copies' files to restore them",
                    stored.report,
                    stored.inspection,
                )
            return [graph], []
        links = alternate_triples([stored.report, *(c.report for c in others)])
        return [], [(graph, _triples_with(links, stored.report))]


class CopyBatch:
    """Copies written together in one transaction: each is in the store whole or not at all, as
    with one transaction per copy, for less than one transaction each costs.

    The transaction only adds, so it is one load of quads rather than a SPARQL update (which
    oxigraph applies at about 2.5x the cost per quad): the authority summaries get rows of their
    own for the batch (`Summaries.addition`), which readers add up and `summary.fold` merges
    when the run ends.

    Only changes that add can join (`joins`): a copy new to the store whose report graph is new,
    as the first copy of a new inspection or as a further, lower-ranked copy of one (its
    `prov:alternateOf` links added). Anything that drops or deletes — a better copy taking the
    findings over, a copy read again — is written alone (`CopyState.add`) after the batch is
    committed. The state is updated as copies join, so later copies see earlier ones; when a
    commit fails the caller reads the state from the store again.
    """

    def __init__(self, state: CopyState, backend: Backend) -> None:
        self._state = state
        self._backend = backend
        self._insert: list[tuple[URIRef, bytes]] = []
        self._arriving: dict[URIRef, list[ThemeTallies]] = defaultdict(list)
        self._graphs: set[URIRef] = set()  # graphs this batch creates
        self._copies: list[str] = []  # their SHA-256s, which name the summary rows they add

    def __bool__(self) -> bool:
        return bool(self._insert)

    def joins(self, new: NewCopy) -> bool:
        """Can this copy's change be written with the batch (it only adds)?"""
        state = self._state
        report_graph, graph = iris.report_graph(new.sha256), iris.inspection_graph(new.inspection)
        if (
            new.sha256 in state.copies
            or report_graph in self._graphs
            or self._backend.has_graph(report_graph)
        ):
            return False
        current = state.primary.get(new.inspection)
        if current is None:  # a new inspection, unless a graph of its name is left from elsewhere
            return graph not in self._graphs and not self._backend.has_graph(graph)
        carrier = state.by_report(current)
        return carrier is not None and carrier.rank < new.rank

    def add(self, new: NewCopy, provenance: Provenance) -> bool:
        """Add a copy that `joins`; True when it carries its inspection's findings."""
        state, inspection, report = self._state, new.inspection, new.report
        graph, report_graph = iris.inspection_graph(inspection), iris.report_graph(new.sha256)
        current = state.primary.get(inspection)
        self._insert.append((report_graph, new.report_data))
        self._graphs.add(report_graph)
        self._copies.append(new.sha256)
        if current is None:
            self._insert.append((graph, new.inspection_data))
            self._graphs.add(graph)
            if new.authority is not None and new.counts.themes:
                self._arriving[new.authority].append(new.counts)
            state.primary[inspection] = report
        else:
            others = [c.report for c in state.copies_of(inspection) if c.sha256 != new.sha256]
            self._insert.append((graph, _triples_with(alternate_triples([report, *others]), report)))
        if new.shared_data:
            self._insert.append((iris.SHARED_GRAPH, new.shared_data))
        state._put(StoredCopy(report, new.sha256, new.media_type, inspection, provenance))
        return current is None

    def commit(self) -> None:
        """Write the copies added since the last commit, in one transaction."""
        if not self._insert:
            return
        summaries = self._state.summaries
        part = iris.summary_part(self._copies)
        changes, counts = [], {}
        for authority in sorted(self._arriving):
            change, counts[authority] = summaries.addition(authority, self._arriving[authority], part)
            changes.append(change)
        insert, self._insert, self._graphs, self._copies = self._insert, [], set(), []
        self._arriving = defaultdict(list)
        self._backend.apply(merge(GraphChange(insert=tuple(insert)), *changes))
        for authority, value in counts.items():
            summaries.commit(authority, value)


def _triples_with(triples: Iterable[tuple], node: URIRef) -> bytes:
    """N-Triples of the triples that mention `node` (as subject or object)."""
    from .loaders.graph import Triples

    out = Triples()
    for s, p, o in triples:
        if node in (s, o):
            out.add((s, p, o))
    return out.ntriples()


class _Counting:
    """The summary changes of one transaction: the inspections whose findings leave and arrive,
    per authority, folded into one change per authority's summary."""

    def __init__(self, state: CopyState) -> None:
        self._summaries = state.summaries
        self._leaving: dict[URIRef, list[ThemeTallies]] = defaultdict(list)
        self._arriving: dict[URIRef, list[ThemeTallies]] = defaultdict(list)

    def leaves(self, backend: Backend, inspection: URIRef) -> None:
        authority, tallies = inspection_tallies(backend, inspection)
        if authority is not None and tallies.themes:
            self._leaving[authority].append(tallies)

    def arrives(self, new: NewCopy) -> None:
        if new.authority is not None and new.counts.themes:
            self._arriving[new.authority].append(new.counts)

    def change(self) -> tuple[GraphChange, dict[URIRef, AuthorityCounts]]:
        changes, counts = [], {}
        for authority in sorted(set(self._leaving) | set(self._arriving)):
            change, counts[authority] = self._summaries.change(
                authority, self._leaving.get(authority, ()), self._arriving.get(authority, ())
            )
            changes.append(change)
        return merge(*changes), counts

    def commit(self, counts: dict[URIRef, AuthorityCounts]) -> None:
        for authority, value in counts.items():
            self._summaries.commit(authority, value)
