"""`summary` and `history` on a store of every real report in examples/letters, checked against
grades read by hand from the reports (tests/gold/latest_grades.tsv)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest
from answers_fixtures import CORPUS, EXAMPLES, gold_rows, publish
from ofsted_kg.loaders.authorities import REGIONS, all_authorities
from openpyxl import load_workbook

from ofsted_kg import api, cli
from ofsted_kg.answers.common import (
    GRADE_LABELS,
    GRADE_RANK,
    parse_date,
    select,
    select_side_by_side,
)
from ofsted_kg.answers.history import grade_changes
from ofsted_kg.errors import UsageError
from ofsted_kg.named_queries import get_query
from ofsted_kg.resolver import resolve_region

GRADE_COLUMNS = (
    "overall",
    "leaders",
    "help_and_protection",
    "in_care_and_care_leavers",
    "in_care",
    "care_leavers",
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every real example report, the synthetic monitoring and JTAI letters, and the synthetic
    post-reform ILACS report."""
    path = tmp_path_factory.mktemp("answers") / "kg.db"
    with api.open(path) as kg:
        result = kg.ingest([EXAMPLES, CORPUS / "synthetic", CORPUS / "reform"], jobs=2, progress=False)
        assert result.failed == [], result.failed
    return path


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, tuple[str, str]]]:
    """A store of the ILACS reports alone, with their publication dates and Ofsted links."""
    path = tmp_path_factory.mktemp("published") / "kg.db"
    with api.open(path) as kg:
        result = kg.ingest(sorted(EXAMPLES.glob("ilacs_*.pdf")), jobs=2, progress=False)
        assert result.failed == []
        added = publish(kg)
    return path, added


