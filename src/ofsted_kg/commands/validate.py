"""`ofsted-kg validate`: SHACL on every inspection of the store, and HermiT on the ontology.

Each inspection is checked with the copies of its report (its inspection graph and their report
graphs together), and each authority summary against its shapes and against counting the findings
in the store. A copy whose inspection has no graph, an inspection whose findings come from a copy
no longer in the store, and a summary that does not count the findings are failures, each named
with what repairs it.

With --file, an exported RDF file is checked instead, split into one unit per inspection. Exit 0
when everything conforms and the ontology is consistent; 1 otherwise (or when the file cannot be
read); 2 for a --graph that names no inspection, report or graph; 3 when the store or endpoint
cannot be reached. A progress bar (inspections done / total) is drawn on stderr when it is a terminal.
When many inspections are to be checked, SHACL runs in --jobs worker processes (ofsted_kg.shacl_pool)
while this process reads the next ones from the store.
"""

from __future__ import annotations

import argparse
import hashlib
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset, Graph, URIRef
from rdflib.util import guess_format

from ofsted_kg import iris
from ofsted_kg.backend import Backend
from ofsted_kg.commands import add_jobs_option
from ofsted_kg.errors import InputRejected, UsageError, ValidationFailed
from ofsted_kg.namespace import OKG
from ofsted_kg.option_types import count

log = logging.getLogger(__name__)

T = TypeVar("T")
GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
QUAD_FORMATS = frozenset({"trig", "nquads", "trix"})


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check every loaded inspection against the SHACL shapes, and the ontology's consistency",
        description="Validate each inspection of the store (its graph with the graphs of the copies of its "
        "report) against ontology/shapes.ttl (pySHACL), and check with HermiT that the ontology, with the "
        "shared graph of authorities and inspectors, is consistent (needs Java). Exit 1 when anything "
        "does not conform.",
    )
    parser.add_argument(
        "--graph",
        action="append",
        metavar="IRI",
        help="only this inspection: its IRI or its graph's, or a report's IRI or its graph's (repeatable)",
    )
    parser.add_argument(
        "--file",
        metavar="FILE",
        help="validate an exported RDF file (Turtle, TriG, N-Triples...) instead of the store",
    )
    parser.add_argument("--no-reasoner", action="store_true", help="skip the HermiT consistency check")
    parser.add_argument(
        "--all",
        action="store_true",
        help="check every unit, even those recorded as conforming and unchanged since (the record is "
        "validated.json in the store's folder)",
    )
    parser.add_argument(
        "--show",
        type=count,
        default=3,
        metavar="N",
        help="print the SHACL report of at most N failing graphs",
    )
    add_jobs_option(
        parser, "worker processes for SHACL when many inspections are checked (default: all cores)"
    )
    parser.set_defaults(func=run)


class _Checker:
    """SHACL on units, one at a time, counting what conforms and saying what does not."""

    def __init__(self, show: int) -> None:
        from ofsted_kg.validate import Validator

        self.validator = Validator.load()
        self.show = show
        self.failed: list[URIRef] = []
        self.seen: set[URIRef] = set()
        self.unchanged = 0  # units the record says conform, not checked again

    @property
    def checked(self) -> int:
        return len(self.seen)

    def skip(self, unit: URIRef) -> None:
        """A unit recorded as conforming and unchanged: counted, not checked."""
        self.seen.add(unit)
        self.unchanged += 1

    def check(
        self,
        unit: URIRef,
        data: Graph | bytes | str,
        names: Iterable[str] = (),
        verdict: tuple[bool, str] | None = None,
    ) -> bool:
        """SHACL on one unit's triples (or its `verdict`, when a worker process has checked them);
        a string instead is a failure found another way. A unit checked again (a summary that
        conforms to its shapes but not to the findings) counts once. True when it conforms."""
        self.seen.add(unit)
        if isinstance(data, str) or not len(data):
            _say(f"{unit}: {data if isinstance(data, str) and data else 'no such graph (or empty)'}")
            if unit not in self.failed:
                self.failed.append(unit)
            return False
        conforms, text = verdict if verdict is not None else self.validator.validate(data)
        if conforms:
            return True
        self.failed.append(unit)
        shown = sorted(names)
        if not shown and isinstance(data, Graph):
            shown = sorted(_file_names(data))
        name = f"{unit} ({', '.join(shown) or 'no file name'})"
        detail = f"\n{text}" if len(self.failed) <= self.show else ""
        _say(f"{name}: does not conform{detail}")
        return False


