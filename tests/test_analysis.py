"""Graph analysis (issue 5) on real example letters, plus exact answers on a hand-made store.

The recurrences and relations asserted here were found by reading the letters:
- Peterborough: "The quality and recording of supervision ..." (focused visit, June 2021) is named
  again as "The quality of supervision." (focused visit, March 2023) and "The quality of
  supervision, so that social workers are supported ..." (ILACS, November 2023).
- Kent: "Evaluate the quality of case and staff supervision ..." (SIF, 2017) and "The quality and
  impact of management oversight and supervision." (focused visit, January 2024).
- Knowsley: "Consistency in the quality of assessments." (2018) and "The quality of assessments and
  plans for children in need of help and protection ..." (ILACS 2021).
- Norfolk: return home interviews, SIF 2015 recommendation and SIF 2017 finding.
- Across authorities: Knowsley 2018 "Consistency in the quality of assessments." and Peterborough
  2023 "The consistency in quality of social work assessments."; Kent 2024 "The quality and impact
  of management oversight and supervision." and Manchester 2018 "Quality of supervision and
  management oversight."; Knowsley 2021 and Nottingham 2022 on 16- and 17-year-olds who present
  as homeless.
"""

from __future__ import annotations

import csv
import importlib.resources
import io
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from analysis_fixtures import DOCS, build_real_store, build_store, sha256_of, theme_iri
from rdflib import URIRef

from ofsted_kg import iris
from ofsted_kg.analysis.data import fetch_findings, find_authority, query_text
from ofsted_kg.analysis.inspectors import inspector_graph, inspector_summaries
from ofsted_kg.analysis.network import export_network
from ofsted_kg.analysis.recurring import (
    recurrences_from_findings,
    recurrences_from_query,
    recurring_weaknesses,
)
from ofsted_kg.analysis.related import compute_related, recompute_related, related_from_store, stored_links
from ofsted_kg.analysis.similar import similar_authorities
from ofsted_kg.analysis.tfidf import TfidfModel, tokens
from ofsted_kg.analysis.themes import theme_cooccurrence
from ofsted_kg.cli import main
from ofsted_kg.named_queries import named_queries

EXAMPLES = Path(__file__).resolve().parent.parent / "examples" / "letters"


@pytest.fixture(scope="module")
def real(tmp_path_factory: pytest.TempPathFactory):
    path = tmp_path_factory.mktemp("analysis") / "store"
    store = build_real_store(path, EXAMPLES)
    recompute_related(store)
    yield store
    store.close()


@pytest.fixture()
def mini(tmp_path: Path):
    store = build_store(tmp_path / "mini")
    yield store
    store.close()


def report_of(name: str) -> str:
    return str(iris.report(sha256_of(EXAMPLES / name)))


def _link_between(links, a_text: str, b_text: str):
    for link in links:
        texts = {link[0].text, link[1].text}
        if any(a_text in t for t in texts) and any(b_text in t for t in texts):
            return link
    return None


# -- named queries -------------------------------------------------------------------------------


def test_my_queries_have_headers_and_bound_parameters() -> None:
    queries = named_queries()
    for name in ("select_finding_texts", "select_recurring_weaknesses", "select_related_findings",
                 "select_inspector_pairs", "select_inspector_visits", "select_theme_profiles",
                 "select_statistical_neighbours", "select_themes"):  # fmt: skip
        q = queries[name]
        assert q.title and q.description, name
        for param in q.params:
            # Parameters are bound as pre-bound variables, so each must be a projected variable.
            assert f"?{param.name}" in query_text(name), (name, param.name)


# -- related findings ----------------------------------------------------------------------------


def test_related_links_written_to_their_own_graph_and_replaced_whole(real) -> None:
    report_graph = iris.report_graph(sha256_of(EXAMPLES / "focused-visit_peterborough_2021-08.pdf"))
    before = real.triple_count(report_graph)
    first = real.triple_count(iris.RELATED_GRAPH)
    links = recompute_related(real)
    assert links and real.triple_count(iris.RELATED_GRAPH) == first  # same links, no duplicates
    assert real.triple_count(report_graph) == before  # document graphs untouched
    fewer = recompute_related(real, threshold=0.6)
    assert 0 < len(fewer) < len(links)
    assert real.triple_count(iris.RELATED_GRAPH) < first
    recompute_related(real)
    assert real.triple_count(iris.RELATED_GRAPH) == first


def test_related_links_are_queryable_with_scores_and_shared_themes(real) -> None:
    rows = related_from_store(real)
    assert rows
    assert all(0.25 <= r.similarity <= 1.0 and r.shared_themes for r in rows)
    findings = {f.iri: f for f in fetch_findings(real)}
    for r in rows:
        a, b = findings[r.finding], findings[r.other]
        assert a.report != b.report
        assert set(r.shared_themes) <= set(a.themes) & set(b.themes)


