"""Any SPARQL 1.1 store as a Backend: SPARQL 1.1 Protocol, Graph Store Protocol, Update.

- Queries are built as SPARQL 1.1 Protocol requests by SPARQLWrapper (POST, form-encoded; JSON
  results for SELECT/ASK, Turtle for CONSTRUCT) and sent through `remote_http.HttpClient`
  (auth, timeouts, retries). Parameters become a VALUES block (`sparql_bindings`).
- A document is loaded with one Graph Store Protocol PUT of its N-Triples, which the server
  applies atomically: a re-load replaces exactly that document, a failed load leaves it absent.
  Stores without GSP get one SPARQL Update request `DROP SILENT GRAPH; INSERT DATA`, which
  Oxigraph, Fuseki and Virtuoso apply as one transaction.
- Export streams each graph from the server (GSP GET, or CONSTRUCT over `GRAPH`) through
  pyoxigraph's parser and serializer into the output file: one graph's triples at a time are
  in flight, never the whole store.
"""

from __future__ import annotations

import logging
import os
import urllib.request
from collections.abc import Iterable, Iterator, Mapping
from typing import IO
from urllib.parse import quote

import pyoxigraph as ox
from rdflib.term import BNode, Identifier, Literal, URIRef
from SPARQLWrapper import CONSTRUCT, JSON, POST, SELECT, TURTLE, URLENCODED, SPARQLWrapper
from SPARQLWrapper.Wrapper import QueryResult

from . import credentials as creds_mod
from .backend import EXPORT_FORMATS, Backend, GraphChange, SelectResult, StoreError, change_update
from .profiles import Endpoints, ProfileError, get_profile, resolve
from .rdf_io import RDF_FORMATS, nt_term, prefixes_for, to_rdflib
from .remote_http import HttpClient, HttpStatusError, display_url
from .sparql_bindings import BindingError, bind

log = logging.getLogger(__name__)

_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NTRIPLES = "application/n-triples"


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
            credentials=credentials, auth=self.profile.auth, timeout=timeout, retries=retries
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

    def _query(self, sparql: str, bindings: Mapping[str, Identifier] | None, fmt: str) -> QueryResult:
        try:
            text = bind(sparql, bindings)
        except BindingError as exc:
            raise StoreError(f"query parameters: {exc}") from None
        wrapper = SPARQLWrapper(self.endpoints.query_url, returnFormat=fmt)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        for name, value in self.profile.query_params.items():
            wrapper.addParameter(name, value)
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form from the first keyword it finds outside the comments it
        # strips, and it strips only every other line of a comment block: a query whose header
        # says "loaded" or "copies" was taken for a LOAD or COPY update. The form is known here.
        wrapper.queryType = SELECT if fmt == JSON else CONSTRUCT
        # SPARQLWrapper builds the protocol request; our client sends it (auth, retries).
        request = wrapper._createRequest()
        response = self.http.open(request)
        return QueryResult((response, fmt))

    def _convert(self, result: QueryResult) -> dict:
        """The JSON results, or StoreError when the answer broke off (server timeout, dropped link)."""
        try:
            return result.convert()  # type: ignore[return-value]  # JSON was asked for: a dict
        except (ValueError, OSError) as exc:  # JSONDecodeError is a ValueError; read timeouts are OSErrors
            raise StoreError(
                f"{display_url(self.endpoints.query_url)}: incomplete or malformed query results "
                f"({type(exc).__name__}; the server may have hit its query timeout)"
            ) from None
        finally:
            result.response.close()

    def select(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> SelectResult:
        data = self._convert(self._query(sparql, bindings, JSON))
        variables = list(data.get("head", {}).get("vars", []))
        rows = [
            {name: json_term(row[name]) if name in row else None for name in variables}
            for row in data.get("results", {}).get("bindings", [])
        ]
        return SelectResult(variables=variables, rows=rows)

    def ask(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> bool:
        data = self._convert(self._query(sparql, bindings, JSON))
        if "boolean" not in data:
            raise StoreError(f"{display_url(self.endpoints.query_url)}: not an ASK result")
        return bool(data["boolean"])

    def construct(self, sparql: str, bindings: Mapping[str, Identifier] | None = None) -> Iterator[tuple]:
        result = self._query(sparql, bindings, TURTLE)
        with result.response as response:
            fmt = _rdf_format(response.headers.get("Content-Type"))
            for triple in _parse_stream(response, fmt, self.endpoints.query_url):
                yield to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)

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
            from urllib.parse import urlencode

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
        result = self.select(f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {self._graph_pattern()} }}")
        return sorted(URIRef(row["g"]) for row in result.rows if isinstance(row["g"], URIRef))

    # --- export --------------------------------------------------------------------------

    def _graph_triples(self, graph: URIRef) -> Iterator[ox.Triple]:
        if self.endpoints.gsp_url is not None:
            request = urllib.request.Request(self._gsp(graph), method="GET")
            request.add_header("Accept", _NTRIPLES)
            with self.http.open(request) as response:
                fmt = _rdf_format(response.headers.get("Content-Type"))
                yield from _parse_stream(response, fmt, request.full_url)
            return
        result = self._query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": graph}, TURTLE)
        with result.response as response:
            fmt = _rdf_format(response.headers.get("Content-Type"))
            yield from _parse_stream(response, fmt, self.endpoints.query_url)

    def export(self, out: IO[bytes], fmt: str, graphs: Iterable[URIRef] | None = None) -> None:
        if fmt not in EXPORT_FORMATS:
            raise StoreError(f"unknown export format {fmt!r} (known: {', '.join(EXPORT_FORMATS)})")
        names = list(graphs) if graphs is not None else self.graphs()
        ox_format = RDF_FORMATS[fmt]

        def quads() -> Iterator[ox.Quad]:
            for graph in names:
                node = ox.NamedNode(str(graph))
                for triple in self._graph_triples(URIRef(graph)):
                    yield ox.Quad(triple.subject, triple.predicate, triple.object, node)

        def triples() -> Iterator[ox.Triple]:
            for quad in quads():
                yield quad.triple

        items = quads() if ox_format.supports_datasets else triples()
        try:
            ox.serialize(items, out, ox_format, prefixes=prefixes_for(fmt))
        except OSError as exc:
            raise StoreError(f"export: {exc}") from None


def _parse_stream(response: IO[bytes], fmt: ox.RdfFormat, url: str) -> Iterator[ox.Triple]:
    try:
        yield from ox.parse(response, format=fmt)
    except (SyntaxError, OSError) as exc:
        raise StoreError(
            f"{display_url(url)}: incomplete or malformed RDF from the server ({type(exc).__name__})"
        ) from None


def _rdf_format(content_type: str | None) -> ox.RdfFormat:
    media = (content_type or _NTRIPLES).split(";")[0].strip().lower()
    fmt = ox.RdfFormat.from_media_type(media)
    if fmt is None:
        raise StoreError(f"endpoint answered with unsupported RDF media type {media!r}")
    return fmt
