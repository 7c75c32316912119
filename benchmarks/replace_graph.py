"""Replacing the related-findings graph of an existing store, as `related --recompute` does.

Run it on a copy of a store that holds related links (it writes): the graph is dumped, then
replaced by the same triples (`same`), or by the same with every link's similarity changed in its
last digit (`shift`, what new documents do to TF-IDF weights). Prints the time of the replace and
the process's peak RSS. One mode per process, so each peak is its own.

    cp -r /tmp/okg-perf/x10r.db /tmp/copy.db
    python benchmarks/replace_graph.py /tmp/copy.db same
    python benchmarks/replace_graph.py /tmp/copy.db shift
"""

from __future__ import annotations

import argparse
import io
import resource
import time

import pyoxigraph as ox
from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.store import EmbeddedStore


def _peak_mb() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("store")
    parser.add_argument("mode", choices=["same", "shift"])
    args = parser.parse_args()
    store = EmbeddedStore(args.store)
    graph = ox.NamedNode(str(iris.RELATED_GRAPH))
    started = time.perf_counter()
    dumped = io.BytesIO()
    store._store.dump(dumped, format=ox.RdfFormat.N_TRIPLES, from_graph=graph)
    data = dumped.getvalue()
    triples = data.count(b"\n")
    print(
        f"dump {time.perf_counter() - started:.1f} s, {len(data) // 1_000_000} MB, "
        f"{triples:,} triples, peak RSS {_peak_mb()} MB",
        flush=True,
    )
    if args.mode == "shift":
        data = b"\n".join(
            line.replace(b'"^^', b'1"^^', 1) if b"#similarity>" in line else line
            for line in data.split(b"\n")
        )
    started = time.perf_counter()
    store.replace_graph(URIRef(str(iris.RELATED_GRAPH)), data)
    print(f"{args.mode}: replace {time.perf_counter() - started:.1f} s, peak RSS {_peak_mb()} MB", flush=True)
    store.close()


if __name__ == "__main__":
    main()
