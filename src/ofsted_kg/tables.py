"""Tabular results as an aligned table, CSV, TSV, JSON (a list of objects) or an Excel workbook
(xlsx: every http(s) URL a real hyperlink, the header frozen, dates as dates); triples as RDF.

Every command that prints rows takes `add_table_options` and writes through `write_table`, so
each gets every format, `--output FILE` (needed for xlsx on a terminal: a workbook is binary) and
`--width`. A table never loses data: written to a pipe or a file every value is whole; on a
terminal (or with --width) long cells wrap within their column rather than being cut.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import json
import re
import shutil
import sys
import textwrap
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from decimal import Decimal
from typing import IO, TYPE_CHECKING, Any

from . import option_types
from .errors import UsageError
from .output_file import output_file
from .rdf_io import RDF_FORMATS, prefixes_for, to_ox

if TYPE_CHECKING:
    from .backend import Backend, Term

FORMATS = ("table", "csv", "tsv", "json")  # text formats (write_rows)
TABULAR_FORMATS = (*FORMATS, "xlsx")  # xlsx needs openpyxl (a dependency) and binary output
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


def add_table_options(parser: argparse.ArgumentParser, formats: Sequence[str] = TABULAR_FORMATS) -> None:
    """--format (default table), --output and --width, as every command printing rows takes them."""
    parser.add_argument("--format", "-f", choices=formats, default=None, help="output format (default table)")
    parser.add_argument(
        "--output", "-o", metavar="FILE", help="write to FILE instead of stdout (xlsx on a terminal needs it)"
    )
    parser.add_argument(
        "--width",
        type=option_types.width,
        metavar="N",
        help="table: wrap cells to fit N columns (default: the terminal's width on a terminal; "
        "off a terminal, full values on one line each)",
    )


def add_paging_options(parser: argparse.ArgumentParser) -> None:
    """--limit and --offset, for a command that prints a listing (rows in the command's order)."""
    parser.add_argument("--limit", type=option_types.count, metavar="N", help="print at most N rows")
    parser.add_argument(
        "--offset", type=option_types.count, default=0, metavar="N", help="skip the first N rows"
    )


def page(rows: Iterable[Sequence[Any]], limit: int | None, offset: int = 0) -> Iterator[Sequence[Any]]:
    """Rows `offset` to `offset + limit` of `rows`, read no further than the last one printed."""
    # Both are at most sys.maxsize (option_types.count); their sum may not be, and islice takes no more.
    return itertools.islice(rows, offset, None if limit is None else min(offset + limit, sys.maxsize))


def table_width(out: IO[str], width: int | None) -> int | None:
    """The width to wrap a table to: --width, else the terminal's, else None (never cut or wrap)."""
    if width:
        return width
    isatty = getattr(out, "isatty", None)
    if isatty is not None and isatty():
        return shutil.get_terminal_size((160, 24)).columns
    return None


def write_rows(
    out: IO[str],
    fmt: str,
    variables: Sequence[str],
    rows: Iterable[Sequence[Any]],
    width: int | None = None,
) -> None:
    """Write rows (one value per variable, Python values) in one of FORMATS. CSV, TSV and JSON are
    written row by row as `rows` yields them (a streamed listing is never held whole); a table
    needs every row to size its columns. A table is wrapped to `width` (or the terminal's when
    `out` is one); written elsewhere it keeps every value whole."""
    if fmt == "json":
        _write_json(out, variables, rows)
    elif fmt in ("csv", "tsv"):
        writer = csv.writer(out, delimiter="," if fmt == "csv" else "\t", lineterminator="\n")
        writer.writerow(variables)
        for row in rows:
            # TSV has no quoting convention for tabs and newlines: flatten them.
            cells = [cell_text(x) for x in row]
            writer.writerow(cells if fmt == "csv" else [" ".join(c.split()) for c in cells])
    elif fmt == "table":
        texts = [[cell_text(x) for x in row] for row in rows]
        out.write(render_table(variables, texts, table_width(out, width)))
    else:
        raise UsageError(f"unknown format {fmt!r} (choose from {', '.join(FORMATS)})")


def _write_json(out: IO[str], variables: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """A JSON list of objects, one object written per row: the text `json.dump(objects,
    indent=2)` gives, without the list in memory."""
    first = True
    for row in rows:
        obj = {v: json_value(x) for v, x in zip(variables, row, strict=True)}
        text = json.dumps(obj, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        out.write(("[\n  " if first else ",\n  ") + text)
        first = False
    out.write("[]\n" if first else "\n]\n")


def render_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int | None = None) -> str:
    """An aligned table. With a width, columns are narrowed (widest first) to fit and long cells
    wrap onto more lines; without one, every cell is whole on its row's one line."""
    flat = [[" ".join(cell.split()) for cell in row] for row in rows]
    natural = [max([len(h), *(len(r[i]) for r in flat)]) for i, h in enumerate(headers)]
    if width is None:
        widths = natural
    else:
        floors = [
            min(n, max(_MIN_WIDTH, min(len(h), _HEADER_FLOOR))) for n, h in zip(natural, headers, strict=True)
        ]
        room = width - len(_GAP) * max(len(headers) - 1, 0)
        widths = _fit(natural, room, floors)
        if sum(widths) > room:  # too many columns to keep headers whole: let them wrap too
            widths = _fit(widths, room, [min(n, _MIN_WIDTH) for n in natural])
    lines = _lines(headers, widths, wrap=_wrap_name) + [_GAP.join("-" * w for w in widths)]
    for row in flat:
        lines += _lines(row, widths)
    summary = f"({len(rows)} row{'s' if len(rows) != 1 else ''})"
    return "\n".join(line.rstrip() for line in lines) + "\n" + summary + "\n"


def _fit(natural: list[int], room: int, floors: list[int]) -> list[int]:
    """Shrink the widest shrinkable column, one character at a time, until the row fits."""
    widths = list(natural)
    while sum(widths) > room:
        shrinkable = [i for i, w in enumerate(widths) if w > floors[i]]
        if not shrinkable:
            break  # columns stay readable even if the terminal wraps the row
        widest = max(shrinkable, key=widths.__getitem__)
        widths[widest] -= 1
    return widths


def _wrap(text: str, width: int) -> list[str]:
    if len(text) <= width:
        return [text]
    return textwrap.wrap(text, width, break_long_words=True, break_on_hyphens=False) or [""]


def _wrap_name(name: str, width: int) -> list[str]:
    """A column name wrapped after its underscores ("help_and_" / "protection"), so each line is
    whole words of it; a part longer than the column is broken where it must be."""
    if len(name) <= width:
        return [name]
    lines = [""]
    for part in re.findall(r"[^_]*_|[^_]+", name):
        if lines[-1] and len(lines[-1]) + len(part) > width:
            lines.append("")
        lines[-1] += part
    return [piece for line in lines for piece in _wrap(line, width)]


def _lines(
    cells: Sequence[str], widths: Sequence[int], wrap: Callable[[str, int], list[str]] = _wrap
) -> list[str]:
    """One table row as printed lines: each cell wrapped to its column, nothing cut."""
    wrapped = [wrap(c, w) for c, w in zip(cells, widths, strict=True)]
    height = max((len(w) for w in wrapped), default=1)
    return [
        _GAP.join((w[i] if i < len(w) else "").ljust(width) for w, width in zip(wrapped, widths, strict=True))
        for i in range(height)
    ]


def write_table(
    fmt: str | None,
    variables: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    output: str | None = None,
    table_columns: Sequence[str] = (),
    width: int | None = None,
    sheet: str = "results",
) -> None:
    """Write rows in one of TABULAR_FORMATS to `output` (a path) or stdout.

    `table_columns`, if given, are the columns worth a terminal's width in `table` format; the
    other formats always carry every column. A workbook is written to `output`, or to stdout when
    it is not a terminal (`ofsted-kg summary --format xlsx > grades.xlsx`).
    """
    fmt = fmt or "table"
    if fmt == "xlsx":
        if output is None and sys.stdout.isatty():
            raise UsageError(
                "--format xlsx writes a binary workbook: give --output FILE.xlsx or redirect stdout"
            )
        if output is None:
            sys.stdout.flush()
            write_xlsx(sys.stdout.buffer, variables, rows, sheet=sheet)
        else:
            with output_file(output, "wb") as out:
                write_xlsx(out, variables, rows, sheet=sheet)
        return
    if fmt == "table" and table_columns:
        keep = [variables.index(c) for c in table_columns if c in variables]
        variables = [variables[i] for i in keep]
        rows = ([row[i] for i in keep] for row in rows)
    if output is None:
        write_rows(sys.stdout, fmt, variables, rows, width)
        return
    with output_file(output, "w") as text_out:
        write_rows(text_out, fmt, variables, rows, width)


_XLSX_MAX_WIDTH = 60
_XLSX_ILLEGAL = dict.fromkeys([*range(0, 9), 11, 12, *range(14, 32)])  # control characters XML forbids


def write_xlsx(
    out: IO[bytes], variables: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "results"
) -> None:
    """One worksheet: a bold, frozen, filterable header row; dates as Excel dates; every cell whose
    value is an http(s) URL a hyperlink to it; column widths from the content (at most 60)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    ws = book.active
    ws.title = sheet[:31]
    ws.append(list(variables))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    widths = [len(v) for v in variables]
    link_font = Font(color="0563C1", underline="single")
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            cell = ws.cell(row=r, column=c, value=_xlsx_value(value))
            if isinstance(value, (dt.date, dt.datetime)):
                cell.number_format = "yyyy-mm-dd"
            elif isinstance(value, str) and value.startswith(("http://", "https://")):
                cell.hyperlink = value
                cell.font = link_font
            widths[c - 1] = max(widths[c - 1], min(len(cell_text(value)), _XLSX_MAX_WIDTH))
    for c, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(c)].width = min(width, _XLSX_MAX_WIDTH) + 2
    ws.freeze_panes = "A2"
    if ws.max_row > 1:
        ws.auto_filter.ref = ws.dimensions
    book.save(out)


def _xlsx_value(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, dt.date, dt.datetime)):
        return value
    if isinstance(value, Decimal):
        return float(value)
    return str(value).translate(_XLSX_ILLEGAL)


def write_triples(
    backend: Backend, sparql: str, bindings: Mapping[str, Term], out: IO[bytes], fmt: str = "turtle"
) -> None:
    """A CONSTRUCT/DESCRIBE result in an RDF format with the project's prefixes: streamed by
    oxigraph when the backend can, else through pyoxigraph's serialiser from rdflib terms."""
    construct_to = getattr(backend, "construct_to", None)
    if construct_to is not None:
        construct_to(out, fmt, sparql, bindings)
        return
    import pyoxigraph as ox

    triples = (ox.Triple(to_ox(s), to_ox(p), to_ox(o)) for s, p, o in backend.construct(sparql, bindings))  # type: ignore[arg-type]
    ox.serialize(triples, out, format=RDF_FORMATS[fmt], prefixes=prefixes_for(fmt))
