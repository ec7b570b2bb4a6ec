"""List answers: every point the documents make on an aspect, as cited bullets.

A list question ("What are the benefits of partnerships for mutuals?", "What should
commissioners do?") is not answered by the three sentences most similar to it: those are
usually the sentences that *name* the topic. Instead:

1. **Sections.** In each document among the retrieved passages, the sections whose
   heading names the question's aspect ("2 Benefits of partnership", "4 Recommendations
   (continued)", "Barriers to partnering") are read whole, across pages, beyond the top
   passages: those naming it as the question words it ("Challenges") where the document
   has them (they rank higher), else those naming its family ("What went wrong").
   Where no heading names a risk, a section most of whose sentences say what might
   happen ("7. Looking ahead": "Renewal is not guaranteed: ... may tender ...") is read
   as one (``cue_sections``).
2. **Lists the text names.** A bulleted list that a sentence next to it names as points
   of the aspect ("These advantages are much needed..." after it, "Follow these steps."
   before it) is taken whole when one of its items is close enough; its items share
   the list's words (``listed_points``).
3. **Passages.** Sentences of the top passages count too when they speak of the aspect
   in their own words or are about as close to the question as the best of them: an
   aspect stated where no heading names it.
4. **Points only.** Headings, table rows, sentences that only name a topic or describe
   the document (``assistant.points.is_topic_naming``), that lean on the one before
   ("These savings...", "did this work in the evenings") and near-duplicates are
   dropped; in a section a paragraph's lead sentence (or, after an introduction, the
   first that states a point) and enumerated ones ("Finally, ...") rank higher.
5. **Whom it is for.** A question about an actor ("What should commissioners do?") keeps
   the sentences that tell that actor to act: by the subject of their modal verb or whom
   they recommend to ("Commissioners should...", "We recommend that the council..."),
   also by an organisation's name the document says is such an actor ("Lanterns should"
   where Lanterns is "a public service mutual"); a command naming no one ("Leave enough
   time...") is for the actor its heading names, else the reader of guidance for
   mutuals. A statement telling no one to act is for no actor. A question naming the
   actor more closely ("the consortium board") keeps the documents addressing it so.
6. **When.** A question's time clause ("before signing a partnership agreement") is met
   by a point stated for that time ("Before entering a partnership, ...") as by one
   holding its words, and a point for the other side ("Once a partnership is running")
   is dropped.
7. At most ``max_points`` bullets, the strongest, shown in document order; the rest are
   counted ("and N more in the sources").

The answer abstains when no point is found, or when the question's own topic words
(beyond the aspect) are mostly absent from the points' documents: a list question on a
topic no document covers.
"""

from __future__ import annotations

import functools
import re
import weakref
from dataclasses import dataclass

import numpy as np

from assistant.list_actors import for_actors, names_all
from assistant.list_sections import cached_sections, cue_sections, doc_sentences, listed_points
from assistant.points import (
    addressee_words,
    is_topic_naming,
    leans_other_way,
    states_point,
)
from assistant.records import Answer, Passage
from assistant.shapes import ACTORS, QuestionShape
from assistant.table_rows import table_row_starts
from index.bm25 import tokenize
from index.reader import IndexSnapshot
from index.store import StoredChunk


@dataclass(frozen=True)
class ListParams:
    """How list answers are gathered (chosen on the tuning half of benchmarks/lists.py)."""

    max_points: int = 10
    passages: int = 20
    """Passages retrieved for a list question (their documents' sections are read)."""
    focus_passages: int = 80
    """A document the question names is read whole when it has at most this many passages."""
    unheaded_factor: float = 2.0
    """When no heading names the aspect, the margin above is this many times wider."""
    loose_passages: int = 10
    """Top passages whose sentences may be points without an aspect heading."""
    passage_margin: float = 0.10
    """A top-passage sentence that does not name the aspect counts when its cosine is
    within this of the best such sentence."""
    min_cosine: float = 0.25
    """A list answer abstains when no point is this close to the question."""
    section_floor: float = -1.0
    """Section sentences less similar than this to the question are not points."""
    topic_share: float = 0.5
    """A point must hold at least this share of the best point's topic words."""
    min_coverage: float = 0.5
    """Share of the question's topic words (idf-weighted) the points' documents must hold."""
    duplicate_cosine: float = 0.92
    min_words: int = 5


