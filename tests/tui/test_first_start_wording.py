"""The first start counts one unit and names the slow step (issue 13, item 10).

A user read "Embedding 24 new passages and sentences", then "5 passages indexed", and
waited most of the first start on a step the status did not name: the one-off export of
the model to ONNX. Progress and status now count passages throughout, in the right
number, and the status says when the model is being prepared.
"""

from __future__ import annotations

import threading

from textual.widgets import Label

from tests.tui.helpers import settle, shown, wait_until
from tui.app import make_app
from tui.messages import IndexProgress
from tui.progress import describe_progress
from tui.results import build_summary


def _one_note(tmp_path, monkeypatch):  # noqa: ANN001, ANN202
    import index.builder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Ferry mutual\n\nThe ferry mutual repairs boats.\n",
                                  encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)


def test_progress_lines_count_passages_in_the_right_number():
    assert describe_progress(IndexProgress("embed", 0, 1, "")) == "Embedding 1 new passage…"
    assert describe_progress(IndexProgress("embed", 1, 1, "")) == "Embedded 1 new passage."
    assert describe_progress(IndexProgress("embed", 3, 7, "")) == \
        "Embedding 7 new passages… (3 of 7)"
    assert describe_progress(IndexProgress("embed", 7, 7, "")) == "Embedded 7 new passages."
    assert describe_progress(IndexProgress("read", 1, 1, "")) == "Read 1 document."


def test_run_summaries_count_documents_and_passages_in_the_right_number():
    one = {"documents": 1, "chunks": 1, "added": ["a.md"], "seconds": 0.5}
    assert build_summary(one) == ("Done: 1 document, 1 passage — 1 added, 0 updated, "
                                  "0 unchanged, 0 removed, 0 failed (0.5 s).")
    many = {"documents": 3, "chunks": 40}
    assert build_summary(many, "Last run").startswith("Last run: 3 documents, 40 passages —")


async def test_ready_says_1_document_1_passage(tmp_path, monkeypatch):
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder

    _one_note(tmp_path, monkeypatch)
    assistant = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert shown(app.screen.query_one("#status", Label)) == \
            "Ready: 1 document, 1 passage indexed."


async def test_the_first_start_names_the_models_one_off_export(tmp_path, monkeypatch):
    """No model export yet (a fresh machine): the status says the model is being
    prepared while it is, then goes on to index and to "Ready"."""
    import index.encoders
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder
    from index.encoders.onnx_export import PREPARING

    _one_note(tmp_path, monkeypatch)
    exporting, release = threading.Event(), threading.Event()

    def load_embedder(*_args, notice=None, **_kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        assert notice is not None, "the app must be told of the export"
        notice(PREPARING)  # as onnx_export.ensure_exported does before exporting
        exporting.set()
        release.wait(30)
        return FakeEmbedder()

    monkeypatch.setattr(index.encoders, "load_embedder", load_embedder)
    assistant = Assistant.open(tmp_path / "index")  # no embedder: it is loaded
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        status = app.screen.query_one("#status", Label)
        try:
            await wait_until(pilot, lambda: exporting.is_set() and "Preparing" in shown(status),
                             what="the export to be named")
            assert shown(status) == (
                "First run: Preparing the language model for this machine "
                "(once, up to a minute)…")
        finally:
            release.set()
        await wait_until(pilot, app.ready.is_set, what="the start to finish")
        await settle(app, pilot)
        assert shown(status) == "Ready: 1 document, 1 passage indexed."
