"""Every instance IRI ofsted-kg mints, in one place.

IRIs are deterministic: the same input always gives the same IRI, so loading a letter twice
changes nothing. Authorities are keyed by GSS code, inspectors by their normalised name, an
inspection by its authority, inspection type and first visit day (so every copy of its report
names the same inspection), each copy of a report by the SHA-256 of its file, and what an
inspection holds (judgements, associations, findings, evidence) by the inspection and
a position or name below it. docs/design.md ("Identity") gives the scheme and why.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rdflib import URIRef

BASE = "https://w3id.org/ofsted-kg/id/"
ONTOLOGY = "https://w3id.org/ofsted-kg/ontology#"
AUTHORITY_PREFIX = BASE + "authority/"
REPORT_GRAPH_PREFIX = BASE + "graph/report/"
INSPECTION_PREFIX = BASE + "inspection/"
INSPECTION_GRAPH_PREFIX = BASE + "graph/inspection/"
SUMMARY_GRAPH_PREFIX = BASE + "graph/summary/"


# The fixed IRIs, made URIRefs when first read (see _uriref).
_CONSTANTS = {
    "OGL_V3": "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "SHARED_GRAPH": BASE + "graph/shared",
    "ONTOLOGY_GRAPH": BASE + "graph/ontology",
    "RELATED_GRAPH": BASE + "graph/analysis/related",
}


@functools.cache
def _uriref() -> type[URIRef]:
    # rdflib is imported when the first IRI is minted, not with this module: a command that only
    # reads the store (and binds authority IRIs as text) never needs it, and importing it was a
    # third of such a command's start-up.
    from rdflib import URIRef

    return URIRef


def _iri(text: str) -> URIRef:
    return _uriref()(text)


def __getattr__(name: str) -> URIRef:
    # OGL_V3, SHARED_GRAPH, ONTOLOGY_GRAPH, RELATED_GRAPH: URIRefs made on first use (PEP 562).
    if name in _CONSTANTS:
        return _iri(_CONSTANTS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


@functools.lru_cache(maxsize=4096)  # the same themes, polarities and parts make every summary row
def slug(text: str) -> str:
    """Lower-case ASCII words joined by hyphens: 'Siân O'Neill' -> 'sian-o-neill'."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_SLUG.sub("-", ascii_text.lower()).strip("-")


def report_key(sha256: str) -> str:
    # 64 bits of the content hash: unique across every document Ofsted will ever publish.
    return sha256[:16]


def gss_area(gss_code: str) -> URIRef:
    """The ONS statistical geography the authority serves (linked, not minted)."""
    return _iri(f"http://statistics.data.gov.uk/id/statistical-geography/{gss_code}")


def authority_text(gss_code: str) -> str:
    return f"{AUTHORITY_PREFIX}{gss_code}"


def authority(gss_code: str) -> URIRef:
    return _iri(authority_text(gss_code))


def childrens_services(gss_code: str) -> URIRef:
    return _iri(f"{authority_text(gss_code)}/childrens-services")


def partnership(gss_code: str, kind: str) -> URIRef:
    """A local area partnership (area SEND) or multi-agency partnership (JTAI) around an authority."""
    return _iri(f"{authority_text(gss_code)}/partnership/{slug(kind)}")


def partner_body(name: str) -> URIRef:
    return _iri(f"{BASE}organisation/{slug(name)}")


def inspectorate(key: str) -> URIRef:
    return _iri(f"{BASE}inspectorate/{slug(key)}")


def inspector(name: str) -> URIRef:
    return _iri(f"{BASE}inspector/{slug(name)}")


def report(sha256: str) -> URIRef:
    """One copy of a published report: a file, identified by the SHA-256 of its bytes."""
    return _iri(f"{BASE}report/{report_key(sha256)}")


def report_graph(sha256: str) -> URIRef:
    """The named graph describing one copy (its report node, text, provenance, recipient)."""
    return _iri(REPORT_GRAPH_PREFIX + report_key(sha256))


def recipient(sha256: str) -> URIRef:
    return _iri(f"{BASE}report/{report_key(sha256)}/recipient")


def extraction(sha256: str) -> URIRef:
    """The run of ofsted-kg that read this copy and generated the inspection's findings."""
    return _iri(f"{BASE}report/{report_key(sha256)}/extraction")


# -- inspections: one per authority, inspection type and visit dates, whatever the copies ----------

GSS_CODE = re.compile(r"[EWSN]\d{8}")
# Document type -> the inspection type segment of an inspection IRI.
INSPECTION_TYPE_KEYS: dict[str, str] = {
    "focused_visit": "focused-visit",
    "monitoring_visit": "monitoring-visit",
    "ilacs_inspection": "ilacs",
    "sif_inspection": "sif",
    "area_send_inspection": "area-send",
    "jtai": "jtai",
    "other": "other",
}


def inspection_key(
    gss_code: str | None,
    document_type: str,
    visit_start: str | None,
    published: str | None,
    sha256: str,
) -> str:
    """`{GSS code}/{inspection type}/{first day of the visit}`: what makes an inspection one.

    Every copy of a report (PDF, its text, a re-issue) reads the same authority, type and visit
    dates, so it mints the same key. Without visit dates the date printed as the publication
    date stands in (`published-YYYY-MM-DD`); without either, the copy's own content hash
    (`sha256-{16 hex}`), which keeps that copy an inspection of its own. Only what the document
    itself says is used, never a date from a listing, so two copies cannot disagree through
    their provenance.
    """
    authority = gss_code if gss_code and GSS_CODE.fullmatch(gss_code) else "unknown-authority"
    kind = INSPECTION_TYPE_KEYS.get(document_type, slug(document_type) or "other")
    if visit_start:
        when = visit_start
    elif published:
        when = f"published-{published}"
    else:
        when = f"sha256-{report_key(sha256)}"
    return f"{authority}/{kind}/{slug(when)}"