@pytest.mark.parametrize(
    ("a_authority", "a_text", "b_authority", "b_text"),
    [
        ("Knowsley", "Consistency in the quality of assessments", "Peterborough",
         "The consistency in quality of social work assessments"),
        ("Kent", "The quality and impact of management oversight and supervision", "Manchester",
         "Quality of supervision and management oversight"),
        ("Knowsley", "The response to children who present as homeless", "Nottingham",
         "aged 16 and 17 who present as homeless"),
    ],
)  # fmt: skip
def test_known_cross_authority_relations(real, a_authority, a_text, b_authority, b_text) -> None:
    findings = fetch_findings(real)
    a = [f for f in findings if f.authority_name == a_authority and a_text in f.text]
    assert a, f"{a_authority}: {a_text!r} not extracted"
    rows = [r for f in a for r in related_from_store(real, finding=URIRef(f.iri))]
    hits = [r for r in rows if r.other_authority == b_authority and b_text in r.other_text]
    assert hits, f"no link {a_authority} -> {b_authority}"
    assert hits[0].similarity >= 0.4
    assert b_text in hits[0].other_quote  # the evidence quote travels with the link


def test_related_by_authority_only_starts_from_that_authority(real) -> None:
    kent = find_authority(real, "kent")
    assert kent == iris.authority("E10000016")
    rows = related_from_store(real, authority=kent)
    kent_findings = {f.iri for f in fetch_findings(real, kent)}
    assert rows and {r.finding for r in rows} <= kent_findings
    assert any(r.other_authority != "Kent" for r in rows)  # across authorities
    assert any(r.other_authority == "Kent" for r in rows)  # and over time


def test_threshold_is_tunable_and_validated(real) -> None:
    findings = fetch_findings(real)
    loose, strict = compute_related(findings, threshold=0.2), compute_related(findings, threshold=0.5)
    assert len(strict) < len(loose)
    assert all(link.similarity >= 0.5 for link in strict)
    with pytest.raises(ValueError):
        compute_related(findings, threshold=0)


# -- recurring weaknesses -------------------------------------------------------------------------


def _recurrence(recs, earlier: str, later: str):
    return [r for r in recs if earlier in r.earlier.text and later in r.later.text]


def test_peterborough_supervision_recurs_in_date_order(real) -> None:
    recs = recurring_weaknesses(real, authority=iris.authority("E06000031"))
    to_2023 = _recurrence(recs, "quality and recording of supervision", "The quality of supervision.")
    to_ilacs = _recurrence(recs, "The quality of supervision.", "The quality of supervision, so that")
    assert to_2023 and to_ilacs
    first = to_2023[0]
    assert first.earlier.report == report_of("focused-visit_peterborough_2021-08.pdf")
    assert first.later.report == report_of("focused-visit_peterborough_2023-05.pdf")
    assert to_ilacs[0].later.report == report_of("ilacs_peterborough_2024-01.pdf")
    assert first.earlier.date < first.later.date
    assert "supervision-and-management-oversight" in first.themes
    assert first.earlier.kind == "area_for_improvement" and first.later.kind == "area_for_improvement"
    assert "supervision" in first.earlier.quote and "supervision" in first.later.quote
    assert first.earlier.page and first.later.page
    assert all(r.authority_name == "Peterborough" for r in recs)
    assert [r.earlier.date for r in recs] == sorted(r.earlier.date for r in recs)


@pytest.mark.parametrize(
    ("authority", "earlier", "later", "earlier_file", "later_file"),
    [
        ("Kent", "Evaluate the quality of case and staff supervision",
         "The quality and impact of management oversight and supervision",
         "other_kent_2017-06.pdf", "focused-visit_kent_2024-02.pdf"),
        ("Knowsley", "Consistency in the quality of assessments", "The quality of assessments and plans",
         "focused-visit_knowsley_2018-11.pdf", "ilacs_knowsley_2021-12.pdf"),
        ("Norfolk", "have a return home interview", "most receive a return home interview",
         "other_norfolk_2015-10.pdf", "other_norfolk_2018-01.pdf"),
    ],
)  # fmt: skip
def test_known_recurrences(real, authority, earlier, later, earlier_file, later_file) -> None:
    recs = [r for r in recurring_weaknesses(real) if r.authority_name == authority]
    hits = _recurrence(recs, earlier, later)
    assert hits, f"{authority}: recurrence not found"
    assert hits[0].earlier.report == report_of(earlier_file)
    assert hits[0].later.report == report_of(later_file)


