"""Extractive answers: pick the document sentences that best answer the question.

No text is ever generated. Candidate sentences come from the retrieved passages; each
is scored by the cosine between the question and the sentence vector computed at index
time (no re-embedding per question) plus a small bonus for sharing the question's
terms, plus a bonus when the heading of the sentence's section matches the question
better than the sentence does (an answer under "2 Benefits of partnership" need not say
"benefits"; a sentence that merely restates the question's words gets nothing from it).
Near-duplicates are dropped, the rest is put back in document order, and every
sentence carries a citation whose quote is checked to be a verbatim slice of its chunk.
When no sentence is evidence enough, the answer abstains and shows the closest passages.

Evidence is measured against what the question asks *beyond its topic*: the question
vector minus ``topic_weight`` times the mean vector of the top retrieved passages. A
question about a topic the documents cover, asking for something they do not say (a
person's name, a figure they never give), matches the topic strongly but its residual
matches no sentence; an answerable question's residual still matches its answer. The
threshold and the weight are calibrated by ``benchmarks/answers.py``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace

import numpy as np

from assistant.coverage import (
    distinctive_share,
    distinctive_weights,
    names_focus,
    unknown_question_terms,
)
from assistant.points import holds_kind, is_topic_naming
from assistant.records import Answer, AnswerSentence, Citation, Passage
from assistant.retrieve import is_paged, pages_label
from assistant.shapes import QuestionShape, focus_words
from corpus.records import Sentence
from index.bm25 import tokenize
from index.reader import IndexSnapshot
from index.store import StoredChunk

_KIND_NAMES = {"person": "person or organisation", "date": "date or time",
               "reason": "reason",
               "place": "place", "number": "number or amount"}


_AUTHORED = re.compile(r"\b(?:written|authored|prepared|produced|compiled|edited|"
                       r"commissioned|published|carried out|conducted) by\b", re.IGNORECASE)


#: "Who wrote the review?" (not "Who is the guidance written for?").
_ASKS_AUTHOR = re.compile(r"\bwho (?:wrote|authored|is the author|were the authors|"
                          r"commissioned|prepared|produced|compiled|edited)\b|\bwritten by\b",
                          re.IGNORECASE)


class QuoteMismatch(AssertionError):
    """A quote that is not a verbatim slice of its chunk: a bug, never shown to users."""


@dataclass(frozen=True)
class AnswerParams:
    """How sentences are chosen."""

    max_sentences: int = 3
    abstain_below: float = 0.174
    margin: float = 0.03
    term_bonus: float = 0.1
    topic_weight: float = 1.0
    topic_passages: int = 5
    heading_weight: float = 0.5
    distinct_bonus: float = 0.3
    """Added to a sentence's score, times the share of the question's distinctive terms
    it holds (``assistant.coverage.distinctive_share``): the words the question asks
    about beyond the topic its top passages share."""
    duplicate_cosine: float = 0.92
    min_words: int = 4
    min_similarity: float = -1.0
    """Abstain when no candidate sentence has at least this plain cosine with the question."""
    kind_margin: float = 0.3
    """A who/when/where/how-many question takes the best sentence holding that kind of
    fact among those within this of the best sentence; none there means abstain."""
    length_credit: float = 0.15
    """Evidence credit for a long sentence, times ln(words / ``length_words``): a
    sentence holding several facts matches any one of them less than a short one does."""
    length_words: int = 20
    """Sentences of up to this many words get no length credit."""
    lexical_similarity: float = 0.35
    """Below ``abstain_below``, the best sentence still answers when its plain cosine is
    at least this, it names the question's focus, few question terms are unknown to the
    index (``unknown_share``) and, for a who/when/where/how-many question, it holds
    ``typed_share`` of the question's distinctive terms (see ``assistant.coverage``).
    Above 1: off."""
    typed_share: float = 0.4
    unknown_share: float = 1 / 3
    """Answering by words allows question terms no document uses (``unknown_share`` of
    its terms at most), none of them the question's focus."""
    second_below: float = 0.3
    """An answer whose evidence is below this, made of one sentence, also quotes the next
    best sentence of the same passage within ``second_margin``."""
    second_margin: float = 0.2
    authored_margin: float = 0.3
    """"Who wrote the review?": a sentence saying who wrote it ("written by...") within
    this of the best answers, before other sentences naming people."""


