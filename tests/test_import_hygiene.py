"""The core never imports Textual, and the CLI starts without the heavy ML stack."""

import json
import subprocess
import sys

CORE = [
    "corpus", "corpus.loaders", "corpus.chunking", "index.builder", "index.reader",
    "assistant", "assistant.service", "assistant.cli", "assistant.answer",
    "assistant.api", "assistant.mcp_server", "assistant.web", "assistant.servers_cli",
]


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, timeout=120,
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_core_never_imports_textual():
    mods = _modules_after("\n".join(f"import {m}" for m in CORE))
    assert not {m for m in mods if m == "textual" or m.startswith("textual.")}


def test_cli_import_is_light():
    mods = _modules_after("import assistant.cli")
    heavy = {"torch", "sentence_transformers", "transformers", "faiss", "textual", "pypdf"}
    assert not heavy & mods


def test_cli_start_up_imports_no_server_library():
    """`assistant ask` pays nothing for `web`, `mcp` and `serve` (issue 15)."""
    mods = _modules_after("import assistant.cli\nassistant.cli._parser()")
    servers = {"starlette", "uvicorn", "mcp", "mcp_types", "textual_serve", "aiohttp", "anyio",
               "pydantic", "httpx", "httpx2"}
    assert not {m.split(".")[0] for m in mods} & servers
