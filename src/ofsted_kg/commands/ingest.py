"""`ofsted-kg ingest PATH...`: load letters and reports into the store, incrementally, in parallel."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.backend import StoreError
from ofsted_kg.connect import open_backend
from ofsted_kg.ingest import ingest
from ofsted_kg.loaders.errors import one_line, shown


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="load letters and reports (files or folders) into the store",
        description="Load PDF or plain-text Ofsted letters and reports into the store. Documents already "
        "in the store (same content hash) are skipped; a changed file replaces its older version. Last, "
        "the summaries of authorities whose reports changed are recounted; with no PATH, that is all it "
        "does (it repairs summaries an interrupted run left out of date).",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (*.pdf, *.txt)")
    parser.add_argument(
        "--jobs", "-j", type=_positive, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove documents no longer present under the given paths (the store then mirrors them)",
    )
    parser.add_argument("--force", action="store_true", help="re-load documents even when unchanged")
    parser.set_defaults(func=run)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def run(args: argparse.Namespace) -> int:
    if args.prune and not args.paths:
        # Pruning against no folders would empty the store: refuse rather than guess.
        print("ofsted-kg ingest: --prune needs the PATHs the store should mirror", file=sys.stderr)
        return 2
    try:
        with open_backend(args) as backend:
            summary = ingest(
                backend,
                args.paths,
                jobs=args.jobs,
                progress=not args.quiet,
                prune=args.prune,
                force=args.force,
            )
    except StoreError as exc:
        print(f"ofsted-kg: {exc}", file=sys.stderr)
        return 3
    for path, reason in summary.failed:
        print(f"ofsted-kg: {shown(path)}: {one_line(reason)}", file=sys.stderr)
    if not args.quiet:
        parts = [
            f"loaded {len(summary.loaded)}",
            f"skipped {len(summary.skipped_unchanged)} (unchanged)",
            f"failed {len(summary.failed)}",
        ]
        if summary.replaced:
            parts.append(f"replaced {len(summary.replaced)} older version(s)")
        if args.prune:
            parts.append(f"pruned {len(summary.pruned)}")
        if summary.summarised:
            parts.append(f"recounted {len(summary.summarised)} authority summaries")
        print("ofsted-kg: " + ", ".join(parts), file=sys.stderr)
    return 1 if summary.failed else 0
