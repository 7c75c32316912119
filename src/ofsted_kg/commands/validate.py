"""`ofsted-kg validate`: SHACL on every report graph of the store, and HermiT on the ontology.

Each authority summary graph is checked too, against its shapes and against the reports in the
store (a summary that does not count exactly those is out of date: a failure).

With --file, an exported RDF file is checked instead, split into one graph per report. Exit 0
when everything conforms and the ontology is consistent; 1 otherwise (or when the file cannot be
read); 2 for a --graph that names no graph or report; 3 when the store or endpoint cannot be
reached. A progress bar (graphs done / total) is drawn on stderr when it is a terminal.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import DCTERMS
from rdflib.util import guess_format

from ofsted_kg import iris
from ofsted_kg.backend import Backend
from ofsted_kg.errors import InputRejected, UsageError, ValidationFailed
from ofsted_kg.namespace import OKG
from ofsted_kg.rdf_io import nt_term

log = logging.getLogger(__name__)

GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
REPORT_GRAPHS = f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?report a {nt_term(OKG.Report)} }} }}"
QUAD_FORMATS = frozenset({"trig", "nquads", "trix"})


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check every loaded report against the SHACL shapes, and the ontology's consistency",
        description="Validate each report graph of the store against ontology/shapes.ttl (pySHACL), and "
        "check with HermiT that the ontology, with the shared graph of authorities and inspectors, is "
        "consistent (needs Java). Exit 1 when anything does not conform.",
    )
    parser.add_argument(
        "--graph",
        action="append",
        metavar="IRI",
        help="only this report: its graph's IRI or the report's own (repeatable)",
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


def _source_names(data: Graph) -> set[str]:
    return {str(name) for name in data.objects(None, DCTERMS.source)} or {"no source"}


def report_graphs(backend: Backend) -> list[URIRef]:
    return sorted(g for g in backend.graphs() if str(g).startswith(iris.REPORT_GRAPH_PREFIX))


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.validate import Validator

    validator = Validator.load()
    failed: list[URIRef] = []
    checked = 0

    def check(graph: URIRef, data: Graph | str) -> None:
        """SHACL on one graph's triples; a string instead is a failure found another way."""
        nonlocal checked
        checked += 1
        if isinstance(data, str) or not len(data):
            _say(f"{graph}: {data or 'empty graph'}")
            failed.append(graph)
            return
        outcome = validator.run(data)
        if outcome.conforms:
            return
        failed.append(graph)
        name = f"{graph} ({', '.join(sorted(_source_names(data)))})"
        detail = f"\n{outcome.text}" if len(failed) <= args.show else ""
        _say(f"{name}: does not conform{detail}")

    progress = not args.quiet
    if args.file:
        shared = _check_file(Path(args.file), check, progress)
    else:
        shared = _check_store(args, check, progress)
    if not checked:
        log.warning("validate: no report graphs to check (nothing ingested yet?)")
    print(f"SHACL: {checked - len(failed)} of {checked} report and summary graphs conform")
    consistent = True if args.no_reasoner else _reason(shared)
    problems = []
    if failed:
        problems.append(f"{len(failed)} of {checked} graphs do not conform")
    if not consistent:
        problems.append("the ontology with the shared graph is not consistent")
    if problems:
        raise ValidationFailed("validate: " + "; ".join(problems))
    return 0


def _say(message: str) -> None:
    """A line on stderr, above the progress bar if one is drawn (not through it)."""
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr)


def _progress(items: Sequence[URIRef], enabled: bool, what: str) -> Iterator[URIRef]:
    """The items, with a bar (documents done / total) on stderr when it is a terminal."""
    if not enabled or not items or not sys.stderr.isatty():
        yield from items
        return
    from tqdm import tqdm

    with tqdm(total=len(items), unit="graph", file=sys.stderr, desc=what, dynamic_ncols=True) as bar:
        for item in items:
            yield item
            bar.update(1)


def resolve_graphs(backend: Backend, given: Sequence[str]) -> list[URIRef]:
    """--graph values as named graphs: a graph IRI as it is, a report's IRI as the graph holding
    it (said on stderr); UsageError for an IRI that is neither."""
    present = set(backend.graphs())
    out: list[URIRef] = []
    for text in given:
        iri = URIRef(text)
        if iri in present:
            out.append(iri)
            continue
        holders = [row["g"] for row in backend.select(REPORT_GRAPHS, {"report": iri}).rows]
        graphs = sorted(g for g in holders if isinstance(g, URIRef))
        if not graphs:
            raise UsageError(f"validate: --graph {text}: no graph and no report with this IRI in the store")
        for graph in graphs:
            log.info("validate: %s is a report; checking its graph %s", text, graph)
            out.append(graph)
    return out


def _check_store(
    args: argparse.Namespace, check: Callable[[URIRef, Graph | str], None], progress: bool
) -> Graph:
    """Validate the store's report graphs (or those asked for); the shared graph for the reasoner."""
    from ofsted_kg.connect import open_backend

    with open_backend(args, read_only=True) as backend:
        graphs = resolve_graphs(backend, args.graph) if args.graph else report_graphs(backend)
        if not args.graph:
            graphs += summary_graphs(backend)
        for graph in _progress(graphs, progress, "validate"):
            check(graph, graph_triples(backend, graph))
        if not args.graph:
            _check_summaries_current(backend, check)
        return Graph() if args.no_reasoner else graph_triples(backend, iris.SHARED_GRAPH)


def summary_graphs(backend: Backend) -> list[URIRef]:
    return sorted(g for g in backend.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX))


def _check_summaries_current(backend: Backend, check: Callable[[URIRef, Graph | str], None]) -> None:
    """An authority summary that does not count exactly the reports in the store (an interrupted
    ingest) makes the summary-reading queries wrong: a failure, repaired by `ofsted-kg ingest`."""
    from ofsted_kg.summary import coverage

    for authority in coverage(backend).out_of_date():
        check(
            iris.summary_graph(authority),
            "out of date (it does not count exactly the reports in the store on this authority); "
            "run `ofsted-kg ingest` to recount it",
        )


def _check_file(path: Path, check: Callable[[URIRef, Graph | str], None], progress: bool) -> Graph:
    """Validate the reports of an exported file, split per report; the rest for the reasoner."""
    from ofsted_kg.validate import split_reports

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
    reports, rest = split_reports(merged)
    if not reports:
        log.warning("validate: %s: holds no okg:Report", path)
    for graph in _progress(sorted(reports), progress, "validate"):
        check(graph, reports[graph])
    return rest


def _reason(shared: Graph) -> bool:
    from ofsted_kg.validate import ReasonerError, check_consistency

    try:
        consistent, message = check_consistency(shared)
    except ReasonerError as exc:
        consistent, message = False, str(exc)
    print(message)
    return consistent
