"""Keyboard everywhere: help, command palette; errors become notifications, not crashes."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.tui.helpers import ask, settle, shown
from tui.app import make_app
from tui.commands import COMMANDS
from tui.screens.ask import AskScreen
from tui.screens.documents import DocumentsScreen
from tui.screens.excerpts import ExcerptsScreen
from tui.screens.help import HelpScreen
from tui.screens.source import SourceScreen
from tui.screens.topics import TopicsScreen


def _notes(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


async def test_help_opens_with_f1_and_question_mark_and_lists_keys(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(shown(s) for s in app.screen.query(Static))
        for key in ("F2", "F3", "F4", "F5", "Ctrl+P", "Escape"):
            assert key in text
        # At 80 columns a long description wraps inside its own column, never under
        # the keys (no "Recommendations" at column 0 of the box).
        keys = [s for s in app.screen.query(".help-key") if shown(s) == "F2"]
        what = keys[0].parent.query_one(".help-what")
        assert "Recommendations" in shown(what)
        assert what.region.x >= keys[0].region.right
        assert what.region.right <= app.screen.query_one("#help").region.right
        await pilot.press("escape")
        assert isinstance(app.screen, AskScreen)
        await pilot.press("f2")
        await pilot.press("question_mark")  # ? works where nothing is being typed
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("question_mark")
        assert isinstance(app.screen, TopicsScreen)


async def test_every_palette_command_names_a_real_action(assistant):
    app = make_app(assistant)
    screens = (AskScreen, SourceScreen, TopicsScreen, ExcerptsScreen, DocumentsScreen)
    for _title, _help, action in COMMANDS:
        name = action.removeprefix("screen.").split("(")[0]
        if action.startswith("screen."):
            assert any(hasattr(s, f"action_{name}") for s in screens), action
        else:
            assert hasattr(app, f"action_{name}"), action


async def test_command_palette_runs_actions_by_name(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        for title, expected in (("Topics", TopicsScreen), ("Excerpts", ExcerptsScreen),
                                ("Documents", DocumentsScreen)):
            await pilot.press("ctrl+p")
            await pilot.pause()
            await pilot.press(*title)
            await pilot.pause(0.3)
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, expected), title
        await pilot.press("ctrl+p")
        await pilot.press(*"Ask a question")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert app.screen.query_one("#question").has_focus


async def test_errors_become_notifications_not_crashes(assistant, tmp_path, monkeypatch):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)

        def broken(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
            raise RuntimeError("index file [bold]damaged[/]")

        monkeypatch.setattr(assistant, "ask", broken)
        await ask(app, pilot, "What are the benefits?")
        assert any("Could not answer: index file [bold]damaged[/]" in m for m in _notes(app))
        assert "damaged" in shown(app.screen.query_one("#answer", Static))
        monkeypatch.undo()

        # Export to a path that cannot be written.
        await ask(app, pilot, "What are the benefits of partnership?")
        await pilot.press("f5")
        await pilot.press("f3")
        await pilot.press("s")
        await pilot.pause()
        blocker = tmp_path / "file"
        blocker.write_text("x")
        app.screen.query_one(Input).value = str(blocker / "sub" / "out.md")
        await pilot.press("enter")
        await pilot.pause()
        assert any(m.startswith("Cannot write") for m in _notes(app))

        # Add a folder that does not exist.
        await pilot.press("f4")
        await pilot.press("a")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "missing")
        await pilot.press("enter")
        await pilot.pause()
        assert any(m.startswith("No such file or folder") for m in _notes(app))
        assert not app.indexing
        assert app.return_code is None  # still running, no crash


async def test_palette_export_and_reindex_work_from_the_ask_screen(assistant):
    from tui.screens.prompt import PathPrompt

    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the benefits of partnership?")
        await pilot.press("f5")
        assert app.excerpts
        await app.run_action("export_excerpts")
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        await pilot.press("escape")
        assert isinstance(app.screen, ExcerptsScreen)
        await app.run_action("reindex")
        await pilot.pause()
        await settle(app, pilot)
        assert isinstance(app.screen, DocumentsScreen)
        assert "unchanged" in shown(app.screen.query_one("#results-text", Static))
