"""``assistant web``: the terminal app served to a browser with textual-serve.

There is no second UI: each browser tab runs the same Textual app (``assistant tui``)
in its own process, drawn in the page by textual-serve's xterm.js. The page fetches
nothing from other sites (textual-serve's own template asks a web-font service for its
font; ours uses the copy textual-serve ships).

The app can add folders, reindex and sync, so it is served on loopback only.
"""

from __future__ import annotations

import shlex
import socket
import sys
from pathlib import Path
from typing import Any

from assistant.access import AccessError, is_loopback

TITLE = "Mutuals partnership assistant"
TEMPLATES = Path(__file__).resolve().parent / "web_templates"
_PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def app_command(index_dir: str | None) -> str:
    """The shell command textual-serve runs for each browser tab: this Python, this
    copy of the code, the terminal app (``python -m tui``) over the same index."""
    args = [sys.executable, "-m", "tui"]
    if index_dir:
        args += ["--index-dir", str(Path(index_dir).expanduser().absolute())]
    path = shlex.quote(str(_PACKAGE_ROOT))
    return f'PYTHONPATH={path}"${{PYTHONPATH:+:$PYTHONPATH}}" ' + shlex.join(args)


def check_host(host: str) -> None:
    if not is_loopback(host):
        raise AccessError(
            f"`assistant web` serves the whole app (which can add files, reindex and sync) "
            f"and has no sign-in, so it only listens on loopback, not {host!r}. For a team, "
            "use `assistant serve` (read-only, with --token)."
        )


def serve_web(index_dir: str | None, host: str = "127.0.0.1", port: int = 8000,
              ready: Any = None) -> int:
    """Serve the app until interrupted; ``ready(url)`` is called once it listens."""
    from aiohttp import web
    from textual_serve.server import Server

    check_host(host)

    class AppServer(Server):
        def __init__(self) -> None:
            super().__init__(app_command(index_dir), host=host, port=port, title=TITLE,
                             templates_path=TEMPLATES)
            self.sock: socket.socket | None = None

        def initialize_logging(self) -> None:  # only warnings, on stderr
            import logging

            logging.basicConfig(level="WARNING", stream=sys.stderr, format="%(message)s")

        async def on_startup(self, app: web.Application) -> None:
            if ready is not None:
                ready(self.public_url)

        def serve(self, debug: bool = False) -> None:
            family = socket.AF_INET6 if ":" in host else socket.AF_INET
            self.sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            self.sock.bind((host.strip("[]"), port))
            from assistant.serving import url_of

            self.port = self.sock.getsockname()[1]
            self.public_url = url_of(host, self.port)
            self.initialize_logging()
            import asyncio
            import signal

            loop = asyncio.new_event_loop()
            asyncio.set_event_loop(loop)
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(sig, self.request_exit)
            web.run_app(self._make_app(), sock=self.sock, handle_signals=False, loop=loop,
                        print=lambda *args: None)
            # The loop is closed now; an app process's pipe transport collected after it
            # would print asyncio's "Event loop is closed" from its __del__: shutdown
            # noise, not an error a user should see.
            sys.unraisablehook = lambda _unraisable: None

    server = AppServer()
    try:
        server.serve()
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    return 0
