"""The fixed parts of an Ofsted letter: its date, address block, salutation, title and signature.

Letters (monitoring visits, JTAIs) open with the date, the addressee(s), "Dear ...", and a bold
title; they close with "Yours sincerely" and the signatures. Each part is located by paragraph
in the report text so a loader can read it and keep it out of the findings.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import dates, people
from .document import Paragraph, ReportText
from .record import Recipient

SALUTATION_RE = re.compile(r"^Dear\s+(?P<name>.+?)[,.]?$")
SIGN_OFF_RE = re.compile(r"^Yours\s+(?:sincerely|faithfully)\b", re.I)


@dataclass
class LetterParts:
    date: str | None  # ISO date printed at the top of the letter
    address: list[Paragraph]  # paragraphs between the date and the salutation
    salutation: str | None  # the name after "Dear"
    title: Paragraph | None  # the paragraph after the salutation
    body_start: int  # offset of the first paragraph after the title
    body_end: int  # offset of "Yours sincerely" (or the end of the text)
    signature_lines: list[str]  # printed lines after "Yours sincerely"


def letter_parts(report: ReportText) -> LetterParts:
    paras = report.paragraphs
    date = None
    first = 0
    for i, p in enumerate(paras[:3]):
        date = dates.leading_date(p.text)
        if date:
            first = i + 1
            break
    salutation_at = next((i for i, p in enumerate(paras[:15]) if SALUTATION_RE.match(p.text)), None)
    address = paras[first:salutation_at] if salutation_at is not None else []
    found = SALUTATION_RE.match(paras[salutation_at].text) if salutation_at is not None else None
    salutation = found["name"] if found else None
    title_at = (salutation_at + 1) if salutation_at is not None else first
    title = paras[title_at] if title_at < len(paras) else None
    body_start = paras[title_at + 1].start if title_at + 1 < len(paras) else len(report.text)
    sign_off = next((p for p in paras if p.start >= body_start and SIGN_OFF_RE.match(p.text)), None)
    body_end = sign_off.start if sign_off else len(report.text)
    signature = [ln.text for ln in report.lines if sign_off and ln.start > sign_off.start]
    if signature and SIGN_OFF_RE.match(signature[0]):
        signature = signature[1:]
    return LetterParts(date, address, salutation, title, body_start, body_end, signature)


def address_lines(report: ReportText, parts: LetterParts) -> list[str]:
    """The printed lines of the address block."""
    if not parts.address:
        return []
    a, b = parts.address[0].start, parts.address[-1].end
    return [ln.text for ln in report.lines if a <= ln.start and ln.end <= b]


# A word that makes an address line a job title.
ROLE_WORD_RE = re.compile(
    r"\b(?:Director|Executive|Chief|Manager|Head|Officer|Commissioner|Lead|Deputy|Corporate|Strategic|DCS)\b"
)
_ORG_RE = re.compile(r"\b(?:Council|Borough|Trust|Hall|Civic|House|Offices|Police|NHS|Board|PO Box)\b|^\d")


def addressee(line_groups: list[list[str]]) -> Recipient | None:
    """The first addressee: a name line, then job-title lines (or 'Name, Title, Organisation')."""
    for lines in line_groups:
        if not lines:
            continue
        name_part, _, inline = lines[0].partition(",")
        name = people.clean_name(name_part)
        if not name or len(name.split()) > 4:
            continue
        if inline.strip():
            role = inline.split(",")[0].strip() or None
            return Recipient(name, role)
        role_lines: list[str] = []
        for line in lines[1:]:
            if _ORG_RE.search(line) or not ROLE_WORD_RE.search(line):
                break
            role_lines.append(line)
        return Recipient(name, " ".join(role_lines) or None)
    return None
