"""The ONNX Runtime encoder gives sentence-transformers' vectors without importing torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index.embedder import ModelUnavailable, SentenceTransformerEmbedder
from index.encoders import load_embedder, onnx_export, onnx_runtime
from index.encoders.onnx_runtime import OnnxEmbedder

# Tests that need the model are marked integration by their fixtures (tests/conftest.py).

ROOT = Path(__file__).resolve().parents[2]

SENTENCES = [
    "What are the benefits of partnerships for public service mutuals?",
    "Mutuals said partnerships helped them bid for larger contracts.",
    "Risk",
    "",
    "   leading and trailing spaces   ",
    "UPPER CASE TEXT AND lower case text",
    "Naïve café résumé — “curly quotes”, £1,200.50 and 3.5% growth in 2017/18.",
    "日本語のテキストと English mixed together.",
    "e.g. the Cabinet Office's Mutuals Support Programme (MSP), i.e. support",
    "• a bullet point\n\twith a tab and a newline",
    "https://www.gov.uk/government/publications/partnerships-for-better-public-services",
    " ".join(["Commissioners and mutuals should share risk fairly."] * 60),  # > 256 tokens
]


@pytest.fixture(scope="session")
def onnx_embedder(encoder_cache: Path) -> OnnxEmbedder:
    return OnnxEmbedder(onnx_export.exported_dir(root=encoder_cache))


@pytest.fixture
def use_cache(encoder_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE", str(encoder_cache))
    return encoder_cache


def test_vectors_agree_with_sentence_transformers(onnx_embedder, real_embedder):
    fast = onnx_embedder.encode_documents(SENTENCES)
    ref = real_embedder.encode_documents(SENTENCES)
    assert fast.shape == ref.shape == (len(SENTENCES), 384)
    assert fast.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(fast, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(fast * ref, axis=1)
    assert cosines.min() >= 0.999, dict(zip(SENTENCES, cosines.round(5).tolist(), strict=True))


def test_query_and_batched_vectors_are_the_same(onnx_embedder, real_embedder):
    batched = onnx_embedder.encode_documents(SENTENCES, batch_size=5)
    for text, vec in zip(SENTENCES, batched, strict=True):
        single = onnx_embedder.encode_query(text)
        assert float(single @ vec) >= 0.9999
    q = "How do partnerships affect staff?"
    assert float(onnx_embedder.encode_query(q) @ real_embedder.encode_query(q)) >= 0.999


CORPUS = [
    "Partnerships let mutuals bid for contracts that are too large for one organisation.",
    "Sharing back-office functions such as payroll and IT reduces overheads.",
    "Some mutuals worried that a larger partner would dominate decision making.",
    "Commissioners often prefer a single prime contractor to many small providers.",
    "A joint venture is a separate legal entity owned by the partners.",
    "Staff ownership gives employees a voice in how services are run.",
    "The report recommends that government publish guidance on partnership models.",
    "Trust between partners takes time to build and is easily lost.",
    "Cultural differences between charities and private firms can slow joint work.",
    "Social value legislation encourages councils to weigh wider community benefits.",
    "Consortia allow small providers to share the risk of payment-by-results contracts.",
    "Due diligence on a prospective partner should cover finances and governance.",
    "Mutuals reported that partnerships improved their access to investment.",
    "Clear exit arrangements protect each partner if the relationship ends.",
    "Health and social care mutuals partnered with NHS trusts to integrate services.",
    "Procurement rules can make it hard for new partnerships to compete.",
    "Leadership capacity is a common constraint for small mutual organisations.",
    "Partnership agreements should state who owns intellectual property.",
    "Several youth services mutuals merged to survive funding cuts.",
    "Evidence of impact helps partnerships win the confidence of commissioners.",
    "A memorandum of understanding is a light-touch first step before a contract.",
    "Employee engagement tends to be higher in staff-owned organisations.",
    "Local authorities can support mutuals by offering longer contracts.",
    "Pension liabilities can complicate transfers of staff between partners.",
    "Interviews were held with chief executives of forty mutual organisations.",
    "Innovation often came from front-line staff rather than senior managers.",
    "Brand and reputation risks rise when a partner performs poorly.",
    "Digital platforms shared across partners cut the cost of new services.",
    "The Mutuals Support Programme funded business advice for new mutuals.",
    "Governance structures must balance the interests of staff, partners and users.",
    "Larger partners can bring capital, systems and specialist expertise.",
    "Small mutuals fear losing their identity and ethos in a merger.",
    "Outcome-based commissioning rewards providers for results, not activity.",
    "A shared vision and aligned values were the strongest predictors of success.",
    "Rural areas face particular challenges in delivering community services.",
    "Regular performance reviews keep partnerships accountable to commissioners.",
]


def test_top10_rankings_identical_on_a_small_corpus(onnx_embedder, real_embedder):
    paras = CORPUS
    questions = [
        "What are the benefits of partnerships?",
        "What challenges do mutuals face when partnering?",
        "What does the report recommend to government?",
        "How can commissioners support partnerships?",
        "Why do mutuals form joint ventures?",
        "What is a public service mutual?",
    ]
    docs_fast = onnx_embedder.encode_documents(paras)
    docs_ref = real_embedder.encode_documents(paras)
    for q in questions:
        fast = np.argsort(-(docs_fast @ onnx_embedder.encode_query(q)))[:10]
        ref_scores = docs_ref @ real_embedder.encode_query(q)
        ref = np.argsort(-ref_scores)[:10]
        assert fast.tolist() == ref.tolist(), q


def test_cold_query_imports_neither_torch_nor_sentence_transformers(use_cache):
    code = (
        "import sys\n"
        "from index.encoders import load_embedder\n"
        "e = load_embedder(export=False)\n"
        "v = e.encode_query('What are the benefits of partnerships?')\n"
        "heavy = {'torch', 'sentence_transformers', 'transformers'} & set(sys.modules)\n"
        "print(type(e).__name__, v.shape[0], sorted(heavy))\n"
    )
    env = dict(os.environ, ASSISTANT_ENCODER_CACHE=str(use_cache))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True,
                         text=True, timeout=120, check=True).stdout.split()
    assert out == ["OnnxEmbedder", "384", "[]"]


def test_auto_falls_back_to_sentence_transformers(monkeypatch, tmp_path):
    monkeypatch.setattr(onnx_runtime, "onnx_available", lambda: False)
    emb = load_embedder(encoder="auto")
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert "onnxruntime" in (emb.fallback_reason or "")
    with pytest.raises(ModelUnavailable):
        load_embedder(encoder="onnx")


def test_no_export_yet_without_permission_to_export_falls_back(monkeypatch, tmp_path):
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE", str(tmp_path / "empty"))
    emb = load_embedder(export=False)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert "not been exported" in (emb.fallback_reason or "")
    assert not (tmp_path / "empty").exists()


def test_an_export_of_another_format_is_not_used(use_cache, monkeypatch, tmp_path):
    bad = tmp_path / "enc"
    folder = onnx_export.exported_dir(root=use_cache)
    bad_folder = bad / folder.name
    bad_folder.mkdir(parents=True)
    info = json.loads((folder / "encoder.json").read_text())
    info["format"] = 999
    (bad_folder / "encoder.json").write_text(json.dumps(info))
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE", str(bad))
    emb = load_embedder(export=False)
    assert isinstance(emb, SentenceTransformerEmbedder)
    assert "format" in (emb.fallback_reason or "")
    with pytest.raises(ModelUnavailable):
        load_embedder(encoder="onnx", export=False)


def test_unknown_encoder_setting_is_an_error():
    with pytest.raises(ModelUnavailable, match="unknown encoder"):
        load_embedder(encoder="gpu-magic")


def test_index_manifest_records_the_onnx_encoder(use_cache, tmp_path):
    from index.builder import build
    from index.layout import IndexLayout
    from index.reader import IndexSnapshot

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Partnerships help mutuals grow. They share back-office costs and bid together.\n",
        encoding="utf-8")
    layout = IndexLayout(tmp_path / "index")
    emb = load_embedder(export=False)
    assert isinstance(emb, OnnxEmbedder)
    report = build(layout, emb, sources=[docs])
    assert report.written and report.chunks >= 1
    snap = IndexSnapshot.open(layout)
    try:
        assert snap.manifest["encoder"]["kind"] == "onnx"
        assert snap.manifest["encoder"]["model"] == snap.manifest["model"] == "all-MiniLM-L6-v2"
    finally:
        snap.close()


def test_a_failed_export_is_not_retried_with_the_same_packages(monkeypatch, tmp_path):
    calls = []

    def failing_export(model_dir, target):  # noqa: ANN001, ANN202
        calls.append(target)
        raise onnx_export.ExportFailed("cannot export: onnx is not installed")

    monkeypatch.setattr(onnx_export, "export", failing_export)
    root = tmp_path / "enc"
    for _ in range(2):
        with pytest.raises(onnx_export.ExportFailed, match="onnx is not installed"):
            onnx_export.ensure_exported(root=root)
    assert len(calls) == 1  # the second attempt did not try again
    monkeypatch.setattr(onnx_export, "_export_tools", lambda: {"onnx": "99.0"})
    with pytest.raises(onnx_export.ExportFailed):
        onnx_export.ensure_exported(root=root)
    assert len(calls) == 2  # new packages: it tries again


def test_the_bfloat16_setting_reaches_the_encoder(use_cache, tmp_path):
    from assistant.config import Settings
    from assistant.service import Assistant

    on = load_embedder(export=False)
    off = load_embedder(export=False, bfloat16=False)
    assert isinstance(on, OnnxEmbedder) and isinstance(off, OnnxEmbedder)
    assert on.bulk_allowed and not off.bulk_allowed
    assert not off.prepare_bulk(100_000) and "turned off" in (off.bulk_reason or "")
    settings = Settings().with_values({"index_dir": tmp_path / "ix", "bfloat16": False})
    emb = Assistant(settings).embedder
    assert isinstance(emb, OnnxEmbedder) and not emb.bulk_allowed
