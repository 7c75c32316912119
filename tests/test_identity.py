"""One inspection, however many copies of its report: the Peterborough 2021 focused-visit letter as
the published PDF and as its text (tests/corpus/text), re-issued copies, order of arrival, prune
and delete, and the class hierarchy. Real letters, real stores, real processes."""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.analysis.inspectors import inspector_summaries
from ofsted_kg.analysis.recurring import recurring_weaknesses
from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.backend import Backend
from ofsted_kg.ingest import delete, file_sha256, ingest
from ofsted_kg.named_queries import named_queries
from ofsted_kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
PDF = EXAMPLES / "focused-visit_peterborough_2021-08.pdf"
TEXT = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
OTHERS = (EXAMPLES / "focused-visit_peterborough_2023-05.pdf", EXAMPLES / "focused-visit_kent_2019-02.pdf")
INSPECTION = URIRef("https://w3id.org/ofsted-kg/id/inspection/E06000031/focused-visit/2021-06-22")
PETERBOROUGH = iris.authority("E06000031")
PREFIXES = """PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
"""
FINDINGS = (
    PREFIXES
    + """SELECT ?finding ?source WHERE { ?finding okg:aboutInspection ?inspection ; prov:wasDerivedFrom ?source }"""
)
COPIES = PREFIXES + "SELECT ?report WHERE { ?report prov:wasGeneratedBy ?inspection ; okg:sha256 ?sha }"
PRIMARY = PREFIXES + "SELECT ?report WHERE { ?inspection okg:primaryReport ?report }"


def quads(backend: Backend) -> set[str]:
    """Every quad of the store as an N-Quads line (no blank nodes: the lines compare exactly)."""
    out = io.BytesIO()
    backend.export(out, "nq")
    return {line for line in out.getvalue().decode("utf-8").splitlines() if line.strip()}


def findings(backend: Backend) -> list[tuple[str, str]]:
    rows = backend.select(FINDINGS, {"inspection": INSPECTION}).rows
    return sorted((str(r["finding"]), str(r["source"])) for r in rows)


def named(backend: Backend, name: str, **params: str) -> list[tuple[str, ...]]:
    query = named_queries()[name]
    result = backend.select(query.text, query.bindings(params) if params else None)
    return [tuple(str(row.get(v)) for v in result.variables) for row in result.rows]


def loaded(path: Path, *files: Path, jobs: int = 1) -> EmbeddedStore:
    store = EmbeddedStore(path)
    summary = ingest(store, list(files), jobs=jobs, progress=False)
    assert summary.failed == [], summary.failed
    return store


@pytest.fixture(scope="module")
def pdf_only(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = loaded(tmp_path_factory.mktemp("pdf") / "kg.db", PDF, *OTHERS)
    recompute_related(store)
    yield store
    store.close()


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> EmbeddedStore:
    store = loaded(tmp_path_factory.mktemp("both") / "kg.db", PDF, TEXT, *OTHERS)
    recompute_related(store)
    yield store
    store.close()


def test_the_pdf_and_its_text_are_one_inspection_with_its_findings_once(
    pdf_only: EmbeddedStore, both: EmbeddedStore
) -> None:
    pdf, text = iris.report(file_sha256(PDF)), iris.report(file_sha256(TEXT))
    assert {r["report"] for r in both.select(COPIES, {"inspection": INSPECTION}).rows} == {pdf, text}
    assert [r["report"] for r in both.select(PRIMARY, {"inspection": INSPECTION}).rows] == [pdf]
    found = findings(both)
    assert len(found) == 20  # the letter's 20 findings, not 40
    assert {source for _f, source in found} == {str(pdf)}
    assert found == findings(pdf_only)
    # The copies point at each other; each has its own graph, the inspection one.
    assert both.ask(
        PREFIXES + "ASK { GRAPH ?g { ?a prov:alternateOf ?b . ?b prov:alternateOf ?a } }",
        {"g": iris.inspection_graph(INSPECTION), "a": pdf, "b": text},
    )
    inspections = [g for g in both.graphs() if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX)]
    assert len(inspections) == 3  # Peterborough 2021 and 2023, Kent 2019