def run(args: argparse.Namespace) -> int:
    checker = _Checker(args.show)
    progress = not args.quiet
    if args.file:
        shared = _check_file(Path(args.file), checker.check, progress)

        def reason() -> bool:
            return True if args.no_reasoner else _reason(shared)

    else:
        reason = _check_store(args, checker, progress)
    checked, failed = checker.checked, checker.failed
    if not checked:
        log.warning("validate: no inspections to check (nothing ingested yet?)")
    unchanged = f" ({checker.unchanged} unchanged since they were last checked)" if checker.unchanged else ""
    print(f"SHACL: {checked - len(failed)} of {checked} inspections, copies and summaries conform{unchanged}")
    consistent = reason()
    problems = []
    if failed:
        problems.append(f"{len(failed)} of {checked} do not conform")
    if not consistent:
        problems.append("the ontology with the shared graph is not consistent")
    if problems:
        raise ValidationFailed("validate: " + "; ".join(problems))
    return 0


def graph_triples(backend: Backend, graph: URIRef) -> Graph:
    """One named graph's triples, fetched through the Backend interface."""
    out = Graph()
    for triple in backend.construct(GRAPH_TRIPLES, {"g": graph}):
        out.add(triple)
    return out


def _file_names(data: Graph) -> set[str]:
    return {str(name) for name in data.objects(None, OKG.fileName)} or {"no file name"}