def inspection(key: str) -> URIRef:
    """The inspection of `inspection_key(...)`, e.g. …/inspection/E06000031/focused-visit/2021-06-22."""
    return _iri(f"{INSPECTION_PREFIX}{key}")


def inspection_graph(inspection_iri: URIRef) -> URIRef:
    """The named graph of an inspection: it, its findings and evidence, replaced whole."""
    text = str(inspection_iri)
    if not text.startswith(INSPECTION_PREFIX):
        raise ValueError(f"not an inspection IRI: {text}")
    return _iri(INSPECTION_GRAPH_PREFIX + text[len(INSPECTION_PREFIX) :])


def inspection_of_graph(graph: URIRef) -> URIRef:
    """The inspection an inspection graph describes (inverse of `inspection_graph`)."""
    text = str(graph)
    if not text.startswith(INSPECTION_GRAPH_PREFIX):
        raise ValueError(f"not an inspection graph: {text}")
    return _iri(INSPECTION_PREFIX + text[len(INSPECTION_GRAPH_PREFIX) :])


def visit_interval(inspection_iri: URIRef) -> URIRef:
    return _iri(f"{inspection_iri}/interval")


def extra_visit_interval(inspection_iri: URIRef, index: int) -> URIRef:
    """A further set of visit dates printed on the report (index from 1)."""
    return _iri(f"{inspection_iri}/interval/{index}")


def instant(interval: URIRef, edge: str) -> URIRef:
    """The beginning or end instant of a visit interval (edge: 'beginning' | 'end')."""
    return _iri(f"{interval}/{slug(edge)}")


def association(inspection_iri: URIRef, inspector_name: str) -> URIRef:
    return _iri(f"{inspection_iri}/association/{slug(inspector_name)}")


def judgement(inspection_iri: URIRef, area: str) -> URIRef:
    return _iri(f"{inspection_iri}/judgement/{slug(area)}")


def next_inspection(inspection_iri: URIRef, position: int) -> URIRef:
    """The n-th (1-based) following inspection a report states, in the order it states them."""
    return _iri(f"{inspection_iri}/next/{position}")


def finding(inspection_iri: URIRef, position: int) -> URIRef:
    """A finding by its position among the inspection's findings (read from its primary report)."""
    return _iri(f"{inspection_iri}/finding/{position:03d}")


def evidence(inspection_iri: URIRef, position: int) -> URIRef:
    return _iri(f"{finding(inspection_iri, position)}/evidence")


def quote_selector(inspection_iri: URIRef, position: int) -> URIRef:
    return _iri(f"{finding(inspection_iri, position)}/evidence/quote")


def position_selector(inspection_iri: URIRef, position: int) -> URIRef:
    return _iri(f"{finding(inspection_iri, position)}/evidence/position")


def software(version: str) -> URIRef:
    return _iri(f"{BASE}software/ofsted-kg/{version}")


def related_link(finding_a: str, finding_b: str) -> URIRef:
    """A related-findings link, named by a digest of its two findings' IRIs in sorted order, so
    re-computation mints the same IRI whichever way round the pair is found."""
    a, b = sorted((str(finding_a), str(finding_b)))
    return _iri(f"{BASE}related/{_digest16(f'{a} {b}')}")


# -- authority summaries: one graph per authority, keyed like the authority -------------------------


def summary_graph(authority_iri: URIRef) -> URIRef:
    return _iri(SUMMARY_GRAPH_PREFIX + str(authority_iri).rsplit("/", 1)[-1])


def authority_summary(authority_iri: URIRef) -> URIRef:
    return _iri(f"{authority_iri}/summary")


def theme_tally(authority_iri: URIRef, theme: str, part: str | None = None) -> URIRef:
    """An authority's findings (and inspections) on one theme, by its notation; with `part`, the
    row a batch of ingest added (`summary_part`), folded into the first form when the run ends."""
    where = authority_summary(authority_iri) + (f"/part/{slug(part)}" if part else "")
    return _iri(f"{where}/theme/{slug(theme)}")


def theme_polarity_tally(authority_iri: URIRef, theme: str, polarity: str, part: str | None = None) -> URIRef:
    return _iri(f"{theme_tally(authority_iri, theme, part)}/{slug(polarity)}")


def summary_part(copies: Iterable[str]) -> str:
    """The name of the summary rows one ingest transaction adds: a digest of the SHA-256s of the
    copies it writes, so the same batch always mints the same rows."""
    return _digest16(" ".join(sorted(copies)))


def _digest16(text: str) -> str:
    # hashlib is imported here, not at the top: loading OpenSSL is 7 ms of every read command's
    # start-up, and reads mint no digests.
    import hashlib

    return hashlib.sha256(text.encode()).hexdigest()[:16]


SUMMARY_PART_MARK = "/summary/part/"  # in the IRI of every row a batch added and no fold has merged
