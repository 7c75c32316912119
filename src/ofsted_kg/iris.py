"""Every instance IRI ofsted-kg mints, in one place.

IRIs are deterministic: the same input always gives the same IRI, so loading a letter twice
changes nothing. Authorities are keyed by GSS code, inspectors by their normalised name,
reports by the SHA-256 of the source file, findings by report and position.
"""

from __future__ import annotations

import re
import unicodedata

from rdflib import URIRef

BASE = "https://w3id.org/ofsted-kg/id/"
ONTOLOGY = "https://w3id.org/ofsted-kg/ontology#"
OGL_V3 = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")

SHARED_GRAPH = URIRef(BASE + "graph/shared")
ONTOLOGY_GRAPH = URIRef(BASE + "graph/ontology")
RELATED_GRAPH = URIRef(BASE + "graph/analysis/related")
REPORT_GRAPH_PREFIX = BASE + "graph/report/"
SUMMARY_GRAPH_PREFIX = BASE + "graph/summary/"


def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Siân O'Neill' -> 'sian-o-neill'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def report_key(sha256: str) -> str:
    # 64 bits of the content hash: unique across every document Ofsted will ever publish.
    return sha256[:16]


def gss_area(gss_code: str) -> URIRef:
    """The ONS statistical geography the authority serves (linked, not minted)."""
    return URIRef(f"http://statistics.data.gov.uk/id/statistical-geography/{gss_code}")


def authority(gss_code: str) -> URIRef:
    return URIRef(f"{BASE}authority/{gss_code}")


def childrens_services(gss_code: str) -> URIRef:
    return URIRef(f"{BASE}authority/{gss_code}/childrens-services")


def partnership(gss_code: str, kind: str) -> URIRef:
    """A local area partnership (area SEND) or multi-agency partnership (JTAI) around an authority."""
    return URIRef(f"{BASE}authority/{gss_code}/partnership/{slug(kind)}")


def partner_body(name: str) -> URIRef:
    return URIRef(f"{BASE}organisation/{slug(name)}")


def inspectorate(key: str) -> URIRef:
    return URIRef(f"{BASE}inspectorate/{slug(key)}")


def inspector(name: str) -> URIRef:
    return URIRef(f"{BASE}inspector/{slug(name)}")


def report(sha256: str) -> URIRef:
    return URIRef(f"{BASE}report/{report_key(sha256)}")


def report_graph(sha256: str) -> URIRef:
    return URIRef(REPORT_GRAPH_PREFIX + report_key(sha256))


def inspection(sha256: str) -> URIRef:
    return URIRef(f"{BASE}inspection/{report_key(sha256)}")


def visit_interval(sha256: str) -> URIRef:
    return URIRef(f"{BASE}inspection/{report_key(sha256)}/interval")


def extra_visit_interval(sha256: str, index: int) -> URIRef:
    """A further set of visit dates printed on the report (index from 1)."""
    return URIRef(f"{BASE}inspection/{report_key(sha256)}/interval/{index}")


def instant(interval: URIRef, edge: str) -> URIRef:
    """The beginning or end instant of a visit interval (edge: 'beginning' | 'end')."""
    return URIRef(f"{interval}/{slug(edge)}")


def association(sha256: str, inspector_name: str) -> URIRef:
    return URIRef(f"{BASE}inspection/{report_key(sha256)}/association/{slug(inspector_name)}")


def next_inspection(sha256: str, position: int) -> URIRef:
    """The n-th (1-based) following inspection a report states, in the order it states them."""
    return URIRef(f"{BASE}inspection/{report_key(sha256)}/next/{position}")


def judgement(sha256: str, area: str) -> URIRef:
    return URIRef(f"{BASE}inspection/{report_key(sha256)}/judgement/{slug(area)}")


def recipient(sha256: str) -> URIRef:
    return URIRef(f"{BASE}report/{report_key(sha256)}/recipient")


def extraction(sha256: str) -> URIRef:
    return URIRef(f"{BASE}report/{report_key(sha256)}/extraction")


def finding(sha256: str, position: int) -> URIRef:
    return URIRef(f"{BASE}report/{report_key(sha256)}/finding/{position:03d}")


def evidence(sha256: str, position: int) -> URIRef:
    return URIRef(f"{finding(sha256, position)}/evidence")


def quote_selector(sha256: str, position: int) -> URIRef:
    return URIRef(f"{finding(sha256, position)}/evidence/quote")


def position_selector(sha256: str, position: int) -> URIRef:
    return URIRef(f"{finding(sha256, position)}/evidence/position")


def theme_match(sha256: str, position: int, theme: str) -> URIRef:
    return URIRef(f"{finding(sha256, position)}/theme/{slug(theme)}")


def software(version: str) -> URIRef:
    return URIRef(f"{BASE}software/ofsted-kg/{version}")


def related_link(finding_a: str, finding_b: str) -> URIRef:
    """A related-findings link; order-independent so re-computation mints the same IRI."""
    a, b = sorted((str(finding_a), str(finding_b)))
    key = "--".join(s.rsplit("/report/", 1)[-1].replace("/finding/", "-") for s in (a, b))
    return URIRef(f"{BASE}related/{key}")


# -- derived summaries: one graph per authority, keyed like the authority ----------------------


def _local(iri: URIRef) -> str:
    return re.split(r"[/#]", str(iri))[-1]


def summary_graph(authority_iri: URIRef) -> URIRef:
    return URIRef(SUMMARY_GRAPH_PREFIX + _local(authority_iri))


def summary(authority_iri: URIRef) -> URIRef:
    return URIRef(f"{authority_iri}/summary")


def theme_tally(authority_iri: URIRef, theme: URIRef) -> URIRef:
    return URIRef(f"{summary(authority_iri)}/theme/{slug(_local(theme))}")


def theme_polarity_tally(authority_iri: URIRef, theme: URIRef, polarity: URIRef) -> URIRef:
    return URIRef(f"{theme_tally(authority_iri, theme)}/{slug(_local(polarity))}")
