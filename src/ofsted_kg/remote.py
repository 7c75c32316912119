"""Any SPARQL 1.1 store as a Backend: SPARQL 1.1 Protocol, Graph Store Protocol, Update.

- Queries are built as SPARQL 1.1 Protocol requests by SPARQLWrapper (POST, form-encoded; JSON
  results for SELECT/ASK, Turtle for CONSTRUCT) and sent through `remote_http.HttpClient`
  (auth, one deadline per request, retries). Parameters become a VALUES block (`sparql_bindings`).
- An answer is checked before it is believed: it must be SPARQL results (a login page with
  status 200 is an error naming what came back), complete (a server's "cut at N rows" or
  "partial results" headers are errors naming the setting to raise), and is read by value
  (Virtuoso's 1/0 booleans, its ASK-as-SELECT).
- A document is loaded with one Graph Store Protocol PUT of its N-Triples, which the server
  applies atomically: a re-load replaces exactly that document, a failed load leaves it absent.
  Stores without GSP get one SPARQL Update request `DROP SILENT GRAPH; INSERT DATA`, which
  Oxigraph, Fuseki and Virtuoso apply as one transaction.
- Export streams ofsted-kg's graphs only (named under GRAPH_PREFIX) from the server (GSP GET, or
  CONSTRUCT over `GRAPH`; in pages on a server with a known result cap) through pyoxigraph's
  parser and serializer into the output file, one graph in flight at a time, and checks each
  graph's triples written against a COUNT on the server.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import IO, TYPE_CHECKING, Any
from urllib.parse import quote, urlencode

import pyoxigraph as ox
from rdflib.term import BNode, Identifier, Literal, URIRef
from SPARQLWrapper import CONSTRUCT, JSON, POST, SELECT, TURTLE, URLENCODED, SPARQLWrapper

from . import credentials as creds_mod
from . import iris
from .backend import EXPORT_FORMATS, Backend, GraphChange, RowStream, SelectResult, StoreError, change_update
from .named_queries import as_bool, as_int
from .profiles import Endpoints, ProfileError, get_profile, resolve
from .rdf_io import RDF_FORMATS, XSD_IRI, nt_term, prefixes_for, to_rdflib
from .remote_http import HttpClient, HttpStatusError, Response, readable_text
from .row_values import to_python
from .sparql_bindings import BindingError, bind

if TYPE_CHECKING:
    from .backend import Term

log = logging.getLogger(__name__)

_XSD_STRING = XSD_IRI + "string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NTRIPLES = "application/n-triples"
_JSON_RESULTS = ("application/sparql-results+json", "application/json")
# Every graph ofsted-kg writes is named under this prefix (iris.py): ontology, shared, report,
# summary and analysis graphs, and any kind added later.
GRAPH_PREFIX = iris.BASE + "graph/"


def json_term(value: Mapping[str, str]) -> Identifier:
    """A SPARQL JSON results term as an rdflib term (xsd:string literals are plain)."""
    kind = value["type"]
    if kind == "uri":
        return URIRef(value["value"])
    if kind == "bnode":
        return BNode(value["value"])
    if "xml:lang" in value:
        return Literal(value["value"], lang=value["xml:lang"])
    datatype = value.get("datatype")
    if datatype and datatype not in (_XSD_STRING, _RDF_LANGSTRING):
        return Literal(value["value"], datatype=URIRef(datatype))
    return Literal(value["value"])


def protocol_request(url: str, text: str, fmt: str, params: Mapping[str, str]) -> urllib.request.Request:
    """The SPARQL 1.1 Protocol request for a query (POST, form-encoded; `fmt` JSON for SELECT/ASK,
    TURTLE for CONSTRUCT), as SPARQLWrapper builds it, not sent: `http.open` sends it.

    SPARQLWrapper has no public method that returns the request unsent — `query()` sends it
    through urllib's process-wide opener, which would bypass our client's auth, deadline and
    retries — so this is the one call into its internals (`_createRequest`, in 1.x and 2.0 alike).
    tests/test_remote.py checks the request it builds, so an upgrade that changes it fails
    there rather than against a server.
    """
    wrapper = SPARQLWrapper(url, returnFormat=fmt)
    wrapper.setMethod(POST)
    wrapper.setRequestMethod(URLENCODED)
    for name, value in params.items():
        wrapper.addParameter(name, value)
    wrapper.setQuery(text)
    # SPARQLWrapper guesses the form from the first keyword it finds outside the comments it
    # strips, and it strips only every other line of a comment block: a query whose header
    # says "loaded" or "copies" was taken for a LOAD or COPY update. The form is known here.
    wrapper.queryType = SELECT if fmt == JSON else CONSTRUCT
    return wrapper._createRequest()


class RemoteStore(Backend):
    """A SPARQL 1.1 store reached over HTTP."""

    def __init__(
        self,
        endpoints: Endpoints,
        credentials: creds_mod.Credentials = creds_mod.NO_CREDENTIALS,
        timeout: float = 60.0,
        retries: int = 3,
    ) -> None:
        self.endpoints = endpoints
        self.profile = endpoints.profile
        self.http = HttpClient(
            credentials=credentials,
            auth=self.profile.auth,
            timeout=timeout,
            retries=retries,
            refusal_hint=self.profile.refusal_hint,
        )

    @classmethod
    def from_settings(
        cls,
        endpoint: str,
        profile: str | None = None,
        timeout: float = 60.0,
        urls: Mapping[str, str] | None = None,
    ) -> RemoteStore:
        """The store at `endpoint` (base URL) under the named profile; credentials from env/netrc.

        `urls` overrides the profile's paths, keyed like the environment variables
        (OFSTED_KG_QUERY_URL, OFSTED_KG_UPDATE_URL, OFSTED_KG_GSP_URL); options beat the environment.
        """
        try:
            url, found = creds_mod.load(endpoint)
            env = {**os.environ, **{k: v for k, v in (urls or {}).items() if v}}
            return cls(resolve(url, get_profile(profile), env=env), found, timeout=timeout)
        except (ProfileError, creds_mod.CredentialsError) as exc:
            raise StoreError(str(exc)) from None

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoints.query_url!r}, profile={self.profile.name!r})"

    # --- queries -------------------------------------------------------------------------

    def _query(self, sparql: str, bindings: Mapping[str, Term] | None, fmt: str) -> Response:
        try:
            text = bind(sparql, bindings)
        except BindingError as exc:
            raise StoreError(f"query parameters: {exc}") from None
        return self.http.open(
            protocol_request(self.endpoints.query_url, text, fmt, self.profile.query_params)
        )

    def _results(self, response: Response) -> dict:
        """The JSON results, or StoreError: not results at all (a login or proxy page), broken
        off (server timeout, dropped link), or marked partial by the server."""
        with response:
            if response.media_type not in _JSON_RESULTS:
                raise StoreError(_not_what_was_asked(response, "SPARQL JSON results"))
            body = response.read_all()
        try:
            data = json.loads(body)
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise StoreError(
                f"{response.where}: incomplete or malformed query results "
                "(the server may have hit its query timeout)"
            )
        _check_not_partial(response)
        return data

    def _check_not_cut(self, response: Response, count: int, what: str = "rows") -> None:
        """Fail when the server says it cut the answer at its row limit (Virtuoso's
        X-SPARQL-MaxRows header, sent only when it did)."""
        limit = response.headers.get("X-SPARQL-MaxRows")
        if limit and limit.strip().isdigit() and count >= int(limit):
            raise StoreError(
                f"{response.where}: the server cut the answer at its limit of {int(limit):,} {what} "
                f"(X-SPARQL-MaxRows), so it is incomplete — raise {self.profile.max_rows_setting}"
            )

    def select(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> SelectResult:
        response = self._query(sparql, bindings, JSON)
        data = self._results(response)
        variables = list(data.get("head", {}).get("vars", []))
        bindings_list = data.get("results", {}).get("bindings", [])
        self._check_not_cut(response, len(bindings_list))
        rows = [
            {name: json_term(row[name]) if name in row else None for name in variables}
            for row in bindings_list
        ]
        return SelectResult(variables=variables, rows=rows)

    def select_values(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> RowStream:
        """The answer arrives whole (one JSON document); each row is converted only when read."""
        response = self._query(sparql, bindings, JSON)
        data = self._results(response)
        variables = list(data.get("head", {}).get("vars", []))
        bindings_list = data.get("results", {}).get("bindings", [])
        self._check_not_cut(response, len(bindings_list))
        rows = (
            tuple(to_python(json_term(row[name])) if name in row else None for name in variables)
            for row in bindings_list
        )
        return RowStream(variables=variables, rows=rows)

    def ask(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> bool:
        response = self._query(sparql, bindings, JSON)
        data = self._results(response)
        if "boolean" in data:
            return bool(data["boolean"])
        # Virtuoso 7 answers ASK in JSON as a one-column SELECT: one row (1) for true, none for false.
        if data.get("head", {}).get("vars") == ["__ASK_RETVAL"]:
            rows = data.get("results", {}).get("bindings", [])
            return bool(rows) and bool(as_bool(json_term(rows[0]["__ASK_RETVAL"])))
        raise StoreError(f"{response.where}: not an ASK result")

    def construct(self, sparql: str, bindings: Mapping[str, Term] | None = None) -> Iterator[tuple]:
        response = self._query(sparql, bindings, TURTLE)
        count = 0
        with response:
            fmt = _rdf_format(response)
            for triple in _parse_stream(response, fmt):
                count += 1
                yield to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)
        _check_not_partial(response)
        self._check_not_cut(response, count, "triples")

    # --- graphs --------------------------------------------------------------------------

    def _gsp(self, graph: URIRef) -> str:
        assert self.endpoints.gsp_url is not None
        sep = "&" if "?" in self.endpoints.gsp_url else "?"
        param = self.profile.gsp_graph_param
        return f"{self.endpoints.gsp_url}{sep}{param}={quote(str(graph), safe='')}"

    def _update(self, update: str) -> None:
        url = self.endpoints.update_url
        if self.profile.update_post_directly:
            request = urllib.request.Request(url, data=update.encode("utf-8"), method="POST")
            request.add_header("Content-Type", "application/sparql-update")
        else:
            request = urllib.request.Request(url, data=urlencode({"update": update}).encode(), method="POST")
            request.add_header("Content-Type", "application/x-www-form-urlencoded")
        self.http.open(request).close()

    def _graph_pattern(self) -> str:
        # Oxigraph keeps empty named graphs (an empty document still marks itself loaded, as in
        # the embedded store) and matches them with an empty GRAPH pattern; elsewhere that form
        # is not portable, so a graph counts when it holds a triple.
        return "{}" if self.profile.name == "oxigraph" else "{ ?s ?p ?o }"

    def has_graph(self, graph: URIRef) -> bool:
        return self.ask(f"ASK {{ GRAPH ?g {self._graph_pattern()} }}", {"g": URIRef(graph)})

    def replace_graph(self, graph: URIRef, ntriples: bytes) -> None:
        if self.endpoints.gsp_url is not None:
            request = urllib.request.Request(self._gsp(graph), data=ntriples, method="PUT")
            request.add_header("Content-Type", _NTRIPLES)
            self.http.open(request).close()
            return
        target = nt_term(URIRef(graph))
        body = ntriples.decode("utf-8")
        self._update(f"DROP SILENT GRAPH {target} ;\nINSERT DATA {{ GRAPH {target} {{\n{body}\n}} }}")

    def add_to_graph(self, graph: URIRef, ntriples: bytes) -> None:
        if self.endpoints.gsp_url is not None:
            request = urllib.request.Request(self._gsp(graph), data=ntriples, method="POST")
            request.add_header("Content-Type", _NTRIPLES)
            self.http.open(request).close()
            return
        target = nt_term(URIRef(graph))
        self._update(f"INSERT DATA {{ GRAPH {target} {{\n{ntriples.decode('utf-8')}\n}} }}")

    def drop_graph(self, graph: URIRef) -> None:
        if self.endpoints.gsp_url is not None:
            request = urllib.request.Request(self._gsp(graph), method="DELETE")
            try:
                self.http.open(request).close()
            except HttpStatusError as exc:
                if exc.status != 404:  # dropping an absent graph is not an error (DROP SILENT)
                    raise
            return
        self._update(f"DROP SILENT GRAPH {nt_term(URIRef(graph))}")

    def apply(self, change: GraphChange) -> None:
        # One SPARQL Update request for every graph it touches: applied as one transaction by
        # Oxigraph, Fuseki and Virtuoso (the Graph Store Protocol has no multi-graph request).
        if not change.is_empty():
            self._update(change_update(change))

    def graphs(self) -> list[URIRef]:
        """ofsted-kg's graphs on the server (the server's own, e.g. Virtuoso's virtrdf#, and other
        tools' data are not ours to list, export or count)."""
        # The prefix filter is also what makes this fast on Virtuoso: the bare DISTINCT ?g took
        # 10 s over the seven test letters, filtered 0.06 s.
        result = self.select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {self._graph_pattern()} "
            "FILTER(STRSTARTS(STR(?g), ?prefix)) }",
            {"prefix": Literal(GRAPH_PREFIX)},
        )
        found = (row["g"] for row in result.rows if isinstance(row["g"], URIRef))
        return sorted(URIRef(g) for g in found if str(g).startswith(GRAPH_PREFIX))

    def triple_count(self, graph: URIRef) -> int:
        rows = self.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}).rows
        value = as_int(rows[0]["n"]) if rows else 0
        return value or 0

    # --- export --------------------------------------------------------------------------

    def _graph_triples(self, graph: URIRef) -> Iterator[ox.Triple]:
        """One graph's triples in one answer (GSP GET, or CONSTRUCT over GRAPH)."""
        if self.endpoints.gsp_url is not None:
            request = urllib.request.Request(self._gsp(graph), method="GET")
            request.add_header("Accept", _NTRIPLES)
            with self.http.open(request) as response:
                yield from _parse_stream(response, _rdf_format(response))
            return
        response = self._query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}, TURTLE)
        with response:
            yield from _parse_stream(response, _rdf_format(response))

    def _graph_pages(self, graph: URIRef, size: int) -> Iterator[ox.Triple]:
        """One graph's triples in pages of at most `size` rows, for servers that cut any one
        answer (Virtuoso's GSP GET and CONSTRUCT stop at ResultSetMaxRows).

        Pages follow the subjects' order from where the last one ended (keyset paging): Virtuoso
        refuses a sorted OFFSET past its cap, and a sorted subquery paged by OFFSET repeated and
        skipped rows (measured: 27,496 rows for a 25,000-triple graph). A page ends on a whole
        subject: the rows of the last, perhaps incomplete, subject are read again next time.
        """
        blank_nodes: dict[str, ox.BlankNode] = {}
        after = ""
        while True:
            # The page size is this function's own integer, not user input.
            rows = self.select(
                "SELECT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER(STR(?s) > ?after) } "
                f"ORDER BY STR(?s) LIMIT {size}",
                {"g": graph, "after": Literal(after)},
            ).rows
            full = len(rows) == size
            if full:
                last = rows[-1]["s"]
                rows = [row for row in rows if row["s"] != last]
                if not rows:
                    raise StoreError(
                        f"export: {graph}: one subject has more than {size:,} triples, more than a "
                        f"page — raise {self.profile.max_rows_setting}"
                    )
            for row in rows:
                yield ox.Triple(
                    _to_ox(row["s"], blank_nodes),
                    _to_ox(row["p"], blank_nodes),
                    _to_ox(row["o"], blank_nodes),
                )
            if not full:
                return
            after = str(rows[-1]["s"])

    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        """Stream ofsted-kg's graphs (or the given ones) to `out`, checking each graph's triples
        written against a COUNT on the server: an answer cut short fails, never a short file."""
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
        names = list(graphs) if graphs is not None else self.graphs()
        ox_format = RDF_FORMATS[fmt]
        # Pages under the cap: at exactly the cap Virtuoso flags a page as cut (X-SPARQL-MaxRows).
        page_size = self.profile.default_max_rows // 2 if self.profile.default_max_rows else None

        def quads() -> Iterator[ox.Quad]:
            for graph in names:
                node = ox.NamedNode(str(graph))
                expected = self.triple_count(URIRef(graph))
                if page_size and expected > page_size:
                    triples = self._graph_pages(URIRef(graph), page_size)
                else:
                    triples = self._graph_triples(URIRef(graph))
                written = 0
                for triple in triples:
                    written += 1
                    yield ox.Quad(triple.subject, triple.predicate, triple.object, node)
                if written != expected:
                    raise StoreError(
                        f"export: {graph}: the server sent {written:,} of the graph's {expected:,} "
                        f"triples — raise {self.profile.max_rows_setting}"
                    )

        def triples() -> Iterator[ox.Triple]:
            for quad in quads():
                yield quad.triple

        items = quads() if ox_format.supports_datasets else triples()
        try:
            ox.serialize(items, out, ox_format, prefixes=prefixes_for(fmt))
        except OSError as exc:
            raise StoreError(f"export: {exc}") from None


