"""``assistant mcp``: the assistant as an MCP server, for AI assistants.

Built with the official MCP Python SDK (``mcp``, its ``MCPServer``): the reference
implementation, with the stdio and streamable HTTP transports and the client our tests
drive it with. Four read-only tools over one ``Assistant``: ``ask``, ``search``,
``sources``, ``read_passage``. Answers come as ``Answer.as_json()`` (the shape of
``assistant ask --json``), so every quote is a verified verbatim slice of a passage.
A malformed call (missing or mistyped arguments, an empty question, an unknown passage
id) is answered with a tool error the calling model can read, never a crash.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import Field

from assistant.service import Assistant
from assistant.wire import (
    MAX_HISTORY,
    MAX_K,
    MAX_QUESTION_CHARS,
    BadRequest,
    check_documents,
    check_text,
    passage_json,
    search_json,
)

INSTRUCTIONS = (
    "This server answers questions about UK Public Service Mutuals and partnerships from "
    "a fixed set of indexed documents (the DCMS report 'Partnerships for Better Public "
    "Services' and related guidance), offline. Its answers are made only of sentences "
    "from those documents. When you use them: quote only the `quote` (or passage `text`) "
    "fields, word for word; cite each statement with the citation's title, pages, "
    "section and source URL; and when `abstained` is true, say that the documents do "
    "not answer the question rather than answering from elsewhere."
)

ASK = (
    "Answer a question from the indexed documents, with citations. Returns JSON: "
    "`answer` (text with [n] markers), `shape` ('list': every point the documents make, "
    "also in `points` as {text, citation}; 'fact'; 'record': a document's catalogue "
    "record in `records`), `abstained` (true when the documents do not answer), "
    "`citations` [{n, doc_id, title, source (URL or path), pages ([first, last] or "
    "null), section, quote}] and the `passages` used. Each `quote` is a verbatim slice "
    "of the document: cite with the returned title, pages, section and source, quote "
    "only `quote` text word for word, and do not add facts the citations do not hold."
)
SEARCH = (
    "Find the passages that best match a query (hybrid keyword and semantic search), "
    "best first. Returns {query, passages: [{rank, chunk_id, doc_id, title, source, "
    "pages, section, relevance (0-1), fused_score, text}]}. Passage text is verbatim "
    "from the document; cite it with its title, pages, section and source. Use "
    "read_passage with a chunk_id to read around it."
)
SOURCES = (
    "List the indexed documents: {documents: [{doc_id, title, source, kind, url, "
    "published, publisher, licence, pages, chunks, indexed_at}]}. A doc_id restricts "
    "ask and search to that document."
)
READ_PASSAGE = (
    "Read a passage (chunk_id from ask or search) in its document: {passage, previous, "
    "next}, each {chunk_id, title, source, pages_label, section, position, of, text, "
    "previous_id, next_id}, previous/next null at the document's ends. Text is "
    "verbatim; cite with title, pages_label, section and source."
)

READ_ONLY = ToolAnnotations(readOnlyHint=True, destructiveHint=False, idempotentHint=True,
                            openWorldHint=False)

Question = Annotated[str, Field(description="the question, in plain English",
                                min_length=1, max_length=MAX_QUESTION_CHARS)]
K = Annotated[int | None, Field(description="passages to retrieve (default 5)",
                                ge=1, le=MAX_K)]
Documents = Annotated[list[str] | None, Field(
    description="only search these doc_ids (from the sources tool)", max_length=100)]
History = Annotated[list[str] | None, Field(
    description="earlier questions of this conversation, oldest first: a follow-up such "
                "as 'And the risks?' is read against the last one", max_length=MAX_HISTORY)]


def _tool(fn: Callable[[], Any]) -> Any:
    """Run a tool's body; a refusal becomes a tool error with a readable message."""
    from index.embedder import ModelUnavailable
    from index.layout import NoIndex
    from index.reader import CorruptIndex

    try:
        return fn()
    except BadRequest as exc:
        raise ToolError(str(exc)) from None
    except (NoIndex, ModelUnavailable, CorruptIndex) as exc:
        raise ToolError(" ".join(str(exc).split())) from None


def build_server(assistant: Assistant) -> MCPServer:
    """The MCP server over ``assistant`` (tests connect the SDK's client to it)."""
    mcp: MCPServer = MCPServer("mutuals-assistant", title="Mutuals partnership assistant",
                               instructions=INSTRUCTIONS, version="0.1.0",
                               log_level="WARNING")

    @mcp.tool(description=ASK, annotations=READ_ONLY)
    def ask(question: Question, k: K = None, documents: Documents = None,
            history: History = None) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            q = check_text(question, "question")
            docs = check_documents(assistant, documents or [])
            return assistant.ask(q, k=k, doc_ids=docs or None,
                                 history=history or ()).as_json()

        return _tool(run)

    @mcp.tool(description=SEARCH, annotations=READ_ONLY)
    def search(query: Annotated[str, Field(description="what to look for", min_length=1,
                                           max_length=MAX_QUESTION_CHARS)],
               k: K = None, documents: Documents = None) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            q = check_text(query, "query")
            docs = check_documents(assistant, documents or [])
            return search_json(q, assistant.search(q, k=k, doc_ids=docs or None))

        return _tool(run)

    @mcp.tool(description=SOURCES, annotations=READ_ONLY)
    def sources() -> dict[str, Any]:
        return _tool(lambda: {"documents": [d.as_json() for d in assistant.sources()]})

    @mcp.tool(description=READ_PASSAGE, annotations=READ_ONLY)
    def read_passage(chunk_id: Annotated[str, Field(
            description="a chunk_id from ask or search", min_length=1, max_length=500)]
                     ) -> dict[str, Any]:
        def run() -> dict[str, Any]:
            view = assistant.chunk_view(chunk_id)
            if view is None:
                raise BadRequest(f"no passage {chunk_id!r} in the index: use a chunk_id "
                                 "returned by ask or search")
            near = {"previous": view.previous_id, "next": view.next_id}
            out: dict[str, Any] = {"passage": passage_json(view)}
            for key, other in near.items():
                v = assistant.chunk_view(other) if other else None
                out[key] = passage_json(v) if v is not None else None
            return out

        return _tool(run)

    return mcp


def run_stdio(assistant: Assistant) -> int:
    """Serve over stdin/stdout until the client hangs up."""
    assistant.warm_up()
    build_server(assistant).run("stdio")
    return 0


def run_http(assistant: Assistant, host: str, port: int, token: str | None,
             ready: Callable[[str], None] | None = None) -> int:
    """Serve streamable HTTP at ``/mcp`` until interrupted."""
    from assistant.access import BearerAuth
    from assistant.serving import run_asgi

    assistant.warm_up()
    app: Any = build_server(assistant).streamable_http_app(host=host)
    if token:
        app = BearerAuth(app, token)
    return run_asgi(app, host, port, ready)
