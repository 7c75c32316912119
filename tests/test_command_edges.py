"""The rough edges outside trials found in every command (issue 12), each as a user meets it:
real letters, the real CLI in a subprocess, stdout piped (not a terminal) unless said otherwise."""

from __future__ import annotations

import csv
import fcntl
import io
import json
import os
import pty
import re
import shutil
import struct
import subprocess
import sys
import termios
from pathlib import Path

import pytest
from ofsted_kg.loaders.extract import extract_path
from ofsted_kg.loaders.graph import inspection_of
from rdflib import Graph

from ofsted_kg import iris, rejections, validation_record
from ofsted_kg.ingest import file_sha256
from ofsted_kg.rdf_io import PREFIXES
from ofsted_kg.tables import render_table

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
# Peterborough and Barking and Dagenham: DfE lists Peterborough among Barking and Dagenham's
# statistical neighbours, not the other way round.
LETTERS = ("focused-visit_peterborough_2021-08.pdf", "focused-visit_barking-and-dagenham_2018-04.pdf")


def ofsted_kg(*args: str, store: Path | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "ofsted_kg", *args]
    if store is not None:
        command += ["--store", str(store)]  # after the subcommand: accepted there too
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def loaded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("edges")
    folder = tmp / "letters"
    folder.mkdir()
    for name in LETTERS:
        shutil.copy(EXAMPLES / name, folder / name)
    store = tmp / "kg.db"
    result = ofsted_kg("ingest", str(folder), store=store)
    assert result.returncode == 0, result.stderr
    return store, folder