#: Words of a list question that are about its form, not its topic.
_FORM_WORDS = set(tokenize(
    "what which how why who are is were was the of for to do does did should could can "
    "must might would will main key top biggest list name give summarise summarize "
    "outline describe tell me us there any some most more things points factors "
    "benefits benefit advantages advantage gains opportunities positives strengths "
    "challenges challenge barriers barrier risks risk problems problem difficulties "
    "obstacles drawbacks disadvantages pitfalls hurdles weaknesses threats concerns "
    "constraints limitations downsides issues recommendations recommend recommended "
    "suggestions suggest proposals propose advice advise actions lessons learn learned "
    "learnt steps ways tips measures options findings worked work well go went wrong face "
    "faced facing experience report reports guidance document documents say says said "
    "according make made take need needs needed help consider way step change changes "
    "improve do get know ask use avoid check prepare agree look think start stop keep put "
    "set run try meet find handle deal manage reduce increase support want become form "
    "threaten threatens watch wary careful guard struggle struggled achieve achieved "
    "achievements difference decide approve advised offer offers give gives teach "
    "differently next time ready wrong treat main key biggest"))

_ENUMERATOR = re.compile(
    r"^\W*(?:first(?:ly)?|second(?:ly)?|third(?:ly)?|fourth(?:ly)?|fifth(?:ly)?|sixth|"
    r"next|then|finally|lastly|also|another|in addition|additionally|moreover|further|"
    r"furthermore|a (?:second|third|further|final)|the (?:second|third|fourth|fifth|"
    r"last|final|other))\b", re.IGNORECASE)
#: A sentence leaning on the one before ("These savings...", "It took...") is not a point
#: on its own; an example or anecdote ranks below the claim it illustrates.
_ANAPHORIC = re.compile(r"^\W*(?:these|those|this|that|it|they|them|such|he|she|its|"
                        r"their|there)\b", re.IGNORECASE)
#: A sentence about the document itself ("Off the back of this report, ...") is not one of
#: the points it makes.
_SELF_REFERENCE = re.compile(r"\b(?:this|the present) (?:report|guidance|guide|review|"
                             r"document|chapter|section|paper|note|study)\b|"
                             r"\b(?:next|following|previous|preceding|last|later|earlier)\s+"
                             r"(?:two\s+|three\s+|few\s+)?(?:chapters?|sections?|pages?)\b",
                             re.IGNORECASE)
#: ... or points back to what came before with a demonstrative ("In small mutuals the
#: chief executive often did this work in the evenings.", "for this reason").
_DEMONSTRATIVE = re.compile(r"\b(?:this\s+(?P<one>[a-z]+)|(?:these|those)\s+(?P<many>[a-z]+s))\b",
                            re.IGNORECASE)
_NOT_BACK = {"year", "month", "week", "time", "way", "that", "who", "whose", "which", "is",
             "was", "has", "does", "means"}


def _points_back(text: str) -> bool:
    """A demonstrative whose noun the sentence has not named before it: "did this work",
    "for these steps" lean on an earlier sentence; "families with complex needs, so
    members that took on those families" does not."""
    for m in _DEMONSTRATIVE.finditer(text):
        noun = (m.group("one") or m.group("many")).lower()
        if noun in _NOT_BACK:
            continue
        stem = noun[:-1] if m.group("many") else noun
        if not re.search(rf"\b{re.escape(stem)}", text[: m.start()], re.IGNORECASE):
            return True
    return False


