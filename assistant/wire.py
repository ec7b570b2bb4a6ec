"""JSON shapes shared by the HTTP API and the MCP server (one formatter per thing).

Answers, passages and documents are serialised by their own records (``Answer.as_json``,
``Passage.as_json``, ``DocumentRow.as_json``: the shapes of ``--json``); this module adds
the shapes that only the servers show: a search result, a passage in its document and
the server's health.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from assistant.records import Passage
    from assistant.service import Assistant, ChunkView

MAX_QUESTION_CHARS = 2000
"""Longest question or search query accepted (a paragraph; longer is not a question)."""
MAX_K = 50
"""Most passages one request may ask for."""
MAX_HISTORY = 20
"""Most earlier questions a follow-up may carry."""


class BadRequest(ValueError):
    """A request the servers refuse, with a message meant for the caller."""


class NotFound(LookupError):
    """What a request names (a passage id) is not in the live index."""


def check_text(value: object, name: str) -> str:
    """A question or query: a non-empty string of at most ``MAX_QUESTION_CHARS``."""
    if not isinstance(value, str):
        raise BadRequest(f"'{name}' must be a string")
    text = " ".join(value.split())
    if not text:
        raise BadRequest(f"'{name}' is empty")
    if len(value) > MAX_QUESTION_CHARS:
        raise BadRequest(f"'{name}' is too long: {len(value)} characters "
                         f"(at most {MAX_QUESTION_CHARS})")
    return value


def check_k(value: object) -> int | None:
    """Passages to retrieve: None (the configured default) or 1..``MAX_K``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise BadRequest("'k' must be a whole number")
    if not 1 <= value <= MAX_K:
        raise BadRequest(f"'k' must be between 1 and {MAX_K}")
    return value


def check_strings(value: object, name: str, most: int) -> list[str]:
    """A list of at most ``most`` strings (document ids, earlier questions)."""
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise BadRequest(f"'{name}' must be a list of strings")
    if len(value) > most:
        raise BadRequest(f"'{name}' has {len(value)} items (at most {most})")
    if any(len(v) > MAX_QUESTION_CHARS for v in value):
        raise BadRequest(f"an item of '{name}' is longer than {MAX_QUESTION_CHARS} characters")
    return value


def check_documents(assistant: Assistant, doc_ids: list[str]) -> list[str]:
    """``doc_ids`` if every one is indexed; else a BadRequest naming the unknown ones."""
    if not doc_ids:
        return doc_ids
    known = {d.doc_id for d in assistant.sources()}
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        raise BadRequest(f"unknown document id(s): {', '.join(unknown)} "
                         "(the sources list gives the ids)")
    return doc_ids


def search_json(query: str, passages: list[Passage]) -> dict:
    """``{"query", "passages": [...]}``: passages in the shape of ``ask --json``."""
    return {"query": query, "passages": [p.as_json() for p in passages]}


def passage_json(view: ChunkView) -> dict:
    """A chunk as it sits in its document: where it is, its text, its neighbours' ids."""
    return {
        "chunk_id": view.chunk_id, "doc_id": view.doc_id, "title": view.title,
        "source": view.url or view.source_name or view.source,
        "pages_label": view.pages_label or None,
        "section": " › ".join(view.section), "position": view.ordinal + 1,
        "of": view.total, "text": view.text,
        "previous_id": view.previous_id, "next_id": view.next_id,
    }


def health_json(assistant: Assistant) -> dict:
    """Whether an index is live, which generation answers, how big it is."""
    if not assistant.has_index():
        return {"status": "no index", "generation": None, "documents": 0, "passages": 0,
                "chunks": 0}
    snap = assistant.snapshot()
    out = {"status": "ok", "generation": snap.path.name,
           "documents": len(snap.documents_by_id), "passages": snap.chunk_count,
           "chunks": snap.chunk_count}  # "chunks": the same, for older clients
    if snap.fallback_note:
        out["note"] = snap.fallback_note
    return out
