"""``assistant mcp``: driven by the MCP SDK's own client, over stdio as a desktop AI
assistant would start it, and over streamable HTTP (real model, real FAISS)."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import httpx
import pytest
from mcp import Client, StdioServerParameters

from tests.integration.servers import ROOT, ServerProcess

pytestmark = pytest.mark.integration

BENEFITS = "What are the benefits of partnerships for mutuals?"


def _env(encoder_cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ASSISTANT_TOKEN"}
    env["ASSISTANT_ENCODER_CACHE"] = str(encoder_cache)
    return env


def _stdio(index_dir: Path, encoder_cache: Path) -> StdioServerParameters:
    return StdioServerParameters(command=sys.executable,
                                 args=["-m", "assistant", "mcp", "--index-dir", str(index_dir)],
                                 env=_env(encoder_cache), cwd=str(ROOT))


def _document_texts(assistant, doc_id: str) -> list[str]:  # noqa: ANN001
    texts, chunk_id = [], f"{doc_id}:0"
    while chunk_id:
        view = assistant.chunk_view(chunk_id)
        texts.append(view.text)
        chunk_id = view.next_id
    return texts


async def test_every_tool_over_stdio(assistant, encoder_cache, tmp_path):
    async with Client(_stdio(assistant.layout.root, encoder_cache),
                      read_timeout_seconds=120) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert set(tools) == {"ask", "search", "sources", "read_passage"}
        for name in ("ask", "search", "read_passage"):
            assert "cite" in tools[name].description
            assert tools[name].annotations.read_only_hint is True
        assert "verbatim" in tools["ask"].description
        assert tools["ask"].input_schema["required"] == ["question"]
        assert "cite" in (client.instructions or "")

        # ask: the answer of `assistant ask --json`, every quote verbatim in its document
        result = await client.call_tool("ask", {"question": BENEFITS})
        assert not result.is_error
        answer = result.structured_content
        assert json.loads(result.content[0].text) == answer  # the same JSON as text
        answer = dict(answer)
        # The server encodes with ONNX Runtime, this process with sentence-transformers:
        # the same answer, passage scores equal to float rounding.
        direct = json.loads(json.dumps(assistant.ask(BENEFITS).as_json()))
        for p, q in zip(answer.pop("passages"), direct.pop("passages"), strict=True):
            assert p.pop("fused_score") == pytest.approx(q.pop("fused_score"), abs=1e-3)
            assert p.pop("relevance") == pytest.approx(q.pop("relevance"), abs=1e-3)
            assert p == q
        assert answer == direct
        assert answer["shape"] == "list" and answer["points"] and not answer["abstained"]
        for c in answer["citations"]:
            assert {"title", "pages", "section", "source", "quote"} <= set(c)
            assert any(c["quote"] in t for t in _document_texts(assistant, c["doc_id"]))
        fact = (await client.call_tool("ask", {
            "question": "How much did sharing payroll and IT support reduce overheads?",
            "k": 3})).structured_content
        cited = fact["citations"][0]
        assert "twelve per cent" in cited["quote"] and cited["pages"]
        assert cited["section"].endswith("2.1 Shared back office")
        follow = (await client.call_tool("ask", {"question": "And the challenges?",
                                                 "history": [BENEFITS]})).structured_content
        assert follow["resolved_question"] == (
            "What are the challenges of partnerships for mutuals?")

        # search: passages with scores, best first
        found = (await client.call_tool("search", {"query": "asset lock", "k": 4})
                 ).structured_content
        scores = [p["fused_score"] for p in found["passages"]]
        assert len(scores) == 4 and scores == sorted(scores, reverse=True)
        top = found["passages"][0]
        assert "asset lock" in top["text"].lower()

        # sources, and a search restricted to one of them
        docs = (await client.call_tool("sources", {})).structured_content["documents"]
        assert [d["doc_id"] for d in docs] == [d.doc_id for d in assistant.sources()]
        only = (await client.call_tool("search", {"query": "asset lock",
                                                  "documents": [top["doc_id"]]})
                ).structured_content["passages"]
        assert {p["doc_id"] for p in only} == {top["doc_id"]}

        # read_passage: the passage with its neighbours, verbatim
        around = (await client.call_tool("read_passage", {"chunk_id": top["chunk_id"]})
                  ).structured_content
        assert around["passage"]["text"] == top["text"]
        assert around["passage"]["chunk_id"] == top["chunk_id"]
        for side, key in (("previous", "previous_id"), ("next", "next_id")):
            neighbour_id = around["passage"][key]
            if neighbour_id is None:
                assert around[side] is None
            else:
                assert around[side]["chunk_id"] == neighbour_id
                assert around[side]["text"] == assistant.chunk_view(neighbour_id).text


MALFORMED = [
    ("ask", {}, "question"),
    ("ask", {"question": ""}, "at least 1 character"),
    ("ask", {"question": "   "}, "'question' is empty"),
    ("ask", {"question": 42}, "valid string"),
    ("ask", {"question": "Benefits?", "k": 0}, "greater than or equal to 1"),
    ("ask", {"question": "Benefits?", "k": "many"}, "k"),
    ("ask", {"question": "Benefits?", "documents": ["no-such-doc"]},
     "unknown document id(s): no-such-doc"),
    ("ask", {"question": "x" * 2001}, "at most 2000 characters"),
    ("search", {"q": "benefits"}, "query"),
    ("read_passage", {"chunk_id": "no-such-doc:99"}, "no passage 'no-such-doc:99'"),
    ("read_passage", {"chunk_id": ["a"]}, "valid string"),
    ("summarise", {"text": "x"}, "Unknown tool"),
]


async def test_malformed_calls_are_tool_errors_and_the_server_carries_on(
        assistant, encoder_cache):
    async with Client(_stdio(assistant.layout.root, encoder_cache),
                      read_timeout_seconds=120) as client:
        for tool, arguments, says in MALFORMED:
            result = await client.call_tool(tool, arguments)
            assert result.is_error, (tool, arguments)
            assert says in result.content[0].text, (tool, arguments, result.content[0].text)
        after = await client.call_tool("ask", {"question": BENEFITS})
        assert not after.is_error and after.structured_content["citations"]


async def test_streamable_http_on_loopback_with_a_token(assistant, encoder_cache, tmp_path):
    token = "mcp-token-for-the-test-0123456789"
    env = {**_env(encoder_cache), "ASSISTANT_TOKEN": token}
    server = ServerProcess("mcp", "--http", "--port", "0", "--index-dir",
                           str(assistant.layout.root), stderr=tmp_path / "mcp.err", env=env)
    try:
        assert server.url.startswith("http://127.0.0.1:")
        refused = httpx.post(f"{server.url}/mcp", json={"jsonrpc": "2.0", "id": 1,
                                                        "method": "tools/list"})
        assert refused.status_code == 401
        headers = {"Authorization": f"Bearer {token}"}
        import httpx2  # the HTTP client the MCP SDK is built on
        from mcp.client.streamable_http import streamable_http_client

        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            transport = streamable_http_client(f"{server.url}/mcp", http_client=http)
            async with Client(transport, read_timeout_seconds=120) as client:
                result = await client.call_tool("ask", {"question": BENEFITS})
                assert not result.is_error and result.structured_content["citations"]
    finally:
        server.close()
    assert "Traceback" not in server.stderr()
