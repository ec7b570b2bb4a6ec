"""The core modules the app relies on (topics, excerpts) never import Textual or the app.

tests/test_import_hygiene.py covers the rest of the core.
"""

from __future__ import annotations

import subprocess
import sys

CORE = ["assistant.topics", "assistant.excerpts", "assistant.service"]


def test_core_modules_do_not_import_textual():
    code = (
        "import importlib, sys\n"
        f"for m in {CORE!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules\n"
        "             if m in ('textual', 'tui') or m.startswith(('textual.', 'tui.')))\n"
        "print(','.join(bad))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
