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
   "although", "but", "while" ...) joins them, in which case the dominant side wins.
Every cue that counted is returned (e.g. "strength:effective", "concern:not … consistently",
"contrast:however"), so the graph records why a finding got its polarity.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

CONCERN_KINDS = frozenset({"area_for_improvement", "area_for_priority_action"})

# Words and phrases with which inspectors praise practice. Single words are matched whole; the
# "well" cue is the adverb ("known well", "well supported"), so "well-being" and "as well as"
# are blanked first (see _CONTEXT).
STRENGTH_CUES: tuple[str, ...] = (
    "effective", "effectively", "strong", "stronger", "strongly", "strengthened", "well", "good",
    "high quality", "high-quality", "timely", "promptly", "prompt", "swift", "swiftly", "quickly",
    "improved", "improving", "made improvements", "significant improvement", "robust", "robustly",
    "thorough", "comprehensive", "skilled", "committed", "commitment", "dedicated", "appropriate",
    "appropriately", "sensitive", "sensitively", "positive", "positively", "benefit", "benefits",
    "valued", "proactive", "proactively", "creative", "creatively", "tenacious", "clear", "clearly",
    "consistent", "consistently", "excellent", "impressive", "ambitious", "outstanding", "helpful",
    "successful", "successfully", "accurate", "accurately", "detailed", "careful", "carefully",
    "decisive", "decisively", "right time", "progress", "child-centred", "embedded", "confident",
    "confidently", "purposeful", "thrive", "manageable", "stable", "supportive", "responsive",
    "innovative", "exceptional", "rigorous", "analytical", "well-established", "well-coordinated",
    "well-attended", "enjoy", "proud", "passionate", "highly regarded", "strength", "strengths",
    "knowledgeable", "inclusive", "secure", "reflective", "meaningful", "meaningfully",
)

# Words and phrases with which inspectors report weaknesses. "not" is the commonest of all
# ("does not", "are not consistently"); "too" covers "too many", "too long", "too often".
CONCERN_CUES: tuple[str, ...] = (
    "not", "n't", "no", "never", "inconsistent", "inconsistently", "inconsistency", "variable",
    "variability", "varied", "variation", "variations", "delay", "delays", "delayed", "drift",
    "weak", "weaker", "weakness", "weaknesses", "too", "limited", "limits", "needs to improve",
    "need to improve", "needs to be", "need to be", "insufficient", "insufficiently", "lack",
    "lacks", "lacking", "poor", "poorly", "gap", "gaps", "shortfall", "shortfalls", "deficit",
    "deficits", "fail", "fails", "failed", "failure", "failures", "failings", "ineffective",
    "unclear", "missed", "missed opportunity", "overdue", "backlog", "under-developed",
    "underdeveloped", "patchy", "inappropriate", "inappropriately", "slow", "superficial",
    "reactive", "absent", "unhelpful", "stretched", "struggle", "struggling", "difficult",
    "little", "uncertainty", "mixed views", "oversubscribed", "more to do", "work to do",
    "further work", "still work", "requires improvement", "require improvement", "hinder",
    "hindering", "undermine", "undermines", "concerns about the", "unassessed", "inadequate",
    "waiting", "wait", "waits", "yet to", "less", "fewer", "low", "only", "some way to go",
    "not yet", "rather than", "reliant", "rely",
)

# Cues that turn the next strength cue (within NEGATION_WINDOW words) into a concern.
NEGATORS: tuple[str, ...] = (
    "not", "n't", "no", "never", "nor", "lack", "lacks", "lacking", "insufficiently", "little",
    "less", "without", "fewer", "yet to",
)
# Cues that turn the next concern cue into a strength: "without delay", "reduce drift".
REDUCERS: tuple[str, ...] = (
    "without", "no", "minimal", "minimum", "minimise", "minimised", "reduce", "reduced", "reduces",
    "reducing", "avoid", "avoids", "avoided", "avoiding", "prevent", "prevents", "prevented",
    "preventing", "address", "addressed", "addresses", "tackle", "tackled", "overcome", "fewer",
    "less", "low",
)
NEGATION_WINDOW = 3  # words between a negator and the cue it flips

# Contrast markers: a finding whose strengths and concerns are joined by one of these is mixed.
CONTRAST_MARKERS: tuple[str, ...] = (
    "however", "although", "though", "but", "while", "whilst", "nevertheless", "yet", "except",
    "despite", "notwithstanding",
)
# One side wins outright when it has at least this many times the other side's sentences
# and no contrast marker is present.
DOMINANCE = 3

