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
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from rdflib import Dataset, Graph, URIRef
from rdflib.util import guess_format

from ofsted_kg import iris
from ofsted_kg.backend import Backend
from ofsted_kg.errors import InputRejected, UsageError, ValidationFailed
from ofsted_kg.namespace import OKG

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
        "--show", type=int, default=3, metavar="N", help="print the SHACL report of at most N failing graphs"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.validate import Validator

    validator = Validator.load()
    failed: list[URIRef] = []
    seen: set[URIRef] = set()
    checked = 0

    def check(graph: URIRef, data: Graph | str) -> None:
        """SHACL on one graph's triples; a string instead is a failure found another way. A graph
        checked again (a summary that conforms to its shapes but not to the findings) counts once."""
        nonlocal checked
        if graph not in seen:
            checked += 1
            seen.add(graph)
        if isinstance(data, str) or not len(data):
            _say(f"{graph}: {data or 'no such graph (or empty)'}")
            if graph not in failed:
                failed.append(graph)
            return
        outcome = validator.run(data)
        if outcome.conforms:
            return
        failed.append(graph)
        name = f"{graph} ({', '.join(sorted(_file_names(data)))})"
        detail = f"\n{outcome.text}" if len(failed) <= args.show else ""
        _say(f"{name}: does not conform{detail}")

    progress = not args.quiet
    if args.file:
        shared = _check_file(Path(args.file), check, progress)
    else:
        shared = _check_store(args, check, progress)
    if not checked:
        log.warning("validate: no inspections to check (nothing ingested yet?)")
    print(f"SHACL: {checked - len(failed)} of {checked} inspections, copies and summaries conform")
    consistent = True if args.no_reasoner else _reason(shared)
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


def _check_store(
    args: argparse.Namespace, check: Callable[[URIRef, Graph | str], None], progress: bool
) -> Graph:
    """Validate the store's inspections (or those asked for); the shared graph for the reasoner."""
    from ofsted_kg.connect import open_backend
    from ofsted_kg.validate import store_layout

    with open_backend(args, read_only=True) as backend:
        layout = store_layout(backend)
        units = list(layout.units)
        problems = [*layout.orphans, *layout.dangling]
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
            from ofsted_kg.summary import disagreements

            for graph in summary_graphs(backend):
                check(graph, graph_triples(backend, graph))
            problems += disagreements(backend)
        for unit in _progress(units, progress, "validate"):
            data = Graph()
            for graph in (unit.inspection_graph, *unit.report_graphs):
                data += graph_triples(backend, graph)
            check(unit.inspection_graph, data)
        for graph, why in problems:
            check(graph, why)
        return Graph() if args.no_reasoner else graph_triples(backend, iris.SHARED_GRAPH)


def summary_graphs(backend: Backend) -> list[URIRef]:
    return sorted(g for g in backend.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX))


def _check_file(path: Path, check: Callable[[URIRef, Graph | str], None], progress: bool) -> Graph:
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
