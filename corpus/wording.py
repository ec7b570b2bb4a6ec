"""How counts read in every message: "1 passage", "5 passages".

Chunks are "passages" to people: progress, status lines and summaries count them in that
one unit, from the builder's progress reports to the app's "Ready" line.
"""

from __future__ import annotations

PASSAGE = "passage"
"""What a chunk is called in messages."""


def counted(n: int, one: str, many: str | None = None) -> str:
    """``n`` and the noun in the right number: "1 passage", "0 passages", "2 documents".

    Args:
        n: how many.
        one: the singular noun (or phrase ending in it: "new passage").
        many: the plural when it is not ``one`` + "s".
    """
    return f"{n} {one if n == 1 else (many or one + 's')}"
