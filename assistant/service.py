"""The one service object: open an index, then search, ask, list sources, reindex.

The CLI and the terminal app are thin shells over ``Assistant``.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from assistant.answer import AnswerParams, compose, only_headings
from assistant.catalogue import record_answer
from assistant.citations import readable_source
from assistant.config import Settings
from assistant.followup import resolve as resolve_followup
from assistant.indexing import BuildReport, IndexedDocument, NoIndex, ProgressFn
from assistant.lists import ListParams, compose_list
from assistant.records import Answer, Citation, Passage
from assistant.retrieve import (
    FusionParams,
    Hit,
    fusion_params,
    hybrid_search,
    is_paged,
    pages_label,
    prepare_search,
    to_passages,
)
from assistant.shapes import QuestionShape, classify
from assistant.table_rows import RowParams, prose_only, row_answer
from corpus.chunking import ChunkingParams
from index.builder import build, status
from index.embedder import Embedder, ModelUnavailable
from index.layout import IndexLayout
from index.reader import IndexSnapshot, open_live

if TYPE_CHECKING:
    from assistant.topics import TopicPoints


@dataclass
class ChunkView:
    """A chunk shown in its document: for reading a source in context."""

    chunk_id: str
    doc_id: str
    ordinal: int
    total: int
    title: str
    source: str
    url: str | None
    pages_label: str
    section: list[str]
    text: str
    previous_id: str | None
    next_id: str | None
    tables: list[TableView] = field(default_factory=list)
    """The table rows in ``text`` (to show them in columns)."""
    source_name: str = ""
    """A local file's path inside the folder it was added from (see assistant.citations)."""


@dataclass(frozen=True)
class TableView:
    """The rows of one table found in a chunk's text.

    Attributes:
        columns: the table's column names ("" when unnamed).
        rows: (start, end, cells) of each row: its unit's span in the chunk's text, and
            its cells.
    """

    columns: tuple[str, ...]
    rows: list[tuple[int, int, tuple[str, ...]]]


