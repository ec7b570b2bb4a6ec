"""GOV.UK sync: fetch publication and guidance pages through the Content API.

For each page URL (``https://www.gov.uk/<path>``) we read ``<api>/<path>`` (the GOV.UK
Content API), save the page body as an HTML document and download its attachments (PDF
or HTML) into the sync folder, with a ``manifest.toml`` entry per file (title, URL,
publisher, dates, licence). The folder is then registered as a source and reindexed, so
only what changed is re-embedded.

A re-sync downloads nothing new when nothing changed: the page's ``public_updated_at``
is compared with the last sync, and every request carries the ETag / Last-Modified of
the last response (a 304 costs no download). Without a network the sync says so in one
line and changes nothing.

Everything from the API is data. Requests go through ``govuk_http`` (GOV.UK hosts only,
every redirect checked, a deadline per download), items through ``govuk_content`` (each
field's type checked), and ``govuk_files`` says what file each becomes. An attachment's
failure is that attachment's alone; only an unreachable API ends the sync. Each page's
files become live together, with the manifest and the state written atomically after
every page (``sync_state``). The CLI prints the report (``assistant.cli_reports``).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

from assistant.govuk_content import Attachment, ContentItem, MalformedItem, parse_item
from assistant.govuk_files import (
    ATTACHMENT_SUFFIXES,
    api_url,
    doc_id,
    file_meta,
    page_html,
    slug,
    with_hash,
)
from assistant.govuk_http import Fetched, FetchError, HostPolicy, Offline
from assistant.govuk_http import fetch as _fetch
from assistant.sync_state import (
    SyncBusy,
    folder_lock,
    read_state,
    remove_staged,
    stage,
    write_manifest,
    write_state,
)
from corpus.records import SkippedFile
from corpus.wording import counted
from index.atomic import fsync_dir

if TYPE_CHECKING:
    from assistant.service import Assistant
    from index.builder import BuildReport

__all__ = ["FetchError", "Offline", "SyncBusy", "SyncReport", "sync"]

Log = Callable[[str], None]


@dataclass
class SyncReport:
    """What a sync fetched and saved."""

    folder: str
    pages: list[str] = field(default_factory=list)
    downloaded: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    failed: list[SkippedFile] = field(default_factory=list)
    offline: str | None = None
    index: BuildReport | None = None

    def as_json(self) -> dict:
        return {
            "folder": self.folder, "pages": self.pages, "downloaded": self.downloaded,
            "unchanged": self.unchanged, "removed": self.removed,
            "failed": [f.as_json() for f in self.failed],
            "offline": self.offline,
            "index": self.index.as_json() if self.index else None,
        }


def sync_folder(settings) -> Path:  # noqa: ANN001 - assistant.config.Settings
    """Where synced documents go: the configured folder, or ``govuk`` beside the index."""
    if settings.sync_dir:
        return Path(settings.sync_dir).expanduser()
    return Path(settings.index_dir).parent / "govuk"


class _PageSync:
    """Sync one page and its attachments into the folder."""

    def __init__(self, folder: Path, api_root: str, state: dict, max_bytes: int | None,
                 report: SyncReport, log: Log, deadline: float | None = None) -> None:
        self.folder, self.api_root, self.state = folder, api_root, state
        self.max_bytes, self.report, self.log = max_bytes, report, log
        self.policy = HostPolicy(api_root)
        self.deadline = deadline

    def _get(self, url: str, validators: dict | None) -> Fetched:
        try:
            return _fetch(url, validators, self.max_bytes, policy=self.policy,
                          deadline=self.deadline)
        except (FetchError, Offline):
            self.retry = True  # a download failed: try the page's attachments again next time
            raise

    # File names: one per source URL, stable across syncs, never another file's name.
    def _claim(self, plain: str, key: str) -> str:
        """The file name for ``key`` (a source URL): its previous name if still free,
        else ``plain``, else ``plain`` with a hash of the URL (two URLs, one slug)."""
        files = self.state.get("files", {})
        previous = next((n for n in self.prev_files
                         if isinstance(files.get(n), dict)
                         and files[n].get("source_url") == key), None)
        for name in (previous, plain, with_hash(plain, key)):
            if name and name not in self.claimed and self.owners.get(name, key) == key:
                self.claimed.add(name)
                return name
        raise FetchError(f"no free file name for {key}")  # a SHA-1 prefix collision

    def _save(self, name: str, data: bytes | None, meta: dict, validators: Fetched | None,
              source_url: str) -> None:
        """Stage one file and its state; ``_commit`` makes the page's files live together."""
        files = self.state.setdefault("files", {})
        if data is not None:
            tmp = stage(self.folder / name, data)
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
        self.claimed: set[str] = set()
        self.retry = False
        try:
            self._run(page_url)
        finally:
            for tmp, _ in self.staged:  # left only if the page failed
                tmp.unlink(missing_ok=True)

    def _commit(self, url: str, page: dict) -> None:
        """Make the page's files live, then write the manifest and state (each atomic).

        The manifest is written first, naming the staged files too: a kill at any point
        leaves every live file with its manifest entry (an entry whose file is not there
        yet is ignored), and the next sync redoes what the old state does not record.
        """
        files = self.state.setdefault("files", {})
        files.update(self.pending)
        gone = [g for g in self.prev_files if g not in page["files"]]
        for g in gone:
            files.pop(g, None)
        self.state.setdefault("pages", {})[url] = page
        staged = {final.name for _, final in self.staged}
        write_manifest(self.folder, {n: f for n, f in files.items()
                                     if n in staged or (self.folder / n).is_file()})
        for tmp, final in self.staged:
            os.replace(tmp, final)
            self.report.downloaded.append(str(final))
            self.log(f"downloaded {final.name}")
        self.staged = []
        for g in gone:  # no longer attached
            (self.folder / g).unlink(missing_ok=True)
            self.report.removed.append(str(self.folder / g))
        fsync_dir(self.folder)
        write_state(self.folder, self.state)

    def _item(self, got: Fetched, url: str) -> ContentItem:
        try:
            data = json.loads(got.body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise FetchError(f"the Content API sent no readable JSON for {url} ({exc})") from None
        try:
            return parse_item(data)
        except MalformedItem as exc:
            raise FetchError(f"the Content API sent a malformed item for {url}: {exc}") from None

    def _run(self, page_url: str) -> None:
        url = api_url(page_url, self.api_root)
        pages = self.state.setdefault("pages", {})
        prev = pages.get(url) if isinstance(pages.get(url), dict) else {}
        self.prev_files = [f for f in prev.get("files") or [] if isinstance(f, str)]
        mine = set(self.prev_files)
        self.owners = {n: str(f.get("source_url")) for n, f in self.state.get("files", {}).items()
                       if n not in mine and isinstance(f, dict)}  # other pages' files
        got = self._get(url, prev.get("validators"))
        if got.status == 304 and self._all_present() and not prev.get("retry"):
            self.report.unchanged.extend(str(self.folder / f) for f in self.prev_files)
            self.report.pages.append(prev.get("web_url") or page_url)
            return
        if got.status == 304:
            got = self._get(url, None)
        item = self._item(got, url)
        base_path = item.base_path or urlsplit(url).path[len(urlsplit(self.api_root).path):]
        web_url = "https://www.gov.uk" + base_path
        page_slug = slug(base_path.rsplit("/", 1)[-1])
        title = item.title or page_slug
        same_edition = bool(item.public_updated_at) and (
            item.public_updated_at == prev.get("public_updated_at"))

        page_name = self._claim(f"{page_slug}.html", url)
        names = [page_name]
        data = page_html(title, item.body or item.description or "")
        old = self.folder / page_name
        unchanged = old.is_file() and old.read_bytes() == data
        self._save(page_name, None if unchanged else data,
                   file_meta(item, web_url, title, doc_id(page_name)), None, url)

        seen: set[str] = set()
        for att in item.attachments:
            try:
                source = urljoin(web_url, att.url)
            except ValueError:
                source = att.url
            if source in seen:
                continue
            seen.add(source)
            name = self._attachment(att, source, item, page_slug, same_edition)
            if name:
                names.append(name)
        self._commit(url, {"public_updated_at": item.public_updated_at, "files": names,
                           "web_url": web_url, "retry": self.retry,
                           "validators": {"etag": got.etag, "last_modified": got.last_modified}})
        self.report.pages.append(web_url)

    def _all_present(self) -> bool:
        return bool(self.prev_files) and all((self.folder / f).is_file()
                                             for f in self.prev_files)

    def _attachment(self, att: Attachment, url: str, item: ContentItem, page_slug: str,
                    same_edition: bool) -> str | None:
        """Sync one attachment; its name, or None after a failure (reported).

        A failure (refused host, unreachable, too slow, malformed) is this attachment's
        alone: a copy from an earlier sync is kept as it was. Only the API being
        unreachable (``Offline`` from an HTML attachment's API request) ends the page.
        """
        name: str | None = None
        try:
            if att.kind == "external":
                raise FetchError("external link, not a GOV.UK attachment (not downloaded)")
            if att.kind == "html":
                try:
                    api = api_url(url, self.api_root)
                except ValueError as exc:
                    raise FetchError(str(exc)) from None
                plain = f"{page_slug}--{slug(urlsplit(url).path.rsplit('/', 1)[-1])}.html"
                name = self._claim(plain, api)
                self._html_attachment(name, api, url, att, item, same_edition)
                return name
            suffix = Path(urlsplit(url).path).suffix.lower()
            ctype = (att.content_type or "").split(";")[0].strip().lower()
            if suffix not in ATTACHMENT_SUFFIXES:
                suffix = next((s for s, t in ATTACHMENT_SUFFIXES.items() if t == ctype), suffix)
            if suffix not in ATTACHMENT_SUFFIXES:
                raise FetchError(f"attachment type {suffix or ctype or '(unknown)'} is not "
                                 f"indexed (PDF and HTML are)")
            self.policy.check(url)
            stem = slug(Path(urlsplit(url).path).stem, 60)
            name = self._claim(f"{page_slug}--{stem}{suffix}", url)
            self._file_attachment(name, url, att, item, same_edition)
            return name
        except (FetchError, ValueError) as exc:
            reason = str(exc)
        except Offline as exc:
            if att.kind == "html":
                raise  # the API itself cannot be reached
            reason = str(exc)
        self.report.failed.append(SkippedFile(url, reason))
        files = self.state.get("files", {})
        if name and name in self.prev_files and name in files and (self.folder / name).is_file():
            # Keep the copy from the last sync, marked so that the next sync fetches it
            # even if the edition is the same by then.
            self.pending[name] = {**files[name], "stale": True}
            return name
        return None

    def _html_attachment(self, name: str, api: str, url: str, att: Attachment,
                         item: ContentItem, same_edition: bool) -> None:
        prev = self.state.get("files", {}).get(name)
        present = (self.folder / name).is_file()
        if same_edition and prev and present and not prev.get("stale"):
            self._save(name, None, prev["meta"], None, api)
            return
        got = self._get(api, prev if prev and present else None)
        if got.status == 304 and prev:
            self._save(name, None, prev["meta"], got, api)
            return
        if got.status == 304:
            got = self._get(api, None)
        sub = self._item(got, api)
        sub_title = sub.title or att.title or item.title or ""
        merged = ContentItem(
            organisations=sub.organisations or item.organisations,
            first_published_at=sub.first_published_at or item.first_published_at,
            public_updated_at=sub.public_updated_at or item.public_updated_at)
        meta = file_meta(merged, url, sub_title, doc_id(name))
        self._save(name, page_html(sub_title, sub.body), meta, got, api)

    def _file_attachment(self, name: str, url: str, att: Attachment, item: ContentItem,
                         same_edition: bool) -> None:
        prev = self.state.get("files", {}).get(name)
        present = (self.folder / name).is_file()
        title = att.title or item.title or ""
        meta = file_meta(item, url, title, doc_id(name))
        if same_edition and prev and present and not prev.get("stale"):
            self._save(name, None, meta, None, url)
            return
        got = self._get(url, prev if prev and present else None)
        self._save(name, None if got.status == 304 else got.body, meta, got, url)


def sync(
    assistant: Assistant,
    urls: list[str] | None = None,
    *,
    log: Log | None = None,
    reindex: bool = True,
    progress=None,  # noqa: ANN001 - index.builder.ProgressFn
    deadline: float | None = None,
) -> SyncReport:
    """Fetch ``urls`` (default: the configured list), save them, then reindex what changed.

    Each page's files, the manifest and the sync state are written when that page is
    done, so a sync killed half-way keeps what it finished. ``deadline`` is the time
    allowed for one download (default ``govuk_http.DOWNLOAD_DEADLINE``). Raises
    ``SyncBusy`` when another sync is writing to the same folder.
    """
    settings = assistant.settings
    folder = sync_folder(settings)
    report = SyncReport(folder=str(folder))
    log = log or (lambda _m: None)
    urls = list(urls or settings.sync_sources)
    existed = folder.exists()
    folder.mkdir(parents=True, exist_ok=True)
    with folder_lock(folder):
        remove_staged(folder)  # left by a sync that was killed
        state = read_state(folder)
        pages = _PageSync(folder, settings.govuk_api, state, settings.max_bytes, report, log,
                          deadline)
        for url in urls:
            try:
                pages.run(url)
            except Offline as exc:
                if not report.pages:
                    report.offline = f"offline: {exc}; nothing was changed"
                    if not existed:
                        shutil.rmtree(folder, ignore_errors=True)
                    return report
                report.offline = f"network lost: {exc}; synced {counted(len(report.pages), 'page')}"
                break
            except (FetchError, ValueError) as exc:
                report.failed.append(SkippedFile(url, str(exc)))
    if reindex and report.pages:
        if str(folder.absolute()) not in assistant.source_paths():
            assistant.add_sources([folder])
        report.index = assistant.index(progress=progress)
    return report
