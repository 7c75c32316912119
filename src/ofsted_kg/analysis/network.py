"""Networks for Gephi and friends: GraphML or GEXF of the findings, authorities or inspectors view.

Every node and edge carries `label`, `type` and `iri` (edges: the link's IRI where one exists),
so a graph opened in Gephi can be traced back to the store.
"""

from __future__ import annotations

import os
from typing import IO

import networkx as nx

from ..backend import Backend
from .data import fetch_findings, select_rows, text
from .inspectors import inspector_graph
from .related import stored_or_computed_links
from .similar import cosine, norm, profiles

VIEWS = ("findings", "authorities", "inspectors")
FORMATS = ("graphml", "gexf")

# Authorities whose profiles are at least this similar are joined in the authorities view.
AUTHORITY_SIMILARITY_EDGE = 0.5


def _label(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def findings_network(backend: Backend) -> nx.Graph:
    """Findings joined by their stored related-findings links."""
    g = nx.Graph()
    for f in fetch_findings(backend):
        g.add_node(
            f.iri,
            label=_label(f.text),
            type="finding",
            iri=f.iri,
            kind=f.kind,
            polarity=f.polarity,
            themes=" ".join(f.themes),
            authority=f.authority_name,
            date=f.date,
            report=f.report,
        )
    for link in stored_or_computed_links(backend):
        if link.finding_a in g and link.finding_b in g:
            g.add_edge(
                link.finding_a,
                link.finding_b,
                label="related",
                type="related",
                iri=str(link.iri),
                weight=link.similarity,
                shared_themes=" ".join(link.shared_themes),
            )
    return g


def authorities_network(backend: Backend) -> nx.Graph:
    """Authorities with findings; edges for profile similarity and for DfE statistical neighbours."""
    vectors, names, totals = profiles(backend)
    g = nx.Graph()
    for a in vectors:
        g.add_node(a, label=names[a], type="authority", iri=a, findings=totals[a])
    ordered = sorted(vectors)
    norms = {a: norm(vector) for a, vector in vectors.items()}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            sim = cosine(vectors[a], vectors[b], norms[a], norms[b])
            if sim >= AUTHORITY_SIMILARITY_EDGE:
                g.add_edge(a, b, label="similar profile", type="similar", iri="", weight=round(sim, 4))
    for row in select_rows(backend, "select_statistical_neighbours"):
        a, b = text(row["authority"]), text(row["neighbour"])
        if a in g and b in g:
            if g.has_edge(a, b):
                g.edges[a, b]["statistical_neighbour"] = True
            else:
                g.add_edge(
                    a, b, label="statistical neighbour", type="statistical_neighbour", iri="", weight=0.0
                )
    for _, _, d in g.edges(data=True):
        d.setdefault("statistical_neighbour", d["type"] == "statistical_neighbour")
    return g


def build_network(backend: Backend, view: str) -> nx.Graph:
    if view == "findings":
        return findings_network(backend)
    if view == "authorities":
        return authorities_network(backend)
    if view == "inspectors":
        return inspector_graph(backend)
    raise ValueError(f"unknown view {view!r} (choose from {', '.join(VIEWS)})")


def export_network(
    backend: Backend, view: str, fmt: str, out: str | os.PathLike[str] | IO[bytes]
) -> nx.Graph:
    """Write the view as GraphML or GEXF to a path or binary stream; returns the graph written."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown network format {fmt!r} (choose from {', '.join(FORMATS)})")
    g = build_network(backend, view)
    if fmt == "graphml":
        nx.write_graphml(g, out)
    else:
        # GEXF reserves an edge's "type" for directed/undirected: the edge kind goes in "kind".
        gexf = g.copy()
        for _, _, data in gexf.edges(data=True):
            data["kind"] = data.pop("type")
        nx.write_gexf(gexf, out)
    return g
