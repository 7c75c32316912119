"""Theme counts three ways on one store: reading per-authority summaries (what the named queries
do), summing per-inspection tallies (the other design that cannot go stale: counts written inside
each inspection's graph, summed by every query), and counting every finding (tests/direct_queries).

The per-inspection tallies are built in the same store from the findings, under benchmark-only
class and property IRIs so they cannot mix with the real data; each query form is checked to give
the same rows before it is timed. p50/p95 over --runs timed runs after one warm-up, with the sample
parameters of the other query benchmarks (ofsted_kg.query_samples) and unbound. This measurement
chose the design (docs/design.md, "Authority summaries").

    python benchmarks/tallies.py --scale 10 --work /tmp/okg-tallies --out benchmarks/results
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, XSD

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_gen  # noqa: E402

from ofsted_kg.ingest import ingest  # noqa: E402
from ofsted_kg.named_queries import named_queries  # noqa: E402
from ofsted_kg.query_samples import anchor_inspection, sample_values  # noqa: E402
from ofsted_kg.store import EmbeddedStore  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
DIRECT = ROOT / "tests" / "direct_queries"
BENCH = "urn:ofsted-kg-bench:"
SUMMARY_GRAPH = URIRef(BENCH + "authority-summaries")
QUERIES = ("select_authorities_by_theme_count", "select_theme_profiles")

_PREFIXES = "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>\n"
SUMMARY_GRAPH = URIRef(BENCH + "inspection-tallies")
_THEME_COUNTS = (
    _PREFIXES
    + """SELECT ?inspection ?authority ?theme (COUNT(DISTINCT ?finding) AS ?findings) WHERE {
  ?inspection okg:inspectedAuthority ?authority . ?finding okg:aboutInspection ?inspection ; okg:theme ?theme }
GROUP BY ?inspection ?authority ?theme"""
)
_POLARITY_COUNTS = (
    _PREFIXES
    + """SELECT ?inspection ?authority ?theme ?polarity (COUNT(DISTINCT ?finding) AS ?findings) WHERE {
  ?inspection okg:inspectedAuthority ?authority . ?finding okg:aboutInspection ?inspection ; okg:theme ?theme .
  OPTIONAL { ?finding okg:polarity ?stated } BIND(COALESCE(?stated, okg:Polarity_neutral) AS ?polarity) }
GROUP BY ?inspection ?authority ?theme ?polarity"""
)
# The two queries as they would read per-inspection tallies (summed), on the benchmark's IRIs.
PER_INSPECTION = {
    "select_authorities_by_theme_count": f"""PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?theme ?theme_label ?authority_name ?gss_code (SUM(?count) AS ?findings) (COUNT(DISTINCT ?inspection) AS ?inspections)
WHERE {{
  ?theme_concept skos:notation ?theme .
  ?tally <{BENCH}theme> ?theme_concept .
  ?tally a <{BENCH}InspectionThemeTally> .
  ?tally <{BENCH}authority> ?authority ;
         <{BENCH}inspection> ?inspection ;
         <{BENCH}findings> ?count .
  ?authority skos:prefLabel ?authority_name .
  OPTIONAL {{ ?theme_concept skos:prefLabel ?theme_label }}
  OPTIONAL {{ ?authority okg:gssCode ?gss_code }}
}}
GROUP BY ?theme ?theme_label ?authority_name ?gss_code
ORDER BY ?theme DESC(?findings) ?authority_name""",
    "select_theme_profiles": f"""PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?authority ?authorityName ?themeNotation ?polarity (SUM(?count) AS ?findings)
