"""Large synthetic index generations, written directly (the model is not run per chunk).

Chunks are made of real sentences (CISI abstracts, split by the project's own sentence
splitter) drawn at random; each sentence keeps the vector the real model gave it, and a
chunk's vector is the normalised mean of its sentences' vectors. Documents look like
real ones (title, pages with labels, a heading per section, offsets that slice the
text exactly), so every part of ``Assistant.ask`` (BM25, FAISS, SQLite, answer
composition with verbatim quotes) does its real work. Only the embedding of 20,000 or
200,000 chunks is skipped, which would take hours on two cores.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from corpus.chunking import ChunkingParams, split_sentences  # noqa: E402
from corpus.records import Chunk, Heading, Sentence  # noqa: E402
from index.bm25 import BM25Index  # noqa: E402
from index.layout import FORMAT_VERSION, IndexLayout  # noqa: E402
from index.store import DocumentRow, StoreWriter  # noqa: E402
from index.vectors import HNSW_THRESHOLD, VectorIndex  # noqa: E402

CHUNKS_PER_DOC = 12
CHUNKS_PER_PAGE = 3
TOPICS = ["partnership benefits", "shared services", "commissioning", "joint ventures",
          "staff ownership", "social value", "governance", "procurement", "investment"]


def sentence_pool(texts: list[str], min_words: int = 5) -> list[str]:
    """Distinct sentences of ``texts`` with at least ``min_words`` words."""
    seen: dict[str, None] = {}
    for t in texts:
        for s, e in split_sentences(t):
            sent = " ".join(t[s:e].split())
            if len(sent.split()) >= min_words and len(sent) < 600:
                seen.setdefault(sent, None)
    return list(seen)


def write_index(
    root: Path, n_chunks: int, pool: list[str], pool_vecs: np.ndarray, *, seed: int = 0,
    hnsw_threshold: int = HNSW_THRESHOLD, log=print,  # noqa: ANN001
) -> Path:
    """Write a published generation of ``n_chunks`` chunks into index folder ``root``."""
    rng = np.random.default_rng(seed)
    layout = IndexLayout(root)
    tmp = layout.new_generation_dir()
    writer = StoreWriter(tmp / "meta.sqlite")
    writer.db.execute("BEGIN")
    dim = pool_vecs.shape[1]
    chunk_vecs = np.zeros((n_chunks, dim), dtype=np.float32)
    sent_rows: list[np.ndarray] = []
    texts: list[str] = []
    now = datetime.now(UTC).isoformat(timespec="seconds")
    t0 = time.perf_counter()
    n_docs = (n_chunks + CHUNKS_PER_DOC - 1) // CHUNKS_PER_DOC
    row = 0
    for d in range(n_docs):
        doc_id = f"synthetic-{d:06d}"
        topic = TOPICS[d % len(TOPICS)]
        title = f"Synthetic report {d} on {topic}"
        n_here = min(CHUNKS_PER_DOC, n_chunks - row)
        pos = 0
        page_offsets = [0]
        headings: list[Heading] = []
        chunks: list[Chunk] = []
        for k in range(n_here):
            if k and k % CHUNKS_PER_PAGE == 0:
                page_offsets.append(pos)
            if k % 4 == 0:
                section = f"{k // 4 + 1} {topic.capitalize()} part {k // 4 + 1}"
                headings.append(Heading(1, section, pos))
            picks = rng.choice(len(pool), size=int(rng.integers(4, 8)), replace=False)
            sents: list[Sentence] = []
            start = pos
            parts = []
            for p in picks:
                sents.append(Sentence(pool[p], pos, pos + len(pool[p])))
                parts.append(pool[p])
                pos += len(pool[p]) + 1
            text = " ".join(parts)
            page = len(page_offsets)
            chunks.append(Chunk(f"{doc_id}:{k}", doc_id, k, text, page, page,
                                [headings[-1].title], start, start + len(text), sents))
            v = pool_vecs[picks].astype(np.float32).mean(axis=0)
            chunk_vecs[row] = v / np.linalg.norm(v)
            sent_rows.append(picks)
            texts.append(text)
            row += 1
            pos += 1  # the blank between chunks
        writer.add_document(DocumentRow(
            doc_id=doc_id, title=title, source=f"/synthetic/{doc_id}.pdf", kind="pdf",
            url=None, published="2018-05-29", updated=None, publisher="Synthetic Publisher",
            licence="OGL v3.0", pages=len(page_offsets),
            page_labels=[str(i + 1) for i in range(len(page_offsets))],
            page_offsets=page_offsets, headings=headings, chunks=len(chunks),
            content_hash=f"hash-{d}", size=1000 + d, mtime=0.0, indexed_at=now,
        ))
        for c in chunks:
            writer.add_chunk(c)
        if d % 2000 == 0 and d:
            log(f"    … {row:,} chunks written ({time.perf_counter() - t0:.0f} s)")
    writer.close()
    sv = pool_vecs[np.concatenate(sent_rows)].astype(np.float16)
    np.save(tmp / "chunks.npy", chunk_vecs, allow_pickle=False)
    np.save(tmp / "sentences.npy", sv, allow_pickle=False)
    log(f"    metadata and vectors written ({time.perf_counter() - t0:.0f} s); building FAISS")
    vindex = VectorIndex.build(chunk_vecs, hnsw_threshold=hnsw_threshold)
    vindex.save(tmp / "vectors.faiss")
    log(f"    FAISS {vindex.kind} built ({time.perf_counter() - t0:.0f} s); building BM25")
    BM25Index.build(texts).save(tmp / "bm25")
    manifest = {
        "format_version": FORMAT_VERSION, "model": "all-MiniLM-L6-v2",
        "encoder": {"kind": "synthetic", "model": "all-MiniLM-L6-v2"}, "dim": dim,
        "chunking": ChunkingParams().as_dict(), "vector_index": vindex.kind,
        "created_at": now, "documents": n_docs, "chunks": n_chunks,
        "sentences": int(sv.shape[0]), "synthetic": True,
    }
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    final = layout.publish(tmp)
    log(f"    published {final.name} ({time.perf_counter() - t0:.0f} s)")
    return final
