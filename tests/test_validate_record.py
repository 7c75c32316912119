"""`ofsted-kg validate` re-checks only what changed since it last found a unit conforming (the
record `validated.json` in the store's folder, issue 14); `--all` checks everything; a unit that
does not conform is never recorded; new shapes or a new ontology void the record."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from ofsted_kg import iris
from ofsted_kg.cli import main
from ofsted_kg.ingest import ingest
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.validation_record import RECORD_NAME

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
PDFS = [
    EXAMPLES / "focused-visit_peterborough_2021-08.pdf",
    EXAMPLES / "focused-visit_kent_2019-02.pdf",
    EXAMPLES / "ilacs_peterborough_2024-01.pdf",
]
PETERBOROUGH_TEXT = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
SHACL_LINE = re.compile(
    r"SHACL: (\d+) of (\d+) inspections, copies and summaries conform(?: \((\d+) unchanged)?"
)


def validate(store: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, int, int, str]:
    """(exit code, units, units not checked again, stdout) of a real `validate` run."""
    code = main(["--store", str(store), "validate", *extra])
    out = capsys.readouterr().out
    match = SHACL_LINE.search(out)
    assert match, out
    return code, int(match.group(2)), int(match.group(3) or 0), out


@pytest.fixture
def store(tmp_path: Path) -> Path:
    path = tmp_path / "kg.db"
    with EmbeddedStore(path) as backend:
        assert not ingest(backend, PDFS, jobs=1, progress=False).failed
    return path


def test_only_what_changed_is_checked_again(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # Ingest checked each inspection as its worker built it: only the summaries and HermiT are left.
    recorded = json.loads((store / RECORD_NAME).read_text())["units"]
    assert len(recorded) == 3 and all(unit.startswith(iris.INSPECTION_GRAPH_PREFIX) for unit in recorded)
    code, units, unchanged, out = validate(store, capsys)
    assert code == 0 and (units, unchanged) == (3 + 2, 3)  # three inspections, two summaries
    assert "HermiT: the ontology with the data is consistent" in out

    code, units, unchanged, out = validate(store, capsys)
    assert code == 0 and (units, unchanged) == (5, 5)
    assert "HermiT: the ontology with the shared graph is consistent (unchanged" in out

    # A second copy of Peterborough's 2021 letter changes that inspection (a copy more) and so
    # what Peterborough's summary must be checked against; Kent's inspection and summary and the
    # other Peterborough inspection are as they were.
    with EmbeddedStore(store) as backend:
        assert ingest(backend, [PETERBOROUGH_TEXT], jobs=1, progress=False).alternates
    code, units, unchanged, _out = validate(store, capsys)
    assert code == 0 and (units, unchanged) == (5, 3)

    code, units, unchanged, out = validate(store, capsys, "--all")
    assert code == 0 and (units, unchanged) == (5, 0)
    assert "HermiT: the ontology with the data is consistent" in out


def test_a_unit_that_does_not_conform_is_checked_every_time(
    store: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with EmbeddedStore(store) as backend:
        (kent,) = [
            g for g in backend.graphs() if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX + "E10000016/")
        ]
        # A hand edit (not through ofsted-kg): a second, different quote on a finding's evidence.
        quote = iris.quote_selector(iris.inspection_of_graph(kent), 1)
        backend.add_to_graph(
            kent, f'<{quote}> <http://www.w3.org/ns/oa#exact> "Not what the letter says." .\n'.encode()
        )
    # Kent's was recorded as conforming at ingest: the hand edit is not seen without --all.
    assert validate(store, capsys, "--no-reasoner")[:3] == (0, 5, 3)
    assert validate(store, capsys, "--no-reasoner", "--all")[:3] == (1, 5, 0)
    assert validate(store, capsys, "--no-reasoner")[:3] == (1, 5, 4)  # the rest recorded; Kent never
    recorded = json.loads((store / RECORD_NAME).read_text())["units"]
    assert str(kent) not in recorded and len(recorded) == 4


def test_new_rules_void_the_record(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert validate(store, capsys, "--no-reasoner")[:3] == (0, 5, 3)
    record = store / RECORD_NAME
    data = json.loads(record.read_text())
    data["rules"] = "sha256:shapes-of-another-version"
    record.write_text(json.dumps(data))
    assert validate(store, capsys, "--no-reasoner")[:3] == (0, 5, 0)  # all checked again
    assert validate(store, capsys, "--no-reasoner")[:3] == (0, 5, 5)
