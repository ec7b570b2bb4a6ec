"""Excerpts for advisers: cited quotes collected from answers and passages.

An answer becomes one excerpt per citation: for a list answer, one per bullet (each
bullet is one cited sentence). A catalogue-record answer ("Who published the report?")
becomes one excerpt holding the record itself: it quotes nothing.

``to_markdown`` writes them as a briefing-ready Markdown file: each quote as a
blockquote, followed by its title, page(s), section, source URL, published date and
licence; a catalogue record as a labelled list of its fields, never as a blockquote.
Quotes are document text, so every character that Markdown would otherwise treat as
formatting (``*``, ``_``, ``[``, ``<``, a leading ``#`` ...) is backslash-escaped: the
rendered file shows the words exactly as the document has them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from assistant.records import Answer, CatalogueRecord, Citation, Passage

NO_LICENCE = "Licence: not stated in the document's metadata"

# Characters that can start inline formatting anywhere in a line.
_INLINE_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
# "&" only where it would start an HTML entity such as "&amp;" or "&#42;".
_ENTITY = re.compile(r"&(?=#?\w+;)")
# Things that only mean something at the start of a line.
_BLOCK_START = re.compile(r"^(\s*)([#>+\-=])")
_ORDERED_ITEM = re.compile(r"^(\s*\d+)([.)])")
_URL_OK = re.compile(r"^https?://[^\s<>]+$")


def escape_markdown(text: str) -> str:
    """``text`` with Markdown-special characters escaped, line by line.

    The result renders as the literal text (no emphasis, links, HTML, headings or
    lists appear) and stays readable as plain text.
    """
    out = []
    for line in text.splitlines():
        line = _INLINE_SPECIAL.sub(r"\\\1", line)
        line = _BLOCK_START.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        line = _ORDERED_ITEM.sub(lambda m: m.group(1) + "\\" + m.group(2), line)
        line = _ENTITY.sub(r"\\&", line)
        out.append(line)
    return "\n".join(out)


@dataclass
class Excerpt:
    """One quote with everything an adviser needs to cite it."""

    quote: str
    title: str
    source: str
    url: str | None = None
    pages_label: str = ""
    section: list[str] = field(default_factory=list)
    published: str | None = None
    licence: str | None = None
    chunk_id: str | None = None
    question: str | None = None
    publisher: str | None = None
    source_name: str = ""
    """A local file's path inside the folder it was added from."""
    record: CatalogueRecord | None = None
    """Set for a catalogue record (a document's manifest entry): ``quote`` is then empty."""

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)

    @property
    def key(self) -> tuple[str, str]:
        """Identity for de-duplication: the same words quoted from the same document (from
        whichever of two overlapping passages), the same record."""
        if self.record is not None:
            return (f"record:{self.record.doc_id}", "")
        return (self.url or self.source, " ".join(self.quote.split()))

    @property
    def text(self) -> str:
        """What the excerpt shows: the quote, or the record's fields on one line."""
        if self.record is None:
            return self.quote
        fields = "; ".join(f"{k}: {v}" for k, v in self.record.fields())
        return f"{self.record.LABEL}. {fields}"

    @classmethod
    def from_citation(cls, c: Citation, question: str | None = None) -> Excerpt:
        """The quoted sentences of one citation of an answer."""
        return cls(
            quote=c.quote, title=c.title, source=c.source, url=c.url,
            pages_label=c.pages_label, section=list(c.section), published=c.published,
            licence=c.licence, chunk_id=c.chunk_id, question=question,
            publisher=c.publisher, source_name=c.source_name,
        )

    @classmethod
    def from_passage(
        cls,
        p: Passage,
        *,
        published: str | None = None,
        licence: str | None = None,
        question: str | None = None,
        publisher: str | None = None,
    ) -> Excerpt:
        """A whole retrieved passage (its document's publisher, date and licence passed in)."""
        return cls(
            quote=p.text, title=p.title, source=p.source, url=p.url,
            pages_label=p.pages_label, section=list(p.section), published=published,
            licence=licence, chunk_id=p.chunk_id, question=question,
            publisher=publisher, source_name=p.source_name,
        )

    @classmethod
    def from_record(cls, r: CatalogueRecord, question: str | None = None) -> Excerpt:
        """A document's catalogue record: labelled fields, no quote."""
        return cls(quote="", title=r.title, source=r.source, url=r.url,
                   published=r.published, licence=r.licence, question=question, record=r)

    def as_json(self) -> dict:
        out = {
            "quote": self.quote, "title": self.title, "publisher": self.publisher,
            "published": self.published, "pages": self.pages_label,
            "section": self.section_path,
            "source": self.url or self.source_name or self.source, "licence": self.licence,
            "chunk_id": self.chunk_id, "question": self.question,
        }
        if self.record is not None:
            out["record"] = self.record.as_json()
        return out


