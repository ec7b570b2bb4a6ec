"""Whether a sentence holds the words a question asks about: the lexical side of evidence.

The evidence score (``assistant.answer``) compares vectors. On some prose it is too strict:
the question's residual beyond its topic is small, and a long sentence holding several
facts matches any one of them weakly. A sentence that is close to the question *and*
says, in its own words, what the question asks about beyond its topic is evidence too.
Three checks, each over the question's terms as ``index.bm25.tokenize`` makes them:

* ``distinctive_share``: the share of the question's distinctive weight the sentence
  holds. A term weighs its idf (rare terms count more) times the share of the top
  passages that do *not* contain it: a term every top passage contains ("Riverside" in
  a question about Riverside) is the topic, not what is asked; a term no passage
  contains ("pay" in "What is the hourly pay of a care worker?") is what the documents
  do not say.
* ``unknown_terms``: terms that occur nowhere in the index. A question asking about
  something no document mentions ("pension", "software") is not answered by lexical
  evidence, however close its other words are.
* ``focus_terms`` (with ``assistant.shapes.focus_words``): the thing the question asks
  for, "What *software* does...", "Who is the *chief executive* of...", "How many
  *beds*...": a sentence that never names it does not answer it.
"""

from __future__ import annotations

from collections.abc import Iterable

from index.bm25 import tokenize
from index.reader import IndexSnapshot


def unknown_terms(snap: IndexSnapshot, terms: Iterable[str]) -> list[str]:
    """The terms no indexed chunk contains."""
    vocab = snap.bm25.vocab
    return [t for t in terms if t not in vocab]


def distinctive_weights(snap: IndexSnapshot, terms: Iterable[str],
                        passage_terms: list[set[str]]) -> dict[str, float]:
    """Each question term's idf times the share of ``passage_terms`` (the top passages'
    term sets) without it. A term the index does not hold weighs the largest idf."""
    bm = snap.bm25
    top_idf = float(bm.idf.max()) if len(bm.idf) else 1.0
    n = max(len(passage_terms), 1)
    weights: dict[str, float] = {}
    for t in dict.fromkeys(terms):
        tid = bm.vocab.get(t)
        idf = float(bm.idf[tid]) if tid is not None else top_idf
        weights[t] = idf * (1.0 - sum(t in p for p in passage_terms) / n)
    return weights


def distinctive_share(weights: dict[str, float], sentence_terms: set[str]) -> float:
    """Share of the distinctive weight held by the sentence (1.0 when the question has no
    distinctive terms: all of them are topic words of every top passage)."""
    total = sum(weights.values())
    if total <= 0:
        return 1.0
    return sum(w for t, w in weights.items() if t in sentence_terms) / total


def focus_terms(words: str) -> set[str]:
    """The terms of the question's focus words (``shapes.focus_words``)."""
    return set(tokenize(words)) if words else set()