def test_global_options_after_the_subcommand(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    after = ofsted_kg("queries", "--format", "csv", store=store)
    assert after.returncode == 0, after.stderr
    before = subprocess.run(
        [
            sys.executable,
            "-m",
            "ofsted_kg",
            "--store",
            str(store),
            "-q",
            "query",
            "select_inspections",
            "-f",
            "csv",
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    after = ofsted_kg("query", "select_inspections", "-f", "csv", "-q", store=store)
    assert before.returncode == after.returncode == 0, (before.stderr, after.stderr)
    assert before.stdout == after.stdout and len(after.stdout.splitlines()) == 3


def test_piped_table_keeps_every_value_whole(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    table = ofsted_kg("query", "select_findings_for_authority", "-p", "authority=Peterborough", store=store)
    as_csv = ofsted_kg(
        "query", "select_findings_for_authority", "-p", "authority=Peterborough", "-f", "csv", store=store
    )
    assert table.returncode == as_csv.returncode == 0
    assert "…" not in table.stdout
    rows = list(csv.DictReader(io.StringIO(as_csv.stdout)))
    texts = [" ".join(r["text"].split()) for r in rows]
    assert max(len(t) for t in texts) > 200  # long findings, which used to be cut to ~10 characters
    for text in texts:
        assert text in table.stdout
    assert max(len(line) for line in table.stdout.splitlines()) > 200


def test_width_wraps_without_losing_anything(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    result = ofsted_kg(
        "query",
        "select_findings_for_authority",
        "-p",
        "authority=Peterborough",
        "--width",
        "120",
        store=store,
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert max(len(line) for line in lines) <= 120 and "…" not in result.stdout
    assert lines[-1] == "(20 rows)" and len(lines) > 22  # rows wrap onto more lines


def test_narrowed_column_names_wrap_after_their_underscores() -> None:
    """A column name too long for its narrowed column wraps between its words
    ("help_and_" / "protection"), not mid-word; nothing of a name or a value is lost."""
    headers = ["authority", "help_and_protection", "in_care_and_care_leavers", "x"]
    rows = [["Blackburn with Darwen", "Requires improvement to be good", "Good", "1"]]
    text = render_table(headers, rows, width=50)
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 50
    header = lines[: next(i for i, line in enumerate(lines) if line.startswith("---"))]
    assert not any("help_and_p" in line for line in header), header
    assert any(re.search(r"help_and_(\s|$)", line) for line in header), header
    assert any("protection" in line for line in header)
    assert any("in_care_and_" in line for line in header) and any("care_leavers" in line for line in header)
    for word in ("Blackburn", "Darwen", "Requires", "improvement", "Good"):
        assert word in text
    # A part longer than its column is still broken where it must be.
    assert "".join(render_table(["abcdefghijklmnop"], [["x"]], width=6).split()[:3]) == "abcdefghijklmnop"


def _terminal(columns: int) -> tuple[int, int]:
    """A pseudo-terminal of this width (a real terminal has a size; a bare pty has 0x0)."""
    parent, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, columns, 0, 0))
    return parent, child


def test_table_on_a_terminal_wraps_to_its_width(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    parent, child = _terminal(90)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("COLUMNS", "LINES") and not k.startswith("OFSTED_KG_")
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "query", "select_inspections", "--store", str(store)],
        stdout=child,
        stderr=subprocess.PIPE,
        env=env,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(parent, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=120)
    os.close(parent)
    text = b"".join(chunks).decode()
    assert process.returncode == 0
    lines = text.splitlines()
    assert max(len(line) for line in lines) <= 90 and len(lines) > 4  # wrapped, not cut
    assert "…" not in text and lines[-1] == "(2 rows)"


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (("export", "-o", "graph.xyz"), "'.xyz' names no output format"),
        (("export", "--view", "inspectors"), "--view chooses a network"),
        (("export", "-o", "graph.ttl", "--view", "findings"), "does not apply to turtle"),
        (("export", "--format", "graphml", "--graph", str(iris.SHARED_GRAPH)), "--graph selects RDF graphs"),
        (
            ("query", "construct_inspection", "-p", "inspection=https://x/i", "--format", "csv"),
            "triples, not rows",
        ),
        (("query", "select_inspections", "--format", "turtle"), "is for CONSTRUCT/DESCRIBE"),
        (("related", "--finding", "https://w3id.org/ofsted-kg/id/report/0000/finding/001"), "no finding"),
        (("related", "--authority", "Nowhere"), "Nowhere"),
        (
            ("validate", "--graph", "https://example.org/nothing", "--no-reasoner"),
            "no inspection, report or graph",
        ),
    ],
)
def test_options_that_do_not_apply_exit_2(
    loaded: tuple[Path, Path], tmp_path: Path, args: tuple[str, ...], needle: str
) -> None:
    store, _ = loaded
    result = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "--store", str(store), *args],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert result.returncode == 2, (args, result.stderr)
    assert needle in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "graph.xyz").exists() and not (tmp_path / "graph.ttl").exists()


