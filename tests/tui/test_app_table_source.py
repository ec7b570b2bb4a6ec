"""The source view shows a table's rows readably: in columns when they fit (issue 14)."""

from __future__ import annotations

from rich.text import Text

from assistant.service import TableView
from tests.tui.helpers import settle, wait_until
from tui.app import make_app
from tui.messages import SourceRequest
from tui.screens.source import SourceScreen
from tui.widgets.table_text import passage_text

DIRECTORY = """# Eastbrook partner directory

Whom to call at each partner of the Eastbrook mutuals.

**Table 1: Partner leads**

| Partner | Lead contact | Response time |
|---|---|---|
| Eastbrook Food Bank Network | Priya Shah | 2 days |
| Northgate Housing Association | Tom Evans | 5 days |
| Westmoor Credit Union | Lee Parker | 1 day |
"""


async def test_a_cited_row_is_shown_in_columns_under_their_names(assistant, tmp_path):
    folder = tmp_path / "directory"
    folder.mkdir()
    (folder / "directory.md").write_text(DIRECTORY, encoding="utf-8")
    assistant.index([folder])
    answer = assistant.ask("Who is the lead contact at Northgate Housing Association?")
    cite = answer.citations[0]
    assert cite.quote == ("Northgate Housing Association: Lead contact Tom Evans; "
                          "Response time 5 days")
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(SourceScreen(SourceRequest(cite.chunk_id, quotes=[cite.quote])))
        await wait_until(pilot, lambda: isinstance(app.screen, SourceScreen)
                         and app.screen.view is not None, what="the source view")
        await pilot.pause()
        screen = app.export_screenshot()
        lines = [line for line in _text_lines(app) if "Tom Evans" in line or
                 "Lead contact" in line]
        assert any("Partner" in ln and "Lead contact" in ln and "Response time" in ln
                   for ln in lines), lines
        row = next(ln for ln in lines if "Tom Evans" in ln)
        assert "Northgate Housing Association" in row and "5 days" in row
        assert "Lead contact Tom Evans" not in screen  # not the unit: the columns
        # The columns line up: every row's second cell starts where its name does.
        header = next(ln for ln in lines if "Lead contact" in ln)
        assert row.index("Tom Evans") == header.index("Lead contact")


def _text_lines(app) -> list[str]:  # noqa: ANN001
    from textual.widgets import Static

    from tests.tui.helpers import shown

    return shown(app.screen.query_one("#source-chunk", Static)).split("\n")


def test_rows_too_wide_for_the_view_stay_as_units():
    text = "Table 1: Costs\nLegal review of the partnership agreement: 30 hours x £120 per " \
           "hour = £3,600; £3,600\nBoard time: 12 hours x £80 per hour = £960; £960"
    first = text.index("Legal")
    rows = [(first, text.index("\nBoard"),
             ("Legal review of the partnership agreement", "30 hours x £120 per hour = £3,600",
              "£3,600")),
            (text.index("Board"), len(text), ("Board time", "12 hours x £80 per hour = £960",
                                              "£960"))]
    view = [TableView(("", "", ""), rows)]
    wide, _ = passage_text(text, view, 120, quotes=["Board time: 12 hours"])
    narrow, quoted = passage_text(text, view, 60, quotes=["Board time: 12 hours"])
    assert isinstance(wide, Text)
    assert "Board time  " in wide.plain and "Board time:" not in wide.plain
    assert narrow.plain == text  # too wide: the row units as stored
    assert quoted is not None and narrow.plain[quoted[0]:].startswith("Board time: 12 hours")
