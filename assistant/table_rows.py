"""Questions about one table row's value, answered by that row's unit.

A table's rows are stored as units that name their columns ("Dental care, South West:
Mutuals surveyed 21; Share in a partnership 71%; ...", see ``corpus.tables``). A
question about one of them ("What share of dental care mutuals in the South West were
in a partnership?") *names the row*: every term of the row's key cells ("Dental care",
"South West"; a bracketed qualifier, "medium (50 to 249 staff)", may be left out) is in
the question, and so is at least ``column_share`` of the terms of one of its other
columns' names ("Share in a partnership"), weighted by idf, a year asked for being one
the column has. Such a row answers the question, cited with the
table's caption and the row's own page (``row_answer``). Other questions are answered
from prose only (``prose_only``): a row that a question does not name does not answer it.

The general evidence score (``assistant.answer``) cannot tell the rows of one table
apart: it measures what the question asks beyond the top passages' topic, and rows of one
table share their topic. Rows are looked up among all the index's tables (kept with the
documents), not only among the retrieved passages, then ranked by the cosine of their
vectors with the question.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass, replace

import numpy as np

from assistant.answer import cite, sentence_vectors
from assistant.records import Answer, Passage
from corpus.records import Table, TableRow
from index.bm25 import tokenize
from index.reader import IndexSnapshot
from index.store import StoredChunk


@dataclass(frozen=True)
class RowParams:
    """When a question names a table row.

    Attributes:
        column_share: the share of a value column's name terms the question must hold,
            weighted by idf (0: any one of them); chosen on the tuning half of
            ``benchmarks/tables.py``.
        max_rows: most rows an answer cites (a question naming two rows gets both).
        margin: rows within this cosine of the best one are cited too.
    """

    column_share: float = 0.25
    max_rows: int = 3
    margin: float = 0.05


@dataclass(frozen=True)
class _Row:
    doc_id: str
    table: Table
    row: TableRow
    key: frozenset[str]  # terms a question must hold to name the row
    full: frozenset[str]  # all terms of its key cells, bracketed qualifiers included
    columns: tuple[frozenset[str], ...]  # terms of each named value column


_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")


def key_terms(cells: tuple[str, ...] | list[str]) -> tuple[frozenset[str], frozenset[str]]:
    """The terms of a row's key cells a question must hold, and all their terms.

    A bracketed qualifier is optional: "medium (50 to 249 staff)" is named by "medium"
    ("What was the median staff share in medium mutuals?"). A cell that is all brackets
    keeps its terms.
    """
    full: set[str] = set()
    needed: set[str] = set()
    for cell in cells:
        terms = set(tokenize(cell))
        full |= terms
        bare = set(tokenize(_BRACKETED.sub(" ", cell)))
        needed |= bare or terms
    return frozenset(needed), frozenset(full)


_ROWS: weakref.WeakKeyDictionary[IndexSnapshot, list[_Row]] = weakref.WeakKeyDictionary()


def _rows(snap: IndexSnapshot) -> list[_Row]:
    """Every table row of the index with its key terms (once per snapshot)."""
    if snap not in _ROWS:
        out = []
        for doc in snap.documents_by_id.values():
            for t in doc.tables:
                cols = tuple(frozenset(tokenize(c)) for c in t.columns[t.key_columns:] if c)
                for r in t.rows:
                    key, full = key_terms(r.cells[: t.key_columns])
                    if key:
                        out.append(_Row(doc.doc_id, t, r, key, full,
                                        tuple(c - full for c in cols if c - full)))
        _ROWS[snap] = out
    return _ROWS[snap]


_YEAR = re.compile(r"(?:19|20)\d\d")


def _column_match(r: _Row, terms: set[str], idf: dict[str, float]) -> float:
    """How fully the question names one of the row's value columns: the largest share,
    weighted by idf, of a column's name terms found in the question (1 without named
    columns: a question naming the row asks for what it has). A term found in most
    passages ("mutual" in a corpus about mutuals) counts for little.

    Years decide: a question naming a year matches only columns of that year ("Staff
    2022" is not what "How many staff in 2024?" asks for) when the columns have years.
    """
    if not r.columns:
        return 1.0
    asked = {t for t in terms if _YEAR.fullmatch(t)}
    best = 0.0
    for c in r.columns:
        years = {t for t in c if _YEAR.fullmatch(t)}
        if asked and years and not asked & years:
            continue
        weight = sum(idf.get(t, 1.0) for t in c)
        if weight > 0:
            best = max(best, sum(idf.get(t, 1.0) for t in c & terms) / weight)
    return best


def _idf(snap: IndexSnapshot, terms: set[str]) -> dict[str, float]:
    """The BM25 index's idf of each term (absent terms: the largest)."""
    bm25 = snap.bm25
    top = float(bm25.idf.max()) if len(bm25.idf) else 1.0
    return {t: float(bm25.idf[bm25.vocab[t]]) if t in bm25.vocab else top for t in terms}


def named_rows(snap: IndexSnapshot, question: str, params: RowParams
               ) -> list[tuple[_Row, float]]:
    """The table rows ``question`` names (key and, when named, a column), each with
    how fully the question names its column (see ``_column_match``)."""
    terms = set(tokenize(question))
    if not terms:
        return []
    out = []
    for r in _rows(snap):
        if not r.key <= terms:
            continue
        match = _column_match(r, terms, _idf(snap, set().union(*r.columns)))
        if match > 0 and match >= params.column_share:
            out.append((r, match))
    # A row whose named key terms are part of another named row's is not what was asked
    # ("Dental care" when the question names "Dental care, South West"; "England" when it
    # names "England (excluding London)"); of rows named by the same terms, one whose
    # qualifier the question leaves out is not it either ("Wales (rural)" for "in Wales").
    named = {id(r): r.full & terms for r, _ in out}

    def beaten(r: _Row) -> bool:
        mine = named[id(r)]
        return any(mine < named[id(o)]
                   or (mine == named[id(o)] and o.full <= terms and not r.full <= terms)
                   for o, _ in out)

    return [(r, m) for r, m in out if not beaten(r)]


def row_answer(snap: IndexSnapshot, question: str, query_vec: np.ndarray,
               passages: list[Passage], params: RowParams) -> Answer | None:
    """The answer citing the rows the question names, or None when it names none.

    The rows naming the asked column most fully are cited, best cosine first, with
    those within ``params.margin`` of it (at most ``params.max_rows``).
    """
    rows = named_rows(snap, question, params)
    if not rows:
        return None
    found = []  # (column match, row, stored chunk, sentence index, sentence row)
    for r, match in sorted(rows, key=lambda x: -x[1])[:50]:
        for crow in snap.store.chunk_rows_between(r.doc_id, r.row.start, r.row.end)[:1]:
            sc = snap.store.chunks([crow])[crow]
            for i, s in enumerate(sc.chunk.sentences):
                if s.start == r.row.start:
                    found.append((match, r, sc, i, sc.sentence_rows[i]))
    if not found:
        return None
    top = max(f[0] for f in found)
    found = [f for f in found if f[0] == top]
    vecs = sentence_vectors(snap, [f[4] for f in found])
    cos = (vecs @ np.asarray(query_vec, dtype=np.float32)).tolist()
    order = sorted(range(len(found)), key=lambda j: -cos[j])
    best = cos[order[0]]
    chosen = [j for j in order if cos[j] >= best - params.margin][: params.max_rows]
    answer = Answer(question=question, passages=passages)
    answer.confidence = answer.similarity = best
    for j in chosen:
        _, _, sc, i, _ = found[j]
        cite(answer, snap, sc, i, cos[j], merge=False)
    return answer


def prose_only(snap: IndexSnapshot, stored: dict[int, StoredChunk]) -> dict[int, StoredChunk]:
    """The chunks without their table rows and captions as sentences, for answers made of
    prose.

    A row answers only a question that names it (``row_answer``): otherwise a row whose
    words overlap the question ("Eastbrook Food Bank Network: Joint service Emergency
    food parcels" for "What innovation came from working with the food bank network?")
    would crowd out the sentence that answers, and a row the question points at without
    naming ("What was Castle Lane Mutual's turnover?" against a row of its staff numbers)
    would answer what it does not hold. The chunks' texts stay whole.
    """
    starts = table_row_starts(snap)
    if not starts:
        return stored
    out = {}
    for row, sc in stored.items():
        keep = [i for i, s in enumerate(sc.chunk.sentences)
                if (sc.chunk.doc_id, s.start) not in starts]
        if len(keep) == len(sc.chunk.sentences):
            out[row] = sc
            continue
        chunk = replace(sc.chunk, sentences=[sc.chunk.sentences[i] for i in keep])
        out[row] = StoredChunk(sc.row, chunk, [sc.sentence_rows[i] for i in keep])
    return out


_STARTS: weakref.WeakKeyDictionary[IndexSnapshot, set[tuple[str, int]]] = (
    weakref.WeakKeyDictionary())


def table_row_starts(snap: IndexSnapshot) -> set[tuple[str, int]]:
    """(doc_id, start) of every table row and caption of the index (once per snapshot)."""
    if snap not in _STARTS:
        starts = set()
        for doc in snap.documents_by_id.values():
            for t in doc.tables:
                starts.update((doc.doc_id, r.start) for r in t.rows)
                if t.caption:  # a caption is a heading, never an answer
                    starts.add((doc.doc_id, t.start))
        _STARTS[snap] = starts
    return _STARTS[snap]