_BACK_REFERENCE = re.compile(r"\b(?:these|those|such|all of these|none of these) (?:gains|"
                             r"benefits|advantages|challenges|difficulties|problems|barriers|"
                             r"risks|recommendations|points|steps|lessons|issues)\b",
                             re.IGNORECASE)
#: ... or leans on it from inside: a pronoun subject early on ("In the most successful
#: partnerships these took place every month"), or a pronoun object at the end
#: ("Mutuals should plan for this.", "...redundancies without it.").
_DEPENDENT = re.compile(
    r"^\W*(?:[^\s,]+\s+){0,6}?(?:these|those|they|it)\s+(?:\w+ed|were|was|are|is|have|had|"
    r"took|made|did|do|does|can|could|will|would)\b|"
    r"\b(?:this|that|these|those)\W*$|^[^,]{0,90}\b(?:it|them)\W*$|\bof (?:these|those)\b|"
    r"^\W*(?:\S+\s+){1,3}them\b",
    re.IGNORECASE)
_EXAMPLE = re.compile(r"\b(?:for example|for instance|e\.g\.|in one case|in (?:two|three|"
                      r"some|several|many) cases|several said|interviewees)\b|"
                      r"^\W*one (?:mutual|consortium|partner|council|organisation|provider|"
                      r"interviewee)\b", re.IGNORECASE)

#: "... before signing a partnership agreement?", "... when a contract ends?"
_TIME_CLAUSE = re.compile(r"\b(?:before|after|when|once|until|while|during)\b[^,;?]*",
                          re.IGNORECASE)
_TIME_WORDS = re.compile(r"\b(?:before|after|when|once|until|while|during)\b", re.IGNORECASE)
#: Points for the other side of a question's time: "before" -> not "Once it is running".
_LATER = {"before": ("once", "after"), "until": ("once", "after"), "after": ("before",),
          "once": ("before",)}


def _leading_time(text: str) -> str:
    """The time word a sentence starts with ("Once a partnership is running, ...")."""
    m = re.match(r"^\W*(?:\d+(?:\.\d+)*\.?\s+)?(before|after|once|when|until|while|during)\b",
                 text, re.IGNORECASE)
    return m.group(1).lower() if m else ""

NO_POINTS = "no sentence states a point on this"


@dataclass
class Point:
    """A candidate bullet: sentence ``index`` of a chunk, with its scores."""

    sc: StoredChunk
    index: int
    row: int
    cosine: float
    in_section: bool
    order: tuple[int, int]  # (document rank, offset in the document)
    specific: bool = False  # holds a specific topic word of the question
    lead: bool = False  # leads its paragraph or is enumerated ("Second, ...")
    heading: float = 0.0  # cosine of the section's heading with the question
    worded: bool = False  # its section's heading names the aspect as the question does
    terms: frozenset[str] = frozenset()  # terms of the sentence, its title and headings
    times: frozenset[str] = frozenset()  # its time words ("before"), there or in headings

    @property
    def text(self) -> str:
        return self.sc.chunk.sentences[self.index].text

    @property
    def score(self) -> float:
        return (self.cosine + ((1.0 + 0.5 * self.heading) if self.in_section else 0.0)
                + (0.25 if self.worded else 0.0)
                + (0.5 if self.specific else 0.0) + (0.1 if self.lead else 0.0)
                - (0.3 if _EXAMPLE.search(self.text) else 0.0))


def _valid(text: str, params: ListParams, headings: frozenset[str] = frozenset(),
           fragment_ok: bool = False) -> bool:
    """Whether a sentence can be a bullet. ``fragment_ok``: in an aspect's own section a
    list item without a full stop ("share the cost of writing a bid") is a point too;
    elsewhere an unpunctuated short line is a heading or a table row."""
    words = text.strip().lstrip("•▪-*– ").split()
    if len(words) < params.min_words:
        return False
    if " ".join(words) in headings:
        return False
    if text.rstrip().endswith(":"):
        return False  # the lead-in to a list ("Working with partners can help you to:")
    if (not fragment_ok and not re.search(r"[.!?:;)]['\"’”]?\s*$", text.strip())
            and len(words) < 12):
        return False  # a heading or a table row, not a sentence
    return _stands_alone(text)


