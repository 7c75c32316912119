"""CLI subcommands: one module each, with `register(subparsers)`; found by `ofsted_kg.cli`.

A module registers its parser with `parser.set_defaults(func=run)` where `run(args) -> int`
returns the exit code. Keep the work in library functions; a command only parses, calls, prints.
"""

from __future__ import annotations

import argparse
import logging
import os

from ofsted_kg.option_types import positive_int

log = logging.getLogger("ofsted_kg")


def add_jobs_option(parser: argparse.ArgumentParser, help: str) -> None:
    """-j/--jobs N (at least 1; default None: all cores), the same for every command that forks."""
    parser.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N", help=help)


def worker_processes(jobs: int | None) -> int | None:
    """--jobs as a command uses it: at most twice this machine's cores (and at least 2), with a
    warning when lowered. The work is CPU-bound, so more workers are no faster, and each holds
    its own PDF library, theme lexicon and SHACL engine: `--jobs 1000` forked 1,000 processes at
    once (Python's process pool starts them all when it forks) for as few as two documents."""
    if jobs is None:
        return None
    cores = os.cpu_count() or 1
    most = max(2, 2 * cores)
    if jobs <= most:
        return jobs
    log.warning(
        "--jobs %d: using %d worker processes (twice this machine's %d cores; more would only use memory)",
        jobs,
        most,
        cores,
    )
    return most
