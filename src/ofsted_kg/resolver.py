"""One resolver for what people type: authorities, regions and concept notations (themes,
document types, polarities, finding kinds), for every command, query parameter and API call.

A person asks for an authority the way they say it: "Peterborough", "peterborough", "Hull",
"Kingston upon Hull", "East Riding", "Southend", "Bristol City Council", "London Borough of
Hackney", a GSS code (E06000031), an Ofsted URN (80537) or an old DfE LA number (874).
`resolve_authority` turns any of these into the reference record, or raises `UnknownAuthority`
(a usage error, exit 2) naming the nearest matches, never an empty answer.

Unlike `loaders.authorities.resolve` (which reads names printed in a report and must never
guess), this accepts a unique word prefix ("East Riding" -> East Riding of Yorkshire) because a
person typing a name sees the answer and can correct it; an ambiguous prefix ("Kingston") is an
error that lists the candidates.

Former authorities (Cumbria, Northamptonshire, Poole) resolve to themselves, since their reports
are theirs; `present_day` maps them to their successors for questions about today.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from typing import TYPE_CHECKING

from .errors import UsageError
from .loaders import authorities
from .loaders.authorities import AuthorityInfo, normalise

if TYPE_CHECKING:
    from rdflib import URIRef

# What people put around a name: dropped before matching ("London Borough of Hackney Council").
_AFFIXES = re.compile(
    r"^(?:the )?(?:(?:royal |london )?borough (?:council )?of |city (?:council )?of |county (?:council )?of "
    r"|council of (?:the )?|metropolitan borough of |city and county of )"
    r"|(?: metropolitan)?(?: borough| city| county| district)?(?: council)?$"
)
# Short forms people use that are not a prefix of the reference name.
_SHORT_FORMS: dict[str, str] = {
    "hull": "E06000010",
    "bcp": "E06000058",
    "durham": "E06000047",
    "county durham": "E06000047",
    "bristol": "E06000023",
    "st helens": "E08000013",
    "saint helens": "E08000013",
    "b and nes": "E06000022",
    "banes": "E06000022",
    "ne lincs": "E06000012",
    "north east lincs": "E06000012",
    "n lincs": "E06000013",
    "north lincs": "E06000013",
    "kandc": "E09000020",
    "rbkc": "E09000020",
    "lbbd": "E09000002",
    "hammersmith": "E09000013",
    "fulham": "E09000013",
    "windsor": "E06000040",
    "maidenhead": "E06000040",
    "blackburn": "E06000008",
    "darwen": "E06000008",
    "telford": "E06000020",
    "redcar": "E06000003",
    "stockton": "E06000004",
    "stoke": "E06000021",
    "newcastle": "E08000021",
    "brighton": "E06000043",
    "hove": "E06000043",
    "bedford": "E06000055",
    "herefordshire": "E06000019",
    "isle of scilly": "E06000053",
    "scilly": "E06000053",
    "city of london corporation": "E09000001",
    "corporation of london": "E09000001",
}


class UnknownAuthority(UsageError):
    """No authority, or more than one, answers to the name given (exit 2)."""

    def __init__(
        self, given: str, candidates: list[str], *, ambiguous: bool = False, region: str | None = None
    ) -> None:
        self.given = given
        self.candidates = candidates
        if ambiguous:
            message = f"{given!r} could be any of: {'; '.join(candidates)} — say which"
        elif region:
            quoted = f'"{region}"' if " " in region else region
            message = (
                f"no authority called {given!r}: {region} is a region (where a command takes "
                f"--region, give it there; its authorities are listed by `ofsted-kg summary --region {quoted}`)"
            )
        elif candidates:
            message = f"no authority called {given!r}; did you mean {' or '.join(candidates)}?"
        else:
            message = f"no authority called {given!r} (try a name, a GSS code, an Ofsted URN or an LA number)"
        super().__init__(message)


@functools.lru_cache(maxsize=1)
def _codes() -> dict[str, AuthorityInfo]:
    index: dict[str, AuthorityInfo] = {}
    for info in authorities.all_authorities():
        for code in (info.gss_code, *info.other_gss_codes):
            index.setdefault(code.upper(), info)
        if info.urn:
            index.setdefault(info.urn, info)
        if info.la_number:
            index.setdefault(info.la_number, info)
    return index


@functools.lru_cache(maxsize=1)
def _names() -> dict[str, AuthorityInfo]:
    """Every normalised name and alias -> its authority (reference names, aliases, short forms)."""
    by_code = {info.gss_code: info for info in authorities.all_authorities()}
    index = dict(authorities.name_index())
    for info in authorities.all_authorities():
        # "Kingston Upon Hull, City of" is also said "City of Kingston upon Hull" and "Kingston upon Hull".
        if "," in info.name:
            head, _, tail = info.name.partition(",")
            index.setdefault(normalise(head), info)
            index.setdefault(normalise(f"{tail} {head}"), info)
    for short, code in _SHORT_FORMS.items():
        index[normalise(short)] = by_code[code]
    return index


def _strip_affixes(text: str) -> str:
    previous = None
    while previous != text:
        previous, text = text, _AFFIXES.sub("", text).strip()
    return text


def resolve_authority(given: str) -> AuthorityInfo:
    """The reference record for what a person typed; raises UnknownAuthority (exit 2) otherwise."""
    text = _plain(given or "").strip()
    if not text:
        raise UnknownAuthority(given, [])
    code = _codes().get(text.upper())
    if code is not None:
        return code
    key = normalise(text)
    names = _names()
    for candidate in (key, _strip_affixes(key)):
        if candidate in names:
            return names[candidate]
    stripped = _strip_affixes(key)
    # A unique word prefix of a name ("east riding", "southend", "richmond").
    matches = {
        info.gss_code: info
        for name, info in names.items()
        if stripped and (name + " ").startswith(stripped + " ")
    }
    if len(matches) == 1:
        return next(iter(matches.values()))
    if len(matches) > 1:
        raise UnknownAuthority(given, sorted(info.name for info in matches.values()), ambiguous=True)
    # No search for a name inside longer text (as the report reader does): 'Peterborough" } DROP'
    # must not quietly mean Peterborough.
    raise UnknownAuthority(given, nearest(text), region=_regions_by_key().get(_region_key(text)))


def _plain(text: str) -> str:
    """What a person typed, compatibility forms folded and accents dropped: full-width letters
    ("ＨＵＬＬ"), ligatures and "Pétérborough" mean the plain name."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def nearest(given: str, limit: int = 3) -> list[str]:
    """Reference names closest to a mistyped name, best first."""
    names = _names()
    close = difflib.get_close_matches(normalise(given), list(names), n=limit * 3, cutoff=0.6)
    out: list[str] = []
    for key in close:
        name = names[key].name
        if name not in out:
            out.append(name)
    return out[:limit]


