"""Parameter values cannot change a query: they are bound as terms, never pasted into the text.

The `backend` fixture is parametrised over the embedded store and a real Oxigraph server, so the
same hostile values are tried on every backend.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rdflib import URIRef

from ofsted_kg.backend import Backend
from ofsted_kg.ingest import ingest
from ofsted_kg.named_queries import QueryUsageError, named_queries, run_select, typed_rows
from ofsted_kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letters" / "focused-visit_peterborough_2021-08.pdf"

HOSTILE = [
    '"',
    "}",
    ">",
    "line\nbreak",
    "' . } DROP ALL #",
    'Peterborough" } ; DROP ALL ; SELECT * WHERE { "',
    'Peterborough" || true || "',
    "E06000031> } UNION { ?s ?p ?o",
    "\\",
    '"""',
    "#",
    "Peterborough\n} } DELETE WHERE { ?s ?p ?o } #",
]

COUNT = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"


def _embedded(tmp: Path) -> Iterator[Backend]:
    with EmbeddedStore(tmp / "kg.db") as store:
        yield store


def _oxigraph_server(tmp: Path) -> Iterator[Backend]:
    servers = pytest.importorskip("servers")
    try:
        servers.oxigraph_binary()
    except RuntimeError as exc:
        pytest.skip(str(exc))
    from ofsted_kg.remote import RemoteStore

    with servers.oxigraph_server(tmp / "server-db") as server:
        yield RemoteStore.from_settings(server.url, "oxigraph")


BACKENDS = {"embedded": _embedded, "oxigraph-server": _oxigraph_server}


@pytest.fixture(scope="module", params=sorted(BACKENDS))
def backend(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Backend]:
    factory = BACKENDS[request.param]
    generator = factory(tmp_path_factory.mktemp(request.param))
    store = next(generator)
    summary = ingest(store, [LETTER], jobs=1, progress=False)
    assert summary.failed == [] and len(summary.loaded) == 1
    yield store
    generator.close()


def state(backend: Backend) -> tuple[list[URIRef], int]:
    return backend.graphs(), int(backend.select(COUNT).rows[0]["n"])


def parametrised_queries() -> list[tuple[str, str]]:
    return [(q.name, p.name) for q in named_queries().values() for p in q.params]


@pytest.mark.parametrize(("query_name", "param"), parametrised_queries())
def test_hostile_values_match_nothing_and_change_nothing(
    backend: Backend, query_name: str, param: str
) -> None:
    query = named_queries()[query_name]
    declared = next(p for p in query.params if p.name == param)
    before = state(backend)
    for value in HOSTILE:
        others = {p.name: _harmless(p.type) for p in query.params if not p.optional and p.name != param}
        try:
            bindings = query.bindings({**others, param: value})
        except QueryUsageError:
            # IRIs, dates, numbers, authorities and closed vocabularies are validated; free
            # strings are never refused.
            assert declared.type != "string"
            continue
        if query.form == "SELECT":
            result = backend.select(query.text, bindings)
            # A bound variable is projected and joined: every row carries exactly the given value.
            assert all(str(row[param]) == value for row in result.rows if row.get(param) is not None)
            assert result.rows == [] or all(row.get(param) is not None for row in result.rows)
        else:
            assert list(backend.construct(query.text, bindings)) == []
    assert state(backend) == before


def test_bound_values_come_back_verbatim(backend: Backend) -> None:
    for value in HOSTILE:
        result = backend.select("SELECT ?x WHERE { }", {"x": _literal(value)})
        assert [str(row["x"]) for row in result.rows] == [value]


def test_a_real_value_still_matches(backend: Backend) -> None:
    rows = run_select(
        backend, named_queries()["select_findings_for_authority"], {"authority": "Peterborough"}
    )
    assert rows and {r.authority_name for r in rows} == {"Peterborough"}
    hostile = 'Peterborough" } UNION { ?auth ?x ?authority } #'
    with pytest.raises(QueryUsageError, match="no authority called"):
        run_select(backend, named_queries()["select_findings_for_authority"], {"authority": hostile})
    assert typed_rows("x", ["x"], []) == []


def _harmless(kind: str) -> str:
    return {
        "iri": "https://w3id.org/ofsted-kg/id/authority/E06000031",
        "date": "2021-08-02",
        "integer": "1",
        "theme": "adoption",
        "document_type": "focused_visit",
        "polarity": "concern",
        "finding_kind": "strength",
        "region": "London",
        "period": "year",
    }.get(kind, "Peterborough")


def _literal(value: str):
    from rdflib import Literal

    return Literal(value)
