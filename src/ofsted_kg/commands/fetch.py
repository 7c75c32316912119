"""`ofsted-kg fetch`: download Ofsted's children's services publications into a cache folder."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from ofsted_kg.errors import InputRejected
from ofsted_kg.fetch import DEFAULT_CACHE, KINDS, FetchResult, FetchSettings, fetch
from ofsted_kg.fetch.plan import Publication
from ofsted_kg.fetch.site import DEFAULT_KINDS
from ofsted_kg.tables import FORMATS, write_rows

log = logging.getLogger(__name__)

COLUMNS = ("authority", "urn", "gss_code", "publication_type", "published", "url", "path")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "fetch",
        help="download Ofsted's children's services publications into a cache folder",
        description="Download the published reports and letters of English local authorities' "
        "children's services from Ofsted's reports site into a cache folder laid out as the public "
        "archive (<URN>_<authority>/<type> - <dd month yyyy>.pdf), with manifest.tsv recording each "
        "file. Only publications not yet in the manifest are downloaded; a killed fetch resumes. "
        "Prints the publications downloaded (or, with --dry-run, those it would download).",
        epilog="Kinds: " + "; ".join(f"{k}: {v}" for k, v in KINDS.items()) + ". See docs/fetch.md.",
    )
    add_fetch_options(parser)
    parser.set_defaults(func=run)


def add_fetch_options(parser: argparse.ArgumentParser) -> None:
    """The options `fetch` and `sync` share."""
    parser.add_argument(
        "--authority",
        "-a",
        action="append",
        metavar="NAME|GSS|URN",
        help="only this authority (repeatable; any name, GSS code, Ofsted URN or LA number); default all 153",
    )
    parser.add_argument(
        "--since", metavar="DATE", help="only publications published on or after DATE (YYYY-MM-DD)"
    )
    parser.add_argument(
        "--type",
        "-t",
        dest="types",
        action="append",
        choices=[*KINDS, "all"],
        metavar="KIND",
        help=f"only this kind (repeatable): {', '.join(KINDS)}, or all (default: {', '.join(DEFAULT_KINDS)})",
    )
    parser.add_argument(
        "--cache",
        default=os.environ.get("OFSTED_KG_CACHE", DEFAULT_CACHE),
        metavar="DIR",
        help=f"the cache folder (default ./{DEFAULT_CACHE}, or $OFSTED_KG_CACHE)",
    )
    parser.add_argument("--rate", type=float, default=1.0, help="requests per second, at most (default 1)")
    # --timeout is the global option (before or after the command): seconds per whole request.
    parser.add_argument(
        "--retries", type=int, default=4, help="retries after a connection error, 429 or 5xx (default 4)"
    )
    parser.add_argument(
        "--backoff",
        type=float,
        default=2.0,
        metavar="SECONDS",
        help="wait before the first retry, doubled each time; Retry-After overrides it (default 2)",
    )
    parser.add_argument(
        "--reports-url",
        metavar="URL",
        help="Ofsted's reports site or a mirror (default https://reports.ofsted.gov.uk, or $OFSTED_KG_REPORTS_URL)",
    )
    parser.add_argument(
        "--files-url",
        metavar="URL",
        help="where the files are, /v1/file/ID (default https://files.ofsted.gov.uk, or $OFSTED_KG_FILES_URL)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="list what would be downloaded; download nothing"
    )
    parser.add_argument(
        "--format", "-f", choices=FORMATS, default="table", help="output format (default table)"
    )


def settings_from(args: argparse.Namespace) -> FetchSettings:
    return FetchSettings.from_env(
        reports_url=args.reports_url,
        files_url=args.files_url,
        rate=args.rate,
        timeout=args.timeout,
        retries=args.retries,
        backoff=args.backoff,
    )


def fetch_from_args(args: argparse.Namespace, *, dry_run: bool | None = None) -> FetchResult:
    return fetch(
        args.cache,
        authorities=args.authority,
        since=args.since,
        types=args.types,
        dry_run=args.dry_run if dry_run is None else dry_run,
        settings=settings_from(args),
        progress=not args.quiet,
    )


def run(args: argparse.Namespace) -> int:
    result = fetch_from_args(args)
    print_publications(args.format, result)
    report(result, quiet=args.quiet)
    raise_for_failures(result)
    return 0


def print_publications(fmt: str, result: FetchResult) -> None:
    """The publications downloaded (or, in a dry run, to download) on stdout."""
    if result.dry_run:
        rows = [_row(p, p.url, p.path) for p in result.new]
    else:
        done = {row.url for row in result.downloaded}
        rows = [_row(p, p.url, p.path) for p in result.new if p.url in done]
    write_rows(sys.stdout, fmt, COLUMNS, rows)
    sys.stdout.flush()


def report(result: FetchResult, *, quiet: bool) -> None:
    for note in result.notes:
        log.warning("%s", note)
    for failure in result.failures:
        print(f"ofsted-kg: {failure}", file=sys.stderr)
    if quiet:
        return
    if result.dry_run:
        summary = f"would download {len(result.new)}, already have {result.already}"
    else:
        summary = f"downloaded {len(result.downloaded)}, already had {result.already}"
    print(f"ofsted-kg: fetch: {summary}, failed {len(result.failures)}", file=sys.stderr)


def raise_for_failures(result: FetchResult) -> None:
    if result.failures:
        count = len(result.failures)
        raise InputRejected(
            f"{count} page(s) or file(s) could not be fetched (listed above); the rest was done"
        )


def _row(p: Publication, url: str, path: str) -> Sequence[object]:
    return (p.authority.name, p.authority.urn, p.authority.gss_code, p.label, p.published, url, path)
