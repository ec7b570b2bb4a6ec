"""Documents for maintainers: list, add a folder, reindex with progress, cancel; first run."""

from __future__ import annotations

import asyncio
import threading

from textual.widgets import DataTable, Input, Label, ProgressBar, Static

from tests.tui.helpers import settle, shown, wait_until
from tui.app import make_app
from tui.screens.documents import DocumentsScreen
from tui.screens.prompt import PathPrompt


def _footer(app) -> str:  # noqa: ANN001
    from textual.widgets._footer import FooterKey

    return " | ".join(k.render().plain.strip() for k in app.screen.query(FooterKey))


def _titles(app) -> list[str]:  # noqa: ANN001
    table = app.screen.query_one("#docs", DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_add_folder_reindex_progress_reaches_end_and_list_updates(assistant, tmp_path):
    new = tmp_path / "guidance"
    new.mkdir()
    (new / "consortia.md").write_text(
        "# Forming a consortium\n\nMutuals forming a consortium should agree a lead partner "
        "before bidding.\n", encoding="utf-8")
    (new / "scan.xyz").write_bytes(b"\x00\x01")
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await pilot.pause()
        assert isinstance(app.screen, DocumentsScreen)
        before = _titles(app)
        assert "Partnerships for Better Public Services" in before
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        app.screen.query_one(Input).value = str(new)
        await pilot.press("enter")
        await settle(app, pilot)
        bar = app.screen.query_one("#index-progress", ProgressBar)
        assert bar.total and bar.progress == bar.total
        assert "Done" in shown(app.screen.query_one("#index-status", Label))
        after = _titles(app)
        assert len(after) == len(before) + 1 and "Forming a consortium" in after
        # A Markdown file has no pages: the Pages column shows a dash, not "1".
        table = app.screen.query_one("#docs", DataTable)
        row = next(table.get_row_at(i) for i in range(table.row_count)
                   if str(table.get_row_at(i)[0]) == "Forming a consortium")
        assert str(row[1]) == "–"
        results = shown(app.screen.query_one("#results-text", Static))
        assert f"added     {new / 'consortia.md'}" in results
        assert f"failed    {new / 'scan.xyz'} — unsupported file type .xyz" in results
        assert "unchanged" in results
        assert str(new) in shown(app.screen.query_one("#source-list", Static))
        # The new document answers questions straight away.
        assert any(p.title == "Forming a consortium"
                   for p in assistant.search("lead partner for a consortium bid", k=3))


class BlockingEmbedder:
    """The real model, but embedding documents waits until the test lets it go."""

    def __init__(self, inner) -> None:  # noqa: ANN001
        self.inner = inner
        self.name = inner.name
        self.started = threading.Event()
        self.release = threading.Event()

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.inner, name)

    def encode_documents(self, texts, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
        self.started.set()
        self.release.wait(30)
        return self.inner.encode_documents(texts, *args, **kwargs)


async def test_escape_leaves_a_running_reindex_going_and_x_cancels_it(assistant, tmp_path):
    new = tmp_path / "more"
    new.mkdir()
    (new / "extra.md").write_text("# Extra\n\nShared services reduce costs.\n", encoding="utf-8")
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        blocking = BlockingEmbedder(assistant.embedder)
        assistant._embedder = blocking
        try:
            await pilot.press("f4")
            await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                             and app.screen.is_mounted and _titles(app), what="documents")
            before = _titles(app)
            app.screen.add_path(str(new))
            assert app.indexing
            # The build is inside the embedding step, held there until released.
            assert await asyncio.to_thread(blocking.started.wait, 30), "embedding never began"
            await pilot.press("escape")  # goes back; the job carries on
            await pilot.pause()
            assert not isinstance(app.screen, DocumentsScreen)
            assert app.indexing and not app._cancel.is_set()
            assert any("continues in the background" in n.message
                       for n in app._notifications)
            # Coming back shows the running job, and the earlier run's results.
            await pilot.press("f4")
            await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                             and app.screen.is_mounted, what="documents again")
            await pilot.pause()
            assert not app.screen.query_one("#index-progress", ProgressBar).has_class(
                "-hidden")
            assert "Embedding" in shown(app.screen.query_one("#index-status", Label))
            results = shown(app.screen.query_one("#results-text", Static))
            assert "No indexing run yet" not in results
            assert "Indexing is running" in results and "Last finished run" in results
            # The footer offers what can be done now: cancel, not another run.
            assert "x Cancel run" in _footer(app) and "r Reindex" not in _footer(app)
            await pilot.press("x")
            # The cancel must be registered before the build may go on; otherwise it could
            # finish first and the test would race the key press.
            await wait_until(pilot, app._cancel.is_set, what="the cancel request")
            assert isinstance(app.screen, DocumentsScreen)
        finally:
            blocking.release.set()  # a failure above must not leave the worker blocked
        await wait_until(pilot, lambda: not app.indexing, what="the build to stop")
        await settle(app, pilot)
        assert "cancelled" in shown(app.screen.query_one("#index-status", Label)).lower()
        assert _titles(app) == before
        assert assistant.sources() and "Extra" not in [d.title for d in assistant.sources()]
        assert str(new) not in assistant.source_paths()  # the cancelled add is undone
        await pilot.pause()
        assert "r Reindex" in _footer(app) and "x Cancel run" not in _footer(app)
        await pilot.press("escape")
        assert not isinstance(app.screen, DocumentsScreen)


