"""`ofsted-kg visualise -o FILE`: the page an analyst opens (one offline HTML file), or the
national overview / an authority's story as a png or svg picture."""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from ofsted_kg.errors import UsageError

log = logging.getLogger(__name__)

SUFFIXES = {".html": "html", ".htm": "html", ".png": "png", ".svg": "svg"}


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "visualise",
        help="write the page (one offline HTML file: national overview, authority stories, themes, "
        "related findings) or a png/svg picture",
        description="One self-contained HTML file that works offline: the national overview (every "
        "authority by region, coloured by its latest ILACS grade), each authority's story (inspections "
        "on a timeline, findings by theme, recurring weaknesses), a theme across authorities and years, "
        "and the related findings of what is selected. With --authority, that authority's briefing "
        "alone. A .png or .svg file draws the national overview, or the authority's story.",
    )
    parser.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="file to write: .html (or .htm), .png or .svg"
    )
    parser.add_argument(
        "--authority",
        "-a",
        metavar="NAME",
        help="one authority's briefing: a name in any case or short form, GSS code, Ofsted URN or LA number",
    )
    parser.add_argument(
        "--theme",
        metavar="THEME",
        help="colour the national overview by this theme's share of each authority's concerns (notation, "
        "e.g. placement-sufficiency)",
    )
    parser.add_argument(
        "--since", metavar="YYYY-MM-DD", help="only inspections and visits that started on or after this date"
    )
    parser.set_defaults(func=run)


def output_format(out: Path) -> str:
    fmt = SUFFIXES.get(out.suffix.lower())
    if fmt is None:
        raise UsageError(
            f"visualise: {out}: unknown file type {out.suffix or '(no suffix)'!r}; write .html, .png or .svg"
        )
    return fmt


def run(args: argparse.Namespace) -> int:
    from ofsted_kg.answers.common import parse_date
    from ofsted_kg.connect import open_backend
    from ofsted_kg.output_file import output_file
    from ofsted_kg.page import page_data, write_html, write_picture
    from ofsted_kg.resolver import resolve_authority, resolve_notation

    out = Path(args.output)
    fmt = output_format(out)
    since = parse_date(args.since, "visualise: --since")
    if not out.parent.exists():
        raise UsageError(f"visualise: {out}: folder {out.parent} does not exist")
    if args.theme and args.authority:
        raise UsageError(
            "visualise: --theme colours the national overview; it does not apply with --authority"
        )
    gss = resolve_authority(args.authority).gss_code if args.authority else None
    # Named as the findings command takes it ("placement sufficiency"); the page keys by notation.
    theme = resolve_notation("theme", args.theme, option="visualise: --theme") if args.theme else None
    with open_backend(args, read_only=True) as backend:
        with _progress(enabled=not args.quiet) as progress:
            data = page_data(backend, authority=gss, since=since, progress=progress)
    if not data.findings:
        log.warning(
            "visualise: no findings in the store%s (is it loaded?)", f" for {args.authority}" if gss else ""
        )
    with output_file(out, "wb") as handle:
        if fmt == "html":
            size = write_html(data, handle, colour=theme)
        else:
            write_picture(data, handle, fmt, theme=theme)
            size = handle.tell()
    if not args.quiet:
        if gss:
            # A briefing also carries other authorities' findings related to its own: count its own.
            own = {e.inspection for e in data.histories.get(gss, [])}
            what = (
                f"{data.authorities[gss].name}'s story): {len(own):,} inspections and visits, "
                f"{sum(1 for f in data.findings if f.inspection in own):,} findings, "
                f"{len(data.links):,} links to related findings"
            )
        else:
            what = (
                f"national overview): {data.inspection_count():,} inspections and visits, "
                f"{len(data.findings):,} findings, {len(data.links):,} related links"
            )
        print(f"wrote {out} ({size / 1e6:.1f} MB, {what}", file=sys.stderr)
    return 0


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A bar over the data step's stages on stderr when it is a terminal (minutes at national scale)."""
    if not enabled or not sys.stderr.isatty():
        yield None
        return
    from tqdm import tqdm

    from ofsted_kg.page.data import STEPS

    with tqdm(total=len(STEPS), unit="step", file=sys.stderr, desc="visualise", dynamic_ncols=True) as bar:
        started: list[str] = []

        def step(what: str) -> None:
            if started:
                bar.update(1)
            started.append(what)
            bar.set_postfix_str(what)

        yield step
        bar.update(len(STEPS) - bar.n)
