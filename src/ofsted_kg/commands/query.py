"""`ofsted-kg query NAME|FILE.rq|--sparql TEXT`: run a query with bound parameters and print the rows."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.backend import StoreError
from ofsted_kg.connect import open_backend
from ofsted_kg.federation import ALLOW_FLAG, check_service
from ofsted_kg.named_queries import NamedQuery, QueryUsageError, get_query, parse_query, to_python
from ofsted_kg.tables import FORMATS, write_rows, write_triples

_UPDATE_FORMS = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "query",
        help="run a named query, a .rq file or SPARQL text",
        description="Run a SPARQL query over the store: a named query (see `ofsted-kg queries`), a .rq "
        "file, or --sparql TEXT. Parameters are bound as values, never pasted into the query. "
        "CONSTRUCT and DESCRIBE queries print Turtle.",
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
    parser.add_argument(
        "--format", "-f", choices=FORMATS, default="table", help="output format (default table)"
    )
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


def run(args: argparse.Namespace) -> int:
    try:
        query = _select_query(args)
        values = _parse_params(args.param)
        if query.params or args.name:
            bindings = query.bindings(values)
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
    except QueryUsageError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 2
    check_service(query.text, args.allow_service, f"query {query.name}")  # ServiceRefused: exit 2
    try:
        with open_backend(args, must_exist=True) as backend:
            if form == "SELECT":
                result = backend.select(query.text, bindings)
                variables = list(result.variables)
                if args.format == "table" and query.table_columns:
                    variables = [v for v in query.table_columns if v in variables] or variables
                rows = [[to_python(row.get(v)) for v in variables] for row in result.rows]
                write_rows(sys.stdout, args.format, variables, rows)
            elif form == "ASK":
                answer = backend.ask(query.text, bindings)
                write_rows(sys.stdout, args.format, ["answer"], [[answer]])
            else:
                sys.stdout.flush()
                write_triples(backend, query.text, bindings, sys.stdout.buffer)
    except StoreError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 3
    except (SyntaxError, ValueError) as exc:
        print(f"ofsted-kg: {query.name}: {' '.join(str(exc).split())}", file=sys.stderr)
        return 2
    return 0


def _guess_term(value: str):
    from rdflib import Literal, URIRef

    if value.startswith(("http://", "https://", "urn:")) and not any(c in value for c in ' <>"{}|^`\\\n'):
        return URIRef(value)
    return Literal(value)
