"""Global options choose the store: the embedded default, or an endpoint with its URLs."""

from __future__ import annotations

from ofsted_kg.cli import build_parser
from ofsted_kg.connect import open_backend


def test_url_options_override_the_profile_paths() -> None:
    args = build_parser().parse_args(
        [
            "--endpoint", "http://127.0.0.1:3030/ds",
            "--endpoint-profile", "fuseki",
            "--query-url", "http://127.0.0.1:3030/other/sparql",
            "--timeout", "5",
            "queries",
        ]
    )  # fmt: skip
    store = open_backend(args)  # no request is made until the store is used
    assert store.endpoints.query_url == "http://127.0.0.1:3030/other/sparql"
    assert store.endpoints.update_url == "http://127.0.0.1:3030/ds/update"  # the profile's path
    assert store.http.timeout == 5.0
