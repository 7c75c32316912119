"""The ingest / query / export / queries commands, run as a user runs them (subprocesses)."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import PROV

from ofsted_kg import iris
from ofsted_kg.ingest import file_sha256
from ofsted_kg.namespace import OKG

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
LETTERS = ("focused-visit_peterborough_2021-08.pdf", "focused-visit_kent_2019-02.pdf")


def ofsted_kg(
    *args: str, store: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ofsted_kg"]
    if store is not None:
        command += ["--store", str(store)]
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    full_env.update(env or {})
    return subprocess.run([*command, *args], capture_output=True, text=True, timeout=300, env=full_env)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A store with two real letters, ingested through the CLI alongside two bad files."""
    tmp = tmp_path_factory.mktemp("cli")
    folder = tmp / "letters"
    folder.mkdir()
    for name in LETTERS:
        shutil.copy(EXAMPLES / name, folder / name)
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "scan.pdf").write_bytes(b"%PDF-1.4\n%garbage that is no PDF at all\n")
    store = tmp / "kg.db"
    result = ofsted_kg("ingest", "--jobs", "2", str(folder), store=store)
    assert result.returncode == 1, result.stderr  # some input rejected, the rest loaded
    lines = result.stderr.strip().splitlines()
    assert f"ofsted-kg: {folder / 'empty.pdf'}: " in result.stderr
    assert f"ofsted-kg: {folder / 'scan.pdf'}: " in result.stderr
    assert "Traceback" not in result.stderr
    assert lines[-1] == "ofsted-kg: loaded 2, skipped 0 (unchanged), failed 2"
    return store, folder


