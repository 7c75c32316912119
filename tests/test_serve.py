"""`ofsted-kg serve`: a real server process over an embedded store folder."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from servers import fault_server, free_port, stop_process, wait_for_query

from ofsted_kg.backend import StoreError
from ofsted_kg.cli import main
from ofsted_kg.commands import serve
from ofsted_kg.named_queries import as_int
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
    planned: list[serve.Plan] = []
    # Record the plan instead of listening on a real (and, here, public) address.
    monkeypatch.setattr(serve, "run_gateway", lambda chosen: planned.append(chosen) or 0)
    main(["--store", str(store_dir), "serve"])
    assert (planned[-1].host, planned[-1].port, planned[-1].allow_update) == ("127.0.0.1", 7878, False)
    assert (planned[-1].timeout, planned[-1].allow_service) == (30.0, False)
    assert planned[-1].max_bytes == 64 * 1024 * 1024  # README: "refuses an answer over 64 MB"
    assert "warning" not in capsys.readouterr().err
    main(["--store", str(store_dir), "serve", "--bind", "0.0.0.0:8000", "--allow-update"])
    assert (planned[-1].host, planned[-1].allow_update) == ("0.0.0.0", True)
    assert "warning" in capsys.readouterr().err
    command = serve.server_command("oxigraph", store_dir, "127.0.0.1:1", False, 2.0)
    assert command[1] == "serve-read-only" and command[-2:] == ["--timeout-s", "2"]


# --- limits: time, size, federation, writes -----------------------------------------------------


@pytest.fixture
def wide_store(tmp_path: Path) -> Path:
    """300 triples: a four-way cross product is 8.1e9 rows, a three-way one 27 million."""
    path = tmp_path / "wide.db"
    store = ox.Store(str(path))
    graph = ox.NamedNode(GRAPH)
    for i in range(300):
        store.add(
            ox.Quad(ox.NamedNode(f"http://ex/s{i}"), ox.NamedNode("http://ex/p"), ox.Literal(str(i)), graph)
        )
    store.flush()
    del store
    return path


def ask(url: str, query: str, timeout: float = 120) -> tuple[int, str, float]:
    """(status, body, seconds) of a SPARQL query POSTed to the server."""
    request = urllib.request.Request(
        url + "/query",
        data=urllib.parse.urlencode({"query": query}).encode(),
        headers={"Accept": "application/sparql-results+json"},
        method="POST",
    )
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, response.read().decode("utf-8", "replace"), time.monotonic() - started
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace"), time.monotonic() - started


CROSS = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def test_a_cross_product_stops_at_the_timeout(wide_store: Path, launch) -> None:
    url = launch(wide_store, "--timeout", "2")
    status, body, took = ask(url, CROSS)
    assert status == 503 and "time limit of 2 s" in body and "--timeout" in body
    assert took < 60  # 8.1e9 rows would keep a core busy for many minutes
    # The server is still there for the next query.
    assert ask(url, "ASK { ?s ?p ?o }")[0] == 200


def test_an_answer_over_the_cap_is_refused_not_cut(wide_store: Path, launch) -> None:
    url = launch(wide_store, "--max-result-mb", "1", "--timeout", "60")
    status, body, _ = ask(url, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    assert status == 507 and "cap of 1 MB" in body and "--max-result-mb" in body
    status, body, _ = ask(url, "SELECT * WHERE { ?a ?b ?c } LIMIT 5")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == 5


def test_service_is_not_contacted_unless_allowed(store_dir: Path, launch) -> None:
    with fault_server("html") as listener:
        query = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
        url = launch(store_dir)
        status, body, _ = ask(url, query)
        assert status == 403 and "--allow-service" in body
        # Also through GET, in lower case, and inside an update on a writable server.
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(
                url + "/query?" + urllib.parse.urlencode({"query": query.lower()}), timeout=30
            )
        assert refused.value.code == 403
        writable = launch(store_dir.parent / "other.db", "--allow-update")
        update = f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
        assert post_update(writable, update) == 403
        assert listener.requests == []
        allowed = launch(store_dir, "--allow-service")
        ask(allowed, query)  # the login page is no SPARQL answer: an error, but it was fetched
        assert listener.requests and "/sparql" in listener.requests[0]


def test_writes_are_refused_unless_allowed(store_dir: Path, launch) -> None:
    url = launch(store_dir)
    assert (
        post_update(url, 'INSERT DATA { GRAPH <http://ex/g> { <http://ex/b> <http://ex/p> "two" } }') == 403
    )
    form = urllib.request.Request(
        url + "/update", data=urllib.parse.urlencode({"update": "CLEAR ALL"}).encode(), method="POST"
    )
    put = urllib.request.Request(
        url + "/store?graph=" + urllib.parse.quote(GRAPH, safe=""),
        data=b'<http://ex/c> <http://ex/p> "three" .\n',
        headers={"Content-Type": "application/n-triples"},
        method="PUT",
    )
    for request in (form, put, urllib.request.Request(url + "/store?default", method="DELETE")):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=30)
        assert refused.value.code == 403 and b"--allow-update" in refused.value.read()
    remote = RemoteStore.from_settings(url)
    assert as_int(remote.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0]["n"]) == 1
