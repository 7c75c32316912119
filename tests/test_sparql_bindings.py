"""Parameters bound as a VALUES block (ofsted_kg.sparql_bindings): safe terms, the outer WHERE
group found past strings, comments and IRIs, blocks pushed only where a `# @bind` marker says,
and scanner errors refused rather than bound half-way. The rows pushed blocks give are checked
against the outer block alone on real letters in tests/test_backends.py."""

from __future__ import annotations

import re

import pyoxigraph as ox
import pytest
from rdflib import BNode, Literal, URIRef

from ofsted_kg.named_queries import named_queries
from ofsted_kg.sparql_bindings import BindingError, bind, values_block, where_group_start

NASTY = ['"', "}", ">", "a\nb", "' . } DROP ALL #", '" } ; DROP ALL ; SELECT * { "', "\\", '"""', "\t\x01"]
A = URIRef("http://ex/a")


def blocks(text: str) -> list[str]:
    """The variables of each VALUES block, in order."""
    return [" ".join(re.findall(r"\?\w+", m)) for m in re.findall(r"VALUES \(([^)]*)\)", text)]


def test_values_block_escapes_every_dangerous_character() -> None:
    for value in NASTY:
        block = values_block({"x": Literal(value)})
        assert "\n" not in block  # one line: a value cannot end a comment or start a new clause
        # The literal round-trips through a real SPARQL parser as exactly one term.
        solutions = list(ox.Store().query(f"SELECT ?x WHERE {{ {block} }}"))
        assert [s["x"].value for s in solutions] == [value]


def test_typed_and_tagged_literals_keep_their_type() -> None:
    store = ox.Store()
    for term in (
        Literal("2024-01-31", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        Literal("chat", lang="fr"),
    ):
        (solution,) = store.query(f"SELECT ?x WHERE {{ {values_block({'x': term})} }}")
        assert solution["x"].value == str(term)
        assert (solution["x"].language or None) == term.language


def test_bad_parameters_are_refused() -> None:
    for value in (
        URIRef("http://ex/a> } DROP ALL #"),
        BNode(),
        Literal("a", datatype=URIRef("http://ex/t> }")),
    ):
        with pytest.raises(BindingError):
            values_block({"x": value})
    with pytest.raises(BindingError):
        values_block({"x) {} DROP ALL #": Literal("a")})


def test_where_group_found_past_strings_comments_iris_and_prefixed_names() -> None:
    tricky = (
        "PREFIX where: <http://ex/where/>\n"
        "# WHERE { not here\n"
        'CONSTRUCT { ?s <http://ex/WHERE> "WHERE {" }\n'
        "WHERE { ?s ?where where:x }"
    )
    at = where_group_start(tricky)
    assert tricky[at - 7 : at] == "WHERE {"
    assert where_group_start("SELECT * { ?s ?p ?o }") == len("SELECT * {")
    bound = bind("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } } }", {"s": A})
    assert bound.index("VALUES") < bound.index("{ SELECT")


def test_without_markers_only_the_outer_block() -> None:
    """No inference: a user's query gets the outer block and nothing else, however it looks."""
    for query in (
        "SELECT ?s ?n WHERE { { SELECT ?s (COUNT(?o) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?s } }",
        "SELECT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } }",
        "SELECT ?s ?n WHERE { ?s ?p ?o OPTIONAL { ?s <http://ex/name> ?n } }",
    ):
        assert blocks(bind(query, {"s": A})) == ["?s"]


def test_markers_put_the_bound_variables_they_list_into_the_next_group() -> None:
    query = (
        "SELECT ?s ?o ?n WHERE {\n"
        "  ?s ?p ?o .\n"
        "  # @bind ?s ?o\n"
        "  OPTIONAL { ?s <http://ex/name> ?n . ?s ?q ?o }\n"
        "  OPTIONAL {\n"
        "    SELECT ?s (COUNT(*) AS ?c)\n"
        "    # @bind ?s\n"
        "    WHERE { ?s ?r ?x } GROUP BY ?s\n"
        "  }\n"
        "}"
    )
    both = bind(query, {"s": A, "o": Literal("x")})
    assert blocks(both) == ["?s ?o", "?s ?o", "?s"]
    assert re.search(r"WHERE \{\s+VALUES \(\?s\) \{ \(<http://ex/a>\) \}\s+\?s \?r \?x", both)
    only_o = bind(query, {"o": Literal("x")})
    assert blocks(only_o) == ["?o", "?o"]  # the subquery's marker lists no bound variable
    assert blocks(bind(query, {"s": A}, pushdown=False)) == ["?s"]
    ox.Store().query(both)  # valid SPARQL


def test_a_marker_inside_a_string_or_iri_is_not_a_marker() -> None:
    query = 'SELECT ?s WHERE { ?s ?p "# @bind ?s\n" . ?s <http://ex/#@bind> ?o { ?s ?q ?o } }'.replace(
        "\n", "\\n"
    )
    assert blocks(bind(query, {"s": A})) == ["?s"]


@pytest.mark.parametrize(
    "query",
    [
        'SELECT ?s WHERE { ?s ?p "unterminated }',
        "SELECT ?s WHERE { ?s ?p ?o ",
        "SELECT ?s WHERE { ?s ?p ?o } }",
        "SELECT ?s WHERE { ?s ?p ?o # @bind ?s\n }",  # a marker with no group after it
        "PREFIX ex: <http://ex/>\n# @bind ?s\nSELECT ?s WHERE { ?s ?p ?o }",  # before the WHERE group
        "DESCRIBE <http://ex/a>",  # no WHERE group
    ],
)
def test_what_the_scanner_cannot_follow_is_refused(query: str) -> None:
    with pytest.raises(BindingError):
        bind(query, {"s": A})


def test_every_named_query_binds_into_a_valid_query() -> None:
    empty = ox.Store()
    for name, query in named_queries().items():
        if not query.params:
            continue
        bindings = {p.name: Literal(NASTY[-3]) for p in query.params}
        text = bind(query.text, bindings)
        # Parses and runs; the VALUES block sits in the outer WHERE group, before any subquery.
        empty.query(text)
        outer = where_group_start(query.text)
        assert text[outer:].lstrip().startswith("VALUES"), name
    # The queries written for it get their parameters inside their subqueries too.
    recurring = named_queries()["select_recurring_weaknesses"]
    bindings = {p.name: URIRef("http://ex/x") for p in recurring.params}
    # outer, the pair subquery, its earlier and later sides, its two date tables (and OPTIONALs)
    assert bind(recurring.text, bindings).count("VALUES (") >= 1 + 1 + 2 + 2
    # Each UNION branch of construct_inspection and the GRAPH group inside the first two
    # (each branch was otherwise read for every inspection).
    construct = named_queries()["construct_inspection"]
    assert bind(construct.text, {"inspection": URIRef("http://ex/i")}).count("VALUES (") == 6