def _say(message: str) -> None:
    """A line on stderr, above the progress bar if one is drawn (not through it)."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def _progress(items: Sequence[T], enabled: bool, what: str) -> Iterator[T]:
    """The items, with a bar (done / total) on stderr when it is a terminal."""
    if not enabled or not items or not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=len(items), unit="inspection", file=sys.stderr, desc=what, dynamic_ncols=True) as bar:
        for item in items:
            yield item
            bar.update(1)


def wanted_graphs(given: Sequence[str], known: dict[URIRef, URIRef]) -> set[URIRef]:
    """--graph values as the graphs of the units to check. `known` maps every inspection and
    report IRI, and every inspection and report graph IRI, to its unit's graph; what each value
    was taken to mean is said on stderr; UsageError for a value that is none of them."""
    out: set[URIRef] = set()
    for text in given:
        iri = URIRef(text.strip())
        unit = known.get(iri)
        if unit is None:
            raise UsageError(
                f"validate: --graph {text}: no inspection, report or graph with this IRI in the store"
            )
        if unit != iri:
            log.info("validate: %s belongs to the inspection in graph %s: checking that", text, unit)
        out.add(unit)
    return out


def _check_store(args: argparse.Namespace, checker: _Checker, progress: bool) -> Callable[[], bool]:
    """Validate the store's inspections and summaries (or the units asked for), each only if it
    changed since it was last found to conform (unless --all). Returns what runs HermiT on the
    shared graph likewise (True when the ontology with it is consistent, or was not checked)
    and then saves the record."""
    from ofsted_kg.connect import open_backend
    from ofsted_kg.ingest import ontology_ntriples
    from ofsted_kg.shacl_pool import verdicts
    from ofsted_kg.store import EmbeddedStore
    from ofsted_kg.summary import counts_of_graph, disagreement
    from ofsted_kg.validate import store_layout, unit_fingerprints, validation_rules
    from ofsted_kg.validation_record import ValidationRecord, fingerprint, warn_not_saved

    with open_backend(args, read_only=True) as backend:
        layout = store_layout(backend)
        units = list(layout.units)
        problems = [*layout.orphans, *layout.dangling]
        folder = backend.path if isinstance(backend, EmbeddedStore) else None
        ontology_version = ontology_ntriples()[1]
        record = ValidationRecord(folder, validation_rules())
        prints = unit_fingerprints(backend, layout)
        summaries: list[URIRef] = []
        if args.graph:
            known: dict[URIRef, URIRef] = {}
            for unit in units:
                inspection = iris.inspection_of_graph(unit.inspection_graph)
                for name in (unit.inspection_graph, inspection, *unit.report_graphs):
                    known[name] = unit.inspection_graph
                for graph in unit.report_graphs:
                    known[iris.report(graph.rsplit("/", 1)[-1])] = unit.inspection_graph
            for graph, _why in problems:
                known.setdefault(graph, graph)
            wanted = wanted_graphs(args.graph, known)
            units = [u for u in units if u.inspection_graph in wanted]
            problems = [(g, why) for g, why in problems if g in wanted]
        else:
            summaries = sorted(set(summary_graphs(backend)) | set(prints.summaries))

        def to_check() -> Iterator[tuple[URIRef, bytes]]:
            for unit in _progress(units, progress, "validate"):
                graph = unit.inspection_graph
                if not args.all and record.holds(str(graph), prints.inspections[graph]):
                    checker.skip(graph)
                    continue
                yield graph, b"".join(backend.graph_ntriples(g) for g in (graph, *unit.report_graphs))

        # SHACL in worker processes while this one reads the next units from the store.
        for graph, data, verdict in verdicts(to_check(), args.jobs):
            if checker.check(graph, data, prints.file_names.get(graph, ()), verdict):
                record.conforms(str(graph), prints.inspections[graph])
            else:
                record.forget([str(graph)])
        for graph in summaries:
            data = backend.graph_ntriples(graph)
            # The summary's own bytes and its authority's inspections: a recount compares them.
            print_ = fingerprint(hashlib.sha256(data).hexdigest(), prints.summaries.get(graph, []))
            if not args.all and record.holds(str(graph), print_):
                checker.skip(graph)
                continue
            why = disagreement(backend, iris.authority(graph.rsplit("/", 1)[-1]), counts_of_graph(data))
            if not data and why is None:
                continue  # an authority whose findings have no theme: no summary, rightly
            conforms = checker.check(graph, data) if data else True
            if why is not None:
                conforms = checker.check(graph, why)
            if conforms:
                record.conforms(str(graph), print_)
            else:
                record.forget([str(graph)])
        for graph, why in problems:
            checker.check(graph, why)
        if not args.graph:
            record.keep_only([*(str(u.inspection_graph) for u in units), *map(str, summaries), "hermit"])
        shared = b"" if args.no_reasoner else backend.graph_ntriples(iris.SHARED_GRAPH)

    def reason() -> bool:
        """HermiT on the ontology with the shared graph, unless recorded consistent unchanged."""
        consistent = True
        if not args.no_reasoner:
            print_ = fingerprint(ontology_version, hashlib.sha256(shared).hexdigest())
            if not args.all and record.holds("hermit", print_):
                print(
                    "HermiT: the ontology with the shared graph is consistent (unchanged since it was last checked)"
                )
            else:
                shared_graph = Graph()
                if shared:
                    shared_graph.parse(data=shared.decode("utf-8"), format="nt")
                consistent = _reason(shared_graph)
                if consistent:
                    record.conforms("hermit", print_)
        unsaved = record.save()
        if unsaved:
            warn_not_saved("validate", unsaved)
        return consistent

    return reason


def summary_graphs(backend: Backend) -> list[URIRef]:
    return sorted(g for g in backend.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX))


def _check_file(path: Path, check: Callable[[URIRef, Graph | str], bool], progress: bool) -> Graph:
    """Validate the inspections of an exported file, split per inspection; the rest for the reasoner."""
    from ofsted_kg.validate import split_inspections

    merged = Graph()
    try:
        fmt = guess_format(str(path)) or "turtle"
        if fmt in QUAD_FORMATS:
            dataset = Dataset()
            dataset.parse(path, format=fmt)
            for s, p, o, _g in dataset.quads((None, None, None, None)):
                merged.add((s, p, o))
        else:
            merged.parse(path, format=fmt)
    except (OSError, ValueError, SyntaxError) as exc:  # rdflib's parsers raise a variety
        raise InputRejected(
            f"validate: {path}: cannot read it as RDF ({' '.join(str(exc).split())[:200]})"
        ) from exc
    units, rest = split_inspections(merged)
    if not units:
        log.warning("validate: %s: holds no okg:Report", path)
    for graph in _progress(sorted(units), progress, "validate"):
        check(graph, units[graph])
    return rest


def _reason(shared: Graph) -> bool:
    from ofsted_kg.validate import ReasonerError, check_consistency

    try:
        consistent, message = check_consistency(shared)
    except ReasonerError as exc:
        consistent, message = False, str(exc)
    print(message)
    return consistent
