"""`fetch()`: read the site, download what the manifest does not have yet, record each file."""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputRejected, UsageError
from ..loaders.authorities import AuthorityInfo
from ..manifest import ManifestRow, rows_in, write_manifest
from ..resolver import resolve_authority
from . import cache, site
from .client import HTTPFailure, PoliteClient, RobotsDisallowed
from .plan import Failure, Publication, plan
from .progress import progress_bar
from .settings import DEFAULT_CACHE, FetchSettings

log = logging.getLogger(__name__)


@dataclass
class FetchResult:
    new: list[Publication] = field(default_factory=list)  # found and not yet in the manifest
    downloaded: list[ManifestRow] = field(default_factory=list)  # this run's manifest rows
    already: int = 0  # found and already in the manifest, file present
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.failures


def fetch(
    cache_dir: str | os.PathLike[str] = DEFAULT_CACHE,
    *,
    authorities: Iterable[str | AuthorityInfo] | None = None,
    since: dt.date | str | None = None,
    types: Iterable[str] | None = None,
    dry_run: bool = False,
    settings: FetchSettings | None = None,
    progress: bool = False,
) -> FetchResult:
    """Download the publications of `authorities` (default: every authority) into `cache_dir`.

    `authorities` take anything `resolve_authority` does (name, GSS code, URN, LA number);
    `since` keeps publications published on or after that date; `types` are site.KINDS keys
    (default site.DEFAULT_KINDS; "all" for every kind). Failures of single pages or files are
    in the result; an unreachable site raises SiteUnavailable (exit 3), a bad argument UsageError.
    """
    settings = settings or FetchSettings.from_env()
    root = Path(cache_dir)
    chosen = _resolve(authorities)
    since_date = _since(since)
    kinds = _kinds(types)
    result = FetchResult(dry_run=dry_run)
    with PoliteClient(settings) as client:
        if dry_run:
            _plan_into(result, client, settings, root, rows_in(root), chosen, since_date, kinds, progress)
            return result
        with cache.locked(root):
            for stale in cache.remove_stale_parts(root):
                log.info("removed %s, left by an interrupted fetch", stale)
            rows = rows_in(root)
            planned = _plan_into(result, client, settings, root, rows, chosen, since_date, kinds, progress)
            _download(planned, client, root, rows, result, progress)
    return result


def _plan_into(
    result: FetchResult,
    client: PoliteClient,
    settings: FetchSettings,
    root: Path,
    rows: list[ManifestRow],
    chosen: list[AuthorityInfo] | None,
    since: dt.date | None,
    kinds: tuple[str, ...],
    progress: bool,
) -> list[Publication]:
    found = plan(
        client, settings, root, rows, authorities=chosen, since=since, kinds=kinds, progress=progress
    )
    result.new = found.new
    result.already = len(found.known)
    result.failures.extend(found.failures)
    result.notes.extend(found.notes)
    return found.new


def _download(
    planned: list[Publication],
    client: PoliteClient,
    root: Path,
    rows: list[ManifestRow],
    result: FetchResult,
    progress: bool,
) -> None:
    bar = progress_bar(len(planned), desc="download", unit="file", enabled=progress)
    try:
        for publication in planned:
            row = _download_one(publication, client, root, result)
            if row is not None:
                rows = [r for r in rows if r.url != row.url] + [row]
                write_manifest(root, rows)  # after every file: a kill loses at most the file in flight
                result.downloaded.append(row)
            bar.update(1)
    finally:
        bar.close()


def _download_one(
    publication: Publication, client: PoliteClient, root: Path, result: FetchResult
) -> ManifestRow | None:
    final = root / publication.path
    tmp = cache.part_path(final)
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        with tmp.open("wb") as handle:
            got = client.download(publication.source_url, handle)
            handle.flush()
            os.fsync(handle.fileno())
        problem = cache.looks_like_pdf(tmp)
        if problem is not None:
            tmp.unlink(missing_ok=True)
            result.failures.append(
                Failure(publication.source_url, f"{problem}; not saved as {publication.path}")
            )
            return None
        cache.replace_atomically(tmp, final)
    except HTTPFailure as exc:
        tmp.unlink(missing_ok=True)
        result.failures.append(Failure(exc.url, f"HTTP {exc.status} (listed on {publication.page_url})"))
        return None
    except RobotsDisallowed as exc:
        tmp.unlink(missing_ok=True)
        result.failures.append(Failure(exc.url, "disallowed by the site's robots.txt"))
        return None
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise InputRejected(f"{final}: cannot write ({exc.strerror or exc})") from None
    except BaseException:
        # Interrupted or the site went away: no partial file stays behind (kill -9 leaves a .part,
        # which the next run deletes).
        tmp.unlink(missing_ok=True)
        raise
    return ManifestRow(
        urn=publication.authority.urn,
        gss_code=publication.authority.gss_code,
        publication_type=publication.label,
        published=publication.published,
        url=publication.url,
        path=publication.path,
        sha256=got.sha256,
        fetched_at=dt.datetime.now(dt.timezone.utc),
    )


def _resolve(authorities: Iterable[str | AuthorityInfo] | None) -> list[AuthorityInfo] | None:
    if authorities is None:
        return None
    if isinstance(authorities, (str, AuthorityInfo)):
        authorities = [authorities]
    chosen: dict[str, AuthorityInfo] = {}
    for given in authorities:
        info = given if isinstance(given, AuthorityInfo) else resolve_authority(given)
        chosen.setdefault(info.urn, info)
    return list(chosen.values()) or None


def _since(since: dt.date | str | None) -> dt.date | None:
    if since is None or isinstance(since, dt.date):
        return since
    try:
        return dt.date.fromisoformat(since.strip())
    except ValueError:
        raise UsageError(f"--since {since!r}: expected a date as YYYY-MM-DD") from None


def _kinds(types: Iterable[str] | None) -> tuple[str, ...]:
    if types is None:
        return site.DEFAULT_KINDS
    if isinstance(types, str):
        types = [types]
    chosen: list[str] = []
    for kind in types:
        if kind == "all":
            return tuple(site.KINDS)
        if kind not in site.KINDS:
            raise UsageError(f"--type {kind!r}: choose from {', '.join(site.KINDS)} or all")
        if kind not in chosen:
            chosen.append(kind)
    return tuple(chosen) or site.DEFAULT_KINDS
