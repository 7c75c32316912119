"""`ofsted-kg related`: the findings related to one finding, or to an authority's findings."""

from __future__ import annotations

import argparse
import sys

from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.analysis.related import (
    DEFAULT_PER_FINDING,
    DEFAULT_THRESHOLD,
    recompute_related,
    related_from_store,
)
from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.namespace import OKG
from ofsted_kg.option_types import positive_int
from ofsted_kg.rdf_io import is_absolute_iri, nt_term
from ofsted_kg.resolver import authority_iri
from ofsted_kg.tables import add_table_options, write_table

IS_FINDING = f"ASK {{ ?finding a {nt_term(OKG.Finding)} }}"
COLUMNS = [
    "finding",
    "similarity",
    "shared_themes",
    "authority",
    "date",
    "page",
    "quote",
    "related",
    "report",
]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "related",
        help="findings related to a finding or to an authority's findings (shared theme, similar words)",
        description="List related findings: findings of other reports that share a theme and whose texts are "
        "similar (TF-IDF cosine). Links are computed once over the whole store and kept in the "
        "analysis/related named graph; --recompute rebuilds them (after loading more documents).",
    )
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--finding", metavar="IRI", help="a finding's IRI")
    target.add_argument("--authority", metavar="NAME", help="an authority's name, e.g. Peterborough")
    parser.add_argument(
        "--theme", metavar="THEME", help="only links sharing this theme (notation, e.g. care-leavers)"
    )
    add_table_options(parser)
    parser.add_argument("--recompute", action="store_true", help="recompute every link before answering")
    parser.add_argument(
        "--threshold",
        type=float,
        default=DEFAULT_THRESHOLD,
        help=f"minimum TF-IDF cosine for a link when (re)computing (default {DEFAULT_THRESHOLD})",
    )
    parser.add_argument(
        "--per-finding",
        type=positive_int,
        default=DEFAULT_PER_FINDING,
        help=f"most links kept per finding when (re)computing (default {DEFAULT_PER_FINDING})",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    if not 0.0 < args.threshold <= 1.0:
        raise UsageError(f"related: --threshold must be in (0, 1], not {args.threshold}")
    if args.finding and not is_absolute_iri(args.finding):
        raise UsageError(f"related: --finding {args.finding!r} is not an absolute IRI")
    finding = URIRef(args.finding) if args.finding else None
    authority = authority_iri(args.authority) if args.authority else None
    with open_backend(args, read_only=True) as backend:
        if finding is not None and not backend.ask(IS_FINDING, {"finding": finding}):
            # The same rule as an unknown --authority: a typo is a usage error, not "no rows".
            raise UsageError(f"related: --finding {finding}: no finding with this IRI in the store")
        compute = args.recompute or not backend.has_graph(iris.RELATED_GRAPH)
        rows = [] if compute else related_from_store(backend, finding=finding, authority=authority)
    if compute:
        # Only computing the links writes: the store is opened for writing just for that.
        with open_backend(args) as backend:
            links = recompute_related(backend, args.threshold, args.per_finding)
            if not args.quiet:
                print(f"computed {len(links)} related-finding links", file=sys.stderr)
            rows = related_from_store(backend, finding=finding, authority=authority)
    if args.theme:
        rows = [r for r in rows if args.theme in r.shared_themes]
    table = [
        [
            r.finding,
            round(r.similarity, 3),
            " ".join(r.shared_themes),
            r.other_authority,
            r.other_date,
            r.other_page,
            r.other_quote,
            r.other,
            r.other_report,
        ]
        for r in rows
    ]
    write_table(args.format, COLUMNS, table, output=args.output, width=args.width)
    return 0
