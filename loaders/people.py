"""People named in the letters: inspectors, their roles and inspectorates.

Names reach the record without honorifics (Mr, Mrs, Ms, Miss, Dr...), post-nominals (HMI, SHMI,
OBE...), role phrases ("Her Majesty's Inspector", "Ofsted Inspector", "Senior HMI") or curly
quotes, whitespace collapsed. Public functions:

- `clean_name(raw)`               -> "Louise Warren" from "Mrs Louise Warren, HMI"
- `role_of(raw)`                  -> an InspectorRole notation read from a phrase, or None
- `inspectorate_of(role)`         -> "ofsted" | "cqc" | "hmicfrs" | "hmi_probation"
- `parse_inspectors(phrase)`      -> [Inspector] from "The inspectors were X, HMI, and Y, HMI." and
                                     "His Majesty's Inspectors for this visit were A, B and C."
- `mark_lead(inspectors, name)`   -> the list with the named inspector (matched loosely) as lead
- `same_person(a, b)`             -> names equal after cleaning, case and accents aside
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .record import Inspector, Inspectorate, InspectorRole

HONORIFICS = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Professor", "Sir", "Dame", "Cllr", "Councillor")
POST_NOMINALS = (
    "HMI",
    "SHMI",
    "OI",
    "OBE",
    "MBE",
    "CBE",
    "DBE",
    "QPM",
    "JP",
    "PhD",
    "MSc",
    "MA",
    "BA",
    "CQC",
)

_HONORIFIC_RE = re.compile(rf"^(?:(?:{'|'.join(HONORIFICS)})\.?\s+)+", re.IGNORECASE)
_MAJESTY = r"(?:Her|His)\s+Majesty['’]?s"

# Role phrases, most specific first: (pattern, role notation).
_ROLE_PHRASES: tuple[tuple[str, InspectorRole], ...] = (
    (rf"\b{_MAJESTY}\s+Inspectors?\s+of\s+Constabulary|\bHMICFRS\b", "hmicfrs_inspector"),
    (rf"\b{_MAJESTY}\s+Inspectorate\s+of\s+Probation|\bprobation\s+inspector", "probation_inspector"),
    (r"\bCQC\b|Care\s+Quality\s+Commission", "cqc_inspector"),
    (
        r"\bOfsted\s+(?:lead\s+)?Inspectors?\b|\bSocial\s+Care\s+Regulatory\s+Inspector|\bOIs?\b",
        "ofsted_inspector",
    ),
    (rf"\b(?:Senior\s+)?{_MAJESTY}\s+Inspectors?\b|\bS?HMIs?\b", "hmi"),
)
ROLE_PATTERNS: tuple[tuple[re.Pattern[str], InspectorRole], ...] = tuple(
    (re.compile(p, re.IGNORECASE), role) for p, role in _ROLE_PHRASES
)

# A role phrase printed after a name ("X, Her Majesty's Inspector", "X HMI", "X, Ofsted Inspector").
_TRAILING_ROLE_RE = re.compile(
    rf"[\s,]*(?:(?:both|all(?:\s+of\s+whom\s+are)?)\s+)?(?:Senior\s+)?(?:{_MAJESTY}\s+Inspectors?"
    rf"(?:\s+of\s+\w+)?|Ofsted\s+(?:lead\s+)?(?:HMI|Inspectors?)|CQC\s+(?:lead\s+)?Inspectors?|S?HMI"
    rf"|Social\s+Care\s+Regulatory\s+Inspector|Lead\s+inspector|Inspector)\s*$",
    re.IGNORECASE,
)
_POST_NOMINAL_RE = re.compile(rf"(?:[\s,]+(?:{'|'.join(POST_NOMINALS)})\b\.?)+\s*$")

# The phrase leading into a list of inspectors.
_GROUP = rf"{_MAJESTY}\s+Inspectors|Ofsted\s+Inspectors|HMI"
_LEAD_IN_RE = re.compile(
    rf"^.*?\b(?:carried\s+out\s+by\s+(?:(?P<group1>{_GROUP})\s+)?"
    rf"|(?P<group>{_GROUP})\s+(?:for\s+this\s+visit\s+)?were"
    r"|the\s+inspectors?\s+(?:for\s+this\s+visit\s+)?(?:were|was)|inspectors?\s*:)\s*",
    re.IGNORECASE,
)


# "(HMI)", "(HMIs)", "(OI)", "(CQC)": an abbreviation in brackets.
_BRACKETED_ABBREVIATION_RE = re.compile(r"\s*\(\s*([A-Z][A-Z&]{1,7}s?)\s*\)")
# A role phrase (or just "inspectors") ending the text before such a bracket.
_ROLE_BEFORE_RE = re.compile(
    rf"(?:{_MAJESTY}\s+Inspectors?|\bInspectors?|\bS?HMIs?|\bCQC|\bOfsted)\s*$", re.IGNORECASE
)


def _unbracket_abbreviations(text: str) -> str:
    """Drop an abbreviation bracketed after the role phrase it abbreviates ("His Majesty's Inspectors
    (HMI) for this visit were", "X, Ofsted Inspector (OI)"); after a name, it is that person's role
    ("X (HMI) and Y (OI)" -> "X, HMI and Y, OI")."""

    def replace_one(m: re.Match[str]) -> str:
        return "" if _ROLE_BEFORE_RE.search(text, 0, m.start()) else ", " + m[1]

    return _BRACKETED_ABBREVIATION_RE.sub(replace_one, text)


def _fold(text: str) -> str:
    return text.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')


def clean_name(raw: str) -> str:
    """A person's name without honorific, post-nominals, role phrase, quotes or stray punctuation."""
    text = _fold(raw)
    text = re.sub(r"\s+", " ", text).strip().strip("\"'.,;: ")
    previous = None
    while previous != text:
        previous = text
        text = _TRAILING_ROLE_RE.sub("", text)
        text = _POST_NOMINAL_RE.sub("", text)
        text = text.strip().strip("\"'.,;: ")
    text = _HONORIFIC_RE.sub("", text)
    return text.strip().strip("\"'.,;: ")


def role_of(raw: str) -> InspectorRole | None:
    """The inspector role a phrase states ('hmi', 'ofsted_inspector', 'cqc_inspector', ...), or None."""
    text = _fold(raw)
    for pattern, role in ROLE_PATTERNS:
        if pattern.search(text):
            return role
    return None


_INSPECTORATES: dict[InspectorRole, Inspectorate] = {
    "cqc_inspector": "cqc",
    "cqc_lead": "cqc",
    "hmicfrs_inspector": "hmicfrs",
    "probation_inspector": "hmi_probation",
}


def inspectorate_of(role: InspectorRole) -> Inspectorate:
    return _INSPECTORATES.get(role, "ofsted")


def _segments(listing: str) -> list[str]:
    # "X, HMI, and Y, HMI" / "A, B and C" / "X HMI and Y HMI": commas and "and" separate items;
    # an item that is only a role phrase belongs to the name before it.
    parts = re.split(r"\s*,\s*(?:and\s+)?|\s+and\s+|\s*&\s*|\s*;\s*", listing)
    return [p.strip() for p in parts if p and p.strip()]


def _looks_like_name(text: str) -> bool:
    words = text.split()
    return 1 < len(words) <= 5 and all(
        w[:1].isupper() or w[:1] in "'’(" or w.lower() in _PARTICLES for w in words
    )


_PARTICLES = frozenset({"de", "van", "von", "der", "da", "di", "le", "la", "du", "o", "bin", "al"})


def parse_inspectors(phrase: str, default_role: InspectorRole = "hmi") -> list[Inspector]:
    """Inspectors named in one sentence, each with the role printed beside it (else the group's role).

    'The inspectors were Louise Warren, HMI, and John Roughton, HMI.' -> [Louise Warren, John Roughton]
    'The inspectors for this visit were Parveen Hussain, His Majesty's Inspector, and Nick Stacey,
    Ofsted Inspector.' -> [Parveen Hussain (hmi), Nick Stacey (ofsted_inspector)]
    No lead is set: the caller knows who leads (for focused visits, the signing inspector).
    """
    text = _unbracket_abbreviations(re.sub(r"\s+", " ", _fold(phrase)).strip())
    lead_in = _LEAD_IN_RE.match(text)
    group_role = default_role
    if lead_in:
        group = lead_in["group"] or lead_in["group1"]
        if group:
            group_role = role_of(group) or default_role
        text = text[lead_in.end() :]
    text = re.split(r"\.\s|\.$", text, maxsplit=1)[0]
    # "..., both Her Majesty's Inspectors" / "all of whom are Her Majesty's Inspectors" apply to all.
    tail = re.search(r",?\s*(?:both|all\s+of\s+whom\s+are|all)\s+(.+)$", text)
    if tail and role_of(tail[1]):
        group_role = role_of(tail[1]) or group_role
        text = text[: tail.start()]
    people: list[tuple[str, InspectorRole]] = []
    for segment in _segments(text):
        name = clean_name(segment)
        role = role_of(segment)
        if not name or not _looks_like_name(name):
            if role and people:  # a role standing alone after a name
                people[-1] = (people[-1][0], role)
            continue
        people.append((name, role or group_role))
    return [Inspector(name=n, role=r, inspectorate=inspectorate_of(r)) for n, r in people]


def _key(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", clean_name(name)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z]+", " ", ascii_name.lower()).strip()


def same_person(a: str, b: str) -> bool:
    return bool(_key(a)) and _key(a) == _key(b)


def mark_lead(inspectors: list[Inspector], lead_name: str | None) -> list[Inspector]:
    """Inspectors with `lead` set on the one matching `lead_name` (cleaned); unchanged if none match."""
    if not lead_name:
        return list(inspectors)
    return [replace(i, lead=same_person(i.name, lead_name)) for i in inspectors]
