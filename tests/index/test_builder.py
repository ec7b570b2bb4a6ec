"""Incremental reindexing: only what changed is read and embedded; status tells without indexing.

Fast tests with the fake embedder, which counts every text it encodes.
"""

from __future__ import annotations

import json
import multiprocessing as mp
import os
import shutil
from pathlib import Path

import pytest

import corpus.loaders
import index.builder
import index.plan
from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder
from index.layout import IndexLayout
from tests.corpus.pdfgen import make_report_pdf

DOCS = {
    "apples.md": "# Orchards\n\nThe orchard cooperative grows apples for the county schools. "
    "Apple pickers are members of the mutual.\n",
    "boats.txt": "The ferry mutual repairs boats in the harbour every winter. "
    "Boat crews elect the board each spring.\n",
}


class RecordingEmbedder(FakeEmbedder):
    """The fake embedder, remembering every text it was asked to encode."""

    def __init__(self) -> None:
        super().__init__()
        self.seen: list[str] = []

    def encode_documents(self, texts, batch_size=32):  # noqa: ANN001, ANN201
        self.seen.extend(texts)
        return super().encode_documents(texts, batch_size)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
    make_report_pdf(folder / "report.pdf")
    return folder


@pytest.fixture
def emb() -> RecordingEmbedder:
    return RecordingEmbedder()


@pytest.fixture
def assistant(tmp_path: Path, emb: RecordingEmbedder) -> Assistant:
    return Assistant.open(tmp_path / "index", embedder=emb)


