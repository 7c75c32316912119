"""The same real letters in the embedded store, a real Oxigraph server and a real Virtuoso: every
named query gives the same rows (by value, after a canonical sort) on each, summaries are written
and read on each, export holds exactly ofsted-kg's graphs, injection attempts change nothing, and
the CLI works unchanged against a server through OFSTED_KG_ENDPOINT."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from backend_corpus import BACKENDS, PROFILES, canonical, letter_paths, rows_of
from rdflib import Literal, URIRef
from servers import oxigraph_server

from ofsted_kg import iris, summary
from ofsted_kg.backend import Backend
from ofsted_kg.named_queries import VOCABULARY_TYPES, QueryUsageError, as_bool, as_date, as_int, named_queries
from ofsted_kg.query_samples import sample_values
from ofsted_kg.remote import GRAPH_PREFIX, RemoteStore
from ofsted_kg.sparql_bindings import bind
from ofsted_kg.store import EmbeddedStore

pytestmark = [pytest.mark.server, pytest.mark.slow]

REMOTES = [b for b in BACKENDS if b != "embedded"]
NASTY = ['"', "}", ">", "line\nbreak", "' . } DROP ALL #", '" } ; DROP ALL ; SELECT * { "', "\\"]


@pytest.fixture(scope="module")
def embedded(corpus_embedded: Path) -> Iterator[EmbeddedStore]:
    store = EmbeddedStore(corpus_embedded)
    yield store
    store.close()


def open_backend(request: pytest.FixtureRequest, name: str, embedded: EmbeddedStore) -> Backend:
    if name == "embedded":
        return embedded
    url = request.getfixturevalue(f"corpus_{name}")
    return RemoteStore.from_settings(url, PROFILES[name])


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest, embedded: EmbeddedStore) -> Backend:
    return open_backend(request, request.param, embedded)


@pytest.fixture(params=REMOTES)
def remote(request: pytest.FixtureRequest, embedded: EmbeddedStore) -> Backend:
    return open_backend(request, request.param, embedded)


def kg_quads(backend: Backend) -> tuple[int, list[URIRef]]:
    """Quads in ofsted-kg's graphs (a server's own graphs, e.g. Virtuoso's, are not ours)."""
    count = backend.select(
        "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STRSTARTS(STR(?g), ?prefix)) }",
        {"prefix": Literal(GRAPH_PREFIX)},
    ).rows[0]["n"]
    return as_int(count) or 0, backend.graphs()


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_same_rows_on_every_backend(embedded: EmbeddedStore, remote: Backend, name: str) -> None:
    query = named_queries()[name]
    params = sample_values(embedded, query)
    missing = [p.name for p in query.params if not p.optional and p.name not in params]
    assert not missing, f"no sample value for required parameters {missing}"
    expected = rows_of(embedded, query, params)
    assert rows_of(remote, query, params) == expected
    # Without the optional parameters too (unbound: matches everything).
    required = {k: v for k, v in params.items() if not next(p for p in query.params if p.name == k).optional}
    unbound = expected
    if required != params:
        unbound = rows_of(embedded, query, required)
        assert rows_of(remote, query, required) == unbound
    # Equal answers prove little if they are empty: every query finds something in these letters.
    assert expected or unbound, f"{name} found nothing in the loaded letters"


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_pushed_down_bindings_change_no_rows(embedded: EmbeddedStore, name: str) -> None:
    """The parameters pushed into subqueries (sparql_bindings) narrow the work, never the answer:
    each named query with its sample values and with each one alone, pushed vs outer block only."""
    backend, query = embedded, named_queries()[name]
    params = sample_values(backend, query)
    required = {k: v for k, v in params.items() if not next(p for p in query.params if p.name == k).optional}
    for chosen in [params, *({**required, k: v} for k, v in params.items())]:
        bindings = query.bindings(chosen)
        if not bindings:
            continue
        outer_only = bind(query.text, bindings, pushdown=False)
        if query.form == "CONSTRUCT":
            pushed = sorted(tuple(map(canonical, t)) for t in backend.construct(query.text, bindings))
            plain = sorted(tuple(map(canonical, t)) for t in backend.construct(outer_only))
        else:
            result = backend.select(query.text, bindings)
            pushed = [tuple(canonical(row.get(v)) for v in result.variables) for row in result.rows]
            result = backend.select(outer_only)
            plain = [tuple(canonical(row.get(v)) for v in result.variables) for row in result.rows]
        assert pushed == plain, (name, sorted(chosen))


def test_injection_changes_nothing(backend: Backend) -> None:
    before = kg_quads(backend)
    for query in named_queries().values():
        strings = [p for p in query.params if p.type == "string"]
        # A required closed-vocabulary parameter (select_findings_by_theme's theme) gets a real value.
        required = {p.name: "adoption" for p in query.params if p.type == "theme" and not p.optional}
        # Every free-string parameter takes the value at once (running it once per parameter
        # repeated the same query: a minute on Virtuoso).
        for value in NASTY if strings else ():
            params = {**required, **{p.name: value for p in strings}}
            bindings = query.bindings(params)
            assert all(bindings[p.name] == Literal(value) for p in strings)
            rows_of(backend, query, params)  # runs: the value stayed a value
        # Closed vocabularies (theme, region, ...) refuse such a value before anything runs.
        for param in (p for p in query.params if p.type in VOCABULARY_TYPES):
            for value in NASTY:
                with pytest.raises(QueryUsageError):
                    query.bindings({**required, param.name: value})
    # The same through raw bindings: a literal that closes the query cannot end it.
    for value in NASTY:
        assert backend.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal(value)}).rows == []
    assert kg_quads(backend) == before


