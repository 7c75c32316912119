"""RemoteStore against a real `oxigraph serve` and a scripted HTTP server: protocol, bindings,
credentials, retries and atomic loads."""

from __future__ import annotations

import base64
import io
import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from servers import Server, free_port, oxigraph_server

from ofsted_kg import credentials
from ofsted_kg.backend import StoreError
from ofsted_kg.profiles import PROFILES, Endpoints, ProfileError, get_profile, resolve
from ofsted_kg.remote import RemoteStore, protocol_request

pytestmark = pytest.mark.server

G1 = URIRef("https://w3id.org/ofsted-kg/id/graph/report/aaaa")
G2 = URIRef("https://w3id.org/ofsted-kg/id/graph/report/bbbb")
DOC1 = b'<http://ex/a> <http://ex/p> "one" .\n<http://ex/a> <http://ex/q> "line\\nbreak"@en .\n'
DOC2 = b'<http://ex/b> <http://ex/p> "two" .\n<http://ex/b> <http://ex/r> _:x .\n_:x <http://ex/p> "3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
NASTY = ['"', "}", ">", "a\nb", "' . } DROP ALL #", '" } ; DROP ALL ; SELECT * { "', "\\", '"""']


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph") / "db") as running:
        yield running


@pytest.fixture
def store(server: Server) -> Iterator[RemoteStore]:
    remote = RemoteStore.from_settings(server.url, "oxigraph")
    for graph in remote.graphs():
        remote.drop_graph(graph)
    yield remote


def update_only(server: Server) -> RemoteStore:
    """The same server seen as a store without the Graph Store Protocol (SPARQL Update loads)."""
    profile = replace(PROFILES["oxigraph"], gsp_path=None)
    return RemoteStore(Endpoints(server.url + "/query", server.url + "/update", None, profile))


def server_quads(server: Server) -> set[str]:
    store = RemoteStore.from_settings(server.url)
    out = io.BytesIO()
    store.export(out, "nq")
    return {str(q) for q in ox.parse(out.getvalue(), format=ox.RdfFormat.N_QUADS)}


# --- profiles and credentials -------------------------------------------------------------


def test_profiles_resolve_urls_and_env_overrides() -> None:
    ep = resolve("http://h:3030/ds/", get_profile("fuseki"), env={})
    assert (ep.query_url, ep.update_url, ep.gsp_url) == (
        "http://h:3030/ds/query",
        "http://h:3030/ds/update",
        "http://h:3030/ds/data",
    )
    assert ep.profile.update_post_directly
    assert get_profile("virtuoso-auth").auth == "digest"
    virtuoso = RemoteStore(resolve("http://v:8890", get_profile("virtuoso"), env={}))
    assert virtuoso._gsp(G1).startswith("http://v:8890/sparql-graph-crud?graph-uri=https%3A%2F%2Fw3id.org")
    ep = resolve(
        "http://h:7200/repositories/r", get_profile("graphdb"), env={"OFSTED_KG_GSP_URL": "http://gsp/x"}
    )
    assert ep.gsp_url == "http://gsp/x"
    with pytest.raises(ProfileError):
        get_profile("stardog-but-misspelt")
    with pytest.raises(ProfileError):
        resolve("ftp://h", get_profile("oxigraph"), env={})


def test_credentials_from_env_url_and_netrc(tmp_path: Path) -> None:
    url, found = credentials.load("http://alice:s3cret@h:7878/", env={})
    assert url == "http://h:7878/" and found.user == "alice" and found.password == "s3cret"
    assert "s3cret" not in repr(found) and "s3cret" not in str(found)

    _, found = credentials.load("http://h/", env={"OFSTED_KG_TOKEN": "tok-123", "OFSTED_KG_USER": "bob"})
    assert found.authorization_header() == "Bearer tok-123" and "tok-123" not in repr(found)

    netrc_file = tmp_path / "netrc"
    netrc_file.write_text("machine h login carol password pw-netrc\n")
    netrc_file.chmod(0o600)
    _, found = credentials.load("http://h:1/", env={"OFSTED_KG_NETRC": str(netrc_file)})
    assert (found.user, found.password) == ("carol", "pw-netrc")
    _, found = credentials.load("http://other/", env={"OFSTED_KG_NETRC": str(netrc_file)})
    assert found.kind == "none"

    broken = tmp_path / "broken"
    broken.write_text("machine h login dave password pw-leak extra-token-that-breaks\nmachine")
    broken.chmod(0o600)
    with pytest.raises(credentials.CredentialsError) as info:
        credentials.load("http://h/", env={"OFSTED_KG_NETRC": str(broken)})
    assert "pw-leak" not in str(info.value)
    with pytest.raises(credentials.CredentialsError):
        credentials.load("http://h/", env={"OFSTED_KG_NETRC": str(tmp_path / "missing")})


# --- transport: a scripted server ------------------------------------------------------------


