"""Document text as literal ``rich.text.Text``: never markup, never terminal control codes.

Everything that shows text from a document goes through here. ``Text(...)`` is not
parsed for markup, so ``[bold]`` or ``[link=...]`` appear as typed; control characters
(an ESC starting a terminal escape sequence, a bell, a backspace...) are replaced by
their visible Unicode "control picture" so they can neither drive the terminal nor
vanish.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rich.text import Text

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x80-\x9f]")

STOPWORDS = frozenset(
    """a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers him his how i if in into is it its itself just
    me more most my no nor not now of off on once only or other our ours out over own same she
    should so some such than that the their theirs them then there these they this those
    through to too under until up very was we were what when where which while who whom why
    will with would you your yours""".split()
)


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x7F:
        return "\u2421"  # ␡
    if code < 0x20:
        return chr(0x2400 + code)  # ␀..␟ (ESC shows as ␛)
    return f"\\x{code:02x}"


def visible(text: str) -> str:
    """``text`` with control characters (other than newline and tab) made visible.

    Lone surrogates (a file name that is not UTF-8) become ``\\udcNN``: no terminal could
    be sent them.
    """
    text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return _CONTROL.sub(_picture, text)


def literal(text: str, style: str = "") -> Text:
    """Document text as a ``Text`` shown exactly as typed."""
    return Text(visible(text), style=style)


def query_terms(question: str) -> list[str]:
    """Words of a question worth highlighting (no stop words, no short words)."""
    words = re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", question.lower())
    seen: list[str] = []
    for w in words:
        w = w.strip("'’-")
        if len(w) >= 3 and w not in STOPWORDS and w not in seen:
            seen.append(w)
    return seen


def _stem(word: str) -> str:
    for suffix in ("ships", "ship", "ies", "ing", "es", "s", "ed"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)]
    return word


def highlighted(
    text: str,
    terms: Iterable[str] = (),
    quotes: Iterable[str] = (),
    *,
    term_style: str = "bold underline",
    quote_style: str = "reverse",
) -> Text:
    """Literal ``text`` with ``quotes`` (exact substrings) and question ``terms`` styled."""
    shown = visible(text)
    out = Text(shown)
    for quote in quotes:
        q = visible(quote)
        if not q:
            continue
        start = shown.find(q)
        while start >= 0:
            out.stylize(quote_style, start, start + len(q))
            start = shown.find(q, start + len(q))
    stems = sorted({_stem(t) for t in terms if t}, key=len, reverse=True)
    if stems:
        pattern = r"\b(?:" + "|".join(re.escape(s) for s in stems) + r")\w*"
        out.highlight_regex(re.compile(pattern, re.IGNORECASE), term_style)
    return out