def test_construct_output_uses_the_projects_prefixes_and_formats(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    inspection = inspection_of(extract_path(folder / LETTERS[0]))
    turtle = ofsted_kg("query", "construct_inspection", "-p", f"inspection={inspection}", store=store)
    assert turtle.returncode == 0, turtle.stderr
    assert f"@prefix okg: <{PREFIXES['okg']}>" in turtle.stdout
    assert "okg:Finding" in turtle.stdout or "okg:FocusedVisit" in turtle.stdout
    graph = Graph().parse(data=turtle.stdout, format="turtle")
    nt = ofsted_kg("query", "construct_inspection", "-p", f"inspection={inspection}", "-f", "nt", store=store)
    assert nt.returncode == 0, nt.stderr
    assert graph.isomorphic(Graph().parse(data=nt.stdout, format="nt"))
    jsonld = ofsted_kg(
        "query", "construct_inspection", "-p", f"inspection={inspection}", "-f", "jsonld", store=store
    )
    assert jsonld.returncode == 0 and isinstance(json.loads(jsonld.stdout), (list, dict))


def test_export_turtle_declares_schema_as_the_data_uses_it(loaded: tuple[Path, Path], tmp_path: Path) -> None:
    store, _ = loaded
    out = tmp_path / "kg.ttl"
    assert ofsted_kg("export", "-o", str(out), store=store).returncode == 0
    text = out.read_text(encoding="utf-8")
    assert "@prefix schema: <https://schema.org/>" in text and "http://schema.org/" not in text


def test_validate_accepts_a_report_iri_and_says_so(loaded: tuple[Path, Path]) -> None:
    store, folder = loaded
    sha = file_sha256(folder / LETTERS[0])
    by_report = ofsted_kg("validate", "--graph", str(iris.report(sha)), "--no-reasoner", store=store)
    assert by_report.returncode == 0, by_report.stderr
    assert "SHACL: 1 of 1 inspections, copies and summaries conform" in by_report.stdout
    # Said which inspection the report IRI was taken to mean.
    assert (
        f"{iris.report(sha)} belongs to the inspection in graph {iris.INSPECTION_GRAPH_PREFIX}"
        in by_report.stderr
    )
    by_graph = ofsted_kg("validate", "--graph", str(iris.report_graph(sha)), "--no-reasoner", store=store)
    assert by_graph.returncode == 0 and "1 of 1" in by_graph.stdout


def test_validate_draws_progress_on_a_terminal_only(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    piped = ofsted_kg("validate", "--no-reasoner", store=store)
    assert piped.returncode == 0, piped.stderr
    assert "graph/s" not in piped.stderr and "it/s" not in piped.stderr
    parent, child = _terminal(100)
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "validate", "--no-reasoner", "--store", str(store)],
        stdout=subprocess.PIPE,
        stderr=child,
    )
    os.close(child)
    chunks = []
    while True:
        try:
            data = os.read(parent, 4096)
        except OSError:
            break
        if not data:
            break
        chunks.append(data)
    process.wait(timeout=300)
    os.close(parent)
    drawn = b"".join(chunks).decode(errors="replace")
    assert process.returncode == 0
    # Two inspections: the bar counts them done out of the total.
    assert "validate" in drawn and "2/2" in drawn, drawn
    quiet = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "-q", "validate", "--no-reasoner", "--store", str(store)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert quiet.returncode == 0 and quiet.stderr == ""