class Assistant:
    """Answers questions from one index folder."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self.layout = IndexLayout(settings.index_dir)
        self._embedder = embedder
        self._snap: IndexSnapshot | None = None
        self._lock = threading.RLock()
        self._warm = False  # warm_up was called: prepare every snapshot for many questions
        self._current_file = str(self.layout.root / "CURRENT")
        self._snap_seen: tuple | None = None  # the CURRENT file _snap was opened from
        self.list_params = ListParams()
        self.row_params: RowParams | None = RowParams()
        """How questions naming a table row are answered (None: as any other question)."""
        self.on_notice: Callable[[str], None] | None = None
        """Told, in one line, of slow one-off work about to start (preparing the model)."""

    @classmethod
    def open(
        cls,
        index_dir: str | Path | None = None,
        *,
        settings: Settings | None = None,
        embedder: Embedder | None = None,
    ) -> Assistant:
        """An assistant over ``index_dir`` (default: the configured per-user folder)."""
        settings = settings or Settings.load()
        if index_dir is not None:
            settings = settings.with_values({"index_dir": index_dir})
        return cls(settings, embedder)

    # -- model and index -------------------------------------------------------------
    @property
    def embedder(self) -> Embedder:
        with self._lock:
            if self._embedder is None:
                from index.encoders import load_embedder

                self._embedder = load_embedder(self.settings.model, self.settings.encoder,
                                               notice=self.on_notice,
                                               bfloat16=self.settings.bfloat16)
            return self._embedder

    def warm_up(self) -> None:
        """Load the model and index now (the app calls this in a background worker)."""
        self.embedder.load()  # the faster sessions of a long-running process
        self.embedder.encode_query("warm up")
        self._warm = True
        if self.has_index():
            snap = self.snapshot()
            _ = snap.vectors, snap.bm25, snap.documents_by_id
            prepare_search(snap)

    def has_index(self) -> bool:
        return self.layout.exists()

    def snapshot(self) -> IndexSnapshot:
        """The live generation; picks up a newer one published by a rebuild."""
        with self._lock:
            # A rebuild publishes by replacing the CURRENT file: while it is the same
            # file, unchanged, the live generation is the one already open.
            try:
                st = os.stat(self._current_file)
                seen = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
            except OSError:
                seen = None
            if seen is not None and self._snap is not None and seen == self._snap_seen:
                return self._snap
            current = self.layout.current()
            if current is None:
                raise NoIndex(
                    f"no index in {self.layout.root} yet: run `assistant index` first"
                )
            if (self._snap is None
                    or current not in (self._snap.path, self._snap.damaged_generation)):
                # The old snapshot is not closed here: another thread (an answer being
                # composed while a rebuild publishes) may still be reading it. It closes
                # its database and releases its pin when the last reader drops it.
                # A damaged live generation is stood in for by the newest whole one.
                self._snap = open_live(self.layout)
                if self._warm:
                    prepare_search(self._snap)
            self._snap_seen = seen
            return self._snap

    @property
    def index_notice(self) -> str | None:
        """A one-line note when the live index is damaged and an earlier one answers."""
        return self._snap.fallback_note if self._snap is not None else None

    @property
    def chunking(self) -> ChunkingParams:
        return ChunkingParams(max_tokens=self.settings.chunk_tokens,
                              overlap_tokens=self.settings.chunk_overlap)

    # -- questions -------------------------------------------------------------------
    def _fusion(self) -> FusionParams:
        return fusion_params(self.settings)

    def _answer_params(self) -> AnswerParams:
        s = self.settings
        return AnswerParams(max_sentences=s.answer_sentences, abstain_below=s.abstain_below,
                            margin=s.sentence_margin, term_bonus=s.sentence_term_bonus,
                            topic_weight=s.abstain_topic_weight,
                            min_similarity=s.abstain_similarity_below,
                            heading_weight=s.sentence_heading_weight,
                            kind_margin=s.sentence_kind_margin,
                            length_credit=s.evidence_length_credit,
                            lexical_similarity=s.abstain_lexical_similarity,
                            second_below=s.second_sentence_below,
                            distinct_bonus=s.sentence_distinct_bonus)

    def encode_query(self, question: str, snap: IndexSnapshot | None = None) -> np.ndarray:
        """The question's vector, from the model that built ``snap`` (default: live index)."""
        built_with = (snap or self.snapshot()).manifest.get("model")
        if built_with and built_with != self.embedder.name:
            raise ModelUnavailable(
                f"the index in {self.layout.root} was built with model {built_with!r}, "
                f"but {self.embedder.name!r} is configured: run `assistant index` to rebuild"
            )
        return np.asarray(self.embedder.encode_query(question), dtype=np.float32)

    def search(
        self, question: str, k: int | None = None, doc_ids: Sequence[str] | None = None
    ) -> list[Passage]:
        """The ``k`` passages that best match ``question``, best first."""
        snap = self.snapshot()
        qv = self.encode_query(question, snap)
        hits = hybrid_search(snap, qv, question, k or self.settings.top_k, self._fusion(),
                             list(doc_ids) if doc_ids else None)
        stored = snap.store.chunks([h.row for h in hits])
        passages = to_passages(snap, hits, stored)
        self._name_files(passages)
        return passages

    def ask(
        self, question: str, k: int | None = None, doc_ids: Sequence[str] | None = None,
        history: Sequence[str] = (),
    ) -> Answer:
        """A cited extractive answer to ``question``, or an abstention.

        ``history``: the conversation's earlier questions, oldest first, each as it was
        answered (an answer's ``resolved_question or question``). A follow-up of the last
        one ("And the risks?") is answered as the question it stands for, given in
        ``answer.resolved_question``; a self-contained question is answered as asked.
        """
        resolved = resolve_followup(question, history[-1]) if history else None
        if resolved is not None:
            answer = self.ask(resolved, k=k, doc_ids=doc_ids)
            answer.question, answer.resolved_question = " ".join(question.split()), resolved
            return answer
        question = " ".join(question.split())
        if not question:
            return Answer(question="", abstained=True, reason="empty question")
        answer = self._answer(question, k, doc_ids)
        self._name_sources(answer)
        return answer

    def _name_sources(self, answer: Answer) -> None:
        """Give local files a readable name: their path inside the folder they were
        added from (the bundled folder or a maintainer's source), not an absolute path."""
        roots = self._source_roots()
        self._name_files([*answer.citations, *answer.passages], roots)
        for r in answer.records:
            if not r.url:
                r.source = readable_source(r.source, roots)

    def _name_files(self, items: Sequence[Passage | Citation],
                    roots: list[str] | None = None) -> None:
        """Set ``source_name`` of every item from a local file (see ``_name_sources``)."""
        if all(item.url for item in items):
            return  # web pages only: no need to read the added sources
        roots = self._source_roots() if roots is None else roots
        for item in items:
            if not item.url:
                item.source_name = readable_source(item.source, roots)

    def _source_roots(self) -> list[str]:
        """The folders (and files) local documents are named inside: the bundled folder
        and every source a maintainer added."""
        from corpus.manifest import BUNDLED_DIR

        return [str(BUNDLED_DIR), *self.layout.read_sources()]

    def _answer(self, question: str, k: int | None,
                doc_ids: Sequence[str] | None) -> Answer:
        snap = self.snapshot()
        qv = self.encode_query(question, snap)
        shape = classify(question)
        k = k or self.settings.top_k
        wanted = max(k, self.list_params.passages) if shape.shape == "list" else k
        hits = hybrid_search(snap, qv, question, wanted, self._fusion(),
                             list(doc_ids) if doc_ids else None)
        stored = snap.store.chunks([h.row for h in hits])
        # Passages shown as evidence: not those that are only a heading or page furniture.
        passages = [p for p, h in zip(to_passages(snap, hits[:k], stored), hits[:k],
                                      strict=True)
                    if not only_headings(stored[h.row], p.title)]
        for rank, p in enumerate(passages, start=1):  # numbered as shown: 1..n, no gaps
            p.rank = rank
        if shape.shape == "record":
            answer = record_answer(snap, question, passages)
            if answer is not None:
                return answer
            shape = QuestionShape("fact", about_document=True)
        if shape.shape == "list":
            answer = compose_list(snap, question, shape, qv, hits, stored, passages, k,
                                  self.list_params)
            cited_passages(snap, answer, qv, hits, stored)
        else:
            # A question naming a table row is answered by that row (assistant.table_rows).
            rows = None if shape.about_document else self.row_params
            answer = row_answer(snap, question, qv, passages, rows) if rows else None
            if answer is None:
                answer = compose(snap, question, qv, passages,
                                 prose_only(snap, stored) if rows else stored,
                                 [h.row for h in hits], self._answer_params(), shape)
            if answer.abstained and shape.about_document:
                answer = record_answer(snap, question, passages, answer) or answer
        if answer.abstained:
            answer.note = self._bundled_only_note(snap)
        return answer

    def _bundled_only_note(self, snap: IndexSnapshot) -> str:
        """When only the bundled GOV.UK summary page is indexed: how to add the report."""
        from corpus.manifest import BUNDLED_DIR

        bundled = str(BUNDLED_DIR)
        if all(d.source.startswith(bundled) for d in snap.documents_by_id.values()):
            return ("Only the report's GOV.UK summary page is bundled. To search the report "
                    "itself, add it: `assistant index report.pdf` (or `assistant sync` "
                    "where there is a network).")
        return ""

    def topics(self) -> list[TopicPoints]:
        """The points the documents state on Benefits, Challenges and Recommendations.

        Each topic is a list question asked with ``ask``: its points are that answer's
        cited bullets (see ``assistant.topics``).
        """
        from assistant.topics import topic_points

        return topic_points(lambda q: self.ask(q))

    # -- documents -------------------------------------------------------------------
    def sources(self) -> list[IndexedDocument]:
        """Indexed documents (empty when there is no index yet)."""
        if not self.has_index():
            return []
        return [IndexedDocument.from_row(d) for d in self.snapshot().documents()]

    def source_paths(self) -> list[str]:
        """Files and folders the maintainer added (the bundled corpus is always indexed)."""
        return self.layout.read_sources()

    def chunk_view(self, chunk_id: str) -> ChunkView | None:
        """A chunk with its document details and neighbours, for reading in context."""
        snap = self.snapshot()
        row = snap.store.chunk_row(chunk_id)
        if row is None:
            return None
        c = snap.store.chunks([row])[row].chunk
        doc = snap.documents_by_id[c.doc_id]
        prev_row = snap.store.neighbour_row(c.doc_id, c.ordinal - 1)
        next_row = snap.store.neighbour_row(c.doc_id, c.ordinal + 1)
        return ChunkView(
            chunk_id=c.chunk_id, doc_id=c.doc_id, ordinal=c.ordinal, total=doc.chunks,
            title=doc.title, source=doc.source, url=doc.url,
            pages_label=pages_label(doc, c.page_start, c.page_end) if is_paged(doc) else "",
            section=c.section, text=c.text,
            previous_id=f"{c.doc_id}:{c.ordinal - 1}" if prev_row is not None else None,
            next_id=f"{c.doc_id}:{c.ordinal + 1}" if next_row is not None else None,
            tables=[TableView(t.columns, rows) for t in doc.tables if (rows := [
                (r.start - c.start, r.end - c.start, r.cells) for r in t.rows
                if c.start <= r.start and r.end <= c.end])],
            source_name="" if doc.url else readable_source(doc.source, self._source_roots()),
        )

    # -- maintenance -----------------------------------------------------------------
    def add_sources(self, paths: Sequence[str | Path]) -> list[str]:
        """Remember files/folders as sources of this index; returns the full list."""
        current = self.layout.read_sources()
        for p in paths:
            ap = str(Path(p).expanduser().absolute())
            if ap not in current:
                current.append(ap)
        self.layout.write_sources(current)
        return current

    def remove_source(self, path: str) -> None:
        self.layout.write_sources([s for s in self.layout.read_sources() if s != path])

    def index(
        self,
        paths: Sequence[str | Path] = (),
        *,
        progress: ProgressFn | None = None,
        cancel: threading.Event | None = None,
    ) -> BuildReport:
        """Add ``paths`` to the sources, then bring the index up to date.

        ``paths`` are saved as sources only once the build has finished: a build that
        does not (cancelled, disk full, another writer...) leaves the list as it was.
        """
        from index.builder import all_sources

        current = self.layout.read_sources()
        wanted = list(current)
        for p in paths:
            ap = str(Path(p).expanduser().absolute())
            if ap not in wanted:
                wanted.append(ap)
        report = build(
            self.layout, self.embedder, sources=all_sources(self.layout, wanted),
            params=self.chunking, max_bytes=self.settings.max_bytes, progress=progress,
            cancel=cancel, load_seconds=self.settings.load_seconds,
        )
        if wanted != current:
            self.layout.write_sources(wanted)
        self.snapshot()  # switch to the new generation
        return report

    def last_build(self) -> dict | None:
        """The last finished build's report (``BuildReport.as_json()``), or None.

        Lets the app show which files could not be indexed, and why, at any time.
        """
        return self.layout.read_last_build()

    def status(self) -> BuildReport:
        """What ``index`` would change, without indexing."""
        return status(self.layout)


