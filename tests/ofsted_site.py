"""A stand-in for Ofsted's reports site on 127.0.0.1, for the fetch tests.

Its pages are a recorded *shape*, not a capture: the HTML is written here to have the structure
the public scrapers of the live site rely on (data-to-insight's ofsted-ilacs-scrape-tool,
ofsted-send-scrape-tool and ofsted-focused-visit-scrape-tool; see docs/fetch.md) — the search
listing `/search?...&level_1_types=3&level_2_types%5B%5D=12&start=N&rows=M` whose providers are
links with `/provider/` in their href, provider pages `/provider/44/{URN}` listing
`a.publication-link` elements with a `span.nonvisual` "TYPE, PDF - DD Month YYYY", and files at
`/v1/file/{id}`. The files are real Ofsted PDFs from examples/letters, each under the URN, type
and publication date the public archive gives it (examples/letters/SOURCES.tsv).

Misbehaviour on demand, per path: status codes served before the real answer (500, 429 with
Retry-After), a body dripped out slowly, a page replaced by another body.
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from ofsted_kg.loaders.authorities import all_authorities

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
FILE_HOST = "https://files.ofsted.gov.uk"  # the publication links point there, as on the live site
_ARCHIVE_PATH = re.compile(
    r"inspection_reports/(?P<urn>\d+)_[^/]+/(?P<type>.+) - (?P<date>\d{1,2} \w+ \d{4})\.pdf$"
)
# How the site capitalises the types the archive stores in lower case.
_LABELS = {
    "children's services focused visit": "Children's services focused visit",
    "children's services inspection": "Children's services inspection",
    "area send full inspection": "Area SEND full inspection",
}


@dataclass(frozen=True)
class SitePublication:
    urn: str
    label: str  # as the site labels it
    published: dt.date
    file_id: str
    pdf: Path
    file_format: str = "PDF"


@dataclass
class Behaviour:
    statuses: list[int] = field(default_factory=list)  # served first, one per request
    retry_after: str | None = None
    drip_delay: float = 0.0  # seconds between chunks of the body
    body: bytes | None = None  # replaces the real answer


@dataclass(frozen=True)
class Hit:
    path: str
    user_agent: str
    at: float  # time.monotonic()


def corpus_publications(urns: Iterable[str], first_id: int = 50100000) -> list[SitePublication]:
    """The example letters of these authorities, as the site would list them."""
    wanted = set(urns)
    rows = csv.DictReader((EXAMPLES / "SOURCES.tsv").open(encoding="utf-8"), delimiter="\t")
    found = []
    for row in rows:
        match = _ARCHIVE_PATH.search(row["source"])
        if match is None or match["urn"] not in wanted:
            continue
        kind = match["type"]
        published = dt.datetime.strptime(match["date"], "%d %B %Y").date()
        found.append((match["urn"], _LABELS.get(kind, kind.capitalize()), published, EXAMPLES / row["file"]))
    found.sort(key=lambda item: (item[0], item[2], item[3].name))
    return [
        SitePublication(urn, label, published, str(first_id + i), pdf)
        for i, (urn, label, published, pdf) in enumerate(found)
    ]


class FakeOfsted:
    """The site, serving `publications` for the providers that have them (or `providers`, URN -> name)."""

    def __init__(
        self,
        publications: list[SitePublication],
        providers: dict[str, str] | None = None,
        robots: str = "User-agent: *\nDisallow: /private/\n",
        moved: dict[str, str] | None = None,
    ) -> None:
        names = {info.urn: info.name for info in all_authorities()}
        self.publications = list(publications)
        self.providers = providers or {p.urn: names[p.urn] for p in publications}
        self.robots = robots
        # URN -> provider-page category other than 44: the listing links there, /provider/44/URN is 404.
        self.moved = moved or {}
        self.behaviours: dict[str, Behaviour] = {}
        self.hits: list[Hit] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- control ----------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def behaviour(self, path: str) -> Behaviour:
        return self.behaviours.setdefault(path, Behaviour())

    def file_path(self, publication: SitePublication) -> str:
        return f"/v1/file/{publication.file_id}"

    def hits_on(self, prefix: str) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith(prefix)]

    def start(self) -> FakeOfsted:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- pages ------------------------------------------------------------------------------------

    def listing(self, start: int, rows: int) -> bytes:
        providers = sorted(self.providers.items(), key=lambda item: item[1])
        shown = providers[start : start + min(rows, 100)]
        items = "\n".join(
            f"""      <li class="search-result">
        <h3 class="search-result__title"><a href="/provider/{self.moved.get(urn, "44")}/{urn}">{html.escape(name)}</a></h3>
        <address class="search-result__address">{html.escape(name)}</address>
        <p class="search-result__provider-type">Local Authority Children's Services</p>
      </li>"""
            for urn, name in shown
        )
        return _page(
            "Find an inspection report",
            f"""    <p class="search-results__count">{len(providers)} results</p>
    <ul class="results-list">
{items}
    </ul>""",
        )

    def provider_page(self, urn: str) -> bytes | None:
        if urn not in self.providers:
            return None
        mine = sorted((p for p in self.publications if p.urn == urn), key=lambda p: p.published, reverse=True)
        events = "\n".join(
            f"""        <li class="timeline__day">
          <div class="event">
            <p class="timeline__date"><time>{p.published:%d %B %Y}</time></p>
            <span class="event__title">
              <a class="publication-link" href="{FILE_HOST}/v1/file/{p.file_id}" target="_blank">
                {html.escape(p.label)}
                <span class="nonvisual">{html.escape(p.label)}, {p.file_format} - {p.published:%d %B %Y}</span>
              </a>
            </span>
            <div>Published <time>{p.published:%d %B %Y}</time></div>
          </div>
        </li>"""
            for p in mine
        )
        name = html.escape(self.providers[urn])
        return _page(
            name,
            f"""    <div class="title-block">
      <h1 class="heading--title">{name}</h1>
      <p class="title-block__urn">URN: {urn}</p>
    </div>
    <section class="inspection-reports">
      <h2>Reports</h2>
      <ol class="timeline">
{events}
      </ol>
    </section>""",
        )

    def file(self, file_id: str) -> bytes | None:
        for p in self.publications:
            if p.file_id == file_id:
                return p.pdf.read_bytes()
        return None


def _page(title: str, main: str) -> bytes:
    return f"""<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>{title} - Ofsted</title></head>
