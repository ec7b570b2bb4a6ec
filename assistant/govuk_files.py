"""How GOV.UK content becomes files in the sync folder.

A page URL maps to its Content API URL (``api_url``); a page or attachment to a file
name made from its path (``slug``, with a hash of its URL when two share one); a page's
body to a small HTML document (``page_html``); a saved file to its document id
(``doc_id``) and its ``manifest.toml`` entry (``file_meta``). Which attachment types are
indexed is ``ATTACHMENT_SUFFIXES``.
"""

from __future__ import annotations

import hashlib
import html
import re
from pathlib import Path
from urllib.parse import urlsplit

from assistant.govuk_content import ContentItem

GOVUK_HOSTS = ("www.gov.uk", "gov.uk")
OGL = "Open Government Licence v3.0"
ATTACHMENT_SUFFIXES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}


def api_url(page_url: str, api_root: str) -> str:
    """The Content API URL of a GOV.UK page URL (or of a bare ``/path``)."""
    try:
        parts = urlsplit(page_url.strip())
    except ValueError:
        raise ValueError(f"not a GOV.UK page URL: {page_url}") from None
    api_host = urlsplit(api_root).netloc
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    if parts.netloc and parts.netloc not in (*GOVUK_HOSTS, api_host):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    path = parts.path
    if path.startswith("/api/content/"):
        path = path[len("/api/content") :]
    if (not path.startswith("/") or path == "/" or ".." in path.split("/")
            or re.search(r"[\s\x00-\x1f\x7f]", path)):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    return api_root.rstrip("/") + path.rstrip("/")


def slug(text: str, limit: int = 80) -> str:
    """``text`` as a file-name part: lower-case letters and digits joined by hyphens."""
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "page"


def with_hash(name: str, key: str) -> str:
    """``name`` with a short hash of ``key`` (a source URL) before its suffix."""
    stem, dot, suffix = name.rpartition(".")
    digest = hashlib.sha1(key.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"{stem}-{digest}.{suffix}" if dot else f"{name}-{digest}"


def doc_id(name: str) -> str:
    """A synced file's document id, unique as its name (``govuk-<page>-<file>``)."""
    return "govuk-" + Path(name).stem.replace("--", "-")


def page_html(title: str, body: str) -> bytes:
    """A page's body saved as a small HTML document titled ``title``."""
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>\n<body><main>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</main></body></html>\n"
    ).encode()


def _date(value: object) -> str | None:
    return str(value)[:10] if value else None


def file_meta(item: ContentItem, url: str, title: str, doc_id: str) -> dict:
    """The manifest entry of a file saved from ``item`` (see ``corpus.manifest``)."""
    return {
        "id": doc_id, "title": title, "url": url, "publisher": item.publisher,
        "published": _date(item.first_published_at),
        "updated": _date(item.public_updated_at), "licence": OGL,
    }
