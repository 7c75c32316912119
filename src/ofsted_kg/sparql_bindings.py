"""Bind query parameters on every backend: a VALUES block, never string formatting.

A remote endpoint has no pre-binding API (and pyoxigraph applies its substitutions after
evaluation), so parameters travel inside the query text as a
SPARQL `VALUES (?a ?b) { (<iri> "literal") }` block placed as the first element of the query's
outer WHERE group. Each term is written by `term_sparql` from a validated rdflib term: IRIs are
checked against SPARQL's IRIREF characters and literals are escaped into one-line strings, so a
value holding `"`, `}`, `>` or a newline stays inside its term and cannot change the query.

The outer WHERE is found by a small scanner that skips comments, strings and IRIs, so braces or
the word WHERE inside them do not mislead it.

The same block is also pushed into the groups inside the WHERE group where that is exact:
subqueries that project the variable, UNION branches, OPTIONAL, GRAPH and plain groups, and on
into their own groups. Oxigraph evaluates a subquery or a UNION before joining it with the outer
bindings, so without this a bound query still computed them for the whole store (measured at
x100, 16.7 M quads: construct_inspection's second branch read every inspection's authority;
select_recurring_weaknesses for one authority and theme, 350 -> 40 ms already at x1). Pushing is
exact when the group binds the variable in every solution (in a top-level triple pattern, or
through such a group or subquery of its own), does not assign it (`AS ?v`), and, for a
subquery, projects it and has no LIMIT or OFFSET; MINUS, EXISTS and SERVICE groups are left
alone. The reasoning is in `_pushdowns`; anything the scanner cannot follow keeps the outer
block only.

A query can also name the place a parameter applies inside a group the outer block cannot reach
(a subquery that filters on a date before aggregating): a parameter slot, `VALUES ?name { UNDEF }`,
is filled with the bound value. Unbound, or on a store that never sees this module, the slot
leaves the variable unbound: the query's meaning for "no value given".
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import NamedTuple

from rdflib.term import BNode, Identifier, Literal, URIRef

_VARNAME = re.compile(r"^[A-Za-z0-9_\u00C0-\uFFFF]+$")
_IRI_FORBIDDEN = re.compile(r'[<>"{}|^`\\\x00-\x20]')
_LANG = re.compile(r"^[A-Za-z]+(-[A-Za-z0-9]+)*$")
_IRIREF_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
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
    tokens = _tokenize(sparql)
    return tokens[_where_opener(tokens)].end


def _where_opener(tokens: list[_Token]) -> int:
    """Index of the token opening the outer WHERE group (comments, strings and IRIs are already
    tokens of their own, so braces or the word WHERE inside them do not mislead it)."""
    depth, saw_where = 0, False
    form: str | None = None
    for i, tok in enumerate(tokens):
        if tok.kind == "punct" and tok.text == "{":
            if depth == 0 and (saw_where or form in ("SELECT", "ASK")):
                return i
            depth += 1
        elif tok.kind == "punct" and tok.text == "}":
            depth -= 1
        elif depth == 0:
            keyword = _keyword(tok)
            if keyword == "WHERE":
                saw_where = True
            elif form is None and keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = keyword
    raise BindingError("query has no WHERE group to bind parameters into")


def bind(sparql: str, bindings: Mapping[str, Identifier | str] | None, *, pushdown: bool = True) -> str:
    """The query with `bindings` as a VALUES block opening its outer WHERE group and, when
    `pushdown`, the WHERE group of every subquery where the same restriction is exact."""
    if not bindings:
        return sparql
    names = {name.lstrip("?$"): value for name, value in bindings.items()}
    tokens = _tokenize(sparql)
    opener = _where_opener(tokens)
    inserts = [(tokens[opener].end, values_block(bindings))]
    if pushdown:
        inserts += _pushed_blocks(tokens, opener, names)
    slots = _slots(tokens, names)
    edits = [(position, position, f" {block} ") for position, block in inserts]
    edits += [(start, end, term_sparql(names[name])) for name, start, end in slots]
    for start, end, text in sorted(edits, reverse=True):
        sparql = f"{sparql[:start]}{text}{sparql[end:]}"
    return sparql


def _slots(tokens: list[_Token], names: Mapping[str, Identifier | str]) -> list[tuple[str, int, int]]:
    """(name, start, end) of the UNDEF in each `VALUES ?name { UNDEF }` of a bound parameter."""
    found = []
    for i in range(len(tokens) - 4):
        values, var, opener, undef, closer = tokens[i : i + 5]
        if (
            _keyword(values) == "VALUES"
            and var.kind == "var"
            and var.text in names
            and (opener.kind, opener.text, closer.kind, closer.text) == ("punct", "{", "punct", "}")
            and _keyword(undef) == "UNDEF"
        ):
            found.append((var.text, undef.start, undef.end))
    return found


# -- pushdown into subqueries -----------------------------------------------------------------


class _Token(NamedTuple):
    kind: str  # "var", "word", "punct" or "other" (IRIs, strings, numbers, operators)
    text: str
    start: int
    end: int


_WORD_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*(?::[^\s{}()\[\];,]*)?|:[^\s{}()\[\];,]*")
_VAR_AT = re.compile(r"[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+")
_NOT_CERTAIN = {"OPTIONAL", "MINUS", "EXISTS", "UNION", "SERVICE"}


def _tokenize(sparql: str) -> list[_Token]:
    tokens: list[_Token] = []
    i, n = 0, len(sparql)
    while i < n:
        ch = sparql[i]
        if ch.isspace():
            i += 1
        elif ch == "#":
            newline = sparql.find("\n", i)
            i = n if newline < 0 else newline + 1
        elif ch in "\"'":
            end = _skip_string(sparql, i)
            tokens.append(_Token("other", sparql[i:end], i, end))
            i = end
        elif ch == "<" and (match := _IRIREF_AT.match(sparql, i)):
            tokens.append(_Token("other", match.group(0), i, match.end()))
            i = match.end()
        elif ch in "?$" and (match := _VAR_AT.match(sparql, i)):
            tokens.append(_Token("var", match.group(0)[1:], i, match.end()))
            i = match.end()
        elif (ch.isalpha() or ch in "_:") and (match := _WORD_AT.match(sparql, i)):
            tokens.append(_Token("word", match.group(0), i, match.end()))
            i = match.end()
        else:
            tokens.append(_Token("punct" if ch in "{}()[]" else "other", ch, i, i + 1))
            i += 1
    return tokens


def _keyword(token: _Token) -> str:
    return token.text.upper() if token.kind == "word" and ":" not in token.text else ""


def _close_of(tokens: list[_Token], opener: int) -> int:
    """Index of the token closing the bracket at tokens[opener]."""
    pair = {"{": "}", "(": ")", "[": "]"}[tokens[opener].text]
    depth = 0
    for i in range(opener, len(tokens)):
        if tokens[i].text == tokens[opener].text and tokens[i].kind == "punct":
            depth += 1
        elif tokens[i].text == pair and tokens[i].kind == "punct":
            depth -= 1
            if depth == 0:
                return i
    raise BindingError("unbalanced brackets in query")


def _is_subquery(tokens: list[_Token], opener: int) -> bool:
    return opener + 1 < len(tokens) and _keyword(tokens[opener + 1]) == "SELECT"


class _Subquery(NamedTuple):
    projected: set[str]  # plainly projected variables ("*" for SELECT *)
    where_open: int
    where_close: int
    limited: bool  # LIMIT or OFFSET: a restriction inside would change which rows survive


def _parse_subquery(tokens: list[_Token], opener: int, closer: int) -> _Subquery:
    projected: set[str] = set()
    i, parens = opener + 2, 0
    while not (tokens[i].text == "{" and tokens[i].kind == "punct" and parens == 0):
        tok = tokens[i]
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif parens == 0 and tok.kind == "var":
            projected.add(tok.text)
        elif parens == 0 and tok.text == "*":
            projected.add("*")
        i += 1
    where_close = _close_of(tokens, i)
    limited = any(_keyword(t) in ("LIMIT", "OFFSET") for t in tokens[where_close:closer])
    return _Subquery(projected, i, where_close, limited)


def _assigned(tokens: list[_Token], opener: int, closer: int) -> set[str]:
    """Variables given a value by `AS ?v` (BIND or a projection) anywhere in this range."""
    return {
        tokens[i + 1].text
        for i in range(opener, closer - 1)
        if _keyword(tokens[i]) == "AS" and tokens[i + 1].kind == "var"
    }


def _elements(tokens: list[_Token], opener: int, closer: int) -> Iterator[tuple[int, int]]:
    """The top level of the group tokens[opener..closer], outside parentheses: (index, index of
    its last token) for each token, a nested `{...}` group being one element; VALUES data and
    groups inside parentheses (EXISTS in a FILTER) are skipped."""
    i, parens = opener + 1, 0
    while i < closer:
        tok, end = tokens[i], i
        if tok.kind == "punct" and tok.text in "()":
            parens += 1 if tok.text == "(" else -1
        elif _keyword(tok) == "VALUES":
            end = _close_of(tokens, next(j for j in range(i, closer) if tokens[j].text == "{"))
        elif tok.kind == "punct" and tok.text == "{":
            end = _close_of(tokens, i)
            if parens == 0:
                yield i, end
        elif parens == 0:
            yield i, end
        i = end + 1


def _keywords_before(tokens: list[_Token], opener: int, i: int) -> set[str]:
    """The keywords among the (up to) three tokens before tokens[i] in its group: OPTIONAL,
    MINUS, UNION, GRAPH, SERVICE [SILENT] <iri>, [NOT] EXISTS..."""
    return {_keyword(tokens[j]) for j in range(max(opener + 1, i - 3), i)}


def _certainly_bound(tokens: list[_Token], opener: int, closer: int) -> set[str]:
    """Variables bound in every solution of this group: those in its top-level triple patterns,
    or certainly bound by a plain nested group, a GRAPH group or a subquery that projects them.
    Conservative: OPTIONAL, MINUS, UNION, EXISTS, SERVICE and VALUES contribute nothing."""
    bound: set[str] = set()
    for i, end in _elements(tokens, opener, closer):
        tok = tokens[i]
        if tok.kind == "var":
            bound.add(tok.text)
        elif tok.kind == "punct" and tok.text == "{":
            after = _keyword(tokens[end + 1]) if end + 1 < closer else ""
            if _NOT_CERTAIN & (_keywords_before(tokens, opener, i) | {after}):
                continue
            if _is_subquery(tokens, i):
                sub = _parse_subquery(tokens, i, end)
                inner = _certainly_bound(tokens, sub.where_open, sub.where_close)
                if "*" not in sub.projected:
                    inner &= sub.projected
                bound |= inner - _assigned(tokens, i, end)
            else:
                bound |= _certainly_bound(tokens, i, end)
    return bound


def _pushed_blocks(
    tokens: list[_Token], opener: int, names: Mapping[str, Identifier | str]
) -> list[tuple[int, str]]:
    try:
        pushes = list(_pushdowns(tokens, opener, _close_of(tokens, opener), names))
    except (BindingError, StopIteration, IndexError):
        # A query this scanner cannot follow keeps the outer block only: always correct.
        return []
    return [(position, values_block(subset)) for position, subset in pushes]


def _pushdowns(
    tokens: list[_Token], opener: int, closer: int, names: Mapping[str, Identifier | str]
) -> Iterator[tuple[int, dict[str, Identifier | str]]]:
    """(insert position, bindings) for each group inside this one where pushing is exact.

    This group starts with the VALUES block, so every solution of what precedes any of its
    elements has the bound values. A top-level element's solutions that disagree with them are
    therefore dropped by the join (plain or GRAPH group, UNION branch, subquery) or never match
    (OPTIONAL), so removing them earlier changes nothing, provided the element binds the variable
    in every solution (else a solution without it would be joined, not dropped). MINUS, EXISTS and
    SERVICE groups are left alone. Each group that gets the block starts with it in turn, so the
    same reasoning recurses into it.
    """
    for i, end in _elements(tokens, opener, closer):
        tok = tokens[i]
        if tok.kind == "punct" and tok.text == "{":
            if not ({"MINUS", "EXISTS", "SERVICE"} & _keywords_before(tokens, opener, i)):
                yield from _push_into(tokens, i, end, names)


def _push_into(
    tokens: list[_Token], opener: int, closer: int, names: Mapping[str, Identifier | str]
) -> Iterator[tuple[int, dict[str, Identifier | str]]]:
    if _is_subquery(tokens, opener):
        sub = _parse_subquery(tokens, opener, closer)
        if sub.limited:
            return
        group_open, group_close = sub.where_open, sub.where_close
        visible = set(names) if "*" in sub.projected else sub.projected
    else:
        group_open, group_close, visible = opener, closer, set(names)
    safe = _certainly_bound(tokens, group_open, group_close) - _assigned(tokens, opener, closer)
    subset = {name: value for name, value in names.items() if name in safe and name in visible}
    if subset:
        yield tokens[group_open].end, subset
        yield from _pushdowns(tokens, group_open, group_close, subset)
