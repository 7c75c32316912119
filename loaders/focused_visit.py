"""Focused visit letters (ILACS framework, 2018-): an ungraded letter to the director of children's services.

Templates in the corpus:
- 2018-20: "Overview" / "What needs to improve in this area of social work practice" / "Findings",
  bullets as the private-use glyph U+F06E (or U+25FC), some findings numbered "1.".
- 2020-21 (COVID-19): an opening paragraph on Her Majesty's Chief Inspector's work during the pandemic,
  sometimes no "Overview" heading at all (Doncaster, Sunderland 2021).
- 2021-: "Headline findings" / "What needs to improve in this area of social work practice?" /
  "Main findings", bullets U+25FC; some letters omit a heading (Kensington and Chelsea 2022 has no
  "What needs to improve"); some add "Areas for priority action" before "What needs to improve".

The letter is read as a sequence of blocks (report paragraphs, split where the PDF ran a heading or
the sign-off into a neighbouring paragraph) and a small state machine over the headings.

Judgement calls (also in the gold files' notes):
- The quality assurance manager named in some 2018 letters ("The quality assurance manager was
  Sean Tarpey, SHMI") is not an inspector of the visit and is left out.
- The lead inspector is the one who signs the letter.
- improvement_points holds the "What needs to improve" bullets only; "Areas for priority action"
  bullets are findings of kind area_for_priority_action.
- A numbered finding ("1. In the MASH...") keeps its number in Finding.number; the span starts after it.
- Sub-headings inside the findings (Essex 2025) become the findings' section, not findings.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from . import authorities, dates, people, visit_focus
from .document import ReportText
from .errors import ExtractionFailed
from .letter_parts import ROLE_WORD_RE
from .passages import Item, bullet_at, finding, number_at
from .record import DocumentType, Finding, Inspector, Recipient, Record, SourceInfo

DOCUMENT_TYPE: DocumentType = "focused_visit"

_IMPROVE = r"What needs to improve in this area of social work practice\??:?"
_HEADINGS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(p, re.IGNORECASE), kind)
    for p, kind in (
        (r"^(?:Overview|Headline findings)$", "headline"),
        (r"^Areas? for priority action:?$", "priority"),
        (rf"^{_IMPROVE}$", "improve"),
        (r"^(?:Main findings|Findings)$", "findings"),
    )
)
_CLOSING_RE = re.compile(
    r"^(?:Ofsted will take the findings|We have notified|Yours sincerely|Your sincerely|Yours faithfully)"
)
_SIGN_OFF_RE = re.compile(r"^(?:Yours sincerely|Your sincerely|Yours faithfully),?$")
_TITLE_RE = re.compile(r"^Focused visit (?:to|of)\b", re.IGNORECASE)
_FOCUS_RE = re.compile(
    r"^(?:Inspectors (?:looked at|considered|reviewed|evaluated|focused on)|The focus of (?:this|the) visit was"
    r"|This visit looked at)\b"
)
# Sentences after the focus sentence that narrow it (Harrow 2018: "Specifically, they considered...").
_FOCUS_MORE_RE = re.compile(r"^(?:Specifically|In particular|They also (?:considered|looked at))\b")
# 2020-21 letters without a narrower focus: the visit's subject is the pandemic practice review.
_COVID_FOCUS_RE = re.compile(r"leading Ofsted’?'?s work into how England’?'?s social care system")
_INSPECTORS_RE = re.compile(
    r"inspectors?\s+(?:for\s+this\s+visit\s+)?(?:were|was)\b|carried\s+out\s+by\b", re.IGNORECASE
)

# Where the PDF ran two printed blocks into one paragraph: cut before these (after a sentence end)...
_CUT_BEFORE_RE = re.compile(
    r"(?<=[.)?!’”:]) (?=(?:Ofsted will take the findings|We have notified|Yours sincerely|Your sincerely"
    r"|This letter summarises|Headline findings|Areas for priority action|What needs to improve in this area"
    r"|Main findings$|Findings$|Overview$))"
    r"|(?<=\bYours sincerely) |(?<=\bYours sincerely,) |(?<=\bYour sincerely) "
)
# ...and after a heading that starts a paragraph.
_CUT_AFTER_RE = re.compile(
    rf"^(?:Headline findings|Main findings|Findings|Overview|Areas for priority action|{_IMPROVE}) (?=[A-Z\W])"
)


@dataclass(frozen=True)
class Block:
    text: str
    start: int
    end: int


def _blocks(report: ReportText) -> list[Block]:
    out: list[Block] = []
    for para in report.paragraphs:
        cuts = {0, len(para.text)}
        for m in _CUT_BEFORE_RE.finditer(para.text):
            cuts.add(m.start())
        after = _CUT_AFTER_RE.match(para.text)
        if after:
            cuts.add(after.end())
        points = sorted(cuts)
        for a, b in zip(points, points[1:], strict=False):
            piece = para.text[a:b]
            lead = len(piece) - len(piece.lstrip())
            piece = piece.strip()
            if piece:
                start = para.start + a + lead
                out.append(Block(piece, start, start + len(piece)))
    return out


def _heading(text: str) -> str | None:
    for pattern, kind in _HEADINGS:
        if pattern.match(text):
            return kind
    return None


def _strip_bullet(block: Block) -> tuple[Block, bool]:
    m = bullet_at(block.text)
    if not m:
        return block, False
    return Block(block.text[m.end() :], block.start + m.end(), block.end), True


def _strip_number(block: Block) -> tuple[Block, int | None]:
    m = number_at(block.text, 0)
    if not m:
        return block, None
    return Block(block.text[m.end() :], block.start + m.end(), block.end), int(m.group(1))


def _is_subheading(text: str) -> bool:
    # A short line with no sentence punctuation inside the findings (Essex 2025).
    return len(text) < 100 and not re.search(r"[.:;?!]$", text) and len(text.split()) <= 14


def _framework(visit_start: str | None) -> str:
    # ILACS was revised in January 2023 and again for April 2026; focused visits follow the framework in force.
    if visit_start and visit_start >= "2026-04-01":
        return "ilacs-2026"
    if visit_start and visit_start >= "2023-01-01":
        return "ilacs-2023"
    return "ilacs-2018"


def _focus(intro: list[Block]) -> list[str]:
    """The printed focus: the sentence stating it (usually a paragraph of its own, sometimes inside
    the opening paragraph), sentences narrowing it, and a bulleted list it introduces; failing
    that, a 2020-21 letter's statement of the pandemic review it was part of."""
    for i, block in enumerate(intro):
        sentences = _sentences(block.text)
        for j, sentence in enumerate(sentences):
            if not _FOCUS_RE.match(sentence):
                continue
            parts = [sentence]
            parts += itertools.takewhile(_FOCUS_MORE_RE.match, sentences[j + 1 :])
            if block.text.rstrip().endswith(":") and j == len(sentences) - 1:
                for bullet in intro[i + 1 :]:
                    stripped, is_bullet = _strip_bullet(bullet)
                    if not is_bullet:
                        break
                    parts.append(stripped.text)
            return parts
    for block in intro:
        for sentence in _sentences(block.text):
            if _COVID_FOCUS_RE.search(sentence):
                return [sentence]
    return []


