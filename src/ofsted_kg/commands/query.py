"""`ofsted-kg query NAME|FILE.rq|--sparql TEXT`: run a query with bound parameters and print the rows."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.backend import StoreError
from ofsted_kg.connect import open_backend
from ofsted_kg.named_queries import NamedQuery, QueryUsageError, get_query, parse_query, to_python
from ofsted_kg.tables import add_table_options, write_table, write_triples


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
    add_table_options(parser)
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
        if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            raise QueryUsageError(f"{query.name}: not a SPARQL query (no SELECT, CONSTRUCT, DESCRIBE or ASK)")
    except QueryUsageError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 2
    try:
        with open_backend(args, must_exist=True) as backend:
            if form == "SELECT":
                result = backend.select(query.text, bindings)
                variables = list(result.variables)
                rows = [[to_python(row.get(v)) for v in variables] for row in result.rows]
                write_table(
                    args.format,
                    variables,
                    rows,
                    output=args.output,
                    width=args.width,
                    table_columns=query.table_columns,
                )
            elif form == "ASK":
                answer = backend.ask(query.text, bindings)
                write_table(args.format, ["answer"], [[answer]], output=args.output, width=args.width)
            elif args.output:
                with open(args.output, "wb") as out:
                    write_triples(backend, query.text, bindings, out)
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
