"""`ofsted-kg serve`: a real server process over an embedded store folder."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from servers import free_port, stop_process, wait_for_query

from ofsted_kg.backend import StoreError
from ofsted_kg.cli import main
from ofsted_kg.commands import serve
from ofsted_kg.remote import RemoteStore

pytestmark = pytest.mark.server

GRAPH = "https://w3id.org/ofsted-kg/id/graph/report/0123456789abcdef"


@pytest.fixture
def store_dir(tmp_path: Path) -> Path:
    path = tmp_path / "kg.db"
    store = ox.Store(str(path))
    store.add(
        ox.Quad(
            ox.NamedNode("http://ex/a"), ox.NamedNode("http://ex/p"), ox.Literal("one"), ox.NamedNode(GRAPH)
        )
    )
    store.flush()
    del store  # release RocksDB's lock: the server needs it
    return path


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "ofsted_kg", *args]


@pytest.fixture
def launch() -> Iterator:
    started: list[subprocess.Popen] = []

    def start(store: Path, *extra: str) -> str:
        port = free_port()
        process = subprocess.Popen(
            cli("--store", str(store), "serve", "--bind", f"127.0.0.1:{port}", *extra),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        started.append(process)
        url = f"http://127.0.0.1:{port}"
        wait_for_query(url, process)
        return url

    yield start
    for process in started:
        stop_process(process)
        if process.stderr:
            process.stderr.close()


def post_update(url: str, update: str) -> int:
    request = urllib.request.Request(
        url + "/update",
        data=update.encode(),
        method="POST",
        headers={"Content-Type": "application/sparql-update"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def test_read_only_by_default(store_dir: Path, launch) -> None:
    url = launch(store_dir)
    remote = RemoteStore.from_settings(url)
    # The union default graph is on, as for `ofsted-kg query` on the embedded store.
    rows = remote.select("SELECT ?o WHERE { ?s ?p ?o }", {"s": URIRef("http://ex/a")}).rows
    assert rows == [{"o": Literal("one")}]
    with urllib.request.urlopen(url + "/", timeout=10) as page:
        assert b"<html" in page.read(2000).lower()  # the query page
    assert post_update(url, 'INSERT DATA { <http://ex/b> <http://ex/p> "two" }') >= 400
    with pytest.raises(StoreError):
        remote.replace_graph(URIRef(GRAPH), b'<http://ex/c> <http://ex/p> "three" .\n')
    assert remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"].toPython() == 1


def test_allow_update_accepts_writes(store_dir: Path, launch) -> None:
    url = launch(store_dir, "--allow-update")
    assert post_update(url, 'INSERT DATA { GRAPH <http://ex/g> { <http://ex/b> <http://ex/p> "two" } }') < 300
    remote = RemoteStore.from_settings(url)
    assert remote.has_graph(URIRef("http://ex/g"))


def test_missing_store_and_bad_bind_are_one_line_errors(
    tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    assert main(["--store", str(tmp_path / "absent.db"), "serve"]) == 3
    err = capsys.readouterr().err
    assert "absent.db" in err and len(err.strip().splitlines()) == 1
    assert main(["--store", str(tmp_path), "serve", "--bind", "nonsense"]) == 2
    assert "HOST:PORT" in capsys.readouterr().err


def test_other_hosts_only_when_asked_and_with_a_warning(
    store_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture
) -> None:
    assert serve.is_loopback("127.0.0.1") and serve.is_loopback("localhost") and serve.is_loopback("[::1]")
    assert not serve.is_loopback("0.0.0.0") and not serve.is_loopback("192.168.1.4")
    launched: list[list[str]] = []
    # Record the server command instead of replacing the test process with it.
    monkeypatch.setattr(os, "execv", lambda binary, argv: launched.append(argv))
    main(["--store", str(store_dir), "serve"])
    assert launched[-1][1] == "serve-read-only" and "127.0.0.1:7878" in launched[-1]
    assert "warning" not in capsys.readouterr().err
    main(["--store", str(store_dir), "serve", "--bind", "0.0.0.0:8000", "--allow-update"])
    assert launched[-1][1] == "serve" and "0.0.0.0:8000" in launched[-1]
    assert "warning" in capsys.readouterr().err
