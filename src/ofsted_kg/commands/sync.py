"""`ofsted-kg sync`: fetch what Ofsted has published since the last run, then ingest it (the weekly job)."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.commands import add_jobs_option
from ofsted_kg.commands.fetch import (
    add_fetch_options,
    print_publications,
    raise_for_failures,
    report,
    settings_from,
)
from ofsted_kg.connect import open_backend
from ofsted_kg.errors import InputRejected
from ofsted_kg.fetch.sync import sync


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "sync",
        help="fetch new publications from Ofsted, then ingest them into the store",
        description="`ofsted-kg fetch` then `ofsted-kg ingest` of the cache folder, in one command: "
        "downloads what is not in the cache yet, then loads every file the store does not have yet "
        "(unchanged files are skipped by their hash). With --dry-run, lists what fetch would download "
        "and leaves the cache and the store alone.",
    )
    add_fetch_options(parser)
    add_jobs_option(parser, "ingest worker processes (default: all cores)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    options = dict(
        authorities=args.authority,
        since=args.since,
        types=args.types,
        settings=settings_from(args),
    )
    progress = not args.quiet
    if args.dry_run:
        result = sync(None, args.cache, dry_run=True, progress=progress, **options)
    else:
        with open_backend(args) as backend:
            result = sync(backend, args.cache, jobs=args.jobs, progress=progress, **options)
    print_publications(args.format, result.fetch)
    report(result.fetch, quiet=args.quiet)
    summary = result.ingest
    if summary is not None:
        for path, reason in summary.failed:
            print(f"ofsted-kg: {path}: {reason}", file=sys.stderr)
        if not args.quiet:
            print(
                f"ofsted-kg: ingest: loaded {len(summary.loaded)}, skipped {len(summary.skipped_unchanged)} "
                f"(unchanged), failed {len(summary.failed)}",
                file=sys.stderr,
            )
    raise_for_failures(result.fetch)
    if summary is not None and summary.failed:
        raise InputRejected(f"{len(summary.failed)} file(s) in the cache could not be loaded (listed above)")
    return 0
