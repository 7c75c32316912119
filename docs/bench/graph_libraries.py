"""Measure Cytoscape.js, sigma.js (+ graphology) and vis-network drawing the related-findings view.

Used once to choose the library vendored into the page (see docs/analysis.md). Needs the npm
tarballs unpacked in a folder (``npm pack cytoscape sigma graphology vis-network`` then ``tar xzf``),
a store with the example corpus, Playwright and Debian's chromium:

    python docs/bench/graph_libraries.py --store ofsted-kg.db --npm /tmp/npm --out /tmp/bench

Each library gets the same nodes, edges and precomputed positions (no layout in the browser,
physics off) at 1x and at 10x the corpus (ten shifted copies); the time is from navigation until
the library reports its first frame drawn.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from ofsted_kg.connect import open_backend
from ofsted_kg.visualise import compact_payload, view_from_store

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip

LIBRARIES = {
    "cytoscape": ["cytoscape-*/package/dist/cytoscape.min.js"],
    "sigma": ["graphology-*/package/dist/graphology.umd.min.js", "sigma-*/package/dist/sigma.min.js"],
    "vis-network": ["vis-network-*/package/standalone/umd/vis-network.min.js"],
}

DRAW = {
    "cytoscape": """
      var els = [];
      D.nodes.forEach(function (n, i) { els.push({data: {id: 'n' + i}, position: {x: n.x, y: n.y}}); });
      D.edges.forEach(function (e, i) { els.push({data: {id: 'e' + i, source: 'n' + e[0], target: 'n' + e[1]}}); });
      var cy = cytoscape({container: document.getElementById('g'), elements: els, layout: {name: 'preset'},
        style: [{selector: 'node', style: {width: 8, height: 8}}, {selector: 'edge', style: {width: 0.6, 'curve-style': 'haystack'}}]});
      cy.one('render', done);
    """,
    "sigma": """
      var g = new graphology.Graph({multi: true});
      D.nodes.forEach(function (n, i) { g.addNode('n' + i, {x: n.x, y: -n.y, size: 3, color: '#2a9d8f'}); });
      D.edges.forEach(function (e) { g.addEdge('n' + e[0], 'n' + e[1], {size: 0.5, color: '#bbb'}); });
      var r = new Sigma(g, document.getElementById('g'));
      r.once('afterRender', done);
      r.refresh();
    """,
    "vis-network": """
      var nodes = D.nodes.map(function (n, i) { return {id: i, x: n.x, y: n.y, size: 4, shape: 'dot'}; });
      var edges = D.edges.map(function (e, i) { return {id: i, from: e[0], to: e[1]}; });
      var net = new vis.Network(document.getElementById('g'), {nodes: nodes, edges: edges},
        {physics: false, layout: {improvedLayout: false}, edges: {smooth: false}});
      net.once('afterDrawing', done);
    """,
}


def page(library_code: str, draw: str, payload: dict) -> str:
    data = json.dumps(payload).replace("<", "\\u003c")
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><style>#g{{width:1200px;height:800px}}</style></head>
<body><div id="g"></div><script type="application/json" id="d">{data}</script>
<script>{library_code}</script><script>
var t0 = performance.now(); var D = JSON.parse(document.getElementById('d').textContent);
function done() {{ window.benchMs = performance.now() - t0; document.body.dataset.ready = '1'; }}
try {{ {draw} }} catch (e) {{ window.benchError = String(e); document.body.dataset.ready = '1'; }}
</script></body></html>"""


def scaled(payload: dict, copies: int) -> dict:
    n = len(payload["nodes"])
    width = max(n["x"] for n in payload["nodes"]) - min(n["x"] for n in payload["nodes"]) + 200
    nodes, edges = [], []
    for c in range(copies):
        nodes += [{"x": p["x"] + c * width, "y": p["y"]} for p in payload["nodes"]]
        edges += [[a + c * n, b + c * n, k] for a, b, k in payload["edges"]]
    return {"nodes": nodes, "edges": edges}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--store", required=True)
    ap.add_argument("--npm", type=Path, required=True)
    ap.add_argument("--out", type=Path, required=True)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    with open_backend(argparse.Namespace(store=args.store, endpoint=None, endpoint_profile="oxigraph")) as b:
        payload = compact_payload(view_from_store(b))
    base = {"nodes": [{"x": n["x"], "y": n["y"]} for n in payload["nodes"]], "edges": payload["edges"]}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for scale in (1, 10):
            data = scaled(base, scale)
            for name, globs in LIBRARIES.items():
                code = "\n".join(next(args.npm.glob(g)).read_text(encoding="utf-8") for g in globs)
                path = args.out / f"{name}-x{scale}.html"
                path.write_text(page(code, DRAW[name], data), encoding="utf-8")
                tab = browser.new_page()
                start = time.time()
                tab.goto(path.as_uri(), timeout=300_000)
                tab.wait_for_function("document.body.dataset.ready === '1'", timeout=300_000)
                wall = time.time() - start
                result = tab.evaluate("[window.benchMs, window.benchError || null]")
                print(f"{name:12} x{scale:<3} nodes {len(data['nodes']):6} edges {len(data['edges']):6} "
                      f"draw {result[0] or 0:8.0f} ms  wall {wall:6.1f} s  {result[1] or ''}")  # fmt: skip
                tab.close()
        browser.close()


if __name__ == "__main__":
    main()