@functools.lru_cache(maxsize=16384)
def _stands_alone(text: str) -> bool:
    """Whether a sentence makes its point on its own: it leans on no other sentence and
    names no topic (the costly pattern searches; a document's sentences come back in
    question after question, so they are remembered by their text)."""
    if (_ANAPHORIC.search(text) or _SELF_REFERENCE.search(text)
            or _points_back(text)
            or _BACK_REFERENCE.search(text) or _DEPENDENT.search(text)):
        return False
    return not is_topic_naming(text)


@functools.lru_cache(maxsize=16384)
def _states(text: str, aspect: str | None) -> bool:
    """``states_point`` and not ``leans_other_way``, remembered by text and aspect."""
    return states_point(text, aspect) and not leans_other_way(text, aspect)


def _paragraph_lead(sc: StoredChunk, index: int) -> bool:
    """Whether sentence ``index`` starts a paragraph (or its chunk)."""
    c = sc.chunk
    pos = c.sentences[index].start - c.start
    if pos <= 0:
        return True
    gap = c.text[c.sentences[index - 1].end - c.start: pos] if index > 0 else c.text[:pos]
    return "\n" in gap


_ACTOR_TERMS = set(tokenize(" ".join(f for forms in ACTORS.values() for f in forms)))


def _specific_terms(snap: IndexSnapshot, question: str, share: float = 0.2) -> set[str]:
    """Topic words of the question found in at most ``share`` of the passages: the
    ones that pick out a part of the collection ("pilot", "data sharing")."""
    return _topic_terms(snap, question, share)


def _topic_terms(snap: IndexSnapshot, question: str, share: float) -> set[str]:
    """The question's topic words (not its form or actor words) found in at most
    ``share`` of the passages."""
    bm = snap.bm25
    n = len(bm.doc_len)
    out = set()
    for t in tokenize(question):
        tid = bm.vocab.get(t)
        if t in _FORM_WORDS or tid is None or t in _ACTOR_TERMS:
            continue
        if bm.indptr[tid + 1] - bm.indptr[tid] <= share * n:
            out.add(t)
    return out


def _named_terms(question: str) -> set[str]:
    """Terms of the names in a question: its capitalised words after the first
    ("Ashby Community Health", "Westmere"), which pick out the document it is about."""
    words = re.findall(r"(?<=\s)[A-Z][\w'-]*", " " + question.split(maxsplit=1)[-1]
                       if len(question.split()) > 1 else "")
    return set(tokenize(" ".join(words)))


def _idf(snap: IndexSnapshot, term: str) -> float:
    tid = snap.bm25.vocab.get(term)
    return float(snap.bm25.idf[tid]) if tid is not None else 0.0


_ROW_DOCS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _docs_holding(snap: IndexSnapshot, terms: set[str]) -> dict[str, set[str]]:
    """For each term, the documents with a passage holding it (from the BM25 postings)."""
    row_doc = _ROW_DOCS.get(snap)
    if row_doc is None:  # once per snapshot, in one query
        row_doc = _ROW_DOCS[snap] = snap.store.chunk_docs()
    bm = snap.bm25
    out: dict[str, set[str]] = {}
    for t in terms:
        tid = bm.vocab.get(t)
        rows = bm.doc_ids[bm.indptr[tid]:bm.indptr[tid + 1]] if tid is not None else []
        out[t] = {row_doc[int(r)] for r in rows if int(r) in row_doc}
    return out


