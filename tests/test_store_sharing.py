"""Read-only and concurrent use of the embedded store (issue 13), with real processes.

Readers share the store (pyoxigraph's read-only open under a shared flock); a writer waits for
an ofsted-kg reader and says who it waits for; anything else holding the store is named at once;
reading works on a read-only mount and in a folder the user cannot write (tested with a real
read-only bind mount, and with root's DAC capabilities dropped by setpriv); `ingest` refuses
while `serve` holds the folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from servers import free_port, stop_process, wait_for_query

from ofsted_kg.store_lock import lock_holders

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
LETTERS = ("focused-visit_peterborough_2021-08.pdf", "focused-visit_kent_2019-02.pdf")
# Keeps a core busy until killed: a reader that holds the store for as long as the test needs.
ENDLESS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ofsted_kg", *args]


def run(*args: str, prefix: tuple[str, ...] = (), timeout: float = 300) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("OFSTED_KG_")}
    return subprocess.run([*prefix, *cli(*args)], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("sharing") / "kg.db"
    result = run("--store", str(path), "ingest", *(str(EXAMPLES / n) for n in LETTERS))
    assert result.returncode == 0, result.stderr
    return path


def _wait_until_held(store: Path, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(h.pid == process.pid for h in lock_holders(store)):
            return
        assert process.poll() is None, "the holder exited early"
        time.sleep(0.05)
    raise AssertionError("the holder never took the store's lock")


@pytest.fixture
def endless_reader(store: Path) -> Iterator[subprocess.Popen]:
    """An `ofsted-kg query` that reads the store until it is killed (by its pid)."""
    process = subprocess.Popen(
        cli("--store", str(store), "query", "--sparql", ENDLESS),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_held(store, process)
        yield process
    finally:
        stop_process(process)


def test_readers_do_not_block_readers(store: Path, endless_reader: subprocess.Popen) -> None:
    validate = run("--store", str(store), "validate", "--no-reasoner")
    assert validate.returncode == 0, validate.stderr
    assert "SHACL: 4 of 4" in validate.stdout
    query = run("--store", str(store), "query", "select_inspections", "-f", "csv")
    assert query.returncode == 0 and len(query.stdout.splitlines()) == 3
    assert run("--store", str(store), "export", "-f", "nt").returncode == 0
    # The analysts' commands only read: none of them waits for the reader (a writer would wait
    # for as long as the reader runs, here for ever).
    answers = {
        ("summary",): 153,
        ("history", "--authority", "Peterborough"): 1,
        ("findings", "--authority", "Kent"): 10,
        ("trends", "themes"): 1,
    }
    for command, at_least in answers.items():
        done = run("--store", str(store), *command, "-f", "csv", timeout=60)
        assert done.returncode == 0, (command, done.stderr)
        assert len(done.stdout.splitlines()) - 1 >= at_least, (command, done.stdout)


def test_a_command_run_with_interpreter_options_is_known_as_ofsted_kg(store: Path) -> None:
    """A writer waits for an ofsted-kg command but refuses other holders at once, so a command
    started as `python -X ... -m ofsted_kg` must be recognised as one."""
    process = subprocess.Popen(
        [
            sys.executable,
            "-X",
            "utf8",
            "-W",
            "ignore",
            "-m",
            "ofsted_kg",
            "--store",
            str(store),
            "query",
            "--sparql",
            ENDLESS,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_until_held(store, process)
        (holder,) = [h for h in lock_holders(store) if h.pid == process.pid]
        assert holder.command.startswith("ofsted_kg --store"), holder.command
        assert holder.is_ofsted_kg_command and not holder.is_server
    finally:
        stop_process(process)


def test_a_writer_waits_for_a_reader_and_says_who(store: Path, endless_reader: subprocess.Popen) -> None:
    writer = subprocess.Popen(
        cli("--store", str(store), "ingest"), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        line = writer.stderr.readline()  # blocks until the writer says why it waits
        assert "waiting for" in line and f"pid {endless_reader.pid} (" in line, line
        assert "query --sparql" in line and str(store) in line
        assert writer.poll() is None  # still waiting: it did not write beside the reader
    finally:
        stop_process(endless_reader)
    _, rest = writer.communicate(timeout=120)
    assert writer.returncode == 0, rest


def test_a_program_holding_the_store_is_named_at_once(store: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from ofsted_kg import api; kg = api.open(sys.argv[1], read_only=True); "
            "print('ok', flush=True); sys.stdin.read()",
            str(store),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        reader = run("--store", str(store), "query", "select_inspections")
        assert reader.returncode == 0, reader.stderr  # readers share
        writer = run("--store", str(store), "ingest")
        assert writer.returncode == 3
        message = writer.stderr.strip()
        assert message.startswith(
            f"ofsted-kg: {store}: the store is in use: being read or written by pid {holder.pid} "
            "(-c import sys; from ofsted_kg import api; kg = api.open("
        ), message
        assert len(message.splitlines()) == 1
    finally:
        holder.communicate("")


def _read_only_commands_work(store: Path, prefix: tuple[str, ...] = ()) -> None:
    query = run("--store", str(store), "query", "select_inspections", "-f", "json", prefix=prefix)
    assert query.returncode == 0, query.stderr
    validate = run("--store", str(store), "validate", "--no-reasoner", prefix=prefix)
    assert validate.returncode == 0, validate.stderr
    export = run("--store", str(store), "export", "-f", "nq", prefix=prefix)
    assert export.returncode == 0 and export.stdout.count("\n") > 1000, export.stderr


def test_reading_a_store_on_a_read_only_mount(store: Path, tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(store, source / "kg.db")
    mounted = tmp_path / "ro"
    mounted.mkdir()
    bind = subprocess.run(
        ["mount", "-o", "bind,ro", str(source), str(mounted)], capture_output=True, text=True
    )
    if bind.returncode != 0:
        pytest.skip(f"the kernel refused a read-only bind mount here: {bind.stderr.strip()}")
    try:
        ro_store = mounted / "kg.db"
        _read_only_commands_work(ro_store)
        ingest = run("--store", str(ro_store), "ingest", str(EXAMPLES / LETTERS[0]), "--force")
        assert ingest.returncode == 3
        assert ingest.stderr.strip().startswith(
            f"ofsted-kg: {ro_store}: the store is on a read-only filesystem"
        )
        assert "lock" not in ingest.stderr
    finally:
        subprocess.run(["umount", str(mounted)], check=True)


DROP_DAC = (
    "setpriv",
    "--inh-caps=-dac_override,-dac_read_search",
    "--bounding-set=-dac_override,-dac_read_search",
)


def test_reading_a_store_in_a_folder_one_cannot_write(store: Path, tmp_path: Path) -> None:
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is not installed")
    folder = tmp_path / "theirs"
    shutil.copytree(store, folder / "kg.db")
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        probe = subprocess.run(
            [*DROP_DAC, "sh", "-c", f"touch {folder / 'kg.db' / 'probe'}"], capture_output=True, text=True
        )
        if probe.returncode == 0:
            pytest.skip("dropping DAC capabilities did not take effect here (the write was allowed)")
        if "Operation not permitted" in probe.stderr and "setpriv" in probe.stderr:
            pytest.skip(f"the kernel refused setpriv: {probe.stderr.strip()}")
        _read_only_commands_work(folder / "kg.db", prefix=DROP_DAC)
        ingest = run(
            "--store", str(folder / "kg.db"), "ingest", "--force", str(EXAMPLES / LETTERS[0]), prefix=DROP_DAC
        )
        assert ingest.returncode == 3, ingest.stderr
        assert "permission denied" in ingest.stderr.lower() and "locked" not in ingest.stderr
        assert len(ingest.stderr.strip().splitlines()) == 1
    finally:
        for path in [folder, *folder.rglob("*")]:
            path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.mark.server
def test_ingest_refuses_while_serve_holds_the_store(store: Path, tmp_path: Path) -> None:
    served = tmp_path / "served.db"
    shutil.copytree(store, served)
    port = free_port()
    server = subprocess.Popen(
        cli("--store", str(served), "serve", "--bind", f"127.0.0.1:{port}"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_query(f"http://127.0.0.1:{port}", server)
        ingest = run("--store", str(served), "ingest", str(EXAMPLES / "focused-visit_leeds_2018-02.pdf"))
        assert ingest.returncode == 3
        message = ingest.stderr.strip()
        # Named by pid: `ofsted-kg serve` itself or the Oxigraph server it runs as its child.
        assert message.startswith(f"ofsted-kg: {served}: the store is being served by pid ")
        assert "serve" in message.split("(", 1)[1]
        assert "stop it first" in message and len(message.splitlines()) == 1
        # Reading beside a read-only server is fine: both only read.
        assert run("--store", str(served), "query", "select_inspections").returncode == 0
    finally:
        stop_process(server)
    after = run("--store", str(served), "ingest", str(EXAMPLES / "focused-visit_leeds_2018-02.pdf"))
    assert after.returncode == 0, after.stderr


def test_a_forked_child_does_not_keep_the_store_locked(tmp_path: Path) -> None:
    """ingest's worker processes are forked while it holds the store's lock; after `kill -9` of
    ingest a worker still finishing a document must not keep the store from the re-run."""
    import multiprocessing

    from ofsted_kg.store_lock import StoreLock

    folder = tmp_path / "kg.db"
    folder.mkdir()
    lock = StoreLock.acquire(folder, exclusive=True)
    child = multiprocessing.get_context("fork").Process(target=time.sleep, args=(30,))
    child.start()
    try:
        lock.release()  # as the killed parent's descriptors are closed by the kernel
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                "import sys; from ofsted_kg.store_lock import StoreLock; "
                "StoreLock.acquire(sys.argv[1], exclusive=True, wait=False); print('acquired')",
                str(folder),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert probe.returncode == 0 and probe.stdout.strip() == "acquired", probe.stderr
    finally:
        child.kill()
        child.join()
