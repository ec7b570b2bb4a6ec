"""Starting the assistant's servers for tests: as a user would (``python -m assistant
serve|mcp|web`` in a subprocess, on loopback), or in-process on a real uvicorn."""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class ServerProcess:
    """``python -m assistant <args>`` running until closed; ``url`` is where it listens."""

    def __init__(self, *args: str, stderr: Path, env: dict | None = None,
                 timeout: float = 180) -> None:
        self.stderr_path = stderr
        self._err = stderr.open("wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "assistant", *args], cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=self._err, text=True,
                                     env=env)
        lines: queue.Queue[str] = queue.Queue()
        assert self.proc.stdout is not None
        threading.Thread(target=lambda: [lines.put(x) for x in self.proc.stdout],  # type: ignore[union-attr]
                         daemon=True).start()
        deadline = time.monotonic() + timeout
        self.first_line = ""
        while time.monotonic() < deadline and self.proc.poll() is None:
            try:
                self.first_line = lines.get(timeout=0.2)
                break
            except queue.Empty:
                continue
        found = re.search(r"http://[^\s/]+", self.first_line)
        if not found:
            self.close()
            raise AssertionError(f"the server did not start: {self.first_line!r}\n"
                                 f"{self.stderr()}")
        self.url = found.group(0).rstrip(".")

    def stderr(self) -> str:
        if not self._err.closed:
            self._err.flush()
        return self.stderr_path.read_text(encoding="utf-8", errors="replace")

    def close(self) -> int:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._err.close()
        return self.proc.returncode


class InProcessServer:
    """An ASGI app on a real uvicorn on 127.0.0.1, in a thread of the test process."""

    def __init__(self, app: object) -> None:
        import uvicorn

        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [self.sock]},
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            assert time.monotonic() < deadline and self.thread.is_alive(), "uvicorn did not start"
            time.sleep(0.02)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=20)
        self.sock.close()