def present_day(info: AuthorityInfo) -> tuple[AuthorityInfo, ...]:
    """The authorities serving a former authority's area today (itself if it still exists)."""
    successors = authorities.SUCCESSORS.get(info.gss_code)
    if not successors:
        return (info,)
    found = tuple(authorities.lookup(code) for code in successors)
    return tuple(s for s in found if s is not None)


def authority_iri(given: str) -> URIRef:
    """The authority's IRI in the graph for what a person typed (also its IRI itself)."""
    from . import iris

    text = (given or "").strip()
    if text.startswith(iris.AUTHORITY_PREFIX):
        text = text.rsplit("/", 1)[-1]  # the authority's own IRI: its GSS code
    return iris.authority(resolve_authority(text).gss_code)


# ---- regions and concept notations: the other closed vocabularies a person types ------------------


def _region_key(text: str) -> str:
    return " ".join(text.casefold().replace("&", "and").split())


@functools.lru_cache(maxsize=1)
def _regions_by_key() -> dict[str, str]:
    return {_region_key(name): name for name in authorities.REGIONS.values()}


def resolve_region(text: str, *, option: str | None = None) -> str:
    """England's region a person named (any case, "Yorkshire and the Humber", an E12 code, a unique
    first word such as "London" or "Yorkshire"); a usage error listing the nine otherwise, led by
    `option` where given (as `resolve_notation`'s)."""
    given = " ".join((text or "").split())
    wanted = _region_key(given)
    by_name = _regions_by_key()
    if given.upper() in authorities.REGIONS:
        return authorities.REGIONS[given.upper()]
    if wanted in by_name:
        return by_name[wanted]
    starts = [name for key, name in by_name.items() if wanted and (key + " ").startswith(wanted + " ")]
    if len(starts) == 1:
        return starts[0]
    close = difflib.get_close_matches(wanted, list(by_name), n=2, cutoff=0.6)
    hint = f"did you mean {' or '.join(by_name[c] for c in close)}? " if close else ""
    lead = f"{option}: " if option else ""
    raise UsageError(
        f"{lead}no region called {given!r}; {hint}the regions are: {'; '.join(authorities.REGIONS.values())}"
    )


