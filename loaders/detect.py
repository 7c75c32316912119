"""What kind of document a report text is, decided from its words alone (never the file name).

Ofsted's own listings are unreliable (SIF reports, LSCB reviews and school reports all appear
under children's services), so the title phrasing and the report's furniture decide:

- focused_visit          "Focused visit to ... children's services" (a letter)
- monitoring_visit       "Monitoring visit to ... children's services" (a letter)
- jtai                   "Joint targeted area inspection of ..."
- area_send_inspection   "Area SEND inspection of ... Local Area Partnership" (2023 framework)
- ilacs_inspection       "Inspection of ... (local authority) children's services" / "children's social
                         care services" / a children's trust, with the Judgement | Grade table
- sif_inspection         "(Re-)inspection of services for children in need of help and protection,
                         children looked after and care leavers" (2013-2018, with or without the
                         LSCB review)

Children's services documents with no loader of their own (record document_type "other"):
- looked_after_children_inspection  the 2012-13 "Inspection of looked after children services"
                                    (and the earlier safeguarding and looked after children inspections)
- lscb_review                        a standalone "Review of the effectiveness of the Local
                                     Safeguarding Children Board"
- send_local_area_inspection_2016    the 2016-2022 joint local area SEND inspection/revisit letters

Not children's services (extract refuses them): school_inspection, further_education_inspection,
early_years_inspection, social_care_provider_inspection, unknown.

The title decides, not the order of the tests: reports mention other kinds of visit in passing
("since the focused visit to X children's services in 2021", "the joint targeted area inspection
of ... in 2019", "the local area SEND inspection in 2018"), so every kind whose title phrase is
found in its window is a candidate and the one printed first wins (the title comes before the
body). Two titles at the same place (a SIF report bound with its LSCB review) go to the kind
listed first in _RULES; the ILACS title, which needs its judgement table as well, comes last.
"""

from __future__ import annotations

import re

from .document import ReportText
from .record import DOCUMENT_TYPES, DocumentType

# Kinds that map onto record.DOCUMENT_TYPES one to one.
FOCUSED_VISIT = "focused_visit"
MONITORING_VISIT = "monitoring_visit"
ILACS = "ilacs_inspection"
SIF = "sif_inspection"
AREA_SEND = "area_send_inspection"
JTAI = "jtai"
# Children's services kinds reported as document_type "other".
LAC_INSPECTION = "looked_after_children_inspection"
LSCB_REVIEW = "lscb_review"
SEND_2016 = "send_local_area_inspection_2016"
# Not children's services.
SCHOOL = "school_inspection"
FURTHER_EDUCATION = "further_education_inspection"
EARLY_YEARS = "early_years_inspection"
PROVIDER = "social_care_provider_inspection"
UNKNOWN = "unknown"

CHILDRENS_SERVICES_KINDS: frozenset[str] = frozenset(
    {FOCUSED_VISIT, MONITORING_VISIT, ILACS, SIF, AREA_SEND, JTAI, LAC_INSPECTION, LSCB_REVIEW, SEND_2016}
)
NOT_CHILDRENS_SERVICES: dict[str, str] = {
    SCHOOL: "a school inspection report, not a children's services inspection",
    FURTHER_EDUCATION: "a further education and skills inspection report, not a children's services inspection",
    EARLY_YEARS: "an early years or childcare inspection report, not a children's services inspection",
    PROVIDER: "a report on a single care provider (children's home, agency), not a local authority's services",
    UNKNOWN: "not recognised as an Ofsted children's services inspection report or letter",
}


def document_type_of(kind: str) -> DocumentType:
    """The record.DOCUMENT_TYPES value for a detected children's services kind."""
    return next((t for t in DOCUMENT_TYPES if t == kind), "other")


def _flat(text: str) -> str:
    text = text.replace("’", "'").replace("‘", "'").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).lower()


_CS = r"children'?s (?:social care )?services"

_RULES: tuple[tuple[str, str, int], ...] = (
    # (kind, pattern on the flattened text, how many leading characters to search)
    (AREA_SEND, r"\barea send inspection of\b|\blocal area partnership report\b", 1200),
    (
        SEND_2016,
        r"\bjoint local area send (?:inspection|revisit)\b|\blocal area send (?:inspection|revisit)\b",
        2500,
    ),
    (FOCUSED_VISIT, rf"\bfocused visit (?:to|of)\b.{{0,160}}?(?:{_CS}|trust|children first)", 2500),
    (MONITORING_VISIT, rf"\bmonitoring visit (?:to|of)\b.{{0,160}}?(?:{_CS}|trust|children first)", 2500),
    (
        SIF,
        r"\b(?:re-?)?inspection of services for children in need of help and protection,? children looked after"
        r" and care leavers\b",
        1500,
    ),
    (LSCB_REVIEW, r"\breview of the effectiveness of the local safeguarding children board\b", 1500),
    # A JTAI's title near the top; other letters mention past JTAIs in passing, hence "of" and
    # the early window (a title further down is found by _JTAI_TITLE_RE).
    (JTAI, r"\bjoint targeted area inspection (?:of|in)\b", 800),
    (LAC_INSPECTION, r"\binspection of (?:safeguarding and )?looked after children(?:'s)? services\b", 1500),
)

