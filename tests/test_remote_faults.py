"""A remote endpoint that answers wrongly, against the real CLI: a login page with status 200, a
reply that is not HTTP, a server that drips a byte a second. Each is one line naming the URL and
what came back, exit 3, never a traceback; `--timeout` bounds the whole request."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
from servers import fault_server

from ofsted_kg.backend import StoreError
from ofsted_kg.remote import RemoteStore

pytestmark = pytest.mark.server

LETTER = Path(__file__).resolve().parent.parent / "examples" / "letters" / "focused-visit_barnet_2021-08.pdf"


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", *args], capture_output=True, text=True, timeout=timeout
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert "Traceback" not in done.stderr
    return lines[0]


@pytest.mark.parametrize("command", [["query", "select_inspections"], ["export"], ["ingest", str(LETTER)]])
def test_a_login_page_is_one_line_naming_the_url_and_what_came_back(command: list[str]) -> None:
    with fault_server("html") as server:
        done = cli("-q", "--endpoint", server.url, *command)
    assert done.returncode == 3
    line = one_line(done)
    assert server.url in line and "text/html" in line and "Council network sign-in" in line


@pytest.mark.parametrize("command", [["query", "select_inspections"], ["ingest", str(LETTER)]])
def test_a_reply_that_is_not_http_is_one_line(command: list[str]) -> None:
    with fault_server("not-http") as server:
        done = cli("-q", "--endpoint", server.url, *command)
    assert done.returncode == 3
    line = one_line(done)
    assert server.url in line and "not HTTP" in line and "SSH-2.0" in line


def test_timeout_bounds_the_whole_request_not_each_read() -> None:
    """The drip sends a byte a second for two minutes: no read waits even a second, so a
    per-read timeout never fires. Ingest must stop at --timeout."""
    with fault_server("drip", drip_for=120) as server:
        started = time.monotonic()
        done = cli("-q", "--endpoint", server.url, "--timeout", "3", "ingest", str(LETTER), timeout=110)
        took = time.monotonic() - started
    assert done.returncode == 3
    line = one_line(done)
    assert server.url in line and "within 3 s" in line and "--timeout" in line
    # Well before the drip would have finished (a per-read timeout would wait out all 120 s).
    assert took < 60, took


def test_the_deadline_covers_a_streamed_rdf_answer_too() -> None:
    with fault_server("drip", drip_for=60) as server:
        store = RemoteStore.from_settings(server.url, "oxigraph", timeout=2)
        started = time.monotonic()
        with pytest.raises(StoreError, match="within 2 s"):
            store.select("SELECT * WHERE { ?s ?p ?o }")
        assert time.monotonic() - started < 30