# Phrases that name a grade, a heading or a sense of "well" that is not praise: blanked out
# before cueing so they count for neither side.
_CONTEXT = re.compile(
    r"requires? improvement to be good|required improvement to be good|judged (?:to be )?\w+"
    r"|areas? for (?:improvement|development|priority action)|what needs to improve"
    r"|strengths and (?:weaknesses|areas (?:for|of) (?:development|improvement))"
    r"|well[\s-]?being|as well as|as well|no further action|no longer|not only"
    r"|help and protection|in need of help",
    re.IGNORECASE,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+(?=[A-Z‘'“\"(\d])")
_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*|n't")
_DESPITE = re.compile(r"\bdespite\b[^,.;]*", re.IGNORECASE)


@dataclass(frozen=True)
class PolarityResult:
    polarity: str
    cues: tuple[str, ...]


def _phrase_index(phrases: tuple[str, ...]) -> dict[tuple[str, ...], str]:
    return {tuple(_WORD.findall(p.lower())): p for p in phrases}


_STRENGTH = _phrase_index(STRENGTH_CUES)
_CONCERN = _phrase_index(CONCERN_CUES)
_NEGATORS = _phrase_index(NEGATORS)
_REDUCERS = _phrase_index(REDUCERS)
_MAX_PHRASE = max(len(k) for k in (*_STRENGTH, *_CONCERN, *_NEGATORS, *_REDUCERS))


def _longest(words: list[str], i: int, index: dict[tuple[str, ...], str]) -> int:
    """Length (in words) of the longest phrase of `index` starting at words[i], or 0."""
    for n in range(min(_MAX_PHRASE, len(words) - i), 0, -1):
        if tuple(words[i : i + n]) in index:
            return n
    return 0


def _sentence_cues(sentence: str) -> tuple[list[str], list[str]]:
    """The strength and concern cues of one sentence, negation applied."""
    words = _WORD.findall(sentence.lower())
    strengths: list[str] = []
    concerns: list[str] = []
    negator_at: tuple[int, str] | None = None  # word position and text of the last negator
    reducer_at: tuple[int, str] | None = None
    i = 0
    while i < len(words):
        n_s = _longest(words, i, _STRENGTH)
        n_c = _longest(words, i, _CONCERN)
        n_neg = _longest(words, i, _NEGATORS)
        n_red = _longest(words, i, _REDUCERS)
        if n_s and n_s >= n_c:
            phrase = " ".join(words[i : i + n_s])
            if negator_at and i - negator_at[0] <= NEGATION_WINDOW:
                # The negator was provisionally counted as a concern; it is now part of this cue.
                if concerns and concerns[-1] == negator_at[1]:
                    concerns.pop()
                concerns.append(f"{negator_at[1]} … {phrase}")
                negator_at = None
            else:
                strengths.append(phrase)
            i += n_s
            continue
        if n_c:
            phrase = " ".join(words[i : i + n_c])
            if reducer_at and i - reducer_at[0] <= NEGATION_WINDOW and phrase != reducer_at[1]:
                if concerns and concerns[-1] == reducer_at[1]:
                    concerns.pop()
                strengths.append(f"{reducer_at[1]} … {phrase}")
                reducer_at = None
            else:
                concerns.append(phrase)
                if n_neg:
                    negator_at = (i + n_c - 1, phrase)
                if n_red:
                    reducer_at = (i + n_c - 1, phrase)
            i += n_c
            continue
        if n_neg or n_red:
            phrase = " ".join(words[i : i + max(n_neg, n_red)])
            if n_neg:
                negator_at = (i + n_neg - 1, phrase)
            if n_red:
                reducer_at = (i + n_red - 1, phrase)
            i += max(n_neg, n_red)
            continue
        i += 1
    return strengths, concerns


def decide(text: str, kind: str | None = None) -> PolarityResult:
    """The polarity of a finding's text and the cues that decided it."""
    if kind in CONCERN_KINDS:
        return PolarityResult("concern", (f"kind:{kind}",))
    text = text.replace("\u2019", "'").replace("\u2018", "'")
    text = _CONTEXT.sub(" ", text)
    text = _DESPITE.sub(" ", text)
    cues: list[str] = []
    positive = negative = 0
    for sentence in _SENTENCE_SPLIT.split(text):
        strengths, concerns = _sentence_cues(sentence)
        cues += [f"strength:{c}" for c in strengths] + [f"concern:{c}" for c in concerns]
        if len(strengths) > len(concerns):
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
    if not contrasts and negative >= DOMINANCE * positive:
        return PolarityResult("concern", tuple(cues))
    return PolarityResult("mixed", tuple(cues))
