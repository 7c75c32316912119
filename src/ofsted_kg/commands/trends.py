"""`ofsted-kg trends [grades|themes|movers] [--by year|region] [--theme T]`: how grades and concerns move."""

from __future__ import annotations

import argparse

from ofsted_kg.tables import add_table_options

VIEWS = ("grades", "themes", "movers")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trends",
        help="grade distributions and the share of concerns per theme, by year or region; rising themes",
        description="grades: how many inspections gave each grade, per judgement area, in each year (or "
        "region). themes: concerns per theme in each year (or region) and their share of all concerns. "
        "movers: which themes take a growing or shrinking share of concerns year on year (least-squares slope "
        "in percentage points a year). The view is grades unless --theme is given. Rules: docs/answers.md.",
    )
    parser.add_argument("view", nargs="?", choices=VIEWS, help="grades (default), themes or movers")
    parser.add_argument(
        "--by", choices=("year", "region"), default="year", help="grades, themes: per year or region"
    )
    parser.add_argument(
        "--theme", metavar="THEME", help="themes, movers: only this theme (notation or label)"
    )
    parser.add_argument(
        "--type",
        default="ilacs_inspection",
        choices=("ilacs_inspection", "sif_inspection", "area_send_inspection"),
        help="grades: which inspections (default ilacs_inspection)",
    )
    add_table_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers import trends
    from ofsted_kg.answers.common import table
    from ofsted_kg.connect import open_backend
    from ofsted_kg.errors import UsageError
    from ofsted_kg.tables import write_table

    view = args.view or ("themes" if args.theme else "grades")
    if view == "grades" and args.theme:
        raise UsageError("--theme goes with the themes or movers view (ofsted-kg trends themes --theme T)")
    if view == "movers" and args.by != "year":
        raise UsageError("movers are year on year: --by region does not apply")
    with open_backend(args, must_exist=True) as backend:
        if view == "grades":
            rows: list = trends.grade_trends(backend, by=args.by, type=args.type)
            row_class: type = trends.GradeTrend
        elif view == "themes":
            rows = trends.theme_trends(backend, by=args.by, theme=args.theme)
            row_class = trends.ThemeTrend
        else:
            rows = trends.theme_movers(backend, theme=args.theme)
            row_class = trends.ThemeMove
    columns, values = table(rows, row_class, short=args.format == "table")
    write_table(args.format, columns, values, output=args.output, width=args.width, sheet=f"trends {view}")
    return 0