# How each closed vocabulary is named in a message, and where the long one is listed.
_VOCABULARY_NAMES = {
    "theme": ("theme", "`ofsted-kg query select_themes` lists them"),
    "document_type": ("document type", ""),
    "polarity": ("polarity", ""),
    "finding_kind": ("finding kind", ""),
    "period": ("period", ""),
}
# Vocabularies of ofsted-kg's own, not concept schemes of the ontology.
_OWN_VOCABULARIES: dict[str, tuple[tuple[str, str], ...]] = {
    "period": (("region", "by region"), ("year", "by year")),
}


def _notation_key(text: str) -> str:
    return " ".join(
        text.casefold().replace("-", " ").replace("_", " ").replace("'", "").replace("’", "").split()
    )


def resolve_notation(vocabulary: str, given: str, *, option: str) -> str:
    """The notation of a concept of `vocabulary` (a key of `notations.NOTATIONS`: theme,
    document_type, polarity, finding_kind; or "period": year or region) from its notation or English label in any case, with
    hyphens, underscores or spaces ("Placement sufficiency", "ILACS inspection report",
    "area-for-improvement"); a usage error naming `option` and the nearest otherwise, so a
    mistyped value is never a silent empty answer."""
    from .notations import NOTATIONS

    by_key: dict[str, str] = {}
    choices = _OWN_VOCABULARIES.get(vocabulary) or NOTATIONS[vocabulary]
    for notation, label in choices:
        by_key.setdefault(_notation_key(notation), notation)
        by_key.setdefault(_notation_key(label), notation)
    key = _notation_key(given or "")
    if key in by_key:
        return by_key[key]
    # Concepts whose names hold every word given ("placement" -> placement-sufficiency,
    # placement-stability...) before spelling neighbours: a user who types one word of a theme
    # means that topic, and difflib ranks a short word against long names by length.
    words = key.split()
    holding = [
        notation
        for k, notation in sorted(by_key.items())
        if words and all(any(part.startswith(w) for part in k.split()) for w in words)
    ]
    if len(set(holding)) == 1:
        return holding[0]  # the words name one concept ("sufficiency", "front")
    # Then names with a word spelt like each word given ("placment sufficency"), then names
    # spelt like the whole.
    spelt = [
        notation
        for k, notation in sorted(by_key.items())
        if words and all(difflib.get_close_matches(w, k.split(), n=1, cutoff=0.75) for w in words)
    ]
    close = difflib.get_close_matches(key, list(by_key), n=3)
    nearest_ones = list(dict.fromkeys([*holding, *spelt, *(by_key[c] for c in close)]))[:5]  # each once
    what, listed = _VOCABULARY_NAMES[vocabulary]
    hint = f"; did you mean {' or '.join(nearest_ones)}?" if nearest_ones else ""
    every = listed or "choose from " + ", ".join(n for n, _ in choices)
    raise UsageError(f"{option}: no {what} {given!r}{hint} ({every})")
