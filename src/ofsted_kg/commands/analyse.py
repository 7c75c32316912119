"""`ofsted-kg analyse recurring|similar|inspectors|themes`: graph analyses over the store."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

from ofsted_kg.analysis.data import fetch_findings
from ofsted_kg.analysis.inspectors import inspector_summaries
from ofsted_kg.analysis.recurring import recurring_weaknesses
from ofsted_kg.analysis.similar import similar_authorities
from ofsted_kg.analysis.themes import theme_cooccurrence
from ofsted_kg.backend import Backend
from ofsted_kg.connect import open_backend
from ofsted_kg.option_types import positive_int
from ofsted_kg.resolver import authority_iri
from ofsted_kg.tables import add_table_options, write_table

Table = tuple[list[str], list[list[Any]]]


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "analyse",
        help="recurring weaknesses, similar authorities, inspector networks, theme co-occurrence",
        description="Graph analyses over the findings in the store (networkx over SPARQL results).",
    )
    parser.add_argument(
        "analysis",
        choices=("recurring", "similar", "inspectors", "themes"),
        help="recurring: weaknesses named again in a later inspection; similar: authorities by theme profile "
        "beside their statistical neighbours; inspectors: co-inspection network; themes: theme co-occurrence",
    )
    parser.add_argument("--authority", metavar="NAME", help="recurring/similar: only this authority")
    add_table_options(parser)
    parser.add_argument(
        "--top", type=positive_int, default=5, help="similar: how many similar authorities (default 5)"
    )
    parser.set_defaults(func=run)


def _recurring(backend: Backend, args: argparse.Namespace, authority: Any) -> Table:
    columns = ["authority", "themes", "earlier_date", "earlier_kind", "earlier_quote", "earlier_page",
               "later_date", "later_kind", "later_quote", "later_page", "similarity", "earlier_report",
               "later_report"]  # fmt: skip
    rows = [
        [
            r.authority_name,
            r.theme,
            r.earlier.date,
            r.earlier.kind,
            r.earlier.quote,
            r.earlier.page,
            r.later.date,
            r.later.kind,
            r.later.quote,
            r.later.page,
            r.similarity,
            r.earlier.report,
            r.later.report,
        ]  # fmt: skip
        for r in recurring_weaknesses(backend, authority=authority)
    ]
    return columns, rows


def _similar(backend: Backend, args: argparse.Namespace, authority: Any) -> Table:
    columns = ["authority", "theme_mentions", "most_similar", "its_statistical_neighbours_in_store",
               "statistical_neighbour_of_in_store", "overlap", "overlap_ratio", "mean_similarity_neighbours",
               "mean_similarity_others"]  # fmt: skip
    rows = [
        [
            s.authority_name,
            s.theme_mentions,
            "; ".join(f"{n} ({v:.2f})" for n, v in s.most_similar),
            "; ".join(s.statistical_neighbours),
            "; ".join(s.neighbour_of),
            s.overlap,
            s.overlap_ratio,
            s.mean_similarity_neighbours,
            s.mean_similarity_others,
        ]  # fmt: skip
        for s in similar_authorities(backend, k=args.top)
        if authority is None or s.authority == str(authority)
    ]
    return columns, rows


def _inspectors(backend: Backend, args: argparse.Namespace, authority: Any) -> Table:
    columns = ["inspector", "inspections", "led", "co_inspectors", "degree_centrality", "betweenness",
               "community", "authorities"]  # fmt: skip
    rows = [
        [
            s.name,
            s.inspections,
            s.led,
            s.co_inspectors,
            s.degree_centrality,
            s.betweenness,
            s.community,
            "; ".join(s.authorities),
        ]  # fmt: skip
        for s in inspector_summaries(backend)
    ]
    return columns, rows


def _themes(backend: Backend, args: argparse.Namespace, authority: Any) -> Table:
    columns = ["theme_a", "theme_b", "findings", "documents", "jaccard", "lift"]
    pairs = theme_cooccurrence(fetch_findings(backend, authority))
    return columns, [[p.theme_a, p.theme_b, p.findings, p.documents, p.jaccard, p.lift] for p in pairs]


ANALYSES: dict[str, Callable[[Backend, argparse.Namespace, Any], Table]] = {
    "recurring": _recurring,
    "similar": _similar,
    "inspectors": _inspectors,
    "themes": _themes,
}


def run(args: argparse.Namespace) -> int:
    authority = authority_iri(args.authority) if args.authority else None
    with open_backend(args, read_only=True) as backend:
        columns, rows = ANALYSES[args.analysis](backend, args, authority)
    write_table(args.format, columns, rows, output=args.output, width=args.width)
    return 0
