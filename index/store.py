"""SQLite metadata of one index generation: documents, chunks and sentences.

Row ids are positions: chunk row ``i`` is FAISS id ``i`` and BM25 document ``i``;
sentence row ``j`` is row ``j`` of ``sentences.npy``.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from corpus.records import Chunk, Heading, Sentence, Table, TableRow

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT NOT NULL,
    url TEXT,
    published TEXT,
    updated TEXT,
    publisher TEXT,
    licence TEXT,
    pages INTEGER NOT NULL,
    page_labels TEXT NOT NULL,      -- JSON list, label or null per page
    page_offsets TEXT NOT NULL,     -- JSON list, start of each page in the clean text
    headings TEXT NOT NULL,         -- JSON list of [level, title, offset(, end)]
    chunks INTEGER NOT NULL,
    content_hash TEXT NOT NULL,
    size INTEGER NOT NULL,
    mtime REAL NOT NULL,
    indexed_at TEXT NOT NULL
);
CREATE TABLE chunks (
    row INTEGER PRIMARY KEY,
    chunk_id TEXT NOT NULL UNIQUE,
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    text TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    section TEXT NOT NULL,          -- JSON list of heading titles
    start INTEGER NOT NULL,
    end INTEGER NOT NULL
);
CREATE INDEX chunks_doc ON chunks(doc_id, ordinal);
CREATE TABLE sentences (
    row INTEGER PRIMARY KEY,
    chunk_row INTEGER NOT NULL,
    start INTEGER NOT NULL,         -- offsets in the document's clean text
    end INTEGER NOT NULL
);
CREATE INDEX sentences_chunk ON sentences(chunk_row);
CREATE TABLE tables (               -- a document's tables (generations since issue 14)
    doc_id TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    data TEXT NOT NULL              -- JSON, see table_json
);
CREATE INDEX tables_doc ON tables(doc_id, ordinal);
"""


def table_json(t: Table) -> str:
    """A table as stored: caption, columns, key width, span and rows [start, end, cells]."""
    return json.dumps({"caption": t.caption, "columns": list(t.columns),
                       "key_columns": t.key_columns, "start": t.start, "end": t.end,
                       "rows": [[r.start, r.end, list(r.cells)] for r in t.rows]},
                      ensure_ascii=False)


def table_from_json(data: str) -> Table:
    d = json.loads(data)
    return Table(caption=d["caption"], columns=tuple(d["columns"]),
                 key_columns=int(d["key_columns"]),
                 rows=[TableRow(int(s), int(e), tuple(c)) for s, e, c in d["rows"]],
                 start=int(d["start"]), end=int(d["end"]))


def _heading_json(h: Heading) -> list:
    return [h.level, h.title, h.offset] + ([h.end] if h.end is not None else [])


def _heading_from_json(item: list) -> Heading:
    return Heading(item[0], item[1], item[2], item[3] if len(item) > 3 else None)


@dataclass(kw_only=True)
class DocumentRow:
    """What the index keeps about a document (built from keyword arguments only)."""

    doc_id: str
    title: str
    source: str
    kind: str
    url: str | None
    published: str | None
    updated: str | None
    publisher: str | None
    licence: str | None
    pages: int
    page_labels: list[str | None]
    page_offsets: list[int]
    headings: list[Heading]
    chunks: int
    content_hash: str
    size: int
    mtime: float
    indexed_at: str
    tables: list[Table] = field(default_factory=list)

    def as_json(self) -> dict:
        return {
            "doc_id": self.doc_id, "title": self.title, "source": self.source,
            "kind": self.kind, "url": self.url, "published": self.published,
            "updated": self.updated, "publisher": self.publisher, "licence": self.licence,
            "pages": self.pages, "chunks": self.chunks, "indexed_at": self.indexed_at,
        }

    def page_at(self, offset: int) -> int:
        """The 1-based page holding character ``offset`` of the clean text."""
        import bisect

        return max(1, bisect.bisect_right(self.page_offsets, offset))

    def section_at(self, offset: int) -> list[str]:
        """The heading path in force at character ``offset`` of the clean text."""
        from corpus.chunking import section_at

        return section_at(self.headings, self.title, offset)

    def page_label(self, number: int) -> str:
        """The printed label of a 1-based page, or its number."""
        if 1 <= number <= len(self.page_labels) and self.page_labels[number - 1]:
            return str(self.page_labels[number - 1])
        return str(number)


