"""The ontology files as rdflib graphs, and lookups of SKOS concepts by notation.

Every `ontology/*.ttl` except the SHACL shapes is part of the ontology (the core ontology and
the theme scheme, which another file holds), so the namespace module, the docs and the loader
all see the same terms. Files are read as package data, never by path.
"""

from __future__ import annotations

import importlib.resources
from functools import cache

from rdflib import Graph, URIRef
from rdflib.namespace import SKOS

ONTOLOGY_PACKAGE = "ofsted_kg.ontology"
OKG_NS = "https://w3id.org/ofsted-kg/ontology#"
SHAPES_FILE = "shapes.ttl"


def ontology_files() -> list[str]:
    """Names of the ontology's Turtle files, sorted (shapes excluded)."""
    root = importlib.resources.files(ONTOLOGY_PACKAGE)
    return sorted(
        entry.name for entry in root.iterdir() if entry.name.endswith(".ttl") and entry.name != SHAPES_FILE
    )


def read_ontology_file(name: str) -> str:
    return (importlib.resources.files(ONTOLOGY_PACKAGE) / name).read_text(encoding="utf-8")


def ontology_graph() -> Graph:
    """A fresh graph of the whole ontology (callers may add to it)."""
    graph = Graph()
    for name in ontology_files():
        graph.parse(data=read_ontology_file(name), format="turtle", publicID=f"{ONTOLOGY_PACKAGE}/{name}")
    return graph


def shapes_graph() -> Graph:
    return Graph().parse(data=read_ontology_file(SHAPES_FILE), format="turtle")


@cache
def ontology_triples() -> tuple[tuple[str, str, str, bool], ...]:
    """The ontology's triples as (subject, predicate, object, object is an IRI) strings, IRIs and
    literal values only (blank nodes left out), parsed once per process by pyoxigraph: the
    lookups below need no rdflib graph (rdflib's Turtle parser takes about a fifth of a second
    for the ontology, in every worker and in the writer)."""
    import pyoxigraph as ox

    out: list[tuple[str, str, str, bool]] = []
    for name in ontology_files():
        data = (importlib.resources.files(ONTOLOGY_PACKAGE) / name).read_bytes()
        for triple in ox.parse(data, format=ox.RdfFormat.TURTLE):
            subject, obj = triple.subject, triple.object
            if isinstance(subject, ox.NamedNode) and isinstance(obj, (ox.NamedNode, ox.Literal)):
                out.append((subject.value, triple.predicate.value, obj.value, isinstance(obj, ox.NamedNode)))
    return tuple(out)


@cache
def _concepts_by_scheme() -> dict[URIRef, dict[str, URIRef]]:
    # Cached: package data cannot change while the process runs, and the loader asks per finding.
    in_scheme, notation = str(SKOS.inScheme), str(SKOS.notation)
    schemes: dict[str, list[str]] = {}
    notations: dict[str, list[str]] = {}
    for subject, predicate, obj, is_iri in ontology_triples():
        if predicate == in_scheme and is_iri:
            schemes.setdefault(subject, []).append(obj)
        elif predicate == notation and not is_iri:
            notations.setdefault(subject, []).append(obj)
    index: dict[URIRef, dict[str, URIRef]] = {}
    for concept, in_schemes in schemes.items():
        for scheme in in_schemes:
            for value in notations.get(concept, ()):
                index.setdefault(URIRef(scheme), {})[value] = URIRef(concept)
    return index


def concept(scheme: URIRef, notation: str) -> URIRef:
    """The concept of `scheme` whose skos:notation is `notation`; KeyError naming both if none."""
    try:
        return _concepts_by_scheme()[scheme][notation]
    except KeyError:
        raise KeyError(f"no concept with notation {notation!r} in {scheme}") from None


def notations(scheme: URIRef) -> dict[str, URIRef]:
    """All notations of a scheme -> concept (empty if the scheme is not (yet) in the ontology)."""
    return dict(_concepts_by_scheme().get(scheme, {}))
