"""Notifications never carry terminal escape sequences (issue 11, item 1).

Textual's ``notify(markup=False)`` keeps an ESC as it is; a path or a title holding an
OSC 52 clipboard-write sequence must reach the screen as visible escapes.
"""

from __future__ import annotations

from tests.tui.helpers import settle
from tui.app import make_app
from tui.screens.documents import DocumentsScreen

OSC52 = "\x1b]52;c;aGVsbG8=\x07"


async def test_a_hostile_path_in_a_notification_is_shown_literally(tmp_path):
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder

    assistant = Assistant.open(tmp_path / "ix", embedder=FakeEmbedder())
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        app.screen.add_path(str(tmp_path / f"[b]missing{OSC52}"))
        await pilot.pause()
        messages = [n.message for n in app._notifications]
        shown = [m for m in messages if "missing" in m]
        assert shown, messages
        assert all("\x1b" not in m and "\x07" not in m for m in messages)
        assert "[b]missing\\x1b]52;c;aGVsbG8=\\x07" in shown[0]
