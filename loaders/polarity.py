"""Polarity of a finding (strength / concern / mixed / neutral) from cue phrases: deterministic and explainable.

How it decides, in order:
1. Findings of kind area_for_improvement or area_for_priority_action are concerns by construction
   (cue "kind:<kind>"): Ofsted lists there what must improve, whatever words it uses.
2. Phrases that name a grade or a heading rather than judge anything ("requires improvement to be
   good", "areas for improvement", "well-being", "as well as") are blanked out first.
3. Each sentence is scanned for strength cues and concern cues. A negator shortly before a
   strength cue turns it into a concern ("not … effective", "lack of … clear"); a reducer shortly
   before a concern cue turns it into a strength ("without delay", "reduce drift"). A concessive
   "despite …" clause is context, not a judgement, so its cues are not counted.
4. Each sentence leans to the side with more cues. The finding is strength if only strength
   sentences occur, concern if only concern sentences, neutral if neither, and otherwise mixed —
   unless one side outweighs the other by DOMINANCE or more and no contrast marker ("however",
   "although", "but", "while" ...) joins them, in which case the dominant side wins. Concern
   sentences also win over a contrast marker when they outnumber strength ones DOMINANCE + 1 to 1.
Every cue that counted is returned (e.g. "strength:effective", "concern:not … consistently",
"contrast:however"), so the graph records why a finding got its polarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .record import FindingKind, Polarity

CONCERN_KINDS: frozenset[FindingKind] = frozenset({"area_for_improvement", "area_for_priority_action"})

# Words and phrases with which inspectors praise practice. Single words are matched whole; the
# "well" cue is the adverb ("known well", "well supported"), so "well-being" and "as well as"
# are blanked first (see _CONTEXT).
STRENGTH_CUES: tuple[str, ...] = (
    "effective",
    "effectively",
    "strong",
    "stronger",
    "strongly",
    "strengthened",
    "well",
    "good",
    "high quality",
    "high-quality",
    "timely",
    "promptly",
    "prompt",
    "swift",
    "swiftly",
    "quickly",
    "improved",
    "improving",
    "made improvements",
    "significant improvement",
    "robust",
    "robustly",
    "thorough",
    "comprehensive",
    "skilled",
    "committed",
    "commitment",
    "dedicated",
    "appropriate",
    "appropriately",
    "sensitive",
    "sensitively",
    "positive",
    "positively",
    "benefit",
    "benefits",
    "valued",
    "proactive",
    "proactively",
    "creative",
    "creatively",
    "tenacious",
    "clear",
    "clearly",
    "consistent",
    "consistently",
    "excellent",
    "impressive",
    "ambitious",
    "outstanding",
    "helpful",
    "successful",
    "successfully",
    "accurate",
    "accurately",
    "detailed",
    "careful",
    "carefully",
    "decisive",
    "decisively",
    "right time",
    "progress",
    "child-centred",
    "embedded",
    "confident",
    "confidently",
    "purposeful",
    "thrive",
    "manageable",
    "stable",
    "supportive",
    "responsive",
    "innovative",
    "exceptional",
    "rigorous",
    "analytical",
    "well-established",
    "well-coordinated",
    "well-attended",
    "enjoy",
    "proud",
    "passionate",
    "highly regarded",
    "strength",
    "strengths",
    "knowledgeable",
    "inclusive",
    "secure",
    "reflective",
    "meaningful",
    "meaningfully",
    "to the credit",
    "prioritised",
    "listened to",
    "listen to",
)

# Words and phrases with which inspectors report weaknesses. "not" is the commonest of all
# ("does not", "are not consistently"); "too" covers "too many", "too long", "too often".
CONCERN_CUES: tuple[str, ...] = (
    "not",
    "n't",
    "no",
    "never",
    "inconsistent",
    "inconsistently",
    "inconsistency",
    "variable",
    "variability",
    "varied",
    "variation",
    "variations",
    "delay",
    "delays",
    "delayed",
    "drift",
    "weak",
    "weaker",
    "weakness",
    "weaknesses",
    "too",
    "limited",
    "limits",
    "needs to improve",
    "need to improve",
    "needs to be",
    "need to be",
    "insufficient",
    "insufficiently",
    "lack",
    "lacks",
    "lacking",
    "poor",
    "poorly",
    "gap",
    "gaps",
    "shortfall",
    "shortfalls",
    "deficit",
    "deficits",
    "fail",
    "fails",
    "failed",
    "failure",
    "failures",
    "failings",
    "ineffective",
    "unclear",
    "missed",
    "missed opportunity",
    "overdue",
    "backlog",
    "under-developed",
    "underdeveloped",
    "patchy",
    "inappropriate",
    "inappropriately",
    "slow",
    "superficial",
    "reactive",
    "absent",
    "unhelpful",
    "stretched",
    "struggle",
    "struggling",
    "difficult",
    "little",
    "uncertainty",
    "mixed views",
    "oversubscribed",
    "more to do",
    "work to do",
    "further work",
    "still work",
    "requires improvement",
    "require improvement",
    "hinder",
    "hindering",
    "undermine",
    "undermines",
    "concerns about the",
    "unassessed",
    "inadequate",
    "waiting",
    "wait",
    "waits",
    "yet to",
    "less",
    "fewer",
    "low",
    "only",
    "some way to go",
    "not yet",
    "rather than",
    "reliant",
    "rely",
    "well enough",
    "the need to",
    "neither",
    "deterioration",
    "deteriorated",
    "declined",
    "decline",
    "churn",
    "instability",
    "need to be improved",
    "needs to be improved",
    "to be improved",
    "still required",
    "improvements to be made",
    "improvement is required",
    "improvements are required",
    "further improvement",
)

# Cues that turn the next strength cue (within NEGATION_WINDOW words) into a concern.
NEGATORS: tuple[str, ...] = (
    "not",
    "n't",
    "no",
    "never",
    "lack",
    "lacks",
    "lacking",
    "insufficiently",
    "little",
    "less",
    "without",
    "fewer",
    "yet to",
    "neither",
    "limited",
    "insufficient",
)
# Cues that turn the next concern cue into a strength: "without delay", "reduce drift".
REDUCERS: tuple[str, ...] = (
    "without",
    "no",
    "minimal",
    "minimum",
    "minimise",
    "minimised",
    "reduce",
    "reduced",
    "reduces",
    "reducing",
    "avoid",
    "avoids",
    "avoided",
    "avoiding",
    "prevent",
    "prevents",
    "prevented",
    "preventing",
    "address",
    "addressed",
    "addresses",
    "addressing",
    "tackling",
    "reduction",
    "tackle",
    "tackled",
    "overcome",
    "fewer",
    "less",
    "low",
)
NEGATION_WINDOW = 3  # words between a negator and the cue it flips

# Contrast markers: a finding whose strengths and concerns are joined by one of these is mixed.
CONTRAST_MARKERS: tuple[str, ...] = (
    "however",
    "although",
    "though",
    "but",
    "while",
    "whilst",
    "nevertheless",
    "yet",
    "except",
    "despite",
    "notwithstanding",
)
# One side wins outright when it has at least this many times the other side's sentences
# and no contrast marker is present.
DOMINANCE = 3

# Phrases that name a grade, a heading or a sense of "well" that is not praise: blanked out
# before cueing so they count for neither side.
_CONTEXT = re.compile(
    r"(?:judged|rated|graded)(?: to be| as)? (?:requires? improvement to be good|adequate|good|outstanding"
    r"|inadequate)|requires? improvement to be good|required improvement to be good"
    r"|areas? for (?:improvement|development|priority action)|what needs to improve"
    r"|strengths and (?:weaknesses|areas (?:for|of) (?:development|improvement))"
    r"|well[\s-]?being|as well as|as well|no further action|no longer|not only"
    r"|help and protection|in need of help|experiences and progress|progress and experiences"
    r"|how well",
    re.IGNORECASE,
)
# The same pattern without IGNORECASE, for lower-cased ASCII text: Python's re cannot skip ahead
# to a candidate first letter in a case-insensitive alternation, so it tries every branch at every
# character; on ASCII text lower-casing keeps every position, and (the pattern being all lower
# case) both find the same spans. A quarter of the time of classifying a finding's polarity.
_CONTEXT_LOWER = re.compile(_CONTEXT.pattern)


def _blank_context(text: str) -> str:
    """`_CONTEXT.sub(" ", text)`, faster for ASCII text (nearly every finding once quotes are plain)."""
    if not text.isascii():
        return _CONTEXT.sub(" ", text)
    out: list[str] = []
    last = 0
    for match in _CONTEXT_LOWER.finditer(text.lower()):
        out += (text[last : match.start()], " ")
        last = match.end()
    if not out:
        return text
    out.append(text[last:])
    return "".join(out)


_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z‘'“\"(\d])")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*|n't")
_TOKEN = re.compile(r"[a-z]+(?:-[a-z]+)*|n't|[,;:()]")
_CLAUSE_BREAKS = frozenset(",;:()")
_DESPITE = re.compile(r"\bdespite\b[^,.;]*", re.IGNORECASE)


@dataclass(frozen=True)
class PolarityResult:
    polarity: Polarity
    cues: tuple[str, ...]


class _PhraseIndex:
    """Phrases as word tuples, with the phrase lengths that can start at each first word.

    Most words start no phrase, so a dictionary lookup on the word settles them at once."""

    def __init__(self, phrases: tuple[str, ...]) -> None:
        self.phrases = {tuple(_WORD.findall(p.lower())): p for p in phrases}
        lengths: dict[str, set[int]] = {}
        for key in self.phrases:
            lengths.setdefault(key[0], set()).add(len(key))
        self.lengths = {word: sorted(ns, reverse=True) for word, ns in lengths.items()}


_CONTRAST_SET = frozenset(CONTRAST_MARKERS)
_STRENGTH = _PhraseIndex(STRENGTH_CUES)
_CONCERN = _PhraseIndex(CONCERN_CUES)
_NEGATORS = _PhraseIndex(NEGATORS)
_REDUCERS = _PhraseIndex(REDUCERS)
_PHRASE_STARTS = frozenset().union(*(index.lengths for index in (_STRENGTH, _CONCERN, _NEGATORS, _REDUCERS)))


def _longest(words: list[str], i: int, index: _PhraseIndex) -> int:
    """Length (in words) of the longest phrase of `index` starting at words[i], or 0."""
    for n in index.lengths.get(words[i], ()):
        if n <= len(words) - i and tuple(words[i : i + n]) in index.phrases:
            return n
    return 0


def _sentence_cues(sentence: str) -> tuple[list[str], list[str]]:
    """The strength and concern cues of one sentence, negation applied.

    A negator opens a scope that runs to the next comma, semicolon, colon, bracket or contrast
    marker: every strength cue inside it counts as a concern ("does not receive timely or
    effective help" gives two). A second negator inside the scope cancels it ("would not have
    been possible without strong partnerships" is praise). Reducers act on the concern cue just
    after them only ("without delay").
    """
    tokens = _TOKEN.findall(sentence.lower())
    strengths: list[str] = []
    concerns: list[str] = []
    negation: str | None = None  # the negator whose scope we are in
    reducer_at: tuple[int, str] | None = None
    i = 0
    while i < len(tokens):
        token = tokens[i]
        if token in _CLAUSE_BREAKS or token in _CONTRAST_SET:
            negation = None
            i += 1
            continue
        if token not in _PHRASE_STARTS:
            i += 1  # most words start no phrase of any kind
            continue
        n_s = _longest(tokens, i, _STRENGTH)
        n_c = _longest(tokens, i, _CONCERN)
        n_neg = _longest(tokens, i, _NEGATORS)
        n_red = _longest(tokens, i, _REDUCERS)
        if n_s and n_s >= n_c:
            phrase = " ".join(tokens[i : i + n_s])
            if negation:
                if concerns and concerns[-1] == negation:
                    concerns.pop()  # the negator now belongs to this compound cue
                concerns.append(f"{negation} … {phrase}")
            else:
                strengths.append(phrase)
            i += n_s
            continue
        if n_c:
            phrase = " ".join(tokens[i : i + n_c])
            if reducer_at and i - reducer_at[0] <= NEGATION_WINDOW and phrase != reducer_at[1]:
                if concerns and concerns[-1] == reducer_at[1]:
                    concerns.pop()
                if negation:  # "does not address the deficits": still a concern
                    if concerns and concerns[-1] == negation:
                        concerns.pop()
                    concerns.append(f"{negation} … {reducer_at[1]} … {phrase}")
                else:
                    strengths.append(f"{reducer_at[1]} … {phrase}")
                reducer_at = None
                i += n_c
                continue
            if negation and n_neg:
                # Double negation ("not ... without"): the scope closes, the pair is no cue.
                if concerns and concerns[-1] == negation:
                    concerns.pop()
                negation = None
            elif not (negation and concerns and concerns[-1].startswith(negation)):
                concerns.append(phrase)
                if n_neg:
                    negation = phrase
            if n_red:
                reducer_at = (i + n_c - 1, phrase)
            i += n_c
            continue
        if n_neg or n_red:
            phrase = " ".join(tokens[i : i + max(n_neg, n_red)])
            if n_neg and negation:
                # Double negation ("not ... without"): the scope closes, the pair is no cue.
                if concerns and concerns[-1] == negation:
                    concerns.pop()
                negation = None
            elif n_neg:
                negation = phrase
            if n_red:
                reducer_at = (i + n_red - 1, phrase)
            i += max(n_neg, n_red)
            continue
        i += 1
    return strengths, concerns


def decide(text: str, kind: FindingKind | None = None) -> PolarityResult:
    """The polarity of a finding's text and the cues that decided it."""
    if kind in CONCERN_KINDS:
        return PolarityResult("concern", (f"kind:{kind}",))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _blank_context(text)
    text = _DESPITE.sub(" ", text)
    cues: list[str] = []
    positive = negative = 0
    for sentence in _SENTENCE_SPLIT.split(text):
        strengths, concerns = _sentence_cues(sentence)
        cues += [f"strength:{c}" for c in strengths] + [f"concern:{c}" for c in concerns]
        if strengths and concerns and _CONTRAST_SET & set(_WORD.findall(sentence.lower())):
            positive += 1  # "X is good, although Y is not": both halves are judgements
            negative += 1
        elif len(strengths) > len(concerns):
            positive += 1
        elif len(concerns) > len(strengths):
            negative += 1
        elif strengths:
            positive += 1
            negative += 1
    words = set(_WORD.findall(text.lower()))
    contrasts = [m for m in CONTRAST_MARKERS if m in words]
    if not positive and not negative:
        return PolarityResult("neutral", tuple(cues))
    if not negative:
        return PolarityResult("strength", tuple(cues))
    if not positive:
        return PolarityResult("concern", tuple(cues))
    cues += [f"contrast:{m}" for m in contrasts]
    if not contrasts and positive >= DOMINANCE * negative:
        return PolarityResult("strength", tuple(cues))
    # A critical paragraph often opens with a concession ("Although most children are seen
    # regularly, ..."), so many concern sentences outweigh a contrast marker; praise with even one
    # contrast marker signals a real reservation, hence no such rule for strength.
    if negative >= (DOMINANCE + 1 if contrasts else DOMINANCE) * positive:
        return PolarityResult("concern", tuple(cues))
    return PolarityResult("mixed", tuple(cues))
