"""`sync()`: fetch what is new, then ingest the cache folder (ingest skips files it already has)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..backend import Backend
from ..ingest import IngestSummary, ingest
from .run import FetchResult, fetch
from .settings import DEFAULT_CACHE


@dataclass
class SyncResult:
    fetch: FetchResult
    ingest: IngestSummary | None  # None for a dry run: the store is not touched

    @property
    def ok(self) -> bool:
        return self.fetch.ok and (self.ingest is None or self.ingest.ok)


def sync(
    backend: Backend | None,
    cache_dir: str | os.PathLike[str] = DEFAULT_CACHE,
    *,
    jobs: int | None = None,
    progress: bool = False,
    dry_run: bool = False,
    **fetch_options: Any,
) -> SyncResult:
    """Fetch (see `fetch`; its keyword options pass through), then ingest the whole cache folder
    into `backend`. A dry run lists what fetch would download and needs no backend."""
    fetched = fetch(cache_dir, dry_run=dry_run, progress=progress, **fetch_options)
    if dry_run:
        return SyncResult(fetched, None)
    if backend is None:
        raise ValueError("sync needs a backend to ingest into (or dry_run=True)")
    root = Path(cache_dir)
    summary = ingest(backend, [root] if root.is_dir() else [], jobs=jobs, progress=progress)
    return SyncResult(fetched, summary)
