"""Fetch Ofsted's children's services publications into a local cache, and keep it current.

    from ofsted_kg.fetch import fetch
    result = fetch("ofsted-kg-cache", authorities=["Peterborough"], since="2021-01-01")
    for row in result.downloaded: print(row.path, row.sha256)

See docs/fetch.md: the site's shape, the cache layout, the manifest and what was verified how.
The manifest's format is ofsted_kg.manifest's (the one module ingest reads it with); `rows_in(cache)`
gives the rows of a cache's manifest.
"""

from __future__ import annotations

from ..manifest import COLUMNS, MANIFEST_NAME, ManifestRow, rows_in
from .plan import Failure, Publication
from .run import FetchResult, fetch
from .settings import DEFAULT_CACHE, FetchSettings
from .site import DEFAULT_KINDS, KINDS, LayoutNotRecognised

__all__ = [
    "COLUMNS",
    "DEFAULT_CACHE",
    "DEFAULT_KINDS",
    "KINDS",
    "MANIFEST_NAME",
    "Failure",
    "FetchResult",
    "FetchSettings",
    "LayoutNotRecognised",
    "ManifestRow",
    "Publication",
    "fetch",
    "rows_in",
]
