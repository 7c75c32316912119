"""The rows the analyses read: named queries from `ofsted_kg.queries`, bound parameters, typed rows."""

from __future__ import annotations

import importlib.resources
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache

from rdflib.term import Identifier, URIRef

from ..backend import Backend


@cache
def query_text(name: str) -> str:
    """The text of queries/<name>.rq (read as package data, never by path)."""
    resource = importlib.resources.files("ofsted_kg.queries") / f"{name}.rq"
    if not resource.is_file():
        raise KeyError(f"no named query {name!r}")
    return resource.read_text(encoding="utf-8")


def select_rows(
    backend: Backend, name: str, bindings: Mapping[str, Identifier] | None = None
) -> list[dict[str, Identifier | None]]:
    return backend.select(query_text(name), bindings).rows


def text(value: object, default: str = "") -> str:
    """A value as text: an rdflib term's lexical form, or a Python value's (dates in ISO form)."""
    return default if value is None else str(value)


def integer(value: object) -> int | None:
    if value is None:
        return None
    try:
        return int(str(value))
    except ValueError:
        return None


@dataclass(frozen=True)
class FindingRow:
    """One finding as the analyses and the page see it."""

    iri: str
    text: str
    kind: str
    polarity: str
    themes: tuple[str, ...]
    authority: str
    authority_name: str
    report: str
    report_title: str
    inspection: str
    date: str  # ISO date of the visit (else publication); "" when unknown
    document_type: str
    page: int | None
    quote: str
    sequence: int | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


def fetch_findings(backend: Backend, authority: URIRef | None = None) -> list[FindingRow]:
    """Every finding (or one authority's), one row each: the query yields one row per evidence.
    Every finding comes from select_every_finding_text (the whole-store form: each property read
    once), one authority's from select_finding_texts; the values are read as Python values, never
    as rdflib terms."""
    if authority is None:
        result = backend.select_values(query_text("select_every_finding_text"))
    else:
        result = backend.select_values(query_text("select_finding_texts"), {"authority": authority})
    columns = {name: i for i, name in enumerate(result.variables)}
    finding, text_, kind, polarity, themes, authority_, authority_name, report, report_title = (
        columns[n]
        for n in (
            "finding",
            "text",
            "kind",
            "polarity",
            "themes",
            "authority",
            "authorityName",
            "report",
            "reportTitle",
        )
    )
    inspection, date, document_type, page, quote, sequence = (
        columns[n] for n in ("inspection", "date", "documentType", "page", "quote", "sequence")
    )
    seen: dict[str, FindingRow] = {}
    for row in result.rows:
        iri = text(row[finding])
        if iri in seen:
            continue
        seen[iri] = FindingRow(
            iri=iri,
            text=text(row[text_]),
            kind=text(row[kind]),
            polarity=text(row[polarity]),
            themes=tuple(sorted(set(text(row[themes]).split()))),
            authority=text(row[authority_]),
            authority_name=text(row[authority_name]),
            report=text(row[report]),
            report_title=text(row[report_title]),
            inspection=text(row[inspection]),
            date=text(row[date])[:10],
            document_type=text(row[document_type]),
            page=integer(row[page]),
            quote=text(row[quote]) or text(row[text_]),
            sequence=integer(row[sequence]),
        )
    return list(seen.values())


def fetch_theme_labels(backend: Backend) -> dict[str, str]:
    """Theme notation -> preferred label (notation itself when the ontology is not loaded)."""
    return {text(r["notation"]): text(r["label"]) for r in select_rows(backend, "select_themes")}


def find_authority(backend: Backend, name: str) -> URIRef | None:
    """The authority whose name (case-insensitively) is `name`, from the statistical-neighbour lookup
    or, failing that, from the authorities with findings."""
    wanted = name.strip().casefold()
    for row in select_rows(backend, "select_statistical_neighbours"):
        if text(row["authorityName"]).casefold() == wanted:
            return URIRef(text(row["authority"]))
    for finding in fetch_findings(backend):
        if finding.authority_name.casefold() == wanted:
            return URIRef(finding.authority)
    return None


def fetch_theme_iris(backend: Backend) -> dict[str, str]:
    """Theme notation -> the theme concept's IRI."""
    return {text(r["notation"]): text(r["theme"]) for r in select_rows(backend, "select_themes")}
