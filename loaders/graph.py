"""Record -> RDF: what one copy of a report says, split the way the store keeps it.

- the report triples: this copy (its file, text, provenance, recipient), for its own graph
  `iris.report_graph(sha256)`;
- the inspection triples: the inspection the copy reports on, with its judgements, inspectors,
  findings and evidence, as read from this copy — the content of the inspection's
  graph `iris.inspection_graph(...)` when this copy is the one its findings are read from
  (ingest decides; `alternate_triples` links the copies);
- the shared triples (authority, inspectors, software) other reports share.

Pure and deterministic: every node is an IRI minted by `ofsted_kg.iris` (no blank nodes), every
term comes from `ofsted_kg.namespace`, concepts are found by their skos:notation in the ontology,
and every instance of an ofsted-kg class is also typed with its superclasses (`superclasses`), so
converting the same record twice gives the same triples and re-loading a report changes nothing.
See docs/design.md ("Identity", "Vocabulary", "Named graphs") for what is emitted.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import PurePath

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

from ofsted_kg import __version__, iris, vocabulary
from ofsted_kg.namespace import OA, OKG
from ofsted_kg.rdf_io import PREFIXES, nt_term
from ofsted_kg.summary import ThemeTallies, count_themes

from . import authorities
from .record import Finding, Provenance, Record

QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around a quote
TERM_SEPARATOR = " | "  # between the terms of okg:themeTerms and the cues of okg:polarityCues

# Superclasses materialised on every instance: ofsted-kg's own and PROV-O's (the model is built on
# PROV, so "every activity", "every entity" are natural questions). Not ORG, SKOS or schema.org.
MATERIALISED_NAMESPACES = (str(OKG._NS), str(PROV))
# Which copy of a report its inspection's findings are read from: a PDF (page geometry, page
# numbers) before a text copy, then the lowest SHA-256 (see `copy_rank`).
MEDIA_TYPE_RANK = {"application/pdf": 0, "text/plain": 1}

INSPECTION_CLASSES: dict[str, URIRef] = {
    "focused_visit": OKG.FocusedVisit,
    "monitoring_visit": OKG.MonitoringVisit,
    "ilacs_inspection": OKG.ILACSInspection,
    "sif_inspection": OKG.SIFInspection,
    "area_send_inspection": OKG.AreaSENDInspection,
    "jtai": OKG.JointTargetedAreaInspection,
    "other": OKG.Inspection,
}
ILACS_KINDS: dict[str, URIRef] = {"standard": OKG.ILACSStandardInspection, "short": OKG.ILACSShortInspection}
LETTER_TYPES = frozenset({"focused_visit", "monitoring_visit", "jtai"})
# Services of the authority itself are inspected; joint inspections judge a partnership instead.
PARTNERSHIP_TYPES: dict[str, str] = {"area_send_inspection": "send", "jtai": "jtai"}
PARTNERSHIP_LABELS: dict[str, str] = {
    "send": "local area partnership (SEND)",
    "jtai": "multi-agency partnership",
}

INSPECTORATES: dict[str, tuple[str, str]] = {
    "ofsted": ("Office for Standards in Education, Children's Services and Skills", "Ofsted"),
    "cqc": ("Care Quality Commission", "CQC"),
    "hmicfrs": ("His Majesty's Inspectorate of Constabulary and Fire & Rescue Services", "HMICFRS"),
    "hmi_probation": ("His Majesty's Inspectorate of Probation", "HMI Probation"),
}


class RecordGraphError(ValueError):
    """The record cannot be expressed as a valid graph (a bug upstream, or a hand-made record)."""


class Triples:
    """An ordered set of triples: what the builder emits, without an rdflib store behind it.

    rdflib's in-memory store costs more than the whole PDF read on a long report, and ingest only
    needs N-Triples; an rdflib Graph is built on demand for the callers that want one.
    """

    def __init__(self) -> None:
        self._triples: dict[tuple[URIRef, URIRef, URIRef | Literal], None] = {}

    def add(self, triple: tuple[URIRef, URIRef, URIRef | Literal]) -> None:
        self._triples[triple] = None

    def __iter__(self):  # noqa: ANN204 - an iterator of triples
        return iter(self._triples)

    def __len__(self) -> int:
        return len(self._triples)

    def graph(self) -> Graph:
        graph = Graph()
        for triple in self._triples:
            graph.add(triple)
        _bind_prefixes(graph)
        return graph

    def ntriples(self) -> bytes:
        # Each distinct term is written once (by pyoxigraph, so escaped as N-Triples needs):
        # subjects, predicates and classes repeat on every line.
        written: dict[URIRef | Literal, str] = {}

        def term(t: URIRef | Literal) -> str:
            out = written.get(t)
            if out is None:
                out = written[t] = nt_term(t)
            return out

        return "".join(f"{term(s)} {term(p)} {term(o)} .\n" for s, p, o in self._triples).encode("utf-8")


@dataclass
class DocumentGraphs:
    inspection: URIRef  # the inspection the copy reports on
    report: URIRef  # this copy
    sha256: str  # this copy's content hash
    media_type: str  # this copy's media type (with the hash, its rank among copies: copy_rank)
    authority: URIRef | None  # the inspected authority
    counts: ThemeTallies  # the findings per theme (and polarity): the authority summary's share
    report_triples: Triples  # the copy's own graph (iris.report_graph): replaced whole on re-load
    inspection_triples: Triples  # the inspection's graph, as read from this copy
    shared_triples: Triples  # triples other reports share (authority link, inspectors, software)

    @property
    def report_graph(self) -> URIRef:
        return iris.report_graph(self.sha256)

    @property
    def inspection_graph(self) -> URIRef:
        return iris.inspection_graph(self.inspection)

    @property
    def rank(self) -> tuple[int, str]:
        return copy_rank(self.media_type, self.sha256)

    @cached_property
    def document_triples(self) -> Triples:
        """Report and inspection triples together: the copy as the store holds it when it is the
        only copy of its report."""
        both = Triples()
        for source in (self.report_triples, self.inspection_triples):
            for triple in source:
                both.add(triple)
        return both

    @cached_property
    def document(self) -> Graph:
        return self.document_triples.graph()

    @cached_property
    def shared(self) -> Graph:
        return self.shared_triples.graph()

    def ntriples(self) -> tuple[bytes, bytes, bytes]:
        """(report graph, inspection graph, shared triples) as N-Triples: what ingest writes."""
        return (
            self.report_triples.ntriples(),
            self.inspection_triples.ntriples(),
            self.shared_triples.ntriples(),
        )

    def dataset(self) -> Dataset:
        """The copy as a store holding only it has it: its report graph, the inspection graph and
        the shared triples, each in its named graph."""
        ds = Dataset()
        for name, triples in (
            (self.report_graph, self.report_triples),
            (self.inspection_graph, self.inspection_triples),
            (iris.SHARED_GRAPH, self.shared_triples),
        ):
            named = ds.graph(name)
            for triple in triples:
                named.add(triple)
        return ds


def copy_rank(media_type: str, sha256: str) -> tuple[int, str]:
    """The order in which copies of one report are preferred as the source of its inspection's
    findings (lowest first): PDF before text before anything else, then the lowest SHA-256.
    Both are properties of the file's bytes, so the choice never depends on load order."""
    return (MEDIA_TYPE_RANK.get(media_type, len(MEDIA_TYPE_RANK)), sha256)


