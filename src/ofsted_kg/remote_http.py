"""HTTP transport to a remote SPARQL store: authentication, timeouts, bounded retries.

Everything that goes over the wire to a remote store passes through `HttpClient.open`, so the
rules live in one place: credentials only ever become an Authorization header (or a digest
handshake in this client's own opener, never urllib's global one); errors name the URL (with no
user info) and the HTTP status, never the request headers, body or credentials; connection
errors and 5xx answers are retried a bounded number of times with exponential backoff.
"""

from __future__ import annotations

import http.client
import logging
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from .backend import StoreError
from .credentials import NO_CREDENTIALS, Credentials

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504})


class HttpStatusError(StoreError):
    """The server answered with an error status (after any retries)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def display_url(url: str) -> str:
    """The URL without query string or user info: safe to show and short."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


@dataclass
class HttpClient:
    credentials: Credentials = NO_CREDENTIALS
    auth: str = "basic"  # "basic" or "digest"
    timeout: float = 60.0
    retries: int = 3  # extra attempts after the first
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)

    def __post_init__(self) -> None:
        handlers: list[urllib.request.BaseHandler] = []
        if self.auth == "digest" and self.credentials.user is not None:
            manager = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            # Registered for every URL this opener is asked to open: the opener belongs to one store.
            manager.add_password(None, "http://", self.credentials.user, self.credentials.password or "")
            manager.add_password(None, "https://", self.credentials.user, self.credentials.password or "")
            handlers.append(urllib.request.HTTPDigestAuthHandler(manager))
        self._opener = urllib.request.build_opener(*handlers)

    def prepare(self, request: urllib.request.Request) -> urllib.request.Request:
        if self.auth != "digest" or self.credentials.token:
            header = self.credentials.authorization_header()
            if header:
                request.add_unredirected_header("Authorization", header)
        return request

    def open(self, request: urllib.request.Request) -> http.client.HTTPResponse:
        """Send `request`; the open response (caller reads and closes). Raises StoreError."""
        request = self.prepare(request)
        where = f"{request.get_method()} {display_url(request.full_url)}"
        attempt = 0
        while True:
            try:
                return self._opener.open(request, timeout=self.timeout)
            except urllib.error.HTTPError as exc:
                status = exc.code
                detail = _short_body(exc)
                exc.close()
                if status in RETRY_STATUSES and attempt < self.retries:
                    log.debug("%s: HTTP %s, retrying", where, status)
                else:
                    message = f"{where}: HTTP {status} {exc.reason}"
                    if detail:
                        message += f": {detail}"
                    raise HttpStatusError(self.scrub(message), status) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                reason = getattr(exc, "reason", exc)
                if attempt >= self.retries:
                    raise StoreError(self.scrub(f"{where}: cannot reach the endpoint ({reason})")) from None
                log.debug("%s: %s, retrying", where, reason)
            time.sleep(self.backoff * (2**attempt))
            attempt += 1

    def scrub(self, message: str) -> str:
        """Belt and braces: a server may echo a header back in its error page."""
        for secret in (
            self.credentials.password,
            self.credentials.token,
            self.credentials.authorization_header(),
        ):
            if secret:
                message = message.replace(secret, "***")
        return message


def _short_body(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read(500).decode("utf-8", "replace")
    except Exception:  # noqa: BLE001 - the status alone is still a useful message
        return ""
    return " ".join(body.split())[:300]
