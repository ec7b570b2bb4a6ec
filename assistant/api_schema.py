"""The OpenAPI 3.1 description of ``assistant serve`` (served at ``/openapi.json``).

Written out by hand: the shapes are those of ``--json`` (``Answer.as_json`` and
friends), which are plain dicts, not models a generator could read.
"""

from __future__ import annotations

from assistant.api import ASK_KEYS, MAX_BODY_BYTES, MAX_DOCUMENT_FILTERS
from assistant.wire import MAX_HISTORY, MAX_K, MAX_QUESTION_CHARS


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _obj(props: dict, required: list[str] | None = None, **extra: object) -> dict:
    out: dict = {"type": "object", "properties": props}
    if required:
        out["required"] = required
    out.update(extra)
    return out


STR = {"type": "string"}
NSTR = {"type": ["string", "null"]}
INT = {"type": "integer"}
PAGES = {"type": ["array", "null"], "items": INT, "minItems": 2, "maxItems": 2,
         "description": "[first, last] page; null for unpaged documents (web pages)"}

SCHEMAS = {
    "Error": _obj({"error": STR}, ["error"]),
    "Citation": _obj({
        "n": INT, "doc_id": STR, "title": STR, "publisher": NSTR,
        "published": {"type": ["string", "null"], "description": "as the manifest gives it"},
        "pages": PAGES,
        "pages_label": {"type": ["string", "null"],
                        "description": "the printed page label (\"p. iv\"); null if unpaged"},
        "section": {"type": "string", "description": "heading path"},
        "source": {"type": "string",
                   "description": "the document's URL, or a local file's path inside the "
                                  "folder it was added from"},
        "url": NSTR, "licence": NSTR,
        "quote": {"type": "string",
                  "description": "a verbatim slice of the passage (checked before it is sent)"},
    }, ["n", "doc_id", "title", "publisher", "published", "pages", "pages_label", "section",
        "source", "url", "licence", "quote"]),
    "Passage": _obj({
        "rank": {"type": "integer", "minimum": 1,
                 "description": "1..n in the order shown, without gaps"},
        "chunk_id": STR, "doc_id": STR, "title": STR,
        "source": {"type": "string",
                   "description": "the document's URL, or a local file's path inside the "
                                  "folder it was added from"},
        "pages": PAGES, "section": STR,
        "relevance": {"type": ["number", "null"], "minimum": 0, "maximum": 1,
                      "description": "similarity to the question, 0-1 (the app's match %)"},
        "fused_score": {"type": ["number", "null"],
                        "description": "the raw ranking score (null: not ranked)"},
        "text": STR,
    }, ["rank", "chunk_id", "doc_id", "title", "source", "pages", "section", "relevance",
        "fused_score", "text"]),
    "Point": _obj({"text": STR, "citation": INT}, ["text", "citation"]),
    "CatalogueRecord": _obj({
        "doc_id": STR, "title": STR, "publisher": NSTR, "published": NSTR, "licence": NSTR,
        "url": NSTR, "source": STR}, ["doc_id", "title"]),
    "Answer": _obj({
        "question": STR,
        "shape": {"type": "string", "enum": ["list", "fact", "record"]},
        "abstained": {"type": "boolean"},
        "answer": {"type": "string", "description": "the answer as text, with [n] markers"},
        "citations": {"type": "array", "items": _ref("Citation")},
        "passages": {"type": "array", "items": _ref("Passage")},
        "points": {"type": "array", "items": _ref("Point"),
                   "description": "list answers: every point, each with its citation"},
        "more": {"type": "integer", "description": "list answers: points found but not shown"},
        "records": {"type": "array", "items": _ref("CatalogueRecord"),
                    "description": "questions about a document: its catalogue record"},
        "resolved_question": {"type": "string",
                              "description": "the question answered, when a follow-up "
                                             "was read against the history"},
        "note": {"type": "string"},
    }, ["question", "shape", "abstained", "answer", "citations", "passages"]),
    "AskRequest": _obj({
        "question": {"type": "string", "minLength": 1, "maxLength": MAX_QUESTION_CHARS},
        "k": {"type": "integer", "minimum": 1, "maximum": MAX_K,
              "description": "passages to retrieve (default: the configured top_k)"},
        "documents": {"type": "array", "items": STR, "maxItems": MAX_DOCUMENT_FILTERS,
                      "description": "only search these document ids"},
        "history": {"type": "array", "items": STR, "maxItems": MAX_HISTORY,
                    "description": "earlier questions, oldest first: a follow-up "
                                   "(\"And the risks?\") is read against the last"},
    }, ["question"], additionalProperties=False),
    "SearchResult": _obj({"query": STR, "passages": {"type": "array", "items": _ref("Passage")}},
                         ["query", "passages"]),
    "Document": _obj({
        "doc_id": STR, "title": STR, "source": STR, "kind": STR, "url": NSTR,
        "published": NSTR, "updated": NSTR, "publisher": NSTR, "licence": NSTR,
        "pages": {"type": ["integer", "null"],
                  "description": "null for unpaged documents (web pages, Markdown, text)"},
        "passages": INT,
        "chunks": {"type": "integer", "deprecated": True,
                   "description": "the same as passages (kept for older clients)"},
        "indexed_at": STR,
    }, ["doc_id", "title", "source", "kind", "pages", "passages", "chunks"]),
    "PassageView": _obj({
        "chunk_id": STR, "doc_id": STR, "title": STR, "source": STR, "pages_label": NSTR,
        "section": STR, "position": INT, "of": INT, "text": STR,
        "previous_id": NSTR, "next_id": NSTR,
    }, ["chunk_id", "doc_id", "title", "source", "section", "position", "of", "text",
        "previous_id", "next_id"]),
    "Health": _obj({"status": STR, "generation": NSTR, "documents": INT, "passages": INT,
                    "chunks": {"type": "integer", "deprecated": True,
                               "description": "the same as passages (kept for older clients)"},
                    "note": STR}, ["status", "generation", "documents", "passages", "chunks"]),
}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict:
    text = {400: "bad request (the message says what)", 401: "missing or wrong bearer token",
            404: "not found", 413: f"body larger than {MAX_BODY_BYTES} bytes",
            503: "no index yet, or the index cannot be read"}
    return {str(c): _json(_ref("Error"), text[c]) for c in codes}


