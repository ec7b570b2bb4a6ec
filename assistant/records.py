"""Records of the application: passages, citations, answers (JSON-serialisable)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import ClassVar


@dataclass
class Passage:
    """A chunk retrieved for one question."""

    rank: int
    chunk_id: str
    doc_id: str
    title: str
    source: str
    url: str | None
    page_start: int
    page_end: int
    pages_label: str
    section: list[str]
    score: float
    text: str
    start: int = 0
    end: int = 0
    dense: float | None = None
    bm25: float | None = None
    paged: bool = True
    source_name: str = ""
    """A local file's path inside the folder it was added from (see assistant.citations)."""

    @property
    def pages(self) -> list[int] | None:
        return [self.page_start, self.page_end] if self.paged else None

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)

    @property
    def where(self) -> str:
        """"p. 3 · Section", or "web page" (a file's name for a local file)."""
        from assistant.citations import where_label

        return where_label(self.pages_label, self.section, self.url,
                           self.source_name or self.source)

    def as_json(self) -> dict:
        return {
            "rank": self.rank, "chunk_id": self.chunk_id, "doc_id": self.doc_id,
            "title": self.title, "source": self.url or self.source_name or self.source,
            "pages": self.pages, "section": self.section_path,
            "relevance": round(max(0.0, self.dense), 3) if self.dense is not None else None,
            "fused_score": round(self.score, 6) if math.isfinite(self.score) else None,
            "text": self.text,
        }


@dataclass
class Citation:
    """Where an answer sentence comes from, with the exact quote."""

    n: int
    doc_id: str
    chunk_id: str
    title: str
    source: str
    url: str | None
    page_start: int
    page_end: int
    pages_label: str
    section: list[str]
    quote: str
    published: str | None = None
    publisher: str | None = None
    licence: str | None = None
    paged: bool = True
    source_name: str = ""
    """A local file's path inside the folder it was added from (see assistant.citations)."""

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)

    @property
    def pages(self) -> list[int] | None:
        return [self.page_start, self.page_end] if self.paged else None

    def as_json(self) -> dict:
        return {
            "n": self.n, "doc_id": self.doc_id, "title": self.title,
            "publisher": self.publisher, "published": self.published,
            "pages": self.pages, "pages_label": self.pages_label or None,
            "section": self.section_path,
            "source": self.url or self.source_name or self.source, "url": self.url,
            "licence": self.licence, "quote": self.quote,
        }

    def label(self) -> str:
        """"Title, p. 3, Section" as shown after an answer."""
        from assistant.citations import short_label

        return short_label(self)

    def fields(self) -> list[tuple[str, str]]:
        """Every known part of the citation, labelled, in the one order."""
        from assistant.citations import fields

        return fields(self, publisher=self.publisher, published=self.published,
                      licence=self.licence, source_name=self.source_name)


@dataclass
class AnswerSentence:
    text: str
    citation: int
    score: float


@dataclass
class CatalogueRecord:
    """A document's catalogue entry (from its manifest), shown as a labelled record.

    The answer to a question about a document itself ("Who published the report?"):
    never dressed up as a quoted sentence.
    """

    LABEL: ClassVar[str] = "Catalogue record (from the document's manifest, not its text)"
    """How a record is introduced wherever it is shown (app, command line, excerpts)."""

    doc_id: str
    title: str
    publisher: str | None = None
    published: str | None = None
    licence: str | None = None
    url: str | None = None
    source: str = ""

    def fields(self) -> list[tuple[str, str]]:
        """(label, value) pairs of the fields the record has, in display order."""
        pairs = [("Title", self.title), ("Publisher", self.publisher),
                 ("Published", self.published), ("Licence", self.licence),
                 ("URL", self.url or self.source)]
        return [(k, v) for k, v in pairs if v]

    def as_json(self) -> dict:
        return {"doc_id": self.doc_id, "title": self.title, "publisher": self.publisher,
                "published": self.published, "licence": self.licence,
                "url": self.url, "source": self.source}


@dataclass
class Answer:
    """A cited extractive answer, or an abstention with the closest passages."""

    question: str
    sentences: list[AnswerSentence] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    abstained: bool = False
    reason: str = ""
    confidence: float | None = None
    """The best candidate's evidence score, what ``abstain_below`` is compared with. For a
    fact answer it is not a plain cosine: it is a sentence's cosine with the question's
    residual, the question vector minus ``abstain_topic_weight`` times the mean vector of
    the top passages (see ``assistant/answer.py``); for a list answer, the best point's
    cosine with the question. None when there was no candidate."""
    similarity: float | None = None
    """Plain cosine of the best candidate sentence with the question."""
    shape: str = "fact"
    """"list" (every point the documents make), "fact" (one kind of fact) or "record"
    (a question about a document itself, answered by its catalogue record)."""
    resolved_question: str | None = None
    """The question actually answered when a follow-up was resolved against the previous
    one ("And the risks?" -> "What are the risks of partnerships for mutuals?")."""
    records: list[CatalogueRecord] = field(default_factory=list)
    """Catalogue records answering a question about a document (shape "record")."""
    more: int = 0
    """List answers: points found but not shown (the sources hold them)."""
    note: str = ""
    """A one-line hint for the user (e.g. what is indexed, when abstaining)."""

    NOT_FOUND = "The indexed documents do not answer this question."

    @property
    def text(self) -> str:
        if self.abstained:
            return self.NOT_FOUND
        if self.shape == "record":
            return "\n".join(
                f"{r.LABEL}: {'; '.join(f'{k}: {v}' for k, v in r.fields())}"
                for r in self.records)
        if self.shape == "list":
            lines = [f"- {s.text} [{s.citation}]" for s in self.sentences]
            if self.more:
                lines.append(f"(and {self.more} more in the sources)")
            return "\n".join(lines)
        return " ".join(f"{s.text} [{s.citation}]" for s in self.sentences)

    def as_json(self) -> dict:
        out = {
            "question": self.question,
            "shape": self.shape,
            "abstained": self.abstained,
            "answer": self.text,
            "citations": [c.as_json() for c in self.citations],
            "passages": [p.as_json() for p in self.passages],
        }
        if self.resolved_question:
            out["resolved_question"] = self.resolved_question
        if self.shape == "list":
            out["points"] = [{"text": s.text, "citation": s.citation} for s in self.sentences]
            out["more"] = self.more
        if self.records:
            out["records"] = [r.as_json() for r in self.records]
        if self.note:
            out["note"] = self.note
        return out
