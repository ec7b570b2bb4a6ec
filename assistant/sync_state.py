"""The sync folder's own files: its state, its ``manifest.toml``, staged downloads, a lock.

``.sync-state.json`` remembers, per page, the edition and validators of the last sync and
its files, and per file its source URL, validators and manifest entry. Files are staged
under ``.part`` names and become live by a rename; the manifest (written by ``tomli_w``)
and the state are replaced atomically. A lock file keeps two syncs out of one folder.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path

import tomli_w

from index.atomic import atomic_write, write_temporary

STATE_NAME = ".sync-state.json"
PART = ".part"
"""The suffix of staged files and of temporary files (swept up by the next sync)."""
MANIFEST_KEYS = ("id", "title", "url", "publisher", "published", "updated", "licence")


class SyncBusy(RuntimeError):
    """Another sync holds the folder's lock; the message is one line for the user."""


def read_state(folder: Path) -> dict:
    """The folder's sync state (empty when there is none or it is unreadable)."""
    try:
        data = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}
    if not isinstance(data, dict):
        return {}
    for key in ("pages", "files"):
        if not isinstance(data.get(key, {}), dict):
            data[key] = {}
    return data


def write_state(folder: Path, state: dict) -> None:
    _atomic_write(folder / STATE_NAME, json.dumps(state, indent=2).encode("utf-8"))


def stage(path: Path, data: bytes) -> Path:
    """Write ``data`` beside ``path`` under a ``.part`` name, fsynced; return that name."""
    return write_temporary(path, data, suffix=PART)


def remove_staged(folder: Path) -> None:
    """Delete the ``.part`` files a sync that was killed left behind."""
    for stale in folder.glob(f".*{PART}"):
        stale.unlink(missing_ok=True)


def _atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` with ``data`` so that a kill leaves either the old or the new file
    (its temporary file is a ``.part`` too: ``remove_staged`` sweeps it up)."""
    atomic_write(path, data, suffix=PART)


def manifest_toml(files: dict[str, dict]) -> str:
    """The text of ``manifest.toml`` for ``files`` (name -> state entry with ``meta``)."""
    docs = []
    for name in sorted(files):
        meta = files[name].get("meta") or {}
        entry = {"file": name}
        entry.update({k: str(meta[k]) for k in MANIFEST_KEYS if meta.get(k)})
        docs.append(entry)
    head = "# Written by `assistant sync` from the GOV.UK Content API. Do not edit.\n\n"
    return head + tomli_w.dumps({"document": docs})


def write_manifest(folder: Path, files: dict[str, dict]) -> None:
    """Write ``manifest.toml`` for the synced files (see ``corpus.manifest``)."""
    _atomic_write(folder / "manifest.toml", manifest_toml(files).encode("utf-8"))


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold the folder's sync lock; raise ``SyncBusy`` if another sync has it."""
    import fcntl

    fd = os.open(folder / ".sync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SyncBusy(f"another sync is writing to {folder}; try again when it has "
                           f"finished") from None
        yield
    finally:
        os.close(fd)
