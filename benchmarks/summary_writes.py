"""What keeping the authority summaries in each copy's transaction costs the writer.

The documents of a corpus folder are extracted once (outside the timing); then each trial ingests
them into a fresh store with one job, measuring the main process's CPU time (user + system, less
sensitive to a shared machine than wall time): with the summary changes, and with them left out
(the copies' graph changes alone, as a store without summaries would be written).

    python benchmarks/summary_writes.py /tmp/okg-tallies/corpus-x10 --trials 2
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
from pathlib import Path

from ofsted_kg.loaders.record import Provenance

import ofsted_kg.copies as copies
from ofsted_kg.backend import GraphChange
from ofsted_kg.ingest import Built, Failed, build_document, ingest
from ofsted_kg.store import EmbeddedStore


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--trials", type=int, default=3)
    args = parser.parse_args(argv)
    built: dict[str, Built | Failed] = {}

    def builder(path: str, provenance: Provenance) -> Built | Failed:
        if path not in built:
            built[path] = build_document(path, provenance)
        return built[path]

    with_summaries = copies._Counting.change

    def without_summaries(self: copies._Counting) -> tuple[GraphChange, dict]:
        return GraphChange(), {}

    work = Path(tempfile.mkdtemp())
    try:
        with EmbeddedStore(work / "warm.db") as store:
            ingest(store, [args.corpus], jobs=1, progress=False, builder=builder)
        results: dict[str, list[float]] = {"with summaries": [], "without": []}
        for trial in range(args.trials):
            for mode, change in (("with summaries", with_summaries), ("without", without_summaries)):
                copies._Counting.change = change  # type: ignore[method-assign]
                with EmbeddedStore(work / f"{trial}-{mode.replace(' ', '-')}.db") as store:
                    start = cpu_seconds()
                    ingest(store, [args.corpus], jobs=1, progress=False, builder=builder)
                    store.flush()
                    results[mode].append(cpu_seconds() - start)
        copies._Counting.change = with_summaries  # type: ignore[method-assign]
    finally:
        shutil.rmtree(work)
    documents = sum(1 for b in built.values() if isinstance(b, Built))
    print(f"{documents} documents; writer CPU seconds per trial:")
    for mode, seconds in results.items():
        print(f"  {mode}: {', '.join(f'{s:.1f}' for s in seconds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
