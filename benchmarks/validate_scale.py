"""validate at scale: `ofsted-kg validate --all` (cold) and `ofsted-kg validate` (nothing changed) on
a large store, with the ingest that built it, each a subprocess timed from outside.

    python benchmarks/validate_scale.py --build 10 --work /tmp/okg-validate   # x10 synthetic + examples
    python benchmarks/validate_scale.py --store ofsted-kg.db                  # a store you already have

`--build N` writes benchmarks/corpus_gen.py's N variants of each example document (plain text),
ingests them with the 84 example PDFs at 2 jobs into a fresh store (timed: wall, CPU of the
process tree, peak RSS), ingests the same files again (unchanged), then validates. Figures as a
table, or JSON with --json / --out.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from real_pdfs import ROOT, machine, ofsted_kg, run_stage  # noqa: E402


def build(scale: int, work: Path, jobs: int, log) -> tuple[Path, dict]:
    corpus = work / f"corpus-x{scale}"
    if not corpus.exists():
        log(f"writing the x{scale} corpus to {corpus}")
        subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "corpus_gen.py"),
                "--scale",
                str(scale),
                "--out",
                str(corpus),
            ],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    store = work / f"x{scale}.db"
    if store.exists():
        raise SystemExit(f"{store} exists: give a fresh --work folder (ingest is timed into a new store)")
    sources = [str(corpus), str(ROOT / "examples" / "letters")]
    command = [*ofsted_kg(), "ingest", "-q", "--store", str(store), "--jobs", str(jobs), *sources]
    log(f"ingest at {jobs} jobs into a fresh store")
    first = run_stage(command, work)
    log("ingest again, nothing changed")
    again = run_stage(command, work)
    documents = sum(1 for p in corpus.iterdir() if p.suffix == ".txt") + len(
        list((ROOT / "examples" / "letters").glob("*.pdf"))
    )
    return store, {"documents": documents, "jobs": jobs, "ingest": asdict(first), "reingest": asdict(again)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--store", type=Path, help="validate this embedded store")
    where.add_argument("--build", type=int, metavar="N", help="build an xN store first (timed)")
    parser.add_argument("--work", type=Path, help="folder for the corpus and store (default: temporary)")
    parser.add_argument("--jobs", type=int, default=2, help="ingest worker processes for --build")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("-q", "--quiet", action="store_true")
    args = parser.parse_args(argv)

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    result: dict = {"machine": machine(), "load_before": list(os.getloadavg())}
    with tempfile.TemporaryDirectory(prefix="okg-validate-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if args.build:
            store, result["build"] = build(args.build, work, args.jobs, log)
            result["scale"] = args.build
        else:
            store = args.store
        result["store"] = str(store)
        log("validate --all (cold)")
        cold = run_stage([*ofsted_kg(), "validate", "--all", "--store", str(store)], work)
        log("validate (nothing changed)")
        unchanged = run_stage([*ofsted_kg(), "validate", "--store", str(store)], work)
        result["validate_cold"], result["validate_unchanged"] = asdict(cold), asdict(unchanged)
    result["load_after"] = list(os.getloadavg())
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    m = result["machine"]
    print(
        f"{m['date']}, {m['cpus']} CPUs, commit {m['commit']}; load average "
        f"{result['load_before'][0]:.2f} before, {result['load_after'][0]:.2f} after"
    )
    stages = []
    if "build" in result:
        b = result["build"]
        print(f"x{result['scale']}: {b['documents']} documents, ingest at {b['jobs']} jobs")
        stages += [("ingest (fresh store)", b["ingest"]), ("ingest again, unchanged", b["reingest"])]
    stages += [
        ("validate --all (cold)", result["validate_cold"]),
        ("validate, unchanged", result["validate_unchanged"]),
    ]
    for label, stage in stages:
        print(
            f"{label:<26} {stage['wall_s']:>8.2f} s wall {stage['cpu_s']:>8.2f} s CPU  RSS "
            f"{stage['max_process_rss_mb']:.0f} MB largest process, {stage['tree_rss_mb']:.0f} MB tree  "
            f"exit {stage['returncode']}"
        )
    for line in result["validate_cold"]["stdout"].strip().splitlines()[-2:]:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
