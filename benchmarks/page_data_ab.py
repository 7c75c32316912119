"""The page's data step (`page_data`) of one commit against another (or the working tree),
alternating, in one run, step by step.

Same method as ingest_ab.py (whose `package` builds each tree): on this VM a core's speed drifts
by 20-40% within minutes, so only alternating runs compare two versions. Each round runs, for the
old tree then the new, a fresh process that opens the store read-only and builds `page_data` for
every authority, timing each of its steps (the `progress` callback marks where each starts).
Medians per step and in all are reported, with new/old ratios.

    python benchmarks/page_data_ab.py --store x10.db --old 34bacbd
    python benchmarks/page_data_ab.py --store x10.db --old 34bacbd --rounds 5 --out benchmarks/results/page-data-ab.json
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ingest_ab import _head, package

# Run in the child process, with PYTHONPATH set to one tree: prints {step: seconds} as JSON.
CHILD = """
import json, sys, time
from ofsted_kg.connect import StoreSettings, open_backend
from ofsted_kg.page.data import page_data
marks = []
with open_backend(StoreSettings(store=sys.argv[1]), read_only=True) as backend:
    start = time.perf_counter()
    page_data(backend, progress=lambda step: marks.append((step, time.perf_counter())))
    end = time.perf_counter()
steps = {step: round(later - at, 3) for (step, at), (_, later) in zip(marks, [*marks[1:], ("", end)])}
print(json.dumps({**steps, "total": round(end - start, 3)}))
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True, type=Path, help="an embedded store (opened read-only)")
    parser.add_argument("--old", required=True, help="the commit to compare against")
    parser.add_argument("--new", help="the commit to compare (default: the working tree)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "OFSTED_KG_STORE")}
    runs: dict[str, list[dict[str, float]]] = {"old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="okg-page-ab-") as work:
        roots = {"old": package(args.old, Path(work) / "old"), "new": package(args.new, Path(work) / "new")}
        for round_ in range(args.rounds):
            for label, root in roots.items():
                done = subprocess.run(
                    [sys.executable, "-c", CHILD, str(args.store)],
                    env={**env, "PYTHONPATH": str(root)},
                    capture_output=True,
                    text=True,
                )
                if done.returncode:
                    raise SystemExit(f"{label} failed ({done.returncode}): {done.stderr[-600:]}")
                runs[label].append(json.loads(done.stdout.splitlines()[-1]))
                print(f"round {round_ + 1} {label}: {runs[label][-1]}", file=sys.stderr, flush=True)
    steps = list(runs["old"][0])
    medians = {
        label: {s: statistics.median(r[s] for r in rows) for s in steps} for label, rows in runs.items()
    }
    print(f"{'step':28s} {'old s':>8s} {'new s':>8s} {'new/old':>8s}")
    for step in steps:
        old, new = medians["old"][step], medians["new"][step]
        print(f"{step:28s} {old:8.2f} {new:8.2f} {new / old if old else float('nan'):8.2f}")
    if args.out:
        figures = {
            "store": str(args.store),
            "old": args.old,
            "new": args.new or _head(),
            "rounds": args.rounds,
            "when": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "medians": medians,
            "runs": runs,
        }
        args.out.write_text(json.dumps(figures, indent=1) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
