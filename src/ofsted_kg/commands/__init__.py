"""CLI subcommands: one module each, with `register(subparsers)`; found by `ofsted_kg.cli`.

A module registers its parser with `parser.set_defaults(func=run)` where `run(args) -> int`
returns the exit code. Keep the work in library functions; a command only parses, calls, prints.
"""

from __future__ import annotations

import argparse


def add_jobs_option(parser: argparse.ArgumentParser, help: str) -> None:
    """-j/--jobs N (at least 1; default None: all cores), the same for every command that forks."""
    parser.add_argument("--jobs", "-j", type=_positive, default=None, metavar="N", help=help)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value
