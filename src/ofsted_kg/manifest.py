"""The fetch manifest: what `ofsted-kg fetch` knows of every file it downloaded.

A file named `manifest.tsv` at the root of the fetch cache folder (default `./ofsted-kg-cache/`),
UTF-8, tab-separated, one header row, then one row per file, with exactly these columns:

    urn  gss_code  publication_type  published  url  path  sha256  fetched_at

- `urn`: the Ofsted URN of the provider (local authority) the publication is listed under;
- `gss_code`: that authority's ONS GSS code (may be empty when unknown);
- `publication_type`: the type as Ofsted's site labels it (e.g. "Children's services focused visit");
- `published`: the publication date Ofsted lists, ISO (YYYY-MM-DD);
- `url`: the file's https URL (e.g. https://files.ofsted.gov.uk/v1/file/50167869);
- `path`: the file, relative to the folder holding manifest.tsv, with forward slashes;
- `sha256`: the file's SHA-256, lower-case hexadecimal;
- `fetched_at`: when it was downloaded, ISO 8601 UTC (e.g. 2026-12-07T01:16:50Z).

No quoting: values never hold tabs or line breaks (whitespace inside a value is collapsed when it
is written). The cache itself is laid out like the public archive
(`<URN>_<authority>/<type> - <d month yyyy>.pdf`, ofsted_kg.provenance).

This module is the one definition of the format: `ofsted-kg fetch` writes it (`rows_in`, then
`write_manifest` after every download) and ingest's provenance reads it (`read_manifest`). For a
reader a malformed row is skipped with one warning naming the file, the line and the reason, never
a traceback; for the writer (`rows_in`, strict) it is an error, since rewriting the manifest would
drop the row. `write_manifest` writes a whole manifest atomically (temporary file, fsync, rename),
so a killed writer never leaves half a manifest behind.
"""

from __future__ import annotations

import csv
import datetime
import io
import logging
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from .errors import InputRejected
from .user_files import UserFileRefused, read_user_file

log = logging.getLogger(__name__)

MANIFEST_NAME = "manifest.tsv"
# Every report Ofsted has published for local authorities is a few thousand rows of ~300 bytes.
MAX_MANIFEST_BYTES = 64 * 1024 * 1024
COLUMNS: tuple[str, ...] = (
    "urn",
    "gss_code",
    "publication_type",
    "published",
    "url",
    "path",
    "sha256",
    "fetched_at",
)
_SHA256 = re.compile(r"[0-9a-f]{64}")
_URN = re.compile(r"[0-9]+")


class ManifestError(InputRejected, ValueError):
    """A manifest that cannot be used (unreadable, not this format, or, read strictly, a bad row)."""


@dataclass(frozen=True)
class ManifestRow:
    urn: str
    gss_code: str | None
    publication_type: str
    published: datetime.date | None
    url: str
    path: str  # relative to the manifest's folder, forward slashes
    sha256: str | None
    fetched_at: datetime.datetime | None

    def fields(self) -> tuple[str, ...]:
        """The row as the manifest's columns, in order; runs of whitespace in a label are one space
        (a type as a web page prints it may hold a line break). The path is kept exactly: it names
        a file."""
        return (
            _one_line(self.urn),
            _one_line(self.gss_code or ""),
            _one_line(self.publication_type),
            self.published.isoformat() if self.published else "",
            _one_line(self.url),
            self.path,
            self.sha256 or "",
            _utc(self.fetched_at) if self.fetched_at else "",
        )


@dataclass(frozen=True)
class Manifest:
    """The rows of one manifest.tsv, found by a file's hash or its path below the manifest."""

    folder: Path  # the folder holding manifest.tsv: row paths are relative to it
    rows: tuple[ManifestRow, ...]

    def by_sha256(self, sha256: str) -> ManifestRow | None:
        return next((row for row in self.rows if row.sha256 == sha256), None)

    def by_path(self, relative: str) -> ManifestRow | None:
        wanted = PurePosixPath(relative)
        return next((row for row in self.rows if PurePosixPath(row.path) == wanted), None)

    def row_for(self, file: Path, sha256: str) -> ManifestRow | None:
        """The row of this file: the one with its hash, else the one with its path and no hash.

        A row naming the file's path with another hash describes other bytes (the file changed
        since it was fetched): it is not used, with a warning, since its URL and date may not be
        this file's.
        """
        row = self.by_sha256(sha256)
        if row is not None:
            return row
        try:
            relative = file.resolve().relative_to(self.folder.resolve()).as_posix()
        except ValueError:
            return None
        row = self.by_path(relative)
        if row is None:
            return None
        if row.sha256 and row.sha256 != sha256:
            log.warning(
                "%s: %s lists %s with SHA-256 %s…, but the file's is %s…: the manifest row is not used",
                file,
                self.folder / MANIFEST_NAME,
                row.path,
                row.sha256[:12],
                sha256[:12],
            )
            return None
        return row