def test_every_backend_holds_the_same_quads(embedded: EmbeddedStore, remote: Backend) -> None:
    assert kg_quads(remote) == kg_quads(embedded)
    # Graphs: ontology, shared, related-findings analysis, per document a report graph and an
    # inspection graph (each letter a different inspection), one summary per authority
    # (Birmingham has two letters: six authorities) — and none of the server's own.
    graphs = remote.graphs()
    summaries = [g for g in graphs if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX)]
    inspections = [g for g in graphs if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX)]
    assert len(inspections) == len(letter_paths()) and len(summaries) == len(letter_paths()) - 1
    assert len(graphs) == 2 * len(letter_paths()) + 3 + len(summaries)


def test_summaries_are_written_and_current_on_every_backend(backend: Backend) -> None:
    """ingest wrote a summary for every authority, and each counts exactly the findings in the
    store (on Virtuoso, booleans come back as 1/0: summaries were once never written)."""
    assert len(summary.summarised_authorities(backend)) == len(letter_paths()) - 1
    assert summary.disagreements(backend) == []


@pytest.mark.parametrize("name", ["select_authorities_by_theme_count", "select_theme_profiles"])
def test_summary_queries_give_the_rows_of_counting_findings(
    embedded: EmbeddedStore, backend: Backend, name: str
) -> None:
    """The summaries ingest wrote (through the Graph Store Protocol on a server) answer as
    counting every finding does (the direct form kept in tests/direct_queries)."""
    query = named_queries()[name]
    direct = (Path(__file__).resolve().parent / "direct_queries" / f"{name}.rq").read_text(encoding="utf-8")
    params = sample_values(embedded, query)
    for bindings in (query.bindings(params), {}):
        result = backend.select(query.text, bindings)
        counted = backend.select(direct, bindings)
        assert result.rows, name
        assert sorted(
            tuple(map(canonical, (r.get(v) for v in result.variables))) for r in result.rows
        ) == sorted(tuple(map(canonical, (r.get(v) for v in counted.variables))) for r in counted.rows)


TYPED = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
        PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?yes ?no ?exists ?missing ?issued ?n WHERE {
          { SELECT (MIN(?d) AS ?issued) (COUNT(?r) AS ?n) WHERE { ?r a okg:Report ; dcterms:issued ?d } }
          BIND(true AS ?yes) BIND(false AS ?no)
          BIND(EXISTS { ?x a okg:Report } AS ?exists) BIND(EXISTS { ?x a okg:NoSuchClass } AS ?missing)
        }"""


def test_typed_results_read_by_value(embedded: EmbeddedStore, backend: Backend) -> None:
    """One conversion layer on every backend: booleans (true/false, or Virtuoso's 1/0), integers
    and dates come out as Python values whatever form the store sent them in."""
    row, reference = backend.select(TYPED).rows[0], embedded.select(TYPED).rows[0]
    assert (as_bool(row["yes"]), as_bool(row["no"])) == (True, False)
    assert (as_bool(row["exists"]), as_bool(row["missing"])) == (True, False)
    count = as_int(row["n"])
    assert isinstance(count, int) and count > 0 and count == as_int(reference["n"])
    issued = as_date(row["issued"])
    assert isinstance(issued, dt.date) and issued == as_date(reference["issued"])
    assert as_bool(None) is None and as_int(None) is None and as_date(None) is None


@pytest.mark.parametrize("fmt", ["nq", "trig"])
def test_export_holds_exactly_the_kg_graphs(embedded: EmbeddedStore, backend: Backend, fmt: str) -> None:
    out = io.BytesIO()
    backend.export(out, fmt)
    quads = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS if fmt == "nq" else ox.RdfFormat.TRIG))
    names = {q.graph_name.value for q in quads}
    assert names and all(name.startswith(GRAPH_PREFIX) for name in names), sorted(names)[:3]
    count, graphs = kg_quads(embedded)
    assert len(quads) == count and names == {str(g) for g in graphs}
    reference = io.BytesIO()
    embedded.export(reference, "nq")
    assert {str(q) for q in quads} == {
        str(q) for q in ox.parse(reference.getvalue(), format=ox.RdfFormat.N_QUADS)
    }


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args], env=env, capture_output=True, text=True, timeout=300
    )


def test_cli_works_unchanged_through_endpoint(tmp_path: Path) -> None:
    files = [str(p) for p in letter_paths()[:2]]
    base_env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    results: dict[str, tuple[list, set[str]]] = {}
    with oxigraph_server(tmp_path / "server") as server:
        for label, extra in (
            ("endpoint", {"OFSTED_KG_ENDPOINT": server.url}),
            ("embedded", {"OFSTED_KG_STORE": str(tmp_path / "kg.db")}),
        ):
            env = {**base_env, **extra}
            done = cli(env, "-q", "ingest", "--jobs", "1", *files)
            assert done.returncode == 0, done.stderr
            again = cli(env, "ingest", "--jobs", "1", *files)  # unchanged: skipped
            assert again.returncode == 0 and "skipped 2" in again.stderr
            query = cli(env, "query", "select_inspections", "--format", "json")
            assert query.returncode == 0, query.stderr
            out = tmp_path / f"{label}.ttl"
            exported = cli(env, "export", "--format", "turtle", "-o", str(out))
            assert exported.returncode == 0, exported.stderr
            triples = {
                str(t) for t in ox.parse(path=str(out), format=ox.RdfFormat.TURTLE) if "_:" not in str(t)
            }
            results[label] = (json.loads(query.stdout), triples)
    rows = results["endpoint"][0]
    assert len(rows) == 2 and rows == results["embedded"][0]
    assert results["endpoint"][1] == results["embedded"][1]
