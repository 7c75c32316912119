"""`ofsted-kg trends [grades|themes|movers|focus] [--by year|region] [--theme T]`: how grades,
concerns and the focus of visits move."""

from __future__ import annotations

import argparse

from ofsted_kg.tables import add_table_options

VIEWS = ("grades", "themes", "movers", "focus")
# Options that narrow the focus view only (name -> how a person writes it).
FOCUS_FILTERS = {"authority": "--authority", "region": "--region", "since": "--since", "until": "--until"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "trends",
        help="grade distributions, concerns per theme and visits per focus area, by year or region; "
        "rising themes",
        description="grades: how many inspections gave each grade, per judgement area, in each year (or "
        "region). themes: concerns per theme in each year (or region) and their share of all concerns. "
        "movers: which themes take a growing or shrinking share of concerns year on year (least-squares slope "
        "in percentage points a year). focus: focused and monitoring visits counted by the framework area "
        "they looked at (front door, children in care, care leavers...), each visit once per area. The view is "
        "grades unless --theme is given. Rules: docs/answers.md.",
    )
    parser.add_argument("view", nargs="?", choices=VIEWS, help="grades (default), themes, movers or focus")
    parser.add_argument(
        "--by", choices=("year", "region"), default="year", help="grades, themes, focus: per year or region"
    )
    parser.add_argument(
        "--theme", metavar="THEME", help="themes, movers: only this theme (notation or label)"
    )
    parser.add_argument(
        "--type",
        choices=(
            "ilacs_inspection",
            "sif_inspection",
            "area_send_inspection",
            "focused_visit",
            "monitoring_visit",
        ),
        help="grades: which inspections (default ilacs_inspection); focus: focused_visit or monitoring_visit "
        "(default both)",
    )
    parser.add_argument(
        "--authority", "-a", metavar="NAME", help="focus: only this authority's visits (any name form)"
    )
    parser.add_argument("--region", metavar="REGION", help="focus: only this region's visits")
    parser.add_argument("--since", metavar="DATE", help="focus: visits ending on or after this day")
    parser.add_argument("--until", metavar="DATE", help="focus: visits ending on or before this day")
    add_table_options(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers import trends
    from ofsted_kg.answers.common import parse_period, table
    from ofsted_kg.connect import open_backend
    from ofsted_kg.errors import UsageError
    from ofsted_kg.tables import write_table

    view = args.view or ("themes" if args.theme else "grades")
    if view in ("grades", "focus") and args.theme:
        raise UsageError("--theme goes with the themes or movers view (ofsted-kg trends themes --theme T)")
    if view == "movers" and args.by != "year":
        raise UsageError("movers are year on year: --by region does not apply")
    if view in ("themes", "movers") and args.type:
        raise UsageError(f"--type does not apply to the {view} view (it goes with grades and focus)")
    given = [option for name, option in FOCUS_FILTERS.items() if getattr(args, name) is not None]
    if view != "focus" and given:
        raise UsageError(
            f"{', '.join(given)}: only the focus view is narrowed so (ofsted-kg trends focus ...)"
        )
    if view == "grades" and args.type not in (None, *trends.GRADED_TYPES):
        raise UsageError(f"--type {args.type}: grades are of {', '.join(trends.GRADED_TYPES)}")
    if view == "focus" and args.type not in (None, *trends.VISIT_TYPES):
        raise UsageError(f"--type {args.type}: visits by focus are of {' or '.join(trends.VISIT_TYPES)}")
    if view == "focus":
        from ofsted_kg.resolver import resolve_authority

        if args.authority is not None:  # an unknown name is a usage error before the store is opened
            resolve_authority(args.authority)
        parse_period(args.since, args.until)
    with open_backend(args, read_only=True) as backend:
        if view == "grades":
            rows: list = trends.grade_trends(backend, by=args.by, type=args.type or "ilacs_inspection")
            row_class: type = trends.GradeTrend
        elif view == "themes":
            rows = trends.theme_trends(backend, by=args.by, theme=args.theme)
            row_class = trends.ThemeTrend
        elif view == "movers":
            rows = trends.theme_movers(backend, theme=args.theme)
            row_class = trends.ThemeMove
        else:
            rows = trends.visits_by_focus(
                backend,
                by=args.by,
                authority=args.authority,
                region=args.region,
                type=args.type,
                since=args.since,
                until=args.until,
            )
            row_class = trends.FocusCount
    columns, values = table(rows, row_class, short=args.format == "table")
    write_table(args.format, columns, values, output=args.output, width=args.width, sheet=f"trends {view}")
    return 0