@dataclass
class StoredChunk:
    """A chunk as stored: its row id and its sentences' row ids."""

    row: int
    chunk: Chunk
    sentence_rows: list[int]


_DOC_COLS = (
    "doc_id, title, source, kind, url, published, updated, publisher, licence, pages, "
    "page_labels, page_offsets, headings, chunks, content_hash, size, mtime, indexed_at"
)

_CHUNK_COLS = "row, chunk_id, doc_id, ordinal, text, page_start, page_end, section, start, end"


def _doc_from_row(r: tuple) -> DocumentRow:
    cols = dict(zip(_DOC_COLS.split(", "), r, strict=True))
    cols["page_labels"] = json.loads(cols["page_labels"])
    cols["page_offsets"] = json.loads(cols["page_offsets"])
    cols["headings"] = [_heading_from_json(h) for h in json.loads(cols["headings"])]
    return DocumentRow(**cols)


class StoreWriter:
    """Writes a fresh metadata database (one generation, written once)."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(path)
        self.db.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + SCHEMA)
        self.n_chunks = 0
        self.n_sentences = 0

    def add_document(self, d: DocumentRow) -> None:
        self.db.execute(
            f"INSERT INTO documents ({_DOC_COLS}) VALUES ({','.join('?' * 18)})",
            (
                d.doc_id, d.title, d.source, d.kind, d.url, d.published, d.updated, d.publisher,
                d.licence, d.pages, json.dumps(d.page_labels), json.dumps(d.page_offsets),
                json.dumps([_heading_json(h) for h in d.headings]), d.chunks,
                d.content_hash, d.size, d.mtime, d.indexed_at,
            ),
        )
        self.db.executemany("INSERT INTO tables VALUES (?,?,?)",
                            [(d.doc_id, i, table_json(t)) for i, t in enumerate(d.tables)])

    def add_chunk(self, c: Chunk) -> int:
        """Store a chunk and its sentences; returns the chunk's row id."""
        row = self.n_chunks
        self.db.execute(
            "INSERT INTO chunks VALUES (?,?,?,?,?,?,?,?,?,?)",
            (row, c.chunk_id, c.doc_id, c.ordinal, c.text, c.page_start, c.page_end,
             json.dumps(c.section, ensure_ascii=False), c.start, c.end),
        )
        self.db.executemany(
            "INSERT INTO sentences VALUES (?,?,?,?)",
            [(self.n_sentences + i, row, s.start, s.end) for i, s in enumerate(c.sentences)],
        )
        self.n_chunks += 1
        self.n_sentences += len(c.sentences)
        return row

    def close(self) -> None:
        self.db.commit()
        self.db.close()


