"""Visits counted by focus (`trends focus`, select_visits_by_focus) and the next inspection an area
SEND report says is due (`summary` send_next_due, `history` next_due), on the real example letters,
checked against the hand-written gold: tests/gold/visit_focus.jsonl (each letter's focus areas),
the gold records beside it (authority, type and visit dates, read from the letters) and
tests/gold/next_inspections.jsonl (each area SEND report's windows, worked out by hand)."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from pathlib import Path

import pytest
from ofsted_kg.loaders.authorities import lookup

from ofsted_kg import api, cli

ROOT = Path(__file__).resolve().parent.parent
GOLD = ROOT / "tests" / "gold"
EXAMPLES = ROOT / "examples" / "letters"
# The text copy of a letter whose PDF is loaded too: one visit, two copies, counted once.
TEXT_COPY = ROOT / "tests" / "corpus" / "text" / "focused-visit_peterborough_2021-08.txt"
SYNTHETIC = sorted((ROOT / "tests" / "corpus" / "synthetic").glob("synthetic-monitoring_*.txt"))


def _jsonl(name: str) -> list[dict]:
    return [json.loads(line) for line in (GOLD / name).read_text(encoding="utf-8").splitlines() if line]


def _gold_record(file: str) -> dict:
    """The hand-written gold record of a file (a text copy of a PDF has its own, `NAME.txt.json`)."""
    name = Path(file).name
    path = GOLD / f"{name}.json" if (GOLD / f"{name}.json").exists() else GOLD / f"{Path(file).stem}.json"
    return json.loads(path.read_text(encoding="utf-8"))


def _visits() -> dict[tuple[str, str, str], dict]:
    """The gold visits, one per inspection (authority, type, last visit day), with their areas."""
    visits: dict[tuple[str, str, str], dict] = {}
    for row in _jsonl("visit_focus.jsonl"):
        record = _gold_record(row["file"])
        key = (record["authority"]["gss_code"], record["document_type"], record["visit_end"])
        areas = sorted(row["areas"])
        assert visits.setdefault(key, {"areas": areas})["areas"] == areas  # copies agree
    return visits


VISITS = _visits()


def _expected(*, by: str = "year", keep=lambda gss, end, type_: True) -> Counter[tuple[str, str, str]]:
    counts: Counter[tuple[str, str, str]] = Counter()
    for (gss, type_, end), visit in VISITS.items():
        if not keep(gss, end, type_):
            continue
        info = lookup(gss)
        assert info is not None
        period = end[:4] if by == "year" else info.region_name
        for area in visit["areas"]:
            counts[(period, type_, area)] += 1
    return counts


def _counted(rows) -> Counter[tuple[str, str, str]]:
    counted: Counter[tuple[str, str, str]] = Counter()
    for row in rows:
        key = (row.period, row.type, row.focus)
        assert key not in counted  # one row per period, type and area
        counted[key] = row.visits
    return counted


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every focused-visit letter and area SEND report of examples/letters, a text copy of one
    letter, and the two synthetic monitoring-visit letters."""
    path = tmp_path_factory.mktemp("focus") / "kg.db"
    files = sorted(EXAMPLES.glob("focused-visit_*.pdf")) + sorted(EXAMPLES.glob("send-area_*.pdf"))
    with api.open(path) as kg:
        result = kg.ingest([*files, TEXT_COPY, *SYNTHETIC], jobs=2, progress=False)
        assert result.failed == [], result.failed
    return path


def test_the_gold_has_every_loaded_visit() -> None:
    letters = {f"examples/letters/{p.name}" for p in EXAMPLES.glob("focused-visit_*.pdf")}
    assert letters <= {row["file"] for row in _jsonl("visit_focus.jsonl")}
    # The PDF and the text copy of Peterborough's 2021 letter are one visit.
    assert len(VISITS) == len(_jsonl("visit_focus.jsonl")) - 1


def test_visits_are_counted_by_focus_and_year_once_each(store: Path) -> None:
    with api.open(store) as kg:
        rows = kg.visits_by_focus()
    assert _counted(rows) == _expected()
    # Two copies of Peterborough's 2021 letter: its visit counts once.
    assert (
        next(
            r.visits
            for r in rows
            if (r.period, r.type, r.focus) == ("2021", "focused_visit", "children-in-care")
        )
        == 2
    )
    assert {r.focus_label for r in rows if r.focus == "front-door"} == {"the front door"}


