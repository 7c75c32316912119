"""Authority names as printed in the letters, resolved against the reference lookup."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from ofsted_kg.loaders import authorities
from ofsted_kg.loaders.record import Authority

LETTERS = Path(__file__).resolve().parent.parent / "examples" / "letters"


@pytest.mark.parametrize(
    ("printed", "name", "gss"),
    [
        ("Peterborough City Council", "Peterborough", "E06000031"),
        ("London Borough of Barking and Dagenham", "Barking and Dagenham", "E09000002"),
        ("Royal Borough of Kensington and Chelsea", "Kensington and Chelsea", "E09000020"),
        ("Bournemouth, Christchurch and Poole Council", "Bournemouth, Christchurch and Poole", "E06000058"),
        ("Kent County Council", "Kent", "E10000016"),
        ("Council of the Isles of Scilly", "Isles of Scilly", "E06000053"),
        ("City of London Corporation", "City of London", "E09000001"),
        ("Slough Children First", "Slough", "E06000039"),
        ("Brighton & Hove", "Brighton and Hove", "E06000043"),
        ("Kingston upon Hull", "Kingston Upon Hull, City of", "E06000010"),
        ("Hull City Council", "Kingston Upon Hull, City of", "E06000010"),
        ("Royal Borough of Kingston-upon-Thames", "Kingston upon Thames", "E09000021"),
        ("Brighter Futures for Children", "Reading", "E06000038"),
        ("Together for Children Sunderland", "Sunderland", "E08000024"),
        ("Bradford Children and Families Trust", "Bradford", "E08000032"),
        ("Southend-on-Sea city council", "Southend-on-Sea", "E06000033"),
        ("Durham County Council", "Durham", "E06000047"),
        ("St Helens Council", "St. Helens", "E08000013"),
        ("NORTH SOMERSET", "North Somerset", "E06000024"),
        ("Metropolitan Borough of Barnsley Council", "Barnsley", "E08000016"),
        ("Nottingham City local authority", "Nottingham", "E06000018"),
        ("Leicestershire County Council", "Leicestershire", "E10000018"),
        ("Leicester City Council", "Leicester", "E06000016"),
    ],
)
def test_printed_names(printed: str, name: str, gss: str) -> None:
    assert authorities.resolve(printed) == Authority(name=name, gss_code=gss)


@pytest.mark.parametrize(
    "printed",
    ["Achieving for Children", "Narnia County Council", "London", "", "children's services", "the council"],
)
def test_never_guesses(printed: str) -> None:
    assert authorities.resolve(printed) is None


def test_the_lookup() -> None:
    everything = authorities.all_authorities()
    current = [a for a in everything if not a.legacy]
    assert len(current) == 153
    assert {a.name for a in everything if a.legacy} == {"Cumbria", "Northamptonshire", "Poole"}
    assert len({a.gss_code for a in everything}) == len(everything)
    for info in everything:
        assert authorities.resolve(info.name) == info.authority(), info.name
        assert info.gss_code[:3] in {"E06", "E08", "E09", "E10"}


def test_reference_record() -> None:
    peterborough = authorities.resolve_info("Peterborough City Council")
    assert peterborough is not None
    assert (peterborough.urn, peterborough.la_number) == ("80537", "874")
    assert peterborough.region_name == "East of England" and peterborough.region_code.startswith("E12")
    assert len(peterborough.statistical_neighbours) == 10
    known = {a.gss_code for a in authorities.all_authorities()}
    assert set(peterborough.statistical_neighbours) <= known


def test_alternative_gss_codes() -> None:
    # Barnsley and Sheffield changed code after a boundary change; both codes find the authority.
    assert authorities.lookup("E08000038") == authorities.lookup("E08000016")
    assert authorities.lookup("e08000016").name == "Barnsley"
    assert authorities.lookup("E99999999") is None
    # Legacy rows take their code from the second lookup.
    assert authorities.resolve("Cumbria County Council") == Authority("Cumbria", "E10000006")


def test_every_authority_named_in_the_corpus_listing() -> None:
    with (LETTERS / "SOURCES.tsv").open(encoding="utf-8") as handle:
        names = {row["authority"] for row in csv.DictReader(handle, delimiter="\t")}
    unresolved = {n for n in names if authorities.resolve(n) is None}
    assert not unresolved