@dataclass
class Candidate:
    chunk: StoredChunk
    index: int  # sentence position in its chunk
    row: int  # sentence row id
    cosine: float
    score: float
    evidence: float  # cosine with the question's residual beyond the passages' topic
    vector: np.ndarray | None = None  # the sentence's vector (float32), read once


def _is_heading_like(text: str, section: list[str], min_words: int) -> bool:
    stripped = text.strip().lstrip("•▪-*– ").strip()
    if len(stripped.split()) < min_words:
        return True
    return any(stripped == h.strip() for h in section)


_HEADING_LINE = re.compile(r"^([^\n.!?:;]{1,80}?)[ \t]*\n(?=\S)")


def heading_prefix(text: str) -> int:
    """Length of a heading line glued to the start of a sentence ("3 Challenges
    (continued)\nMany mutuals..."), to leave out of the quote; 0 when there is none."""
    m = _HEADING_LINE.match(text)
    if m is None or len(m.group(1).split()) > 8:
        return 0
    return m.end()


def only_headings(sc: StoredChunk, title: str = "", min_words: int = 5) -> bool:
    """Whether a chunk holds nothing but headings, its document's title and short
    furniture ("Documents", "Updates to this page Published 29 May 2018"): not evidence
    to show anyone."""
    section = [s.strip() for s in [*sc.chunk.section, title] if s]
    return all(_is_heading_like(s.text, section, min_words) for s in sc.chunk.sentences)


def verify_quote(quote: str, chunk_text: str) -> None:
    """Raise QuoteMismatch unless ``quote`` is a verbatim substring of the chunk."""
    if not quote or quote not in chunk_text:
        raise QuoteMismatch(f"quote not found verbatim in its chunk: {quote[:60]!r}")


def score_sentences(
    snap: IndexSnapshot,
    stored: dict[int, StoredChunk],
    chunk_order: list[int],
    query_vec: np.ndarray,
    question: str,
    params: AnswerParams,
) -> list[Candidate]:
    """Every usable sentence of the given chunks, scored against the question."""
    found = _evidence(snap, stored, chunk_order, query_vec, params)
    if found is None:
        return []
    return _scored(snap, stored, chunk_order, query_vec, question, params, *found,
                   within=None)


def _evidence(
    snap: IndexSnapshot,
    stored: dict[int, StoredChunk],
    chunk_order: list[int],
    query_vec: np.ndarray,
    params: AnswerParams,
    describes_ok: bool = False,
) -> tuple[list[tuple[StoredChunk, int]], list[int], np.ndarray, list[float]] | None:
    """The usable sentences (chunk, index), their rows, vectors and evidence; None if none.

    Enough to decide whether to abstain: the evidence score needs no terms or headings.
    Sentences that only describe a document are left out unless ``describes_ok`` (the
    question is about the document: "What is the review about?").
    """
    seen_spans: set[tuple[str, int, int]] = set()
    rows: list[int] = []
    meta: list[tuple[StoredChunk, int]] = []
    docs = snap.documents_by_id
    titles: dict[str, list[str]] = {}  # doc_id -> its heading titles
    for crow in chunk_order:
        sc = stored[crow]
        doc_id = sc.chunk.doc_id
        if doc_id not in titles:
            titles[doc_id] = [h.title for h in docs[doc_id].headings]
        # A heading inside the chunk (a section starting mid-chunk) is a heading too.
        section = [*sc.chunk.section, docs[doc_id].title, *titles[doc_id]]
        for i, (sent, srow) in enumerate(zip(sc.chunk.sentences, sc.sentence_rows, strict=True)):
            key = (doc_id, sent.start, sent.end)
            if key in seen_spans:  # the same sentence in an overlapping chunk
                continue
            seen_spans.add(key)
            if _is_heading_like(sent.text, section, params.min_words):
                continue
            if not describes_ok and is_topic_naming(sent.text):  # "This chapter turns to..."
                continue
            rows.append(srow)
            meta.append((sc, i))
    if not rows:
        return None
    vecs = sentence_vectors(snap, rows)
    evidence = (vecs @ residual_query(snap, chunk_order, query_vec, params)).tolist()
    if params.length_credit:
        ref = max(params.length_words, 1)
        for j, (sc, i) in enumerate(meta):
            words = len(sc.chunk.sentences[i].text.split())
            if words > ref:
                evidence[j] += params.length_credit * math.log(words / ref)
    return meta, rows, vecs, evidence


