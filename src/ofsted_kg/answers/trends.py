"""`trends`: grade distributions per year or region, the share of concerns per theme per year or
region, which themes rise or fall, and visits counted by the area they focused on.

Rows come from the named queries `select_grade_trends`, `select_theme_trends` and
`select_visits_by_focus`; the rise and fall of themes is computed here from the yearly shares
(`theme_movers`; the rule is in its docstring and docs/answers.md).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from ..backend import Backend
from ..errors import UsageError
from ..resolver import resolve_authority, resolve_region
from .common import as_int, grade_label, parse_period, select
from .findings import resolve_theme

BY = ("year", "region")
GRADED_TYPES = ("ilacs_inspection", "sif_inspection", "area_send_inspection")
VISIT_TYPES = ("focused_visit", "monitoring_visit")  # the visits whose letters state a focus
# A year counts towards a theme's trend only if inspectors raised at least this many concerns in
# it nationally: a year of two inspections says little about shares.
MIN_CONCERNS_PER_YEAR = 20
MIN_YEARS = 3
STEADY_PP_PER_YEAR = 0.5  # |slope| below this many percentage points a year: steady


@dataclass(frozen=True)
class GradeTrend:
    period: str  # a year ("2023") or a region
    type: str
    area: str  # judgement area notation, e.g. overall_effectiveness
    grade: str  # as printed
    inspections: int
    graded: int  # inspections of this period, type and area that were graded on it
    share: float  # inspections / graded


@dataclass(frozen=True)
class ThemeTrend:
    period: str
    theme: str
    concerns: int  # concerns about the theme
    period_concerns: int  # every concern of the period, themed or not
    share: float  # concerns / period_concerns


@dataclass(frozen=True)
class ThemeMove:
    theme: str
    direction: str  # rising, falling or steady
    slope_pp_per_year: float  # least-squares slope of the yearly share, in percentage points a year
    first_year: int
    last_year: int
    years: int  # years counted (each with at least MIN_CONCERNS_PER_YEAR concerns nationally)
    first_share: float
    last_share: float
    concerns: int  # concerns about the theme in the years counted


@dataclass(frozen=True)
class FocusCount:
    period: str  # a year ("2023"), a region, or "no date" for a letter printing no visit dates
    type: str  # focused_visit or monitoring_visit
    focus: str  # okg:VisitFocusScheme notation, e.g. front-door
    visits: int  # visits of this period and type coded to the area, each once
    focus_label: str  # the area's skos:prefLabel, e.g. "the front door"


def grade_trends(
    backend: Backend,
    *,
    by: str = "year",
    type: str = "ilacs_inspection",
    area: str | None = None,  # noqa: A002
) -> list[GradeTrend]:
    """Inspections per grade, judgement area and year (or region), with each grade's share."""
    by = _by(by)
    if type not in GRADED_TYPES:
        raise UsageError(f"--type: {type!r} is not graded; choose from {', '.join(GRADED_TYPES)}")
    rows = select(backend, "select_grade_trends", {"by": by, "type": type})
    return [
        GradeTrend(
            period=str(row["period"]),
            type=row["type"],
            area=row["area"],
            grade=grade_label(row["grade"]) or "",
            inspections=as_int(row["inspections"]) or 0,
            graded=as_int(row["graded"]) or 0,
            share=round(float(row["share"]), 4),
        )
        for row in rows
        if area is None or row["area"] == area
    ]


def theme_trends(backend: Backend, *, by: str = "year", theme: str | None = None) -> list[ThemeTrend]:
    """Concerns per theme and year (or region), with the share of the period's concerns (a
    concern with several themes counts for each; the period's count counts every concern once)."""
    params: dict[str, object] = {"by": _by(by)}
    if theme is not None:
        params["theme"] = resolve_theme(theme)
    return [
        ThemeTrend(
            period=str(row["period"]),
            theme=row["theme"],
            concerns=as_int(row["concerns"]) or 0,
            period_concerns=as_int(row["period_concerns"]) or 0,
            share=round(float(row["share_of_concerns"]), 4),
        )
        for row in select(backend, "select_theme_trends", params)
    ]


