"""What the app shows of a citation and of excerpts (issue 13, items 1, 4 and 5): the source
view's citation in the one order with a relative path, excerpts marked there as complete
as elsewhere, one numbering of the sources, "web page" only for a web page, and exports
and the clipboard saying where the file goes."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.tui.helpers import ask, rendered, settle, shown, wait_until
from tui.app import make_app
from tui.messages import SourceRequest
from tui.screens.excerpts import ExcerptsScreen
from tui.screens.prompt import PathPrompt
from tui.screens.source import SourceScreen
from tui.widgets.passage_list import PassageList, render_entry

MINUTES = """# Board minutes

## Shared services

The board agreed that the ferry mutual and the harbour mutual will share one payroll team.
"""
SENTENCE = ("The board agreed that the ferry mutual and the harbour mutual will share one "
            "payroll team.")
PUBLISHER = "Harbour Mutuals Board"
BOARD_LICENCE = "Internal use only"
MANIFEST = f"""
[[document]]
file = "minutes.md"
title = "Board minutes"
publisher = "{PUBLISHER}"
published = "2024-02-01"
licence = "{BOARD_LICENCE}"
"""


def _headings(lst: PassageList) -> list[str]:
    return [str(o.prompt) for o in lst._options if o.id and o.id.startswith("h")]


def _notices(app) -> list[str]:  # noqa: ANN001
    return [n.message for n in app._notifications]


async def test_source_view_shows_publisher_licence_and_a_relative_path(assistant, tmp_path):
    folder = tmp_path / "board" / "2024"
    folder.mkdir(parents=True)
    (folder / "minutes.md").write_text(MINUTES, encoding="utf-8")
    (folder / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    assistant.index([tmp_path / "board"])
    hit = next(p for p in assistant.search("ferry mutual payroll team", k=5)
               if SENTENCE in p.text)
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.push_screen(SourceScreen(SourceRequest(
            hit.chunk_id, quotes=[SENTENCE], question="Who shares a payroll team?")))
        await wait_until(pilot, lambda: isinstance(app.screen, SourceScreen)
                         and app.screen.view is not None, what="the source view")
        details = shown(app.screen.query_one("#source-details", Static))
        parts = [f"Publisher: {PUBLISHER}", "Published: 2024-02-01", "Page(s): —",
                 "Section: ", "Source: board/2024/minutes.md", f"Licence: {BOARD_LICENCE}"]
        for part in parts:
            assert part in details, details
        assert [details.index(p) for p in parts] == sorted(details.index(p) for p in parts)
        assert str(tmp_path) not in details  # never the absolute path

        await pilot.press("m")  # mark the quoted sentence here
        excerpt = app.excerpts[-1]
        assert excerpt.quote == SENTENCE
        md = app.excerpts_markdown()
        assert f"- Publisher: {PUBLISHER}" in md
        assert "- Source: board/2024/minutes.md" in md
        assert f"- Licence: {BOARD_LICENCE}" in md
        assert str(tmp_path) not in md


async def test_export_prompt_shows_the_full_path_and_copy_says_where_to_save(
        assistant, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the folder the app was started in
    target = tmp_path / "excerpts.md"
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the benefits of partnership for mutuals?")
        await pilot.press("f5")
        n = len(app.excerpts)
        assert n >= 2
        await pilot.press("f3")
        await pilot.pause()
        assert isinstance(app.screen, ExcerptsScreen)
        assert _headings(app.screen.query_one("#excerpts", PassageList)) == [f"{n} excerpts"]

        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        assert app.screen.query_one(Input).value == str(target)  # the full path, prefilled
        await pilot.press("enter")
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == app.excerpts_markdown()
        assert f"Exported {n} excerpts to {target}" in _notices(app)

        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == app.excerpts_markdown()
        copied = _notices(app)[-1]
        assert copied == (f"Sent {n} excerpts to the clipboard (if the terminal allows it); "
                          f"to be sure, F3 then s saves them to {target}.")
        assert "excerpt(s)" not in " ".join(_notices(app))


async def test_bundled_page_sources_one_numbering_web_page_and_why_uncited(tmp_path,
                                                                         real_embedder):
    from assistant.service import Assistant

    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()  # the bundled GOV.UK summary page only
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the benefits of partnerships for mutuals?")
        answer = app.screen.answer
        assert answer is not None and not answer.abstained
        sources = app.screen.query_one("#sources", PassageList)
        assert _headings(sources) == [
            "Cited sources", "Other passages (retrieved for the question, not quoted)"]
        entries = list(sources.entries.values())
        cited = {c.chunk_id for c in answer.citations}
        assert len(entries) > len(answer.citations)  # some passages are not quoted
        # One numbering: the citations [1]..[k], then the other passages [k+1]..[n].
        assert [e.marker for e in entries] == [f"[{i}]" for i in range(1, len(entries) + 1)]
        assert [e.marker for e in entries[:len(answer.citations)]] == [
            f"[{c.n}]" for c in answer.citations]
        assert all(e.chunk_id not in cited for e in entries[len(answer.citations):])
        # The page's passage without a section is placed as "web page", not "no page or
        # section"; the others by their section.
        wheres = {e.where for e in entries}
        assert "web page" in wheres, wheres
        assert "Details" in wheres
        page = next(e for e in entries if e.where == "web page")
        assert "web page  match " in rendered(render_entry(page))
