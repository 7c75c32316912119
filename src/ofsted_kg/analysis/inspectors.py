"""Inspector networks: who inspected with whom, which authorities each has seen, how often.

Nodes are inspectors; an edge joins two inspectors named on the same inspection or visit,
weighted by how many they shared. Centrality is networkx's degree and betweenness; communities
are Louvain with a fixed seed so the same store always gives the same groups.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import networkx as nx

from ..backend import Backend
from .data import select_rows, text

LOUVAIN_SEED = 42


@dataclass(frozen=True)
class InspectorSummary:
    inspector: str
    name: str
    inspections: int
    led: int
    authorities: tuple[str, ...]
    co_inspectors: int
    degree_centrality: float
    betweenness: float
    community: int


def inspector_graph(backend: Backend) -> nx.Graph:
    """The co-inspection graph; node attributes carry name, counts and authorities seen."""
    g = nx.Graph()
    visits: dict[str, set[str]] = defaultdict(set)
    led: dict[str, set[str]] = defaultdict(set)
    seen: dict[str, set[str]] = defaultdict(set)
    names: dict[str, str] = {}
    for row in select_rows(backend, "select_inspector_visits"):
        inspector = text(row["inspector"])
        names[inspector] = text(row["inspectorName"])
        visits[inspector].add(text(row["inspection"]))
        seen[inspector].add(text(row["authorityName"]))
        if text(row["lead"]).lower() in ("true", "1"):
            led[inspector].add(text(row["inspection"]))
    for inspector, name in names.items():
        g.add_node(
            inspector,
            label=name,
            type="inspector",
            iri=inspector,
            inspections=len(visits[inspector]),
            led=len(led[inspector]),
            authorities="; ".join(sorted(seen[inspector])),
        )
    for row in select_rows(backend, "select_inspector_pairs"):
        a, b = text(row["inspector"]), text(row["other"])
        for node, name in ((a, text(row["inspectorName"])), (b, text(row["otherName"]))):
            if node not in g:
                g.add_node(node, label=name, type="inspector", iri=node, inspections=0, led=0, authorities="")
        g.add_edge(a, b, weight=int(str(row["inspections"])), type="co_inspected", label="inspected with")
    return g


def inspector_summaries(backend: Backend) -> list[InspectorSummary]:
    g = inspector_graph(backend)
    if not g:
        return []
    degree = nx.degree_centrality(g)
    betweenness = nx.betweenness_centrality(g, weight=None)
    communities = nx.community.louvain_communities(g, weight="weight", seed=LOUVAIN_SEED)
    # Number communities by size then first member, so the numbering is stable too.
    ordered = sorted(communities, key=lambda c: (-len(c), min(g.nodes[n]["label"] for n in c)))
    community_of = {n: i + 1 for i, c in enumerate(ordered) for n in c}
    out = [
        InspectorSummary(
            inspector=n,
            name=d["label"],
            inspections=d["inspections"],
            led=d["led"],
            authorities=tuple(a for a in d["authorities"].split("; ") if a),
            co_inspectors=g.degree(n),
            degree_centrality=round(degree[n], 4),
            betweenness=round(betweenness[n], 4),
            community=community_of[n],
        )
        for n, d in g.nodes(data=True)
    ]
    out.sort(key=lambda s: (-s.inspections, -s.co_inspectors, s.name))
    return out