def from_answer(answer: Answer) -> list[Excerpt]:
    """An answer as excerpts: one per citation, in the order of the sentences it cites.

    A list answer gives one excerpt per bullet (each bullet has its own citation and
    quote); a catalogue-record answer one excerpt per record.
    """
    if answer.abstained:
        return []
    question = answer.resolved_question or answer.question  # "And the risks?" says little
    if answer.shape == "record":
        return [Excerpt.from_record(r, question=question) for r in answer.records]
    by_n = {c.n: c for c in answer.citations}
    order = list(dict.fromkeys(s.citation for s in answer.sentences if s.citation in by_n))
    order += [c.n for c in answer.citations if c.n not in order]
    return [Excerpt.from_citation(by_n[n], question=question) for n in order]


def add_unique(excerpts: list[Excerpt], new: Iterable[Excerpt]) -> int:
    """Append the excerpts of ``new`` not already in ``excerpts``; return how many."""
    seen = {e.key for e in excerpts}
    added = 0
    for e in new:
        if e.key not in seen:
            excerpts.append(e)
            seen.add(e.key)
            added += 1
    return added


def _link(url: str) -> str:
    return f"<{url}>" if _URL_OK.match(url) else escape_markdown(url)


def _blockquote(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text.strip())]
    lines = []
    for i, para in enumerate(p for p in paragraphs if p):
        if i:
            lines.append(">")
        lines.append("> " + escape_markdown(para))
    return "\n".join(lines)


def _record_markdown(r: CatalogueRecord) -> str:
    """A catalogue record: its label, then one list item per field (never a quote)."""
    lines = [f"{r.LABEL}:", ""]
    for label, value in r.fields():
        shown = _link(value) if label == "URL" and _URL_OK.match(value) else escape_markdown(value)
        lines.append(f"- {label}: {shown}")
    if not r.licence:
        lines.append(f"- {NO_LICENCE}")
    return "\n".join(lines)


def excerpt_markdown(e: Excerpt, number: int | None = None) -> str:
    """One excerpt: the blockquote, then its citation lines; or a labelled record."""
    parts = []
    heading = escape_markdown(e.title) or "Untitled document"
    parts.append(f"### {number}. {heading}" if number is not None else f"### {heading}")
    if e.question:
        parts.append(f"Question: {escape_markdown(e.question)}")
    if e.record is not None:
        parts.append(_record_markdown(e.record))
        return "\n\n".join(parts)
    parts.append(_blockquote(e.quote))
    # The citation's parts in the one order (assistant/citations.py): title, publisher,
    # published, pages, section, source, licence.
    meta = [f"- Title: {escape_markdown(e.title)}"]
    if e.publisher:
        meta.append(f"- Publisher: {escape_markdown(e.publisher)}")
    meta.append(f"- Published: {escape_markdown(e.published) if e.published else 'not stated'}")
    if e.pages_label:
        meta.append(f"- Page(s): {escape_markdown(e.pages_label)}")
    if e.section:
        meta.append(f"- Section: {escape_markdown(e.section_path)}")
    source = e.source_name or e.source
    meta.append(f"- Source: {_link(e.url) if e.url else escape_markdown(source)}")
    meta.append(f"- Licence: {escape_markdown(e.licence)}" if e.licence else f"- {NO_LICENCE}")
    parts.append("\n".join(meta))
    return "\n\n".join(parts)


def to_markdown(excerpts: Sequence[Excerpt], title: str = "Excerpts") -> str:
    """All ``excerpts`` as one Markdown document (ends with a newline)."""
    blocks = [f"# {escape_markdown(title)}"]
    if not excerpts:
        blocks.append("No excerpts.")
    blocks.extend(excerpt_markdown(e, i) for i, e in enumerate(excerpts, start=1))
    return "\n\n".join(blocks) + "\n"
