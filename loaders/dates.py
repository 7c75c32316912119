"""Dates as Ofsted prints them, read into ISO 8601 strings.

Ofsted writes visit dates in many shapes: "22 and 23 June 2021", "30 January to 3 February 2023",
"3 to 7 November 2025", "28 November - 2 December 2016", "2 June 2014 – 25 June 2014",
"8–9 November 2016", "between 29 September and 1 October 2020", "7, 8 and 9 March 2018", and a
single day "13 October 2020". A range's first date borrows the month and year of the second
when it omits them; a range whose first month falls after its last month crossed a new year.
"16th of September 2016" and any of the dashes typesetting uses (hyphen, non-breaking hyphen,
figure dash, en and em dash, minus) read the same. Some reports print dates in figures, day first as everywhere in the UK: "12/09/2016 to
06/10/2016", "Report published: 25/11/2016" (also with "." or "-" between the figures), and
ISO dates ("2016-11-25") are read too.

Public functions:
- `parse_date(text)`      -> the first single date in `text` ("2021-08-02") or None
- `parse_range(text)`     -> the first (start, end) range in `text`; a lone date gives (d, d); or None
- `find_ranges(text)`     -> every range (and lone date) in `text`, in order, as `DateRange`s with offsets
- `published_date(text)`  -> the date after "Published:" / "Report published:" / "Publication date:", or None
- `leading_date(text)`    -> the date when `text` is just a date (a letter's first line), or None
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}  # fmt: skip

_MONTH = r"(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DAY = r"\d{1,2}(?:st|nd|rd|th)?"
_YEAR = r"(?:19|20)\d{2}"
# Hyphen, non-breaking hyphen, figure dash, en dash, em dash, minus: all print as a range's dash.
_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2212"
_SEP = rf"\s*(?:to|and|until|till|[{_DASHES}])\s*"
# "16th of September 2016": an "of" between day and month.
_OF = r"(?:\s+of)?"

# A full date: day, month, year ("2 August 2021", "02 February 2024", "1st March 2019").
DATE_RE = re.compile(rf"\b(?P<d>{_DAY}){_OF}\s+(?P<m>{_MONTH})\s*,?\s+(?P<y>{_YEAR})\b", re.IGNORECASE)

# A range: first day with optional month/year, optional ", day" list items, a separator, a full date.
RANGE_RE = re.compile(
    rf"\b(?P<d1>{_DAY})(?:{_OF}\s+(?P<m1>{_MONTH})(?:\s*,?\s+(?P<y1>{_YEAR}))?)?"
    rf"(?:\s*,\s*{_DAY}(?:\s+{_MONTH})?)*"
    rf"{_SEP}"
    rf"(?P<d2>{_DAY}){_OF}\s+(?P<m2>{_MONTH})\s*,?\s+(?P<y2>{_YEAR})\b",
    re.IGNORECASE,
)

# A date in figures, day first: "25/11/2016", "6.10.2016", "06-10-2016" (one separator throughout).
NUMERIC_DATE_RE = re.compile(
    r"(?<![\d/.\-])(?P<d>\d{1,2})(?P<sep>[/.\-])(?P<m>\d{1,2})(?P=sep)(?P<y>(?:19|20)\d{2})(?![\d/\-]|\.\d)"
)
ISO_DATE_RE = re.compile(r"(?<![\d/.\-])(?P<y>(?:19|20)\d{2})-(?P<m>\d{2})-(?P<d>\d{2})(?![\d/\-]|\.\d)")
_NUMERIC_SEP_RE = re.compile(_SEP, re.IGNORECASE)

PUBLISHED_RE = re.compile(
    r"\b(?:report\s+)?(?:published(?:\s+on)?|publication\s+date|date\s+of\s+publication)\s*:?\s*",
    re.IGNORECASE,
)

# Longest stretch a printed range may cover: inspections run up to about six weeks; a longer
# stretch is two unrelated dates joined by "and" ("between 2001 and 2011" never matches anyway).
MAX_RANGE_DAYS = 120


@dataclass(frozen=True)
class DateRange:
    start: str  # ISO date
    end: str  # ISO date
    begin: int  # offset of the match in the searched text
    stop: int  # end offset (exclusive) of the match


def _day(text: str) -> int:
    m = re.match(r"\d+", text)
    if m is None:
        raise ValueError(f"no day number in {text!r}")
    return int(m.group())


def _month(text: str) -> int:
    return MONTHS[text.lower().rstrip(".")]


def _iso(year: int, month: int, day: int) -> str | None:
    try:
        return dt.date(year, month, day).isoformat()
    except ValueError:
        return None


def _normalise(text: str) -> str:
    # Same length as the input so offsets stay valid: only single characters are swapped.
    return text.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")


def _lone_dates(text: str) -> list[tuple[int, int, str]]:
    """Every single full date in `text` (words or figures) as (start, end, ISO), in reading order."""
    found: list[tuple[int, int, str]] = []
    for m in DATE_RE.finditer(text):
        iso = _iso(int(m["y"]), _month(m["m"]), _day(m["d"]))
        if iso:
            found.append((m.start(), m.end(), iso))
    for pattern in (NUMERIC_DATE_RE, ISO_DATE_RE):
        for m in pattern.finditer(text):
            iso = _iso(int(m["y"]), int(m["m"]), int(m["d"]))
            if iso:
                found.append((m.start(), m.end(), iso))
    return sorted(found)


def _date_at(text: str, pos: int) -> tuple[int, str] | None:
    """(end, ISO) of a full date (words or figures) starting exactly at `pos`, or None."""
    for pattern in (DATE_RE, NUMERIC_DATE_RE, ISO_DATE_RE):
        m = pattern.match(text, pos)
        if not m:
            continue
        month = _month(m["m"]) if pattern is DATE_RE else int(m["m"])
        iso = _iso(int(m["y"]), month, _day(m["d"]))
        if iso:
            return m.end(), iso
    return None


def parse_date(text: str) -> str | None:
    """The first full date in `text` as ISO, e.g. '2 August 2021' -> '2021-08-02', '25/11/2016' -> '2016-11-25'."""
    found = _lone_dates(_normalise(text))
    return found[0][2] if found else None


def _range_from_match(m: re.Match[str]) -> tuple[str, str] | None:
    y2, m2, d2 = int(m["y2"]), _month(m["m2"]), _day(m["d2"])
    m1 = _month(m["m1"]) if m["m1"] else m2
    if m["y1"]:
        y1 = int(m["y1"])
    else:
        y1 = y2 - 1 if m1 > m2 else y2  # "28 December to 3 January 2021"
    start, end = _iso(y1, m1, _day(m["d1"])), _iso(y2, m2, d2)
    if not start or not end:
        return None
    days = (dt.date.fromisoformat(end) - dt.date.fromisoformat(start)).days
    if days < 0 or days > MAX_RANGE_DAYS:
        return None
    return start, end


def find_ranges(text: str) -> list[DateRange]:
    """Every date range and lone full date in `text`, in reading order, with their offsets."""
    text = _normalise(text)
    found: list[DateRange] = []
    taken: list[tuple[int, int]] = []
    for m in RANGE_RE.finditer(text):
        pair = _range_from_match(m)
        if pair:
            found.append(DateRange(pair[0], pair[1], m.start(), m.end()))
            taken.append((m.start(), m.end()))
    for start, end, first in _lone_dates(text):
        if any(a <= start < b for a, b in taken):
            continue
        # Figures: "12/09/2016 to 06/10/2016" is a range when a second date follows the separator.
        sep = _NUMERIC_SEP_RE.match(text, end)
        second = _date_at(text, sep.end()) if sep and not DATE_RE.match(text, start) else None
        if (
            second
            and 0 <= (dt.date.fromisoformat(second[1]) - dt.date.fromisoformat(first)).days <= MAX_RANGE_DAYS
        ):
            found.append(DateRange(first, second[1], start, second[0]))
            taken.append((start, second[0]))
            continue
        found.append(DateRange(first, first, start, end))
    return sorted(found, key=lambda r: r.begin)


def parse_range(text: str) -> tuple[str, str] | None:
    """The first range (or lone date, as (d, d)) in `text`.

    '22 and 23 June 2021' -> ('2021-06-22', '2021-06-23');
    '30 January to 3 February 2023' -> ('2023-01-30', '2023-02-03');
    '13 October 2020' -> ('2020-10-13', '2020-10-13').
    """
    ranges = find_ranges(text)
    return (ranges[0].start, ranges[0].end) if ranges else None


def published_date(text: str) -> str | None:
    """The date printed after 'Published:' (or 'Report published:', 'Publication date:'), if any."""
    text = _normalise(text)
    for m in PUBLISHED_RE.finditer(text):
        found = _date_at(text[: m.end() + 40], m.end())
        if found:
            return found[1]
    return None


def leading_date(text: str) -> str | None:
    """The date when `text` (a letter's first paragraph, say) is just a date, e.g. '3 April 2018'."""
    text = _normalise(text).strip().rstrip(".")
    found = _date_at(text, 0)
    return found[1] if found and found[0] == len(text) else None
