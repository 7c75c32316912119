"""`ofsted-kg queries`: the named queries shipped with ofsted-kg, with their parameters."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.named_queries import NamedQuery, named_queries
from ofsted_kg.tables import add_table_options, write_table


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "queries",
        help="list the named queries and their parameters",
        description="List the named queries (run one with `ofsted-kg query NAME --param k=v`).",
    )
    add_table_options(parser)
    parser.set_defaults(func=run)


def _params(query: NamedQuery) -> str:
    return ", ".join(f"{p.name}:{p.type}{'' if p.optional else '!'}" for p in query.params)


def run(args: argparse.Namespace) -> int:
    fmt = args.format or "table"
    rows = [(q.name, _params(q), q.description) for q in named_queries().values()]
    write_table(fmt, ["name", "parameters", "description"], rows, output=args.output, width=args.width)
    if fmt == "table" and not args.quiet:
        print("(a parameter marked ! is required)", file=sys.stderr)
    return 0
