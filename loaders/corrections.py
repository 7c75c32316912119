"""Values a document prints that cannot be right, corrected where the slip is certain and noted.

Ofsted's January slip: a letter written in the first weeks of a year dated with the year before
(a letter of January 2020 about a visit in December 2019 dated "21 January 2019"). A document
cannot be dated before the visit it reports ended; when the date a year later falls after the
visit, within MAX_DAYS_AFTER_VISIT, the year is corrected and a Correction says so. A date
before the visit that this does not explain is left as printed and logged; `validate` flags it.
"""

from __future__ import annotations

import datetime as dt
import logging

from .errors import shown
from .record import Correction, Record

log = logging.getLogger(__name__)

# Letters follow a visit by 2-8 weeks, reports an inspection by up to about four months.
MAX_DAYS_AFTER_VISIT = 150
# The months in which a date can still carry the year before.
NEW_YEAR_MONTHS = frozenset({1, 2})


def correct(record: Record) -> None:
    """Correct the slips this module knows in place, each with a Correction on the record."""
    _new_year_slip(record)


def _new_year_slip(record: Record) -> None:
    if not record.published or not record.visit_end:
        return
    published = dt.date.fromisoformat(record.published)
    visit_end = dt.date.fromisoformat(record.visit_end)
    if published >= visit_end:
        return
    name = shown(record.source.path) if record.source else "document"
    try:
        next_year = published.replace(year=published.year + 1)
    except ValueError:  # 29 February
        next_year = None
    if (
        next_year is not None
        and published.month in NEW_YEAR_MONTHS
        and 0 <= (next_year - visit_end).days <= MAX_DAYS_AFTER_VISIT
    ):
        correction = Correction(
            field="published",
            printed=record.published,
            corrected=next_year.isoformat(),
            reason=(
                f"dated before the visit it reports ended ({record.visit_end}); "
                "a new year's date printed with the year before"
            ),
        )
        record.corrections.append(correction)
        record.published = correction.corrected
        log.warning("%s: %s", name, correction.note())
        return
    log.warning(
        "%s: dated %s, before the visit it reports ended (%s); left as printed",
        name,
        record.published,
        record.visit_end,
    )
