"""Plain-text and Markdown loaders, and the byte decoding shared with the HTML loader."""

from __future__ import annotations

import codecs
import re
from itertools import pairwise
from pathlib import Path

from corpus.clean import (
    clean_pages,
    clean_text,
    collapse_spaces,
    is_title_case,
    normalize_unicode,
    numbered_heading_level,
    prettify_stem,
    strip_control,
)
from corpus.errors import UnreadableDocument
from corpus.records import Document, Heading, Page
from corpus.tables import TableText, assemble_tables, pipe_table

# --- decoding ----------------------------------------------------------------------

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# WHATWG: these labels mean windows-1252 on the web.
_AS_CP1252 = frozenset({"ascii", "us-ascii", "iso-8859-1", "iso8859-1", "latin1", "latin-1"})


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    if name in _AS_CP1252:
        return "cp1252"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def _plausible_western(text: str) -> bool:
    """Does a cp1252 decoding look like Western text (few controls, mostly ASCII letters)?"""
    sample = text[:20_000]
    controls = sum(1 for c in sample if ord(c) < 32 and c not in "\t\n\r\f")
    letters = [c for c in sample if c.isalpha()]
    accented = sum(1 for c in letters if ord(c) > 127)
    return controls <= len(sample) // 100 and accented <= 0.3 * max(1, len(letters))


_UTF8_MULTIBYTE_RE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)


def _mostly_utf8(data: bytes) -> str | None:
    """UTF-8 with a few broken bytes (a truncated file, one stray byte): decode it with
    replacement characters rather than turn every accent into mojibake."""
    text = data.decode("utf-8", errors="replace")
    errors = text.count("\ufffd")
    valid = sum(1 for _ in _UTF8_MULTIBYTE_RE.finditer(data))
    return text if valid >= max(3, 2 * errors) else None


