"""The page as one self-contained HTML file: template, style, d3, the app and the data inlined.

Nothing is fetched: a Content-Security-Policy (`default-src 'none'`) makes the browser refuse
any request, so the file works offline from file:// and leaks nothing. Data reaches the DOM only
through textContent, never innerHTML.
"""

from __future__ import annotations

import importlib.resources
import json
from pathlib import Path
from typing import IO

from .data import PageData
from .encode import encode, pack

# d3 7.9.2, the UMD bundle from npm (dist/d3.min.js), ISC licence (static/d3.LICENSE, repeated in
# the page as the licence asks). Chosen in docs/analysis.md ("Choosing the library").
LIBRARY = "d3.min.js"
LIBRARY_LICENCE = "d3.LICENSE"
# The app, one file per view, run in this order (each adds to window.okg).
APP = (
    "page-core.js",
    "page-overview.js",
    "page-story.js",
    "page-theme.js",
    "page-related.js",
    "page-main.js",
)


def _static(name: str) -> str:
    return (importlib.resources.files("ofsted_kg") / "static" / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    # A literal "</script" inside inlined code would end the element early.
    return code.replace("</script", "<\\/script")


def _escape_html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def page_title(data: PageData) -> str:
    if data.authority:
        return (
            f"{data.authorities[data.authority].name}: children's services inspections (ofsted-kg briefing)"
        )
    return "ofsted-kg: children's services inspections in England"


def render_html(data: PageData, colour: str | None = None) -> str:
    """The page as one string; `colour`: the theme the overview is coloured by when the page
    opens without a view in its address."""
    payload = encode(data)
    payload["overview"]["scope"]["colour"] = colour
    overview = json.dumps(payload["overview"], ensure_ascii=False, separators=(",", ":"))
    # JSON inside <script type="application/json">: escape '<' so no text can close the element.
    overview = overview.replace("<", "\\u003c")
    licence = _static(LIBRARY_LICENCE).replace("*/", "* /")
    replacements = {
        "__OKG_TITLE__": _escape_html(page_title(data)),
        "/*__OKG_STYLE__*/": _static("page.css"),
        "__OKG_OVERVIEW__": overview,
        "__OKG_DETAIL__": pack(payload["detail"]),  # base64: nothing in it can close the element
        "/*__OKG_LIBRARY__*/": f"/* d3 — {licence} */\n" + _inline_script(_static(LIBRARY)),
        "/*__OKG_APP__*/": _inline_script("\n".join(_static(name) for name in APP)),
    }
    # Markers are found in the template's text after the previous one, never inside a value
    # already put in (a title could contain a marker's text): they appear in this order.
    parts: list[str] = []
    rest = _static("page.html")
    for marker, value in replacements.items():
        before, sep, rest = rest.partition(marker)
        if not sep:
            raise RuntimeError(f"page template lacks {marker} (or has it out of order)")
        parts += [before, value]
    return "".join([*parts, rest])


def write_html(data: PageData, out: str | Path | IO[bytes], colour: str | None = None) -> int:
    """Write the page to a path or a binary file; returns its size in bytes."""
    page = render_html(data, colour).encode("utf-8")
    if isinstance(out, (str, Path)):
        Path(out).write_bytes(page)
    else:
        out.write(page)
    return len(page)
