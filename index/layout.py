"""An index folder on disk: immutable generations, an atomic pointer, a writer lock.

::

    INDEX_DIR/
      CURRENT            name of the live generation (replaced atomically)
      generations/gen-…  one complete index each (never modified once published)
      cache.sqlite       embedding cache keyed by (model, text hash)
      sources.json       folders and files the maintainer added
      last-build.json    what the last build did, with every file it could not use
      last-question.json the last question asked (``assistant ask --follow-up``; written
                         by ``assistant.last_question``, as carefully as this module)
      .lock              held by the one process allowed to write

A build writes a new generation under a temporary name, fsyncs it, renames it into
place and only then replaces ``CURRENT``. Readers resolve ``CURRENT`` once and load
that generation, so they always see a complete index; ``kill -9`` at any moment leaves
the previous generation live. A reader pins its generation (a shared ``flock`` on its
manifest) so that cleanup never deletes an index someone is still reading.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import time
import uuid
import weakref
from collections.abc import Callable, Iterator
from pathlib import Path

from index.atomic import atomic_write, fsync_dir

FORMAT_VERSION = 1


class IndexLocked(RuntimeError):
    """Another process is writing this index."""


class NoIndex(RuntimeError):
    """The folder holds no index yet."""


def pin_generation(owner: object, generation: Path) -> Callable[[], None]:
    """Keep ``generation`` from being cleaned up while ``owner`` reads it.

    Takes a shared lock on its manifest; ``cleanup`` skips generations it cannot lock
    exclusively. Returns the function that releases the pin (also run when ``owner`` is
    garbage-collected).
    """
    import fcntl

    try:
        fd = os.open(generation / "manifest.json", os.O_RDONLY)
    except OSError:
        return lambda: None
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except OSError:  # being deleted right now: read it unpinned, as before
        os.close(fd)
        return lambda: None
    return weakref.finalize(owner, os.close, fd)


@contextlib.contextmanager
def _unless_in_use(generation: Path) -> Iterator[bool]:
    """Yield True, holding an exclusive lock, if no reader has pinned ``generation``."""
    import fcntl

    try:
        fd = os.open(generation / "manifest.json", os.O_RDONLY)
    except OSError:
        yield True  # incomplete or already half-deleted: nobody can be reading it
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class IndexLayout:
    """Paths and atomic operations of one index folder."""

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser()

    @property
    def generations(self) -> Path:
        return self.root / "generations"

    @property
    def cache_path(self) -> Path:
        return self.root / "cache.sqlite"

    @property
    def sources_path(self) -> Path:
        return self.root / "sources.json"

    def current(self) -> Path | None:
        """The live generation folder, or None if nothing was ever published."""
        try:
            name = (self.root / "CURRENT").read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        except UnicodeDecodeError:  # overwritten with garbage: as if never published
            return None
        if not name.startswith("gen-") or "/" in name or "\0" in name:
            return None
        path = self.generations / name
        return path if (path / "manifest.json").exists() else None

    def exists(self) -> bool:
        return self.current() is not None

    def new_generation_dir(self) -> Path:
        """A fresh temporary folder to write a generation into."""
        self.generations.mkdir(parents=True, exist_ok=True)
        path = self.generations / f".tmp-{uuid.uuid4().hex[:12]}"
        path.mkdir()
        return path

    def publish(self, tmp: Path) -> Path:
        """Make the generation written in ``tmp`` the live one, atomically."""
        for f in tmp.rglob("*"):
            if f.is_file():
                with open(f, "rb") as fh:
                    os.fsync(fh.fileno())
        name = f"gen-{time.strftime('%Y%m%d-%H%M%S')}-{uuid.uuid4().hex[:6]}"
        final = self.generations / name
        os.rename(tmp, final)
        fsync_dir(self.generations)
        atomic_write(self.root / "CURRENT", (name + "\n").encode("utf-8"))
        return final

    def cleanup(self, keep: int = 2) -> None:
        """Delete unfinished builds and all but the newest ``keep`` generations.

        A generation a reader has pinned (see ``pin_generation``) is left for a later
        cleanup. Call only while holding the writer lock.
        """
        if not self.generations.exists():
            return
        current = self.current()
        for tmp in self.generations.glob(".tmp-*"):
            shutil.rmtree(tmp, ignore_errors=True)
        for pattern in (".CURRENT.*", ".sources.*", ".last-build.*"):
            for stale in self.root.glob(pattern):
                stale.unlink(missing_ok=True)
        gens = sorted(
            (p for p in self.generations.glob("gen-*") if p.is_dir()),
            key=lambda p: p.stat().st_mtime,
            reverse=True,
        )
        others = [g for g in gens if g != current]
        for g in others[max(keep - 1, 0) :]:
            with _unless_in_use(g) as free:
                if free:
                    shutil.rmtree(g, ignore_errors=True)

    def earlier_generations(self, current: Path | None = None) -> list[Path]:
        """Published generations other than ``current``, newest first."""
        if not self.generations.exists():
            return []
        gens = [p for p in self.generations.glob("gen-*")
                if p.is_dir() and p != current and (p / "manifest.json").exists()]
        return sorted(gens, key=lambda p: (p.stat().st_mtime, p.name), reverse=True)

    def discard(self, generation: Path) -> None:
        """Delete a damaged generation that is no longer live, unless a reader pinned it.

        Call only while holding the writer lock.
        """
        if generation == self.current() or not generation.name.startswith("gen-"):
            return
        with _unless_in_use(generation) as free:
            if free:
                shutil.rmtree(generation, ignore_errors=True)

    def read_manifest(self) -> dict:
        cur = self.current()
        if cur is None:
            raise NoIndex(f"no index in {self.root}")
        return json.loads((cur / "manifest.json").read_text(encoding="utf-8"))

    @contextlib.contextmanager
    def write_lock(self) -> Iterator[None]:
        """Hold the single-writer lock; raise IndexLocked if another writer has it."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                holder = os.pread(fd, 64, 0).decode(errors="replace").strip() or "?"
                raise IndexLocked(
                    f"another process (pid {holder}) is already updating the index in "
                    f"{self.root}; try again when it has finished"
                ) from None
            os.ftruncate(fd, 0)
            os.pwrite(fd, str(os.getpid()).encode(), 0)
            yield
        finally:
            os.close(fd)  # closing releases the flock

    @property
    def last_build_path(self) -> Path:
        return self.root / "last-build.json"

    def write_last_build(self, report: dict) -> None:
        """Record what the last build did (files added, failed with reasons, ...)."""
        atomic_write(self.last_build_path,
                     (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))

    def read_last_build(self) -> dict | None:
        """The report of the last finished build, or None."""
        try:
            return json.loads(self.last_build_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return None

    def read_sources(self) -> list[str]:
        try:
            data = json.loads(self.sources_path.read_text(encoding="utf-8"))
        except (FileNotFoundError, json.JSONDecodeError):
            return []
        return [str(s) for s in data.get("sources", [])]

    def write_sources(self, sources: list[str]) -> None:
        self.root.mkdir(parents=True, exist_ok=True)
        atomic_write(self.sources_path,
                     (json.dumps({"sources": sources}, indent=2) + "\n").encode("utf-8"))
