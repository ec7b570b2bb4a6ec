"""Incremental, atomic index builds.

Each source file is tracked by size, mtime and content hash. Unchanged files are
neither re-read nor re-embedded: their rows and vectors are copied from the previous
generation. New and changed files are loaded, chunked and embedded through the
embedding cache. The result is written as a new generation and published atomically
(see ``index.layout``); a failure or a kill leaves the previous generation live.

The steps of ``_build_locked``, each a function: plan (``_plan``: new, changed,
unchanged, kept), read (``_read_all``), embed (``_embed_new``), write the generation
(``_write_generation``: metadata, carried-over and new rows and vectors, FAISS, BM25),
the manifest (``_write_manifest``), then publish and housekeeping. ``BuildOptions``
holds how the build runs.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from corpus.budget import LOAD_SECONDS, Budget, LoadCancelled
from corpus.chunking import ChunkingParams, chunk_document
from corpus.discover import Found, discover
from corpus.manifest import BUNDLED_DIR
from corpus.records import Chunk, Document, SkippedFile
from corpus.wording import PASSAGE, counted
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
    failed: list[SkippedFile] = field(default_factory=list)
    documents: int = 0
    chunks: int = 0
    embedded: int = 0
    """Texts embedded in this run (passages and their sentences not in the cache)."""
    passages_embedded: int = 0
    """Passages with a text embedded in this run (the rest came from the cache or the
    previous generation)."""
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
            "removed": self.removed, "failed": [f.as_json() for f in self.failed],
            "documents": self.documents, "passages": self.chunks,
            "chunks": self.chunks,  # deprecated: the same as "passages"
            "embedded": self.embedded, "passages_embedded": self.passages_embedded,
            "generation": self.generation,
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
            st = os.stat(f.source)
        except OSError:
            continue
        stats[f.source] = [st.st_size, st.st_mtime, f.reason]
    layout.write_last_build({**report.as_json(), "failed_stat": stats})


def _known_failures(layout: IndexLayout, planned: list[Planned],
                    failed: list[SkippedFile]) -> None:
    """Files that failed last time and have not changed since will fail again: say so."""
    stats = (layout.read_last_build() or {}).get("failed_stat") or {}
    for p in list(planned):
        known = stats.get(p.source)
        if p.state == "new" and known and known[:2] == [p.size, p.mtime]:
            planned.remove(p)
            failed.append(SkippedFile(p.source, str(known[2])))


def status(layout: IndexLayout) -> BuildReport:
    """What an ``index`` run would do, without indexing (no model needed)."""
    report = BuildReport()
    found = discover(all_sources(layout))
    report.failed = list(found.failed)
    snap, _ = _open_base(layout)
    with snap if snap is not None else contextlib.nullcontext():
        previous = {d.source: d for d in snap.documents()} if snap else {}
        planned = plan(found.files, previous, report.failed)
        keep_unreachable(planned, previous, report.failed)
        _known_failures(layout, planned, report.failed)
        buckets = {"new": report.added, "changed": report.updated,
                   "unchanged": report.unchanged}
        for p in planned:
            buckets[p.state].append(p.source)
        seen = {p.source for p in planned}
        report.removed = sorted(s for s in previous if s not in seen)
        if snap:
            report.documents = len(previous)
            report.chunks = snap.chunk_count
            report.generation = snap.path.name
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


def _no_progress(_p: Progress) -> None:
    pass


@dataclass
class BuildOptions:
    """How one build runs (see ``build``)."""

    sources: list[Path]
    params: ChunkingParams = field(default_factory=ChunkingParams)
    max_bytes: int | None = DEFAULT_MAX_BYTES
    """Larger files are skipped with a reason (None: no limit)."""
    progress: ProgressFn = _no_progress
    cancel: threading.Event | None = None
    """Checked between steps, batches and the pages of a document."""
    batch_size: int = 64
    hnsw_threshold: int = HNSW_THRESHOLD
    load_seconds: float | None = LOAD_SECONDS
    """The most time reading one document may take (then it is skipped with a reason)."""

    def check(self) -> None:
        """Raise ``Cancelled`` if the build was asked to stop."""
        _check(self.cancel)


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
        opts = BuildOptions(
            sources=sources if sources is not None else all_sources(layout),
            params=params or ChunkingParams(), max_bytes=max_bytes,
            progress=progress or _no_progress, cancel=cancel, batch_size=batch_size,
            hnsw_threshold=hnsw_threshold, load_seconds=load_seconds,
        )
        try:
            return _build_locked(layout, embedder, opts)
        except (OSError, sqlite3.Error, MemoryError) as exc:
            # Reading a file never gets here (each is reported and skipped): this is
            # writing the cache or the new generation. Free what it took; keep the old.
            layout.cleanup()
            raise BuildFailed(f"could not write the new index: {_write_problem(exc)}; "
                              "the previous index is still live") from exc


def _check(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise Cancelled("indexing cancelled; the previous index is unchanged")


Read = tuple[Planned, Document | None, list[Chunk]]
"""A planned file with its new document and chunks (None and [] when carried over)."""


@dataclass
class _Base:
    """The generation a build starts from (if any) and what can be taken from it."""

    snap: IndexSnapshot | None
    damaged: Path | None
    """A damaged live generation this build replaces."""
    reusable: bool
    """Built with this model and chunking: unchanged files are carried over."""
    prev_docs: dict[str, DocumentRow]
    """Its documents by source."""


@contextlib.contextmanager
def _open_start(layout: IndexLayout, embedder: Embedder,
                params: ChunkingParams) -> Iterator[_Base]:
    """The generation to start from, open for the duration of the block."""
    snap, damaged = _open_base(layout)
    if snap is not None and not _whole(snap):  # e.g. vectors.faiss unreadable: start afresh
        damaged = damaged or snap.path
        snap.close()
        snap = None
    with snap if snap is not None else contextlib.nullcontext():
        yield _Base(snap, damaged, _compatible(snap, embedder, params),
                    {d.source: d for d in snap.documents()} if snap else {})


def _plan(base: _Base, files: list[Found], report: BuildReport) -> list[Planned]:
    """Step 1: which files are new, changed, unchanged or kept though unreadable."""
    planned = plan(files, base.prev_docs if base.reusable else {}, report.failed)
    if base.reusable:
        keep_unreachable(planned, base.prev_docs, report.failed)
    elif base.snap is not None:
        # Everything is re-chunked; still report files the old index had as "updated".
        for p in planned:
            if p.source in base.prev_docs:
                p.state = "changed"
    return planned


def _sort_outcomes(report: BuildReport, docs: list[Read], base: _Base) -> None:
    """Each file of the new index as added, updated or unchanged; the rest removed."""
    kept_sources = {p.source for p, _, _ in docs}
    report.removed = sorted(s for s in base.prev_docs if s not in kept_sources)
    for p, doc, _ in docs:
        if doc is None:
            report.unchanged.append(p.source)
        elif p.state == "new":
            report.added.append(p.source)
        else:
            report.updated.append(p.source)


def _build_locked(layout: IndexLayout, embedder: Embedder, opts: BuildOptions) -> BuildReport:
    """Plan, read, embed, write a new generation and publish it (or find nothing to do)."""
    t0 = time.perf_counter()
    report = BuildReport()
    opts.progress(Progress("scan", 0, 0, "looking for documents"))
    found = discover(opts.sources)
    report.failed = list(found.failed)

    with _open_start(layout, embedder, opts.params) as base:
        planned = _plan(base, found.files, report)
        docs = _read_all(planned, base.prev_docs, base.reusable, opts, report)
        _sort_outcomes(report, docs, base)
        if base.snap is not None and not report.changed and base.damaged is None:
            report.documents = len(base.prev_docs)
            report.chunks = base.snap.chunk_count
            report.generation = base.snap.path.name
            report.seconds = time.perf_counter() - t0
            _record(layout, report)
            opts.progress(Progress("done", 1, 1, "index already up to date"))
            return report
        vectors = _embed_new(layout, embedder, docs, opts, report)
        opts.check()
        tmp = layout.new_generation_dir()
        written = _write_generation(tmp, docs, vectors, base, embedder.dim, opts, report)
        _write_manifest(tmp, written, base, embedder, opts, report)
    opts.check()
    opts.progress(Progress("write", 4, WRITE_STEPS, "switching to the new index"))
    final = layout.publish(tmp)
    report.generation = final.name
    report.written = True
    _housekeeping(layout, base.damaged, embedder, written.texts)
    report.seconds = time.perf_counter() - t0
    with contextlib.suppress(OSError):
        _record(layout, report)
    opts.progress(Progress("done", 1, 1, "index written"))
    return report


def _embed_new(layout: IndexLayout, embedder: Embedder, docs: list[Read],
               opts: BuildOptions, report: BuildReport) -> np.ndarray:
    """Step 3: vectors of every new chunk and its sentences, in order (cache first).

    Progress counts passages (a chunk with its sentences), the unit of every message.
    """
    new_texts: list[str] = []
    passage_of: list[int] = []
    passages = 0
    for _, doc, chunks in docs:
        if doc is not None:
            for c in chunks:
                new_texts.append(c.text)
                new_texts.extend(s.text for s in c.sentences)
                passage_of.extend([passages] * (1 + len(c.sentences)))
                passages += 1
    return _embed_cached(layout, embedder, new_texts, passage_of, opts, report)


WRITE_STEPS = 5
"""Progress steps of writing a generation: metadata, vectors, keyword index, manifest,
switching."""


@dataclass
class _Written:
    """What ``_write_generation`` wrote, for the manifest and the cache."""

    texts: list[str]
    """Every chunk's text, then every sentence's: what the embedding cache must keep."""
    sentences: int
    vector_index: str
    created_at: str
    """When the new documents were indexed (their ``indexed_at``)."""


def _document_row(p: Planned, doc: Document, chunks: list[Chunk], now: str) -> DocumentRow:
    return DocumentRow(
        doc_id=doc.doc_id, title=doc.title, source=p.source, kind=doc.kind, url=doc.url,
        published=doc.published, updated=doc.updated, publisher=doc.publisher,
        licence=doc.licence, pages=len(doc.pages),
        page_labels=[pg.label for pg in doc.pages], page_offsets=doc.page_starts(),
        headings=doc.headings, chunks=len(chunks), content_hash=p.content_hash or "",
        size=p.size, mtime=p.mtime, indexed_at=now, tables=doc.tables,
    )


def _write_generation(tmp: Path, docs: list[Read], vectors: np.ndarray, base: _Base,
                      dim: int, opts: BuildOptions, report: BuildReport) -> _Written:
    """Step 4: the new generation's metadata, vectors and keyword index, in ``tmp``.

    Carried-over documents are copied from the base generation, rows and vectors; new
    ones take their rows from ``docs`` and their vectors from ``vectors`` in order.
    """
    opts.progress(Progress("write", 0, WRITE_STEPS, "writing metadata"))
    writer = StoreWriter(tmp / "meta.sqlite")
    chunk_vecs: list[np.ndarray] = []
    sent_vecs: list[np.ndarray] = []
    chunk_texts: list[str] = []
    sentence_texts: list[str] = []  # with chunk_texts: what the cache must keep
    now = datetime.now(UTC).isoformat(timespec="seconds")
    pos = 0
    for p, doc, chunks in docs:
        if doc is None:
            prev = base.prev_docs[p.source]
            snap = base.snap
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
        writer.add_document(_document_row(p, doc, chunks, now))
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
    opts.check()
    opts.progress(Progress("write", 1, WRITE_STEPS, "writing vectors"))
    cv = np.concatenate(chunk_vecs) if chunk_vecs else np.zeros((0, dim), np.float32)
    sv = np.concatenate(sent_vecs) if sent_vecs else np.zeros((0, dim), np.float32)
    np.save(tmp / "chunks.npy", cv.astype(np.float32), allow_pickle=False)
    np.save(tmp / "sentences.npy", sv.astype(np.float16), allow_pickle=False)
    vindex = VectorIndex.build(cv, hnsw_threshold=opts.hnsw_threshold)
    vindex.save(tmp / "vectors.faiss")
    opts.check()
    opts.progress(Progress("write", 2, WRITE_STEPS, "writing keyword index"))
    BM25Index.build(chunk_texts).save(tmp / "bm25")
    report.documents = len(docs)
    report.chunks = len(chunk_texts)
    return _Written(chunk_texts + sentence_texts, int(sv.shape[0]), vindex.kind, now)


def _write_manifest(tmp: Path, written: _Written, base: _Base, embedder: Embedder,
                    opts: BuildOptions, report: BuildReport) -> None:
    """Step 5: ``manifest.json``, which makes the generation complete."""
    manifest = {
        "format_version": FORMAT_VERSION,
        "model": embedder.name,
        # The encoder of this build's new texts; vectors carried over from the previous
        # generation keep theirs, so "bfloat16_vectors" says whether any index vector
        # was made in bfloat16, now or before.
        "encoder": report.encoder_info or embedder.encoder_info,
        "bfloat16_vectors": bool(report.encoder_info.get("bulk")) or bool(
            base.reusable and base.snap is not None
            and base.snap.manifest.get("bfloat16_vectors")),
        "dim": embedder.dim,
        "chunking": opts.params.as_dict(),
        "vector_index": written.vector_index,
        "created_at": written.created_at,
        "documents": report.documents,
        "chunks": report.chunks,
        "sentences": written.sentences,
    }
    opts.progress(Progress("write", 3, WRITE_STEPS, "writing manifest"))
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def _housekeeping(layout: IndexLayout, damaged: Path | None, embedder: Embedder,
                  texts: list[str]) -> None:
    """After publishing: drop old generations and cache entries no generation needs.

    The new index is live: a full disk here must not turn into a failed build.
    """
    with contextlib.suppress(OSError, sqlite3.Error):
        if damaged is not None:
            layout.discard(damaged)  # else cleanup could keep it and drop a good one
        layout.cleanup()
        cache = EmbeddingCache(layout.cache_path, embedder.name, embedder.dim)
        try:
            cache.prune(texts)
        finally:
            cache.close()


def _read_all(
    planned: list[Planned],
    prev_docs: dict[str, DocumentRow],
    reusable: bool,
    opts: BuildOptions,
    report: BuildReport,
) -> list[Read]:
    """Step 2: load and chunk new and changed files; unchanged ones are carried over unread.

    A file that fails to load is reported with its reason; if an earlier version of it
    is indexed, that version is kept.
    """
    docs: list[Read] = []
    seen_ids: dict[str, str] = {}
    for p in planned:
        if p.state == "unchanged":
            docs.append((p, None, []))
            seen_ids[prev_docs[p.source].doc_id] = p.source
    to_read = [p for p in planned if p.state != "unchanged"]
    for i, p in enumerate(to_read):
        opts.check()
        opts.progress(Progress("read", i, len(to_read), p.found.path.name))

        def fail(reason: str, p: Planned = p) -> None:
            reason = " ".join(reason.split())
            prev = prev_docs.get(p.source) if reusable else None
            if prev is not None and prev.doc_id not in seen_ids:
                reason += KEPT
                docs.append((keep(p.source, prev), None, []))
                seen_ids[prev.doc_id] = p.source
            report.failed.append(SkippedFile(p.source, reason))

        try:
            doc = _load(p, opts.max_bytes, Budget(opts.load_seconds, opts.cancel))
        except LoadCancelled:
            raise Cancelled("indexing cancelled; the previous index is unchanged") from None
        except Exception as exc:  # noqa: BLE001 - one bad file never stops the build
            fail(str(getattr(exc, "reason", None)
                     or f"unexpected error: {exc.__class__.__name__}: {exc}"))
            continue
        if doc.doc_id in seen_ids:
            fail(f"duplicate document id {doc.doc_id!r} (also {seen_ids[doc.doc_id]})")
            continue
        chunks = chunk_document(doc, opts.params)
        if not chunks:
            fail("no text to index")
            continue
        seen_ids[doc.doc_id] = p.source
        docs.append((p, doc, chunks))
    opts.progress(Progress("read", len(to_read), len(to_read), "documents read"))
    return docs


def _passages_done(texts_done: int, texts: int, passages: int) -> int:
    """Texts embedded so far, in passages: the texts go in batches sorted by length, a
    passage's sentences long before the passage itself, so this is the share of the work
    done, counted in passages (all of them once every text is embedded)."""
    return passages if texts_done >= texts else passages * texts_done // texts


def _embed_cached(
    layout: IndexLayout,
    embedder: Embedder,
    texts: list[str],
    passage_of: list[int],
    opts: BuildOptions,
    report: BuildReport,
) -> np.ndarray:
    """Vectors for ``texts``, from the cache where possible; missing ones embedded by length.

    ``passage_of[i]`` is the passage ``texts[i]`` belongs to: progress counts the passages
    that have a text to embed.
    """
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
        passages = len({passage_of[i] for at in missing.values() for i in at})
        report.passages_embedded += passages
        doing = f"embedding {counted(passages, 'new ' + PASSAGE)}"
        t0 = time.perf_counter()
        opts.progress(Progress("embed", 0, passages, "loading the encoder"))
        embedder.prepare_bulk(total)
        opts.check()
        report.encoder = embedder.description
        report.encoder_info = dict(embedder.encoder_info)
        opts.progress(Progress("embed", 0, passages, doing))
        step = embedder.bulk_step or opts.batch_size
        for b in range(0, total, step):
            opts.check()
            batch = todo[b : b + step]
            vecs = embedder.encode_documents(batch, batch_size=opts.batch_size)
            cache.put_many(batch, vecs)
            for t, v in zip(batch, vecs, strict=True):
                out[missing[t]] = v
            report.embedded += len(batch)
            opts.progress(Progress("embed", _passages_done(b + len(batch), total, passages),
                                   passages, doing))
        report.embed_seconds = time.perf_counter() - t0
    finally:
        cache.close()
        embedder.release_bulk()
    return out