def test_recurring_named_query_binds_theme(real) -> None:
    findings = fetch_findings(real)
    theme_iris = {str(r["notation"]): r["theme"] for r in real.select(query_text("select_themes")).rows}
    theme = theme_iris["supervision-and-management-oversight"]
    recs = recurring_weaknesses(real, theme=theme)
    assert recs and all(r.themes == ("supervision-and-management-oversight",) for r in recs)
    assert {r.authority_name for r in recs} >= {"Peterborough", "Kent"}
    assert len(findings) > 0


def test_every_finding_text_gives_the_rows_of_finding_texts(real) -> None:
    """The whole-store form of select_finding_texts (each property read once) gives the same rows,
    in the same order, as the bound form with no parameter; the names in `themes` may come in
    another order (GROUP_CONCAT's order is not defined; fetch_findings sorts them)."""
    every = real.select_values(query_text("select_every_finding_text"))
    bound = real.select_values(query_text("select_finding_texts"))
    assert every.variables == bound.variables
    themes = every.variables.index("themes")

    def comparable(rows: Iterable[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        return [(*row[:themes], sorted(str(row[themes] or "").split()), *row[themes + 1 :]) for row in rows]

    rows = comparable(every.rows)
    assert len(rows) > 500
    assert sum(1 for row in rows if len(row[themes]) > 1) > 100  # the order could differ
    assert rows == comparable(bound.rows)


def test_stored_links_are_the_links_of_select_related_links(real) -> None:
    """stored_links joins the link facts itself: every link of select_related_links, once, in its
    order (most similar first), with its shared themes."""
    expected = [
        (
            str(r["finding"]),
            str(r["other"]),
            float(r["similarity"]),
            tuple(sorted(str(r["sharedThemes"] or "").split())),
        )
        for r in real.select(query_text("select_related_links")).rows
    ]
    links = stored_links(real)
    assert len(expected) > 100
    assert [(x.finding_a, x.finding_b, x.similarity, x.shared_themes) for x in links] == expected


def test_recurrences_from_the_findings_equal_the_named_query(real) -> None:
    """The page, and `recurring_weaknesses` over the whole store, compute the recurrences from
    every finding read once; on the example corpus that gives exactly what the named query gives
    (every recurrence, in the same order)."""
    expected = recurrences_from_query(real)
    assert len(expected) > 20
    assert recurrences_from_findings(fetch_findings(real)) == expected
    assert recurring_weaknesses(real) == expected
    assert recurrences_from_findings(fetch_findings(real), min_similarity=0.3) == recurrences_from_query(
        real, min_similarity=0.3
    )


# -- similar authorities, inspectors, themes ------------------------------------------------------


def _reference_neighbours() -> dict[str, set[str]]:
    text = (importlib.resources.files("ofsted_kg.loaders") / "reference" / "la_lookup_d2i.csv").read_text(
        encoding="utf-8-sig"
    )
    return {
        row["la_code_new"]: {c.strip() for c in row["stat_neighbours_la_code"].split(",") if c.strip()}
        for row in csv.DictReader(io.StringIO(text))
    }


def test_similar_authorities_beside_statistical_neighbours(real) -> None:
    result = {s.authority_name: s for s in similar_authorities(real, k=3)}
    assert set(result) == {f.authority_name for f in fetch_findings(real)}
    neighbours = _reference_neighbours()
    names = {str(f.authority): f.authority_name for f in fetch_findings(real)}
    present = {a.rsplit("/", 1)[-1]: n for a, n in names.items()}
    for s in result.values():
        gss = s.authority.rsplit("/", 1)[-1]
        expected = sorted(present[c] for c in neighbours.get(gss, set()) if c in present)
        assert list(s.statistical_neighbours) == expected, s.authority_name
        assert len(s.most_similar) == 3
        assert [v for _, v in s.most_similar] == sorted((v for _, v in s.most_similar), reverse=True)
        assert s.overlap == len({n for n, _ in s.most_similar} & set(expected))
    # In the DfE lookup Kent and Norfolk, and Manchester and Nottingham, are each other's neighbours.
    assert result["Kent"].statistical_neighbours == ("Norfolk",)
    assert result["Manchester"].statistical_neighbours == ("Nottingham",)
    assert result["Manchester"].mean_similarity_neighbours is not None
    assert result["Peterborough"].statistical_neighbours == ()


def test_inspector_network(real) -> None:
    g = inspector_graph(real)
    assert g.number_of_nodes() > 10 and g.number_of_edges() > 5
    summaries = {s.name: s for s in inspector_summaries(real)}
    # Russel Breyer signs letters to Kent (2024) and Peterborough (2023): both in the subset.
    breyer = summaries.get("Russel Breyer")
    assert breyer is not None and {"Kent", "Peterborough"} <= set(breyer.authorities)
    assert all(s.inspections >= 1 and 0 <= s.degree_centrality <= 1 for s in summaries.values())
    again = {s.name: s.community for s in inspector_summaries(real)}
    assert again == {n: s.community for n, s in summaries.items()}  # seeded Louvain: stable


def test_theme_cooccurrence(real) -> None:
    findings = fetch_findings(real)
    pairs = theme_cooccurrence(findings)
    assert pairs
    top = pairs[0]
    both = sum(1 for f in findings if top.theme_a in f.themes and top.theme_b in f.themes)
    assert top.findings == both
    assert top.documents >= 1 and 0 < top.jaccard <= 1
    assert all(p.theme_a < p.theme_b for p in pairs)


# -- exact answers on the hand-made store ----------------------------------------------------------


def test_mini_store_exact_links_and_recurrence(mini) -> None:
    links = recompute_related(mini)
    by_pair = {(link.finding_a, link.finding_b): link for link in links}
    a1, b1, c1 = (d.finding(1) for d in DOCS)
    a2, b2 = DOCS[0].finding(2), DOCS[1].finding(2)
    assert (str(a2), str(b2)) in by_pair  # return home interviews, same authority, over time
    assert by_pair[(str(a2), str(b2))].shared_themes == ("return-home-interviews",)
    assert (str(b1), str(c1)) in by_pair and not by_pair[(str(b1), str(c1))].same_authority
    # The care-leavers strength and the supervision weakness never link: no shared theme.
    assert all(set(link.shared_themes) for link in links)
    recs = recurring_weaknesses(mini)
    assert [(r.earlier.finding, r.later.finding) for r in recs] == [(str(a1), str(b1))]
    assert recurring_weaknesses(mini, theme=theme_iri("care-leavers")) == []


def test_tfidf_basics() -> None:
    assert tokens("Plans for care leavers' disabilities, always") == [
        "plan",
        "care",
        "leaver",
        "disability",
        "always",
    ]
    model = TfidfModel(["return home interviews", "return home interviews are late", "pathway plans"])
    assert model.similarity(0, 0) == pytest.approx(1.0)
    assert model.similarity(0, 2) == 0.0
    assert 0 < model.similarity(0, 1) < 1


# -- network export and CLI ------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["findings", "authorities", "inspectors"])
@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_export_network(real, view, fmt, tmp_path: Path) -> None:
    out = tmp_path / f"{view}.{fmt}"
    g = export_network(real, view, fmt, out)
    assert g.number_of_nodes() > 0
    again = nx.read_graphml(out) if fmt == "graphml" else nx.read_gexf(out)
    assert again.number_of_nodes() == g.number_of_nodes()
    assert again.number_of_edges() == g.number_of_edges()
    for _, data in again.nodes(data=True):
        assert data["type"] and data["iri"].startswith("https://w3id.org/ofsted-kg/id/")
        assert data.get("label")
    kind = "type" if fmt == "graphml" else "kind"  # GEXF reserves an edge's "type"
    for _, _, data in again.edges(data=True):
        assert data[kind] and "label" in data
    ET.parse(out)  # well-formed XML


def test_export_network_rejects_unknown_view(real) -> None:
    with pytest.raises(ValueError, match="unknown view"):
        export_network(real, "schools", "graphml", io.BytesIO())


def test_cli_analyse_and_related(real, capsys: pytest.CaptureFixture[str]) -> None:
    store = str(real.path)
    real.close()  # the CLI opens the store folder itself
    try:
        assert (
            main(
                ["--store", store, "analyse", "recurring", "--authority", "Peterborough", "--format", "json"]
            )
            == 0
        )
        rows = json.loads(capsys.readouterr().out)
        assert rows and all(r["authority"] == "Peterborough" for r in rows)
        assert any("supervision" in r["earlier_quote"] and "supervision" in r["later_quote"] for r in rows)
        assert main(["--store", store, "related", "--authority", "Knowsley", "--theme", "assessment-and-planning",
                     "--format", "csv"]) == 0  # fmt: skip
        out = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
        assert out and all("assessment-and-planning" in r["shared_themes"].split() for r in out)
        assert any(r["authority"] == "Peterborough" for r in out)
        for analysis in ("similar", "inspectors", "themes"):
            assert main(["--store", store, "analyse", analysis, "--format", "csv"]) == 0
            assert len(capsys.readouterr().out.splitlines()) > 2
        assert main(["--store", store, "related", "--authority", "Atlantis"]) == 2
        assert "no authority called 'Atlantis'" in capsys.readouterr().err
        assert main(["--store", store, "related", "--finding", "finding 12"]) == 2
        assert "is not an absolute IRI" in capsys.readouterr().err
        assert main(["--store", store + "-typo", "analyse", "themes"]) == 3
    finally:
        real.__init__(store)  # reopen for any later test in this module
