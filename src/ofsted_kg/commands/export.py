"""`ofsted-kg export`: stream the store (or one graph) to a file or stdout."""

from __future__ import annotations

import argparse
import importlib
import sys
from contextlib import ExitStack
from pathlib import Path

from rdflib import URIRef

from ofsted_kg.backend import EXPORT_FORMATS, StoreError
from ofsted_kg.connect import open_backend

NETWORK_FORMATS = ("graphml", "gexf")
NETWORK_VIEWS = ("findings", "authorities", "inspectors")
_SUFFIXES = {
    ".ttl": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nq",
    ".jsonld": "jsonld",
    ".json": "jsonld",
    ".graphml": "graphml",
    ".gexf": "gexf",
}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "export",
        help="write the knowledge graph as RDF (or a network for Gephi)",
        description="Stream the store to a file (or stdout): RDF in Turtle, TriG, N-Triples, N-Quads or "
        "JSON-LD, or a network view as GraphML/GEXF.",
    )
    parser.add_argument(
        "--format",
        "-f",
        choices=(*EXPORT_FORMATS, *NETWORK_FORMATS),
        default=None,
        help="output format (default: from the -o file name, else turtle)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.add_argument("--graph", action="append", metavar="IRI", help="only this named graph (repeatable)")
    parser.add_argument(
        "--view",
        choices=NETWORK_VIEWS,
        default="findings",
        help="network view for graphml/gexf (default findings)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    fmt = (
        args.format or (_SUFFIXES.get(Path(args.output).suffix.lower()) if args.output else None) or "turtle"
    )
    graphs = [URIRef(g) for g in args.graph] if args.graph else None
    try:
        with open_backend(args, must_exist=True) as backend, ExitStack() as stack:
            if args.output:
                try:
                    out = stack.enter_context(open(args.output, "wb"))
                except OSError as exc:
                    print(f"ofsted-kg: {args.output}: {exc.strerror or exc}", file=sys.stderr)
                    return 2
            else:
                sys.stdout.flush()
                out = sys.stdout.buffer
            if fmt in NETWORK_FORMATS:
                network = importlib.import_module("ofsted_kg.analysis.network")
                network.export_network(backend, args.view, fmt, out)
            else:
                backend.export(out, fmt, graphs)
            out.flush()
    except StoreError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 3
    except ValueError as exc:
        print(f"ofsted-kg: export: {exc}", file=sys.stderr)
        return 2
    return 0
