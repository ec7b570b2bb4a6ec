"""Questions about one table row's value, answered by that row's unit.

A table's rows are stored as units that name their columns ("Dental care, South West:
Mutuals surveyed 21; Share in a partnership 71%; ...", see ``corpus.tables``). A
question about one of them ("What share of dental care mutuals in the South West were
in a partnership?") *names the row*: every term of the row's key cells ("Dental care",
"South West") is in the question, and so is at least ``column_share`` of the terms of
one of its other columns' names ("Share in a partnership"). Such a row answers the
question, cited with the table's caption and the row's own page.

The general evidence score (``assistant.answer``) cannot tell the rows of one table
apart: it measures what the question asks beyond the top passages' topic, and rows of one
table share their topic. Rows are looked up among all the index's tables (kept with the
documents), not only among the retrieved passages, then ranked by the cosine of their
vectors with the question.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass

import numpy as np

from assistant.answer import cite, sentence_vectors
from assistant.records import Answer, Passage
from corpus.records import Table, TableRow
from index.bm25 import tokenize
from index.reader import IndexSnapshot


@dataclass(frozen=True)
class RowParams:
    """When a question names a table row.

    Attributes:
        column_share: the share of a value column's name terms the question must hold
            (0: naming the row's key is enough).
        max_rows: most rows an answer cites (a question naming two rows gets both).
        margin: rows within this cosine of the best one are cited too.
    """

    column_share: float = 0.5
    max_rows: int = 3
    margin: float = 0.05


@dataclass(frozen=True)
class _Row:
    doc_id: str
    table: Table
    row: TableRow
    key: frozenset[str]
    columns: tuple[frozenset[str], ...]  # terms of each named value column


_ROWS: weakref.WeakKeyDictionary[IndexSnapshot, list[_Row]] = weakref.WeakKeyDictionary()


def _rows(snap: IndexSnapshot) -> list[_Row]:
    """Every table row of the index with its key terms (once per snapshot)."""
    if snap not in _ROWS:
        out = []
        for doc in snap.documents_by_id.values():
            for t in doc.tables:
                cols = tuple(frozenset(tokenize(c)) for c in t.columns[t.key_columns:] if c)
                for r in t.rows:
                    key = frozenset(tokenize(" ".join(r.cells[: t.key_columns])))
                    if key:
                        out.append(_Row(doc.doc_id, t, r, key,
                                        tuple(c - key for c in cols if c - key)))
        _ROWS[snap] = out
    return _ROWS[snap]


def named_rows(snap: IndexSnapshot, question: str, params: RowParams) -> list[_Row]:
    """The table rows ``question`` names (key and, when named, a column)."""
    terms = set(tokenize(question))
    if not terms:
        return []
    out = []
    for r in _rows(snap):
        if not r.key <= terms:
            continue
        if r.columns and not any(len(c & terms) >= max(1e-9, params.column_share * len(c))
                                 for c in r.columns):
            continue
        out.append(r)
    # A row whose key is part of another named row's key is not what was asked
    # ("Dental care" when the question names "Dental care, South West").
    return [r for r in out if not any(r.key < o.key for o in out)]


def row_answer(snap: IndexSnapshot, question: str, query_vec: np.ndarray,
               passages: list[Passage], params: RowParams) -> Answer | None:
    """The answer citing the rows the question names, or None when it names none."""
    rows = named_rows(snap, question, params)
    if not rows:
        return None
    found = []  # (row, stored chunk, sentence index, sentence row)
    for r in rows[:50]:
        for crow in snap.store.chunk_rows_between(r.doc_id, r.row.start, r.row.end)[:1]:
            sc = snap.store.chunks([crow])[crow]
            for i, s in enumerate(sc.chunk.sentences):
                if s.start == r.row.start:
                    found.append((r, sc, i, sc.sentence_rows[i]))
    if not found:
        return None
    vecs = sentence_vectors(snap, [f[3] for f in found])
    cos = (vecs @ np.asarray(query_vec, dtype=np.float32)).tolist()
    order = sorted(range(len(found)), key=lambda j: -cos[j])
    best = cos[order[0]]
    chosen = [j for j in order if cos[j] >= best - params.margin][: params.max_rows]
    chosen.sort(key=lambda j: (found[j][1].chunk.doc_id, found[j][0].row.start))
    answer = Answer(question=question, passages=passages)
    answer.confidence = answer.similarity = best
    for j in chosen:
        _, sc, i, _ = found[j]
        cite(answer, snap, sc, i, cos[j], merge=False)
    return answer
