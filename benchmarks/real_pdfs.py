"""Real PDFs at scale: `ofsted-kg ingest` and `validate` against pypdfium2's plain text, one run.

By default every real PDF in the repository (examples/letters/, tests/corpus/, the golden
fixtures' input.pdf), the same bytes counted once; or every PDF under the folders given (the
largest real set you have). In one run, each stage a fresh subprocess timed from outside
(wall and CPU of its whole process tree, peak RSS):

  - the baseline: a Python process that pulls every page's plain text with pypdfium2, measured
    again right before each ingest it is compared with, so both meet the same machine load;
  - `ofsted-kg ingest` at 1 and 2 jobs, each into a fresh store: overall, then per document type
    (the type ofsted-kg itself gives each file in the overall run; files it rejects are a group
    of their own);
  - `ofsted-kg validate --all` on the 2-job store (cold: nothing recorded as checked), then an
    unchanged re-ingest and `ofsted-kg validate` (what a weekly sync that changed nothing costs).

    python benchmarks/real_pdfs.py                       # the repository's real PDFs
    python benchmarks/real_pdfs.py ~/ofsted/pdfs --json  # a folder of your own, machine-readable
    python benchmarks/real_pdfs.py --out benchmarks/results/real-pdfs.json

Peak RSS: the largest single process (the kernel's ru_maxrss over the stage's process tree) and
the tree's sum, sampled from /proc every 50 ms (Linux; the sum is a sample, so a lower bound).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDERS = (ROOT / "examples" / "letters", ROOT / "tests" / "corpus", ROOT / "tests" / "fixtures")
TYPE_ORDER = (
    "focused_visit",
    "ilacs_inspection",
    "sif_inspection",
    "area_send_inspection",
    "monitoring_visit",
    "jtai",
    "other",
    "rejected",
)

# The baseline, run in a Python process of its own as ingest is: every page's plain text.
BASELINE = """
import sys, pypdfium2 as pdfium
pages = 0
for path in sys.argv[1:]:
    pdf = pdfium.PdfDocument(path)
    try:
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            text.get_text_range()
            text.close()
            page.close()
            pages += 1
    finally:
        pdf.close()
