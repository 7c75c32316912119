"""`manifest.tsv` at the cache root: one row per downloaded file, the record ingest reads provenance from.

Contract (ingest relies on it; change it only with ingest): UTF-8, tab-separated, no quoting, a
header row, columns exactly

    urn  gss_code  publication_type  published  url  path  sha256  fetched_at

urn = Ofsted URN of the authority; gss_code = its ONS GSS code; publication_type = the type as
Ofsted labels it ("Children's services focused visit"); published = ISO date; url = the file's
https URL on files.ofsted.gov.uk; path = relative to the cache root, forward slashes; sha256 = of
the file; fetched_at = ISO 8601 UTC ("2025-01-31T09:15:02Z"). Values never hold tabs or newlines.
Rewritten whole, atomically (temporary file, fsync, rename), after every download.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ..errors import InputRejected
from .cache import write_atomically

MANIFEST_NAME = "manifest.tsv"
COLUMNS = ("urn", "gss_code", "publication_type", "published", "url", "path", "sha256", "fetched_at")


@dataclass(frozen=True)
class ManifestRow:
    urn: str
    gss_code: str
    publication_type: str
    published: dt.date
    url: str
    path: str  # relative to the cache root, forward slashes
    sha256: str
    fetched_at: dt.datetime  # UTC

    def cells(self) -> tuple[str, ...]:
        at = self.fetched_at.astimezone(dt.timezone.utc).replace(microsecond=0, tzinfo=None)
        values = (
            self.urn,
            self.gss_code,
            self.publication_type,
            self.published.isoformat(),
            self.url,
            self.path,
            self.sha256,
            at.isoformat() + "Z",
        )
        return tuple(" ".join(v.split()) for v in values)


def manifest_path(cache: Path) -> Path:
    return cache / MANIFEST_NAME


def read_manifest(cache: Path) -> list[ManifestRow]:
    """The rows of the cache's manifest (none if there is no manifest yet)."""
    path = manifest_path(cache)
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    if not lines or tuple(lines[0].split("\t")) != COLUMNS:
        raise InputRejected(f"{path}: not a fetch manifest (its header is not {' '.join(COLUMNS)})")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        try:
            if len(cells) != len(COLUMNS):
                raise ValueError(f"{len(cells)} columns, expected {len(COLUMNS)}")
            urn, gss, kind, published, url, rel, sha, fetched = cells
            rows.append(
                ManifestRow(
                    urn=urn,
                    gss_code=gss,
                    publication_type=kind,
                    published=dt.date.fromisoformat(published),
                    url=url,
                    path=rel,
                    sha256=sha,
                    fetched_at=_parse_utc(fetched),
                )
            )
        except ValueError as exc:
            raise InputRejected(f"{path}: line {number}: {exc}") from None
    return rows


def write_manifest(cache: Path, rows: list[ManifestRow]) -> None:
    """Write every row, sorted by path, atomically."""
    lines = ["\t".join(COLUMNS)]
    lines += ["\t".join(row.cells()) for row in sorted(rows, key=lambda r: r.path)]
    write_atomically(manifest_path(cache), ("\n".join(lines) + "\n").encode("utf-8"))


def _parse_utc(text: str) -> dt.datetime:
    value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)
