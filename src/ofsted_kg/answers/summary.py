"""`summary`: one row per authority, all 153, with its latest grades and visits as at a date.

The rows come from the named queries `select_latest_grades` and `select_latest_visits`, joined
by authority (one query would need more aggregates than Virtuoso allows). They apply every rule: what counts
as at a date, which inspection is the latest, the previous ILACS grade and the direction of
travel; see docs/answers.md); this module types them, prints the grades as Ofsted prints them,
and adds what one row of that query cannot hold: how each authority's statistical neighbours
were last judged overall (from the same rows).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from ..backend import Backend
from ..loaders import authorities
from ..resolver import resolve_region
from .common import Row, as_date, as_int, grade_label, parse_date, select_side_by_side

QUERY = "select_latest_grades"
VISITS_QUERY = "select_latest_visits"


@dataclass(frozen=True)
class AuthoritySummary:
    """An authority's picture on a date. Grades are as printed ("Requires improvement to be
    good"); None where the store holds nothing (e.g. overall effectiveness after April 2026)."""

    authority: str
    gss_code: str
    urn: str | None
    la_number: str | None
    region: str
    # The latest ILACS inspection
    ilacs_start: dt.date | None
    ilacs_end: dt.date | None
    ilacs_kind: str | None  # "standard" or "short"
    ilacs_framework: str | None  # ilacs-2018, ilacs-2023, ilacs-2026
    overall: str | None
    leaders: str | None
    help_and_protection: str | None
    in_care_and_care_leavers: str | None  # judged together until 2022
    in_care: str | None  # judged apart from January 2023
    care_leavers: str | None
    lead_inspector: str | None
    published: dt.date | None
    report_url: str | None
    # The ILACS inspection before it, and how the overall grade moved
    previous_ilacs_end: dt.date | None
    previous_overall: str | None
    direction: str | None  # improved, declined, same; None when either is not graded
    # The last visit of each other kind
    focused_visit_end: dt.date | None
    focused_visit_published: dt.date | None
    focused_visit_focus: str | None
    focused_visit_url: str | None
    monitoring_visit_end: dt.date | None
    monitoring_visit_number: int | None
    monitoring_visit_url: str | None
    send_end: dt.date | None
    send_outcome: str | None
    send_url: str | None
    send_next_due: dt.date | None  # the earliest next inspection the latest area SEND report states
    send_next_kind: str | None  # monitoring_inspection or full_inspection
    jtai_end: dt.date | None
    jtai_focus: str | None
    jtai_url: str | None
    # Statistical neighbours (ten each) by their latest ILACS overall grade
    neighbours_outstanding: int
    neighbours_good: int
    neighbours_requires_improvement: int
    neighbours_inadequate: int
    neighbours_not_graded: int
    inspection: str | None  # the latest ILACS inspection's IRI
    authority_iri: str


TABLE_COLUMNS = (
    "authority", "region", "ilacs_end", "overall", "leaders", "help_and_protection", "in_care_and_care_leavers",
    "in_care", "care_leavers", "previous_overall", "direction", "focused_visit_end", "send_outcome",
)  # fmt: skip


def latest_summary(
    backend: Backend, *, as_of: dt.date | str | None = None, region: str | None = None
) -> list[AuthoritySummary]:
    """Every current authority's latest grades and visits as at `as_of` (default: everything in
    the store), in name order; only `region`'s authorities if given (any case; a usage error
    listing the nine regions otherwise)."""
    date = parse_date(as_of, "--as-of")
    wanted_region = resolve_region(region) if region is not None else None
    # Every authority's row is needed for the neighbour counts, so the region is applied here.
    params = {"as_of": date} if date else {}
    # Two queries (Virtuoso refuses one with this many aggregates), joined by authority here.
    grade_rows, visit_rows = select_side_by_side(backend, (QUERY, params), (VISITS_QUERY, params))
    visits = {row["authority"]: row for row in visit_rows}
    rows = [{**visits.get(row["authority"], {}), **row} for row in grade_rows]
    overall_by_gss = {row["gss_code"]: row.get("overall") for row in rows}
    out = []
    for row in rows:
        # Case-insensitive: stores loaded before the region names were made canonical spell one two ways.
        if wanted_region is not None and row["region"].casefold() != wanted_region.casefold():
            continue
        out.append(_summary(row, _neighbour_grades(row["gss_code"], overall_by_gss)))
    return out


def _neighbour_grades(gss_code: str, overall_by_gss: dict[str, str | None]) -> Counter[str]:
    info = authorities.lookup(gss_code)
    neighbours = info.statistical_neighbours if info else ()
    return Counter(overall_by_gss.get(code) or "not_graded" for code in neighbours)


def _summary(row: Row, neighbours: Counter[str]) -> AuthoritySummary:
    return AuthoritySummary(
        authority=row["authority_name"],
        gss_code=row["gss_code"],
        urn=row.get("urn"),
        la_number=row.get("la_number"),
        region=row["region"],
        ilacs_start=as_date(row.get("start")),
        ilacs_end=as_date(row.get("end")),
        ilacs_kind=row.get("kind"),
        ilacs_framework=row.get("framework"),
        overall=grade_label(row.get("overall")),
        leaders=grade_label(row.get("leaders")),
        help_and_protection=grade_label(row.get("help_and_protection")),
        in_care_and_care_leavers=grade_label(row.get("in_care_and_care_leavers")),
        in_care=grade_label(row.get("in_care")),
        care_leavers=grade_label(row.get("care_leavers")),
        lead_inspector=row.get("lead_inspector"),
        published=as_date(row.get("published")),
        report_url=row.get("report_url"),
        previous_ilacs_end=as_date(row.get("previous_end")),
        previous_overall=grade_label(row.get("previous_overall")),
        direction=row.get("direction"),
        focused_visit_end=as_date(row.get("focused_visit_end")),
        focused_visit_published=as_date(row.get("focused_visit_published")),
        focused_visit_focus=row.get("focused_visit_focus"),
        focused_visit_url=row.get("focused_visit_report_url"),
        monitoring_visit_end=as_date(row.get("monitoring_visit_end")),
        monitoring_visit_number=as_int(row.get("monitoring_visit_number")),
        monitoring_visit_url=row.get("monitoring_visit_report_url"),
        send_end=as_date(row.get("send_end")),
        send_outcome=grade_label(row.get("send_outcome")),
        send_url=row.get("send_report_url"),
        send_next_due=as_date(row.get("send_next_due")),
        send_next_kind=row.get("send_next_kind"),
        jtai_end=as_date(row.get("jtai_end")),
        jtai_focus=row.get("jtai_focus"),
        jtai_url=row.get("jtai_report_url"),
        neighbours_outstanding=neighbours["outstanding"],
        neighbours_good=neighbours["good"],
        neighbours_requires_improvement=neighbours["requires_improvement"],
        neighbours_inadequate=neighbours["inadequate"],
        neighbours_not_graded=neighbours["not_graded"],
        inspection=row.get("inspection"),
        authority_iri=row["authority"],
    )
