"""The bfloat16 bulk encoder gives the model's vectors, and is used only where it may be."""

from __future__ import annotations

import numpy as np
import pytest

from index.embedder import resolve_model_path
from index.encoders import check, onnx_export, onnx_runtime, torch_bf16
from index.encoders.onnx_runtime import OnnxEmbedder
from tests.index.test_onnx_encoder import CORPUS, SENTENCES

# Tests that need the model are marked integration by their fixtures (tests/conftest.py).

QUESTIONS = [
    "What are the benefits of partnerships?",
    "What challenges do mutuals face when partnering?",
    "How can commissioners support partnerships?",
    "Why do mutuals form joint ventures?",
]


@pytest.fixture
def onnx_fresh(encoder_cache) -> OnnxEmbedder:  # noqa: ANN001
    return OnnxEmbedder(onnx_export.exported_dir(root=encoder_cache))


def _torch(onnx: OnnxEmbedder, bf16: bool) -> torch_bf16.TorchBertEncoder:
    from pathlib import Path

    return torch_bf16.TorchBertEncoder(
        Path(resolve_model_path("all-MiniLM-L6-v2")), onnx._tokenizer, onnx.max_seq_length,
        bf16=bf16)


def test_float32_forward_is_the_model_itself(onnx_fresh, real_embedder):
    got = _torch(onnx_fresh, bf16=False).encode(SENTENCES)
    ref = real_embedder.encode_documents(SENTENCES)
    assert np.min(np.sum(got * ref, axis=1)) >= 0.99999


def test_bfloat16_vectors_agree_and_rank_like_the_model(onnx_fresh, real_embedder):
    bulk = _torch(onnx_fresh, bf16=True)
    got = bulk.encode(SENTENCES + CORPUS)
    ref = real_embedder.encode_documents(SENTENCES + CORPUS)
    assert np.min(np.sum(got * ref, axis=1)) >= check.MIN_AGREEMENT
    docs_bulk, docs_ref = got[len(SENTENCES):], ref[len(SENTENCES):]
    for q in QUESTIONS:
        qv = onnx_fresh.encode_query(q)  # questions are always float32
        assert np.argsort(-(docs_bulk @ qv))[:5].tolist() == \
            np.argsort(-(docs_ref @ qv))[:5].tolist(), q


def test_small_runs_and_switched_off_runs_stay_on_float32(onnx_fresh):
    assert not onnx_fresh.prepare_bulk(10)
    assert "fewer than" in onnx_fresh.bulk_reason
    onnx_fresh.bulk_allowed = False
    try:
        assert not onnx_fresh.prepare_bulk(100_000)
        assert "turned off" in onnx_fresh.bulk_reason
        assert "bulk" not in onnx_fresh.encoder_info
    finally:
        onnx_fresh.bulk_allowed = True


def test_without_bfloat16_hardware_the_reason_is_given(onnx_fresh, monkeypatch):
    monkeypatch.setattr(torch_bf16, "bf16_hardware", lambda: False)
    assert not onnx_fresh.prepare_bulk(100_000)
    assert "bfloat16" in onnx_fresh.bulk_reason


def test_a_disagreeing_bulk_encoder_is_refused(onnx_fresh, monkeypatch):
    monkeypatch.setattr(torch_bf16, "bf16_hardware", lambda: True)
    monkeypatch.setattr(check, "agreement", lambda *a: 0.97)
    emb = OnnxEmbedder(onnx_fresh.folder)
    assert not emb.prepare_bulk(100_000)
    assert "disagrees" in emb.bulk_reason and "0.97" in emb.bulk_reason
    assert "bulk" not in emb.encoder_info


