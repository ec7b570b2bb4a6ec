"""The last question asked with an index folder, for ``assistant ask --follow-up``.

One small JSON file in the index folder's root, ``last-question.json``:
``{"question": "...", "asked_at": "2024-05-01T10:00:00+00:00"}``, where ``question`` is the
question as it was answered (a follow-up's resolved form, so follow-ups chain). It is
written as ``index/layout.py`` writes its state (``index.atomic.atomic_write``): a
temporary file in the same folder, fsynced, renamed over the old one, then the folder
fsynced, so a reader sees the old question or the new one, never half of one, even if
the writer is killed. Two processes asking at once: the last rename wins.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

from index.atomic import atomic_write

FILE_NAME = "last-question.json"
_TEMP_GLOB = ".last-question.*.tmp"  # atomic_write's temporary files, and older ones
_STALE_SECONDS = 3600  # a temporary file this old belongs to a writer that was killed


def read_last_question(index_root: Path) -> str | None:
    """The last question asked with this index, or None (none yet, or unreadable)."""
    try:
        data = json.loads((Path(index_root) / FILE_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    question = data.get("question") if isinstance(data, dict) else None
    if not isinstance(question, str) or not question.strip():
        return None
    return question.strip()


def write_last_question(index_root: Path, question: str) -> None:
    """Remember ``question`` as the last one asked with this index (atomically).

    Raises:
        OSError: the folder cannot be written (a read-only shared index, a full disk).
    """
    root = Path(index_root)
    question = " ".join(question.split())
    if not question:
        return
    _remove_stale_temporaries(root)
    data = json.dumps({"question": question,
                       "asked_at": datetime.now(UTC).isoformat(timespec="seconds")},
                      ensure_ascii=False) + "\n"
    atomic_write(root / FILE_NAME, data.encode("utf-8"))


def _remove_stale_temporaries(root: Path) -> None:
    now = time.time()
    for stale in root.glob(_TEMP_GLOB):
        try:
            if now - stale.stat().st_mtime > _STALE_SECONDS:
                stale.unlink()
        except OSError:
            pass  # another writer's, just renamed or removed
