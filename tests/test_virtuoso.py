"""Virtuoso 7.2 (Debian's build) as users run it: its 10,000-row result cap, its own graphs, its
digest-authenticated endpoints and a basic-authenticated one, users with and without the grant."""

from __future__ import annotations

import base64
import io
import urllib.request
from collections.abc import Iterator
from dataclasses import replace

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from servers import VirtuosoServer

from ofsted_kg import credentials
from ofsted_kg.backend import StoreError
from ofsted_kg.profiles import get_profile, resolve
from ofsted_kg.remote import GRAPH_PREFIX, RemoteStore

pytestmark = [pytest.mark.server, pytest.mark.slow]

LARGE = URIRef(GRAPH_PREFIX + "analysis/test-large")
PASSWORD = "s3cret-for-okg"
USERS = f"""
DB.DBA.USER_CREATE ('okg', '{PASSWORD}');
GRANT SPARQL_UPDATE TO "okg";
DB.DBA.USER_CREATE ('reader', 'r3ader');
GRANT SPARQL_SELECT TO "reader";
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-basic', ppath=>'/!sparql/', is_dav=>1, vsp_user=>'dba',
  auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>'basic', opts=>vector('noinherit', 1));
DB.DBA.VHOST_DEFINE (lpath=>'/sparql-graph-crud-basic', ppath=>'/!sparql-graph-crud/', is_dav=>1,
  vsp_user=>'dba', auth_fn=>'DB.DBA.HP_AUTH_SPARQL_USER', realm=>'SPARQL', sec=>'basic',
  opts=>vector('noinherit', 1, 'exec_as_get', 1));
"""


@pytest.fixture(scope="module")
def server(virtuoso: VirtuosoServer) -> VirtuosoServer:
    virtuoso.sql(USERS)  # the recipe docs/remote.md gives, run once per test run
    return virtuoso


def store_as(server: VirtuosoServer, profile: str, env: dict[str, str], **urls: str) -> RemoteStore:
    url, found = credentials.load(server.url, env=env)
    overrides = {f"OFSTED_KG_{k.upper()}_URL": server.url + v for k, v in urls.items()}
    store = RemoteStore(resolve(url, get_profile(profile), env=overrides), found, timeout=60, retries=1)
    store.http.backoff = 0.01
    return store


def ntriples(count: int) -> bytes:
    return "".join(f'<http://ex/s{i}> <http://ex/p> "{i}" .\n' for i in range(count)).encode()


LARGE_SIZE = 12_000  # past the 10,000-row cap: three pages of 5,000


@pytest.fixture(scope="module")
def large_graph(server: VirtuosoServer) -> Iterator[RemoteStore]:
    """A graph larger than the cap, written once for the module and always dropped (a slow
    machine gets a long timeout: the other modules' counts must not see it)."""
    store = RemoteStore.from_settings(server.url, "virtuoso", timeout=600)
    store.replace_graph(LARGE, ntriples(LARGE_SIZE))
    yield store
    store.drop_graph(LARGE)


# --- no silent truncation ---------------------------------------------------------------------


def test_a_select_past_the_row_cap_fails_naming_the_setting(server: VirtuosoServer) -> None:
    store = RemoteStore.from_settings(server.url, "virtuoso")
    values = " ".join(str(i) for i in range(150))
    # 150 x 100 = 15,000 rows from VALUES alone: past Debian's ResultSetMaxRows of 10,000.
    query = f"SELECT ?a ?b WHERE {{ VALUES ?a {{ {values} }} VALUES ?b {{ {values} }} FILTER(?b < 100) }}"
    with pytest.raises(StoreError) as cut:
        store.select(query)
    assert "10,000" in str(cut.value) and "ResultSetMaxRows" in str(cut.value)
    # Under the cap the same form of query is answered whole.
    assert len(store.select(query.replace("?b < 100", "?b < 60")).rows) == 9_000


def test_export_reads_a_graph_past_the_cap_in_pages(large_graph: RemoteStore) -> None:
    out = io.BytesIO()
    large_graph.export(out, "nt", graphs=[LARGE])
    triples = list(ox.parse(out.getvalue(), format=ox.RdfFormat.N_TRIPLES))
    assert len(triples) == LARGE_SIZE and len({t.subject.value for t in triples}) == LARGE_SIZE


def test_export_checks_what_it_wrote_against_a_count(
    large_graph: RemoteStore, server: VirtuosoServer
) -> None:
    """Read in one answer (GSP GET, as a profile without the known cap would), Virtuoso stops at
    its cap and says nothing: the count check turns that into an error naming the setting."""
    unpaged = replace(large_graph.profile, default_max_rows=None)
    store = RemoteStore(resolve(server.url, unpaged, env={}))
    with pytest.raises(StoreError) as cut:
        store.export(io.BytesIO(), "nt", graphs=[LARGE])
    assert f"of the graph's {LARGE_SIZE:,} triples" in str(cut.value) and "ResultSetMaxRows" in str(cut.value)


def test_the_servers_own_graphs_are_not_ours(server: VirtuosoServer) -> None:
    store = RemoteStore.from_settings(server.url, "virtuoso")
    # (Typed resources only: a bare DISTINCT ?g over every quad takes Virtuoso seconds.)
    raw = store.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s a ?o } }").rows
    assert any("virtrdf" in str(row["g"]) for row in raw)  # Virtuoso's own graphs are there
    assert all(str(g).startswith(GRAPH_PREFIX) for g in store.graphs())


