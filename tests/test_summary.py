"""Authority summaries: counted right, changed in the same transaction as the findings (so never out
of step with them), and the queries that read them give the rows of counting every finding
(tests/direct_queries/), whatever copies come and go."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from ofsted_kg.loaders.record import Finding, Span
from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.backend import Backend
from ofsted_kg.ingest import ingest
from ofsted_kg.named_queries import named_queries
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.summary import (
    AuthorityCounts,
    ThemeTallies,
    count_themes,
    disagreements,
    stored,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
TEXT = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
DIRECT = Path(__file__).resolve().parent / "direct_queries"
PETERBOROUGH = ("focused-visit_peterborough_2021-08.pdf", "focused-visit_peterborough_2023-05.pdf")
KENT = "focused-visit_kent_2019-02.pdf"
PETERBOROUGH_IRI = iris.authority("E06000031")
SUMMARY_QUERIES = ("select_authorities_by_theme_count", "select_theme_profiles")


def test_count_themes_counts_distinct_findings_per_theme_and_polarity() -> None:
    span = Span(0, 1, 1)
    findings = [
        Finding("main_finding", "a", span, themes=["t1", "t2"], polarity="concern"),
        Finding("main_finding", "b", span, themes=["t1", "t1"], polarity=None),  # a repeat: once
        Finding("main_finding", "c", span, themes=["t1"], polarity="concern"),
        Finding("main_finding", "d", span, themes=[], polarity="strength"),
    ]
    assert count_themes(findings) == ThemeTallies(
        themes=(("t1", 3), ("t2", 1)),
        theme_polarities=(("t1", "concern", 2), ("t1", "neutral", 1), ("t2", "concern", 1)),
    )


def test_authority_counts_add_and_take_away_inspections() -> None:
    one = ThemeTallies(
        themes=(("t1", 2), ("t2", 1)), theme_polarities=(("t1", "concern", 2), ("t2", "neutral", 1))
    )
    two = ThemeTallies(themes=(("t1", 1),), theme_polarities=(("t1", "strength", 1),))
    both = AuthorityCounts().plus(one, 1).plus(two, 1)
    assert both.themes == {"t1": (3, 2), "t2": (1, 1)}
    assert both.polarities == {("t1", "concern"): 2, ("t1", "strength"): 1, ("t2", "neutral"): 1}
    assert both.plus(one, -1) == AuthorityCounts().plus(two, 1)  # rows that reach zero go
    assert both.plus(two, -1).plus(one, -1).is_empty()


def rows(backend: Backend, text: str, bindings: dict) -> list[tuple[str, ...]]:
    result = backend.select(text, bindings)
    return [tuple(str(row.get(v)) for v in result.variables) for row in result.rows]


def assert_tallies_match_counting(backend: Backend, authority: URIRef = PETERBOROUGH_IRI) -> None:
    """Each tally-reading query gives the rows of counting the findings, bound and unbound."""
    for name in SUMMARY_QUERIES:
        query = named_queries()[name]
        direct = (DIRECT / f"{name}.rq").read_text(encoding="utf-8")
        for values in ({}, {"theme": "child-protection"}, {"authority": str(authority)}):
            params = {k: v for k, v in values.items() if k in {p.name for p in query.params}}
            bindings = query.bindings(params)
            counted = rows(backend, direct, bindings)
            assert counted, (name, values)
            assert rows(backend, query.text, bindings) == counted, (name, values)


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in (*PETERBOROUGH, KENT):
        shutil.copy(EXAMPLES / name, folder / name)
    shutil.copy(TEXT, folder / TEXT.name)  # a second copy of the 2021 letter
    return folder


def test_summaries_follow_the_findings_through_copies_and_prunes(tmp_path: Path, letters: Path) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as store:
        ingest(store, [letters], jobs=2, progress=False)
        assert_tallies_match_counting(store)
        assert disagreements(store) == []
        summaries = {g for g in store.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX)}
        assert summaries == {
            iris.summary_graph(PETERBOROUGH_IRI),
            iris.summary_graph(iris.authority("E10000016")),
        }
        # The PDF goes: the text copy carries the findings and the tallies.
        (letters / PETERBOROUGH[0]).unlink()
        ingest(store, [letters], jobs=1, progress=False, prune=True)
        assert_tallies_match_counting(store)
        # Kent goes: its tallies with it.
        (letters / KENT).unlink()
        ingest(store, [letters], jobs=1, progress=False, prune=True)
        assert_tallies_match_counting(store)
        authorities = {
            r[2] for r in rows(store, named_queries()["select_authorities_by_theme_count"].text, {})
        }
        assert authorities == {"Peterborough"}
        assert not store.has_graph(iris.summary_graph(iris.authority("E10000016")))  # nothing left to count
        assert disagreements(store) == []


def test_a_summary_stays_right_through_runs_that_each_add_to_it(tmp_path: Path) -> None:
    """Each run after an authority's first adds its rows to the summary as a part (a transaction
    that only adds; readers add the parts up), and the run's fold leaves one row per theme: the
    answers are those of counting the findings after every run, and no part is left."""
    birmingham = iris.authority("E08000025")
    files = sorted(EXAMPLES.glob("*_birmingham_*.pdf"))
    assert len(files) == 5
    graph = iris.summary_graph(birmingham)
    with EmbeddedStore(tmp_path / "kg.db") as store:
        sizes = []
        for path in files:
            ingest(store, [path], jobs=1, progress=False)
            assert iris.SUMMARY_PART_MARK not in store.graph_ntriples(graph).decode("utf-8")
            assert_tallies_match_counting(store, birmingham)
            assert disagreements(store) == []
            sizes.append(store.triple_count(graph))
        assert sizes == sorted(sizes) and sizes[0] < sizes[-1]  # more themes counted, not more copies of rows


def test_a_summary_of_ofsted_kg_0_1_is_recounted_in_the_current_form(tmp_path: Path, letters: Path) -> None:
    """0.1 recounted summaries at the end of a run and listed the reports they counted; a store it
    wrote is recounted (one authority per transaction) by the next ingest, with or without paths."""
    from ofsted_kg.cli import main

    store_path = tmp_path / "kg.db"
    graph = iris.summary_graph(PETERBOROUGH_IRI)
    with EmbeddedStore(store_path) as store:
        ingest(store, [letters], jobs=1, progress=False)
        current = {g: store.triple_count(g) for g in store.graphs()}
        counts = stored(store, PETERBOROUGH_IRI)
        old = (
            f"<{PETERBOROUGH_IRI}/summary> <https://w3id.org/ofsted-kg/ontology#summaryOf> <{PETERBOROUGH_IRI}> .\n"
            f"<{PETERBOROUGH_IRI}/summary> <https://w3id.org/ofsted-kg/ontology#summarises> <{iris.report('a' * 64)}> .\n"
        )
        store.replace_graph(graph, old.encode())
        assert disagreements(store) != []
    assert main(["--store", str(store_path), "ingest"]) == 0
    with EmbeddedStore(store_path) as store:
        assert {g: store.triple_count(g) for g in store.graphs()} == current
        assert stored(store, PETERBOROUGH_IRI) == counts and disagreements(store) == []
        assert_tallies_match_counting(store)
    assert main(["--store", str(store_path), "ingest", "--prune"]) == 2  # would empty the store