def run_cli(*args: str, store: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--store", str(store), *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- summary ---------------------------------------------------------------------------------------


def test_summary_grades_equal_the_gold_file(store: Path) -> None:
    with api.open(store) as kg:
        rows = {row.gss_code: row for row in kg.summary()}
    gold = gold_rows()
    assert len(gold) >= 25
    for expected in gold:
        row = rows[expected["gss_code"]]
        assert row.authority == expected["authority"]
        for column in GRADE_COLUMNS:
            want = GRADE_LABELS[expected[column]] if expected[column] else None
            assert getattr(row, column) == want, (expected["authority"], column)
        assert row.ilacs_start == (parse_date(expected["start"]) if expected["start"] else None)
        assert row.ilacs_end == (parse_date(expected["end"]) if expected["end"] else None), expected[
            "authority"
        ]
        assert row.lead_inspector == expected["lead_inspector"], expected["authority"]
        if expected["earlier_end"]:
            assert row.previous_ilacs_end == parse_date(expected["earlier_end"])
            assert row.previous_overall == GRADE_LABELS[expected["earlier_overall"]]
        else:
            assert row.previous_overall is None and row.direction is None


def test_side_by_side_queries_give_what_one_after_the_other_gives(store: Path) -> None:
    """`summary` and `findings` run independent queries in threads on the embedded store: the
    same rows, in the same order, as running them in turn; a failure in a thread reaches the caller."""
    calls = (
        ("select_latest_grades", {}),
        ("select_latest_visits", {"as_of": dt.date(2022, 3, 31)}),
        ("select_findings_by_words", {"words": "sufficiency"}),
    )
    with api.open(store, read_only=True) as kg:
        assert kg.backend.concurrent_reads
        together = select_side_by_side(kg.backend, *calls)
        assert together == [select(kg.backend, name, params) for name, params in calls]
        assert [len(rows) for rows in together][:2] == [153, 153] and together[2]
        with pytest.raises(UsageError, match="select_nothing_such"):
            select_side_by_side(kg.backend, calls[0], ("select_nothing_such", {}))


def test_summary_has_every_authority_even_uninspected(store: Path) -> None:
    with api.open(store) as kg:
        rows = kg.summary()
    current = [a for a in all_authorities() if not a.legacy]
    assert len(rows) == len(current) == 153
    assert {r.gss_code for r in rows} == {a.gss_code for a in current}
    rutland = next(r for r in rows if r.authority == "Rutland")
    assert (rutland.urn, rutland.la_number, rutland.region) == ("80547", "857", "East Midlands")
    assert rutland.overall is rutland.ilacs_end is rutland.focused_visit_end is rutland.send_outcome is None
    assert (
        rutland.neighbours_not_graded
        + rutland.neighbours_good
        + rutland.neighbours_outstanding
        + (rutland.neighbours_requires_improvement + rutland.neighbours_inadequate)
        == 10
    )


def test_summary_on_a_store_with_nothing_loaded(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with api.open(tmp_path / "empty.db") as kg:
        kg.ingest([], progress=False)  # the ontology and the 153 authorities only
    code, out, err = run_cli("summary", "--format", "json", store=tmp_path / "empty.db", capsys=capsys)
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 153
    assert all(r["overall"] is None and r["ilacs_end"] is None for r in rows)
    assert all(r["neighbours_not_graded"] == 10 for r in rows if r["authority"] != "Isles of Scilly")


def test_direction_of_travel_for_authorities_inspected_twice(store: Path) -> None:
    with api.open(store) as kg:
        rows = {row.authority: row for row in kg.summary()}
    assert rows["Birmingham"].direction == "improved"  # requires improvement -> good
    assert rows["Bournemouth, Christchurch and Poole"].direction == "improved"  # inadequate -> good
    assert rows["Southend-on-Sea"].direction == "improved"
    assert rows["Birmingham"].previous_overall == "Requires improvement to be good"


def test_after_the_2026_reform_overall_is_blank_and_has_no_direction(store: Path) -> None:
    with api.open(store) as kg:
        wokingham = next(r for r in kg.summary(region="south east") if r.authority == "Wokingham")
        bradford = next(r for r in kg.summary() if r.authority == "Bradford")
    assert wokingham.ilacs_framework == "ilacs-2026"
    assert wokingham.overall is None and wokingham.direction is None
    assert (wokingham.leaders, wokingham.in_care) == ("Good", "Outstanding")
    # Bradford was inspected in January 2026, before the reform, and published after it: graded.
    assert bradford.overall == "Requires improvement to be good"


def test_as_of_picks_the_earlier_inspection(store: Path) -> None:
    with api.open(store) as kg:
        then = {row.authority: row for row in kg.summary(as_of="2020-03-31")}
        later = {row.authority: row for row in kg.summary(as_of=dt.date(2022, 3, 31))}
    assert then["Birmingham"].ilacs_end == dt.date(2018, 12, 14)
    assert then["Birmingham"].overall == "Requires improvement to be good"
    assert then["Southend-on-Sea"].ilacs_end == dt.date(2019, 7, 26)
    assert then["Bournemouth, Christchurch and Poole"].overall is None  # first inspected December 2021
    assert then["Peterborough"].overall is None and then["Peterborough"].focused_visit_end is None
    assert later["Bournemouth, Christchurch and Poole"].overall == "Inadequate"
    assert later["Birmingham"].previous_overall is None  # its 2023 inspection is not yet known
    assert later["Birmingham"].focused_visit_end == dt.date(2020, 2, 20)


def test_as_of_counts_an_inspection_from_its_publication(published: tuple[Path, dict]) -> None:
    path, added = published
    assert added["ilacs_birmingham_2023-04.pdf"] == (
        "2023-04-18",
        "https://files.ofsted.gov.uk/v1/file/50214110",
    )
    with api.open(path) as kg:
        # The 2023 inspection ended on 3 March and was published on 18 April.
        before = next(r for r in kg.summary(as_of="2023-04-17") if r.authority == "Birmingham")
        after = next(r for r in kg.summary(as_of="2023-04-18") if r.authority == "Birmingham")
    assert before.ilacs_end == dt.date(2018, 12, 14) and before.published == dt.date(2019, 1, 17)
    assert after.ilacs_end == dt.date(2023, 3, 3) and after.published == dt.date(2023, 4, 18)
    assert after.report_url == "https://files.ofsted.gov.uk/v1/file/50214110"


def test_summary_region_filter_and_unknown_region(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with api.open(store) as kg:
        london = kg.summary(region="LONDON")
        yorkshire = kg.summary(region="Yorkshire and the Humber")
    assert len(london) == 33 and {r.region for r in london} == {"London"}
    assert len(yorkshire) == 15
    code, out, err = run_cli("summary", "--region", "Wessex", store=store, capsys=capsys)
    assert code == 2 and out == ""
    assert "no region called 'Wessex'" in err and all(region in err for region in REGIONS.values())
    code, _, err = run_cli("summary", "--as-of", "31/03/2024", store=store, capsys=capsys)
    assert code == 2 and "YYYY-MM-DD" in err


def test_regions_resolve_by_any_spelling() -> None:
    assert resolve_region("yorkshire") == "Yorkshire and The Humber"
    assert resolve_region("E12000007") == "London"
    assert resolve_region(" east  of england ") == "East of England"
    with pytest.raises(UsageError, match="North East; North West"):
        resolve_region("North")  # two regions start so: say which
    # The reference lookup's own spellings and codes disagree; every authority now has one of nine.
    assert {(a.region_code, a.region_name) for a in all_authorities()} <= set(REGIONS.items())


def test_grade_labels_are_the_ontologys(store: Path) -> None:
    with api.open(store) as kg:
        rows = kg.sparql(
            "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
            "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#> "
            "SELECT ?n ?pref ?label WHERE { ?c skos:inScheme okg:GradeScheme ; skos:notation ?n ; "
            "skos:prefLabel ?pref ; rdfs:label ?label }"
        )
    ontology = {r.n: (r.pref, r.label) for r in rows}
    assert set(GRADE_LABELS) == set(ontology)
    for notation, label in GRADE_LABELS.items():
        assert label in ontology[notation]
    assert set(GRADE_RANK) < set(GRADE_LABELS)


# -- history ---------------------------------------------------------------------------------------


def test_history_of_an_authority_in_date_order(store: Path) -> None:
    with api.open(store) as kg:
        entries = kg.history("birmingham")
    assert [(e.type, e.end) for e in entries] == [
        ("sif_inspection", dt.date(2016, 10, 6)),
        ("ilacs_inspection", dt.date(2018, 12, 14)),
        ("focused_visit", dt.date(2020, 2, 20)),
        ("ilacs_inspection", dt.date(2023, 3, 3)),
        ("focused_visit", dt.date(2024, 9, 25)),
    ]
    sif, ilacs_2018, visit, ilacs_2023, _ = entries
    assert sif.overall == "Inadequate" and sif.grade_changes == ("first graded inspection",)
    assert "sif_leadership" in sif.judgements
    assert ilacs_2018.grade_changes == ("overall: Inadequate -> Requires improvement to be good",)
    assert "overall: Requires improvement to be good -> Good" in ilacs_2023.grade_changes
    # Children in care, judged apart from 2023, is compared with the combined judgement of 2018.
    assert "children in care: Requires improvement to be good -> Good" in ilacs_2023.grade_changes
    assert visit.grade_changes == () and visit.overall is None
    assert ilacs_2023.lead_inspector == "John Roughton"
    for entry in entries:
        assert entry.findings >= entry.strengths + entry.concerns > 0
        assert sum(entry.concerns_by_theme.values()) >= entry.concerns > 0 or not entry.concerns_by_theme
        assert list(entry.concerns_by_theme.values()) == sorted(
            entry.concerns_by_theme.values(), reverse=True
        )


def test_every_authority_history_gives_the_rows_of_authority_history(store: Path) -> None:
    """The whole-store form gives the same rows, in the same order, as the one-authority form with
    its authority unbound, every column as the store gives it, but for the lists that
    GROUP_CONCAT gives in the store's order (judgements, lead inspectors) compared as sets."""
    with api.open(store) as kg:
        every = kg.backend.select_values(get_query("select_every_authority_history").text)
        bound = kg.backend.select_values(get_query("select_authority_history").text)
        assert every.variables == bound.variables
        lists = [every.variables.index(name) for name in ("judgements", "lead_inspector")]

        def comparable(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
            return [
                tuple(
                    sorted(str(value).split("; ")) if i in lists and value else value
                    for i, value in enumerate(row)
                )
                for row in rows
            ]

        rows, expected = comparable(every.rows), comparable(bound.rows)
    assert len(rows) > 80 and len({row[0] for row in rows}) > 30
    columns = {name: i for i, name in enumerate(every.variables)}
    for name in ("judgements", "strengths_by_theme", "concerns_by_theme", "next_due", "lead_inspector"):
        assert any(row[columns[name]] for row in rows), name  # each column is tested, not empty
    assert rows == expected


def test_grade_changes_rule() -> None:
    assert grade_changes({}, {"overall_effectiveness": "good"}) == ("first graded inspection",)
    assert grade_changes({"overall_effectiveness": "good"}, {"overall_effectiveness": "good"}) == (
        "no change",
    )
    assert grade_changes(
        {"children_in_care_and_care_leavers": "inadequate"},
        {"care_leavers": "good", "children_in_care": "inadequate"},
    ) == ("care leavers: Inadequate -> Good",)


def test_history_unknown_authority_is_a_usage_error(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli("history", "--authority", "Peterbrough", store=store, capsys=capsys)
    assert code == 2 and out == ""
    assert "did you mean Peterborough" in err


def test_history_accepts_every_form_of_name(store: Path) -> None:
    with api.open(store) as kg:
        forms = [kg.history(name) for name in ("Southend", "southend-on-sea", "E06000033", "80559", "882")]
    assert all(len(f) == 2 for f in forms) and len({tuple(e.inspection for e in f) for f in forms}) == 1


# -- formats ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("command", [("summary",), ("history", "--authority", "Peterborough")])
def test_every_format(
    store: Path, command: tuple[str, ...], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, table, _ = run_cli(*command, store=store, capsys=capsys)
    assert code == 0 and re.search(r"\(\d+ rows?\)\n$", table)
    code, text, _ = run_cli(*command, "--format", "json", store=store, capsys=capsys)
    rows = json.loads(text)
    code, text, _ = run_cli(*command, "--format", "csv", store=store, capsys=capsys)
    as_csv = list(csv.DictReader(text.splitlines()))
    code, text, _ = run_cli(*command, "--format", "tsv", store=store, capsys=capsys)
    as_tsv = list(csv.DictReader(text.splitlines(), delimiter="\t"))
    assert len(rows) == len(as_csv) == len(as_tsv) > 0
    assert list(rows[0]) == list(as_csv[0]) == list(as_tsv[0])
    target = tmp_path / "out.xlsx"
    code, text, err = run_cli(
        *command, "--format", "xlsx", "--output", str(target), store=store, capsys=capsys
    )
    assert code == 0 and text == "", err
    sheet = load_workbook(target).active
    assert [c.value for c in sheet[1]] == list(rows[0])
    assert sheet.max_row == len(rows) + 1 and sheet.freeze_panes == "A2"


def test_xlsx_links_to_the_ofsted_report(published: tuple[Path, dict], tmp_path: Path) -> None:
    path, _ = published
    target = tmp_path / "summary.xlsx"
    assert cli.main(["--store", str(path), "summary", "--format", "xlsx", "-o", str(target)]) == 0
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    column = header.index("report_url") + 1
    links = {
        sheet.cell(row=r, column=1).value: sheet.cell(row=r, column=column).hyperlink
        for r in range(2, sheet.max_row + 1)
        if sheet.cell(row=r, column=column).hyperlink is not None
    }
    assert links["Birmingham"].target == "https://files.ofsted.gov.uk/v1/file/50214110"
    assert len(links) == 22  # every authority with a published ILACS report
    birmingham = [c.value for c in sheet["A"]].index("Birmingham") + 1
    assert sheet.cell(row=birmingham, column=header.index("ilacs_end") + 1).value == dt.datetime(2023, 3, 3)


def test_xlsx_to_a_terminal_is_refused_and_to_a_pipe_is_written(store: Path) -> None:
    piped = subprocess.run(
        [sys.executable, "-m", "ofsted_kg", "--store", str(store), "summary", "--format", "xlsx"],
        capture_output=True,
        timeout=120,
    )
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout[:2] == b"PK"  # a zip: the workbook


def test_statistical_neighbours_by_name(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(
        "query", "select_statistical_neighbours", "--param", "authority=peterborough", "--format", "json",
        store=store, capsys=capsys,
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert len(rows) == 10 and {r["authorityName"] for r in rows} == {"Peterborough"}
    code, _, err = run_cli(
        "query",
        "select_statistical_neighbours",
        "--param",
        "authority=Peterbrough",
        store=store,
        capsys=capsys,
    )
    assert code == 2 and "Peterborough" in err


def test_rows_as_a_dataframe_where_pandas_is_installed(store: Path) -> None:
    from ofsted_kg.answers.common import to_dataframe

    with api.open(store) as kg:
        rows = kg.history("Peterborough")
    try:
        import pandas  # noqa: F401
    except ImportError:
        with pytest.raises(ImportError, match="pip install pandas"):
            to_dataframe(rows)
        return
    frame = to_dataframe(rows)
    assert len(frame) == len(rows) and "grade_changes" in frame.columns