class Store:
    """Read access to a generation's metadata."""

    def __init__(self, path: Path) -> None:
        self.db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    def close(self) -> None:
        self.db.close()

    def documents(self) -> list[DocumentRow]:
        rows = self.db.execute(f"SELECT {_DOC_COLS} FROM documents ORDER BY title").fetchall()
        docs = [_doc_from_row(r) for r in rows]
        by_id = {d.doc_id: d for d in docs}
        for doc_id, data in self._tables():
            if doc_id in by_id:
                by_id[doc_id].tables.append(table_from_json(data))
        return docs

    def _tables(self) -> list[tuple[str, str]]:
        """(doc_id, JSON) of every table, in document order (none in older generations)."""
        try:
            return self.db.execute(
                "SELECT doc_id, data FROM tables ORDER BY doc_id, ordinal").fetchall()
        except sqlite3.OperationalError:  # a generation written before tables were kept
            return []

    def chunk_count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM chunks").fetchone()[0])

    def chunks(self, rows: list[int]) -> dict[int, StoredChunk]:
        """Chunks by row id, with their sentences and the sentences' row ids."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        return self._with_sentences(
            self.db.execute(f"SELECT {_CHUNK_COLS} FROM chunks WHERE row IN ({marks})", rows)
        )

    def _with_sentences(self, found) -> dict[int, StoredChunk]:  # noqa: ANN001 - a cursor
        out = {
            r[0]: StoredChunk(
                r[0], Chunk(r[1], r[2], r[3], r[4], r[5], r[6], json.loads(r[7]), r[8], r[9]), []
            )
            for r in found
        }
        for row, sid, start, end in self.sentence_rows(list(out)):
            sc = out[row]
            c = sc.chunk
            c.sentences.append(Sentence(c.text[start - c.start : end - c.start], start, end))
            sc.sentence_rows.append(sid)
        return out

    def chunk_texts(self, rows: list[int]) -> dict[int, str]:
        """Texts of chunks by row id (less to read than ``chunks`` when only text is used)."""
        if not rows:
            return {}
        marks = ",".join("?" * len(rows))
        return dict(self.db.execute(f"SELECT row, text FROM chunks WHERE row IN ({marks})",
                                    rows).fetchall())

    def sentence_rows(self, chunk_rows: list[int]) -> list[tuple[int, int, int, int]]:
        """(chunk_row, sentence_row, start, end) for the given chunks, in order."""
        if not chunk_rows:
            return []
        marks = ",".join("?" * len(chunk_rows))
        return self.db.execute(
            f"SELECT chunk_row, row, start, end FROM sentences WHERE chunk_row IN ({marks})"
            " ORDER BY row",
            chunk_rows,
        ).fetchall()

    def chunk_row(self, chunk_id: str) -> int | None:
        r = self.db.execute("SELECT row FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        return None if r is None else int(r[0])

    def neighbour_row(self, doc_id: str, ordinal: int) -> int | None:
        r = self.db.execute(
            "SELECT row FROM chunks WHERE doc_id = ? AND ordinal = ?", (doc_id, ordinal)
        ).fetchone()
        return None if r is None else int(r[0])

    def sentence_starts(self, doc_id: str, first: int, last: int
                        ) -> dict[int, list[tuple[int, int]]]:
        """(start, sentence row) of each sentence of a document's chunks ``first..last``.

        Keyed by chunk ordinal, in sentence-row order; a chunk without sentences maps to
        an empty list, a missing chunk is absent.
        """
        out: dict[int, list[tuple[int, int]]] = {}
        for ordinal, start, srow in self.db.execute(
            "SELECT c.ordinal, s.start, s.row FROM chunks c LEFT JOIN sentences s"
            " ON s.chunk_row = c.row WHERE c.doc_id = ? AND c.ordinal BETWEEN ? AND ?"
            " ORDER BY c.ordinal, s.row", (doc_id, first, last)):
            found = out.setdefault(ordinal, [])
            if srow is not None:
                found.append((start, srow))
        return out

    def chunk_docs(self) -> dict[int, str]:
        """The document of every chunk row."""
        return dict(self.db.execute("SELECT row, doc_id FROM chunks").fetchall())

    def chunk_rows_between(self, doc_id: str, start: int, end: int) -> list[int]:
        """Rows of a document's chunks overlapping offsets ``start..end``, in order."""
        return [r[0] for r in self.db.execute(
            "SELECT row FROM chunks WHERE doc_id = ? AND start < ? AND end > ?"
            " ORDER BY ordinal", (doc_id, end, start))]

    def doc_chunk_rows(self, doc_id: str) -> list[int]:
        return [r[0] for r in self.db.execute(
            "SELECT row FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,))]

    def rows_of_docs(self, doc_ids: list[str]) -> list[int]:
        marks = ",".join("?" * len(doc_ids))
        return [r[0] for r in self.db.execute(
            f"SELECT row FROM chunks WHERE doc_id IN ({marks})", doc_ids)]