# A JTAI letter addresses every statutory partner (4-6 people, each with job title, organisation
# and address) before its title, so the title can sit well past the 800-character window. Further
# down only a paragraph that opens with the title counts: passing mentions run mid-sentence.
_JTAI_TITLE_RE = re.compile(
    r"(?:\A|\n)[^\S\n]*joint\s+targeted\s+area\s+inspection\s+(?:\(jtai\)\s+)?(?:of|in)\b", re.IGNORECASE
)
_JTAI_TITLE_WINDOW = 3000

# "Inspection of X local authority children's services", "[X] Inspection of children's social care
# services", or a children's trust or company running the services ("Inspection of Slough Children
# First", "... Children and Families Trust", "... Children's Trust", "Achieving for Children").
_ILACS_TITLE_RE = re.compile(
    rf"\binspection of (?:[\w,'&\-. ]{{0,80}}?)?(?:local authority )?{_CS}\b"
    r"|\binspection of [\w,'&\-. ]{0,60}?\b(?:children'?s (?:services )?trust|children and families trust"
    r"|children first|for children)\b",
)
_ILACS_TITLE_WINDOW = 800
_ILACS_BODY_RE = re.compile(
    r"\bjudgement grade\b|\bimpact of leaders on social work practice\b|\boverall effectiveness\b"
)

_SCHOOL_RE = re.compile(
    r"^school report\b|\bwhat is it like to attend this school\b|\bsummary of key findings for parents and pupils\b"
    r"|\btype of school\b|\bheadteacher\b.{0,400}\bpupils\b"
)
_FE_RE = re.compile(r"\bfurther education and skills\b|\bindependent learning provider\b|\bapprenticeships\b")
_EARLY_YEARS_RE = re.compile(r"\bchildcare\b.{0,200}\bearly years register\b|\bchildminder\b")
_PROVIDER_RE = re.compile(
    r"\bchildren'?s home(?: interim)? inspection\b|\binspection of (?:an? )?(?:independent )?fostering agency\b"
    r"|\bsocial care common inspection framework\b|\bvoluntary adoption agency\b"
)


def detect_text(text: str) -> str:
    """The document kind of a report text (see the module docstring for the values)."""
    flat = _flat(text)
    head = flat[:3000]
    candidates: list[tuple[int, int]] = []  # (where the title starts in `flat`, rule index)
    for index, (kind, pattern, window) in enumerate(_RULES):
        found = re.search(pattern, flat[:window])
        at = found.start() if found else None
        if kind == JTAI:
            further = _JTAI_TITLE_RE.search(text[:_JTAI_TITLE_WINDOW])
            if further:
                flat_at = len(_flat(text[: further.start()]))
                at = flat_at if at is None else min(at, flat_at)
        if at is None:
            continue
        if kind == SIF and re.search(r"\bschool\b.{0,40}\bpupils\b", head):
            continue
        candidates.append((at, index))
    ilacs = _ILACS_TITLE_RE.search(flat[:_ILACS_TITLE_WINDOW])
    if ilacs and _ILACS_BODY_RE.search(flat[:6000]):
        candidates.append((ilacs.start(), len(_RULES)))
    if candidates:
        _, index = min(candidates)
        return _RULES[index][0] if index < len(_RULES) else ILACS
    if _SCHOOL_RE.search(head):
        return SCHOOL
    if _PROVIDER_RE.search(head):
        return PROVIDER
    if _EARLY_YEARS_RE.search(head):
        return EARLY_YEARS
    if _FE_RE.search(head):
        return FURTHER_EDUCATION
    return UNKNOWN


def detect(report: ReportText) -> str:
    """The document kind of a loaded report: a record.DOCUMENT_TYPES value for the six loaded kinds,
    else one of the other kinds named in this module.

    A title printed in the page margin and repeated on every page is removed with the running
    heads: when the text alone is not recognised, the running heads are read as its heading."""
    kind = detect_text(report.text)
    if kind == UNKNOWN and report.furniture:
        with_heads = detect_text("\n\n".join(report.furniture) + "\n\n" + report.text)
        if with_heads in CHILDRENS_SERVICES_KINDS:
            return with_heads
    return kind
