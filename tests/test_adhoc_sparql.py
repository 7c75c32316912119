"""Ad-hoc SPARQL through `ofsted-kg query`: SERVICE clauses are off unless --allow-service (a local
listener proves nothing is fetched), a SERVICE that cannot be reached is one line and exit 3, and
updates are refused — as the README says."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from servers import fault_server, free_port

ROOT = Path(__file__).resolve().parent.parent
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
    del store
    return path


def query(store: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "--store", str(store), "query", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def one_line(done: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_service_is_off_unless_allowed(store_dir: Path) -> None:
    with fault_server("html") as listener:
        service = f"SELECT * WHERE {{ SERVICE <{listener.url}/sparql> {{ ?s ?p ?o }} }}"
        done = query(store_dir, "--sparql", service)
        assert done.returncode == 2 and "--allow-service" in one_line(done)
        assert listener.requests == []  # nothing was fetched
        # A query file, and the keyword in lower case, the same.
        rq = store_dir.parent / "federated.rq"
        rq.write_text(service.replace("SERVICE", "service"))
        assert query(store_dir, str(rq)).returncode == 2 and listener.requests == []
        # The word inside a string or an IRI is no SERVICE clause.
        plain = query(
            store_dir, "--sparql", 'SELECT * WHERE { ?s <http://ex/SERVICE> ?o FILTER(?o != "SERVICE") }'
        )
        assert plain.returncode == 0, plain.stderr
        allowed = query(store_dir, "--allow-service", "--sparql", service)
        assert listener.requests and "/sparql" in listener.requests[0]
        assert allowed.returncode == 3 and "Traceback" not in allowed.stderr


def test_a_service_at_a_closed_port_is_one_line_exit_3(store_dir: Path) -> None:
    closed = f"http://127.0.0.1:{free_port()}/sparql"
    done = query(
        store_dir, "--allow-service", "--sparql", f"SELECT * WHERE {{ SERVICE <{closed}> {{ ?s ?p ?o }} }}"
    )
    assert done.returncode == 3
    assert "refused" in one_line(done).lower()


@pytest.mark.parametrize(
    "update",
    [
        'INSERT DATA { GRAPH <http://ex/g> { <http://ex/b> <http://ex/p> "two" } }',
        "PREFIX ex: <http://ex/>\nDELETE WHERE { ?s ?p ?o }",
        f"WITH <{GRAPH}> DELETE {{ ?s ?p ?o }} WHERE {{ ?s ?p ?o }}",
        "# a comment first\nCLEAR ALL",
        "DROP ALL",
        "LOAD <http://127.0.0.1:1/data.ttl>",
    ],
)
def test_updates_are_refused(store_dir: Path, update: str) -> None:
    done = query(store_dir, "--sparql", update)
    assert done.returncode == 2 and "refused" in one_line(done)
    store = ox.Store.read_only(str(store_dir))
    assert len(store) == 1


def test_the_readme_says_so() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "--allow-update" in readme and "--allow-service" in readme
    assert "updates are refused" in readme.lower()
