"""The page's data step, encoding, HTML and pictures, without a browser (tests/test_browser.py
drives the page itself). A store of 13 real letters (analysis_fixtures.REAL_LETTERS)."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from analysis_fixtures import build_real_store

from ofsted_kg.analysis.data import FindingRow
from ofsted_kg.analysis.recurring import FindingRef, Recurrence
from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.answers.history import all_histories, authority_history
from ofsted_kg.cli import main
from ofsted_kg.page import page_data, render_html, write_picture
from ofsted_kg.page.data import PageData, one_authority
from ofsted_kg.page.encode import encode, pack, unpack
from ofsted_kg.page.resolved import resolved_weaknesses

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
PETERBOROUGH = "E06000031"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    s = build_real_store(tmp_path_factory.mktemp("visualise") / "store", EXAMPLES)
    recompute_related(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def data(store) -> PageData:
    return page_data(store)


def _overview(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="okg-overview">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def _detail(html: str) -> dict:
    match = re.search(r'<script type="text/plain" id="okg-detail">(.*?)</script>', html, re.S)
    assert match
    return unpack(match.group(1))


def test_every_authority_once_with_its_inspections_in_date_order(data: PageData) -> None:
    current = [a for a in data.authorities.values() if a.current]
    assert len(current) == 153 == len(data.summaries)
    dates = [e.start for e in data.histories[PETERBOROUGH]]
    assert dates == sorted(dates) and len(dates) == 3
    assert [e.type for e in data.histories[PETERBOROUGH]] == [
        "focused_visit",
        "focused_visit",
        "ilacs_inspection",
    ]
    # Every finding sits under one of the inspections shown, so no column loses its findings.
    inspections = {e.inspection for entries in data.histories.values() for e in entries}
    assert data.findings and all(f.inspection in inspections for f in data.findings)
    assert data.as_of == max(e.end for entries in data.histories.values() for e in entries if e.end)


def test_all_histories_is_authority_history_for_each(store, data: PageData) -> None:
    everyone = all_histories(store)
    assert len(everyone) == len(data.histories) == 7  # the authorities of the 13 letters
    for authority_iri, entries in everyone.items():
        gss = authority_iri.rsplit("/", 1)[1]
        assert entries == authority_history(store, gss), gss


def test_recurring_weakness_of_peterborough_is_in_the_data(data: PageData) -> None:
    pairs = [(r.earlier.text, r.later.text) for r in data.recurrences if r.authority_name == "Peterborough"]
    assert any(
        "quality and recording of supervision" in a and b == "The quality of supervision." for a, b in pairs
    )


def test_one_authority_keeps_its_own_and_the_findings_related_to_them(data: PageData) -> None:
    one = one_authority(data, PETERBOROUGH)
    own = {f.iri for f in one.findings if f.authority_name == "Peterborough"}
    assert own == {f.iri for f in data.findings if f.authority_name == "Peterborough"}
    others = {f.iri for f in one.findings} - own
    assert others, "related findings of other authorities are kept for the related list"
    assert all(link.finding_a in own or link.finding_b in own for link in one.links)
    linked = {iri for link in one.links for iri in (link.finding_a, link.finding_b)}
    assert others <= linked
    assert {r.authority_name for r in one.recurrences} == {"Peterborough"}
    # Other authorities keep only the inspections their related findings come from.
    assert len(one.findings) < len(data.findings)
    kept = {e.inspection for code, es in one.histories.items() if code != PETERBOROUGH for e in es}
    assert kept == {f.inspection for f in one.findings if f.iri in others}


def test_since_keeps_later_inspections_only(store) -> None:
    later = page_data(store, since=dt.date(2023, 1, 1))
    starts = [e.start for entries in later.histories.values() for e in entries]
    assert starts and min(starts) >= dt.date(2023, 1, 1)
    assert [e.start for e in later.histories[PETERBOROUGH]] == [dt.date(2023, 3, 1), dt.date(2023, 11, 27)]


def _finding(iri: str, inspection: str, kind: str, polarity: str, theme: str, text: str) -> FindingRow:
    return FindingRow(iri=iri, text=text, kind=kind, polarity=polarity, themes=(theme,), authority="A",
                      authority_name="A", report=inspection, report_title="", inspection=inspection, date="",
                      document_type="", page=1, quote=text)  # fmt: skip


def test_a_weakness_answered_later_by_a_similar_strength() -> None:
    dates = {"i1": dt.date(2019, 1, 1), "i2": dt.date(2021, 1, 1), "i3": dt.date(2023, 1, 1)}
    weak = _finding("w", "i1", "area_for_improvement", "concern", "private-fostering",
                    "Private fostering assessments are not robust and visits to children are not timely.")  # fmt: skip
    generic = _finding("g", "i2", "main_finding", "strength", "private-fostering",
                       "Leaders know their services well and have a clear plan.")  # fmt: skip
    answer = _finding("s", "i3", "main_finding", "strength", "private-fostering",
                      "Private fostering assessments are now timely, and visits to children happen as required.")  # fmt: skip
    later_answer = _finding("s2", "i3", "strength", "strength", "private-fostering",
                            "Visits to privately fostered children are regular.")  # fmt: skip
    findings = [weak, generic, answer, later_answer]
    found = resolved_weaknesses(findings, dates, [])
    assert [(r.weakness, r.strength, r.theme) for r in found] == [("w", "s", "private-fostering")]
    assert found[0].similarity >= 0.2
    # A weakness raised again is recurring, not resolved, whatever is praised later.
    again = Recurrence("A", "A", ("private-fostering",), FindingRef("w", "", "", "", 1, "i1", ""),
                       FindingRef("x", "", "", "", 1, "i2", ""), 0.5)  # fmt: skip
    assert resolved_weaknesses(findings, dates, [again]) == []
    # A strength before the weakness answers nothing.
    assert resolved_weaknesses(findings, {**dates, "i3": dt.date(2018, 1, 1)}, []) == []


def test_encoding_stores_each_text_once_and_round_trips(data: PageData) -> None:
    payload = encode(data)
    detail = payload["detail"]
    assert unpack(pack(detail)) == detail
    f = detail["findings"]
    n = len(f["inspection"])
    assert n == len(data.findings)
    assert len(detail["texts"]) == len(set(detail["texts"]))  # no text twice
    by_iri = {x.iri: x for x in data.findings}
    for i in range(n):
        iri = detail["iriPrefixes"][f["iriPrefix"][i]] + "/" + f["iri"][i]
        row = by_iri[iri]
        assert detail["texts"][f["text"][i]] == row.text
        quote = detail["texts"][f["quote"][i]] if f["quote"][i] >= 0 else row.text
        assert quote == row.quote
    links = detail["links"]
    assert len(links) == 4 * len(data.links) and all(0 <= links[k] < n for k in range(0, len(links), 4))
    overview = payload["overview"]
    assert len([a for a in overview["authorities"] if a["current"]]) == 153
    peterborough = next(a for a in overview["authorities"] if a["gss"] == PETERBOROUGH)
    assert peterborough["latest"]["tile"] == {
        "area": "overall_effectiveness",
        "grade": "inadequate",
        "year": 2023,
    }
    assert peterborough["latest"]["ilacs"]["grades"]["care_leavers"] == "inadequate"
    own = [i for i in overview["inspections"] if i["a"] == peterborough_index(overview)]
    assert [i["start"] for i in own] == ["2021-06-22", "2023-03-01", "2023-11-27"]


def peterborough_index(overview: dict) -> int:
    return next(i for i, a in enumerate(overview["authorities"]) if a["gss"] == PETERBOROUGH)


def test_page_is_self_contained_and_carries_the_licence(data: PageData) -> None:
    html = render_html(data)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", html, re.I)
    assert "@import" not in html
    assert html.count("<script") == 4  # overview data, detail data, d3, the app
    assert "Copyright 2010-2026 Mike Bostock" in html and "Permission to use, copy, modify" in html
    assert len(_overview(html)["inspections"]) == data.inspection_count()
    assert len(_detail(html)["findings"]["text"]) == len(data.findings)


def test_data_cannot_close_the_script_element(data: PageData) -> None:
    hostile = "</script><script>alert(1)</script><!-- /*__OKG_APP__*/ __OKG_DETAIL__"
    entries = {
        gss: [e.__class__(**{**e.__dict__, "title": hostile, "focus": hostile}) for e in es]
        for gss, es in data.histories.items()
    }
    findings = [f.__class__(**{**f.__dict__, "text": hostile + f.text}) for f in data.findings[:50]]
    tampered = PageData(**{**data.__dict__, "histories": entries, "findings": findings})
    html = render_html(tampered)
    assert html.count("</script>") == 4
    assert _overview(html)["inspections"][0]["title"] == hostile
    assert _detail(html)["texts"][0].startswith(hostile)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_pictures_of_the_overview_and_a_story(data: PageData, fmt: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    national, story = tmp_path / f"national.{fmt}", tmp_path / f"story.{fmt}"
    write_picture(data, national, fmt)
    write_picture(one_authority(data, PETERBOROUGH), story, fmt)
    for out in (national, story):
        raw = out.read_bytes()
        if fmt == "png":
            assert raw.startswith(b"\x89PNG") and len(raw) > 30_000
        else:
            assert ET.fromstring(raw).tag.endswith("svg")
    if fmt == "svg":
        # The drawings say what they are (SVG text stays text): every authority on the
        # overview with the grades' legend; the inspections, themes and grades on the story.
        words = national.read_text(encoding="utf-8")
        assert "Latest ILACS grade of every local authority" in words
        assert all(
            a.name.replace(", City of", "").split()[0] in words
            for a in data.authorities.values()
            if a.current
        )
        assert "Requires improvement" in words and "FV / MV" in words
        story_words = story.read_text(encoding="utf-8")
        assert story_words.count("Focused visit") == 2 and "ILACS inspection" in story_words
        assert "Supervision and management oversight" in story_words and "Overall: Inadequate" in story_words


def test_cli_visualise(store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(store.path)
    store.close()
    try:
        out = tmp_path / "page.html"
        assert main(["--store", path, "visualise", "-o", str(out)]) == 0
        assert "national overview" in capsys.readouterr().err
        assert len(_overview(out.read_text(encoding="utf-8"))["authorities"]) >= 153
        brief = tmp_path / "peterborough.html"
        assert main(["--store", path, "visualise", "--authority", "peterborough", "-o", str(brief)]) == 0
        scope = _overview(brief.read_text(encoding="utf-8"))["scope"]
        assert scope["authority"] == PETERBOROUGH
        assert (
            main(
                [
                    "--store",
                    path,
                    "visualise",
                    "-o",
                    str(tmp_path / "p.svg"),
                    "--theme",
                    "placement-sufficiency",
                ]
            )
            == 0
        )
        assert (tmp_path / "p.svg").read_bytes().lstrip().startswith(b"<?xml")
        assert main(["--store", path, "visualise", "-a", "Kent", "-o", str(tmp_path / "kent.png")]) == 0
        assert (tmp_path / "kent.png").read_bytes().startswith(b"\x89PNG")
        capsys.readouterr()
        refused = {
            ("-o", str(tmp_path / "page.pdf")): "unknown file type '.pdf'",
            ("-o", str(tmp_path / "page")): "unknown file type '(no suffix)'",
            ("-o", str(out), "--since", "last year"): "'last year' is not a date",
            ("-o", str(out), "--theme", "placement-sufficency"): "did you mean placement-sufficiency",
            (
                "-o",
                str(out),
                "--theme",
                "placement-sufficiency",
                "-a",
                "Kent",
            ): "does not apply with --authority",
            ("-o", str(out), "-a", "Narnia"): "Narnia",
            ("-o", str(tmp_path / "missing" / "p.html")): "does not exist",
        }
        for args, message in refused.items():
            assert main(["--store", path, "visualise", *args]) == 2, args
            assert message in capsys.readouterr().err, args
        assert not (tmp_path / "page.pdf").exists() and not (tmp_path / "page").exists()
    finally:
        store.__init__(path)
