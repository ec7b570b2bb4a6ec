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
  something no document mentions ("pension", "software": its focus, or much of its
  words) is not answered by lexical evidence, however close its other words are; one
  word beside the point may be the question's paraphrase ("Link's steed"). A
  misspelling of an indexed word ("sountrack", "slufonamides": one letter left out,
  added, changed or two swapped) is not unknown, nor is a word about the question's
  form ("What *kind* of ...").
* ``names_focus`` (with ``assistant.shapes.focus_words``): the thing the question asks
  for, "What *software* does...", "Who is the *chief executive* of...", "How many
  *beds*...": a sentence that never names it does not answer it.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable

from index.bm25 import _WORD, tokenize
from index.embedder import common_words
from index.reader import IndexSnapshot

#: Terms about a question's form, not its topic: absent from the index, they ask for
#: nothing the documents lack ("What kind of interface ...").
FORM_TERMS = frozenset(tokenize("kind kinds type types sort sorts"))
#: Terms this short are not checked for misspellings (too many near neighbours).
_MIN_TYPO_LEN = 5

_DELETES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _one_deleted(term: str) -> set[str]:
    return {term[:i] + term[i + 1:] for i in range(len(term))}


def _vocab_deletes(snap: IndexSnapshot) -> dict[str, list[str]]:
    """Each indexed term of five letters or more with one letter deleted -> the terms it
    comes from (built once per snapshot, when a question first needs it)."""
    found = _DELETES.get(snap)
    if found is None:
        found = {}
        for v in snap.bm25.vocab:
            if len(v) >= _MIN_TYPO_LEN:
                for d in _one_deleted(v):
                    found.setdefault(d, []).append(v)
        _DELETES[snap] = found
    return found


def misspells_known(snap: IndexSnapshot, term: str) -> bool:
    """Whether ``term`` is one edit from an indexed term of five letters or more: a
    letter left out, added, changed, or two neighbours swapped."""
    if len(term) < _MIN_TYPO_LEN - 1:
        return False
    deletes = _vocab_deletes(snap)
    near = {v for d in [term, *_one_deleted(term)] for v in deletes.get(d, ())}
    near |= {d for d in _one_deleted(term) if d in snap.bm25.vocab and len(d) >= _MIN_TYPO_LEN}
    return any(_one_edit(term, v) for v in near)


def unknown_terms(snap: IndexSnapshot, terms: Iterable[str]) -> list[str]:
    """The terms no indexed chunk contains, form words aside."""
    vocab = snap.bm25.vocab
    return [t for t in terms if t not in vocab and t not in FORM_TERMS]


def unknown_question_terms(snap: IndexSnapshot, question: str) -> list[str]:
    """The question's terms no indexed chunk contains, form words aside, and misspellings
    of indexed words aside: a word that is no English word (not in the model's
    vocabulary) one edit from an indexed term ("sountrack"). A real word stays unknown
    however close it is to an indexed one ("pension" beside "tension")."""
    common = common_words()
    out: list[str] = []
    for word in _WORD.findall(question.lower()):
        for term in tokenize(word):
            if term in out or not unknown_terms(snap, [term]):
                continue
            if common and word not in common and misspells_known(snap, term):
                continue
            out.append(term)
    return out


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


def names_focus(words: str, said: set[str]) -> bool:
    """Whether a sentence's terms ``said`` name every focus word (``shapes.focus_words``);
    a misspelt one ("calandar": no English word) is named by a term one edit from it."""
    common = common_words()
    for word in _WORD.findall(words.lower()):
        for term in tokenize(word):
            if term in said:
                continue
            if not (common and word not in common and len(term) >= _MIN_TYPO_LEN - 1
                    and any(len(t) >= _MIN_TYPO_LEN and _one_edit(term, t) for t in said)):
                return False
    return True


def _one_edit(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` differ by one letter left out, added, changed, or two
    neighbours swapped."""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1
                                  and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]])
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
