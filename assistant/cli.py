"""Command line: ``assistant [index|ask|sources|sync|eval|tui] ...``.

No command (or ``tui``) opens the terminal app, which the program's entry point
(``tui.main``) passes to ``main``. Imports stay lazy so that ``assistant ask`` starts
quickly.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from assistant import servers_cli
from assistant.textsafe import terminal_safe

if TYPE_CHECKING:
    from corpus.records import SkippedFile

OpenApp = Callable[[str | None], int]
"""Opens the terminal app over an index folder (None: the configured one); its exit code."""


class SafeStream:
    """A text stream that shows untrusted text literally: every write goes through
    ``terminal_safe`` (newlines and tabs kept), so an escape sequence in a title, a URL,
    a file name or a document can never drive the terminal. ``raw`` is the stream below.
    """

    def __init__(self, raw: TextIO) -> None:
        self.raw = raw

    def write(self, text: str) -> int:
        self.raw.write(terminal_safe(text, multiline=True))
        return len(text)

    def writelines(self, lines) -> None:  # noqa: ANN001 - any iterable of str
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):  # noqa: ANN204 - flush, isatty, fileno, encoding...
        return getattr(self.raw, name)


@contextlib.contextmanager
def _safe_output(stdout: bool) -> Iterator[None]:
    """Plain-text output made terminal-safe: stderr always, stdout unless it is JSON."""
    saved = sys.stdout, sys.stderr
    if stdout:
        sys.stdout = SafeStream(sys.stdout)  # type: ignore[assignment]
    sys.stderr = SafeStream(sys.stderr)  # type: ignore[assignment]
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved


class ProgressLine:
    """A one-line progress bar on stderr (silent when stderr is not a terminal)."""

    def __init__(self, stream: TextIO | None = None) -> None:
        stream = stream or sys.stderr
        self.stream = getattr(stream, "raw", stream)  # it writes "\r" itself
        self.enabled = self.stream.isatty()
        self._last = ""

    def __call__(self, p) -> None:  # noqa: ANN001 - index.builder.Progress
        if not self.enabled:
            return
        width = 30
        if p.total:
            filled = int(width * p.done / p.total)
            bar = "█" * filled + "░" * (width - filled)
            line = f"\r{p.stage:<6} {bar} {p.done}/{p.total} {terminal_safe(p.message)[:40]}"
        else:
            line = f"\r{p.stage:<6} {terminal_safe(p.message)[:70]}"
        if line != self._last:
            self.stream.write(line.ljust(100)[:100])
            self.stream.flush()
            self._last = line

    def finish(self) -> None:
        if self.enabled and self._last:
            self.stream.write("\r" + " " * 100 + "\r")
            self.stream.flush()


def _positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return n


def _shared_options(default: object) -> argparse.ArgumentParser:
    """The options given before or after the command (``default``: their default)."""
    shared = argparse.ArgumentParser(add_help=False)
    shared.add_argument(
        "--index-dir", metavar="DIR", default=default,
        help="index folder (default: $ASSISTANT_INDEX_DIR or "
        "~/.local/share/mutuals-assistant/index)",
    )
    return shared


def _parser() -> argparse.ArgumentParser:
    # A command's copy of a shared option has no default: otherwise its None would
    # overwrite the value given before the command ("assistant --index-dir DIR index").
    common = _shared_options(argparse.SUPPRESS)
    p = argparse.ArgumentParser(
        prog="assistant",
        description="Cited answers from the Public Service Mutuals partnership documents. "
        "With no command, opens the terminal app.",
        parents=[_shared_options(None)],
    )
    sub = p.add_subparsers(dest="command")

    ix = sub.add_parser("index", parents=[common], help="add files/folders and update the index")
    ix.add_argument("paths", nargs="*", help="files or folders to add as sources")
    ix.add_argument("--json", action="store_true", help="print one JSON object")
    ix.add_argument("-v", "--verbose", action="store_true",
                    help="also print timing and which encoder embedded the new passages")
    ix.add_argument("--status", action="store_true",
                    help="show what is new, changed, removed and unchanged; index nothing")
    ix.add_argument("--remove", action="append", metavar="PATH", default=[],
                    help="stop indexing this added file/folder (repeatable)")

    ask = sub.add_parser("ask", parents=[common], help="answer a question with citations")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("-k", type=_positive_int, default=None,
                     help="passages to retrieve (default 5)")
    ask.add_argument("--json", action="store_true", help="print JSON")
    ask.add_argument("--questions", metavar="FILE",
                     help="one question per line; answers as JSON Lines with --json")
    ask.add_argument("--doc", action="append", metavar="DOC_ID",
                     help="only search this document (repeatable)")
    ask.add_argument("--follow-up", action="store_true",
                     help="the question may follow up the last one asked with this index "
                     "(\"And the risks?\", \"What about commissioners?\"); with --questions, "
                     "each line may follow up the line before")

    src = sub.add_parser("sources", parents=[common], help="list indexed documents")
    src.add_argument("--json", action="store_true", help="print JSON")

    sy = sub.add_parser("sync", parents=[common],
                        help="fetch GOV.UK pages and their attachments, then reindex")
    sy.add_argument("urls", nargs="*", metavar="URL",
                    help="GOV.UK publication or guidance pages (default: the configured list)")
    sy.add_argument("--json", action="store_true", help="print one JSON object")

    sub.add_parser("tui", parents=[common], help="open the terminal app")
    servers_cli.add_parsers(sub, common)  # web, mcp, serve

    ev = sub.add_parser("eval", parents=[common],
                        help="score answers against your own gold questions (YAML or CSV)")
    ev.add_argument("file", help="gold questions: .yaml/.yml or .csv (see README)")
    ev.add_argument("--json", action="store_true", help="print one JSON object")
    ev.add_argument("--calibrate", action="store_true",
                    help="also find the abstention threshold that suits these questions")
    return p


def _open(args: argparse.Namespace):  # noqa: ANN202
    from assistant.service import Assistant

    assistant = Assistant.open(args.index_dir)
    assistant.on_notice = lambda line: print(line, file=sys.stderr, flush=True)
    return assistant


def _ensure_index(assistant) -> None:  # noqa: ANN001
    if assistant.has_index():
        return
    print("No index yet: indexing the bundled documents (first run only)…", file=sys.stderr)
    bar = ProgressLine()
    report = assistant.index(progress=bar)
    bar.finish()
    _print_failures(report.failed)


def _print_notice(assistant) -> None:  # noqa: ANN001
    """The one-line note when the live index is damaged and an earlier one answers."""
    note = getattr(assistant, "index_notice", None)
    if note:
        print(f"warning: {note}", file=sys.stderr)


def _print_failures(failed: list[SkippedFile]) -> None:
    for f in failed:
        print(f"  skipped {terminal_safe(f.source)}: {terminal_safe(f.reason)}",
              file=sys.stderr)


def cmd_index(args: argparse.Namespace) -> int:
    assistant = _open(args)
    missing = [p for p in args.paths if not Path(p).expanduser().exists()]
    if missing:
        for p in missing:
            print(f"error: no such file or folder: {terminal_safe(p)}", file=sys.stderr)
        return 2
    if args.status and args.paths:
        print("error: --status shows the current sources; add paths without --status",
              file=sys.stderr)
        return 2
    for p in args.remove:
        known = assistant.source_paths()
        target = str(Path(p).expanduser().absolute())
        if target not in known and p not in known:
            added = ", ".join(terminal_safe(k) for k in known) or "none"
            print(f"error: {terminal_safe(p)} is not an added source (added: {added})",
                  file=sys.stderr)
            return 2
        assistant.remove_source(target if target in known else p)
    from assistant.cli_reports import index_lines, status_lines

    if args.status:
        report = assistant.status()
        if args.json:
            print(json.dumps(report.as_json(), ensure_ascii=False))
        else:
            print("\n".join(status_lines(report)))
        return 0
    bar = ProgressLine()
    report = assistant.index(args.paths, progress=bar)
    bar.finish()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        print("\n".join(index_lines(report, verbose=args.verbose)))
    return 0


def format_answer(answer, *, note: bool = True) -> str:  # noqa: ANN001 - records.Answer
    """An answer as plain text: list answers as bullets, catalogue records as labelled
    fields, every document string shown literally (``terminal_safe``)."""
    from assistant.records import CatalogueRecord
    from assistant.textsafe import terminal_safe as safe

    lines = []
    if answer.resolved_question:
        lines.append(f"Answering: {safe(answer.resolved_question)}")
        lines.append("")
    if answer.abstained:
        lines.append(answer.NOT_FOUND)
        if note and answer.note:
            lines.append(answer.note)
        if answer.passages:
            lines.append("")
            lines.append("Closest passages:")
            for p in answer.passages[:3]:
                where = f"{p.title}, {p.where}"
                lines.append(f"  - {safe(where)}")
                snippet = " ".join(p.text.split())
                lines.append(f"    {safe(snippet[:220])}{'…' if len(snippet) > 220 else ''}")
        return "\n".join(lines)
    if answer.shape == "record":
        for r in answer.records:
            lines.append(f"{CatalogueRecord.LABEL}:")
            for label, value in r.fields():
                lines.append(f"  {label + ':':<11}{safe(value)}")
        return "\n".join(lines)
    if answer.shape == "list":
        for s in answer.sentences:
            lines.append(f"- {safe(s.text)} [{s.citation}]")
        if answer.more:
            lines.append(f"  (and {answer.more} more in the sources)")
    else:
        lines.append(" ".join(f"{safe(s.text)} [{s.citation}]" for s in answer.sentences))
    lines.append("")
    lines.append("Sources:")
    for c in answer.citations:
        # The citation's parts in the one order (assistant/citations.py): the title on
        # the marker's line, then publisher, published, pages, section, source, licence.
        lines.append(f"  [{c.n}] {safe(c.title or 'Untitled document')}")
        lines.extend(f"      {label + ':':<11}{safe(value)}"
                     for label, value in c.fields() if label != "Title")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    from assistant.textsafe import terminal_safe as safe

    if not args.question and not args.questions:
        print("error: give a question, or --questions FILE", file=sys.stderr)
        return 2
    assistant = _open(args)
    _ensure_index(assistant)
    if args.questions:
        try:
            raw = Path(args.questions).read_bytes().decode("utf-8", errors="replace")
        except OSError as exc:
            print(f"error: cannot read {terminal_safe(args.questions)}: {exc.strerror}",
                  file=sys.stderr)
            return 2
        questions = [q.strip() for q in raw.splitlines()
                     if q.strip() and not q.lstrip().startswith("#")]
        noted = False
        # A batch is its own conversation: it neither reads nor changes the index's
        # last question; with --follow-up each line may follow up the one before.
        history: list[str] = []
        for i, q in enumerate(questions):
            answer = assistant.ask(q, k=args.k, doc_ids=args.doc,
                                   history=history if args.follow_up else ())
            if i == 0:
                _print_notice(assistant)
            history.append(answer.resolved_question or answer.question)
            if args.json:
                print(json.dumps(answer.as_json(), ensure_ascii=False), flush=True)
            else:
                text = format_answer(answer, note=not noted)
                noted = noted or bool(answer.abstained and answer.note)
                print(f"Q: {safe(q)}\n{text}\n", flush=True)
        return 0
    answer = assistant.ask(args.question, k=args.k, doc_ids=args.doc,
                           history=_last_question(assistant) if args.follow_up else ())
    _print_notice(assistant)
    _remember_question(assistant, answer, args.follow_up)
    if args.json:
        print(json.dumps(answer.as_json(), ensure_ascii=False, indent=2))
    else:
        print(format_answer(answer))
    return 0


def _last_question(assistant) -> tuple[str, ...]:  # noqa: ANN001
    """The last question asked with this index, as the history of a follow-up."""
    from assistant.last_question import read_last_question

    last = read_last_question(assistant.layout.root)
    if last is None:
        print("note: no earlier question asked with this index; answering as asked",
              file=sys.stderr)
        return ()
    return (last,)


def _remember_question(assistant, answer, follow_up: bool) -> None:  # noqa: ANN001
    """Store the question as answered, for the next ``ask --follow-up`` on this index."""
    from assistant.last_question import write_last_question

    try:
        write_last_question(assistant.layout.root, answer.resolved_question or answer.question)
    except OSError as exc:
        if follow_up:  # only those who follow up need to know
            print(f"note: cannot remember this question for --follow-up: {exc.strerror}",
                  file=sys.stderr)


def cmd_sources(args: argparse.Namespace) -> int:
    from assistant.indexing import SkippedFile
    from corpus.wording import PASSAGE, counted

    assistant = _open(args)
    docs = assistant.sources()
    _print_notice(assistant)
    # What a maintainer added (the bundled documents are always indexed), and what the
    # last run could not use, with why: the same as the app's documents screen.
    added = assistant.source_paths()
    failed = [SkippedFile.from_json(f)
              for f in (assistant.last_build() or {}).get("failed") or []]
    if args.json:
        print(json.dumps({"documents": [d.as_json() for d in docs], "sources": added,
                          "failed": [f.as_json() for f in failed]},
                         ensure_ascii=False, indent=2))
        return 0
    if not docs:
        print("No documents indexed yet: run `assistant index`.")
        return 0
    for d in docs:
        pages = f"{counted(d.pages, 'page')}, " if d.paged else ""
        print(f"{terminal_safe(d.title)}\n  {terminal_safe(d.url or d.source)}\n  "
              f"{pages}{counted(d.chunks, PASSAGE)}, "
              f"indexed {terminal_safe(d.indexed_at)}")
    print("\nSources added (`assistant index PATH`; `assistant index --remove PATH` to drop):")
    print("\n".join(f"  {terminal_safe(p)}" for p in added) if added else "  none")
    if failed:
        print("\nNot indexed in the last run:")
        for f in failed:
            print(f"  {terminal_safe(f.source)}: {terminal_safe(f.reason)}")
    return 0


def cmd_sync(args: argparse.Namespace) -> int:
    """Fetch, save and reindex; 1 when nothing could be synced (offline, busy, or every
    URL refused or failed)."""
    from assistant.cli_reports import sync_lines
    from assistant.sync import SyncBusy, sync

    bar = ProgressLine()
    try:
        report = sync(_open(args), args.urls, progress=bar)
    except SyncBusy as exc:
        print(terminal_safe(exc), file=sys.stderr)
        return 1
    finally:
        bar.finish()
    if args.json:
        print(json.dumps(report.as_json(), ensure_ascii=False))
    else:
        out, err = sync_lines(report)
        for line in err:
            print(line, file=sys.stderr)
        for line in out:
            print(line)
    return 1 if not report.pages and (report.offline or report.failed) else 0


def _no_app(_index_dir: str | None) -> int:
    """Without the app (``python -m assistant``): say how to open it."""
    print("error: this command line has no terminal app; open it with `assistant` "
          "(or `python -m tui`)", file=sys.stderr)
    return 2


def cmd_eval(args: argparse.Namespace) -> int:
    from assistant.evaluate import GoldFileError, cli_eval, load_gold

    try:
        gold = load_gold(args.file)
    except GoldFileError as exc:
        print(f"error: {terminal_safe(exc)}", file=sys.stderr)
        return 2
    assistant = _open(args)
    _ensure_index(assistant)
    return cli_eval(assistant, gold, as_json=args.json, calibrate=args.calibrate)


_OUR_PACKAGES = ("assistant", "index", "corpus", "tui")


def _ours(exc: BaseException) -> bool:
    """Whether ``exc`` is one of this project's own error classes (they carry a message
    meant for users)."""
    return type(exc).__module__.split(".")[0] in _OUR_PACKAGES


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or type(exc).__name__


def main(argv: list[str] | None = None, *, open_app: OpenApp | None = None) -> int:
    """Run one command; no command (or ``tui``) calls ``open_app``.

    The app lives above this package (``tui``), so it is passed in by the program's entry
    point, ``tui.main``; without it (``python -m assistant``) the app commands say so.
    """
    args = _parser().parse_args(argv)
    if args.command in (None, "tui"):  # the app draws on the terminal itself
        app = open_app or _no_app
        return _run(lambda a: app(a.index_dir), args)
    handlers = {"index": cmd_index, "ask": cmd_ask, "sources": cmd_sources,
                "sync": cmd_sync, "eval": cmd_eval, **servers_cli.HANDLERS}
    with _safe_output(stdout=not getattr(args, "json", False)):
        return _run(handlers[args.command], args)


def _run(handler, args: argparse.Namespace) -> int:  # noqa: ANN001
    """Run one command: our own errors become one line; nothing prints a traceback
    (``ASSISTANT_DEBUG=1`` shows it for an unexpected error)."""
    try:
        from assistant.config import unknown_environment_warning

        warning = unknown_environment_warning()
        if warning:
            print(terminal_safe(warning), file=sys.stderr)
        return handler(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `assistant sources | head`: the reader has gone
        with contextlib.suppress(OSError, ValueError, AttributeError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    except Exception as exc:
        if os.environ.get("ASSISTANT_DEBUG"):
            raise
        # terminal_safe here too: the app's command writes to the real stderr.
        if _ours(exc):
            message = _one_line(exc)
        elif isinstance(exc, OSError):
            message = _describe_os_error(exc)
        else:
            message = (f"unexpected {type(exc).__name__}: {_one_line(exc)} "
                       "(set ASSISTANT_DEBUG=1 to see the details)")
        print(f"error: {terminal_safe(message)}", file=sys.stderr)
        return 1


def _describe_os_error(exc: OSError) -> str:
    import errno

    what = exc.strerror or _one_line(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        what = "the disk is full"
    where = f": {exc.filename}" if exc.filename else ""
    return f"{what}{where}"
