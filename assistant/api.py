"""``assistant serve``: a read-only HTTP API over one index, for a team.

Starlette on uvicorn. Every endpoint answers JSON in the shapes of ``--json``; errors
are ``{"error": "..."}`` with a 4xx/5xx status. The blocking work (encoding, FAISS,
SQLite) runs in worker threads, at most ``threads`` at a time. A maintainer's
``assistant index`` or ``sync`` on the same folder publishes a new generation while
the server answers: each request reads the generation that was live when it started
(``Assistant.snapshot`` pins it), the next ones read the new one.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any

import anyio
import anyio.to_thread
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from assistant.access import BearerAuth
from assistant.service import Assistant
from assistant.wire import (
    MAX_HISTORY,
    BadRequest,
    NotFound,
    check_documents,
    check_k,
    check_strings,
    check_text,
    health_json,
    passage_json,
    search_json,
)

MAX_BODY_BYTES = 64 * 1024
"""Largest request body accepted (a question, its history and document ids fit in far less)."""
MAX_DOCUMENT_FILTERS = 100
"""Most document ids one request may restrict itself to."""
ASK_KEYS = {"question", "k", "documents", "history"}


def json_response(data: Any, status: int = 200) -> Response:
    body = json.dumps(data, ensure_ascii=False).encode("utf-8")
    return Response(body, status_code=status, media_type="application/json")


def error(status: int, message: str) -> Response:
    return json_response({"error": message}, status)


class Api:
    """The endpoints, bound to one ``Assistant``."""

    def __init__(self, assistant: Assistant, threads: int | None = None) -> None:
        self.assistant = assistant
        self.limiter = anyio.CapacityLimiter(threads or os.cpu_count() or 2)

    async def _run(self, fn: Callable[[], Any]) -> Response:
        """Run ``fn`` in a worker thread; its result as JSON, a refusal as a 4xx/5xx."""
        from index.embedder import ModelUnavailable
        from index.layout import NoIndex
        from index.reader import CorruptIndex

        try:
            result = await anyio.to_thread.run_sync(fn, limiter=self.limiter)
        except BadRequest as exc:
            return error(400, str(exc))
        except NotFound as exc:
            return error(404, str(exc.args[0]))
        except (NoIndex, ModelUnavailable, CorruptIndex) as exc:
            return error(503, " ".join(str(exc).split()))
        return json_response(result)

    async def ask(self, request: Request) -> Response:
        body = await read_json(request)
        if not isinstance(body, dict):
            return error(400, "the body must be a JSON object such as "
                              '{"question": "What are the benefits?"}')
        unknown = sorted(set(body) - ASK_KEYS)
        if unknown:
            return error(400, f"unknown field(s): {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(ASK_KEYS))})")
        question = check_text(body.get("question"), "question")
        k = check_k(body.get("k"))
        docs = check_strings(body.get("documents"), "documents", MAX_DOCUMENT_FILTERS)
        history = check_strings(body.get("history"), "history", MAX_HISTORY)

        def answer() -> dict:
            a = self.assistant
            return a.ask(question, k=k, doc_ids=check_documents(a, docs) or None,
                         history=history).as_json()

        return await self._run(answer)

    async def search(self, request: Request) -> Response:
        params = request.query_params
        unknown = sorted(set(params) - {"q", "k", "doc"})
        if unknown:
            return error(400, f"unknown parameter(s): {', '.join(unknown)} (known: q, k, doc)")
        query = check_text(params.get("q"), "q")
        k = check_k(_int_param(params.get("k"), "k"))
        docs = check_strings(params.getlist("doc"), "doc", MAX_DOCUMENT_FILTERS)

        def search() -> dict:
            a = self.assistant
            return search_json(query, a.search(query, k=k,
                                               doc_ids=check_documents(a, docs) or None))

        return await self._run(search)

    async def sources(self, request: Request) -> Response:
        return await self._run(lambda: [d.as_json() for d in self.assistant.sources()])

    async def passage(self, request: Request) -> Response:
        chunk_id = request.path_params["chunk_id"]

        def view() -> dict:
            v = self.assistant.chunk_view(chunk_id)
            if v is None:
                raise NotFound(f"no passage {chunk_id!r} in the live index "
                                  "(ids come from /search and /ask; a reindex may renumber)")
            return passage_json(v)

        return await self._run(view)

    async def health(self, request: Request) -> Response:
        return await self._run(lambda: health_json(self.assistant))

    async def openapi(self, request: Request) -> Response:
        from assistant.api_schema import openapi

        return json_response(openapi())


def _int_param(value: str | None, name: str) -> int | None:
    if value is None:
        return None
    try:
        return int(value)
    except ValueError:
        raise BadRequest(f"'{name}' must be a whole number") from None


async def read_json(request: Request) -> Any:
    """The request body parsed as JSON, refused past ``MAX_BODY_BYTES``."""
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPException(413, f"the request body is larger than {MAX_BODY_BYTES} bytes")
        chunks.append(chunk)
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise BadRequest("the body is not valid UTF-8 JSON") from None


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        return error(404, f"no such endpoint: {request.url.path} (see /openapi.json)")
    if exc.status_code == 405:
        return error(405, f"{request.method} is not allowed on {request.url.path}")
    return error(exc.status_code, str(exc.detail))


async def _bad_request(request: Request, exc: Exception) -> Response:
    return error(400, str(exc))


async def _crash(request: Request, exc: Exception) -> Response:
    return error(500, f"internal error ({type(exc).__name__}): see the server's log")


def make_api(assistant: Assistant, *, token: str | None = None,
             threads: int | None = None) -> Any:
    """The ASGI app over ``assistant``; with ``token`` every request must carry it."""
    api = Api(assistant, threads)
    routes = [
        Route("/ask", api.ask, methods=["POST"]),
        Route("/search", api.search, methods=["GET"]),
        Route("/sources", api.sources, methods=["GET"]),
        Route("/passages/{chunk_id:path}", api.passage, methods=["GET"]),
        Route("/health", api.health, methods=["GET"]),
        Route("/openapi.json", api.openapi, methods=["GET"]),
    ]
    app = Starlette(routes=routes, exception_handlers={
        HTTPException: _http_error, BadRequest: _bad_request, Exception: _crash})
    return BearerAuth(app, token) if token else app


def serve(assistant: Assistant, host: str, port: int, token: str | None,
          ready: Callable[[str], None] | None = None, threads: int | None = None) -> int:
    """Run the API until interrupted (the model and index are loaded first)."""
    from assistant.serving import run_asgi

    assistant.warm_up()
    return run_asgi(make_api(assistant, token=token, threads=threads), host, port, ready)
