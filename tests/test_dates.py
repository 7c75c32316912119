"""Dates as Ofsted prints them."""

from __future__ import annotations

import pytest
from ofsted_kg.loaders import dates


@pytest.mark.parametrize(
    ("printed", "start", "end"),
    [
        ("22 and 23 June 2021", "2021-06-22", "2021-06-23"),
        ("30 January to 3 February 2023", "2023-01-30", "2023-02-03"),
        ("3 to 7 November 2025", "2025-11-03", "2025-11-07"),
        ("28 November - 2 December 2016", "2016-11-28", "2016-12-02"),
        ("7 and 8 March 2018", "2018-03-07", "2018-03-08"),
        ("2 June 2014 – 25 June 2014", "2014-06-02", "2014-06-25"),
        ("18 November – 10 December 2014", "2014-11-18", "2014-12-10"),
        ("8–9 November 2016", "2016-11-08", "2016-11-09"),
        ("11 – 22 July 2022", "2022-07-11", "2022-07-22"),
        ("between 29 September and 1 October 2020", "2020-09-29", "2020-10-01"),
        ("29 January 2024 to 02 February 2024", "2024-01-29", "2024-02-02"),
        ("28 December to 3 January 2021", "2020-12-28", "2021-01-03"),
        ("7, 8 and 9 March 2018", "2018-03-07", "2018-03-09"),
        ("on 13 October 2020.", "2020-10-13", "2020-10-13"),
        ("1st to 3rd Sept 2019", "2019-09-01", "2019-09-03"),
        # Dates in figures, day first (issue 9: "12/09/2016 to 06/10/2016" was not read).
        ("12/09/2016 to 06/10/2016", "2016-09-12", "2016-10-06"),
        ("12/09/2016 - 06/10/2016", "2016-09-12", "2016-10-06"),
        ("12.09.2016 – 16.09.2016", "2016-09-12", "2016-09-16"),
        ("on 25/11/2016.", "2016-11-25", "2016-11-25"),
        ("2016-09-12 to 2016-09-16", "2016-09-12", "2016-09-16"),
        # "of" between day and month; the non-breaking hyphen and the figure dash.
        ("between 12th of September and 16th of September 2016", "2016-09-12", "2016-09-16"),
        ("2\u20116 October 2023", "2023-10-02", "2023-10-06"),
        ("2\u20126 October 2023", "2023-10-02", "2023-10-06"),
    ],
)
def test_ranges(printed: str, start: str, end: str) -> None:
    assert dates.parse_range(printed) == (start, end)


def test_two_date_sets() -> None:
    found = dates.find_ranges("Inspection dates: 30 September to 11 October 2024 and 13 to 16 January 2025")
    assert [(r.start, r.end) for r in found] == [("2024-09-30", "2024-10-11"), ("2025-01-13", "2025-01-16")]


def test_offsets_point_at_the_match() -> None:
    text = "visit to Barnet on 4 and 5 November 2025. His Majesty's"
    (found,) = dates.find_ranges(text)
    assert text[found.begin : found.stop] == "4 and 5 November 2025"


@pytest.mark.parametrize(
    "text",
    ["section 20 of the Children Act 2004", "between 2012 and 2015", "31 February 2021", "no dates here", ""],
)
def test_not_dates(text: str) -> None:
    assert dates.parse_range(text) is None


def test_reversed_or_overlong_ranges_are_rejected() -> None:
    # Not a range; what remains is the one full date printed.
    assert dates.parse_range("9 to 3 March 2020") == ("2020-03-03", "2020-03-03")
    assert dates.parse_range("1 January to 30 December 2020") == ("2020-12-30", "2020-12-30")


def test_single_and_published() -> None:
    assert dates.parse_date("Letter of 2 August 2021") == "2021-08-02"
    assert dates.published_date("Report published: 8 August 2014") == "2014-08-08"
    assert dates.published_date("Age group: All Published: 16 August 2013") == "2013-08-16"
    assert dates.published_date("Publication date: 3 May 2019") == "2019-05-03"
    assert dates.published_date("Inspection dates: 3 May 2019") is None
    assert dates.leading_date("3 April 2018") == "2018-04-03"
    assert dates.leading_date("On 3 April 2018 we visited") is None


@pytest.mark.parametrize(
    ("printed", "iso"),
    [
        ("Report published: 25/11/2016", "2016-11-25"),
        ("Report published: 25 November 2016", "2016-11-25"),
        ("Published: 8 August 2014", "2014-08-08"),
        ("Report published on 3 February 2015", "2015-02-03"),
        ("Publication date: 2016-11-25", "2016-11-25"),
    ],
)
def test_published_date_in_words_and_figures(printed: str, iso: str) -> None:
    assert dates.published_date(printed) == iso


@pytest.mark.parametrize(
    "text",
    [
        "version 1.2.2016.5 of the policy",  # not a date: more figures follow
        "31/02/2016",  # no such day
        "12/09/2016 to 06/10/2017",  # over a year apart: two dates, not a visit
        "paragraph 2.1",
    ],
)
def test_figures_that_are_no_single_range(text: str) -> None:
    ranges = dates.find_ranges(text)
    assert all(r.start == r.end for r in ranges)
    assert not [r for r in ranges if r.start == "2016-02-31"]


def test_a_letter_dated_in_figures() -> None:
    assert dates.leading_date("21/01/2019") == "2019-01-21"
    assert dates.leading_date("21 January 2019.") == "2019-01-21"
    assert dates.leading_date("21/01/2019 and more") is None
