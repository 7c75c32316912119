"""Area SEND inspection reports (Ofsted and CQC, 2023 framework) into a Record.

The subject is the local area partnership: the council (record.authority) and its integrated
care board(s) (record.partner_bodies). Read from the report:
- the title "Area SEND inspection of X Local Area Partnership" and "Inspection dates:";
- the inspection outcome, one of three -> judgements["area_send_outcome"];
- the monitoring and re-inspection timing sentences -> record.visit_focus (verbatim);
- the inspection team, two columns (Ofsted left, CQC right) that text extraction reads row by
  row; every name carries its own "Ofsted"/"CQC"/"HMI" label, so the labels decide; the Ofsted
  lead inspector is the inspection's lead, the CQC lead inspector has the role "cqc_lead";
- findings: the outcome statement (headline), "What is it like to be a child or young person
  with SEND in this area?" (main_finding), "What is the area partnership doing that is
  effective?" (strength), "What does the area partnership need to do better?" (main_finding),
  the "Areas for priority action" table (area_for_priority_action, with the responsible body)
  and the "Areas for improvement" table (area_for_improvement). Table rows become the
  improvement points, priority actions first.

Table rows are told apart by the rules drawn between them and the columns by where lines start
(positions the report text keeps for a PDF, ReportText.rules and TextLine.x/y), otherwise (plain
text) by paragraphs and bullets.
"""

from __future__ import annotations

import re

from . import authorities, dates, visit_focus
from .document import ReportText, TextLine
from .errors import ExtractionFailed
from .passages import Heading, Item, bullet_at, find_headings, finding, items, pieces, quote, section_bounds
from .record import (
    Authority,
    Finding,
    FindingKind,
    Inspector,
    Inspectorate,
    InspectorRole,
    Record,
    SourceInfo,
)

FRAMEWORK = "area-send-2023"

TITLE_RE = re.compile(r"Area SEND inspection of\s+(?P<area>.+?)\s+Local Area Partnership", re.I | re.S)
DATES_RE = re.compile(
    r"Inspection dates?:?\s*(?P<dates>.+?)(?=\s*Dates? of previous|\s*Inspection outcome|\n|$)", re.I
)

HEADINGS: dict[str, re.Pattern[str]] = {
    "outcome": re.compile(r"Inspection outcome", re.I),
    "information": re.compile(r"Information about the local area partnership", re.I),
    "experience": re.compile(
        r"What is it like to be a child or young person with (?:SEND|special educational needs"
        r"(?: and/or disabilit(?:y|ies))?(?: \(SEND\))?) in this area\??",
        re.I,
    ),
    "effective": re.compile(r"What is the (?:local )?area partnership doing that is effective\??", re.I),
    "better": re.compile(r"What does the (?:local )?area partnership need to do better\??", re.I),
    "priority": re.compile(r"Areas for priority action", re.I),
    "improvement": re.compile(r"Areas for improvement", re.I),
    "details": re.compile(r"Local area partnership details", re.I),
    "about": re.compile(r"Information about this inspection", re.I),
    "team": re.compile(r"Inspection team", re.I),
}
# The sections whose paragraphs are findings: (heading key, finding kind).
PROSE_SECTIONS: tuple[tuple[str, FindingKind], ...] = (
    ("experience", "main_finding"),
    ("effective", "strength"),
    ("better", "main_finding"),
)
# Headings can share a printed line with what follows (a paragraph run together on the page).
HEADING_PREFIX: dict[str, re.Pattern[str]] = {
    k: re.compile(p.pattern + r"(?=\s)", re.I)
    for k, p in HEADINGS.items()
    if k in ("outcome", "information", "team")
}

OUTCOMES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"widespread\s+and/or\s+systemic\s+failings", re.I), "widespread_failings"),
    (re.compile(r"lead\s+to\s+inconsistent\s+experiences", re.I), "inconsistent_experiences"),
    (re.compile(r"lead\s+to\s+positive\s+experiences", re.I), "positive_experiences"),
)
TIMING_RE = re.compile(
    r"(?:A monitoring inspection will be carried out|The next full (?:area SEND )?(?:re)?inspection will"
    r"(?: be| take place))[^.]*\.",
    re.I,
)

