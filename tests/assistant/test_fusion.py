import numpy as np
import pytest

from assistant.retrieve import rrf


def test_rrf_hand_computed():
    dense = np.array([10, 20, 30])
    bm25 = np.array([30, 40])
    fused = rrf([(dense, 1.0), (bm25, 1.0)], k=60)
    assert fused[30] == pytest.approx(1 / 63 + 1 / 61)
    assert fused[10] == pytest.approx(1 / 61)
    assert fused[40] == pytest.approx(1 / 62)
    assert max(fused, key=fused.get) == 30  # found by both beats first of one


def test_rrf_weights():
    fused = rrf([(np.array([1, 2]), 2.0), (np.array([2, 1]), 1.0)], k=1)
    assert fused[1] == pytest.approx(2 / 2 + 1 / 3)
    assert fused[2] == pytest.approx(2 / 3 + 1 / 2)
