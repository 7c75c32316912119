"""Polite HTTP for one fetch: a named User-Agent, paced requests, patient retries, bounded requests.

- Pace: request starts are at least 1/rate seconds apart (and at least robots.txt's Crawl-delay).
- Retries with exponential backoff on connection errors, timeouts, 429 and 5xx; a Retry-After
  header (seconds or an HTTP date) is honoured instead of the backoff. Giving up means the site is
  unavailable (SiteUnavailable, exit 3): what was fetched is kept, and the next run resumes.
- A deadline for each request as a whole: a body that drips in too slowly is cut when it passes,
  not only a read that stalls.
- robots.txt of each host is read once and obeyed.
"""

from __future__ import annotations

import email.utils
import hashlib
import logging
import time
import urllib.robotparser
from collections.abc import Callable
from dataclasses import dataclass
from typing import BinaryIO, TypeVar
from urllib.parse import urlsplit

import httpx

from ..errors import SiteUnavailable
from .settings import FetchSettings

log = logging.getLogger(__name__)

T = TypeVar("T")
_CHUNK = 1 << 16


class HTTPFailure(Exception):
    """A response that retrying will not mend (404, 403, 410 ...): the caller fails that URL alone."""

    def __init__(self, url: str, status: int) -> None:
        self.url = url
        self.status = status
        super().__init__(f"{url}: HTTP {status}")


class RobotsDisallowed(Exception):
    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(f"{url}: disallowed by the site's robots.txt")


class _DeadlinePassed(Exception):
    pass


@dataclass(frozen=True)
class Downloaded:
    size: int
    sha256: str
    content_type: str


class PoliteClient:
    def __init__(self, settings: FetchSettings, *, sleep: Callable[[float], None] = time.sleep) -> None:
        self.settings = settings
        self._sleep = sleep
        self._interval = 1.0 / settings.rate
        self._next_start = 0.0  # monotonic time before which no request may start
        self._robots: dict[str, urllib.robotparser.RobotFileParser | None] = {}
        self._http = httpx.Client(
            headers={"User-Agent": settings.user_agent},
            # Each phase may take the whole budget; the deadline below bounds the request as a whole.
            timeout=httpx.Timeout(settings.timeout),
            follow_redirects=True,
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- public -----------------------------------------------------------------------------------

    def get_text(self, url: str) -> str:
        """The body of a page, as text."""
        self._check_robots(url)

        def read(response: httpx.Response, deadline: float) -> str:
            body = bytearray()
            for chunk in response.iter_bytes(_CHUNK):
                body += chunk
                _check(deadline)
            return body.decode(response.encoding or "utf-8", errors="replace")

        return self._with_retries(url, read)

    def download(self, url: str, handle: BinaryIO) -> Downloaded:
        """Stream a file into `handle` (rewound and truncated on each attempt)."""
        self._check_robots(url)

        def read(response: httpx.Response, deadline: float) -> Downloaded:
            handle.seek(0)
            handle.truncate()
            digest = hashlib.sha256()
            size = 0
            for chunk in response.iter_bytes(_CHUNK):
                handle.write(chunk)
                digest.update(chunk)
                size += len(chunk)
                _check(deadline)
            return Downloaded(size, digest.hexdigest(), response.headers.get("content-type", ""))

        return self._with_retries(url, read)

    # -- the loop ---------------------------------------------------------------------------------

    def _with_retries(self, url: str, read: Callable[[httpx.Response, float], T]) -> T:
        attempts = 0
        while True:
            self._pace()
            deadline = time.monotonic() + self.settings.timeout
            wait: float | None = None
            try:
                with self._http.stream("GET", url) as response:
                    status = response.status_code
                    if status == 429 or status >= 500:
                        wait = _retry_after(response.headers.get("retry-after"))
                        reason = f"HTTP {status}"
                    elif status >= 400:
                        raise HTTPFailure(url, status)
                    else:
                        return read(response, deadline)
            except _DeadlinePassed:
                reason = f"took longer than {self.settings.timeout:g} s"
            except httpx.TimeoutException:
                reason = f"no answer within {self.settings.timeout:g} s"
            except httpx.TransportError as exc:
                reason = _describe(exc)
            attempts += 1
            if attempts > self.settings.retries:
                raise SiteUnavailable(f"{url}: {reason} (gave up after {attempts} attempts)")
            delay = wait if wait is not None else self.settings.backoff * 2 ** (attempts - 1)
            if delay > self.settings.max_wait:
                raise SiteUnavailable(
                    f"{url}: {reason}, asked to wait {delay:.0f} s (more than {self.settings.max_wait:.0f} s)"
                    "; try again later"
                )
            log.info("%s: %s; retrying in %.1f s", url, reason, delay)
            self._sleep(delay)

    def _pace(self) -> None:
        now = time.monotonic()
        if now < self._next_start:
            self._sleep(self._next_start - now)
            now = time.monotonic()
        self._next_start = now + self._interval

    # -- robots.txt -------------------------------------------------------------------------------

    def _check_robots(self, url: str) -> None:
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self._robots:
            self._robots[origin] = self._read_robots(origin)
        robots = self._robots[origin]
        if robots is None:
            return
        if not robots.can_fetch(self.settings.user_agent, url):
            raise RobotsDisallowed(url)

    def _read_robots(self, origin: str) -> urllib.robotparser.RobotFileParser | None:
        robots_url = f"{origin}/robots.txt"

        def read(response: httpx.Response, deadline: float) -> str:
            body = bytearray()
            for chunk in response.iter_bytes(_CHUNK):
                body += chunk
                _check(deadline)
            return body.decode("utf-8", errors="replace")

        try:
            text = self._with_retries(robots_url, read)
        except HTTPFailure:
            return None  # no robots.txt (404) or none for us to read: nothing is disallowed
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse(text.splitlines())
        delay = parser.crawl_delay(self.settings.user_agent)
        if delay is not None and float(delay) > self._interval:
            log.info("%s asks for %s s between requests: pacing to that", robots_url, delay)
            self._interval = float(delay)
        return parser


def _check(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise _DeadlinePassed


def _retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header: delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - time.time())


def _describe(exc: httpx.TransportError) -> str:
    if isinstance(exc, httpx.ConnectError):
        return f"cannot connect ({' '.join(str(exc).split()) or 'connection refused'})"
    text = " ".join(str(exc).split())
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
