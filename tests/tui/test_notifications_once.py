"""Each message is shown once, and notifications never stack over the lists (issue 13,
item 8).

A user saw toasts pile up over the sources list, and the offline sync message three
times on the documents screen (status line, panel, toast). Now: one toast at a time, a
new one replacing the old, one line tall; a run's outcome is said in the documents
screen's status line, or as the one notification when that screen is not showing.
The app runs with notifications on (``run_test`` turns them off by default) over a small
index built with the fake embedder.
"""

from __future__ import annotations

import pytest
from textual.widgets import Label, Static
from textual.widgets._toast import Toast

from assistant.sync import SyncReport
from tests.tui.helpers import screen_text, settle, shown, wait_until
from tui.app import make_app
from tui.messages import IndexFinished
from tui.results import outcome
from tui.screens.documents import DocumentsScreen

OFFLINE = ("offline: cannot reach www.gov.uk ([Errno 111] Connection refused); "
           "nothing was changed")


@pytest.fixture
def small(tmp_path, monkeypatch):
    """An Assistant over an index of one Markdown note (fake embedder)."""
    import index.builder
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Ferry mutual\n\nThe ferry mutual repairs boats.\n",
                                  encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)
    assistant = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    assistant.index()
    return assistant


def _toasts(app) -> list[Toast]:  # noqa: ANN001
    return list(app.screen.query(Toast))


def _on_screen(app, text: str) -> int:  # noqa: ANN001
    """How many times ``text`` is on the terminal (toasts included)."""
    return sum(line.count(text) for line in screen_text(app))


async def _documents(app, pilot) -> None:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press("f4")
    await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                     and app.screen.is_mounted, what="the documents screen")
    await pilot.pause()


async def test_a_new_notification_replaces_the_one_showing_on_one_line(small):
    app = make_app(small)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        app.notify("Marked 1 excerpt.")
        app.notify("Already in the excerpts list.")
        await pilot.pause(0.2)
        toasts = _toasts(app)
        assert [t._notification.message for t in toasts] == ["Already in the excerpts list."]
        assert toasts[0].region.height == 1
        # It sits on the bottom border of the sources list: no row of the list is hidden.
        sources = app.screen.query_one("#sources")
        assert toasts[0].region.y >= sources.region.bottom - 1
        assert _on_screen(app, "Marked 1 excerpt") == 0

        long = "Cannot write /home/user/" + "deeply/nested/" * 12 + "excerpts.md: denied"
        app.error(long)
        await pilot.pause(0.2)
        (toast,) = _toasts(app)
        assert toast.region.height == 1  # cut with an ellipsis, not wrapped over the list
        line = next(x for x in screen_text(app) if "Cannot write" in x)
        assert "…" in line


async def test_the_offline_sync_message_is_shown_once_on_the_documents_screen(small):
    app = make_app(small)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _documents(app, pilot)
        sync = SyncReport(folder="/data/govuk", offline=OFFLINE)
        app.post_message(IndexFinished(sync=sync, error=sync.offline))
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert _on_screen(app, "cannot reach www.gov.uk") == 1
        status = shown(app.screen.query_one("#index-status", Label))
        assert status == ("Offline: cannot reach www.gov.uk ([Errno 111] Connection "
                          "refused); nothing was changed.")
        assert not _toasts(app)
        results = shown(app.screen.query_one("#results-text", Static))
        assert results.startswith("Last finished run: 1 document, 1 passage")


async def test_a_reindex_on_the_documents_screen_says_done_once(small):
    app = make_app(small)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await _documents(app, pilot)
        await pilot.press("r")
        await wait_until(pilot, lambda: not app.indexing, what="the reindex")
        await settle(app, pilot)
        await pilot.pause(0.2)
        assert shown(app.screen.query_one("#index-status", Label)).startswith(
            "Done: 1 document, 1 passage — 0 added, 0 updated, 1 unchanged")
        assert _on_screen(app, "Done:") == 1 and not _toasts(app)


async def test_a_run_that_ends_away_from_the_documents_screen_is_one_notification(small):
    """Left during a reindex, the documents screen cannot say how it ended: a toast does."""
    app = make_app(small)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        report = small.index()
        app.post_message(IndexFinished(report=report))
        await settle(app, pilot)
        await pilot.pause(0.2)
        (toast,) = _toasts(app)
        assert toast._notification.message.startswith("Done: 1 document, 1 passage — ")
        assert _on_screen(app, "Done:") == 1


async def test_a_start_up_failure_is_said_in_the_status_line_only(small, monkeypatch):
    def broken() -> None:
        raise RuntimeError("the model files are damaged")

    monkeypatch.setattr(small, "warm_up", broken)
    app = make_app(small)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.pause(0.2)
        status = shown(app.screen.query_one("#status", Label))
        assert status == ("Not ready: Could not load the model or index: "
                          "the model files are damaged")
        assert _on_screen(app, "damaged") == 1 and not _toasts(app)


def test_a_runs_outcome_is_one_line_said_once():
    offline = SyncReport(folder="/data/govuk", offline="offline: cannot reach www.gov.uk; "
                         "nothing was changed")
    assert outcome(IndexFinished(sync=offline, error=offline.offline)) == (
        "Offline: cannot reach www.gov.uk; nothing was changed.", "warning")
    lost = SyncReport(folder="/data/govuk", pages=["https://www.gov.uk/a"],
                      downloaded=["/data/govuk/a.html"],
                      offline="network lost: connection reset; synced 1 page")
    text, severity = outcome(IndexFinished(sync=lost, cancelled=True,
                                           error="Sync cancelled before indexing."))
    assert text == ("GOV.UK sync: 1 page — 1 downloaded, 0 unchanged, 0 removed, 0 failed. "
                    "Network lost: connection reset; synced 1 page. "
                    "Sync cancelled before indexing.")
    assert severity == "warning"
    assert outcome(IndexFinished(error="Indexing failed: disk full")) == (
        "Indexing failed: disk full.", "error")
