"""Disk full during a build (issue 11, item 15).

One line, exit 1; the old index stays live and answers; the source list is unchanged; the
unfinished generation is removed. Simulated two ways: a write failure injected into the
builder (always), and a real 1.5 MB tmpfs in a private mount namespace (``unshare -rm``;
skipped where the machine does not allow it).
"""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder
from index.layout import IndexLayout

ROOT = Path(__file__).resolve().parents[2]
GOOD = "The Riverside Mutual runs the library service in Kestrel Bay.\n"


@pytest.fixture
def indexed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    docs, more = tmp_path / "docs", tmp_path / "more"
    docs.mkdir()
    more.mkdir()
    (docs / "good.md").write_text(GOOD, encoding="utf-8")
    (more / "ferries.md").write_text("The harbour mutual runs ferries to Gull Island.\n",
                                     encoding="utf-8")
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    ix = tmp_path / "index"
    assert cli.main(["index", str(docs), "--index-dir", str(ix)]) == 0
    return docs, more, ix


def _full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
    raise OSError(errno.ENOSPC, "No space left on device")


def _sqlite_full(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
    raise sqlite3.OperationalError("database or disk is full")


@pytest.mark.parametrize("where", ["vectors", "metadata", "cache"])
def test_disk_full_is_one_line_and_changes_nothing(indexed, monkeypatch, capsys, where):
    import index.builder
    import index.cache
    import index.store

    docs, more, ix = indexed
    layout = IndexLayout(ix)
    live, sources = layout.current(), layout.read_sources()
    capsys.readouterr()
    if where == "vectors":
        monkeypatch.setattr(index.builder.np, "save", _full)
    elif where == "metadata":
        monkeypatch.setattr(index.store.StoreWriter, "add_chunk", _sqlite_full)
    else:
        monkeypatch.setattr(index.cache.EmbeddingCache, "put_many", _sqlite_full)

    rc = cli.main(["index", str(more), "--index-dir", str(ix)])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip().splitlines() == [
        "error: could not write the new index: the disk is full; "
        "the previous index is still live"]
    monkeypatch.undo()
    assert layout.current() == live
    assert layout.read_sources() == sources
    assert not list(layout.generations.glob(".tmp-*"))
    answer = Assistant.open(ix, embedder=FakeEmbedder()).search("Kestrel Bay library", k=1)
    assert answer[0].source.endswith("good.md")


def _can_mount_tmpfs(tmp_path: Path) -> bool:
    if shutil.which("unshare") is None:
        return False
    probe = subprocess.run(["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k "
                            f"tmpfs {tmp_path}"], capture_output=True, timeout=30)
    return probe.returncode == 0


def test_a_really_full_disk(tmp_path: Path):
    mnt = tmp_path / "small"
    mnt.mkdir()
    if not _can_mount_tmpfs(mnt):
        pytest.skip("cannot mount a private tmpfs here (needs user namespaces or root)")
    docs, big = tmp_path / "docs", tmp_path / "big"
    docs.mkdir()
    big.mkdir()
    (docs / "good.md").write_text(GOOD, encoding="utf-8")
    rng = np.random.default_rng(1)
    words = np.array("mutual library ferry harbour council service staff partner budget "
                     "board grant tender".split())
    for i in range(300):  # ~3,000 sentences: far more vectors than the disk can hold
        (big / f"f{i}.md").write_text("\n".join(
            " ".join(rng.choice(words, 12)).capitalize() + f" number {i} {j}."
            for j in range(10)), encoding="utf-8")
    ix = mnt / "index"
    driver = f"{sys.executable} -m tests.index.driver --"
    script = f"""
set -u
mount -t tmpfs -o size=1500k tmpfs {mnt}
{driver} index {docs} --index-dir {ix} > {tmp_path}/first.out 2>&1 || exit 3
cp {ix}/sources.json {tmp_path}/sources.before
cat {ix}/CURRENT > {tmp_path}/current.before
{driver} index {big} --index-dir {ix} > {tmp_path}/full.out 2> {tmp_path}/full.err
echo $? > {tmp_path}/full.rc
cp {ix}/sources.json {tmp_path}/sources.after
cat {ix}/CURRENT > {tmp_path}/current.after
ls -a {ix}/generations > {tmp_path}/generations.after
{driver} ask "Which mutual runs the library in Kestrel Bay?" --json --index-dir {ix} \\
    > {tmp_path}/ask.out 2> {tmp_path}/ask.err
"""
    proc = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr + (tmp_path / "first.out").read_text()
    err = (tmp_path / "full.err").read_text()
    assert (tmp_path / "full.rc").read_text().strip() == "1", err
    assert "Traceback" not in err
    assert err.strip().splitlines() == [
        "error: could not write the new index: the disk is full; "
        "the previous index is still live"]
    read = lambda name: (tmp_path / name).read_text()  # noqa: E731
    assert read("sources.after") == read("sources.before")
    assert read("current.after") == read("current.before")
    assert ".tmp-" not in read("generations.after")
    answer = json.loads(read("ask.out"))
    assert answer["passages"][0]["source"].endswith("good.md")
