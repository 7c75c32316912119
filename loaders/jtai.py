"""Joint targeted area inspection (JTAI) letters into a Record.

One letter from several inspectorates (Ofsted, CQC, HMICFRS, sometimes HMI Probation) to the
statutory safeguarding partners of one area, on a theme. Read from the letter: its date
(record.published), the addressees (the first is the recipient; their organisations other than
the council are record.partner_bodies), the title "Joint targeted area inspection of the
multi-agency response to THEME in AREA" (theme -> record.visit_focus, area -> authority), the
inspection dates, the signatories with their inspectorates (one per inspectorate, roles hmi,
cqc_inspector, hmicfrs_inspector, probation_inspector; the letter marks no lead), and the
findings: "Headline findings" (headline), "What needs to improve?" (area_for_improvement and
improvement points), "Strengths" (strength), "Main findings" (main_finding). No grade.
"""

from __future__ import annotations

import re

from . import authorities, dates, people
from .document import ReportText
from .errors import ExtractionFailed
from .letter_parts import LetterParts, addressee, letter_parts
from .passages import find_headings, pieces, section_findings
from .record import FindingKind, Inspector, Inspectorate, InspectorRole, Record, SourceInfo

FRAMEWORK = "jtai-2016"

TITLE_RE = re.compile(
    r"Joint targeted area inspection (?:\(JTAI\) )?(?:of|in)\s+(?:the\s+multi-agency\s+response\s+to\s+)?"
    r"(?P<theme>.+?)\s+in\s+(?P<area>[A-Z][^.]*?)\s*$",
    re.I | re.S,
)
PRINCIPAL_RE = re.compile(r"determined that (?P<name>.+?) is the principal authority", re.I)

HEADINGS: dict[str, re.Pattern[str]] = {
    "headline": re.compile(r"Headline findings", re.I),
    "improve": re.compile(r"What needs to improve\??", re.I),
    "strengths": re.compile(r"Strengths", re.I),
    "main": re.compile(r"Main findings", re.I),
    "next": re.compile(r"Next steps", re.I),
}
SECTIONS: tuple[tuple[str, FindingKind, str], ...] = (
    ("headline", "headline", "Headline findings"),
    ("improve", "area_for_improvement", "What needs to improve?"),
    ("strengths", "strength", "Strengths"),
    ("main", "main_finding", "Main findings"),
)

# Signature block: an inspectorate's name on its own line, then the signatory and their title.
INSPECTORATE_LINES: tuple[tuple[re.Pattern[str], Inspectorate, InspectorRole], ...] = (
    (re.compile(r"^(?:Ofsted)$", re.I), "ofsted", "hmi"),
    (re.compile(r"^(?:Care Quality Commission|CQC)$", re.I), "cqc", "cqc_inspector"),
    (
        re.compile(r"^(?:HMICFRS|His Majesty[’']s Inspectorate of Constabulary.*)$", re.I),
        "hmicfrs",
        "hmicfrs_inspector",
    ),
    (
        re.compile(r"^(?:HMI Probation|His Majesty[’']s Inspectorate of Probation)$", re.I),
        "hmi_probation",
        "probation_inspector",
    ),
)


def parse(report: ReportText, source: SourceInfo) -> Record:
    text = report.text
    parts = letter_parts(report)
    if parts.title is None:
        raise ExtractionFailed("no 'Joint targeted area inspection of ...' title after the salutation")
    title = re.sub(r"\s+", " ", parts.title.text).strip()
    m = TITLE_RE.search(title)
    if not m:
        raise ExtractionFailed("no 'Joint targeted area inspection of ... in AREA' title")
    authority = authorities.resolve(m["area"])
    if authority is None:
        principal = PRINCIPAL_RE.search(text)
        authority = authorities.resolve(principal["name"]) if principal else None
    if authority is None:
        raise ExtractionFailed(
            f"the area '{m['area']}' is not an English local authority in the reference lookup"
        )

    opening = " ".join(text[a:b] for a, b in pieces(text, parts.body_start, parts.body_end)[:3])
    ranges = dates.find_ranges(opening)
    if not ranges:
        raise ExtractionFailed("no inspection dates in the opening paragraphs")

    headings = find_headings(report, HEADINGS)
    findings = section_findings(report, headings, SECTIONS, parts.body_end)
    groups = _address_groups(report, parts)
    lines = [line for group in groups for line in group]
    return Record(
        document_type="jtai",
        authority=authority,
        published=parts.date,
        visit_start=ranges[0].start,
        visit_end=ranges[0].end,
        inspectors=signatories(parts.signature_lines),
        recipient=addressee([[ln] for ln in lines] if _inline_addresses(lines) else groups),
        judgements={},
        improvement_points=[f.text for f in findings if f.kind == "area_for_improvement"],
        findings=findings,
        source=source,
        text=text,
        title=title,
        framework=FRAMEWORK,
        inspection_kind="jtai",
        visit_focus=re.sub(r"\s+", " ", m["theme"]).strip(),
        partner_bodies=_agencies(groups, authority.gss_code),
    )


