"""Topics one key away; marking excerpts, exporting them to Markdown, copying them."""

from __future__ import annotations

from textual.widgets import Input, Label

from assistant.topics import TOPICS
from tests.corpus.pdfgen import DEFAULT_PAGES, make_report_pdf
from tests.tui.conftest import LICENCE, REPORT_URL
from tests.tui.helpers import ask, settle, shown
from tui.app import make_app
from tui.screens.excerpts import ExcerptsScreen
from tui.screens.prompt import PathPrompt
from tui.screens.source import SourceScreen
from tui.screens.topics import TopicsScreen
from tui.widgets.passage_list import Entry, PassageList


def _groups(lst: PassageList) -> dict[str, list]:
    """Topic name -> its rows in display order: an ``Entry`` per point, the plain text of
    a document sub-heading or a note."""
    out: dict[str, list] = {}
    current = ""
    for option in lst._options:
        if option.id and option.id.startswith("h"):
            current = str(option.prompt).split(" — ")[0]
            out[current] = []
        elif option.id in lst.entries:
            out[current].append(lst.entries[option.id])
        else:
            out[current].append(str(option.prompt))
    return out


def _points(rows: list) -> list[Entry]:
    return [r for r in rows if isinstance(r, Entry)]


async def test_topics_show_cited_points_grouped_by_document_and_open_in_context(assistant):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, TopicsScreen)
        groups = _groups(app.screen.query_one("#topics", PassageList))
        assert list(groups) == ["Benefits", "Challenges", "Recommendations"]
        for name, rows in groups.items():
            points = _points(rows)
            assert points, f"no points under {name}"
            for e in points:
                # A point is one sentence of the documents, verbatim, cited with its page
                # and its section (here the report's chapter on the topic).
                view = assistant.chunk_view(e.chunk_id)
                assert view is not None and e.text in view.text
                assert e.text == e.item.quote
                assert e.pages_label and name in " ".join(e.section)
            # Grouped by document: the document's title heads its points.
            assert rows[0] == points[0].title
        status = shown(app.screen.query_one("#topics-status", Label))
        total = sum(len(_points(rows)) for rows in groups.values())
        assert f"{total} points" in status
        for name, rows in groups.items():
            assert f"{name} {len(_points(rows))}" in status

        first = _points(groups["Benefits"])[0]
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SourceScreen)
        assert app.screen.view.chunk_id == first.chunk_id
        assert app.screen.request.quotes == [first.text]  # the point is highlighted

        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("m")  # marking a point makes an excerpt of that sentence
        excerpt = app.excerpts[-1]
        assert excerpt.quote == first.text
        assert (excerpt.pages_label, excerpt.section) == (first.pages_label, first.section)
        assert excerpt.question == next(t.question for t in TOPICS if t.name == "Benefits")


async def test_a_topic_the_documents_do_not_cover_says_so(tmp_path, monkeypatch,
                                                          real_embedder):
    import index.builder
    from assistant.service import Assistant

    docs = tmp_path / "docs"
    docs.mkdir()
    make_report_pdf(docs / "report.pdf",
                    [page for page in DEFAULT_PAGES if "Recommend" not in page[0]])
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)
    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        groups = _groups(app.screen.query_one("#topics", PassageList))
        assert _points(groups["Benefits"]) and _points(groups["Challenges"])
        assert groups["Recommendations"] == [
            "No points on recommendations were found in the indexed documents."]
        assert "Recommendations 0" in shown(app.screen.query_one("#topics-status", Label))


async def test_topics_on_the_bundled_page_alone_say_what_is_indexed(tmp_path, real_embedder):
    from assistant.service import Assistant

    assistant = Assistant.open(tmp_path / "index", embedder=real_embedder)
    assistant.index()  # the bundled GOV.UK summary page only
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("f2")
        await settle(app, pilot)
        groups = _groups(app.screen.query_one("#topics", PassageList))
        points = [e for rows in groups.values() for e in _points(rows)]
        assert points and not [e for e in points if "report" in e.text.lower()]
        status = shown(app.screen.query_one("#topics-status", Label))
        assert status.count("Only the report's GOV.UK summary page is bundled") == 1
        assert "assistant index report.pdf" in status


async def test_mark_list_answer_and_passage_then_export_markdown_and_copy(assistant, tmp_path):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "What are the benefits of partnership for mutuals?")
        answer = app.screen.answer
        assert answer is not None and not answer.abstained and answer.shape == "list"
        assert len(answer.sentences) >= 2
        await pilot.press("f5")  # mark the whole answer: one excerpt per bullet
        by_n = {c.n: c for c in answer.citations}
        assert len(app.excerpts) == len(answer.sentences)
        for bullet, excerpt in zip(answer.sentences, app.excerpts, strict=True):
            cited = by_n[bullet.citation]
            assert bullet.text in excerpt.quote
            assert (excerpt.quote, excerpt.pages_label, excerpt.section) == (
                cited.quote, cited.pages_label, cited.section)
        sources = app.screen.query_one("#sources", PassageList)
        sources.focus()
        sources.highlighted = max(i for i, o in enumerate(sources._options) if not o.disabled)
        passage = sources.current
        await pilot.press("m")  # mark an uncited passage too
        assert app.excerpts[-1].quote == passage.text
        await pilot.press("m")  # marking twice does not duplicate
        assert len(app.excerpts) == len(answer.sentences) + 1

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
        for c in answer.citations:
            assert f"> {' '.join(c.quote.split())}" in md
            assert c.pages_label in md
            assert c.section_path in md
        assert "Partnerships for Better Public Services" in md
        assert f"<{REPORT_URL}>" in md
        assert "2018-05-29" in md
        assert f"Licence: {LICENCE}" in md

        await pilot.press("c")
        assert app.clipboard == md

        await pilot.press("delete")
        assert len(app.excerpts) == len(answer.sentences)


async def test_mark_catalogue_record_answer_exports_a_labelled_record(assistant, tmp_path):
    app = make_app(assistant)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await ask(app, pilot, "When was Partnerships for Better Public Services published?")
        answer = app.screen.answer
        assert answer is not None and answer.shape == "record", answer.text
        await pilot.press("f5")
        assert len(app.excerpts) == 1
        excerpt = app.excerpts[0]
        assert excerpt.record == answer.records[0] and excerpt.quote == ""

        await pilot.press("f3")
        await pilot.pause()
        (entry,) = app.screen.query_one("#excerpts", PassageList).entries.values()
        assert entry.text.startswith("Catalogue record")
        assert "2018-05-29" in entry.text

        md = app.excerpts_markdown()
        assert "Catalogue record (from the document's manifest, not its text):" in md
        assert "- Published: 2018-05-29" in md
        assert f"- Licence: {LICENCE}" in md
        assert f"- URL: <{REPORT_URL}>" in md
        assert "\n> " not in md  # a record quotes nothing


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