def alternate_triples(reports: Iterable[URIRef]) -> Triples:
    """prov:alternateOf between every two copies of one report, in both directions (the property
    is symmetric, a store does not infer it). Held in the inspection's graph."""
    out = Triples()
    copies = sorted(set(reports))
    for a in copies:
        for b in copies:
            if a != b:
                out.add((a, PROV.alternateOf, b))
    return out


@cache
def superclasses(cls: URIRef) -> tuple[URIRef, ...]:
    """`cls`'s superclasses in the ontology, transitively, that ofsted-kg materialises: those in
    its own namespace and PROV-O's (MATERIALISED_NAMESPACES), sorted; () for any other class."""
    if not str(cls).startswith(MATERIALISED_NAMESPACES):
        return ()
    ontology = _class_hierarchy()
    found: set[URIRef] = set()
    frontier = [cls]
    while frontier:
        for parent in ontology.get(frontier.pop(), ()):
            if parent not in found and parent != cls:
                found.add(parent)
                frontier.append(parent)
    return tuple(sorted(c for c in found if str(c).startswith(MATERIALISED_NAMESPACES)))


@cache
def _class_hierarchy() -> dict[URIRef, tuple[URIRef, ...]]:
    sub_class_of = str(RDFS.subClassOf)
    parents: dict[URIRef, set[URIRef]] = {}
    for child, predicate, parent, is_iri in vocabulary.ontology_triples():
        if predicate == sub_class_of and is_iri:
            parents.setdefault(URIRef(child), set()).add(URIRef(parent))
    return {child: tuple(sorted(ps)) for child, ps in parents.items()}


