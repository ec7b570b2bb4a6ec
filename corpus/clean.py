"""Text cleaning shared by the loaders.

Everything here is linear in the size of the text. The pipeline for a paged document
(``clean_pages``) is: strip control characters and ANSI escapes, normalise Unicode,
drop running headers/footers and bare page numbers, join words hyphenated across line
breaks, reflow hard-wrapped lines into paragraphs, collapse spaces.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from itertools import pairwise

from corpus.records import Heading

# --- control characters and Unicode -------------------------------------------------

# ANSI/VT escape sequences: CSI (ESC [ ... final), OSC (ESC ] ... BEL or ST), and the
# two-character escapes (ESC followed by one of @-Z \ ] ^ _). The 8-bit CSI (\x9b) too.
_ANSI_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?"
    r"|\x1b[PX^_][^\x1b]*(?:\x1b\\)?"
    r"|\x1b[@-Z\\-_]?"
)
# C0 controls except \t \n \f, DEL, C1 controls; bidi embedding/override/isolate marks.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

_CHAR_MAP = {
    # ligatures (Alphabetic Presentation Forms)
    "\ufb00": "ff",
    "\ufb01": "fi",
    "\ufb02": "fl",
    "\ufb03": "ffi",
    "\ufb04": "ffl",
    "\ufb05": "st",
    "\ufb06": "st",
    # removed: soft hyphen, zero-width space/joiners, word joiner, BOM
    "\u00ad": None,
    "\u200b": None,
    "\u200c": None,
    "\u200d": None,
    "\u2060": None,
    "\ufeff": None,
    # hyphen variants that are just hyphens
    "\u2010": "-",
    "\u2011": "-",
    # line/paragraph separators
    "\u2028": "\n",
    "\u2029": "\n\n",
    "\t": " ",
}
for _cp in (0x00A0, 0x1680, 0x202F, 0x205F, 0x3000, *range(0x2000, 0x200B)):
    _CHAR_MAP[chr(_cp)] = " "
_TRANSLATE = str.maketrans(_CHAR_MAP)


def strip_control(text: str) -> str:
    """Remove ANSI escape sequences and control characters.

    Newlines, tabs and form feeds are kept; ``\\r\\n`` and lone ``\\r`` become ``\\n``.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if "\x1b" in text or "\x9b" in text:
        text = _ANSI_RE.sub("", text)
    return _CONTROL_RE.sub("", text)


def normalize_unicode(text: str) -> str:
    """NFC plus targeted compatibility folding.

    Ligatures are expanded, odd spaces become plain spaces, soft hyphens and zero-width
    characters are removed, tabs become spaces. Curly quotes and dashes are kept.
    """
    return unicodedata.normalize("NFC", text.translate(_TRANSLATE))


def normalize_inline(text: str) -> str:
    """Clean a fragment where all whitespace is insignificant (e.g. HTML text)."""
    return " ".join(normalize_unicode(strip_control(text)).split())


# --- running headers, footers and page numbers ---------------------------------------

_ROMAN = r"(?=[mdclxvi])m{0,3}(?:cm|cd|d?c{0,3})(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})"
_PAGE_NUMBER_RE = re.compile(
    rf"[\s\-–—|·•.]*(?:(?:page|pg\.?|p\.)\s*)?(?:\d{{1,4}}|{_ROMAN})"
    rf"(?:\s*(?:of|/)\s*\d{{1,4}})?[\s\-–—|·•]*",
    re.IGNORECASE,
)
_DIGITS_RE = re.compile(r"\d+")
_EDGE = 3  # lines at the top and bottom of a page where running lines are looked for


def is_page_number(line: str) -> bool:
    """True for a bare page number: "3", "Page 3", "3 of 12", "- 3 -", "iv"."""
    line = line.strip()
    return bool(line) and len(line) <= 20 and _PAGE_NUMBER_RE.fullmatch(line) is not None


def _line_key(line: str) -> str:
    return " ".join(_DIGITS_RE.sub("#", line.lower()).split())


