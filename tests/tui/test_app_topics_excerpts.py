"""Topics one key away; marking excerpts, exporting them to Markdown, copying them."""

from __future__ import annotations

from textual.widgets import Input

from tests.tui.conftest import LICENCE, REPORT_URL
from tests.tui.helpers import ask, settle
from tui.app import make_app
from tui.screens.excerpts import ExcerptsScreen
from tui.screens.prompt import PathPrompt
from tui.screens.source import SourceScreen
from tui.screens.topics import TopicsScreen
from tui.widgets.passage_list import PassageList


def _groups(lst: PassageList) -> dict[str, list]:
    """Heading text -> entries under it, in display order."""
    out: dict[str, list] = {}
    current = None
    for option in lst._options:
        if option.id and option.id.startswith("h"):
            current = str(option.prompt).split(" — ")[0]
            out[current] = []
        elif option.id in lst.entries:
            out[current].append(lst.entries[option.id])
    return out


async def test_topics_show_passages_under_each_heading_and_open_in_context(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, TopicsScreen)
        groups = _groups(app.screen.query_one("#topics", PassageList))
        assert list(groups) == ["Benefits", "Challenges", "Recommendations"]
        for name, entries in groups.items():
            assert entries, f"no passages under {name}"
            assert all(e.title and e.doc_id for e in entries)
        # The report's own sections lead their topics.
        assert "Benefits" in " ".join(groups["Benefits"][0].section)
        assert "Recommendations" in " ".join(groups["Recommendations"][0].section)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.view.chunk_id == groups["Benefits"][0].chunk_id


async def test_mark_answer_and_passage_then_export_markdown_and_copy(assistant, tmp_path):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What should commissioners do to reward collaboration?")
        answer = app.screen.answer
        assert answer is not None and not answer.abstained
        await pilot.press("f5")  # mark the whole answer
        assert [e.quote for e in app.excerpts] == [c.quote for c in answer.citations]
        sources = app.screen.query_one("#sources", PassageList)
        sources.focus()
        sources.highlighted = max(i for i, o in enumerate(sources._options) if not o.disabled)
        passage = sources.current
        await pilot.press("m")  # mark an uncited passage too
        assert app.excerpts[-1].quote == passage.text
        await pilot.press("m")  # marking twice does not duplicate
        assert len(app.excerpts) == len(answer.citations) + 1

        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ExcerptsScreen)
        listed = app.screen.query_one("#excerpts", PassageList).entries
        assert len(listed) == len(app.excerpts)

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        target = tmp_path / "briefing" / "excerpts.md"
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        md = target.read_text(encoding="utf-8")
        first = answer.citations[0]
        assert f"> {' '.join(first.quote.split())}" in md
        assert "Partnerships for Better Public Services" in md
        assert first.pages_label in md
        assert first.section_path in md
        assert f"<{REPORT_URL}>" in md
        assert "2018-05-29" in md
        assert f"Licence: {LICENCE}" in md

        await pilot.press("c")
        assert app.clipboard == md

        await pilot.press("delete")
        assert len(app.excerpts) == len(answer.citations)


async def test_leaving_topics_before_they_are_computed_is_harmless(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        for _ in range(3):
            await pilot.press("f2", "escape")
        await settle(app, pilot)
        assert not isinstance(app.screen, TopicsScreen)
        assert not [n for n in app._notifications if n.severity == "error"]
        await pilot.press("f2")
        await settle(app, pilot)
        assert app.screen.query_one("#topics", PassageList).entries
