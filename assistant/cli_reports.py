"""Build and sync reports as plain-text lines for the command line.

Paths, URLs, titles and reasons are data (a file name or a server may hold an escape
sequence): each passes through ``terminal_safe`` here, where the lines are made.
``--json`` prints the reports' ``as_json()`` instead, exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from assistant.textsafe import terminal_safe as safe
from corpus.wording import PASSAGE, counted

if TYPE_CHECKING:
    from assistant.indexing import BuildReport
    from assistant.sync import SyncReport


def index_lines(report: BuildReport, verbose: bool = False) -> list[str]:
    """What an index build did: totals in plain words, then each file added, updated,
    removed and failed (with its reason); with ``verbose``, timing and the encoder."""
    lines = [
        f"Index {'written' if report.written else 'already up to date'}: "
        f"{counted(report.documents, 'document')}, {counted(report.chunks, PASSAGE)}"
    ]
    if verbose:
        # One unit, passages, as everywhere: those embedded in this run (the others came
        # from the cache or the previous generation), and the rate over them alone.
        n = report.passages_embedded
        if n:
            rate = (f" ({n / report.embed_seconds:.1f} passages/s)"
                    if report.embed_seconds > 0 else "")
            lines.append(f"  {counted(n, PASSAGE)} embedded in {report.embed_seconds:.1f} s "
                         f"by {report.encoder}{rate}; {report.seconds:.1f} s in all")
        else:
            lines.append(f"  nothing new to embed; {report.seconds:.1f} s in all")
    for label, items in (("added", report.added), ("updated", report.updated),
                         ("removed", report.removed)):
        lines.append(f"  {label}: {len(items)}")
        lines.extend(f"    {safe(s)}" for s in items)
    lines.append(f"  unchanged: {len(report.unchanged)}")
    lines.append(f"  failed: {len(report.failed)}")
    lines.extend(f"    {safe(f.source)}: {safe(f.reason)}" for f in report.failed)
    return lines


def status_lines(report: BuildReport) -> list[str]:
    """What an index run would do (``index --status``)."""
    lines = []
    for label, items in (("new", report.added), ("changed", report.updated),
                         ("removed", report.removed), ("unchanged", report.unchanged)):
        lines.append(f"{label}: {len(items)}")
        lines.extend(f"  {safe(s)}" for s in (items if label != "unchanged" else []))
    lines.extend(f"cannot index {safe(f.source)}: {safe(f.reason)}" for f in report.failed)
    return lines


def sync_lines(report: SyncReport) -> tuple[list[str], list[str]]:
    """A sync as (stdout lines, stderr lines): pages and files fetched, each failure with
    its reason, then the reindex that followed (as ``index_lines``)."""
    out: list[str] = []
    err: list[str] = [safe(report.offline)] if report.offline else []
    if report.pages:
        out.append(f"Synced {counted(len(report.pages), 'page')} into {safe(report.folder)}: "
                   f"{len(report.downloaded)} downloaded, {len(report.unchanged)} unchanged, "
                   f"{len(report.removed)} removed")
        out.extend(f"  downloaded {safe(path)}" for path in report.downloaded)
    out.extend(f"  failed {safe(f.source)}: {safe(f.reason)}" for f in report.failed)
    if report.index is not None:
        out.extend(index_lines(report.index))
    return out, err
