"""SHACL verdicts for many units in worker processes, in the order the units come.

`validate --all` on a national store checks about a thousand units at 20-40 ms of SHACL each,
while the main process reads each unit's graphs from the store; on two cores the two overlap
(benchmarks/validate_scale.py, docs/performance.md). Units travel as N-Triples bytes and
verdicts come back as (conforms, report text), so nothing rdflib or pyoxigraph crosses the process
boundary. A few units are checked in the calling process: a pool's start-up (each worker compiles
the shapes) would cost more than it saves.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from functools import cache
from itertools import islice
from typing import TYPE_CHECKING, TypeVar

from .workers import pool, worker_count

if TYPE_CHECKING:
    from .validate import Validator

T = TypeVar("T")
Verdict = tuple[bool, str]  # (conforms, the engine's report text)

# Below this many units to check, the calling process checks them itself.
MIN_UNITS_FOR_POOL = 24


@cache
def _validator() -> Validator:
    from .validate import Validator

    return Validator.load()


def verdict(data: bytes) -> Verdict:
    """One unit's SHACL verdict, with this process's validator (shapes compiled once)."""
    return _validator().validate(data)


def verdicts(
    units: Iterable[tuple[T, bytes]], jobs: int | None = None
) -> Iterator[tuple[T, bytes, Verdict | None]]:
    """(key, data, verdict) for each (key, data) in order. The verdict is None when the unit was
    not checked here (too few units for a pool, one job, or a worker died): the caller checks it."""
    jobs = worker_count(jobs)
    units = iter(units)
    first = list(islice(units, MIN_UNITS_FOR_POOL))
    if jobs == 1 or len(first) < MIN_UNITS_FOR_POOL:
        for key, data in [*first, *units]:
            yield key, data, None
        return
    queued = _chain(first, units)
    in_flight: deque[tuple[T, bytes, Future[Verdict] | None]] = deque()
    executor = pool(jobs)
    broken = False
    try:
        while True:
            # A few units per worker in flight: memory stays flat, workers never wait.
            while len(in_flight) < 4 * jobs and (item := next(queued, None)) is not None:
                key, data = item
                future = None
                if not broken:
                    try:
                        future = executor.submit(verdict, data)
                    except BrokenProcessPool:
                        broken = True
                in_flight.append((key, data, future))
            if not in_flight:
                return
            key, data, future = in_flight.popleft()
            result = None
            if future is not None:
                try:
                    result = future.result()
                except BrokenProcessPool:
                    broken = True  # the caller checks this unit, and the rest, itself
            yield key, data, result
    finally:
        executor.shutdown(wait=True, cancel_futures=True)


def _chain(first: list[tuple[T, bytes]], rest: Iterator[tuple[T, bytes]]) -> Iterator[tuple[T, bytes]]:
    yield from first
    yield from rest
