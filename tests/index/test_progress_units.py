"""Indexing progress counts passages, the unit every message uses (issue 13, item 10).

The builder embeds each new passage and each of its sentences; a report of "24" while
the app then says "5 passages indexed" read as two different things. Fast tests with the
fake embedder.
"""

from __future__ import annotations

import io
from pathlib import Path

from index.builder import Progress, build
from index.embedder import FakeEmbedder
from index.layout import IndexLayout

TEXT = ("The ferry mutual repairs boats in the harbour every winter. Boat crews elect the "
        "board each spring. Members share the profits of the yard.\n")


def _docs(folder: Path, n: int) -> Path:
    folder.mkdir()
    for i in range(n):
        (folder / f"note-{i}.txt").write_text(f"Note {i}. " + TEXT, encoding="utf-8")
    return folder


def _embed_reports(layout: IndexLayout, docs: Path) -> tuple[list[Progress], object]:
    seen: list[Progress] = []
    report = build(layout, FakeEmbedder(), sources=[docs], progress=seen.append,
                   batch_size=2)
    return [p for p in seen if p.stage == "embed"], report


def test_embedding_progress_counts_the_new_passages_not_their_texts(tmp_path):
    layout = IndexLayout(tmp_path / "index")
    embed, report = _embed_reports(layout, _docs(tmp_path / "docs", 3))

    assert report.chunks == 3 and report.embedded > report.chunks  # sentences too
    assert {p.total for p in embed} == {3}
    assert embed[-1].done == 3
    assert [p.done for p in embed] == sorted(p.done for p in embed)  # never goes back
    assert "embedding 3 new passages" in [p.message for p in embed]
    assert not any("text" in p.message for p in embed)


def test_one_new_passage_is_one_passage(tmp_path):
    docs = _docs(tmp_path / "docs", 2)
    layout = IndexLayout(tmp_path / "index")
    build(layout, FakeEmbedder(), sources=[docs])
    (docs / "note-1.txt").write_text("A new note. The yard closed for the winter.\n",
                                     encoding="utf-8")

    embed, report = _embed_reports(layout, docs)

    assert report.embedded > 1  # the passage and its sentences
    assert {p.total for p in embed} == {1} and embed[-1].done == 1
    assert "embedding 1 new passage" in [p.message for p in embed]


def test_the_command_line_progress_bar_counts_passages(tmp_path):
    from assistant.cli import ProgressLine

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    line = ProgressLine(stream)
    layout = IndexLayout(tmp_path / "index")
    build(layout, FakeEmbedder(), sources=[_docs(tmp_path / "docs", 3)], progress=line,
          batch_size=2)

    shown = [s.strip() for s in stream.getvalue().split("\r") if s.startswith("embed")]
    assert shown and shown[-1].endswith("3/3 embedding 3 new passages"), shown
