"""Ask, read the answer and its citations, open a source in context (real model)."""

from __future__ import annotations

import threading

from textual.widgets import Label, Static

from tests.tui.conftest import MARKUP_TEXT, REPORT_URL
from tests.tui.helpers import ask, rendered, settle, shown, styles_of
from tui.app import make_app
from tui.screens.source import SourceScreen
from tui.widgets.passage_list import PassageList
from tui.widgets.question_input import QuestionInput

QUESTION = "What are the benefits of partnership for mutuals?"


async def test_ask_shows_cited_answer_and_its_sources(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        assert "Ready" in shown(app.screen.query_one("#status", Label))
        await ask(app, pilot, QUESTION)
        answer = shown(app.screen.query_one("#answer", Static))
        assert "[1]" in answer
        sources = app.screen.query_one("#sources", PassageList)
        cited = [e for e in sources.entries.values() if e.marker == "[1]"]
        assert len(cited) == 1
        c = cited[0]
        assert c.title == "Partnerships for Better Public Services"
        assert c.pages_label.startswith("p")
        assert c.section and c.relevance is not None
        # Relevance is shown as the passage's similarity to the question, in percent.
        option = next(o for o in sources._options if sources.entries.get(o.id) is c)
        shown_text = rendered(option.prompt)
        assert f"match {round(c.relevance * 100)}%" in shown_text
        assert 0 < c.relevance <= 1 and "score" not in shown_text
        # The sentence before the marker is the citation's verbatim quote.
        assert c.text in answer


async def test_question_history_with_up_and_down(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the challenges?")
        await ask(app, pilot, "What is recommended?")
        box = app.screen.query_one("#question", QuestionInput)
        box.focus()
        box.value = "draft"
        await pilot.press("up")
        assert box.value == "What is recommended?"
        await pilot.press("up")
        assert box.value == "What are the challenges?"
        await pilot.press("down", "down")
        assert box.value == "draft"


class GatedEmbedder:
    """The real model, but nothing is encoded until the test opens the gate."""

    def __init__(self, inner, gate: threading.Event) -> None:
        self.inner, self.gate = inner, gate
        self.name = inner.name

    def __getattr__(self, name):  # noqa: ANN001, ANN204
        return getattr(self.inner, name)

    def encode_query(self, text):  # noqa: ANN001, ANN201
        self.gate.wait(30)
        return self.inner.encode_query(text)


async def test_typing_works_while_the_model_loads_and_the_question_waits(assistant):
    gate = threading.Event()
    assistant._embedder = GatedEmbedder(assistant.embedder, gate)
    app = make_app(assistant)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            assert "Loading" in shown(app.screen.query_one("#status", Label))
            box = app.screen.query_one("#question", QuestionInput)
            assert box.has_focus
            await pilot.press(*"benefits?")
            assert box.value == "benefits?"
            await pilot.press("enter")
            await pilot.pause()
            assert "Waiting for the model" in shown(app.screen.query_one("#answer", Static))
            # The screen stays live: help opens and closes while the model "loads".
            await pilot.press("f1")
            assert app.screen.__class__.__name__ == "HelpScreen"
            await pilot.press("escape")
            assert not app.ready.is_set()
            gate.set()
            await settle(app, pilot)
            assert "Ready" in shown(app.screen.query_one("#status", Label))
            assert "Waiting" not in shown(app.screen.query_one("#answer", Static))
            assert app.screen.query_one("#sources", PassageList).entries
    finally:
        gate.set()


async def test_open_source_shows_page_section_and_moves_through_the_document(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, QUESTION)
        sources = app.screen.query_one("#sources", PassageList)
        cited = sources.current
        assert cited is not None and cited.marker == "[1]"
        sources.focus()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        details = shown(app.screen.query_one("#source-details", Static))
        assert "Partnerships for Better Public Services" in details
        assert f"Page(s): {cited.pages_label}" in details
        assert "Section: " + " › ".join(cited.section) in details
        assert REPORT_URL in details
        chunk = app.screen.query_one("#source-chunk", Static)
        assert cited.text in shown(chunk)  # the cited sentences, in their passage
        assert any(getattr(s, "reverse", False) for s in styles_of(chunk))  # ... highlighted
        first = app.screen.view
        key = "right" if first.next_id else "left"
        await pilot.press(key)
        await pilot.pause()
        moved = app.screen.view
        assert moved.chunk_id == (first.next_id if key == "right" else first.previous_id)
        assert f"Passage: {moved.ordinal + 1} of {moved.total}" in shown(
            app.screen.query_one("#source-details", Static))
        await pilot.press("escape")
        assert app.screen.query_one("#sources", PassageList)


async def test_document_markup_is_displayed_literally(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "How do commissioners describe the procurement of joint bids?")
        sources = app.screen.query_one("#sources", PassageList)
        notes = [e for e in sources.entries.values() if MARKUP_TEXT in e.text]
        assert notes, "the notes passage should be among the sources"
        # In the list ...
        assert any(MARKUP_TEXT in rendered(o.prompt) for o in sources._options)
        # ... and in the source reader, where no red/bold style leaks from the text.
        sources.focus()
        sources.highlighted = next(i for i, o in enumerate(sources._options)
                                   if o.id and sources.entries.get(o.id) is notes[0])
        await pilot.press("enter")
        await pilot.pause()
        chunk = app.screen.query_one("#source-chunk", Static)
        assert MARKUP_TEXT in shown(chunk)
        assert "[link=https://example.org]see here[/link]" in shown(chunk)
        styles = styles_of(chunk)
        assert styles and all(hasattr(s, "foreground") for s in styles)
        assert not any(getattr(s, "foreground", None) or getattr(s, "link", None)
                       for s in styles)
        svg = app.export_screenshot()
        assert "[bold&#160;red]X[/]" in svg or "[bold red]X[/]" in svg
