"""Themes of findings, matched from the lexicon held in the ontology's SKOS labels.

The lexicon is not in Python: it is every skos:prefLabel and skos:altLabel of the concepts of
okg:ThemeScheme in ontology/themes.ttl. Adding a synonym there changes what is matched here.

Matching convention (stated on okg:ThemeScheme too):
- a label with no lower-case letter is an abbreviation ("IRO", "MASH", "PA") and matches
  case-sensitively; any other label matches case-insensitively;
- whole words only; a space or hyphen between words of a label matches either ("life story" =
  "life-story"), and curly apostrophes equal straight ones;
- the last word of a label matches in its inflected forms ("care plan" = "care plans", "life
  story" = "life stories", "supervise" = "supervised", "supervising"), and a possessive in any
  word in its singular or plural ("child's plan" = "children's plan");
- a label "A of B" or "A of the B" (one word each side) also matches "B A" and "B's A"
  ("sufficiency of placements" = "placement sufficiency", "voice of the child" = "child's voice");
- " … " in a label stands for up to three words ("sufficiency of … placements" matches
  "sufficiency of suitable local placements"), never across punctuation;
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


GAP = "…"  # in a label: up to three words
_GAP_PATTERN = r"(?:[\w'’]+[\s\-]+){0,3}?"  # words and spaces only: no gap spans punctuation

# Plurals English does not make with -s; possessives and the last word of labels use them.
_IRREGULAR_PLURALS = {"child": "children", "person": "people", "man": "men", "woman": "women"}
_IRREGULAR_SINGULARS = {plural: singular for singular, plural in _IRREGULAR_PLURALS.items()}
_VOWELS = set("aeiou")


def _regular_forms(stem: str) -> set[str]:
    """-s, -ed and -ing forms of a stem, with the usual spelling changes."""
    forms = set()
    if stem.endswith("y") and len(stem) > 1 and stem[-2] not in _VOWELS:
        forms |= {stem[:-1] + "ies", stem[:-1] + "ied", stem + "ing"}
    else:
        forms.add(stem + ("es" if stem.endswith(("s", "x", "z", "ch", "sh")) else "s"))
        if stem.endswith("e"):
            forms |= {stem + "d", stem[:-1] + "ing"}
        else:
            forms |= {stem + "ed", stem + "ing"}
            if len(stem) > 2 and stem[-1] not in _VOWELS | {"w", "x", "y"} and stem[-2] in _VOWELS:
                forms |= {stem + stem[-1] + "ed", stem + stem[-1] + "ing"}  # plan -> planned
    return forms


def inflections(word: str, whole_label: bool = True) -> set[str]:
    """Every form the last word of a label matches, lower-cased (the word itself included).

    Only a base form is inflected: a one-word label fully ("supervise" -> supervises,
    supervised, supervising), the last word of a phrase in number only ("care plan" -> care
    plans, "life story" -> life stories; "family centre" is not "family-centred"). A label
    already written as a plural or an -ed/-ing form was chosen in that form ("contacts" is the
    front door, "contact" is also family time; "missing" is not "missed"), so it keeps to it and
    its plural ("recordings")."""
    lower = word.lower()
    if not lower.isalpha():
        return {lower}
    if lower.endswith(("ing", "ed")) or (lower.endswith("s") and not lower.endswith("ss")):
        return {lower, lower + "s"} if not lower.endswith("s") else {lower}
    forms = {lower} | _regular_forms(lower)
    if not whole_label:
        forms = {f for f in forms if not f.endswith(("ed", "ing"))} | {lower}
    if lower in _IRREGULAR_PLURALS:
        forms.add(_IRREGULAR_PLURALS[lower])
    return forms


def _possessives(word: str) -> set[str]:
    """child's -> child's, children's; managers' -> manager's, managers'."""
    if word.endswith("'s"):
        noun = word[:-2]
    elif word.endswith("s'"):
        noun = word[:-2]
    else:
        return {word}
    singular = _IRREGULAR_SINGULARS.get(noun.lower(), noun)
    plural = _IRREGULAR_PLURALS.get(singular.lower())
    out = {word, singular + "'s"}
    out |= {plural + "'s"} if plural else {singular + "s'"}
    return out


def _word_pattern(word: str, last: bool, case_sensitive: bool, whole_label: bool = True) -> str:
    if case_sensitive:
        return re.escape(word) + (r"(?:e?s)?" if last else "")  # abbreviations: "IROs"
    forms = _possessives(word)
    if last and len(forms) == 1:
        forms = inflections(word, whole_label)
    if len(forms) == 1:
        return re.escape(word)
    return "(?:" + "|".join(re.escape(f) for f in sorted(forms, key=lambda f: (-len(f), f))) + ")"


_OF_LABEL = re.compile(r"^([a-z]{3,}) of (?:the )?([a-z]{3,})$", re.IGNORECASE)


def label_variants(label: str) -> list[str]:
    """The label and its reordered forms: "A of (the) B" -> "B A", "B's A"."""
    label = label.translate(_APOSTROPHES)
    m = _OF_LABEL.match(label)
    if not m:
        return [label]
    head, noun = m.group(1), m.group(2)
    singular = _IRREGULAR_SINGULARS.get(noun.lower(), noun)
    if singular == noun and noun.lower().endswith("s") and not noun.lower().endswith("ss"):
        singular = noun[:-1]
    return [label, f"{singular} {head}", f"{singular}'s {head}"]


def _label_pattern(label: str, case_sensitive: bool = False) -> str:
    tokens = [t for t in re.split(r"(\s+|-)", label.translate(_APOSTROPHES)) if t]
    words = [i for i, t in enumerate(tokens) if not t.isspace() and t not in ("-", GAP)]
    parts = []
    for i, token in enumerate(tokens):
        if token == GAP:
            parts.append(_GAP_PATTERN)
        elif token.isspace():
            parts.append("" if i > 0 and tokens[i - 1] == GAP else r"[\s\-]+")
        elif token == "-":
            parts.append(r"[\s\-]?")
        else:
            parts.append(_word_pattern(token, i == words[-1], case_sensitive, len(words) == 1))
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
        # Each spelling of a label (reordered variants, possessive first words) is filed under
        # the first two letters it can start with.
        buckets: dict[str, list[tuple[int, str]]] = {}
        for i, term in enumerate(terms):
            variants = [term.label] if term.case_sensitive else label_variants(term.label)
            for variant in variants:
                first = re.split(r"[\s\-]", variant, maxsplit=1)[0]
                for form in _possessives(first) | {first}:
                    key = _bucket_key(form)
                    if (i, variant) not in buckets.setdefault(key, []):
                        buckets[key].append((i, variant))
        # Compiled on first use: most buckets are never needed by a short letter.
        self._members = buckets
        self._buckets: dict[str, re.Pattern[str]] = {}

    def _bucket(self, key: str) -> re.Pattern[str] | None:
        regex = self._buckets.get(key)
        if regex is None and key in self._members:
            terms = self.terms
            # Longest label first so that, at one position, the longest alternative wins (a gap
            # counts for nothing: "sufficiency of placements" is preferred to its gap form).
            members = sorted(
                self._members[key], key=lambda m: (-len(m[1].replace(f" {GAP}", "")), m[1], m[0])
            )
            alternatives = []
            for n, (i, variant) in enumerate(members):
                term = terms[i]
                body = _label_pattern(variant, term.case_sensitive)
                group = f"t{i}_{n}"
                alternatives.append(
                    f"(?P<{group}>{body})" if term.case_sensitive else f"(?P<{group}>(?i:{body}))"
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
            head = text[position : position + 2]
            # Two letters or digits: their own key (what _bucket_key would find), without its scan.
            regex = self._bucket(head.lower() if head.isalnum() else _bucket_key(text, position))
            m = regex.match(text, position) if regex else None
            if m and m.lastgroup:  # each alternative is one named group "t<term index>_..."
                term = self.terms[int(m.lastgroup[1:].split("_")[0])]
                if GAP in term.label and self._gap_holds_a_label(text, term, m.start(), m.end()):
                    continue  # "reviews of EHC plans" is about EHC plans, not any plan
                if not term.excluded:
                    found.append(ThemeMatch(term.notation, term.label, m.start(), m.end()))
                end = m.end()
        return found

    def _gap_holds_a_label(self, text: str, term: Term, start: int, end: int) -> bool:
        """Whether the words a gap label skipped over start a label of another theme: the
        gap label then gives way, and matching goes on from the next word."""
        first_word = re.match(r"[\w'’]+", text[start:end])
        inner = start + (first_word.end() if first_word else 1)
        return any(match.notation != term.notation for match in self.matches(text[inner:end]))

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
