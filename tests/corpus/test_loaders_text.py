"""Plain text and Markdown loading, encodings, and the checks done by ``load``."""

from __future__ import annotations

import os
import time

import pytest

from corpus.errors import UnreadableDocument
from corpus.loaders import SUPPORTED_SUFFIXES, load, make_doc_id
from corpus.loaders.text import decode_text

MARKDOWN = """---
layout: guide
---
Partnership guide
=================

Public Service Mutuals *work* with **partners** across
the `public` sector. See [the report](https://www.gov.uk/x "DCMS") and [ref link][r].

## Benefits of partnership

- Greater reach
- Shared costs
  across partners
* Stronger bids

Challenges
----------

| Issue | Share |
|-------|------:|
| Trust | 60% |

```
code_block = "# not a heading"
```

### 3.1 Next steps ###

Read snake_case_names and 2 * 3 = 6 literally.

[r]: https://example.org
"""


def _write(tmp_path, name: str, content: str | bytes):
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


@pytest.fixture
def markdown(tmp_path):
    return load(_write(tmp_path, "guide.md", MARKDOWN))


def test_markdown_headings_become_records_without_hash_marks(markdown):
    assert [(h.level, h.title) for h in markdown.headings] == [
        (1, "Partnership guide"),
        (2, "Benefits of partnership"),
        (2, "Challenges"),
        (3, "3.1 Next steps"),
    ]
    for heading in markdown.headings:
        assert markdown.text[heading.offset :].startswith(heading.title)
    assert "##" not in markdown.text and "===" not in markdown.text and "---" not in markdown.text


def test_markdown_inline_markup_is_removed(markdown):
    assert (
        "Public Service Mutuals work with partners across the public sector. "
        "See the report and ref link." in markdown.text
    )
    assert "https://" not in markdown.text
    assert "layout: guide" not in markdown.text


def test_markdown_lists_tables_and_code(markdown):
    assert "• Greater reach\n• Shared costs across partners\n• Stronger bids" in markdown.text
    assert "Trust: Share 60%" in markdown.text  # a pipe table's row names its column
    assert 'code_block = "# not a heading"' in markdown.text
    assert "Read snake_case_names and 2 * 3 = 6 literally." in markdown.text


MARKDOWN_MORE = """# Steps

1. Agree the aims
   - name a lead partner
   - share the risk
2. Sign the agreement

<div class="callout">
<p>Partners <em>must</em> meet monthly.</p>
</div>

<!-- internal note: not for readers -->

Example:

    partners = ["a", "b"]
    lead = partners[0]

Text with &amp; entity and a <br> break.
"""


def test_markdown_nested_lists_html_blocks_and_indented_code(tmp_path):
    doc = load(_write(tmp_path, "steps.md", MARKDOWN_MORE))
    assert doc.text == (
        "Steps\n\n"
        "1. Agree the aims\n• name a lead partner\n• share the risk\n2. Sign the agreement"
        "\n\nPartners must meet monthly.\n\nExample:\n\n"
        'partners = ["a", "b"]\nlead = partners[0]\n\n'
        "Text with & entity and a break."
    )


def test_markdown_title_and_kind(markdown):
    assert markdown.title == "Partnership guide"
    assert markdown.kind == "markdown"
    assert len(markdown.pages) == 1


PLAIN = """Partnerships for Better Public Services

1 Introduction

Public Service Mutuals deliver public services. This text was
hard-wrapped at a fixed width by an editor, and the partner-
ships it describes are real.

Key Findings And Themes

Mutuals value partnerships.
A short line that is not a heading

Dear colleague, this line ends with a period.
"""


def test_plain_text_headings_reflow_and_title(tmp_path):
    doc = load(_write(tmp_path, "notes.txt", PLAIN))
    assert doc.kind == "text"
    assert doc.title == "Partnerships for Better Public Services"
    assert [(h.level, h.title) for h in doc.headings] == [
        (1, "Partnerships for Better Public Services"),
        (1, "1 Introduction"),
        (1, "Key Findings And Themes"),
    ]
    for heading in doc.headings:
        assert doc.text[heading.offset :].startswith(heading.title)
    assert (
        "This text was hard-wrapped at a fixed width by an editor, and the partnerships it"
        in doc.text
    )


def test_form_feeds_split_pages(tmp_path):
    content = "Page one text.\n\f Page two text.\n\fPage three text.\n"
    doc = load(_write(tmp_path, "paged.txt", content))
    assert [(p.number, p.text) for p in doc.pages] == [
        (1, "Page one text."),
        (2, "Page two text."),
        (3, "Page three text."),
    ]


def test_form_feed_pages_lose_running_headers_and_numbers(tmp_path):
    pages = [
        f"Mutuals Annual Review\nBody {word}.\n{n}"
        for n, word in enumerate(["one", "two", "three"], 1)
    ]
    doc = load(_write(tmp_path, "review.txt", "\f".join(pages)))
    assert [p.text for p in doc.pages] == ["Body one.", "Body two.", "Body three."]


def test_headings_on_later_pages_have_document_offsets(tmp_path):
    content = "First page body text.\f2 Benefits\n\nSecond page body.\n"
    doc = load(_write(tmp_path, "offsets.txt", content))
    (heading,) = doc.headings
    assert doc.text[heading.offset :].startswith("2 Benefits")
    assert heading.offset == doc.page_starts()[1]