def _topic_coverage(snap: IndexSnapshot, question: str, texts: list[str]) -> float:
    """Idf-weighted share of the question's topic words found in ``texts``; 0 when one
    of them (of four letters or more) appears in no passage at all ("dental", "tax")."""
    terms = [t for t in dict.fromkeys(tokenize(question)) if t not in _FORM_WORDS]
    if not terms:
        return 1.0
    bm = snap.bm25
    if any(t not in bm.vocab and len(t) >= 3 and t not in _ACTOR_TERMS for t in terms):
        return 0.0
    top_idf = float(bm.idf.max()) if len(bm.idf) else 1.0
    found = set()
    for t in texts:
        found.update(tokenize(t))
    total = covered = 0.0
    for t in terms:
        tid = bm.vocab.get(t)
        w = float(bm.idf[tid]) if tid is not None else top_idf
        total += w
        if t in found:
            covered += w
    return covered / total if total else 1.0


def gather_points(
    snap: IndexSnapshot,
    question: str,
    shape: QuestionShape,
    query_vec: np.ndarray,
    hits: list,  # noqa: ANN001 - assistant.retrieve.Hit, best first
    stored: dict[int, StoredChunk],
    top_k: int,
    params: ListParams,
) -> tuple[list[Point], int, str]:
    """The points to show, how many more were found, and a reason when there are none."""
    docs = snap.documents_by_id
    doc_rank: dict[str, int] = {}
    for h in hits:
        if h.score > 0 or not doc_rank:
            doc_rank.setdefault(stored[h.row].chunk.doc_id, len(doc_rank))
    # A question that names its document ("What risks does Northfield Youth Mutual
    # face?") is answered from that document: the retrieved documents holding most of
    # the names' words are kept, and all their passages may hold points.
    focus_rows: list[int] = []
    named = _named_terms(question) & _specific_terms(snap, question)
    if named and len(doc_rank) > 1:
        holders = _docs_holding(snap, named)
        weight = {d: sum(_idf(snap, t) for t in named if d in holders[t]) for d in doc_rank}
        top = max(weight.values())
        if top > 0 and min(weight.values()) < top:
            doc_rank = {d: i for i, d in enumerate(d for d in doc_rank if weight[d] == top)}
            for d in doc_rank:
                rows = snap.store.doc_chunk_rows(d)
                if len(rows) <= params.focus_passages:
                    focus_rows += rows

    # 1. Sections whose heading names the aspect, in the retrieved documents.
    spans: dict[str, list[tuple[int, int, list[str]]]] = {}
    # In each document, headings naming the aspect as the question words it ("Risks"),
    # else naming its family ("What went wrong" for challenges); the first rank higher.
    worded: set[str] = set()
    for doc_id in doc_rank:
        for word in dict.fromkeys([shape.aspect_word, None]):
            found = cached_sections(snap, docs[doc_id], shape.aspect, shape.actors, word)
            if found:
                spans[doc_id] = found
                if word is not None:
                    worded.add(doc_id)
                break
    # Where no heading names the aspect, sections that state its points all the same.
    for doc_id in doc_rank:
        if doc_id not in spans:
            found = cue_sections(docs[doc_id], doc_sentences(snap, doc_id), shape.aspect)
            if found:
                spans[doc_id] = found
    # Bulleted lists outside those sections that a sentence next to them names as points
    # of the aspect ("These advantages ..."): their items are points stated elsewhere,
    # taken together when one of them is.
    lists: dict[str, list[tuple[int, int]]] = {}
    list_terms: dict[tuple[str, int], frozenset[str]] = {}
    list_rows: list[int] = []
    for doc_id in doc_rank:
        sentences = doc_sentences(snap, doc_id)
        for start, end, naming in listed_points(sentences, shape.aspect):
            if any(s <= start < e for s, e, _ in spans.get(doc_id, ())):
                continue
            lists.setdefault(doc_id, []).append((start, end))
            # The items of a list share its topic: each holds the words of all of them.
            list_terms[(doc_id, start)] = frozenset(tokenize(" ".join(
                [naming, *(t for s, t, _ in sentences if start <= s < end)])))
            list_rows += snap.store.chunk_rows_between(doc_id, start, end)
    section_rows: list[int] = []
    for doc_id, found in spans.items():
        for start, end, _ in found:
            section_rows += snap.store.chunk_rows_between(doc_id, start, end)
    missing = [r for r in {*section_rows, *focus_rows, *list_rows} if r not in stored]
    if missing:
        stored = {**stored, **snap.store.chunks(missing)}

    # 2. Candidate sentences: section sentences, then the top passages' sentences.
    meta: list[tuple[StoredChunk, int, bool]] = []
    seen: set[tuple[str, int]] = set()

    def span_of(doc_id: str, offset: int) -> int | None:
        for s, e, _ in spans.get(doc_id, ()):
            if s <= offset < e:
                return s
        return None

    def in_span(doc_id: str, offset: int) -> bool:
        return span_of(doc_id, offset) is not None

    ordered = sorted(set(section_rows), key=lambda r: (stored[r].chunk.doc_id,
                                                        stored[r].chunk.ordinal))
    top_rows = [h.row for h in hits[: max(top_k, params.loose_passages)]]
    top_rows += [r for r in [*focus_rows, *list_rows] if r not in top_rows]
    rows_of_tables = table_row_starts(snap)  # a table row is never a point
    for row in [*ordered, *top_rows]:
        sc = stored[row]
        doc_id = sc.chunk.doc_id
        if doc_id not in doc_rank:
            continue
        for i, sent in enumerate(sc.chunk.sentences):
            key = (doc_id, sent.start)
            if key in seen or key in rows_of_tables:
                continue
            section = in_span(doc_id, sent.start)
            if row not in top_rows and not section:
                continue
            seen.add(key)
            meta.append((sc, i, section))
    if not meta:
        return [], 0, "no passages were found"

    rows = [sc.sentence_rows[i] for sc, i, _ in meta]
    from assistant.answer import sentence_vectors

    vecs = sentence_vectors(snap, rows)
    cos = (vecs @ np.asarray(query_vec, dtype=np.float32)).tolist()
    # Each section's heading is the sentence at its start: its cosine ranks the sections.
    heading_cos: dict[tuple[str, int], float] = {}
    for (sc, i, _), c in zip(meta, cos, strict=True):
        heading_cos.setdefault((sc.chunk.doc_id, sc.chunk.sentences[i].start), c)

    # 3. Points only: one lead sentence a paragraph in a section, plus enumerated ones.
    cands: list[tuple[Point, int]] = []

    def loose_point(text: str) -> bool:
        return _valid(text, params) and _states(text, shape.aspect)

    best_loose = max((c for (sc, i, sec), c in zip(meta, cos, strict=True)
                      if not sec and _valid(sc.chunk.sentences[i].text, params)),
                     default=-1.0)
    # A list the document names as points of the aspect is measured from the closest
    # sentence that states such a point (not from one that only introduces the topic:
    # "The theoretical rationale behind Mutuals is strong.").
    best_point = max((c for (sc, i, sec), c in zip(meta, cos, strict=True)
                      if not sec and loose_point(sc.chunk.sentences[i].text)),
                     default=-1.0)
    special = _specific_terms(snap, question)
    # With no heading naming the aspect, its points are wherever the passages state one.
    margin = params.passage_margin * (1.0 if spans else params.unheaded_factor)

    def list_of(doc_id: str, offset: int) -> tuple[str, int] | None:
        for s, e in lists.get(doc_id, ()):
            if s <= offset < e:
                return (doc_id, s)
        return None

    # A list whose items are points: one of them states a point close enough.
    lists_in: set[tuple[str, int]] = set()
    for (sc, i, sec), c in zip(meta, cos, strict=True):
        key = None if sec else list_of(sc.chunk.doc_id, sc.chunk.sentences[i].start)
        if key and loose_point(sc.chunk.sentences[i].text) and c >= best_point - margin:
            lists_in.add(key)
    need_lead: dict[str, bool] = {}
    heads_of: dict[str, frozenset[str]] = {}  # each document's heading titles
    for j, ((sc, i, section), c) in enumerate(zip(meta, cos, strict=True)):
        text = sc.chunk.sentences[i].text
        doc_id = sc.chunk.doc_id
        own_lead = section and _paragraph_lead(sc, i)
        if own_lead:
            need_lead[doc_id] = True
        if doc_id not in heads_of:
            heads_of[doc_id] = frozenset(" ".join(h.title.split())
                                         for h in docs[doc_id].headings)
        listed = None if section else list_of(doc_id, sc.chunk.sentences[i].start)
        if not _valid(text, params, heads_of[doc_id], fragment_ok=section or bool(listed)):
            continue
        where = " ".join([text, docs[doc_id].title, *docs[doc_id].section_at(
            sc.chunk.sentences[i].start)])
        start = span_of(doc_id, sc.chunk.sentences[i].start) if section else None
        terms = frozenset(tokenize(where)) | list_terms.get(listed, frozenset())
        specific = bool(special and special & terms)
        if section:
            lead = need_lead.get(doc_id, False)
            # A paragraph whose first sentence was no point (an introduction) passes its
            # lead to the first of the next sentences that states one ("This chapter
            # describes the benefits... Most of the mutuals we interviewed had been in a
            # partnership for three years. Partnerships gave mutuals access to ...").
            if lead and not own_lead and not states_point(text, shape.aspect):
                lead = False
            else:
                need_lead[doc_id] = False
            if c < params.section_floor:
                continue
            enumerated = lead or bool(_ENUMERATOR.search(text))
        elif listed in lists_in:
            enumerated = False
        else:
            enumerated = False
            # A sentence on the question's own specific topic may be further from it.
            if not (_states(text, shape.aspect)
                    and c >= best_loose - margin * (2.0 if specific else 1.0)):
                continue
        if (shape.actors and shape.aspect in ("recommendations", "steps", None)
                and not for_actors(snap, sc, i, shape.actors,
                                   ways=shape.aspect == "steps")):
            continue
        cands.append((Point(sc, i, rows[j], c, section,
                            (doc_rank[doc_id], sc.chunk.sentences[i].start),
                            specific, enumerated,
                            heading_cos.get((doc_id, start), 0.0) if start is not None
                            else 0.0, section and doc_id in worded, terms,
                            frozenset(w.lower() for w in _TIME_WORDS.findall(where))), j))
    if not cands:
        return [], 0, NO_POINTS
    # A question naming one actor more closely ("the consortium board", "NHS
    # commissioners") keeps the documents that address it in those words, if any do.
    if shape.actors and shape.actor_words:
        words = [w for w in re.findall(r"[\w'-]+", shape.actor_words)
                 if w not in ("and", "or", "of", "for", "the", "themselves", "itself")]
        if len(words) >= 2:
            close = {p.sc.chunk.doc_id for p, _ in cands
                     if names_all(words, " ".join([addressee_words(p.text), *docs[
                         p.sc.chunk.doc_id].section_at(p.sc.chunk.sentences[p.index].start)]))}
            if close:
                cands = [(p, j) for p, j in cands if p.sc.chunk.doc_id in close]
    # A topic word found in some of the candidates' documents but not all picks out the
    # document the question is about ("What advice does Ashby Community Health give?"):
    # the points of the documents holding most of such words (by idf) are kept.
    named: set[str] = set()
    if special:
        cand_docs = {p.sc.chunk.doc_id for p, _ in cands}
        holders = _docs_holding(snap, special)
        named = _named_terms(question)
        picking = {t for t in special & named
                   if 0 < len(holders[t] & cand_docs) < len(cand_docs)}
        if picking:
            weight = {d: sum(_idf(snap, t) for t in picking if d in holders[t])
                      for d in cand_docs}
            top = max(weight.values())
            cands = [(p, j) for p, j in cands if weight[p.sc.chunk.doc_id] == top]
            special = special - picking
            for p, _ in cands:
                p.specific = bool(special & p.terms)
    # The question's own topic words (beyond its aspect, and not common to the whole
    # collection) narrow the points: "recommend about data sharing agreements" keeps the
    # recommendations on data sharing. Each point's share of those words (by idf, in its
    # sentence, section headings and title) is compared with the best point's.
    # A clause saying when ("before signing a partnership agreement") is met by a point
    # stated for that time ("Before entering a partnership, ...") as much as by one
    # holding the clause's words; a point for another time ("Once a partnership is
    # running, ...") is not one.
    topic = _topic_terms(snap, question, share=0.5) - (named if special else set())
    clause = _TIME_CLAUSE.search(question)
    when = clause.group(0).split()[0].lower() if clause else ""
    if when:
        cands = [(p, j) for p, j in cands
                 if _leading_time(p.text) not in _LATER.get(when, ())]
    if topic:
        weights = {t: _idf(snap, t) for t in topic}
        in_clause = set(tokenize(clause.group(0))) if clause else set()
        total = sum(weights.values()) or 1.0

        def share(p: Point) -> float:
            held = sum(w for t, w in weights.items() if t in p.terms)
            if when in p.times:  # the time word stands for the clause's words
                held = max(held, sum(w for t, w in weights.items()
                                     if t in in_clause or t in p.terms))
            return held / total

        cover = {id(p): share(p) for p, _ in cands}
        best = max(cover.values())
        if best > 0:
            cands = [(p, j) for p, j in cands if cover[id(p)] >= params.topic_share * best]
            for p, _ in cands:
                p.specific = cover[id(p)] >= best
    if max(p.cosine for p, _ in cands) < params.min_cosine:
        return [], 0, "no passage is close enough to the question"
    context = ([p.sc.chunk.text for p, _ in cands] + [stored[h.row].chunk.text for h in hits]
               + [docs[p.sc.chunk.doc_id].title for p, _ in cands])
    if _topic_coverage(snap, question, context) < params.min_coverage:
        return [], 0, "the documents do not cover this topic"

    # 4. Near-duplicates merged (the stronger kept), the strongest shown.
    cands.sort(key=lambda pj: -pj[0].score)
    kept: list[Point] = []
    kept_vecs: list[np.ndarray] = []
    for p, j in cands:
        v = vecs[j]
        if any(float(v @ u) >= params.duplicate_cosine for u in kept_vecs):
            continue
        kept.append(p)
        kept_vecs.append(v)
    # Every document with points gets its best one shown before a document's weaker
    # points fill the rest: a list answer keeps points from several documents.
    best_of: dict[str, Point] = {}
    for p in kept:
        best_of.setdefault(p.sc.chunk.doc_id, p)
    first = list(best_of.values())[: params.max_points]
    shown = first + [p for p in kept if p not in first][: params.max_points - len(first)]
    shown.sort(key=lambda p: p.order)
    return shown, len(kept) - len(shown), ""


def compose_list(
    snap: IndexSnapshot,
    question: str,
    shape: QuestionShape,
    query_vec: np.ndarray,
    hits: list,  # noqa: ANN001 - assistant.retrieve.Hit, best first
    stored: dict[int, StoredChunk],
    passages: list[Passage],
    top_k: int,
    params: ListParams,
) -> Answer:
    """The bulleted, cited answer to a list question (or the abstention)."""
    from assistant.answer import cite

    answer = Answer(question=question, passages=passages, shape="list")
    points, more, reason = gather_points(snap, question, shape, query_vec, hits, stored,
                                         top_k, params)
    if not points:
        answer.abstained = True
        answer.reason = reason
        return answer
    answer.confidence = max(p.cosine for p in points)
    for p in points:
        cite(answer, snap, p.sc, p.index, p.score, merge=False)
    answer.more = more
    return answer
