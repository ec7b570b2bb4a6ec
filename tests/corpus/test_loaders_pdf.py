"""PDF loading on real generated PDFs (fpdf2): what a reader of the results would notice."""

from __future__ import annotations

import contextlib
import os

import pytest

from corpus.errors import UnreadableDocument
from corpus.loaders import load
from tests.corpus.pdfgen import (
    DEFAULT_PAGES,
    HEADER,
    make_aes_empty_password_pdf,
    make_encrypted_pdf,
    make_image_only_pdf,
    make_report_pdf,
)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    path = make_report_pdf(tmp_path_factory.mktemp("pdf") / "report.pdf")
    return load(path)


def test_every_page_is_loaded_with_its_body_text(report):
    assert report.kind == "pdf"
    assert [p.number for p in report.pages] == [1, 2, 3, 4]
    for page, (heading, paragraphs) in zip(report.pages, DEFAULT_PAGES, strict=True):
        assert page.text.startswith(heading)
        for para in paragraphs:
            first_words = " ".join(para.removeprefix("## ").split()[:6])
            assert first_words in page.text


def test_running_header_and_footer_page_numbers_are_gone(report):
    for page in report.pages:
        assert HEADER not in page.text
        assert "Page " not in page.text
        assert " of 4" not in page.text
        assert not page.text.rstrip().endswith(str(page.number))


def test_word_hyphenated_across_a_line_break_comes_back_joined(report):
    assert "Strong partnerships between providers" in report.pages[0].text
    assert "partner-" not in report.text


def test_wrapped_lines_are_reflowed_into_sentences(report):
    assert "continue delivering public services." in report.pages[0].text


def test_outline_headings_point_at_their_page_text(report):
    titles = [(h.level, h.title) for h in report.headings]
    assert titles == [
        (1, "1 Introduction"),
        (1, "2 Benefits of partnership"),
        (2, "2.1 Shared resources"),
        (1, "3 Challenges"),
        (1, "4 Recommendations"),
    ]
    starts = report.page_starts()
    expected_pages = [1, 2, 2, 3, 4]
    for heading, page_no in zip(report.headings, expected_pages, strict=True):
        assert report.text[heading.offset :].startswith(heading.title)
        assert (
            starts[page_no - 1]
            <= heading.offset
            < starts[page_no - 1] + len(report.pages[page_no - 1].text)
        )


def test_title_from_metadata(report):
    assert report.title == "Partnerships for Better Public Services"


def test_without_metadata_title_a_first_page_heading_is_the_title(tmp_path):
    pages = [("Working Together Guide", ["Mutuals can partner with charities and firms."]),
             ("1 Scope", ["This guide covers partnerships between providers."])]
    doc = load(make_report_pdf(tmp_path / "untitled.pdf", pages, title=None))
    assert doc.title == "Working Together Guide"


def test_without_outline_headings_come_from_the_layout(tmp_path):
    doc = load(make_report_pdf(tmp_path / "plain.pdf", outline=False))
    titles = [(h.level, h.title) for h in doc.headings]
    assert titles == [
        (1, "1 Introduction"),
        (1, "2 Benefits of partnership"),
        (2, "2.1 Shared resources"),
        (1, "3 Challenges"),
        (1, "4 Recommendations"),
    ]
    for heading in doc.headings:
        assert doc.text[heading.offset :].startswith(heading.title)


def test_printed_page_labels(tmp_path):
    path = make_report_pdf(tmp_path / "labels.pdf", front_pages=2, page_label_offset=2)
    doc = load(path)
    assert [p.label for p in doc.pages] == ["i", "ii", "1", "2", "3", "4"]
    assert doc.pages[2].text.startswith("1 Introduction")
    # the outline still points at the right physical page
    intro = doc.headings[0]
    assert doc.page_starts()[2] == intro.offset


def test_labels_equal_to_page_numbers_are_not_repeated(report):
    assert all(p.label is None for p in report.pages)


def test_two_page_pdf_loses_header_and_footer(tmp_path):
    doc = load(make_report_pdf(tmp_path / "two.pdf", pages=DEFAULT_PAGES[:2]))
    assert len(doc.pages) == 2
    assert HEADER not in doc.text
    assert "Page 1 of 2" not in doc.text and "Page 2 of 2" not in doc.text
    assert "Mutuals reported that partnership working" in doc.text


def test_password_protected_pdf_needs_a_password(tmp_path):
    with pytest.raises(UnreadableDocument, match="password"):
        load(make_encrypted_pdf(tmp_path / "locked.pdf", "s3cret"))


def test_aes_pdf_with_empty_user_password_opens(tmp_path):
    doc = load(make_aes_empty_password_pdf(tmp_path / "aes.pdf"))
    assert "Confidential partnership briefing" in doc.text


def test_random_bytes_are_not_a_pdf(tmp_path):
    path = tmp_path / "random.pdf"
    path.write_bytes(os.urandom(4096))
    with pytest.raises(UnreadableDocument, match="not a readable PDF"):
        load(path)


def test_truncated_pdf_is_reported(tmp_path):
    data = make_report_pdf(tmp_path / "full.pdf").read_bytes()
    path = tmp_path / "truncated.pdf"
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(UnreadableDocument) as info:
        load(path)
    assert info.value.reason.startswith("not a readable PDF (")
    assert "\n" not in info.value.reason


def test_pdf_header_followed_by_garbage(tmp_path):
    path = tmp_path / "garbage.pdf"
    path.write_bytes(b"%PDF-1.7\n" + os.urandom(2000))
    with pytest.raises(UnreadableDocument, match="not a readable PDF"):
        load(path)


def test_image_only_pdf_asks_for_ocr(tmp_path):
    with pytest.raises(UnreadableDocument, match=r"no extractable text.*OCR"):
        load(make_image_only_pdf(tmp_path / "scan.pdf", pages=2))


def test_zero_byte_pdf(tmp_path):
    path = tmp_path / "empty.pdf"
    path.touch()
    with pytest.raises(UnreadableDocument, match=r"^empty file$"):
        load(path)


def test_over_size_limit(tmp_path):
    path = make_report_pdf(tmp_path / "big.pdf")
    with pytest.raises(UnreadableDocument, match=r"over the 1\.0 KB limit"):
        load(path, max_bytes=1000)
    assert load(path, max_bytes=None).pages


def test_pypdf_warnings_do_not_reach_the_log(tmp_path, caplog):
    data = make_report_pdf(tmp_path / "x.pdf").read_bytes()
    path = tmp_path / "broken-xref.pdf"
    path.write_bytes(data.replace(b"startxref", b"startxrex"))
    caplog.set_level("WARNING")
    with contextlib.suppress(UnreadableDocument):
        load(path)
    assert not [
        r for r in caplog.records if r.name.startswith("pypdf") and r.levelname == "WARNING"
    ]


def test_pdf_without_metadata_title_is_not_named_after_a_numbered_section(tmp_path):
    from corpus.loaders import load
    from tests.corpus.pdfgen import make_report_pdf

    path = make_report_pdf(tmp_path / "partnership-toolkit.pdf", title=None)
    doc = load(path)
    assert doc.title == "Partnership toolkit" or doc.title.lower() == "partnership toolkit"
