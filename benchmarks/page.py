"""The page (`ofsted-kg visualise`) at scale: file size, first paint and view switches in headless
Chromium, with a floor measured in the same run.

For each store: the data step is timed, the page written, and Debian's Chromium (Playwright, the
browser tests' settings) opens it `--runs` times. Per run, from the browser's own clock
(performance.now, 0 = navigation start):

- `first_contentful_paint`: Chromium's paint timing;
- `first_view`: the overview's tiles built and the next frame produced (what "first paint" means
  for a person: the national picture on screen);
- `detail_ready`: findings, texts and links inflated and indexed (after the first view);
- every view switch a person makes, each timed in the page from the click to the next frame
  after the view's DOM is built: the largest authority's story (most findings), a finding
  selected in it, Peterborough's story, a theme view, a theme cell, a finding's related view,
  an authority's related view, and back to the overview coloured by a theme.

The floor (baseline) is Chromium painting an inert page of the same size: a heading and the same
data blobs as text, no script. `first_view / floor` says what the app adds to reading the file.

    python benchmarks/page.py --store x1.db --label x1 --store x10.db --label x10 --out benchmarks/results
    python benchmarks/page.py --table --out benchmarks/results
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

from ofsted_kg.page import page_data, render_html
from ofsted_kg.page.encode import encode, pack, unpack
from ofsted_kg.store import EmbeddedStore

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
READY = "() => document.body.dataset.ready === '1' && document.body.dataset.rendered === '1'"
# A long story draws the rows below the first screen over the next frames: a switch's time is to
# its first screen; the benchmark then waits until the story is complete and records that too.
COMPLETE = "() => document.body.dataset.drawing !== '1'"
SUPERVISION = "supervision-and-management-oversight"


def build(store_path: Path, out: Path) -> dict[str, Any]:
    store = EmbeddedStore(store_path, read_only=True)
    try:
        started = time.perf_counter()
        data = page_data(store)
        data_s = time.perf_counter() - started
    finally:
        store.close()
    started = time.perf_counter()
    html = render_html(data)
    render_s = time.perf_counter() - started
    out.write_text(html, encoding="utf-8")
    payload = encode(data)
    detail_json = json.dumps(payload["detail"], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    texts = sum(len(f.text.encode("utf-8")) for f in data.findings)
    largest = max(data.histories, key=lambda gss: sum(e.findings for e in data.histories[gss]))
    return {
        "documents_inspections": data.inspection_count(),
        "findings": len(data.findings),
        "links": len(data.links),
        "recurrences": len(data.recurrences),
        "resolutions": len(data.resolutions),
        "data_step_s": round(data_s, 2),
        "render_s": round(render_s, 2),
        "page_bytes": len(html.encode("utf-8")),
        "overview_json_bytes": len(json.dumps(payload["overview"], ensure_ascii=False).encode("utf-8")),
        "detail_json_bytes": len(detail_json),
        "detail_packed_bytes": len(pack(payload["detail"])),
        "detail_packed_bytes_unshared_texts": len(pack(unshared(payload["detail"]))),
        "finding_text_bytes_raw": texts,
        "largest_authority": largest,
        "largest_authority_findings": sum(e.findings for e in data.histories[largest]),
    }


def unshared(detail: dict[str, Any]) -> dict[str, Any]:
    """The detail with a text entry of its own for every finding (and differing quote): what the
    page would carry if no two findings shared a text. The synthetic corpus repeats Ofsted's
    sentences across its variants, which sharing makes cheap; a real corpus repeats fewer."""
    f, texts = detail["findings"], detail["texts"]
    own: list[str] = []

    def entry(i: int) -> int:
        own.append(texts[i])
        return len(own) - 1

    findings = {
        **f,
        "text": [entry(i) for i in f["text"]],
        "quote": [entry(q) if q >= 0 else -1 for q in f["quote"]],
    }
    return {**detail, "findings": findings, "texts": own}


def unshared_page(page: Path, out: Path) -> int:
    """The same page with its detail unshared (`unshared`), to measure the worst case."""
    html = page.read_text(encoding="utf-8")
    match = re.search(r'(<script type="text/plain" id="okg-detail">)(.*?)(</script>)', html, re.S)
    assert match
    packed = pack(unshared(unpack(match.group(2))))
    out.write_text(html[: match.start(2)] + packed + html[match.end(2) :], encoding="utf-8")
    return out.stat().st_size


def floor_page(page: Path, out: Path) -> None:
    """The same bytes of data, inert: no library, no app, nothing to run."""
    html = page.read_text(encoding="utf-8")
    blobs = re.findall(
        r'<script type="(?:application/json|text/plain)" id="okg-[a-z]+">(.*?)</script>', html, re.S
    )
    filler = "".join(blobs)
    out.write_text(
        "<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>floor</title></head><body>"
        f"<h1>Children's services inspections in England</h1><script type='text/plain'>{filler}</script>"
        "</body></html>",
        encoding="utf-8",
    )


def measure(page_file: Path, floor_file: Path, largest: str, runs: int) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float]] = {}

    def add(name: str, value: float) -> None:
        samples.setdefault(name, []).append(round(value, 1))

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for _ in range(runs):
                page = browser.new_page(viewport={"width": 1400, "height": 900})
                page.goto(floor_file.as_uri(), wait_until="load", timeout=120_000)
                page.wait_for_function(
                    "() => performance.getEntriesByName('first-contentful-paint').length > 0"
                )
                add(
                    "floor_first_contentful_paint",
                    page.evaluate("performance.getEntriesByName('first-contentful-paint')[0].startTime"),
                )
                page.close()

                page = browser.new_page(viewport={"width": 1400, "height": 900})
                errors: list[str] = []
                page.on(
                    "console", lambda m, errors=errors: errors.append(m.text) if m.type == "error" else None
                )
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.goto(page_file.as_uri(), timeout=120_000)
                page.wait_for_function(READY, timeout=120_000)
                marks = page.evaluate(
                    """() => ({fcp: performance.getEntriesByName('first-contentful-paint')[0].startTime,
                               first: okg.marks.firstView, detail: okg.marks.detailReady,
                               inflate: okg.marks.detailMs, heap: performance.memory ? performance.memory.usedJSHeapSize : 0})"""
                )
                add("first_contentful_paint", marks["fcp"])
                add("first_view", marks["first"])
                add("detail_ready", marks["detail"])
                add("detail_inflate_and_index", marks["inflate"])
                add("js_heap_mb", marks["heap"] / 1e6)
                for name, action in switches(largest):
                    before = page.evaluate("okg.timings.length")
                    action(page)
                    page.wait_for_function(
                        f"() => okg.timings.length > {before} && document.body.dataset.rendered === '1'"
                    )
                    add(name, page.evaluate("okg.timings[okg.timings.length - 1].ms"))
                    page.wait_for_function(COMPLETE, timeout=120_000)
                    if name.startswith("switch_story"):
                        add(name.replace("switch_", "complete_"), page.evaluate("okg.marks.storyComplete"))
                if errors:
                    raise RuntimeError(f"console errors: {errors}")
                page.close()
        finally:
            browser.close()
    return {
        name: {"median_ms": statistics.median(v), "max_ms": max(v), "runs": v} for name, v in samples.items()
    }


def switches(largest: str) -> list[tuple[str, Any]]:
    def story(gss: str) -> Any:
        return lambda page: page.click(f'.tile[data-gss="{gss}"]')

    def mark(page: Any) -> None:
        page.locator("#story-timeline .mark").first.click()

    def related(page: Any) -> None:
        page.get_by_text("All related findings, ranked, with a graph").click()

    def theme(page: Any) -> None:
        page.click("#tab-theme")

    def pick_theme(page: Any) -> None:
        page.select_option("#theme-pick", SUPERVISION)

    def cell(page: Any) -> None:
        page.locator(".cell").nth(10).click()

    def related_authority(page: Any) -> None:
        page.evaluate(f"location.hash = '#view=related&authority={largest}'")

    def overview_colour(page: Any) -> None:
        page.evaluate("location.hash = '#colour=placement-sufficiency'")

    def back_to_overview(page: Any) -> None:
        page.click("#tab-overview")

    return [
        ("switch_story_largest", story(largest)),
        ("switch_select_finding", mark),
        ("switch_related_finding", related),
        ("switch_overview", back_to_overview),
        ("switch_story_peterborough", story("E06000031")),
        ("switch_theme", theme),
        ("switch_theme_other", pick_theme),
        ("switch_theme_cell", cell),
        ("switch_related_authority", related_authority),
        ("switch_overview_by_theme", overview_colour),
    ]


def table(results_dir: Path) -> str:
    rows = []
    results = sorted(
        (json.loads(path.read_text(encoding="utf-8")) for path in results_dir.glob("page-*.json")),
        key=lambda r: r["label"],
    )
    for r in results:
        b, m = r["build"], r["browser"]
        switch = {k: v for k, v in m.items() if k.startswith("switch_")}
        worst = max(switch.items(), key=lambda kv: kv[1]["median_ms"])
        rows.append(
            f"| {r['label']} | {b['documents_inspections']:,} | {b['findings']:,} | {b['links']:,} | "
            f"{b['page_bytes'] / 1e6:.1f} MB | {m['floor_first_contentful_paint']['median_ms']:.0f} | "
            f"{m['first_contentful_paint']['median_ms']:.0f} | {m['first_view']['median_ms']:.0f} "
            f"({m['first_view']['median_ms'] / m['floor_first_contentful_paint']['median_ms']:.1f}x) | "
            f"{m['detail_ready']['median_ms']:.0f} | {worst[1]['median_ms']:.0f} ({worst[0][7:]}) |"
        )
    head = (
        "| scale | inspections | findings | related links | page | floor paint ms | first contentful paint ms | "
        "first view ms (x floor) | detail ready ms | slowest view switch ms (median) |\n"
        "|---|---|---|---|---|---|---|---|---|---|"
    )
    lines = [head, *rows, ""]
    for r in results:
        lines.append(f"{r['label']}: " + ", ".join(
            f"{k[7:]} {v['median_ms']:.0f} (max {v['max_ms']:.0f})" for k, v in r["browser"].items() if k.startswith("switch_")
        ))  # fmt: skip
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", type=Path, action="append", default=[], help="a loaded store (repeatable)")
    parser.add_argument("--label", action="append", default=[], help="a label per --store (x1, x10)")
    parser.add_argument("--runs", type=int, default=5, help="browser runs per page")
    parser.add_argument(
        "--work", type=Path, default=Path("/tmp/okg-page-bench"), help="where pages are written"
    )
    parser.add_argument("--out", type=Path, default=Path("benchmarks/results"), help="JSON results folder")
    parser.add_argument(
        "--table", action="store_true", help="print the markdown table of the results in --out"
    )
    parser.add_argument(
        "--unshared", action="store_true", help="also measure each page with no text shared between findings"
    )
    args = parser.parse_args(argv)
    if args.table:
        print(table(args.out))
        return 0
    if len(args.label) != len(args.store):
        parser.error("give one --label per --store")
    args.work.mkdir(parents=True, exist_ok=True)
    args.out.mkdir(parents=True, exist_ok=True)
    for store, label in zip(args.store, args.label, strict=True):
        page_file, floor_file = args.work / f"page-{label}.html", args.work / f"floor-{label}.html"
        built = build(store, page_file)
        floor_page(page_file, floor_file)
        print(f"{label}: built {built}", file=sys.stderr)
        browser = measure(page_file, floor_file, built["largest_authority"], args.runs)
        result = {"label": label, "store": str(store), "build": built, "browser": browser}
        (args.out / f"page-{label}.json").write_text(json.dumps(result, indent=1), encoding="utf-8")
        print(f"{label}: " + ", ".join(f"{k} {v['median_ms']}" for k, v in browser.items()), file=sys.stderr)
        if args.unshared:
            worst = args.work / f"page-{label}-unshared.html"
            size = unshared_page(page_file, worst)
            floor_page(worst, floor_file)
            browser = measure(worst, floor_file, built["largest_authority"], args.runs)
            result = {"label": f"{label}-unshared", "store": str(store), "build": {**built, "page_bytes": size},
                      "browser": browser}  # fmt: skip
            (args.out / f"page-{label}-unshared.json").write_text(
                json.dumps(result, indent=1), encoding="utf-8"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
