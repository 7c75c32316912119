"""The embedded store: atomic graph replacement, union queries with bound terms, streaming exports."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from ofsted_kg import iris
from ofsted_kg.backend import StoreError
from ofsted_kg.store import EmbeddedStore

SHA_A = "a" * 64
SHA_B = "b" * 64

DOC_TEMPLATE = """
@prefix okg: <https://w3id.org/ofsted-kg/ontology#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<{report}> a okg:Letter ; prov:wasGeneratedBy <{inspection}> ; dcterms:source "{source}" ;
    okg:sha256 "{sha}" ; dcterms:issued "2021-08-02"^^xsd:date ; okg:text "{text}" .
<{inspection}> a okg:FocusedVisit ; okg:inspectedAuthority <{authority}> ;
    okg:startDate "2021-06-22"^^xsd:date ; okg:endDate "2021-06-23"^^xsd:date .
<{finding}> okg:aboutInspection <{inspection}> ; prov:wasDerivedFrom <{report}> ;
    okg:text "{text}" ; okg:sequence 1 ; okg:evidence [ okg:page 2 ] .
"""


def inspection_of(sha: str) -> URIRef:
    """A hand-made inspection per document (keyed by its hash: no visit dates go into the key)."""
    return iris.inspection(iris.inspection_key("E06000031", "focused_visit", None, None, sha))


def doc_ntriples(
    sha: str, source: str = "letter.pdf", text: str = "Leaders know their services well."
) -> bytes:
    turtle = DOC_TEMPLATE.format(
        report=iris.report(sha),
        inspection=inspection_of(sha),
        authority=iris.authority("E06000031"),
        finding=iris.finding(inspection_of(sha), 1),
        source=source,
        sha=sha,
        text=text,
    )
    return ox.serialize(ox.parse(turtle, format=ox.RdfFormat.TURTLE), format=ox.RdfFormat.N_TRIPLES)


SHARED = (
    f'<{iris.authority("E06000031")}> <http://www.w3.org/2004/02/skos/core#prefLabel> "Peterborough" .\n'
    f'<{iris.authority("E06000031")}> <https://w3id.org/ofsted-kg/ontology#gssCode> "E06000031" .\n'
).encode()


@pytest.fixture
def store(tmp_path: Path):
    backend = EmbeddedStore(tmp_path / "kg.db")
    yield backend
    backend.close()


def test_replace_graph_holds_exactly_the_new_triples(store: EmbeddedStore) -> None:
    graph = iris.report_graph(SHA_A)
    store.replace_graph(graph, doc_ntriples(SHA_A, text="first version"))
    first = store.triple_count(graph)
    store.replace_graph(graph, doc_ntriples(SHA_A, text="second version"))
    assert store.triple_count(graph) == first
    texts = {
        str(r["t"])
        for r in store.select("SELECT ?t WHERE { ?f <https://w3id.org/ofsted-kg/ontology#text> ?t }").rows
    }
    assert texts == {"second version"}


def _graph_lines(store: EmbeddedStore, graph: URIRef) -> set[str]:
    out = io.BytesIO()
    store._store.dump(out, format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(str(graph)))
    return set(out.getvalue().decode().splitlines())


def test_replacing_an_existing_graph_writes_only_what_changed(store: EmbeddedStore) -> None:
    """An existing graph is replaced by deleting and adding only the triples that differ (one
    update, so one transaction); the result is exactly the new triples, spelt any way."""
    graph, p = iris.RELATED_GRAPH, "<https://example.org/p>"
    old = "".join(f'<https://example.org/s{i}> {p} "v{i}" .\n' for i in range(50)).encode()
    store.replace_graph(graph, old)
    # 40 kept, 10 changed, 5 new; one kept triple spelt differently (a datatype written out).
    new = "".join(f'<https://example.org/s{i}> {p} "v{i}" .\n' for i in range(1, 40))
    new += f'<https://example.org/s0> {p} "v0"^^<http://www.w3.org/2001/XMLSchema#string> .\n'
    new += "".join(f'<https://example.org/s{i}> {p} "w{i}" .\n' for i in range(40, 55))
    updates: list[str] = []
    run = store._run_update
    store._run_update = lambda text: (updates.append(text), run(text))[1]  # type: ignore[method-assign]
    store.replace_graph(graph, new.encode())
    assert _graph_lines(store, graph) == {
        *(f'<https://example.org/s{i}> {p} "v{i}" .' for i in range(40)),
        *(f'<https://example.org/s{i}> {p} "w{i}" .' for i in range(40, 55)),
    }
    assert len(updates) == 1 and "DROP" not in updates[0]
    assert updates[0].count(" .\n") == 10 + 15  # deleted v40-v49, added w40-w54: nothing else
    # The same triples again: nothing written. Nothing at all: an empty graph that still exists.
    store.replace_graph(graph, new.encode())
    assert len(updates) == 1
    store.replace_graph(graph, b"")
    assert store.triple_count(graph) == 0 and store.has_graph(graph)
    # Blank nodes cannot be compared line by line: the whole graph is replaced.
    store.replace_graph(graph, f'_:b {p} "x" .\n'.encode())
    store.replace_graph(graph, f'_:b {p} "y" .\n'.encode())
    assert {line.split(" ", 2)[2] for line in _graph_lines(store, graph)} == {'"y" .'}


def test_failed_load_leaves_nothing_of_the_document(store: EmbeddedStore) -> None:
    good = doc_ntriples(SHA_A)
    truncated = good[: len(good) // 2] + b"<http://broken"  # a document cut off mid-write
    with pytest.raises(ValueError):
        store.replace_graph(iris.report_graph(SHA_B), truncated)
    assert not store.has_graph(iris.report_graph(SHA_B))
    assert store.triple_count() == 0
    # A failed replacement of an existing document keeps the old version whole.
    store.replace_graph(iris.report_graph(SHA_A), good)
    before = store.triple_count(iris.report_graph(SHA_A))
    with pytest.raises(ValueError):
        store.replace_graph(iris.report_graph(SHA_A), truncated)
    assert store.triple_count(iris.report_graph(SHA_A)) == before


def test_data_cannot_escape_its_graph(store: EmbeddedStore) -> None:
    # A literal holding update syntax stays a literal: the data is re-serialised canonically.
    nasty = '"}} ; DROP ALL ; INSERT DATA { GRAPH <http://x/g> { <http://x/s> <http://x/p> "o" } } #'
    escaped = nasty.replace("\\", "\\\\").replace('"', '\\"')
    store.replace_graph(iris.report_graph(SHA_B), doc_ntriples(SHA_B))
    store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A))
    # Replacing an existing graph goes through a SPARQL update carrying the data.
    store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A, text=escaped))
    assert store.has_graph(iris.report_graph(SHA_B))
    assert URIRef("http://x/g") not in store.graphs()
    rows = store.select(
        "SELECT ?t WHERE { ?r <https://w3id.org/ofsted-kg/ontology#sha256> ?sha ; <https://w3id.org/ofsted-kg/ontology#text> ?t }",
        {"sha": Literal(SHA_A)},
    ).rows
    assert [str(r["t"]) for r in rows] == [nasty]


def test_queries_see_all_named_graphs_with_bound_typed_terms(store: EmbeddedStore) -> None:
    store.add_to_graph(iris.SHARED_GRAPH, SHARED)
    store.add_to_graph(iris.SHARED_GRAPH, SHARED)  # idempotent
    store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A))
    store.replace_graph(iris.report_graph(SHA_B), doc_ntriples(SHA_B, source="other.pdf"))
    assert store.triple_count(iris.SHARED_GRAPH) == 2
    result = store.select(
        """SELECT ?inspection ?name ?start WHERE {
             ?inspection <https://w3id.org/ofsted-kg/ontology#inspectedAuthority> ?a ;
                         <https://w3id.org/ofsted-kg/ontology#startDate> ?start .
             ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }""",
        {"name": Literal("Peterborough")},
    )
    assert result.variables == ["inspection", "name", "start"]
    assert {r["inspection"] for r in result.rows} == {inspection_of(SHA_A), inspection_of(SHA_B)}
    assert all(r["start"] == Literal("2021-06-22", datatype=XSD.date) for r in result.rows)
    none = store.select(
        "SELECT ?a ?name WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name }",
        {"name": Literal('Peterborough" } #')},
    )
    assert none.rows == []
    assert store.ask("ASK { ?s ?p ?o }")
    triples = list(store.construct("CONSTRUCT WHERE { ?i <https://w3id.org/ofsted-kg/ontology#endDate> ?d }"))
    assert len(triples) == 2 and all(isinstance(s, URIRef) for s, _, _ in triples)


def test_graphs_persist_and_drop(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    with EmbeddedStore(path) as store:
        store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A))
        store.replace_graph(iris.report_graph(SHA_B), doc_ntriples(SHA_B))
        store.drop_graph(iris.report_graph(SHA_B))
    with EmbeddedStore(path) as store:
        assert store.graphs() == [iris.report_graph(SHA_A)]
        assert store.triple_count() == store.triple_count(iris.report_graph(SHA_A)) > 0


@pytest.mark.parametrize("fmt", ["turtle", "nt", "trig", "nq", "jsonld"])
def test_export_round_trips_through_rdflib(store: EmbeddedStore, fmt: str) -> None:
    store.add_to_graph(iris.SHARED_GRAPH, SHARED)
    store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A))
    store.replace_graph(iris.report_graph(SHA_B), doc_ntriples(SHA_B))
    out = io.BytesIO()
    store.export(out, fmt)
    rdflib_format = {"nt": "nt", "nq": "nquads", "turtle": "turtle", "trig": "trig", "jsonld": "json-ld"}[fmt]
    if fmt in ("trig", "nq", "jsonld"):
        dataset = Dataset()
        dataset.parse(data=out.getvalue(), format=rdflib_format)
        names = {g.identifier for g in dataset.graphs() if len(g)}
        assert {iris.SHARED_GRAPH, iris.report_graph(SHA_A), iris.report_graph(SHA_B)} <= names
        assert sum(len(dataset.graph(n)) for n in names) == store.triple_count()
    else:
        graph = Graph().parse(data=out.getvalue(), format=rdflib_format)
        # Every triple of every named graph is there (blank nodes differ by graph, so they add up).
        assert len(graph) == store.triple_count()
        assert (iris.authority("E06000031"), None, Literal("Peterborough")) in graph


def test_export_of_one_graph(store: EmbeddedStore) -> None:
    store.replace_graph(iris.report_graph(SHA_A), doc_ntriples(SHA_A))
    store.replace_graph(iris.report_graph(SHA_B), doc_ntriples(SHA_B))
    for fmt, parse_as in (("turtle", "turtle"), ("nq", "nquads")):
        out = io.BytesIO()
        store.export(out, fmt, [iris.report_graph(SHA_B)])
        graph = Dataset().parse(data=out.getvalue(), format=parse_as)
        subjects = {str(s) for s, _, _, _ in graph.quads((None, None, None, None))}
        assert str(iris.report(SHA_B)) in subjects and str(iris.report(SHA_A)) not in subjects


def test_a_locked_store_is_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "kg.db"
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); sys.stdin.read()",
            str(path),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(StoreError, match="in use by another process"):
            EmbeddedStore(path)
    finally:
        holder.communicate("")


def test_apply_changes_several_graphs_in_one_transaction(store: EmbeddedStore) -> None:
    from ofsted_kg.backend import GraphChange

    a, b, c = iris.report_graph(SHA_A), iris.report_graph(SHA_B), iris.report_graph("c" * 64)
    store.replace_graph(a, doc_ntriples(SHA_A))
    store.replace_graph(b, doc_ntriples(SHA_B))
    before = {g: store.triple_count(g) for g in (a, b)}
    texts = "SELECT ?t WHERE { GRAPH ?g { ?r <https://w3id.org/ofsted-kg/ontology#sha256> ?s ; <https://w3id.org/ofsted-kg/ontology#text> ?t } }"
    broken = (b, b"<http://broken")
    # Replacing two graphs where the second's data is malformed: neither changes.
    with pytest.raises(ValueError):
        store.apply(GraphChange(drop=(a, b), insert=((a, doc_ntriples(SHA_A, text="new")), broken)))
    # Adding to a new graph with malformed data alongside (the fast path): nothing written.
    with pytest.raises(ValueError):
        store.apply(GraphChange(drop=(c,), insert=((c, doc_ntriples("c" * 64)), broken)))
    assert {g: store.triple_count(g) for g in (a, b)} == before and not store.has_graph(c)
    # One change: a replaced, a triple deleted from b, c created.
    issued = (
        f'<{iris.report(SHA_B)}> <http://purl.org/dc/terms/issued> "2021-08-02"^^<{XSD.date}> .\n'.encode()
    )
    store.apply(
        GraphChange(
            drop=(a, c),
            delete=((b, issued),),
            insert=((a, doc_ntriples(SHA_A, text="new")), (c, doc_ntriples("c" * 64))),
        )
    )
    assert {str(r["t"]) for r in store.select(texts, {"g": a}).rows} == {"new"}
    assert store.triple_count(b) == before[b] - 1 and store.triple_count(c) == before[a]
