"""The FAISS vector index: exact below a size threshold, HNSW above it, and recall of HNSW."""

from __future__ import annotations

import numpy as np
import pytest

from index.vectors import CoarseScan, VectorIndex, inner_products


def _unit(rng: np.random.Generator, n: int, dim: int) -> np.ndarray:
    x = rng.standard_normal((n, dim)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_small_index_is_exact_and_finds_each_vector_first():
    rng = np.random.default_rng(1)
    x = _unit(rng, 300, 32)
    index = VectorIndex.build(x, hnsw_threshold=1000)
    assert index.kind == "flat"
    for i in (0, 17, 299):
        ids, scores = index.search(x[i], 5)
        assert ids[0] == i
        assert scores[0] == pytest.approx(1.0, abs=1e-5)
        assert np.all(np.diff(scores) <= 1e-6)


def test_switches_to_hnsw_at_the_threshold(tmp_path):
    rng = np.random.default_rng(2)
    x = _unit(rng, 500, 32)
    assert VectorIndex.build(x[:499], hnsw_threshold=500).kind == "flat"
    index = VectorIndex.build(x, hnsw_threshold=500)
    assert index.kind == "hnsw"
    index.save(tmp_path / "v.faiss")
    loaded = VectorIndex.load(tmp_path / "v.faiss")
    assert loaded.kind == "hnsw"
    assert len(loaded) == 500
    ids, _ = loaded.search(x[123], 1)
    assert ids.tolist() == [123]


def test_hnsw_keeps_caller_ids():
    rng = np.random.default_rng(3)
    x = _unit(rng, 400, 16)
    ids = np.arange(1000, 1400, dtype=np.int64)
    index = VectorIndex.build(x, ids, hnsw_threshold=100)
    assert index.kind == "hnsw"
    found, _ = index.search(x[7], 3)
    assert found[0] == 1007


def test_hnsw_recall_at_10_against_exact_search():
    rng = np.random.default_rng(4)
    x = _unit(rng, 5000, 64)
    queries = _unit(rng, 100, 64)
    exact = VectorIndex.build(x, hnsw_threshold=10**9)
    approx = VectorIndex.build(x, hnsw_threshold=1000)
    assert (exact.kind, approx.kind) == ("flat", "hnsw")
    hits = 0
    for q in queries:
        truth = set(exact.search(q, 10)[0].tolist())
        hits += len(truth & set(approx.search(q, 10)[0].tolist()))
    recall = hits / (10 * len(queries))
    assert recall >= 0.95, recall


def test_search_on_empty_index_and_k_larger_than_index():
    empty = VectorIndex.build(np.zeros((0, 8), np.float32))
    assert len(empty.search(np.ones(8, np.float32), 5)[0]) == 0
    rng = np.random.default_rng(5)
    small = VectorIndex.build(_unit(rng, 3, 8))
    ids, scores = small.search(_unit(rng, 1, 8)[0], 10)
    assert sorted(ids.tolist()) == [0, 1, 2]
    assert len(scores) == 3


def test_snapshot_dense_scores_match_numpy(tmp_path, fake_embedder):
    from index.builder import build
    from index.layout import IndexLayout
    from index.reader import IndexSnapshot

    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(6):
        (docs / f"d{i}.txt").write_text(
            f"Document {i} is about partnerships number {i}. Mutuals share costs {i} times.\n",
            encoding="utf-8")
    layout = IndexLayout(tmp_path / "index")
    build(layout, fake_embedder, sources=[docs])
    snap = IndexSnapshot.open(layout)
    try:
        q = fake_embedder.encode_query("partnerships share costs")
        every = np.asarray(snap.chunk_vectors, dtype=np.float32) @ q
        np.testing.assert_allclose(snap.dense_scores(q), every, rtol=1e-5, atol=1e-6)
        rows = np.array([4, 0, 2])
        np.testing.assert_allclose(snap.dense_scores(q, rows), every[rows], rtol=1e-5, atol=1e-6)
        assert snap.dense_scores(q, np.array([], dtype=np.int64)).shape == (0,)
    finally:
        snap.close()


def _top(scores: np.ndarray, n: int) -> list[int]:
    return np.argsort(-scores, kind="stable")[:n].tolist()


def test_coarse_scan_candidates_hold_the_exact_top_n_ties_included():
    rng = np.random.default_rng(5)
    x = _unit(rng, 3000, 48)
    x[1500:1520] = x[7]  # exact duplicates: tied scores, ranked by row
    x[2000:2010] = x[2999]
    x[:, 5] = 0.125  # a constant dimension
    scan = CoarseScan(x)
    queries = np.vstack([_unit(rng, 60, 48), x[[7, 2999, 100]]])
    for q in queries:
        exact = inner_products(q, x)  # the kernel retrieval scores with
        for n in (1, 10, 100):
            near = scan.candidates(q, n)
            assert near is not None
            assert np.all(np.diff(near) > 0)
            assert near[_top(inner_products(q, x[near]), n)].tolist() == _top(exact, n)
        mean, sd = scan.moments(q)
        assert mean == pytest.approx(float(exact.mean()), rel=1e-5, abs=1e-7)
        assert sd == pytest.approx(float(exact.std()), rel=1e-5)


def test_coarse_scan_declines_what_it_cannot_bound():
    rng = np.random.default_rng(6)
    x = _unit(rng, 200, 16)
    scan = CoarseScan(x)
    assert scan.candidates(x[0], 0) is None
    assert scan.candidates(x[0], 200) is None  # all rows: scan them exactly instead