def test_every_count_and_listing_counts_the_inspection_once(
    pdf_only: EmbeddedStore, both: EmbeddedStore
) -> None:
    """Findings, theme counts and profiles, inspectors' visits and pairs: as with the PDF alone."""
    for name, params in (
        ("select_findings_for_authority", {"authority": "Peterborough"}),
        ("select_finding_texts", {}),
        ("select_finding_themes", {}),
        ("select_authorities_by_theme_count", {}),
        ("select_theme_profiles", {}),
        ("select_inspector_visits", {}),
        ("select_inspector_pairs", {}),
        ("select_inspectors_and_authorities", {}),
        ("select_improvement_points_by_theme", {"theme": "supervision-and-management-oversight"}),
        ("select_recurring_weaknesses", {}),
    ):
        expected = named(pdf_only, name, **params)
        assert expected, name
        assert named(both, name, **params) == expected, name
    rows = named(both, "select_inspections", authority_name="Peterborough")
    query = named_queries()["select_inspections"]
    variables = both.select(query.text, query.bindings({"authority_name": "Peterborough"})).variables
    by_inspection = {
        row[variables.index("inspection")]: dict(zip(variables, row, strict=True)) for row in rows
    }
    assert len(rows) == len(by_inspection) == 2  # 2021 once (with its two copies), and 2023
    visit = by_inspection[str(INSPECTION)]
    assert visit["copies"] == "2" and visit["published"] == "2021-08-02"
    assert (
        visit["file_names"]
        == "focused-visit_peterborough_2021-08.pdf; focused-visit_peterborough_2021-08.txt"
    )
    assert visit["report"] == str(iris.report(file_sha256(PDF)))
    copies = named_queries()["select_inspection_copies"]
    result = both.select(copies.text, copies.bindings({"authority": "Peterborough"}))
    listed = [
        dict(zip(result.variables, (str(row[v]) for v in result.variables), strict=True))
        for row in result.rows
    ]
    of_visit = [
        (c["media_type"], c["file_names"], c["carries_findings"])
        for c in listed
        if c["inspection"] == str(INSPECTION)
    ]
    assert of_visit == [
        ("application/pdf", "focused-visit_peterborough_2021-08.pdf", "true"),
        ("text/plain", "focused-visit_peterborough_2021-08.txt", "false"),
    ]


def test_analyses_count_the_inspection_once(pdf_only: EmbeddedStore, both: EmbeddedStore) -> None:
    """Related links, recurring pairs and inspector tallies: identical to the store with one copy."""
    assert recompute_related(both) == recompute_related(pdf_only)
    assert recurring_weaknesses(both, authority=PETERBOROUGH) == recurring_weaknesses(
        pdf_only, authority=PETERBOROUGH
    )
    assert recurring_weaknesses(pdf_only, authority=PETERBOROUGH), "2021 and 2023 share weaknesses"
    summaries = inspector_summaries(both)
    assert summaries == inspector_summaries(pdf_only)
    lead = next(s for s in summaries if s.name == "Tom Anthony")
    assert (lead.inspections, lead.led) == (1, 1)  # one visit, not one per copy


def test_the_store_does_not_depend_on_the_order_copies_arrive_in(tmp_path: Path) -> None:
    with loaded(tmp_path / "pdf-first.db", PDF) as store:
        ingest(store, [TEXT], jobs=1, progress=False)
        pdf_first = quads(store)
    with loaded(tmp_path / "text-first.db", TEXT) as store:
        text_first_alone = findings(store)
        ingest(store, [PDF], jobs=1, progress=False)
        text_first = quads(store)
        again = ingest(store, [TEXT, PDF], jobs=2, progress=False)
        assert again.loaded == [] and quads(store) == text_first  # re-loading changes nothing
        forced = ingest(store, [PDF, TEXT], jobs=1, progress=False, force=True)
        assert len(forced.loaded) == 2 and quads(store) == text_first
    with loaded(tmp_path / "batch.db", TEXT, PDF, jobs=2) as store:
        batch = quads(store)
    with loaded(tmp_path / "batch-reversed.db", PDF, TEXT, jobs=2) as store:
        batch_reversed = quads(store)
    # Read from the text first, the findings moved to the PDF when it came: nothing provably
    # order-dependent is left, so the four stores hold exactly the same quads.
    assert {source for _f, source in text_first_alone} == {str(iris.report(file_sha256(TEXT)))}
    assert pdf_first == text_first == batch == batch_reversed
    assert len(pdf_first) > 2000


