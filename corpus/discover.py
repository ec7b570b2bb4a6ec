"""Finding the files to index under a list of files and folders.

Every path that cannot be used is reported with a one-line reason; a folder never
aborts on one bad entry and symlink loops are walked once.
"""

from __future__ import annotations

import errno
import os
from dataclasses import dataclass, field
from pathlib import Path

from corpus.files import BAD_NAME, NOT_REGULAR, is_regular, is_utf8, path_text
from corpus.manifest import MANIFEST_NAME, DocMeta, ManifestError, read_manifest
from corpus.records import SkippedFile

SUPPORTED_SUFFIXES = (".pdf", ".html", ".htm", ".md", ".markdown", ".txt")


@dataclass
class Found:
    """A file to index, with the manifest entry of its folder if any."""

    path: Path
    meta: DocMeta | None = None


@dataclass
class Discovery:
    files: list[Found] = field(default_factory=list)
    failed: list[SkippedFile] = field(default_factory=list)


def unsupported_reason(path: Path) -> str:
    suffix = path.suffix.lower() or "(none)"
    return f"unsupported file type {suffix} (supported: {', '.join(SUPPORTED_SUFFIXES)})"


def _link_problem(path: Path, exc: OSError) -> str:
    if exc.errno == errno.ELOOP:
        return "symlink loop"
    if exc.errno == errno.ENOENT and path.is_symlink():
        return "broken symlink (its target does not exist)"
    if isinstance(exc, PermissionError):
        return "permission denied"
    return f"cannot open: {exc.strerror or exc}"


def discover(sources: list[Path]) -> Discovery:
    """Files under ``sources`` (files or folders), in a stable order, plus failures."""
    out = Discovery()
    seen_files: set[Path] = set()
    seen_dirs: set[tuple[int, int]] = set()
    manifests: dict[Path, dict[str, DocMeta]] = {}

    def fail(path: Path | str, reason: str) -> None:
        # As text a report, a database and a terminal can all hold (see ``path_text``).
        out.failed.append(SkippedFile(path_text(path), path_text(reason)))

    def meta_for(path: Path) -> DocMeta | None:
        folder = path.parent
        if folder not in manifests:
            try:
                manifests[folder] = read_manifest(folder)
            except ManifestError as exc:
                fail(str(folder / MANIFEST_NAME), f"unreadable manifest: {exc}")
                manifests[folder] = {}
        return manifests[folder].get(path.name)

    def add_file(path: Path) -> None:
        try:
            real = path.resolve(strict=True)
        except RuntimeError:  # Python 3.11 reports a symlink loop this way
            fail(str(path), "symlink loop")
            return
        except OSError as exc:
            fail(str(path), _link_problem(path, exc))
            return
        if real in seen_files:
            return
        if not is_regular(real):  # a FIFO would hang every later run; a device never ends
            fail(str(path), NOT_REGULAR)
            return
        seen_files.add(real)
        if path.name == MANIFEST_NAME:
            return
        if path.suffix.lower() not in SUPPORTED_SUFFIXES:
            fail(str(path), unsupported_reason(path))
            return
        if not is_utf8(str(path.absolute())):  # no database or report could hold its name
            fail(path, BAD_NAME)
            return
        out.files.append(Found(path, meta_for(path)))

    def walk(folder: Path) -> None:
        try:
            st = folder.stat()
        except OSError as exc:
            fail(str(folder), f"cannot open folder: {exc.strerror or exc}")
            return
        key = (st.st_dev, st.st_ino)
        if key in seen_dirs:
            fail(str(folder), "symlink loop or repeated link: folder already indexed, skipped")
            return
        seen_dirs.add(key)
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except PermissionError:
            fail(str(folder), "permission denied")
            return
        except OSError as exc:
            fail(str(folder), f"cannot list folder: {exc.strerror or exc}")
            return
        for entry in entries:
            if entry.name.startswith("."):
                continue
            p = Path(entry.path)
            try:
                is_dir = entry.is_dir()  # follows symlinks
            except OSError:
                is_dir = False
            if is_dir:
                walk(p)
            elif entry.is_symlink() and not p.exists():
                try:
                    os.stat(p)
                except OSError as exc:
                    fail(str(p), _link_problem(p, exc))
            elif entry.is_file():
                add_file(p)
            else:
                fail(str(p), NOT_REGULAR)

    for src in sources:
        src = Path(src).expanduser()
        if src.is_dir():
            walk(src)
        elif src.exists():
            add_file(src)
        else:
            fail(str(src), "no such file or folder")
    return out
