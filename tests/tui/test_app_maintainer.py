"""Maintainer flows: the last run's failed files on opening Documents; GOV.UK sync.

The sync runs against the loopback server of ``tests/assistant/test_sync.py`` (shaped
like the GOV.UK Content API): a publication with a PDF, an HTML attachment and an .xlsx
that is not indexed, and a guidance page.
"""

from __future__ import annotations

import os
import socket

import pytest
from textual.widgets import DataTable, Label, Static

from tests.assistant.test_sync import GUIDANCE, REPORT, FakeGovUK
from tests.tui.helpers import settle, shown, wait_until
from tui.app import make_app
from tui.screens.documents import DocumentsScreen


def _notes(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


def _titles(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one("#docs", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def _open_documents(app, pilot) -> None:  # noqa: ANN001
    await settle(app, pilot)
    await pilot.press("f4")
    await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                     and app.screen.is_mounted, what="the documents screen")
    await pilot.pause()


async def test_documents_screen_shows_the_last_runs_failed_files_with_reasons(
    assistant, tmp_path
):
    folder = tmp_path / "incoming"
    folder.mkdir()
    broken = folder / "[bold]budget[red] 2019.pdf"  # looks like markup: shown as typed
    broken.write_bytes(os.urandom(4096))
    docx = folder / "minutes.docx"
    docx.write_bytes(b"PK\x03\x04" + os.urandom(512))
    # A build outside the app (as `assistant index` would do), then a fresh app.
    report = assistant.index([folder])
    assert {f.source for f in report.failed} == {str(broken), str(docx)}

    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_documents(app, pilot)
        results = shown(app.screen.query_one("#results-text", Static))
        lines = results.splitlines()
        pdf_line = next(line for line in lines if str(broken) in line)
        assert pdf_line.startswith("failed") and "not a readable PDF" in pdf_line
        docx_line = next(line for line in lines if str(docx) in line)
        assert docx_line.startswith("failed")
        assert "unsupported file type .docx" in docx_line
        assert lines.index(pdf_line) < 2 and lines.index(docx_line) < 2  # failures first
        assert any(line.startswith("unchanged") for line in lines)
        status = shown(app.screen.query_one("#index-status", Label))
        assert status.startswith("Last run:") and "2 failed" in status


@pytest.fixture
def govuk(tmp_path):
    site = FakeGovUK(tmp_path)
    site.publish()
    site.thread.start()
    yield site
    site.server.shutdown()
    site.server.server_close()


def _point_sync_at(assistant, api: str, tmp_path) -> None:  # noqa: ANN001
    assistant.settings = assistant.settings.with_values({
        "govuk_api": api,
        "sync_sources": [f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}"],
        "sync_dir": str(tmp_path / "govuk"),
    })


async def test_sync_key_fetches_from_govuk_indexes_and_reports_each_file(
    assistant, govuk, tmp_path
):
    _point_sync_at(assistant, f"http://127.0.0.1:{govuk.port}/api/content", tmp_path)
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_documents(app, pilot)
        before = _titles(app)
        await pilot.press("s")
        await wait_until(pilot, lambda: not app.indexing, 120, "the sync to finish")
        await settle(app, pilot)
        assert isinstance(app.screen, DocumentsScreen)

        # The outcome once, in the status line: the sync, then the reindex that followed
        # (not also as notifications, issue 13 item 8).
        status = shown(app.screen.query_one("#index-status", Label))
        assert status.startswith("GOV.UK sync: 2 pages —") and "1 failed. Done:" in status
        assert not [n for n in _notes(app) if "GOV.UK sync" in n or "Done:" in n]
        results = shown(app.screen.query_one("#results-text", Static))
        assert "GOV.UK sync:" not in results and "Done:" not in results
        xlsx = next(line for line in results.splitlines() if "survey-data.xlsx" in line)
        assert xlsx.startswith("failed") and "not indexed" in xlsx
        downloaded = [line for line in results.splitlines() if line.startswith("downloaded")]
        assert len(downloaded) == 4  # two pages, the PDF and the HTML summary
        after = _titles(app)
        assert set(before) < set(after)
        assert "Spinning out a public service mutual" in after
        assert str((tmp_path / "govuk").absolute()) in assistant.source_paths()
    top = assistant.search("How long must staff ballots run before a spin-out?", k=1)[0]
    assert top.title == "Spinning out a public service mutual"


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


async def test_sync_from_the_palette_offline_says_so_in_one_line_and_changes_nothing(
    assistant, tmp_path
):
    _point_sync_at(assistant, f"http://127.0.0.1:{_closed_port()}/api/content", tmp_path)
    current = (assistant.layout.root / "CURRENT").read_text()
    sources = assistant.source_paths()
    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"Sync from GOV.UK")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                         and not app.indexing, 60, "the sync to give up")
        await settle(app, pilot)
        # Said once, where it belongs: the status line beside the sync (issue 13, item 8);
        # not also as a notification, nor again in the results panel.
        status = shown(app.screen.query_one("#index-status", Label))
        assert status.startswith("Offline: ") and "cannot reach 127.0.0.1" in status
        assert "nothing was changed" in status and "\n" not in status
        assert not [n for n in _notes(app) if "offline" in n.lower()]
        results = shown(app.screen.query_one("#results-text", Static))
        assert "offline" not in results.lower() and "cannot reach" not in results
        assert results.startswith("Last finished run")  # what is still live is listed
        await pilot.press("f1")
        help_text = " ".join(shown(s) for s in app.screen.query(Static))
        assert "sync from GOV.UK" in help_text  # the help lists s
    assert (assistant.layout.root / "CURRENT").read_text() == current
    assert assistant.source_paths() == sources
    assert not (tmp_path / "govuk").exists()


async def test_cancel_during_a_sync_keeps_the_files_and_leaves_the_index_as_it_was(
    assistant, govuk, tmp_path, monkeypatch
):
    import threading

    import assistant.sync as sync_module

    _point_sync_at(assistant, f"http://127.0.0.1:{govuk.port}/api/content", tmp_path)
    real_fetch = sync_module._fetch
    started, release = threading.Event(), threading.Event()

    def held_fetch(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        started.set()
        release.wait(30)
        return real_fetch(*args, **kwargs)

    monkeypatch.setattr(sync_module, "_fetch", held_fetch)
    current = (assistant.layout.root / "CURRENT").read_text()
    sources = assistant.source_paths()
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await _open_documents(app, pilot)
        try:
            await pilot.press("s")
            status = app.screen.query_one("#index-status", Label)
            await wait_until(pilot, lambda: started.is_set()
                             and "Fetching 2 GOV.UK pages" in shown(status),
                             what="the first request, shown as progress")
            await pilot.press("x")
            await wait_until(pilot, app._cancel.is_set, what="the cancel request")
        finally:
            release.set()
        await wait_until(pilot, lambda: not app.indexing, 60, "the sync to stop")
        await settle(app, pilot)
        status = shown(app.screen.query_one("#index-status", Label))
        assert status.startswith("GOV.UK sync: 2 pages —")
        assert "cancelled" in status.lower() and "index is unchanged" in status
        results = shown(app.screen.query_one("#results-text", Static))
        assert results.startswith("GOV.UK sync\n") and "\ndownloaded" in results
        assert "Last finished run" in results
    assert (assistant.layout.root / "CURRENT").read_text() == current
    assert assistant.source_paths() == sources
    assert "Spinning out a public service mutual" not in [d.title for d in assistant.sources()]
    assert (tmp_path / "govuk" / "manifest.toml").is_file()  # the downloads are kept
