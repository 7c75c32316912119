"""CLI subcommands: one module each, with `register(subparsers)`; found by `ofsted_kg.cli`.

A module registers its parser with `parser.set_defaults(func=run)` where `run(args) -> int`
returns the exit code. Keep the work in library functions; a command only parses, calls, prints.
"""

from __future__ import annotations

import argparse

from ofsted_kg.option_types import positive_int


def add_jobs_option(parser: argparse.ArgumentParser, help: str) -> None:
    """-j/--jobs N (at least 1; default None: all cores), the same for every command that forks."""
    parser.add_argument("--jobs", "-j", type=positive_int, default=None, metavar="N", help=help)
