"""The named queries shipped in `ofsted_kg.queries` (queries/*.rq): loading, parameters, typed rows.

Each .rq file opens with a header comment block:

    # title: Findings for an authority
    # description: One line saying what the query answers.
    # param authority: string required — what the parameter means
    # param theme: string — an optional parameter: left unbound when not given

Parameter types (case-insensitive): `string`, `iri`, `date`, `integer`, `boolean`, and `authority`
(the authority's IRI) or `authority_name` (its reference name), both given as anything
`ofsted_kg.resolver` understands ("peterborough", "Hull", E06000031, 80537, 874); a parameter is
optional unless marked `required` (an unbound variable matches everything). Values are typed here
as pyoxigraph terms (`NamedQuery.terms`, what the analysts' commands bind: reading never needs
rdflib) or as rdflib terms (`NamedQuery.bindings`, the same terms converted, for the Python API)
and handed to the backend as bindings; they never reach the query text.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import importlib.resources
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import UsageError
from .rdf_io import XSD_IRI, OxTerm, is_absolute_iri, to_ox, to_rdflib
from .row_values import to_python

if TYPE_CHECKING:
    from rdflib.term import Identifier

    from .backend import Backend


# Closed vocabularies: a value is resolved (any case, a label, a unique word) or refused with the
# nearest matches, never bound as typed to give no rows.
VOCABULARY_TYPES = ("theme", "document_type", "polarity", "finding_kind", "region", "period")
PARAM_TYPES = (
    "string",
    "iri",
    "date",
    "integer",
    "boolean",
    "authority",
    "authority_name",
    *VOCABULARY_TYPES,
)
_HEADER_RE = re.compile(r"^#\s*(title|description|table)\s*:\s*(.+?)\s*$")
_PARAM_RE = re.compile(
    r"^#\s*param\s+(?P<name>[A-Za-z_]\w*)\s*:\s*(?P<type>\w+)(?:\s+(?P<need>optional|required))?\s*(?:[—–-]+\s*(?P<doc>.*?))?\s*$"
)
_FORM_RE = re.compile(
    r"^\s*(?:PREFIX\s+\S*\s*<[^>]*>\s*|BASE\s*<[^>]*>\s*|#[^\n]*\n|\s+)*(\w+)", re.IGNORECASE
)


class QueryUsageError(UsageError):
    """An unknown query, or a missing, unknown or malformed parameter (exit code 2)."""


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    optional: bool = False
    doc: str = ""

    def to_term(self, value: object) -> OxTerm:
        """The parameter's value as a pyoxigraph term of its declared type (an RDF term given
        as a value, rdflib's or pyoxigraph's, is taken as it is)."""
        if isinstance(value, (ox.NamedNode, ox.Literal)):
            return value
        if type(value).__module__.startswith("rdflib."):
            return to_ox(value)  # type: ignore[arg-type]
        text = value.isoformat() if isinstance(value, dt.date) else str(value)
        if self.type in ("authority", "authority_name"):
            return self._authority(text)
        if self.type in VOCABULARY_TYPES:
            return self._vocabulary(text)
        try:
            if self.type == "iri":
                if not is_absolute_iri(text):
                    raise ValueError("not an absolute IRI")
                return ox.NamedNode(text)
            if self.type == "date":
                return ox.Literal(
                    dt.date.fromisoformat(text).isoformat(), datatype=ox.NamedNode(XSD_IRI + "date")
                )
            if self.type == "integer":
                return ox.Literal(str(int(text)), datatype=ox.NamedNode(XSD_IRI + "integer"))
            if self.type == "boolean":
                if text.lower() not in ("true", "false", "1", "0"):
                    raise ValueError("not true or false")
                return ox.Literal(text.lower() in ("true", "1"))
        except ValueError as exc:
            raise QueryUsageError(
                f"parameter {self.name}: {text!r} is not a valid {self.type} ({exc})"
            ) from exc
        return ox.Literal(text)

    def _vocabulary(self, text: str) -> OxTerm:
        from .resolver import resolve_notation, resolve_region

        option = f"parameter {self.name}"
        try:
            if self.type == "region":
                return ox.Literal(resolve_region(text, option=option))
            return ox.Literal(resolve_notation(self.type, text, option=option))
        except UsageError as exc:
            raise QueryUsageError(str(exc)) from exc

    def _authority(self, text: str) -> OxTerm:
        from . import iris
        from .resolver import UnknownAuthority, resolve_authority

        if text.startswith(iris.AUTHORITY_PREFIX):
            text = text.rsplit("/", 1)[-1]  # the authority's own IRI: its GSS code
        try:
            info = resolve_authority(text)
        except UnknownAuthority as exc:
            raise QueryUsageError(f"parameter {self.name}: {exc}") from exc
        if self.type == "authority":
            return ox.NamedNode(iris.authority_text(info.gss_code))
        return ox.Literal(info.name)


@dataclass(frozen=True)
class NamedQuery:
    name: str
    title: str
    description: str
    text: str
    params: tuple[Param, ...] = field(default_factory=tuple)
    # Columns worth a terminal's width (`# table: a b c`); csv/tsv/json always carry every column.
    table_columns: tuple[str, ...] = ()

    @property
    def form(self) -> str:
        """SELECT, CONSTRUCT, ASK or DESCRIBE."""
        return query_form(self.text)

    def bindings(self, values: Mapping[str, object]) -> dict[str, Identifier]:
        """Check the given parameters against the header and type them, as rdflib terms."""
        return {name: to_rdflib(term) for name, term in self.terms(values).items()}  # type: ignore[misc]

    def terms(self, values: Mapping[str, object]) -> dict[str, OxTerm]:
        """Check the given parameters against the header and type them, as pyoxigraph terms."""
        declared = {p.name: p for p in self.params}
        unknown = sorted(set(values) - set(declared))
        if unknown:
            known = ", ".join(declared) or "none"
            raise QueryUsageError(
                f"query {self.name}: unknown parameter {unknown[0]!r} (parameters: {known})"
            )
        bound: dict[str, OxTerm] = {}
        for param in self.params:
            value = values.get(param.name)
            if value is None or value == "":
                if not param.optional:
                    raise QueryUsageError(f"query {self.name}: missing required parameter {param.name!r}")
                continue
            bound[param.name] = param.to_term(value)
        return bound


def query_form(text: str) -> str:
    match = _FORM_RE.match(text)
    return match.group(1).upper() if match else ""


def parse_query(name: str, text: str) -> NamedQuery:
    """A named query from its .rq text (the header comment block gives title, description, params)."""
    title, description, params = name, "", []
    table_columns: tuple[str, ...] = ()
    for line in text.splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        if param := _PARAM_RE.match(line):
            ptype = param["type"].lower()
            if ptype not in PARAM_TYPES:
                raise ValueError(f"{name}.rq: parameter {param['name']} has unknown type {ptype!r}")
            optional = (param["need"] or "optional").lower() == "optional"
            params.append(Param(param["name"], ptype, optional, param["doc"] or ""))
        elif header := _HEADER_RE.match(line):
            if header[1] == "title":
                title = header[2]
            elif header[1] == "table":
                table_columns = tuple(header[2].replace(",", " ").split())
            else:
                description = header[2]
    return NamedQuery(
        name=name,
        title=title,
        description=description,
        text=text,
        params=tuple(params),
        table_columns=table_columns,
    )


# A query file is text a person wrote: the largest shipped query is 13 KB.
MAX_QUERY_FILE_BYTES = 1024 * 1024


@cache
def named_queries() -> dict[str, NamedQuery]:
    """Every query shipped with the package, by name (the .rq file's stem)."""
    folder = importlib.resources.files("ofsted_kg.queries")
    found = {}
    for entry in folder.iterdir():
        if entry.name.endswith(".rq"):
            stem = entry.name[: -len(".rq")]
            found[stem] = parse_query(stem, entry.read_text(encoding="utf-8"))
    return dict(sorted(found.items()))


def get_query(name_or_file: str) -> NamedQuery:
    """A shipped query by name, or a user's .rq file by path."""
    queries = named_queries()
    if name_or_file in queries:
        return queries[name_or_file]
    if name_or_file.endswith(".rq"):
        from .user_files import UserFileRefused, read_user_file

        path = Path(name_or_file)
        try:
            text = read_user_file(path, limit=MAX_QUERY_FILE_BYTES).decode("utf-8")
        except OSError as exc:
            raise QueryUsageError(f"{path}: cannot read the query ({exc.strerror or exc})") from exc
        except UnicodeDecodeError as exc:
            raise QueryUsageError(f"{path}: not UTF-8 text") from exc
        except UserFileRefused as exc:
            raise QueryUsageError(f"{path}: cannot read the query ({exc})") from exc
        return parse_query(path.stem, text)
    if re.search(r"\s|\{", name_or_file.strip()):
        # SPARQL text where a name was expected: `ofsted-kg query 'SELECT ...'`.
        raise QueryUsageError(
            "that looks like SPARQL text, not a query name: give it with --sparql "
            "(ofsted-kg query --sparql 'SELECT ...'), or run `ofsted-kg queries` for the named ones"
        )
    import difflib

    close = difflib.get_close_matches(name_or_file, list(queries), n=2, cutoff=0.7)
    hint = f"did you mean {' or '.join(close)}? " if close else ""
    raise QueryUsageError(f"unknown query {name_or_file!r} ({hint}run `ofsted-kg queries` for the list)")


# -- typed rows -----------------------------------------------------------------------------------


def as_bool(term: Identifier | None) -> bool | None:
    """A boolean result by value on every backend: `true`/`false`, or the 1/0 integers Virtuoso
    gives for `BIND(true AS ?x)` and `EXISTS { ... }`. Test it with `is True`, never by datatype."""
    if term is None:
        return None
    value = to_python(term)
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, Decimal, float)):
        return value != 0
    text = str(value).strip().lower()
    if text in ("true", "1"):
        return True
    if text in ("false", "0"):
        return False
    raise ValueError(f"not a boolean result: {term!r}")


