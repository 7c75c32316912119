"""The authority resolver every command, query parameter and API call uses (ofsted_kg.resolver)."""

from __future__ import annotations

import pytest
from ofsted_kg.loaders import authorities
from rdflib import Literal

from ofsted_kg import iris
from ofsted_kg.errors import UsageError
from ofsted_kg.named_queries import QueryUsageError, get_query
from ofsted_kg.resolver import UnknownAuthority, present_day, resolve_authority


@pytest.mark.parametrize(
    ("given", "gss"),
    [
        # case and punctuation
        ("Peterborough", "E06000031"),
        ("peterborough", "E06000031"),
        ("PETERBOROUGH", "E06000031"),
        ("Brighton & Hove", "E06000043"),
        ("brighton-and-hove", "E06000043"),
        # codes: GSS (current and the other lookup's), Ofsted URN, old DfE LA number
        ("E06000031", "E06000031"),
        ("e06000031", "E06000031"),
        ("80537", "E06000031"),
        ("874", "E06000031"),
        ("E08000038", "E08000016"),
        # the short forms people use
        ("Hull", "E06000010"),
        ("Kingston upon Hull", "E06000010"),
        ("City of Kingston upon Hull", "E06000010"),
        ("Kingston Upon Hull, City of", "E06000010"),
        ("Bristol", "E06000023"),
        ("City of Bristol", "E06000023"),
        ("East Riding", "E06000011"),
        ("Herefordshire", "E06000019"),
        ("County of Herefordshire", "E06000019"),
        ("Durham", "E06000047"),
        ("County Durham", "E06000047"),
        ("Southend", "E06000033"),
        ("Newcastle", "E08000021"),
        ("St Helens", "E08000013"),
        ("BCP", "E06000058"),
        # council forms
        ("Bristol City Council", "E06000023"),
        ("London Borough of Hackney", "E09000012"),
        ("London Borough of Barking and Dagenham Council", "E09000002"),
        ("Royal Borough of Kensington and Chelsea", "E09000020"),
        ("North Yorkshire County Council", "E06000065"),
        ("Newcastle City Council", "E08000021"),
        ("City of York Council", "E06000014"),
        # full-width letters, accents and ligatures (pasted from a PDF or another keyboard)
        ("ＰＥＴＥＲＢＯＲＯＵＧＨ", "E06000031"),
        ("Pétérborough", "E06000031"),
        ("Shefﬁeld", "E08000019"),
        # former authorities resolve to themselves
        ("Cumbria", "E10000006"),
        ("Northamptonshire", "E10000021"),
    ],
)
def test_resolves_every_form(given: str, gss: str) -> None:
    assert resolve_authority(given).gss_code == gss


def test_every_reference_name_code_urn_and_number_resolves_to_itself() -> None:
    for info in authorities.all_authorities():
        assert resolve_authority(info.name) == info, info.name
        assert resolve_authority(info.gss_code) == info, info.gss_code
        assert resolve_authority(info.urn) == info, info.urn
        if info.la_number:
            assert resolve_authority(info.la_number) == info, info.la_number


def test_unknown_name_is_a_usage_error_with_nearest_matches() -> None:
    with pytest.raises(UnknownAuthority) as caught:
        resolve_authority("Peterbrough")
    assert isinstance(caught.value, UsageError) and caught.value.exit_code == 2
    assert caught.value.candidates[0] == "Peterborough"
    assert "did you mean Peterborough" in str(caught.value)


def test_a_region_given_as_an_authority_says_it_is_a_region() -> None:
    with pytest.raises(UnknownAuthority, match="'london': London is a region") as caught:
        resolve_authority("london")
    assert "summary --region London" in str(caught.value)
    with pytest.raises(UnknownAuthority, match='summary --region "Yorkshire and The Humber"'):
        resolve_authority("Yorkshire & the Humber")


@pytest.mark.parametrize("given", ["Kingston", "North"])
def test_ambiguous_prefix_lists_the_candidates(given: str) -> None:
    with pytest.raises(UnknownAuthority) as caught:
        resolve_authority(given)
    assert len(caught.value.candidates) >= 2
    assert "could be any of" in str(caught.value)


@pytest.mark.parametrize("given", ["", "   ", "Nowhere", "99999"])
def test_nothing_answers(given: str) -> None:
    with pytest.raises(UnknownAuthority):
        resolve_authority(given)


def test_former_authorities_map_to_their_successors_for_the_present() -> None:
    assert [a.name for a in present_day(resolve_authority("Cumbria"))] == [
        "Cumberland",
        "Westmorland and Furness",
    ]
    assert [a.name for a in present_day(resolve_authority("Northamptonshire"))] == [
        "North Northamptonshire",
        "West Northamptonshire",
    ]
    assert [a.gss_code for a in present_day(resolve_authority("Poole"))] == ["E06000058"]
    assert present_day(resolve_authority("Kent")) == (resolve_authority("Kent"),)


def test_query_parameters_typed_authority_take_any_form() -> None:
    query = get_query("select_statistical_neighbours")
    for given in ("Peterborough", "peterborough", "E06000031", "80537", str(iris.authority("E06000031"))):
        assert query.bindings({"authority": given}) == {"authority": iris.authority("E06000031")}
    hull = get_query("select_findings_for_authority").bindings({"authority": "Hull"})
    assert hull == {"authority": Literal("Kingston Upon Hull, City of")}


def test_query_parameter_with_unknown_authority_names_the_nearest() -> None:
    with pytest.raises(QueryUsageError, match="did you mean Peterborough"):
        get_query("select_statistical_neighbours").bindings({"authority": "Peterbrough"})
