"""Small files a user names (a query file, a fetch manifest), read with bounds.

`Path.read_text` reads whatever it is given to the end: a symlink to /dev/zero filled memory to a
MemoryError traceback, and a named pipe with no writer blocked the command for ever. Here a file
that is not a saved regular file, or is larger than anything of its kind could be, is refused
with a one-line reason before it is read. (Documents have their own check, with their own limits:
`loaders.document.check_saved_file`.)
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_SPECIAL = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


def special_file_kind(mode: int) -> str | None:
    """What a file of this st_mode is when it is no saved file that can be read to its end and
    read again ("a named pipe", "a character device"...), else None. Documents are checked the
    same way (`loaders.document.check_saved_file`)."""
    return next((what for test, what in _SPECIAL if test(mode)), None)


class UserFileRefused(ValueError):
    """Not a saved file, or too large for its kind; the message is the one-line reason."""


def read_user_file(path: str | os.PathLike[str], *, limit: int) -> bytes:
    """The bytes of `path`, a regular file of at most `limit` bytes; UserFileRefused otherwise
    (OSError as raised when it cannot be read at all)."""
    path = Path(path)
    info = path.stat()
    if what := special_file_kind(info.st_mode):
        raise UserFileRefused(f"not a saved file but {what}")
    if stat.S_ISDIR(info.st_mode):
        raise UserFileRefused("a folder, not a file")
    with path.open("rb") as handle:
        data = handle.read(limit + 1)  # a file that grew since the stat is still bounded
    if len(data) > limit or info.st_size > limit:
        raise UserFileRefused(f"larger than {limit // (1024 * 1024)} MB, far more than any file of its kind")
    return data
