"""FAISS vector index over normalised float32 vectors (inner product = cosine).

Small indexes use exact search (``IndexIDMap(IndexFlatIP)``); from ``hnsw_threshold``
vectors on, the index switches to HNSW, an approximate graph index. Its search breadth
``HNSW_EF_SEARCH`` is set when an index is built or loaded; its recall against exact
search and its speed at 200,000 chunks are measured by ``benchmarks/speed.py`` (figures
in ``benchmarks/SPEED.md``).

One query is searched on one thread: FAISS's OpenMP threads cost more than they save
for a single vector, and far more on a busy machine (``benchmarks/SPEED.md``).
Builds use every core.
"""

from __future__ import annotations

import os
from pathlib import Path

import faiss
import numpy as np

HNSW_THRESHOLD = 100_000
HNSW_M = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_EF_SEARCH = 800


def _set_ef(index: faiss.Index) -> None:
    inner = faiss.downcast_index(index.index) if hasattr(index, "index") else index
    if isinstance(inner, faiss.IndexHNSWFlat):
        inner.hnsw.efSearch = HNSW_EF_SEARCH


class VectorIndex:
    """Add, search, save and load vectors keyed by integer ids."""

    def __init__(self, dim: int, index: faiss.Index | None = None) -> None:
        self.dim = dim
        self._index = index if index is not None else faiss.IndexIDMap(faiss.IndexFlatIP(dim))
        _set_ef(self._index)

    @classmethod
    def build(
        cls,
        vectors: np.ndarray,
        ids: np.ndarray | None = None,
        hnsw_threshold: int = HNSW_THRESHOLD,
    ) -> VectorIndex:
        """An index over ``vectors``: exact when small, HNSW when large."""
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = vectors.shape
        ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
        if n >= hnsw_threshold:
            inner = faiss.IndexHNSWFlat(dim, HNSW_M, faiss.METRIC_INNER_PRODUCT)
            inner.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
            inner.hnsw.efSearch = HNSW_EF_SEARCH
            index = faiss.IndexIDMap(inner)
        else:
            index = faiss.IndexIDMap(faiss.IndexFlatIP(dim))
        if n:
            faiss.omp_set_num_threads(os.cpu_count() or 1)
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
        faiss.omp_set_num_threads(1)  # per calling thread; see the module docstring
        scores, ids = self._index.search(q, min(k, len(self)))
        keep = ids[0] >= 0
        return ids[0][keep], scores[0][keep]

    def save(self, path: Path) -> None:
        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        index = faiss.read_index(str(path))
        return cls(index.d, index)