def decode_text(data: bytes, declared: str | None = None) -> str:
    """Decode bytes without ever failing.

    Order: byte-order mark, the declared charset, UTF-8, UTF-8 with a few broken bytes,
    Windows-1252 when the result looks like Western text, charset-normalizer's best
    guess, finally Latin-1. (charset-normalizer alone misreads short Windows-1252 text,
    e.g. "café – naïve" as cp1125.)
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                break
    for candidate in (_codec(declared), "utf-8"):
        if candidate and not candidate.startswith(("utf-16", "utf-32")):
            try:
                return data.decode(candidate)
            except UnicodeDecodeError:
                pass
    mostly_utf8 = _mostly_utf8(data)
    if mostly_utf8 is not None:
        return mostly_utf8
    try:
        text = data.decode("cp1252")
        if _plausible_western(text):
            return text
    except UnicodeDecodeError:
        pass
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            return str(best)
    except Exception:  # a detector failure must not stop us: fall through
        pass
    return data.decode("latin-1")


# --- plain text ---------------------------------------------------------------------

_END_PUNCT = ".,;:!?"


def _is_text_heading(block: str) -> int:
    """Heading level of a one-line paragraph, or 0."""
    if "\n" in block or len(block) > 100 or block[-1] in _END_PUNCT or block[0] in "•-*":
        return 0
    if len(block.split()) > 8:
        return 0
    level = numbered_heading_level(block)
    if level:
        return min(level, 6)
    return 1 if is_title_case(block) and not block[0].isdigit() else 0


def _text_headings(text: str, base: int) -> list[Heading]:
    headings = []
    blocks = text.split("\n\n")  # clean text has exactly one blank line between blocks
    pos = base
    for block, _next in pairwise(blocks):  # a heading is followed by a blank line
        level = _is_text_heading(block) if block else 0
        if level:
            headings.append(Heading(level=level, title=block, offset=pos))
        pos += len(block) + 2
    return headings


def _title_from(headings: list[Heading], text: str, source: Path) -> str:
    if headings:
        top = min(h.level for h in headings)
        return next(h.title for h in headings if h.level == top)
    for line in text.split("\n"):
        line = line.strip()
        if line:
            if len(line) <= 100 and len(line.split()) <= 12:
                return line.rstrip(".:")
            break
    return prettify_stem(source.stem)


def load_text(data: bytes, *, source: Path, doc_id: str) -> Document:
    """Load a plain-text file. Form feeds split pages.

    Raises:
        UnreadableDocument: the file holds no text.
    """
    raw = decode_text(data)
    texts = clean_pages(raw.split("\f")) if "\f" in raw else [clean_text(raw)]
    if not any(texts):
        raise UnreadableDocument("no text (file is blank)")
    pages = [Page(number=i + 1, text=t) for i, t in enumerate(texts)]
    doc = Document(doc_id=doc_id, title="", source=str(source), pages=pages, kind="text")
    for page, start in zip(pages, doc.page_starts(), strict=True):
        doc.headings.extend(_text_headings(page.text, start))
    doc.title = _title_from(doc.headings, doc.text, source)
    return doc


# --- Markdown -----------------------------------------------------------------------

_ATX_RE = re.compile(r" {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*")
_FENCE_RE = re.compile(r" {0,3}(`{3,}|~{3,})")
_RULE_RE = re.compile(r" {0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})")
_LIST_RE = re.compile(r"[ \t]*(?:([-*+])|(\d{1,9}[.)]))[ \t]+(.*)")
_REF_DEF_RE = re.compile(r" {0,3}\[([^\]]+)\]:[ \t]*\S+.*")
_TABLE_SEP_RE = re.compile(r"\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?")
_FRONT_TITLE_RE = re.compile(r"title:[ \t]*(.+)", re.IGNORECASE)

_INLINE_SUBS = [
    (re.compile(r"`+([^`\n]{1,500}?)`+"), r"\1"),
    (re.compile(r"!\[([^\]\n]*)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]\n]+)\]\([^)\s]*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"(\*\*|__)(?=\S)(.{1,500}?)(?<=[^\s\\])\1"), r"\2"),
    (re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.{1,500}?)(?<=[^\s\\*])\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<![\w\\])_(?=[^\s_])(.{1,500}?)(?<=[^\s\\_])_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.{1,500}?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
]


def _inline(text: str, refs: set[str]) -> str:
    if refs:
        text = re.sub(
            r"\[([^\]\n]+)\]\[([^\]\n]*)\]",
            lambda m: m.group(1) if (m.group(2) or m.group(1)).lower() in refs else m.group(0),
            text,
        )
    for regex, repl in _INLINE_SUBS:
        text = regex.sub(repl, text)
    return " ".join(text.split())


def _markdown_blocks(text: str) -> tuple[list[tuple[int, str | TableText]], str | None]:
    lines = text.split("\n")
    front_title = None
    i = 0
    if lines and lines[0].strip() == "---":  # YAML front matter
        end = next(
            (j for j in range(1, min(len(lines), 200)) if lines[j].strip() in ("---", "...")), 0
        )
        for line in lines[1:end]:
            m = _FRONT_TITLE_RE.fullmatch(line.strip())
            if m:
                front_title = m.group(1).strip().strip("\"'")
        i = end + 1 if end else 0
    refs = {m.group(1).lower() for line in lines if (m := _REF_DEF_RE.fullmatch(line))}
    blocks: list[tuple[int, str | TableText]] = []
    buf: list[str] = []
    kind = ""  # "p", "list" or "table"

    def flush() -> None:
        nonlocal kind
        if buf:
            if kind == "p":
                blocks.append((0, _inline(" ".join(buf), refs)))
            elif kind == "table":
                blocks.append((0, _pipe_block(buf, refs)))
            else:
                blocks.append((0, "\n".join(_inline(b, refs) for b in buf)))
        buf.clear()
        kind = ""

    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        i += 1
        fence = _FENCE_RE.match(line)
        if fence:
            flush()
            mark, code = fence.group(1), []
            while i < len(lines) and not lines[i].strip().startswith(mark):
                code.append(lines[i].rstrip())
                i += 1
            i += 1
            blocks.append((0, "\n".join(code)))
            continue
        while stripped.startswith(">"):
            stripped = stripped[1:].strip()
        if not stripped:
            flush()
            continue
        atx = _ATX_RE.fullmatch(line)
        if atx:
            flush()
            blocks.append((len(atx.group(1)), _inline(atx.group(2) or "", refs)))
            continue
        if kind == "p" and (
            set(stripped) == {"="} or (len(stripped) >= 2 and set(stripped) == {"-"})
        ):
            title = _inline(" ".join(buf), refs)
            buf.clear()
            kind = ""
            blocks.append((1 if stripped[0] == "=" else 2, title))
            continue
        if _RULE_RE.fullmatch(line) or _REF_DEF_RE.fullmatch(line):
            flush()
            continue
        if stripped.startswith("|"):
            if kind != "table":
                flush()
                kind = "table"
            buf.append(stripped)
            continue
        item = _LIST_RE.fullmatch(line)
        if item:
            if kind != "list":
                flush()
                kind = "list"
            bullet, number, rest = item.groups()
            buf.append(("• " if bullet else number + " ") + rest)
            continue
        if kind == "list":  # lazy continuation of the last item
            buf[-1] += " " + stripped
            continue
        if kind == "table":
            flush()
        kind = "p"
        buf.append(stripped)
    flush()
    return blocks, front_title


def _pipe_block(lines: list[str], refs: set[str]) -> str | TableText:
    """A pipe table's lines as a table (rows that name their columns), else as text."""
    table = pipe_table(lines, lambda cell: _inline(cell, refs))
    if table is not None:
        return table
    rows = [line for line in lines if not _TABLE_SEP_RE.fullmatch(line)]
    return "\n".join(_inline(" | ".join(c.strip() for c in r.strip("|").split("|")), refs)
                     for r in rows)


def load_markdown(data: bytes, *, source: Path, doc_id: str) -> Document:
    """Load a Markdown file: headings become Heading records, markup is removed.

    Raises:
        UnreadableDocument: the file holds no text.
    """
    raw = normalize_unicode(strip_control(decode_text(data))).replace("\f", "\n")
    blocks, front_title = _markdown_blocks(raw)
    text, headings, tables = assemble_tables(
        [(level, b if isinstance(b, TableText) else collapse_spaces(b)) for level, b in blocks])
    if not text:
        raise UnreadableDocument("no text (file is blank)")
    title = front_title or _title_from([h for h in headings if h.end is None], text, source)
    return Document(
        doc_id=doc_id,
        title=title,
        source=str(source),
        pages=[Page(number=1, text=text)],
        headings=headings,
        tables=tables,
        kind="markdown",
    )
