"""`ofsted-kg delete COPY...`: remove copies of reports from the store, explicitly."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.connect import open_backend
from ofsted_kg.ingest import delete


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "delete",
        help="remove copies of reports from the store (by file, SHA-256 or report IRI)",
        description="Remove copies of reports from the store. Each COPY is a file (its content is looked "
        "up), a SHA-256 (or its first 16 hex digits) or a report IRI. When the copy an inspection's findings "
        "are read from goes and another copy remains, the findings are read again from the next copy whose "
        "file is under a --from path, in the same transaction; with none, the inspection waits for one of "
        "its copies to be ingested again (`ofsted-kg validate` names them).",
    )
    parser.add_argument("copies", nargs="+", metavar="COPY", help="file, SHA-256 or report IRI")
    parser.add_argument(
        "--from",
        dest="successors",
        action="append",
        default=[],
        metavar="PATH",
        help="files or folders holding the remaining copies of the inspections affected (repeatable)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    with open_backend(args) as backend:
        summary = delete(backend, args.copies, successors=args.successors)
    for target, reason in summary.failed:
        print(f"ofsted-kg: {target}: {reason}", file=sys.stderr)
    if not args.quiet:
        parts = [f"deleted {len(summary.pruned)}", f"failed {len(summary.failed)}"]
        if summary.warnings:
            parts.append(f"{len(summary.warnings)} warning(s)")
        print("ofsted-kg: " + ", ".join(parts), file=sys.stderr)
    return 1 if summary.failed else 0
