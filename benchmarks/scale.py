"""Scale benchmarks: ingest, store, named queries and export at x1, x10 (and x100) of the example set.

For each scale, on the synthetic corpus of benchmarks/corpus_gen.py:
  - ingest with 1 and 2 jobs into fresh embedded stores (a subprocess each, so peak RSS is its own):
    documents/s, pages/s, triples/s; peak RSS of the main process and of the largest worker;
  - re-ingest of the unchanged corpus (everything skipped by content hash);
  - p50/p95 of every named query on the embedded store and on `oxigraph serve-read-only` over it;
  - Turtle export time;
  - baselines in this process on the same data: reading the documents' text alone (the text
    corpus's extraction floor), and the same load and named queries on an in-memory rdflib Dataset.
x100 (`--replicate 10 --from-store X10_STORE`): a store made of the x10 document graphs ten times
over with fresh report/inspection IRIs (bulk-loaded; the x100 ingest itself takes hours on 2
shared cores), for query latency and export at that size.

    python benchmarks/scale.py --scale 1 --scale 10 --work /tmp/okg-scale --out benchmarks/results
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import subprocess
import sys
import time
from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, URIRef

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus_gen  # noqa: E402
from ofsted_kg.loaders.document import load  # noqa: E402

import queries as bench_queries  # noqa: E402
from ofsted_kg.commands.serve import oxigraph_binary  # noqa: E402
from ofsted_kg.remote import RemoteStore  # noqa: E402
from ofsted_kg.store import EmbeddedStore  # noqa: E402

KEY = re.compile(rb"(/id/(?:graph/report|report)/)([0-9a-f]{16})")
# An inspection is keyed by authority, type and first visit day: a replica gets a suffix on the day.
INSPECTION_KEY = re.compile(rb"(/id/(?:graph/)?inspection/[A-Za-z0-9-]+/[a-z-]+/)([0-9A-Za-z-]+)")


def ingest_subprocess(store: Path, folder: Path, jobs: int) -> dict:
    """Run ingest in a fresh interpreter; its wall time and peak RSS (main, largest worker)."""
    code = (
        "import json,resource,sys,time\n"
        "from ofsted_kg.ingest import ingest\n"
        "from ofsted_kg.store import EmbeddedStore\n"
        "s=EmbeddedStore(sys.argv[1]); t=time.perf_counter()\n"
        "r=ingest(s,[sys.argv[2]],jobs=int(sys.argv[3]),progress=False)\n"
        "t=time.perf_counter()-t; n=s.triple_count(); s.close()\n"
        "print(json.dumps({'seconds':t,'loaded':len(r.loaded),'skipped':len(r.skipped_unchanged),"
        "'failed':len(r.failed),'quads':n,"
        "'rss_main_mb':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,"
        "'rss_worker_mb':resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss/1024}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(store), str(folder), str(jobs)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def text_floor(files: list[Path]) -> float:
    """Seconds to read every document into its report text (no parsing, no RDF): the floor."""
    start = time.perf_counter()
    for path in files:
        load(path)
    return time.perf_counter() - start


def pages_of(files: list[Path]) -> int:
    return sum(path.read_text(encoding="utf-8").count("\f") + 1 for path in files)


def start_server(store: Path) -> tuple[subprocess.Popen, str]:
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
    from servers import free_port, wait_for_query

    port = free_port()
    binary = oxigraph_binary()
    assert binary, "oxigraph binary missing"
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(store), "--bind", f"127.0.0.1:{port}"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for_query(url, process, timeout=60)
    return process, url


def stop_server(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def store_figures(store_path: Path, runs: int, work: Path) -> tuple[dict, Path]:
    """Export time, the N-Quads dump (for the baselines) and named-query latency, embedded and server."""
    figures: dict = {}
    dump = work / f"{store_path.name}.nq"
    with EmbeddedStore(store_path) as store:
        figures["quads"] = store.triple_count()
        start = time.perf_counter()
        with (work / f"{store_path.name}.ttl").open("wb") as out:
            store.export(out, "turtle")
        figures["export_turtle_s"] = time.perf_counter() - start
        figures["export_turtle_mb"] = (work / f"{store_path.name}.ttl").stat().st_size / 1e6
        with dump.open("wb") as out:
            store.export(out, "nq")
        params = bench_queries.sample_parameters(store)
        figures["embedded_queries"] = [
            asdict(x) for x in bench_queries.measure(store, runs=runs, params=params)
        ]
        figures["params"] = {k: {n: str(v) for n, v in b.items()} for k, b in params.items()}
    process, url = start_server(store_path)
    try:
        remote = RemoteStore.from_settings(url)
        figures["server_queries"] = [
            asdict(x) for x in bench_queries.measure(remote, runs=runs, params=params)
        ]
        start = time.perf_counter()
        remote.export(io.BytesIO(), "turtle")
        figures["server_export_turtle_s"] = time.perf_counter() - start
    finally:
        stop_server(process)
    return figures, dump


def baselines(dump: Path, store_path: Path, work: Path, limit_s: int) -> dict:
    """The same triples loaded and queried with rdflib in memory, and loaded into pyoxigraph."""
    figures: dict = {}
    data = dump.read_bytes()
    figures["oxigraph_load_s"], _ = load_seconds(data, work / f"{store_path.name}-reload")
    figures["oxigraph_bulk_load_s"] = bulk_load_seconds(dump, work / f"{store_path.name}-bulk")
    dataset = Dataset(default_union=True)
    start = time.perf_counter()
    dataset.parse(data=data, format="nquads")
    figures["rdflib_load_s"] = time.perf_counter() - start
    with EmbeddedStore(store_path) as backend:
        params = bench_queries.sample_parameters(backend)
    results = bench_queries.rdflib_measure(dataset, params, runs=1, limit_s=limit_s)
    figures["rdflib_queries"] = {
        k: asdict(v) if isinstance(v, bench_queries.Latency) else v for k, v in results.items()
    }
    figures["rdflib_limit_s"] = limit_s
    return figures


def load_seconds(data: bytes, target: Path) -> tuple[float, int]:
    """Seconds for one transactional load of the N-Quads into a fresh on-disk store, and its quads."""
    start = time.perf_counter()
    store = ox.Store(str(target))
    store.load(data, format=ox.RdfFormat.N_QUADS)
    store.flush()
    seconds = time.perf_counter() - start
    quads = len(store)
    del store
    return seconds, quads


def bulk_load_seconds(dump: Path, target: Path) -> float:
    """Seconds for pyoxigraph's bulk loader (no transaction: for a first import) into a fresh store."""
    start = time.perf_counter()
    store = ox.Store(str(target))
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_QUADS)
    store.flush()
    del store
    return time.perf_counter() - start