def inner_products(query: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """``vectors @ query`` on one thread with FAISS's SIMD kernel (float32, C-contiguous).

    Each score depends only on its own row, so scoring a subset of rows gives exactly
    the scores the whole matrix would.
    """
    n, dim = vectors.shape
    out = np.empty(n, dtype=np.float32)
    faiss.fvec_inner_products_ny(faiss.swig_ptr(out), faiss.swig_ptr(query),
                                 faiss.swig_ptr(vectors), dim, n)
    return out


#: Extra rows the 8-bit scan returns beyond those asked for, to hold the error margin.
COARSE_EXTRA = 400


class CoarseScan:
    """What exact top-n search and score statistics need, without reading every vector.

    Scoring one query against every row of a float32 matrix reads all of it (30 MB for
    20,000 chunks), which also pushes the query encoder's weights out of the CPU cache.
    This keeps an 8-bit copy of the matrix (a quarter of the bytes; each dimension
    centred and scaled to -1..1, then FAISS's uniform 8-bit codes, whose scan is faster
    than per-dimension ranges; the scale is folded into the query) and the matrix's
    first and second moments:

    * ``candidates`` scans the 8-bit copy and returns every row whose approximate score
      is within twice the worst-case error of the n-th best approximate score. The error
      of each approximate score is at most the query's norm times the largest
      reconstruction error, plus float rounding, so every row whose exact score reaches
      the exact n-th best is among them: exact scores of these rows give exactly the top
      n an exhaustive scan would, ties included.
    * ``moments`` gives the mean and standard deviation of a query's scores over every
      row from the column means and the second-moment matrix (float64): equal to those of
      the exact scores up to float rounding.
    """

    def __init__(self, vectors: np.ndarray) -> None:
        x = np.ascontiguousarray(vectors, dtype=np.float32)
        self.rows, dim = x.shape
        lo = x.min(axis=0).astype(np.float64) if self.rows else np.zeros(dim)
        hi = x.max(axis=0).astype(np.float64) if self.rows else np.zeros(dim)
        self._centre = (lo + hi) / 2
        half = (hi - lo) / 2
        self._half = np.where(half > 0, half, 1.0)  # a constant dimension: any scale
        index = faiss.IndexScalarQuantizer(dim, faiss.ScalarQuantizer.QT_8bit_uniform,
                                           faiss.METRIC_INNER_PRODUCT)
        faiss.omp_set_num_threads(1)
        index.train(np.array([[-1.0] * dim, [1.0] * dim], dtype=np.float32))
        self._mean = np.zeros(dim, dtype=np.float64)
        self._second = np.zeros((dim, dim), dtype=np.float64)
        error = spread = norm = 0.0
        for start in range(0, self.rows, 4096):
            block = x[start : start + 4096].astype(np.float64)
            unit = ((block - self._centre) / self._half).astype(np.float32)
            codes = index.sa_encode(unit)
            index.add_sa_codes(codes)
            kept = index.sa_decode(codes).astype(np.float64) * self._half  # minus centre
            diff = block - self._centre - kept
            error = max(error, float(np.einsum("ij,ij->i", diff, diff).max()))
            spread = max(spread, float(np.einsum("ij,ij->i", kept, kept).max()))
            norm = max(norm, float(np.einsum("ij,ij->i", block, block).max()))
            self._mean += block.sum(axis=0)
            self._second += block.T @ block
        self._index = index
        self._mean /= max(self.rows, 1)
        self._second /= max(self.rows, 1)
        self._error = float(np.sqrt(error))
        u = 2.0**-24  # float32 unit roundoff; a dot product of dim terms is within
        gamma = dim * u / (1 - dim * u)  # gamma * sum|a_i b_i| of the real value
        # Rounding of the scaled query and of decoding (3u), of the 8-bit dot product and
        # of the exact one (gamma each).
        self._rounding = (gamma + 3 * u) * float(np.sqrt(spread)) + gamma * float(np.sqrt(norm))

    def candidates(self, query: np.ndarray, n: int) -> np.ndarray | None:
        """Ascending rows that hold every row of the exact top ``n`` (None: scan all)."""
        k = min(self.rows, n + COARSE_EXTRA)
        if n <= 0 or n >= self.rows:
            return None
        q = np.asarray(query, dtype=np.float64).reshape(-1)
        scaled = (q * self._half).astype(np.float32).reshape(1, -1)
        faiss.omp_set_num_threads(1)
        approx, ids = self._index.search(scaled, k)  # minus q . centre, the same for all
        approx, ids = approx[0], ids[0]
        delta = float(np.linalg.norm(q)) * (self._error + self._rounding) * 1.001 + 1e-6
        threshold = float(approx[n - 1]) - 2 * delta
        if k < self.rows and float(approx[k - 1]) >= threshold:
            return None  # the margin reaches past what was returned
        keep = ids[(approx >= threshold) & (ids >= 0)].astype(np.int64)
        keep.sort()
        return keep

    def moments(self, query: np.ndarray) -> tuple[float, float]:
        """Mean and standard deviation of ``query``'s inner products with every row."""
        q = np.asarray(query, dtype=np.float64).reshape(-1)
        mean = float(self._mean @ q)
        var = float(q @ self._second @ q) - mean * mean
        return mean, float(np.sqrt(max(var, 0.0)))
