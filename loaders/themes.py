"""Themes of findings, matched from the lexicon held in the ontology's SKOS labels.

The lexicon is not in Python: it is every skos:prefLabel and skos:altLabel of the concepts of
okg:ThemeScheme in ontology/themes.ttl. Adding a synonym there changes what is matched here.

Matching convention (stated on okg:ThemeScheme too):
- a label with no lower-case letter is an abbreviation ("IRO", "MASH", "PA") and matches
  case-sensitively; any other label matches case-insensitively;
- whole words only, with an optional plural ending; a space or hyphen between words of a label
  matches either ("life story" = "life-story"), and curly apostrophes equal straight ones;
- where labels overlap the longest wins, so "mental health" is mental-health, not also health.
"""

from __future__ import annotations

import importlib.resources
import re
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from . import polarity as polarity_mod
from .record import Finding, Record

OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")
THEME_SCHEME = OKG.ThemeScheme

# Same-length substitutions only, so match offsets stay valid in the original text.
_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u2010": "-", "\u2011": "-"})


@dataclass(frozen=True)
class Term:
    """One lexicon entry: a label of a theme concept."""

    label: str
    notation: str
    excluded: bool = False  # an okg:excludedLabel: consumes the phrase, assigns no theme

    @property
    def case_sensitive(self) -> bool:
        return not any(ch.islower() for ch in self.label)


@dataclass(frozen=True)
class ThemeMatch:
    notation: str
    label: str  # the lexicon label that matched (not the surface text)
    start: int
    end: int


def _label_pattern(label: str) -> str:
    label = label.translate(_APOSTROPHES)
    parts = []
    for token in re.split(r"(\s+|-)", label):
        if not token:
            continue
        if token.isspace():
            parts.append(r"[\s\-]+")
        elif token == "-":
            parts.append(r"[\s\-]?")
        else:
            parts.append(re.escape(token))
    return "".join(parts)


def _bucket_key(text: str, start: int = 0) -> str:
    """The first two letters or digits from `start`, lower-cased: which labels can match here."""
    return "".join(ch for ch in text[start : start + 8] if ch.isalnum())[:2].lower()


_WORD_START = re.compile(r"(?<!\w)\w")


class Lexicon:
    """The theme lexicon compiled into regular expressions (leftmost, then longest, match).

    One alternation over a thousand labels tried at every character is slow, so labels are
    bucketed by their first two letters and only the bucket for a word's start is tried there.
    """

    def __init__(self, terms: list[Term], order: list[str]) -> None:
        if not terms:
            raise ValueError("the theme lexicon is empty: no labels found in okg:ThemeScheme")
        self.terms = terms
        self.notations = order  # scheme order, for a stable theme order in records
        buckets: dict[str, list[int]] = {}
        for i, term in enumerate(terms):
            buckets.setdefault(_bucket_key(term.label.translate(_APOSTROPHES)), []).append(i)
        self._buckets: dict[str, re.Pattern[str]] = {}
        for key, members in buckets.items():
            # Longest label first so that, at one position, the longest alternative wins.
            members.sort(key=lambda i: (-len(terms[i].label), terms[i].label))
            alternatives = []
            for i in members:
                body = _label_pattern(terms[i].label) + r"(?:e?s)?"
                alternatives.append(
                    f"(?P<t{i}>{body})" if terms[i].case_sensitive else f"(?P<t{i}>(?i:{body}))"
                )
            self._buckets[key] = re.compile(r"(?:" + "|".join(alternatives) + r")(?!\w)")

    @classmethod
    def from_graph(cls, graph: Graph, scheme: URIRef = THEME_SCHEME) -> Lexicon:
        """The lexicon of a theme scheme in `graph` (tests pass a modified copy of the ontology)."""
        terms: list[Term] = []
        order: list[str] = []
        # Walking the triples directly: rdflib's SPARQL engine takes over a second for this.
        concepts = sorted(set(graph.subjects(SKOS.inScheme, scheme)), key=str)
        for concept in concepts:
            notation = graph.value(concept, SKOS.notation)
            if notation is None:
                continue
            order.append(str(notation))
            labels = {str(x) for p in (SKOS.prefLabel, SKOS.altLabel) for x in graph.objects(concept, p)}
            excluded = {str(x) for x in graph.objects(concept, OKG.excludedLabel)}
            terms += [Term(label, str(notation)) for label in sorted(labels)]
            terms += [Term(label, str(notation), excluded=True) for label in sorted(excluded)]
        return cls(terms, order)

    def matches(self, text: str) -> list[ThemeMatch]:
        text = text.translate(_APOSTROPHES)
        found: list[ThemeMatch] = []
        end = 0
        for start in _WORD_START.finditer(text):
            position = start.start()
            if position < end:
                continue  # inside the previous match: overlapping labels resolve to the longest
            regex = self._buckets.get(_bucket_key(text, position))
            m = regex.match(text, position) if regex else None
            if m:
                term = self.terms[int(m.lastgroup[1:])]  # type: ignore[index]
                if not term.excluded:
                    found.append(ThemeMatch(term.notation, term.label, m.start(), m.end()))
                end = m.end()
        return found

    def themes(self, text: str) -> dict[str, list[str]]:
        """Theme notation -> the distinct labels that matched, in order of first appearance."""
        out: dict[str, list[str]] = {}
        for match in self.matches(text):
            labels = out.setdefault(match.notation, [])
            if match.label not in labels:
                labels.append(match.label)
        return out


def themes_graph() -> Graph:
    """The theme scheme as shipped in the package."""
    graph = Graph()
    source = importlib.resources.files("ofsted_kg.ontology") / "themes.ttl"
    graph.parse(data=source.read_text(encoding="utf-8"), format="turtle")
    return graph


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the packaged ontology, read and compiled once per process."""
    return Lexicon.from_graph(themes_graph())


def classify_finding(finding: Finding, lexicon: Lexicon | None = None) -> None:
    """Fill a finding's themes, theme_terms, polarity and polarity_cues in place."""
    lexicon = lexicon or default_lexicon()
    terms = lexicon.themes(finding.text)
    finding.themes = list(terms)
    finding.theme_terms = terms
    result = polarity_mod.decide(finding.text, finding.kind)
    finding.polarity = result.polarity
    finding.polarity_cues = list(result.cues)


def classify(record: Record, lexicon: Lexicon | None = None) -> Record:
    """Classify every finding of a record (themes and polarity); returns the same record."""
    lexicon = lexicon or default_lexicon()
    for finding in record.findings:
        classify_finding(finding, lexicon)
    return record