def load_comparison(dump: Path, work: Path) -> dict:
    """The same N-Quads loaded in this process into pyoxigraph (one transaction, bulk, in memory,
    one transaction per graph as ingest writes) and into rdflib's in-memory Dataset (whole, per graph)."""
    data = dump.read_bytes()
    figures: dict = {"quads_file": str(dump), "bytes": len(data)}
    figures["oxigraph_load_s"], figures["quads"] = load_seconds(data, work / "load-compare.db")
    figures["oxigraph_bulk_load_s"] = bulk_load_seconds(dump, work / "load-compare-bulk.db")
    start = time.perf_counter()
    memory = ox.Store()
    memory.load(data, format=ox.RdfFormat.N_QUADS)
    figures["oxigraph_in_memory_load_s"] = time.perf_counter() - start
    del memory
    # As ingest's writer does it: one transaction per document graph, a flush every 50.
    graphs = _graphs_of(data)
    figures["graphs"] = len(graphs)
    replay = EmbeddedStore(work / "load-compare-replay.db")
    start = time.perf_counter()
    for number, (name, ntriples) in enumerate(graphs, 1):
        replay.replace_graph(name, ntriples)
        if number % 50 == 0:
            replay.flush()
    replay.flush()
    figures["oxigraph_per_graph_s"] = time.perf_counter() - start
    replay.close()
    start = time.perf_counter()
    dataset = Dataset(default_union=True)
    dataset.parse(data=data, format="nquads")
    figures["rdflib_load_s"] = time.perf_counter() - start
    del dataset
    start = time.perf_counter()
    per_graph = Dataset(default_union=True)
    for name, ntriples in graphs:
        per_graph.graph(name).parse(data=ntriples, format="nt")
    figures["rdflib_per_graph_s"] = time.perf_counter() - start
    return figures


def _graphs_of(nquads: bytes) -> list[tuple[URIRef, bytes]]:
    """The dump's named graphs, each as N-Triples (prepared before any timing)."""
    by_graph: dict[str, list] = {}
    for quad in ox.parse(nquads, format=ox.RdfFormat.N_QUADS):
        by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
    return [
        (URIRef(name), ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES))
        for name, triples in by_graph.items()
    ]


