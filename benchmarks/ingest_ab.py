"""Ingest of one commit against another (or the working tree), alternating, in one run.

On a shared or throttled VM the speed of a core drifts by 20-40% within minutes, so two
separate runs of `real_pdfs.py` cannot tell a 5-10% change from noise. This builds an importable
`ofsted_kg` package from each tree (`git archive` of the commit: src/ofsted_kg with loaders/,
ontology/ and queries/ mapped in, as pyproject does), then runs, round after round: pypdfium2's
plain text of the PDFs (the baseline), `ofsted-kg ingest` of the old tree into a fresh store, the
same of the new. Each is a fresh process timed from outside (wall, and CPU of its process tree);
the medians are reported, with ratios to the baseline of the same rounds.

    python benchmarks/ingest_ab.py --old 48bbf11                      # against the working tree
    python benchmarks/ingest_ab.py --old 48bbf11 --new HEAD --rounds 9 --jobs 1
    python benchmarks/ingest_ab.py --old 48bbf11 --out benchmarks/results/ingest-ab.json
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

from real_pdfs import BASELINE  # the same pypdfium2 text, page by page, as real_pdfs.py times

ROOT = Path(__file__).resolve().parent.parent
MAPPED = {"src/ofsted_kg": "", "loaders": "loaders", "ontology": "ontology", "queries": "queries"}


def package(tree: str | None, into: Path) -> Path:
    """An importable ofsted_kg built from a commit (git archive) or, with None, the working tree."""
    target = into / "ofsted_kg"
    if tree is None:
        for source, inside in MAPPED.items():
            shutil.copytree(ROOT / source, target / inside, dirs_exist_ok=True, ignore=_no_caches)
        return into
    archive = subprocess.run(
        ["git", "archive", "--format=tar", tree, *MAPPED], cwd=ROOT, check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        for member in tar.getmembers():
            source = next((s for s in MAPPED if member.name == s or member.name.startswith(s + "/")), None)
            if source is None or not member.isfile():
                continue
            relative = member.name[len(source) :].lstrip("/")
            path = target / MAPPED[source] / relative
            path.parent.mkdir(parents=True, exist_ok=True)
            extracted = tar.extractfile(member)
            assert extracted is not None
            path.write_bytes(extracted.read())
    return into


def _head() -> str:
    head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    dirty = subprocess.run(
        ["git", "status", "--porcelain", *MAPPED], cwd=ROOT, capture_output=True, text=True
    )
    return head.stdout.strip() + (" (with uncommitted changes)" if dirty.stdout.strip() else "")


def _no_caches(_directory: str, names: list[str]) -> list[str]:
    return [n for n in names if n == "__pycache__"]


def timed(command: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=cwd, capture_output=True)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode not in (0, 1):  # 1: some files rejected (the school reports), as designed
        raise SystemExit(f"{' '.join(command[:4])} failed ({done.returncode}): {done.stderr.decode()[-600:]}")
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return wall, cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--old", required=True, help="the commit to compare against")
    parser.add_argument("--new", help="the commit to compare (default: the working tree)")
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--folder", type=Path, default=ROOT / "examples" / "letters", help="PDFs to ingest")
    parser.add_argument("--out", type=Path, help="also write the figures here as JSON")
    args = parser.parse_args(argv)
    files = sorted(str(p) for p in args.folder.glob("*.pdf"))
    if not files:
        raise SystemExit(f"no PDFs in {args.folder}")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "OFSTED_KG_STORE")}
    runs: dict[str, list[tuple[float, float]]] = {"text": [], "old": [], "new": []}
    with tempfile.TemporaryDirectory(prefix="okg-ab-") as work:
        work_path = Path(work)
        roots = {
            "old": package(args.old, work_path / "old"),
            "new": package(args.new, work_path / "new"),
        }
        for round_ in range(args.rounds):
            runs["text"].append(timed([sys.executable, "-c", BASELINE, *files], env, work_path))
            for label, root in roots.items():
                store = work_path / f"{label}.db"
                shutil.rmtree(store, ignore_errors=True)
                command = [sys.executable, "-m", "ofsted_kg", "ingest", "--store", str(store)]
                command += ["--jobs", str(args.jobs), "--quiet", *files]
                runs[label].append(timed(command, {**env, "PYTHONPATH": str(root)}, work_path))
            latest = {k: f"{v[-1][0]:.2f} s" for k, v in runs.items()}
            print(f"round {round_ + 1}/{args.rounds}: {latest}", file=sys.stderr)
    text_wall = statistics.median(w for w, _ in runs["text"])
    text_cpu = statistics.median(c for _, c in runs["text"])
    figures: dict[str, object] = {
        "old": args.old,
        "new": args.new or f"working tree at {_head()}",
        "jobs": args.jobs,
        "rounds": args.rounds,
        "files": len(files),
        "load_average_after": os.getloadavg()[0],
        "text": {"wall_s": round(text_wall, 2), "cpu_s": round(text_cpu, 2)},
    }
    figures["runs_wall_cpu_s"] = {k: [[round(w, 2), round(c, 2)] for w, c in v] for k, v in runs.items()}
    for label in ("old", "new"):
        wall = statistics.median(w for w, _ in runs[label])
        cpu = statistics.median(c for _, c in runs[label])
        figures[label + "_ingest"] = {
            "wall_s": round(wall, 2),
            "cpu_s": round(cpu, 2),
            "wall_ratio": round(wall / text_wall, 2),
            "cpu_ratio": round(cpu / text_cpu, 2),
        }
        print(
            f"{label} ({figures[label]}): ingest {wall:.2f} s = {wall / text_wall:.2f}x text, "
            f"CPU {cpu:.2f} s = {cpu / text_cpu:.2f}x"
        )
    print(f"pypdfium2 text: {text_wall:.2f} s, CPU {text_cpu:.2f} s (medians of {args.rounds} rounds)")
    if args.out:
        args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
