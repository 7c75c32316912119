"""`ofsted-kg validate`: SHACL on every inspection of the store, and HermiT on the ontology.

Each inspection is checked with the copies of its report (its inspection graph and their report
graphs together), and each authority summary against its shapes and against counting the findings
in the store. A copy whose inspection has no graph, an inspection whose findings come from a copy
no longer in the store, and a summary that does not count the findings are failures, each named
with what repairs it.

With --file, an exported RDF file is checked instead, split into one unit per inspection. Exit 0
when everything conforms and the ontology is consistent; 1 otherwise (or when the file cannot be
read); 3 when the store or endpoint cannot be reached.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.util import guess_format

from ofsted_kg import iris
from ofsted_kg.backend import Backend, StoreError
from ofsted_kg.namespace import OKG

log = logging.getLogger(__name__)

GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
EXIT_OK, EXIT_FAILURES, EXIT_STORE = 0, 1, 3
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
        help="only the inspection of this inspection or report graph (repeatable)",
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


def graph_triples(backend: Backend, graph: URIRef) -> Graph:
    """One named graph's triples, fetched through the Backend interface."""
    out = Graph()
    for triple in backend.construct(GRAPH_TRIPLES, {"g": graph}):
        out.add(triple)
    return out


def _file_names(data: Graph) -> set[str]:
    return {str(name) for name in data.objects(None, OKG.fileName)} or {"no file name"}


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
            print(f"{graph}: {data or 'no such graph (or empty)'}", file=sys.stderr)
            if graph not in failed:
                failed.append(graph)
            return
        outcome = validator.run(data)
        if outcome.conforms:
            return
        failed.append(graph)
        name = f"{graph} ({', '.join(sorted(_file_names(data)))})"
        detail = f"\n{outcome.text}" if len(failed) <= args.show else ""
        print(f"{name}: does not conform{detail}", file=sys.stderr)

    if args.file:
        shared = _check_file(Path(args.file), check)
        if shared is None:
            return EXIT_FAILURES
    else:
        try:
            shared = _check_store(args, check)
        except StoreError as exc:
            print(f"ofsted-kg validate: {exc}", file=sys.stderr)
            return EXIT_STORE
    if not checked:
        print("ofsted-kg validate: no inspections to check (nothing ingested yet?)", file=sys.stderr)
    print(f"SHACL: {checked - len(failed)} of {checked} inspections, copies and summaries conform")
    ok = not failed
    if not args.no_reasoner:
        ok = _reason(shared) and ok
    return EXIT_OK if ok else EXIT_FAILURES


def _check_store(args: argparse.Namespace, check: Callable[[URIRef, Graph | str], None]) -> Graph:
    """Validate the store's inspections (or those asked for); the shared graph for the reasoner."""
    from ofsted_kg.connect import open_backend
    from ofsted_kg.validate import store_layout

    with open_backend(args) as backend:
        layout = store_layout(backend)
        units = list(layout.units)
        problems = [*layout.orphans, *layout.dangling]
        if args.graph:
            wanted = {URIRef(g) for g in args.graph}
            units = [u for u in units if wanted & {u.inspection_graph, *u.report_graphs}]
            problems = [(g, why) for g, why in problems if g in wanted]
            known = {g for u in units for g in (u.inspection_graph, *u.report_graphs)} | {
                g for g, _ in problems
            }
            for graph in sorted(wanted - known):
                check(graph, "no such inspection or report graph")
        else:
            from ofsted_kg.summary import disagreements

            for graph in summary_graphs(backend):
                check(graph, graph_triples(backend, graph))
            problems += disagreements(backend)
        for unit in units:
            data = Graph()
            for graph in (unit.inspection_graph, *unit.report_graphs):
                data += graph_triples(backend, graph)
            check(unit.inspection_graph, data)
        for graph, why in problems:
            check(graph, why)
        return Graph() if args.no_reasoner else graph_triples(backend, iris.SHARED_GRAPH)


def summary_graphs(backend: Backend) -> list[URIRef]:
    return sorted(g for g in backend.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX))


def _check_file(path: Path, check: Callable[[URIRef, Graph], None]) -> Graph | None:
    """Validate the reports of an exported file, split per report; None if it cannot be read."""
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
        print(
            f"ofsted-kg validate: {path}: cannot read it as RDF ({' '.join(str(exc).split())[:200]})",
            file=sys.stderr,
        )
        return None
    units, rest = split_inspections(merged)
    if not units:
        print(f"ofsted-kg validate: {path}: holds no okg:Report", file=sys.stderr)
    for graph, data in sorted(units.items()):
        check(graph, data)
    return rest


def _reason(shared: Graph) -> bool:
    from ofsted_kg.validate import ReasonerError, check_consistency

    try:
        consistent, message = check_consistency(shared)
    except ReasonerError as exc:
        consistent, message = False, str(exc)
    print(message)
    return consistent