def _to_ox(term: Identifier | None, blank_nodes: dict[str, ox.BlankNode]) -> Any:
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        # A server's blank node labels are stable across its answers but not valid N-Triples
        # labels everywhere (Virtuoso: nodeID://b123): one fresh node per label.
        return blank_nodes.setdefault(str(term), ox.BlankNode())
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise StoreError(f"unexpected term in a graph: {term!r}")


def _not_what_was_asked(response: Response, wanted: str) -> str:
    """One line for an answer of the wrong kind: a login page, a proxy's error page ..."""
    try:
        start = response.read(2000)
    except OSError:
        start = b""
    shown = readable_text(start, 120)
    media = response.media_type or "no content type"
    message = f"{response.where}: answered HTTP {response.status} with {media}, not {wanted}"
    return message + (f": {shown!r}" if shown else "")


def _check_not_partial(response: Response) -> None:
    """Virtuoso's "anytime" answers: past MaxQueryExecutionTime it may send what it has so far
    with status 200 and an X-SQL-State header; partial results are an error, never data."""
    state = response.headers.get("X-SQL-State")
    if state:
        message = readable_text(response.headers.get("X-SQL-Message") or "", 160)
        raise StoreError(
            f"{response.where}: the server stopped the query early and sent partial results "
            f"({state}: {message}) — raise its time limit (Virtuoso: MaxQueryExecutionTime in the "
            "[SPARQL] section of virtuoso.ini) or narrow the query"
        )


def _parse_stream(response: Response, fmt: ox.RdfFormat) -> Iterator[ox.Triple]:
    try:
        yield from ox.parse(response, format=fmt)  # type: ignore[arg-type]  # a file-like reader
    except (SyntaxError, OSError) as exc:
        if response.timed_out:
            raise StoreError(response.timeout_message()) from None
        raise StoreError(
            f"{response.where}: incomplete or malformed RDF from the server ({type(exc).__name__})"
        ) from None


def _rdf_format(response: Response) -> ox.RdfFormat:
    media = response.media_type or _NTRIPLES
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(_not_what_was_asked(response, "RDF"))
    return fmt