def with_superclasses(triples: Triples) -> Triples:
    """The triples plus, for every instance of an ofsted-kg or PROV class, its superclass types."""
    out = Triples()
    rdf_type = RDF.type  # once: rdflib makes a new URIRef on each RDF.type
    for s, p, o in triples:
        out.add((s, p, o))
        if p == rdf_type and isinstance(o, URIRef):
            for parent in superclasses(o):
                out.add((s, rdf_type, parent))
    return out


def _date(value: str, what: str) -> Literal:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise RecordGraphError(f"{what} {value!r} is not an ISO date") from None
    return Literal(value, datatype=XSD.date)


def _iri(value: str, what: str) -> URIRef:
    if not value.startswith(("https://", "http://")) or any(c in value for c in ' <>"{}|\\^`'):
        raise RecordGraphError(f"{what} {value!r} is not an http(s) IRI")
    return URIRef(value)


def _concept(scheme: URIRef, notation: str, what: str) -> URIRef:
    try:
        return vocabulary.concept(scheme, notation)
    except KeyError:
        raise RecordGraphError(f"unknown {what} {notation!r} (no concept in {scheme})") from None


def record_to_graph(record: Record, *, software_version: str = __version__) -> DocumentGraphs:
    """The report, inspection and shared triples of one record (one copy of a report)."""
    if record.source is None:
        raise RecordGraphError("the record has no source (file hash): it cannot be identified")
    return _Builder(record, software_version).build()


def inspection_of(record: Record) -> URIRef:
    """The inspection a record's document reports on (its authority, type and visit dates)."""
    if record.source is None:
        raise RecordGraphError("the record has no source (file hash): it cannot be identified")
    return iris.inspection(
        iris.inspection_key(
            record.authority.gss_code if record.authority else None,
            record.document_type,
            record.visit_start,
            record.published,
            record.source.sha256,
        )
    )


