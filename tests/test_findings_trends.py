"""`findings` and `trends` on real reports: filters, the unthemed findings, the three findings
queries agreeing, grade distributions against the hand-read gold, shares of concerns."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from answers_fixtures import EXAMPLES, gold_rows, publish
from openpyxl import load_workbook

from ofsted_kg import api, cli
from ofsted_kg.answers.common import select
from ofsted_kg.answers.trends import MIN_CONCERNS_PER_YEAR, ThemeTrend, moves_from

LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "focused-visit_peterborough_2023-05.pdf",
    "focused-visit_birmingham_2020-03.pdf",
    "focused-visit_kent_2019-02.pdf",
    "send-area_suffolk_2024-01.pdf",
)
PETERBOROUGH_SUFFICIENCY = (
    "The sufficiency of suitable placements that can meet children and young people’s assessed needs."
)
# The one finding of Peterborough's 2023 ILACS report the classifier leaves without a theme.
PETERBOROUGH_UNTHEMED = (
    "Most decisions for children to enter care are made when it is in their interests to do so."
)


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every ILACS report (with its publication date and Ofsted link) and a few letters."""
    path = tmp_path_factory.mktemp("findings") / "kg.db"
    with api.open(path) as kg:
        files = sorted(EXAMPLES.glob("ilacs_*.pdf")) + [EXAMPLES / name for name in LETTERS]
        assert kg.ingest(files, jobs=2, progress=False).failed == []
        publish(kg, prefix="ilacs_")
    return path


