"""Bind query parameters on every backend: a VALUES block, never string formatting.

A remote endpoint has no pre-binding API (and pyoxigraph applies its substitutions after
evaluation), so parameters travel inside the query text as a SPARQL
`VALUES (?a ?b) { (<iri> "literal") }` block placed as the first element of the query's outer
WHERE group, where it narrows the search from the start. Its terms are written by pyoxigraph
(`term_text`), whose constructors refuse an IRI holding `>` or a space and whose escaping
keeps any literal on one line: a value cannot change the query around it.

Oxigraph evaluates a subquery, a UNION branch or an OPTIONAL group on its own before joining
it with the outer bindings, so a bound query would still compute those for the whole store.
A shipped query says where a parameter may go in as well, with a marker comment on the line
before a group's opening brace:

    OPTIONAL {          # ... the next `{` after the marker gets the block
      # @bind ?authority ?finding
      SELECT ?authority ?finding (...) WHERE {
        ...

`# @bind ?a ?b` puts a VALUES block of those of `?a ?b` that are bound right after the next
`{`. The query's author vouches that this is exact: the group binds the variable in every one
of its solutions, does not assign it, and (a subquery) projects it and has no LIMIT/OFFSET;
tests/test_backends.py checks the rows are the same as with the outer block alone, for every
named query. Nothing is inferred: a query without markers (any user's) gets the outer block
only. A query the scanner cannot follow (an unterminated string, unbalanced braces, no WHERE
group, a marker with no group after it) is refused with BindingError, never bound half-way.

A query can also name the one place a parameter applies inside a group the outer block cannot
reach (a subquery that must filter before it aggregates): a parameter slot, `VALUES ?name
{ UNDEF }`, is filled with the bound value. Unbound, or on a store that never sees this module,
the slot leaves the variable unbound: the query's meaning for "no value given".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, NamedTuple

import pyoxigraph as ox

from .rdf_io import to_ox

if TYPE_CHECKING:
    from .backend import Term

# A variable name's character: ASCII letters, digits, _, U+00B7 and U+00C0-U+FFFF. Spelt as an
# alternation with a negated class because re builds a 64K-entry charset for the range and its
# compile (another 8 ms under IGNORECASE) was a tenth of every command's start-up.
_VARCHAR = r"(?:[A-Za-z0-9_\u00B7]|[^\x00-\u00BF\U00010000-\U0010FFFF])"
_VARNAME = re.compile(rf"^{_VARCHAR}+$")
_MARKER = re.compile(rf"^#\s*@bind((?:\s+[?$]{_VARCHAR}+)+)\s*$")
_IRIREF_AT = re.compile(r'<[^<>"{}|^`\\\x00-\x20]*>')
_WORD_AT = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_SLOT_AT = re.compile(rf"VALUES\s+[?$]({_VARCHAR}+)\s*\{{\s*(UNDEF)\s*\}}", re.IGNORECASE)


class BindingError(ValueError):
    """A parameter that cannot be bound safely, or a query whose groups cannot be found."""


class _Token(NamedTuple):
    kind: str  # "{", "}", "word", "comment"
    text: str
    start: int
    end: int


def term_text(value: Term | str) -> str:
    """A parameter's value in SPARQL syntax, written (and validated) by pyoxigraph: an rdflib or
    pyoxigraph term, or a plain str as a literal; BindingError for a blank node or a bad term."""
    try:
        term = to_ox(value)
    except (ValueError, TypeError) as exc:
        raise BindingError(f"cannot bind {value!r}: {exc}") from exc
    if isinstance(term, ox.BlankNode):
        raise BindingError("a blank node cannot be a query parameter")
    return str(term)


def values_block(bindings: Mapping[str, Term | str]) -> str:
    """`VALUES (?a ?b) { (t1 t2) }` with each term written (and validated) by pyoxigraph."""
    names = []
    for name in bindings:
        bare = name.lstrip("?$")
        if not _VARNAME.match(bare):
            raise BindingError(f"not a valid SPARQL variable name: {name!r}")
        names.append(bare)
    terms = [term_text(value) for value in bindings.values()]
    variables = " ".join(f"?{n}" for n in names)
    return f"VALUES ({variables}) {{ ({' '.join(terms)}) }}"


def where_group_start(sparql: str) -> int:
    """Index just after the `{` that opens the query's outer WHERE group."""
    tokens = _tokenize(sparql)
    return tokens[_where_opener(tokens)].end


