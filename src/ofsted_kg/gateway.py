"""The front of `ofsted-kg serve`: a small HTTP proxy before Oxigraph's own server.

Oxigraph's server (run on a private loopback port) answers every request; this proxy decides
which requests reach it and how big and how slow an answer may be:

- SERVICE clauses (federated queries) are refused unless --allow-service (`federation`): a server
  on a laptop or inside a council network must not fetch other hosts for whoever asks;
- writes (SPARQL Update, Graph Store PUT/POST/DELETE) are refused unless --allow-update (the
  server also runs read-only then: two locks);
- time: Oxigraph cancels a query past `--timeout-s`, but it checks only now and then (a
  cross-product COUNT with a 2 s limit ran 11 s) and a cancelled query still ends in a 200 with a
  truncated body. The proxy reads each answer whole within the limit (plus a grace period for
  the cancellation to land) and otherwise answers 503 naming the limit, so a client never gets a
  cut answer as if it were complete;
- size: an answer over the cap is dropped (the upstream connection closed, which stops Oxigraph
  streaming it) and the client gets 507 naming the cap, never a cut answer.

Answers are buffered whole, up to the cap, before they are sent: that is what makes both limits
exact for the client.
"""

from __future__ import annotations

import http.client
import logging
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from . import federation

log = logging.getLogger(__name__)

_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailers",
    "transfer-encoding",
    "upgrade",
    "host",
    "content-length",
}
_MAX_REQUEST = 64 * 1024 * 1024  # a query or an update body larger than this is refused (413)
_CANCELLED = b"The SPARQL operation has been cancelled"  # what Oxigraph appends when it gives up
GRACE = 15.0  # seconds past the limit for Oxigraph's own cancellation to land


class Gateway(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(
        self,
        bind: tuple[str, int],
        upstream: tuple[str, int],
        *,
        allow_update: bool,
        allow_service: bool,
        timeout: float,
        max_bytes: int,
    ) -> None:
        self.upstream = upstream
        self.allow_update = allow_update
        self.allow_service = allow_service
        self.query_timeout = timeout  # not `timeout`: socketserver uses that name for its own polling
        self.max_bytes = max_bytes
        if ":" in bind[0]:
            self.address_family = socket.AF_INET6
        super().__init__(bind, _Handler)


class _Refused(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


class _Handler(BaseHTTPRequestHandler):
    server: Gateway
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base class's name
        log.debug("%s %s", self.address_string(), format % args)

    def do_GET(self) -> None:
        self._handle()

    do_HEAD = do_POST = do_PUT = do_DELETE = do_OPTIONS = do_GET

    def _handle(self) -> None:
        try:
            body = self._read_body()
            self._check(body)
            status, headers, answer = self._forward(body)
        except _Refused as refused:
            self.close_connection = True  # the request body may be unread
            self._send(
                refused.status, [("Content-Type", "text/plain; charset=utf-8")], refused.message.encode()
            )
            return
        self._send(status, headers, answer)

    def _read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        if length > _MAX_REQUEST:
            raise _Refused(413, f"request body over {_MAX_REQUEST // (1024 * 1024)} MB\n")
        return self.rfile.read(length) if length else b""

    def _check(self, body: bytes) -> None:
        """Refuse writes in read-only mode and SERVICE clauses unless allowed."""
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        texts: list[str] = []
        for key in ("query", "update"):
            texts += parse_qs(url.query).get(key, [])
            if content_type == "application/x-www-form-urlencoded":
                texts += parse_qs(body.decode("utf-8", "replace")).get(key, [])
        if content_type in ("application/sparql-query", "application/sparql-update"):
            texts.append(body.decode("utf-8", "replace"))
        writes = path == "/update" or (self.command not in ("GET", "HEAD", "OPTIONS") and path != "/query")
        if writes and not self.server.allow_update:
            raise _Refused(
                403,
                "this server is read-only: start `ofsted-kg serve` with --allow-update to accept writes\n",
            )
        if not self.server.allow_service and any(federation.uses_service(text) for text in texts):
            raise _Refused(403, federation.refusal("the query") + "\n")

    def _forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
        limit, cap = self.server.query_timeout, self.server.max_bytes
        started = time.monotonic()
        host, port = self.server.upstream
        connection = http.client.HTTPConnection(host, port, timeout=limit + GRACE)
        try:
            headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
            headers["Content-Length"] = str(len(body))
            connection.request(self.command, self.path, body=body or None, headers=headers)
            response = connection.getresponse()
            chunks: list[bytes] = []
            size = 0
            while chunk := response.read(65536):
                size += len(chunk)
                if size > cap:
                    raise _Refused(
                        507,
                        f"the answer is larger than this server's cap of {cap // (1024 * 1024)} MB "
                        "(--max-result-mb): add a LIMIT or narrow the query\n",
                    )
                if time.monotonic() - started > limit + GRACE:
                    raise TimeoutError
                chunks.append(chunk)
            answer = b"".join(chunks)
        except (TimeoutError, OSError, http.client.HTTPException) as exc:
            if isinstance(exc, TimeoutError) or time.monotonic() - started >= limit:
                raise _Refused(503, _timeout_message(limit)) from None
            raise _Refused(502, f"the store's server did not answer ({type(exc).__name__})\n") from None
        finally:
            connection.close()  # also stops Oxigraph streaming an answer we will not send
        if response.status == 200 and answer.endswith(_CANCELLED):
            raise _Refused(503, _timeout_message(limit))
        kept = [(k, v) for k, v in response.getheaders() if k.lower() not in _HOP_BY_HOP]
        return response.status, kept, answer

    def _send(self, status: int, headers: list[tuple[str, str]], body: bytes) -> None:
        try:
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)
        except OSError:
            pass  # the client hung up


def _timeout_message(limit: float) -> str:
    return (
        f"the query ran past this server's time limit of {limit:g} s (--timeout) and was stopped: "
        "narrow it, or start the server with a longer --timeout\n"
    )
