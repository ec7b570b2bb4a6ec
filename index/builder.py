"""Incremental, atomic index builds.

Each source file is tracked by size, mtime and content hash. Unchanged files are
neither re-read nor re-embedded: their rows and vectors are copied from the previous
generation. New and changed files are loaded, chunked and embedded through the
embedding cache. The result is written as a new generation and published atomically
(see ``index.layout``); a failure or a kill leaves the previous generation live.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from corpus.budget import LOAD_SECONDS, Budget, LoadCancelled
from corpus.chunking import ChunkingParams, chunk_document
from corpus.discover import discover
from corpus.manifest import BUNDLED_DIR
from corpus.records import Chunk, Document
from index.bm25 import BM25Index
from index.cache import EmbeddingCache
from index.embedder import Embedder
from index.layout import FORMAT_VERSION, IndexLayout
from index.plan import KEPT, Planned, keep, keep_unreachable, plan
from index.reader import CorruptIndex, IndexSnapshot, check_generation, open_live
from index.store import DocumentRow, StoreWriter
from index.vectors import HNSW_THRESHOLD, VectorIndex

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


class Cancelled(Exception):
    """The build was cancelled; the previous index is untouched."""


class BuildFailed(RuntimeError):
    """The new generation could not be written (disk full, ...); the previous one is live."""


def _write_problem(exc: BaseException) -> str:
    """What went wrong writing, in a few words: "the disk is full" when it is."""
    import errno

    text = " ".join(str(exc).split())
    if isinstance(exc, OSError):
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            text = "the disk is full"
        else:
            text = exc.strerror or text
        if exc.filename:
            text += f" ({exc.filename})"
    elif "disk is full" in text or "database or disk is full" in text:
        text = "the disk is full"
    return text or type(exc).__name__


@dataclass
class Progress:
    """One progress report: ``stage`` is scan, read, embed, write or done."""

    stage: str
    done: int
    total: int
    message: str = ""


ProgressFn = Callable[[Progress], None]


@dataclass
class BuildReport:
    """What a build (or a status check) found and did."""

    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    generation: str | None = None
    seconds: float = 0.0
    written: bool = False
    embed_seconds: float = 0.0
    encoder: str = ""
    """What encoded the new texts, for people (empty when nothing was embedded)."""
    encoder_info: dict = field(default_factory=dict)
    """What encoded the new texts, for the manifest (empty when nothing was embedded)."""

    def as_json(self) -> dict:
        return {
            "added": self.added, "updated": self.updated, "unchanged": self.unchanged,
            "removed": self.removed, "failed": self.failed, "documents": self.documents,
            "chunks": self.chunks, "embedded": self.embedded, "generation": self.generation,
            "seconds": round(self.seconds, 3), "embed_seconds": round(self.embed_seconds, 3),
            "encoder": self.encoder,
        }

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.removed)


def all_sources(
    layout: IndexLayout, added: list[str] | None = None, include_bundled: bool = True
) -> list[Path]:
    """The bundled corpus (always) plus the maintainer's added sources (``added``, by
    default the saved list)."""
    extra = [Path(s) for s in (layout.read_sources() if added is None else added)]
    return ([BUNDLED_DIR] if include_bundled else []) + extra


def _compatible(snap: IndexSnapshot | None, embedder: Embedder, params: ChunkingParams) -> bool:
    if snap is None:
        return False
    m = snap.manifest
    return (
        m.get("format_version") == FORMAT_VERSION
        and m.get("model") == embedder.name
        and m.get("chunking") == params.as_dict()
    )


def _record(layout: IndexLayout, report: BuildReport) -> None:
    """Save the report, with the size and mtime of each failed file (see ``status``)."""
    stats: dict[str, list] = {}
    for f in report.failed:
        try:
            st = os.stat(f["source"])
        except OSError:
            continue
        stats[f["source"]] = [st.st_size, st.st_mtime, f["reason"]]
    layout.write_last_build({**report.as_json(), "failed_stat": stats})


def _known_failures(layout: IndexLayout, planned: list[Planned], failed: list[dict]) -> None:
    """Files that failed last time and have not changed since will fail again: say so."""
    stats = (layout.read_last_build() or {}).get("failed_stat") or {}
    for p in list(planned):
        known = stats.get(p.source)
        if p.state == "new" and known and known[:2] == [p.size, p.mtime]:
            planned.remove(p)
            failed.append({"source": p.source, "reason": str(known[2])})


def status(layout: IndexLayout) -> BuildReport:
    """What an ``index`` run would do, without indexing (no model needed)."""
    report = BuildReport()
    found = discover(all_sources(layout))
    report.failed = [{"source": s, "reason": r} for s, r in found.failed]
    snap, _ = _open_base(layout)
    previous = {d.source: d for d in snap.documents()} if snap else {}
    planned = plan(found.files, previous, report.failed)
    keep_unreachable(planned, previous, report.failed)
    _known_failures(layout, planned, report.failed)
    buckets = {"new": report.added, "changed": report.updated, "unchanged": report.unchanged}
    for p in planned:
        buckets[p.state].append(p.source)
    seen = {p.source for p in planned}
    report.removed = sorted(s for s in previous if s not in seen)
    if snap:
        report.documents = len(previous)
        report.chunks = snap.chunk_count
        report.generation = snap.path.name
        snap.close()
    return report


def _open_base(layout: IndexLayout) -> tuple[IndexSnapshot | None, Path | None]:
    """The generation a build starts from, and the damaged live one it replaces, if any.

    A damaged live generation is replaced: the build starts from the newest earlier
    generation that is whole, or from nothing (a full build, mostly from the embedding
    cache).
    """
    if not layout.exists():
        return None, None
    try:
        snap = open_live(layout)
    except CorruptIndex:
        return None, layout.current()
    return snap, snap.damaged_generation


def _whole(snap: IndexSnapshot) -> bool:
    """Whether ``snap`` passes the deep check (its FAISS, BM25 and SQLite files load)."""
    try:
        check_generation(snap.path, snap.store, deep=True)
    except CorruptIndex:
        return False
    return True


def _load(p: Planned, max_bytes: int | None, budget: Budget) -> Document:
    from corpus.loaders import load

    meta = p.found.meta
    doc = load(p.found.path, doc_id=meta.doc_id if meta and meta.doc_id else None,
               max_bytes=max_bytes, budget=budget)
    doc.source = p.source
    if meta:
        for attr in ("title", "url", "publisher", "published", "updated", "licence"):
            value = getattr(meta, attr)
            if value:
                setattr(doc, attr, value)
    return doc


def build(
    layout: IndexLayout,
    embedder: Embedder,
    *,
    sources: list[Path] | None = None,
    params: ChunkingParams | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    progress: ProgressFn | None = None,
    cancel: threading.Event | None = None,
    batch_size: int = 64,
    hnsw_threshold: int = HNSW_THRESHOLD,
    load_seconds: float | None = LOAD_SECONDS,
) -> BuildReport:
    """Bring the index up to date with its sources; see the module docstring.

    ``load_seconds`` is the most time reading one document may take (then it is skipped
    with a reason); ``cancel`` is also checked between the pages of a document.
    """
    with layout.write_lock():
        layout.cleanup()
        try:
            return _build_locked(
                layout, embedder, sources if sources is not None else all_sources(layout),
                params or ChunkingParams(), max_bytes, progress or (lambda _p: None), cancel,
                batch_size, hnsw_threshold, load_seconds,
            )
        except (OSError, sqlite3.Error, MemoryError) as exc:
            # Reading a file never gets here (each is reported and skipped): this is
            # writing the cache or the new generation. Free what it took; keep the old.
            layout.cleanup()
            raise BuildFailed(f"could not write the new index: {_write_problem(exc)}; "
                              "the previous index is still live") from exc


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("indexing cancelled; the previous index is unchanged")


def _build_locked(
    layout: IndexLayout,
    embedder: Embedder,
    sources: list[Path],
    params: ChunkingParams,
    max_bytes: int | None,
    progress: ProgressFn,
    cancel: threading.Event | None,
    batch_size: int,
    hnsw_threshold: int,
    load_seconds: float | None = LOAD_SECONDS,
) -> BuildReport:
    t0 = time.perf_counter()
    report = BuildReport()
    progress(Progress("scan", 0, 0, "looking for documents"))
    found = discover(sources)
    report.failed = [{"source": s, "reason": r} for s, r in found.failed]

    snap, damaged = _open_base(layout)
    if snap is not None and not _whole(snap):  # e.g. vectors.faiss unreadable: start afresh
        damaged = damaged or snap.path
        snap.close()
        snap = None
    reusable = _compatible(snap, embedder, params)
    prev_docs = {d.source: d for d in snap.documents()} if snap else {}
    planned = plan(found.files, prev_docs if reusable else {}, report.failed)
    if reusable:
        keep_unreachable(planned, prev_docs, report.failed)
    elif snap is not None:
        # Everything is re-chunked; still report files the old index had as "updated".
        for p in planned:
            if p.source in prev_docs:
                p.state = "changed"

    docs = _read_all(planned, prev_docs, reusable, params, max_bytes, progress, cancel, report,
                     load_seconds)

    kept_sources = {p.source for p, _, _ in docs}
    report.removed = sorted(s for s in prev_docs if s not in kept_sources)
    for p, doc, _ in docs:
        if doc is None:
            report.unchanged.append(p.source)
        elif p.state == "new":
            report.added.append(p.source)
        else:
            report.updated.append(p.source)

    if snap is not None and not report.changed and damaged is None:
        report.documents = len(prev_docs)
        report.chunks = snap.chunk_count
        report.generation = snap.path.name
        report.seconds = time.perf_counter() - t0
        snap.close()
        _record(layout, report)
        progress(Progress("done", 1, 1, "index already up to date"))
        return report

    # Embed what is not cached.
    new_texts: list[str] = []
    for _, doc, chunks in docs:
        if doc is not None:
            for c in chunks:
                new_texts.append(c.text)
                new_texts.extend(s.text for s in c.sentences)
    vectors = _embed_cached(layout, embedder, new_texts, batch_size, progress, cancel, report)

    # Write the new generation into a temporary folder; publish it in one step.
    _check(cancel)
    steps = 5
    progress(Progress("write", 0, steps, "writing metadata"))
    tmp = layout.new_generation_dir()
    writer = StoreWriter(tmp / "meta.sqlite")
    chunk_vecs: list[np.ndarray] = []
    sent_vecs: list[np.ndarray] = []
    chunk_texts: list[str] = []
    sentence_texts: list[str] = []  # with chunk_texts: what the cache must keep
    now = datetime.now(UTC).isoformat(timespec="seconds")
    pos = 0
    for p, doc, chunks in docs:
        if doc is None:
            prev = prev_docs[p.source]
            assert snap is not None
            stored = snap.store.chunks(snap.store.doc_chunk_rows(prev.doc_id))
            ordered = sorted(stored.values(), key=lambda s: s.chunk.ordinal)
            if p.content_hash == prev.content_hash:
                prev.size, prev.mtime = p.size, p.mtime  # touched but identical
            writer.add_document(prev)
            for sc in ordered:
                writer.add_chunk(sc.chunk)
                chunk_texts.append(sc.chunk.text)
                sentence_texts.extend(x.text for x in sc.chunk.sentences)
            rows = [sc.row for sc in ordered]
            srows = [r for sc in ordered for r in sc.sentence_rows]
            chunk_vecs.append(np.asarray(snap.chunk_vectors[rows]))
            sent_vecs.append(np.asarray(snap.sentence_vectors[srows]))
            continue
        writer.add_document(
            DocumentRow(
                doc.doc_id, doc.title, p.source, doc.kind, doc.url, doc.published, doc.updated,
                doc.publisher, doc.licence, len(doc.pages), [pg.label for pg in doc.pages],
                doc.page_starts(), doc.headings, len(chunks), p.content_hash or "", p.size,
                p.mtime, now, tables=doc.tables,
            )
        )
        for c in chunks:
            writer.add_chunk(c)
            chunk_texts.append(c.text)
            sentence_texts.extend(x.text for x in c.sentences)
            chunk_vecs.append(vectors[pos : pos + 1])
            pos += 1
            n = len(c.sentences)
            sent_vecs.append(vectors[pos : pos + n])
            pos += n
    writer.close()
    _check(cancel)
    progress(Progress("write", 1, steps, "writing vectors"))
    dim = embedder.dim
    cv = np.concatenate(chunk_vecs) if chunk_vecs else np.zeros((0, dim), np.float32)
    sv = np.concatenate(sent_vecs) if sent_vecs else np.zeros((0, dim), np.float32)
    np.save(tmp / "chunks.npy", cv.astype(np.float32), allow_pickle=False)
    np.save(tmp / "sentences.npy", sv.astype(np.float16), allow_pickle=False)
    vindex = VectorIndex.build(cv, hnsw_threshold=hnsw_threshold)
    vindex.save(tmp / "vectors.faiss")
    _check(cancel)
    progress(Progress("write", 2, steps, "writing keyword index"))
    BM25Index.build(chunk_texts).save(tmp / "bm25")
    report.documents = len(docs)
    report.chunks = len(chunk_texts)
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        # The encoder of this build's new texts; vectors carried over from the previous
        # generation keep theirs, so "bfloat16_vectors" says whether any index vector
        # was made in bfloat16, now or before.
        "encoder": report.encoder_info or getattr(embedder, "encoder_info",
                                                  {"model": embedder.name}),
        "bfloat16_vectors": bool(report.encoder_info.get("bulk")) or bool(
            reusable and snap is not None and snap.manifest.get("bfloat16_vectors")),
        "dim": dim,
        "chunking": params.as_dict(),
        "vector_index": vindex.kind,
        "created_at": now,
        "documents": report.documents,
        "chunks": report.chunks,
        "sentences": int(sv.shape[0]),
    }
    progress(Progress("write", 3, steps, "writing manifest"))
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    if snap is not None:
        snap.close()
    _check(cancel)
    progress(Progress("write", 4, steps, "switching to the new index"))
    final = layout.publish(tmp)
    report.generation = final.name
    report.written = True
    # The new index is live: what follows is housekeeping, which a full disk must not
    # turn into a failed build.
    with contextlib.suppress(OSError, sqlite3.Error):
        if damaged is not None:
            layout.discard(damaged)  # else cleanup could keep it and drop a good one
        layout.cleanup()
        cache = EmbeddingCache(layout.cache_path, embedder.name, dim)
        try:
            cache.prune(chunk_texts + sentence_texts)
        finally:
            cache.close()
    report.seconds = time.perf_counter() - t0
    with contextlib.suppress(OSError):
        _record(layout, report)
    progress(Progress("done", 1, 1, "index written"))
    return report


def _read_all(
    planned: list[Planned],
    prev_docs: dict[str, DocumentRow],
    reusable: bool,
    params: ChunkingParams,
    max_bytes: int | None,
    progress: ProgressFn,
    cancel: threading.Event | None,
    report: BuildReport,
    load_seconds: float | None = LOAD_SECONDS,
) -> list[tuple[Planned, Document | None, list[Chunk]]]:
    """Load and chunk new and changed files; unchanged ones are carried over unread.

    A file that fails to load is reported with its reason; if an earlier version of it
    is indexed, that version is kept.
    """
    docs: list[tuple[Planned, Document | None, list[Chunk]]] = []
    seen_ids: dict[str, str] = {}
    for p in planned:
        if p.state == "unchanged":
            docs.append((p, None, []))
            seen_ids[prev_docs[p.source].doc_id] = p.source
    to_read = [p for p in planned if p.state != "unchanged"]
    for i, p in enumerate(to_read):
        _check(cancel)
        progress(Progress("read", i, len(to_read), p.found.path.name))

        def fail(reason: str, p: Planned = p) -> None:
            reason = " ".join(reason.split())
            prev = prev_docs.get(p.source) if reusable else None
            if prev is not None and prev.doc_id not in seen_ids:
                reason += KEPT
                docs.append((keep(p.source, prev), None, []))
                seen_ids[prev.doc_id] = p.source
            report.failed.append({"source": p.source, "reason": reason})

        try:
            doc = _load(p, max_bytes, Budget(load_seconds, cancel))
        except LoadCancelled:
            raise Cancelled("indexing cancelled; the previous index is unchanged") from None
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the build
            fail(str(getattr(exc, "reason", None)
                     or f"unexpected error: {exc.__class__.__name__}: {exc}"))
            continue
        if doc.doc_id in seen_ids:
            fail(f"duplicate document id {doc.doc_id!r} (also {seen_ids[doc.doc_id]})")
            continue
        chunks = chunk_document(doc, params)
        if not chunks:
            fail("no text to index")
            continue
        seen_ids[doc.doc_id] = p.source
        docs.append((p, doc, chunks))
    progress(Progress("read", len(to_read), len(to_read), "documents read"))
    return docs


def _embed_cached(
    layout: IndexLayout,
    embedder: Embedder,
    texts: list[str],
    batch_size: int,
    progress: ProgressFn,
    cancel: threading.Event | None,
    report: BuildReport,
) -> np.ndarray:
    """Vectors for ``texts``, from the cache where possible; missing ones embedded by length."""
    dim = embedder.dim
    out = np.zeros((len(texts), dim), dtype=np.float32)
    if not texts:
        return out
    cache = EmbeddingCache(layout.cache_path, embedder.name, dim)
    try:
        hits = cache.get_many(texts)
        for i, v in hits.items():
            out[i] = v
        missing: dict[str, list[int]] = {}
        for i, t in enumerate(texts):
            if i not in hits:
                missing.setdefault(t, []).append(i)
        todo = sorted(missing, key=len)
        total = len(todo)
        if not total:
            return out
        t0 = time.perf_counter()
        prepare = getattr(embedder, "prepare_bulk", None)
        if prepare is not None:
            progress(Progress("embed", 0, total, "loading the encoder"))
            prepare(total)
            _check(cancel)
        report.encoder = getattr(embedder, "description", embedder.name)
        report.encoder_info = dict(getattr(embedder, "encoder_info", {"model": embedder.name}))
        progress(Progress("embed", 0, total, f"embedding {total} new texts"))
        step = getattr(embedder, "bulk_step", None) or batch_size
        for b in range(0, total, step):
            _check(cancel)
            batch = todo[b : b + step]
            vecs = embedder.encode_documents(batch, batch_size=batch_size)
            cache.put_many(batch, vecs)
            for t, v in zip(batch, vecs, strict=True):
                out[missing[t]] = v
            report.embedded += len(batch)
            progress(Progress("embed", min(b + step, total), total, "embedding"))
        report.embed_seconds = time.perf_counter() - t0
    finally:
        cache.close()
        release = getattr(embedder, "release_bulk", None)
        if release is not None:
            release()
    return out
