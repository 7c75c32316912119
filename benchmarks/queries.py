"""Named-query latency on any backend, and the same queries on a plain in-memory rdflib Dataset.

Sample parameters come from the loaded data, all from one inspection (the one with most themed
findings), so that parameters co-occur and each query has something to find.

    python benchmarks/queries.py --store ofsted-kg.db            # p50/p95 of every named query
    python benchmarks/queries.py --endpoint http://127.0.0.1:7878
"""

from __future__ import annotations

import argparse
import signal
import statistics
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

from rdflib import Dataset
from rdflib.term import Identifier

from ofsted_kg.backend import Backend
from ofsted_kg.named_queries import NamedQuery, named_queries
from ofsted_kg.query_samples import anchor_inspection, sample_values


@dataclass(frozen=True)
class Latency:
    query: str
    runs: int
    rows: int
    p50_ms: float
    p95_ms: float


def sample_parameters(backend: Backend) -> dict[str, dict[str, Identifier]]:
    """Bindings for every named query (query name -> variable -> term)."""
    anchor = anchor_inspection(backend)
    return {
        name: query.bindings(sample_values(backend, query, anchor)) for name, query in named_queries().items()
    }


def run_once(backend: Backend, query: NamedQuery, bindings: Mapping[str, Identifier]) -> int:
    if query.form == "CONSTRUCT":
        return sum(1 for _ in backend.construct(query.text, bindings))
    return len(backend.select(query.text, bindings).rows)


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


def measure(
    backend: Backend,
    runs: int = 20,
    warmup: int = 1,
    params: Mapping[str, Mapping[str, Identifier]] | None = None,
) -> list[Latency]:
    """p50/p95 of every named query with the sample parameters (computed here unless given, e.g.
    the same ones for the server as for the embedded store)."""
    params = params if params is not None else sample_parameters(backend)
    results = []
    for name, query in named_queries().items():
        rows = 0
        for _ in range(warmup):
            rows = run_once(backend, query, params[name])
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            rows = run_once(backend, query, params[name])
            times.append((time.perf_counter() - start) * 1000)
        results.append(Latency(name, runs, rows, percentile(times, 0.5), percentile(times, 0.95)))
    return results


class Timeout(Exception):
    pass


@contextmanager
def time_limit(seconds: int) -> Iterator[None]:
    """Interrupt pure-Python work (rdflib's evaluator) after `seconds` (main thread, POSIX)."""

    def expire(signum: int, frame: object) -> None:
        raise Timeout

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def rdflib_measure(
    dataset: Dataset, params: dict[str, dict[str, Identifier]], runs: int = 3, limit_s: int = 60
) -> dict[str, Latency | str]:
    """The named queries on an in-memory rdflib Dataset (union default graph): latency, or why not."""
    out: dict[str, Latency | str] = {}
    for name, query in named_queries().items():
        times = []
        rows = 0
        try:
            for _ in range(runs):
                start = time.perf_counter()
                with time_limit(limit_s):
                    result = dataset.query(query.text, initBindings=params[name])
                    rows = len(list(result))
                times.append((time.perf_counter() - start) * 1000)
        except Timeout:
            out[name] = f"over {limit_s} s"
            continue
        except Exception as exc:  # noqa: BLE001 - rdflib fails on some valid queries; report it
            out[name] = f"rdflib error: {type(exc).__name__}: {str(exc)[:80]}"
            continue
        out[name] = Latency(name, runs, rows, percentile(times, 0.5), percentile(times, 0.95))
    return out


def main(argv: list[str] | None = None) -> int:
    from ofsted_kg.connect import StoreSettings, open_backend

    parser = argparse.ArgumentParser(description="p50/p95 latency of every named query")
    parser.add_argument("--store", default="ofsted-kg.db")
    parser.add_argument("--endpoint", default=None)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args(argv)
    with open_backend(StoreSettings(store=args.store, endpoint=args.endpoint)) as backend:
        for lat in measure(backend, runs=args.runs):
            print(f"{lat.query:40s} rows={lat.rows:6d} p50={lat.p50_ms:9.1f} ms p95={lat.p95_ms:9.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
