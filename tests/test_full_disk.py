"""A full disk under `ofsted-kg ingest` (issue 13), on a real filesystem that runs out of space.

The store lives on a small tmpfs the test mounts (root may mount; where the kernel refuses, the
test skips saying so). RocksDB meets ENOSPC writing a table, its log or its manifest; ingest must
say so in one line naming the store, exit 3 with no traceback (the failed write, not a second
error from closing the store), and leave a store that opens and validates at once, on the full
disk itself. Given more space (the tmpfs remounted larger), re-running the same batch gives
exactly the store one clean run gives. On a disk already full, the writer is refused in one
line while readers (read-only opens) still answer, and freeing space is all it takes.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ofsted_kg import iris
from ofsted_kg.store import EmbeddedStore

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
# 15 letters need about 14 MB of store (tables, write-ahead log, manifest): 6 MB fills up in
# the first bulk-loaded table, 8 MB after a few documents are in.
FILES = sorted(EXAMPLES.glob("focused-visit_*.pdf"))[:15]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args], capture_output=True, text=True, timeout=600, env=env
    )


def mount(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(["mount", *args], capture_output=True, text=True)


@pytest.fixture
def small_disk(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Path]:
    """A tmpfs of the parametrised size, mounted for this test and unmounted after it."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small tmpfs needs root")
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = mount("-t", "tmpfs", "-o", f"size={request.param}", "tmpfs", str(folder))
    if mounted.returncode != 0:
        pytest.skip(f"the kernel refused to mount a tmpfs here: {mounted.stderr.strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "--lazy", str(folder)], check=True)


def contents(path: Path) -> dict[str, int]:
    """Graph -> triples: what a store holds, down to the triple count of each graph."""
    with EmbeddedStore(path, read_only=True) as store:
        return {str(graph): store.triple_count(graph) for graph in store.graphs()}


def fill(disk: Path, leave: int = 0) -> Path:
    """Take the filesystem's free space with a filler file (returned: deleting it frees the
    space), all of it or all but `leave` bytes."""
    filler = disk / "filler"
    if leave:
        stat = os.statvfs(disk)
        filler.write_bytes(b"\0" * (stat.f_bavail * stat.f_frsize - leave))
        return filler
    with filler.open("wb") as out:  # every block of the filesystem taken
        try:
            while True:
                out.write(b"\0" * (1 << 16))
                out.flush()
        except OSError:
            pass
    return filler


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, int]:
    path = tmp_path_factory.mktemp("clean") / "kg.db"
    done = run("--store", str(path), "ingest", *map(str, FILES))
    assert done.returncode == 0, done.stderr
    return contents(path)


@pytest.mark.parametrize("small_disk", ["6m", "8m"], indirect=True)
def test_a_full_disk_is_one_line_and_the_store_survives(small_disk: Path, clean: dict[str, int]) -> None:
    store = small_disk / "kg.db"
    full = run("--store", str(store), "ingest", *map(str, FILES))

    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr
    lines = full.stderr.strip().splitlines()
    assert len(lines) == 1, full.stderr
    assert lines[0].startswith(f"ofsted-kg: {store}: write failed ("), lines[0]
    assert "No space left on device" in lines[0]

    # On the full disk, with nothing repaired: the store opens and every document in it is whole.
    partial = contents(store)
    copies = [g for g in partial if g.startswith(iris.REPORT_GRAPH_PREFIX)]
    assert len(copies) < len(FILES), "the disk was meant to fill before the batch was done"
    for graph in partial:
        if graph.startswith((iris.REPORT_GRAPH_PREFIX, iris.INSPECTION_GRAPH_PREFIX)):
            assert partial[graph] == clean[graph], graph
    checked = run("--store", str(store), "validate")
    assert checked.returncode == 0, checked.stderr
    assert "conform" in checked.stdout

    grown = mount("-o", "remount,size=64m", str(small_disk))
    assert grown.returncode == 0, grown.stderr
    resumed = run("--store", str(store), "ingest", *map(str, FILES))
    assert resumed.returncode == 0, resumed.stderr
    assert f"skipped {len(copies)} (unchanged)" in resumed.stderr
    assert contents(store) == clean


@pytest.mark.parametrize("small_disk", ["16m"], indirect=True)
def test_a_disk_already_full_refuses_the_writer_and_serves_readers(small_disk: Path, tmp_path: Path) -> None:
    made = tmp_path / "made.db"
    assert run("--store", str(made), "ingest", str(FILES[0])).returncode == 0
    store = small_disk / "kg.db"
    shutil.copytree(made, store)
    filler = fill(small_disk)

    writer = run("--store", str(store), "ingest", str(FILES[1]))
    assert writer.returncode == 3, writer.stderr
    assert "Traceback" not in writer.stderr
    lines = writer.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"ofsted-kg: {store}: ")
    assert "No space left on device" in lines[0]
    # Readers open the store read-only: a full disk does not stop them.
    query = run("--store", str(store), "query", "select_inspections", "-f", "csv")
    assert query.returncode == 0 and len(query.stdout.splitlines()) == 2, query.stderr

    filler.unlink()
    again = run("--store", str(store), "ingest", str(FILES[1]))
    assert again.returncode == 0, again.stderr
    assert contents(store).keys() > contents(made).keys()