ROWS_HEADER_RE = re.compile(r"\s*Responsible body\s+Areas for priority action\s*", re.I)
IMPROVEMENT_HEADER_RE = re.compile(r"\s*Areas for improvement\s+", re.I)
BODY_WORDS_RE = re.compile(r"\b(?:Council|ICB|Integrated Care Board|NHS|Children’s First|Children's First)\b")
COUNCIL_WORD_RE = re.compile(r"\b(?:Council|Borough|County|City|Corporation|Local Authority)\b")


def parse(report: ReportText, source: SourceInfo) -> Record:
    text = report.text
    title = TITLE_RE.search(text)
    if not title:
        raise ExtractionFailed("no 'Area SEND inspection of ... Local Area Partnership' title")
    area = re.sub(r"\s+", " ", title["area"]).strip()
    headings = _headings(report)
    authority = authorities.resolve(area) or _authority_from_information(report, headings)
    if authority is None:
        raise ExtractionFailed(f"the area '{area}' is not an English local authority in the reference lookup")
    span = DATES_RE.search(text)
    visit = dates.parse_range(span["dates"]) if span else None
    if visit is None:
        raise ExtractionFailed("no 'Inspection dates:' line")

    outcome_bounds = section_bounds(headings, "outcome", len(text))
    outcome_text = text[outcome_bounds[0] : outcome_bounds[1]] if outcome_bounds else text[:2000]
    judgements = {}
    for pattern, grade in OUTCOMES:
        if pattern.search(outcome_text):
            judgements["area_send_outcome"] = grade
            break
    timing = " ".join(re.sub(r"\s+", " ", m.group()) for m in TIMING_RE.finditer(outcome_text)) or None
    outcome_start, outcome_end = outcome_bounds or (0, min(2000, len(text)))
    expected = visit_focus.next_inspections(text, visit[1], outcome_start, outcome_end, report.page_at)

    findings = _findings(report, headings, outcome_bounds)
    priority = [f for f in findings if f.kind == "area_for_priority_action"]
    improvement = [f for f in findings if f.kind == "area_for_improvement"]
    return Record(
        document_type="area_send_inspection",
        authority=authority,
        published=dates.published_date(text),
        visit_start=visit[0],
        visit_end=visit[1],
        inspectors=_inspectors(report, headings),
        recipient=None,
        judgements=judgements,
        improvement_points=[f.text for f in priority + improvement],
        findings=findings,
        source=source,
        text=text,
        title=re.sub(r"\s+", " ", title.group()).strip(),
        framework=FRAMEWORK,
        inspection_kind="full",
        visit_focus=timing,
        partner_bodies=_partner_bodies(report, headings),
        next_inspections=expected,
    )


# ---------------------------------------------------------------------------------- headings


def _headings(report: ReportText) -> list[Heading]:
    found = find_headings(report, HEADINGS)
    seen = {h.start for h in found}
    for line in report.lines:
        if line.start in seen:
            continue
        for key, pattern in HEADING_PREFIX.items():
            m = pattern.match(line.text)
            if m:
                found.append(Heading(key, line.start, line.start + m.end(), m.group()))
                break
    found.sort(key=lambda h: h.start)
    # The "Areas for improvement" table repeats its heading as the header row: keep the first.
    out: list[Heading] = []
    for h in found:
        if out and out[-1].key == h.key and h.key in ("improvement", "priority"):
            continue
        out.append(h)
    return out


# ---------------------------------------------------------------------------- organisations


def _authority_from_information(report: ReportText, headings: list[Heading]) -> Authority | None:
    bounds = section_bounds(headings, "information", len(report.text))
    if not bounds:
        return None
    first = report.text[bounds[0] : bounds[1]].split(" are ")[0]
    return authorities.resolve(first)


