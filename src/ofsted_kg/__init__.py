"""ofsted-kg: Ofsted children's services inspection letters and reports as an evidenced RDF knowledge graph."""

from __future__ import annotations

from functools import cache


@cache
def _version() -> str:
    # Looked up on first use, not at import: importlib.metadata costs about 0.1 s of every
    # command's start-up, and only --version, the provenance of an ingest and fetch's
    # User-Agent print it.
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("ofsted-kg")
    except PackageNotFoundError:  # running from a source tree that was never installed
        return "0.0.0+source"


def __getattr__(name: str) -> str:
    if name == "__version__":
        return _version()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
