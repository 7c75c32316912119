"""Resolve an authority's name as Ofsted prints it to the reference lookup of English authorities.

Letters name an authority in many ways: "Peterborough City Council", "London Borough of Barking
and Dagenham", "Royal Borough of Kingston-upon-Thames", "Brighton & Hove", "Council of the Isles of
Scilly", "City of London Corporation", "City of York Council", "London Borough of Brent Council",
"Newcastle City Council", "East Riding", or by the children's trust that runs its services
("Slough Children First", "Brighter Futures for Children"). `resolve()` normalises case,
punctuation and possessives, then finds every reference name and alias printed as whole words in
the text; a name inside a longer one found there ("Somerset" in "North Somerset", "Hull" in
"Kingston upon Hull") does not count. It never guesses: no name, or names of two different
authorities ("Kent" and "Medway"), gives None.

The lookup (loaders/reference/la_lookup_d2i.csv, read with importlib.resources) gives each
authority's ONS name, GSS code, Ofsted URN, DfE LA number, region and ten statistical neighbours.
la_lookup_jt39.csv supplies GSS codes the first file lacks (Cumbria, Northamptonshire, Poole) and
the alternative codes of authorities whose code changed (Barnsley, Sheffield); both resolve.
"""

from __future__ import annotations

import csv
import functools
import io
import re
from dataclasses import dataclass
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Imported where used: the answer commands look authorities up but never build a record,
    # and the record module's dataclasses are 15 ms of their start-up.
    from .record import Authority

REFERENCE_PACKAGE = "ofsted_kg.loaders.reference"
PRIMARY_FILE = "la_lookup_d2i.csv"
SECONDARY_FILE = "la_lookup_jt39.csv"

# Children's services run by a trust or company whose name does not contain the authority's.
# "Achieving for Children" serves Kingston and Richmond (and Windsor and Maidenhead): ambiguous,
# so deliberately absent.
SERVICE_ALIASES: dict[str, str] = {
    "brighter futures for children": "Reading",
    "together for children": "Sunderland",
    "children first northamptonshire": "Northamptonshire",
}

# Extra printed forms of reference names (keys and values are normalised text).
NAME_ALIASES: dict[str, str] = {
    "county durham": "Durham",
    "hull": "Kingston Upon Hull, City of",
    "kingston upon hull": "Kingston Upon Hull, City of",
    "city of kingston upon hull": "Kingston Upon Hull, City of",
    "bristol": "Bristol, City of",
    "city of bristol": "Bristol, City of",
    "bcp": "Bournemouth, Christchurch and Poole",
    "st helens": "St. Helens",
    "bedford": "Bedford Borough",
    "herefordshire county of": "Herefordshire",
    "nottingham city": "Nottingham",
    # Short forms the councils and Ofsted use themselves.
    "newcastle": "Newcastle upon Tyne",
    "east riding": "East Riding of Yorkshire",
    "southend": "Southend-on-Sea",
}

# Places whose names contain an alias but are not that authority (normalised text): removed from
# the text before names are looked for. Newcastle-under-Lyme is a district of Staffordshire.
NOT_AUTHORITIES: tuple[str, ...] = ("newcastle under lyme",)


# England's nine regions (ONS E12 codes and names). The lookup spells some names two ways
# ("Yorkshire and the Humber" / "... The Humber") and gives Buckinghamshire and Gloucestershire the
# code of another region; the printed name is right in every row, so it decides both.
REGIONS: dict[str, str] = {
    "E12000001": "North East",
    "E12000002": "North West",
    "E12000003": "Yorkshire and The Humber",
    "E12000004": "East Midlands",
    "E12000005": "West Midlands",
    "E12000006": "East of England",
    "E12000007": "London",
    "E12000008": "South East",
    "E12000009": "South West",
}
_REGION_BY_NAME = {name.casefold(): code for code, name in REGIONS.items()}


def _region(name: str, code: str) -> tuple[str, str]:
    """(code, name) of a lookup row's region, by its name where the name is one of the nine."""
    found = _REGION_BY_NAME.get(" ".join(name.split()).casefold())
    if found is not None:
        return found, REGIONS[found]
    return code, name


@dataclass(frozen=True)
class AuthorityInfo:
    """One row of the reference lookup, typed, for the graph builder."""

    name: str  # ONS name, e.g. "Kingston Upon Hull, City of"
    gss_code: str  # current GSS code (E06/E08/E09/E10...)
    urn: str  # Ofsted URN of the authority's children's services
    la_number: str  # old DfE LA number, e.g. "874"
    region_code: str  # E12...
    region_name: str
    la_type: str  # "Unitary Authority", "London Borough", ...
    statistical_neighbours: tuple[str, ...]  # GSS codes, nearest first
    other_gss_codes: tuple[str, ...] = ()  # codes the same authority carries in the other lookup
    legacy: bool = False  # abolished by reorganisation (Cumbria, Northamptonshire, Poole): no current code

    def authority(self) -> Authority:
        from .record import Authority

        return Authority(name=self.name, gss_code=self.gss_code)


