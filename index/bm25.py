"""A BM25 keyword index in plain numpy arrays.

We write BM25 ourselves (about a hundred lines) instead of using bm25s: importing bm25s
alone would spend most of the cold-start budget of ``assistant ask`` (measured by
``benchmarks/speed.py``; figures in ``benchmarks/SPEED.md``), and
owning the scorer lets us tune tokenisation and weighting. Terms are lower-cased,
stop-worded and Snowball-stemmed (PyStemmer). Stored as ``.npy`` (no pickle) + JSON.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from index import npy

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?", re.UNICODE)

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own same she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself
    yourselves also may might must shall us s t""".split()
)


@lru_cache(maxsize=1)
def _stemmer():  # noqa: ANN202
    import Stemmer

    return Stemmer.Stemmer("english")


def tokenize(text: str) -> list[str]:
    """Terms of ``text``: lower-cased words without stopwords, stemmed."""
    text = text.lower()
    if "’" in text:  # the word pattern treats both apostrophes alike
        text = text.replace("’", "'")
    return _stemmer().stemWords([w for w in _WORD.findall(text) if w not in STOPWORDS])


class BM25Index:
    """Okapi BM25 over a fixed list of documents (ids 0..n-1)."""

    def __init__(
        self,
        vocab: dict[str, int],
        indptr: np.ndarray,
        doc_ids: np.ndarray,
        tfs: np.ndarray,
        doc_len: np.ndarray,
        k1: float = 1.2,
        b: float = 0.75,
    ) -> None:
        self.vocab = vocab
        self.indptr = indptr
        self.doc_ids = doc_ids
        self.tfs = tfs
        self.doc_len = doc_len
        self.k1 = k1
        self.b = b
        n = len(doc_len)
        df = np.diff(indptr).astype(np.float64)
        self.idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
        self.avgdl = float(doc_len.mean()) if n else 0.0
        # Length normalisation of every document, the same for every query.
        self.norm = k1 * (1 - b + b * doc_len / max(self.avgdl, 1e-9))
        # Per term, tf + norm of its postings: the denominators, made when a term is
        # first scored (the same float32 values as computing them per query).
        self._denominators: dict[int, np.ndarray] = {}
        self.forward: ForwardIndex | None = None
        """Each document's term counts, once ``IndexSnapshot.prepare_forward`` set them."""


    @classmethod
    def build(cls, texts: Sequence[str], k1: float = 1.2, b: float = 0.75) -> BM25Index:
        return cls.from_token_lists([tokenize(t) for t in texts], k1=k1, b=b)

    @classmethod
    def from_token_lists(
        cls, token_lists: Sequence[Sequence[str]], k1: float = 1.2, b: float = 0.75
    ) -> BM25Index:
        postings: dict[str, list[tuple[int, int]]] = {}
        doc_len = np.zeros(len(token_lists), dtype=np.float32)
        for i, toks in enumerate(token_lists):
            doc_len[i] = len(toks)
            for term, tf in Counter(toks).items():
                postings.setdefault(term, []).append((i, tf))
        terms = sorted(postings)
        vocab = {t: j for j, t in enumerate(terms)}
        counts = [len(postings[t]) for t in terms]
        indptr = np.zeros(len(terms) + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        doc_ids = np.empty(int(indptr[-1]), dtype=np.int32)
        tfs = np.empty(int(indptr[-1]), dtype=np.float32)
        for j, t in enumerate(terms):
            plist = postings[t]
            doc_ids[indptr[j] : indptr[j + 1]] = [d for d, _ in plist]
            tfs[indptr[j] : indptr[j + 1]] = [f for _, f in plist]
        return cls(vocab, indptr, doc_ids, tfs, doc_len, k1=k1, b=b)

    def __len__(self) -> int:
        return len(self.doc_len)

    def scores(self, query: str | Sequence[str] | Mapping[str, float]) -> np.ndarray:
        """BM25 score of every document for ``query``.

        ``query`` is text, a list of terms (repeats count), or a mapping of terms to
        query weights (as built by pseudo-relevance feedback).
        """
        if isinstance(query, Mapping):
            weighted = {t: float(w) for t, w in query.items()}
        else:
            terms = tokenize(query) if isinstance(query, str) else list(query)
            weighted = {t: float(n) for t, n in Counter(terms).items()}
        out = np.zeros(len(self.doc_len), dtype=np.float32)
        if not len(self.doc_len):
            return out
        k1_1 = self.k1 + 1
        for term, qtf in weighted.items():
            j = self.vocab.get(term)
            if j is None:
                continue
            lo, hi = self.indptr[j], self.indptr[j + 1]
            d = self.doc_ids[lo:hi]
            tf = self.tfs[lo:hi]
            denom = self._denominators.get(j)
            if denom is None:
                denom = self._denominators[j] = tf + self.norm[d]
            part = np.multiply(qtf * self.idf[j], tf)  # the same float32 steps, in place
            part *= k1_1
            part /= denom
            out[d] += part
        return out

    def search(
        self, query: str | Sequence[str] | Mapping[str, float], k: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores) with a positive score, best first."""
        s = self.scores(query)
        if k <= 0 or not len(s):
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        k = min(k, len(s))
        top = np.argpartition(-s, k - 1)[:k]
        top = top[np.argsort(-s[top], kind="stable")]
        top = top[s[top] > 0]
        return top.astype(np.int64), s[top]

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.save(folder / "indptr.npy", self.indptr, allow_pickle=False)
        np.save(folder / "doc_ids.npy", self.doc_ids, allow_pickle=False)
        np.save(folder / "tfs.npy", self.tfs, allow_pickle=False)
        np.save(folder / "doc_len.npy", self.doc_len, allow_pickle=False)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        (folder / "bm25.json").write_text(
            json.dumps({"k1": self.k1, "b": self.b, "terms": terms}), encoding="utf-8"
        )

    @classmethod
    def load(cls, folder: Path) -> BM25Index:
        meta = json.loads((folder / "bm25.json").read_text(encoding="utf-8"))
        vocab = {t: j for j, t in enumerate(meta["terms"])}

        def arr(name: str) -> np.ndarray:
            return npy.load(folder / name)

        return cls(
            vocab, arr("indptr.npy"), arr("doc_ids.npy"), arr("tfs.npy"), arr("doc_len.npy"),
            k1=meta["k1"], b=meta["b"],
        )


class ForwardIndex:
    """The postings transposed: each document's distinct terms and their frequencies.

    What ``Counter(tokenize(text))`` gives for an indexed text, read from the index
    instead of tokenising again; terms of a document come in term-id (alphabetical)
    order, not in the order they first occur in the text.
    """

    def __init__(self, indptr: np.ndarray, term_ids: np.ndarray, tfs: np.ndarray,
                 names: list[str], doc_len: np.ndarray) -> None:
        self.indptr = indptr
        self.term_ids = term_ids
        self.tfs = tfs
        self.names = names
        self.doc_len = doc_len

    @classmethod
    def of(cls, bm: BM25Index) -> ForwardIndex:
        n_docs = len(bm.doc_len)
        per_term = np.diff(bm.indptr)
        term_of = np.repeat(np.arange(len(per_term), dtype=np.int32), per_term)
        by_doc = np.argsort(bm.doc_ids, kind="stable")  # keeps term order within a doc
        indptr = np.zeros(n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(bm.doc_ids, minlength=n_docs), out=indptr[1:])
        names = [""] * len(bm.vocab)
        for term, j in bm.vocab.items():
            names[j] = term
        return cls(indptr, term_of[by_doc], bm.tfs[by_doc], names, bm.doc_len)

    def counts(self, doc: int) -> dict[str, int]:
        """Term frequencies of document ``doc``."""
        lo, hi = self.indptr[doc], self.indptr[doc + 1]
        return {self.names[j]: int(f) for j, f in zip(self.term_ids[lo:hi].tolist(),
                                                      self.tfs[lo:hi].tolist(), strict=True)}
