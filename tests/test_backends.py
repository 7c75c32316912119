"""The same real letters in the embedded store and in a real Oxigraph server: every named query
gives the same rows on both, injection attempts change nothing on either, and the CLI works
unchanged against the server through OFSTED_KG_ENDPOINT."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from ofsted_kg.loaders.record import Provenance
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier
from servers import Server, oxigraph_server

from ofsted_kg import iris
from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.backend import Backend
from ofsted_kg.ingest import Built, Failed, build_document, ingest
from ofsted_kg.named_queries import NamedQuery, named_queries
from ofsted_kg.query_samples import sample_values
from ofsted_kg.remote import RemoteStore
from ofsted_kg.sparql_bindings import bind
from ofsted_kg.store import EmbeddedStore

pytestmark = [pytest.mark.server, pytest.mark.slow]

# A handful of focused visits (different templates and years), one ILACS, one area SEND report.
LETTERS = [
    "focused-visit_barking-and-dagenham_2018-04.pdf",
    "focused-visit_barnet_2021-08.pdf",
    "focused-visit_birmingham_2020-03.pdf",  # two visits to one authority: recurring weaknesses
    "focused-visit_birmingham_2024-10.pdf",
    "focused-visit_cornwall_2022-02.pdf",
    "ilacs_dorset_2021-11.pdf",
]
SEND_PREFIX = "send-area_"
NASTY = ['"', "}", ">", "line\nbreak", "' . } DROP ALL #", '" } ; DROP ALL ; SELECT * { "', "\\"]
BACKENDS = ["embedded", "oxigraph"]

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"


def letter_paths() -> list[Path]:
    send = sorted(EXAMPLES.glob(f"{SEND_PREFIX}*.pdf"))[:1]
    return [EXAMPLES / name for name in LETTERS] + send


@cache
def _built(path: str, provenance: Provenance) -> Built | Failed:
    return build_document(path, provenance)


def cached_builder(path: str, provenance: Provenance) -> Built | Failed:
    """Extract each letter once for both backends (the stores differ, the documents do not)."""
    return _built(path, provenance)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("server") / "db") as running:
        yield running


@pytest.fixture(scope="module")
def stores(server: Server, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Backend]]:
    embedded = EmbeddedStore(tmp_path_factory.mktemp("embedded") / "kg.db")
    remote = RemoteStore.from_settings(server.url, "oxigraph")
    files = letter_paths()
    for backend in (embedded, remote):
        summary = ingest(backend, files, jobs=1, progress=False, builder=cached_builder)
        assert summary.failed == [] and len(summary.loaded) == len(files)
        recompute_related(backend)  # the analysis graph, so the related-findings query has rows
    yield {"embedded": embedded, "oxigraph": remote}
    embedded.close()


def canonical(term: Identifier | None) -> str:
    if term is None:
        return "UNBOUND"
    if isinstance(term, BNode):
        return "_:b"
    return term.n3()


def rows_of(backend: Backend, query: NamedQuery, params: dict[str, str]) -> list[tuple[str, ...]]:
    bindings = query.bindings(params)
    if query.form == "CONSTRUCT":
        return sorted(
            tuple(canonical(t) for t in triple) for triple in backend.construct(query.text, bindings)
        )
    result = backend.select(query.text, bindings)
    return sorted(tuple(canonical(row.get(v)) for v in result.variables) for row in result.rows)


def quads(backend: Backend) -> tuple[int, list[URIRef]]:
    count = backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]
    return int(count), backend.graphs()


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_named_query_same_rows_on_every_backend(stores: dict[str, Backend], name: str) -> None:
    query = named_queries()[name]
    params = sample_values(stores["embedded"], query)
    missing = [p.name for p in query.params if not p.optional and p.name not in params]
    assert not missing, f"no sample value for required parameters {missing}"
    answers = {key: rows_of(backend, query, params) for key, backend in stores.items()}
    assert answers["embedded"] == answers["oxigraph"]
    # Without the optional parameters too (unbound: matches everything).
    required = {k: v for k, v in params.items() if not next(p for p in query.params if p.name == k).optional}
    unbound = answers["embedded"]
    if required != params:
        unbound = rows_of(stores["embedded"], query, required)
        assert unbound == rows_of(stores["oxigraph"], query, required)
    # Equal answers prove little if they are empty: every query finds something in these letters.
    assert answers["embedded"] or unbound, f"{name} found nothing in the loaded letters"


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_pushed_down_bindings_change_no_rows(stores: dict[str, Backend], name: str) -> None:
    """The parameters pushed into subqueries (sparql_bindings) narrow the work, never the answer:
    each named query with its sample values and with each one alone, pushed vs outer block only."""
    backend, query = stores["embedded"], named_queries()[name]
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


@pytest.mark.parametrize("backend_name", BACKENDS)
def test_injection_changes_nothing(stores: dict[str, Backend], backend_name: str) -> None:
    backend = stores[backend_name]
    before = quads(backend)
    for query in named_queries().values():
        strings = [p for p in query.params if p.type == "string"]
        for param in strings:
            for value in NASTY:
                params = {p.name: value for p in strings}
                bindings = query.bindings(params)
                assert bindings[param.name] == Literal(value)
                rows_of(backend, query, params)  # runs: the value stayed a value
    # The same through raw bindings: a literal that closes the query cannot end it.
    for value in NASTY:
        assert backend.select("SELECT ?s WHERE { ?s ?p ?o }", {"o": Literal(value)}).rows == []
    assert quads(backend) == before


def test_both_backends_hold_the_same_quads(stores: dict[str, Backend]) -> None:
    counts = {key: quads(backend) for key, backend in stores.items()}
    assert counts["embedded"] == counts["oxigraph"]
    # Graphs: ontology, shared, related-findings analysis, per document a report graph and an
    # inspection graph (each letter a different inspection), and one summary per authority
    # (Birmingham has two letters: six authorities).
    graphs = counts["embedded"][1]
    inspections = [g for g in graphs if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX)]
    summaries = [g for g in graphs if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX)]
    assert len(inspections) == len(letter_paths()) and len(summaries) == len(letter_paths()) - 1
    assert len(graphs) == 2 * len(letter_paths()) + 3 + len(summaries)


@pytest.mark.parametrize("name", ["select_authorities_by_theme_count", "select_theme_profiles"])
@pytest.mark.parametrize("backend_name", BACKENDS)
def test_summary_queries_give_the_rows_of_counting_findings(
    stores: dict[str, Backend], backend_name: str, name: str
) -> None:
    """The summaries ingest changed with each inspection (in one SPARQL update on the server)
    answer as counting every finding does (the direct form kept in tests/direct_queries)."""
    backend, query = stores[backend_name], named_queries()[name]
    direct = (Path(__file__).resolve().parent / "direct_queries" / f"{name}.rq").read_text(encoding="utf-8")
    params = sample_values(stores["embedded"], query)
    for bindings in (query.bindings(params), {}):
        result = backend.select(query.text, bindings)
        counted = backend.select(direct, bindings)
        assert result.rows, name
        assert [tuple(map(canonical, (r.get(v) for v in result.variables))) for r in result.rows] == [
            tuple(map(canonical, (r.get(v) for v in counted.variables))) for r in counted.rows
        ]


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
