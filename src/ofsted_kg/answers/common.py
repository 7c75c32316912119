"""What the answers share: running a named query into plain rows, and reading what people type
(dates, regions) into the values the queries bind.

Rows cross the boundary once, here: every value becomes a Python value (`to_python`), and the
empty strings that the "latest of each type" picks give where there is nothing become None.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..backend import Backend
from ..errors import UsageError
from ..named_queries import get_query

Row = dict[str, Any]

# Printed forms of the grade notations (the ontology's skos:prefLabel; rdfs:label for the long
# area SEND outcomes). tests/test_answers.py checks them against the ontology.
GRADE_LABELS: dict[str, str] = {
    "outstanding": "Outstanding",
    "good": "Good",
    "requires_improvement": "Requires improvement to be good",
    "adequate": "Adequate",
    "inadequate": "Inadequate",
    "positive_experiences": "positive experiences and outcomes",
    "inconsistent_experiences": "inconsistent experiences and outcomes",
    "widespread_failings": "widespread and/or systemic failings",
}
# What a terminal table prints instead (the ontology's skos:altLabel), to leave room for columns.
SHORT_GRADES = {"Requires improvement to be good": "Requires improvement"}
# Best first: the order "direction of travel" compares in.
GRADE_RANK: dict[str, int] = {"outstanding": 1, "good": 2, "requires_improvement": 3, "inadequate": 4}


def select(backend: Backend, query_name: str, params: Mapping[str, object] | None = None) -> list[Row]:
    """A named query's rows as dicts of Python values ("" -> None)."""
    query = get_query(query_name)
    result = backend.select_values(query.text, query.terms(params or {}))
    variables = result.variables
    rows = []
    for values in result.rows:
        rows.append(
            {name: None if value == "" else value for name, value in zip(variables, values, strict=True)}
        )
    return rows


def select_side_by_side(backend: Backend, *calls: tuple[str, Mapping[str, object]]) -> list[list[Row]]:
    """Several independent named queries' rows (as `select`), in the order given; run side by
    side, one thread each, where the backend allows concurrent reads (oxigraph evaluates outside
    the GIL, so two queries on two cores take about the time of the longer)."""
    if not backend.concurrent_reads or len(calls) < 2:
        return [select(backend, name, params) for name, params in calls]
    with ThreadPoolExecutor(max_workers=len(calls) - 1) as pool:
        later = [pool.submit(select, backend, name, params) for name, params in calls[1:]]
        first = select(backend, *calls[0])
        return [first, *(future.result() for future in later)]


def as_date(value: Any) -> dt.date | None:
    """A date from a query value (an xsd:date, or the ISO text a "latest" pick returns)."""
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def as_int(value: Any) -> int | None:
    if value is None or isinstance(value, int):
        return value
    try:
        return int(str(value))
    except ValueError:
        return None


def grade_label(notation: Any) -> str | None:
    """The printed form of a grade notation (None stays None; an unknown notation is kept)."""
    if notation is None:
        return None
    return GRADE_LABELS.get(str(notation), str(notation))


def parse_date(text: str | dt.date | None, option: str = "date") -> dt.date | None:
    """A date a person typed (YYYY-MM-DD); a usage error naming the option otherwise."""
    if text is None or isinstance(text, dt.date):
        return text
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise UsageError(
            f"{option}: {text!r} is not a date (write it as YYYY-MM-DD, e.g. 2024-03-31)"
        ) from None


def parse_period(
    since: str | dt.date | None, until: str | dt.date | None
) -> tuple[dt.date | None, dt.date | None]:
    """`--since` and `--until` as dates; a usage error when the period is empty (since after
    until), which would otherwise give no rows and no hint why."""
    start, end = parse_date(since, "--since"), parse_date(until, "--until")
    if start is not None and end is not None and start > end:
        raise UsageError(
            f"--since {start.isoformat()} is after --until {end.isoformat()}: no day is in between"
        )
    return start, end


def table(rows: Sequence[Any], row_class: type, *, short: bool = False) -> tuple[list[str], list[list[Any]]]:
    """Dataclass rows as (column names, values), what the table writers take; mappings and lists
    become "key n; key n" and "a; b" text; `short` prints long grades in their short form."""
    names = [f.name for f in dataclasses.fields(row_class)]
    values = [[_cell(getattr(row, name)) for name in names] for row in rows]
    if short:
        values = [[SHORT_GRADES.get(v, v) if isinstance(v, str) else v for v in row] for row in values]
    return names, values


def _cell(value: Any) -> Any:
    if isinstance(value, Mapping):
        return "; ".join(f"{key} {v}" if isinstance(v, int) else f"{key}: {v}" for key, v in value.items())
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def to_dataframe(rows: Sequence[Any]) -> Any:
    """The rows as a pandas DataFrame (pandas is not a dependency: install it to use this)."""
    try:
        import pandas as pd
    except ImportError as exc:
        raise ImportError("to_dataframe needs pandas (pip install pandas)") from exc
    return pd.DataFrame([dataclasses.asdict(row) for row in rows])
