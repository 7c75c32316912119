"""`ofsted-kg delete COPY...`: remove copies of reports from the store, explicitly."""

from __future__ import annotations

import argparse
import sys

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import InputRejected
from ofsted_kg.ingest import delete
from ofsted_kg.loaders.errors import one_line, shown


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
        print(f"ofsted-kg: {shown(target)}: {one_line(reason)}", file=sys.stderr)
    parts = [f"deleted {len(summary.pruned)}", f"failed {len(summary.failed)}"]
    if summary.warnings:
        parts.append(f"{len(summary.warnings)} warning(s)")
    line = ", ".join(parts)
    if summary.failed:
        raise InputRejected(line)
    if not args.quiet:
        print(f"ofsted-kg: {line}", file=sys.stderr)
    return 0
