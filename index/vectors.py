"""FAISS vector index over normalised float32 vectors (inner product = cosine).

Small indexes use exact search (``IndexIDMap(IndexFlatIP)``); above
``hnsw_threshold`` vectors the index switches to HNSW, an approximate graph index whose
recall we measure in ``benchmarks/speed.py``.
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 100_000
HNSW_M = 32


class VectorIndex:
    """Add, search, save and load vectors keyed by integer ids."""

    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexIDMap(faiss.IndexFlatIP(dim))

    @classmethod
    def build(
        cls, vectors: np.ndarray, ids: np.ndarray | None = None, hnsw_threshold: int = HNSW_THRESHOLD
    ) -> VectorIndex:
        """An index over ``vectors``: exact when small, HNSW when large."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        if n >= hnsw_threshold:
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = 80
            inner.hnsw.efSearch = 96
            index = faiss.IndexIDMap(inner)
        else:
            index = faiss.IndexIDMap(faiss.IndexFlatIP(dim))
        if n:
            index.add_with_ids(vectors, ids)
        return cls(dim, index)

    @property
    def kind(self) -> str:
        inner = faiss.downcast_index(self._index.index) if hasattr(self._index, "index") else None
        return "hnsw" if isinstance(inner, faiss.IndexHNSWFlat) else "flat"

    def __len__(self) -> int:
        return int(self._index.ntotal)

    def add(self, ids: np.ndarray, vectors: np.ndarray) -> None:
        self._index.add_with_ids(
            np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(ids, dtype=np.int64)
        )

    def search(self, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (ids, scores) for one query vector, best first."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(1, -1)
        scores, ids = self._index.search(q, min(k, len(self)))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = faiss.read_index(str(path))
        return cls(index.d, index)