def test_reingest_reports_skips(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    result = ofsted_kg("ingest", *(str(folder / n) for n in LETTERS), store=store)
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "ofsted-kg: loaded 0, skipped 2 (unchanged), failed 0"


def test_query_json_is_a_list_of_objects(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    result = ofsted_kg("query", "select_inspections", "--format", "json", store=store)
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert isinstance(rows, list) and len(rows) == 2
    assert {r["file_names"] for r in rows} == set(LETTERS)
    assert all(r["copies"] == 1 and r["source"] is None for r in rows)  # one copy each; no URL known
    assert {r["authority_name"] for r in rows} == {"Peterborough", "Kent"}
    assert all(r["type"] == "focused_visit" and len(r["start"]) == 10 for r in rows)
    assert set(rows[0]) >= {"type", "authority_name", "start", "end", "inspectors", "report"}


def test_query_params_csv_tsv_and_table(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    as_csv = ofsted_kg(
        "query",
        "select_findings_for_authority",
        "--param",
        "authority=E06000031",
        "--format",
        "csv",
        store=store,
    )
    assert as_csv.returncode == 0, as_csv.stderr
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    assert rows and {r["authority_name"] for r in rows} == {"Peterborough"}
    as_tsv = ofsted_kg(
        "query", "select_findings_for_authority", "-p", "authority=Peterborough", "-f", "tsv", store=store
    )
    tsv_lines = as_tsv.stdout.splitlines()
    assert len(tsv_lines) == len(rows) + 1 and all(
        line.count("\t") == tsv_lines[0].count("\t") for line in tsv_lines
    )
    table = ofsted_kg("query", "select_findings_for_authority", "-p", "authority=Peterborough", store=store)
    assert table.returncode == 0
    assert table.stdout.splitlines()[0].split()[:2] == ["authority", "authority_name"]
    assert table.stdout.rstrip().endswith(f"({len(rows)} rows)")


def test_query_pages_rows_with_limit_and_offset(loaded: tuple[Path, Path]) -> None:
    """--limit/--offset print a window of the same rows, in every text format; a window past
    the end is an empty answer (header only, `[]`); paging a CONSTRUCT is a usage error."""
    store, _ = loaded
    query = ("query", "select_findings_for_authority", "-p", "authority=Peterborough")
    whole = list(csv.DictReader(io.StringIO(ofsted_kg(*query, "-f", "csv", store=store).stdout)))
    assert len(whole) > 12
    window = ofsted_kg(*query, "-f", "csv", "--limit", "5", "--offset", "7", store=store)
    assert window.returncode == 0, window.stderr
    assert list(csv.DictReader(io.StringIO(window.stdout))) == whole[7:12]
    as_json = json.loads(ofsted_kg(*query, "-f", "json", "--limit", "3", store=store).stdout)
    assert [r["finding"] for r in as_json] == [r["finding"] for r in whole[:3]]
    table = ofsted_kg(*query, "--limit", "4", "--offset", str(len(whole) - 2), store=store)
    assert table.stdout.rstrip().endswith("(2 rows)")
    past = ofsted_kg(*query, "-f", "json", "--offset", str(len(whole)), store=store)
    assert past.returncode == 0 and json.loads(past.stdout) == []
    negative = ofsted_kg(*query, "--limit", "-1", store=store)
    assert negative.returncode == 2 and "--limit" in negative.stderr
    inspection = whole[0]["report"]
    construct = ofsted_kg(
        "query", "construct_inspection", "-p", f"inspection={inspection}", "--limit", "2", store=store
    )
    assert construct.returncode == 2 and "--limit and --offset page the rows of a SELECT" in construct.stderr


def test_query_sparql_text_and_rq_file(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    store, _ = loaded
    text = "SELECT ?name ?gss WHERE { ?a <http://www.w3.org/2004/02/skos/core#prefLabel> ?name ; <https://w3id.org/ofsted-kg/ontology#gssCode> ?gss }"
    result = ofsted_kg("query", "--sparql", text, "--param", "name=Kent", "-f", "json", store=store)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [{"name": "Kent", "gss": "E10000016"}]
    rq = tmp_path / "mine.rq"
    rq.write_text("# description: my query\n# param name: string required — a name\n" + text)
    from_file = ofsted_kg("query", str(rq), "-p", "name=Kent", "-f", "json", store=store)
    assert json.loads(from_file.stdout) == [{"name": "Kent", "gss": "E10000016"}]


def test_construct_prints_turtle(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    sha = file_sha256(folder / LETTERS[0])
    from ofsted_kg.loaders.extract import extract_path
    from ofsted_kg.loaders.graph import inspection_of

    inspection = inspection_of(extract_path(folder / LETTERS[0]))
    result = ofsted_kg("query", "construct_inspection", "--param", f"inspection={inspection}", store=store)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert (iris.report(sha), PROV.wasGeneratedBy, inspection) in graph
    assert (inspection, OKG.primaryReport, iris.report(sha)) in graph
    assert len(set(graph.subjects(OKG.aboutInspection, inspection))) > 0


def test_usage_errors_exit_2(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    for args in (
        ("query", "select_nothing"),
        ("query", "select_findings_for_authority"),
        ("query", "select_inspections", "--param", "colour=red"),
        ("query", "select_inspections", "--param", "novalue"),
        ("query", "--sparql", "SELECT WHERE {"),
        ("query", "construct_inspection", "-p", "inspection=not an iri"),
    ):
        result = ofsted_kg(*args, store=store)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("ofsted-kg: ") and "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1


def test_export_turtle_reparses_with_everything(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    store, folder = loaded
    out = tmp_path / "kg.ttl"
    result = ofsted_kg("export", "-o", str(out), store=store)
    assert result.returncode == 0, result.stderr
    graph = Graph().parse(out, format="turtle")
    for name in LETTERS:
        sha = file_sha256(folder / name)
        assert (iris.report(sha), OKG.sha256, Literal(sha)) in graph
    assert (iris.authority("E10000016"), None, Literal("Kent")) in graph
    assert (None, None, URIRef("https://w3id.org/ofsted-kg/ontology#ThemeScheme")) in graph  # ontology too


def test_export_quads_and_one_graph_to_stdout(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    result = ofsted_kg("export", "--format", "nq", store=store)
    assert result.returncode == 0, result.stderr
    dataset = Dataset().parse(data=result.stdout, format="nquads")
    names = {g.identifier for g in dataset.graphs() if len(g)}
    reports = {iris.report_graph(file_sha256(folder / n)) for n in LETTERS}
    assert reports | {iris.SHARED_GRAPH, iris.ONTOLOGY_GRAPH} <= names
    one = sorted(reports)[0]
    only = ofsted_kg("export", "--format", "nt", "--graph", str(one), store=store)
    assert len(Graph().parse(data=only.stdout, format="nt")) == len(dataset.graph(one))


def test_queries_lists_names_and_descriptions() -> None:
    result = ofsted_kg("queries", "--format", "json")
    assert result.returncode == 0
    listed = {q["name"]: q for q in json.loads(result.stdout)}
    assert listed["select_findings_for_authority"]["parameters"] == "authority:authority_name!"
    assert all(q["description"] for q in listed.values())


def test_locked_store_exits_3(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, pyoxigraph; s = pyoxigraph.Store(sys.argv[1]); print('ok', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        for args in (("query", "select_inspections"), ("export",), ("ingest", str(EXAMPLES / LETTERS[0]))):
            result = ofsted_kg(*args, store=store)
            assert result.returncode == 3, (args, result.stderr)
            # One line naming the process that holds the store (by pid and command line).
            assert result.stderr.strip().startswith(
                f"ofsted-kg: {store}: the store is in use by another process (locked): "
                f"open read-write by pid {holder.pid} (-c import sys, pyoxigraph"
            ), result.stderr
            assert len(result.stderr.strip().splitlines()) == 1
    finally:
        holder.communicate("")


def test_store_from_environment(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    result = ofsted_kg("query", "select_inspections", "-f", "json", env={"OFSTED_KG_STORE": str(store)})
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)) == 2


def test_reading_a_missing_store_exits_3(tmp_path: Path) -> None:
    missing = tmp_path / "nothing.db"
    for args in (("query", "select_inspections"), ("export",)):
        result = ofsted_kg(*args, store=missing)
        assert result.returncode == 3, result.stderr
        assert result.stderr.startswith(f"ofsted-kg: {missing}: no store here")
    assert not missing.exists()
