"""The ``web``, ``mcp`` and ``serve`` commands: the assistant where people work.

Kept apart from ``assistant.cli`` so that its start-up stays light: nothing here imports
a server library until one of these commands runs.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from assistant.textsafe import terminal_safe


def _port(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {value!r}") from None
    if not 0 <= n <= 65535:
        raise argparse.ArgumentTypeError("a port is between 0 and 65535 (0: any free port)")
    return n


def add_parsers(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    """Add the three commands to the ``assistant`` parser."""
    web = sub.add_parser("web", parents=[common],
                         help="serve the app to a browser (loopback only)")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (loopback)")
    web.add_argument("--port", type=_port, default=8000, help="port (default 8000)")

    mcp = sub.add_parser("mcp", parents=[common],
                         help="MCP server for AI assistants (stdio, or --http)")
    mcp.add_argument("--http", action="store_true",
                     help="streamable HTTP at /mcp instead of stdin/stdout")
    mcp.add_argument("--host", default="127.0.0.1",
                     help="with --http: address to listen on (default 127.0.0.1)")
    mcp.add_argument("--port", type=_port, default=8001, help="with --http: port (default 8001)")
    mcp.add_argument("--token", default=None,
                     help="with --http: require 'Authorization: Bearer TOKEN' "
                     "(needed off loopback; or set $ASSISTANT_TOKEN)")

    srv = sub.add_parser("serve", parents=[common],
                         help="read-only HTTP API for a team (JSON, OpenAPI)")
    srv.add_argument("--host", default="127.0.0.1", help="address to listen on (default "
                     "127.0.0.1; any other needs --token)")
    srv.add_argument("--port", type=_port, default=8080, help="port (default 8080)")
    srv.add_argument("--token", default=None,
                     help="require 'Authorization: Bearer TOKEN' on every request "
                     "(needed off loopback; or set $ASSISTANT_TOKEN)")
    srv.add_argument("--threads", type=int, default=None,
                     help="questions answered at once (default: one per CPU core)")


def _assistant(args: argparse.Namespace):  # noqa: ANN202 - assistant.service.Assistant
    """The assistant over ``--index-dir``, with an index (the bundled corpus on first run)."""
    from assistant.service import Assistant

    assistant = Assistant.open(args.index_dir)
    assistant.on_notice = lambda line: print(line, file=sys.stderr, flush=True)
    if not assistant.has_index():
        print("No index yet: indexing the bundled documents (first run only)…",
              file=sys.stderr, flush=True)
        for f in assistant.index().failed:
            print(f"  skipped {terminal_safe(f['source'])}: {terminal_safe(f['reason'])}",
                  file=sys.stderr)
    return assistant


def _say(line: str) -> None:
    print(line, flush=True)


def _refuse(message: str) -> int:
    print(f"error: {terminal_safe(message)}", file=sys.stderr)
    return 2


def cmd_web(args: argparse.Namespace) -> int:
    from assistant.access import AccessError
    from assistant.web import check_host, serve_web

    try:
        check_host(args.host)
    except AccessError as exc:
        return _refuse(str(exc))
    _assistant(args)
    return serve_web(args.index_dir, args.host, args.port,
                     ready=lambda url: _say(f"Open {url} in a browser (Ctrl+C to stop)."))


def cmd_mcp(args: argparse.Namespace) -> int:
    from assistant.access import AccessError, resolve_token

    token = None
    if args.http:
        try:
            token = resolve_token(args.host, args.token, "mcp --http")
        except AccessError as exc:
            return _refuse(str(exc))
    elif args.token:
        return _refuse("--token is for --http: over stdio the AI assistant that started "
                       "the server is the only client")
    assistant = _assistant(args)
    from assistant import mcp_server

    if not args.http:
        return mcp_server.run_stdio(assistant)
    return mcp_server.run_http(
        assistant, args.host, args.port, token,
        ready=lambda url: _say(f"MCP server (streamable HTTP) at {url}/mcp"
                               f"{'; bearer token required' if token else ''}"
                               " (Ctrl+C to stop)."))


def cmd_serve(args: argparse.Namespace) -> int:
    from assistant.access import AccessError, resolve_token

    try:
        token = resolve_token(args.host, args.token, "serve")
    except AccessError as exc:
        return _refuse(str(exc))
    if args.threads is not None and not 1 <= args.threads <= 64:
        return _refuse("--threads must be between 1 and 64")
    assistant = _assistant(args)
    from assistant.api import serve

    needs = "; bearer token required" if token else ""
    return serve(assistant, args.host, args.port, token, threads=args.threads,
                 ready=lambda url: _say(f"Serving the read-only API on {url} (OpenAPI at "
                                        f"{url}/openapi.json{needs}). Ctrl+C to stop."))


HANDLERS: dict[str, Callable[[argparse.Namespace], int]] = {
    "web": cmd_web, "mcp": cmd_mcp, "serve": cmd_serve}
