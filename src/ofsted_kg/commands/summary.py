"""`ofsted-kg summary [--as-of DATE] [--region R]`: one row per authority, its latest grades and visits."""

from __future__ import annotations

import argparse

from ofsted_kg.tables import add_table_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "summary",
        help="every authority's latest ILACS grades and last visits, one row each",
        description="One row per authority (all 153, blank where the store holds nothing): the latest ILACS "
        "inspection with every judgement as graded, the lead inspector, publication date and link; the previous "
        "ILACS overall grade and the direction of travel; the last focused visit, monitoring visit, area SEND "
        "outcome and JTAI; and the statistical neighbours' latest overall grades. Rules: docs/answers.md.",
    )
    parser.add_argument(
        "--as-of",
        metavar="DATE",
        help="the picture on DATE (YYYY-MM-DD): only inspections published by then, or, where no publication "
        "date is known, whose visit had ended by then",
    )
    parser.add_argument("--region", metavar="REGION", help="only this region's authorities (e.g. London)")
    add_table_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers.common import parse_date, table
    from ofsted_kg.answers.summary import TABLE_COLUMNS, AuthoritySummary, latest_summary
    from ofsted_kg.connect import open_backend
    from ofsted_kg.resolver import resolve_region
    from ofsted_kg.tables import write_table

    # Bad options are usage errors (exit 2) before the store is opened.
    as_of = parse_date(args.as_of, "--as-of")
    region = resolve_region(args.region) if args.region is not None else None
    with open_backend(args, read_only=True) as backend:
        rows = latest_summary(backend, as_of=as_of, region=region)
    columns, values = table(rows, AuthoritySummary, short=args.format == "table")
    write_table(
        args.format,
        columns,
        values,
        output=args.output,
        width=args.width,
        table_columns=TABLE_COLUMNS,
        sheet="summary",
    )
    return 0