def test_a_reissued_report_is_a_further_copy(tmp_path: Path) -> None:
    # The same PDF with bytes after its end (as a re-save or re-upload leaves it): another file.
    resaved = tmp_path / "resaved.pdf"
    resaved.write_bytes(PDF.read_bytes() + b"\n% re-issued\n")
    # The text re-issued with its letter dated a week later (a corrected date, same visit).
    reissued = tmp_path / "reissued.txt"
    reissued.write_text(
        TEXT.read_text(encoding="utf-8").replace("2 August 2021", "9 August 2021", 1), encoding="utf-8"
    )
    with loaded(tmp_path / "kg.db", reissued, resaved, PDF, TEXT, jobs=2) as store:
        copies = {r["report"] for r in store.select(COPIES, {"inspection": INSPECTION}).rows}
        assert len(copies) == 4
        primary = min((file_sha256(PDF), file_sha256(resaved)))  # both PDFs: the lowest SHA-256
        assert [r["report"] for r in store.select(PRIMARY, {"inspection": INSPECTION}).rows] == [
            iris.report(primary)
        ]
        assert len(findings(store)) == 20
        row = next(r for r in named(store, "select_inspections") if r[-2] == str(INSPECTION))
        variables = store.select(named_queries()["select_inspections"].text).variables
        visit = dict(zip(variables, row, strict=True))
        assert visit["copies"] == "4" and visit["published"] == "2021-08-02"  # first publication
        links = store.select(PREFIXES + "SELECT (COUNT(*) AS ?n) WHERE { ?a prov:alternateOf ?b }").rows
        assert int(links[0]["n"]) == 4 * 3


def run_cli(*args: str, store: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "--store", str(store), *args],
        capture_output=True,
        text=True,
        timeout=600,
        env={k: v for k, v in os.environ.items() if k != "OFSTED_KG_ENDPOINT"},
    )


def test_prune_hands_the_findings_to_the_copy_left(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    for path in (PDF, TEXT):
        shutil.copy(path, folder / path.name)
    db = tmp_path / "kg.db"
    with loaded(db, folder) as store:
        (folder / PDF.name).unlink()
        summary = ingest(store, [folder], jobs=1, progress=False, prune=True)
        assert summary.pruned == [str(iris.report_graph(file_sha256(PDF)))] and summary.warnings == []
        text = iris.report(file_sha256(TEXT))
        assert [r["report"] for r in store.select(PRIMARY, {"inspection": INSPECTION}).rows] == [text]
        assert {source for _f, source in findings(store)} == {str(text)} and len(findings(store)) == 20
        assert not store.ask(PREFIXES + "ASK { ?a prov:alternateOf ?b }")
    done = run_cli("validate", "--no-reasoner", store=db)
    assert done.returncode == 0, done.stderr


def test_deleting_the_copy_with_the_findings(tmp_path: Path) -> None:
    """With the remaining copy's file at hand the findings move to it at once; without it the
    inspection waits for that file, validate says so, and ingesting it restores the inspection."""
    db = tmp_path / "kg.db"
    loaded(db, PDF, TEXT).close()
    done = run_cli("delete", str(PDF), "--from", str(TEXT.parent), store=db)
    assert done.returncode == 0, done.stderr
    assert "deleted 1, failed 0" in done.stderr
    with EmbeddedStore(db) as store:
        assert {source for _f, source in findings(store)} == {str(iris.report(file_sha256(TEXT)))}
    assert run_cli("validate", "--no-reasoner", store=db).returncode == 0

    other = tmp_path / "other.db"
    loaded(other, PDF, TEXT).close()
    with EmbeddedStore(other) as store:
        summary = delete(store, [file_sha256(PDF)])
        assert summary.failed == [] and len(summary.warnings) == 1
        assert "ingest one of those files to restore the inspection" in summary.warnings[0][1]
        assert findings(store) == []
        assert not store.has_graph(iris.inspection_graph(INSPECTION))
    checked = run_cli("validate", "--no-reasoner", store=other)
    assert checked.returncode == 1
    assert f"{iris.report_graph(file_sha256(TEXT))}: a copy of {INSPECTION}" in checked.stderr
    with EmbeddedStore(other) as store:
        again = ingest(store, [TEXT], jobs=1, progress=False)
        assert again.loaded == [str(TEXT)]  # not skipped: its inspection had no graph
        assert len(findings(store)) == 20
    assert run_cli("validate", "--no-reasoner", store=other).returncode == 0
    missing = run_cli("delete", "0123456789abcdef0123", store=other)
    assert missing.returncode == 1 and "no such copy in the store" in missing.stderr


@pytest.mark.slow
def test_a_better_copy_takes_the_findings_over_atomically_under_kill_minus_nine(tmp_path: Path) -> None:
    """The text is in the store; `ingest` of the PDF is killed (-9) at moments spread over its
    run. Every time the store holds the inspection with exactly one set of 20 findings, read from
    one copy (the text before the switch, the PDF after), and validates straight away."""
    base = tmp_path / "text-only.db"
    loaded(base, TEXT).close()
    text, pdf = str(iris.report(file_sha256(TEXT))), str(iris.report(file_sha256(PDF)))
    env = {k: v for k, v in os.environ.items() if k != "OFSTED_KG_ENDPOINT"}
    started = time.monotonic()
    timing = tmp_path / "timing.db"
    shutil.copytree(base, timing)
    run_cli("-q", "ingest", "--jobs", "1", str(PDF), store=timing)
    whole = time.monotonic() - started
    seen = set()
    # Kills spread over the run (the write comes last, after reading the PDF), then one run left
    # to finish, so the store is checked before, around and after the switch.
    for fraction in (0.3, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95, 1.0, 1.1, None):
        trial = tmp_path / f"trial-{fraction}.db"
        shutil.copytree(base, trial)
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "ofsted_kg",
                "-q",
                "--store",
                str(trial),
                "ingest",
                "--jobs",
                "1",
                str(PDF),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=env,
            start_new_session=True,
        )
        if fraction is not None:
            time.sleep(whole * fraction)
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=300)
        with EmbeddedStore(trial) as store:
            found = findings(store)
            assert len(found) == 20, (fraction, len(found))
            sources = {source for _f, source in found}
            assert sources in ({text}, {pdf}), (fraction, sources)
            primary = [str(r["report"]) for r in store.select(PRIMARY, {"inspection": INSPECTION}).rows]
            assert primary == list(sources)
            seen |= sources
        checked = run_cli("validate", "--no-reasoner", store=trial)
        assert checked.returncode == 0, (fraction, checked.stderr)
    assert seen == {text, pdf}, "the store was seen both before and after the switch"