TRUNCATED = {
    -1: (
        b'{"head": {"vars": ["s"]}, "results": {"bindings": [{"s": {"type": "uri", "val',
        "application/sparql-results+json",
    ),
    -2: (b'<http://ex/a> <http://ex/p> "unterminated', "text/turtle"),
}


class Scripted(ThreadingHTTPServer):
    def __init__(self, statuses: list[int]) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.statuses = statuses
        self.seen: list[dict[str, str]] = []


class Handler(BaseHTTPRequestHandler):
    server: Scripted

    def _answer(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append(dict(self.headers))
        status = self.server.statuses.pop(0) if self.server.statuses else 200
        body = json.dumps({"head": {}, "boolean": True}).encode()
        content_type = "application/sparql-results+json"
        if status in TRUNCATED:  # the answer breaks off, as when a server hits its query timeout
            body, content_type, status = TRUNCATED[status] + (200,)
        elif status != 200:
            # A careless server echoing the Authorization header back in its error page.
            body = f"error; you sent {self.headers.get('Authorization')}".encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = do_PUT = _answer

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def scripted() -> Iterator[Scripted]:
    httpd = Scripted([])
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def scripted_store(httpd: Scripted, env: dict[str, str], retries: int = 3) -> RemoteStore:
    base = f"http://127.0.0.1:{httpd.server_address[1]}"
    url, found = credentials.load(base, env=env)
    store = RemoteStore(resolve(url, get_profile("oxigraph"), env={}), found, timeout=5, retries=retries)
    store.http.backoff = 0.01
    return store


def test_5xx_is_retried_with_a_bounded_count(scripted: Scripted) -> None:
    scripted.statuses[:] = [503, 502]
    store = scripted_store(scripted, {})
    assert store.ask("ASK { ?s ?p ?o }") is True
    assert len(scripted.seen) == 3

    scripted.seen.clear()
    scripted.statuses[:] = [500] * 10
    with pytest.raises(StoreError, match="HTTP 500"):
        scripted_store(scripted, {}, retries=2).ask("ASK { ?s ?p ?o }")
    assert len(scripted.seen) == 3  # first try + 2 retries

    scripted.seen.clear()
    scripted.statuses[:] = [400]
    with pytest.raises(StoreError, match="HTTP 400"):
        store.ask("ASK { ?s ?p ?o }")
    assert len(scripted.seen) == 1  # a client error is not retried


def test_broken_off_answers_are_store_errors(scripted: Scripted) -> None:
    store = scripted_store(scripted, {})
    scripted.statuses[:] = [-1]
    with pytest.raises(StoreError, match="incomplete or malformed"):
        store.select("SELECT ?s WHERE { ?s ?p ?o }")
    scripted.statuses[:] = [-2]
    with pytest.raises(StoreError, match="incomplete or malformed"):
        list(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))


def test_basic_and_bearer_credentials_are_sent(scripted: Scripted) -> None:
    scripted_store(scripted, {"OFSTED_KG_USER": "alice", "OFSTED_KG_PASSWORD": "pw"}).ask("ASK {}")
    assert scripted.seen[-1]["Authorization"] == "Basic " + base64.b64encode(b"alice:pw").decode()
    scripted_store(scripted, {"OFSTED_KG_TOKEN": "t0ken"}).ask("ASK {}")
    assert scripted.seen[-1]["Authorization"] == "Bearer t0ken"


def test_password_never_in_errors_or_logs(scripted: Scripted, caplog: pytest.LogCaptureFixture) -> None:
    secret = "hunter2-very-secret"
    env = {"OFSTED_KG_USER": "alice", "OFSTED_KG_PASSWORD": secret}
    encoded = base64.b64encode(f"alice:{secret}".encode()).decode()
    caplog.set_level(logging.DEBUG)
    scripted.statuses[:] = [503, 503, 401]
    with pytest.raises(StoreError) as refused:
        scripted_store(scripted, env).select("SELECT * WHERE { ?s ?p ?o }")
    dead = RemoteStore(
        resolve(f"http://127.0.0.1:{free_port()}", get_profile("oxigraph"), env={}),
        credentials.load("http://x", env=env)[1],
        timeout=2,
        retries=1,
    )
    dead.http.backoff = 0.01
    with pytest.raises(StoreError) as unreachable:
        dead.replace_graph(G1, DOC1)
    texts = [str(refused.value), repr(refused.value), str(unreachable.value), repr(dead), repr(dead.http)]
    texts += [record.getMessage() for record in caplog.records]
    assert "HTTP 401" in texts[0] and "cannot reach" in texts[2]
    for text in texts:
        assert secret not in text and encoded not in text


# --- a real Oxigraph server -----------------------------------------------------------------