K_PARAM = {"name": "k", "in": "query", "schema": {"type": "integer", "minimum": 1,
                                                  "maximum": MAX_K}}


def openapi() -> dict:
    assert set(SCHEMAS["AskRequest"]["properties"]) == ASK_KEYS
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Mutuals partnership assistant",
            "version": "1",
            "description": "Read-only: cited answers from the indexed documents, passages, "
                           "sources. Every quote is a verbatim slice of a passage.",
        },
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                           "description": "required when the server was "
                                                          "started with --token"}},
        },
        "security": [{}, {"bearer": []}],
        "paths": {
            "/ask": {"post": {
                "summary": "A cited answer, or an abstention with the closest passages",
                "requestBody": {"required": True, "content": {
                    "application/json": {"schema": _ref("AskRequest")}}},
                "responses": {"200": _json(_ref("Answer"), "the answer"),
                              **_errors(400, 401, 413, 503)},
            }},
            "/search": {"get": {
                "summary": "The passages that best match a query, best first, with scores",
                "parameters": [
                    {"name": "q", "in": "query", "required": True,
                     "schema": {"type": "string", "maxLength": MAX_QUESTION_CHARS}},
                    K_PARAM,
                    {"name": "doc", "in": "query", "schema": {"type": "array", "items": STR},
                     "style": "form", "explode": True,
                     "description": "only search this document id (repeatable)"},
                ],
                "responses": {"200": _json(_ref("SearchResult"), "passages"),
                              **_errors(400, 401, 503)},
            }},
            "/sources": {"get": {
                "summary": "The indexed documents",
                "responses": {"200": _json({"type": "array", "items": _ref("Document")},
                                           "documents"), **_errors(401, 503)},
            }},
            "/passages/{chunk_id}": {"get": {
                "summary": "A passage in its document, with its neighbours' ids",
                "parameters": [{"name": "chunk_id", "in": "path", "required": True,
                                "schema": STR}],
                "responses": {"200": _json(_ref("PassageView"), "the passage"),
                              **_errors(401, 404, 503)},
            }},
            "/health": {"get": {
                "summary": "Whether an index is live, and which generation answers",
                "responses": {"200": _json(_ref("Health"), "health"), **_errors(401)},
            }},
            "/openapi.json": {"get": {
                "summary": "This description",
                "responses": {"200": {"description": "OpenAPI 3.1"}, **_errors(401)},
            }},
        },
    }
