"""Result terms as plain Python values (IRIs as str, typed literals as date/int/float/bool/Decimal),
from rdflib terms (`to_python`) or straight from pyoxigraph's (`ox_to_python`).

The second exists so that a listing streamed from the embedded store never builds an rdflib term
for a value it prints: at x10, turning a few thousand rows into URIRef/Literal objects and back
cost as much as the query. Both give equal values for the same term (tests/test_row_values.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .rdf_io import XSD_IRI

if TYPE_CHECKING:
    from rdflib.term import Identifier

_INTEGER_TYPES = {
    XSD_IRI + t
    for t in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
_FLOAT_TYPES = {XSD_IRI + "double", XSD_IRI + "float"}


def _date(lexical: str) -> dt.date:
    return dt.date.fromisoformat(lexical[:10])


def _datetime(lexical: str) -> dt.datetime:
    return dt.datetime.fromisoformat(lexical.replace("Z", "+00:00"))


def _boolean(lexical: str) -> bool:
    return lexical in ("true", "1")


def _integer(lexical: str) -> int:
    return int(lexical)


# Datatype IRI -> converter of the lexical form; a datatype not here keeps its text.
_CONVERTERS: dict[str, Callable[[str], Any]] = {
    **dict.fromkeys(_INTEGER_TYPES, _integer),
    **dict.fromkeys(_FLOAT_TYPES, float),
    XSD_IRI + "date": _date,
    XSD_IRI + "dateTime": _datetime,
    XSD_IRI + "boolean": _boolean,
    XSD_IRI + "decimal": Decimal,
}


def _convert(lexical: str, datatype: str | None) -> Any:
    converter = _CONVERTERS.get(datatype) if datatype else None
    if converter is None:
        return lexical
    try:
        return converter(lexical)
    except (ValueError, ArithmeticError):
        return lexical  # an ill-typed literal keeps its text rather than failing the whole query


def to_python(term: Identifier | None) -> Any:
    """A result term (rdflib) as a plain Python value: IRIs as str, typed literals as
    date/int/float/bool/Decimal, other literals as their text."""
    from rdflib import Literal

    if term is None:
        return None
    if not isinstance(term, Literal):
        return str(term)
    return _convert(str(term), str(term.datatype) if term.datatype else None)


def ox_to_python(term: object) -> Any:
    """`to_python` of a pyoxigraph term, without making the rdflib term."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        return _convert(term.value, term.datatype.value)
    return term.value  # type: ignore[attr-defined]  # NamedNode, BlankNode