def _partner_bodies(report: ReportText, headings: list[Heading]) -> list[str]:
    """The integrated care board(s) named in the first paragraph about the partnership."""
    bounds = section_bounds(headings, "information", len(report.text))
    if not bounds:
        return []
    # The first sentence naming an ICB names them all; later ones may abbreviate or misname.
    for a, b in pieces(report.text, *bounds)[:3]:
        for sentence in re.split(r"(?<=[.])\s+(?=[A-Z])", report.text[a:b]):
            found = icb_names(sentence)
            if found:
                return found
    return []


_ICB_RE = re.compile(r"\b(?:Integrated Care Board|ICB)\b")
_WORD_OK_RE = re.compile(r"^(?:[A-Z][\w’'&.-]*,?|and|&|of|the|upon|on)$")


def icb_names(sentence: str) -> list[str]:
    """ICB names in a sentence, as printed but with 'ICB' spelt out and '(ICB)' dropped.

    Walks back from each "Integrated Care Board"/"ICB" over capitalised words and joiners, then
    cuts the council off the front: "Dudley Metropolitan Borough Council and Black Country
    Integrated Care Board" -> "Black Country Integrated Care Board".
    """
    out: list[str] = []
    for m in _ICB_RE.finditer(sentence):
        before = sentence[: m.start()]
        if before.count("(") > before.count(")"):  # "(ICB)", "(NHS ST&W ICB)": an abbreviation
            continue
        words = sentence[: m.start()].split()
        taken: list[str] = []
        while words and _WORD_OK_RE.match(words[-1]) and not _closes_name(words, taken):
            taken.insert(0, words.pop())
        while taken and taken[0] in ("and", "&", "of", "the", "upon", "on"):
            taken.pop(0)
        if not taken:
            continue
        if "NHS" in taken:
            taken = taken[len(taken) - 1 - taken[::-1].index("NHS") :]
        else:
            taken = _after_council(taken)
        if not taken:
            continue
        name = " ".join(taken).rstrip(",") + " Integrated Care Board"
        if name not in out:
            out.append(name)
    return out


def _closes_name(words: list[str], taken: list[str]) -> bool:
    # Lower-case "the" only joins "X and the Y" (Cornwall and the Isles of Scilly).
    word = words[-1]
    if word == "the":
        return not (len(words) > 1 and words[-2] == "and" and taken)
    return False


def _after_council(taken: list[str]) -> list[str]:
    joined = " ".join(taken)
    for m in re.finditer(r" and ", joined):
        left, right = joined[: m.start()], joined[m.end() :]
        if COUNCIL_WORD_RE.search(left) and not COUNCIL_WORD_RE.search(right):
            return re.sub(r"^the ", "", right).split()
    return taken


# -------------------------------------------------------------------------------- inspectors

_TEAM_END_RE = re.compile(
    r"If you are not happy|The Office for Standards|Local area partnership details|Information about this inspection",
    re.I,
)
_LABEL_WORDS = {
    "ofsted",
    "cqc",
    "hmi",
    "lead",
    "inspector",
    "inspectors",
    "his",
    "her",
    "majesty’s",
    "majesty's",
}
_HONORIFICS = {"dr", "mr", "mrs", "ms", "miss", "prof", "professor"}
_LED_BY_HMI_RE = re.compile(r"inspection was led by (?:one of )?(?:His|Her) Majesty[’']s Inspectors", re.I)


def _inspectors(report: ReportText, headings: list[Heading]) -> list[Inspector]:
    bounds = section_bounds(headings, "team", len(report.text))
    if not bounds:
        return []
    block = report.text[bounds[0] : bounds[1]]
    stop = _TEAM_END_RE.search(block)
    if stop:
        block = block[: stop.start()]
    block = re.sub(r"^\s*Ofsted\s+Care Quality Commission\b", " ", block, flags=re.I)
    led_by_hmi = bool(_LED_BY_HMI_RE.search(report.text))
    return parse_team(block, led_by_hmi)