def manifest_path(folder: Path) -> Path:
    """Where the manifest of a cache folder is."""
    return folder / MANIFEST_NAME


def rows_in(folder: Path) -> list[ManifestRow]:
    """The rows of `folder`'s manifest, for a writer that will rewrite it: none when there is no
    manifest yet; ManifestError (exit 1) on any row that cannot be read, which a rewrite would lose."""
    path = manifest_path(folder)
    if not path.exists():
        return []
    return list(read_manifest(path, strict=True).rows)


def read_manifest(path: Path, *, strict: bool = False) -> Manifest:
    """Read a manifest.tsv; ManifestError if it cannot be read or its header is not COLUMNS.

    A malformed row is skipped with a warning, or with `strict` is a ManifestError naming its line.
    """
    try:
        text = read_user_file(path, limit=MAX_MANIFEST_BYTES).decode("utf-8-sig")
    except (OSError, UnicodeDecodeError, UserFileRefused) as exc:
        raise ManifestError(f"{path}: cannot read the fetch manifest ({exc})") from exc
    reader = csv.reader(io.StringIO(text), delimiter="\t", quoting=csv.QUOTE_NONE)
    header = next(reader, None)
    if header is None or tuple(h.strip() for h in header) != COLUMNS:
        raise ManifestError(f"{path}: not a fetch manifest (the header must be: {' '.join(COLUMNS)})")
    rows: list[ManifestRow] = []
    for number, fields in enumerate(reader, start=2):
        if not any(f.strip() for f in fields):
            continue
        try:
            rows.append(_row(fields))
        except ValueError as exc:
            if strict:
                raise ManifestError(f"{path}, line {number}: {exc}") from None
            log.warning("%s, line %d: %s; the row is skipped", path, number, exc)
    return Manifest(path.parent, tuple(rows))


def write_manifest(folder: Path, rows: Iterable[ManifestRow]) -> Path:
    """Write `folder/manifest.tsv` with these rows (sorted by path), atomically."""
    target = manifest_path(folder)
    # Lines joined by hand, not csv.writer: with no quoting it refuses a '"' in a value.
    lines = ["\t".join(COLUMNS)]
    for row in sorted(rows, key=lambda r: r.path):
        fields = row.fields()
        if any(c in f for f in fields for c in "\t\n\r"):
            raise ValueError(f"a manifest field holds a tab or a line break: {fields}")
        lines.append("\t".join(fields))
    folder.mkdir(parents=True, exist_ok=True)
    # One fixed temporary name: a writer killed before the rename leaves it, and the next write
    # replaces it (fetch holds the cache's lock, so there is one writer at a time).
    temporary = folder / f".{MANIFEST_NAME}.tmp"
    try:
        with temporary.open("w", encoding="utf-8", newline="") as file:
            file.write("\n".join(lines) + "\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
        _fsync_folder(folder)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return target


def _row(fields: list[str]) -> ManifestRow:
    if len(fields) != len(COLUMNS):
        raise ValueError(f"{len(fields)} columns, not {len(COLUMNS)}")
    urn, gss, kind, published, url, path, sha, fetched = (f.strip() for f in fields)
    if not _URN.fullmatch(urn):
        raise ValueError(f"urn {urn!r} is not an Ofsted URN")
    if not url.startswith("https://") or any(c.isspace() for c in url):
        raise ValueError(f"url {url!r} is not an https URL")
    if not path or path.startswith("/") or "\\" in path or ".." in PurePosixPath(path).parts:
        raise ValueError(f"path {path!r} is not a relative path with forward slashes")
    if sha and not _SHA256.fullmatch(sha):
        raise ValueError(f"sha256 {sha!r} is not 64 lower-case hexadecimal digits")
    try:
        date = datetime.date.fromisoformat(published) if published else None
    except ValueError:
        raise ValueError(f"published {published!r} is not an ISO date") from None
    try:
        when = _parse_utc(fetched) if fetched else None
    except ValueError:
        raise ValueError(f"fetched_at {fetched!r} is not an ISO 8601 time") from None
    return ManifestRow(urn, gss or None, kind, date, url, path, sha or None, when)


def _parse_utc(text: str) -> datetime.datetime:
    value = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc)


def _utc(value: datetime.datetime) -> str:
    if value.tzinfo is None:
        value = value.replace(tzinfo=datetime.timezone.utc)
    return value.astimezone(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _one_line(value: str) -> str:
    return " ".join(value.split())


def _fsync_folder(folder: Path) -> None:
    """Make the rename itself durable (where the platform lets a folder be opened)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