def as_int(term: Identifier | None) -> int | None:
    """An integer result by value (a count may come typed xsd:integer, xsd:int or plain)."""
    if term is None:
        return None
    value = to_python(term)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, Decimal, float)):
        return int(value)
    return int(str(value).strip())


def as_date(term: Identifier | None) -> dt.date | None:
    """A date result by value: xsd:date, xsd:dateTime, or a plain literal in ISO form."""
    if term is None:
        return None
    value = to_python(term)
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value).strip()[:10])


def _class_name(query_name: str) -> str:
    return "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", query_name) if part) + "Row"


@cache
def row_class(query_name: str, variables: tuple[str, ...]) -> type:
    """A frozen dataclass whose fields are the query's result variables (in order)."""
    fields = [(v if v.isidentifier() else f"v_{v}", Any, dataclasses.field(default=None)) for v in variables]
    return dataclasses.make_dataclass(_class_name(query_name), fields, frozen=True)


def typed_rows(query_name: str, variables: list[str], rows: list[dict[str, Identifier | None]]) -> list[Any]:
    cls = row_class(query_name, tuple(variables))
    names = [f.name for f in dataclasses.fields(cls)]
    return [cls(**{n: to_python(row.get(v)) for n, v in zip(names, variables, strict=True)}) for row in rows]


def run_select(backend: Backend, query: NamedQuery, params: Mapping[str, object] | None = None) -> list[Any]:
    """Run a SELECT named query with typed parameters; typed rows (dataclass instances) back."""
    if query.form != "SELECT":
        raise QueryUsageError(f"query {query.name} is a {query.form or 'malformed'} query, not a SELECT")
    result = backend.select(query.text, query.bindings(params or {}))
    return typed_rows(query.name, result.variables, result.rows)