def normalise(text: str) -> str:
    """Lower case, '&' -> 'and', possessive 's and apostrophes dropped, other punctuation and hyphens
    -> spaces."""
    text = text.lower().replace("&", " and ")
    text = re.sub(r"[’'`‘]s\b", "", text)
    text = re.sub(r"[’'`‘]", "", text)
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _read_csv(filename: str) -> list[dict[str, str]]:
    data = (resources.files(REFERENCE_PACKAGE) / filename).read_text(encoding="utf-8-sig")
    return list(csv.DictReader(io.StringIO(data)))


def _codes(value: str) -> tuple[str, ...]:
    return tuple(c.strip() for c in value.split(",") if c.strip())


@functools.lru_cache(maxsize=1)
def all_authorities() -> tuple[AuthorityInfo, ...]:
    """Every authority in the reference lookup, in file order: 153 current and 3 legacy (`legacy=True`)."""
    secondary = {row["urn"]: row for row in _read_csv(SECONDARY_FILE)}
    out: list[AuthorityInfo] = []
    for row in _read_csv(PRIMARY_FILE):
        other = secondary.get(row["urn"], {})
        code = row["la_code_new"].strip() or other.get("la_code_new", "").strip()
        if not code:
            continue
        alt = other.get("la_code_new", "").strip()
        region_code, region_name = _region(
            row["rgn22nm"].strip() or row["region_name"].strip(),
            row["rgn22cd"].strip() or row["region_code"].strip(),
        )
        out.append(
            AuthorityInfo(
                name=row["local_authority_ons_name"].strip(),
                gss_code=code,
                urn=row["urn"].strip(),
                la_number=row["la_code"].strip(),
                region_code=region_code,
                region_name=region_name,
                la_type=row["ons_la_type"].strip(),
                statistical_neighbours=_codes(row["stat_neighbours_la_code"]),
                other_gss_codes=(alt,) if alt and alt != code else (),
                legacy=not row["la_code_new"].strip(),
            )
        )
    return tuple(out)


@functools.lru_cache(maxsize=1)
def _by_code() -> dict[str, AuthorityInfo]:
    index: dict[str, AuthorityInfo] = {}
    for info in all_authorities():
        for code in (info.gss_code, *info.other_gss_codes):
            index.setdefault(code, info)
    return index


def lookup(gss_code: str) -> AuthorityInfo | None:
    """The reference record for a GSS code (current or alternative), or None."""
    return _by_code().get(gss_code.strip().upper())


# Reorganisations of the legacy authorities in the reference lookup (GSS -> successors' GSS).
SUCCESSORS: dict[str, tuple[str, ...]] = {
    "E10000006": ("E06000063", "E06000064"),  # Cumbria -> Cumberland, Westmorland and Furness (2023)
    "E10000021": ("E06000061", "E06000062"),  # Northamptonshire -> North, West Northamptonshire (2021)
    "E06000029": ("E06000058",),  # Poole -> Bournemouth, Christchurch and Poole (2019)
}


@functools.lru_cache(maxsize=1)
def name_index() -> dict[str, AuthorityInfo]:
    """Every normalised reference name and alias -> its authority."""
    by_name = {info.name: info for info in all_authorities()}
    index: dict[str, AuthorityInfo] = {}
    for info in all_authorities():
        index[normalise(info.name)] = info
    for row in _read_csv(PRIMARY_FILE):
        named = by_name.get(row["local_authority_ons_name"].strip())
        if not named:
            continue
        for alias in re.findall(r"[^\[\],]+(?:,\s*[^\[\],]+)*", row["also_known_as"].strip("[] ")):
            for part in alias.split(", ") if "&" not in alias else [alias]:
                if normalise(part):
                    index.setdefault(normalise(part), named)
    for alias, target in {**NAME_ALIASES, **SERVICE_ALIASES}.items():
        if target in by_name:
            index[normalise(alias)] = by_name[target]
    return index


def resolve_info(name: str) -> AuthorityInfo | None:
    """The reference record for an authority name as printed, or None (never a guess)."""
    text = normalise(name)
    if not text:
        return None
    index = name_index()
    if text in index:
        return index[text]
    padded = f" {text} "
    for place in NOT_AUTHORITIES:
        padded = padded.replace(f" {place} ", " " + "_" * len(place) + " ")
    found: list[tuple[int, int, str]] = []  # (start, end, GSS code) of each name printed
    for key, info in index.items():
        needle = f" {key} "
        at = padded.find(needle)
        while at >= 0:
            found.append((at, at + len(needle), info.gss_code))
            at = padded.find(needle, at + 1)
    # A name inside a longer name found at the same place is part of it, not a second authority.
    codes = {
        code
        for start, end, code in found
        if not any(a <= start and end <= b and (b - a) > (end - start) for a, b, _ in found)
    }
    if len(codes) != 1:
        return None
    return _by_code()[codes.pop()]


def resolve(name: str) -> Authority | None:
    """Authority(name=ONS name, gss_code) for a printed name, or None.

    resolve("London Borough of Barking and Dagenham") -> Authority("Barking and Dagenham", "E09000002")
    resolve("Brighton & Hove City Council") -> Authority("Brighton and Hove", "E06000043")
    resolve("Achieving for Children") -> None  (serves several authorities)
    """
    info = resolve_info(name)
    return info.authority() if info else None
