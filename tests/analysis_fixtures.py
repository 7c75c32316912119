"""A small hand-made store following docs/design.md, for analysis tests that need exact answers.

The texts are quoted from the example letters (Peterborough 2021/2023 focused visits, Kent 2019
focused visit) so the similarities are those of real sentences; the themes are set by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, PROV, RDFS, SKOS

from ofsted_kg import iris
from ofsted_kg.rdf_io import PREFIXES
from ofsted_kg.store import EmbeddedStore

OKG = Namespace(PREFIXES["okg"])
OA = Namespace(PREFIXES["oa"])
SCHEMA = Namespace(PREFIXES["schema"])

THEMES = {
    "supervision-and-management-oversight": "Supervision and management oversight",
    "care-leavers": "Care leavers",
    "return-home-interviews": "Return home interviews",
}
AUTHORITIES = {"E06000031": "Peterborough", "E10000016": "Kent", "E08000025": "Birmingham"}
NEIGHBOURS = {"E06000031": ["E08000025"], "E10000016": [], "E08000025": ["E06000031"]}


@dataclass(frozen=True)
class F:
    kind: str
    polarity: str
    themes: tuple[str, ...]
    text: str


@dataclass(frozen=True)
class Doc:
    sha: str
    gss: str
    start: str
    doc_type: str
    inspectors: tuple[str, ...]
    findings: tuple[F, ...]

    @property
    def inspection(self) -> URIRef:
        return iris.inspection(iris.inspection_key(self.gss, self.doc_type, self.start, None, self.sha))

    def finding(self, position: int) -> URIRef:
        return iris.finding(self.inspection, position)


SUP = "supervision-and-management-oversight"
DOCS = (
    Doc(
        "a" * 64,
        "E06000031",
        "2021-07-13",
        "focused_visit",
        ("Jenny Turnross", "Mark Ossowski"),
        (
            F(
                "area_for_improvement",
                "concern",
                (SUP,),
                "The quality and impact of management oversight and supervision of social workers' practice.",
            ),
            F(
                "main_finding",
                "concern",
                ("return-home-interviews",),
                "Return home interviews are not always offered to children who go missing from care.",
            ),
            F(
                "main_finding",
                "strength",
                ("care-leavers",),
                "Personal advisers know care leavers well and keep in touch with them regularly.",
            ),
        ),
    ),
    Doc(
        "b" * 64,
        "E06000031",
        "2023-04-18",
        "focused_visit",
        ("Jenny Turnross", "Lisa Walsh"),
        (
            F(
                "area_for_improvement",
                "concern",
                (SUP,),
                "Management oversight and supervision of social workers is not consistently effective in progressing plans.",
            ),
            F(
                "main_finding",
                "concern",
                ("return-home-interviews",),
                "Return home interviews are not consistently offered when children go missing from home or care.",
            ),
        ),
    ),
    Doc(
        "c" * 64,
        "E10000016",
        "2019-01-15",
        "focused_visit",
        ("Lisa Walsh", "Mark Ossowski"),
        (
            F(
                "area_for_improvement",
                "concern",
                (SUP,),
                "The effectiveness of supervision and management oversight in progressing children's plans.",
            ),
            F(
                "main_finding",
                "strength",
                ("care-leavers",),
                "Care leavers speak highly of their personal advisers, who keep in touch with them regularly.",
            ),
        ),
    ),
)


def theme_iri(notation: str) -> URIRef:
    return URIRef(f"{iris.ONTOLOGY}theme-{notation}")


def concept(notation: str) -> URIRef:
    return URIRef(f"{iris.ONTOLOGY}{notation}")


def _nt(g: Graph) -> bytes:
    return g.serialize(format="nt", encoding="utf-8")


def build_store(path: Path) -> EmbeddedStore:
    store = EmbeddedStore(path)
    onto = Graph()
    for notation, label in THEMES.items():
        t = theme_iri(notation)
        onto.add((t, SKOS.inScheme, OKG.ThemeScheme))
        onto.add((t, SKOS.notation, Literal(notation)))
        onto.add((t, SKOS.prefLabel, Literal(label, lang="en")))
    for notation in ("area_for_improvement", "main_finding", "concern", "strength", "focused_visit"):
        onto.add((concept(notation), SKOS.notation, Literal(notation)))
    store.replace_graph(iris.ONTOLOGY_GRAPH, _nt(onto))
    shared = Graph()
    for gss, name in AUTHORITIES.items():
        shared.add((iris.authority(gss), RDF.type, OKG.LocalAuthority))
        shared.add((iris.authority(gss), SKOS.prefLabel, Literal(name)))
        for n in NEIGHBOURS[gss]:
            shared.add((iris.authority(gss), OKG.statisticalNeighbour, iris.authority(n)))
    for doc in DOCS:
        for name in doc.inspectors:
            shared.add((iris.inspector(name), RDF.type, OKG.Inspector))
            shared.add((iris.inspector(name), SCHEMA.name, Literal(name)))
    store.replace_graph(iris.SHARED_GRAPH, _nt(shared))
    for doc in DOCS:
        # Laid out as ingest lays it out: the copy's own graph, and the inspection's graph.
        g, copy = Graph(), Graph()
        report, inspection = iris.report(doc.sha), doc.inspection
        copy.add((report, RDF.type, OKG.Letter))
        g.add((inspection, OKG.primaryReport, report))
        copy.add((report, DCTERMS.title, Literal(f"{AUTHORITIES[doc.gss]} {doc.start}")))
        copy.add((report, PROV.wasGeneratedBy, inspection))
        copy.add((report, OKG.documentType, concept(doc.doc_type)))
        g.add((inspection, OKG.inspectedAuthority, iris.authority(doc.gss)))
        g.add((inspection, OKG.startDate, Literal(doc.start, datatype=XSD.date)))
        for i, name in enumerate(doc.inspectors):
            g.add((inspection, PROV.wasAssociatedWith, iris.inspector(name)))
            assoc = iris.association(inspection, name)
            g.add((inspection, PROV.qualifiedAssociation, assoc))
            g.add((assoc, PROV.agent, iris.inspector(name)))
            g.add((assoc, OKG.isLead, Literal(i == 0)))
        text = "\n\n".join(f.text for f in doc.findings)
        copy.add((report, OKG.text, Literal(text)))
        offset = 0
        for pos, f in enumerate(doc.findings, start=1):
            node = doc.finding(pos)
            g.add((node, RDF.type, OKG.Finding))
            g.add((node, OKG.text, Literal(f.text)))
            g.add((node, OKG.sequence, Literal(pos)))
            g.add((node, OKG.findingKind, concept(f.kind)))
            g.add((node, OKG.polarity, concept(f.polarity)))
            g.add((node, PROV.wasDerivedFrom, report))
            g.add((node, OKG.aboutInspection, inspection))
            for t in f.themes:
                g.add((node, OKG.theme, theme_iri(t)))
            ev, qs = iris.evidence(inspection, pos), iris.quote_selector(inspection, pos)
            g.add((node, OKG.evidence, ev))
            g.add((ev, OA.hasSource, report))
            g.add((ev, OKG.page, Literal(1 + pos // 2)))
            g.add((ev, OA.hasSelector, qs))
            g.add((qs, RDF.type, OA.TextQuoteSelector))
            g.add((qs, OA.exact, Literal(text[offset : offset + len(f.text)])))
            offset += len(f.text) + 2
        copy.add((report, RDFS.label, Literal(doc.sha[:4])))
        store.replace_graph(iris.report_graph(doc.sha), _nt(copy))
        store.replace_graph(iris.inspection_graph(inspection), _nt(g))
    return store


# Real letters for the analysis and browser tests: authorities with two or more documents in the
# example corpus (recurrences) plus enough others for cross-authority links.
REAL_LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "focused-visit_peterborough_2023-05.pdf",
    "ilacs_peterborough_2024-01.pdf",
    "focused-visit_knowsley_2018-11.pdf",
    "ilacs_knowsley_2021-12.pdf",
    "focused-visit_manchester_2018-10.pdf",
    "ilacs_manchester_2022-05.pdf",
    "focused-visit_kent_2024-02.pdf",
    "other_kent_2017-06.pdf",
    "other_norfolk_2015-10.pdf",
    "other_norfolk_2018-01.pdf",
    "ilacs_harrow_2025-03.pdf",
    "ilacs_nottingham_2022-09.pdf",
)


def build_real_store(path: Path, letters_dir: Path, names: tuple[str, ...] = REAL_LETTERS) -> EmbeddedStore:
    from ofsted_kg.ingest import ingest

    store = EmbeddedStore(path)
    summary = ingest(store, [letters_dir / n for n in names], jobs=1, progress=False)
    assert not summary.failed, summary.failed
    return store


def sha256_of(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
