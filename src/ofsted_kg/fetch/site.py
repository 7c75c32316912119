"""Ofsted's reports site as the public scrapers read it: its URLs, the provider listing, provider pages.

The shape comes from the scrapers the sector runs every week (data-to-insight's
ofsted-ilacs-scrape-tool, ofsted-send-scrape-tool and ofsted-focused-visit-scrape-tool); it could
not be checked against the live site from where this was written (docs/fetch.md says what was):

- the listing of local-authority children's services providers is the search
  `{reports}/search?q=&location=&lat=&lon=&radius=&level_1_types=3&level_2_types%5B%5D=12&start=N&rows=100`
  (level 1 type 3 = children's social care, level 2 type 12 = local authority children's services;
  at most 100 rows a page); each provider is a link whose href contains `/provider/`
  (`/provider/44/80537`), the URN its last segment, the provider's name its text;
- each provider page lists its publications as `a.publication-link` elements whose
  `span.nonvisual` holds the type and the publication date ("Children's services focused visit,
  PDF - 02 August 2021"), the href the file (`https://files.ofsted.gov.uk/v1/file/50165422`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from urllib.parse import urlencode, urljoin, urlsplit

from bs4 import BeautifulSoup

from ..errors import InputRejected

DEFAULT_REPORTS_URL = "https://reports.ofsted.gov.uk"
DEFAULT_FILES_URL = "https://files.ofsted.gov.uk"
# The category segment of local-authority children's services provider pages, as the listing links
# them (a scraper of the site records https://reports.ofsted.gov.uk/provider/44/80429, Birmingham).
LA_CHILDRENS_SERVICES_CATEGORY = "44"
LISTING_ROWS = 100  # the most the search returns a page (data-to-insight: "now limited to 100")
_LISTING_QUERY = [
    ("q", ""),
    ("location", ""),
    ("lat", ""),
    ("lon", ""),
    ("radius", ""),
    ("level_1_types", "3"),
    ("level_2_types[]", "12"),
]

# Publication kinds (the --type choices), each recognised from Ofsted's label by the first rule that
# matches. The label cannot tell an ILACS inspection from a SIF one (both are "Children's services
# inspection"): the document's own text decides that at ingest.
KINDS: dict[str, str] = {
    "inspection": "ILACS inspections (standard and short) and SIF-era inspections and reviews",
    "focused-visit": "ILACS focused visits",
    "monitoring-visit": "monitoring visits",
    "jtai": "joint targeted area inspections (labelled 'joint area child protection inspection')",
    "area-send": "area SEND inspections",
    "other": "any other publication on an authority's page (not fetched unless asked for)",
}
DEFAULT_KINDS = ("inspection", "focused-visit", "monitoring-visit", "jtai", "area-send")
_KIND_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("area-send", re.compile(r"\bsend\b")),
    ("jtai", re.compile(r"\bjoint\b.*\b(?:inspection|jtai)\b|\bjtai\b")),
    ("focused-visit", re.compile(r"\bfocused visit\b")),
    ("monitoring-visit", re.compile(r"\bmonitoring\b")),
    ("inspection", re.compile(r"\binspection\b|\breview\b")),
)

_NONVISUAL = re.compile(r"^(?P<head>.+?)\s*-\s*(?P<date>\d{1,2}\s+[A-Za-z]+\s+\d{4})$")
_FORMAT = re.compile(r"^(?P<label>.+?)\s*,\s*(?P<format>[A-Za-z]{2,5})$")
# The scrapers take any href containing /provider/ and its last segment as the URN.
_PROVIDER_PATH = re.compile(r"/provider/(?:[^/]+/)?(?P<urn>[A-Za-z0-9]+)/?$")
_FILE_PATH = re.compile(r"/v1/file/(?P<id>[A-Za-z0-9_-]+)/?$")
_DOCUMENT_FORMATS = {"pdf", "word", "doc", "docx", "odt", "rtf", "html", "xlsx", "xls", "csv", "ods"}


class LayoutNotRecognised(InputRejected):
    """A page of the site did not have the shape fetch reads (exit 1): names the URL and what was missing."""

    def __init__(self, url: str, missing: str) -> None:
        self.url = url
        self.missing = missing
        super().__init__(f"{url}: page layout not recognised: {missing}")


@dataclass(frozen=True)
class ProviderLink:
    """One provider in the listing."""

    urn: str
    name: str
    url: str  # its provider page, on the reports site given


@dataclass(frozen=True)
class PublicationLink:
    """One publication on a provider page."""

    label: str  # the type as Ofsted labels it, e.g. "Children's services focused visit"
    published: dt.date
    file_id: str
    kind: str  # a KINDS key
    page_url: str


@dataclass(frozen=True)
class LinkProblem:
    """A publication link on an otherwise readable page that could not be read."""

    page_url: str
    reason: str


def _base(url: str) -> str:
    return url.rstrip("/")


def listing_url(reports_url: str, start: int, rows: int = LISTING_ROWS) -> str:
    return f"{_base(reports_url)}/search?{urlencode([*_LISTING_QUERY, ('start', start), ('rows', rows)])}"


def provider_url(reports_url: str, urn: str) -> str:
    return f"{_base(reports_url)}/provider/{LA_CHILDRENS_SERVICES_CATEGORY}/{urn}"


def file_url(files_url: str, file_id: str) -> str:
    return f"{_base(files_url)}/v1/file/{file_id}"


def canonical_file_url(file_id: str) -> str:
    """The file's public address, whatever mirror it was fetched from (recorded in the manifest)."""
    return file_url(DEFAULT_FILES_URL, file_id)