def parse_team(block: str, led_by_hmi: bool = True) -> list[Inspector]:
    """Names each followed by their labels ("Jo Petch, Ofsted HMI, lead inspector").

    The labels are a closed vocabulary, so a run of other capitalised words is a name. The
    Ofsted lead is an HMI when the report says the inspection was led by HMI. Only Ofsted's lead
    inspector led the inspection ("The inspection was led by one of His Majesty's Inspectors from
    Ofsted"): the CQC lead inspector leads the CQC team, role "cqc_lead", not `lead`.
    """
    tokens = re.findall(r"[^\s,]+|,", block)
    people: list[tuple[list[str], list[str]]] = []
    name: list[str] = []
    labels: list[str] = []
    for tok in tokens:
        if tok == ",":
            continue
        if tok.lower().strip("().") in _LABEL_WORDS:
            labels.append(tok.lower().strip("()."))
            continue
        if labels and name:
            people.append((name, labels))
            name, labels = [], []
        elif labels:
            labels = []
        name.append(tok)
    if name and labels:
        people.append((name, labels))
    out: list[Inspector] = []
    for words, labs in people:
        words = [w for w in words if w.lower().rstrip(".") not in _HONORIFICS]
        if not words:
            continue
        cqc = "cqc" in labs
        role: InspectorRole
        body: Inspectorate
        lead = "lead" in labs
        if cqc:
            role, body = ("cqc_lead" if lead else "cqc_inspector"), "cqc"
            lead = False
        elif "hmi" in labs or (lead and led_by_hmi):
            role, body = "hmi", "ofsted"
        else:
            role, body = "ofsted_inspector", "ofsted"
        out.append(Inspector(name=" ".join(words), lead=lead, role=role, inspectorate=body))
    return out


# ---------------------------------------------------------------------------------- findings


def _findings(report: ReportText, headings: list[Heading], outcome: tuple[int, int] | None) -> list[Finding]:
    text = report.text
    out: list[Finding] = []
    if outcome:
        for a, b in pieces(text, *outcome)[:1]:
            # The outcome statement may run on into the timing sentences on a crowded first page.
            stop = TIMING_RE.search(text, a, b)
            out.append(
                finding(report, "headline", Item(a, stop.start() if stop else b), "Inspection outcome")
            )
    for key, kind in PROSE_SECTIONS:
        bounds = section_bounds(headings, key, len(text))
        if not bounds:
            continue
        section = _heading_text(headings, key)
        for it in items(report, *bounds):
            out.append(finding(report, kind, it, section))
    bounds = section_bounds(headings, "priority", len(text))
    if bounds:
        for body, a, b in _priority_rows(report, *bounds):
            out.append(
                finding(
                    report,
                    "area_for_priority_action",
                    Item(a, b),
                    "Areas for priority action",
                    responsible_body=body,
                )
            )
    bounds = section_bounds(headings, "improvement", len(text))
    if bounds:
        a = bounds[0]
        m = IMPROVEMENT_HEADER_RE.match(text, a, bounds[1])
        if m:
            a = m.end()
        for ra, rb in _table_rows(report, a, bounds[1]):
            out.append(finding(report, "area_for_improvement", Item(ra, rb), "Areas for improvement"))
    return out


def _heading_text(headings: list[Heading], key: str) -> str | None:
    return next((h.text for h in headings if h.key == key), None)


def _lines_in(report: ReportText, start: int, end: int) -> list[int]:
    return [
        i for i, ln in enumerate(report.lines) if ln.start >= start and ln.end <= end and ln.end > ln.start
    ]


