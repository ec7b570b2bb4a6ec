"""A maintainer reindexes the folder ``assistant serve`` answers from, while clients ask:
nobody gets an error, and once the new generation is published every new request sees
it (issue 15)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from tests.integration.servers import ROOT, ServerProcess

pytestmark = pytest.mark.integration

NEW_QUESTION = "How often does the Gull Island ferry mutual run boats to the harbour?"
MIX = [
    ("ask", "What are the benefits of partnerships for mutuals?"),
    ("ask", "How much did sharing payroll and IT support reduce overheads?"),
    ("ask", NEW_QUESTION),
    ("search", "asset lock"),
]


def _gist(answer: dict) -> tuple:
    """What a reader sees of an answer (passage scores aside: the server encodes with
    ONNX Runtime, the test process with sentence-transformers)."""
    return (answer["abstained"], answer["answer"],
            [(c["title"], c["quote"]) for c in answer["citations"]])


def test_reindex_while_serving_gives_no_errors_and_switches(assistant, encoder_cache,
                                                             tmp_path: Path):
    env = dict(os.environ, ASSISTANT_ENCODER_CACHE=str(encoder_cache))
    env.pop("ASSISTANT_TOKEN", None)
    index_dir = str(assistant.layout.root)
    old = _gist(assistant.ask(NEW_QUESTION).as_json())
    assert old[0] or "Ferry notes" not in str(old)

    server = ServerProcess("serve", "--port", "0", "--index-dir", index_dir,
                           stderr=tmp_path / "serve.err", env=env)
    done = threading.Event()
    results: list[tuple[float, str, str, int, dict | str]] = []  # start, kind, q, status, body
    lock = threading.Lock()

    def client(n: int) -> None:
        with httpx.Client(base_url=server.url, timeout=120) as http:
            i = n
            while not done.is_set():
                kind, q = MIX[i % len(MIX)]
                i += 1
                start = time.monotonic()
                try:
                    r = (http.post("/ask", json={"question": q}) if kind == "ask"
                         else http.get("/search", params={"q": q}))
                    status, body = r.status_code, (r.json() if r.status_code == 200 else r.text)
                except httpx.HTTPError as exc:
                    status, body = 0, repr(exc)
                with lock:
                    results.append((start, kind, q, status, body))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    try:
        for t in threads:
            t.start()
        time.sleep(1.0)
        notes = tmp_path / "notes"
        notes.mkdir()
        (notes / "ferry.md").write_text(
            "# Ferry notes\n\nThe Gull Island ferry mutual runs boats to the harbour twice "
            "a day.\n", encoding="utf-8")
        indexing = time.monotonic()
        indexed = subprocess.run(
            [sys.executable, "-m", "assistant", "index", str(notes), "--index-dir", index_dir],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
        published = time.monotonic()
        assert indexed.returncode == 0, indexed.stderr
        time.sleep(3.0)
    finally:
        done.set()
        for t in threads:
            t.join(timeout=120)
        server.close()

    errors = [r for r in results if r[3] != 200]
    assert errors == [], errors[:3]
    new = _gist(assistant.ask(NEW_QUESTION).as_json())  # this process sees the new index too
    assert not new[0] and "Ferry notes" in str(new) and new != old
    asked = [r for r in results if r[2] == NEW_QUESTION]
    before = [r for r in asked if r[0] < indexing]
    after = [r for r in asked if r[0] > published]
    assert before and after, "no request before the reindex, or none after it"
    assert all(_gist(r[4]) == old for r in before)
    assert all(_gist(r[4]) in (old, new) for r in asked)  # those in flight: either
    assert all(_gist(r[4]) == new for r in after)
    assert len(results) >= 20
    assert "Traceback" not in server.stderr()