def _edge_slots(lines: list[str]) -> dict[int, set[tuple[str, int]]]:
    """Line index → its slots: ("t", k) for the k-th line from the top, ("b", k) from the
    bottom, counting only non-blank lines that are not bare page numbers."""
    filled = [i for i, line in enumerate(lines) if line.strip() and not is_page_number(line)]
    slots: dict[int, set[tuple[str, int]]] = {}
    for k, i in enumerate(filled[:_EDGE]):
        slots.setdefault(i, set()).add(("t", k))
    for k, i in enumerate(reversed(filled[-_EDGE:])):
        slots.setdefault(i, set()).add(("b", k))
    return slots


def remove_running_lines(pages: Sequence[str]) -> list[str]:
    """Drop running headers/footers and bare page numbers from page texts.

    A line is a running header/footer when, with digits replaced by a placeholder, it
    sits at the same place among the first or last few lines of at least half of the
    pages (rounded down, so alternating left/right running heads count; both pages when
    there are two). Bare page numbers are dropped at the top and bottom of every page.
    """
    split = [page.split("\n") for page in pages]
    slotted = [_edge_slots(lines) for lines in split]
    n = len(split)
    frequent: set[tuple[str, int, str]] = set()
    if n >= 2:
        threshold = max(2, n // 2)
        counts: Counter[tuple[str, int, str]] = Counter()
        for lines, slots in zip(split, slotted, strict=True):
            counts.update(
                {(side, k, _line_key(lines[i])) for i, s in slots.items() for side, k in s}
            )
        frequent = {key for key, c in counts.items() if c >= threshold}
    out = []
    for lines, slots in zip(split, slotted, strict=True):
        drop = {
            i
            for i, s in slots.items()
            if any((side, k, _line_key(lines[i])) in frequent for side, k in s)
        }
        kept = [line for i, line in enumerate(lines) if i not in drop]
        out.append("\n".join(_trim_page_numbers(kept)))
    return out


def _trim_page_numbers(lines: list[str]) -> list[str]:
    start, end = 0, len(lines)
    for _ in range(2):  # a page number may sit above/below a blank line or another one
        while start < end and not lines[start].strip():
            start += 1
        if start < end and is_page_number(lines[start]):
            start += 1
        while end > start and not lines[end - 1].strip():
            end -= 1
        if end > start and is_page_number(lines[end - 1]):
            end -= 1
    return lines[start:end]


# --- hyphenation, reflow, spaces ---------------------------------------------------

# Prefixes whose hyphen is real ("co-production", "well-known"): keep the hyphen.
_KEEP_HYPHEN = frozenset({"co", "self", "well", "non", "cross", "multi", "long", "short"})
_HYPHEN_BREAK_RE = re.compile(r"\b(\w+)-[ \t]*\n[ \t]*(?=[a-z])")


def dehyphenate(text: str) -> str:
    """Join words hyphenated across a line break when the next line starts lowercase."""

    def join(m: re.Match[str]) -> str:
        word = m.group(1)
        return word + "-" if word.lower() in _KEEP_HYPHEN else word

    return _HYPHEN_BREAK_RE.sub(join, text)


_BULLET_RE = re.compile(r"\s*(?:[•·▪◦●■‣\-\u2013*+]\s|\(?\d{1,2}[.)]\s|\(?[a-z][.)]\s)")
_SENTENCE_END = (".", "!", "?", ":", ";", "”", '"', ")")


def _keeps_break(line: str, nxt: str, width: int) -> bool:
    if not nxt or _BULLET_RE.match(nxt) or " | " in nxt or " | " in line:
        return True
    if len(line) >= 0.6 * width:
        return False
    # a short line: a heading or the end of a paragraph, unless the next line plainly
    # continues the sentence.
    return line.endswith(_SENTENCE_END) or not nxt[0].islower()


def reflow(text: str) -> str:
    """Join hard-wrapped lines inside paragraphs; keep blank lines between paragraphs.

    A line break is kept after a short line (heading, end of paragraph), before list
    items and around table rows ("a | b"); other breaks become spaces.
    """
    out = []
    for block in re.split(r"\n[ \t]*\n", text):
        lines = [line.strip() for line in block.split("\n")]
        lines = [line for line in lines if line]
        if not lines:
            continue
        width = max(len(line) for line in lines)
        parts = [lines[0]]
        for prev, line in pairwise(lines):
            parts.append("\n" if _keeps_break(prev, line, width) else " ")
            parts.append(line)
        out.append("".join(parts))
    return "\n\n".join(out)


_SPACES_RE = re.compile(r"[ \t]+")
_BLANKS_RE = re.compile(r"\n{3,}")


def collapse_spaces(text: str) -> str:
    """Collapse runs of spaces, trim lines, allow at most one blank line in a row."""
    text = _SPACES_RE.sub(" ", text)
    text = "\n".join(line.strip() for line in text.split("\n"))
    return _BLANKS_RE.sub("\n\n", text).strip()


def clean_text(text: str, *, reflow_lines: bool = True) -> str:
    """Clean one stretch of text: control chars, Unicode, hyphenation, reflow, spaces."""
    text = normalize_unicode(strip_control(text))
    text = dehyphenate(text)
    if reflow_lines:
        text = reflow(text)
    return collapse_spaces(text)


def clean_pages(pages: Sequence[str], *, reflow_lines: bool = True) -> list[str]:
    """Clean the pages of one document, removing running headers/footers first."""
    pre = [normalize_unicode(strip_control(page)).replace("\f", "\n") for page in pages]
    pre = [collapse_spaces(page) for page in pre]
    return [clean_text(page, reflow_lines=reflow_lines) for page in remove_running_lines(pre)]


# --- assembling blocks with heading offsets ---------------------------------------


def assemble(blocks: Iterable[tuple[int, str]], *, base: int = 0) -> tuple[str, list[Heading]]:
    """Join blocks with blank lines and record headings at their offsets.

    Args:
        blocks: ``(level, text)`` pairs; level 0 is body text, 1-6 a heading. Empty
            texts are skipped.
        base: offset of the assembled text in the whole document.

    Returns:
        The text and the headings found in it.
    """
    parts: list[str] = []
    headings: list[Heading] = []
    pos = 0
    for level, text in blocks:
        text = text.strip()
        if not text:
            continue
        if parts:
            parts.append("\n\n")
            pos += 2
        if level:
            headings.append(Heading(level=level, title=" ".join(text.split()), offset=base + pos))
        parts.append(text)
        pos += len(text)
    return "".join(parts), headings


# --- small helpers for titles and headings ------------------------------------------

_SMALL_WORDS = frozenset(
    "a an and as at but by for from in into of on or per the to vs via with".split()
)
_NUMBERED_RE = re.compile(r"(\d{1,2}(?:\.\d{1,2}){0,4})\.?\s+(\S.*)")


def numbered_heading_level(line: str) -> int:
    """Level of a numbered heading ("3 Benefits" → 1, "3.1 Scale" → 2), else 0."""
    m = _NUMBERED_RE.fullmatch(line.strip())
    if not m or not m.group(2)[0].isupper():
        return 0
    number, rest = m.groups()
    # "5 Mutuals reported growth" is a sentence; "5 Challenges" and "2.1 Scale" are not.
    if "." not in number and len(rest.split()) > 4 and not is_title_case(rest):
        return 0
    return number.count(".") + 1


def is_title_case(line: str) -> bool:
    """True when every significant word starts with a capital (or the line is in caps)."""
    words = [w.strip("()[]\"'\u201c\u201d\u2018\u2019,") for w in line.split()]
    words = [w for w in words if w]
    if not words or not words[0][0].isupper():
        return False
    letters = [c for c in line if c.isalpha()]
    if len(letters) < 3:
        return False
    for word in words[1:]:
        if word.lower() in _SMALL_WORDS:
            continue
        if not (word[0].isupper() or word[0].isdigit() or word[0] in "&-\u2013"):
            return False
    return True


def prettify_stem(stem: str) -> str:
    """A readable title from a file name ("for_better-services" → "For better services")."""
    words = re.sub(r"[_\-.]+", " ", stem).split()
    title = " ".join(words) or stem
    return title[:1].upper() + title[1:]
