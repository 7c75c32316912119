"""`ofsted-kg query NAME|FILE.rq|--sparql TEXT`: run a query with bound parameters and print the rows."""

from __future__ import annotations

import argparse
import sys

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.named_queries import NamedQuery, QueryUsageError, get_query, parse_query, to_python
from ofsted_kg.tables import TABULAR_FORMATS, add_table_options, write_table, write_triples

# CONSTRUCT and DESCRIBE give triples: these formats (with the project's prefixes where they have them).
TRIPLE_FORMATS = ("turtle", "nt", "jsonld")


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
        bindings = query.bindings(values)
    else:
        # Ad-hoc SPARQL declares no parameters: bind each given value as a plain literal or IRI.
        bindings = {k: _guess_term(v) for k, v in values.items()}
    form = query.form
    if form not in ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
        raise QueryUsageError(f"{query.name}: not a SPARQL query (no SELECT, CONSTRUCT, DESCRIBE or ASK)")
    fmt = output_format(form, args.format, query.name)
    with open_backend(args, read_only=True) as backend:
        try:
            if form == "SELECT":
                result = backend.select(query.text, bindings)
                variables = list(result.variables)
                rows = [[to_python(row.get(v)) for v in variables] for row in result.rows]
                write_table(
                    fmt,
                    variables,
                    rows,
                    output=args.output,
                    table_columns=query.table_columns,
                    width=args.width,
                )
            elif form == "ASK":
                answer = backend.ask(query.text, bindings)
                write_table(fmt, ["answer"], [[answer]], output=args.output, width=args.width)
            elif args.output:
                with open(args.output, "wb") as out:
                    write_triples(backend, query.text, bindings, out, fmt)
            else:
                sys.stdout.flush()
                write_triples(backend, query.text, bindings, sys.stdout.buffer, fmt)
        except UsageError:
            raise
        except (SyntaxError, ValueError) as exc:
            raise UsageError(f"{query.name}: {exc}") from exc
    return 0


def _guess_term(value: str) -> Identifier:
    if value.startswith(("http://", "https://", "urn:")) and not any(c in value for c in ' <>"{}|^`\\\n'):
        return URIRef(value)
    return Literal(value)
