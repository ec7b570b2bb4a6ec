"""Who may reach a server: loopback by default, a bearer token for anything else.

Shared by ``assistant serve`` (the HTTP API) and ``assistant mcp --http``. The token
check is plain ASGI, so it wraps any ASGI app (ours, or the MCP SDK's) and imports
nothing heavy.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import os
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

TOKEN_ENV = "ASSISTANT_TOKEN"
"""Environment variable read when ``--token`` is not given (a token on the command line
can be seen by other users of the machine in the process list)."""

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]],
                   Awaitable[None]]


class AccessError(Exception):
    """A server cannot start with these settings (message meant for the user)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` only accepts connections from this machine."""
    name = host.strip().strip("[]").lower()
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False  # another name: it may resolve to a public address


def resolve_token(host: str, token: str | None, command: str) -> str | None:
    """The bearer token to require, or None; refuses a non-loopback host without one."""
    token = token if token is not None else os.environ.get(TOKEN_ENV) or None
    if token is not None and len(token) < 16:
        raise AccessError("the token must be at least 16 characters long "
                          "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe())'`)")
    if token is None and not is_loopback(host):
        raise AccessError(
            f"`assistant {command} --host {host}` would let other machines in: give a "
            f"bearer token with --token TOKEN (or ${TOKEN_ENV}), or keep the default "
            "--host 127.0.0.1"
        )
    return token


class BearerAuth:
    """ASGI middleware: every HTTP request must carry ``Authorization: Bearer <token>``.

    Refused requests get ``401`` with a JSON error, before the app sees them.
    """

    def __init__(self, app: ASGIApp, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)  # lifespan
            return
        given = dict(scope.get("headers") or []).get(b"authorization", b"")
        if hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        what = "wrong bearer token" if given else "missing bearer token"
        body = json.dumps({"error": f"unauthorized: {what} (send 'Authorization: "
                                    "Bearer <token>')"}).encode()
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 401, "headers": [
            (b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
            (b"www-authenticate", b'Bearer realm="assistant"')]})
        await send({"type": "http.response.body", "body": body})
