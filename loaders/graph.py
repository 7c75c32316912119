"""Record -> RDF: the document graph of one report and the shared triples it needs.

Pure and deterministic: every node is an IRI minted by `ofsted_kg.iris` (no blank nodes), every
term comes from `ofsted_kg.namespace`, and concepts are found by their skos:notation in the
ontology, so converting the same record twice gives the same triples and re-loading a report
changes nothing. See docs/design.md ("Vocabulary", "Named graphs") for what is emitted.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cached_property
from pathlib import PurePath

from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, ORG, PROV, RDF, RDFS, SDO, SKOS, TIME, XSD

from ofsted_kg import __version__, iris, vocabulary
from ofsted_kg.namespace import OA, OKG
from ofsted_kg.rdf_io import PREFIXES, nt_term

from . import authorities
from .record import Finding, Record

QUOTE_CONTEXT = 32  # characters of oa:prefix / oa:suffix around a quote

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
        return "".join(f"{nt_term(s)} {nt_term(p)} {nt_term(o)} .\n" for s, p, o in self._triples).encode(
            "utf-8"
        )


@dataclass
class DocumentGraphs:
    graph_iri: URIRef  # the report's named graph (iris.report_graph)
    document_triples: Triples  # everything about this report: replaced whole on re-load
    shared_triples: Triples  # triples other reports share (authority link, inspectors, software)

    @cached_property
    def document(self) -> Graph:
        return self.document_triples.graph()

    @cached_property
    def shared(self) -> Graph:
        return self.shared_triples.graph()

    def ntriples(self) -> tuple[bytes, bytes]:
        """(document graph, shared triples) as N-Triples: what ingest writes to a store."""
        return self.document_triples.ntriples(), self.shared_triples.ntriples()

    def dataset(self) -> Dataset:
        ds = Dataset()
        named = ds.graph(self.graph_iri)
        for triple in self.document_triples:
            named.add(triple)
        shared = ds.graph(iris.SHARED_GRAPH)
        for triple in self.shared_triples:
            shared.add(triple)
        return ds


def _date(value: str, what: str) -> Literal:
    try:
        datetime.date.fromisoformat(value)
    except ValueError:
        raise RecordGraphError(f"{what} {value!r} is not an ISO date") from None
    return Literal(value, datatype=XSD.date)


def _concept(scheme: URIRef, notation: str, what: str) -> URIRef:
    try:
        return vocabulary.concept(scheme, notation)
    except KeyError:
        raise RecordGraphError(f"unknown {what} {notation!r} (no concept in {scheme})") from None


def record_to_graph(record: Record, *, software_version: str = __version__) -> DocumentGraphs:
    """The document graph (named iris.report_graph(sha256)) and shared triples of one record."""
    if record.source is None:
        raise RecordGraphError("the record has no source (file hash): it cannot be identified")
    return _Builder(record, software_version).build()


class _Builder:
    def __init__(self, record: Record, software_version: str) -> None:
        assert record.source is not None
        self.record = record
        self.sha = record.source.sha256
        self.version = software_version
        self.doc = Triples()
        self.shared = Triples()
        self.report = iris.report(self.sha)
        self.inspection = iris.inspection(self.sha)
        self.extraction = iris.extraction(self.sha)

    def build(self) -> DocumentGraphs:
        self._report()
        self._inspection()
        self._extraction()
        for position, finding in enumerate(self.record.findings, start=1):
            self._finding(position, finding)
        return DocumentGraphs(iris.report_graph(self.sha), self.doc, self.shared)

    # ------------------------------------------------------------------------------- report
    def _report(self) -> None:
        r, g, rec = self.report, self.doc, self.record
        assert rec.source is not None
        g.add((r, RDF.type, OKG.Report))
        if rec.document_type in LETTER_TYPES:
            g.add((r, RDF.type, OKG.Letter))
        g.add((r, OKG.documentType, _concept(OKG.DocumentTypeScheme, rec.document_type, "document type")))
        if rec.title:
            g.add((r, DCTERMS.title, Literal(rec.title)))
        if rec.published:
            g.add((r, DCTERMS.issued, _date(rec.published, "published date")))
        g.add((r, DCTERMS.source, Literal(PurePath(rec.source.path).name)))
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
        if rec.authority:
            self._authority(rec.authority.gss_code)
        if rec.visit_start and rec.visit_end:
            start = _date(rec.visit_start, "visit start")
            end = _date(rec.visit_end, "visit end")
            g.add((i, OKG.startDate, start))
            g.add((i, OKG.endDate, end))
            self._interval(iris.visit_interval(self.sha), start, end)
        for index, (extra_start, extra_end) in enumerate(rec.extra_dates, start=1):
            self._interval(
                iris.extra_visit_interval(self.sha, index),
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
            node = iris.next_inspection(self.sha, n)
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
            j = iris.judgement(self.sha, area)
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
            association = iris.association(self.sha, person.name)
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
        g, sha, text = self.doc, self.sha, self.record.text
        span = finding.span
        if not 0 <= span.start < span.end <= len(text):
            raise RecordGraphError(
                f"finding {position} span [{span.start}, {span.end}) is outside the report text "
                f"({len(text)} characters)"
            )
        if span.page < 1:
            raise RecordGraphError(f"finding {position} page {span.page} is not a page number")
        f = iris.finding(sha, position)
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
        for theme, terms in finding.theme_terms.items():
            match = iris.theme_match(sha, position, theme)
            g.add((f, OKG.themeMatch, match))
            g.add((match, RDF.type, OKG.ThemeMatch))
            g.add((match, OKG.matchedTheme, _concept(OKG.ThemeScheme, theme, "theme")))
            for term in terms:
                g.add((match, OKG.matchedTerm, Literal(term)))
        if finding.polarity:
            g.add((f, OKG.polarity, _concept(OKG.PolarityScheme, finding.polarity, "polarity")))
        for cue in finding.polarity_cues:
            g.add((f, OKG.polarityCue, Literal(cue)))
        if finding.responsible_body:
            g.add((f, OKG.responsibleBody, Literal(finding.responsible_body)))
        self._evidence(position, finding)

    def _evidence(self, position: int, finding: Finding) -> None:
        g, sha, text, span = self.doc, self.sha, self.record.text, finding.span
        evidence = iris.evidence(sha, position)
        quote, where = iris.quote_selector(sha, position), iris.position_selector(sha, position)
        g.add((iris.finding(sha, position), OKG.evidence, evidence))
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
