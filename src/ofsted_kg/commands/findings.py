"""`ofsted-kg findings --authority X --kind K --theme T --since D --polarity P ...`: filter findings without SPARQL."""

from __future__ import annotations

import argparse

from ofsted_kg.tables import add_table_options


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "findings",
        help="findings filtered by authority, kind, theme, polarity, type, dates or words, with quote and page",
        description="The findings matching every filter given, newest first, each with its exact quote, page "
        "and links to the Ofsted report (and to the page). Findings the theme classifier left unthemed are not "
        "lost: add --include-unthemed (with --theme) and narrow them with --text. Rules: docs/answers.md.",
    )
    parser.add_argument(
        "--authority", "-a", metavar="NAME", help="a name, short form, GSS code, URN or LA number"
    )
    parser.add_argument(
        "--kind",
        metavar="KIND",
        help="headline, strength, area_for_improvement, area_for_priority_action, main_finding",
    )
    parser.add_argument(
        "--theme", metavar="THEME", help="a theme's notation or label (placement-sufficiency)"
    )
    parser.add_argument(
        "--include-unthemed",
        action="store_true",
        help="with --theme: also the findings that carry no theme at all",
    )
    parser.add_argument("--polarity", metavar="P", help="strength, concern, mixed or neutral")
    parser.add_argument(
        "--type", metavar="TYPE", help="focused_visit, monitoring_visit, ilacs_inspection, ..."
    )
    parser.add_argument(
        "--since", metavar="DATE", help="inspections whose last visit day is on or after DATE"
    )
    parser.add_argument(
        "--until", metavar="DATE", help="inspections whose last visit day is on or before DATE"
    )
    parser.add_argument(
        "--text",
        metavar="WORDS",
        help="words that must all be in the finding (any case; 'placement' finds 'placements')",
    )
    add_table_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers.common import parse_period, table
    from ofsted_kg.answers.findings import TABLE_COLUMNS, FindingRow, filter_findings
    from ofsted_kg.connect import open_backend
    from ofsted_kg.resolver import resolve_authority
    from ofsted_kg.tables import write_table

    # Bad names and dates are usage errors before the store is opened.
    if args.authority is not None:
        resolve_authority(args.authority)
    parse_period(args.since, args.until)
    with open_backend(args, read_only=True) as backend:
        rows = filter_findings(
            backend,
            authority=args.authority,
            kind=args.kind,
            theme=args.theme,
            include_unthemed=args.include_unthemed,
            polarity=args.polarity,
            type=args.type,
            since=args.since,
            until=args.until,
            text=args.text,
        )
    columns, values = table(rows, FindingRow)
    write_table(
        args.format,
        columns,
        values,
        output=args.output,
        width=args.width,
        table_columns=TABLE_COLUMNS,
        sheet="findings",
    )
    return 0
