"""Document text is shown exactly as typed: no markup, no terminal control codes."""

from __future__ import annotations

from tui.widgets.literal import highlighted, literal, query_terms, visible


def _styled(text, style: str) -> list[str]:  # noqa: ANN001
    return [text.plain[s.start:s.end] for s in text.spans if str(s.style) == style]


def test_markup_and_escape_sequences_stay_visible_characters():
    raw = "[bold red]X[/] [link=http://evil]x[/link] \x1b[31mred\x1b[0m bell\x07 tab\tok"
    t = literal(raw)
    assert "[bold red]X[/] [link=http://evil]x[/link]" in t.plain
    assert "\x1b" not in t.plain and "\x07" not in t.plain
    assert "␛[31mred␛[0m" in t.plain and "bell␇" in t.plain
    assert "\t" in t.plain  # layout characters are kept
    assert t.spans == []
    assert visible("line one\nline two") == "line one\nline two"


def test_question_terms_and_cited_sentences_are_highlighted():
    text = ("Partnerships help mutuals grow. Partners share back office costs. "
            "Trust takes time.")
    terms = query_terms("What are the benefits of partnership for mutuals?")
    assert terms == ["benefits", "partnership", "mutuals"]
    out = highlighted(text, terms, ["Partners share back office costs."])
    assert out.plain == text
    assert _styled(out, "reverse") == ["Partners share back office costs."]
    assert _styled(out, "bold underline") == ["Partnerships", "mutuals", "Partners"]


def test_highlighting_never_reads_markup_from_the_document():
    out = highlighted("[b]benefits[/b] for all", ["benefits"], ["[b]benefits[/b]"])
    assert out.plain == "[b]benefits[/b] for all"
    assert _styled(out, "bold underline") == ["benefits"]