def rebase(href: str, page_url: str, reports_url: str) -> str:
    """A link of the site as a URL on the reports site given: the scrapers prefix the site's host to
    the listing's root-relative hrefs; a mirror (or a test server) stands in for that host."""
    parts = urlsplit(urljoin(page_url, href))
    return _base(reports_url) + parts.path + (f"?{parts.query}" if parts.query else "")


def parse_listing(html: str | bytes, url: str, reports_url: str) -> list[ProviderLink]:
    """Providers on one listing page, in page order, one per URN; empty when the page has none."""
    soup = BeautifulSoup(html, "html.parser")
    found: dict[str, ProviderLink] = {}
    for anchor in soup.find_all("a", href=True):
        href = str(anchor["href"])
        match = _PROVIDER_PATH.search(urlsplit(href).path)
        if match is None:
            continue
        urn = match["urn"]
        name = " ".join(anchor.get_text(" ", strip=True).split())
        if urn not in found or (name and not found[urn].name):
            found[urn] = ProviderLink(urn=urn, name=name, url=rebase(href, url, reports_url))
    return list(found.values())


def parse_provider_page(html: str | bytes, url: str) -> tuple[list[PublicationLink], list[LinkProblem]]:
    """The publications a provider page lists, and the links on it that could not be read.

    A page with no `a.publication-link` at all is not a provider page as the scrapers know it
    (every authority has published reports): LayoutNotRecognised, never an empty answer.
    """
    soup = BeautifulSoup(html, "html.parser")
    anchors = soup.select("a.publication-link")
    if not anchors:
        raise LayoutNotRecognised(url, "no publication links (a.publication-link)")
    publications: list[PublicationLink] = []
    problems: list[LinkProblem] = []
    for anchor in anchors:
        href = str(anchor.get("href") or "")
        span = anchor.select_one("span.nonvisual")
        if span is None:
            problems.append(
                LinkProblem(url, f"publication link {href!r} has no span.nonvisual (type and date)")
            )
            continue
        text = " ".join(span.get_text(" ", strip=True).split())
        parsed = parse_nonvisual(text)
        if parsed is None:
            problems.append(
                LinkProblem(
                    url, f"publication text {text!r} is not 'TYPE, PDF - D MONTH YYYY' (link {href!r})"
                )
            )
            continue
        label, file_format, published = parsed
        if file_format not in (None, "pdf"):
            continue  # the same publication in another format: the PDF is the one read
        match = _FILE_PATH.search(urlsplit(href).path)
        if match is None:
            problems.append(LinkProblem(url, f"publication link {href!r} is not a /v1/file/ID link"))
            continue
        publications.append(
            PublicationLink(
                label=label, published=published, file_id=match["id"], kind=classify(label), page_url=url
            )
        )
    if not publications and problems:
        raise LayoutNotRecognised(url, problems[0].reason)
    return publications, problems


def parse_nonvisual(text: str) -> tuple[str, str | None, dt.date] | None:
    """("Children's services focused visit", "pdf", 2021-08-02) from
    "Children's services focused visit, PDF - 02 August 2021"; None if it is not of that shape."""
    match = _NONVISUAL.match(text.strip())
    if match is None:
        return None
    try:
        published = dt.datetime.strptime(" ".join(match["date"].split()), "%d %B %Y").date()
    except ValueError:
        return None
    head = match["head"].strip()
    file_format = None
    fmt = _FORMAT.match(head)
    if fmt is not None and fmt["format"].lower() in _DOCUMENT_FORMATS:
        head, file_format = fmt["label"].strip(), fmt["format"].lower()
    return head, file_format, published


def classify(label: str) -> str:
    """The KINDS key for a label as Ofsted prints it."""
    text = label.lower()
    for kind, rule in _KIND_RULES:
        if rule.search(text):
            return kind
    return "other"
