"""The built wheel carries the loaders, ontology, queries and reference data, and works installed alone.

Slow: builds the wheel (isolated build) and installs it with its dependencies into a plain
venv (no system site-packages), which needs PyPI or a warm pip cache.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LETTER = ROOT / "examples" / "letters"

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # setuptools reuses ./build/lib: a file deleted from the source since an earlier build would
    # ride along into the wheel and hide a packaging mistake. The folder is a build artefact.
    shutil.rmtree(ROOT / "build", ignore_errors=True)
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    wheels = list(out.glob("ofsted_kg-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def test_wheel_contains_code_and_data(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    def under(folder: str, suffix: str) -> set[str]:
        return {n for n in names if n.startswith(folder) and n.endswith(suffix)}

    loaders = {p.name for p in (ROOT / "loaders").glob("*.py")}
    assert {n.rsplit("/", 1)[-1] for n in under("ofsted_kg/loaders/", ".py")} >= loaders
    assert {n.rsplit("/", 1)[-1] for n in under("ofsted_kg/ontology/", ".ttl")} == {
        p.name for p in (ROOT / "ontology").glob("*.ttl")
    }
    assert {n.rsplit("/", 1)[-1] for n in under("ofsted_kg/queries/", ".rq")} == {
        p.name for p in (ROOT / "queries").glob("*.rq")
    }
    assert "ofsted_kg/loaders/reference/la_lookup_d2i.csv" in names
    assert "ofsted_kg/loaders/reference/la_lookup_jt39.csv" in names
    assert "ofsted_kg/cli.py" in names and "ofsted_kg/store.py" in names
    # Every subpackage of the core (commands, analysis ...) ships: the CLI imports them all.
    for init in (ROOT / "src" / "ofsted_kg").glob("*/__init__.py"):
        package = init.parent.name
        modules = {f"ofsted_kg/{package}/{p.name}" for p in init.parent.glob("*.py")}
        assert modules <= names, f"ofsted_kg.{package} is missing from the wheel"
    # Nothing from the working tree that is not part of the package.
    assert not any(n.startswith(("tests/", "examples/", "benchmarks/")) for n in names)


def test_installed_wheel_runs_the_cli(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    started = time.monotonic()
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    print(f"wheel install with dependencies: {time.monotonic() - started:.1f} s")

    # Run from an empty folder with a clean environment so the source tree cannot be imported.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PYTHONPATH", "OFSTED_KG_STORE", "OFSTED_KG_ENDPOINT")
    }
    cli = env_dir / "bin" / "ofsted-kg"
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import ofsted_kg; print(ofsted_kg.__file__)"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert str(env_dir) in where.stdout, where.stdout + where.stderr

    listed = subprocess.run(
        [str(cli), "queries", "--format", "json"], capture_output=True, text=True, cwd=work, env=env
    )
    assert listed.returncode == 0, listed.stderr
    names = {q["name"] for q in json.loads(listed.stdout)}
    assert {"select_inspections", "select_findings_for_authority", "construct_inspection"} <= names

    letter = sorted(LETTER.glob("*.pdf"))[0]
    extracted = subprocess.run(
        [str(cli), "extract", str(letter), "--format", "json"],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
    )
    assert extracted.returncode == 0, extracted.stderr
    record = json.loads(extracted.stdout)
    assert record["authority"]["gss_code"].startswith("E")
    assert record["inspectors"]


def test_build_warns_of_no_package_left_out(wheel: Path) -> None:
    """setuptools warned that ofsted_kg.loaders.reference and ofsted_kg.static (data folders) were
    importable but absent from `packages`: both are listed now, so a build is quiet about it."""
    result = subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(wheel.parent / "again"), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "is absent from the `packages` configuration" not in result.stdout + result.stderr
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "ofsted_kg/static/page-core.js" in names and "ofsted_kg/static/d3.LICENSE" in names
    assert "ofsted_kg/page/html.py" in names and "ofsted_kg/loaders/reference/la_lookup_d2i.csv" in names


def test_installed_accuracy_resolves_gold_files_from_the_gold_directory(wheel: Path, tmp_path: Path) -> None:
    """From an install, `python -m ofsted_kg.accuracy --gold DIR` finds each gold record's file
    relative to the gold directory (it used to look beside the installed package)."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, system_site_packages=False).create(env_dir)
    python = env_dir / "bin" / "python"
    install = subprocess.run(
        [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(wheel)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-2000:]
    name = "focused-visit_kent_2019-02"
    gold = tmp_path / "gold"
    (gold / "letters").mkdir(parents=True)
    (gold / "letters" / f"{name}.pdf").write_bytes((LETTER / f"{name}.pdf").read_bytes())
    record = json.loads((ROOT / "tests" / "gold" / f"{name}.json").read_text(encoding="utf-8"))
    record["file"] = f"letters/{name}.pdf"
    (gold / f"{name}.json").write_text(json.dumps(record), encoding="utf-8")
    labels = [
        {**row, "file": f"letters/{name}.pdf"}
        for row in map(
            json.loads, (ROOT / "tests" / "gold" / "findings_labels.jsonl").read_text().splitlines()
        )
        if row["file"].endswith(f"{name}.pdf")
    ]
    (gold / "findings_labels.jsonl").write_text("\n".join(json.dumps(r) for r in labels) + "\n")
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    result = subprocess.run(
        [str(python), "-m", "ofsted_kg.accuracy", "--gold", str(gold)],
        capture_output=True,
        text=True,
        cwd=work,
        env=env,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    document_type = next(line for line in result.stdout.splitlines() if line.startswith("document_type"))
    assert document_type.split()[1:] == ["1.000", "1.000", "1.000", "1"], result.stdout
