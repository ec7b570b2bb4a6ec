"""Running an ASGI app on uvicorn: bind first (``--port 0`` picks a free port), say
where it listens once it accepts connections, stop cleanly on Ctrl+C."""

from __future__ import annotations

import asyncio
import socket
import sys
from collections.abc import Callable
from typing import Any


def url_of(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host and not host.startswith("[") else host
    return f"http://{shown}:{port}"


def run_asgi(app: Any, host: str, port: int, ready: Callable[[str], None] | None = None,
             log_level: str = "warning") -> int:
    """Serve ``app`` until interrupted; ``ready(url)`` is called once it is listening."""
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            lifespan="on", server_header=False)
    # IPPROTO_TCP named: asyncio turns Nagle off (TCP_NODELAY) only on sockets that say so,
    # and without it every reply on a kept-alive connection waited ~40 ms for an ACK.
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM,
                         socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as exc:
        sock.close()
        print(f"error: cannot listen on {url_of(host, port)}: {exc.strerror or exc}",
              file=sys.stderr)
        return 1
    server = uvicorn.Server(config)

    async def main() -> None:
        task = asyncio.create_task(server.serve(sockets=[sock]))
        while not server.started and not task.done():
            await asyncio.sleep(0.02)
        if server.started and ready is not None:
            ready(url_of(host, sock.getsockname()[1]))
        await task

    asyncio.run(main())
    return 0
