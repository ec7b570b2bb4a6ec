"""GOV.UK sync: fetch publication and guidance pages through the Content API.

For each page URL (``https://www.gov.uk/<path>``) we read ``<api>/<path>`` (the GOV.UK
Content API), save the page body as an HTML document and download its attachments (PDF
or HTML) into the sync folder, with a ``manifest.toml`` entry per file (title, URL,
publisher, dates, licence). The folder is then registered as a source and reindexed, so
only what changed is re-embedded.

A re-sync downloads nothing new when nothing changed: the page's ``public_updated_at``
is compared with the last sync, and every request carries the ETag / Last-Modified of
the last response (a 304 costs no download). Without a network the sync says so in one
line and changes nothing. Only the standard library is used (urllib).
"""

from __future__ import annotations

import contextlib
import html
import http.client
import json
import os
import re
import shutil
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import Request, urlopen

if TYPE_CHECKING:
    from assistant.service import Assistant
    from index.builder import BuildReport

GOVUK_HOSTS = ("www.gov.uk", "gov.uk")
OGL = "Open Government Licence v3.0"
STATE_NAME = ".sync-state.json"
USER_AGENT = "mutuals-assistant-sync/0.1 (+offline document assistant)"
ATTACHMENT_SUFFIXES = {".pdf": "application/pdf", ".html": "text/html", ".htm": "text/html"}
TIMEOUT = 30.0

Log = Callable[[str], None]


class Offline(Exception):
    """GOV.UK cannot be reached at all (no network, DNS or connection failure)."""


class FetchError(Exception):
    """One request failed (HTTP error, bad JSON, too large)."""


@dataclass
class SyncReport:
    """What a sync fetched and saved."""

    folder: str
    pages: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[dict[str, str]] = field(default_factory=list)
    offline: str | None = None
    index: BuildReport | None = None

    def as_json(self) -> dict:
        return {
            "folder": self.folder, "pages": self.pages, "downloaded": self.downloaded,
            "unchanged": self.unchanged, "removed": self.removed, "failed": self.failed,
            "offline": self.offline,
            "index": self.index.as_json() if self.index else None,
        }


def sync_folder(settings) -> Path:  # noqa: ANN001 - assistant.config.Settings
    """Where synced documents go: the configured folder, or ``govuk`` beside the index."""
    if settings.sync_dir:
        return Path(settings.sync_dir).expanduser()
    return Path(settings.index_dir).parent / "govuk"


def api_url(page_url: str, api_root: str) -> str:
    """The Content API URL of a GOV.UK page URL (or of a bare ``/path``)."""
    parts = urlsplit(page_url.strip())
    api_host = urlsplit(api_root).netloc
    if parts.scheme and parts.scheme not in ("http", "https"):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    if parts.netloc and parts.netloc not in (*GOVUK_HOSTS, api_host):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    path = parts.path
    if path.startswith("/api/content/"):
        path = path[len("/api/content") :]
    if not path.startswith("/") or path == "/" or ".." in path.split("/"):
        raise ValueError(f"not a GOV.UK page URL: {page_url}")
    return api_root.rstrip("/") + path.rstrip("/")


def _slug(text: str, limit: int = 80) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return s[:limit].rstrip("-") or "page"


def _date(value: object) -> str | None:
    return str(value)[:10] if value else None


# -- HTTP ------------------------------------------------------------------------------

@dataclass
class Fetched:
    status: int  # 200, or 304 when the validators matched
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None


def _fetch(url: str, validators: dict | None, max_bytes: int | None) -> Fetched:
    """GET ``url`` with conditional headers; raise Offline or FetchError on failure."""
    if urlsplit(url).scheme not in ("http", "https"):
        raise FetchError(f"refusing a non-HTTP URL: {url}")
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if validators:
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
    try:
        with urlopen(Request(url, headers=headers), timeout=TIMEOUT) as resp:  # noqa: S310
            limit = None if max_bytes is None else max_bytes + 1
            body = resp.read(limit) if limit else resp.read()
            if max_bytes is not None and len(body) > max_bytes:
                raise FetchError(f"larger than the {max_bytes / 1e6:.1f} MB limit: {url}")
            return Fetched(resp.status, body, resp.headers.get("ETag"),
                           resp.headers.get("Last-Modified"))
    except HTTPError as exc:
        if exc.code == 304:
            return Fetched(304, b"", exc.headers.get("ETag"), exc.headers.get("Last-Modified"))
        raise FetchError(f"HTTP {exc.code} {exc.reason} for {url}") from exc
    except URLError as exc:
        raise Offline(f"cannot reach {urlsplit(url).netloc} ({exc.reason})") from exc
    except http.client.HTTPException as exc:  # e.g. a response cut short
        raise Offline(f"connection to {urlsplit(url).netloc} broke "
                      f"({type(exc).__name__})") from exc
    except (TimeoutError, ConnectionError) as exc:
        raise Offline(f"cannot reach {urlsplit(url).netloc} ({exc})") from exc


