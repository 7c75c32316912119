"""SHACL in worker processes (ofsted_kg.shacl_pool, `validate --jobs`): the verdicts and reports
of checking in the calling process, in the units' order, on real documents' graphs."""

from __future__ import annotations

from pathlib import Path

import pytest

from ofsted_kg import iris, shacl_pool
from ofsted_kg.cli import main
from ofsted_kg.ingest import ingest
from ofsted_kg.store import EmbeddedStore
from ofsted_kg.validate import Validator, store_layout

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
PDFS = [
    EXAMPLES / "focused-visit_peterborough_2021-08.pdf",
    EXAMPLES / "focused-visit_kent_2019-02.pdf",
    EXAMPLES / "ilacs_peterborough_2024-01.pdf",
]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("pool") / "kg.db"
    with EmbeddedStore(path) as backend:
        assert not ingest(backend, PDFS, jobs=1, progress=False).failed
    return path


def _break(backend: EmbeddedStore, graph) -> None:
    # A hand edit: a second, different quote on a finding's evidence (sh:maxCount 1).
    quote = iris.quote_selector(iris.inspection_of_graph(graph), 1)
    backend.add_to_graph(
        graph, f'<{quote}> <http://www.w3.org/ns/oa#exact> "Not in the letter." .\n'.encode()
    )


def _units(store: Path) -> list[tuple[str, bytes]]:
    """Each inspection with the graphs of its report's copies, as `validate` checks it."""
    with EmbeddedStore(store, read_only=True) as backend:
        return [
            (
                str(unit.inspection_graph),
                b"".join(backend.graph_ntriples(g) for g in (unit.inspection_graph, *unit.report_graphs)),
            )
            for unit in store_layout(backend).units
        ]


def test_pool_verdicts_are_those_of_one_process_in_order(store: Path, tmp_path: Path) -> None:
    units = _units(store)
    assert len(units) == 3
    broken_store = tmp_path / "broken.db"
    with EmbeddedStore(store, read_only=True) as backend, EmbeddedStore(broken_store) as target:
        for graph in backend.graphs():
            target.add_to_graph(graph, backend.graph_ntriples(graph))
        _break(target, next(g for g in target.graphs() if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX)))
    broken = [(f"broken {key}", data) for key, data in _units(broken_store)]
    # Enough units for a pool: good and broken ones interleaved, each with its own key.
    work = [(f"{i}: {key}", data) for i, (key, data) in enumerate((units + broken) * 5)]
    assert len(work) >= shacl_pool.MIN_UNITS_FOR_POOL

    pooled = list(shacl_pool.verdicts(work, jobs=2))
    assert [key for key, _data, _v in pooled] == [key for key, _data in work]
    assert all(verdict is not None for _k, _d, verdict in pooled)  # checked by the workers
    validator = Validator.load()
    expected = [validator.validate(data) for _key, data in work]
    assert [verdict for _k, _d, verdict in pooled] == expected
    failing = [key for (key, _d, verdict) in pooled if verdict is not None and not verdict[0]]
    assert failing and all(key.split(": ", 1)[1].startswith("broken ") for key in failing)
    assert len(failing) == 5  # the one broken inspection, in each of the five rounds


def test_few_units_are_left_to_the_caller(store: Path) -> None:
    units = _units(store)
    assert [v for _k, _d, v in shacl_pool.verdicts(units, jobs=2)] == [None] * len(units)
    assert [v for _k, _d, v in shacl_pool.verdicts(units * 10, jobs=1)] == [None] * 30


def test_validate_with_workers_names_the_unit_that_fails(
    store: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = tmp_path / "kg.db"
    with EmbeddedStore(store, read_only=True) as backend, EmbeddedStore(copy) as target:
        for graph in backend.graphs():
            target.add_to_graph(graph, backend.graph_ntriples(graph))
        (kent,) = [
            g for g in target.graphs() if str(g).startswith(iris.INSPECTION_GRAPH_PREFIX + "E10000016/")
        ]
        _break(target, kent)
    monkeypatch.setattr(shacl_pool, "MIN_UNITS_FOR_POOL", 2)  # a pool for this small store's 3 units
    code = main(["--store", str(copy), "validate", "--all", "--no-reasoner", "--jobs", "2"])
    captured = capsys.readouterr()
    assert code == 1
    assert "SHACL: 4 of 5 inspections, copies and summaries conform" in captured.out
    assert f"{kent} (focused-visit_kent_2019-02.pdf): does not conform" in captured.err
