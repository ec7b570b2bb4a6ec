"""Excerpts for advisers: Markdown export keeps quotes literal and fully cited."""

from __future__ import annotations

from markdown_it import MarkdownIt

from assistant.excerpts import Excerpt, add_unique, escape_markdown, from_answer, to_markdown
from assistant.records import Answer, AnswerSentence, CatalogueRecord, Citation, Passage

URL = "https://www.gov.uk/government/publications/partnerships-for-better-public-services"
LICENCE = "Open Government Licence v3.0"


def _citation(n: int = 1, quote: str = "Partners share back office costs.") -> Citation:
    return Citation(
        n=n, doc_id="doc", chunk_id=f"doc:{n}", title="Partnerships for Better Public Services",
        source="/tmp/report.pdf", url=URL, page_start=12, page_end=13, pages_label="pp. 12-13",
        section=["2 Benefits", "2.1 Shared resources"], quote=quote, published="2018-05-29",
        licence=LICENCE,
    )


def _passage(text: str) -> Passage:
    return Passage(
        rank=1, chunk_id="notes:0", doc_id="notes", title="Adviser notes", source="/tmp/notes.md",
        url=None, page_start=1, page_end=1, pages_label="", section=["Challenges"], score=0.5,
        text=text, paged=False,
    )


def _rendered_quotes(markdown: str) -> list[str]:
    """The plain text of each blockquote, as a Markdown renderer shows it."""
    tokens = MarkdownIt("commonmark").enable("table").enable("strikethrough").parse(markdown)
    quotes, depth, buf = [], 0, []
    for tok in tokens:
        if tok.type == "blockquote_open":
            depth += 1
            buf = []
        elif tok.type == "blockquote_close":
            depth -= 1
            quotes.append(" ".join(buf))
        elif depth and tok.type == "inline":
            kinds = {c.type for c in tok.children or []}
            assert kinds <= {"text", "softbreak"}, f"quote rendered with formatting: {kinds}"
            buf.append("".join(c.content for c in tok.children or [] if c.type == "text"))
    return quotes


def test_export_quotes_each_excerpt_with_its_full_citation():
    md = to_markdown([Excerpt.from_citation(_citation(), question="What are the benefits?")])
    assert "> Partners share back office costs." in md
    assert "Partnerships for Better Public Services" in md
    assert "pp. 12-13" in md
    assert "2 Benefits › 2.1 Shared resources" in md
    assert f"<{URL}>" in md
    assert "2018-05-29" in md
    assert f"Licence: {LICENCE}" in md
    assert _rendered_quotes(md) == ["Partners share back office costs."]


def test_markdown_special_characters_in_quotes_render_literally():
    tricky = [
        "Use *all* the _budget_ [now](http://evil.example) <script>x</script> `code`",
        "# Not a heading",
        "- not a list item",
        "2018. Not an ordered list",
        "> not a nested quote",
        "Fish & chips &amp; entity | pipe ~~struck~~ back\\slash",
    ]
    excerpts = [Excerpt.from_passage(_passage(t)) for t in tricky]
    md = to_markdown(excerpts)
    assert _rendered_quotes(md) == tricky
    html = MarkdownIt("commonmark").render(md)
    assert "<script>" not in html and "<em>" not in html and 'href="http://evil' not in html


def test_escaped_text_stays_readable_as_plain_text():
    assert escape_markdown("Benefits of partnership working") == "Benefits of partnership working"
    assert escape_markdown("costs (a) and risks, 50% less") == "costs (a) and risks, 50% less"


def test_multi_paragraph_quote_stays_one_blockquote():
    md = to_markdown([Excerpt.from_passage(_passage("First paragraph.\n\nSecond  one\nwraps."))])
    assert _rendered_quotes(md) == ["First paragraph. Second one wraps."]
    assert "> First paragraph.\n>\n> Second one wraps." in md


def test_passage_without_url_or_licence_says_so():
    md = to_markdown([Excerpt.from_passage(_passage("Trust takes time."))])
    assert "Source: /tmp/notes.md" in md
    assert "Published: not stated" in md
    assert "Licence: not stated" in md
    assert "Page(s)" not in md  # an unpaged Markdown file has no page numbers


