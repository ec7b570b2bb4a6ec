"""First start of the terminal app: seconds from launching it to "Ready", as a user waits.

    python benchmarks/first_start.py [--runs 3]

Each run starts the app (headless, 120x40) in a new process with a fresh ``HOME`` and
no ``XDG_*`` or ``ASSISTANT_*`` variables, so nothing of an earlier run is reused, and
times it from just before the process is started until the ask screen says "Ready".
Three cases, each the median of ``--runs``:

* fresh: nothing on disk (the model is exported to ONNX once, then the bundled
  documents are indexed);
* encoder kept: the export is kept, the index is not (a new index folder);
* later start: both kept.

The status lines the app showed on the way are printed for the first fresh run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

CHILD = r"""
import json, os, sys, time
t0 = float(os.environ["FIRST_START_T0"])
from assistant.service import Assistant
from tui.app import MutualsApp
from tui.messages import AssistantReady

seen = []

class Timed(MutualsApp):
    CSS_PATH = os.path.join(os.path.dirname(sys.modules["tui.app"].__file__), "app.tcss")

    def on_assistant_ready(self, message: AssistantReady) -> None:
        super().on_assistant_ready(message)
        self.call_after_refresh(self._done)

    def _done(self) -> None:
        status = self.screen.query_one("#status").render()
        seen.append(str(status))
        self.exit(0)

def watch(app):
    from textual.widgets import Label
    last = None
    def poll():
        nonlocal last
        try:
            text = str(app.screen.query_one("#status", Label).render())
        except Exception:
            return
        if text != last:
            seen.append(text)
            last = text
    app.set_interval(0.05, poll)

app = Timed(Assistant.open())
app.call_later(watch, app)
app.run(headless=True, size=(120, 40))
print(json.dumps({"seconds": time.time() - t0, "status": seen}))
"""


def _env(home: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "ASSISTANT_"))}
    env["HOME"] = str(home)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _start(home: Path) -> dict:
    env = _env(home)
    env["FIRST_START_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-c", CHILD], env=env, cwd=home,
                         capture_output=True, text=True, timeout=600, check=False)
    if out.returncode != 0:
        raise SystemExit(f"the app failed to start:\n{out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3, help="runs of each case (default 3)")
    args = ap.parse_args()
    times: dict[str, list[float]] = {"fresh": [], "encoder kept": [], "later start": []}
    shown: list[str] = []
    for i in range(args.runs):
        home = Path(tempfile.mkdtemp(prefix="first-start-"))
        try:
            fresh = _start(home)
            times["fresh"].append(fresh["seconds"])
            if i == 0:
                shown = fresh["status"]
            shutil.rmtree(home / ".local" / "share")  # the index goes, the export stays
            times["encoder kept"].append(_start(home)["seconds"])
            times["later start"].append(_start(home)["seconds"])
        finally:
            shutil.rmtree(home, ignore_errors=True)
    print(f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}; "
          f"median of {args.runs} runs, seconds to 'Ready':")
    for case, values in times.items():
        print(f"  {case:<13} {statistics.median(values):5.1f} s   "
              f"(runs: {', '.join(f'{v:.1f}' for v in values)})")
    print("status lines of the first fresh start:")
    for line in dict.fromkeys(shown):
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
