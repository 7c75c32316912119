"""Every named query parses and runs on a store of real letters; answers agree with the extracted records."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from ofsted_kg.loaders.extract import extract_path
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import PROV
from rdflib.plugins.sparql import prepareQuery

from ofsted_kg import api, iris, rdf_io
from ofsted_kg.errors import UsageError
from ofsted_kg.named_queries import QueryUsageError, get_query, named_queries, parse_query
from ofsted_kg.namespace import OKG
from ofsted_kg.rdf_io import PREFIXES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples" / "letters"
LETTERS = (
    "focused-visit_peterborough_2021-08.pdf",
    "focused-visit_peterborough_2023-05.pdf",
    "ilacs_peterborough_2024-01.pdf",
    "focused-visit_kent_2019-02.pdf",
)
MINE = (
    "select_inspections",
    "select_findings_for_authority",
    "select_improvement_points_by_theme",
    "select_inspectors_and_authorities",
    "select_authorities_by_theme_count",
    "construct_inspection",
)


@pytest.fixture(scope="module")
def records():
    return {name: extract_path(EXAMPLES / name) for name in LETTERS}


@pytest.fixture(scope="module")
def kg(tmp_path_factory: pytest.TempPathFactory):
    with api.open(tmp_path_factory.mktemp("nq") / "kg.db") as graph:
        summary = graph.ingest([EXAMPLES / n for n in LETTERS], jobs=2, progress=False)
        assert summary.failed == []
        yield graph


@pytest.mark.parametrize("name", sorted(named_queries()))
def test_every_named_query_parses_and_documents_itself(name: str) -> None:
    query = named_queries()[name]
    prepareQuery(query.text)  # rdflib's parser: valid SPARQL 1.1, not just oxigraph's dialect
    assert query.description and query.title != name
    assert query.form in ("SELECT", "CONSTRUCT", "ASK", "DESCRIBE")
    if query.form == "SELECT":
        # oxigraph binds only projected variables by substitution: parameters must be projected.
        projected = str(prepareQuery(query.text).algebra["PV"])
        for param in query.params:
            assert param.name in projected, f"{name}: parameter ?{param.name} is not projected"


def test_the_required_queries_exist() -> None:
    assert set(MINE) <= set(named_queries())


@pytest.mark.parametrize("name", [n for n in sorted(named_queries()) if named_queries()[n].form == "SELECT"])
def test_every_select_runs_with_typed_rows(kg: api.KnowledgeGraph, name: str) -> None:
    query = named_queries()[name]
    sample = {
        "string": "Peterborough",
        "iri": str(iris.authority("E06000031")),
        "authority": "peterborough",
        "authority_name": "peterborough",
        "theme": "placement sufficiency",
    }
    params = {p.name: sample[p.type] for p in query.params if not p.optional}
    rows = kg.query(name, **params)
    assert isinstance(rows, list)
    for row in rows[:50]:
        for value in vars(row).values():
            assert not isinstance(value, (URIRef, Literal)), f"{name}: an rdflib term leaked into a row"


def test_select_inspections_matches_the_records(kg: api.KnowledgeGraph, records) -> None:
    rows = kg.query("select_inspections")
    assert len(rows) == len(LETTERS)
    got = {(r.file_names, r.type, r.authority_name, r.start, r.end) for r in rows}
    assert {r.copies for r in rows} == {1}
    want = {
        (
            name,
            rec.document_type,
            rec.authority.name,
            dt.date.fromisoformat(rec.visit_start),
            dt.date.fromisoformat(rec.visit_end),
        )
        for name, rec in records.items()
    }
    assert got == want
    for row in rows:
        record = records[row.file_names]
        assert set(row.inspectors.split("; ")) == {i.name for i in record.inspectors}
        assert row.published == (dt.date.fromisoformat(record.published) if record.published else None)
    assert [r.start for r in rows] == sorted((r.start for r in rows), reverse=True)
    only_fv = kg.query("select_inspections", type="focused_visit", authority_name="Peterborough")
    assert {r.file_names for r in only_fv} == {
        n
        for n, r in records.items()
        if r.document_type == "focused_visit" and r.authority.name == "Peterborough"
    }


def test_findings_for_authority_by_name_or_gss(kg: api.KnowledgeGraph, records) -> None:
    by_name = kg.query("select_findings_for_authority", authority="Peterborough")
    by_gss = kg.query("select_findings_for_authority", authority="E06000031")
    peterborough = [r for r in records.values() if r.authority.gss_code == "E06000031"]
    assert len(by_name) == sum(len(r.findings) for r in peterborough) > 0
    assert sorted(r.finding for r in by_name) == sorted(r.finding for r in by_gss)
    texts = {f.text for r in peterborough for f in r.findings}
    assert {r.text for r in by_name} == texts
    assert all(isinstance(r.sequence, int) for r in by_name if r.sequence is not None)
    by_lower_case = kg.query("select_findings_for_authority", authority="peterborough")
    assert sorted(r.finding for r in by_lower_case) == sorted(r.finding for r in by_name)
    # An authority nobody is called is a usage error naming the nearest, not 0 silent rows.
    with pytest.raises(QueryUsageError, match="no authority called 'Nowhere'"):
        kg.query("select_findings_for_authority", authority="Nowhere")


def test_improvement_points_and_theme_counts_agree(kg: api.KnowledgeGraph, records) -> None:
    points = kg.query("select_improvement_points_by_theme")
    want = {
        (f.text, theme)
        for r in records.values()
        for f in r.findings
        if f.kind in ("area_for_improvement", "area_for_priority_action")
        for theme in f.themes
    }
    assert {(p.text, p.theme) for p in points} == want
    if want:
        theme = next(iter(want))[1]
        assert {p.theme for p in kg.query("select_improvement_points_by_theme", theme=theme)} == {theme}
    counts = kg.query("select_authorities_by_theme_count")
    want_counts: dict[tuple[str, str], int] = {}
    for r in records.values():
        for f in r.findings:
            for theme in set(f.themes):
                key = (theme, r.authority.name)
                want_counts[key] = want_counts.get(key, 0) + 1
    assert {(c.theme, c.authority_name): c.findings for c in counts} == want_counts


def test_inspectors_and_authorities(kg: api.KnowledgeGraph, records) -> None:
    rows = kg.query("select_inspectors_and_authorities")
    want: dict[tuple[str, str], int] = {}
    for r in records.values():
        for name in {i.name for i in r.inspectors}:
            want[(name, r.authority.name)] = want.get((name, r.authority.name), 0) + 1
    assert {(r.inspector_name, r.authority_name): r.inspections for r in rows} == want
    leads = {(i.name, r.authority.name) for r in records.values() for i in r.inspectors if i.lead}
    assert {(r.inspector_name, r.authority_name) for r in rows if r.led} == leads


def test_construct_inspection_is_the_whole_description(kg: api.KnowledgeGraph, records) -> None:
    from ofsted_kg.loaders.graph import inspection_of

    record = records["focused-visit_peterborough_2021-08.pdf"]
    inspection = inspection_of(record)
    graph = kg.query("construct_inspection", inspection=str(inspection))
    assert isinstance(graph, Graph)
    report = iris.report(record.source.sha256)
    assert (report, PROV.wasGeneratedBy, inspection) in graph
    assert str(graph.value(report, OKG.text)) == record.text
    assert len(set(graph.subjects(OKG.aboutInspection, inspection))) == len(record.findings)
    # Evidence comes along: every finding's quote selector is in the description.
    exact = {str(o) for o in graph.objects(None, URIRef("http://www.w3.org/ns/oa#exact"))}
    assert {record.text[f.span.start : f.span.end] for f in record.findings} <= exact
    # The authority's shared description (its name) is included; no other inspection is.
    assert (iris.authority("E06000031"), None, Literal("Peterborough")) in graph
    assert set(graph.subjects(OKG.inspectedAuthority, None)) == {inspection}


def test_parameters_are_checked() -> None:
    query = get_query("select_findings_for_authority")
    with pytest.raises(QueryUsageError, match="missing required parameter"):
        query.bindings({})
    with pytest.raises(QueryUsageError, match="unknown parameter"):
        query.bindings({"authority": "Kent", "colour": "red"})
    with pytest.raises(QueryUsageError, match="not a valid iri"):
        get_query("construct_inspection").bindings({"inspection": "not an iri> }"})
    with pytest.raises(QueryUsageError, match="unknown query"):
        get_query("select_nothing")
    with pytest.raises(QueryUsageError, match=re.escape("(did you mean select_latest_grades?")):
        get_query("latest_grades")
    with pytest.raises(
        QueryUsageError, match="looks like SPARQL text, not a query name: give it with --sparql"
    ):
        get_query("SELECT ?s WHERE { ?s ?p ?o }")
    typed = parse_query(
        "t", "# param when: date required — a day\n# param n: integer\nSELECT ?when ?n WHERE {}"
    )
    assert typed.bindings({"when": "2021-08-02", "n": "3"}) == {
        "when": Literal("2021-08-02", datatype=URIRef("http://www.w3.org/2001/XMLSchema#date")),
        "n": Literal("3", datatype=URIRef("http://www.w3.org/2001/XMLSchema#integer")),
    }
    with pytest.raises(QueryUsageError, match="not a valid date"):
        typed.bindings({"when": "2 August"})


def test_closed_vocabulary_parameters_resolve_or_refuse(kg: api.KnowledgeGraph) -> None:
    by_theme = get_query("select_findings_by_theme")
    terms = by_theme.terms(
        {
            "theme": "Placement Sufficiency",
            "polarity": "Concern",
            "kind": "area for improvement",
            "type": "ilacs",
        }
    )
    assert {k: v.value for k, v in terms.items()} == {
        "theme": "placement-sufficiency",
        "polarity": "concern",
        "kind": "area_for_improvement",
        "type": "ilacs_inspection",  # the one document type whose name holds the word
    }
    assert get_query("select_latest_grades").terms({"region": "yorkshire"})["region"].value == (
        "Yorkshire and The Humber"
    )
    assert get_query("select_theme_trends").terms({"by": "Region"})["by"].value == "region"
    # The same rows whichever way the theme is named.
    named = kg.query("select_findings_by_theme", theme="Placement sufficiency")
    assert named and named == kg.query("select_findings_by_theme", theme="placement-sufficiency")
    # A value that names nothing is refused with the nearest, never bound to give no rows.
    refused = {
        (
            "select_findings_by_theme",
            "theme",
            "placment",
        ): "did you mean placement-stability or placement-sufficiency?",
        (
            "select_findings_by_theme",
            "theme",
            "placement",
        ): "did you mean placement-stability or placement-sufficiency?",
        ("select_findings_by_theme", "polarity", "bad"): "choose from concern, mixed, neutral, strength",
        ("select_inspections", "type", "inspection"): "no document type 'inspection'",
        ("select_latest_grades", "region", "Narnia"): "no region called 'Narnia'",
        ("select_theme_trends", "by", "decade"): "no period 'decade'",
    }
    for (name, param, value), message in refused.items():
        required = {"theme": "adoption"} if name == "select_findings_by_theme" and param != "theme" else {}
        with pytest.raises(QueryUsageError, match=re.escape(message)):
            get_query(name).terms({**required, param: value})


def test_api_sparql_and_export(kg: api.KnowledgeGraph, records, tmp_path: Path) -> None:
    rows = kg.sparql(
        "SELECT ?report ?sha WHERE { ?report <https://w3id.org/ofsted-kg/ontology#sha256> ?sha }",
        sha=records["focused-visit_kent_2019-02.pdf"].source.sha256,
    )
    assert [r.report for r in rows] == [
        str(iris.report(records["focused-visit_kent_2019-02.pdf"].source.sha256))
    ]
    assert kg.sparql("ASK { ?a <https://w3id.org/ofsted-kg/ontology#gssCode> ?gss }", gss="E10000016") is True
    counted = kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert isinstance(counted[0].n, int) and counted[0].n > 0
    out = kg.export(tmp_path / "kg.nt")
    graph = Graph().parse(out, format="nt")
    sha = records["focused-visit_peterborough_2021-08.pdf"].source.sha256
    assert (iris.report(sha), OKG.sha256, Literal(sha)) in graph
    one = kg.export(tmp_path / "one.ttl", graphs=[str(iris.report_graph(sha))])
    assert set(Graph().parse(one, format="turtle").subjects(OKG.sha256, None)) == {iris.report(sha)}
    # A suffix that names no format is refused (it was written as Turtle under that name).
    with pytest.raises(UsageError, match="names no output format"):
        kg.export(tmp_path / "kg.rdf")
    assert not (tmp_path / "kg.rdf").exists()


def test_api_runs_a_query_file_with_typed_parameters(kg: api.KnowledgeGraph, records, tmp_path: Path) -> None:
    ask = tmp_path / "ask_visited.rq"
    ask.write_text(
        "# description: was the authority visited on that day?\n"
        "# param gss: string required — GSS code\n# param day: date required — first day of the visit\n"
        "PREFIX okg: <https://w3id.org/ofsted-kg/ontology#>\n"
        "ASK { ?i okg:inspectedAuthority/okg:gssCode ?gss ; okg:startDate ?day }\n"
    )
    kent = records["focused-visit_kent_2019-02.pdf"]
    assert kg.query(str(ask), gss="E10000016", day=kent.visit_start) is True
    assert kg.query(str(ask), gss="E10000016", day=dt.date(1999, 1, 1)) is False
    with pytest.raises(QueryUsageError):
        kg.query(str(ask), gss="E10000016")


def test_table_header_names_projected_columns() -> None:
    from ofsted_kg.named_queries import named_queries, parse_query

    query = parse_query("q", "# title: t\n# table: a, c\nSELECT ?a ?b ?c WHERE { ?a ?b ?c }\n")
    assert query.table_columns == ("a", "c")
    # Every packaged table hint names variables the query really projects.
    for named in named_queries().values():
        for column in named.table_columns:
            assert f"?{column}" in named.text, (named.name, column)


def _prefix_lines(text: str) -> list[tuple[str, str]]:
    return re.findall(r"^\s*PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", text, re.IGNORECASE | re.MULTILINE)


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "queries").glob("*.rq")) + sorted((ROOT / "tests" / "direct_queries").glob("*.rq")),
    ids=lambda p: p.name,
)
def test_every_prefix_in_the_queries_is_the_projects(path: Path) -> None:
    """One prefix table (rdf_io.PREFIXES, generated from the ontology): a query declaring
    `schema:` as http://schema.org/ silently matched nothing, since the data uses https."""
    declared = _prefix_lines(path.read_text(encoding="utf-8"))
    assert declared, f"{path.name} declares no prefixes"
    for name, iri in declared:
        assert PREFIXES.get(name) == iri, f"{path.name}: PREFIX {name}: <{iri}> is not the project's"


def test_inspector_names_come_from_schema_name(kg: api.KnowledgeGraph) -> None:
    """The inspectors' names are read through schema:name, not only the rdfs:label fallback."""
    rows = kg.sparql(
        rdf_io.sparql_prefixes() + "SELECT ?name WHERE { ?i a okg:Inspector ; schema:name ?name }"
    )
    assert rows, "no inspector has a schema:name with the project's schema: prefix"
    visits = {r.inspectorName for r in kg.query("select_inspector_visits")}
    assert visits == {r.name for r in rows}
