"""HTTP transport to a remote SPARQL store: authentication, one deadline per request, bounded retries.

Everything that goes over the wire to a remote store passes through `HttpClient.open`, so the
rules live in one place: credentials only ever become an Authorization header (or a digest
handshake in this client's own opener, never urllib's global one); errors name the URL (with no
user info), the HTTP status and, for a refusal, its likely cause and fix, never the request
headers, body or credentials; connection errors and 5xx answers are retried a bounded number of
times with exponential backoff.

`timeout` bounds the whole request — connecting, the headers and every read of the body — not
each socket read: a server that drips a byte a second would otherwise hold a read open for ever.
A timer shuts the request's socket when the time is up, so a blocked read returns at once, and
`Response` turns whatever that read raised into one StoreError naming the limit.
"""

from __future__ import annotations

import functools
import html
import http.client
import logging
import re
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .backend import StoreError
from .credentials import NO_CREDENTIALS, Credentials

log = logging.getLogger(__name__)

RETRY_STATUSES = frozenset({500, 502, 503, 504})
_CREDENTIAL_HELP = (
    "set OFSTED_KG_USER and OFSTED_KG_PASSWORD (or OFSTED_KG_TOKEN, or a netrc entry for the host)"
)
# A server's way of saying "not allowed" inside a 500 (Virtuoso: SR186/SQ110 ...:SECURITY:).
_PERMISSION_WORDS = re.compile(r"SECURITY|permission denied|no permission|not authori[sz]ed", re.I)


class HttpStatusError(StoreError):
    """The server answered with an error status (after any retries)."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


class RequestTimeout(TimeoutError):
    """The request's deadline passed (an OSError, so stream parsers pass it through)."""


def display_url(url: str) -> str:
    """The URL without query string or user info: safe to show and short."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    return urlunsplit((parts.scheme, host, parts.path, "", ""))


def readable_text(body: bytes | str, limit: int = 200) -> str:
    """An answer's body as one short line: HTML tags and entities removed, spaces collapsed."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = re.sub(r"(?is)<(script|style|title)\b.*?</\1>", " ", text)
    text = html.unescape(re.sub(r"(?s)<[^>]*>", " ", text))
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


