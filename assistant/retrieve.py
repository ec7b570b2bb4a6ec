"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused into one list of passages."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from operator import itemgetter

import numpy as np

from assistant.citations import is_paged, pages_label  # noqa: F401 - used by callers
from assistant.config import Settings
from assistant.records import Passage
from index.bm25 import ForwardIndex, tokenize
from index.reader import IndexSnapshot
from index.store import StoredChunk


@dataclass(frozen=True)
class FusionParams:
    """How the dense and BM25 rankings are combined.

    The default, ``method="zscore"``, standardises each retriever's scores (mean and
    standard deviation over the index) and adds them with the two weights; a second
    BM25 pass then expands the question with terms of the best first-pass chunks
    (RM3-style pseudo-relevance feedback). ``method="rrf"`` is plain weighted reciprocal
    rank fusion. Benchmarks and their figures: ``benchmarks/RESULTS.md``.
    """

    candidates: int = 100
    rrf_k: int = 60
    dense_weight: float = 2.0
    bm25_weight: float = 1.0
    method: str = "zscore"
    feedback_docs: int = 10
    feedback_terms: int = 10
    feedback_weight: float = 0.3


def fusion_params(settings: Settings) -> FusionParams:
    """The fusion parameters of ``settings``."""
    s = settings
    return FusionParams(
        candidates=s.candidates, rrf_k=s.rrf_k, dense_weight=s.dense_weight,
        bm25_weight=s.bm25_weight, method=s.fusion, feedback_docs=s.feedback_docs,
        feedback_terms=s.feedback_terms, feedback_weight=s.feedback_weight,
    )


