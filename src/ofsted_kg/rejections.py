"""What `ingest` rejected before: so a re-run says "rejected before and unchanged" instead of
reporting the same bad file as a new failure every time.

The record is a small JSON file inside the embedded store's folder (`rejected-files.json`),
next to RocksDB's own files, which RocksDB leaves alone; it is never a graph, so the store's
data stays exactly the documents. It maps the SHA-256 of a rejected file's content to its
path and reason: a file is "rejected before and unchanged" when its content hash is recorded
with the same reason, wherever it lies now. A file that has changed (or fails for another
reason) is reported as a new failure. A remote
endpoint has no folder of ours: there every failure is reported as it happens.

Written whole to a temporary file and renamed over the old one, so an interrupted run leaves
the previous record or the new one, never half of either.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .ingest import file_sha256
from .loaders.document import MAX_PDF_BYTES

RECORD_NAME = "rejected-files.json"
# Failures that say nothing about the file itself are never recorded.
_NOT_THE_FILES_FAULT = ("the store refused it",)


@dataclass(frozen=True)
class Rejections:
    new: list[tuple[str, str]]  # (path, reason): failures to report
    known: list[tuple[str, str]]  # (path, reason): rejected before, content unchanged


class RejectionRecord:
    def __init__(self, folder: str | os.PathLike[str]) -> None:
        self.path = Path(folder) / RECORD_NAME

    def _read(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}  # no record yet (or an unreadable one): every failure is new
        return data if isinstance(data, dict) else {}

    def sort(self, failed: Iterable[tuple[str, str]]) -> tuple[Rejections, dict[str, tuple[str, str]]]:
        """Failures split into new and known, and the content hash of each recordable one."""
        recorded = self._read()
        new: list[tuple[str, str]] = []
        known: list[tuple[str, str]] = []
        hashes: dict[str, tuple[str, str]] = {}
        for path, reason in failed:
            sha = _content_hash(path) if not reason.startswith(_NOT_THE_FILES_FAULT) else None
            if sha is None:
                new.append((path, reason))
                continue
            hashes[sha] = (path, reason)
            same = recorded.get(sha, {}).get("reason") == reason  # a new reason is news
            (known if same else new).append((path, reason))
        return Rejections(new, known), hashes

    def update(self, hashes: dict[str, tuple[str, str]]) -> None:
        """Add these rejections to the record (earlier ones stay: a folder may be ingested in parts)."""
        if not hashes:
            return
        recorded = self._read()
        recorded.update({sha: {"path": path, "reason": reason} for sha, (path, reason) in hashes.items()})
        temporary = self.path.with_name(self.path.name + ".tmp")
        try:
            temporary.write_text(json.dumps(recorded, indent=1, sort_keys=True), encoding="utf-8")
            os.replace(temporary, self.path)
        except OSError:
            pass  # the record only shortens messages: failing to write it loses nothing else


def _content_hash(path: str) -> str | None:
    try:
        candidate = Path(path)
        if not candidate.is_file() or candidate.stat().st_size > MAX_PDF_BYTES:
            return None  # nothing that size is ever loaded: not worth reading to remember it
        return file_sha256(candidate)
    except OSError:
        return None
