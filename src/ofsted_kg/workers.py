"""Worker processes, made the same way by everything that forks them (ingest's extraction,
validate's SHACL): how many a `jobs` setting means, and a pool whose workers leave Ctrl-C to
the main process."""

from __future__ import annotations

import logging
import os
import signal
from concurrent.futures import ProcessPoolExecutor

log = logging.getLogger(__name__)


def worker_count(jobs: int | None) -> int:
    """The workers `jobs` asks for (None: one per core), at most twice this machine's cores (and
    at least 2), with a warning when lowered. The work is CPU-bound, so more workers are no
    faster, and each holds its own PDF library, theme lexicon and SHACL engine: `--jobs 1000`
    forked 1,000 processes at once (Python's process pool starts them all when it forks) for as
    few as two documents."""
    cores = os.cpu_count() or 1
    if jobs is None:
        return cores
    most = max(2, 2 * cores)
    if jobs <= most:
        return max(1, jobs)
    log.warning(
        "--jobs %d: using %d worker processes (twice this machine's %d cores; more would only use memory)",
        jobs,
        most,
        cores,
    )
    return most


def pool(workers: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=workers, initializer=_ignore_sigint)


def _ignore_sigint() -> None:
    # Ctrl-C is the main process's to handle: it stops handing out work and the workers finish
    # their current unit quietly instead of each printing a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