def _count_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every file the builder hashes or loads."""
    touched: list[str] = []
    real_load, real_hash = corpus.loaders.load, index.plan.content_hash

    def load(path, **kw):  # noqa: ANN001, ANN202
        touched.append(str(path))
        return real_load(path, **kw)

    def content_hash(path, meta):  # noqa: ANN001, ANN202
        touched.append(str(path))
        return real_hash(path, meta)

    monkeypatch.setattr(corpus.loaders, "load", load)
    monkeypatch.setattr(index.plan, "content_hash", content_hash)
    return touched


def _sources(a: Assistant) -> set[str]:
    return {Path(d.source).name for d in a.sources()}


def test_no_change_reindex_reads_and_embeds_nothing(assistant, emb, docs, monkeypatch):
    first = assistant.index([docs])
    assert first.written and first.embedded > 0
    assert {"apples.md", "boats.txt", "report.pdf"} <= _sources(assistant)
    calls = emb.calls
    touched = _count_reads(monkeypatch)

    again = assistant.index()

    assert emb.calls == calls and again.embedded == 0
    assert not again.written and again.generation == first.generation
    assert touched == []  # size and mtime matched: no file was hashed or parsed
    assert len(again.unchanged) == len(first.added)
    gens = [p.name for p in assistant.layout.generations.iterdir()]
    assert gens == [first.generation]


def test_one_changed_file_reembeds_only_its_new_text(assistant, emb, docs, monkeypatch):
    assistant.index([docs])
    emb.seen.clear()
    touched = _count_reads(monkeypatch)
    boats = docs / "boats.txt"
    boats.write_text(DOCS["boats.txt"] + "Lighthouse keepers joined the ferry mutual in 2019.\n",
                     encoding="utf-8")

    report = assistant.index()

    assert [Path(s).name for s in report.updated] == ["boats.txt"]
    assert report.added == [] and report.removed == []
    assert report.written and 0 < report.embedded <= 4
    # Everything embedded comes from the changed file, nothing from the others.
    new_text = " ".join(boats.read_text(encoding="utf-8").split())
    assert emb.seen and all(" ".join(t.split()) in new_text for t in emb.seen)
    assert {Path(t).name for t in touched} == {"boats.txt"}
    top = assistant.search("lighthouse keepers", k=1)[0]
    assert "Lighthouse keepers" in top.text


def test_moved_file_costs_no_embedding(assistant, emb, docs):
    assistant.index([docs])
    calls = emb.texts_encoded
    (docs / "sub").mkdir()
    shutil.move(docs / "apples.md", docs / "sub" / "orchard-notes.md")

    report = assistant.index()

    assert [Path(s).name for s in report.added] == ["orchard-notes.md"]
    assert [Path(s).name for s in report.removed] == ["apples.md"]
    assert report.embedded == 0 and emb.texts_encoded == calls
    assert Path(assistant.search("orchard apples", k=1)[0].source).name == "orchard-notes.md"


def test_repeated_text_is_embedded_once(assistant, emb, docs):
    shutil.copy(docs / "boats.txt", docs / "boats-copy.txt")
    assistant.index([docs])
    assert len(emb.seen) == len(set(emb.seen))  # the copy's texts came from the cache


def test_removed_file_leaves_the_index(assistant, emb, docs):
    assistant.index([docs])
    assert "boats.txt" in _sources(assistant)
    (docs / "boats.txt").unlink()

    report = assistant.index()

    assert [Path(s).name for s in report.removed] == ["boats.txt"]
    assert report.embedded == 0
    assert "boats.txt" not in _sources(assistant)
    assert all("ferry" not in p.text for p in assistant.search("ferry boats harbour", k=10))


def test_touched_but_identical_file_is_hashed_not_reembedded(assistant, emb, docs):
    first = assistant.index([docs])
    st = (docs / "apples.md").stat()
    os.utime(docs / "apples.md", (st.st_atime + 100, st.st_mtime + 100))

    report = assistant.index()

    assert report.embedded == 0 and not report.changed
    assert report.generation == first.generation


def _status_json(index_dir: Path, capsys: pytest.CaptureFixture) -> dict:
    assert cli.main(["index", "--status", "--json", "--index-dir", str(index_dir)]) == 0
    return json.loads(capsys.readouterr().out)


def test_status_tells_new_changed_removed_unchanged_without_indexing(
    assistant, emb, docs, capsys
):
    (docs / "blank.txt").write_bytes(b"")  # fails in the build; status remembers why
    first = assistant.index([docs])
    calls = emb.calls
    (docs / "apples.md").write_text("# Orchards\n\nPears now, not apples.\n", encoding="utf-8")
    (docs / "boats.txt").unlink()
    (docs / "cars.md").write_text("The car club mutual shares vans.\n", encoding="utf-8")
    (docs / "notes.docx").write_bytes(b"PK\x03\x04 not really a document")

    status = _status_json(assistant.layout.root, capsys)

    names = {k: sorted(Path(s).name for s in status[k])
             for k in ("added", "updated", "removed", "unchanged")}
    assert names["added"] == ["cars.md"]
    assert names["updated"] == ["apples.md"]
    assert names["removed"] == ["boats.txt"]
    assert "report.pdf" in names["unchanged"]
    assert {Path(f["source"]).name: f["reason"] for f in status["failed"]} == {
        "notes.docx": "unsupported file type .docx (supported: .pdf, .html, .htm, .md, "
                      ".markdown, .txt)",
        "blank.txt": "empty file"}
    # Nothing was indexed: same generation, no embedding, the old text still answers.
    assert emb.calls == calls
    assert assistant.layout.current().name == first.generation
    assert any("ferry" in p.text for p in assistant.search("ferry boats harbour", k=3))

    # The text form says the same in words.
    assert cli.main(["index", "--status", "--index-dir", str(assistant.layout.root)]) == 0
    out = capsys.readouterr().out
    assert "new: 1" in out and "changed: 1" in out and "removed: 1" in out
    assert "cars.md" in out and "notes.docx" in out


def test_old_generations_are_cleaned_up(assistant, docs):
    for i in range(4):
        (docs / "counter.md").write_text(f"Build number {i} of the counter.\n", encoding="utf-8")
        assistant.index([docs])
    names = sorted(p.name for p in assistant.layout.generations.iterdir())
    assert len(names) == 2 and assistant.layout.current().name in names
    assert "Build number 3" in assistant.search("counter build number", k=1)[0].text


def test_other_model_rebuilds_everything(tmp_path, docs):
    root = tmp_path / "index"
    Assistant.open(root, embedder=FakeEmbedder(dim=64)).index([docs])
    other = FakeEmbedder(dim=32)
    report = Assistant.open(root, embedder=other).index()
    assert report.written and report.updated and not report.unchanged
    assert IndexLayout(root).read_manifest()["dim"] == 32


def test_last_build_is_recorded_with_failures(assistant, docs):
    (docs / "empty.txt").write_bytes(b"")
    assistant.index([docs])
    last = assistant.layout.read_last_build()
    assert last is not None
    assert {Path(f["source"]).name: f["reason"] for f in last["failed"]} == {
        "empty.txt": "empty file"}


def _hold_lock(root: str, ready, release) -> None:  # noqa: ANN001
    with IndexLayout(root).write_lock():
        ready.set()
        release.wait(20)


def test_second_writer_is_told_clearly(assistant, docs, capsys, monkeypatch):
    monkeypatch.setattr(cli, "_open", lambda ns: Assistant.open(ns.index_dir,
                                                                embedder=FakeEmbedder()))
    ctx = mp.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    proc = ctx.Process(target=_hold_lock, args=(str(assistant.layout.root), ready, release))
    proc.start()
    try:
        assert ready.wait(10)
        rc = cli.main(["index", str(docs), "--index-dir", str(assistant.layout.root)])
        err = capsys.readouterr().err
    finally:
        release.set()
        proc.join(10)
    assert rc == 1
    assert "already updating the index" in err and f"pid {proc.pid}" in err
    assert not assistant.has_index()  # the second writer wrote nothing


def test_readers_always_see_a_complete_generation_while_rebuilds_publish(tmp_path, docs):
    import threading

    from index.reader import IndexSnapshot

    root = tmp_path / "index"
    Assistant.open(root, embedder=FakeEmbedder()).index([docs])
    done, errors = threading.Event(), []

    def rebuild() -> None:
        try:
            writer = Assistant.open(root, embedder=FakeEmbedder())
            for i in range(6):
                (docs / "round.md").write_text(f"Round {i} of the rebuild.\n" * (i + 1),
                                               encoding="utf-8")
                assert writer.index().written
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            done.set()

    thread = threading.Thread(target=rebuild)
    thread.start()
    reads = 0
    layout = IndexLayout(root)
    while not done.is_set() or reads == 0:
        snap = IndexSnapshot.open(layout)
        n = snap.chunk_count
        assert snap.store.chunk_count() == n == len(snap.bm25) == len(snap.vectors)
        assert len(snap.chunk_vectors) == n
        snap.close()
        hits = Assistant.open(root, embedder=FakeEmbedder()).search("ferry boats harbour", k=3)
        assert any("ferry" in h.text for h in hits)
        reads += 1
    thread.join()
    assert not errors and reads > 1


def test_cache_is_pruned_only_once_it_outgrows_the_index(tmp_path):
    from index.cache import EmbeddingCache

    emb = FakeEmbedder(dim=8)
    cache = EmbeddingCache(tmp_path / "cache.sqlite", emb.name, emb.dim)
    texts = [f"text number {i}" for i in range(10)]
    cache.put_many(texts, emb.encode_documents(texts))
    assert cache.prune(texts[:2], ratio=3.0, min_rows=20) == 0  # small cache: kept whole
    assert cache.count() == 10
    assert cache.prune(texts[:2], ratio=3.0, min_rows=0) == 8
    assert sorted(cache.get_many(texts)) == [0, 1]
    cache.close()


def test_a_generation_being_read_is_not_cleaned_up_until_released(assistant, docs):
    from index.reader import IndexSnapshot

    first = assistant.index([docs])
    reader = IndexSnapshot.open(assistant.layout)  # e.g. the app, idle between questions
    for i in range(3):
        (docs / "counter.md").write_text(f"Counter build {i}.\n", encoding="utf-8")
        assistant.index()
    assert reader.path.name == first.generation and reader.path.exists()
    assert len(reader.bm25) == len(reader.vectors) == reader.chunk_count  # still loads

    reader.close()
    (docs / "counter.md").write_text("Counter build 3.\n", encoding="utf-8")
    assistant.index()
    assert not reader.path.exists()
    assert len(list(assistant.layout.generations.iterdir())) == 2


def test_a_new_text_pipeline_version_recuts_unchanged_files(tmp_path, monkeypatch):
    """After an upgrade that changes how text is cut, old sentences do not linger."""
    from assistant.service import Assistant
    from corpus import chunking
    from index.embedder import FakeEmbedder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nMutuals partner with charities. They share staff.\n")
    emb = FakeEmbedder()
    a = Assistant.open(tmp_path / "ix", embedder=emb)
    a.index([docs])
    assert a.index().changed is False
    monkeypatch.setattr(chunking, "TEXT_VERSION", chunking.TEXT_VERSION + 1)
    report = a.index()
    assert str(docs / "a.md") in report.updated
    assert report.embedded == 0  # same text: the embedding cache pays for it


def test_a_cancelled_build_releases_the_generation_it_started_from(docs, tmp_path):
    """The base snapshot is closed however the build ends: a cancel raised mid-build
    leaves no pin on the live generation (cleanup may delete it once it is replaced)."""
    import fcntl
    import threading

    from index.builder import Cancelled, build

    layout = IndexLayout(tmp_path / "index")
    build(layout, FakeEmbedder(), sources=[docs])
    (docs / "apples.md").write_text("# Orchards\n\nPears now, grown by the mutual.\n",
                                    encoding="utf-8")
    live = layout.current()
    assert live is not None
    cancel = threading.Event()

    def progress(p):  # noqa: ANN001, ANN202
        if p.stage == "embed":
            cancel.set()

    with pytest.raises(Cancelled) as raised:
        build(layout, FakeEmbedder(), sources=[docs], progress=progress,
              cancel=cancel)
    assert raised.value  # the traceback, and every frame of the build, is still alive
    fd = os.open(live / "manifest.json", os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # no reader's pin is left
    finally:
        os.close(fd)


def test_a_chunk_that_is_one_sentence_is_embedded_once_and_shares_its_vector(tmp_path, emb):
    # A table row alone in its chunk is both the chunk and its one sentence (issue 14).
    import numpy as np

    from index.reader import open_live

    folder = tmp_path / "one"
    folder.mkdir()
    row = "Dental care, South West: Mutuals surveyed 21; Share in a partnership 71%"
    (folder / "row.txt").write_text(row + "\n", encoding="utf-8")
    layout = IndexLayout(tmp_path / "index")
    index.builder.build(layout, emb, sources=[folder])
    assert emb.seen.count(row) == 1
    snap = open_live(layout)
    try:
        (sc,) = snap.store.chunks(list(range(len(snap.chunk_vectors)))).values()
        assert sc.chunk.text == row and [s.text for s in sc.chunk.sentences] == [row]
        chunk_vec = np.asarray(snap.chunk_vectors[sc.row], dtype=np.float32)
        sent_vec = np.asarray(snap.sentence_vectors[sc.sentence_rows[0]], dtype=np.float32)
        np.testing.assert_array_equal(chunk_vec.astype(np.float16), sent_vec.astype(np.float16))
    finally:
        snap.close()
