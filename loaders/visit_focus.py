"""What a visit looked at, coded to the framework's areas; and when the next inspection is due.

Focus: the printed focus of a focused or monitoring visit (record.visit_focus) is matched against
the labels of okg:VisitFocusScheme in ontology/ofsted-kg.ttl, with the theme lexicon's matcher
and conventions (loaders/themes.py): adding an altLabel there changes the coding, no Python edit.

Next inspection: area SEND reports say when the partnership will next be inspected or monitored
("The next full area SEND inspection will be within approximately three years."; "A monitoring
inspection will be carried out within approximately 18 months."). Each such sentence becomes an
ExpectedInspection whose window runs from the inspection's last day to that day plus the interval.
"""

from __future__ import annotations

import calendar
import datetime as dt
import importlib.resources
import re
from collections.abc import Callable
from functools import lru_cache

from .record import ExpectedInspection, ExpectedInspectionKind, Span
from .themes import OKG, Lexicon

VISIT_FOCUS_SCHEME = OKG.VisitFocusScheme
COVID_FOCUS = "covid-19-practice"


@lru_cache(maxsize=1)
def focus_lexicon() -> Lexicon:
    """The labels of okg:VisitFocusScheme, compiled once per process."""
    import pyoxigraph

    source = (importlib.resources.files("ofsted_kg.ontology") / "ofsted-kg.ttl").read_bytes()
    quads = pyoxigraph.parse(source, format=pyoxigraph.RdfFormat.TURTLE)
    return Lexicon.from_triples(
        ((q.subject.value, q.predicate.value, q.object.value) for q in quads), str(VISIT_FOCUS_SCHEME)
    )


def focus_areas(focus: str | None, lexicon: Lexicon | None = None) -> list[str]:
    """The focus notations a printed focus names, in order of first mention. The COVID-19 area
    stands only where nothing narrower is named (2020-21 letters state it as their context)."""
    if not focus:
        return []
    areas = list((lexicon or focus_lexicon()).themes(focus))
    narrower = [area for area in areas if area != COVID_FOCUS]
    return narrower or areas


# --------------------------------------------------------------------------- next inspection

_NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12, "eighteen": 18, "twenty-four": 24,
}  # fmt: skip
_NUMBER = r"\d{1,2}|" + "|".join(sorted(_NUMBERS, key=len, reverse=True))
NEXT_INSPECTION_RE = re.compile(
    r"(?P<sentence>(?:The\s+next|A|An)\s+(?P<what>[^.]{0,60}?(?:inspection|reinspection|re-inspection|"
    r"visit))\s+will\s+(?:be\s+carried\s+out\s+|take\s+place\s+|be\s+)?within\s+"
    r"(?P<approx>approximately\s+|about\s+|around\s+)?(?P<n>" + _NUMBER + r")\s+"
    r"(?P<unit>years?|months?)\.?)",
    re.IGNORECASE,
)


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day where it has fewer days."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_inspections(
    text: str,
    inspection_end: str | None,
    start: int = 0,
    end: int | None = None,
    page_of: Callable[[int], int] | None = None,
) -> list[ExpectedInspection]:
    """Every statement of a following inspection in text[start:end], with its window.

    `page_of` (offset -> page number) gives each statement's page; without it page 1 is assumed.
    Nothing is returned without the inspection's last day, from which the window is counted."""
    if not inspection_end:
        return []
    last_day = dt.date.fromisoformat(inspection_end)
    out = []
    for m in NEXT_INSPECTION_RE.finditer(text, start, len(text) if end is None else end):
        raw = m["n"].lower()
        count = int(raw) if raw.isdigit() else _NUMBERS[raw]
        months = count * 12 if m["unit"].lower().startswith("year") else count
        what = m["what"].lower()
        kind: ExpectedInspectionKind = "monitoring_inspection" if "monitoring" in what else "full_inspection"
        interval = f"P{count}Y" if m["unit"].lower().startswith("year") else f"P{count}M"
        s, e = m.start("sentence"), m.end("sentence")
        page = page_of(s) if page_of else 1
        out.append(
            ExpectedInspection(
                kind=kind,
                interval=interval,
                approximate=bool(m["approx"]),
                due_from=last_day.isoformat(),
                due_by=add_months(last_day, months).isoformat(),
                statement=re.sub(r"\s+", " ", m["sentence"]),
                span=Span(s, e, page),
            )
        )
    return out
