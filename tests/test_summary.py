"""Authority summaries: counted right, kept current by ingest, repaired when left out of date, and
the queries that read them give the rows of counting every finding (tests/direct_queries/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.backend import Backend
from ofsted_kg.ingest import file_sha256, ingest
from ofsted_kg.named_queries import named_queries
from ofsted_kg.namespace import OKG
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.summary import ThemeCount, ThemePolarityCount, coverage, refresh_summaries, tally

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
DIRECT = Path(__file__).resolve().parent / "direct_queries"
PETERBOROUGH = ("focused-visit_peterborough_2021-08.pdf", "focused-visit_peterborough_2023-05.pdf")
KENT = "focused-visit_kent_2019-02.pdf"
PETERBOROUGH_IRI = iris.authority("E06000031")
KENT_IRI = iris.authority("E10000016")
SUMMARY_QUERIES = ("select_authorities_by_theme_count", "select_theme_profiles")


def test_tally_counts_distinct_findings_and_inspections() -> None:
    a, i1, i2 = URIRef("http://ex/a"), URIRef("http://ex/i1"), URIRef("http://ex/i2")
    f1, f2, f3 = (URIRef(f"http://ex/f{n}") for n in (1, 2, 3))
    t1, t2 = URIRef("http://ex/t1"), URIRef("http://ex/t2")
    rows = [
        {"inspection": i1, "finding": f1, "theme": t1, "polarity": OKG.Polarity_concern},
        {"inspection": i1, "finding": f1, "theme": t2, "polarity": OKG.Polarity_concern},
        {"inspection": i1, "finding": f2, "theme": t1, "polarity": None},  # no polarity: neutral
        {"inspection": i2, "finding": f3, "theme": t1, "polarity": OKG.Polarity_concern},
        {"inspection": i2, "finding": f3, "theme": t1, "polarity": OKG.Polarity_concern},  # a repeat
    ]
    counts = tally(a, [URIRef("http://ex/r2"), URIRef("http://ex/r1")], rows)
    assert counts.reports == (URIRef("http://ex/r1"), URIRef("http://ex/r2"))
    assert counts.themes == (ThemeCount(t1, 3, 2), ThemeCount(t2, 1, 1))
    assert set(counts.theme_polarities) == {
        ThemePolarityCount(t1, OKG.Polarity_concern, 2),
        ThemePolarityCount(t1, OKG.Polarity_neutral, 1),
        ThemePolarityCount(t2, OKG.Polarity_concern, 1),
    }


def rows(backend: Backend, text: str, bindings: dict) -> list[tuple[str, ...]]:
    result = backend.select(text, bindings)
    return [tuple(str(row.get(v)) for v in result.variables) for row in result.rows]


def assert_summaries_match_counting(backend: Backend) -> None:
    """Each summary-reading query gives the rows of counting the findings, bound and unbound."""
    for name in SUMMARY_QUERIES:
        query = named_queries()[name]
        direct = (DIRECT / f"{name}.rq").read_text(encoding="utf-8")
        for values in ({}, {"theme": "child-protection"}, {"authority": str(PETERBOROUGH_IRI)}):
            bindings = query.bindings(
                {k: v for k, v in values.items() if k in {p.name for p in query.params}}
            )
            counted = rows(backend, direct, bindings)
            assert counted, (name, values)
            assert rows(backend, query.text, bindings) == counted, (name, values)


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in (*PETERBOROUGH, KENT):
        shutil.copy(EXAMPLES / name, folder / name)
    return folder


def summary_graphs(store: EmbeddedStore) -> set[URIRef]:
    return {g for g in store.graphs() if str(g).startswith(iris.SUMMARY_GRAPH_PREFIX)}


def test_summaries_follow_the_reports(tmp_path: Path, letters: Path) -> None:
    with EmbeddedStore(tmp_path / "kg.db") as store:
        loaded = ingest(store, [letters], jobs=1, progress=False)
        assert sorted(loaded.summarised) == sorted([str(PETERBOROUGH_IRI), str(KENT_IRI)])
        assert summary_graphs(store) == {iris.summary_graph(PETERBOROUGH_IRI), iris.summary_graph(KENT_IRI)}
        state = coverage(store)
        assert state.out_of_date() == []
        assert state.summarised[PETERBOROUGH_IRI] == {
            iris.report(file_sha256(letters / name)) for name in PETERBOROUGH
        }
        assert_summaries_match_counting(store)
        # Nothing changed: nothing recounted.
        assert ingest(store, [letters], jobs=1, progress=False).summarised == []

        # A report gone without its summary being recounted (as an interrupted run can leave it):
        # found out of date, the summary still counts it, and a refresh repairs exactly that one.
        gone = iris.report_graph(file_sha256(letters / PETERBOROUGH[1]))
        store.drop_graph(gone)
        assert coverage(store).out_of_date() == [PETERBOROUGH_IRI]
        direct = (DIRECT / "select_theme_profiles.rq").read_text(encoding="utf-8")
        query = named_queries()["select_theme_profiles"]
        assert rows(store, query.text, {}) != rows(store, direct, {})
        assert refresh_summaries(store) == [PETERBOROUGH_IRI]
        assert coverage(store).out_of_date() == []
        assert_summaries_match_counting(store)

        # A pruned authority loses its summary; a changed file's summary counts the new version.
        (letters / KENT).unlink()
        shutil.copy(EXAMPLES / "focused-visit_kent_2024-02.pdf", letters / "kent-newer.pdf")
        (letters / PETERBOROUGH[0]).unlink()
        changed = ingest(store, [letters], jobs=1, progress=False, prune=True)
        assert changed.failed == []
        assert coverage(store).out_of_date() == []
        assert coverage(store).summarised[KENT_IRI] == {iris.report(file_sha256(letters / "kent-newer.pdf"))}
        assert coverage(store).summarised[PETERBOROUGH_IRI] == {
            iris.report(file_sha256(letters / PETERBOROUGH[1]))
        }
        assert_summaries_match_counting(store)
        (letters / "kent-newer.pdf").unlink()
        ingest(store, [letters], jobs=1, progress=False, prune=True)
        assert summary_graphs(store) == {iris.summary_graph(PETERBOROUGH_IRI)}


def test_ingest_with_no_paths_repairs_summaries(tmp_path: Path, letters: Path) -> None:
    from ofsted_kg.cli import main

    store_path = tmp_path / "kg.db"
    with EmbeddedStore(store_path) as store:
        ingest(store, [letters], jobs=1, progress=False)
        store.drop_graph(iris.report_graph(file_sha256(letters / KENT)))
        assert coverage(store).out_of_date() == [KENT_IRI]
    assert main(["--store", str(store_path), "ingest"]) == 0
    with EmbeddedStore(store_path) as store:
        assert coverage(store).out_of_date() == []
        assert iris.summary_graph(KENT_IRI) not in store.graphs()  # no Kent report left
    assert main(["--store", str(store_path), "ingest", "--prune"]) == 2  # would empty the store


def summary_quads(store: EmbeddedStore) -> set[str]:
    return {
        f"{g} {s.n3()} {p.n3()} {o.n3()}"
        for g in summary_graphs(store)
        for s, p, o in store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": g})
    }


def test_a_fresh_load_sums_the_workers_counts_as_a_recount_would(
    tmp_path: Path, letters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents loaded in this run are summed from what the workers counted (no recount from the
    store); the summaries are exactly those a recount from the store writes."""
    import ofsted_kg.summary as summary_module

    # Peterborough twice over (the second copy is the same report) and Kent.
    shutil.copy(letters / PETERBOROUGH[0], letters / "copy-of-peterborough.pdf")
    with EmbeddedStore(tmp_path / "kg.db") as store:
        with monkeypatch.context() as patched:
            patched.setattr(summary_module, "recount", lambda *a: pytest.fail("recounted from the store"))
            ingest(store, [letters], jobs=2, progress=False)
        summed = summary_quads(store)
        assert len(summed) > 100
        refresh_summaries(store, everything=True)  # every authority recounted from the store
        assert summary_quads(store) == summed
        assert_summaries_match_counting(store)
