"""Choosing a store on numbers: the same corpus in the embedded store, an Oxigraph server and
Virtuoso 7.2 (Debian's build), each asked the same named queries, summary recount and analyses.

    python benchmarks/backends.py --scale 1 --scale 10        # writes benchmarks/results/backends-xN.json
    python benchmarks/backends.py --table                     # markdown tables from those files

Per scale: the synthetic corpus (benchmarks/corpus_gen.py) is ingested into an embedded store
once; its N-Quads dump is loaded into a fresh Oxigraph server (`oxigraph load`, then `serve`) and
a fresh Virtuoso (one Graph Store PUT per graph, through RemoteStore, as ingest writes). Every
backend then answers: each named query (p50/p95 over --runs runs, the same parameters on every
backend), `refresh_summaries(everything=True)` (every authority's theme tallies recounted and
written), and the analyses behind `ofsted-kg analyse` (recurring, similar, inspectors, themes).
The related-findings graph is computed at x1 only (pairwise: hours at x10).
Virtuoso runs with ResultSetMaxRows raised to 1,000,000 (docs/remote.md: the 10,000 default cuts
the related-findings queries at x10) and MaxQueryExecutionTime 300 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import corpus_gen  # noqa: E402
import scale as bench_scale  # noqa: E402
from servers import oxigraph_binary, start_oxigraph, start_virtuoso, stop_process  # noqa: E402

import queries as bench_queries  # noqa: E402
from ofsted_kg import summary  # noqa: E402
from ofsted_kg.analysis.data import fetch_findings  # noqa: E402
from ofsted_kg.analysis.inspectors import inspector_summaries  # noqa: E402
from ofsted_kg.analysis.recurring import recurring_weaknesses  # noqa: E402
from ofsted_kg.analysis.similar import similar_authorities  # noqa: E402
from ofsted_kg.analysis.themes import theme_cooccurrence  # noqa: E402
from ofsted_kg.backend import Backend  # noqa: E402
from ofsted_kg.remote import RemoteStore  # noqa: E402
from ofsted_kg.store import EmbeddedStore  # noqa: E402

BACKENDS = ("embedded", "oxigraph", "virtuoso")
ANALYSES: dict[str, Callable[[Backend], object]] = {
    "recurring": recurring_weaknesses,
    "similar": similar_authorities,
    "inspectors": inspector_summaries,
    "themes": lambda backend: theme_cooccurrence(fetch_findings(backend)),
}


def seconds(work: Callable[[], object], runs: int = 3) -> float:
    """Median wall time of `runs` calls (after one warm-up)."""
    work()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return sorted(times)[len(times) // 2]


def figures_for(backend: Backend, params: dict, runs: int) -> dict:
    out: dict = {"queries": [asdict(x) for x in bench_queries.measure(backend, runs=runs, params=params)]}
    out["summary_refresh_s"] = seconds(lambda: summary.refresh_summaries(backend, everything=True), runs=1)
    out["analyses_s"] = {name: seconds(lambda f=f: f(backend), runs=1) for name, f in ANALYSES.items()}
    return out


def load_graphs(store: RemoteStore, dump: Path) -> float:
    graphs = bench_scale._graphs_of(dump.read_bytes())  # prepared before the clock starts
    start = time.perf_counter()
    for graph, ntriples in graphs:
        store.replace_graph(graph, ntriples)
    return time.perf_counter() - start


def run_scale(scale: int, work: Path, runs: int, out: Path) -> dict:
    corpus = work / f"x{scale}"
    if not corpus.exists():
        corpus_gen.generate(scale, corpus)
    result: dict = {"scale": scale, "documents": len(list(corpus.glob("*.txt")))}

    def save() -> None:
        out.write_text(json.dumps(result, indent=1))

    store_path = work / f"x{scale}.db"
    result["ingest_embedded"] = bench_scale.ingest_subprocess(store_path, corpus, 2)
    save()
    dump = work / f"x{scale}.nq"
    with EmbeddedStore(store_path) as store:
        if scale == 1:
            # The related-findings graph compares findings pairwise: 25 s and 80,000 triples at
            # x1, hours at x10. Above x1 the two related queries find no links (as in scale.py).
            from ofsted_kg.analysis.related import recompute_related

            start = time.perf_counter()
            recompute_related(store)
            result["related_recompute_embedded_s"] = time.perf_counter() - start
        result["quads"] = store.triple_count()
        with dump.open("wb") as handle:
            store.export(handle, "nq")
        params = bench_queries.sample_parameters(store)
        result["embedded"] = figures_for(store, params, runs)
    save()

    location = work / f"x{scale}-oxigraph"
    start = time.perf_counter()
    subprocess.run(
        [oxigraph_binary(), "load", "--location", str(location), "--file", str(dump)],
        check=True,
        capture_output=True,
    )
    result["oxigraph_load_s"] = time.perf_counter() - start
    server = start_oxigraph(location)
    try:
        result["oxigraph"] = figures_for(
            RemoteStore.from_settings(server.url, "oxigraph", timeout=600), params, runs
        )
    finally:
        server.stop()
    save()

    virtuoso = start_virtuoso(work / f"x{scale}-virtuoso", max_rows=1_000_000, max_seconds=300)
    try:
        remote = RemoteStore.from_settings(virtuoso.url, "virtuoso", timeout=600)
        result["virtuoso_load_s"] = load_graphs(remote, dump)
        result["virtuoso"] = figures_for(remote, params, runs)
        rss = Path(f"/proc/{virtuoso.process.pid}/status").read_text()
        result["virtuoso_rss_mb"] = (
            int(next(x for x in rss.splitlines() if x.startswith("VmHWM")).split()[1]) / 1024
        )
    finally:
        stop_process(virtuoso.process, grace=60)
    save()
    return result


def render(results: Path) -> str:
    lines = []
    for path in sorted(results.glob("backends-x*.json"), key=lambda p: int(p.stem.split("x")[-1])):
        data = json.loads(path.read_text())
        present = [b for b in BACKENDS if b in data]
        lines.append(f"\n**x{data['scale']}**: {data['documents']} documents, {data['quads']:,} quads. ")
        loads = [f"embedded ingest {data['ingest_embedded']['seconds']:.1f} s"]
        if "oxigraph_load_s" in data:
            loads.append(f"Oxigraph bulk load {data['oxigraph_load_s']:.1f} s")
        if "virtuoso_load_s" in data:
            loads.append(f"Virtuoso load by Graph Store PUT {data['virtuoso_load_s']:.1f} s")
        if "virtuoso_rss_mb" in data:
            loads.append(f"Virtuoso peak RSS {data['virtuoso_rss_mb']:.0f} MB")
        lines.append("; ".join(loads) + ".\n")
        lines.append("| named query, p50 ms | " + " | ".join(present) + " |")
        lines.append("|---|" + "---:|" * len(present))
        names = [q["query"] for q in data["embedded"]["queries"]]
        for i, name in enumerate(names):
            cells = [f"{data[b]['queries'][i]['p50_ms']:.1f}" for b in present]
            lines.append(f"| {name} | " + " | ".join(cells) + " |")
        lines.append(
            "| summary refresh, all authorities (s) | "
            + " | ".join(f"{data[b]['summary_refresh_s']:.2f}" for b in present)
            + " |"
        )
        for name in ANALYSES:
            lines.append(
                f"| analyse {name} (s) | "
                + " | ".join(f"{data[b]['analyses_s'][name]:.2f}" for b in present)
                + " |"
            )
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", default=[], help="1, 10 (repeatable)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per named query")
    parser.add_argument("--work", type=Path, default=None, help="working folder (default: a temporary one)")
    parser.add_argument("--table", action="store_true", help="print markdown tables of the results in --out")
    args = parser.parse_args(argv)
    if args.table:
        print(render(args.out))
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="okg-backends-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for factor in args.scale or [1]:
            run_scale(factor, work, args.runs, args.out / f"backends-x{factor}.json")
    print(render(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