def _scored(
    snap: IndexSnapshot,
    stored: dict[int, StoredChunk],
    chunk_order: list[int],
    query_vec: np.ndarray,
    question: str,
    params: AnswerParams,
    meta: list[tuple[StoredChunk, int]],
    rows: list[int],
    vecs: np.ndarray,
    evidence: list[float],
    within: float | None,
) -> list[Candidate]:
    """The sentences scored and sorted best first (ties in chunk order).

    With ``within`` set, only sentences that may score within ``within`` of the best are
    returned: a sentence's terms are read only while its score without them plus the
    largest term bonus could still reach that far (the rest would rank below them all).
    """
    q_terms = set(tokenize(question))
    distinct = (distinctive_weights(snap, q_terms, passage_terms(stored, chunk_order, params))
                if params.distinct_bonus and q_terms else {})
    cos = (vecs @ query_vec).tolist()
    heading = (heading_cosines(snap, stored, chunk_order, meta, query_vec)
               if params.heading_weight else [0.0] * len(meta))
    # The heading counts only for what it adds beyond the sentence's own cosine: a
    # sentence under a heading that matches the question better than it does itself.
    gain = [max(0.0, h - c) for h, c in zip(heading, cos, strict=True)]
    # At least the score whatever the overlap (0..1) turns out to be.
    most = max((params.term_bonus + params.distinct_bonus) * (1.0 if q_terms else 0.0), 0.0)
    bound = [c + most + params.heading_weight * g for c, g in zip(cos, gain, strict=True)]
    best = float("-inf")
    scores: dict[int, float] = {}
    for j in sorted(range(len(meta)), key=bound.__getitem__, reverse=True):
        if within is not None and bound[j] < best - within:
            break
        sc, i = meta[j]
        if q_terms:
            terms = set(tokenize(sc.chunk.sentences[i].text))
            overlap = len(q_terms & terms) / len(q_terms)
            share = distinctive_share(distinct, terms) if distinct else 0.0
        else:
            overlap = share = 0.0
        scores[j] = (cos[j] + params.term_bonus * overlap + params.distinct_bonus * share
                     + params.heading_weight * gain[j])
        best = max(best, scores[j])
    cands = [Candidate(meta[j][0], meta[j][1], rows[j], cos[j], scores[j], evidence[j], vecs[j])
             for j in sorted(scores)]
    cands.sort(key=lambda c: -c.score)
    return cands


def passage_terms(stored: dict[int, StoredChunk], chunk_order: list[int],
                  params: AnswerParams) -> list[set[str]]:
    """The term sets of the top passages (those the topic vector is made of)."""
    return [set(tokenize(stored[row].chunk.text))
            for row in chunk_order[:params.topic_passages] if row in stored]


def sentence_vectors(snap: IndexSnapshot, rows: list[int]) -> np.ndarray:
    """Float32 vectors of sentence ``rows`` (in that order), read in one ascending pass."""
    order = np.argsort(rows)
    sorted_rows = np.asarray(rows)[order]
    vecs = np.empty((len(rows), snap.sentence_vectors.shape[1]), dtype=np.float32)
    vecs[order] = snap.sentence_vectors[sorted_rows]
    return vecs