<body>
  <main id="main-content">
{main}
  </main>
</body>
</html>
""".encode()


def _handler(site: FakeOfsted) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
            pass  # quiet: the test output stays readable

        def do_GET(self) -> None:  # noqa: N802 - the base class's name
            parts = urlsplit(self.path)
            with site._lock:
                site.hits.append(Hit(parts.path, self.headers.get("User-Agent", ""), time.monotonic()))
                behaviour = site.behaviours.get(parts.path)
                status = behaviour.statuses.pop(0) if behaviour and behaviour.statuses else None
            if status is not None:
                headers = (
                    {"Retry-After": behaviour.retry_after} if behaviour and behaviour.retry_after else {}
                )
                self._send(status, b"<html><body>Service unavailable</body></html>", "text/html", headers)
                return
            if behaviour is not None and behaviour.body is not None:
                self._send(200, behaviour.body, "text/html; charset=utf-8")
                return
            body, kind = self._route(parts.path, parse_qs(parts.query))
            if body is None:
                self._send(404, b"<html><body>Not found</body></html>", "text/html")
            else:
                self._send(200, body, kind, drip=behaviour.drip_delay if behaviour else 0.0)

        def _route(self, path: str, query: dict[str, list[str]]) -> tuple[bytes | None, str]:
            page = "text/html; charset=utf-8"
            if path == "/robots.txt":
                return site.robots.encode(), "text/plain"
            if path == "/search":
                start = int(query.get("start", ["0"])[0])
                rows = int(query.get("rows", ["10"])[0])
                return site.listing(start, rows), page
            match = re.fullmatch(r"/provider/(\w+)/(\w+)", path)
            if match and site.moved.get(match[2], "44") == match[1]:
                return site.provider_page(match[2]), page
            match = re.fullmatch(r"/v1/file/(\w+)", path)
            if match:
                return site.file(match[1]), "application/pdf"
            return None, page

        def _send(
            self,
            status: int,
            body: bytes,
            kind: str,
            headers: dict[str, str] | None = None,
            drip: float = 0.0,
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            try:
                if not drip:
                    self.wfile.write(body)
                    return
                for start in range(0, len(body), 4096):
                    self.wfile.write(body[start : start + 4096])
                    self.wfile.flush()
                    time.sleep(drip)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client went away (a killed fetch): nothing to finish

    return Handler


@contextmanager
def fake_ofsted(publications: list[SitePublication], **options: object) -> Iterator[FakeOfsted]:
    site = FakeOfsted(publications, **options).start()  # type: ignore[arg-type]
    try:
        yield site
    finally:
        site.stop()