def test_by_region_and_the_filters(store: Path) -> None:
    with api.open(store) as kg:
        by_region = kg.visits_by_focus(by="region")
        peterborough = kg.visits_by_focus(authority="peterborough")  # any case, as the resolver takes it
        london = kg.visits_by_focus(region="london")
        recent = kg.visits_by_focus(since="2023-01-01", until="2025-12-31")
        monitoring = kg.visits_by_focus(type="monitoring_visit")
    assert _counted(by_region) == _expected(by="region")
    assert _counted(peterborough) == _expected(keep=lambda gss, end, t: gss == "E06000031")
    assert _counted(peterborough) == Counter(
        {("2021", "focused_visit", "children-in-care"): 1, ("2023", "focused_visit", "front-door"): 1}
    )
    in_london = _expected(keep=lambda gss, end, t: lookup(gss).region_name == "London")  # type: ignore[union-attr]
    assert _counted(london) == in_london and sum(in_london.values()) >= 5
    assert _counted(recent) == _expected(keep=lambda gss, end, t: "2023-01-01" <= end <= "2025-12-31")
    assert _counted(monitoring) == _expected(keep=lambda gss, end, t: t == "monitoring_visit")
    assert sum(_counted(monitoring).values()) == 4  # two synthetic letters, two areas each


def test_trends_focus_on_the_command_line(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(
        ["--store", str(store), "trends", "focus", "--authority", "Peterborough", "--format", "csv"]
    )
    out, _ = capsys.readouterr()
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert [(r["period"], r["type"], r["focus"], r["visits"]) for r in rows] == [
        ("2021", "focused_visit", "children-in-care", "1"),
        ("2023", "focused_visit", "front-door", "1"),
    ]
    # Options that do not apply to a view are usage errors, never ignored.
    for args in (
        ["trends", "themes", "--authority", "Peterborough"],
        ["trends", "--since", "2023-01-01"],
        ["trends", "focus", "--theme", "placement-sufficiency"],
        ["trends", "focus", "--type", "ilacs_inspection"],
        ["trends", "grades", "--type", "focused_visit"],
        ["trends", "movers", "--type", "ilacs_inspection"],
        ["trends", "focus", "--authority", "Nowhereshire"],
    ):
        assert cli.main(["--store", str(store), *args]) == 2, args
        _, err = capsys.readouterr()
        assert err.count("\n") == 1, err


def _next_due_gold() -> dict[str, tuple[str, str]]:
    """GSS code -> (earliest due-by date, its kind), from each area SEND report's gold windows."""
    due = {}
    for row in _jsonl("next_inspections.jsonl"):
        record = _gold_record(row["file"])
        first = min(row["next_inspections"], key=lambda n: n["due_by"])
        due[record["authority"]["gss_code"]] = (first["due_by"], first["kind"])
    return due


def test_summary_gives_the_next_inspection_due(store: Path) -> None:
    gold = _next_due_gold()
    assert len(gold) == len(list(EXAMPLES.glob("send-area_*.pdf")))  # one report per authority
    with api.open(store) as kg:
        rows = kg.summary()
    got = {
        r.gss_code: (r.send_next_due.isoformat(), r.send_next_kind)
        for r in rows
        if r.send_next_due is not None
    }
    assert got == gold
    # Bury's report states a monitoring inspection within 18 months and a full one within three
    # years: the monitoring inspection is the next due.
    assert got["E08000002"] == ("2025-08-16", "monitoring_inspection")
    assert all(r.send_next_kind is None for r in rows if r.send_end is None)


def test_history_gives_the_next_inspection_due(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with api.open(store) as kg:
        bury = kg.history("Bury")
    (send,) = [e for e in bury if e.type == "area_send_inspection"]
    assert (send.next_due.isoformat() if send.next_due else None, send.next_kind) == (
        "2025-08-16",
        "monitoring_inspection",
    )
    assert all(e.next_due is None for e in bury if e.type != "area_send_inspection")
    code = cli.main(["--store", str(store), "summary", "--format", "csv"])
    out, _ = capsys.readouterr()
    assert code == 0
    row = next(r for r in csv.DictReader(io.StringIO(out)) if r["authority"] == "Bury")
    assert (row["send_next_due"], row["send_next_kind"]) == ("2025-08-16", "monitoring_inspection")