def test_the_class_hierarchy_answers_queries(tmp_path: Path) -> None:
    """Issue 10: `?i a okg:ILACSInspection` finds short and standard ILACS inspections alike, and
    `?i a okg:Inspection` every inspection, on real letters, with no inference in the store."""
    letters = [
        EXAMPLES / "ilacs_harrow_2025-03.pdf",  # short
        EXAMPLES / "ilacs_peterborough_2024-01.pdf",  # standard
        EXAMPLES / "send-area_bury_2024-05.pdf",
        EXAMPLES / "other_kent_2017-06.pdf",  # SIF
        PDF,
        TEXT,
    ]
    with loaded(tmp_path / "kg.db", *letters, jobs=2) as store:

        def members(cls: str) -> set[str]:
            rows = store.select(PREFIXES + f"SELECT DISTINCT ?i WHERE {{ ?i a okg:{cls} }}").rows
            return {str(r["i"]).removeprefix(iris.INSPECTION_PREFIX) for r in rows}

        assert members("ILACSInspection") == {"E09000015/ilacs/2025-01-20", "E06000031/ilacs/2023-11-27"}
        assert members("ILACSShortInspection") == {"E09000015/ilacs/2025-01-20"}
        assert members("Inspection") == {
            "E09000015/ilacs/2025-01-20",
            "E06000031/ilacs/2023-11-27",
            "E08000002/area-send/2024-02-12",
            "E10000016/sif/2017-03-06",
            "E06000031/focused-visit/2021-06-22",
        }
        activities = store.select(
            PREFIXES + "SELECT (COUNT(DISTINCT ?i) AS ?n) WHERE { ?i a prov:Activity }"
        ).rows
        assert int(activities[0]["n"]) == 5 + 5  # the inspections, and the extraction run each was read by
        reports = store.select(PREFIXES + "SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?r a okg:Report }").rows
        assert int(reports[0]["n"]) == 6  # letters are reports too
