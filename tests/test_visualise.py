"""The related-findings page and picture, without a browser: content, self-containment, filters."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from analysis_fixtures import build_real_store

from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.cli import main
from ofsted_kg.visualise import (
    View,
    build_view,
    compact_payload,
    layout,
    render_html,
    view_from_store,
    write_picture,
)

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory):
    s = build_real_store(tmp_path_factory.mktemp("visualise") / "store", EXAMPLES)
    recompute_related(s)
    yield s
    s.close()


@pytest.fixture(scope="module")
def view(store) -> View:
    return view_from_store(store)


def _payload(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="okg-data">(.*?)</script>', html, re.S)
    assert match
    return json.loads(match.group(1))


def test_page_is_self_contained(view: View) -> None:
    html = render_html(view)
    assert "Content-Security-Policy" in html and "default-src 'none'" in html
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", html, re.I)
    assert "@import" not in html
    # Every http(s) URL in the page is inside the vendored library's licence comments or data
    # (IRIs), never something the page loads: the CSP above forbids loading anyway.
    assert html.count("<script") == 3  # data, library, app
    payload = _payload(html)
    assert len(payload["nodes"]) == len(view.nodes)
    assert len(payload["edges"]) == len(view.edges)


def test_view_has_every_kind_of_node_and_edge(view: View) -> None:
    counts = view.counts()
    for kind in ("finding", "inspection", "authority", "theme"):
        assert counts.get(kind, 0) > 0, kind
    for kind in ("edge:related", "edge:recurring", "edge:theme", "edge:in_report", "edge:of_authority"):
        assert counts.get(kind, 0) > 0, kind
    names = {n["label"] for n in view.nodes if n["kind"] == "authority"}
    assert {"Peterborough", "Kent", "Knowsley", "Manchester", "Norfolk"} <= names
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in view.nodes)


def test_recurring_edge_for_peterborough_supervision(view: View) -> None:
    by_id = {n["id"]: n for n in view.nodes}
    recurring = [e for e in view.edges if e["kind"] == "recurring"]
    assert any(
        "quality and recording of supervision" in by_id[e["source"]]["text"]
        and by_id[e["target"]]["text"] == "The quality of supervision."
        for e in recurring
    )


def test_authority_view_keeps_related_findings_elsewhere(store) -> None:
    view = view_from_store(store, authority="Peterborough")
    authorities = {n["authority"] for n in view.nodes if n["kind"] == "finding"}
    assert "Peterborough" in authorities and len(authorities) > 1  # related findings of other authorities
    knowsley = [n for n in view.nodes if n["kind"] == "finding" and n["authority"] == "Knowsley"]
    assert any("Consistency in the quality of assessments" in n["text"] for n in knowsley)
    peterborough = [n for n in view.nodes if n["kind"] == "finding" and n["authority"] == "Peterborough"]
    assert all(n["related"] or n["authority"] == "Peterborough" for n in peterborough)


def test_theme_and_since_filters(store, view: View) -> None:
    themed = view_from_store(store, theme="private-fostering")
    findings = [n for n in themed.nodes if n["kind"] == "finding"]
    assert findings and all("private-fostering" in n["themes"] for n in findings)
    assert len(findings) < sum(1 for n in view.nodes if n["kind"] == "finding")
    recent = view_from_store(store, since="2023-01-01")
    dates = [n["date"] for n in recent.nodes if n["kind"] == "finding"]
    assert dates and min(dates) >= "2023-01-01"


def test_data_cannot_close_the_script_element() -> None:
    hostile = "</script><script>alert(1)</script><!--"
    finding = {"id": "https://w3id.org/ofsted-kg/id/report/x/finding/001", "kind": "finding", "text": hostile,
               "findingKind": "main_finding", "polarity": "concern", "themes": [], "authority": "A",
               "report": "r", "reportTitle": hostile, "page": 1, "date": "2024-01-01", "docType": "", "related": []}  # fmt: skip
    view = View(nodes=[finding], edges=[])
    layout(view)
    html = render_html(view)
    assert html.count("</script>") == 3
    assert _payload(html)["nodes"][0]["text"] == hostile


def test_compact_payload_uses_indices(view: View) -> None:
    payload = compact_payload(view)
    n = len(payload["nodes"])
    assert all(0 <= a < n and 0 <= b < n for a, b, _ in payload["edges"])
    related = [r for node in payload["nodes"] for r in node.get("related", [])]
    assert related and all(isinstance(i, int) and 0 < s <= 1 for i, s in related)


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_picture(view: View, fmt: str, tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    out = tmp_path / f"related.{fmt}"
    write_picture(view, out, fmt)
    data = out.read_bytes()
    if fmt == "png":
        assert data.startswith(b"\x89PNG") and len(data) > 20_000
    else:
        root = ET.fromstring(data)
        assert root.tag.endswith("svg")


def test_cli_visualise(store, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = str(store.path)
    store.close()
    try:
        out = tmp_path / "page.html"
        assert main(["--store", path, "visualise", "-o", str(out), "--authority", "Kent"]) == 0
        payload = _payload(out.read_text(encoding="utf-8"))
        assert any(n["kind"] == "finding" and n["authority"] == "Kent" for n in payload["nodes"])
        assert main(["--store", path, "visualise", "-o", str(tmp_path / "p.svg")]) == 0
        assert (tmp_path / "p.svg").read_bytes().lstrip().startswith(b"<?xml")
        assert main(["--store", path, "visualise", "-o", str(out), "--since", "last year"]) == 2
        assert "--since 'last year' is not a date" in capsys.readouterr().err
        assert main(["--store", path, "visualise", "-o", str(tmp_path / "missing" / "p.html")]) == 2
    finally:
        store.__init__(path)


def test_build_view_without_links_is_still_a_page() -> None:
    view = build_view([], [], [], {})
    assert view.nodes == [] and "okg-data" in render_html(view)
