"""`ofsted-kg history --authority X`: every inspection and visit of one authority, oldest first."""

from __future__ import annotations

import argparse

from ofsted_kg.tables import add_table_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "history",
        help="every inspection and visit of one authority in date order, with grade changes",
        description="Every inspection, visit and review of one authority, oldest first: type, dates, lead "
        "inspector, every judgement as graded and what changed since the previous graded inspection, and the "
        "strengths and concerns found, counted per theme. Rules: docs/answers.md.",
    )
    parser.add_argument(
        "--authority",
        "-a",
        required=True,
        metavar="NAME",
        help="a name in any case or short form (Hull, Southend), GSS code, Ofsted URN or LA number",
    )
    add_table_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers.common import table
    from ofsted_kg.answers.history import TABLE_COLUMNS, HistoryEntry, authority_history
    from ofsted_kg.connect import open_backend
    from ofsted_kg.resolver import resolve_authority
    from ofsted_kg.tables import write_table

    resolve_authority(args.authority)  # an unknown name is a usage error before the store is opened
    with open_backend(args, read_only=True) as backend:
        rows = authority_history(backend, args.authority)
    columns, values = table(rows, HistoryEntry, short=args.format == "table")
    write_table(
        args.format,
        columns,
        values,
        output=args.output,
        width=args.width,
        table_columns=TABLE_COLUMNS,
        sheet="history",
    )
    return 0