def heading_cosines(
    snap: IndexSnapshot,
    stored: dict[int, StoredChunk],
    chunk_order: list[int],
    meta: list[tuple[StoredChunk, int]],
    query_vec: np.ndarray,
    lookback: int = 4,
) -> list[float]:
    """For each sentence, the cosine between the question and its section's heading.

    A sentence under "2 Benefits of partnership" is evidence for a question about benefits
    even when the sentence itself never says "benefits". Headings are sentences of the
    chunks, so their vectors were computed at index time: a heading is found among the
    retrieved chunks' sentences, or in one of the ``lookback`` chunks before the
    sentence's own chunk. The document title is not a section heading (it is the topic of
    every sentence); a heading without a vector contributes 0.
    """
    heading_rows: dict[tuple[str, int], int] = {}  # (doc_id, offset) -> sentence row

    def remember(sc: StoredChunk) -> None:
        doc_id = sc.chunk.doc_id
        for sent, srow in zip(sc.chunk.sentences, sc.sentence_rows, strict=True):
            heading_rows.setdefault((doc_id, sent.start), srow)

    for crow in chunk_order:
        remember(stored[crow])
    looked: set[tuple[str, int]] = set()
    # Sentence starts of chunks before a sentence's own, read a lookback window at a time.
    earlier: dict[tuple[str, int], list[tuple[int, int]] | None] = {}

    def starts_at(doc_id: str, ordinal: int) -> list[tuple[int, int]] | None:
        if (doc_id, ordinal) not in earlier:
            first = max(0, ordinal - lookback + 1)
            found = snap.store.sentence_starts(doc_id, first, ordinal)
            for o in range(first, ordinal + 1):
                earlier.setdefault((doc_id, o), found.get(o))
        return earlier[(doc_id, ordinal)]

    paths: list[list[tuple[str, int]]] = []
    headings: dict[str, list[tuple[int, int, int | None]]] = {}  # doc_id -> (level, offset, end)
    for sc, i in meta:
        doc = snap.documents_by_id[sc.chunk.doc_id]
        if doc.doc_id not in headings:
            headings[doc.doc_id] = _section_headings(doc)
        start = sc.chunk.sentences[i].start
        path = _heading_path(doc.doc_id, headings[doc.doc_id], start)
        missing = [k for k in path if k not in heading_rows]
        ordinal = sc.chunk.ordinal
        while missing and ordinal > 0 and sc.chunk.ordinal - ordinal < lookback:
            ordinal -= 1
            if (doc.doc_id, ordinal) in looked:
                continue
            looked.add((doc.doc_id, ordinal))
            prev = starts_at(doc.doc_id, ordinal)
            if prev is None:
                break
            for offset, srow in prev:
                heading_rows.setdefault((doc.doc_id, offset), srow)
            missing = [k for k in path if k not in heading_rows]
        paths.append([k for k in path if k in heading_rows])
    wanted = sorted({heading_rows[k] for p in paths for k in p})
    if not wanted:
        return [0.0] * len(meta)
    cos = np.asarray(snap.sentence_vectors[wanted], dtype=np.float32) @ query_vec
    by_row = dict(zip(wanted, cos.tolist(), strict=True))
    return [by_row[heading_rows[p[-1]]] if p else 0.0 for p in paths]


def _section_headings(doc) -> list[tuple[int, int, int | None]]:  # noqa: ANN001
    """(level, offset, end) of the document's headings in offset order, its title
    excluded (``end``: where a table caption's section ends, else None)."""
    title = doc.title.lower()
    return [(h.level, h.offset, h.end) for h in sorted(doc.headings, key=lambda h: h.offset)
            if h.title.strip().lower() not in title]


def _heading_path(doc_id: str, headings: list[tuple[int, int, int | None]],
                  offset: int) -> list[tuple[str, int]]:
    """(doc_id, heading offset) of the headings in force at ``offset``."""
    path: dict[int, int] = {}  # level -> offset
    for level, start, end in headings:
        if start > offset:
            break
        path = {lv: o for lv, o in path.items() if lv < level}
        if end is None or offset < end:
            path[level] = start
    return [(doc_id, o) for o in path.values()]


def residual_query(
    snap: IndexSnapshot, chunk_order: list[int], query_vec: np.ndarray, params: AnswerParams
) -> np.ndarray:
    """The unit question vector minus ``topic_weight`` times the top passages' mean vector."""
    q = np.asarray(query_vec, dtype=np.float32)
    top = sorted(chunk_order[: params.topic_passages])
    if params.topic_weight == 0 or not top:
        return q
    topic = np.asarray(snap.chunk_vectors[top], dtype=np.float32).mean(axis=0)
    r = q - params.topic_weight * topic
    norm = float(np.linalg.norm(r))
    return r / norm if norm > 1e-6 else q


