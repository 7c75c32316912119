"""The typed record a loader extracts from one document: plain dataclasses, no rdflib.

This is the contract between the two loading steps (document -> record -> graph) and the
shape `ofsted-kg extract --format json` prints. `to_json()` emits exactly the public keys, in
order; everything else on the record (source hash, report text, title...) feeds the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

DocumentType = Literal[
    "focused_visit",
    "monitoring_visit",
    "ilacs_inspection",
    "sif_inspection",
    "area_send_inspection",
    "jtai",
    "other",
]

DOCUMENT_TYPES: tuple[DocumentType, ...] = get_args(DocumentType)

# Finding kinds; the ontology's okg:FindingKind concepts carry these as skos:notation.
FindingKind = Literal[
    "headline", "area_for_improvement", "area_for_priority_action", "strength", "main_finding"
]
FINDING_KINDS: tuple[FindingKind, ...] = get_args(FindingKind)

Polarity = Literal["strength", "concern", "mixed", "neutral"]

# Inspector roles; okg:InspectorRole concepts carry these as skos:notation. "cqc_lead" is the CQC
# lead inspector of a joint inspection: the lead of the CQC team, not of the inspection.
InspectorRole = Literal[
    "hmi",
    "ofsted_inspector",
    "cqc_inspector",
    "cqc_lead",
    "hmicfrs_inspector",
    "probation_inspector",
    "inspector",
]

# The inspectorate an inspector works for.
Inspectorate = Literal["ofsted", "cqc", "hmicfrs", "hmi_probation"]

# What kind of inspection a report says will follow it.
ExpectedInspectionKind = Literal["full_inspection", "monitoring_inspection"]


@dataclass(frozen=True)
class Authority:
    name: str  # the ONS name from the reference lookup
    gss_code: str


@dataclass(frozen=True)
class Inspector:
    name: str  # no honorific, no post-nominals, whitespace collapsed
    lead: bool = False  # led the inspection (a joint inspection's CQC lead has role "cqc_lead" instead)
    role: InspectorRole = "hmi"
    inspectorate: Inspectorate = "ofsted"


@dataclass(frozen=True)
class Correction:
    """A value the document prints wrongly, recorded corrected: never silently."""

    field: str  # the Record field corrected, e.g. "published"
    printed: str  # the value as printed (ISO for dates)
    corrected: str  # the value recorded
    reason: str  # one sentence: why the printed value cannot be right

    def note(self) -> str:
        """One line for people: what was printed, what is recorded, and why."""
        return f"{self.field} printed as {self.printed}, recorded as {self.corrected}: {self.reason}"


@dataclass(frozen=True)
class Recipient:
    name: str | None
    role: str | None


@dataclass(frozen=True)
class Span:
    """A stretch of the report text: [start, end) character offsets and the page it starts on (1-based)."""

    start: int
    end: int
    page: int


@dataclass
class Finding:
    kind: FindingKind
    text: str  # the quoted text with whitespace collapsed (bullet glyph removed)
    span: Span
    section: str | None = None  # the heading the finding sits under
    number: int | None = None  # a numbered paragraph's printed number (ILACS, SIF)
    themes: list[str] = field(default_factory=list)  # theme notations from the SKOS scheme
    theme_terms: dict[str, list[str]] = field(default_factory=dict)  # theme notation -> matched labels
    polarity: Polarity | None = None
    polarity_cues: list[str] = field(default_factory=list)  # the cue phrases that decided it
    responsible_body: str | None = None  # area SEND priority actions: who must act


@dataclass(frozen=True)
class ExpectedInspection:
    """An inspection the report says will follow this one, within a stated interval."""

    kind: ExpectedInspectionKind
    interval: str  # as stated, an ISO 8601 duration: "P3Y", "P18M"
    approximate: bool  # "within approximately ..."
    due_from: str  # ISO date: the inspection's last day
    due_by: str  # ISO date: that day plus the interval
    statement: str  # the sentence, whitespace collapsed
    span: Span  # where the sentence is in the report text


@dataclass
class SourceInfo:
    path: str  # as given by the user; only the file name reaches the graph
    sha256: str  # of the file's bytes: the report's identity
    media_type: str  # application/pdf | text/plain
    pages: int


@dataclass(frozen=True)
class Provenance:
    """What is known of a copy from outside the document: the names it was loaded under, and what
    a fetch manifest or the archive's layout says of it. Every field is a sorted tuple of distinct
    values, so provenance from several places merges by union, in any order, to the same value."""

    file_names: tuple[str, ...] = ()  # file names without folders
    urls: tuple[str, ...] = ()  # where Ofsted published the file (https IRIs)
    listed_dates: tuple[str, ...] = ()  # ISO publication dates given by a listing
    listed_urns: tuple[str, ...] = ()  # Ofsted URNs the report is listed under
    listed_types: tuple[str, ...] = ()  # Ofsted's publication type labels, lower case

    def merge(self, other: Provenance) -> Provenance:
        return Provenance(
            *(
                tuple(sorted(set(mine) | set(theirs)))
                for mine, theirs in zip(self.fields(), other.fields(), strict=True)
            )
        )

    def covers(self, other: Provenance) -> bool:
        """Does this provenance already hold every value of `other`?"""
        return all(
            set(theirs) <= set(mine) for mine, theirs in zip(self.fields(), other.fields(), strict=True)
        )

    def fields(self) -> tuple[tuple[str, ...], ...]:
        return (self.file_names, self.urls, self.listed_dates, self.listed_urns, self.listed_types)


@dataclass
class Record:
    document_type: DocumentType
    authority: Authority | None
    published: str | None  # ISO date printed on the document
    visit_start: str | None
    visit_end: str | None
    inspectors: list[Inspector] = field(default_factory=list)
    recipient: Recipient | None = None
    judgements: dict[str, str] = field(default_factory=dict)  # area notation -> grade notation
    improvement_points: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    # Not part of the JSON contract; used to build the graph.
    source: SourceInfo | None = None
    text: str = ""  # the report text that every Span points into
    title: str | None = None
    framework: str | None = None  # a Framework notation, e.g. "ilacs-2018"
    inspection_kind: str | None = None  # e.g. "standard" | "short" (ILACS); "re-inspection" (SIF)
    visit_focus: str | None = None  # focused/monitoring visits, JTAI theme
    series_number: int | None = None  # monitoring visits: which visit in the series
    partner_bodies: list[str] = field(default_factory=list)  # area SEND ICB, JTAI agencies
    extra_dates: list[tuple[str, str]] = field(default_factory=list)  # further visit date sets
    # okg:VisitFocusScheme notations of what a focused or monitoring visit looked at (visit_focus coded);
    # like visit_focus, these feed the graph and are not in the JSON contract.
    visit_focus_areas: list[str] = field(default_factory=list)
    next_inspections: list[ExpectedInspection] = field(default_factory=list)  # area SEND: stated timing
    corrections: list[Correction] = field(default_factory=list)  # values printed wrongly (see Correction)
    # Where the copy came from (file names, fetch manifest, archive layout): set by ingest, not read
    # from the document; None means only the source path's file name is known.
    provenance: Provenance | None = None

    def to_json(self) -> dict[str, Any]:
        """The public JSON shape, keys in the documented order."""
        return {
            "document_type": self.document_type,
            "authority": (
                {"name": self.authority.name, "gss_code": self.authority.gss_code} if self.authority else None
            ),
            "published": self.published,
            "visit_start": self.visit_start,
            "visit_end": self.visit_end,
            "inspectors": [{"name": i.name, "lead": i.lead} for i in self.inspectors],
            "recipient": (
                {"name": self.recipient.name, "role": self.recipient.role} if self.recipient else None
            ),
            "judgements": dict(self.judgements),
            "improvement_points": list(self.improvement_points),
            "findings": [
                {
                    "kind": f.kind,
                    "text": f.text,
                    "themes": list(f.themes),
                    "polarity": f.polarity,
                    "page": f.span.page,
                    "start": f.span.start,
                    "end": f.span.end,
                }
                for f in self.findings
            ],
            "corrections": [
                {"field": c.field, "printed": c.printed, "corrected": c.corrected, "reason": c.reason}
                for c in self.corrections
            ],
        }
