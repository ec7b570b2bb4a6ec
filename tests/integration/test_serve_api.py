"""``assistant serve``: every endpoint over a real HTTP server on loopback (real model,
real FAISS), the bounds, the errors, the token rule."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from assistant.api import MAX_BODY_BYTES, make_api
from tests.integration.servers import InProcessServer, ServerProcess

pytestmark = pytest.mark.integration

BENEFITS = "What are the benefits of partnerships for mutuals?"
TOKEN = "s3cret-team-token-0123456789"


@pytest.fixture
def api(assistant):
    assistant.warm_up()
    server = InProcessServer(make_api(assistant))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.close()


@pytest.fixture
def api_with_token(assistant):
    server = InProcessServer(make_api(assistant, token=TOKEN))
    with httpx.Client(base_url=server.url, timeout=60) as client:
        yield client
    server.close()


def _document_texts(api: httpx.Client, doc_id: str) -> list[str]:
    """Every passage of a document, read through /passages by following next_id."""
    texts, chunk_id = [], f"{doc_id}:0"
    while chunk_id:
        r = api.get(f"/passages/{chunk_id}")
        assert r.status_code == 200, r.text
        texts.append(r.json()["text"])
        chunk_id = r.json()["next_id"]
    return texts


def test_ask_gives_the_cli_json_with_verbatim_quotes(api, assistant):
    r = api.post("/ask", json={"question": BENEFITS})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    data = r.json()
    assert data == json.loads(json.dumps(assistant.ask(BENEFITS).as_json()))
    assert data["shape"] == "list" and not data["abstained"]
    assert data["points"] and {p["citation"] for p in data["points"]} <= {
        c["n"] for c in data["citations"]}
    for c in data["citations"]:
        assert f"[{c['n']}]" in data["answer"]
        assert any(c["quote"] in text for text in _document_texts(api, c["doc_id"]))


def test_ask_a_fact_a_record_and_a_follow_up(api):
    fact = api.post("/ask", json={"question": "How much did sharing payroll and IT support "
                                              "reduce overheads?"}).json()
    assert fact["shape"] == "fact" and "twelve per cent" in fact["answer"]
    assert fact["citations"][0]["pages"] and fact["citations"][0]["section"]

    record = api.post("/ask", json={"question": "Who published the report?"}).json()
    assert record["shape"] == "record"
    assert record["records"][0]["publisher"] == "Department for Digital, Culture, Media & Sport"

    follow = api.post("/ask", json={"question": "And the challenges?",
                                    "history": [BENEFITS]}).json()
    assert follow["resolved_question"] == "What are the challenges of partnerships for mutuals?"

    nothing = api.post("/ask", json={"question": "What is the boiling point of mercury on "
                                                 "Venus?"}).json()
    assert nothing["abstained"] and nothing["answer"] == (
        "The indexed documents do not answer this question.")


def test_search_sources_passages_health(api, assistant):
    r = api.get("/search", params={"q": "shared back office overheads", "k": 3})
    assert r.status_code == 200
    passages = r.json()["passages"]
    assert len(passages) == 3 and r.json()["query"] == "shared back office overheads"
    scores = [p["fused_score"] for p in passages]
    assert scores == sorted(scores, reverse=True)
    assert "twelve per cent" in passages[0]["text"]

    docs = api.get("/sources").json()
    assert docs == [d.as_json() for d in assistant.sources()]
    html = next(d for d in docs if d["kind"] == "html")
    only = api.get("/search", params=[("q", "asset lock"), ("doc", html["doc_id"])]).json()
    assert only["passages"] and {p["doc_id"] for p in only["passages"]} == {html["doc_id"]}

    first = api.get(f"/passages/{html['doc_id']}:0").json()
    assert first["previous_id"] is None and first["position"] == 1
    assert first["title"] == html["title"]
    # As in /ask and /search: the URL, or a local file's path inside the folder it was
    # added from (issue 13, item 1); /sources keeps the path it was read from.
    assert first["source"] == (html["url"] or
                               f"{Path(html['source']).parent.name}/"
                               f"{Path(html['source']).name}")
    assert only["passages"][0]["source"] == first["source"]
    if first["next_id"]:
        after = api.get(f"/passages/{first['next_id']}").json()
        assert after["previous_id"] == first["chunk_id"]

    health = api.get("/health").json()
    assert health == {"status": "ok", "generation": assistant.snapshot().path.name,
                      "documents": len(docs), "passages": assistant.snapshot().chunk_count,
                      "chunks": assistant.snapshot().chunk_count}


def test_openapi_describes_every_endpoint(api):
    spec = api.get("/openapi.json").json()
    assert spec["openapi"].startswith("3.1")
    assert set(spec["paths"]) == {"/ask", "/search", "/sources", "/passages/{chunk_id}",
                                  "/health", "/openapi.json"}
    assert "Answer" in spec["components"]["schemas"]
    answer_props = spec["components"]["schemas"]["Answer"]["properties"]
    assert {"shape", "points", "records", "citations"} <= set(answer_props)


@pytest.mark.parametrize(("method", "path", "body", "status", "says"), [
    ("post", "/ask", {"question": ""}, 400, "'question' is empty"),
    ("post", "/ask", {"question": "   "}, 400, "'question' is empty"),
    ("post", "/ask", {"question": 7}, 400, "'question' must be a string"),
    ("post", "/ask", {"question": "x" * 2001}, 400, "too long"),
    ("post", "/ask", {"question": "Benefits?", "k": 0}, 400, "between 1 and 50"),
    ("post", "/ask", {"question": "Benefits?", "k": 51}, 400, "between 1 and 50"),
    ("post", "/ask", {"question": "Benefits?", "k": "5"}, 400, "whole number"),
    ("post", "/ask", {"quesiton": "Benefits?"}, 400, "unknown field(s): quesiton"),
    ("post", "/ask", ["Benefits?"], 400, "JSON object"),
    ("post", "/ask", {"question": "Benefits?", "documents": ["nope"]}, 400,
     "unknown document id(s): nope"),
    ("post", "/ask", {"question": "Benefits?", "history": ["q"] * 21}, 400, "at most 20"),
    ("get", "/search?k=3", None, 400, "'q' must be a string"),
    ("get", "/search?q=benefits&k=1000", None, 400, "between 1 and 50"),
    ("get", "/search?q=benefits&k=five", None, 400, "whole number"),
    ("get", "/search?query=benefits", None, 400, "unknown parameter(s): query"),
    ("get", "/passages/no-such-doc:0", None, 404, "no passage 'no-such-doc:0'"),
    ("get", "/answers", None, 404, "no such endpoint: /answers"),
    ("get", "/ask", None, 405, "GET is not allowed on /ask"),
    ("delete", "/sources", None, 405, "DELETE is not allowed"),
])
def test_bad_requests_get_a_json_error(api, method, path, body, status, says):
    r = api.request(method.upper(), path, json=body)
    assert r.status_code == status
    assert r.headers["content-type"] == "application/json"
    assert says in r.json()["error"]


def test_bodies_are_bounded_and_must_be_json(api):
    big = json.dumps({"question": "x" * (MAX_BODY_BYTES + 10)})
    r = api.post("/ask", content=big, headers={"content-type": "application/json"})
    assert r.status_code == 413 and "larger than" in r.json()["error"]

    def chunks():  # no Content-Length: the limit holds on a streamed body too
        for _ in range(MAX_BODY_BYTES // 1000 + 2):
            yield b" " * 1000

    r = api.post("/ask", content=chunks())
    assert r.status_code == 413
    r = api.post("/ask", content=b"{not json")
    assert r.status_code == 400 and "not valid UTF-8 JSON" in r.json()["error"]
    r = api.post("/ask", content=b'{"question": "\xff"}')
    assert r.status_code == 400
    assert api.get("/health").status_code == 200  # and the server is still up


def test_the_token_is_checked_on_every_request(api_with_token):
    for path in ("/health", "/sources", "/openapi.json", "/search?q=benefits"):
        r = api_with_token.get(path)
        assert r.status_code == 401 and "missing bearer token" in r.json()["error"]
        r = api_with_token.get(path, headers={"Authorization": "Bearer wrong-token"})
        assert r.status_code == 401 and "wrong bearer token" in r.json()["error"]
        r = api_with_token.get(path, headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200
    r = api_with_token.post("/ask", json={"question": BENEFITS},
                            headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 200 and not r.json()["abstained"]
    assert api_with_token.post("/ask", json={"question": BENEFITS}).status_code == 401


def test_serve_command_listens_on_loopback_and_refuses_other_hosts_without_a_token(
        assistant, tmp_path: Path, encoder_cache: Path):
    env = dict(os.environ, ASSISTANT_ENCODER_CACHE=str(encoder_cache))
    env.pop("ASSISTANT_TOKEN", None)
    index_dir = str(assistant.layout.root)
    for host in ("0.0.0.0", "192.0.2.10", "::", "example.org"):
        out = subprocess.run([sys.executable, "-m", "assistant", "serve", "--host", host,
                              "--index-dir", index_dir], capture_output=True, text=True,
                             env=env, timeout=120)
        assert out.returncode == 2 and "--token" in out.stderr and out.stdout == ""
        assert "Traceback" not in out.stderr
    out = subprocess.run([sys.executable, "-m", "assistant", "serve", "--token", "short",
                          "--index-dir", index_dir], capture_output=True, text=True, env=env,
                         timeout=120)
    assert out.returncode == 2 and "at least 16 characters" in out.stderr

    server = ServerProcess("serve", "--port", "0", "--index-dir", index_dir,
                           stderr=tmp_path / "serve.err", env={**env, "ASSISTANT_TOKEN": TOKEN})
    try:
        assert server.url.startswith("http://127.0.0.1:")
        assert "bearer token required" in server.first_line
        assert httpx.get(f"{server.url}/health").status_code == 401
        r = httpx.post(f"{server.url}/ask", json={"question": BENEFITS}, timeout=60,
                       headers={"Authorization": f"Bearer {TOKEN}"})
        assert r.status_code == 200 and r.json()["citations"]
    finally:
        assert server.close() in (0, -15)
    assert "Traceback" not in server.stderr()
