"""Read-only view of one index generation, loaded once and never changed under a reader."""

from __future__ import annotations

import contextlib
import json
import threading
from collections import Counter
from functools import cached_property
from pathlib import Path

import numpy as np

from index import npy
from index.bm25 import BM25Index, ForwardIndex, tokenize
from index.layout import IndexLayout, NoIndex, pin_generation
from index.store import DocumentRow, Store
from index.vectors import CoarseScan, VectorIndex, inner_products


class CorruptIndex(RuntimeError):
    """An index generation on disk is damaged: its manifest, database or arrays."""


#: The arrays of a generation, checked against their headers when it is opened.
_ARRAYS = ("chunks.npy", "sentences.npy", "bm25/indptr.npy", "bm25/doc_ids.npy",
           "bm25/tfs.npy", "bm25/doc_len.npy")


def _npy_shape(path: Path) -> tuple[int, ...]:
    """The shape in an ``.npy`` header, after checking that the file holds all its data."""
    with open(path, "rb") as fh:
        shape, _, dtype = npy.read_header(fh)
        if dtype.hasobject:
            raise ValueError("holds Python objects")
        expected = fh.tell() + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
    size = path.stat().st_size
    if size != expected:
        raise ValueError(f"{size} bytes, {expected} expected (truncated?)")
    return tuple(int(n) for n in shape)