def _row_starts(report: ReportText, line_ids: list[int]) -> list[int]:
    """Indexes (into line_ids) of the lines that open a table row."""
    starts = [0] if line_ids else []
    for k in range(1, len(line_ids)):
        prev, cur = report.lines[line_ids[k - 1]], report.lines[line_ids[k]]
        if prev.page == cur.page and prev.y is not None and cur.y is not None:
            # Printed positions: a rule drawn between the two lines, and only that, opens a row.
            if report.rule_between(prev, cur):
                starts.append(k)
            continue
        if _new_row_by_text(report, prev, cur):
            starts.append(k)
    return starts


def _new_row_by_text(report: ReportText, prev: TextLine, cur: TextLine) -> bool:
    # Without positions (or across a page break): a new paragraph that is not a bullet, after a
    # finished sentence, opens a row; a lower-case start or a bullet continues the row.
    gap = report.text[prev.end : cur.start]
    if "\n\n" not in gap:
        return False
    if bullet_at(cur.text) or cur.text[:1].islower():
        return False
    return prev.text.rstrip().endswith((".", "?", "!"))


def _table_rows(report: ReportText, start: int, end: int) -> list[tuple[int, int]]:
    ids = _lines_in(report, start, end)
    if not ids:
        return []
    starts = _row_starts(report, ids)
    rows: list[tuple[int, int]] = []
    for n, k in enumerate(starts):
        last = (starts[n + 1] if n + 1 < len(starts) else len(ids)) - 1
        a = max(report.lines[ids[k]].start, start)
        b = report.lines[ids[last]].end
        a += _bullet_len(report.text, a)
        if a < b and any(ch.isalnum() for ch in report.text[a:b]):
            rows.append((a, b))
    return rows


def _bullet_len(text: str, at: int) -> int:
    m = bullet_at(text, at)
    return m.end() - at if m else 0


def _priority_rows(report: ReportText, start: int, end: int) -> list[tuple[str | None, int, int]]:
    """(responsible body, action start, action end) for each row of the priority action table."""
    text = report.text
    m = ROWS_HEADER_RE.search(text, start, end)
    if m:
        start = m.end()
    ids = _lines_in(report, start, end)
    if not ids:
        return []
    # Two columns: the body cell's lines come first, then the action cell's. A line belongs to
    # the body column when it starts left of the action column (positions), or, in text only,
    # when it belongs to the run of organisation names that ends a paragraph.
    is_body = _body_lines(report, ids)
    rows: list[tuple[str | None, int, int]] = []
    body: list[int] = []
    action: list[int] = []

    def close() -> None:
        if action:
            name = quote(" ".join(report.lines[i].text for i in body)) if body else None
            a = report.lines[action[0]].start
            a += _bullet_len(text, a)
            rows.append((name, a, report.lines[action[-1]].end))

    for i, flag in zip(ids, is_body, strict=True):
        if flag:
            if action:
                close()
                body, action = [], []
            body.append(i)
        else:
            action.append(i)
    close()
    return rows


def _body_lines(report: ReportText, ids: list[int]) -> list[bool]:
    xs = [x for x in (report.lines[i].x for i in ids) if x is not None]
    if len(xs) == len(ids):
        left = min(xs)
        # The action column starts well right of the body column (about a third of the width).
        return [x < left + 60 for x in xs] if max(xs) - left > 60 else [False] * len(ids)
    flags = [False] * len(ids)
    # Text only: walk each paragraph's lines back from its end while they read as organisations.
    by_para: dict[int, list[int]] = {}
    for k, i in enumerate(ids):
        by_para.setdefault(_paragraph_of(report, report.lines[i].start), []).append(k)
    for ks in by_para.values():
        tail: list[int] = []
        for k in reversed(ks):
            line = report.lines[ids[k]].text
            if line.rstrip().endswith((".", ":", ";")) or bullet_at(line):
                break
            tail.insert(0, k)
        if tail and BODY_WORDS_RE.search(" ".join(report.lines[ids[k]].text for k in tail)):
            for k in tail:
                flags[k] = True
    return flags


def _paragraph_of(report: ReportText, offset: int) -> int:
    for n, p in enumerate(report.paragraphs):
        if p.start <= offset <= p.end:
            return n
    return -1
