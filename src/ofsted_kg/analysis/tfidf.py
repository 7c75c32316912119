"""TF-IDF vectors and cosine similarity of finding texts (numpy; no scikit-learn needed).

Sublinear term frequency, smoothed IDF and L2-normalised rows, as scikit-learn's
TfidfVectorizer(sublinear_tf=True) does. Similarity is computed in blocks (the findings that
share one theme), so memory grows with the largest theme, not with the corpus squared.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

# Words that say nothing about what a finding is about: English function words plus the
# vocabulary every inspection letter repeats ("children", "social", "workers" ...), which would
# otherwise make any two findings look alike.
STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had has
    have having he her here hers him his how i if in into is it its itself just me more most my no nor
    not now of off on once only or other our ours out over own same she should so some such than that
    the their theirs them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your yours
    child children childs young people person family families social work worker workers practice
    service services local authority authorities council ofsted inspector inspectors inspection
    area areas needs need well good ensure ensures make makes made many much within across there
    however including include includes further being been some other
    """.split()
)

_WORD = re.compile(r"[a-z][a-z'-]+")


def tokens(text: str) -> list[str]:
    """Lower-case words of three letters or more, stop words removed, plurals folded."""
    out = []
    for word in _WORD.findall(text.lower()):
        word = word.strip("'-")
        if len(word) < 3 or word in STOPWORDS:
            continue
        out.append(singular(word))
    return out


def singular(word: str) -> str:
    """A light plural fold ('plans' -> 'plan', 'disabilities' -> 'disability'), keeping words like
    'always', 'status' and 'analysis' whole: enough for similarity, and readable as a reason."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith(("ss", "us", "is", "ys", "'s")):
        return word[:-1]
    return word


class TfidfModel:
    """IDF fitted on every text given; rows for any subset built on demand."""

    def __init__(self, texts: Sequence[str]) -> None:
        self._counts = [Counter(tokens(t)) for t in texts]
        df: Counter[str] = Counter()
        for counts in self._counts:
            df.update(counts.keys())
        n = len(texts)
        self.idf = {term: math.log((1 + n) / (1 + d)) + 1.0 for term, d in df.items()}
        self._weights: list[dict[str, float] | None] = [None] * n

    def weights(self, index: int) -> dict[str, float]:
        """The L2-normalised TF-IDF weights of one text (computed once)."""
        cached = self._weights[index]
        if cached is None:
            raw = {t: (1.0 + math.log(c)) * self.idf[t] for t, c in self._counts[index].items()}
            norm = math.sqrt(sum(v * v for v in raw.values())) or 1.0
            cached = self._weights[index] = {t: v / norm for t, v in raw.items()}
        return cached

    def matrix(self, indices: Sequence[int]) -> np.ndarray:
        """Dense rows for these texts over the terms at least two of them use (a term in one text
        adds nothing to any dot product, and dropping it keeps the block small)."""
        rows = [self.weights(i) for i in indices]
        used: Counter[str] = Counter(t for r in rows for t in r)
        vocabulary = {t: j for j, t in enumerate(sorted(t for t, n in used.items() if n > 1))}
        m = np.zeros((len(rows), max(1, len(vocabulary))), dtype=np.float32)
        for i, r in enumerate(rows):
            for t, v in r.items():
                j = vocabulary.get(t)
                if j is not None:
                    m[i, j] = v
        return m

    def pairs_above(
        self, indices: Sequence[int], threshold: float, chunk: int = 512
    ) -> list[tuple[int, int, float]]:
        """(i, j, cosine) for i < j (positions in `indices`) at or above threshold; computed in row
        chunks so memory stays at chunk x len(indices), not the square of the block."""
        m = self.matrix(indices)
        out: list[tuple[int, int, float]] = []
        for start in range(0, len(indices), chunk):
            block = m[start : start + chunk] @ m.T
            rows, cols = np.nonzero(block >= threshold)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = start + r
                if i < c:
                    out.append((i, c, float(block[r, c])))
        return out

    def similarity(self, i: int, j: int) -> float:
        a, b = self.weights(i), self.weights(j)
        return float(sum(v * b.get(t, 0.0) for t, v in a.items()))

    def shared_terms(self, i: int, j: int, limit: int = 5) -> list[str]:
        """The terms contributing most to the similarity of two texts: the 'why' of a link."""
        a, b = self.weights(i), self.weights(j)
        common = sorted(((a[t] * b[t], t) for t in a.keys() & b.keys()), reverse=True)
        return [t for _, t in common[:limit]]
