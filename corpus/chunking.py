"""Structure-aware chunking.

Chunks never cross documents, break at section boundaries, hold whole sentences, and
are sized for a small sentence-transformer (about 200-300 word-piece tokens) with a
sentence of overlap. Every chunk and sentence is a verbatim slice of the document's
clean text, so quotes can always be checked against the source.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator
from dataclasses import dataclass

from corpus.records import Chunk, Document, Heading, Sentence

#: Bump when loading, cleaning or chunking code changes what text or sentences come out:
#: the next ``assistant index`` then re-cuts every file (the embedding cache keeps
#: unchanged text free), instead of keeping sentences cut by the old code.
#: 4: tables as rows that name their columns (issue 14).
TEXT_VERSION = 4


@dataclass(frozen=True)
class ChunkingParams:
    """How documents are cut into chunks.

    Attributes:
        max_tokens: upper bound of estimated word-piece tokens per chunk.
        overlap_tokens: at most this many tokens of trailing sentences repeat at the
            start of the next chunk of the same section.
        min_tokens: a section smaller than this is merged with the following one when
            the two fit together.
    """

    max_tokens: int = 230
    overlap_tokens: int = 40
    min_tokens: int = 40

    def as_dict(self) -> dict[str, int]:
        return {
            "text_version": TEXT_VERSION,
            "max_tokens": self.max_tokens,
            "overlap_tokens": self.overlap_tokens,
            "min_tokens": self.min_tokens,
        }


_TOKEN = re.compile(r"\w+|[^\w\s]")
_ABBREVIATIONS = {
    "e.g", "i.e", "etc", "mr", "mrs", "ms", "dr", "prof", "no", "vs", "cf", "fig", "st",
    "inc", "ltd", "co", "al", "approx", "para", "paras", "p", "pp", "vol", "ed", "eds",
}
# A candidate sentence end: terminal punctuation, optional closing quote/bracket, space.
_SENT_END = re.compile(r"[.!?…][\"'”’)\]]*\s+")
_PARA_BREAK = re.compile(r"\n\s*\n")
_BULLET_MARK = re.compile(r"\s*[•▪◦‣*–-]\s+")
_BULLET = re.compile(r"\n(?=\s*(?:[•▪◦‣\-*–]|\d+[.)])\s)")


def estimate_tokens(text: str) -> int:
    """Estimate word-piece tokens: words and punctuation, plus a share for long words."""
    n = 0
    for m in _TOKEN.finditer(text):
        n += 1 + max(0, len(m.group()) - 6) // 4
    return n


def _trimmed(text: str, start: int, end: int) -> tuple[int, int] | None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return (start, end) if start < end else None


def _paragraph_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Paragraphs in text[start:end]; a paragraph cut mid-sentence by a page break is rejoined."""
    spans: list[tuple[int, int]] = []
    pos = start
    for m in _PARA_BREAK.finditer(text, start, end):
        span = _trimmed(text, pos, m.start())
        if span:
            spans.append(span)
        pos = m.end()
    span = _trimmed(text, pos, end)
    if span:
        spans.append(span)
    merged: list[tuple[int, int]] = []
    for span in spans:
        if merged:
            prev_s, prev_e = merged[-1]
            last = text[prev_e - 1]
            first = text[span[0]]
            if (last.isalpha() or last in ",-–") and first.islower():
                merged[-1] = (prev_s, span[1])
                continue
        merged.append(span)
    return merged


def _is_sentence_end(text: str, punct_pos: int) -> bool:
    if text[punct_pos] != ".":
        return True
    word_start = punct_pos
    while word_start > 0 and (text[word_start - 1].isalnum() or text[word_start - 1] == "."):
        word_start -= 1
    word = text[word_start:punct_pos].lower()
    if word in _ABBREVIATIONS:
        return False
    line_start = word_start == 0 or text[word_start - 1] == "\n"
    if line_start and word.replace(".", "").isdigit() and len(word) <= 6:
        return False  # a numbered heading or list item: "2. Governance", "3.1. Scale"
    if len(word) == 1 and word.isalpha():  # initials: "J. Smith"
        return False
    return True


