"""Every encoder has the whole interface, and the encoder modules import one way only."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from index.embedder import Embedder

ROOT = Path(__file__).resolve().parents[2]


def _encoder_modules() -> dict[str, Path]:
    mods = {"index.embedder": ROOT / "index" / "embedder.py"}
    for p in sorted((ROOT / "index" / "encoders").glob("*.py")):
        name = "index.encoders" if p.stem == "__init__" else f"index.encoders.{p.stem}"
        mods[name] = p
    return mods


def _imports(path: Path, known: set[str]) -> set[str]:
    """The modules of ``known`` that ``path`` imports, at the top or inside a function
    (``from package import module`` imports the module, as import-linter counts it)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            for a in node.names:
                sub = f"{node.module}.{a.name}"
                found.add(sub if sub in known else node.module)
    return found & known


def test_encoder_modules_import_each_other_one_way():
    mods = _encoder_modules()
    graph = {m: _imports(p, set(mods)) - {m} for m, p in mods.items()}
    assert not graph["index.embedder"], "the interface imports no encoder"
    done: set[str] = set()

    def visit(m: str, path: list[str]) -> None:
        assert m not in path, " -> ".join([*path, m])
        if m not in done:
            for n in graph[m]:
                visit(n, [*path, m])
            done.add(m)

    for m in graph:
        visit(m, [])


def test_importing_the_encoders_loads_no_ml_runtime():
    code = ("import sys, json\n"
            + "".join(f"import {m}\n" for m in _encoder_modules())
            + "print(json.dumps(sorted(sys.modules)))")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         text=True, check=True, timeout=120).stdout
    heavy = {"torch", "onnxruntime", "onnx", "transformers", "sentence_transformers"}
    assert not heavy & set(json.loads(out.splitlines()[-1]))


class Minimal(Embedder):
    """Only the four members every encoder must have."""

    @property
    def name(self) -> str:
        return "minimal"

    @property
    def dim(self) -> int:
        return 2

    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        return np.tile(np.asarray([1.0, 0.0], dtype=np.float32), (len(texts), 1))

    def encode_query(self, text: str) -> np.ndarray:
        return np.asarray([1.0, 0.0], dtype=np.float32)


def test_an_encoder_without_optional_capabilities_has_their_defaults():
    e = Minimal()
    e.load()
    assert e.prepare_bulk(100_000) is False
    e.release_bulk()
    assert e.bulk_step is None and e.fallback_reason is None
    assert e.description == "minimal"
    assert e.encoder_info == {"model": "minimal"}


def test_an_encoder_missing_a_required_member_cannot_be_made():
    class NoQueries(Embedder):
        name = "no-queries"
        dim = 2

        def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
            return np.zeros((len(texts), 2), dtype=np.float32)

    with pytest.raises(TypeError, match="encode_query"):
        NoQueries()  # type: ignore[abstract]