def run_cli(*args: str, store: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(["--store", str(store), *args])
    out, err = capsys.readouterr()
    return code, out, err


# -- findings --------------------------------------------------------------------------------------


def test_unthemed_findings_are_found_by_words(store: Path) -> None:
    with api.open(store) as kg:
        themed = kg.findings(theme="placement sufficiency", authority="Peterborough")
        with_unthemed = kg.findings(
            theme="placement-sufficiency", include_unthemed=True, text="decisions", authority="peterborough"
        )
        national = kg.findings(theme="Placement sufficiency", include_unthemed=True, text="decisions care")
    # The example now carries its theme (the lexicon reads "sufficiency of ... placements").
    sufficiency = next(r for r in themed if r.quote == PETERBOROUGH_SUFFICIENCY)
    assert (sufficiency.kind, sufficiency.type, sufficiency.end) == (
        "area_for_improvement",
        "ilacs_inspection",
        dt.date(2023, 12, 8),
    )
    assert "placement-sufficiency" in sufficiency.themes
    assert sufficiency.report_url == "https://files.ofsted.gov.uk/v1/file/50238583"
    assert sufficiency.evidence_url == f"{sufficiency.report_url}#page={sufficiency.page}"
    # A finding the classifier left unthemed is found by its words, not dropped.
    assert PETERBOROUGH_UNTHEMED not in {row.quote for row in themed}
    row = next(r for r in with_unthemed if r.quote == PETERBOROUGH_UNTHEMED)
    assert (row.kind, row.themes) == ("main_finding", ())
    # The words narrow the themed findings too: those of the theme with the word are all there.
    themed_with_word = {r.finding for r in themed if "decisions" in r.quote.lower()}
    assert themed_with_word <= {r.finding for r in with_unthemed}
    assert PETERBOROUGH_UNTHEMED in {r.quote for r in national}
    assert all("placement-sufficiency" in r.themes or not r.themes for r in national)


def test_the_three_findings_queries_agree(store: Path) -> None:
    """From the authority, from the theme and from the words: the same rows for the same filters."""
    with api.open(store) as kg:
        backend = kg.backend
        by_authority = select(
            backend, "select_findings_filtered", {"authority": "Birmingham", "theme": "front-door"}
        )
        by_theme = [
            r for r in select(backend, "select_findings_by_theme", {"theme": "front-door"})
            if r["authority_name"] == "Birmingham"
        ]  # fmt: skip
        assert by_authority and sorted(map(_key, by_authority)) == sorted(map(_key, by_theme))
        words = {"words": "domestic abuse"}
        from_texts = [
            r
            for r in select(backend, "select_findings_by_words", words)
            if r["authority_name"] == "Birmingham"
        ]
        from_authority = select(backend, "select_findings_filtered", {"authority": "Birmingham", **words})
        assert from_texts and sorted(map(_key, from_texts)) == sorted(map(_key, from_authority))
        assert all("domestic" in r["text"].lower() and "abuse" in r["text"].lower() for r in from_texts)


def test_words_unthemed_is_the_unthemed_part_and_word_order_is_free(store: Path) -> None:
    """`unthemed` (applied to the candidates, before their properties are read) keeps exactly the
    rows without a theme; the command puts the longest word first, which changes no row."""
    with api.open(store) as kg:
        backend = kg.backend
        for words in ("care", "decisions", "placements children"):
            every = select(backend, "select_findings_by_words", {"words": words})
            unthemed = select(backend, "select_findings_by_words", {"words": words, "unthemed": True})
            assert sorted(map(_key, unthemed)) == sorted(map(_key, [r for r in every if not r["themes"]]))
        assert any(
            not r["themes"] for r in select(backend, "select_findings_by_words", {"words": "decisions"})
        )
        one_way = kg.findings(text="care leavers")
        other_way = kg.findings(text="Leavers CARE")
    assert one_way and [r.finding for r in one_way] == [r.finding for r in other_way]


@pytest.mark.parametrize(
    "command",
    [
        ["summary"],
        ["summary", "--as-of", "2022-03-31", "--region", "london"],
        ["history", "--authority", "Peterborough"],
        ["trends"],
        ["trends", "movers"],
        ["trends", "themes", "--theme", "placement sufficiency"],
        ["trends", "focus", "--authority", "Kent"],
        ["findings", "--authority", "Birmingham", "--since", "2019-01-01"],
        ["findings", "--theme", "placement-sufficiency", "--include-unthemed", "--text", "decisions"],
        ["query", "select_latest_grades", "--param", "region=London"],
        [
            "query",
            "--sparql",
            "SELECT ?a WHERE { ?a <https://w3id.org/ofsted-kg/ontology#gssCode> ?g }",
            "--param",
            "g=E06000031",
        ],
    ],
)
def test_the_answer_commands_never_import_rdflib(store: Path, command: list[str]) -> None:
    """A command that only reads rows (the analysts' commands, `query` of a SELECT) binds its
    parameters as pyoxigraph terms and reads rows as Python values: rdflib's import was about
    0.3 s of each such command's start-up."""
    probe = (
        "import sys\n"
        "from ofsted_kg import cli\n"
        "code = cli.main(sys.argv[1:])\n"
        "print('rdflib imported' if 'rdflib' in sys.modules else 'no rdflib', code, file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "--store", str(store), *command, "--format", "csv"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.stderr.strip().splitlines()[-1] == "no rdflib 0", done.stderr
    assert len(done.stdout.splitlines()) > 1  # a header and rows


def _key(row: dict) -> tuple:
    themes = tuple(sorted((row["themes"] or "").split("; ")))  # GROUP_CONCAT gives them in any order
    return (themes, *(str(row[k]) for k in ("finding", "kind", "polarity", "quote", "page", "end", "type")))


def test_findings_filters(store: Path) -> None:
    with api.open(store) as kg:
        rows = kg.findings(
            kind="area_for_improvement", polarity="concern", since="2023-01-01", until="2024-12-31"
        )
        visits = kg.findings(type="focused-visit", authority="Peterborough")
        everything = kg.findings(authority="Peterborough")
    assert rows and all(r.kind == "area_for_improvement" and r.polarity == "concern" for r in rows)
    assert all(dt.date(2023, 1, 1) <= r.end <= dt.date(2024, 12, 31) for r in rows)
    assert {r.type for r in visits} == {"focused_visit"} and len(visits) < len(everything)
    assert [r.end for r in everything] == sorted((r.end for r in everything), reverse=True)
    assert all(r.quote and r.page >= 1 for r in everything)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--theme", "placment sufficiency"), "did you mean placement-sufficiency"),
        (
            ("--kind", "weakness"),
            "no finding kind 'weakness' (choose from area_for_improvement, area_for_priority_action, headline",
        ),
        (("--include-unthemed",), "--include-unthemed goes with --theme"),
        (("--authority", "Peterbrough"), "did you mean Peterborough"),
        (("--since", "2023"), "YYYY-MM-DD"),
        (
            ("--since", "2024-01-01", "--until", "2020-12-31"),
            "--since 2024-01-01 is after --until 2020-12-31",
        ),
        (("--text", "a b c d e f g"), "at most 6 words"),
        (("--text", "  "), "--text: no words given"),
    ],
)
def test_findings_bad_filters_are_usage_errors(
    store: Path, args: tuple[str, ...], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run_cli("findings", *args, store=store, capsys=capsys)
    assert code == 2 and out == "" and message in err, err


def test_findings_formats_and_evidence_links(
    store: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run_cli(
        "findings", "--authority", "Peterborough", "--format", "json", store=store, capsys=capsys
    )
    rows = json.loads(out)
    assert code == 0 and rows and set(rows[0]) >= {"quote", "page", "report_url", "evidence_url", "themes"}
    target = tmp_path / "findings.xlsx"
    code, _, err = run_cli(
        "findings", "--authority", "Peterborough", "-f", "xlsx", "-o", str(target), store=store, capsys=capsys
    )
    assert code == 0, err
    sheet = load_workbook(target).active
    header = [c.value for c in sheet[1]]
    links = [
        sheet.cell(row=r, column=header.index("evidence_url") + 1).hyperlink
        for r in range(2, sheet.max_row + 1)
    ]
    targets = [link.target for link in links if link is not None]
    # The ILACS report has an Ofsted address in this store; the focused-visit letters do not.
    assert targets and all(
        t.startswith("https://files.ofsted.gov.uk/v1/file/50238583#page=") for t in targets
    )
    for fmt in ("csv", "tsv", "table"):
        code, out, _ = run_cli(
            "findings", "--theme", "front-door", "--format", fmt, store=store, capsys=capsys
        )
        assert code == 0 and out


# -- trends ----------------------------------------------------------------------------------------


def test_grade_distribution_per_year_equals_the_gold(store: Path) -> None:
    expected: Counter[tuple[str, str]] = Counter()
    for row in gold_rows():
        for end, overall in ((row["end"], row["overall"]), (row["earlier_end"], row["earlier_overall"])):
            if end and overall and not str(row["file"]).startswith("reform/"):
                expected[(end[:4], overall)] += 1
    with api.open(store) as kg:
        trends = kg.grade_trends()
    from ofsted_kg.answers.common import GRADE_LABELS

    got = {(t.period, t.grade): t.inspections for t in trends if t.area == "overall_effectiveness"}
    assert got == {(year, GRADE_LABELS[grade]): n for (year, grade), n in expected.items()}
    for t in trends:
        assert t.share == round(t.inspections / t.graded, 4)


def test_grade_distribution_per_region(store: Path) -> None:
    with api.open(store) as kg:
        rows = [t for t in kg.grade_trends(by="region") if t.area == "overall_effectiveness"]
    london = {t.grade: t.inspections for t in rows if t.period == "London"}
    # Croydon (good), City of London (outstanding), Harrow (inadequate) in the corpus.
    assert london == {"Good": 1, "Outstanding": 1, "Inadequate": 1}


def test_theme_shares_count_every_concern_once_per_period(store: Path) -> None:
    with api.open(store) as kg:
        rows = kg.theme_trends()
        one = kg.theme_trends(theme="placement sufficiency")
        concerns = kg.sparql(
            "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#> "
            "SELECT ?year (COUNT(?f) AS ?n) WHERE { ?f okg:polarity okg:Polarity_concern ; "
            "okg:aboutInspection ?i . ?i okg:endDate ?end BIND(YEAR(?end) AS ?year) } GROUP BY ?year"
        )
    per_year = {str(r.year): r.n for r in concerns}
    assert {r.period: r.period_concerns for r in rows} == per_year
    assert all(r.share == round(r.concerns / r.period_concerns, 4) for r in rows)
    assert one and {r.theme for r in one} == {"placement-sufficiency"}
    assert {(r.period, r.concerns) for r in one} <= {(r.period, r.concerns) for r in rows}


def test_rise_and_fall_rule() -> None:
    years = range(2018, 2024)
    rows = []
    for i, year in enumerate(years):
        rows.append(ThemeTrend(str(year), "rising-theme", 10 + 10 * i, 100, 0.0))
        rows.append(ThemeTrend(str(year), "falling-theme", 60 - 10 * i, 100, 0.0))
        rows.append(ThemeTrend(str(year), "steady-theme", 20, 100, 0.0))
    rows.append(ThemeTrend("2017", "rising-theme", 5, MIN_CONCERNS_PER_YEAR - 1, 0.0))  # too few: ignored
    moves = {m.theme: m for m in moves_from(rows)}
    assert moves["rising-theme"].direction == "rising" and moves["rising-theme"].slope_pp_per_year == 10.0
    assert moves["falling-theme"].direction == "falling" and moves["falling-theme"].slope_pp_per_year == -10.0
    assert moves["steady-theme"].direction == "steady"
    assert moves["rising-theme"].first_year == 2018 and moves["rising-theme"].years == 6
    # A year with concerns but none about a theme counts as a share of 0.
    gap = [r for r in rows if not (r.theme == "steady-theme" and r.period == "2023")]
    assert {m.theme: m for m in moves_from(gap)}["steady-theme"].last_share == 0.0


def test_trends_views_and_bad_options(store: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for args in (("trends",), ("trends", "--by", "region"), ("trends", "themes"), ("trends", "movers"),
                 ("trends", "--theme", "front door")):  # fmt: skip
        code, out, err = run_cli(*args, "--format", "json", store=store, capsys=capsys)
        assert code == 0, err
        json.loads(out)
    code, _, err = run_cli("trends", "grades", "--theme", "front-door", store=store, capsys=capsys)
    assert code == 2 and "themes or movers" in err
    code, _, err = run_cli("trends", "--theme", "nonsense", store=store, capsys=capsys)
    assert code == 2 and "no theme 'nonsense' (" in err  # no empty "did you mean"
    # One word of a theme's name offers the themes named with it, not only spelling neighbours.
    code, _, err = run_cli("findings", "--theme", "placement", store=store, capsys=capsys)
    assert code == 2 and "placement-sufficiency" in err and "placement-stability" in err, err
    code, out, err = run_cli(
        "trends", "focus", "--since", "2025-01-01", "--until", "2024-12-31", store=store, capsys=capsys
    )
    assert code == 2 and out == "" and "is after --until 2024-12-31" in err, err
