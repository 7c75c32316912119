"""`ofsted-kg export`: stream the store (or one graph) to a file or stdout."""

from __future__ import annotations

import argparse
import importlib
import sys
from contextlib import ExitStack
from typing import IO

from rdflib import URIRef

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.output_file import output_file
from ofsted_kg.rdf_io import RDF_FORMATS, SUFFIXES, format_for_suffix, is_absolute_iri

NETWORK_FORMATS = ("graphml", "gexf")

NETWORK_VIEWS = ("findings", "authorities", "inspectors")
_SUFFIXES = {**SUFFIXES, ".graphml": "graphml", ".gexf": "gexf"}


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
        choices=(*RDF_FORMATS, *NETWORK_FORMATS),
        default=None,
        help="output format (default: from the -o file's suffix, else turtle)",
    )
    parser.add_argument("-o", "--output", metavar="FILE", help="write here instead of stdout")
    parser.add_argument(
        "--graph", action="append", metavar="IRI", help="RDF formats: only this named graph (repeatable)"
    )
    parser.add_argument(
        "--view",
        choices=NETWORK_VIEWS,
        default=None,
        help="graphml/gexf: which network (default findings)",
    )
    parser.set_defaults(func=run)


def export_format(args: argparse.Namespace) -> str:
    """The format asked for, checked against the options that only apply to some formats."""
    if args.format:
        fmt = args.format
    elif args.output:
        fmt = format_for_suffix(args.output, _SUFFIXES)
    else:
        fmt = "turtle"
    if fmt in NETWORK_FORMATS and args.graph:
        raise UsageError(f"export: --graph selects RDF graphs; it does not apply to {fmt} (use --view)")
    if fmt not in NETWORK_FORMATS and args.view:
        raise UsageError(
            f"export: --view chooses a network for graphml or gexf; it does not apply to {fmt} "
            "(add --format graphml or --format gexf)"
        )
    return fmt


def run(args: argparse.Namespace) -> int:
    fmt = export_format(args)
    for given in args.graph or ():
        if not is_absolute_iri(given):
            raise UsageError(f"export: --graph {given!r} is not an absolute IRI (a graph's name)")
    graphs = [URIRef(g) for g in args.graph] if args.graph else None
    with open_backend(args, read_only=True) as backend, ExitStack() as stack:
        if graphs:
            # A mistyped graph name would otherwise export nothing, successfully.
            present = set(backend.graphs())
            if missing := [g for g in graphs if g not in present]:
                raise UsageError(
                    f"export: no graph {missing[0].n3()} in the store (`ofsted-kg query --sparql "
                    "'SELECT DISTINCT ?g WHERE { GRAPH ?g {} }'` lists them)"
                )
        out: IO[bytes]
        if args.output:
            out = stack.enter_context(output_file(args.output, "wb"))
        else:
            sys.stdout.flush()
            out = sys.stdout.buffer
        if fmt in NETWORK_FORMATS:
            network = importlib.import_module("ofsted_kg.analysis.network")
            network.export_network(backend, args.view or "findings", fmt, out)
        else:
            backend.export(out, fmt, graphs)
        out.flush()
    return 0
