"""The related-findings page in a real headless Chromium (Debian's chromium, driven by Playwright).

Never downloads a browser: Chromium must be at /usr/bin/chromium (`apt-get install -y chromium`;
the Makefile installs it in CI). Every request the page makes is recorded: only its own file://
URL may appear. A screenshot of each run is saved under the test's tmp folder.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest
from analysis_fixtures import build_real_store

from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.visualise import View, layout, view_from_store, write_html

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
SUPERVISION = "supervision-and-management-oversight"


@pytest.fixture(scope="module")
def view(tmp_path_factory: pytest.TempPathFactory) -> View:
    store = build_real_store(tmp_path_factory.mktemp("browser") / "store", EXAMPLES)
    try:
        recompute_related(store)
        return view_from_store(store)
    finally:
        store.close()


@pytest.fixture(scope="module")
def page_file(view: View, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("page") / "related.html"
    write_html(view, out)
    return out


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Loaded:
    def __init__(self, page, errors: list[str], requests: list[str]) -> None:
        self.page, self.errors, self.requests = page, errors, requests


def open_page(browser, path: Path, timeout_ms: int = 60_000) -> Loaded:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type in ("error", "warning") else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), timeout=timeout_ms)
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=timeout_ms)
    return Loaded(page, errors, requests)


@pytest.fixture()
def loaded(browser, page_file: Path):
    result = open_page(browser, page_file)
    yield result
    result.page.close()


def finding(view: View, authority: str, text: str) -> dict:
    hits = [
        n for n in view.nodes if n["kind"] == "finding" and n["authority"] == authority and text in n["text"]
    ]
    assert hits, (authority, text)
    return hits[0]


def test_loads_offline_without_errors(loaded: Loaded, page_file: Path, tmp_path: Path) -> None:
    assert loaded.errors == []
    assert loaded.requests == [page_file.as_uri()]
    save_screenshot(loaded.page, tmp_path / "related-overview.png")


def save_screenshot(page, shot: Path) -> None:
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 30_000
    # Refreshing the README picture is a deliberate act: OFSTED_KG_SCREENSHOT_DIR=docs/img.
    if os.environ.get("OFSTED_KG_SCREENSHOT_DIR"):
        shutil.copy(shot, Path(os.environ["OFSTED_KG_SCREENSHOT_DIR"]) / shot.name)


def test_expected_nodes_render(loaded: Loaded, view: View) -> None:
    ready = loaded.page.evaluate("window.okg.ready")
    assert ready["nodes"] == len(view.nodes)
    labels = loaded.page.evaluate("window.okg.nodes.filter(n => n.kind === 'authority').map(n => n.label)")
    assert {"Peterborough", "Kent", "Knowsley", "Norfolk"} <= set(labels)
    # The canvas really has a drawing on it, not just an element: count non-blank pixels.
    inked = loaded.page.evaluate(
        """() => { const c = document.querySelector('#graph-canvas canvas');
                   const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                   let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; }"""
    )
    assert inked > 5_000
    assert (
        loaded.page.locator("#status").inner_text()
        == f"{ready_findings(view)} of {ready_findings(view)} findings shown"
    )


def ready_findings(view: View) -> int:
    return sum(1 for n in view.nodes if n["kind"] == "finding")


def test_clicking_a_finding_shows_its_quote_and_related_findings(
    loaded: Loaded, view: View, tmp_path: Path
) -> None:
    target = finding(view, "Knowsley", "Consistency in the quality of assessments")
    page = loaded.page
    # Zoom in on the finding so the click lands on it and on nothing else, then click it.
    page.evaluate(
        "iri => window.okg.network.focus(window.okg.nodes.findIndex(n => n.id === iri), {scale: 6})",
        target["id"],
    )
    pos = page.evaluate("iri => window.okg.screenPosition(iri)", target["id"])
    page.mouse.click(pos["x"], pos["y"])
    page.wait_for_selector("#details-body:not([hidden])")
    assert page.locator("#d-quote").inner_text() == target.get("quote", target["text"])
    assert "Knowsley" in page.locator("#d-title").inner_text()
    source = page.locator("#d-source").inner_text()
    assert f"page {target['page']}" in source and target["report"] in source
    related = page.locator("#related-list li").all_inner_texts()
    assert any(
        t.startswith("Peterborough") and "The consistency in quality of social work assessments" in t
        for t in related
    )
    # Following a related finding shows that one's evidence, and brings its neighbours into view.
    page.locator("#related-list li", has_text="Peterborough").first.click()
    assert "Peterborough" in page.locator("#d-title").inner_text()
    page.wait_for_timeout(400)  # the zoom animation
    save_screenshot(page, tmp_path / "related.png")


def test_theme_filter_hides_other_findings(loaded: Loaded, view: View) -> None:
    page = loaded.page
    page.select_option("#filter-theme", SUPERVISION)
    expected = sum(1 for n in view.nodes if n["kind"] == "finding" and SUPERVISION in n["themes"])
    assert page.evaluate("document.body.dataset.visibleFindings") == str(expected)
    on_theme = finding(view, "Peterborough", "The quality of supervision.")
    off_theme = finding(view, "Knowsley", "Consistency in the quality of assessments")
    assert page.evaluate("iri => window.okg.isHidden(iri)", on_theme["id"]) is False
    assert page.evaluate("iri => window.okg.isHidden(iri)", off_theme["id"]) is True
    # Authority, document type and dates narrow further; reset brings everything back.
    page.select_option("#filter-authority", "Peterborough")
    page.fill("#filter-from", "2023-01-01")
    page.dispatch_event("#filter-from", "change")
    early = finding(view, "Peterborough", "quality and recording of supervision")
    assert page.evaluate("iri => window.okg.isHidden(iri)", early["id"]) is True
    assert page.evaluate("iri => window.okg.isHidden(iri)", on_theme["id"]) is False
    page.click("#reset")
    assert page.evaluate("document.body.dataset.visibleFindings") == str(ready_findings(view))
    assert loaded.errors == []


def test_document_type_filter_and_search(loaded: Loaded, view: View) -> None:
    page = loaded.page
    page.select_option("#filter-doctype", "focused_visit")
    expected = sum(1 for n in view.nodes if n["kind"] == "finding" and n["docType"] == "focused_visit")
    assert 0 < expected < ready_findings(view)
    assert page.evaluate("document.body.dataset.visibleFindings") == str(expected)
    page.click("#reset")
    page.fill("#search", "peterb")
    selected = page.evaluate("window.okg.network.getSelectedNodes().map(i => window.okg.nodes[i].label)")
    assert selected == ["Peterborough"]


@pytest.mark.slow
def test_ten_times_the_corpus_stays_responsive(browser, view: View, tmp_path: Path) -> None:
    big = View(filters=view.filters)
    for copy in range(10):
        suffix = f"#copy{copy}" if copy else ""
        for n in view.nodes:
            m = {**n, "id": n["id"] + suffix}
            if "related" in m:
                m["related"] = [[other + suffix, s] for other, s in n["related"]]
            big.nodes.append(m)
        big.edges.extend(
            {**e, "source": e["source"] + suffix, "target": e["target"] + suffix} for e in view.edges
        )
    layout(big)
    path = tmp_path / "x10.html"
    write_html(big, path)
    started = time.monotonic()
    loaded = open_page(browser, path, timeout_ms=180_000)
    load_seconds = time.monotonic() - started
    try:
        assert loaded.errors == []
        assert loaded.page.evaluate("window.okg.ready.nodes") == len(big.nodes)
        started = time.monotonic()
        loaded.page.select_option("#filter-theme", SUPERVISION)
        filter_seconds = time.monotonic() - started
        print(
            f"x10: {len(big.nodes)} nodes, loaded in {load_seconds:.1f} s, filtered in {filter_seconds:.2f} s"
        )
        assert filter_seconds < 10
    finally:
        loaded.page.close()
