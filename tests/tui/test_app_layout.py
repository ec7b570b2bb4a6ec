"""Every screen fits a small 80x24 terminal: the parts a user needs are on screen."""

from __future__ import annotations

import pytest

from tests.tui.helpers import ask, settle
from tui.app import make_app


def _visible(app, selector: str, min_height: int = 1) -> bool:  # noqa: ANN001
    widget = app.screen.query_one(selector)
    region = widget.region
    return (region.height >= min_height and region.width >= 40
            and region.bottom <= app.size.height and region.right <= app.size.width)


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_screens_fit_the_terminal(assistant, size):
    app = make_app(assistant)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the challenges of partnership?")
        assert _visible(app, "#question", 3)
        assert _visible(app, "#answer-box", 3)
        assert _visible(app, "#sources", 5)
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert _visible(app, "#source-details", 4)
        assert _visible(app, "#source-text", 5)
        await pilot.press("f2")
        await settle(app, pilot)
        assert _visible(app, "#topics", 10)
        await pilot.press("f4")
        await pilot.pause()
        assert _visible(app, "#docs", 3)
        assert _visible(app, "#results", 3)
        await pilot.press("f1")
        await pilot.pause()
        assert _visible(app, "#help", 10)


def _footer_cut(app) -> list[str]:  # noqa: ANN001
    """Footer keys not shown whole within the terminal width (text as it should read)."""
    from textual.widgets._footer import FooterKey

    keys = list(app.screen.query(FooterKey))
    palette = [k for k in keys if "palette" in k.render().plain]
    limit = min([k.region.x for k in palette] + [app.size.width])
    cut = []
    for key in keys:
        want = key.render().plain
        right = app.size.width if key in palette else limit
        if key.region.width < len(want) or key.region.right > right:
            cut.append(want)
    return cut


async def test_every_footer_fits_80_columns(assistant):
    """Each screen's footer shows all its keys whole at 80x24 (no "x C")."""
    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert not _footer_cut(app), "ask"
        await ask(app, pilot, "What are the challenges of partnership?")
        await pilot.press("tab")  # the sources list adds "m Mark source"
        assert not _footer_cut(app), "ask, on the sources"
        await pilot.press("shift+tab")
        await pilot.press("tab", "enter")
        await pilot.pause()
        assert not _footer_cut(app), "source"
        for key, name in (("f2", "topics"), ("f3", "excerpts"), ("f4", "documents")):
            await pilot.press(key)
            await settle(app, pilot)
            assert not _footer_cut(app), name


async def test_documents_table_keeps_every_column_on_screen_at_80_columns(assistant):
    """Title and Source are cut with an ellipsis rather than pushed off the screen."""
    from textual.widgets import DataTable

    app = make_app(assistant)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        table = app.screen.query_one("#docs", DataTable)
        labels = [str(c.label) for c in table.ordered_columns]
        assert labels == ["Title", "Pages", "Passages", "Indexed at", "Source"]
        used = sum(c.get_render_width(table) for c in table.ordered_columns)
        assert used <= table.scrollable_content_region.width
        sources = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        # A URL keeps its site and its end (the page), a file path its end (the file name).
        assert any(s.startswith("gov.uk/…") and s.endswith("-services") for s in sources), \
            sources
        assert any(s.startswith("…") and s.endswith("/notes.md") for s in sources), sources


async def test_documents_table_reads_at_120_columns(assistant):
    """At 120x40 (issue 13, item 9): every heading whole, a title of 39 characters whole,
    a web page's source showing its site and its page, a file's its name."""
    from textual.widgets import DataTable

    from tests.tui.helpers import screen_text

    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f4")
        await settle(app, pilot)
        table = app.screen.query_one("#docs", DataTable)
        assert sum(c.get_render_width(table) for c in table.ordered_columns) \
            <= table.scrollable_content_region.width
        lines = screen_text(app)
        header = next(line for line in lines if "Title" in line and "Source" in line)
        for heading in ("Title", "Pages", "Passages", "Indexed at", "Source"):
            assert f" {heading} " in header, header
        report = next(line for line in lines if "Partnerships for Better Public Services" in line)
        assert "gov.uk/…" in report and "public-services" in report, report
        assert " – " not in report  # a PDF has pages
        notes = next(line for line in lines if "Adviser notes on procurement" in line)
        assert "/docs/notes.md" in notes and " – " in notes, notes
