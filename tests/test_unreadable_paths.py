"""Files and folders this user may not read (issue 13): named with the reason, counted as failures.

Before: a file inside an unreadable folder, named explicitly, gave a PermissionError traceback
from Path.is_dir and aborted the batch; an unreadable folder gave exit 0 and "failed 0".

The tests run as root here, and root reads anything: the CLI runs under `setpriv` with the
capabilities that bypass file permissions (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) dropped from
its inheritable and bounding sets. Where the kernel refuses that, or a probe shows the process
can still read a mode-000 folder, the tests skip and say why.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
CAPS = "-dac_override,-dac_read_search"


def _setpriv() -> list[str]:
    found = shutil.which("setpriv")
    if found is None:
        pytest.skip("setpriv (util-linux) is not installed")
    if os.geteuid() != 0:
        return []  # an ordinary user is already bound by file permissions
    return [found, "--inh-caps", CAPS, "--bounding-set", CAPS]


@functools.cache
def _probe(tmp: str) -> str | None:
    """Why the permission tests cannot run here, or None."""
    locked = Path(tmp) / "probe"
    locked.mkdir()
    locked.chmod(0)
    try:
        done = subprocess.run([*_setpriv(), "ls", str(locked)], capture_output=True, text=True, timeout=30)
    finally:
        locked.chmod(0o700)
    if done.returncode == 0:
        return "the process could still read a mode-000 folder (capabilities not dropped)"
    if "Permission denied" not in done.stderr:
        return f"setpriv could not drop capabilities here: {done.stderr.strip()[:200]}"
    return None


def ingest_without_privilege(tmp_path: Path, *paths: Path) -> subprocess.CompletedProcess[str]:
    reason = _probe(str(tmp_path.parent))
    if reason:
        pytest.skip(reason)
    command = [*_setpriv(), sys.executable, "-m", "ofsted_kg", "--store", str(tmp_path / "kg.db")]
    return subprocess.run(
        [*command, "ingest", "-j", "1", *map(str, paths)], capture_output=True, text=True, timeout=600
    )


@pytest.fixture
def locked(tmp_path: Path):
    """A folder with a letter in it, mode 000 (restored afterwards so pytest can clean up)."""
    folder = tmp_path / "locked"
    folder.mkdir()
    shutil.copy(LETTER, folder / "letter.txt")
    folder.chmod(0)
    yield folder
    folder.chmod(0o700)


@pytest.fixture
def readable(tmp_path: Path) -> Path:
    path = tmp_path / "ok.txt"
    shutil.copy(LETTER, path)
    return path


def _lines(done: subprocess.CompletedProcess[str]) -> list[str]:
    assert "Traceback" not in done.stderr, done.stderr
    return done.stderr.strip().splitlines()


def test_a_file_inside_an_unreadable_folder_named_explicitly(
    tmp_path: Path, locked: Path, readable: Path
) -> None:
    done = ingest_without_privilege(tmp_path, locked / "letter.txt", readable)
    assert done.returncode == 1
    lines = _lines(done)
    assert lines[0] == f"ofsted-kg: {locked / 'letter.txt'}: permission denied"
    assert lines[-1].startswith("ofsted-kg: loaded 1, skipped 0 (unchanged), failed 1")


def test_an_unreadable_folder_given_as_a_path(tmp_path: Path, locked: Path, readable: Path) -> None:
    done = ingest_without_privilege(tmp_path, locked, readable)
    assert done.returncode == 1
    lines = _lines(done)
    assert lines[0] == f"ofsted-kg: {locked}: cannot read this folder (permission denied)"
    assert lines[-1].startswith("ofsted-kg: loaded 1, skipped 0 (unchanged), failed 1")


def test_an_unreadable_folder_met_on_the_way_down(tmp_path: Path) -> None:
    top = tmp_path / "letters"
    (top / "2021").mkdir(parents=True)
    shutil.copy(LETTER, top / "2021" / "letter.txt")
    hidden = top / "2022"
    hidden.mkdir()
    shutil.copy(LETTER, hidden / "copy.txt")
    hidden.chmod(0)
    try:
        done = ingest_without_privilege(tmp_path, top)
    finally:
        hidden.chmod(0o700)
    assert done.returncode == 1
    lines = _lines(done)
    assert lines[0] == f"ofsted-kg: {hidden}: cannot read this folder (permission denied)"
    assert lines[-1].startswith("ofsted-kg: loaded 1, skipped 0 (unchanged), failed 1")


def test_an_unreadable_file(tmp_path: Path, readable: Path) -> None:
    secret = tmp_path / "secret.txt"
    shutil.copy(LETTER, secret)
    secret.chmod(0)
    done = ingest_without_privilege(tmp_path, secret, readable)
    assert done.returncode == 1
    lines = _lines(done)
    assert lines[0] == f"ofsted-kg: {secret}: cannot read (Permission denied)"
    assert lines[-1].startswith("ofsted-kg: loaded 1, skipped 0 (unchanged), failed 1")
