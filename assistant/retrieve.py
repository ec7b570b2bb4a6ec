"""Hybrid retrieval: dense (FAISS) and BM25 rankings fused into one list of passages."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from assistant.records import Passage
from index.reader import IndexSnapshot
from index.store import DocumentRow, StoredChunk


@dataclass(frozen=True)
class FusionParams:
    """How the two rankings are combined (weighted reciprocal rank fusion)."""

    candidates: int = 50
    rrf_k: int = 60
    dense_weight: float = 1.0
    bm25_weight: float = 1.0


def rrf(rankings: list[tuple[np.ndarray, float]], k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (k + rank) over the rankings."""
    fused: dict[int, float] = {}
    for ids, weight in rankings:
        for rank, i in enumerate(ids.tolist(), start=1):
            fused[i] = fused.get(i, 0.0) + weight / (k + rank)
    return fused


def pages_label(doc: DocumentRow, first: int, last: int) -> str:
    """"p. 3" / "pp. 3–4" using printed page labels; empty for unpaged documents."""
    if not is_paged(doc):
        return ""
    a, b = doc.page_label(first), doc.page_label(last)
    return f"p. {a}" if a == b else f"pp. {a}–{b}"


def is_paged(doc: DocumentRow) -> bool:
    return doc.kind == "pdf" or doc.pages > 1


@dataclass
class Hit:
    """A fused candidate before it becomes a Passage."""

    row: int
    score: float
    dense: float | None
    bm25: float | None


def hybrid_search(
    snap: IndexSnapshot,
    query_vec: np.ndarray,
    question: str,
    k: int,
    params: FusionParams,
    doc_ids: list[str] | None = None,
) -> list[Hit]:
    """Top ``k`` fused hits, optionally restricted to some documents."""
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
                pages_label=pages_label(doc, c.page_start, c.page_end), section=c.section,
                score=h.score, text=c.text, start=c.start, end=c.end, dense=h.dense,
                bm25=h.bm25, paged=is_paged(doc),
            )
        )
    return out
