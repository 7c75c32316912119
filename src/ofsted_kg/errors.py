"""The error types a command may raise, each carrying its exit code; `cli.main` maps them in one place.

Commands raise; they never print an error and return a number. The codes are documented in the
README: 1 some input was rejected or validation failed (the rest was still done), 2 usage error,
3 store, endpoint or Ofsted's reports site unavailable, 130 interrupted.
"""

from __future__ import annotations

import errno

EXIT_OK = 0
EXIT_FAILURES = 1
EXIT_USAGE = 2
EXIT_STORE = 3
EXIT_INTERRUPTED = 130

# errno values of a write that failed for want of room rather than for a bug (disk full, quota,
# file too large): `cli.main` reports them in one line, exit 1.
NO_ROOM_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class OfstedKGError(Exception):
    """A failure a user can act on: its message is one line naming what and why."""

    exit_code = EXIT_FAILURES


class UsageError(OfstedKGError, ValueError):
    """A bad option, an unknown query, parameter, authority or format (exit 2)."""

    exit_code = EXIT_USAGE


class StoreError(OfstedKGError):
    """The store or endpoint could not be reached or refused the operation (exit 3)."""

    exit_code = EXIT_STORE


class InputRejected(OfstedKGError):
    """Some input could not be used; whatever else could be done was done (exit 1)."""

    exit_code = EXIT_FAILURES


class ValidationFailed(OfstedKGError):
    """The data does not conform to the shapes or the ontology (exit 1)."""

    exit_code = EXIT_FAILURES


class SiteUnavailable(OfstedKGError):
    """Ofsted's reports site (or the mirror given) could not be reached, or kept refusing (exit 3)."""

    exit_code = EXIT_STORE
