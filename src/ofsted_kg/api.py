"""The Python API a notebook user reaches for.

from ofsted_kg import api
with api.open("ofsted-kg.db") as kg:          # or api.open(endpoint="http://127.0.0.1:7878")
    kg.ingest(["examples/letters"])
    rows = kg.query("select_findings_for_authority", authority="Peterborough")
    rows[0].text, rows[0].published           # typed: str, datetime.date ...
    kg.export("ofsted-kg.ttl")
    kg.sync("ofsted-kg-cache", authorities=["Peterborough"])  # fetch from Ofsted, then ingest
    kg.summary(as_of="2024-03-31")              # analysts' answers: typed rows (docs/answers.md)
    kg.history("Hull")
    kg.findings(theme="placement sufficiency", polarity="concern", since="2023-01-01")
"""

from __future__ import annotations

import builtins
import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rdflib import Graph, Literal, URIRef
from rdflib.term import Identifier

from .backend import Backend
from .connect import DEFAULT_PROFILE, DEFAULT_STORE, StoreSettings, open_backend
from .ingest import IngestSummary, delete, ingest
from .named_queries import NamedQuery, get_query, named_queries, parse_query, run_select, typed_rows

if TYPE_CHECKING:  # imported when used: opening a store never pays for an HTTP client
    from .answers.findings import FindingRow
    from .answers.history import HistoryEntry
    from .answers.summary import AuthoritySummary
    from .answers.trends import FocusCount, GradeTrend, ThemeMove, ThemeTrend
    from .fetch.sync import SyncResult


