"""Related findings: same theme, similar words, across authorities and over time.

Two findings from different reports are related when they share at least one theme and the
cosine similarity of their TF-IDF vectors reaches `threshold`. Each finding keeps at most
`per_finding` links (its most similar), so a common theme does not turn into a hairball. Links
are written to their own named graph (iris.RELATED_GRAPH), replaced whole on every run; the
document graphs are never touched.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import RDF, XSD, Namespace, URIRef

from .. import iris
from ..backend import Backend
from .data import FindingRow, fetch_findings, fetch_theme_iris, query_text, select_rows, text
from .tfidf import TfidfModel

log = logging.getLogger(__name__)
OKG = Namespace(iris.ONTOLOGY)

# Chosen by reading links on the example corpus: at 0.25 nearly every link shares a specific
# phrase ("return home interviews", "pathway plans"); below 0.2 links rest on generic words.
DEFAULT_THRESHOLD = 0.25
DEFAULT_PER_FINDING = 8


@dataclass(frozen=True)
class RelatedLink:
    finding_a: str
    finding_b: str
    similarity: float
    shared_themes: tuple[str, ...]
    shared_terms: tuple[str, ...]
    same_authority: bool

    @property
    def iri(self) -> URIRef:
        return iris.related_link(self.finding_a, self.finding_b)


def compute_related(
    findings: Sequence[FindingRow],
    threshold: float = DEFAULT_THRESHOLD,
    per_finding: int = DEFAULT_PER_FINDING,
) -> list[RelatedLink]:
    """Related-finding links among these findings (a pure function of the rows)."""
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], not {threshold}")
    model = TfidfModel([f.text for f in findings])
    by_theme: dict[str, list[int]] = defaultdict(list)
    for i, f in enumerate(findings):
        for theme in f.themes:
            by_theme[theme].append(i)
    candidates: dict[tuple[int, int], tuple[float, set[str]]] = {}
    for theme, members in sorted(by_theme.items()):
        if len(members) < 2:
            continue
        for r, c, sim in model.pairs_above(members, threshold):
            i, j = members[r], members[c]
            if findings[i].report == findings[j].report:
                continue
            key = (i, j) if i < j else (j, i)
            entry = candidates.setdefault(key, (sim, set()))
            entry[1].add(theme)
    # Keep a link when it is among the top `per_finding` of either end.
    ranked: dict[int, list[tuple[float, tuple[int, int]]]] = defaultdict(list)
    for key, (sim, _) in candidates.items():
        ranked[key[0]].append((sim, key))
        ranked[key[1]].append((sim, key))
    kept: set[tuple[int, int]] = set()
    for entries in ranked.values():
        entries.sort(key=lambda e: (-e[0], e[1]))
        kept.update(key for _, key in entries[:per_finding])
    links = []
    for i, j in sorted(kept):
        sim, themes = candidates[(i, j)]
        a, b = sorted((findings[i], findings[j]), key=lambda f: f.iri)
        links.append(
            RelatedLink(
                finding_a=a.iri,
                finding_b=b.iri,
                similarity=round(sim, 4),
                shared_themes=tuple(sorted(themes)),
                shared_terms=tuple(model.shared_terms(i, j)),
                same_authority=a.authority == b.authority,
            )
        )
    links.sort(key=lambda link: (-link.similarity, link.finding_a, link.finding_b))
    return links


def links_ntriples(links: Sequence[RelatedLink], theme_iris: dict[str, str]) -> bytes:
    """The N-Triples of the links (okg:RelatedFindings nodes), as the related graph will hold
    them. Written by pyoxigraph from a stream of its own terms: at national scale the links are
    two million triples, which as an rdflib Graph took gigabytes before they were serialised."""
    rdf_type, related_findings = ox.NamedNode(str(RDF.type)), ox.NamedNode(str(OKG.RelatedFindings))
    relates, similarity = ox.NamedNode(str(OKG.relates)), ox.NamedNode(str(OKG.similarity))
    same_authority, shared_theme = ox.NamedNode(str(OKG.sameAuthority)), ox.NamedNode(str(OKG.sharedTheme))
    shared_term = ox.NamedNode(str(OKG.sharedTerm))
    decimal = ox.NamedNode(str(XSD.decimal))
    themes = {theme: ox.NamedNode(iri) for theme, iri in theme_iris.items()}

    def triples() -> Iterator[ox.Triple]:
        for link in links:
            node = ox.NamedNode(str(link.iri))
            yield ox.Triple(node, rdf_type, related_findings)
            yield ox.Triple(node, relates, ox.NamedNode(link.finding_a))
            yield ox.Triple(node, relates, ox.NamedNode(link.finding_b))
            yield ox.Triple(node, similarity, ox.Literal(f"{link.similarity:.4f}", datatype=decimal))
            yield ox.Triple(node, same_authority, ox.Literal(link.same_authority))  # xsd:boolean
            for theme in link.shared_themes:
                if theme in themes:
                    yield ox.Triple(node, shared_theme, themes[theme])
            for term in link.shared_terms:
                yield ox.Triple(node, shared_term, ox.Literal(term))

    return ox.serialize(triples(), format=ox.RdfFormat.N_TRIPLES) or b""


def recompute_related(
    backend: Backend, threshold: float = DEFAULT_THRESHOLD, per_finding: int = DEFAULT_PER_FINDING
) -> list[RelatedLink]:
    """Compute links over every finding in the store and replace the related graph with them."""
    links = compute_related(fetch_findings(backend), threshold, per_finding)
    backend.replace_graph(iris.RELATED_GRAPH, links_ntriples(links, fetch_theme_iris(backend)))
    return links


@dataclass(frozen=True)
class RelatedRow:
    finding: str
    other: str
    similarity: float
    shared_themes: tuple[str, ...]
    other_text: str
    other_quote: str
    other_page: int | None
    other_authority: str
    other_report: str
    other_date: str


def related_from_store(
    backend: Backend, finding: URIRef | None = None, authority: URIRef | None = None
) -> list[RelatedRow]:
    """Stored links for one finding, or for every finding of one authority (named query)."""
    bindings: dict[str, URIRef] = {}
    if finding is not None:
        bindings["finding"] = finding
    if authority is not None:
        bindings["authority"] = authority
    seen: set[tuple[str, str]] = set()
    out = []
    for row in select_rows(backend, "select_related_findings", bindings or None):
        key = (text(row["finding"]), text(row["other"]))
        if key in seen:
            continue
        seen.add(key)
        page = row["otherPage"]
        out.append(
            RelatedRow(
                finding=key[0],
                other=key[1],
                similarity=float(text(row["similarity"], "0")),
                shared_themes=tuple(text(row["sharedThemes"]).split()),
                other_text=text(row["otherText"]),
                other_quote=text(row["otherQuote"]) or text(row["otherText"]),
                other_page=int(str(page)) if page is not None else None,
                other_authority=text(row["otherAuthorityName"]),
                other_report=text(row["otherReport"]),
                other_date=text(row["otherDate"])[:10],
            )
        )
    return out


def stored_links(backend: Backend) -> list[RelatedLink]:
    """Every stored link once (compact: no texts), as the page and the network export need them:
    the links of select_related_links (typed okg:RelatedFindings, two findings, a similarity), in
    its order (most similar first, then by the link's IRI), joined here from the link facts
    (select_related_link_facts: one scan per property instead of a join per link in the store).
    Shared themes are sorted (the query's GROUP_CONCAT order is the store's own)."""
    result = backend.select_values(query_text("select_related_link_facts"))
    column = {name: i for i, name in enumerate(result.variables)}
    link_at, finding_at, similarity_at, theme_at = (
        column[n] for n in ("link", "finding", "similarity", "themeNotation")
    )
    findings: dict[str, set[str]] = defaultdict(set)  # only typed links have findings here
    similarities: dict[str, set[float]] = defaultdict(set)
    themes: dict[str, set[str]] = defaultdict(set)
    for row in result.rows:
        link = row[link_at]
        if row[theme_at] is not None:
            themes[link].add(str(row[theme_at]))
        else:
            findings[link].add(str(row[finding_at]))
            similarities[link].add(float(text(row[similarity_at], "0")))
    rows = []
    for link, related_set in findings.items():
        related = sorted(related_set)
        # The query's pairs: two different findings, the smaller IRI first (STR(a) < STR(b)).
        pairs = [(a, b) for i, a in enumerate(related) for b in related[i + 1 :]]
        shared = tuple(sorted(themes.get(link, ())))
        rows += [(-sim, link, a, b, sim, shared) for a, b in pairs for sim in sorted(similarities[link])]
    rows.sort(key=lambda r: (r[0], r[1]))
    return [
        RelatedLink(
            finding_a=a,
            finding_b=b,
            similarity=sim,
            shared_themes=shared,
            shared_terms=(),
            same_authority=False,  # not stored as a fact to rely on; callers compare authorities
        )
        for _, _, a, b, sim, shared in rows
    ]


def stored_or_computed_links(
    backend: Backend, findings: Sequence[FindingRow] | None = None
) -> list[RelatedLink]:
    """The stored related-finding links; when `related` has stored none yet, computed in memory
    with the default settings (readers such as export and visualise write nothing), and said so."""
    if backend.has_graph(iris.RELATED_GRAPH):
        return stored_links(backend)
    links = compute_related(fetch_findings(backend) if findings is None else findings)
    log.warning(
        "no related-finding links stored yet: computed %d in memory with the default settings "
        "(store them with `ofsted-kg related --recompute`)",
        len(links),
    )
    return links
