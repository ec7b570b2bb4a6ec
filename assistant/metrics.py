"""Ranking metrics (binary relevance), shared by the benchmarks and ``assistant eval``.

Pure functions over ranked id lists; nothing here touches the index or the model.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence


def dcg(gains: Sequence[float]) -> float:
    """Discounted cumulative gain with the standard log2(rank + 1) discount."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains))


def ndcg_at_k(ranked: Sequence[object], relevant: Collection[object], k: int = 10) -> float:
    """nDCG@k with binary gains; 0 when nothing is relevant.

    Duplicate ids in ``ranked`` only count at their first position.
    """
    if not relevant:
        return 0.0
    gains = [1.0 if r in relevant else 0.0 for r in _unique(ranked)[:k]]
    ideal = dcg([1.0] * min(len(relevant), k))
    return dcg(gains) / ideal


def mrr_at_k(ranked: Sequence[object], relevant: Collection[object], k: int = 10) -> float:
    """Reciprocal rank of the first relevant id within the top ``k`` (0 if none)."""
    for i, r in enumerate(_unique(ranked)[:k], start=1):
        if r in relevant:
            return 1.0 / i
    return 0.0


def recall_at_k(ranked: Sequence[object], relevant: Collection[object], k: int = 100) -> float:
    """Share of the relevant ids found in the top ``k``; 0 when nothing is relevant."""
    if not relevant:
        return 0.0
    top = set(_unique(ranked)[:k])
    return len(top & set(relevant)) / len(set(relevant))


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; NaN for no values (so an empty group is visible, not zero)."""
    return sum(values) / len(values) if values else float("nan")


def _unique(ranked: Sequence[object]) -> list[object]:
    seen: set[object] = set()
    out = []
    for r in ranked:
        if r not in seen:
            seen.add(r)
            out.append(r)
    return out