@pytest.mark.parametrize("small_disk", ["200m"], indirect=True)
def test_a_full_disk_under_related_recompute_keeps_the_links_it_had(small_disk: Path, tmp_path: Path) -> None:
    """`related --recompute` replaces the related-findings graph in one transaction (writing only
    the triples that changed): a disk that fills during it is one line and exit 3, and the store
    keeps every link it had."""
    made = tmp_path / "made.db"
    assert (
        run("--store", str(made), "ingest", *map(str, sorted(EXAMPLES.glob("ilacs_*.pdf")))).returncode == 0
    )
    first = run("--store", str(made), "related", "--recompute", "--authority", "Peterborough", "-f", "csv")
    assert first.returncode == 0, first.stderr
    before = contents(made)
    assert before[str(iris.RELATED_GRAPH)] > 10_000  # thousands of links: megabytes to rewrite
    store = small_disk / "kg.db"
    shutil.copytree(made, store)
    # Room to open the store for writing (a new log, an options file), not to rewrite the links.
    filler = fill(small_disk, leave=1 << 20)

    # Recomputing the same links writes nothing (only changed triples are written), so it
    # succeeds on the full disk; links that change must be written: a lower threshold adds
    # thousands (megabytes of new triples; a higher one that only deletes links can fit in the
    # room left, depending on how RocksDB laid out the tables the store was loaded with).
    same = run("--store", str(store), "related", "--recompute", "--authority", "Peterborough", "-f", "csv")
    assert same.returncode == 0 and same.stdout == first.stdout, same.stderr
    assert contents(store) == before
    lower = ("related", "--recompute", "--threshold", "0.2", "--authority", "Peterborough", "-f", "csv")
    roomy = tmp_path / "roomy.db"
    shutil.copytree(made, roomy)
    assert run("--store", str(roomy), *lower).returncode == 0
    after = contents(roomy)
    assert after[str(iris.RELATED_GRAPH)] > before[str(iris.RELATED_GRAPH)] * 3 // 2
    full = run("--store", str(store), *lower)
    assert full.returncode == 3, full.stderr
    assert "Traceback" not in full.stderr and full.stdout == ""
    # The links are computed (one line says how many) before the write fails.
    lines = [line for line in full.stderr.strip().splitlines() if not line.startswith("computed ")]
    assert len(lines) == 1 and lines[0].startswith(f"ofsted-kg: {store}: write failed ("), full.stderr
    assert "No space left on device" in lines[0]
    # One transaction: the old links or the new ones, whole (the write can reach the write-ahead
    # log and the disk fill only when tables are flushed), nothing in between.
    assert contents(store) in (before, after)
    checked = run("--store", str(store), "validate", "--no-reasoner")
    assert checked.returncode == 0, checked.stderr

    filler.unlink()
    again = run("--store", str(store), "related", "--recompute", "--authority", "Peterborough", "-f", "csv")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout
    assert contents(store) == before


@pytest.mark.parametrize("small_disk", ["16m"], indirect=True)
def test_validate_on_a_full_disk_gives_its_verdict_and_says_the_record_was_not_saved(
    small_disk: Path, tmp_path: Path
) -> None:
    """`validate` opens the store read-only and keeps a record of what it checked beside it; on a
    full disk the verdict stands (exit 0), one warning says the record was not saved, and the
    record it had is left as it was."""
    made = tmp_path / "made.db"
    assert run("--store", str(made), "ingest", *map(str, FILES[:3])).returncode == 0
    store = small_disk / "kg.db"
    shutil.copytree(made, store)
    record = store / "validated.json"
    kept = record.read_bytes()
    fill(small_disk)

    checked = run("--store", str(store), "validate", "--all", "--no-reasoner")
    assert checked.returncode == 0, checked.stderr
    assert re.search(r"SHACL: (\d+) of \1 .*conform", checked.stdout), checked.stdout
    warnings = [line for line in checked.stderr.splitlines() if "record" in line]
    assert len(warnings) == 1 and "No space left on device" in warnings[0], checked.stderr
    assert "Traceback" not in checked.stderr
    assert record.read_bytes() == kept
    assert not list(store.glob(".validated-*"))  # no half-written record left behind
