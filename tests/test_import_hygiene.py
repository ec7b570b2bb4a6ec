"""The layers hold: ``tui → assistant → index → corpus``, the app reaches the core only
through ``assistant``, and the core never imports Textual (the import-linter contracts in
``pyproject.toml``); every core module imports without Textual; the CLI starts without
the heavy ML stack."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_PACKAGES = ("corpus", "index", "assistant")


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
        capture_output=True, text=True, check=True, timeout=120, cwd=ROOT,
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def _core_modules() -> list[str]:
    """Every module of the core packages (``__main__`` modules run a program: skipped)."""
    names = []
    for package in CORE_PACKAGES:
        names.append(package)
        for info in pkgutil.walk_packages([str(ROOT / package)], prefix=package + "."):
            if not info.name.endswith("__main__"):
                names.append(info.name)
    return names


def test_import_contracts_hold(capsys: pytest.CaptureFixture[str], monkeypatch):
    from importlinter.cli import lint_imports

    monkeypatch.chdir(ROOT)
    monkeypatch.syspath_prepend(str(ROOT))
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True,
                        no_logo=True)
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 broken" in out and "3 kept" in out, out


def test_no_core_module_imports_textual():
    modules = _core_modules()
    assert {"assistant.cli", "assistant.service", "index.builder", "corpus.loaders"} <= set(
        modules)
    mods = _modules_after("import importlib\n" + "\n".join(
        f"importlib.import_module({m!r})" for m in modules))
    assert not {m for m in mods if m in ("textual", "tui") or m.startswith(("textual.", "tui."))}


def test_cli_import_is_light():
    mods = _modules_after("import assistant.cli, tui.main")
    heavy = {"torch", "sentence_transformers", "transformers", "faiss", "textual", "pypdf"}
    assert not heavy & mods


def test_cli_start_up_imports_no_server_library():
    """`assistant ask` pays nothing for `web`, `mcp` and `serve` (issue 15)."""
    mods = _modules_after("import assistant.cli\nassistant.cli._parser()")
    servers = {"starlette", "uvicorn", "mcp", "mcp_types", "textual_serve", "aiohttp", "anyio",
               "pydantic", "httpx", "httpx2"}
    assert not {m.split(".")[0] for m in mods} & servers