def replicate(source_dump: Path, factor: int, target: Path) -> float:
    """A store of `factor` copies of every report and inspection graph (fresh keys); seconds to bulk-load."""
    fixed = re.compile(rb"<https://w3id.org/ofsted-kg/id/graph/(?:shared|ontology|analysis/[^>]*)> \.\n?$")
    replicated = target.with_suffix(".nq")
    with source_dump.open("rb") as src, replicated.open("wb") as out:
        for line in src:
            if fixed.search(line):
                out.write(line)
                continue
            for copy in range(factor):
                if copy == 0:
                    out.write(line)
                    continue
                renamed = KEY.sub(
                    lambda m, c=copy: (
                        m.group(1) + hashlib.sha256(m.group(2) + b"%d" % c).hexdigest()[:16].encode()
                    ),
                    line,
                )
                out.write(
                    INSPECTION_KEY.sub(lambda m, c=copy: m.group(1) + m.group(2) + b"-r%d" % c, renamed)
                )
    start = time.perf_counter()
    store = ox.Store(str(target))
    store.bulk_load(path=str(replicated), format=ox.RdfFormat.N_QUADS)
    store.flush()
    store.optimize()
    del store
    replicated.unlink()
    return time.perf_counter() - start


def run_scale(
    scale: int,
    work: Path,
    runs: int,
    limit_s: int,
    skip_jobs1: bool,
    rdflib: bool = True,
    out: Path | None = None,
) -> dict:
    """Every figure for one scale; written to `out` after each stage, so a cut-short run keeps its figures."""
    corpus = work / f"x{scale}"
    if not corpus.exists():
        corpus_gen.generate(scale, corpus)
    files = sorted(corpus.glob("*.txt"))
    result: dict = {"scale": scale, "documents": len(files), "pages": pages_of(files)}
    result["text_floor_s"] = text_floor(files)

    def save() -> None:
        if out is not None:
            out.write_text(json.dumps(result, indent=1))

    save()
    for jobs in [2] if skip_jobs1 else [2, 1]:
        store = work / f"x{scale}-j{jobs}.db"
        result[f"ingest_j{jobs}"] = ingest_subprocess(store, corpus, jobs)
        save()
    store = work / f"x{scale}-j2.db"
    result["reingest_j2"] = ingest_subprocess(store, corpus, 2)
    save()
    figures, dump = store_figures(store, runs, work)
    result.update(figures)
    save()
    if rdflib:
        result.update(baselines(dump, store, work, limit_s))
        save()
    return result


def _ms(entry: object) -> str:
    if isinstance(entry, dict):
        return f"{entry['p50_ms']:.0f} / {entry['p95_ms']:.0f}"
    return str(entry) if entry else "-"


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else "-"


def _ratio(slow: object, fast: object) -> str:
    """How many times faster `fast` is than `slow` (p50s), or why there is no ratio."""
    if not isinstance(fast, dict):
        return "-"
    if isinstance(slow, str) and slow.startswith("over"):
        return f"> {float(slow.split()[1]) * 1000 / max(fast['p50_ms'], 0.01):,.0f}x"
    if not isinstance(slow, dict):
        return "-"
    return f"{slow['p50_ms'] / max(fast['p50_ms'], 0.01):,.1f}x"