def test_put_replaces_exactly_one_document(store: RemoteStore) -> None:
    store.replace_graph(G1, DOC1)
    store.replace_graph(G2, DOC2)
    store.replace_graph(G1, b'<http://ex/a> <http://ex/p> "one again" .\n')
    assert store.graphs() == [G1, G2]
    rows = store.select("SELECT ?o WHERE { ?s <http://ex/p> ?o }", {"s": URIRef("http://ex/a")}).rows
    assert rows == [{"o": Literal("one again")}]
    assert (
        len(list(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": G2}))) == 3
    )
    store.drop_graph(G1)
    store.drop_graph(G1)  # dropping an absent graph is quiet
    assert store.graphs() == [G2] and not store.has_graph(G1) and store.has_graph(G2)
    store.replace_graph(G1, b"")  # an empty document still marks itself loaded, as embedded
    assert store.has_graph(G1) and store.graphs() == [G1, G2]


@pytest.mark.parametrize("loader", ["gsp", "update"])
def test_failed_load_leaves_document_as_it_was(server: Server, store: RemoteStore, loader: str) -> None:
    target = store if loader == "gsp" else update_only(server)
    target.replace_graph(G1, DOC1)
    before = server_quads(server)
    with pytest.raises(StoreError):
        target.replace_graph(G1, DOC2 + b'<http://ex/broken> <http://ex/p> "unterminated .\n')
    with pytest.raises(StoreError):
        target.replace_graph(G2, DOC2 + b"this is not n-triples\n")
    assert server_quads(server) == before
    assert not target.has_graph(G2)


def test_update_profile_loads_like_gsp(server: Server, store: RemoteStore) -> None:
    store.replace_graph(G1, DOC1)
    store.add_to_graph(G2, DOC2)
    via_gsp = server_quads(server)
    for graph in store.graphs():
        store.drop_graph(graph)
    other = update_only(server)
    other.replace_graph(G1, DOC2)
    other.replace_graph(G1, DOC1)
    other.add_to_graph(G2, DOC2)
    other.add_to_graph(G1, DOC1)  # adding triples already there changes nothing
    # Blank node labels differ between loads; compare everything else.
    assert {q for q in server_quads(server) if "_:" not in q} == {q for q in via_gsp if "_:" not in q}
    assert len(server_quads(server)) == len(via_gsp)
    other.drop_graph(G2)
    assert other.graphs() == [G1]


@pytest.mark.parametrize("fmt", ["turtle", "trig", "nt", "nq", "jsonld"])
def test_export_streams_every_format(store: RemoteStore, fmt: str) -> None:
    store.replace_graph(G1, DOC1)
    store.replace_graph(G2, DOC2)
    out = io.BytesIO()
    store.export(out, fmt)
    parsed = list(ox.parse(out.getvalue(), format=_FORMATS[fmt]))
    assert len(parsed) == 5
    if fmt in ("trig", "nq", "jsonld"):
        assert {q.graph_name.value for q in parsed} == {str(G1), str(G2)}
    only = io.BytesIO()
    store.export(only, fmt, graphs=[G2])
    assert len(list(ox.parse(only.getvalue(), format=_FORMATS[fmt]))) == 3


def test_injection_changes_nothing_on_the_server(server: Server, store: RemoteStore) -> None:
    store.replace_graph(G1, DOC1)
    before = server_quads(server)
    for value in NASTY:
        rows = store.select("SELECT ?s WHERE { ?s <http://ex/p> ?o }", {"o": Literal(value)}).rows
        assert rows == []
    assert server_quads(server) == before


_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "trig": ox.RdfFormat.TRIG,
    "nt": ox.RdfFormat.N_TRIPLES,
    "nq": ox.RdfFormat.N_QUADS,
    "jsonld": ox.RdfFormat.JSON_LD,
}


@pytest.mark.parametrize(
    ("fmt", "accepts"), [("json", "application/sparql-results+json"), ("turtle", "text/turtle")]
)
def test_the_query_request_is_the_sparql_protocols_form_encoded_post(fmt: str, accepts: str) -> None:
    """The one request SPARQLWrapper builds for us (remote.protocol_request): if an upgrade of
    SPARQLWrapper changes what its internal builder returns, this fails before any server does."""
    from urllib.parse import parse_qs

    # A header comment saying "copies" once made SPARQLWrapper take a query for a COPY update.
    text = "# copies loaded\nSELECT ?s WHERE { ?s ?p ?o }"
    request = protocol_request("http://127.0.0.1:9/sparql", text, fmt, {"timeout": "0"})
    assert request.get_method() == "POST"
    assert request.full_url == "http://127.0.0.1:9/sparql"
    assert request.get_header("Content-type") == "application/x-www-form-urlencoded"
    assert accepts in request.get_header("Accept")
    assert isinstance(request.data, bytes)
    form = parse_qs(request.data.decode("ascii"))
    # SPARQLWrapper also names the format in "format", "output" and "results" (servers that
    # ignore Accept read one of them); the query and the profile's parameters go as given.
    assert form["query"] == [text] and form["timeout"] == ["0"]
    assert set(form) <= {"query", "timeout", "format", "output", "results"}
