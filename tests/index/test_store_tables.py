"""The index keeps each document's tables and its captions' ends, across rebuilds
(fake embedder: fast)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.service import Assistant
from index.embedder import FakeEmbedder
from index.store import Store

DIRECTORY = """# Partner directory

| Partner | Lead contact |
|---|---|
| Northgate Housing Association | Tom Evans |
| Westmoor Credit Union | Lee Parker |

Some prose after the table, long enough to be a sentence of its own here.
"""


def _index(tmp_path: Path) -> Assistant:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "directory.md").write_text(DIRECTORY, encoding="utf-8")
    (docs / "other.md").write_text("# Other\n\nA note about boats in the harbour.\n",
                                   encoding="utf-8")
    a = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    a.index([docs])
    return a


def _directory(a: Assistant):  # noqa: ANN202
    snap = a.snapshot()
    return next(d for d in snap.documents_by_id.values() if d.source.endswith("directory.md"))


def test_tables_are_kept_with_their_document_and_survive_a_rebuild(tmp_path):
    a = _index(tmp_path)
    doc = _directory(a)
    (table,) = doc.tables
    assert list(table.columns) == ["Partner", "Lead contact"]
    assert [r.cells for r in table.rows] == [("Northgate Housing Association", "Tom Evans"),
                                             ("Westmoor Credit Union", "Lee Parker")]
    # Another file changes: this document is carried over, its tables with it.
    (tmp_path / "docs" / "other.md").write_text("# Other\n\nA note about ferries.\n",
                                                encoding="utf-8")
    a.index()
    again = _directory(a)
    assert again.tables == doc.tables


def test_a_caption_heading_keeps_its_end(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "t.md").write_text("# Results\n\nTable 1: Leads\n\n| A | B |\n|---|---|\n"
                               "| x | 1 |\n| y | 2 |\n\nAfter the table comes prose.\n",
                               encoding="utf-8")
    a = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    a.index([docs])
    doc = next(d for d in a.snapshot().documents_by_id.values() if d.source.endswith("t.md"))
    caption = next(h for h in doc.headings if h.title == "Table 1: Leads")
    assert caption.end == doc.tables[0].end
    assert doc.section_at(doc.tables[0].rows[0].start) == ["Table 1: Leads"]


def test_a_generation_written_before_tables_were_kept_still_reads(tmp_path):
    a = _index(tmp_path)
    path = a.snapshot().path / "meta.sqlite"
    db = sqlite3.connect(path)
    db.execute("DROP TABLE tables")
    db.commit()
    db.close()
    docs = Store(path).documents()
    assert any(d.source.endswith("directory.md") for d in docs)
    assert all(d.tables == [] for d in docs)