print(pages)
"""


@dataclass
class Stage:
    """One subprocess: wall seconds, CPU seconds of it and its children, peak RSS in MB."""

    wall_s: float
    cpu_s: float
    max_process_rss_mb: float
    tree_rss_mb: float
    returncode: int
    stdout: str = field(default="", repr=False)
    stderr: str = field(default="", repr=False)


def _tree_rss_bytes(pid: int) -> int:
    """Resident bytes of a process and every descendant (Linux /proc)."""
    total, todo, page = 0, [pid], os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        try:
            with open(f"/proc/{current}/statm") as statm:
                total += int(statm.read().split()[1]) * page
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as children:
                    todo.extend(int(c) for c in children.read().split())
        except (OSError, ValueError):
            continue  # the process ended between two reads
    return total


def run_stage(command: list[str], workdir: Path) -> Stage:
    """Run a command to its end; time it from outside and watch its process tree's memory."""
    out, err = workdir / "stdout", workdir / "stderr"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        process = subprocess.Popen(command, stdout=stdout, stderr=stderr, cwd=workdir)
        peak, done = 0, threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.wait(0.05):
                peak = max(peak, _tree_rss_bytes(process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        # wait4: the child's own resource use with that of the children it waited for (the pool).
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        sampler.join()
        process.returncode = os.waitstatus_to_exitcode(status)
    return Stage(
        wall_s=wall,
        cpu_s=usage.ru_utime + usage.ru_stime,
        max_process_rss_mb=usage.ru_maxrss / 1024,
        tree_rss_mb=peak / 2**20,
        returncode=process.returncode,
        stdout=out.read_text(errors="replace")[-2000:],
        stderr=err.read_text(errors="replace")[-2000:],
    )


def real_pdfs(folders: list[Path]) -> list[Path]:
    """Every PDF under the folders, one path per distinct content (the first in sorted order)."""
    seen: dict[str, Path] = {}
    for folder in folders:
        candidates = [folder] if folder.is_file() else sorted(folder.rglob("*"))
        for path in candidates:
            if path.is_file() and path.suffix.lower() == ".pdf":
                seen.setdefault(hashlib.sha256(path.read_bytes()).hexdigest(), path)
    return sorted(seen.values())


def ofsted_kg() -> list[str]:
    """The command a user runs: the ofsted-kg beside this interpreter, else `python -m ofsted_kg`."""
    beside = Path(sys.executable).with_name("ofsted-kg")
    return [str(beside)] if beside.exists() else [sys.executable, "-m", "ofsted_kg"]


def baseline(files: list[Path], workdir: Path) -> tuple[Stage, int]:
    stage = run_stage([sys.executable, "-c", BASELINE, *map(str, files)], workdir)
    if stage.returncode != 0:
        raise SystemExit(f"the pypdfium2 baseline failed: {stage.stderr.strip().splitlines()[-1:]}")
    return stage, int(stage.stdout.split()[-1])


def ingest(store: Path, files: list[Path], jobs: int, workdir: Path) -> Stage:
    command = [*ofsted_kg(), "ingest", "-q", "--store", str(store), "--jobs", str(jobs)]
    stage = run_stage([*command, *map(str, files)], workdir)
    # Exit 1 is expected when a folder holds documents ofsted-kg rejects (each named on stderr).
    if stage.returncode not in (0, 1):
        raise SystemExit(f"ingest failed (exit {stage.returncode}): {stage.stderr.strip()[-500:]}")
    return stage


def validate(store: Path, workdir: Path, *, everything: bool) -> Stage:
    command = [*ofsted_kg(), "validate", "-q", "--store", str(store), *(["--all"] if everything else [])]
    return run_stage(command, workdir)


def types_in(store: Path, files: list[Path]) -> dict[str, list[Path]]:
    """Files by the document type ofsted-kg gave them in the store ('rejected': not loaded)."""
    from ofsted_kg import iris
    from ofsted_kg.store import EmbeddedStore

    query = """
        PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?graph ?type WHERE { GRAPH ?graph { ?report okg:documentType ?concept }
                                    ?concept skos:notation ?type }
    """
    with EmbeddedStore(store, read_only=True) as backend:
        typed = {str(row["graph"]): str(row["type"]) for row in backend.select(query).rows}
    groups: dict[str, list[Path]] = defaultdict(list)
    for path in files:
        graph = str(iris.report_graph(hashlib.sha256(path.read_bytes()).hexdigest()))
        groups[typed.get(graph, "rejected")].append(path)
    return dict(groups)


def measure(files: list[Path], jobs_settings: list[int], work: Path, log) -> dict:
    figures: dict = {"runs": [], "by_type": []}
    stores: dict[int, Path] = {}
    for jobs in jobs_settings:
        log(f"overall, {jobs} job(s): baseline, then ingest into a fresh store")
        base, pages = baseline(files, work)
        stores[jobs] = work / f"all-j{jobs}.db"
        run = ingest(stores[jobs], files, jobs, work)
        figures["pages"] = pages
        figures["runs"].append({"jobs": jobs, "baseline": asdict(base), "ingest": asdict(run)})
    last = stores[max(jobs_settings)]
    log("validate --all (cold), unchanged re-ingest, validate")
    figures["validate_cold"] = asdict(validate(last, work, everything=True))
    figures["reingest_unchanged"] = asdict(ingest(last, files, max(jobs_settings), work))
    figures["validate_unchanged"] = asdict(validate(last, work, everything=False))
    figures["graphs"] = _graph_counts(last)
    groups = types_in(last, files)
    for kind in sorted(groups, key=lambda k: TYPE_ORDER.index(k) if k in TYPE_ORDER else len(TYPE_ORDER)):
        group = groups[kind]
        for jobs in jobs_settings:
            log(f"{kind} ({len(group)} files), {jobs} job(s)")
            base, pages = baseline(group, work)
            store = work / f"{kind}-j{jobs}.db"
            run = ingest(store, group, jobs, work)
            shutil.rmtree(store, ignore_errors=True)
            figures["by_type"].append(
                {
                    "type": kind,
                    "documents": len(group),
                    "pages": pages,
                    "jobs": jobs,
                    "baseline": asdict(base),
                    "ingest": asdict(run),
                }
            )
    return figures


def phases(files: list[Path]) -> dict:
    """CPU seconds of each step a worker takes, summed over the files, in this one process: what
    ingest does per document, beside pypdfium2's plain text of the same files (no store)."""
    import pypdfium2 as pdfium
    from ofsted_kg.loaders import themes
    from ofsted_kg.loaders.document import load
    from ofsted_kg.loaders.errors import DocumentError
    from ofsted_kg.loaders.extract import extract_loaded
    from ofsted_kg.loaders.graph import record_to_graph

    from ofsted_kg.ingest import _validator

    validator = _validator()  # shapes compiled once, as each worker does
    spent: dict[str, float] = defaultdict(float)
    classify = themes.classify

    def timed_classify(record):
        start = time.process_time()
        try:
            return classify(record)
        finally:
            spent["classification (themes, polarity)"] += time.process_time() - start

    for path in files:
        start = time.process_time()
        pdf = pdfium.PdfDocument(str(path))
        for index in range(len(pdf)):
            page = pdf[index]
            text = page.get_textpage()
            text.get_text_range()
            text.close()
            page.close()
        pdf.close()
        spent["baseline: pypdfium2 plain text"] += time.process_time() - start
    themes.classify = timed_classify
    try:
        for path in files:
            start = time.process_time()
            try:
                doc = load(path)
                mark = time.process_time()
                spent["reading the PDF (text with line geometry)"] += mark - start
                record = extract_loaded(doc)
            except DocumentError:
                continue
            parsed = time.process_time()
            spent["detection and parsing"] += parsed - mark
            built = record_to_graph(record)
            report, inspection, _shared = built.ntriples()
            graphed = time.process_time()
            spent["graph and N-Triples"] += graphed - parsed
            validator.run(report + inspection)
            spent["SHACL (pyshacl-turbo)"] += time.process_time() - graphed
    finally:
        themes.classify = classify
    # Classification runs inside extract_loaded: keep detection and parsing net of it.
    spent["detection and parsing"] -= spent["classification (themes, polarity)"]
    return dict(spent)


def _graph_counts(store: Path) -> dict:
    from ofsted_kg import iris
    from ofsted_kg.store import EmbeddedStore

    backend = EmbeddedStore(store, read_only=True)
    try:
        graphs = [str(g) for g in backend.graphs()]
        quads = backend.triple_count()
    finally:
        backend.close()
    inspections = sum(g.startswith(iris.INSPECTION_GRAPH_PREFIX) for g in graphs)
    return {"graphs": len(graphs), "inspection_graphs": inspections, "quads": quads}


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    from importlib.metadata import version

    return {
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "python": platform.python_version(),
        "pyoxigraph": version("pyoxigraph"),
        "pypdfium2": version("pypdfium2"),
        "pyshacl_turbo": _version_or_none("pyshacl-turbo"),
        "commit": commit,
    }


def _version_or_none(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def _ratio(stage: dict, base: dict, key: str) -> float:
    return stage[key] / base[key] if base[key] else float("nan")


def table(result: dict) -> str:
    m = result["machine"]
    lines = [
        f"{result['documents']} real PDFs ({result['pages']:,} pages) from {', '.join(result['folders'])}",
        f"{m['date']}, {m['cpus']} CPUs ({m['cpu_model']}), Python {m['python']}, pyoxigraph "
        f"{m['pyoxigraph']}, commit {m['commit']}; load average {result['load_before'][0]:.2f} before, "
        f"{result['load_after'][0]:.2f} after",
        "",
        "ingest vs pypdfium2 plain text of the same files (each a fresh process, timed from outside)",
        f"{'documents':<24} {'docs':>5} {'pages':>6} {'jobs':>4} {'ingest s':>9} {'text s':>7} "
        f"{'ratio':>6} {'CPU ratio':>9} {'RSS MB max/tree':>16}",
    ]

    def row(label: str, docs: int, pages: int, jobs: int, base: dict, run: dict) -> str:
        return (
            f"{label:<24} {docs:>5} {pages:>6} {jobs:>4} {run['wall_s']:>9.2f} {base['wall_s']:>7.2f} "
            f"{_ratio(run, base, 'wall_s'):>6.2f} {_ratio(run, base, 'cpu_s'):>9.2f} "
            f"{run['max_process_rss_mb']:>7.0f}/{run['tree_rss_mb']:<8.0f}"
        )

    for run in result["runs"]:
        lines.append(
            row("all", result["documents"], result["pages"], run["jobs"], run["baseline"], run["ingest"])
        )
    for entry in result["by_type"]:
        lines.append(
            row(
                entry["type"],
                entry["documents"],
                entry["pages"],
                entry["jobs"],
                entry["baseline"],
                entry["ingest"],
            )
        )
    graphs = result["graphs"]
    lines += [
        "",
        f"validate ({graphs['inspection_graphs']} inspection graphs, {graphs['graphs']} graphs, "
        f"{graphs['quads']:,} quads in the store)",
    ]
    for label, key in (
        ("validate --all (cold)", "validate_cold"),
        ("re-ingest, unchanged", "reingest_unchanged"),
        ("validate, unchanged", "validate_unchanged"),
    ):
        stage = result[key]
        lines.append(
            f"{label:<24} {stage['wall_s']:>7.2f} s wall {stage['cpu_s']:>7.2f} s CPU  "
            f"RSS {stage['max_process_rss_mb']:.0f}/{stage['tree_rss_mb']:.0f} MB  exit {stage['returncode']}"
        )
    if "phases_cpu_s" in result:
        spent = result["phases_cpu_s"]
        base = spent.get("baseline: pypdfium2 plain text", 0.0)
        lines += ["", "worker steps, CPU seconds in one process (x the baseline)"]
        for name, seconds in spent.items():
            lines.append(f"{name:<45} {seconds:>7.2f} s  {seconds / base if base else float('nan'):>5.2f}x")
        worker = sum(v for k, v in spent.items() if not k.startswith("baseline"))
        lines.append(
            f"{'a worker in all':<45} {worker:>7.2f} s  {worker / base if base else float('nan'):>5.2f}x"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folders", nargs="*", type=Path, help="folders of PDFs (default: the repository's)")
    parser.add_argument(
        "--jobs", type=int, action="append", help="ingest worker processes (repeatable; default 1 and 2)"
    )
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--out", type=Path, help="also write the JSON here")
    parser.add_argument("--work", type=Path, help="keep the stores in this folder (default: a temporary one)")
    parser.add_argument(
        "--phases", action="store_true", help="also time each worker step in this process (CPU seconds)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no stage lines on stderr")
    args = parser.parse_args(argv)
    folders = args.folders or [f for f in DEFAULT_FOLDERS if f.exists()]
    missing = [f for f in folders if not f.exists()]
    if missing:
        print(f"{missing[0]}: no such file or folder", file=sys.stderr)
        return 2
    files = real_pdfs(folders)
    if not files:
        print(f"no PDFs under {', '.join(map(str, folders))}", file=sys.stderr)
        return 2

    def log(message: str) -> None:
        if not args.quiet:
            print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    jobs = sorted(set(args.jobs or [1, 2]))
    load_before = os.getloadavg()
    about = machine()
    with tempfile.TemporaryDirectory(prefix="okg-real-") as tmp:
        work = args.work or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        figures = measure(files, jobs, work, log)
    if args.phases:
        log("worker steps, one process")
        figures["phases_cpu_s"] = phases(files)
    result = {
        "folders": [str(f) for f in folders],
        "documents": len(files),
        "machine": about,
        "load_before": list(load_before),
        "load_after": list(os.getloadavg()),
        **figures,
    }
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(json.dumps(result, indent=1) if args.json else table(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