def render(results_dir: Path) -> str:
    """Markdown tables from the JSON results of earlier runs (ratios against the baselines)."""
    lines = [
        "| scale | docs loaded | pages | jobs | ingest s | docs/s | pages/s | quads/s | "
        "vs reading the text alone | peak RSS main / worker MB |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    runs = sorted(results_dir.glob("scale-x*.json"), key=lambda p: int(p.stem.split("x")[-1]))
    loaded = [json.loads(p.read_text()) for p in runs]
    for r in loaded:
        for jobs in (1, 2):
            ing = r.get(f"ingest_j{jobs}")
            if not ing:
                continue
            secs = ing["seconds"]
            floor = r.get("text_floor_s")
            lines.append(
                f"| x{r['scale']} | {ing['loaded']:,} (+{ing['failed']} rejected) | {r['pages']:,} | {jobs} | "
                f"{secs:.1f} | {ing['loaded'] / secs:.1f} | {r['pages'] / secs:.0f} | {ing['quads'] / secs:,.0f} | "
                f"{secs / floor if floor else 0:.1f}x | {ing['rss_main_mb']:.0f} / {ing['rss_worker_mb']:.0f} |"
            )
    lines += [
        "",
        "| scale | quads | text floor s | re-ingest, unchanged | export Turtle s (embedded / server) "
        "| whole dump in one load, s: pyoxigraph on disk / rdflib (ratio) |",
        "|---|---|---|---|---|---|",
    ]
    for r in loaded:
        first = r.get("ingest_j2", {}).get("seconds")
        again = r.get("reingest_j2", {}).get("seconds")
        reingest = (
            "-" if again is None or not first else f"{again:.2f} s ({100 * again / first:.1f}% of first)"
        )
        ox_load, rdf_load = r.get("oxigraph_load_s"), r.get("rdflib_load_s")
        load = (
            f"{ox_load:.1f} / {rdf_load:.1f} ({rdf_load / ox_load:.1f}x)"
            if ox_load and rdf_load
            else (f"{ox_load:.1f} / -" if ox_load else "-")
        )
        lines.append(
            f"| x{r['scale']} | {_count(r.get('quads') or r.get('ingest_j2', {}).get('quads'))} "
            f"| {r.get('text_floor_s', 0):.1f} | {reingest} "
            f"| {r.get('export_turtle_s', 0):.1f} / {r.get('server_export_turtle_s', 0):.1f} "
            f"| {load} |"
        )
    for r in loaded:
        if "embedded_queries" not in r:
            continue
        lines += [
            "",
            f"Named queries at x{r['scale']}: p50 / p95 ms, rows with the sample parameters",
            "",
            "| query | rows | embedded | Oxigraph server | rdflib in memory | rdflib / embedded |",
            "|---|---|---|---|---|---|",
        ]
        server = {q["query"]: q for q in r.get("server_queries", [])}
        rdf = r.get("rdflib_queries", {})
        for q in r["embedded_queries"]:
            name = q["query"]
            lines.append(
                f"| {name} | {q['rows']:,} | {_ms(q)} | {_ms(server.get(name))} | {_ms(rdf.get(name))} "
                f"| {_ratio(rdf.get(name), q)} |"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, action="append", default=[], help="1, 10 (repeatable)")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/okg-scale"), help="scratch folder for corpora and stores"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"), help="JSON results folder")
    parser.add_argument("--runs", type=int, default=20, help="timed runs per named query")
    parser.add_argument(
        "--rdflib-limit", type=int, default=60, help="seconds before an rdflib query is cut off"
    )
    parser.add_argument("--skip-jobs1", action="store_true", help="ingest with 2 jobs only")
    parser.add_argument("--skip-rdflib", action="store_true", help="no rdflib baseline (it needs GBs at x10)")
    parser.add_argument(
        "--replicate", type=int, default=0, help="x100: copies of the --from-store x10 graphs"
    )
    parser.add_argument("--from-store", type=Path, help="the x10 store to replicate")
    parser.add_argument("--table", action="store_true", help="print markdown tables of the results in --out")
    parser.add_argument(
        "--load-compare", type=Path, metavar="NQ", help="only compare loading this N-Quads file three ways"
    )
    args = parser.parse_args(argv)
    if args.table:
        print(render(args.out))
        return 0
    if args.load_compare:
        args.work.mkdir(parents=True, exist_ok=True)
        figures = load_comparison(args.load_compare, args.work)
        (args.out / f"load-{args.load_compare.stem}.json").write_text(json.dumps(figures, indent=1))
        print(json.dumps(figures, indent=1))
        return 0
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for scale in args.scale:
        target = args.out / f"scale-x{scale}.json"
        run_scale(
            scale, args.work, args.runs, args.rdflib_limit, args.skip_jobs1, not args.skip_rdflib, target
        )
        print(f"x{scale}: done", file=sys.stderr)
    if args.replicate and args.from_store:
        source_dump = args.work / f"{args.from_store.name}.nq"
        if not source_dump.exists():
            with EmbeddedStore(args.from_store) as store, source_dump.open("wb") as out:
                store.export(out, "nq")
        target = args.work / f"replicated-x{args.replicate}.db"
        result = {"replicate": args.replicate, "from": str(args.from_store)}
        result["bulk_load_s"] = replicate(source_dump, args.replicate, target)
        figures, _ = store_figures(target, args.runs, args.work)
        result.update(figures)
        (args.out / f"replicated-x{args.replicate}.json").write_text(json.dumps(result, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
