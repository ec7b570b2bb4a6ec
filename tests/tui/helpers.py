"""Small helpers for driving the app in tests."""

from __future__ import annotations

from textual.widgets import Static


def shown(static: Static) -> str:
    """The text a Static widget displays (after Textual's own conversion)."""
    return static.visual.plain  # type: ignore[union-attr]


def styles_of(static: Static) -> list:
    """Textual ``Style`` objects of the spans a Static widget displays."""
    return [span.style for span in static.visual.spans]  # type: ignore[union-attr]


async def settle(app, pilot) -> None:  # noqa: ANN001
    """Wait until every worker is done and the screen has processed the results."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def ask(app, pilot, question: str) -> None:  # noqa: ANN001
    from tui.widgets.question_input import QuestionInput

    box = app.screen.query_one("#question", QuestionInput)
    box.focus()
    box.value = question
    await pilot.press("enter")
    await settle(app, pilot)


def rendered(renderable, width: int = 100) -> str:  # noqa: ANN001
    """Plain text of a Rich renderable as a terminal would show it."""
    import io

    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO())
    console.print(renderable)
    return console.export_text()


async def wait_until(pilot, condition, timeout: float = 30.0, what: str = "") -> None:  # noqa: ANN001
    """Let the app run until ``condition()`` holds; fail (never hang) after ``timeout``."""
    import time

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what or condition}")
        await pilot.pause(0.02)


def screen_text(app) -> list[str]:  # noqa: ANN001
    """The lines of the terminal as the app last drew them (toasts and all)."""
    import io

    from rich.console import Console

    width, height = app.size
    console = Console(width=width, height=height, file=io.StringIO(), record=True,
                      force_terminal=True, color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(
        full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()