def compose(
    snap: IndexSnapshot,
    question: str,
    query_vec: np.ndarray,
    passages: list[Passage],
    stored: dict[int, StoredChunk],
    chunk_order: list[int],
    params: AnswerParams,
    shape: QuestionShape | None = None,
) -> Answer:
    """Build the cited answer (or the abstention) for ``question``.

    With a ``shape`` asking for a kind of fact (who, when, where, how many), only
    sentences holding that kind of fact can answer (see ``AnswerParams.kind_margin``).
    """
    answer = Answer(question=question, passages=passages)
    found = _evidence(snap, stored, chunk_order, query_vec, params,
                      describes_ok=shape is not None and shape.about_document)
    if found is None:
        answer.abstained = True
        answer.reason = "no passages were found"
        return answer
    answer.confidence = max(found[3])
    answer.similarity = float(np.max(found[2] @ np.asarray(query_vec, dtype=np.float32)))
    kind = shape.fact_kind if shape is not None else None
    about = shape is not None and shape.about_document
    # Only the sentences within the widest margin used below can be chosen.
    reach = max(params.margin, params.second_margin)
    if kind:
        reach = max(reach, params.kind_margin, params.authored_margin if about else 0.0)
    # A question about a document itself names the document; its distinctive words are the
    # document's, not the fact asked ("Who wrote the partnership review?").
    cands = _scored(snap, stored, chunk_order, query_vec, question,
                    replace(params, distinct_bonus=0.0) if about else params, *found,
                    within=reach)
    if (answer.similarity < params.min_similarity
            or (answer.confidence < params.abstain_below
                and not _says_it(snap, stored, chunk_order, question, cands[0], params, kind))):
        answer.abstained = True
        answer.reason = "no passage is close enough to the question"
        return answer
    if kind:
        top = cands[0].score
        typed = [c for c in cands if c.score >= top - params.kind_margin
                 and holds_kind(c.chunk.chunk.sentences[c.index].text, kind)]
        if about and kind == "person" and _ASKS_AUTHOR.search(question):
            # "Who wrote the review?": a sentence saying who wrote it, if one is near.
            authored = [c for c in cands if c.score >= top - params.authored_margin
                        and _AUTHORED.search(c.chunk.chunk.sentences[c.index].text)]
            typed = authored or typed
        if not typed and kind == "reason":
            typed = cands  # "why": a reason word is preferred, not required
        if not typed:
            answer.abstained = True
            answer.reason = f"no passage states the {_KIND_NAMES[kind]} asked for"
            return answer
        cands = typed

    # The question is answerable: the best-scoring sentences (within the margin) answer.
    best = cands[0].score
    chosen: list[Candidate] = []
    chosen_vecs: list[np.ndarray] = []
    for c in cands:
        if len(chosen) >= params.max_sentences or c.score < best - params.margin:
            break
        v = _vector(snap, c)
        if any(float(v @ u) >= params.duplicate_cosine for u in chosen_vecs):
            continue
        chosen.append(c)
        chosen_vecs.append(v)
    if len(chosen) == 1 < params.max_sentences and answer.confidence < params.second_below:
        # Weak evidence: the best sentence may not be the one holding the fact; the next
        # best of the same passage is quoted too (one passage, so no new source).
        first = chosen[0]
        for c in cands:
            if c.score < best - params.second_margin:
                break
            if (c is not first and c.chunk.chunk.chunk_id == first.chunk.chunk.chunk_id
                    and float(_vector(snap, c) @ chosen_vecs[0]) < params.duplicate_cosine):
                chosen.append(c)
                break

    # Readable order: documents by their best sentence, sentences in document order.
    doc_rank: dict[str, int] = {}
    for c in chosen:
        doc_rank.setdefault(c.chunk.chunk.doc_id, len(doc_rank))
    chosen.sort(key=lambda c: (doc_rank[c.chunk.chunk.doc_id],
                               c.chunk.chunk.sentences[c.index].start))

    for c in chosen:
        cite(answer, snap, c.chunk, c.index, c.score)
    return answer


