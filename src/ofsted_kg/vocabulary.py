"""The ontology files as rdflib graphs, and lookups of SKOS concepts by notation.

Every `ontology/*.ttl` except the SHACL shapes is part of the ontology (the core ontology and
the theme scheme, which another file holds), so the namespace module, the docs and the loader
all see the same terms. Files are read as package data, never by path.
"""

from __future__ import annotations

import importlib.resources
from functools import cache

from rdflib import Graph, Literal, URIRef
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
def _concepts_by_scheme() -> dict[URIRef, dict[str, URIRef]]:
    # Cached: package data cannot change while the process runs, and the loader asks per finding.
    graph = ontology_graph()
    index: dict[URIRef, dict[str, URIRef]] = {}
    for concept, scheme in graph.subject_objects(SKOS.inScheme):
        for notation in graph.objects(concept, SKOS.notation):
            if isinstance(notation, Literal) and isinstance(concept, URIRef) and isinstance(scheme, URIRef):
                index.setdefault(scheme, {})[str(notation)] = concept
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
