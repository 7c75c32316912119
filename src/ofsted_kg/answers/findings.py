"""`findings`: the findings analysts filter for, without SPARQL, each with its quote, page and links.

Three named queries answer the same question from different starting points, because oxigraph
evaluates a query's optional parts on their own and only a search that starts from its selective
filter is fast: `select_findings_filtered` (from the authority, or every finding),
`select_findings_by_theme` (from the theme's findings) and `select_findings_by_words` (from the
texts containing the first word). `filter_findings` picks by the filters given (docs/answers.md):

- an authority: select_findings_filtered, every other filter applied to that authority's findings;
- else a theme: select_findings_by_theme; with `include_unthemed`, also the findings that carry
  no theme, from select_findings_by_words (unthemed only) when words are given, else from
  select_findings_filtered;
- else words: select_findings_by_words;
- else: select_findings_filtered over every finding (slow on a large store: the answer is large).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from ..backend import Backend
from ..errors import UsageError
from ..resolver import resolve_authority, resolve_notation
from .common import Row, as_date, parse_period, select, select_side_by_side

MAX_WORDS = 6  # the queries peel off at most six words


@dataclass(frozen=True)
class FindingRow:
    """One finding: what the report says (the exact quote), where (page, links) and how it is classed."""

    authority: str
    type: str
    end: dt.date | None  # the inspection's last visit day: what `since` and `until` compare
    start: dt.date | None
    kind: str
    polarity: str
    themes: tuple[str, ...]
    quote: str
    page: int
    report_url: str | None  # the Ofsted report, where the store knows its address
    evidence_url: str | None  # the same, opened at the page (#page=N)
    finding: str
    report: str
    inspection: str


TABLE_COLUMNS = ("end", "authority", "type", "kind", "polarity", "themes", "page", "quote")


def filter_findings(
    backend: Backend,
    *,
    authority: str | None = None,
    kind: str | None = None,
    theme: str | None = None,
    include_unthemed: bool = False,
    polarity: str | None = None,
    type: str | None = None,  # noqa: A002 - the document type, as the option is called
    since: dt.date | str | None = None,
    until: dt.date | str | None = None,
    text: str | None = None,
) -> list[FindingRow]:
    """The findings matching every filter given (docs/answers.md has the rules), newest first.

    `theme` is a theme's notation or label in any case ("placement sufficiency"); `text` is words
    that must all appear in the finding (case-insensitive, part of a word too); unknown values of
    any filter are usage errors that name the choices or the nearest match."""
    first, last = parse_period(since, until)
    params: dict[str, Any] = {
        "kind": _choice("finding_kind", kind, "--kind"),
        "polarity": _choice("polarity", polarity, "--polarity"),
        "type": _choice("document_type", type, "--type"),
        "since": first,
        "until": last,
        "words": _words(text),
    }
    if include_unthemed and theme is None:
        raise UsageError(
            "--include-unthemed goes with --theme: the findings of that theme and those with none"
        )
    theme_notation = resolve_theme(theme) if theme is not None else None
    if authority is not None:
        params["authority"] = resolve_authority(authority).gss_code
        rows = _run(backend, "select_findings_filtered", params, theme_notation, include_unthemed)
    elif theme_notation is not None:
        themed = ("select_findings_by_theme", _given({**params, "theme": theme_notation}))
        if not include_unthemed:
            rows = select(backend, *themed)
        elif params["words"]:
            # Independent of each other: side by side where the backend allows.
            unthemed = ("select_findings_by_words", _given({**params, "unthemed": True}))
            rows = [row for part in select_side_by_side(backend, themed, unthemed) for row in part]
        else:
            rows = select(backend, *themed) + _run(
                backend, "select_findings_filtered", params, theme_notation, True, unthemed_only=True
            )
    elif params["words"]:
        rows = select(backend, "select_findings_by_words", _given(params))
    else:
        rows = select(backend, "select_findings_filtered", _given(params))
    found = [_finding(row) for row in rows]
    unique = {row.finding: row for row in found}  # a finding both themed and found by words: once
    return sorted(unique.values(), key=_order)


def _run(
    backend: Backend,
    query: str,
    params: dict[str, Any],
    theme: str | None,
    include_unthemed: bool,
    *,
    unthemed_only: bool = False,
) -> list[Row]:
    rows = select(backend, query, _given({**params, "theme": theme, "include_unthemed": include_unthemed}))
    if unthemed_only:
        rows = [row for row in rows if not row.get("themes")]
    return rows


def _given(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if v is not None and v != ""}


def _order(row: FindingRow) -> tuple:
    return (-(row.end or dt.date.min).toordinal(), row.authority, row.report, row.finding)


def _choice(vocabulary: str, value: str | None, option: str) -> str | None:
    return None if value is None else resolve_notation(vocabulary, value, option=option)


def _words(text: str | None) -> str | None:
    if text is None:
        return None
    words = text.lower().split()
    if not words:
        # Blank text would match every finding: whoever typed --text meant to narrow the list.
        raise UsageError("--text: no words given (leave --text out to list every finding)")
    if len(words) > MAX_WORDS:
        raise UsageError(f"--text: at most {MAX_WORDS} words ({len(words)} given)")
    # Every word must be in the text, so their order is free: the longest goes first, because
    # select_findings_by_words picks its candidates by the first word and a long word is rarely
    # a common one ("care leavers", x10: 10.6 s from "care", 3.5 s from "leavers", 4,086 rows).
    return " ".join(sorted(words, key=len, reverse=True))


def resolve_theme(given: str, option: str = "--theme") -> str:
    """A theme's notation from its notation or any of its labels, in any case ("Placement
    sufficiency", "placement-sufficiency"); a usage error naming the nearest otherwise."""
    return resolve_notation("theme", given, option=option)


def _finding(row: Row) -> FindingRow:
    return FindingRow(
        authority=row["authority_name"],
        type=row["type"],
        end=as_date(row.get("end")),
        start=as_date(row.get("start")),
        kind=row["kind"],
        polarity=row["polarity"],
        themes=tuple(sorted(t for t in (row.get("themes") or "").split("; ") if t)),
        quote=row["quote"],
        page=int(row["page"]),
        report_url=row.get("report_url"),
        evidence_url=row.get("evidence_url"),
        finding=row["finding"],
        report=row["report"],
        inspection=row["inspection"],
    )