async def test_first_run_builds_the_index_with_progress_then_answers(
    tmp_path, template_index, real_embedder, monkeypatch
):
    import index.builder
    from assistant.service import Assistant

    monkeypatch.setattr(index.builder, "BUNDLED_DIR", template_index.docs)
    assistant = Assistant.open(tmp_path / "fresh", embedder=real_embedder)
    assert not assistant.has_index()
    app = make_app(assistant)
    seen: list[str] = []
    bars: list[tuple] = []
    async with app.run_test(size=(80, 24)) as pilot:
        original = app.screen.show_progress

        def spy(p):  # noqa: ANN001, ANN202
            original(p)
            bar = app.screen.query_one("#progress", ProgressBar)
            seen.append(shown(app.screen.query_one("#status", Label)))
            bars.append((p.stage, p.done, p.total, bar.total, bar.progress))

        app.screen.show_progress = spy
        await settle(app, pilot)
        assert assistant.has_index()
        assert "Ready: 2 documents" in shown(app.screen.query_one("#status", Label))
        assert app.last_progress is not None and app.last_progress.stage == "done"
    assert seen, "progress was reported while indexing"
    # The status reads naturally ("Embedding 7 new passages…"), not "embed embedding 60
    # new texts", and counts what the "Ready" line counts (issue 13, item 10).
    embedding = [t for t in seen if "mbedd" in t]
    passages = sum(d.chunks for d in assistant.sources())
    assert embedding and all(f"{passages} new passages" in t for t in embedding), seen
    assert not any("embed embedding" in t or "sentences" in t for t in seen)
    # A step that has not counted anything yet pulses (no total) instead of sitting at
    # 0%; a counted step shows its fraction.
    for stage, done, total, bar_total, bar_progress in bars:
        if done == 0:
            assert bar_total is None, (stage, done, total)
        elif total:
            assert (bar_total, bar_progress) == (total, done), (stage, done, total)
    assert any(stage == "embed" for stage, *_ in bars)


async def test_progress_reads_naturally_and_the_bar_pulses_until_counted(assistant):
    """Reports as the builder sends them: one embedding batch means no count until the
    end, so the bar pulses rather than sitting at 0%."""
    from tui.messages import IndexProgress

    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await wait_until(pilot, lambda: isinstance(app.screen, DocumentsScreen)
                         and app.screen.is_mounted, what="documents")
        screen = app.screen
        bar = screen.query_one("#index-progress", ProgressBar)
        status = screen.query_one("#index-status", Label)
        screen.show_progress(IndexProgress("embed", 0, 28, "embedding 28 new passages"))
        await pilot.pause()
        assert shown(status) == "Embedding 28 new passages…"
        assert bar.total is None and not bar.has_class("-hidden")
        screen.show_progress(IndexProgress("embed", 16, 28, "embedding 28 new passages"))
        await pilot.pause()
        assert shown(status) == "Embedding 28 new passages… (16 of 28)"
        assert (bar.total, bar.progress) == (28, 16)
        screen.show_progress(IndexProgress("embed", 0, 1, "embedding 1 new passage"))
        await pilot.pause()
        assert shown(status) == "Embedding 1 new passage…"  # one passage, not "1 text"
        screen.show_progress(IndexProgress("read", 2, 5, "guidance.pdf"))
        await pilot.pause()
        assert shown(status) == "Reading documents (2 of 5): guidance.pdf"
