"""Sample parameter values for the named queries, drawn from what a store holds.

All values come from one inspection (the one with most themed findings), so parameters
co-occur and each query has something to find. Used by the cross-backend tests and the query
benchmarks, which must exercise every named query with the same realistic bindings.
"""

from __future__ import annotations

from rdflib import URIRef

from .backend import Backend
from .named_queries import VOCABULARY_TYPES, NamedQuery

PREFIXES = """
PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""
ANCHOR = """SELECT ?i WHERE { ?f okg:aboutInspection ?i ; okg:theme ?t . ?i prov:wasAssociatedWith ?p }
GROUP BY ?i ORDER BY DESC(COUNT(DISTINCT ?f)) ?i LIMIT 1"""
# Parameter name -> a query for its value, given the anchor inspection ?i.
SAMPLES = {
    "inspection": "SELECT ?v WHERE { BIND(?i AS ?v) }",
    "authority": "SELECT ?v WHERE { ?i okg:inspectedAuthority ?v }",
    "authority_name": "SELECT ?v WHERE { ?i okg:inspectedAuthority/skos:prefLabel ?v }",
    "inspector": "SELECT ?v WHERE { ?i prov:wasAssociatedWith ?v } ORDER BY ?v LIMIT 1",
    "finding": "SELECT ?v WHERE { ?v okg:aboutInspection ?i ; okg:theme ?t } ORDER BY ?v LIMIT 1",
    "theme": "SELECT ?v WHERE { ?f okg:aboutInspection ?i ; okg:theme ?v } GROUP BY ?v ORDER BY DESC(COUNT(?f)) ?v LIMIT 1",
    "type": "SELECT ?v WHERE { ?r prov:wasGeneratedBy ?i ; okg:documentType/skos:notation ?v }",
    # The first word of the anchor's first finding, as `words` are given: lower case.
    "words": "SELECT ?v WHERE { ?f okg:aboutInspection ?i ; okg:sequence 1 ; okg:text ?t BIND(LCASE(STRBEFORE(?t, ' ')) AS ?v) }",
}
_LABEL = PREFIXES + "SELECT ?v WHERE { { ?x skos:notation ?v } UNION { ?x skos:prefLabel ?v } } LIMIT 1"


def anchor_inspection(backend: Backend) -> URIRef | None:
    """The inspection the samples come from (an aggregate over every finding: compute it once)."""
    anchors = backend.select(PREFIXES + ANCHOR).rows
    return anchors[0]["i"] if anchors else None  # type: ignore[return-value]


def sample_values(backend: Backend, query: NamedQuery, anchor: URIRef | None = None) -> dict[str, str]:
    """A value present in the data for each of the query's parameters (IRIs, or a concept's
    notation / an authority's label where the parameter is a string); {} for an empty store.
    Pass `anchor` (from `anchor_inspection`) when sampling for several queries."""
    anchor = anchor or anchor_inspection(backend)
    if anchor is None:
        return {}
    values: dict[str, str] = {}
    for param in query.params:
        sample = SAMPLES.get(param.name)
        rows = backend.select(PREFIXES + sample, {"i": anchor}).rows if sample else []
        if not rows or rows[0]["v"] is None:
            continue
        value = rows[0]["v"]
        if param.type in ("string", *VOCABULARY_TYPES) and isinstance(value, URIRef):
            labels = backend.select(_LABEL, {"x": value}).rows
            if not labels:
                continue
            label = labels[0]["v"]
            if label is None:
                continue
            value = label
        values[param.name] = str(value)
    return values
