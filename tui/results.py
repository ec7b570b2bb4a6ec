"""What an indexing run or a GOV.UK sync did, as text for the documents screen.

Reports arrive as JSON-shaped dicts (``BuildReport.as_json()``, ``SyncReport``'s fields,
or ``Assistant.last_build()`` read back from disk); each failed entry is read back as a
``SkippedFile``. File names, URLs and reasons are data: they are shown with ``literal``
and never parsed as markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rich.text import Text

from assistant.indexing import PASSAGE, SkippedFile, counted
from tui.widgets.literal import literal

if TYPE_CHECKING:
    from tui.messages import IndexFinished

RESULT_STYLE = {"added": "green", "updated": "cyan", "unchanged": "dim", "removed": "yellow",
                "failed": "bold red", "downloaded": "green"}


def as_dict(report: Any) -> dict:
    """A build or sync report as a dict (it may already be one)."""
    if isinstance(report, dict):
        return report
    return report.as_json()


def _line(out: Text, kind: str, source: str, reason: str = "") -> None:
    if out:
        out.append("\n")
    out.append(f"{kind:<10}", style=RESULT_STYLE[kind])
    out.append_text(literal(source))
    if reason:
        out.append(" — ")
        out.append_text(literal(reason, style="italic"))


def _failed_line(out: Text, skipped: SkippedFile) -> None:
    _line(out, "failed", skipped.source, skipped.reason)


def render_results(report: Any) -> Text:
    """One line per file: failed (with the reason) first, then added, updated, ..."""
    data = as_dict(report)
    out = Text()
    for item in data.get("failed") or []:
        _failed_line(out, SkippedFile.from_json(item))
    for kind in ("added", "updated", "removed", "unchanged"):
        for source in data.get(kind) or []:
            _line(out, kind, str(source))
    return out or Text("No files found.", style="dim")


def build_summary(report: Any, prefix: str = "Done") -> str:
    """One line: documents, passages and how many files were added, ..., failed."""
    d = as_dict(report)
    n = {k: len(d.get(k) or []) for k in ("added", "updated", "unchanged", "removed", "failed")}
    return (f"{prefix}: {counted(int(d.get('documents', 0)), 'document')}, "
            f"{counted(int(d.get('chunks', 0)), PASSAGE)} — "
            f"{n['added']} added, {n['updated']} updated, {n['unchanged']} unchanged, "
            f"{n['removed']} removed, {n['failed']} failed ({float(d.get('seconds', 0)):.1f} s).")


def sync_summary(sync: Any) -> str:
    """One line on a GOV.UK sync: the offline message itself when nothing was fetched."""
    d = as_dict(sync)
    if not d["pages"]:
        if d["offline"]:
            return str(d["offline"])
        return f"GOV.UK sync fetched no page ({len(d['failed'])} failed)."
    # The folder is not named: it is in the sources list, and the line is one toast.
    return (f"GOV.UK sync: {counted(len(d['pages']), 'page')} — "
            f"{len(d['downloaded'])} downloaded, {len(d['unchanged'])} unchanged, "
            f"{len(d['removed'])} removed, {len(d['failed'])} failed.")


def render_sync(sync: Any) -> Text:
    """The sync's files: failed ones (with the reason), then those downloaded. Its summary
    and offline line are the run's outcome (``outcome``), shown once, elsewhere."""
    d = as_dict(sync)
    out = Text()
    for item in d["failed"]:
        _failed_line(out, SkippedFile.from_json(item))
    for path in d["downloaded"]:
        _line(out, "downloaded", str(path))
    return out


def outcome(finished: IndexFinished) -> tuple[str, str]:
    """How an indexing run or a GOV.UK sync ended, as one line and a severity.

    The one place a run's outcome is worded: the documents screen shows it in its status
    line; away from that screen it is the one notification. A sync's offline message, a
    cancel or an error is said here once, never again beside it.
    """
    parts: list[str] = []
    trouble = False
    sync = finished.sync
    if sync is not None:
        d = as_dict(sync)
        parts.append(sync_summary(d))
        trouble = bool(d["offline"] or d["failed"])
        if not d["pages"]:  # nothing fetched: the offline line (or "no page") says it all
            return _sentence(parts[0]), "warning"
        if d["offline"]:
            parts.append(str(d["offline"]))
    if finished.report is not None:
        parts.append(build_summary(finished.report))
    else:
        parts.append(finished.error or "Indexing stopped.")
        trouble = True
    severity = "warning" if trouble else "information"
    if finished.report is None and finished.error and not finished.cancelled:
        severity = "error"
    return " ".join(_sentence(part) for part in parts), severity


def _sentence(text: str) -> str:
    """``text`` as a sentence: a capital first, a full stop last ("offline: …" reads
    "Offline: …." among the others)."""
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."
