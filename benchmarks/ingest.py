"""Ingest the focused visits of examples/letters and, in the same run, time the floor: pypdfium2
text extraction alone on the same files. The figure to watch is the ratio ingest / extraction.

    python benchmarks/ingest.py                 # 1 and 2 jobs, fresh temporary stores
    python benchmarks/ingest.py --jobs 2 --json # one setting, machine-readable
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import pypdfium2 as pdfium

from ofsted_kg.ingest import ingest
from ofsted_kg.store import EmbeddedStore

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"


@dataclass(frozen=True)
class IngestFigures:
    documents: int
    pages: int
    jobs: int
    ingest_s: float
    extraction_s: float  # pypdfium2 text of every page, one process
    triples: int
    failed: int

    @property
    def ratio(self) -> float:
        return self.ingest_s / self.extraction_s if self.extraction_s else float("nan")


# The example files are named by type (SOURCES.tsv); the benchmark samples by name only — what
# ofsted-kg makes of each file is still decided from its text.
TYPES = {
    "focused_visit": "focused-visit_*.pdf",
    "ilacs_inspection": "ilacs_*.pdf",
    "sif_and_earlier": "other_*.pdf",
    "area_send_inspection": "send-area_*.pdf",
    "all": "*.pdf",
}


def pdfium_extract(files: list[Path]) -> tuple[float, int]:
    """Seconds to pull the text of every page with pypdfium2 alone, and the page count."""
    pages = 0
    start = time.perf_counter()
    for path in files:
        pdf = pdfium.PdfDocument(str(path))
        try:
            for index in range(len(pdf)):
                page = pdf[index]
                textpage = page.get_textpage()
                textpage.get_text_range()
                textpage.close()
                page.close()
                pages += 1
        finally:
            pdf.close()
    return time.perf_counter() - start, pages


def run(files: list[Path], jobs: int, workdir: Path) -> IngestFigures:
    extraction_s, pages = pdfium_extract(files)
    with EmbeddedStore(workdir / f"bench-{jobs}.db") as store:
        start = time.perf_counter()
        summary = ingest(store, files, jobs=jobs, progress=False)
        elapsed = time.perf_counter() - start
        triples = store.triple_count()
    return IngestFigures(len(files), pages, jobs, elapsed, extraction_s, triples, len(summary.failed))


def peak_rss_mb() -> tuple[float, float]:
    """(this process, largest child) peak resident set size in MB (Linux reports KiB)."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return own, children


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--jobs", type=int, action="append", help="worker processes (repeatable; default 1 and 2)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--folder", type=Path, default=EXAMPLES)
    parser.add_argument(
        "--type",
        action="append",
        choices=sorted(TYPES),
        help="which documents (repeatable; default focused_visit; 'all' = every example PDF)",
    )
    args = parser.parse_args(argv)
    results = []
    with tempfile.TemporaryDirectory(prefix="okg-bench-") as tmp:
        for kind in args.type or ["focused_visit"]:
            files = sorted(args.folder.glob(TYPES[kind]))
            if not files:
                print(f"no {kind} PDFs in {args.folder}", file=sys.stderr)
                return 2
            for jobs in args.jobs or [1, 2]:
                results.append((kind, run(files, jobs, Path(tmp) / kind)))
    own, child = peak_rss_mb()
    if args.json:
        figures = [asdict(r) | {"type": kind, "ratio": r.ratio} for kind, r in results]
        print(json.dumps([*figures, {"peak_rss_mb": [own, child]}]))
        return 0
    for kind, r in results:
        print(
            f"{r.documents} {kind}, {r.pages} pages, jobs={r.jobs}: ingest {r.ingest_s:.2f} s "
            f"({r.documents / r.ingest_s:.1f} docs/s, {r.pages / r.ingest_s:.1f} pages/s, "
            f"{r.triples / r.ingest_s:,.0f} triples/s); pypdfium2 text alone {r.extraction_s:.2f} s; "
            f"ratio ingest/extraction {r.ratio:.1f}; failed {r.failed}"
        )
    print(f"peak RSS: main process {own:.0f} MB, largest worker {child:.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
