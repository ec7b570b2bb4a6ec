"""Text cleaning: Unicode, control characters, hyphenation, reflow, running lines."""

from __future__ import annotations

import time

import pytest

from corpus.clean import (
    assemble,
    clean_pages,
    clean_text,
    dehyphenate,
    is_page_number,
    normalize_unicode,
    numbered_heading_level,
    prettify_stem,
    reflow,
    remove_running_lines,
    strip_control,
)


def test_ligatures_spaces_soft_hyphens_and_zero_width_are_normalised():
    raw = "ﬁnance and ﬂexible\u00a0working\u2009here; co\u00adoperation\u200b ok"
    assert normalize_unicode(raw) == "finance and flexible working here; cooperation ok"


def test_curly_quotes_and_dashes_are_kept():
    assert normalize_unicode("“mutual” – ‘partner’") == "“mutual” – ‘partner’"


def test_ansi_escapes_and_control_characters_are_removed():
    raw = "\x1b[31mred\x1b[0m text\x07 with \x00nul and \x1b]0;title\x07osc\r\nnext"
    assert strip_control(raw) == "red text with nul and osc\nnext"


def test_markup_like_text_is_left_alone():
    assert clean_text("[bold red]X[/] and <b>y</b>") == "[bold red]X[/] and <b>y</b>"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("strong partner-\nships matter", "strong partnerships matter"),
        ("the organ-\n   isation", "the organisation"),
        ("Public-\nService", "Public-\nService"),  # capital: a real hyphenated name
        ("co-\nproduction with users", "co-production with users"),
        ("well-\nknown", "well-known"),
    ],
)
def test_dehyphenation(raw, expected):
    assert dehyphenate(raw) == expected


def test_reflow_joins_wrapped_lines_and_keeps_headings_and_lists():
    raw = (
        "3.1 Benefits\n"
        "Mutuals reported that partnership working increased their reach and allowed\n"
        "them to bid for larger contracts than they could win alone, which mattered.\n"
        "• first point\n"
        "• second point\n"
        "\n"
        "Next paragraph."
    )
    assert reflow(raw) == (
        "3.1 Benefits\n"
        "Mutuals reported that partnership working increased their reach and allowed "
        "them to bid for larger contracts than they could win alone, which mattered.\n"
        "• first point\n"
        "• second point\n"
        "\n"
        "Next paragraph."
    )


def test_clean_text_collapses_spaces_and_blank_lines():
    assert clean_text("a   b\t c\n\n\n\n  d  ") == "a b c\n\nd"


@pytest.mark.parametrize(
    "line", ["3", "Page 3", "page 3 of 12", "3 of 12", "- 3 -", "iv", "xii", "3/12", "— 14 —"]
)
def test_page_number_lines(line):
    assert is_page_number(line)


@pytest.mark.parametrize(
    "line", ["3 Benefits", "Page three", "In 2018", "Mutuals", "Civil society"]
)
def test_not_page_numbers(line):
    assert not is_page_number(line)


_BODIES = ["Mutuals grow.", "Trust takes time.", "Contracts matter.", "Peers help.", "Scale up."]


def _pages(n: int) -> list[str]:
    return [
        f"Partnerships for Better Public Services\n{_BODIES[i - 1]}\nDCMS research report | {i}"
        for i in range(1, n + 1)
    ]


def test_running_header_and_numbered_footer_are_removed():
    cleaned = remove_running_lines(_pages(5))
    assert cleaned == _BODIES


def test_two_page_document_needs_the_line_on_both_pages():
    pages = ["Header A\nBody one.", "Other top\nBody two."]
    assert remove_running_lines(pages) == pages
    pages = ["Header A\nBody one.", "Header A\nBody two."]
    assert remove_running_lines(pages) == ["Body one.", "Body two."]


def test_bare_page_numbers_are_removed_at_page_edges_only():
    pages = ["ii\nIntro text.\n", "12\nSome text\n3\nmore text\n- 13 -"]
    assert remove_running_lines(pages) == ["Intro text.", "Some text\n3\nmore text"]


def test_alternating_left_and_right_running_heads_are_removed():
    pages = [
        (f"{n}\nPartnerships for Better Public Services" if n % 2 == 0 else "Chapter 2: Benefits\n")
        + f"\nBody text number {'one two three four five'.split()[n - 1]}.\n{n}"
        for n in range(1, 6)
    ]
    cleaned = remove_running_lines(pages)
    assert cleaned == [f"Body text number {w}." for w in "one two three four five".split()]


def test_repeated_line_in_the_middle_of_pages_is_kept():
    pages = [
        f"Header\nIntro {i}.\nMore {i}.\nSee the note.\nEnd {i}.\nFin {i}.\nTail {i}."
        for i in "abc"
    ]
    assert all("See the note." in page for page in remove_running_lines(pages))


def test_line_repeated_on_a_minority_of_pages_is_kept():
    pages = ["Summary\nText a."] + [f"Text {i}." for i in range(5)]
    assert remove_running_lines(pages)[0] == "Summary\nText a."


def test_clean_pages_runs_the_whole_pipeline():
    out = clean_pages(
        [
            "Report title\nThe partner-\nships are strong and the mutuals say so in many of"
            " the\ninterviews we held.\nPage 1 of 2",
            "Report title\nSecond page body.\nPage 2 of 2",
        ]
    )
    assert out == [
        "The partnerships are strong and the mutuals say so in many of the interviews we held.",
        "Second page body.",
    ]


def test_assemble_records_heading_offsets():
    text, headings = assemble([(1, "Intro"), (0, "Body."), (0, ""), (2, "Sub  part"), (0, "More.")])
    assert text == "Intro\n\nBody.\n\nSub  part\n\nMore."
    assert [(h.level, h.title, text[h.offset : h.offset + 3]) for h in headings] == [
        (1, "Intro", "Int"),
        (2, "Sub part", "Sub"),
    ]


def test_numbered_heading_levels():
    assert numbered_heading_level("3 Benefits") == 1
    assert numbered_heading_level("3.1 Shared resources") == 2
    assert numbered_heading_level("5 Mutuals reported strong growth last year") == 0
    assert numbered_heading_level("3 benefits") == 0


def test_prettify_stem():
    assert (
        prettify_stem("partnerships_for-better-public_services")
        == "Partnerships for better public services"
    )


def test_cleaning_is_linear_on_big_texts():
    para = "Mutual partner-\nships deliver public services in the community. " * 20 + "\n\n"
    big = para * 1500  # ~2 MB
    started = time.perf_counter()
    out = clean_text(big)
    assert "partnerships" in out
    giant_token = "x" * 1_000_000 + "-\nyz"
    assert clean_text(giant_token).endswith("xyz")
    assert time.perf_counter() - started < 5
