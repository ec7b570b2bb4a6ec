"""Records of the application: passages, citations, answers (JSON-serialisable)."""

from __future__ import annotations

from dataclasses import dataclass, field


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

    @property
    def pages(self) -> list[int] | None:
        return [self.page_start, self.page_end] if self.paged else None

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)

    def as_json(self) -> dict:
        return {
            "rank": self.rank, "chunk_id": self.chunk_id, "doc_id": self.doc_id,
            "title": self.title, "source": self.url or self.source, "pages": self.pages,
            "section": self.section_path, "score": round(self.score, 6), "text": self.text,
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

    @property
    def section_path(self) -> str:
        return " › ".join(self.section)

    @property
    def pages(self) -> list[int] | None:
        return [self.page_start, self.page_end] if self.paged else None

    def as_json(self) -> dict:
        return {
            "n": self.n, "doc_id": self.doc_id, "title": self.title,
            "source": self.url or self.source, "pages": self.pages,
            "section": self.section_path, "quote": self.quote,
        }

    def label(self) -> str:
        """"Title, p. 3, Section" as shown after an answer."""
        parts = [self.title]
        if self.pages_label:
            parts.append(self.pages_label)
        if self.section:
            parts.append(self.section_path)
        return ", ".join(parts)


@dataclass
class AnswerSentence:
    text: str
    citation: int
    score: float


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
    """Cosine of the best candidate sentence: what the abstention threshold is compared with."""

    NOT_FOUND = "The indexed documents do not answer this question."

    @property
    def text(self) -> str:
        if self.abstained:
            return self.NOT_FOUND
        return " ".join(f"{s.text} [{s.citation}]" for s in self.sentences)

    def as_json(self) -> dict:
        return {
            "question": self.question,
            "abstained": self.abstained,
            "answer": self.text,
            "citations": [c.as_json() for c in self.citations],
            "passages": [p.as_json() for p in self.passages],
        }
