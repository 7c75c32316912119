"""Fetch Ofsted's children's services publications into a local cache, and keep it current.

    from ofsted_kg.fetch import fetch
    result = fetch("ofsted-kg-cache", authorities=["Peterborough"], since="2021-01-01")
    for row in result.downloaded: print(row.path, row.sha256)

See docs/fetch.md: the site's shape, the cache layout, the manifest and what was verified how.
"""

from __future__ import annotations

from .manifest import COLUMNS, MANIFEST_NAME, ManifestRow, read_manifest
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
    "read_manifest",
]
