"""`ofsted-kg ingest PATH...`: load letters and reports into the store, incrementally, in parallel."""

from __future__ import annotations

import argparse
import logging
import sys

from ofsted_kg.commands import add_jobs_option
from ofsted_kg.connect import open_backend
from ofsted_kg.errors import InputRejected, UsageError
from ofsted_kg.ingest import ingest
from ofsted_kg.loaders.errors import one_line, shown
from ofsted_kg.rejections import RejectionRecord, Rejections

log = logging.getLogger(__name__)


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
    add_jobs_option(parser, "worker processes (default: all cores)")
    parser.add_argument(
        "--prune",
        action="store_true",
        help="remove copies whose file is not under the given paths (the store then mirrors them)",
    )
    parser.add_argument("--force", action="store_true", help="re-load documents even when unchanged")
    parser.set_defaults(func=run)


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
        folder = getattr(backend, "path", None)
    record = RejectionRecord(folder) if folder is not None else None
    if record is not None:
        rejections, hashes = record.sort(summary.failed)
        record.update(hashes)
    else:
        rejections = Rejections(new=list(summary.failed), known=[])
    for path, reason in rejections.new:
        print(f"ofsted-kg: {shown(path)}: {one_line(reason)}", file=sys.stderr)
    for path, reason in rejections.known:
        log.debug("%s: %s (rejected before, unchanged)", path, reason)
    loaded = f"loaded {len(summary.loaded)}"
    if summary.alternates:
        loaded += f" ({len(summary.alternates)} as further copies of an inspection's report)"
    parts = [
        loaded,
        f"skipped {len(summary.skipped_unchanged)} (unchanged)",
        f"failed {len(rejections.new)}",
    ]
    if rejections.known:
        count = len(rejections.known)
        parts.append(
            f"{count} file{'s' if count != 1 else ''} rejected before and unchanged (-vv lists them)"
        )
    if summary.duplicates:
        parts.append(f"{len(summary.duplicates)} same content as another file given")
    if args.prune:
        parts.append(f"pruned {len(summary.pruned)}")
    if summary.warnings:
        parts.append(f"{len(summary.warnings)} warning(s)")
    line = ", ".join(parts)
    if summary.failed:
        # Still exit 1: those files are still bad, even when they were bad before.
        raise InputRejected(line)
    if not args.quiet:
        print(f"ofsted-kg: {line}", file=sys.stderr)
    return 0
