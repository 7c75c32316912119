"""`ofsted-kg query NAME|FILE.rq|--sparql TEXT`: run a query with bound parameters and print the rows."""

from __future__ import annotations

import argparse
import sys

import pyoxigraph as ox

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.federation import ALLOW_FLAG, check_service
from ofsted_kg.named_queries import NamedQuery, QueryUsageError, get_query, parse_query
from ofsted_kg.output_file import output_file
from ofsted_kg.tables import (
    TABULAR_FORMATS,
    add_paging_options,
    add_table_options,
    page,
    write_table,
    write_triples,
)

# CONSTRUCT and DESCRIBE give triples: these formats (with the project's prefixes where they have them).
TRIPLE_FORMATS = ("turtle", "nt", "jsonld")
_UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run a named query, a .rq file or SPARQL text",
        description="Run a SPARQL query over the store: a named query (see `ofsted-kg queries`), a .rq "
        "file, or --sparql TEXT. Parameters are bound as values, never pasted into the query. "
        "SELECT and ASK print rows (table, csv, tsv, json); CONSTRUCT and DESCRIBE print triples "
        "(turtle by default, nt, jsonld).",
    )
    parser.add_argument("name", nargs="?", metavar="NAME|FILE.rq", help="a named query or a .rq file")
    parser.add_argument("--sparql", metavar="TEXT", help="SPARQL query text instead of a name")
    parser.add_argument(
        "--param",
        "-p",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a query parameter (repeatable)",
    )
    add_table_options(parser, (*TABULAR_FORMATS, *TRIPLE_FORMATS))
    add_paging_options(parser)
    parser.add_argument(
        ALLOW_FLAG,
        action="store_true",
        help="run SERVICE clauses (federated queries: the store then fetches any host the query names)",
    )
    parser.set_defaults(func=run)


def _parse_params(pairs: list[str]) -> dict[str, str]:
    params: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise QueryUsageError(f"--param {pair!r}: expected NAME=VALUE")
        params[name.strip().lstrip("?$")] = value
    return params


def _select_query(args: argparse.Namespace) -> NamedQuery:
    if args.sparql and args.name:
        raise QueryUsageError("give a query NAME or --sparql TEXT, not both")
    if args.sparql:
        return parse_query("sparql", args.sparql)
    if not args.name:
        raise QueryUsageError("give a query NAME, a FILE.rq or --sparql TEXT (see `ofsted-kg queries`)")
    return get_query(args.name)


def output_format(form: str, asked: str | None, name: str) -> str:
    """The format to print a query's results in; UsageError when the asked one does not apply."""
    triples = form in ("CONSTRUCT", "DESCRIBE")
    if asked is None:
        return "turtle" if triples else "table"
    if triples and asked not in TRIPLE_FORMATS:
        raise UsageError(
            f"{name}: a {form} query gives triples, not rows: --format {asked} does not apply "
            f"(choose {', '.join(TRIPLE_FORMATS)})"
        )
    if not triples and asked in TRIPLE_FORMATS:
        raise UsageError(
            f"{name}: a {form} query gives rows: --format {asked} is for CONSTRUCT/DESCRIBE "
            f"(choose {', '.join(TABULAR_FORMATS)})"
        )
    return asked


def run(args: argparse.Namespace) -> int:
    query = _select_query(args)
    values = _parse_params(args.param)
    if query.params or args.name:
        bindings = query.terms(values)
    else:
        # Ad-hoc SPARQL declares no parameters: bind each given value as a plain literal or IRI.
        bindings = {k: _guess_term(v) for k, v in values.items()}
    form = query.form
    if form in _UPDATE_FORMS:
        raise QueryUsageError(
            f"{query.name}: a SPARQL update ({form}): `query` only reads; updates are refused "
            "(the store changes through `ofsted-kg ingest`)"
        )
    if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
        raise QueryUsageError(f"{query.name}: not a SPARQL query (no SELECT, CONSTRUCT, DESCRIBE or ASK)")
    check_service(query.text, args.allow_service, f"query {query.name}")  # ServiceRefused: exit 2
    fmt = output_format(form, args.format, query.name)
    if form != "SELECT" and (args.limit is not None or args.offset):
        raise UsageError(f"{query.name}: --limit and --offset page the rows of a SELECT, not a {form}")
    with open_backend(args, read_only=True) as backend:
        try:
            if form == "SELECT":
                result = backend.select_values(query.text, bindings)
                write_table(
                    fmt,
                    result.variables,
                    page(result.rows, args.limit, args.offset),
                    output=args.output,
                    table_columns=query.table_columns,
                    width=args.width,
                )
            elif form == "ASK":
                answer = backend.ask(query.text, bindings)
                write_table(fmt, ["answer"], [[answer]], output=args.output, width=args.width)
            elif args.output:
                with output_file(args.output, "wb") as out:
                    write_triples(backend, query.text, bindings, out, fmt)
            else:
                sys.stdout.flush()
                write_triples(backend, query.text, bindings, sys.stdout.buffer, fmt)
        except UsageError:
            raise
        except (SyntaxError, ValueError) as exc:
            raise UsageError(f"{query.name}: {exc}") from exc
    return 0


def _guess_term(value: str) -> ox.NamedNode | ox.Literal:
    # pyoxigraph terms, as the named queries' parameters: reading rows never imports rdflib.
    if value.startswith(("http://", "https://", "urn:")) and not any(c in value for c in ' <>"{}|^`\\\n'):
        return ox.NamedNode(value)
    return ox.Literal(value)
