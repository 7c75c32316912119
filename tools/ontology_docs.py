"""docs/ontology.md, rendered from the ontology: classes, properties, concept schemes, an example.

The worked example is the first improvement point of Ofsted's focused-visit letter to
Peterborough of 2 August 2021 (examples/letters/, OGL v3), with its real offsets in the report
text read by loaders.document, turned into a graph by loaders.graph.
"""

from __future__ import annotations

from pathlib import Path

from ofsted_kg.loaders.document import BULLET_RE, load
from ofsted_kg.loaders.record import Authority, Finding, Inspector, Recipient, Record, SourceInfo, Span
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, SKOS

from ofsted_kg import iris, vocabulary

REPO_ROOT = Path(__file__).resolve().parent.parent  # tools/ lives in the checkout
EXAMPLE_LETTER = REPO_ROOT / "examples" / "letters" / "focused-visit_peterborough_2021-08.pdf"
IMPROVE_HEADING = "What needs to improve in this area of social work practice"
SOFTWARE_VERSION = "0.1.0"  # fixed, so the docs do not change with every release

PREFIXES = {
    "https://w3id.org/ofsted-kg/ontology#": "okg:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/prov#": "prov:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://purl.org/dc/terms/": "dcterms:",
    "http://www.w3.org/2006/time#": "time:",
    "http://www.w3.org/ns/oa#": "oa:",
    "https://schema.org/": "schema:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2002/07/owl#": "owl:",
}


def peterborough_example() -> Record:
    """The Peterborough 2021 focused visit with its first improvement point as the only finding."""
    loaded = load(EXAMPLE_LETTER)
    report = loaded.report
    paragraphs = report.paragraphs
    heading = next(i for i, p in enumerate(paragraphs) if p.text == IMPROVE_HEADING)
    point = paragraphs[heading + 1]
    bullet = BULLET_RE.match(point.text)
    skip = bullet.end() if bullet else 0
    span = Span(point.start + skip, point.end, point.page)
    text = report.text[span.start : span.end]
    source = SourceInfo(
        EXAMPLE_LETTER.name, loaded.source.sha256, loaded.source.media_type, loaded.source.pages
    )
    return Record(
        document_type="focused_visit",
        authority=Authority("Peterborough", "E06000031"),
        published="2021-08-02",
        visit_start="2021-06-22",
        visit_end="2021-06-23",
        inspectors=[Inspector("Tom Anthony", lead=True), Inspector("Nigel Parkes")],
        recipient=Recipient("Lou Williams", "Director of Children’s Services"),
        improvement_points=[text],
        findings=[Finding("area_for_improvement", text, span, section=IMPROVE_HEADING)],
        source=source,
        text=report.text,
        title="Focused visit to Peterborough City Council children’s services",
        framework="ilacs-2018",
        visit_focus="children in care",
    )


def example_turtle(record: Record) -> str:
    """The finding, its evidence and selectors, as Turtle (the report text itself left out)."""
    from ofsted_kg.loaders.graph import record_to_graph

    built = record_to_graph(record, software_version=SOFTWARE_VERSION)
    finding = next(built.document.subjects(RDF.type, URIRef(vocabulary.OKG_NS + "Finding")))
    keep = Graph()
    for prefix, namespace in built.document.namespaces():
        keep.bind(prefix, namespace)
    frontier = [finding]
    seen: set[URIRef] = set()
    while frontier:
        node = frontier.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in built.document.predicate_objects(node):
            keep.add((node, p, o))
            if isinstance(o, URIRef) and str(o).startswith(str(finding)):
                frontier.append(o)
    return keep.serialize(format="turtle").strip()


def _curie(term: object) -> str:
    text = str(term)
    for namespace, prefix in PREFIXES.items():
        if text.startswith(namespace):
            return prefix + text[len(namespace) :]
    return f"<{text}>"


