"""Issue 2's closing check: real letters in, Turtle out through the CLI, and that Turtle
re-parses and passes SHACL (the shapes every loaded document must satisfy)."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF

from ofsted_kg.cli import main
from ofsted_kg.namespace import OKG

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"

LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "focused-visit_kent_2019-02.pdf",
    "ilacs_sunderland_2021-08.pdf",
    "send-area_bury_2024-05.pdf",
)


def test_exported_turtle_reparses_and_passes_shacl(tmp_path: Path) -> None:
    store = tmp_path / "kg.db"
    out = tmp_path / "kg.ttl"
    assert (
        main(["-q", "--store", str(store), "ingest", "--jobs", "1", *(str(EXAMPLES / n) for n in LETTERS)])
        == 0
    )
    assert main(["-q", "--store", str(store), "export", "--format", "turtle", "-o", str(out)]) == 0

    graph = Graph().parse(out, format="turtle")
    reports = set(graph.subjects(RDF.type, OKG.Report))
    assert len(reports) == len(LETTERS)
    # Every finding kept its evidence through the round trip.
    findings = set(graph.subjects(RDF.type, OKG.Finding))
    assert findings and all(graph.value(f, OKG.evidence) is not None for f in findings)
    assert all(isinstance(r, URIRef) for r in reports)

    assert main(["-q", "validate", "--no-reasoner", "--file", str(out)]) == 0