WHERE {{
  ?tally <{BENCH}authority> ?authority .
  ?tally a <{BENCH}InspectionThemePolarityTally> .
  ?tally <{BENCH}theme> ?theme ;
         <{BENCH}polarity> ?polarityConcept ;
         <{BENCH}findings> ?count .
  ?theme skos:notation ?themeNotation .
  ?polarityConcept skos:notation ?polarity .
  OPTIONAL {{ ?authority skos:prefLabel ?prefName }}
  OPTIONAL {{ ?authority rdfs:label ?rdfsName }}
  BIND(COALESCE(?prefName, ?rdfsName, STR(?authority)) AS ?authorityName)
}}
GROUP BY ?authority ?authorityName ?themeNotation ?polarity
ORDER BY ?authorityName ?themeNotation ?polarity""",
}


def build_inspection_tallies(store: EmbeddedStore) -> int:
    """Per-inspection tallies counted from the findings; the number of tallies written."""
    lines = []
    for kind, query in (
        ("InspectionThemeTally", _THEME_COUNTS),
        ("InspectionThemePolarityTally", _POLARITY_COUNTS),
    ):
        for number, row in enumerate(store.select(query).rows):
            node = URIRef(f"{BENCH}{kind}/{number}")
            triples = [
                (node, RDF.type, URIRef(BENCH + kind)),
                (node, URIRef(BENCH + "inspection"), row["inspection"]),
                (node, URIRef(BENCH + "authority"), row["authority"]),
                (node, URIRef(BENCH + "theme"), row["theme"]),
                (node, URIRef(BENCH + "findings"), Literal(int(row["findings"]), datatype=XSD.integer)),
            ]
            if "polarity" in row:
                triples.append((node, URIRef(BENCH + "polarity"), row["polarity"]))
            lines += [f"{s.n3()} {p.n3()} {o.n3()} .\n" for s, p, o in triples]
    store.replace_graph(SUMMARY_GRAPH, "".join(lines).encode("utf-8"))
    return sum(1 for line in lines if f"<{RDF.type}>" in line)


def rows(store: EmbeddedStore, text: str, bindings: dict) -> list[tuple[str, ...]]:
    result = store.select(text, bindings)
    return [tuple(str(row.get(v)) for v in result.variables) for row in result.rows]


def timed(store: EmbeddedStore, text: str, bindings: dict, runs: int) -> dict:
    store.select(text, bindings)  # warm-up
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        store.select(text, bindings)
        seconds.append(time.perf_counter() - start)
    ordered = sorted(seconds)
    p95 = statistics.quantiles(ordered, n=100, method="inclusive")[94] if len(ordered) > 1 else ordered[0]
    return {"p50_ms": statistics.median(ordered) * 1000, "p95_ms": p95 * 1000}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=10)
    parser.add_argument("--work", type=Path, required=True, help="folder for the corpus and the store")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)

    corpus = args.work / f"corpus-x{args.scale}"
    if not corpus.is_dir():
        corpus_gen.generate(args.scale, corpus)
    store_path = args.work / f"x{args.scale}.db"
    results: dict = {"scale": args.scale}
    with EmbeddedStore(store_path) as store:
        start = time.perf_counter()
        loaded = ingest(store, [corpus], jobs=args.jobs, progress=False)
        results["ingest"] = {
            "seconds": time.perf_counter() - start,
            "loaded": len(loaded.loaded),
            "skipped": len(loaded.skipped_unchanged),
            "failed": len(loaded.failed),
            "further_copies": len(loaded.alternates),
            "quads": store.triple_count(),
        }
        results["per_inspection_tallies"] = build_inspection_tallies(store)
        counts = store.select(
            _PREFIXES + "SELECT (COUNT(DISTINCT ?i) AS ?inspections) (COUNT(DISTINCT ?t) AS ?tallies) "
            "WHERE { ?i okg:primaryReport ?r . OPTIONAL { ?t okg:inSummary ?s } }"
        ).rows[0]
        results["inspections"] = int(counts["inspections"])
        results["per_authority_tallies"] = int(counts["tallies"])
        anchor = anchor_inspection(store)
        results["queries"] = {}
        for name in QUERIES:
            query = named_queries()[name]
            direct = (DIRECT / f"{name}.rq").read_text(encoding="utf-8")
            sample = query.bindings(sample_values(store, query, anchor))
            for label, bindings in (("bound", sample), ("unbound", {})):
                forms = {
                    "per_inspection_tallies": PER_INSPECTION[name],
                    "per_authority_summaries": query.text,
                    "counting_findings": direct,
                }
                expected = rows(store, direct, bindings)
                entry = {"rows": len(expected), "parameters": {k: str(v) for k, v in bindings.items()}}
                for form, text in forms.items():
                    got = rows(store, text, bindings)
                    if got != expected:
                        raise SystemExit(f"{name} ({label}): {form} gives other rows than counting findings")
                    entry[form] = timed(store, text, bindings, args.runs)
                results["queries"][f"{name} ({label})"] = entry
                print(name, label, json.dumps(entry), file=sys.stderr)
    args.out.mkdir(parents=True, exist_ok=True)
    target = args.out / f"tallies-x{args.scale}.json"
    target.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(render(results))
    return 0


def render(results: dict) -> str:
    lines = [
        f"x{results['scale']}: {results['ingest']['loaded']} copies loaded, "
        f"{results.get('inspections', results.get('inspections_with_tallies'))} inspections; "
        f"{results['per_inspection_tallies']:,} per-inspection tallies, "
        f"{results['per_authority_tallies']:,} per-authority tallies",
        "",
        "| query | rows | per-inspection tallies (summed) | per-authority summaries | counting findings |",
        "|---|---|---|---|---|",
    ]
    for name, entry in results["queries"].items():
        cells = [
            f"{entry[form]['p50_ms']:.0f} / {entry[form]['p95_ms']:.0f}"
            for form in ("per_inspection_tallies", "per_authority_summaries", "counting_findings")
        ]
        lines.append(f"| {name} | {entry['rows']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
