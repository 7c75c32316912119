"""kill -9 in the middle of `ofsted-kg ingest`, then resume: the store holds whole documents only,
and the second run completes the job with no duplicates (same graphs and triples as one clean run)."""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

from ofsted_kg import iris
from ofsted_kg.ingest import ingest
from ofsted_kg.store import EmbeddedStore

pytestmark = pytest.mark.slow

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
PROGRESS = re.compile(rb"(\d+)/(\d+) \[")
CHECKS = """
PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX oa: <http://www.w3.org/ns/oa#>
PREFIX prov: <http://www.w3.org/ns/prov#>
SELECT ?g (SAMPLE(?text) AS ?report_text) (COUNT(DISTINCT ?f) AS ?findings) (COUNT(DISTINCT ?ev) AS ?evidenced)
WHERE {
  GRAPH ?g {
    ?report okg:sha256 ?sha .
    OPTIONAL { ?report okg:text ?text }
    OPTIONAL { ?f prov:wasDerivedFrom ?report .
               OPTIONAL { ?f okg:evidence ?ev . ?ev oa:hasSelector/oa:exact ?exact } }
  }
}
GROUP BY ?g
"""


def letters() -> list[Path]:
    return sorted(EXAMPLES.glob("focused-visit_*.pdf"))[:15]


def ingest_then_kill(store: Path, files: list[Path], after: int) -> int:
    """Run the real CLI with a terminal on stderr (so it draws its progress bar) and kill -9 the
    whole process group once `after` documents are reported written; the count last shown."""
    master, slave = pty.openpty()
    # A terminal of zero columns gets an empty progress bar: give it a real size.
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 120, 0, 0))
    env = {**os.environ, "OFSTED_KG_STORE": str(store), "COLUMNS": "120"}
    env.pop("OFSTED_KG_ENDPOINT", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "ofsted_kg", "ingest", "--jobs", "2", *map(str, files)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=slave,
        env=env,
        start_new_session=True,  # its own process group: the pool workers die with it
    )
    os.close(slave)
    shown, seen = 0, b""
    deadline = time.monotonic() + 240
    try:
        while time.monotonic() < deadline and process.poll() is None:
            ready, _, _ = select.select([master], [], [], 0.2)
            if not ready:
                continue
            try:
                seen += os.read(master, 4096)
            except OSError:  # the terminal closed: the process ended
                break
            counts = PROGRESS.findall(seen)
            if counts:
                shown = int(counts[-1][0])
            if shown >= after:
                os.killpg(process.pid, signal.SIGKILL)
                break
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        os.close(master)
    assert process.returncode == -signal.SIGKILL, f"ingest ended before the kill: {seen[-500:]!r}"
    return shown


def report_graphs(store: EmbeddedStore) -> dict[str, tuple[bool, int, int, int]]:
    """Report graph -> (has its text, findings, findings with evidence, triples)."""
    out = {}
    for row in store.select(CHECKS).rows:
        graph = row["g"]
        out[str(graph)] = (
            row["report_text"] is not None,
            int(row["findings"]),
            int(row["evidenced"]),
            store.triple_count(graph),
        )
    return out


def test_kill_minus_nine_then_resume(tmp_path: Path) -> None:
    files = letters()
    assert len(files) == 15
    clean_path = tmp_path / "clean.db"
    with EmbeddedStore(clean_path) as clean:
        summary = ingest(clean, files, jobs=2, progress=False)
        assert not summary.failed
        expected = report_graphs(clean)
        expected_graphs = clean.graphs()
        expected_quads = clean.triple_count()
    assert len(expected) == len(files)

    killed_path = tmp_path / "killed.db"
    shown = ingest_then_kill(killed_path, files, after=2)
    assert shown >= 2

    with EmbeddedStore(killed_path) as store:
        partial = report_graphs(store)
        # Mid-run: some documents in, not all; each one present is whole, exactly as a clean load.
        assert shown <= len(partial) < len(files)
        for graph, facts in partial.items():
            has_text, findings, evidenced, _ = facts
            assert has_text and findings > 0 and evidenced == findings, graph
            assert facts == expected[graph], graph
        assert store.has_graph(iris.ONTOLOGY_GRAPH) and store.has_graph(iris.SHARED_GRAPH)

    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "ofsted_kg",
            "--store",
            str(killed_path),
            "ingest",
            "--jobs",
            "2",
            *map(str, files),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={k: v for k, v in os.environ.items() if k != "OFSTED_KG_ENDPOINT"},
    )
    assert done.returncode == 0, done.stderr
    assert f"loaded {len(files) - len(partial)}, skipped {len(partial)}" in done.stderr

    with EmbeddedStore(killed_path) as store:
        assert store.graphs() == expected_graphs
        assert report_graphs(store) == expected
        assert store.triple_count() == expected_quads