def _vector(snap: IndexSnapshot, c: Candidate) -> np.ndarray:
    if c.vector is not None:
        return c.vector
    return np.asarray(snap.sentence_vectors[c.row], dtype=np.float32)


def _says_it(snap: IndexSnapshot, stored: dict[int, StoredChunk], chunk_order: list[int],
             question: str, best: Candidate, params: AnswerParams, kind: str | None) -> bool:
    """Whether the best sentence answers by its words though its evidence score is low:
    close to the question (plain cosine), naming the question's focus, with few
    question terms unknown to the index (none of them its focus) and, for a
    who/when/where/how-many question, holding enough of its distinctive terms
    (``assistant.coverage``)."""
    if best.cosine < params.lexical_similarity:
        return False
    terms = list(dict.fromkeys(tokenize(question)))
    if not terms:
        return False
    focus = focus_words(question)
    unknown = set(unknown_question_terms(snap, question))
    # A word no document uses is what the documents lack when the question asks for it
    # ("What *pension* scheme...?", "How do I *register*...?") or it is much of the
    # question; a word beside the point ("Link's *steed*", "users find it *hard*") may be
    # the question's paraphrase of the documents' own word.
    if unknown and (unknown & set(tokenize(focus))
                    or len(unknown) > params.unknown_share * len(terms)):
        return False
    said = set(tokenize(best.chunk.chunk.sentences[best.index].text))
    if not names_focus(focus, said):
        return False
    if kind:
        top = passage_terms(stored, chunk_order, params)
        if distinctive_share(distinctive_weights(snap, terms, top), said) < params.typed_share:
            return False
    return True


def cite(answer: Answer, snap: IndexSnapshot, sc: StoredChunk, index: int, score: float,
         *, merge: bool = True) -> None:
    """Append sentence ``index`` of ``sc`` to ``answer`` with its citation.

    The quote is checked to be a verbatim slice of the chunk. With ``merge``, a sentence
    that follows the previous answer sentence in the same chunk shares its citation (the
    quote grows to cover both).
    """
    chunk = sc.chunk
    sent = chunk.sentences[index]
    skip = heading_prefix(sent.text)
    if skip:  # a heading line glued to the sentence's start is not quoted
        sent = Sentence(sent.text[skip:], sent.start + skip, sent.end)
    prev = answer.citations[-1] if answer.citations else None
    if (merge and prev is not None and prev.chunk_id == chunk.chunk_id
            and chunk.text.find(prev.quote) >= 0
            and _adjacent(chunk, prev.quote, sent.start)):
        # Consecutive sentences of one chunk share one citation and one quote.
        span_start = chunk.start + chunk.text.find(prev.quote)
        prev.quote = chunk.text[span_start - chunk.start : sent.end - chunk.start]
        verify_quote(prev.quote, chunk.text)
        answer.sentences.append(AnswerSentence(sent.text, prev.n, score))
        return
    doc = snap.documents_by_id[chunk.doc_id]
    page = doc.page_at(sent.start)
    page_end = doc.page_at(sent.end - 1)
    quote = chunk.text[sent.start - chunk.start : sent.end - chunk.start]
    verify_quote(quote, chunk.text)
    n = len(answer.citations) + 1
    answer.citations.append(
        Citation(
            n=n, doc_id=doc.doc_id, chunk_id=chunk.chunk_id, title=doc.title,
            source=doc.source, url=doc.url, page_start=page, page_end=page_end,
            pages_label=pages_label(doc, page, page_end),
            section=doc.section_at(sent.start),
            quote=quote, published=doc.published, publisher=doc.publisher,
            licence=doc.licence, paged=is_paged(doc),
        )
    )
    answer.sentences.append(AnswerSentence(sent.text, n, score))


def _adjacent(chunk, quote: str, next_start: int) -> bool:  # noqa: ANN001
    """True when ``next_start`` is the sentence right after ``quote`` in the chunk."""
    end = chunk.start + chunk.text.find(quote) + len(quote)
    for s in chunk.sentences:
        if s.start >= end:
            return s.start == next_start
    return False
