"""Who may open the embedded store at once: any number of readers, or one writer.

RocksDB's own LOCK file admits one process, readers included, and Oxigraph documents a
read-only open beside a writing process as undefined behaviour. So every ofsted-kg process
first takes an advisory `flock` on the store's folder -- shared to read, exclusive to write --
and only then opens RocksDB (read-only for readers, which needs no write access at all, so a
store on a read-only filesystem or in a folder the user cannot write is still readable).

`flock` works on a read-only filesystem too (it needs only an open descriptor), and its holders
are listed in /proc/locks, so a process that has to wait can say who it waits for. It waits for
another ofsted-kg command (which finishes); a server or any other program holds the store for
as long as it runs, so against one of those it stops at once, naming it (StoreError, exit 3).
`ofsted-kg serve` takes the lock and holds it while it serves (it stays alive as the gateway in
front of Oxigraph's server, its child): while a server reads a folder, `ingest` into that folder
refuses rather than write what the server would never see.
"""

from __future__ import annotations

import fcntl
import logging
import os
import struct
from dataclasses import dataclass
from pathlib import Path

from .errors import StoreError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str  # its command line, shortened ("" when it cannot be read)
    exclusive: bool

    @property
    def is_ofsted_kg_command(self) -> bool:
        words = self.command.split()
        return any("ofsted-kg" in w or "ofsted_kg" in w for w in words[:3]) and not self.is_server

    @property
    def is_server(self) -> bool:
        """Oxigraph's server, or `ofsted-kg serve` (which runs until stopped: never wait for it)."""
        words = self.command.split()
        if "oxigraph" in self.command and " serve" in self.command:
            return True
        return any("ofsted-kg" in w or "ofsted_kg" in w for w in words[:3]) and "serve" in words[1:]

    def describe(self) -> str:
        what = self.command or "another process"
        return f"pid {self.pid} ({what})"


# The descriptors of the locks this process holds. A forked child (ingest's worker processes)
# inherits them, and a flock lasts until every copy is closed: after `kill -9` of ingest its
# workers, still finishing a document, would hold the store for a while and the re-run would be
# refused. So a forked child closes its copies at once (the parent keeps the lock).
_HELD: set[int] = set()


def _drop_inherited_locks() -> None:
    for fd in list(_HELD):
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()


os.register_at_fork(after_in_child=_drop_inherited_locks)


class StoreLock:
    """An advisory lock on a store folder, held until `release` (or the process ends)."""

    def __init__(self, folder: Path, fd: int, exclusive: bool) -> None:
        self.folder = folder
        self.fd = fd
        self.exclusive = exclusive
        _HELD.add(fd)

    @classmethod
    def acquire(cls, folder: str | os.PathLike[str], *, exclusive: bool, wait: bool = True) -> StoreLock:
        path = Path(folder)
        try:
            fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
        except OSError as exc:
            raise StoreError(f"{path}: cannot open the store ({exc.strerror or exc})") from exc
        mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
        try:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
            except BlockingIOError:
                holders = lock_holders(path)
                blocking = [h for h in holders if h.pid != os.getpid()]
                if not wait or any(not h.is_ofsted_kg_command for h in blocking) or not blocking:
                    raise StoreError(_busy_message(path, blocking, exclusive)) from None
                log.warning(
                    "%s: waiting for %s to finish with the store",
                    path,
                    ", ".join(h.describe() for h in blocking),
                )
                fcntl.flock(fd, mode)  # Ctrl-C interrupts the wait (exit 130)
        except BaseException:
            os.close(fd)
            raise
        return cls(path, fd, exclusive)

    def release(self) -> None:
        if self.fd >= 0:
            _HELD.discard(self.fd)
            os.close(self.fd)  # closing the last descriptor releases the flock
            self.fd = -1


def _busy_message(path: Path, holders: list[Holder], exclusive: bool) -> str:
    servers = [h for h in holders if h.is_server]
    if servers:
        server = servers[0]
        if exclusive:
            return (
                f"{path}: the store is being served by {server.describe()}; a write here would not be "
                "seen by the server: stop it first, or serve with --allow-update and write through "
                "--endpoint"
            )
        return (
            f"{path}: the store is served read-write by {server.describe()}; query it through "
            "--endpoint instead"
        )
    who = ", ".join(h.describe() for h in holders) or "another process"
    doing = "read or written" if exclusive else "written"
    return f"{path}: the store is in use: being {doing} by {who}"


def lock_holders(folder: Path) -> list[Holder]:
    """The processes holding a flock on `folder`, from /proc/locks (Linux); [] when unknown."""
    try:
        st = folder.stat()
        lines = Path("/proc/locks").read_text().splitlines()
    except OSError:
        return []
    device = f"{os.major(st.st_dev):02x}:{os.minor(st.st_dev):02x}:{st.st_ino}"
    holders: list[Holder] = []
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 1234 fe:00:5678 0 EOF"; blocked waiters carry "->" first.
        if len(fields) < 6 or fields[1] == "->" or fields[1] != "FLOCK" or fields[5] != device:
            continue
        pid = int(fields[4])
        holders.append(Holder(pid, command_line(pid), fields[3] == "WRITE"))
    return holders


# The interpreter's options that take the next word as their value (python --help).
_OPTIONS_WITH_A_VALUE = frozenset({"-X", "-W", "-Q"})


def command_line(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    words = [w for w in raw.decode("utf-8", "replace").split("\0") if w]
    if len(words) > 1 and Path(words[0]).name.startswith("python"):
        # `python -X importtime -m ofsted_kg ...` is an ofsted-kg command too: drop the
        # interpreter and its options so the command's own words come first.
        words = words[1:]
        while len(words) > 1 and words[0].startswith("-") and words[0] != "-c":
            option = words.pop(0)
            if option == "-m":
                break
            if option in _OPTIONS_WITH_A_VALUE:
                words = words[1:]
    text = " ".join(Path(words[0]).name.split() + words[1:]) if words else ""
    return text if len(text) <= 120 else text[:119] + "…"


def rocksdb_lock_holder(folder: Path) -> int | None:
    """The pid holding RocksDB's own LOCK file (a process that opened the store read-write
    without our flock, e.g. `oxigraph serve` run by hand); None when no one does."""
    try:
        fd = os.open(folder / "LOCK", os.O_RDONLY)
    except OSError:
        return None
    try:
        # struct flock on Linux: short l_type, short l_whence, off_t l_start, off_t l_len, pid_t l_pid.
        request = struct.pack("@hhqqi4x", fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
        answer = fcntl.fcntl(fd, fcntl.F_GETLK, request)
        kind, _whence, _start, _length, pid = struct.unpack("@hhqqi4x", answer)
    except OSError:
        return None
    finally:
        os.close(fd)
    return pid if kind != fcntl.F_UNLCK else None
