"""Ingest on real letters: a graph per copy and per inspection, idempotent, incremental, never removing
anything unasked, pruning, resumable."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import Literal

from ofsted_kg import iris
from ofsted_kg.backend import StoreError
from ofsted_kg.ingest import file_sha256, ingest
from ofsted_kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "focused-visit_peterborough_2023-05.pdf",
    "focused-visit_kent_2019-02.pdf",
)
NEWER_KENT = "focused-visit_kent_2024-02.pdf"

SHA_QUERY = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
SELECT ?graph ?sha WHERE { GRAPH ?graph { ?report okg:sha256 ?sha } }"""
INSPECTIONS = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
SELECT ?graph ?inspection ?primary WHERE { GRAPH ?graph { ?inspection okg:primaryReport ?primary } }"""


@pytest.fixture
def letters(tmp_path: Path) -> Path:
    folder = tmp_path / "letters"
    folder.mkdir()
    for name in LETTERS:
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "SOURCES.tsv").write_text("not a document\n")
    return folder


@pytest.fixture
def store(tmp_path: Path):
    backend = EmbeddedStore(tmp_path / "kg.db")
    yield backend
    backend.close()


def report_graphs(store: EmbeddedStore) -> set:
    return {g for g in store.graphs() if str(g).startswith(iris.REPORT_GRAPH_PREFIX)}


def inspection_graphs(store: EmbeddedStore) -> set:
    return {g for g in store.graphs() if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX)}


def snapshot(store: EmbeddedStore) -> dict:
    return {g: store.triple_count(g) for g in store.graphs()}


def test_each_document_in_its_own_graph_with_base_graphs(store: EmbeddedStore, letters: Path) -> None:
    summary = ingest(store, [letters], jobs=2, progress=False)
    assert summary.failed == []
    assert sorted(Path(p).name for p in summary.loaded) == sorted(LETTERS)
    expected = {iris.report_graph(file_sha256(letters / name)) for name in LETTERS}
    assert report_graphs(store) == expected
    assert {iris.ONTOLOGY_GRAPH, iris.SHARED_GRAPH} <= set(store.graphs())
    # Each report graph names its own file's hash, once.
    rows = store.select(SHA_QUERY).rows
    assert {(r["graph"], str(r["sha"])) for r in rows} == {
        (iris.report_graph(file_sha256(letters / n)), file_sha256(letters / n)) for n in LETTERS
    }
    # Three letters, three inspections, each in its own graph, its findings read from its letter.
    inspections = store.select(INSPECTIONS).rows
    assert {r["graph"] for r in inspections} == inspection_graphs(store)
    assert {r["primary"] for r in inspections} == {iris.report(file_sha256(letters / n)) for n in LETTERS}
    assert all(r["graph"] == iris.inspection_graph(r["inspection"]) for r in inspections)
    # All 153 authorities are in the shared graph from the first use.
    count = store.select(
        "SELECT (COUNT(DISTINCT ?a) AS ?n) WHERE { GRAPH ?g { ?a a <https://w3id.org/ofsted-kg/ontology#LocalAuthority> } }",
        {"g": iris.SHARED_GRAPH},
    ).rows[0]["n"]
    assert int(count) >= 153


def test_reingest_skips_unchanged_and_changes_nothing(store: EmbeddedStore, letters: Path) -> None:
    ingest(store, [letters], jobs=1, progress=False)
    before = snapshot(store)
    started = time.monotonic()
    again = ingest(store, [letters], jobs=2, progress=False)
    elapsed = time.monotonic() - started
    assert again.loaded == [] and again.failed == []
    assert sorted(Path(p).name for p in again.skipped_unchanged) == sorted(LETTERS)
    assert elapsed < 2.0, f"an unchanged re-ingest took {elapsed:.2f} s"
    assert snapshot(store) == before
    forced = ingest(store, [letters], jobs=1, progress=False, force=True)
    assert len(forced.loaded) == len(LETTERS)
    assert snapshot(store) == before  # deterministic IRIs: re-loading changes nothing


def test_parallel_and_serial_ingest_build_the_same_store(tmp_path: Path, letters: Path) -> None:
    with EmbeddedStore(tmp_path / "one.db") as one, EmbeddedStore(tmp_path / "two.db") as two:
        ingest(one, [letters], jobs=1, progress=False)
        ingest(two, [letters], jobs=2, progress=False)
        assert snapshot(one) == snapshot(two)


def test_a_changed_file_is_loaded_and_nothing_goes_without_prune(store: EmbeddedStore, letters: Path) -> None:
    ingest(store, [letters], jobs=1, progress=False)
    kent = letters / "focused-visit_kent_2019-02.pdf"
    old_graph = iris.report_graph(file_sha256(kent))
    shutil.copy(EXAMPLES / NEWER_KENT, kent)  # same path, new content (another visit)
    summary = ingest(store, [letters], jobs=1, progress=False)
    assert summary.loaded == [str(kent)]
    # The 2019 visit stays until asked: no document is removed except by --prune or delete.
    assert store.has_graph(old_graph) and store.has_graph(iris.report_graph(file_sha256(kent)))
    assert len(report_graphs(store)) == len(inspection_graphs(store)) == len(LETTERS) + 1
    pruned = ingest(store, [letters], jobs=1, progress=False, prune=True)
    assert pruned.pruned == [str(old_graph)]
    assert len(report_graphs(store)) == len(inspection_graphs(store)) == len(LETTERS)


def test_the_same_file_name_in_another_folder_is_another_document(
    tmp_path: Path, store: EmbeddedStore
) -> None:
    """Issue 13: `ingest a/letter.pdf` (Barnet) then `ingest b/letter.pdf` (Devon) keeps Barnet."""
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    barnet, devon = tmp_path / "a" / "letter.pdf", tmp_path / "b" / "letter.pdf"
    shutil.copy(EXAMPLES / "focused-visit_barnet_2021-08.pdf", barnet)
    shutil.copy(EXAMPLES / "ilacs_devon_2025-05.pdf", devon)
    assert ingest(store, [barnet], jobs=1, progress=False).loaded == [str(barnet)]
    second = ingest(store, [devon], jobs=1, progress=False)
    assert second.loaded == [str(devon)] and second.pruned == []
    authorities = {
        str(r["a"])
        for r in store.select(
            "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#> "
            "SELECT DISTINCT ?a WHERE { ?i okg:primaryReport ?r ; okg:inspectedAuthority ?a }"
        ).rows
    }
    assert authorities == {str(iris.authority("E09000003")), str(iris.authority("E10000008"))}
    assert report_graphs(store) == {
        iris.report_graph(file_sha256(barnet)),
        iris.report_graph(file_sha256(devon)),
    }


def test_prune_removes_documents_no_longer_present(store: EmbeddedStore, letters: Path) -> None:
    ingest(store, [letters], jobs=1, progress=False)
    gone = letters / LETTERS[1]
    gone_graph = iris.report_graph(file_sha256(gone))
    gone.unlink()
    kept = ingest(store, [letters], jobs=1, progress=False)
    assert kept.pruned == [] and store.has_graph(gone_graph)
    pruned = ingest(store, [letters], jobs=1, progress=False, prune=True)
    assert pruned.pruned == [str(gone_graph)]
    assert report_graphs(store) == {
        iris.report_graph(file_sha256(letters / n)) for n in (LETTERS[0], LETTERS[2])
    }


def test_bad_files_fail_alone(store: EmbeddedStore, letters: Path) -> None:
    (letters / "empty.pdf").write_bytes(b"")
    (letters / "random.pdf").write_bytes(os.urandom(4096))
    (letters / "page.pdf").write_bytes(b"<!DOCTYPE html><html><body>Not found</body></html>")
    (letters / "nodates.txt").write_text("Dear Director,\n\nThank you for your hospitality.\n")
    summary = ingest(store, [letters, letters / "missing.pdf"], jobs=2, progress=False)
    failed = {Path(p).name: reason for p, reason in summary.failed}
    assert set(failed) == {"empty.pdf", "random.pdf", "page.pdf", "nodates.txt", "missing.pdf"}
    for reason in failed.values():
        assert reason and "\n" not in reason and "Traceback" not in reason
    assert len(summary.loaded) == len(LETTERS)
    bad_hashes = {file_sha256(letters / n) for n in failed if (letters / n).exists()}
    assert not any(store.has_graph(iris.report_graph(sha)) for sha in bad_hashes)
    assert not store.ask(
        "ASK { ?r <https://w3id.org/ofsted-kg/ontology#sha256> ?sha }",
        {"sha": Literal(next(iter(bad_hashes)))},
    )


def test_kill_minus_9_mid_ingest_then_resume(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    names = [*LETTERS, NEWER_KENT, "focused-visit_barnet_2021-08.pdf"]
    for name in names:
        shutil.copy(EXAMPLES / name, folder / name)
    db = tmp_path / "killed.db"
    command = [
        sys.executable,
        "-m",
        "ofsted_kg",
        "-vv",
        "--store",
        str(db),
        "ingest",
        "--jobs",
        "2",  # one process would write these few documents in one batch: nothing to cut in two
        str(folder),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        # Kill hard right after the first documents are committed, while the next are being read
        # and written (with every document handed out, each is written as it comes).
        for line in process.stderr:
            if "DEBUG: loaded " in line:
                break
        os.killpg(process.pid, signal.SIGKILL)  # the pool's workers too (they share the store's lock)
    finally:
        process.wait(timeout=30)
        process.stderr.close()
    assert process.returncode == -signal.SIGKILL
    from ofsted_kg.cli import main

    assert main(["--store", str(db), "validate", "--no-reasoner"]) == 0  # straight away (issue 13)

    with EmbeddedStore(db) as store:
        partial = report_graphs(store)
        assert 1 <= len(partial) < len(names)
        resumed = ingest(store, [folder], jobs=2, progress=False)
        assert resumed.failed == []
        assert len(resumed.skipped_unchanged) == len(partial)
        resumed_snapshot = snapshot(store)
    with EmbeddedStore(tmp_path / "clean.db") as clean:
        ingest(clean, [folder], jobs=2, progress=False)
        assert snapshot(clean) == resumed_snapshot  # no duplicates, nothing half-written


def test_ctrl_c_stops_cleanly_with_exit_130(tmp_path: Path) -> None:
    # Enough documents that work is left when the interrupt lands: with three, a busy machine
    # could leave this process unscheduled until ingest had finished and exited, so the Ctrl-C
    # reached no one (exit 0, seen once in a full run).
    letters = tmp_path / "letters"
    letters.mkdir()
    names = [path.name for path in sorted(EXAMPLES.glob("focused-visit_*.pdf"))[:16]]
    for name in names:
        shutil.copy(EXAMPLES / name, letters / name)
    db = tmp_path / "interrupted.db"
    command = [
        sys.executable,
        "-m",
        "ofsted_kg",
        "-vv",
        "--store",
        str(db),
        "ingest",
        "--jobs",
        "2",
        str(letters),
    ]
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, start_new_session=True)
    seen = []
    for line in process.stderr:
        seen.append(line)
        if "DEBUG: loaded " in line:
            os.killpg(process.pid, signal.SIGINT)  # what a terminal's Ctrl-C does: the whole group
            break
    rest = process.stderr.read()
    process.wait(timeout=60)
    process.stderr.close()
    assert process.returncode == 130, "".join(seen) + rest
    assert "Traceback" not in rest and rest.strip().splitlines()[-1] == "interrupted"
    from ofsted_kg.cli import main

    assert main(["--store", str(db), "validate", "--no-reasoner"]) == 0  # straight away (issue 13)
    with EmbeddedStore(db) as store:
        committed = report_graphs(store)
        assert 1 <= len(committed) < len(names)  # what was committed stays; the rest was not begun
        resumed = ingest(store, [letters], jobs=1, progress=False)
        assert resumed.failed == [] and len(resumed.loaded) + len(resumed.skipped_unchanged) == len(names)
        assert len(resumed.skipped_unchanged) == len(committed)


def test_a_stale_ontology_graph_is_refreshed_when_documents_load(store: EmbeddedStore, letters: Path) -> None:
    first = letters / LETTERS[0]
    ingest(store, [first], jobs=1, progress=False)
    packaged = store.triple_count(iris.ONTOLOGY_GRAPH)
    stale = (
        b'<https://w3id.org/ofsted-kg/ontology#Old> <http://www.w3.org/2000/01/rdf-schema#label> "old" .\n'
    )
    store.replace_graph(iris.ONTOLOGY_GRAPH, stale)  # as written by an older release
    ingest(store, [first], jobs=1, progress=False)  # nothing new to load: the store is left alone
    assert store.triple_count(iris.ONTOLOGY_GRAPH) == 1
    ingest(store, [letters / LETTERS[1]], jobs=1, progress=False)
    assert store.triple_count(iris.ONTOLOGY_GRAPH) == packaged
    assert not store.ask("ASK { <https://w3id.org/ofsted-kg/ontology#Old> ?p ?o }")


class RefusingStore(EmbeddedStore):
    """An embedded store that refuses some document graphs, as a failing remote endpoint would."""

    def __init__(self, path: Path, refuse: set) -> None:
        super().__init__(path)
        self.refuse = refuse

    def apply(self, change) -> None:  # noqa: ANN001 - a GraphChange
        graphs = set(change.drop) | {g for g, _ in change.insert}
        if (
            graphs & self.refuse
            or "all" in self.refuse
            and any(str(g).startswith(iris.REPORT_GRAPH_PREFIX) for g in graphs)
        ):
            raise StoreError("HTTP 503 from the endpoint")
        super().apply(change)


def test_a_refused_document_fails_alone_and_a_dead_store_stops_the_run(tmp_path: Path, letters: Path) -> None:
    refused = letters / LETTERS[1]
    with RefusingStore(tmp_path / "one.db", {iris.report_graph(file_sha256(refused))}) as store:
        summary = ingest(store, [letters], jobs=1, progress=False)
        assert summary.failed == [(str(refused), "the store refused it (HTTP 503 from the endpoint)")]
        assert len(summary.loaded) == len(LETTERS) - 1
    with RefusingStore(tmp_path / "dead.db", {"all"}) as store, pytest.raises(StoreError):
        ingest(store, [letters], jobs=1, progress=False)
