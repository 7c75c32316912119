"""The analysts' commands against the same questions as plain SPARQL, on one store, in one run.

Each command is run as a user runs it (`ofsted-kg --store S summary --format csv`, a fresh
process: its start-up is part of the time); each baseline is the same question as a plain
SPARQL query over the raw graph (benchmarks/naive/*.rq: class membership by rdfs:subClassOf*,
"latest" by NOT EXISTS, concepts by property paths), run the same way
(`ofsted-kg query benchmarks/naive/summary.rq`). Wall time and CPU time (user + system of the
child) are medians over the runs; the ratio is baseline / command, on wall times of the same run.

    python benchmarks/answers.py --build 10 --work /tmp/okg-answers    # examples/letters + 10 variants each
    python benchmarks/answers.py --store /tmp/okg-answers/x10.db --label x10 --runs 5
    python benchmarks/answers.py --table                                # markdown of benchmarks/results/answers-*.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NAIVE = ROOT / "benchmarks" / "naive"
RESULTS = ROOT / "benchmarks" / "results"
sys.path.insert(0, str(Path(__file__).resolve().parent))

# As a user's install runs: with compiled bytecode (pip compiles it at install, and Python writes
# it for a source checkout on first run). The development machine's environment sets
# PYTHONDONTWRITEBYTECODE, which made every timed run compile ofsted-kg's own modules (~85 ms).
USER_ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

# (name, command arguments, baseline query or None)
CASES: list[tuple[str, list[str], str | None]] = [
    ("summary", ["summary"], "summary.rq"),
    ("summary --as-of", ["summary", "--as-of", "2022-03-31"], None),
    ("history", ["history", "--authority", "Birmingham"], "history.rq"),
    ("trends (grades)", ["trends"], None),
    ("trends movers", ["trends", "movers"], "trends.rq"),
    ("trends themes --theme", ["trends", "themes", "--theme", "placement-sufficiency"], None),
    (
        "findings --theme --polarity --since",
        ["findings", "--theme", "placement-sufficiency", "--polarity", "concern", "--since", "2023-01-01"],
        "findings.rq",
    ),
    ("findings --authority", ["findings", "--authority", "Peterborough"], None),
    (
        "findings --theme --include-unthemed --text",
        ["findings", "--theme", "placement-sufficiency", "--include-unthemed", "--text", "sufficiency"],
        None,
    ),
]


def timed(args: list[str], timeout: float) -> tuple[float, float, int] | None:
    """(wall s, CPU s, rows printed) of one `ofsted-kg` run, or None past the timeout."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ofsted_kg", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=USER_ENV,
        )
    except subprocess.TimeoutExpired:
        return None
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {done.returncode}: {done.stderr.strip()[:300]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, max(len(done.stdout.splitlines()) - 1, 0)


def measure(store: Path, runs: int, timeout: float, baseline_runs: int) -> list[dict]:
    base = ["--store", str(store)]
    out = []
    for name, args, naive in CASES:
        samples = [timed([*base, *args, "--format", "csv"], timeout) for _ in range(runs)]
        done = [s for s in samples if s is not None]
        entry: dict = {"case": name, "command": "ofsted-kg " + " ".join(args)}
        if done:
            entry |= {
                "wall_s": statistics.median(s[0] for s in done),
                "cpu_s": statistics.median(s[1] for s in done),
                "rows": done[0][2],
            }
        if naive and baseline_runs > 0:
            baselines = [
                timed([*base, "query", str(NAIVE / naive), "--format", "csv"], timeout)
                for _ in range(baseline_runs)
            ]
            finished = [s for s in baselines if s is not None]
            entry["baseline"] = naive
            if finished:
                entry |= {
                    "baseline_wall_s": statistics.median(s[0] for s in finished),
                    "baseline_cpu_s": statistics.median(s[1] for s in finished),
                }
            else:
                entry["baseline_wall_s"] = f"over {timeout:.0f}"
        print(json.dumps(entry), file=sys.stderr)
        out.append(entry)
    return out


def build(scale: int, work: Path) -> Path:
    """A store of every example document plus `scale` synthetic variants of each."""
    import corpus_gen

    from ofsted_kg.ingest import ingest
    from ofsted_kg.store import EmbeddedStore

    corpus = work / f"corpus-x{scale}"
    if not corpus.exists():
        corpus_gen.generate(scale, corpus)
    store_path = work / f"x{scale}.db"
    with EmbeddedStore(store_path) as store:
        summary = ingest(store, [ROOT / "examples" / "letters", corpus], jobs=2, progress=False)
    print(f"x{scale}: loaded {len(summary.loaded)}, rejected {len(summary.failed)}", file=sys.stderr)
    return store_path


def render(results: Path) -> str:
    """Markdown tables of the results, one per store."""
    lines = []
    for path in sorted(results.glob("answers-*.json")):
        data = json.loads(path.read_text())
        lines += [
            "",
            f"#### {data['label']}: {data['reports']:,} reports, {data['quads']:,} quads "
            f"(load average {data['load_average']:.1f} at the start; medians of {data['runs']} runs)",
            "",
            "| command | rows | wall s | CPU s | plain SPARQL: wall s | CPU s | plain / command (wall) |",
            "|---|---|---|---|---|---|---|",
        ]
        for e in data["cases"]:
            base, wall = e.get("baseline_wall_s"), e.get("wall_s")
            if isinstance(base, str):  # cut off
                ratio = f"> {float(base.split()[1]) / wall:.0f}x"
            elif base and wall:
                ratio = f"{base / wall:.1f}x"
            else:
                ratio = "-"
            cells = [
                f"`{e['command']}`",
                str(e.get("rows", "-")),
                _seconds(wall),
                _seconds(e.get("cpu_s")),
                base if isinstance(base, str) else _seconds(base),
                _seconds(e.get("baseline_cpu_s")),
                ratio,
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _seconds(value: object) -> str:
    return f"{value:.2f}" if isinstance(value, float) else "-"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, help="the store to measure on")
    parser.add_argument("--label", default="store", help="name of this store in the results (x1, x10, x100)")
    parser.add_argument(
        "--build", type=int, metavar="N", help="first build a store: examples + N variants each"
    )
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/okg-answers"), help="scratch folder for --build"
    )
    parser.add_argument("--runs", type=int, default=5, help="runs of each command (median)")
    parser.add_argument(
        "--baseline-runs", type=int, default=1, help="runs of each plain SPARQL baseline (0: none)"
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is cut off")
    parser.add_argument("--table", action="store_true", help="print markdown of the results in --out")
    parser.add_argument("--out", type=Path, default=RESULTS, help="results folder")
    args = parser.parse_args(argv)
    if args.table:
        print(render(args.out))
        return 0
    store = args.store
    if args.build:
        args.work.mkdir(parents=True, exist_ok=True)
        store = build(args.build, args.work)
        args.label = args.label if args.label != "store" else f"x{args.build}"
    if store is None:
        parser.error("give --store or --build")
    from ofsted_kg.store import EmbeddedStore

    with EmbeddedStore(store) as backend:
        quads = backend.triple_count()
        reports = int(
            backend.select(
                "SELECT (COUNT(?r) AS ?n) WHERE { ?r a <https://w3id.org/ofsted-kg/ontology#Report> }"
            ).rows[0]["n"]
        )
    load = os.getloadavg()[0]
    cases = measure(store, args.runs, args.timeout, args.baseline_runs)
    args.out.mkdir(parents=True, exist_ok=True)
    result = {"label": args.label, "store": str(store), "reports": reports, "quads": quads,
              "load_average": load, "runs": args.runs, "bytecode": "written", "cases": cases}  # fmt: skip
    (args.out / f"answers-{args.label}.json").write_text(json.dumps(result, indent=1))
    print(render(args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
