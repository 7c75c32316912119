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
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import SKOS

from . import polarity as polarity_mod
from .record import Finding, Record

OKG = Namespace("https://w3id.org/ofsted-kg/ontology#")
THEME_SCHEME = OKG.ThemeScheme
_IN_SCHEME = str(SKOS.inScheme)
_NOTATION = str(SKOS.notation)
_LABELS = frozenset({str(SKOS.prefLabel), str(SKOS.altLabel)})
_EXCLUDED = str(OKG.excludedLabel)

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
        # Compiled on first use: most buckets are never needed by a short letter.
        self._members = buckets
        self._buckets: dict[str, re.Pattern[str]] = {}

    def _bucket(self, key: str) -> re.Pattern[str] | None:
        regex = self._buckets.get(key)
        if regex is None and key in self._members:
            terms = self.terms
            # Longest label first so that, at one position, the longest alternative wins.
            members = sorted(self._members[key], key=lambda i: (-len(terms[i].label), terms[i].label))
            alternatives = []
            for i in members:
                body = _label_pattern(terms[i].label) + r"(?:e?s)?"
                alternatives.append(
                    f"(?P<t{i}>{body})" if terms[i].case_sensitive else f"(?P<t{i}>(?i:{body}))"
                )
            regex = self._buckets[key] = re.compile(r"(?:" + "|".join(alternatives) + r")(?!\w)")
        return regex

    @classmethod
    def from_graph(cls, graph: Graph, scheme: URIRef = THEME_SCHEME) -> Lexicon:
        """The lexicon of a theme scheme in an rdflib graph (tests pass a modified copy)."""
        return cls.from_triples(((str(s), str(p), str(o)) for s, p, o in graph), str(scheme))

    @classmethod
    def from_triples(
        cls, triples: Iterable[tuple[str, str, str]], scheme: str = str(THEME_SCHEME)
    ) -> Lexicon:
        """The lexicon from (subject, predicate, object) strings: IRIs, or literal values."""
        in_scheme: set[str] = set()
        notation: dict[str, str] = {}
        labels: dict[str, set[str]] = {}
        excluded: dict[str, set[str]] = {}
        for s, p, o in triples:
            if p == _IN_SCHEME and o == scheme:
                in_scheme.add(s)
            elif p == _NOTATION:
                notation[s] = o
            elif p in _LABELS:
                labels.setdefault(s, set()).add(o)
            elif p == _EXCLUDED:
                excluded.setdefault(s, set()).add(o)
        terms: list[Term] = []
        order: list[str] = []
        for concept in sorted(c for c in in_scheme if c in notation):
            order.append(notation[concept])
            terms += [Term(label, notation[concept]) for label in sorted(labels.get(concept, ()))]
            terms += [
                Term(label, notation[concept], excluded=True) for label in sorted(excluded.get(concept, ()))
            ]
        return cls(terms, order)

    def matches(self, text: str) -> list[ThemeMatch]:
        text = text.translate(_APOSTROPHES)
        found: list[ThemeMatch] = []
        end = 0
        for start in _WORD_START.finditer(text):
            position = start.start()
            if position < end:
                continue  # inside the previous match: overlapping labels resolve to the longest
            regex = self._bucket(_bucket_key(text, position))
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


def _themes_source() -> bytes:
    return (importlib.resources.files("ofsted_kg.ontology") / "themes.ttl").read_bytes()


def themes_graph() -> Graph:
    """The theme scheme as shipped in the package, as an rdflib graph."""
    return Graph().parse(data=_themes_source().decode("utf-8"), format="turtle")


@lru_cache(maxsize=1)
def default_lexicon() -> Lexicon:
    """The lexicon of the packaged ontology, read and compiled once per process.

    Parsed with pyoxigraph (milliseconds, against a fifth of a second for rdflib)."""
    import pyoxigraph

    quads = pyoxigraph.parse(_themes_source(), format=pyoxigraph.RdfFormat.TURTLE)
    return Lexicon.from_triples((q.subject.value, q.predicate.value, q.object.value) for q in quads)


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