def _one(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    values = sorted(str(v) for v in graph.objects(subject, predicate) if isinstance(v, Literal))
    return " ".join(values[0].split()) if values else ""


def _list(graph: Graph, subject: URIRef, predicate: URIRef) -> str:
    return ", ".join(sorted(_curie(o) for o in graph.objects(subject, predicate))) or "—"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _terms(graph: Graph, kind: URIRef) -> list[URIRef]:
    return sorted(
        (
            s
            for s in graph.subjects(RDF.type, kind)
            if isinstance(s, URIRef) and s.startswith(vocabulary.OKG_NS)
        ),
        key=str,
    )


def _instances_section() -> list[str]:
    """Instance IRI patterns, shown by minting examples with ofsted_kg.iris (the only place IRIs are made)."""
    sha = "b1870b1892b35091" + "0" * 48
    inspection = iris.inspection(iris.inspection_key("E06000031", "focused_visit", "2021-06-22", None, sha))
    undated = iris.inspection(iris.inspection_key("E06000031", "focused_visit", None, "2021-08-02", sha))
    rows = [
        ("local authority (by GSS code)", iris.authority("E06000031")),
        ("its children's services", iris.childrens_services("E06000031")),
        ("its ONS area (linked, not minted)", iris.gss_area("E06000031")),
        ("area SEND partnership", iris.partnership("E06000031", "send")),
        ("inspectorate", iris.inspectorate("ofsted")),
        ("inspector (by normalised name)", iris.inspector("Tom Anthony")),
        ("inspection (authority, type, first visit day)", inspection),
        ("inspection with no visit dates printed", undated),
        ("qualified association", iris.association(inspection, "Tom Anthony")),
        ("judgement", iris.judgement(inspection, "overall_effectiveness")),
        ("finding (by inspection and position)", iris.finding(inspection, 1)),
        ("its evidence", iris.evidence(inspection, 1)),
        ("authority summary's theme tally", iris.theme_tally(iris.authority("E06000031"), "care-leavers")),
        ("a copy of the report (by the file's SHA-256)", iris.report(sha)),
        ("extraction run (of the copy read)", iris.extraction(sha)),
        ("inspection named graph", iris.inspection_graph(inspection)),
        ("report (copy) named graph", iris.report_graph(sha)),
        ("authority summary named graph", iris.summary_graph(iris.authority("E06000031"))),
        ("shared graph (authorities, inspectors)", iris.SHARED_GRAPH),
        ("ontology graph", iris.ONTOLOGY_GRAPH),
    ]
    out = [
        "",
        "## Instances and named graphs",
        "",
        "Instance IRIs are deterministic (`ofsted_kg/iris.py`), so loading a report twice changes nothing:",
        "",
        "| what | example IRI |",
        "|---|---|",
    ]
    out += [f"| {what} | `{iri}` |" for what, iri in rows]
    return out


def _shapes_section(shapes: Graph) -> list[str]:
    """What `ofsted-kg validate` checks: each shape's targets and the messages of its constraints."""
    out = [
        "",
        "## Validation (SHACL shapes)",
        "",
        "`ontology/shapes.ttl` holds what every inspection must satisfy; `ofsted-kg validate` checks each "
        "inspection of the store (its graph with the graphs of the copies of its report) against it "
        "(pySHACL, with the ontology alongside) and runs HermiT on the "
        "ontology with the shared graph. Warnings are reported without failing validation.",
        "",
        "| shape | applies to | checks |",
        "|---|---|---|",
    ]
    for shape in sorted(s for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)):
        targets = sorted(_curie(t) for t in shapes.objects(shape, SH.targetClass))
        if not targets:
            continue  # helper shapes (scheme membership) are reached through the ones listed
        constraints = [*shapes.objects(shape, SH.property), *shapes.objects(shape, SH.sparql), shape]
        messages = sorted({str(m) for c in constraints for m in shapes.objects(c, SH.message)})
        severity = " (warning)" if (shape, SH.severity, SH.Warning) in shapes else ""
        name = str(shape).rsplit("#", 1)[-1]
        out.append(f"| `{name}`{severity} | {', '.join(targets)} | {_cell('; '.join(messages)) or '—'} |")
    return out