def test_export_findings_view_before_related_says_it_computed_links(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    store, _ = loaded
    out = tmp_path / "findings.graphml"
    result = ofsted_kg("export", "-o", str(out), store=store)
    assert result.returncode == 0, result.stderr
    assert "no related-finding links stored yet: computed" in result.stderr
    import networkx as nx

    network = nx.read_graphml(out)
    assert network.number_of_edges() > 0  # was 0 edges, silently


def test_analyse_similar_names_its_columns_and_both_neighbour_directions(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    result = ofsted_kg("analyse", "similar", "-f", "json", store=store)
    assert result.returncode == 0, result.stderr
    rows = {r["authority"]: r for r in json.loads(result.stdout)}
    peterborough = rows["Peterborough"]
    assert "findings" not in peterborough and peterborough["theme_mentions"] > 0
    # None of Peterborough's ten DfE neighbours has a report here; Barking and Dagenham lists it.
    assert peterborough["its_statistical_neighbours_in_store"] == ""
    assert peterborough["statistical_neighbour_of_in_store"] == "Barking and Dagenham"
    assert rows["Barking and Dagenham"]["its_statistical_neighbours_in_store"] == "Peterborough"


def test_ingest_says_rejected_before_and_unchanged(tmp_path: Path) -> None:
    folder = tmp_path / "letters"
    folder.mkdir()
    shutil.copy(EXAMPLES / LETTERS[0], folder / LETTERS[0])
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nnot a pdf at all\n")
    store = tmp_path / "kg.db"
    first = ofsted_kg("ingest", str(folder), store=store)
    assert first.returncode == 1
    assert f"ofsted-kg: {folder / 'broken.pdf'}: " in first.stderr
    again = ofsted_kg("ingest", str(folder), store=store)
    assert again.returncode == 1  # the file is still bad
    assert str(folder / "broken.pdf") not in again.stderr  # not reported again as a new failure
    assert again.stderr.strip().splitlines()[-1] == (
        "ofsted-kg: loaded 0, skipped 1 (unchanged), failed 0, 1 file rejected before and unchanged (-vv lists them)"
    )
    listed = ofsted_kg("-vv", "ingest", str(folder), store=store)
    assert listed.returncode == 1
    assert (
        f"DEBUG: {folder / 'broken.pdf'}: " in listed.stderr
        and "(rejected before, unchanged)" in listed.stderr
    )
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4\nstill not a pdf, but changed\n")
    changed = ofsted_kg("ingest", str(folder), store=store)
    assert changed.returncode == 1 and f"ofsted-kg: {folder / 'broken.pdf'}: " in changed.stderr
    # Only the store's own records beside the database: no stray or half-written JSON.
    records = {rejections.RECORD_NAME, validation_record.RECORD_NAME}
    assert not any(p.name.endswith(".json") for p in store.iterdir() if p.name not in records)


# ---- files a command writes (--output, export -o, visualise -o) ----------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ("query", "select_themes", "--format", "csv", "--output", "{missing}/themes.csv"),
        ("summary", "--format", "xlsx", "--output", "{missing}/grades.xlsx"),
        ("history", "--authority", "Peterborough", "--output", "{folder}"),
        (
            "query",
            "construct_inspection",
            "--param",
            "inspection=https://w3id.org/ofsted-kg/id/inspection/x",
            "--output",
            "{missing}/i.ttl",
        ),
        ("export", "--format", "turtle", "--output", "{missing}/all.ttl"),
    ],
)
def test_an_output_file_that_cannot_be_written_is_one_line(
    loaded: tuple[Path, Path], tmp_path: Path, args: tuple[str, ...]
) -> None:
    store, _ = loaded
    given = [a.format(missing=tmp_path / "no-such-folder", folder=tmp_path) for a in args]
    result = ofsted_kg(*given, store=store)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert str(tmp_path) in result.stderr and (
        "does not exist" in result.stderr or "is a folder" in result.stderr
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written anywhere


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_a_full_disk_under_the_output_is_one_line(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    # /dev/full fails every write with ENOSPC, as a full disk does.
    named = ofsted_kg("query", "select_themes", "--format", "csv", "--output", "/dev/full", store=store)
    with open("/dev/full", "w") as full:
        command = [sys.executable, "-m", "ofsted_kg", "summary", "--format", "csv", "--store", str(store)]
        piped = subprocess.run(command, stdout=full, stderr=subprocess.PIPE, text=True, timeout=300)
    for result, where in ((named, "ofsted-kg: /dev/full: "), (piped, "ofsted-kg: ")):
        assert result.returncode == 1, result.stderr
        assert result.stderr == f"{where}cannot write the output (No space left on device)\n"


def test_an_output_file_is_written_whole_or_not_at_all(tmp_path: Path) -> None:
    from ofsted_kg.tables import write_table

    target = tmp_path / "grades.csv"
    target.write_text("the previous answer\n")

    def rows_then_failure():
        yield ("Peterborough", "good")
        raise TimeoutError("the endpoint stopped answering")

    for fmt in ("csv", "xlsx"):
        with pytest.raises(TimeoutError):
            write_table(fmt, ["authority", "overall"], rows_then_failure(), output=str(target))
        assert target.read_text() == "the previous answer\n"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["grades.csv"]  # no temporary left
    # A finished write replaces the file, with the mode a plain open() would give a new one ...
    fresh = tmp_path / "fresh.csv"
    write_table("csv", ["authority"], [("Hull",)], output=str(fresh))
    umask = os.umask(0)
    os.umask(umask)
    assert fresh.read_bytes() == b"authority\nHull\n" and fresh.stat().st_mode & 0o777 == 0o666 & ~umask
    # ... and through a symlink replaces the file it points to, keeping the link.
    link = tmp_path / "latest.csv"
    link.symlink_to(target)
    write_table("csv", ["authority"], [("Hull",)], output=str(link))
    assert link.is_symlink() and target.read_bytes() == b"authority\nHull\n"


# ---- files ingest must refuse from their type or size alone ---------------------------------------


def test_ingest_refuses_pipes_devices_and_huge_files_at_once(tmp_path: Path) -> None:
    """A named pipe with no writer blocked ingest for ever, /dev/zero was hashed for ever, a
    10 GB file was hashed (20 s) before being refused, and a pipe (`ingest <(curl ...)`) was
    consumed by the hash and then reported "empty". Each is now one line, at once, and the real
    letter beside them still loads."""
    pipe = tmp_path / "pipe.pdf"
    os.mkfifo(pipe)
    device = tmp_path / "zero.pdf"
    device.symlink_to("/dev/zero")
    huge = tmp_path / "huge.pdf"
    with huge.open("wb") as handle:
        handle.write(b"%PDF-1.7\n")
        handle.truncate(10 * 1024**3)  # sparse: no disk used
    empty = tmp_path / "nothing-here"
    empty.mkdir()
    letter = tmp_path / LETTERS[0]
    shutil.copy(EXAMPLES / LETTERS[0], letter)
    # A short timeout: the pipe used to block for ever.
    result = ofsted_kg(
        "ingest",
        str(pipe),
        str(device),
        str(huge),
        str(empty),
        str(letter),
        store=tmp_path / "kg.db",
        timeout=120,
    )
    assert result.returncode == 1, result.stderr
    lines = result.stderr.splitlines()
    assert (
        f"ofsted-kg: {pipe}: not a saved file but a named pipe: save the document to a file and load that"
        in lines
    )
    assert (
        f"ofsted-kg: {device}: not a saved file but a character device: save the document to a file and load that"
        in lines
    )
    assert (
        f"ofsted-kg: {huge}: too large for an Ofsted letter or report (a 10240.0 MB PDF; the limit is 64.0 MB)"
        in lines
    )
    assert f"WARNING: {empty}: no .pdf or .txt files in this folder" in lines
    assert lines[-1] == "ofsted-kg: loaded 1, skipped 0 (unchanged), failed 3", result.stderr


def test_a_query_file_that_is_no_saved_file_or_too_large_is_one_line(
    loaded: tuple[Path, Path], tmp_path: Path
) -> None:
    """`query FILE.rq` read the file to its end: a link to /dev/zero filled memory to a
    MemoryError traceback, a named pipe blocked for ever."""
    store, _ = loaded
    zero = tmp_path / "zero.rq"
    zero.symlink_to("/dev/zero")
    pipe = tmp_path / "pipe.rq"
    os.mkfifo(pipe)
    big = tmp_path / "big.rq"
    big.write_text("# " + "x" * (2 * 1024 * 1024) + "\nASK {}\n")
    folder = tmp_path / "folder.rq"
    folder.mkdir()
    reasons = {
        zero: "not a saved file but a character device",
        pipe: "not a saved file but a named pipe",
        big: "larger than 1 MB, far more than any file of its kind",
        folder: "a folder, not a file",
    }
    for path, reason in reasons.items():
        result = ofsted_kg("query", str(path), store=store, timeout=60)
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"ofsted-kg: {path}: cannot read the query ({reason})\n"


def test_a_store_path_that_is_a_file_says_so(tmp_path: Path) -> None:
    not_a_store = tmp_path / "kg.db"
    not_a_store.write_text("my notes\n")
    result = ofsted_kg("ingest", str(tmp_path / "nothing"), store=not_a_store)
    assert result.returncode == 3
    assert (
        result.stderr
        == f"ofsted-kg: {not_a_store}: a file is there; a store is a folder (give --store a new or store folder)\n"
    )
    assert not_a_store.read_text() == "my notes\n"


def test_export_of_a_graph_that_is_not_there_is_a_usage_error(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    shared = "https://w3id.org/ofsted-kg/id/graph/shared"
    assert ofsted_kg("export", "--graph", shared, "--format", "nt", store=store).stdout.count("\n") > 100
    not_iri = ofsted_kg("export", "--graph", "shared", "--format", "nt", store=store)
    assert not_iri.returncode == 2 and not_iri.stdout == ""
    assert not_iri.stderr == "ofsted-kg: export: --graph 'shared' is not an absolute IRI (a graph's name)\n"
    absent = ofsted_kg("export", "--graph", shared + "x", "--format", "nt", store=store)
    assert absent.returncode == 2 and absent.stdout == ""
    assert absent.stderr.startswith(f"ofsted-kg: export: no graph <{shared}x> in the store")


# Numbers a command cannot use, each refused before any work with argparse's error (exit 2,
# naming the option), not a traceback: found by trying every numeric option with nan, inf,
# negatives and numbers past a machine word (ofsted_kg.option_types).
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--timeout", "inf", "summary"], "argument --timeout: 'inf': must be more than 0 seconds"),
        (["--timeout", "nan", "summary"], "argument --timeout: 'nan': must be more than 0 seconds"),
        (["summary", "--timeout", "-1"], "argument --timeout: '-1': must be more than 0 seconds"),
        (["serve", "--timeout", "nan"], "argument --timeout: 'nan': must be more than 0 seconds"),
        (["serve", "--max-result-mb", "0"], "argument --max-result-mb: '0': must be at least 1"),
        (["validate", "--show", "-1"], "argument --show: '-1': must be 0 or more"),
        (["analyse", "similar", "--top", "0"], "argument --top: '0': must be at least 1"),
        (["related", "--authority", "Peterborough", "--per-finding", "0"], "argument --per-finding: '0'"),
        (["query", "select_themes", "--limit", "ten"], "argument --limit: 'ten' is not a whole number"),
        (["ingest", "--jobs", "0"], "argument --jobs/-j: '0': must be at least 1"),
    ],
)
def test_a_number_no_command_can_use_is_an_option_error(
    loaded: tuple[Path, Path], args: list[str], message: str
) -> None:
    store, _ = loaded
    result = ofsted_kg(*args, store=store)
    assert result.returncode == 2, result.stderr
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_a_bad_timeout_in_the_environment_is_named_not_a_traceback(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    command = [sys.executable, "-m", "ofsted_kg", "summary", "--store", str(store)]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")},
        "OFSTED_KG_TIMEOUT": "abc",
    }
    result = subprocess.run(command, capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 2
    assert "'abc' is not a number of seconds (from --timeout, or else $OFSTED_KG_TIMEOUT)" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_limit_or_offset_past_any_answer_pages_like_a_large_one(loaded: tuple[Path, Path]) -> None:
    store, _ = loaded
    huge = str(10**30)
    whole = ofsted_kg("query", "select_latest_grades", "--format", "csv", store=store)
    past = ofsted_kg("query", "select_latest_grades", "--format", "csv", "--offset", huge, store=store)
    everything = ofsted_kg(
        "query", "select_latest_grades", "--format", "csv", "--limit", huge, "--offset", "3", store=store
    )
    assert whole.returncode == past.returncode == everything.returncode == 0, past.stderr + everything.stderr
    lines = whole.stdout.splitlines()
    assert len(lines) > 4
    assert past.stdout.splitlines() == lines[:1]  # the header, no row
    assert everything.stdout.splitlines() == lines[:1] + lines[4:]


def test_jobs_far_above_the_cores_are_lowered_with_a_warning(tmp_path: Path) -> None:
    # Each worker holds its own PDF library and SHACL engine: --jobs 1000 forked 1,000 processes
    # at once for as few as two documents (one is built in this process: the warning still shows).
    most = max(2, 2 * (os.cpu_count() or 1))
    result = ofsted_kg("ingest", "--jobs", "1000", str(EXAMPLES / LETTERS[0]), store=tmp_path / "kg.db")
    assert result.returncode == 0, result.stderr
    assert f"--jobs 1000: using {most} worker processes" in result.stderr
    assert "loaded 1," in result.stderr
    within = ofsted_kg("validate", "--all", "--no-reasoner", "--jobs", str(most), store=tmp_path / "kg.db")
    assert within.returncode == 0 and "--jobs" not in within.stderr, within.stderr
