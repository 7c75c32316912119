"""Credentials for a remote SPARQL store: from the environment or a netrc-style file.

Order: OFSTED_KG_TOKEN (bearer), then OFSTED_KG_USER + OFSTED_KG_PASSWORD (basic, or digest
when the profile says so), then the netrc file (OFSTED_KG_NETRC, else ~/.netrc) entry for the
endpoint's host. User info written into the endpoint URL (http://user:pw@host/) is taken as
credentials and removed from the URL, so the URL can be shown in messages.

Secrets never leave this object except as an Authorization header: its repr masks them, and
callers build error messages from the URL (without user info) and status code only.
"""

from __future__ import annotations

import base64
import netrc
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit, urlunsplit

TOKEN_ENV = "OFSTED_KG_TOKEN"
USER_ENV = "OFSTED_KG_USER"
PASSWORD_ENV = "OFSTED_KG_PASSWORD"
NETRC_ENV = "OFSTED_KG_NETRC"


class CredentialsError(ValueError):
    """The credentials file could not be read (the message never quotes its content)."""


@dataclass(frozen=True)
class Credentials:
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    token: str | None = field(default=None, repr=False)
    source: str = "none"

    def __repr__(self) -> str:
        secret = "***" if (self.password or self.token) else None
        return f"Credentials(user={self.user!r}, secret={secret!r}, source={self.source!r})"

    __str__ = __repr__

    @property
    def kind(self) -> str:
        if self.token:
            return "bearer"
        if self.user is not None:
            return "password"
        return "none"

    def authorization_header(self) -> str | None:
        """The Basic or Bearer header value (digest is negotiated by the HTTP client instead)."""
        if self.token:
            return f"Bearer {self.token}"
        if self.user is not None:
            raw = f"{self.user}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None


NO_CREDENTIALS = Credentials()


def split_userinfo(url: str) -> tuple[str, Credentials | None]:
    """(url without user info, credentials found in it or None)."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    clean = urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment))
    creds = Credentials(
        user=unquote(parts.username),
        password=unquote(parts.password) if parts.password is not None else None,
        source="url",
    )
    return clean, creds


def from_netrc(host: str, path: str | os.PathLike[str] | None = None) -> Credentials | None:
    file = Path(path) if path else Path.home() / ".netrc"
    if not file.exists():
        if path:  # asked for explicitly: say so rather than silently go anonymous
            raise CredentialsError(f"{file}: credentials file not found")
        return None
    try:
        entry = netrc.netrc(str(file)).authenticators(host)
    except (netrc.NetrcParseError, OSError) as exc:
        # NetrcParseError's text can quote the offending line, which may hold a password.
        reason = "cannot be read" if isinstance(exc, OSError) else "is not a valid netrc file"
        raise CredentialsError(f"{file}: {reason}") from None
    if entry is None:
        return None
    login, _account, password = entry
    return Credentials(user=login or None, password=password or None, source=f"netrc:{file}")


def load(endpoint_url: str, env: Mapping[str, str] | None = None) -> tuple[str, Credentials]:
    """(endpoint URL safe to display, credentials for it)."""
    env = os.environ if env is None else env
    url, from_url = split_userinfo(endpoint_url)
    if env.get(TOKEN_ENV):
        return url, Credentials(token=env[TOKEN_ENV], source="env")
    if env.get(USER_ENV):
        return url, Credentials(user=env[USER_ENV], password=env.get(PASSWORD_ENV), source="env")
    if from_url is not None:
        return url, from_url
    host = urlsplit(url).hostname or ""
    found = from_netrc(host, env.get(NETRC_ENV) or None)
    return url, found or NO_CREDENTIALS
