"""What there is to fetch: the authorities' provider pages read, their publications filtered and
given their place in the cache.

Which pages: for every authority (no --authority), the listing of local-authority children's
services providers is read first and each provider page is read at the link the listing gives;
authorities of the reference lookup missing from the listing, and providers of the listing the
lookup does not know, are named in a note. For the authorities named, their pages are read
straight at `/provider/44/{URN}` (the URN comes from the reference lookup); only a page that is
not there (404) sends fetch to the listing to find where it went.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..loaders.authorities import AuthorityInfo, all_authorities
from ..manifest import ManifestRow
from . import cache, site
from .client import HTTPFailure, PoliteClient, RobotsDisallowed
from .progress import progress_bar
from .settings import FetchSettings

log = logging.getLogger(__name__)

MAX_LISTING_PAGES = 50  # far beyond 153 providers at any page size the site allows: a loop guard


@dataclass(frozen=True)
class Publication:
    """One publication to fetch (or already fetched), with where it goes in the cache."""

    authority: AuthorityInfo
    label: str  # the type as Ofsted labels it
    kind: str  # a site.KINDS key
    published: dt.date
    file_id: str
    url: str  # its public address (https://files.ofsted.gov.uk/v1/file/{id})
    source_url: str  # where it is fetched from (differs when a mirror stands in)
    page_url: str  # the provider page that lists it
    path: str  # relative to the cache root, forward slashes


@dataclass(frozen=True)
class Failure:
    """Something that could not be read or fetched: one line naming the URL (or file) and why."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


@dataclass
class Plan:
    new: list[Publication] = field(default_factory=list)  # not in the manifest yet (after filters)
    known: list[Publication] = field(default_factory=list)  # in the manifest, file present
    failures: list[Failure] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    filtered_out: int = 0
    other_labels: dict[str, int] = field(default_factory=dict)  # labels of kind "other" left out


def current_authorities() -> list[AuthorityInfo]:
    """The 153 authorities with children's services today (former ones only when named)."""
    return [info for info in all_authorities() if not info.legacy]


def plan(
    client: PoliteClient,
    settings: FetchSettings,
    root: Path,
    manifest: Sequence[ManifestRow],
    *,
    authorities: Sequence[AuthorityInfo] | None = None,
    since: dt.date | None = None,
    kinds: Iterable[str] = site.DEFAULT_KINDS,
    progress: bool = False,
) -> Plan:
    result = Plan()
    wanted = set(kinds)
    listing: dict[str, site.ProviderLink] | None = None
    if authorities is None:
        listing = read_listing(client, settings)
        targets = _targets_from_listing(listing, result)
    else:
        targets = [(info, site.provider_url(settings.reports_url, info.urn)) for info in authorities]

    found: list[tuple[AuthorityInfo, site.PublicationLink]] = []
    bar = progress_bar(len(targets), desc="pages", unit="page", enabled=progress)
    try:
        for info, url in targets:
            try:
                try:
                    html = client.get_text(url)
                except HTTPFailure as exc:
                    if exc.status != 404 or authorities is None:
                        raise
                    # Not at the address the URN gives: the listing knows where the page is now.
                    if listing is None:
                        listing = read_listing(client, settings)
                    moved = listing.get(info.urn)
                    if moved is None or moved.url == url:
                        raise HTTPFailure(url, 404) from None
                    url = moved.url
                    html = client.get_text(url)
                links, problems = site.parse_provider_page(html, url)
            except HTTPFailure as exc:
                reason = f"HTTP {exc.status}" + (
                    " (not in Ofsted's listing either)" if exc.status == 404 else ""
                )
                result.failures.append(Failure(exc.url, f"{info.name} (URN {info.urn}): {reason}"))
            except RobotsDisallowed as exc:
                result.failures.append(Failure(exc.url, "disallowed by the site's robots.txt"))
            except site.LayoutNotRecognised as exc:
                result.failures.append(Failure(exc.url, f"page layout not recognised: {exc.missing}"))
            else:
                result.failures.extend(Failure(p.page_url, p.reason) for p in problems)
                found.extend((info, link) for link in links)
            bar.update(1)
    finally:
        bar.close()

    placed = _place(found, settings, root, manifest)
    present = {row.url for row in manifest if (root / row.path).is_file()}
    for publication in placed:
        if publication.kind not in wanted:
            if publication.kind == "other":
                result.other_labels[publication.label] = result.other_labels.get(publication.label, 0) + 1
            result.filtered_out += 1
        elif since is not None and publication.published < since:
            result.filtered_out += 1
        elif publication.url in present:
            result.known.append(publication)
        else:
            result.new.append(publication)
    if result.other_labels:
        labels = ", ".join(f"{label!r} ({n})" for label, n in sorted(result.other_labels.items()))
        result.notes.append(
            f"left out publications of kinds fetch does not know: {labels} (--type other fetches them)"
        )
    return result


