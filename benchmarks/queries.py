"""Named-query latency on any backend, and the same queries on a plain in-memory rdflib Dataset.

Sample parameters come from the loaded data, all from one inspection (the one with most themed
findings), so that parameters co-occur and each query has something to find.

    python benchmarks/queries.py --store ofsted-kg.db            # p50/p95 of every named query
    python benchmarks/queries.py --endpoint http://127.0.0.1:7878
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import signal
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from functools import partial
from pathlib import Path

from rdflib import Dataset
from rdflib.term import Identifier

from ofsted_kg.backend import Backend
from ofsted_kg.named_queries import NamedQuery, named_queries, parse_query
from ofsted_kg.query_samples import anchor_inspection, sample_values
from ofsted_kg.tables import write_triples


@dataclass(frozen=True)
class Latency:
    query: str
    runs: int
    rows: int
    p50_ms: float
    p95_ms: float
    # The first page (`query NAME --limit PAGE`), where the answer is longer than a page.
    page_p50_ms: float | None = None
    # The same question the way `query` ran it before rows were streamed (every row made rdflib
    # terms, then Python values), and the earlier text of the query (--baseline-dir), same run.
    materialised_p50_ms: float | None = None
    baseline_p50_ms: float | None = None


def sample_parameters(backend: Backend) -> dict[str, dict[str, Identifier]]:
    """Bindings for every named query (query name -> variable -> term)."""
    anchor = anchor_inspection(backend)
    return {
        name: query.bindings(sample_values(backend, query, anchor)) for name, query in named_queries().items()
    }


def run_once(
    backend: Backend, query: NamedQuery, bindings: Mapping[str, Identifier], limit: int | None = None
) -> int:
    """What `ofsted-kg query NAME [--limit N]` does short of printing: every row read as Python
    values (a CONSTRUCT's triples serialised as N-Triples), or the first `limit` rows."""
    if query.form == "CONSTRUCT":
        out = _Counter()
        write_triples(backend, query.text, bindings, out, "nt")  # type: ignore[arg-type]
        return out.lines
    rows = backend.select_values(query.text, bindings).rows
    return sum(1 for _ in itertools.islice(rows, limit))


class _Counter:
    """A binary sink counting lines (the triples of an N-Triples stream)."""

    def __init__(self) -> None:
        self.lines = 0

    def write(self, data: bytes) -> int:
        self.lines += data.count(b"\n")
        return len(data)

    def flush(self) -> None:
        pass


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[round(fraction * 100) - 1]


PAGE = 100


def run_materialised(backend: Backend, query: NamedQuery, bindings: Mapping[str, Identifier]) -> int:
    """How `query` read a SELECT before it streamed: the whole answer as rdflib terms, then values."""
    from ofsted_kg.row_values import to_python

    result = backend.select(query.text, bindings)
    return len([[to_python(row.get(v)) for v in result.variables] for row in result.rows])


def measure(
    backend: Backend,
    runs: int = 20,
    warmup: int = 1,
    params: Mapping[str, Mapping[str, Identifier]] | None = None,
    only: list[str] | None = None,
    baseline_dir: Path | None = None,
) -> list[Latency]:
    """p50/p95 of every named query (or those in `only`) with the sample parameters (computed here
    unless given, e.g. the same ones for the server as for the embedded store); for an answer
    longer than PAGE rows, the p50 of its first page and of the whole answer read as rdflib terms
    too; where `baseline_dir` holds a NAME.rq (an earlier text of the query), its p50 as well."""
    params = params if params is not None else sample_parameters(backend)
    results = []
    for name, query in named_queries().items():
        if only and name not in only:
            continue
        rows = 0
        for _ in range(warmup):
            rows = run_once(backend, query, params[name])
        times = _times(partial(run_once, backend, query, params[name]), runs)
        page_p50 = materialised = baseline = None
        if query.form == "SELECT" and rows > PAGE:
            page_p50 = percentile(_times(partial(run_once, backend, query, params[name], PAGE), runs), 0.5)
            materialised = percentile(
                _times(partial(run_materialised, backend, query, params[name]), runs), 0.5
            )
        earlier = baseline_dir / f"{name}.rq" if baseline_dir else None
        if earlier is not None and earlier.exists():
            old = parse_query(name, earlier.read_text(encoding="utf-8"))
            run_once(backend, old, params[name])
            baseline = percentile(_times(partial(run_once, backend, old, params[name]), runs), 0.5)
        results.append(
            Latency(
                name,
                runs,
                rows,
                percentile(times, 0.5),
                percentile(times, 0.95),
                page_p50,
                materialised,
                baseline,
            )
        )
    return results


def _times(call: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


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
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="measure only this query (repeatable)"
    )
    parser.add_argument(
        "--baseline-dir", type=Path, help="earlier texts of some queries (NAME.rq), measured in the same run"
    )
    parser.add_argument("--label", default="store", help="the store's name in the results (x10)")
    parser.add_argument("--out", type=Path, help="write the results as JSON to OUT/queries-LABEL.json")
    parser.add_argument("--table", type=Path, metavar="JSON", help="print a results file as a markdown table")
    args = parser.parse_args(argv)
    if args.table:
        print(render(json.loads(args.table.read_text())))
        return 0
    load = os.getloadavg()
    with open_backend(StoreSettings(store=args.store, endpoint=args.endpoint), read_only=True) as backend:
        results = measure(backend, runs=args.runs, only=args.only, baseline_dir=args.baseline_dir)
        count = backend.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows[0]["n"]
    for lat in results:
        page = f" first {PAGE}: {lat.page_p50_ms:7.1f} ms" if lat.page_p50_ms is not None else ""
        print(f"{lat.query:40s} rows={lat.rows:6d} p50={lat.p50_ms:9.1f} ms p95={lat.p95_ms:9.1f} ms{page}")
    if args.out:
        data = {"label": args.label, "store": args.store, "quads": int(str(count)), "runs": args.runs,
                "load_average_at_start": load, "load_average_at_end": os.getloadavg(),
                "results": [asdict(lat) for lat in results]}  # fmt: skip
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / f"queries-{args.label}.json").write_text(json.dumps(data, indent=1))
    return 0


def render(data: dict) -> str:
    """A markdown table of one results file."""

    def ms(value: float | None) -> str:
        if value is None:
            return "-"
        return f"{value:,.0f}" if value >= 10 else f"{value:.1f}"

    lines = [
        "| query | rows | p50 / p95 ms | first 100 rows: p50 ms | read as rdflib terms (before): p50 ms "
        "| earlier query text: p50 ms | p50 under 100 ms? |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in data["results"]:
        met = "yes" if r["p50_ms"] < 100 else ("first page" if (r["page_p50_ms"] or 1e9) < 100 else "no")
        lines.append(
            f"| {r['query']} | {r['rows']:,} | {ms(r['p50_ms'])} / {ms(r['p95_ms'])} | {ms(r['page_p50_ms'])} "
            f"| {ms(r['materialised_p50_ms'])} | {ms(r['baseline_p50_ms'])} | {met} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