# --- authentication --------------------------------------------------------------------------


G = URIRef(GRAPH_PREFIX + "analysis/test-auth")
DOC = b'<http://ex/a> <http://ex/p> "auth" .\n'


def test_digest_login_with_a_real_user(server: VirtuosoServer) -> None:
    store = store_as(server, "virtuoso-auth", {"OFSTED_KG_USER": "okg", "OFSTED_KG_PASSWORD": PASSWORD})
    store.replace_graph(G, DOC)
    try:
        rows = store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": G}).rows
        assert rows == [{"o": Literal("auth")}]
        assert store.has_graph(G)
    finally:
        store.drop_graph(G)
    assert not store.has_graph(G)


def test_basic_login_with_a_real_user(server: VirtuosoServer) -> None:
    """Virtuoso's endpoint defined with basic authentication (docs/remote.md), used through the
    virtuoso profile with its URLs overridden."""
    env = {"OFSTED_KG_USER": "okg", "OFSTED_KG_PASSWORD": PASSWORD}
    urls = {"query": "/sparql-basic", "update": "/sparql-basic", "gsp": "/sparql-graph-crud-basic"}
    store = store_as(server, "virtuoso", env, **urls)
    store.replace_graph(G, DOC)
    try:
        assert store.select("SELECT ?o WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": G}).rows == [
            {"o": Literal("auth")}
        ]
    finally:
        store.drop_graph(G)
    wrong = store_as(server, "virtuoso", {"OFSTED_KG_USER": "okg", "OFSTED_KG_PASSWORD": "nope"}, **urls)
    with pytest.raises(StoreError, match="HTTP 401"):
        wrong.ask("ASK { ?s ?p ?o }")


def refusal(call) -> str:
    with pytest.raises(StoreError) as info:
        call()
    text = str(info.value)
    assert "\n" not in text and "<" not in text, text  # one line, no HTML
    return text


def test_a_wrong_password_names_the_cause_and_the_fix(server: VirtuosoServer) -> None:
    store = store_as(server, "virtuoso-auth", {"OFSTED_KG_USER": "okg", "OFSTED_KG_PASSWORD": "wrong-pw"})
    text = refusal(lambda: store.ask("ASK { ?s ?p ?o }"))
    assert "HTTP 401" in text and "refused" in text and "OFSTED_KG_PASSWORD" in text
    assert "wrong-pw" not in text
    anonymous = store_as(server, "virtuoso-auth", {})
    text = refusal(lambda: anonymous.ask("ASK { ?s ?p ?o }"))
    assert "HTTP 401" in text and "OFSTED_KG_USER" in text


def test_a_user_without_the_grant_is_told_which_grant(server: VirtuosoServer) -> None:
    reader = store_as(server, "virtuoso-auth", {"OFSTED_KG_USER": "reader", "OFSTED_KG_PASSWORD": "r3ader"})
    assert reader.ask("ASK { ?s ?p ?o }")  # reading is allowed
    for write in (
        lambda: reader.replace_graph(G, DOC),  # Graph Store PUT: 403 and an HTML page
        lambda: reader._update('INSERT DATA { GRAPH <http://ex/x> { <http://ex/a> <http://ex/b> "c" } }'),
    ):
        text = refusal(write)
        assert "GRANT SPARQL_UPDATE" in text and "permission" in text.lower(), text


def test_the_password_manager_answers_only_its_own_server(server: VirtuosoServer) -> None:
    """Digest credentials are registered for the endpoint's own host and port, so a request to
    another server (a redirect, a mistyped URL) never gets them."""
    store = store_as(server, "virtuoso-auth", {"OFSTED_KG_USER": "okg", "OFSTED_KG_PASSWORD": PASSWORD})
    store.ask("ASK { ?s ?p ?o }")
    manager = store.http._passwords
    assert manager is not None
    assert manager.find_user_password("SPARQL", server.url + "/sparql-auth") == ("okg", PASSWORD)
    assert manager.find_user_password("SPARQL", "http://127.0.0.1:1/sparql-auth") == (None, None)
    # Basic credentials go only as a header on our own requests, never to urllib's global opener.
    assert urllib.request._opener is None or not any(  # type: ignore[attr-defined]
        base64.b64encode(f"okg:{PASSWORD}".encode()).decode() in str(h)
        for h in urllib.request._opener.handlers  # type: ignore[attr-defined]
    )


def test_partial_anytime_results_are_an_error(server: VirtuosoServer) -> None:
    """Past its time limit Virtuoso may answer 200 with what it has so far ("anytime" queries,
    marked only by an X-SQL-State header): that is an error naming the limit, never data. The
    endpoint's own `timeout` parameter (milliseconds) brings the limit down to a second here."""
    profile = replace(get_profile("virtuoso"), query_params={"timeout": "1000"})
    store = RemoteStore(resolve(server.url, profile, env={}), timeout=120, retries=0)
    with pytest.raises(StoreError) as partial:
        store.select("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    message = str(partial.value)
    # Which of its two answers Virtuoso gives depends on where in the plan the limit falls (on a
    # busy machine, before the first row): the partial 200, or killing the statement (SR203, a
    # 500). Both must be an error, never rows.
    if "SR203" in message:
        assert "Async statement killed" in message
    else:
        assert "partial results" in message and "MaxQueryExecutionTime" in message