def _address_groups(report: ReportText, parts: LetterParts) -> list[list[str]]:
    """The address block's printed lines, one list per paragraph (an addressee each, when spaced)."""
    return [
        [ln.text for ln in report.lines if p.start <= ln.start and ln.end <= p.end] for p in parts.address
    ]


def _inline_addresses(lines: list[str]) -> bool:
    # "Name, Job title, Organisation" on one line each.
    return bool(lines) and all(line.count(",") >= 2 for line in lines)


_AGENCY_RE = re.compile(
    r"\b(?:Police|Constabulary|Integrated Care Board|ICB|NHS|Probation|Youth Justice|Trust|Council)\b"
)
_JOB_RE = re.compile(r"\b(?:Director|Chief|Executive|Commissioner|Head|Chair|Manager|Officer|Lead)\b")


def _organisations(groups: list[list[str]]) -> list[str]:
    lines = [line for group in groups for line in group]
    if _inline_addresses(lines):
        # "Name, Job title, Organisation" (the organisation may hold commas itself).
        return [", ".join(p.strip() for p in line.split(",")[2:]) for line in lines]
    # One item per line: organisation lines name an agency and no job title. When the addressees
    # are spaced apart, each one's organisation is the first such line; what follows is its
    # postal address ("Police Headquarters", "Trust House").
    orgs = [
        [line for line in group if _AGENCY_RE.search(line) and not _JOB_RE.search(line)] for group in groups
    ]
    if len(groups) > 1:
        return [found[0] for found in orgs if found]
    return [org for found in orgs for org in found]


def _agencies(groups: list[list[str]], gss_code: str) -> list[str]:
    """The addressees' organisations, the council itself and the safeguarding partnership aside."""
    out: list[str] = []
    for org in _organisations(groups):
        if not org or re.search(r"safeguarding", org, re.I):
            continue
        council = authorities.resolve(org)
        if council is not None and council.gss_code == gss_code and re.search(r"\bCouncil\b", org):
            continue
        if org not in out:
            out.append(org)
    return out


def signatories(lines: list[str]) -> list[Inspector]:
    """One Inspector per signature: a name line followed by a title line, under an inspectorate's name.

    A signature with no inspectorate heading above it takes the inspectorate its title names
    ("His Majesty's Inspector" is Ofsted's).
    """
    out: list[Inspector] = []
    pending: tuple[Inspectorate, InspectorRole] | None = None
    title_at = -1  # the line under a signatory's name is their title, never another name
    for i, line in enumerate(lines):
        match = next(((body, role) for pat, body, role in INSPECTORATE_LINES if pat.match(line)), None)
        if match:
            pending = match
            continue
        if i == title_at:
            continue
        title = lines[i + 1] if i + 1 < len(lines) else ""
        name = people.clean_name(line)
        if not name or len(name.split()) not in (2, 3, 4) or people.role_of(line) or "Inspector" in line:
            continue
        if pending is None:
            if not people.role_of(title):
                continue
            role = people.role_of(title) or "inspector"
            pending = (people.inspectorate_of(role), role)
        body, role = pending
        out.append(Inspector(name=name, lead=False, role=role, inspectorate=body))
        pending = None
        title_at = i + 1
    return out
