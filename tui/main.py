"""The ``assistant`` program: the command line, and the terminal app when no command is
given (``assistant`` or ``assistant tui``; also ``python -m tui``).

The app sits above the core (``tui → assistant → index → corpus``), so the program's
entry point is here and hands ``assistant.cli`` the way to open it. The app is imported
only when it is opened, so ``assistant ask`` starts without Textual; an error importing
it is reported as any other error, never hidden.
"""

from __future__ import annotations

from assistant.cli import main as cli_main


def open_app(index_dir: str | None) -> int:
    """Open the terminal app over ``index_dir`` (None: the configured index folder)."""
    from tui.app import run

    return run(index_dir=index_dir)


def main(argv: list[str] | None = None) -> int:
    return cli_main(argv, open_app=open_app)
