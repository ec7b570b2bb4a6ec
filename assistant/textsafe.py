"""Untrusted text made safe for a plain terminal: one place, for every plain-text output.

Titles, URLs, publishers and file names come from manifests, GOV.UK servers and file
systems. Printed raw, an escape sequence in one of them can set the window title, write
the clipboard (OSC 52), hide a hyperlink or move the cursor. ``terminal_safe`` shows every
control character (C0, DEL, C1) and every bidirectional-override character as a visible
``\\xNN``/``\\uNNNN`` escape, so the text is shown literally and nothing is executed.
``--json`` output stays exact: JSON escapes control characters itself.
"""

from __future__ import annotations

import re

# C0 controls (newline and tab handled by the caller's choice), DEL, C1 controls, and the
# bidirectional embedding/override/isolate characters that reorder what is displayed.
_UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
_UNSAFE_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")


def _escape(m: re.Match[str]) -> str:
    ch = m.group(0)
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_safe(text: object, *, multiline: bool = False) -> str:
    """``text`` with control and bidi-override characters shown as visible escapes.

    Args:
        text: any value (``None`` becomes ``""``); converted with ``str``.
        multiline: keep newlines and tabs (document text); otherwise they are escaped
            too, so a one-line field (a title, a URL) stays on one line.
    """
    if text is None:
        return ""
    s = str(text)
    # Lone surrogates (from undecodable file names) cannot be written to a UTF-8 stream.
    s = s.encode("utf-8", "backslashreplace").decode("utf-8")
    return (_UNSAFE if multiline else _UNSAFE_LINE).sub(_escape, s)
