"""Golden graphs: tests/fixtures/<case>/input.(pdf|txt) must convert to exactly expected.ttl.

The graph compared is the document graph plus the shared triples the record brings, built with a
fixed software version so that a release does not change every expected file. Comparison is by
RDF isomorphism (rdflib.compare), and a failure lists the missing and extra triples.
Regenerate after an intended change with `python -m tools.devtools golden` and review the diff.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph
from rdflib.compare import graph_diff, to_isomorphic

GOLDEN_SOFTWARE_VERSION = "golden"
INPUT_NAMES = ("input.pdf", "input.txt")
EXPECTED_NAME = "expected.ttl"
LITERAL_PREVIEW = 120  # characters of a long literal shown in a diff line


@dataclass(frozen=True)
class GoldenCase:
    name: str
    input: Path
    expected: Path


def cases(fixtures: Path) -> list[GoldenCase]:
    """Every fixture folder holding an input file, sorted by name."""
    found = []
    for folder in sorted(p for p in fixtures.iterdir() if p.is_dir()) if fixtures.is_dir() else []:
        inputs = [folder / name for name in INPUT_NAMES if (folder / name).exists()]
        if inputs:
            found.append(GoldenCase(folder.name, inputs[0], folder / EXPECTED_NAME))
    return found


def build_graph(path: Path) -> Graph:
    """The graph ofsted-kg makes of one input: document graph + shared triples.

    Needs the extractor (`ofsted_kg.loaders.extract.extract_path`); ImportError if it is absent.
    """
    from ofsted_kg.loaders.extract import extract_path
    from ofsted_kg.loaders.graph import record_to_graph

    built = record_to_graph(extract_path(path), software_version=GOLDEN_SOFTWARE_VERSION)
    graph = Graph()
    for source in (built.document, built.shared):
        for triple in source:
            graph.add(triple)
    for prefix, namespace in built.document.namespaces():
        graph.bind(prefix, namespace, override=True)
    return graph


def _line(triple: tuple) -> str:
    parts = []
    for term in triple:
        text = term.n3()
        if len(text) > LITERAL_PREVIEW:
            text = text[:LITERAL_PREVIEW] + f"... ({len(text)} chars)"
        parts.append(text)
    return " ".join(parts)


def diff(expected: Graph, actual: Graph) -> str:
    """'' when isomorphic; otherwise a readable list of missing (-) and extra (+) triples."""
    iso_expected, iso_actual = to_isomorphic(expected), to_isomorphic(actual)
    if iso_expected == iso_actual:
        return ""
    _both, missing, extra = graph_diff(iso_expected, iso_actual)
    lines = [f"{len(missing)} triples missing, {len(extra)} extra"]
    lines += [f"- {_line(t)}" for t in sorted(missing)]
    lines += [f"+ {_line(t)}" for t in sorted(extra)]
    return "\n".join(lines)


def compare(case: GoldenCase) -> str:
    """'' when the case's input converts to its expected graph, else the diff."""
    if not case.expected.exists():
        return f"{case.expected} is missing: run `python -m tools.devtools golden`"
    expected = Graph().parse(case.expected, format="turtle")
    return diff(expected, build_graph(case.input))


def write_expected(fixtures: Path) -> list[Path]:
    """Regenerate every case's expected.ttl; the files that changed."""
    written = []
    for case in cases(fixtures):
        text = build_graph(case.input).serialize(format="turtle")
        if case.expected.exists() and case.expected.read_text(encoding="utf-8") == text:
            continue
        case.expected.write_text(text, encoding="utf-8")
        written.append(case.expected)
    return written