def read_listing(client: PoliteClient, settings: FetchSettings) -> dict[str, site.ProviderLink]:
    """Every provider in the listing, by URN, reading page after page until one adds none."""
    providers: dict[str, site.ProviderLink] = {}
    for page in range(MAX_LISTING_PAGES):
        url = site.listing_url(settings.reports_url, page * settings.listing_rows, settings.listing_rows)
        try:
            html = client.get_text(url)
        except HTTPFailure as exc:
            raise site.LayoutNotRecognised(url, f"the listing answered HTTP {exc.status}") from None
        except RobotsDisallowed as exc:
            raise site.LayoutNotRecognised(url, "the listing is disallowed by the site's robots.txt") from exc
        links = site.parse_listing(html, url, settings.reports_url)
        if not links and page == 0:
            raise site.LayoutNotRecognised(url, "no provider links (a[href*='/provider/'])")
        new = [link for link in links if link.urn not in providers]
        providers.update((link.urn, link) for link in new)
        if len(new) < settings.listing_rows:
            break
    return providers


def _targets_from_listing(
    listing: dict[str, site.ProviderLink], result: Plan
) -> list[tuple[AuthorityInfo, str]]:
    authorities = current_authorities()
    known_urns = {info.urn for info in all_authorities()}
    targets = [(info, listing[info.urn].url) for info in authorities if info.urn in listing]
    missing = [info.name for info in authorities if info.urn not in listing]
    if missing:
        result.notes.append(
            f"{len(missing)} of the {len(authorities)} authorities are not in Ofsted's listing and were not "
            f"read: {_some(missing)} (name one with --authority to read its page directly)"
        )
    unknown = [f"{link.name or '?'} (URN {urn})" for urn, link in listing.items() if urn not in known_urns]
    if unknown:
        result.notes.append(
            f"Ofsted's listing has {len(unknown)} provider(s) the reference lookup does not know, not read: "
            f"{_some(unknown)}"
        )
    return targets


def _place(
    found: list[tuple[AuthorityInfo, site.PublicationLink]],
    settings: FetchSettings,
    root: Path,
    manifest: Sequence[ManifestRow],
) -> list[Publication]:
    """Give each publication its path: the manifest's if it was fetched before, else the archive
    name, or the name with its file id when another publication of that authority holds it."""
    by_url = {row.url: row for row in manifest}
    taken = {row.path for row in manifest}
    folders = cache.existing_folders(root)
    unique: dict[str, tuple[AuthorityInfo, site.PublicationLink]] = {}
    for info, link in found:
        unique.setdefault(link.file_id, (info, link))  # one file listed twice is one publication
    # Oldest file id first, so that which publication keeps the plain name does not depend on page order.
    ordered = sorted(unique.values(), key=lambda pair: (pair[0].urn, _id_order(pair[1].file_id)))
    out = []
    for info, link in ordered:
        url = site.canonical_file_url(link.file_id)
        row = by_url.get(url)
        if row is not None:
            path = row.path
        else:
            folder = folders.setdefault(info.urn, cache.folder_name(info))
            path = f"{folder}/{cache.file_name(link.label, link.published)}"
            if path in taken:
                path = f"{folder}/{cache.file_name(link.label, link.published, link.file_id)}"
            taken.add(path)
        out.append(
            Publication(
                authority=info,
                label=link.label,
                kind=link.kind,
                published=link.published,
                file_id=link.file_id,
                url=url,
                source_url=site.file_url(settings.files_url, link.file_id),
                page_url=link.page_url,
                path=path,
            )
        )
    out.sort(key=lambda p: (p.authority.name, p.published, p.path))
    return out


def _id_order(file_id: str) -> tuple[int, str]:
    return (int(file_id), "") if file_id.isdigit() else (1 << 62, file_id)


def _some(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")
