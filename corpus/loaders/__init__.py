"""Turn a file into a cleaned ``Document``, whatever its format.

``load`` is the one entry point. It checks the file (type, size, permissions), picks the
format loader by suffix and guarantees that every failure surfaces as
``UnreadableDocument`` with a one-line reason. Format loaders are imported lazily so that
importing ``corpus`` stays cheap.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from corpus.budget import Budget, LoadCancelled
from corpus.errors import UnreadableDocument
from corpus.files import NOT_REGULAR, NotRegularFile, is_regular, open_regular
from corpus.records import Document

SUPPORTED_SUFFIXES = (".pdf", ".html", ".htm", ".md", ".markdown", ".txt")
DEFAULT_MAX_BYTES = 50_000_000

__all__ = ["DEFAULT_MAX_BYTES", "SUPPORTED_SUFFIXES", "load", "make_doc_id"]


def make_doc_id(path: Path | str) -> str:
    """A stable id: slug of the file stem + "-" + 8 hex digits of sha1(resolved path).

    >>> make_doc_id("/docs/Partnerships for Better Public Services.pdf")  # doctest: +SKIP
    'partnerships-for-better-public-services-1a2b3c4d'
    """
    path = Path(path)
    ascii_stem = unicodedata.normalize("NFKD", path.stem).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_stem.lower()).strip("-")[:60].rstrip("-") or "doc"
    digest = hashlib.sha1(str(path.resolve()).encode("utf-8", "surrogatepass")).hexdigest()
    return f"{slug}-{digest[:8]}"


def _size(n: float) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f} MB"
    if n >= 1_000:
        return f"{n / 1_000:.1f} KB"
    return f"{int(n)} bytes"


def _one_line(text: str, limit: int = 200) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _read(path: Path, max_bytes: int | None) -> bytes:
    try:
        if not path.exists():
            raise UnreadableDocument("file not found")
        if not is_regular(path):
            raise UnreadableDocument(NOT_REGULAR)
        size = path.stat().st_size
        if size == 0:
            raise UnreadableDocument("empty file")
        if max_bytes is not None and size > max_bytes:
            raise UnreadableDocument(f"file is {_size(size)}, over the {_size(max_bytes)} limit")
        with open_regular(path) as fh:
            data = fh.read() if max_bytes is None else fh.read(max_bytes + 1)
    except PermissionError as exc:
        raise UnreadableDocument("permission denied") from exc
    except FileNotFoundError as exc:
        raise UnreadableDocument("file not found") from exc
    except (IsADirectoryError, NotRegularFile) as exc:
        raise UnreadableDocument(NOT_REGULAR) from exc
    except OSError as exc:
        raise UnreadableDocument(_one_line(f"cannot read file ({exc.strerror or exc})")) from exc
    if not data:
        raise UnreadableDocument("empty file")
    if max_bytes is not None and len(data) > max_bytes:  # grew while we looked
        raise UnreadableDocument(f"file is over the {_size(max_bytes)} limit")
    return data


def load(
    path: Path | str,
    *,
    doc_id: str | None = None,
    max_bytes: int | None = DEFAULT_MAX_BYTES,
    budget: Budget | None = None,
) -> Document:
    """Load and clean one document.

    Args:
        path: a file with one of ``SUPPORTED_SUFFIXES`` (case-insensitive).
        doc_id: id to give the document; default ``make_doc_id(path)``.
        max_bytes: refuse larger files (None for no limit).
        budget: how long reading may take, and the build's cancel event (default: a
            ``LOAD_SECONDS`` deadline from now, no cancel).

    Returns:
        The cleaned Document: pages, headings with offsets into ``Document.text``,
        title.

    Raises:
        UnreadableDocument: with a one-line ``reason``; no other exception escapes
            (except ``LoadCancelled``, KeyboardInterrupt and the like).
    """
    budget = budget or Budget()
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        shown = suffix or "(no extension)"
        raise UnreadableDocument(
            f"unsupported file type {shown} (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    data = _read(path, max_bytes)
    doc_id = doc_id or make_doc_id(path)
    try:
        if suffix == ".pdf":
            from corpus.loaders.pdf import load_pdf

            return load_pdf(data, source=path, doc_id=doc_id, budget=budget)
        if suffix in (".html", ".htm"):
            from corpus.loaders.html import load_html

            return load_html(data, source=path, doc_id=doc_id, budget=budget)
        from corpus.loaders.text import load_markdown, load_text

        if suffix == ".txt":
            return load_text(data, source=path, doc_id=doc_id)
        return load_markdown(data, source=path, doc_id=doc_id)
    except LoadCancelled:
        raise
    except UnreadableDocument as exc:
        if "\n" in exc.reason:
            raise UnreadableDocument(_one_line(exc.reason)) from exc
        raise
    except RecursionError as exc:
        raise UnreadableDocument("document structure is too deeply nested") from exc
    except MemoryError as exc:
        raise UnreadableDocument("out of memory while reading the document") from exc
    except Exception as exc:
        kind = suffix.lstrip(".").upper()
        detail = _one_line(f"{type(exc).__name__}: {exc}", 150)
        raise UnreadableDocument(f"could not read {kind} ({detail})") from exc
