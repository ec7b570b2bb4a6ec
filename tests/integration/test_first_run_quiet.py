"""The first `assistant ask` on a new machine (issue 11, item 18).

The model is exported to ONNX once per machine. Users see one line saying so, then the
answer: no "Loading weights" bar, no TracerWarning, no ONNX UserWarning with
site-packages paths.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from index.encoders.onnx_export import PREPARING

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.integration
def test_first_ask_prints_one_line_while_the_model_is_prepared(tmp_path):
    env = dict(os.environ, HOME=str(tmp_path / "home"), XDG_DATA_HOME=str(tmp_path / "data"),
               XDG_CONFIG_HOME=str(tmp_path / "config"), XDG_CACHE_HOME=str(tmp_path / "cache"),
               ASSISTANT_ENCODER_CACHE=str(tmp_path / "encoders"), PYTHONWARNINGS="default")
    for var in ("HF_HUB_DISABLE_PROGRESS_BARS", "TRANSFORMERS_VERBOSITY",
                "ORT_DISABLE_TELEMETRY", "ORT_TELEMETRY_DISABLED"):
        env.pop(var, None)
    proc = subprocess.run(
        [sys.executable, "-m", "assistant", "ask",
         "What are the benefits of partnerships for mutuals?",
         "--index-dir", str(tmp_path / "index")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert lines == [
        "No index yet: indexing the bundled documents (first run only)…", PREPARING], lines
    assert "Sources:" in proc.stdout
    assert any((tmp_path / "encoders").iterdir())  # the export was really made
    # ONNX Runtime's telemetry is off: no device id written anywhere under the home or
    # cache folders (issue 13, item 16).
    assert not list(tmp_path.rglob("deviceid")), list(tmp_path.rglob("deviceid"))
    assert not list(tmp_path.rglob("DeveloperTools"))
