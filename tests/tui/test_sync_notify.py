"""Notifications of a GOV.UK sync's outcome show server text literally (issue 11, item 2).

``notify(markup=False)`` keeps ``[...]`` as typed but passes an ESC through to the
terminal; a sync's offline line and errors can hold hosts and URLs from the API.
"""

from __future__ import annotations

from assistant.sync import SyncReport
from tests.tui.helpers import settle
from tui.app import make_app
from tui.messages import IndexFinished

EVIL = "https://www.gov.uk/x\x1b]0;owned\x07\x1b[2J"


async def test_sync_notifications_show_escape_sequences_as_visible_text(assistant, tmp_path):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        offline = SyncReport(folder=str(tmp_path), offline=f"offline: cannot reach {EVIL}")
        lost = SyncReport(folder=str(tmp_path), pages=["https://www.gov.uk/a"],
                          offline=f"network lost: connection to {EVIL} broke")
        shown = []
        for finished in (IndexFinished(sync=offline, error=offline.offline),
                         IndexFinished(sync=lost, error=f"Indexing failed: {EVIL}")):
            app.post_message(finished)  # away from the documents screen: a notification
            await settle(app, pilot)
            notes = [n.message for n in app._notifications]
            assert len(notes) == 1 and "\x1b" not in notes[0] and "\x07" not in notes[0]
            shown.append(notes[0])
        assert "Offline: cannot reach https://www.gov.uk/x\\x1b]0;owned\\x07\\x1b[2J" in shown[0]
        assert "Network lost: connection to https://www.gov.uk/x\\x1b]0;owned" in shown[1]
        assert "Indexing failed: https://www.gov.uk/x\\x1b]0;owned" in shown[1]
