"""The CLI prints a build report one way, after ``assistant index`` and after a sync."""

from __future__ import annotations

from assistant.cli_reports import index_lines, status_lines, sync_lines
from assistant.indexing import BuildReport, SkippedFile
from assistant.sync import SyncReport


def _build() -> BuildReport:
    return BuildReport(added=["/docs/a.md"], unchanged=["/docs/b.md"], documents=2,
                       chunks=7, embedded=3, seconds=2.0, embed_seconds=1.0,
                       encoder="fake", written=True,
                       failed=[SkippedFile("/docs/\x1b[2Jc.docx", "unsupported file type")])


def test_index_lines_are_plain_words_and_encoder_details_only_with_verbose():
    quiet = index_lines(_build())
    # Passages, the unit of the progress bar and the app (issue 13, item 10).
    assert quiet[0] == "Index written: 2 documents, 7 passages"
    assert not any("embedded" in line for line in quiet)
    one = BuildReport(documents=1, chunks=1, written=True)
    assert index_lines(one)[0] == "Index written: 1 document, 1 passage"
    assert index_lines(_build(), verbose=True) == [
        "Index written: 2 documents, 7 passages",
        "  2.0 s, 3 texts embedded",
        "  3 texts embedded in 1.0 s by fake; 3.5 passages/s overall",
        "  added: 1", "    /docs/a.md", "  updated: 0", "  removed: 0", "  unchanged: 1",
        "  failed: 1", "    /docs/\\x1b[2Jc.docx: unsupported file type",
    ]


def test_status_lines():
    assert status_lines(_build()) == [
        "new: 1", "  /docs/a.md", "changed: 0", "removed: 0", "unchanged: 1",
        "cannot index /docs/\\x1b[2Jc.docx: unsupported file type",
    ]


def test_a_sync_prints_its_reindex_as_index_does():
    sync = SyncReport(folder="/data/govuk", pages=["https://www.gov.uk/p"],
                      downloaded=["/data/govuk/p.html"],
                      failed=[SkippedFile("https://www.gov.uk/x.xlsx", "not indexed")],
                      index=_build())
    out, err = sync_lines(sync)
    assert err == []
    assert out == [
        "Synced 1 page into /data/govuk: 1 downloaded, 0 unchanged, 0 removed",
        "  downloaded /data/govuk/p.html",
        "  failed https://www.gov.uk/x.xlsx: not indexed",
        *index_lines(sync.index),
    ]


def test_index_and_sources_count_passages_in_the_right_number(tmp_path, monkeypatch, capsys):
    """``assistant sources`` says "1 passage" as the app does, not "1 chunk"."""
    import index.builder
    from assistant import cli
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "note.md").write_text("# Note\n\nThe ferry mutual repairs boats.\n",
                                  encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)
    monkeypatch.setattr(cli, "_open",
                        lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    assert cli.main(["index", "--index-dir", str(tmp_path / "ix")]) == 0
    assert "Index written: 1 document, 1 passage" in capsys.readouterr().out
    assert cli.main(["sources", "--index-dir", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "  1 passage, indexed" in out and "chunk" not in out
