"""The same real letters loaded once per test run into each backend: the embedded store, a real
Oxigraph server and a real Virtuoso (conftest's session fixtures use these helpers).

Results are compared by value after a canonical sort: Virtuoso sends `BIND(true)` and EXISTS as
1/0 and may write numbers differently, and GROUP_CONCAT lists come in any order, so each term
becomes a canonical string through the conversion layer (`ofsted_kg.named_queries.to_python`)
and each list cell is split and sorted.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from functools import cache
from pathlib import Path

from ofsted_kg.loaders.record import Provenance
from rdflib import XSD, BNode, Literal, URIRef
from rdflib.term import Identifier

from ofsted_kg.analysis.related import recompute_related
from ofsted_kg.backend import Backend
from ofsted_kg.ingest import Built, Failed, build_document, ingest
from ofsted_kg.named_queries import NamedQuery, to_python

BACKENDS = ("embedded", "oxigraph", "virtuoso")
PROFILES = {"oxigraph": "oxigraph", "virtuoso": "virtuoso"}
EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"
# A handful of focused visits (different templates and years), one ILACS, one area SEND report.
LETTERS = [
    "focused-visit_barking-and-dagenham_2018-04.pdf",
    "focused-visit_barnet_2021-08.pdf",
    "focused-visit_birmingham_2020-03.pdf",  # two visits to one authority: recurring weaknesses
    "focused-visit_birmingham_2024-10.pdf",
    "focused-visit_cornwall_2022-02.pdf",
    "ilacs_dorset_2021-11.pdf",
]
SEND_PREFIX = "send-area_"
# GROUP_CONCAT(<expression, with one level of parentheses>; separator="...") AS ?var
_CONCAT = re.compile(
    r"GROUP_CONCAT\s*\((?:[^;()]|\([^()]*\))*;\s*separator\s*=\s*\"([^\"]*)\"\s*\)\s*AS\s*\?(\w+)",
    re.IGNORECASE,
)


def letter_paths() -> list[Path]:
    send = sorted(EXAMPLES.glob(f"{SEND_PREFIX}*.pdf"))[:1]
    return [EXAMPLES / name for name in LETTERS] + send


@cache
def _built(path: str, provenance: Provenance) -> Built | Failed:
    return build_document(path, provenance)


def cached_builder(path: str, provenance: Provenance) -> Built | Failed:
    """Extract each letter once for every backend (the stores differ, the documents do not)."""
    return _built(path, provenance)


def load(backend: Backend) -> None:
    files = letter_paths()
    summary = ingest(backend, files, jobs=1, progress=False, builder=cached_builder)
    assert summary.failed == [] and len(summary.loaded) == len(files)
    recompute_related(backend)  # the analysis graph, so the related-findings queries have rows


def canonical(term: Identifier | None) -> str:
    """A term by value: booleans as 0/1, numbers normalised, dates in ISO form."""
    if term is None:
        return "UNBOUND"
    if isinstance(term, BNode):
        return "_:b"
    if isinstance(term, URIRef):
        return term.n3()
    assert isinstance(term, Literal)
    if not str(term) and not term.language and term.datatype in (None, XSD.string):
        # "No value" picked by a query (e.g. STRAFTER(MAX(...)) over nothing): Oxigraph leaves it
        # unbound, Virtuoso answers "" — the same to every reader (ofsted_kg.answers reads "" as None).
        return "UNBOUND"
    if term.language:
        return f"{term}@{term.language}"
    value = to_python(term)
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, Decimal, float)):
        return format(round(float(value), 9), "g") if value != int(value) else str(int(value))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def list_cells(query: NamedQuery) -> dict[str, str]:
    """Result variables that hold a GROUP_CONCAT list, with the separator."""
    return {var: sep for sep, var in _CONCAT.findall(query.text)}


def canonical_row(row: dict, variables: list[str], lists: dict[str, str]) -> tuple[str, ...]:
    cells = []
    for name in variables:
        text = canonical(row.get(name))
        if name in lists and lists[name] and row.get(name) is not None:
            # An empty list is "" on one server and unbound on another (GROUP_CONCAT of nothing).
            text = lists[name].join(sorted(text.split(lists[name]))) if text else "UNBOUND"
        cells.append(text)
    return tuple(cells)


def rows_of(backend: Backend, query: NamedQuery, params: dict[str, str]) -> list[tuple[str, ...]]:
    bindings = query.bindings(params)
    if query.form == "CONSTRUCT":
        return sorted(
            tuple(canonical(t) for t in triple) for triple in backend.construct(query.text, bindings)
        )
    result = backend.select(query.text, bindings)
    lists = list_cells(query)
    return sorted(canonical_row(row, result.variables, lists) for row in result.rows)
