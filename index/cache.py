"""Embedding cache keyed by (model, text hash): unchanged or repeated text is never re-embedded."""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np


def text_key(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


class EmbeddingCache:
    """A small SQLite table of float32 vectors; safe against a crash mid-write."""

    def __init__(self, path: Path, model: str, dim: int) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self.db = sqlite3.connect(path, timeout=30)
        self.db.executescript(
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"
            "CREATE TABLE IF NOT EXISTS emb (model TEXT, key BLOB, vec BLOB,"
            " PRIMARY KEY (model, key)) WITHOUT ROWID;"
        )
        self.model = f"{model}|{dim}"
        self.dim = dim

    def get_many(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Cached vectors by position in ``texts``."""
        keys = [text_key(t) for t in texts]
        found: dict[bytes, np.ndarray] = {}
        unique = list(dict.fromkeys(keys))
        for i in range(0, len(unique), 500):
            part = unique[i : i + 500]
            marks = ",".join("?" * len(part))
            for key, blob in self.db.execute(
                f"SELECT key, vec FROM emb WHERE model = ? AND key IN ({marks})",
                [self.model, *part],
            ):
                found[key] = np.frombuffer(blob, dtype=np.float32)
        return {i: found[k] for i, k in enumerate(keys) if k in found}

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self.db.executemany(
            "INSERT OR REPLACE INTO emb VALUES (?,?,?)",
            [(self.model, text_key(t), np.asarray(v, dtype=np.float32).tobytes())
             for t, v in zip(texts, vectors, strict=True)],
        )
        self.db.commit()

    def count(self) -> int:
        """Vectors cached for this model."""
        return int(self.db.execute("SELECT count(*) FROM emb WHERE model = ?",
                                   (self.model,)).fetchone()[0])

    def prune(self, keep: Sequence[str], ratio: float = 3.0, min_rows: int = 50_000) -> int:
        """Drop vectors of texts no longer indexed once the cache outgrows the index.

        Nothing is dropped while the cache holds at most ``max(min_rows, ratio * len(keep))``
        vectors, so recently removed or edited text stays free to bring back. Returns the
        number of vectors dropped.
        """
        keys = {text_key(t) for t in keep}
        if self.count() <= max(min_rows, ratio * len(keys)):
            return 0
        self.db.execute("CREATE TEMP TABLE IF NOT EXISTS keep (key BLOB PRIMARY KEY)")
        self.db.execute("DELETE FROM keep")
        self.db.executemany("INSERT INTO keep VALUES (?)", [(k,) for k in keys])
        cur = self.db.execute(
            "DELETE FROM emb WHERE model = ? AND key NOT IN (SELECT key FROM keep)",
            (self.model,))
        self.db.commit()
        return cur.rowcount

    def close(self) -> None:
        self.db.close()
