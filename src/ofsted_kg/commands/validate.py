"""`ofsted-kg validate`: SHACL on every report graph of the store, and HermiT on the ontology.

Exit 0 when everything conforms and the ontology is consistent; 1 otherwise; 3 when the store or
endpoint cannot be reached.
"""

from __future__ import annotations

import argparse
import logging
import sys

from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS

from ofsted_kg import iris
from ofsted_kg.backend import Backend, StoreError

log = logging.getLogger(__name__)

GRAPH_TRIPLES = "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }"
EXIT_OK, EXIT_FAILURES, EXIT_STORE = 0, 1, 3


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "validate",
        help="check every loaded report against the SHACL shapes, and the ontology's consistency",
        description="Validate each report graph of the store against ontology/shapes.ttl (pySHACL), and "
        "check with HermiT that the ontology, with the shared graph of authorities and inspectors, is "
        "consistent (needs Java). Exit 1 when anything does not conform.",
    )
    parser.add_argument("--graph", action="append", metavar="IRI", help="only this report graph (repeatable)")
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
    from ofsted_kg.connect import open_backend
    from ofsted_kg.validate import ReasonerError, Validator, check_consistency

    try:
        with open_backend(args) as backend:
            graphs = [URIRef(g) for g in args.graph] if args.graph else report_graphs(backend)
            validator = Validator.load()
            failed: list[URIRef] = []
            for graph in graphs:
                data = graph_triples(backend, graph)
                if not len(data):
                    print(f"{graph}: no such graph (or empty)", file=sys.stderr)
                    failed.append(graph)
                    continue
                outcome = validator.run(data)
                if not outcome.conforms:
                    failed.append(graph)
                    name = f"{graph} ({', '.join(sorted(_source_names(data)))})"
                    if len(failed) <= args.show:
                        print(f"{name}: does not conform\n{outcome.text}", file=sys.stderr)
                    else:
                        print(f"{name}: does not conform", file=sys.stderr)
            shared = None if args.no_reasoner else graph_triples(backend, iris.SHARED_GRAPH)
    except StoreError as exc:
        print(f"ofsted-kg validate: {exc}", file=sys.stderr)
        return EXIT_STORE
    ok = not failed
    print(f"SHACL: {len(graphs) - len(failed)} of {len(graphs)} report graphs conform")
    if shared is not None:
        try:
            consistent, message = check_consistency(shared)
        except ReasonerError as exc:
            consistent, message = False, str(exc)
        print(message)
        ok = ok and consistent
    return EXIT_OK if ok else EXIT_FAILURES
