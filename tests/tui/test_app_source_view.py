"""The source view: the cited sentence is scrolled into view; the section matches the list."""

from __future__ import annotations

from textual.containers import VerticalScroll
from textual.widgets import Static

from tests.tui.helpers import ask, settle, shown, wait_until
from tui.app import make_app
from tui.messages import SourceRequest
from tui.screens.source import SourceScreen
from tui.widgets.passage_list import PassageList

SENTENCES = [
    f"Partner number {i} in the {w} network shared a finance officer with its neighbours."
    for i, w in enumerate(["north", "south", "east", "west", "coastal", "rural", "urban",
                           "county", "valley", "harbour", "market", "river", "forest",
                           "upland", "border", "island"], start=1)
]
LAST = "The Zanzibar consortium finally agreed a single lead partner for every bid."


def _visible_on_screen(app, word: str) -> bool:  # noqa: ANN001
    """Whether ``word`` is drawn in the terminal (the screenshot holds only what shows)."""
    return word in app.export_screenshot()


async def test_cited_sentence_below_the_fold_is_scrolled_into_view(assistant, tmp_path):
    folder = tmp_path / "long"
    folder.mkdir()
    (folder / "long.md").write_text(
        "# Shared officers\n\n" + "; ".join(s.rstrip(".") for s in SENTENCES[:9]) + ". "
        + LAST + "\n", encoding="utf-8")
    assistant.index([folder])
    hit = next(p for p in assistant.search("Zanzibar consortium lead partner", k=5)
               if LAST in p.text)
    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app.push_screen(SourceScreen(SourceRequest(hit.chunk_id, quotes=[LAST])))
        await wait_until(pilot, lambda: isinstance(app.screen, SourceScreen)
                         and app.screen.view is not None, what="the source view")
        await pilot.pause()
        await pilot.pause()
        scroll = app.screen.query_one("#source-text", VerticalScroll)
        assert scroll.max_scroll_y > 0, "the passage should not fit the view at 80x24"
        assert scroll.scroll_y > 0
        assert _visible_on_screen(app, "Zanzibar")
        scroll.scroll_home(animate=False)  # where the view used to stay: quote unseen
        await pilot.pause()
        assert not _visible_on_screen(app, "Zanzibar")


GUIDE = """# Joint bidding guide

Mutual leaders asked how to prepare for joint bids with charities.

## Escaping lock-in

A mutual can avoid lock-in by agreeing an exit clause with each partner before signing.
"""


async def test_source_view_shows_the_section_the_sources_list_showed(assistant, tmp_path):
    """A passage that starts before a heading and is cited after it: the list shows the
    cited sentence's section, and the source view says the same."""
    folder = tmp_path / "guide"
    folder.mkdir()
    (folder / "guide.md").write_text(GUIDE, encoding="utf-8")
    assistant.index([folder])
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "How can a mutual avoid lock-in with a partner?")
        sources = app.screen.query_one("#sources", PassageList)
        cited = [e for e in sources.entries.values() if e.quotes and "lock-in" in e.text]
        assert cited, [e.text for e in sources.entries.values()]
        entry = cited[0]
        assert entry.section[-1] == "Escaping lock-in"
        sources.focus()
        sources.highlighted = next(i for i, o in enumerate(sources._options)
                                   if o.id and sources.entries.get(o.id) is entry)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        details = shown(app.screen.query_one("#source-details", Static))
        assert f"Section: {' › '.join(entry.section)}" in details
