"""The page an analyst opens: one offline HTML file (or a png/svg picture) of the knowledge graph.

Three ways in — the national overview (all 153 authorities by region, coloured by their latest
ILACS grade), an authority's story (every inspection and visit on a timeline, findings by theme,
recurring weaknesses as arcs, weaknesses later answered by a strength), a theme across
authorities and years — and the related findings of whatever is selected.

The steps, one module each:

- `data`: the store -> `PageData`, from the analysts' answers (`answers.summary`,
  `answers.history`), the findings, the stored related links and the recurring weaknesses; no
  answer is recomputed here. A new answer (trends, findings filters) is one more field here and
  one more view in the page.
- `resolved`: which area for improvement a later inspection answered with a strength.
- `encode`: `PageData` -> the compact JSON the page reads (strings stored once, findings as
  columns, links as flat integer arrays).
- `html`: the page: template, vendored d3 (static/d3.min.js, ISC), the app, the data.
- `picture`: the national overview or an authority's story drawn with matplotlib.
"""

from .data import PageData, page_data
from .html import render_html, write_html
from .picture import write_picture

__all__ = ["PageData", "page_data", "render_html", "write_html", "write_picture"]
