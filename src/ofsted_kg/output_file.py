"""Files a command writes (`--output`, `export -o`, `visualise -o`): whole or not at all.

A command's output is written to a temporary file beside the target and renamed over it only
when the command has finished writing, so a query that fails half-way (an endpoint timing out,
a bad parameter found late, Ctrl-C) leaves the previous file as it was rather than a truncated
CSV or workbook that looks complete. A target that cannot be written (no such folder, a folder,
no permission) is a usage error (exit 2) naming the path and the reason, never a traceback.

Targets that are not regular files (`/dev/stdout`, a named pipe) are written in place: there is
nothing to replace, and renaming over a device would be wrong.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Literal

from .errors import NO_ROOM_ERRNOS, UsageError


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _is_special(path: Path) -> bool:
    try:
        return not stat.S_ISREG(path.stat().st_mode)
    except FileNotFoundError:
        return False
    except OSError as exc:
        raise UsageError(f"{path}: cannot write here ({_reason(exc)})") from exc


@contextmanager
def _named(path: Path) -> Iterator[None]:
    """A full disk met while writing is reported against the file the user named (the write
    error itself names no file, or names the temporary)."""
    try:
        yield
    except OSError as exc:
        if exc.errno in NO_ROOM_ERRNOS:
            raise OSError(exc.errno, exc.strerror, str(path)) from exc
        raise


def _default_mode() -> int:
    # mkstemp creates the file 0600; the finished file gets the mode a plain open() would give it.
    # The umask is read from /proc where it can be: setting it to read it back would change it,
    # for a moment, for every thread of a program using the API.
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return 0o666 & ~int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    umask = os.umask(0o022)
    os.umask(umask)
    return 0o666 & ~umask


@contextmanager
def output_file(path: str | os.PathLike[str], mode: Literal["w", "wb"]) -> Iterator[IO[Any]]:
    """Open `path` for writing ("w": UTF-8 text, no newline translation; "wb": bytes); the file
    appears, or replaces the old one, only if the `with` body finishes without an exception."""
    given = Path(path)
    encoding: dict[str, Any] = {"encoding": "utf-8", "newline": ""} if mode == "w" else {}
    if given.is_dir():
        raise UsageError(f"{given}: is a folder; give a file name")
    if _is_special(given):
        try:
            special = open(given, mode, **encoding)  # noqa: SIM115 - closed below
        except OSError as exc:
            raise UsageError(f"{given}: cannot write here ({_reason(exc)})") from exc
        with _named(given), special:
            yield special
        return
    # Through a symlink to a file, the file it points to is the one replaced.
    target = Path(os.path.realpath(given))
    if not target.parent.is_dir():
        raise UsageError(f"{given}: folder {given.parent} does not exist")
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    except OSError as exc:
        raise UsageError(f"{given}: cannot write here ({_reason(exc)})") from exc
    try:
        try:
            old_mode = stat.S_IMODE(target.stat().st_mode)
        except OSError:
            old_mode = _default_mode()
        os.chmod(temporary, old_mode)
        with _named(given), open(handle, mode, **encoding) as out:
            yield out
        try:
            os.replace(temporary, target)
        except OSError as exc:
            raise UsageError(f"{given}: cannot write here ({_reason(exc)})") from exc
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