def split_sentences(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Sentence spans (absolute offsets) in text[start:end].

    Paragraphs, list items and lines that look like headings are separate sentences.
    """
    end = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    for p_start, p_end in _paragraph_spans(text, start, end):
        # List items on their own lines are sentences of their own.
        pieces, pos = [], p_start
        for m in _BULLET.finditer(text, p_start, p_end):
            pieces.append((pos, m.start()))
            pos = m.end()
        pieces.append((pos, p_end))
        for s, e in pieces:
            if m := _BULLET_MARK.match(text, s, e):
                s = m.end()  # the bullet glyph is layout, not part of the sentence
            seg_start = s
            for m in _SENT_END.finditer(text, s, e):
                if m.end() >= e or not _is_sentence_end(text, m.start()):
                    continue
                nxt = text[m.end()] if m.end() < len(text) else ""
                if nxt and nxt.islower():
                    continue
                span = _trimmed(text, seg_start, m.end())
                if span:
                    out.append(span)
                seg_start = m.end()
            span = _trimmed(text, seg_start, e)
            if span:
                out.append(span)
    return out


def _split_long(text: str, span: tuple[int, int], max_tokens: int) -> list[tuple[int, int]]:
    """Cut a sentence longer than ``max_tokens`` at word boundaries."""
    s, e = span
    if estimate_tokens(text[s:e]) <= max_tokens:
        return [span]
    out, piece_start, count = [], s, 0
    for m in re.finditer(r"\S+", text[s:e]):
        count += estimate_tokens(m.group())
        if count > max_tokens and s + m.start() > piece_start:
            trimmed = _trimmed(text, piece_start, s + m.start())
            if trimmed:
                out.append(trimmed)
            piece_start, count = s + m.start(), estimate_tokens(m.group())
    trimmed = _trimmed(text, piece_start, e)
    if trimmed:
        out.append(trimmed)
    return out


def section_paths(headings: list[Heading]) -> tuple[list[int], list[list[str]]]:
    """Offsets where the section path changes and the path from each offset on.

    A heading with an ``end`` (a table's caption) leaves the path at its end.
    """
    events: list[tuple[int, int, Heading]] = []  # (offset, 0 close / 1 open, heading)
    for h in headings:
        events.append((h.offset, 1, h))
        if h.end is not None and h.end > h.offset:
            events.append((h.end, 0, h))
    events.sort(key=lambda e: (e[0], e[1]))
    offsets: list[int] = []
    paths: list[list[str]] = []
    stack: list[Heading] = []
    for offset, opens, h in events:
        if opens:
            while stack and stack[-1].level >= h.level:
                stack.pop()
            stack.append(h)
        elif any(x is h for x in stack):
            stack = [x for x in stack if x is not h]
        else:
            continue  # closed already by a heading at its level
        path = [x.title for x in stack]
        if offsets and offsets[-1] == offset:
            paths[-1] = path
        else:
            offsets.append(offset)
            paths.append(path)
    return offsets, paths


def section_at(headings: list[Heading], title: str, offset: int) -> list[str]:
    """The heading path in force at ``offset``, without a leading document title."""
    offsets, paths = section_paths(headings)
    i = bisect.bisect_right(offsets, offset) - 1
    path = paths[i] if i >= 0 else []
    if path and path[0].strip() == title.strip():
        path = path[1:]  # the document title is already in every citation
    return path


def _segments(doc: Document, text: str) -> Iterator[tuple[int, int, list[str]]]:
    """Sections of the text and their heading paths. A table's caption (a heading with an
    end) does not start a section: its rows stay in the chunks of the section around it,
    each row a sentence that the caption covers (``Document.section_at``)."""
    offsets, _ = section_paths([h for h in doc.headings if h.end is None])
    bounds = [0] + [o for o in offsets if 0 < o < len(text)] + [len(text)]
    bounds = sorted(set(bounds))
    for a, b in zip(bounds, bounds[1:], strict=False):
        yield a, b, section_at([h for h in doc.headings if h.end is None], doc.title, a)


def _units(doc: Document) -> list[tuple[int, int]]:
    """Spans that are one sentence whatever their punctuation: table captions and rows."""
    spans = []
    for t in doc.tables:
        if t.caption and t.rows and t.start < t.rows[0].start:
            spans.append((t.start, t.start + len(t.caption)))
        spans.extend((r.start, r.end) for r in t.rows)
    return sorted(spans)


def _sentences(text: str, a: int, b: int, units: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sentences of text[a:b]: table units as they are, the rest split as prose."""
    i = bisect.bisect_left(units, (a, a))
    out: list[tuple[int, int]] = []
    pos = a
    while i < len(units) and units[i][0] < b:
        s, e = units[i]
        if s >= pos:
            out.extend(split_sentences(text, pos, s))
            out.append((s, min(e, b)))
            pos = min(e, b)
        i += 1
    out.extend(split_sentences(text, pos, b))
    return out


def chunk_document(doc: Document, params: ChunkingParams | None = None) -> list[Chunk]:
    """Cut one document into chunks; see the module docstring for the rules."""
    params = params or ChunkingParams()
    text = doc.text
    page_starts = doc.page_starts()
    units = _units(doc)

    # 1. sentences per section, 2. merge tiny sections forward.
    sections: list[tuple[list[str], list[tuple[int, int]]]] = []
    titles = {h.offset: h.title.strip() for h in doc.headings}
    for a, b, path in _segments(doc, text):
        sents: list[tuple[int, int]] = []
        for span in _heading_apart(text, _sentences(text, a, b, units), titles.get(a)):
            sents.extend(_split_long(text, span, params.max_tokens))
        if not sents:
            continue
        if sections:
            prev_path, prev_sents = sections[-1]
            prev_tokens = estimate_tokens(text[prev_sents[0][0] : prev_sents[-1][1]])
            tokens = estimate_tokens(text[sents[0][0] : sents[-1][1]])
            if prev_tokens < params.min_tokens and prev_tokens + tokens <= params.max_tokens:
                sections[-1] = (prev_path, prev_sents + sents)
                continue
        sections.append((path, sents))

    chunks: list[Chunk] = []
    for path, sents in sections:
        for group in _group(text, sents, params):
            start, end = group[0][0], group[-1][1]
            chunk_text = text[start:end]
            ordinal = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=f"{doc.doc_id}:{ordinal}",
                    doc_id=doc.doc_id,
                    ordinal=ordinal,
                    text=chunk_text,
                    page_start=doc.pages[bisect.bisect_right(page_starts, start) - 1].number,
                    page_end=doc.pages[bisect.bisect_right(page_starts, end - 1) - 1].number,
                    section=list(path),
                    start=start,
                    end=end,
                    sentences=[Sentence(text[s:e], s, e) for s, e in group],
                )
            )
    return chunks


def _heading_apart(
    text: str, spans: list[tuple[int, int]], title: str | None
) -> list[tuple[int, int]]:
    """A section's heading, when glued to its first sentence by a line break, on its own."""
    if not spans or not title:
        return spans
    s, e = spans[0]
    cut = s + len(title)
    if text[s:cut] == title and cut < e and text[cut] == "\n":
        rest = _trimmed(text, cut, e)
        return [(s, cut)] + ([rest] if rest else []) + spans[1:]
    return spans


def _group(
    text: str, sents: list[tuple[int, int]], params: ChunkingParams
) -> Iterator[list[tuple[int, int]]]:
    """Greedy sentence packing with a trailing-sentence overlap."""
    sizes = [estimate_tokens(text[s:e]) for s, e in sents]
    i = 0
    while i < len(sents):
        j, total = i, 0
        while j < len(sents) and (j == i or total + sizes[j] <= params.max_tokens):
            total += sizes[j]
            j += 1
        yield sents[i:j]
        if j >= len(sents):
            return
        # Step back over trailing sentences that fit in the overlap budget.
        back, k = 0, j
        while k - 1 > i and back + sizes[k - 1] <= params.overlap_tokens:
            back += sizes[k - 1]
            k -= 1
        i = k
