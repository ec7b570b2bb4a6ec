"""Shared fixtures: a fake embedder for fast tests, the real model for integration."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

FIXTURES = Path(__file__).parent / "fixtures"

REAL_MODEL_FIXTURES = frozenset({"real_embedder", "encoder_cache"})
"""Fixtures that load or export the real model: a test using one, directly or through
another fixture, is an integration test."""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Honest tiers: every test that needs the real model is marked ``integration``, so
    ``pytest -m "not integration"`` is the fast tier (fake embedder, no model)."""
    for item in items:
        if REAL_MODEL_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.integration)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """No test reads or writes the user's real config or index."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("ASSISTANT_INDEX_DIR", raising=False)
    monkeypatch.delenv("ASSISTANT_CONFIG", raising=False)


@pytest.fixture
def fake_embedder():
    from index.embedder import FakeEmbedder

    return FakeEmbedder()


@pytest.fixture
def text_index(tmp_path, fake_embedder):
    """Write {file name: text} into a fresh folder and index it with the fake embedder;
    returns the index's IndexLayout."""
    from index.builder import build
    from index.layout import IndexLayout

    def make(docs: dict[str, str]):  # noqa: ANN202 - IndexLayout
        folder = tmp_path / "docs"
        folder.mkdir()
        for name, text in docs.items():
            (folder / name).write_text(text, encoding="utf-8")
        layout = IndexLayout(tmp_path / "index")
        build(layout, fake_embedder, sources=[folder])
        return layout

    return make


@pytest.fixture(scope="session")
def real_embedder():
    """The real all-MiniLM-L6-v2, loaded once per test session from the local package."""
    from index.embedder import SentenceTransformerEmbedder

    emb = SentenceTransformerEmbedder()
    emb.load()
    return emb


@pytest.fixture(scope="session")
def encoder_cache(tmp_path_factory: pytest.TempPathFactory):
    """The model exported to ONNX once for the whole test session, into a private cache."""
    from index.encoders import onnx_export

    root = tmp_path_factory.mktemp("encoders")
    onnx_export.ensure_exported(root=root)
    return root