def _sentences(text: str) -> list[str]:
    return re.split(r"(?<=[.])\s+(?=[A-Z])", text)


_ORG_RE = re.compile(
    r"\b(?:Council|London Borough|Royal Borough|Trust|Town Hall|County Hall|Civic|House|Directorate|PO Box)\b"
    r"|^\d"
)


def _address_groups(report: ReportText, blocks: list[Block]) -> list[list[str]]:
    """The printed lines of each address block before the salutation.

    A run of one-line blocks is one block: in a letter pasted without blank lines every line of
    the address came out as a paragraph of its own."""
    groups: list[list[str]] = []
    single = False
    for block in blocks:
        if block.text.startswith(("Dear ", "Copy to")):
            break
        lines = [ln.text for ln in report.lines if block.start <= ln.start < block.end]
        if not lines:
            continue
        if single and len(lines) == 1:
            groups[-1].extend(lines)
        else:
            groups.append(lines)
        single = len(lines) == 1
    return groups


def _recipient(report: ReportText, blocks: list[Block], title_index: int) -> Recipient | None:
    """The addressee from the address block's printed lines: first line the name, then job-title lines."""
    salutation = next((b.text for b in blocks[:title_index] if b.text.startswith("Dear ")), None)
    candidates: list[Recipient] = []
    for lines in _address_groups(report, blocks[1:title_index]):
        first = lines[0]
        name_part, _, role_inline = first.partition(",")
        name = people.clean_name(name_part)
        if not name or len(name.split()) > 4:
            continue
        role_lines = [role_inline.strip()] if role_inline.strip() else []
        for line in lines[1:]:
            if role_lines and (line[:1].islower() or line.startswith("and ")):
                role_lines.append(line)  # "Director of Children's Services" + "and Chief Executive"
                continue
            if role_inline.strip() or not ROLE_WORD_RE.search(line) or _ORG_RE.search(line):
                break
            role_lines.append(line)
        role = " ".join(role_lines).strip(" ,") or None
        candidates.append(Recipient(name=name, role=role))
    if not candidates:
        return None
    if salutation:
        # "Dear Ms Redding" / "Dear Chris": prefer the block whose name the salutation uses.
        greeting = people.clean_name(salutation[5:].split(" and ")[0])
        words = set(greeting.lower().split())
        matching = [c for c in candidates if c.name and words & set(c.name.lower().split())]
        candidates = matching or candidates
    with_role = [c for c in candidates if c.role]
    return (with_role or candidates)[0]


