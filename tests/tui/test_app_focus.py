"""Focus after browsing the sources: visible, restored, and typing goes to the question."""

from __future__ import annotations

from textual import events

from tests.tui.helpers import ask, settle
from tui.app import make_app
from tui.screens.ask import AskScreen
from tui.screens.source import SourceScreen
from tui.widgets.passage_list import PassageList
from tui.widgets.question_input import QuestionInput


def _border(widget) -> str:  # noqa: ANN001
    return widget.styles.border_top[0]


async def test_typing_after_reading_a_source_asks_again_and_keys_stay_bindings(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        box = app.screen.query_one("#question", QuestionInput)
        sources = app.screen.query_one("#sources", PassageList)
        # Nothing to browse yet: Tab and Shift+Tab keep the focus in the question box.
        await pilot.press("shift+tab")
        assert box.has_focus
        await pilot.press("tab")
        assert box.has_focus

        await ask(app, pilot, "What are the benefits of partnership for mutuals?")
        unfocused = _border(sources)
        await pilot.press("tab")
        assert sources.has_focus
        assert _border(sources) != unfocused  # the focused list looks different
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        assert sources.has_focus  # back where the user was

        # "m" is a binding of the list (and the footer says so): it marks, it is not typed.
        assert app.screen.active_bindings["m"].binding.show
        await pilot.press("m")
        assert len(app.excerpts) == 1 and sources.has_focus
        # Any other printable key starts the next question.
        await pilot.press(*"What are the risks")
        assert box.has_focus
        assert box.value == "What are the risks"
        assert len(app.excerpts) == 1


async def test_a_burst_of_keys_on_the_list_all_reach_the_question_box(assistant):
    """Keys typed faster than the focus moves (as a terminal delivers a fast typist's
    keys) all land in the box, "?" included: help does not open, nothing is lost."""
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the benefits of partnership for mutuals?")
        await pilot.press("tab")
        sources = app.screen.query_one("#sources", PassageList)
        assert sources.has_focus
        for key, char in (("W", "W"), ("h", "h"), ("y", "y"), ("question_mark", "?")):
            app.post_message(events.Key(key, char))  # all queued before any focus move
        await pilot.pause()
        await pilot.pause()
        assert isinstance(app.screen, AskScreen)
        box = app.screen.query_one("#question", QuestionInput)
        assert box.has_focus and box.value == "Why?"