def render_ontology_docs(graph: Graph | None = None, example: Record | None = None) -> str:
    graph = graph if graph is not None else vocabulary.ontology_graph()
    ontology = next(graph.subjects(RDF.type, OWL.Ontology))
    out = [
        "# The ofsted-kg ontology",
        "",
        "<!-- GENERATED by `python -m tools.devtools docs` from ontology/*.ttl; do not edit. -->",
        "",
        _one(graph, ontology, URIRef("http://purl.org/dc/terms/description")),
        "",
        f"- Namespace: `{vocabulary.OKG_NS}` (prefix `okg:`); instances under `https://w3id.org/ofsted-kg/id/`.",
        f"- Version: {_one(graph, ontology, OWL.versionInfo)} (`{_list(graph, ontology, OWL.versionIRI)}`).",
        f"- Files: {', '.join(f'`ontology/{n}`' for n in vocabulary.ontology_files())}; "
        "SHACL shapes in `ontology/shapes.ttl`.",
        "",
        "## Classes",
        "",
        "| class | label | subclass of | meaning |",
        "|---|---|---|---|",
    ]
    for cls in _terms(graph, OWL.Class):
        out.append(
            f"| `{_curie(cls)}` | {_cell(_one(graph, cls, RDFS.label))} | {_list(graph, cls, RDFS.subClassOf)} "
            f"| {_cell(_one(graph, cls, RDFS.comment))} |"
        )
    for title, kind in (
        ("Object properties", OWL.ObjectProperty),
        ("Datatype properties", OWL.DatatypeProperty),
        ("Annotation properties", OWL.AnnotationProperty),
    ):
        out += [
            "",
            f"## {title}",
            "",
            "| property | label | domain | range | subproperty of | meaning |",
            "|---|---|---|---|---|---|",
        ]
        for prop in _terms(graph, kind):
            out.append(
                f"| `{_curie(prop)}` | {_cell(_one(graph, prop, RDFS.label))} | {_list(graph, prop, RDFS.domain)} "
                f"| {_list(graph, prop, RDFS.range)} | {_list(graph, prop, RDFS.subPropertyOf)} "
                f"| {_cell(_one(graph, prop, RDFS.comment))} |"
            )
    out += [
        "",
        "## Concept schemes",
        "",
        "Each concept's `skos:notation` is the value used in JSON records; queries should match concepts by "
        'notation (`?grade skos:notation "good"`) rather than spell their IRIs.',
    ]
    for scheme in _terms(graph, SKOS.ConceptScheme):
        out += [
            "",
            f"### `{_curie(scheme)}` — {_cell(_one(graph, scheme, RDFS.label) or _one(graph, scheme, SKOS.prefLabel))}",
            "",
            _one(graph, scheme, RDFS.comment) or _one(graph, scheme, SKOS.definition),
            "",
            "| notation | concept | label | broader | meaning |",
            "|---|---|---|---|---|",
        ]
        concepts = sorted(
            (c for c in graph.subjects(SKOS.inScheme, scheme) if isinstance(c, URIRef)),
            key=lambda c: (_one(graph, c, SKOS.notation), str(c)),
        )
        for c in concepts:
            label = _one(graph, c, RDFS.label) or _one(graph, c, SKOS.prefLabel)
            meaning = _one(graph, c, RDFS.comment) or _one(graph, c, SKOS.definition)
            broader = _list(graph, c, SKOS.broader)
            out.append(
                f"| `{_one(graph, c, SKOS.notation)}` | `{_curie(c)}` | {_cell(label)} | {broader} | {_cell(meaning)} |"
            )
    out += _instances_section()
    out += _shapes_section(vocabulary.shapes_graph())
    record = example if example is not None else peterborough_example()
    finding = record.findings[0]
    out += [
        "",
        "## Worked example",
        "",
        f"The first improvement point of the focused-visit letter `{EXAMPLE_LETTER.name}` (Ofsted, OGL v3): "
        f"characters {finding.span.start}–{finding.span.end} of the report text, on page {finding.span.page}. "
        "Its finding, evidence and selectors as `ofsted-kg` writes them into the inspection's named graph "
        "(the inspection, its judgements, inspectors and theme tallies are described alongside; each copy "
        "of the report has a graph of its own, and `okg:text` on the copy the findings were read from holds "
        "the whole report text, so SPARQL `SUBSTR(?text, start + 1, end - start)` equals `oa:exact`):",
        "",
        "```turtle",
        example_turtle(record),
        "```",
        "",
    ]
    return "\n".join(out)
