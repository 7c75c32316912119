"""SERVICE clauses (federated queries) are off unless asked for.

A query with `SERVICE <url> { ... }` makes the store that runs it send a request to that URL:
from a laptop or a server inside a council network, to any host the query names (server-side
request forgery). `ofsted-kg query` and `ofsted-kg serve` refuse such queries unless started with
`--allow-service`. The keyword is found by the same scanner that binds parameters, so `SERVICE`
inside a string, an IRI or a comment is not mistaken for the clause.
"""

from __future__ import annotations

from .errors import UsageError
from .sparql_bindings import BindingError, _tokenize

ALLOW_FLAG = "--allow-service"


class ServiceRefused(UsageError):
    """A SERVICE clause without --allow-service (exit 2)."""


def uses_service(sparql: str) -> bool:
    """Whether the query or update text holds a SERVICE clause (unparseable text counts as one:
    the store will refuse it anyway, and a guard must not be talked past)."""
    try:
        tokens = _tokenize(sparql)
    except BindingError:
        return "service" in sparql.lower()
    return any(token.kind == "word" and token.text.upper() == "SERVICE" for token in tokens)


def refusal(what: str = "this query") -> str:
    return (
        f"{what} has a SERVICE clause: federated queries are off, since they make this machine "
        f"send requests to other hosts; start with {ALLOW_FLAG} to allow them"
    )


def check_service(sparql: str, allow: bool, what: str = "this query") -> None:
    if not allow and uses_service(sparql):
        raise ServiceRefused(refusal(what))