def _signatory(blocks: list[Block]) -> str | None:
    """The name signed under 'Yours sincerely' or, when the sign-off is missing (Harrow 2018), the name
    printed above or beside the inspector's title at the very end of the letter."""
    for i, block in enumerate(blocks):
        if _SIGN_OFF_RE.match(block.text):
            for following in blocks[i + 1 : i + 3]:
                name = people.clean_name(following.text)
                if name and len(name.split()) <= 4:
                    return name
    tail = blocks[-3:]
    for i, block in enumerate(tail):
        if people.role_of(block.text) and len(block.text) < 80:
            name = people.clean_name(block.text)
            if not name and i > 0:
                name = people.clean_name(tail[i - 1].text)
            if name and 1 < len(name.split()) <= 4:
                return name
    return None


def _inspectors(intro: list[Block], signatory: str | None) -> list[Inspector]:
    found: list[Inspector] = []
    for block in intro:
        for sentence in _sentences(block.text):
            if _INSPECTORS_RE.search(sentence) and not re.search(
                r"quality assurance manager", sentence, re.I
            ):
                found = people.parse_inspectors(sentence)
                if found:
                    break
        if found:
            break
    if signatory and found and not any(people.same_person(i.name, signatory) for i in found):
        # The signatory always led the visit; a letter that forgets to list them still names them.
        found.append(Inspector(name=signatory))
    if not found and signatory:
        found = [Inspector(name=signatory)]
    return people.mark_lead(found, signatory)


def parse(report: ReportText, source: SourceInfo) -> Record:
    """Read one focused visit letter into a Record (raises ExtractionFailed when it cannot)."""
    blocks = _blocks(report)
    title_index = next((i for i, b in enumerate(blocks) if _TITLE_RE.match(b.text)), None)
    if title_index is None:
        raise ExtractionFailed("no 'Focused visit to ...' title found")
    title = blocks[title_index].text.rstrip(".")

    published = None
    for block in blocks[:title_index]:
        published = dates.leading_date(block.text)
        if published:
            break
    if published is None:
        published = dates.parse_date(" ".join(b.text for b in blocks[:title_index]))

    subject = re.sub(r"^Focused visit (?:to|of)\s+(?:the\s+)?", "", title, flags=re.IGNORECASE)
    authority = authorities.resolve(subject)

    # Intro: the blocks between the title and the first heading.
    first_heading = next(
        (i for i in range(title_index + 1, len(blocks)) if _heading(blocks[i].text)), len(blocks)
    )
    intro = blocks[title_index + 1 : first_heading]
    visit = None
    for block in intro:
        if re.search(r"focused visit|this visit|the visit", block.text, re.IGNORECASE):
            ranges = dates.find_ranges(block.text)
            if ranges:
                visit = ranges[0]
                break
    if authority is None:
        for block in intro:
            m = re.search(r"focused visit (?:on .*? )?to (?:the )?(.+?)(?: on | between |\.|$)", block.text)
            if m and (authority := authorities.resolve(m.group(1))):
                break
    focus_parts = _focus(intro)
    signatory = _signatory(blocks)
    inspectors = _inspectors(intro, signatory)

    findings: list[Finding] = []
    improvement_points: list[str] = []
    state: str | None = None
    section: str | None = None
    subsection: str | None = None
    for block in blocks[first_heading:]:
        if _CLOSING_RE.match(block.text):
            break
        kind = _heading(block.text)
        if kind:
            state, section, subsection = kind, block.text, None
            continue
        body, is_bullet = _strip_bullet(block)
        body, number = _strip_number(body)
        if not body.text:
            continue
        # Only a main finding keeps its printed number (Finding.number).
        item = Item(body.start, body.end, number if state == "findings" else None, is_bullet)
        if state == "headline":
            findings.append(finding(report, "headline", item, section))
        elif state in ("priority", "improve"):
            if not is_bullet:
                # A lead-in ("... address the following areas:") or a remark such as Sunderland 2021's
                # "The areas for improvement continue to be those ... identified at the ILACS inspection".
                continue
            if state == "priority":
                findings.append(finding(report, "area_for_priority_action", item, section))
            else:
                findings.append(finding(report, "area_for_improvement", item, section))
                improvement_points.append(findings[-1].text)
        elif state == "findings":
            if not is_bullet and number is None and _is_subheading(body.text):
                subsection = body.text
                continue
            findings.append(finding(report, "main_finding", item, subsection or section))

    return Record(
        document_type=DOCUMENT_TYPE,
        authority=authority,
        published=published,
        visit_start=visit.start if visit else None,
        visit_end=visit.end if visit else None,
        inspectors=inspectors,
        recipient=_recipient(report, blocks, title_index),
        improvement_points=improvement_points,
        findings=findings,
        source=source,
        text=report.text,
        title=title,
        framework=_framework(visit.start if visit else published),
        visit_focus=" ".join(focus_parts) or None,
        visit_focus_areas=visit_focus.focus_areas(" ".join(focus_parts)),
    )
