"""`ofsted-kg visualise -o FILE`: the related-findings page (offline HTML) or a png/svg picture."""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
from pathlib import Path

from ofsted_kg.connect import open_backend
from ofsted_kg.errors import UsageError
from ofsted_kg.resolver import resolve_authority
from ofsted_kg.visualise import view_from_store, write_html, write_picture

log = logging.getLogger(__name__)

FORMATS = ("html", "png", "svg")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "visualise",
        help="write the related-findings page (one offline HTML file) or a png/svg picture",
        description="Draw findings, inspections, authorities and themes with their related-finding, "
        "recurring-weakness and theme links. HTML is one self-contained file that works offline.",
    )
    parser.add_argument("-o", "--output", required=True, metavar="FILE", help="file to write")
    parser.add_argument(
        "--authority", metavar="NAME", help="only this authority's findings (and related ones)"
    )
    parser.add_argument("--theme", metavar="THEME", help="only findings on this theme (notation)")
    parser.add_argument("--since", metavar="YYYY-MM-DD", help="only findings from inspections on or after")
    parser.add_argument(
        "--format", choices=FORMATS, help="html (default), png or svg; default from the file extension"
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    out = Path(args.output)
    fmt = args.format or (
        out.suffix.lower().lstrip(".") if out.suffix.lower() in (".png", ".svg") else "html"
    )
    if args.since:
        try:
            dt.date.fromisoformat(args.since)
        except ValueError:
            raise UsageError(f"visualise: --since {args.since!r} is not a date (YYYY-MM-DD)") from None
    if not out.parent.exists():
        raise UsageError(f"visualise: {out}: folder {out.parent} does not exist")
    authority = resolve_authority(args.authority).name if args.authority else None
    with open_backend(args, read_only=True) as backend:
        view = view_from_store(backend, authority=authority, theme=args.theme, since=args.since)
    if not any(n["kind"] == "finding" for n in view.nodes):
        log.warning("visualise: no findings match (is the store loaded? check --authority/--theme)")
    try:
        if fmt == "html":
            write_html(view, out)
        else:
            write_picture(view, out, fmt)
    except OSError as exc:
        raise UsageError(f"visualise: {out}: {exc.strerror or exc}") from exc
    counts = view.counts()
    if not args.quiet:
        print(
            f"wrote {out}: {counts.get('finding', 0)} findings, {counts.get('inspection', 0)} reports, "
            f"{counts.get('authority', 0)} authorities, {counts.get('edge:related', 0)} related links",
            file=sys.stderr,
        )
    return 0
