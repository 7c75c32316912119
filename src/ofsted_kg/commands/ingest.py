"""`ofsted-kg ingest PATH...`: load letters and reports into the store, incrementally, in parallel."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.ingest import ingest


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "ingest",
        help="load letters and reports (files or folders) into the store",
        description="Load PDF or plain-text Ofsted letters and reports into the store. One inspection per "
        "authority, inspection type and visit dates: further copies of its report (the PDF and its text, a "
        "re-issue) are kept as copies, its findings read from one of them. Files already in the store "
        "(same content) are skipped. Provenance comes with each file: its name, the archive layout "
        "<URN>_<authority>/<publication type> - <d month yyyy>.pdf, and a fetch manifest (manifest.tsv) "
        "in its folder or above. Nothing is removed except with --prune or `ofsted-kg delete`. Authority "
        "summaries change with the findings; with no PATH, ingest recounts any that differ from them.",
    )
    parser.add_argument("paths", nargs="*", metavar="PATH", help="files or folders (*.pdf, *.txt)")
    parser.add_argument(
        "--jobs", "-j", type=_positive, default=None, help="worker processes (default: all cores)"
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove copies whose file is not under the given paths (the store then mirrors them)",
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
        raise UsageError("ingest: --prune needs the PATHs the store should mirror")
    with open_backend(args) as backend:
        summary = ingest(
            backend,
            args.paths,
            jobs=args.jobs,
            progress=not args.quiet,
            prune=args.prune,
            force=args.force,
        )
    for path, reason in summary.failed:
        print(f"ofsted-kg: {path}: {reason}", file=sys.stderr)
    if not args.quiet:
        loaded = f"loaded {len(summary.loaded)}"
        if summary.alternates:
            loaded += f" ({len(summary.alternates)} as further copies of an inspection's report)"
        parts = [
            loaded,
            f"skipped {len(summary.skipped_unchanged)} (unchanged)",
            f"failed {len(summary.failed)}",
        ]
        if summary.duplicates:
            parts.append(f"{len(summary.duplicates)} same content as another file given")
        if args.prune:
            parts.append(f"pruned {len(summary.pruned)}")
        if summary.warnings:
            parts.append(f"{len(summary.warnings)} warning(s)")
        print("ofsted-kg: " + ", ".join(parts), file=sys.stderr)
    return 1 if summary.failed else 0
