"""Query results as text: an aligned terminal table, CSV, TSV or JSON (a list of objects)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import IO, Any

from rdflib.term import Identifier

FORMATS = ("table", "csv", "tsv", "json")
_MIN_WIDTH = 6
_HEADER_FLOOR = 16  # a column keeps up to this much of its header when space is short
_GAP = "  "


def cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def json_value(value: Any) -> Any:
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return float(value)
    return value


def write_rows(out: IO[str], fmt: str, variables: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Write rows (one value per variable, Python values) in one of FORMATS."""
    if fmt == "json":
        objects = [{v: json_value(x) for v, x in zip(variables, row, strict=True)} for row in rows]
        json.dump(objects, out, ensure_ascii=False, indent=2)
        out.write("\n")
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        for row in rows:
            # TSV has no quoting convention for tabs and newlines: flatten them.
            cells = [cell_text(x) for x in row]
            writer.writerow(cells if fmt == "csv" else [" ".join(c.split()) for c in cells])
    elif fmt == "table":
        out.write(render_table(variables, [[cell_text(x) for x in row] for row in rows]))
    else:
        raise ValueError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """An aligned table that fits the terminal: long cells are cut with an ellipsis."""
    width = width or shutil.get_terminal_size((160, 24)).columns
    flat = [[" ".join(cell.split()) for cell in row] for row in rows]
    natural = [max([len(h), *(len(r[i]) for r in flat)]) for i, h in enumerate(headers)]
    floors = [
        min(n, max(_MIN_WIDTH, min(len(h), _HEADER_FLOOR))) for n, h in zip(natural, headers, strict=True)
    ]
    widths = _fit(natural, width - len(_GAP) * max(len(headers) - 1, 0), floors)
    lines = [_line(headers, widths), _GAP.join("-" * w for w in widths)]
    lines += [_line(row, widths) for row in flat]
    summary = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join(line.rstrip() for line in lines) + "\n" + summary + "\n"


def _fit(natural: list[int], room: int, floors: list[int]) -> list[int]:
    """Shrink the widest shrinkable column, one character at a time, until the row fits."""
    widths = list(natural)
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break  # headers stay readable even if the terminal wraps the row
        widest = max(shrinkable, key=widths.__getitem__)
        widths[widest] -= 1
    return widths


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return _GAP.join(_cut(c, w).ljust(w) for c, w in zip(cells, widths, strict=True))


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: max(width - 1, 0)] + "…"


def write_triples(backend: object, sparql: str, bindings: Mapping[str, Identifier], out: IO[bytes]) -> None:
    """A CONSTRUCT/DESCRIBE result as Turtle: streamed by oxigraph when the backend can, else rdflib."""
    construct_to = getattr(backend, "construct_to", None)
    if construct_to is not None:
        construct_to(out, "turtle", sparql, bindings)
        return
    from rdflib import Graph

    graph = Graph()
    for triple in backend.construct(sparql, bindings):  # type: ignore[attr-defined]
        graph.add(triple)
    out.write(graph.serialize(format="turtle", encoding="utf-8"))
