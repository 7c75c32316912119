"""Inspector and recipient names as the letters print them."""

from __future__ import annotations

import pytest
from ofsted_kg.loaders import people
from ofsted_kg.loaders.record import Inspector


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ("Mrs Anne Bristow", "Anne Bristow"),
        ("Dr. Jane Smith OBE", "Jane Smith"),
        ("Kate Malleson, Her Majesty’s Inspector", "Kate Malleson"),
        ("Tara Geere Her Majesty’s Inspector", "Tara Geere"),
        ("Neil Penswick HMI", "Neil Penswick"),
        ("Sean Tarpey, SHMI.", "Sean Tarpey"),
        ("Stephanie Murray, Senior Her Majesty’s Inspector", "Stephanie Murray"),
        ("Nick Stacey, Ofsted Inspector", "Nick Stacey"),
        ("Rebecca Quested His Majesty’s Inspector", "Rebecca Quested"),
        ("Tim O’Neill", "Tim O'Neill"),
        ("  ‘Ms   Lou  Williams’ ", "Lou Williams"),
    ],
)
def test_clean_name(raw: str, name: str) -> None:
    assert people.clean_name(raw) == name


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        (
            "The inspectors were Louise Warren, HMI, and John Roughton, HMI. The quality assurance manager was X.",
            [("Louise Warren", "hmi"), ("John Roughton", "hmi")],
        ),
        (
            "Her Majesty’s Inspectors for this visit were Tom Anthony and Nigel Parkes.",
            [("Tom Anthony", "hmi"), ("Nigel Parkes", "hmi")],
        ),
        (
            "The inspectors for this visit were Parveen Hussain, His Majesty’s Inspector, and Nick Stacey, Ofsted Inspector.",
            [("Parveen Hussain", "hmi"), ("Nick Stacey", "ofsted_inspector")],
        ),
        (
            "The inspectors were Nigel Parkes HMI and Kate Malleson HMI.",
            [("Nigel Parkes", "hmi"), ("Kate Malleson", "hmi")],
        ),
        (
            "The inspectors were Shabana Abasi and Lorna Schlechte, both Her Majesty’s Inspectors.",
            [("Shabana Abasi", "hmi"), ("Lorna Schlechte", "hmi")],
        ),
        (
            "The visit was carried out by Her Majesty’s Inspectors Neil Penswick, Jan Edwards and Jon Bowman.",
            [("Neil Penswick", "hmi"), ("Jan Edwards", "hmi"), ("Jon Bowman", "hmi")],
        ),
        (
            "Ofsted Inspectors for this visit were Ann Lee and Bo Diaz.",
            [("Ann Lee", "ofsted_inspector"), ("Bo Diaz", "ofsted_inspector")],
        ),
        # An abbreviation bracketed after the role phrase it abbreviates adds nothing ...
        (
            "His Majesty’s Inspectors (HMI) for this visit were Rachel Linden and Owen Marsh.",
            [("Rachel Linden", "hmi"), ("Owen Marsh", "hmi")],
        ),
        (
            "Ofsted Inspectors (OIs) for this visit were Ann Lee and Bo Diaz.",
            [("Ann Lee", "ofsted_inspector"), ("Bo Diaz", "ofsted_inspector")],
        ),
        (
            "The visit was carried out by His Majesty’s Inspectors (HMIs) Neil Penswick and Jan Edwards.",
            [("Neil Penswick", "hmi"), ("Jan Edwards", "hmi")],
        ),
        (
            "The inspectors were Louise Warren, His Majesty’s Inspector (HMI), and John Roughton, Ofsted Inspector (OI).",
            [("Louise Warren", "hmi"), ("John Roughton", "ofsted_inspector")],
        ),
        # ... and after a name it is that person's role.
        (
            "The inspectors were Rachel Linden (HMI), Owen Marsh (OI) and Kaye Goodfellow (CQC).",
            [
                ("Rachel Linden", "hmi"),
                ("Owen Marsh", "ofsted_inspector"),
                ("Kaye Goodfellow", "cqc_inspector"),
            ],
        ),
    ],
)
def test_parse_inspectors(phrase: str, expected: list[tuple[str, str]]) -> None:
    got = people.parse_inspectors(phrase)
    assert [(i.name, i.role) for i in got] == expected
    assert not any(i.lead for i in got)


def test_roles() -> None:
    assert people.role_of("Lead inspector Claire Mason, CQC") == "cqc_inspector"
    assert people.role_of("His Majesty’s Inspector of Constabulary") == "hmicfrs_inspector"
    assert people.role_of("HMI Probation inspector") == "probation_inspector"
    assert people.role_of("Senior HMI") == "hmi"
    assert people.role_of("Director of Children’s Services") is None
    assert people.inspectorate_of("cqc_inspector") == "cqc"
    assert people.inspectorate_of("hmi") == "ofsted"


def test_mark_lead_matches_loosely() -> None:
    team = [Inspector("Tom Anthony"), Inspector("Nigel Parkes")]
    marked = people.mark_lead(team, "Nigel Parkes Her Majesty’s Inspector")
    assert [i.lead for i in marked] == [False, True]
    assert people.mark_lead(team, "Somebody Else") == [Inspector("Tom Anthony"), Inspector("Nigel Parkes")]
    assert people.same_person("Siân O’Neill", "sian o'neill")