def visits_by_focus(
    backend: Backend,
    *,
    by: str = "year",
    authority: str | None = None,
    region: str | None = None,
    type: str | None = None,  # noqa: A002
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
) -> list[FocusCount]:
    """Focused and monitoring visits per focus area and year (or region), each visit counted once
    per area its letter's focus is coded to, however many copies of the letter are loaded.
    `authority` takes any form the resolver does; `region` any case or a unique first word."""
    params: dict[str, object] = {"by": _by(by)}
    if authority is not None:
        params["authority"] = resolve_authority(authority).gss_code
    if region is not None:
        params["region"] = resolve_region(region)
    if type is not None:
        if type not in VISIT_TYPES:
            raise UsageError(f"--type: {type!r}: visits by focus are of {' or '.join(VISIT_TYPES)}")
        params["type"] = type
    for name, date in zip(("since", "until"), parse_period(since, until), strict=True):
        if date is not None:
            params[name] = date
    return [
        FocusCount(
            period=str(row["period"]),
            type=row["type"],
            focus=row["focus"],
            visits=as_int(row["visits"]) or 0,
            focus_label=row["focus_label"],
        )
        for row in select(backend, "select_visits_by_focus", params)
    ]


def theme_movers(backend: Backend, *, theme: str | None = None) -> list[ThemeMove]:
    """Which themes take a growing or shrinking share of inspectors' concerns, year on year.

    For each theme: its share of each year's concerns (0 in a year with concerns but none about
    it), over the years with at least MIN_CONCERNS_PER_YEAR concerns nationally; the least-squares
    slope of that share against the year, in percentage points a year. Rising if the slope is at
    least STEADY_PP_PER_YEAR, falling if at most minus that, steady between; a theme needs
    MIN_YEARS such years to be judged at all. Sorted from the steepest rise to the steepest fall."""
    # Every theme's rows, even for one theme: the years it has no concern in count as 0.
    moves = moves_from(theme_trends(backend, by="year"))
    if theme is None:
        return moves
    wanted = resolve_theme(theme)
    return [move for move in moves if move.theme == wanted]


def moves_from(rows: list[ThemeTrend]) -> list[ThemeMove]:
    """The rule of `theme_movers`, on yearly theme trend rows (a pure function of them)."""
    totals = {int(r.period): r.period_concerns for r in rows if r.period.isdigit()}
    years = sorted(y for y, n in totals.items() if n >= MIN_CONCERNS_PER_YEAR)
    by_theme: dict[str, dict[int, int]] = defaultdict(dict)
    for r in rows:
        if r.period.isdigit():
            by_theme[r.theme][int(r.period)] = r.concerns
    moves = []
    for name, counts in by_theme.items():
        if len(years) < MIN_YEARS:
            break
        shares = [counts.get(y, 0) / totals[y] for y in years]
        slope = _slope(years, shares) * 100
        direction = "steady"
        if slope >= STEADY_PP_PER_YEAR:
            direction = "rising"
        elif slope <= -STEADY_PP_PER_YEAR:
            direction = "falling"
        moves.append(
            ThemeMove(
                theme=name,
                direction=direction,
                slope_pp_per_year=round(slope, 2),
                first_year=years[0],
                last_year=years[-1],
                years=len(years),
                first_share=round(shares[0], 4),
                last_share=round(shares[-1], 4),
                concerns=sum(counts.get(y, 0) for y in years),
            )
        )
    return sorted(moves, key=lambda m: (-m.slope_pp_per_year, m.theme))


def _slope(xs: list[int], ys: list[float]) -> float:
    n = len(xs)
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    spread = sum((x - mean_x) ** 2 for x in xs)
    return sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True)) / spread if spread else 0.0


def _by(by: str) -> str:
    key = (by or "year").strip().lower()
    if key not in BY:
        raise UsageError(f"--by: {by!r}: choose year or region")
    return key