def test_cp1252_text_decodes(tmp_path):
    doc = load(_write(tmp_path, "legacy.txt", "café – naïve".encode("cp1252")))
    assert doc.text == "café – naïve"


def test_utf8_with_a_broken_byte_is_not_turned_into_mojibake(tmp_path):
    data = "Café, naïve, coöperation – mutuals’ reach".encode() + b"\xff tail"
    assert load(_write(tmp_path, "broken.txt", data)).text == (
        "Café, naïve, coöperation – mutuals’ reach\ufffd tail"
    )


def test_utf8_bom_and_utf16_bom(tmp_path):
    assert load(_write(tmp_path, "bom.txt", "\ufeffMutual café".encode())).text == "Mutual café"
    assert load(_write(tmp_path, "wide.txt", "Mutual café".encode("utf-16"))).text == "Mutual café"


def test_decode_never_fails():
    assert isinstance(decode_text(os.urandom(2000)), str)
    assert isinstance(decode_text(b"\x81\x8d\x8f"), str)  # undefined in cp1252


def test_markup_is_literal_and_escape_bytes_are_removed(tmp_path):
    content = "Status: [bold red]X[/] \x1b[31mALERT\x1b[0m done\x07\n"
    for name in ("console.txt", "console.md"):
        doc = load(_write(tmp_path, name, content))
        assert "[bold red]X[/]" in doc.text
        assert "ALERT" in doc.text
        assert "\x1b" not in doc.text and "[31m" not in doc.text and "\x07" not in doc.text


def test_whitespace_only_file(tmp_path):
    with pytest.raises(UnreadableDocument, match="no text"):
        load(_write(tmp_path, "blank.txt", " \n\n\t \n"))


# --- load(): dispatch and file checks ------------------------------------------------


def test_unsupported_suffix(tmp_path):
    with pytest.raises(UnreadableDocument) as info:
        load(_write(tmp_path, "report.docx", b"PK\x03\x04"))
    assert info.value.reason == (
        "unsupported file type .docx (supported: .pdf, .html, .htm, .md, .markdown, .txt)"
    )


def test_suffix_is_case_insensitive(tmp_path):
    assert load(_write(tmp_path, "NOTES.TXT", "Hello mutuals.")).text == "Hello mutuals."
    assert ".markdown" in SUPPORTED_SUFFIXES


def test_empty_missing_and_oversize(tmp_path):
    with pytest.raises(UnreadableDocument, match=r"^empty file$"):
        load(_write(tmp_path, "empty.md", b""))
    with pytest.raises(UnreadableDocument, match="not found"):
        load(tmp_path / "missing.txt")
    with pytest.raises(UnreadableDocument, match=r"^file is 2\.0 KB, over the 1\.0 KB limit$"):
        load(_write(tmp_path, "big.txt", "x" * 2000), max_bytes=1000)


def test_oversize_message_in_megabytes(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as fh:
        fh.truncate(120_000_000)  # sparse file: no real disk use
    with pytest.raises(UnreadableDocument, match=r"^file is 120\.0 MB, over the 50\.0 MB limit$"):
        load(path)


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root can read anything")
def test_permission_denied(tmp_path):
    path = _write(tmp_path, "secret.txt", "hidden")
    path.chmod(0)
    try:
        with pytest.raises(UnreadableDocument, match=r"^permission denied$"):
            load(path)
    finally:
        path.chmod(0o600)


def test_permission_error_while_reading(tmp_path, monkeypatch):
    path = _write(tmp_path, "locked.txt", "hidden")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    import corpus.loaders

    monkeypatch.setattr(corpus.loaders, "open_regular", denied)
    with pytest.raises(UnreadableDocument, match=r"^permission denied$"):
        load(path)


def test_library_errors_are_wrapped(tmp_path, monkeypatch):
    import corpus.loaders.text as text_loader

    def boom(*args, **kwargs):
        raise ValueError("multi\nline failure")

    monkeypatch.setattr(text_loader, "load_text", boom)
    with pytest.raises(UnreadableDocument) as info:
        load(_write(tmp_path, "a.txt", "text"))
    assert info.value.reason == "could not read TXT (ValueError: multi line failure)"


def test_doc_id_is_a_stable_slug(tmp_path):
    path = _write(tmp_path, "Partnerships for Better Public Services (2018).pdf", b"x")
    doc_id = make_doc_id(path)
    assert doc_id.startswith("partnerships-for-better-public-services-2018-")
    assert len(doc_id.rsplit("-", 1)[1]) == 8
    assert make_doc_id(path) == doc_id
    assert make_doc_id(tmp_path / "." / path.name) == doc_id
    assert make_doc_id(tmp_path / "other" / path.name) != doc_id
    assert load(_write(tmp_path, "x.txt", "Text."), doc_id="given").doc_id == "given"


def test_thousand_small_files_load_quickly(tmp_path):
    body = "Mutuals and partners.\n\n" + "Public services are delivered in partnership. " * 40
    paths = [
        _write(tmp_path, f"doc{i}.{'md' if i % 2 else 'txt'}", f"# Doc {i}\n\n{body}")
        for i in range(1000)
    ]
    started = time.perf_counter()
    docs = [load(p) for p in paths]
    assert len(docs) == 1000
    assert time.perf_counter() - started < 10