def test_answer_becomes_one_excerpt_per_citation_and_duplicates_are_skipped():
    answer = Answer(
        question="benefits?",
        sentences=[AnswerSentence("Partners share back office costs.", 1, 0.8),
                   AnswerSentence("Reach grows.", 2, 0.7)],
        citations=[_citation(1), _citation(2, "Reach grows.")],
    )
    items: list[Excerpt] = []
    assert add_unique(items, from_answer(answer)) == 2
    assert add_unique(items, from_answer(answer)) == 0
    assert [e.quote for e in items] == ["Partners share back office costs.", "Reach grows."]
    assert all(e.question == "benefits?" for e in items)
    assert from_answer(Answer(question="x", abstained=True)) == []


def test_list_answer_becomes_one_excerpt_per_bullet_with_its_own_citation():
    bullets = ["Partners share back office costs.", "Reach grows.", "Bids get larger."]
    answer = Answer(question="What are the benefits?", shape="list", more=3,
                    sentences=[AnswerSentence(t, n, 1.0) for n, t in enumerate(bullets, 1)],
                    citations=[_citation(n, t) for n, t in enumerate(bullets, 1)])
    excerpts = from_answer(answer)
    assert [e.quote for e in excerpts] == bullets
    assert [e.chunk_id for e in excerpts] == [c.chunk_id for c in answer.citations]
    md = to_markdown(excerpts)
    assert _rendered_quotes(md) == bullets
    assert md.count("- Page(s): pp. 12-13") == 3


def _record(**changes) -> CatalogueRecord:
    fields = dict(doc_id="pbps", title="Partnerships for *Better* Public Services",
                  publisher="Department for Digital, Culture, Media & Sport",
                  published="2018-05-29", licence=LICENCE, url=URL, source="/tmp/pbps.md")
    fields.update(changes)
    return CatalogueRecord(**fields)


def test_record_answer_becomes_one_record_excerpt_exported_as_labelled_fields():
    record = _record()
    answer = Answer(question="Who published the report?", shape="record", records=[record])
    (excerpt,) = from_answer(answer)
    assert excerpt.record == record and excerpt.quote == ""
    assert excerpt.question == "Who published the report?"
    assert excerpt.text.startswith(CatalogueRecord.LABEL)
    assert "Department for Digital, Culture, Media & Sport" in excerpt.text

    md = to_markdown([excerpt])
    assert _rendered_quotes(md) == []  # a record is never dressed up as a quote
    assert f"{CatalogueRecord.LABEL}:" in md
    assert "- Publisher: Department for Digital, Culture, Media & Sport" in md
    assert "- Published: 2018-05-29" in md
    assert f"- Licence: {LICENCE}" in md
    assert f"- URL: <{URL}>" in md
    # Document metadata is text too: it renders literally.
    html = MarkdownIt("commonmark").render(md)
    assert "<em>" not in html and "Partnerships for *Better* Public Services" in html

    items: list[Excerpt] = []
    assert add_unique(items, from_answer(answer)) == 1
    assert add_unique(items, from_answer(answer)) == 0  # marking it twice adds it once


def test_record_without_licence_says_so():
    md = to_markdown([Excerpt.from_record(_record(licence=None, url=None))])
    assert "Licence: not stated" in md
    assert "- URL: /tmp/pbps.md" in md


def test_the_same_sentence_marked_from_two_overlapping_passages_is_one_excerpt():
    """Overlapping chunks share a sentence: marked from each, it is listed and exported
    once (issue 13, item 4)."""
    quote = "Commissioners should allow longer tender windows."
    a = Excerpt(quote=quote, title="Study", source="/docs/study.pdf", chunk_id="study:3")
    b = Excerpt(quote=quote + "\n", title="Study", source="/docs/study.pdf", chunk_id="study:4")
    other = Excerpt(quote=quote, title="Other", source="/docs/other.pdf", chunk_id="other:1")
    items: list[Excerpt] = []
    assert add_unique(items, [a, b, other]) == 2
    assert to_markdown(items).count("> Commissioners should allow") == 2
