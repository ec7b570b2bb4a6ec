"""The Mutuals partnership assistant: cited answers from the indexed documents.

``from assistant import Assistant`` is the Python API; heavy modules load lazily so
``import assistant`` stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

__all__ = ["Answer", "Assistant", "Passage", "Settings"]

if TYPE_CHECKING:
    from assistant.config import Settings
    from assistant.records import Answer, Passage
    from assistant.service import Assistant


def __getattr__(name: str):  # noqa: ANN202 - PEP 562 lazy exports
    if name == "Assistant":
        from assistant.service import Assistant

        return Assistant
    if name == "Settings":
        from assistant.config import Settings

        return Settings
    if name in ("Answer", "Passage"):
        from assistant import records

        return getattr(records, name)
    raise AttributeError(name)
