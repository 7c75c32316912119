"""What the tests of the analysts' answers share: the hand-read gold file, and giving reports the
publication dates and Ofsted links their PDFs do not print (from examples/letters/SOURCES.tsv), as
a listing of Ofsted's site would."""

from __future__ import annotations

import csv
import re
from pathlib import Path

from rdflib import Literal, URIRef, namespace

from ofsted_kg import api, iris
from ofsted_kg.ingest import file_sha256

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
CORPUS = ROOT / "tests" / "corpus"
GOLD = ROOT / "tests" / "gold" / "latest_grades.tsv"
URL = re.compile(r"original: (https://files\.ofsted\.gov\.uk/\S+?);")


def gold_rows() -> list[dict[str, str | None]]:
    lines = [line for line in GOLD.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    return [
        {k: (None if v == "-" else v) for k, v in row.items()}
        for row in csv.DictReader(lines, delimiter="\t")
    ]


def publish(kg: api.KnowledgeGraph, prefix: str = "ilacs_") -> dict[str, tuple[str, str]]:
    """Give each loaded report named `prefix*` in SOURCES.tsv its publication date and Ofsted URL
    (dcterms:issued, and dcterms:source as an IRI, in its own graph). File name -> (date, URL)."""
    added = {}
    loaded = set(kg.backend.graphs())
    with (EXAMPLES / "SOURCES.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            found = URL.search(row["notes"])
            sha = file_sha256(EXAMPLES / row["file"])
            if not row["file"].startswith(prefix) or not found or iris.report_graph(sha) not in loaded:
                continue
            report = iris.report(sha)
            issued = Literal(row["letter_date"], datatype=namespace.XSD.date)
            triples = (
                f"{report.n3()} {namespace.DCTERMS.issued.n3()} {issued.n3()} .\n"
                f"{report.n3()} {namespace.DCTERMS.source.n3()} {URIRef(found.group(1)).n3()} .\n"
            )
            kg.backend.add_to_graph(iris.report_graph(sha), triples.encode())
            added[row["file"]] = (row["letter_date"], found.group(1))
    return added