def bind(sparql: str, bindings: Mapping[str, Term | str] | None, *, pushdown: bool = True) -> str:
    """The query with `bindings` as a VALUES block opening its outer WHERE group and, when
    `pushdown`, opening each group a `# @bind` marker names (for the variables it lists)."""
    if not bindings:
        return sparql
    names = {name.lstrip("?$"): value for name, value in bindings.items()}
    tokens = _tokenize(sparql)
    opener = _where_opener(tokens)
    edits = [(tokens[opener].end, tokens[opener].end, f" {values_block(bindings)} ")]
    if pushdown:
        edits += [(at, at, f" {block} ") for at, block in _marked_blocks(tokens, opener, names)]
    edits += _slot_fills(sparql, tokens, names)
    for start, end, text in sorted(edits, reverse=True):
        sparql = f"{sparql[:start]}{text}{sparql[end:]}"
    return sparql


def _slot_fills(
    sparql: str, tokens: list[_Token], names: Mapping[str, Term | str]
) -> list[tuple[int, int, str]]:
    """(start, end, term) replacing the UNDEF of each `VALUES ?name { UNDEF }` slot of a bound
    parameter: the place a query names for a value the outer block cannot reach (a subquery
    evaluated before the join). Unbound, the slot leaves the variable unbound: "not given"."""
    fills = []
    for token in tokens:
        if token.kind != "word" or token.text.upper() != "VALUES":
            continue  # the tokenizer yields words only outside strings, IRIs and comments
        slot = _SLOT_AT.match(sparql, token.start)
        if slot is None or slot.group(1) not in names:
            continue
        fills.append((slot.start(2), slot.end(2), term_text(names[slot.group(1)])))
    return fills


def _marked_blocks(
    tokens: list[_Token], opener: int, names: Mapping[str, Term | str]
) -> list[tuple[int, str]]:
    """(position, VALUES block) for each marker inside the outer WHERE group."""
    blocks = []
    for i, token in enumerate(tokens):
        if token.kind != "comment":
            continue
        marker = _MARKER.match(token.text)
        if marker is None:
            continue
        if i < opener:
            raise BindingError(f"`{token.text}` stands before the WHERE group: it binds nothing there")
        target = next((j for j in range(i + 1, len(tokens)) if tokens[j].kind == "{"), None)
        if target is None:
            raise BindingError(f"`{token.text}` has no group after it")
        wanted = [name[1:] for name in marker.group(1).split()]
        subset = {name: names[name] for name in wanted if name in names}
        if subset:
            blocks.append((tokens[target].end, values_block(subset)))
    return blocks


def _where_opener(tokens: list[_Token]) -> int:
    """Index of the token opening the outer WHERE group (comments, strings and IRIs were skipped
    or kept whole by the tokenizer, so braces or the word WHERE inside them do not mislead it)."""
    depth, saw_where = 0, False
    form: str | None = None
    for i, tok in enumerate(tokens):
        if tok.kind == "{":
            if depth == 0 and (saw_where or form in ("SELECT", "ASK")):
                return i
            depth += 1
        elif tok.kind == "}":
            depth -= 1
        elif depth == 0 and tok.kind == "word":
            keyword = tok.text.upper()
            if keyword == "WHERE":
                saw_where = True
            elif form is None and keyword in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                form = keyword
    raise BindingError("query has no WHERE group to bind parameters into")


def _tokenize(sparql: str) -> list[_Token]:
    """Braces, bare words and comments; strings and IRIs are skipped whole (a brace or a `#`
    inside them is not one). Unterminated strings and unbalanced braces are errors."""
    tokens: list[_Token] = []
    i, n, depth = 0, len(sparql), 0
    while i < n:
        ch = sparql[i]
        if ch == "#":
            newline = sparql.find("\n", i)
            end = n if newline < 0 else newline
            tokens.append(_Token("comment", sparql[i:end].rstrip(), i, end))
            i = end
        elif ch in "\"'":
            i = _skip_string(sparql, i)
        elif ch == "<" and (match := _IRIREF_AT.match(sparql, i)):
            i = match.end()
        elif ch in "?$" and i + 1 < n and (sparql[i + 1].isalnum() or sparql[i + 1] == "_"):
            i += 2
            while i < n and (sparql[i].isalnum() or sparql[i] == "_"):
                i += 1  # a variable is never a keyword: skip it
        elif ch in "{}":
            depth += 1 if ch == "{" else -1
            if depth < 0:
                raise BindingError("unbalanced braces in query")
            tokens.append(_Token(ch, ch, i, i + 1))
            i += 1
        elif (ch.isalpha() or ch == "_") and (
            i == 0 or not (sparql[i - 1].isalnum() or sparql[i - 1] in ":_")
        ):
            match = _WORD_AT.match(sparql, i)
            assert match is not None
            if match.end() < n and sparql[match.end()] == ":":
                i = match.end() + 1  # a prefixed name (where:x), not a keyword
                continue
            tokens.append(_Token("word", match.group(0), i, match.end()))
            i = match.end()
        else:
            i += 1
    if depth != 0:
        raise BindingError("unbalanced braces in query")
    return tokens


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
