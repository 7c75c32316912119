"""Bind query parameters for a remote store: a VALUES block, never string formatting.

A remote endpoint has no pre-binding API, so parameters travel inside the query text as a
SPARQL `VALUES (?a ?b) { (<iri> "literal") }` block placed as the first element of the query's
outer WHERE group. Each term is written by `term_sparql` from a validated rdflib term: IRIs are
checked against SPARQL's IRIREF characters and literals are escaped into one-line strings, so a
value holding `"`, `}`, `>` or a newline stays inside its term and cannot change the query.

The outer WHERE is found by a small scanner that skips comments, strings and IRIs, so braces or
the word WHERE inside them do not mislead it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from rdflib.term import BNode, Identifier, Literal, URIRef

_VARNAME = re.compile(r"^[A-Za-z0-9_\u00C0-\uFFFF]+$")
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_IRIREF_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_NAME_CHAR = re.compile(r"[A-Za-z0-9_:\-.?$]")
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


class BindingError(ValueError):
    """A parameter that cannot be bound safely (bad variable name, bad IRI, blank node)."""


def iri_sparql(iri: str) -> str:
    if _IRI_FORBIDDEN.search(iri):
        raise BindingError(f"not a valid IRI for a query parameter: {iri!r}")
    return f"<{iri}>"


def term_sparql(term: Identifier | str) -> str:
    """One RDF term in SPARQL syntax, safe to place in a query."""
    if isinstance(term, URIRef):
        return iri_sparql(str(term))
    if isinstance(term, BNode):
        raise BindingError("a blank node cannot be a query parameter")
    if isinstance(term, str) and not isinstance(term, Literal):
        term = Literal(term)
    if not isinstance(term, Literal):
        raise BindingError(f"unsupported parameter type {type(term).__name__}")
    body = '"' + "".join(_ESCAPES.get(ch, ch) for ch in str(term)) + '"'
    if term.language:
        if not _LANG.match(term.language):
            raise BindingError(f"not a valid language tag: {term.language!r}")
        return f"{body}@{term.language}"
    if term.datatype is not None and str(term.datatype) != _XSD_STRING:
        return f"{body}^^{iri_sparql(str(term.datatype))}"
    return body


def values_block(bindings: Mapping[str, Identifier | str]) -> str:
    names = []
    for name in bindings:
        bare = name.lstrip("?$")
        if not _VARNAME.match(bare):
            raise BindingError(f"not a valid SPARQL variable name: {name!r}")
        names.append(bare)
    variables = " ".join(f"?{n}" for n in names)
    terms = " ".join(term_sparql(value) for value in bindings.values())
    return f"VALUES ({variables}) {{ ({terms}) }}"


def _skip_string(text: str, i: int) -> int:
    """Index just past the string literal starting at text[i]."""
    quote = text[i]
    long = text.startswith(quote * 3, i)
    end_mark = quote * 3 if long else quote
    j = i + len(end_mark)
    while j < len(text):
        if text[j] == "\\":
            j += 2
            continue
        if text.startswith(end_mark, j):
            return j + len(end_mark)
        if not long and text[j] in "\r\n":
            break
        j += 1
    raise BindingError("unterminated string in query")


def where_group_start(sparql: str) -> int:
    """Index just after the `{` that opens the query's outer WHERE group."""
    i, depth, n = 0, 0, len(sparql)
    saw_where = False
    form: str | None = None
    while i < n:
        ch = sparql[i]
        if ch == "#":
            newline = sparql.find("\n", i)
            i = n if newline < 0 else newline + 1
            continue
        if ch in "\"'":
            i = _skip_string(sparql, i)
            continue
        if ch == "<":
            match = _IRIREF_AT.match(sparql, i)
            i = match.end() if match else i + 1
            continue
        if ch == "{":
            if depth == 0 and (saw_where or form in ("SELECT", "ASK")):
                return i + 1
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch.isalpha() and (i == 0 or not _NAME_CHAR.match(sparql[i - 1])):
            word = re.match(r"[A-Za-z_][A-Za-z0-9_\-]*", sparql[i:]).group(0)  # type: ignore[union-attr]
            following = sparql[i + len(word) : i + len(word) + 1]
            if following != ":" and depth == 0:
                upper = word.upper()
                if upper == "WHERE":
                    saw_where = True
                elif form is None and upper in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                    form = upper
            i += len(word)
            continue
        i += 1
    raise BindingError("query has no WHERE group to bind parameters into")


def bind(sparql: str, bindings: Mapping[str, Identifier | str] | None) -> str:
    """The query with `bindings` as a VALUES block opening its outer WHERE group."""
    if not bindings:
        return sparql
    block = values_block(bindings)
    at = where_group_start(sparql)
    return f"{sparql[:at]} {block} {sparql[at:]}"