def rrf(rankings: list[tuple[np.ndarray, float]], k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, i in enumerate(ids.tolist(), start=1):
            fused[i] = fused.get(i, 0.0) + weight / (k + rank)
    return fused


def standardise(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
    """``values`` as z-scores of the ``reference`` distribution (0 when it is flat)."""
    return zscores(values, moments(reference))


def moments(reference: np.ndarray) -> tuple[float, float]:
    """Mean and standard deviation of ``reference`` (0, 0 when it is empty).

    The values of ``reference.mean()`` and ``reference.std()``, bit for bit (numpy's own
    steps, in the array's dtype), with the sum computed once instead of twice.
    """
    n = len(reference)
    if not n:
        return 0.0, 0.0
    a = np.asarray(reference)
    if a.ndim != 1 or a.dtype not in (np.float32, np.float64):
        return float(a.mean()), float(a.std())
    mean = np.add.reduce(a) / n
    dev = a - mean
    np.multiply(dev, dev, out=dev)
    return float(mean), float(np.sqrt(np.add.reduce(dev) / n))


def zscores(values: np.ndarray, stats: tuple[float, float]) -> np.ndarray:
    """``values`` standardised by ``stats`` = (mean, sd); 0 when the sd is (nearly) 0."""
    mean, sd = stats
    if sd <= 1e-12:
        return np.zeros(len(values), dtype=np.float64)
    return (np.asarray(values, dtype=np.float64) - mean) / sd


def feedback_terms(
    texts: list[str], weights: np.ndarray, question: str, n_terms: int, weight: float
) -> dict[str, float]:
    """RM3-style expanded query: question terms mixed with the feedback texts' top terms.

    Each feedback text contributes its term frequencies (normalised by length) times its
    weight; the ``n_terms`` heaviest terms get ``weight`` of the query mass and the
    question's own terms the rest.
    """
    pool: dict[str, float] = {}
    get = pool.get
    for text, w in zip(texts, weights.tolist(), strict=True):
        toks = tokenize(text)
        if toks:
            n = len(toks)
            for t, f in Counter(toks).items():
                pool[t] = get(t, 0.0) + w * f / n
    # Ties keep first-seen order, as Counter.most_common does.
    top = heapq.nlargest(n_terms, pool.items(), key=itemgetter(1))
    return _expanded(question, top, weight)


def indexed_feedback_terms(
    forward: ForwardIndex,
    rows: list[int],
    weights: np.ndarray,
    question: str,
    n_terms: int,
    weight: float,
    text_of: Callable[[int], str],
) -> dict[str, float]:
    """``feedback_terms`` of the texts of chunk ``rows``, read from the index's term counts.

    The same dict, in the same order, with the same floats, without tokenising the
    texts: a term's pool weight is the sum of weight * tf / length over the texts in
    order (``bincount`` adds in input order, as the loop does); the heaviest terms are
    taken with ties in first-seen order, that is by the first text a term occurs in and,
    within that text, by where it first occurs. Only for ties within one text is that
    text (``text_of(row)``) read and tokenised.
    """
    ws = weights.tolist()
    ids, parts, text_at = [], [], []
    for i, r in enumerate(rows):
        lo, hi = int(forward.indptr[r]), int(forward.indptr[r + 1])
        if hi > lo:
            ids.append(forward.term_ids[lo:hi])
            parts.append(ws[i] * forward.tfs[lo:hi].astype(np.float64) / int(forward.doc_len[r]))
            text_at.append(np.full(hi - lo, i, dtype=np.int64))
    top: list[tuple[str, float]] = []
    if ids and n_terms > 0:
        all_ids = np.concatenate(ids)
        by_term = np.argsort(all_ids, kind="stable")  # a term's entries stay in text order
        sorted_ids = all_ids[by_term]
        new = np.empty(len(sorted_ids), dtype=bool)
        new[0] = True
        np.not_equal(sorted_ids[1:], sorted_ids[:-1], out=new[1:])
        starts = np.flatnonzero(new)
        distinct = sorted_ids[starts].tolist()
        slot = np.empty(len(all_ids), dtype=np.int64)
        slot[by_term] = np.cumsum(new) - 1
        pool = np.bincount(slot, weights=np.concatenate(parts), minlength=len(distinct))
        first_text = np.concatenate(text_at)[by_term[starts]]
        order = np.lexsort((first_text, -pool)).tolist()
        pw, ft = pool[order].tolist(), first_text[order].tolist()
        k = min(n_terms, len(order))
        end = k  # terms tied with the k-th in weight and first text may come before it
        while end < len(order) and pw[end] == pw[k - 1] and ft[end] == ft[k - 1]:
            end += 1
        chosen: list[int] = []
        i = 0
        while i < end:
            j = i + 1
            while j < end and pw[j] == pw[i] and ft[j] == ft[i]:
                j += 1
            group = order[i:j]
            if len(group) > 1:  # first occurrence in their text decides
                first_at: dict[str, int] = {}
                for pos, term in enumerate(tokenize(text_of(rows[ft[i]]))):
                    first_at.setdefault(term, pos)
                group.sort(key=lambda g: first_at[forward.names[distinct[g]]])
            chosen += group
            i = j
        top = [(forward.names[distinct[g]], float(pool[g])) for g in chosen[:k]]
    return _expanded(question, top, weight)


def _expanded(question: str, top: list[tuple[str, float]], weight: float) -> dict[str, float]:
    """The question's terms with ``1 - weight`` of the mass, then ``top`` with ``weight``."""
    q_terms = Counter(tokenize(question))
    total_q = sum(q_terms.values())
    out: dict[str, float] = {}
    if total_q:
        out = {t: (1 - weight) * f / total_q for t, f in q_terms.items()}
    mass = sum(v for _, v in top)
    if mass > 0:
        for t, v in top:
            out[t] = out.get(t, 0.0) + weight * v / mass
    return out


@dataclass
class Hit:
    """A fused candidate before it becomes a Passage."""

    row: int
    score: float
    dense: float | None
    bm25: float | None


def top_n(scores: np.ndarray, n: int) -> np.ndarray:
    """Positions of the ``n`` highest scores, best first, ties in position order.

    The same as ``np.argsort(-scores, kind="stable")[:n]`` without sorting every score:
    a partition finds the n-th score, and only the scores at or above it are sorted.
    """
    if n >= len(scores):
        return np.argsort(-scores, kind="stable")
    if n <= 0:
        return np.zeros(0, dtype=np.int64)
    kth = np.partition(scores, len(scores) - n)[len(scores) - n]  # the n-th highest
    above = np.flatnonzero(scores > kth)
    above = above[np.argsort(-scores[above], kind="stable")]
    # Scores equal to the n-th highest come last, in position order, as many as fit.
    return np.concatenate((above, np.flatnonzero(scores == kth)[: n - len(above)]))


def union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct values of two id arrays (``np.unique`` would import numpy.ma cold)."""
    both = np.concatenate((np.asarray(a, dtype=np.int64), np.asarray(b, dtype=np.int64)))
    both.sort()
    if len(both) < 2:
        return both
    keep = np.empty(len(both), dtype=bool)
    keep[0] = True
    np.not_equal(both[1:], both[:-1], out=keep[1:])
    return both[keep]


#: Rows used to estimate the distribution of dense scores (a stride sample beyond this).
DENSE_SAMPLE = 20_000
#: From this many chunks (up to ``DENSE_SAMPLE``), a prepared snapshot finds its dense
#: candidates and score statistics with ``index.vectors.CoarseScan``.
COARSE_MIN = 8_192


def prepare_search(snap: IndexSnapshot) -> None:
    """Build what makes later questions on ``snap`` faster (long-running processes).

    Same rankings: the coarse scan finds exactly the dense candidates an exhaustive scan
    would; only the dense mean and spread come from the matrix's moments instead of
    every score (equal up to float rounding). The BM25 postings, transposed, give the
    feedback passages' term counts without tokenising them (the same expanded query).
    """
    if COARSE_MIN <= snap.chunk_count <= DENSE_SAMPLE:
        snap.prepare_coarse_scan()
    if snap.chunk_count <= DENSE_SAMPLE:
        snap.prepare_forward()


DenseScores = Callable[[np.ndarray], np.ndarray]


def _dense(
    snap: IndexSnapshot, qv: np.ndarray, rows: np.ndarray, whole: bool, n: int
) -> tuple[np.ndarray, tuple[float, float], DenseScores]:
    """Dense side of fusion: the top ``n`` rows, the scores' (mean, sd), exact scores of rows.

    Small indexes and document filters score every row once (candidates then look their
    scores up); a prepared snapshot of up to ``DENSE_SAMPLE`` chunks finds the same top n
    with its coarse scan and takes mean and sd from the vectors' moments; larger indexes
    search FAISS and estimate mean and sd on a stride sample.
    """
    total = snap.chunk_count
    coarse = snap.coarse if whole and total <= DENSE_SAMPLE else None
    near = coarse.candidates(qv, n) if coarse is not None else None
    if coarse is not None and near is not None:
        # The rows that can be in the exact top n; their exact scores rank them.
        near_scores = snap.dense_scores(qv, near)
        known = [near, near_scores]  # rows scored so far (ascending) and their scores

        def scored_once(cand: np.ndarray) -> np.ndarray:
            """Exact scores of ``cand`` (ascending rows), each row scored once."""
            rows_k, scores_k = known
            at = np.minimum(np.searchsorted(rows_k, cand), len(rows_k) - 1)
            hit = rows_k[at] == cand
            out = np.empty(len(cand), dtype=np.float32)
            out[hit] = scores_k[at[hit]]
            missing = cand[~hit]
            if len(missing):
                new = snap.dense_scores(qv, missing)
                out[~hit] = new
                merged = np.concatenate((rows_k, missing))
                order = np.argsort(merged, kind="stable")
                known[:] = [merged[order], np.concatenate((scores_k, new))[order]]
            return out

        return near[top_n(near_scores, n)], coarse.moments(qv), scored_once
    if not whole or total <= DENSE_SAMPLE:
        every = snap.dense_scores(qv, None if whole else rows)
        if whole:
            def looked_up(cand: np.ndarray) -> np.ndarray:
                return every[cand]
        else:
            by_row = np.argsort(rows, kind="stable")
            sorted_rows = rows[by_row]

            def looked_up(cand: np.ndarray) -> np.ndarray:
                return every[by_row[np.searchsorted(sorted_rows, cand)]]
        return rows[top_n(every, n)], moments(every), looked_up
    step = -(-total // DENSE_SAMPLE)
    sample = snap.dense_scores(qv, np.arange(0, total, step))
    found, _ = snap.vectors.search(qv, n)
    return found, moments(sample), lambda cand: snap.dense_scores(qv, cand)


def hybrid_search(
    snap: IndexSnapshot,
    query_vec: np.ndarray,
    question: str,
    k: int,
    params: FusionParams,
    doc_ids: list[str] | None = None,
) -> list[Hit]:
    """Top ``k`` fused hits, optionally restricted to some documents."""
    if params.method == "rrf":
        return _rrf_search(snap, query_vec, question, k, params, doc_ids)
    if params.method != "zscore":
        raise ValueError(f"unknown fusion method {params.method!r} (zscore or rrf)")
    n = max(params.candidates, k)
    total = snap.chunk_count
    if doc_ids:
        rows = np.asarray(snap.store.rows_of_docs(doc_ids), dtype=np.int64)
    else:
        rows = np.arange(total, dtype=np.int64)
    if not len(rows):
        return []
    qv = np.asarray(query_vec, dtype=np.float32)
    whole = not doc_ids
    d_cand, d_stats, dense_of = _dense(snap, qv, rows, whole, n)

    def fuse(query: str | dict[str, float]) -> tuple[np.ndarray, ...]:
        """BM25 over every chunk, candidates from both rankings, standardised sum."""
        bm_all = snap.bm25.scores(query)
        bm_rows = bm_all if whole and len(bm_all) == total else bm_all[rows]
        cand = union(d_cand, rows[top_n(bm_rows, n)])
        d_scores = dense_of(cand)
        fused = (params.dense_weight * zscores(d_scores, d_stats)
                 + params.bm25_weight * zscores(bm_all[cand], moments(bm_rows)))
        return bm_all, cand, d_scores, fused

    bm_all, cand, d_scores, fused = fuse(question)

    if params.feedback_weight > 0 and params.feedback_docs > 0 and params.feedback_terms > 0:
        top = np.argsort(-fused, kind="stable")[: params.feedback_docs]
        rows_fb = cand[top].tolist()
        w = np.exp(fused[top] - fused[top].max())
        forward = snap.bm25.forward
        if forward is not None:
            expanded = indexed_feedback_terms(
                forward, rows_fb, w, question, params.feedback_terms, params.feedback_weight,
                lambda r: snap.store.chunk_texts([r])[r])
        else:
            found = snap.store.chunk_texts(rows_fb)
            expanded = feedback_terms([found[r] for r in rows_fb], w, question,
                                      params.feedback_terms, params.feedback_weight)
        bm_all, cand, d_scores, fused = fuse(expanded)

    order = np.lexsort((cand, -fused))[:k]
    return [Hit(int(cand[i]), float(fused[i]), float(d_scores[i]), float(bm_all[cand[i]]))
            for i in order]


def _rrf_search(
    snap: IndexSnapshot,
    query_vec: np.ndarray,
    question: str,
    k: int,
    params: FusionParams,
    doc_ids: list[str] | None,
) -> list[Hit]:
    """Plain weighted reciprocal rank fusion of the top ``candidates`` of each retriever."""
    n = params.candidates
    if doc_ids:
        rows = np.asarray(snap.store.rows_of_docs(doc_ids), dtype=np.int64)
        if not len(rows):
            return []
        dense_all = np.asarray(snap.chunk_vectors[rows], dtype=np.float32) @ query_vec
        order = np.argsort(-dense_all)[:n]
        d_ids, d_scores = rows[order], dense_all[order]
        bm = snap.bm25.scores(question)[rows]
        border = np.argsort(-bm)[:n]
        border = border[bm[border] > 0]
        b_ids, b_scores = rows[border], bm[border]
    else:
        d_ids, d_scores = snap.vectors.search(query_vec, n)
        b_ids, b_scores = snap.bm25.search(question, n)
    fused = rrf([(d_ids, params.dense_weight), (b_ids, params.bm25_weight)], params.rrf_k)
    dense = dict(zip(d_ids.tolist(), d_scores.tolist(), strict=True))
    bm25 = dict(zip(b_ids.tolist(), b_scores.tolist(), strict=True))
    best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
    return [Hit(r, s, dense.get(r), bm25.get(r)) for r, s in best]


def _passage_section(doc, start: int, section: list[str]) -> list[str]:  # noqa: ANN001
    """A passage's section: its chunk's, or for a chunk that starts among a captioned
    table's rows the path with the caption, as its rows' citations show it."""
    for t in doc.tables:
        if t.caption and t.rows and t.rows[0].start <= start < t.end:
            return doc.section_at(start)
    return section


def to_passages(
    snap: IndexSnapshot, hits: list[Hit], stored: dict[int, StoredChunk]
) -> list[Passage]:
    out = []
    for rank, h in enumerate(hits, start=1):
        c = stored[h.row].chunk
        doc = snap.documents_by_id[c.doc_id]
        out.append(
            Passage(
                rank=rank, chunk_id=c.chunk_id, doc_id=c.doc_id, title=doc.title,
                source=doc.source, url=doc.url, page_start=c.page_start, page_end=c.page_end,
                pages_label=pages_label(doc, c.page_start, c.page_end),
                section=_passage_section(doc, c.start, c.section), score=h.score,
                text=c.text, start=c.start, end=c.end, dense=h.dense,
                bm25=h.bm25, paged=is_paged(doc),
            )
        )
    return out