class _Builder:
    def __init__(self, record: Record, software_version: str) -> None:
        assert record.source is not None
        self.record = record
        self.sha = record.source.sha256
        self.version = software_version
        self.copy = Triples()  # the report graph
        self.doc = Triples()  # the inspection graph
        self.shared = Triples()
        self.report = iris.report(self.sha)
        self.inspection = inspection_of(record)
        self.extraction = iris.extraction(self.sha)

    def build(self) -> DocumentGraphs:
        self._report()
        self._inspection()
        self._extraction()
        for position, finding in enumerate(self.record.findings, start=1):
            self._finding(position, finding)
        return DocumentGraphs(
            inspection=self.inspection,
            report=self.report,
            sha256=self.sha,
            media_type=self.record.source.media_type if self.record.source else "",
            authority=iris.authority(self.record.authority.gss_code) if self.record.authority else None,
            counts=count_themes(self.record.findings),
            report_triples=with_superclasses(self.copy),
            inspection_triples=with_superclasses(self.doc),
            shared_triples=with_superclasses(self.shared),
        )

    # ------------------------------------------------------------------------------- report
    def _report(self) -> None:
        r, g, rec = self.report, self.copy, self.record
        assert rec.source is not None
        provenance = rec.provenance or Provenance(file_names=(PurePath(rec.source.path).name,))
        g.add((r, RDF.type, OKG.Report))
        if rec.document_type in LETTER_TYPES:
            g.add((r, RDF.type, OKG.Letter))
        g.add((r, OKG.documentType, _concept(OKG.DocumentTypeScheme, rec.document_type, "document type")))
        if rec.title:
            g.add((r, DCTERMS.title, Literal(rec.title)))
        # The date printed on the document wins; a listing's date stands in when it prints none.
        issued = rec.published or min(provenance.listed_dates, default=None)
        if issued:
            g.add((r, DCTERMS.issued, _date(issued, "published date")))
        for name in provenance.file_names:
            g.add((r, OKG.fileName, Literal(name)))
        for url in provenance.urls:
            g.add((r, DCTERMS.source, _iri(url, "source URL")))
        for listed in provenance.listed_dates:
            g.add((r, OKG.listedDate, _date(listed, "listed publication date")))
        for urn in provenance.listed_urns:
            g.add((r, OKG.listedURN, Literal(urn)))
        for label in provenance.listed_types:
            g.add((r, OKG.listedPublicationType, Literal(label)))
        g.add((r, DCTERMS.license, iris.OGL_V3))
        g.add((r, DCTERMS.publisher, iris.inspectorate("ofsted")))
        g.add((r, OKG.sha256, Literal(self.sha)))
        g.add((r, OKG.pageCount, Literal(rec.source.pages)))
        g.add((r, OKG.mediaType, Literal(rec.source.media_type)))
        g.add((r, OKG.text, Literal(rec.text)))
        for correction in rec.corrections:  # a value printed wrongly and recorded corrected
            g.add((r, SKOS.editorialNote, Literal(correction.note())))
        g.add((r, PROV.wasGeneratedBy, self.inspection))
        if rec.recipient and (rec.recipient.name or rec.recipient.role):
            person = iris.recipient(self.sha)
            g.add((r, OKG.recipient, person))
            g.add((person, RDF.type, OKG.Recipient))
            if rec.recipient.name:
                g.add((person, SDO.name, Literal(rec.recipient.name)))
            if rec.recipient.role:
                g.add((person, SDO.jobTitle, Literal(rec.recipient.role)))

    # --------------------------------------------------------------------------- inspection
    def _inspection(self) -> None:
        i, g, rec = self.inspection, self.doc, self.record
        cls = INSPECTION_CLASSES.get(rec.document_type)
        if cls is None:
            raise RecordGraphError(f"unknown document type {rec.document_type!r}")
        if rec.document_type == "ilacs_inspection" and rec.inspection_kind in ILACS_KINDS:
            cls = ILACS_KINDS[rec.inspection_kind]
        g.add((i, RDF.type, cls))
        g.add((i, OKG.primaryReport, self.report))
        if rec.authority:
            self._authority(rec.authority.gss_code)
        if rec.visit_start and rec.visit_end:
            start = _date(rec.visit_start, "visit start")
            end = _date(rec.visit_end, "visit end")
            g.add((i, OKG.startDate, start))
            g.add((i, OKG.endDate, end))
            self._interval(iris.visit_interval(i), start, end)
        for index, (extra_start, extra_end) in enumerate(rec.extra_dates, start=1):
            self._interval(
                iris.extra_visit_interval(i, index),
                _date(extra_start, "visit start"),
                _date(extra_end, "visit end"),
            )
        if rec.framework:
            g.add((i, OKG.framework, _concept(OKG.FrameworkScheme, rec.framework, "framework")))
        if rec.inspection_kind:
            g.add((i, OKG.inspectionKind, Literal(rec.inspection_kind)))
        if rec.visit_focus:
            g.add((i, OKG.visitFocus, Literal(rec.visit_focus)))
        if rec.series_number is not None:
            g.add((i, OKG.seriesNumber, Literal(rec.series_number)))
        for area in rec.visit_focus_areas:
            g.add((i, OKG.visitFocusArea, _concept(OKG.VisitFocusScheme, area, "visit focus area")))
        for n, due in enumerate(rec.next_inspections, start=1):
            node = iris.next_inspection(i, n)
            g.add((i, OKG.nextInspection, node))
            g.add((node, RDF.type, OKG.ExpectedInspection))
            g.add((node, OKG.expectedKind, Literal(due.kind)))
            g.add((node, OKG.dueFrom, _date(due.due_from, "due from")))
            g.add((node, OKG.dueBy, _date(due.due_by, "due by")))
            g.add((node, OKG.statedInterval, Literal(due.interval)))
            g.add((node, OKG.approximate, Literal(due.approximate)))
            g.add((node, OKG.statement, Literal(due.statement)))
        inspectorates = {"ofsted"} | {person.inspectorate for person in rec.inspectors}
        if rec.document_type == "area_send_inspection":
            inspectorates.add("cqc")
        for key in sorted(inspectorates):
            if key not in INSPECTORATES:
                raise RecordGraphError(f"unknown inspectorate {key!r}")
            g.add((i, OKG.conductedBy, iris.inspectorate(key)))
        self._inspectors()
        for area, grade in rec.judgements.items():
            j = iris.judgement(i, area)
            g.add((i, OKG.hasJudgement, j))
            g.add((j, RDF.type, OKG.Judgement))
            g.add((j, OKG.judgementArea, _concept(OKG.JudgementAreaScheme, area, "judgement area")))
            g.add((j, OKG.grade, _concept(OKG.GradeScheme, grade, "grade")))
            g.add((j, SDO.reviewAspect, Literal(area)))
            g.add((j, SDO.ratingValue, Literal(grade)))

    def _authority(self, gss: str) -> None:
        i, g, s = self.inspection, self.doc, self.shared
        authority, unit = iris.authority(gss), iris.childrens_services(gss)
        g.add((i, OKG.inspectedAuthority, authority))
        # The minimal description every report relies on; authorities_graph() has the rest.
        s.add((authority, RDF.type, OKG.LocalAuthority))
        s.add((authority, OKG.gssCode, Literal(gss)))
        s.add((authority, ORG.hasUnit, unit))
        s.add((unit, RDF.type, OKG.ChildrensServices))
        s.add((unit, ORG.unitOf, authority))
        kind = PARTNERSHIP_TYPES.get(self.record.document_type)
        if kind is None:
            g.add((i, OKG.inspectedService, unit))
            return
        partnership = iris.partnership(gss, kind)
        g.add((i, OKG.inspectedPartnership, partnership))
        s.add((partnership, RDF.type, OKG.LocalAreaPartnership))
        s.add((partnership, OKG.hasPartner, authority))
        assert self.record.authority is not None
        s.add((partnership, RDFS.label, Literal(f"{self.record.authority.name} {PARTNERSHIP_LABELS[kind]}")))
        for name in self.record.partner_bodies:
            body = iris.partner_body(name)
            s.add((partnership, OKG.hasPartner, body))
            s.add((body, RDF.type, OKG.PartnerBody))
            s.add((body, RDFS.label, Literal(name)))

    def _interval(self, interval: URIRef, start: Literal, end: Literal) -> None:
        g = self.doc
        g.add((self.inspection, TIME.hasTime, interval))
        g.add((interval, RDF.type, TIME.Interval))
        for edge, prop, value in (("beginning", TIME.hasBeginning, start), ("end", TIME.hasEnd, end)):
            instant = iris.instant(interval, edge)
            g.add((interval, prop, instant))
            g.add((instant, RDF.type, TIME.Instant))
            g.add((instant, TIME.inXSDDate, value))

    def _inspectors(self) -> None:
        i, g, s = self.inspection, self.doc, self.shared
        for person in self.record.inspectors:
            agent = iris.inspector(person.name)
            association = iris.association(i, person.name)
            g.add((i, PROV.wasAssociatedWith, agent))
            g.add((i, PROV.qualifiedAssociation, association))
            g.add((association, RDF.type, PROV.Association))
            g.add((association, PROV.agent, agent))
            g.add(
                (association, PROV.hadRole, _concept(OKG.InspectorRoleScheme, person.role, "inspector role"))
            )
            if person.lead:
                g.add((association, PROV.hadRole, OKG.Role_lead))
            g.add((association, OKG.isLead, Literal(person.lead)))
            s.add((agent, RDF.type, OKG.Inspector))
            s.add((agent, SDO.name, Literal(person.name)))
            s.add((agent, RDFS.label, Literal(person.name)))
            if person.inspectorate not in INSPECTORATES:
                raise RecordGraphError(f"unknown inspectorate {person.inspectorate!r}")
            s.add((agent, ORG.memberOf, iris.inspectorate(person.inspectorate)))

    # --------------------------------------------------------------------- extraction run
    def _extraction(self) -> None:
        x, software = self.extraction, iris.software(self.version)
        self.doc.add((x, RDF.type, OKG.ExtractionRun))
        self.doc.add((x, PROV.used, self.report))
        self.doc.add((x, PROV.wasAssociatedWith, software))
        self.shared.add((software, RDF.type, OKG.Software))
        self.shared.add((software, SDO.softwareVersion, Literal(self.version)))
        self.shared.add((software, RDFS.label, Literal(f"ofsted-kg {self.version}")))

    # ---------------------------------------------------------------------------- findings
    def _finding(self, position: int, finding: Finding) -> None:
        g, i, text = self.doc, self.inspection, self.record.text
        span = finding.span
        if not 0 <= span.start < span.end <= len(text):
            raise RecordGraphError(
                f"finding {position} span [{span.start}, {span.end}) is outside the report text "
                f"({len(text)} characters)"
            )
        if span.page < 1:
            raise RecordGraphError(f"finding {position} page {span.page} is not a page number")
        f = iris.finding(i, position)
        g.add((f, RDF.type, OKG.Finding))
        g.add((f, OKG.findingKind, _concept(OKG.FindingKindScheme, finding.kind, "finding kind")))
        g.add((f, OKG.text, Literal(finding.text)))
        g.add((f, OKG.sequence, Literal(position)))
        if finding.section:
            g.add((f, OKG.section, Literal(finding.section)))
        if finding.number is not None:
            g.add((f, OKG.paragraphNumber, Literal(finding.number)))
        g.add((f, PROV.wasDerivedFrom, self.report))
        g.add((f, OKG.aboutInspection, self.inspection))
        g.add((f, PROV.wasGeneratedBy, self.extraction))
        for theme in finding.themes:
            g.add((f, OKG.theme, _concept(OKG.ThemeScheme, theme, "theme")))
        # Why each theme and the polarity were given, one literal each: a node per theme match
        # with its type, theme and terms was a third of all triples (issue 14).
        for theme, terms in finding.theme_terms.items():
            _concept(OKG.ThemeScheme, theme, "theme")
            g.add((f, OKG.themeTerms, Literal(f"{theme}: {TERM_SEPARATOR.join(terms)}")))
        if finding.polarity:
            g.add((f, OKG.polarity, _concept(OKG.PolarityScheme, finding.polarity, "polarity")))
        if finding.polarity_cues:
            g.add((f, OKG.polarityCues, Literal(TERM_SEPARATOR.join(finding.polarity_cues))))
        if finding.responsible_body:
            g.add((f, OKG.responsibleBody, Literal(finding.responsible_body)))
        self._evidence(position, finding)

    def _evidence(self, position: int, finding: Finding) -> None:
        g, i, text, span = self.doc, self.inspection, self.record.text, finding.span
        evidence = iris.evidence(i, position)
        quote, where = iris.quote_selector(i, position), iris.position_selector(i, position)
        g.add((iris.finding(i, position), OKG.evidence, evidence))
        g.add((evidence, RDF.type, OA.SpecificResource))
        g.add((evidence, OA.hasSource, self.report))
        g.add((evidence, OA.hasSelector, quote))
        g.add((evidence, OA.hasSelector, where))
        g.add((evidence, OKG.page, Literal(span.page)))
        g.add((quote, RDF.type, OA.TextQuoteSelector))
        g.add((quote, OA.exact, Literal(text[span.start : span.end])))
        prefix = text[max(0, span.start - QUOTE_CONTEXT) : span.start]
        suffix = text[span.end : span.end + QUOTE_CONTEXT]
        if prefix:
            g.add((quote, OA.prefix, Literal(prefix)))
        if suffix:
            g.add((quote, OA.suffix, Literal(suffix)))
        g.add((where, RDF.type, OA.TextPositionSelector))
        g.add((where, OA.start, Literal(span.start)))
        g.add((where, OA.end, Literal(span.end)))


