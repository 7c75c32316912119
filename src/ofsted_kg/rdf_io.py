"""RDF in and out, in one place: the formats, the prefix table, term conversion and serialisation.

- Formats are pyoxigraph's `RdfFormat` enum, named as the CLI names them (`turtle`, `nt` ...);
  a file suffix maps to one, and an unknown suffix is a usage error, never a silent default.
- `PREFIXES` is the ontology's own prefix table (generated into `ofsted_kg.namespace` from the
  `@prefix` lines of ontology/*.ttl) plus `id:` for instance IRIs. Exports, CONSTRUCT output,
  the named queries (a test checks every PREFIX line) and the test fixtures all use it, so
  `schema:` is `https://schema.org/` everywhere, as in the data.
- Terms cross between pyoxigraph and rdflib through `to_rdflib` / `to_ox` (`TermConverter`
  caches a result set's repeated IRIs), and are written in N-Triples syntax (which SPARQL also
  reads) by one function, `nt_term`, built on pyoxigraph's validating constructors and its own
  escaping: an IRI holding `>` or a space, or a bad language tag, is refused, so a value can
  never break out of the text it is placed in. `to_ox` and `nt_term` take pyoxigraph terms as
  they are, so a caller that only reads (the analysts' commands) binds its parameters as
  pyoxigraph terms and never imports rdflib: its import was a third of their start-up.
  This module imports rdflib (and the ontology's namespace module, which needs it) only when a
  function that needs it runs.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import UsageError

if TYPE_CHECKING:
    from rdflib.term import BNode, Identifier, URIRef
    from rdflib.term import Literal as RdflibLiteral

# Name (as --format takes it) -> pyoxigraph format.
RDF_FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}
# Formats that carry graph names (the others merge every graph's triples).
DATASET_FORMATS = frozenset(name for name, fmt in RDF_FORMATS.items() if fmt.supports_datasets)
# Formats that write prefixes.
PREFIXED_FORMATS = frozenset({"turtle", "trig"})
SUFFIXES: dict[str, str] = {
    ".ttl": "turtle",
    ".turtle": "turtle",
    ".trig": "trig",
    ".nt": "nt",
    ".nq": "nq",
    ".jsonld": "jsonld",
    ".json": "jsonld",
}


@cache
def _prefixes() -> dict[str, str]:
    from . import iris
    from .namespace import PREFIXES as ONTOLOGY_PREFIXES

    return {**ONTOLOGY_PREFIXES, "id": iris.BASE}


def __getattr__(name: str) -> dict[str, str]:
    # PREFIXES is built on first use (PEP 562): the namespace module it comes from imports rdflib.
    if name == "PREFIXES":
        return _prefixes()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# XML Schema datatypes, as IRI text: what reads rows or types parameters needs no rdflib.
XSD_IRI = "http://www.w3.org/2001/XMLSchema#"

# An absolute IRI as a person may give one (a scheme, a colon, no character an IRIREF forbids).
_ABSOLUTE_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]*$")


def is_absolute_iri(text: str) -> bool:
    """Whether `text` can be bound or named as an IRI (checked before a store parses it)."""
    return bool(_ABSOLUTE_IRI.match(text))


_XSD_STRING = XSD_IRI + "string"


def format_for_suffix(path: str | Path, suffixes: Mapping[str, str] = SUFFIXES) -> str:
    """The format a file name asks for; UsageError naming the known suffixes when it asks for none."""
    suffix = Path(path).suffix.lower()
    if suffix in suffixes:
        return suffixes[suffix]
    known = " ".join(sorted(suffixes))
    what = f"suffix {suffix!r}" if suffix else "no suffix"
    raise UsageError(f"{path}: {what} names no output format (known: {known}); or give --format")


def prefixes_for(fmt: str) -> dict[str, str] | None:
    """The prefix table when `fmt` writes prefixes, else None (pyoxigraph's `prefixes=` argument)."""
    return _prefixes() if fmt in PREFIXED_FORMATS else None


def sparql_prefixes() -> str:
    """The prefix table as SPARQL PREFIX lines."""
    return "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in sorted(_prefixes().items()))


# -- terms ----------------------------------------------------------------------------------------


def to_rdflib(term: object) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (None stays None); the lexical form is kept exactly."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == _XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unexpected term from the store: {term!r}")


OxTerm = ox.NamedNode | ox.BlankNode | ox.Literal


def to_ox(term: Identifier | OxTerm | str) -> OxTerm:
    """An rdflib term (or a plain str, as a literal; a pyoxigraph term as it is) as a pyoxigraph
    term; ValueError when invalid (an IRI with a space or `>`, a bad language tag)."""
    if isinstance(term, (ox.NamedNode, ox.BlankNode, ox.Literal)):
        return term
    if type(term) is str:
        return ox.Literal(term)
    URIRef, Literal, BNode = _rdflib_terms()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None and term.datatype != _XSD_STRING:
            # One NamedNode a datatype: ingest writes some 800 distinct terms a document.
            return ox.Literal(str(term), datatype=_ox_datatype(str(term.datatype)))
        return ox.Literal(str(term))
    if isinstance(term, str):
        return ox.Literal(term)
    raise TypeError(f"not an RDF term: {term!r}")


def nt_term(term: Identifier | OxTerm | str) -> str:
    """One term in N-Triples syntax (also valid SPARQL), escaped by pyoxigraph."""
    return str(to_ox(term))


@cache
def _rdflib_terms() -> tuple[type[URIRef], type[RdflibLiteral], type[BNode]]:
    """rdflib's URIRef, Literal and BNode, imported on first use (see the module's docstring)."""
    from rdflib import BNode, Literal, URIRef

    return URIRef, Literal, BNode


@cache
def _ox_datatype(datatype: str) -> ox.NamedNode:
    return ox.NamedNode(datatype)


class TermConverter:
    """`to_rdflib` for one result set, making each distinct IRI and literal once: results repeat
    predicates and subjects, and URIRef's validation cost more than the query (a whole
    inspection's 8,563 triples: ~2x faster)."""

    def __init__(self) -> None:
        from rdflib import URIRef

        self._uriref = URIRef
        self._iris: dict[str, URIRef] = {}
        self._literals: dict[tuple[str, str | None, str], Identifier] = {}

    def __call__(self, term: object) -> Identifier | None:
        if isinstance(term, ox.NamedNode):
            value = term.value
            iri = self._iris.get(value)
            if iri is None:
                iri = self._iris[value] = self._uriref(value)
            return iri
        if isinstance(term, ox.Literal):
            key = (term.value, term.language, term.datatype.value)
            literal = self._literals.get(key)
            if literal is None:
                literal = self._literals[key] = to_rdflib(term)  # type: ignore[assignment]
            return literal
        return to_rdflib(term)
