"""How fetch talks to the site: where it is, how fast, how patiently. One frozen value, no globals."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from urllib.parse import urlsplit

from .. import __version__
from ..errors import UsageError
from .site import DEFAULT_FILES_URL, DEFAULT_REPORTS_URL, LISTING_ROWS

DEFAULT_CACHE = "ofsted-kg-cache"
PROJECT_URL = "https://w3id.org/ofsted-kg"


@dataclass(frozen=True)
class FetchSettings:
    reports_url: str = DEFAULT_REPORTS_URL  # listing and provider pages (or a mirror of them)
    files_url: str = DEFAULT_FILES_URL  # the PDFs, /v1/file/{id} (or a mirror)
    rate: float = 1.0  # requests per second, at most (robots.txt's Crawl-delay can only slow it)
    timeout: float = 60.0  # seconds for one request as a whole, body included
    retries: int = 4  # further attempts after a connection error, a timeout, 429 or 5xx
    backoff: float = 2.0  # seconds before the first retry, doubled each time (unless Retry-After says)
    max_wait: float = 300.0  # a Retry-After longer than this gives up instead of waiting
    listing_rows: int = LISTING_ROWS  # providers asked for per listing page
    contact: str | None = None  # an e-mail or URL for the site's operators, added to the User-Agent

    def __post_init__(self) -> None:
        for name in ("reports_url", "files_url"):
            value = getattr(self, name)
            parts = urlsplit(value)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"--{name.replace('_', '-')} {value!r}: expected an http(s) URL")
        if not self.rate > 0:
            raise UsageError(f"--rate {self.rate}: must be more than 0 requests per second")
        if not self.timeout > 0:
            raise UsageError(f"--timeout {self.timeout}: must be more than 0 seconds")
        if self.retries < 0:
            raise UsageError(f"--retries {self.retries}: must be 0 or more")
        if self.backoff < 0:
            raise UsageError(f"--backoff {self.backoff}: must be 0 or more seconds")
        if self.listing_rows < 1:
            raise UsageError(f"listing_rows {self.listing_rows}: must be at least 1")

    @classmethod
    def from_env(cls, **overrides: object) -> FetchSettings:
        """Defaults, then $OFSTED_KG_REPORTS_URL, $OFSTED_KG_FILES_URL, $OFSTED_KG_CONTACT, then
        `overrides` (None values are ignored, so argparse defaults of None fall through)."""
        values: dict[str, object] = {}
        for name, env in (
            ("reports_url", "OFSTED_KG_REPORTS_URL"),
            ("files_url", "OFSTED_KG_FILES_URL"),
            ("contact", "OFSTED_KG_CONTACT"),
        ):
            if os.environ.get(env):
                values[name] = os.environ[env]
        values.update({k: v for k, v in overrides.items() if v is not None})
        return replace(cls(), **values)  # type: ignore[arg-type]

    @property
    def user_agent(self) -> str:
        contact = f"; {self.contact}" if self.contact else ""
        return f"ofsted-kg/{__version__} (+{PROJECT_URL}{contact})"
