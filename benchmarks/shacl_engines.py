"""SHACL engines on the same units: pyshacl-turbo (what ofsted-kg uses where it installs) against
pySHACL, each unit as `validate` checks it (an inspection with its copies' report graphs), verdicts
compared, CPU seconds per unit, in this one process.

    python benchmarks/shacl_engines.py --store ofsted-kg.db --units 20
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from ofsted_kg.store import EmbeddedStore
from ofsted_kg.validate import ENGINES, Validator, store_layout


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--units", type=int, default=20, help="how many inspections (spread over the store)")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    with EmbeddedStore(args.store, read_only=True) as backend:
        units = store_layout(backend).units
        step = max(1, len(units) // args.units)
        data = [
            b"".join(backend.graph_ntriples(g) for g in (u.inspection_graph, *u.report_graphs))
            for u in units[::step][: args.units]
        ]
    load = os.getloadavg()[0]
    figures: dict = {"units": len(data), "triples": sum(d.count(b"\n") for d in data), "load": load}
    verdicts: dict[str, list[bool]] = {}
    for engine in ENGINES:
        validator = Validator.load(engine)
        seconds, verdicts[engine] = [], []
        for unit in data:
            start = time.process_time()
            verdicts[engine].append(validator.validate(unit)[0])
            seconds.append(time.process_time() - start)
        figures[engine] = {"median_ms": 1000 * statistics.median(seconds), "total_s": sum(seconds)}
    figures["same_verdicts"] = len({tuple(v) for v in verdicts.values()}) == 1
    if args.json:
        print(json.dumps(figures, indent=1))
        return 0
    print(f"{figures['units']} inspections ({figures['triples']:,} triples), load average {load:.2f}")
    for engine in ENGINES:
        f = figures[engine]
        print(f"{engine:<14} median {f['median_ms']:8.1f} ms a unit, {f['total_s']:7.2f} s CPU in all")
    print(f"same verdicts: {'yes' if figures['same_verdicts'] else 'NO'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