class _Deadline:
    """The sockets of one request, shut down when its time is up."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.expired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(seconds, self._expire)
        self._timer.daemon = True
        self._timer.start()
        self._end = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.001, self._end - time.monotonic())

    def watch(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.expired:
                _shut(sock)

    def _expire(self) -> None:
        with self._lock:
            self.expired = True
            for sock in self._sockets:
                _shut(sock)

    def cancel(self) -> None:
        self._timer.cancel()


def _shut(sock: socket.socket) -> None:
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass  # already closed


class _WatchedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        kwargs["timeout"] = deadline.remaining()
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, *args: Any, deadline: _Deadline, **kwargs: Any) -> None:
        kwargs["timeout"] = deadline.remaining()
        super().__init__(*args, **kwargs)
        self._deadline = deadline

    def connect(self) -> None:
        super().connect()
        self._deadline.watch(self.sock)


class _WatchedHTTPHandler(urllib.request.HTTPHandler):
    def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = req._okg_deadline  # type: ignore[attr-defined]
        return self.do_open(functools.partial(_WatchedHTTPConnection, deadline=deadline), req)


class _WatchedHTTPSHandler(urllib.request.HTTPSHandler):
    def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
        deadline = req._okg_deadline  # type: ignore[attr-defined]
        return self.do_open(
            functools.partial(_WatchedHTTPSConnection, deadline=deadline),
            req,
            context=self._context,  # type: ignore[attr-defined]
        )


class Response:
    """An open answer whose reads stop at the request's deadline.

    Reads raise RequestTimeout once the deadline has passed (whatever the shut socket made the
    underlying read do), so a parser reading from it stops with an error, never with a silently
    short body. `timed_out` and `describe_failure` let callers word the error.
    """

    def __init__(self, raw: http.client.HTTPResponse, deadline: _Deadline, where: str) -> None:
        self._raw = raw
        self._deadline = deadline
        self.where = where
        self.status: int = raw.status
        self.headers = raw.headers
        self.url: str = raw.url if hasattr(raw, "url") else ""

    @property
    def media_type(self) -> str:
        return (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()

    @property
    def timed_out(self) -> bool:
        return self._deadline.expired

    def _check(self) -> None:
        if self._deadline.expired:
            raise RequestTimeout(self.timeout_message())

    def timeout_message(self) -> str:
        return f"{self.where}: no complete answer within {self._deadline.seconds:g} s (--timeout)"

    def read(self, size: int | None = -1) -> bytes:
        self._check()
        try:
            data = self._raw.read() if size is None or size < 0 else self._raw.read(size)
        except (OSError, http.client.HTTPException) as exc:
            self._check()
            raise OSError(f"{type(exc).__name__}: {exc}") from None
        self._check()
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int = -1) -> bytes:
        self._check()
        try:
            data = self._raw.readline(size)
        except (OSError, http.client.HTTPException) as exc:
            self._check()
            raise OSError(f"{type(exc).__name__}: {exc}") from None
        self._check()
        return data

    def readable(self) -> bool:
        return True

    def info(self) -> Any:
        return self.headers

    def close(self) -> None:
        self._deadline.cancel()
        self._raw.close()

    def __enter__(self) -> Response:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def read_all(self) -> bytes:
        """The whole body, or StoreError (deadline passed, connection dropped mid-answer)."""
        try:
            return self.read()
        except OSError as exc:
            raise StoreError(self.failure(exc)) from None

    def failure(self, exc: BaseException, what: str = "the answer broke off") -> str:
        """One line for a read that failed: the deadline if it passed, else what broke."""
        if self.timed_out:
            return self.timeout_message()
        return f"{self.where}: {what} ({exc})"


@dataclass
class HttpClient:
    credentials: Credentials = NO_CREDENTIALS
    auth: str = "basic"  # "basic" or "digest"
    timeout: float = 60.0  # seconds for a whole request: connect, headers and body
    retries: int = 3  # extra attempts after the first
    backoff: float = 0.5  # seconds before the first retry; doubles each time
    # Said after a refusal (401, 403, a 500 whose text says "permission"): the fix on this server.
    refusal_hint: str = ""
    _opener: urllib.request.OpenerDirector = field(init=False, repr=False)
    _passwords: urllib.request.HTTPPasswordMgrWithDefaultRealm | None = field(
        init=False, repr=False, default=None
    )

    def __post_init__(self) -> None:
        handlers: list[urllib.request.BaseHandler] = [_WatchedHTTPHandler(), _WatchedHTTPSHandler()]
        if self.auth == "digest" and self.credentials.user is not None:
            self._passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
            handlers.append(urllib.request.HTTPDigestAuthHandler(self._passwords))
        self._opener = urllib.request.build_opener(*handlers)

    def prepare(self, request: urllib.request.Request) -> urllib.request.Request:
        if self._passwords is not None and not self.credentials.token:
            # The password manager matches by scheme, host and port: register this request's
            # server (registering "http://" alone matched nothing, so digest never answered).
            parts = urlsplit(request.full_url)
            self._passwords.add_password(
                None,
                f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}/",
                self.credentials.user or "",
                self.credentials.password or "",
            )
        elif self.auth != "digest" or self.credentials.token:
            header = self.credentials.authorization_header()
            if header:
                request.add_unredirected_header("Authorization", header)
        return request

    def open(self, request: urllib.request.Request) -> Response:
        """Send `request`; the open response (caller reads and closes). Raises StoreError."""
        request = self.prepare(request)
        where = f"{request.get_method()} {display_url(request.full_url)}"
        attempt = 0
        while True:
            deadline = _Deadline(self.timeout)
            request._okg_deadline = deadline  # type: ignore[attr-defined]
            try:
                return Response(self._opener.open(request), deadline, where)
            except urllib.error.HTTPError as exc:
                deadline.cancel()
                status = exc.code
                detail = _short_body(exc)
                exc.close()
                refused = status in (401, 403) or bool(_PERMISSION_WORDS.search(detail))
                if status in RETRY_STATUSES and attempt < self.retries and not refused:
                    log.debug("%s: HTTP %s, retrying", where, status)
                else:
                    raise HttpStatusError(
                        self.scrub(self._status_message(where, exc, detail)), status
                    ) from None
            except http.client.HTTPException as exc:
                # Not HTTP at all (another protocol on that port), or a reply cut mid-header.
                deadline.cancel()
                if deadline.expired:
                    raise StoreError(f"{where}: no answer within {self.timeout:g} s (--timeout)") from None
                raise StoreError(self.scrub(f"{where}: the reply is not HTTP ({_describe(exc)})")) from None
            except (urllib.error.URLError, OSError) as exc:
                deadline.cancel()
                reason = getattr(exc, "reason", exc)
                if deadline.expired or isinstance(reason, TimeoutError):
                    raise StoreError(f"{where}: no answer within {self.timeout:g} s (--timeout)") from None
                if isinstance(reason, http.client.HTTPException):
                    raise StoreError(
                        self.scrub(f"{where}: the reply is not HTTP ({_describe(reason)})")
                    ) from None
                if attempt >= self.retries:
                    raise StoreError(self.scrub(f"{where}: cannot reach the endpoint ({reason})")) from None
                log.debug("%s: %s, retrying", where, reason)
            time.sleep(self.backoff * (2**attempt))
            attempt += 1

    def _status_message(self, where: str, exc: urllib.error.HTTPError, detail: str) -> str:
        message = f"{where}: HTTP {exc.code} {exc.reason}"
        if detail:
            message += f": {detail}"
        if exc.code == 401:
            if self.credentials.kind == "none":
                message += f" — the endpoint wants a login: {_CREDENTIAL_HELP}"
            else:
                message += (
                    f" — the {self.credentials.kind} credentials from {self.credentials.source} were "
                    f"refused: check them ({_CREDENTIAL_HELP})"
                )
            scheme = (exc.headers.get("WWW-Authenticate") or "").split(" ")[0].lower()
            sent = "bearer" if self.credentials.token else self.auth
            if scheme and scheme != sent:
                message += f"; the server asks for HTTP {scheme} authentication, this profile sends {sent}"
        if exc.code == 401 or exc.code == 403 or _PERMISSION_WORDS.search(detail):
            if self.refusal_hint:
                message += f" — {self.refusal_hint}"
        return message

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


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    shown = readable_text(text, 80) if text else ""
    return f"{type(exc).__name__}: {shown!r}" if shown else type(exc).__name__


def _short_body(exc: urllib.error.HTTPError) -> str:
    try:
        body = exc.read(2000)
    except Exception:  # noqa: BLE001 - the status alone is still a useful message
        return ""
    return readable_text(body, 300)