class KnowledgeGraph:
    """An open store (embedded or remote) with ingest, named queries, SPARQL and export."""

    def __init__(self, backend: Backend) -> None:
        self.backend = backend

    def ingest(
        self,
        paths: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
        *,
        jobs: int | None = None,
        prune: bool = False,
        force: bool = False,
        progress: bool = True,
    ) -> IngestSummary:
        if isinstance(paths, (str, os.PathLike)):
            paths = [paths]
        return ingest(self.backend, paths, jobs=jobs, progress=progress, prune=prune, force=force)

    def delete(
        self, copies: Iterable[str], *, successors: Iterable[str | os.PathLike[str]] = ()
    ) -> IngestSummary:
        """Remove copies of reports: files, SHA-256s or report IRIs. When a copy carrying an
        inspection's findings goes, they are read again from a remaining copy's file found under
        `successors` (ofsted_kg.ingest.delete)."""
        return delete(self.backend, list(copies), successors=successors)

    def sync(
        self,
        cache: str | os.PathLike[str] = "ofsted-kg-cache",
        *,
        jobs: int | None = None,
        progress: bool = True,
        **fetch_options: Any,
    ) -> SyncResult:
        """Fetch Ofsted's new publications into `cache`, then ingest them: `ofsted-kg sync`.
        `fetch_options` are those of `ofsted_kg.fetch.fetch` (authorities, since, types, settings)."""
        from .fetch.sync import sync

        return sync(self.backend, cache, jobs=jobs, progress=progress, **fetch_options)

    def queries(self) -> dict[str, NamedQuery]:
        """The named queries shipped with ofsted-kg, by name."""
        return named_queries()

    def query(self, name: str, **params: Any) -> builtins.list[Any] | Graph | bool:
        """Run a named query (or a .rq file): typed rows for SELECT, an rdflib Graph for
        CONSTRUCT/DESCRIBE, a bool for ASK. Unknown or missing parameters raise QueryUsageError."""
        query = get_query(name)
        if query.form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(query.text, query.bindings(params))
        if query.form == "ASK":
            return self.backend.ask(query.text, query.bindings(params))
        return run_select(self.backend, query, params)

    def sparql(self, text: str, **bindings: Any) -> builtins.list[Any] | Graph | bool:
        """Run SPARQL text; keyword arguments are bound to variables (str -> literal, IRI-like -> IRI)."""
        terms = {name: _term(value) for name, value in bindings.items()}
        form = parse_query("sparql", text).form
        if form == "ASK":
            return self.backend.ask(text, terms)
        if form in ("CONSTRUCT", "DESCRIBE"):
            return self._graph(text, terms)
        result = self.backend.select(text, terms)
        return typed_rows("sparql", result.variables, result.rows)

    def summary(
        self, *, as_of: dt.date | str | None = None, region: str | None = None
    ) -> builtins.list[AuthoritySummary]:
        """One row per authority (all 153): its latest ILACS grades, previous overall grade and
        direction of travel, last visits and neighbours' grades, as at `as_of` (default: all
        loaded); only `region`'s authorities if given. `ofsted_kg.answers.common.to_dataframe`
        makes a pandas DataFrame of any of these row lists."""
        from .answers.summary import latest_summary

        return latest_summary(self.backend, as_of=as_of, region=region)

    def history(self, authority: str) -> builtins.list[HistoryEntry]:
        """Every inspection and visit of one authority (any name form the resolver takes), oldest
        first, with grades, grade changes and strengths and concerns per theme."""
        from .answers.history import authority_history

        return authority_history(self.backend, authority)

    def findings(self, **filters: Any) -> builtins.list[FindingRow]:
        """Findings filtered without SPARQL: authority, kind, theme, include_unthemed, polarity,
        type, since, until, text (see `ofsted_kg.answers.findings.filter_findings`)."""
        from .answers.findings import filter_findings

        return filter_findings(self.backend, **filters)

    def grade_trends(self, *, by: str = "year", type: str = "ilacs_inspection") -> builtins.list[GradeTrend]:  # noqa: A002
        """Inspections per grade and judgement area in each year (or region)."""
        from .answers.trends import grade_trends

        return grade_trends(self.backend, by=by, type=type)

    def theme_trends(self, *, by: str = "year", theme: str | None = None) -> builtins.list[ThemeTrend]:
        """Concerns per theme in each year (or region), with their share of all concerns."""
        from .answers.trends import theme_trends

        return theme_trends(self.backend, by=by, theme=theme)

    def theme_movers(self, *, theme: str | None = None) -> builtins.list[ThemeMove]:
        """Themes by the slope of their yearly share of concerns: rising, falling or steady."""
        from .answers.trends import theme_movers

        return theme_movers(self.backend, theme=theme)

    def visits_by_focus(self, **filters: Any) -> builtins.list[FocusCount]:
        """Focused and monitoring visits per focus area and year (or region), each visit once per
        area: by, authority, region, type, since, until (`ofsted_kg.answers.trends.visits_by_focus`)."""
        from .answers.trends import visits_by_focus

        return visits_by_focus(self.backend, **filters)

    def export(
        self, path: str | os.PathLike[str], format: str | None = None, graphs: Iterable[str] | None = None
    ) -> Path:
        """Write the store (or some graphs) to a file, whole or not at all (as the command does);
        the format comes from the file suffix unless given (an unknown suffix is a UsageError,
        not Turtle under another name)."""
        from .output_file import output_file
        from .rdf_io import format_for_suffix

        target = Path(path)
        fmt = format or format_for_suffix(target)
        with output_file(target, "wb") as out:
            self.backend.export(out, fmt, [URIRef(g) for g in graphs] if graphs is not None else None)
        return target

    def _graph(self, text: str, bindings: dict[str, Identifier]) -> Graph:
        graph = Graph()
        for triple in self.backend.construct(text, bindings):
            graph.add(triple)
        return graph

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> KnowledgeGraph:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open(  # noqa: A001 - the natural name for a notebook user
    store: str | os.PathLike[str] = DEFAULT_STORE,
    *,
    endpoint: str | None = None,
    profile: str = DEFAULT_PROFILE,
    read_only: bool = False,
) -> KnowledgeGraph:
    """Open the embedded store at `store` (created if missing), or a SPARQL endpoint.

    `read_only=True` opens an existing store for reading only: other readers may share it, and
    it needs no write access to the folder (a read-only filesystem, a colleague's folder)."""
    settings = StoreSettings(store=os.fspath(store), endpoint=endpoint, endpoint_profile=profile)
    return KnowledgeGraph(open_backend(settings, read_only=read_only))


def _term(value: Any) -> Identifier:
    if isinstance(value, (URIRef, Literal)):
        return value
    text = str(value)
    if isinstance(value, str) and text.startswith(("http://", "https://", "urn:")) and " " not in text:
        return URIRef(text)
    return Literal(value)
