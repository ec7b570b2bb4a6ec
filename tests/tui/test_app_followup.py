"""Follow-up questions in the app: resolved against the last question, and shown."""

from __future__ import annotations

from textual.widgets import Static

from tests.tui.helpers import ask, settle, shown
from tui.app import make_app

FIRST = "What are the benefits of partnership for mutuals?"
RESOLVED = "What are the challenges of partnership for mutuals?"


async def test_a_follow_up_shows_the_question_it_answers(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, FIRST)
        assert "Answering" not in shown(app.screen.query_one("#answer", Static))

        await ask(app, pilot, "And the challenges?")
        text = shown(app.screen.query_one("#answer", Static))
        lines = text.splitlines()
        assert lines[0] == "Q: And the challenges?"
        assert lines[1] == f"Answering: {RESOLVED}"
        # the answer is the resolved question's answer
        direct = assistant.ask(RESOLVED)
        assert not direct.abstained
        for s in direct.sentences:
            assert s.text in text
        # an answer marked as excerpts keeps the question it answered, not "And the ...?"
        await pilot.press("f5")
        assert app.excerpts and {e.question for e in app.excerpts} == {RESOLVED}

        # follow-ups chain: the last question is now the resolved one
        await ask(app, pilot, "What about commissioners?")
        text = shown(app.screen.query_one("#answer", Static))
        assert text.splitlines()[1] == (
            "Answering: What are the challenges of partnership for commissioners?")

        # a self-contained question is answered as asked
        await ask(app, pilot, "What should commissioners do?")
        text = shown(app.screen.query_one("#answer", Static))
        assert text.startswith("Q: What should commissioners do?")
        assert "Answering" not in text


async def test_the_first_question_of_a_session_is_never_rewritten(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "And the challenges?")
        assert "Answering" not in shown(app.screen.query_one("#answer", Static))


def test_the_resolved_question_is_shown_as_typed_never_as_markup():
    from assistant.records import Answer
    from tests.tui.helpers import rendered
    from tui.screens.ask import render_answer

    answer = Answer(question="And the risks?", abstained=True,
                    resolved_question="What are the risks of [bold red]X[/] for mutuals?")
    assert "Answering: What are the risks of [bold red]X[/] for mutuals?" in rendered(
        render_answer(answer))
