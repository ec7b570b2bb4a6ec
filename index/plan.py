"""Planning a build: which files are new, changed, unchanged, or kept though unreadable.

A file is tracked by size, mtime and content hash (of its bytes and its manifest entry).
Size and mtime equal to the index's means unchanged without reading the file.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from corpus.discover import Found
from corpus.files import open_regular
from corpus.records import SkippedFile
from index.store import DocumentRow

Failures = list[SkippedFile]
KEPT = " (kept the previously indexed version)"


def content_hash(path: Path, meta: dict) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    h.update(json.dumps(meta, sort_keys=True).encode())
    return h.hexdigest()


@dataclass
class Planned:
    """One file's fate in the coming build."""

    found: Found
    source: str
    state: str  # new | changed | unchanged
    size: int
    mtime: float
    content_hash: str | None


def keep(source: str, prev: DocumentRow) -> Planned:
    """Plan to carry ``prev`` over unchanged (its file could not be used this time)."""
    return Planned(Found(Path(source)), source, "unchanged", prev.size, prev.mtime,
                    prev.content_hash)



def plan(
    files: list[Found], previous: dict[str, DocumentRow], failed: Failures
) -> list[Planned]:
    """Sort files into new, changed and unchanged.

    A file whose size and mtime match the index is unchanged without being read (it is
    only opened, to notice that it became unreadable). A file that cannot be read keeps
    its previously indexed version and is reported.
    """
    planned = []
    for f in files:
        source = str(f.path.absolute())
        meta = f.meta.as_dict() if f.meta else {}
        prev = previous.get(source)
        try:
            st = f.path.stat()
            if prev and prev.size == st.st_size and prev.mtime == st.st_mtime:
                with open_regular(f.path):
                    pass  # readable still? (opening reads nothing)
                planned.append(Planned(f, source, "unchanged", st.st_size, st.st_mtime,
                                        prev.content_hash))
                continue
            digest = content_hash(f.path, meta)
        except OSError as exc:
            reason = ("permission denied" if isinstance(exc, PermissionError)
                      else f"cannot read: {exc.strerror or exc}")
            if prev is not None:
                reason += KEPT
                planned.append(keep(source, prev))
            failed.append(SkippedFile(source, reason))
            continue
        if prev is None:
            state = "new"
        else:
            state = "unchanged" if prev.content_hash == digest else "changed"
        planned.append(Planned(f, source, state, st.st_size, st.st_mtime, digest))
    return planned


def keep_unreachable(
    planned: list[Planned], previous: dict[str, DocumentRow], failed: Failures
) -> None:
    """Keep indexed files that still exist but that discovery could not reach.

    A folder that became unreadable hides its files; they stay in the index (reported)
    rather than being dropped. Files that are gone, or whose source was removed from the
    list, are not kept.
    """
    seen = {p.source for p in planned}
    blocked = [f.source for f in failed]
    for source, prev in previous.items():
        if source in seen:
            continue
        inside = [b for b in blocked if source.startswith(b.rstrip(os.sep) + os.sep)]
        if inside:
            planned.append(keep(source, prev))
            failed.append(SkippedFile(source, f"inside {inside[0]}, which cannot be read" + KEPT))
        elif source in blocked and os.path.exists(source):
            planned.append(keep(source, prev))
            for f in failed:
                if f.source == source and not f.reason.endswith(KEPT):
                    f.reason += KEPT