# -- state and manifest ----------------------------------------------------------------

def _read_state(folder: Path) -> dict:
    try:
        data = json.loads((folder / STATE_NAME).read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}
    except (FileNotFoundError, json.JSONDecodeError):
        return {}


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:6]}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _toml_str(value: str) -> str:
    return json.dumps(value)  # a JSON string literal is a valid TOML basic string


def write_manifest(folder: Path, files: dict[str, dict]) -> None:
    """Write ``manifest.toml`` for the synced files (see ``corpus.manifest``)."""
    lines = ["# Written by `assistant sync` from the GOV.UK Content API. Do not edit.", ""]
    for name in sorted(files):
        meta = files[name]["meta"]
        lines.append("[[document]]")
        lines.append(f"file = {_toml_str(name)}")
        for key in ("id", "title", "url", "publisher", "published", "updated", "licence"):
            if meta.get(key):
                lines.append(f"{key} = {_toml_str(str(meta[key]))}")
        lines.append("")
    _atomic_write(folder / "manifest.toml", "\n".join(lines).encode("utf-8"))


@contextlib.contextmanager
def _folder_lock(folder: Path) -> Iterator[None]:
    import fcntl

    fd = os.open(folder / ".sync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise FetchError(f"another sync is writing to {folder}; try again later") from None
        yield
    finally:
        os.close(fd)


# -- one page ----------------------------------------------------------------------------

def _page_html(title: str, body: str) -> bytes:
    return (
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">"
        f"<title>{html.escape(title)}</title></head>\n<body><main>\n"
        f"<h1>{html.escape(title)}</h1>\n{body}\n</main></body></html>\n"
    ).encode()


def _attachments(item: dict, page_url: str) -> list[dict]:
    """Attachments of a content item: ``details.attachments``, else links in ``documents``."""
    details = item.get("details") or {}
    found = [a for a in details.get("attachments") or [] if isinstance(a, dict)]
    if not found:
        for snippet in details.get("documents") or []:
            for href in re.findall(r'href="([^"]+)"', str(snippet)):
                kind = "file" if urlsplit(href).path.lower().endswith(".pdf") else "html"
                found.append({"attachment_type": kind, "url": href, "title": None})
    seen, out = set(), []
    for a in found:
        url = a.get("url")
        if url and url not in seen:
            seen.add(url)
            out.append({**a, "url": urljoin(page_url, url)})
    return out


class _PageSync:
    """Sync one page and its attachments into the folder."""

    def __init__(self, folder: Path, api_root: str, state: dict, max_bytes: int | None,
                 report: SyncReport, log: Log) -> None:
        self.folder, self.api_root, self.state = folder, api_root, state
        self.max_bytes, self.report, self.log = max_bytes, report, log

    def _meta(self, item: dict, url: str, title: str, doc_id: str) -> dict:
        orgs = ((item.get("links") or {}).get("organisations")) or []
        publisher = ", ".join(o.get("title", "") for o in orgs if isinstance(o, dict)) or None
        return {
            "id": doc_id, "title": title, "url": url, "publisher": publisher,
            "published": _date(item.get("first_published_at")),
            "updated": _date(item.get("public_updated_at")), "licence": OGL,
        }

    def _save(self, name: str, data: bytes | None, meta: dict, validators: Fetched | None,
              source_url: str) -> None:
        """Stage one file and its state; ``_commit`` makes the page's files live together."""
        files = self.state.setdefault("files", {})
        if data is not None:
            tmp = self.folder / f".{name}.{uuid.uuid4().hex[:6]}.part"
            tmp.write_bytes(data)
            self.staged.append((tmp, self.folder / name))
        else:
            self.report.unchanged.append(str(self.folder / name))
        old = files.get(name, {})
        self.pending[name] = {
            "meta": meta, "source_url": source_url,
            "etag": validators.etag if validators and validators.etag else old.get("etag"),
            "last_modified": (validators.last_modified if validators and validators.last_modified
                              else old.get("last_modified")),
        }

    def run(self, page_url: str) -> None:
        """Sync one page: all of its new files become live together, or none do."""
        self.staged: list[tuple[Path, Path]] = []
        self.pending: dict[str, dict] = {}
        try:
            self._run(page_url)
        finally:
            for tmp, _ in self.staged:  # left only if the page failed
                tmp.unlink(missing_ok=True)

    def _commit(self) -> None:
        for tmp, final in self.staged:
            os.replace(tmp, final)
            self.report.downloaded.append(str(final))
            self.log(f"downloaded {final.name}")
        self.staged = []
        self.state.setdefault("files", {}).update(self.pending)

    def _run(self, page_url: str) -> None:
        url = api_url(page_url, self.api_root)
        pages = self.state.setdefault("pages", {})
        prev = pages.get(url, {})
        got = _fetch(url, prev.get("validators"), self.max_bytes)
        if got.status == 304 and self._all_present(prev):
            self.report.unchanged.extend(str(self.folder / f) for f in prev.get("files", []))
            self.report.pages.append(prev.get("web_url") or page_url)
            return
        if got.status == 304:
            got = _fetch(url, None, self.max_bytes)
        try:
            item = json.loads(got.body.decode("utf-8"))
            if not isinstance(item, dict):
                raise ValueError("not a JSON object")
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"the Content API sent no readable JSON for {url} ({exc})") from exc
        base_path = item.get("base_path") or urlsplit(url).path[len(urlsplit(self.api_root).path):]
        web_url = "https://www.gov.uk" + base_path
        slug = _slug(base_path.rsplit("/", 1)[-1])
        title = str(item.get("title") or slug)
        updated = item.get("public_updated_at")
        same_edition = bool(updated) and updated == prev.get("public_updated_at")
        names: list[str] = []

        body = str((item.get("details") or {}).get("body") or item.get("description") or "")
        page_name = f"{slug}.html"
        names.append(page_name)
        data = _page_html(title, body)
        old = (self.folder / page_name)
        unchanged = old.is_file() and old.read_bytes() == data
        self._save(page_name, None if unchanged else data,
                   self._meta(item, web_url, title, f"govuk-{slug}"), None, url)

        for att in _attachments(item, web_url):
            try:
                name = self._attachment(att, item, slug, same_edition)
            except FetchError as exc:
                self.report.failed.append({"source": att["url"], "reason": str(exc)})
                continue
            if name:
                names.append(name)
        self._commit()
        for gone in set(prev.get("files", [])) - set(names):  # no longer attached
            (self.folder / gone).unlink(missing_ok=True)
            self.state.get("files", {}).pop(gone, None)
            self.report.removed.append(str(self.folder / gone))
        pages[url] = {"public_updated_at": updated, "files": names, "web_url": web_url,
                      "validators": {"etag": got.etag, "last_modified": got.last_modified}}
        self.report.pages.append(web_url)

    def _all_present(self, prev: dict) -> bool:
        return bool(prev.get("files")) and all((self.folder / f).is_file() for f in prev["files"])

    def _attachment(self, att: dict, item: dict, slug: str, same_edition: bool) -> str | None:
        kind = str(att.get("attachment_type") or "file")
        url = str(att["url"])
        title = str(att.get("title") or item.get("title") or "")
        files = self.state.setdefault("files", {})
        if kind == "external":
            raise FetchError("external link, not a GOV.UK attachment (not downloaded)")
        if kind == "html":
            api = api_url(url, self.api_root)
            name = f"{slug}--{_slug(urlsplit(url).path.rsplit('/', 1)[-1])}.html"
            prev = files.get(name)
            if same_edition and prev and (self.folder / name).is_file():
                self._save(name, None, prev["meta"], None, api)
                return name
            got = _fetch(api, prev if prev and (self.folder / name).is_file() else None,
                         self.max_bytes)
            if got.status == 304:
                self._save(name, None, prev["meta"], got, api)
                return name
            try:
                sub = json.loads(got.body.decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise FetchError(f"no readable JSON for {api}") from exc
            sub_title = str(sub.get("title") or title)
            body = str((sub.get("details") or {}).get("body") or "")
            meta = self._meta({**item, **{k: v for k, v in sub.items() if v}}, url, sub_title,
                              f"govuk-{slug}-{_slug(sub_title, 40)}")
            self._save(name, _page_html(sub_title, body), meta, got, api)
            return name
        suffix = Path(urlsplit(url).path).suffix.lower()
        ctype = str(att.get("content_type") or "").split(";")[0].strip().lower()
        if suffix not in ATTACHMENT_SUFFIXES:
            suffix = next((s for s, t in ATTACHMENT_SUFFIXES.items() if t == ctype), suffix)
        if suffix not in ATTACHMENT_SUFFIXES:
            raise FetchError(f"attachment type {suffix or ctype or '(unknown)'} is not indexed "
                             f"(PDF and HTML are)")
        stem = _slug(Path(urlsplit(url).path).stem, 60)
        name = f"{slug}--{stem}{suffix}"
        prev = files.get(name)
        present = (self.folder / name).is_file()
        meta = self._meta(item, url, title, f"govuk-{slug}-{stem}")
        if same_edition and prev and present:
            self._save(name, None, meta, None, url)
            return name
        got = _fetch(url, prev if prev and present else None, self.max_bytes)
        self._save(name, None if got.status == 304 else got.body, meta, got, url)
        return name


def sync(
    assistant: Assistant,
    urls: list[str] | None = None,
    *,
    log: Log | None = None,
    reindex: bool = True,
    progress=None,  # noqa: ANN001 - index.builder.ProgressFn
) -> SyncReport:
    """Fetch ``urls`` (default: the configured list), save them, then reindex what changed."""
    settings = assistant.settings
    folder = sync_folder(settings)
    report = SyncReport(folder=str(folder))
    log = log or (lambda _m: None)
    urls = list(urls or settings.sync_sources)
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    with _folder_lock(folder):
        for stale in folder.glob(".*.part"):  # left by a sync that was killed
            stale.unlink(missing_ok=True)
        state = _read_state(folder)
        pages = _PageSync(folder, settings.govuk_api, state, settings.max_bytes, report, log)
        for url in urls:
            try:
                pages.run(url)
            except Offline as exc:
                if not report.pages:
                    report.offline = f"offline: {exc}; nothing was changed"
                    if not existed:
                        shutil.rmtree(folder, ignore_errors=True)
                    return report
                report.offline = f"network lost: {exc}; synced {len(report.pages)} page(s)"
                break
            except (FetchError, ValueError) as exc:
                report.failed.append({"source": url, "reason": str(exc)})
        if report.pages:
            write_manifest(folder, {n: f for n, f in state.get("files", {}).items()
                                    if (folder / n).is_file()})
            _atomic_write(folder / STATE_NAME, json.dumps(state, indent=2).encode("utf-8"))
    if reindex and report.pages:
        if str(folder.absolute()) not in assistant.source_paths():
            assistant.add_sources([folder])
        report.index = assistant.index(progress=progress)
    return report


def cli_sync(assistant: Assistant, urls: list[str], *, as_json: bool = False,
             progress=None) -> int:  # noqa: ANN001
    """``assistant sync``: print what was fetched and indexed; 1 when offline."""
    import sys

    report = sync(assistant, urls, progress=progress)
    if progress is not None and hasattr(progress, "finish"):
        progress.finish()
    if as_json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        if report.offline:
            print(report.offline, file=sys.stderr)
        if report.pages:
            print(f"Synced {len(report.pages)} page(s) into {report.folder}: "
                  f"{len(report.downloaded)} downloaded, {len(report.unchanged)} unchanged, "
                  f"{len(report.removed)} removed")
            for path in report.downloaded:
                print(f"  downloaded {path}")
        for f in report.failed:
            print(f"  failed {f['source']}: {f['reason']}")
        if report.index is not None:
            ix = report.index
            print(f"Index {'written' if ix.written else 'already up to date'}: "
                  f"{ix.documents} documents, {ix.chunks} chunks, {ix.embedded} texts embedded "
                  f"({len(ix.added)} added, {len(ix.updated)} updated, "
                  f"{len(ix.removed)} removed, {len(ix.failed)} failed)")
            for f in ix.failed:
                print(f"    {f['source']}: {f['reason']}")
    # 1 when nothing could be synced at all (offline, or every URL refused/failed).
    return 1 if not report.pages and (report.offline or report.failed) else 0