# ------------------------------------------------------------------------------- shared graph


def authorities_graph() -> Graph:
    """Every authority of the reference lookup (153 current + 3 legacy) and the inspectorates."""
    g = Graph()
    for info in authorities.all_authorities():
        a, unit = iris.authority(info.gss_code), iris.childrens_services(info.gss_code)
        g.add((a, RDF.type, OKG.LocalAuthority))
        g.add((a, SKOS.prefLabel, Literal(info.name)))
        g.add((a, RDFS.label, Literal(info.name)))
        g.add((a, OKG.gssCode, Literal(info.gss_code)))
        if info.urn:
            g.add((a, OKG.ofstedURN, Literal(info.urn)))
        if info.la_number:
            g.add((a, OKG.laNumber, Literal(info.la_number)))
        if info.region_name:
            g.add((a, OKG.region, Literal(info.region_name)))
        if info.region_code.startswith("E12"):
            g.add((a, OKG.regionCode, Literal(info.region_code)))
        if info.la_type:
            g.add((a, OKG.laType, Literal(info.la_type)))
        g.add((a, OKG.area, iris.gss_area(info.gss_code)))
        for neighbour in info.statistical_neighbours:
            g.add((a, OKG.statisticalNeighbour, iris.authority(neighbour)))
        for successor in authorities.SUCCESSORS.get(info.gss_code, ()):
            g.add((a, OKG.succeededBy, iris.authority(successor)))
        g.add((a, ORG.hasUnit, unit))
        g.add((unit, RDF.type, OKG.ChildrensServices))
        g.add((unit, ORG.unitOf, a))
        g.add((unit, RDFS.label, Literal(f"{info.name} children's services")))
    for key, (name, short) in INSPECTORATES.items():
        body = iris.inspectorate(key)
        g.add((body, RDF.type, OKG.Inspectorate))
        g.add((body, SKOS.prefLabel, Literal(name)))
        g.add((body, RDFS.label, Literal(short)))
        g.add((body, SKOS.altLabel, Literal(short)))
    _bind_prefixes(g)
    return g


def _bind_prefixes(graph: Graph) -> None:
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