def cited_passages(snap: IndexSnapshot, answer: Answer, query_vec: np.ndarray,
                   hits: list, stored: dict) -> None:  # noqa: ANN001 - Hit, StoredChunk
    """Add to ``answer.passages`` every cited chunk that is not among them yet.

    A list answer reads the sections of its aspect whole, so a point may come from a
    chunk beyond the top passages; the answer still shows (and JSON still lists) every
    passage it quotes. Added passages rank after the retrieved ones, with their own
    similarity to the question; ``score`` is their fused score when they were among the
    hits, else NaN (they were not ranked).
    """
    shown = {p.chunk_id for p in answer.passages}
    missing = [c.chunk_id for c in answer.citations if c.chunk_id not in shown]
    if not missing:
        return
    by_id = {sc.chunk.chunk_id: row for row, sc in stored.items()}
    rows = {cid: by_id.get(cid) for cid in dict.fromkeys(missing)}
    rows = {cid: (row if row is not None else snap.store.chunk_row(cid))
            for cid, row in rows.items()}
    need = [r for r in rows.values() if r is not None and r not in stored]
    chunks = {**stored, **(snap.store.chunks(need) if need else {})}
    by_row = {h.row: h for h in hits}
    extra = []
    for row in rows.values():
        if row is None or row not in chunks:
            continue
        dense = float(np.asarray(snap.chunk_vectors[row], dtype=np.float32) @ query_vec)
        hit = by_row.get(row)
        extra.append(Hit(row, hit.score if hit is not None else float("nan"), dense, None))
    first = max((p.rank for p in answer.passages), default=0)
    for p in to_passages(snap, extra, chunks):
        p.rank += first
        answer.passages.append(p)
