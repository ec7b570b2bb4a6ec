"""The CLI prints a build report one way, after ``assistant index`` and after a sync."""

from __future__ import annotations

import pytest

from assistant.cli_reports import index_lines, status_lines, sync_lines
from assistant.indexing import BuildReport, SkippedFile
from assistant.sync import SyncReport


def _build() -> BuildReport:
    return BuildReport(added=["/docs/a.md"], unchanged=["/docs/b.md"], documents=2,
                       chunks=7, embedded=9, passages_embedded=3, seconds=2.0,
                       embed_seconds=1.5,
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
        # Passages, said once; the rate over the 3 embedded in this run, not all 7 in
        # the index (issue 13, items 10 and 11).
        "  3 passages embedded in 1.5 s by fake (2.0 passages/s); 2.0 s in all",
        "  added: 1", "    /docs/a.md", "  updated: 0", "  removed: 0", "  unchanged: 1",
        "  failed: 1", "    /docs/\\x1b[2Jc.docx: unsupported file type",
    ]


def test_a_run_that_embeds_nothing_says_so_in_passages():
    report = BuildReport(documents=1, chunks=4, seconds=0.3, written=False)
    assert index_lines(report, verbose=True)[:2] == [
        "Index already up to date: 1 document, 4 passages",
        "  nothing new to embed; 0.3 s in all",
    ]
    one = BuildReport(documents=1, chunks=4, embedded=2, passages_embedded=1, seconds=0.5,
                      embed_seconds=0.4, encoder="fake", written=True)
    assert index_lines(one, verbose=True)[1] == (
        "  1 passage embedded in 0.4 s by fake (2.5 passages/s); 0.5 s in all")


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


@pytest.fixture
def one_note_cli(tmp_path, monkeypatch):
    """The CLI with one Markdown note as its only bundled document and the fake embedder;
    returns ``assistant.cli``."""
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
    return cli


def test_index_and_sources_count_passages_in_the_right_number(tmp_path, one_note_cli, capsys):
    """``assistant sources`` says "1 passage" as the app does, not "1 chunk"."""
    cli = one_note_cli
    assert cli.main(["index", "--verbose", "--index-dir", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "Index written: 1 document, 1 passage" in out
    assert "  1 passage embedded in " in out and "texts embedded" not in out
    assert cli.main(["sources", "--index-dir", str(tmp_path / "ix")]) == 0
    out = capsys.readouterr().out
    assert "  1 passage, indexed" in out and "chunk" not in out


def test_json_counts_passages_and_keeps_chunks_as_an_alias(tmp_path, one_note_cli, capsys):
    """``passages`` in ``index --json`` and ``sources --json`` (``chunks``, the same number,
    stays for older scripts); an unpaged document has ``"pages": null`` (issue 13,
    item 11)."""
    import json

    cli = one_note_cli
    ix = str(tmp_path / "ix")
    assert cli.main(["index", "--json", "--index-dir", ix]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["passages"] == report["chunks"] == 1
    assert report["passages_embedded"] == 1
    assert cli.main(["sources", "--json", "--index-dir", ix]) == 0
    (doc,) = json.loads(capsys.readouterr().out)["documents"]
    assert doc["passages"] == doc["chunks"] == 1
    assert doc["kind"] == "markdown" and doc["pages"] is None