def check_generation(path: Path, store: Store | None = None, deep: bool = False) -> dict:
    """The manifest of generation ``path``, after checking the generation is whole.

    The quick check (every open: a few header reads and two indexed queries) reads the
    manifest, checks every array's header against its file size and the manifest's
    counts, and that the database is one. ``deep`` (before a build reuses a generation)
    also runs SQLite's ``quick_check`` and loads the FAISS and BM25 files.

    Raises:
        CorruptIndex: naming the damaged file and what is wrong with it.
    """
    def damaged(what: str, exc: object) -> CorruptIndex:
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return CorruptIndex(f"the index generation {path.name} in {path.parent.parent} is "
                            f"damaged ({what}: {detail})")

    try:
        manifest = json.loads((path / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
        for key in ("chunks", "dim"):
            if not isinstance(manifest.get(key), int) or manifest[key] < 0:
                raise ValueError(f"no valid {key!r}")
    except (OSError, ValueError) as exc:
        raise damaged("manifest.json", exc) from exc
    chunks, dim = manifest["chunks"], manifest["dim"]
    expect = {"chunks.npy": (chunks, dim), "bm25/doc_len.npy": (chunks,)}
    if isinstance(manifest.get("sentences"), int):
        expect["sentences.npy"] = (manifest["sentences"], dim)
    for name in _ARRAYS:
        try:
            shape = _npy_shape(path / name)
            if name in expect and shape != expect[name]:
                raise ValueError(f"shape {shape}, the manifest says {expect[name]}")
        except (OSError, ValueError, EOFError) as exc:
            raise damaged(name, exc) from exc
    import sqlite3

    own = store is None
    try:
        db = (store or Store(path / "meta.sqlite")).db
        n_rows = db.execute("SELECT count(*) FROM documents").fetchone()[0]
        last = db.execute("SELECT max(row) FROM chunks").fetchone()[0]
        if (last if last is not None else -1) != chunks - 1:
            raise ValueError(f"{0 if last is None else last + 1} chunks, the manifest "
                             f"says {chunks}")
        if isinstance(manifest.get("documents"), int) and n_rows != manifest["documents"]:
            raise ValueError(f"{n_rows} documents, the manifest says {manifest['documents']}")
        if deep:
            result = db.execute("PRAGMA quick_check").fetchone()[0]
            if result != "ok":
                raise ValueError(result)
    except (sqlite3.Error, ValueError) as exc:
        raise damaged("meta.sqlite", exc) from exc
    finally:
        if own:
            with contextlib.suppress(Exception):
                db.close()
    if deep:
        try:
            n = len(VectorIndex.load(path / "vectors.faiss"))
            if n != chunks:
                raise ValueError(f"{n} vectors, the manifest says {chunks}")
        except Exception as exc:  # noqa: BLE001 - FAISS raises RuntimeError for bad files
            raise damaged("vectors.faiss", exc) from exc
        try:
            BM25Index.load(path / "bm25")
        except Exception as exc:  # noqa: BLE001 - bad JSON, missing keys, bad arrays
            raise damaged("bm25", exc) from exc
    return manifest


class IndexSnapshot:
    """A generation's manifest, metadata store, vectors and BM25 index.

    Vectors of chunks and sentences are memory-mapped, so opening is cheap and only
    the rows a question touches are read. Opening checks that the generation is whole
    (``check_generation``) and raises ``CorruptIndex`` if it is not.
    """

    fallback_note: str | None = None
    """Set by ``open_live`` when the live generation was damaged and this earlier one is
    read instead: a one-line note for the user."""

    damaged_generation: Path | None = None
    """The damaged live generation this one stands in for (see ``open_live``)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._unpin = pin_generation(self, path)  # cleanup leaves it while we read
        self.store = Store(path / "meta.sqlite")
        try:
            self.manifest: dict = check_generation(path, self.store)
        except CorruptIndex:
            self.close()
            raise
        self.coarse: CoarseScan | None = None
        """Built by ``prepare_coarse_scan`` (long-running processes): see ``CoarseScan``."""
        self._coarse_lock = threading.Lock()

    @classmethod
    def open(cls, layout: IndexLayout) -> IndexSnapshot:
        """The live generation, or the newest good earlier one if it is damaged."""
        return open_live(layout)

    def close(self) -> None:
        self.store.close()
        self._unpin()

    def __enter__(self) -> IndexSnapshot:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    @property
    def chunk_count(self) -> int:
        return int(self.manifest.get("chunks", 0))

    def documents(self) -> list[DocumentRow]:
        return self.store.documents()

    @cached_property
    def documents_by_id(self) -> dict[str, DocumentRow]:
        return {d.doc_id: d for d in self.store.documents()}

    @cached_property
    def vectors(self) -> VectorIndex:
        return VectorIndex.load(self.path / "vectors.faiss")

    @cached_property
    def bm25(self) -> BM25Index:
        return BM25Index.load(self.path / "bm25")

    @cached_property
    def chunk_vectors(self) -> np.ndarray:
        return npy.load(self.path / "chunks.npy", mmap=True)

    def dense_scores(self, query: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """Inner products of ``query`` with every chunk vector, or with those of ``rows``.

        Uses FAISS's single-threaded SIMD kernel straight on the memory-mapped matrix:
        numpy's ``@`` hands a matrix-vector product to multi-threaded BLAS, whose idle
        threads then spin against the query encoder (several times slower on a busy
        machine; warm-answer figures: ``benchmarks/SPEED.md``).
        """
        q = np.ascontiguousarray(query, dtype=np.float32).reshape(-1)
        vecs = self.chunk_vectors if rows is None else self.chunk_vectors[rows]
        vecs = np.asarray(vecs)
        if vecs.dtype != np.float32 or not vecs.flags.c_contiguous or not len(vecs):
            return np.asarray(vecs, dtype=np.float32) @ q
        return inner_products(q, vecs)

    def prepare_coarse_scan(self) -> CoarseScan:
        """Build the 8-bit copy and moments of the chunk vectors (once per snapshot)."""
        with self._coarse_lock:
            if self.coarse is None:
                self.coarse = CoarseScan(np.asarray(self.chunk_vectors))
            return self.coarse

    def prepare_forward(self, sample: int = 32) -> bool:
        """Give the BM25 index its per-document term counts, if they match the texts.

        A sample of chunks is tokenised and compared with the transposed postings: an
        index whose keyword terms came from another tokeniser keeps tokenising instead.
        """
        bm = self.bm25
        if bm.forward is not None:
            return True
        forward = ForwardIndex.of(bm)
        n = len(bm.doc_len)
        rows = sorted({int(r) for r in np.linspace(0, n - 1, min(sample, n))}) if n else []
        for row, text in self.store.chunk_texts(rows).items():
            toks = tokenize(text)
            if Counter(toks) != forward.counts(row) or len(toks) != int(bm.doc_len[row]):
                return False
        bm.forward = forward
        return True

    @cached_property
    def sentence_vectors(self) -> np.ndarray:
        return npy.load(self.path / "sentences.npy", mmap=True)


def open_live(layout: IndexLayout) -> IndexSnapshot:
    """The live generation; if it is damaged, the newest earlier generation that is whole.

    The stand-in carries a ``fallback_note`` for the user and the damaged generation's
    path; ``assistant index`` rebuilds from it and removes the damaged one.

    Raises:
        NoIndex: nothing was ever published.
        CorruptIndex: the live generation is damaged and no earlier one is whole.
    """
    current = layout.current()
    if current is None:
        raise NoIndex(f"no index in {layout.root} yet: run `assistant index` first")
    try:
        return IndexSnapshot(current)
    except CorruptIndex as exc:
        damage = exc
    for gen in layout.earlier_generations(current):
        try:
            snap = IndexSnapshot(gen)
        except CorruptIndex:
            continue
        snap.fallback_note = (f"{damage}; using the previous index ({gen.name}) until "
                              "`assistant index` rebuilds it")
        snap.damaged_generation = current
        return snap
    raise CorruptIndex(f"{damage}: run `assistant index` to rebuild it")