def test_index_built_in_bulk_answers_like_one_built_in_float32(onnx_fresh, monkeypatch, tmp_path):
    """A large run uses the bulk encoder (recorded in the manifest); retrieval is unchanged."""
    from index.builder import build
    from index.layout import IndexLayout
    from index.reader import IndexSnapshot

    docs = tmp_path / "docs"
    docs.mkdir()
    for i, para in enumerate(CORPUS):
        (docs / f"d{i:02d}.txt").write_text(para + "\n", encoding="utf-8")
    monkeypatch.setattr(onnx_runtime, "MIN_TEXTS", 1)
    monkeypatch.setattr(torch_bf16, "bf16_hardware", lambda: True)  # emulated if need be

    def built(emb: OnnxEmbedder, name: str):  # noqa: ANN202
        layout = IndexLayout(tmp_path / name)
        report = build(layout, emb, sources=[docs])
        return report, IndexSnapshot.open(layout)

    fp32 = OnnxEmbedder(onnx_fresh.folder)
    fp32.bulk_allowed = False
    r32, s32 = built(fp32, "fp32")
    bulk = OnnxEmbedder(onnx_fresh.folder)
    r16, s16 = built(bulk, "bulk")
    try:
        assert "float32" in r32.encoder and "bfloat16" in r16.encoder
        assert s16.manifest["encoder"]["bulk"]["kind"] == "torch-bfloat16"
        assert s16.manifest["bfloat16_vectors"] is True
        assert "bulk" not in s32.manifest["encoder"]
        assert s32.manifest["bfloat16_vectors"] is False
        # The bulk encoder is dropped after the run; a later small run is float32 again.
        assert "bfloat16" not in bulk.description
        monkeypatch.setattr(onnx_runtime, "MIN_TEXTS", 400)
        assert not bulk.prepare_bulk(3) and "fewer than 400" in bulk.description
        v32, v16 = np.asarray(s32.chunk_vectors), np.asarray(s16.chunk_vectors)
        assert np.min(np.sum(v32 * v16, axis=1)) >= check.MIN_AGREEMENT
        for q in QUESTIONS:
            qv = fp32.encode_query(q)
            assert s16.vectors.search(qv, 5)[0].tolist() == s32.vectors.search(qv, 5)[0].tolist()
    finally:
        s32.close()
        s16.close()


def test_thread_tuner_stays_on_all_cores_while_they_are_fast_and_adapts_when_busy():
    tuner = torch_bf16.ThreadTuner(cores=2, interval=4, max_interval=16)
    speed = {2: 1.0, 1: 3.0}  # seconds per unit of work: an idle machine
    used: list[int] = []

    def run(n: int) -> None:
        for _ in range(n):
            t = tuner.next()
            used.append(t)
            tuner.record(t, speed[t], 1.0)

    run(20)
    assert used == [2] * 20  # no time lost trying one thread on an idle machine
    speed = {2: 6.0, 1: 3.0}  # the machine got busy: two threads now wait on each other
    run(6)
    assert tuner.current == 1 and used[-1] == 1
    used.clear()
    run(60)  # still busy: all cores are retried less and less often
    assert 0 < used.count(2) <= 5 and tuner.interval == 16  # 15 without the back-off
    speed = {2: 1.0, 1: 3.0}  # idle again: the next retry finds all cores faster
    run(20)
    assert tuner.current == 2 and used[-1] == 2
    assert torch_bf16.ThreadTuner(cores=1).next() == 1


def test_cli_index_says_which_encoder_ran_and_how_fast(encoder_cache, tmp_path):
    import os
    import subprocess
    import sys
    from pathlib import Path

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.txt").write_text("Partnerships help mutuals share back-office costs.\n",
                                   encoding="utf-8")
    env = {**os.environ, "ASSISTANT_ENCODER_CACHE": str(encoder_cache)}
    out = subprocess.run(
        [sys.executable, "-m", "assistant", "index", str(docs), "--verbose", "--index-dir",
         str(tmp_path / "ix")], capture_output=True, text=True, timeout=600, env=env,
        cwd=Path(__file__).resolve().parents[2], check=False)
    assert out.returncode == 0, out.stderr
    line = next(x for x in out.stdout.splitlines() if "passages embedded in" in x)
    # A small run stays on the float32 encoder, and says so, counting in passages only.
    assert "all-MiniLM-L6-v2 on ONNX Runtime, float32 (not bfloat16: a small run" in line
    assert "passages/s" in line and "texts" not in line
