"""The cache folder: the public archive's layout, and files that are whole or absent.

Layout (the one the sector's scrape tools keep their archive of Ofsted's reports in):
`<URN>_<authority name, lower case>/<publication type, lower case> - <dd month yyyy>.pdf`, e.g.
`80537_peterborough/children's services focused visit - 02 august 2021.pdf`. When two
publications of one authority have the same type and date, the one fetched later (of two fetched
together, the one with the higher file id) gets its Ofsted file id in its name:
`... - 02 august 2021 (50165423).pdf`; nothing is overwritten. A file already at a plain name
that the manifest does not list (an archive checkout used as the cache) is replaced by the download.

A download is written to a hidden `.NAME.part` beside its final name, flushed to disk, checked,
then renamed: a killed fetch leaves at most a `.part` file, which the next run deletes.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..errors import UsageError
from ..loaders.authorities import AuthorityInfo

PART_SUFFIX = ".part"
LOCK_NAME = ".fetch.lock"
_MAX_NAME = 180  # bytes-ish headroom under the 255 most file systems allow
# The archive's folder names for authorities whose reference name differs from how Ofsted writes
# it (the archive takes them from Ofsted's listing; shared corpus SOURCES.tsv shows each).
_ARCHIVE_NAMES = {
    "2532287": "bournemouth, christchurch & poole",
    "80450": "london corporation",
    "80570": "telford & wrekin",
}
# The scrape tools' clean_provider_name: words dropped from a provider's name.
_DROPPED_WORDS = {"city", "metropolitan", "borough", "council", "county", "district", "the"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def archive_name(info: AuthorityInfo) -> str:
    """The authority's folder name in the archive: lower case, council words dropped."""
    if info.urn in _ARCHIVE_NAMES:
        return _ARCHIVE_NAMES[info.urn]
    name = info.name
    if name.lower().endswith(", city of"):  # "Kingston Upon Hull, City of" -> "Kingston Upon Hull"
        name = name[: -len(", city of")]
    words = [w for w in name.lower().split() if w not in _DROPPED_WORDS]
    return _safe(" ".join(words)) or info.urn


def folder_name(info: AuthorityInfo) -> str:
    return f"{info.urn}_{archive_name(info)}"


def file_name(label: str, published: dt.date, file_id: str | None = None) -> str:
    """`<label lower case> - <dd month yyyy>.pdf`, with ` (<file id>)` when the plain name is taken."""
    stem = _safe(label.lower())[:_MAX_NAME] or "publication"
    day = published.strftime("%d %B %Y").lower()
    suffix = f" ({_safe(file_id)})" if file_id else ""
    return f"{stem} - {day}{suffix}.pdf"


def existing_folders(cache: Path) -> dict[str, str]:
    """URN -> folder name of the authority folders already in the cache (an archive checkout's
    folders are reused as they are named)."""
    found: dict[str, str] = {}
    if cache.is_dir():
        for entry in sorted(cache.iterdir()):
            urn, sep, _ = entry.name.partition("_")
            if sep and urn.isalnum() and entry.is_dir():
                found.setdefault(urn, entry.name)
    return found


def part_path(final: Path) -> Path:
    return final.with_name(f".{final.name}{PART_SUFFIX}")


def remove_stale_parts(cache: Path) -> list[Path]:
    """Delete the `.part` files an interrupted run left; returns them."""
    removed = []
    if cache.is_dir():
        for path in cache.glob(f"*/.*.pdf{PART_SUFFIX}"):
            path.unlink(missing_ok=True)
            removed.append(path)
    return removed


def fsync_dir(path: Path) -> None:
    """Make a rename in `path` durable (a no-op where directories cannot be opened, e.g. Windows)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def replace_atomically(tmp: Path, final: Path) -> None:
    os.replace(tmp, final)
    fsync_dir(final.parent)


@contextmanager
def locked(cache: Path) -> Iterator[None]:
    """Hold the cache's lock for a fetch: two fetches into one folder would race for its manifest."""
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{cache}: cannot be the cache folder ({exc.strerror or exc})") from None
    try:
        import fcntl
    except ImportError:  # not POSIX: no advisory locks; one fetch at a time is then up to the user
        yield
        return
    with (cache / LOCK_NAME).open("a") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise UsageError(f"{cache}: another ofsted-kg fetch is using this cache folder") from None
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def looks_like_pdf(path: Path) -> str | None:
    """None if the file is a whole PDF (header, and %%EOF near the end), else why not. (A body
    cut short of its Content-Length is already an error of the HTTP client, and retried.)"""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(1024)
        handle.seek(max(0, size - 2048))
        tail = handle.read()
    if not head.lstrip(b"\xef\xbb\xbf\r\n\t ").startswith(b"%PDF-"):
        start = " ".join(head[:40].decode("latin-1").split())
        return f"not a PDF (it starts {start!r})" if head else "empty"
    if b"%%EOF" not in tail:
        return "a truncated PDF (no %%EOF at its end)"
    return None


def _safe(text: str) -> str:
    """A file-name-safe form: no path separators or control characters, single spaces, no leading dot."""
    text = _UNSAFE.sub("-", text)
    return " ".join(text.split()).lstrip(".").strip()
