"""Shared test fixtures. Module-specific fixtures live in their own test modules."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
CORPUS = Path(__file__).resolve().parent / "corpus"
GOLD = Path(__file__).resolve().parent / "gold"


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return EXAMPLES


def example(name: str) -> Path:
    path = EXAMPLES / name
    assert path.exists(), path
    return path


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory: pytest.TempPathFactory):
    """One Virtuoso (Debian's virtuoso-opensource-7) for the whole test run, on loopback, with its
    own ini and database in a temporary folder; stopped by its process id at the end."""
    from servers import virtuoso_binary, virtuoso_server, virtuoso_unavailable

    if virtuoso_binary() is None:
        pytest.skip(virtuoso_unavailable())
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


@pytest.fixture(scope="session")
def corpus_embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The test letters in an embedded store (closed: each user opens it)."""
    from backend_corpus import load

    from ofsted_kg.store import EmbeddedStore

    path = tmp_path_factory.mktemp("corpus-embedded") / "kg.db"
    store = EmbeddedStore(path)
    try:
        load(store)
    finally:
        store.close()
    return path


@pytest.fixture(scope="session")
def corpus_oxigraph(tmp_path_factory: pytest.TempPathFactory):
    """The test letters in a real Oxigraph server (its own, for the whole run)."""
    from backend_corpus import load
    from servers import oxigraph_server

    from ofsted_kg.remote import RemoteStore

    with oxigraph_server(tmp_path_factory.mktemp("corpus-oxigraph") / "db") as server:
        load(RemoteStore.from_settings(server.url, "oxigraph"))
        yield server.url


@pytest.fixture(scope="session")
def corpus_virtuoso(virtuoso):
    """The test letters in the run's Virtuoso (loaded once, through the virtuoso profile)."""
    from backend_corpus import load

    from ofsted_kg.remote import RemoteStore

    load(RemoteStore.from_settings(virtuoso.url, "virtuoso"))
    return virtuoso.url
