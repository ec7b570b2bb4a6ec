"""``kill -9`` during a rebuild: the previous index answers exactly as before, and the
next ``assistant index`` completes and clears the leftovers.

The rebuild runs in a child process (``tests.index.driver``: the real CLI and builder
with the fake embedder), which blocks at a chosen progress point or is slowed down so
that it can be killed at a known or a random moment.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from assistant.service import Assistant
from index.embedder import FakeEmbedder
from index.layout import IndexLayout
from tests.corpus.pdfgen import make_report_pdf

ROOT = Path(__file__).resolve().parents[2]
QUESTIONS = [
    "What does the ferry mutual repair?",
    "What are the benefits of partnership for mutuals?",
    "Who picks the apples?",
]


def _write_docs(folder: Path) -> None:
    folder.mkdir()
    (folder / "boats.md").write_text(
        "# Ferries\n\nThe ferry mutual repairs boats in the harbour every winter. "
        "Boat crews elect the board each spring.\n", encoding="utf-8")
    (folder / "apples.txt").write_text(
        "Members of the orchard mutual pick the apples in September. "
        "The apples go to county schools.\n", encoding="utf-8")
    make_report_pdf(folder / "report.pdf")


def _change_docs(folder: Path) -> None:
    """Enough new text for several embedding batches, and one edited file."""
    lines = [f"Section {i}. The {w} cooperative reported outcome number {i * 7} to the council."
             for i, w in enumerate(["river", "forest", "valley", "harbour", "market"] * 8)]
    (folder / "annual-review.md").write_text("# Annual review\n\n" + "\n\n".join(lines) + "\n",
                                             encoding="utf-8")
    (folder / "apples.txt").write_text(
        "Members of the orchard mutual pick the apples in October now.\n", encoding="utf-8")


def _answers(index_dir: Path) -> list[dict]:
    a = Assistant.open(index_dir, embedder=FakeEmbedder())
    out = []
    for q in QUESTIONS:
        out.append(a.ask(q).as_json())
        out.append({"search": [p.chunk_id for p in a.search(q, k=5)]})
    return out


@pytest.fixture
def indexed(tmp_path: Path) -> tuple[Path, Path, str, list[dict]]:
    docs, index_dir = tmp_path / "docs", tmp_path / "index"
    _write_docs(docs)
    report = Assistant.open(index_dir, embedder=FakeEmbedder()).index([docs])
    assert report.written
    before = _answers(index_dir)
    _change_docs(docs)
    return docs, index_dir, report.generation, before


def _start(index_dir: Path, *driver_args: str) -> subprocess.Popen:
    cmd = [sys.executable, "-m", "tests.index.driver", *driver_args, "--",
           "index", "--json", "--index-dir", str(index_dir)]
    return subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _wait_for(marker: Path, proc: subprocess.Popen, timeout: float = 60) -> None:
    end = time.monotonic() + timeout
    while not marker.exists():
        if proc.poll() is not None:
            raise AssertionError(f"driver ended early: {proc.stderr.read().decode()}")
        assert time.monotonic() < end, "driver never reached the stop point"
        time.sleep(0.02)


def _kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL


def _finish_and_check(index_dir: Path, old_generation: str) -> None:
    """The next build completes, cleans up, and serves the new content."""
    layout = IndexLayout(index_dir)
    report = Assistant.open(index_dir, embedder=FakeEmbedder()).index()
    assert report.generation != old_generation
    assert not list(layout.generations.glob(".tmp-*"))
    assert not list(layout.root.glob(".CURRENT.*"))
    assert len(list(layout.generations.glob("gen-*"))) <= 2
    a = Assistant.open(index_dir, embedder=FakeEmbedder())
    assert "October" in a.search("orchard mutual apples", k=1)[0].text
    assert any("outcome number 273" in p.text
               for p in a.search("market cooperative outcome number 273", k=5))


@pytest.mark.parametrize(
    "stop_at",
    ["embed:4", "write:1", "write:2", "write:4"],
    ids=["mid-embedding", "metadata-written", "vectors-written", "before-switch"],
)
def test_kill_mid_rebuild_leaves_the_old_index_answering(indexed, tmp_path, stop_at):
    docs, index_dir, generation, before = indexed
    marker = tmp_path / "reached"
    proc = _start(index_dir, "--stop-at", stop_at, "--marker", str(marker), "--batch-size", "4")
    _wait_for(marker, proc)
    _kill(proc)

    layout = IndexLayout(index_dir)
    assert layout.current().name == generation
    if stop_at.startswith("write"):
        assert list(layout.generations.glob(".tmp-*"))  # killed with a half-written build
    assert _answers(index_dir) == before  # a fresh reader sees exactly the old index

    _finish_and_check(index_dir, generation)


def test_embeddings_computed_before_a_kill_are_not_lost(indexed, tmp_path):
    docs, index_dir, generation, _ = indexed
    full = Assistant.open(tmp_path / "reference", embedder=FakeEmbedder())
    needed = full.index([docs]).embedded  # what a build from nothing embeds
    marker = tmp_path / "reached"
    proc = _start(index_dir, "--stop-at", "embed:8", "--marker", str(marker),
                  "--batch-size", "4")
    _wait_for(marker, proc)
    _kill(proc)

    emb = FakeEmbedder()
    report = Assistant.open(index_dir, embedder=emb).index()
    assert report.written
    assert 0 < emb.texts_encoded < needed  # the cached batches were not embedded again


def test_kill_at_random_moments_never_breaks_the_index(indexed, tmp_path):
    docs, index_dir, generation, _ = indexed
    layout = IndexLayout(index_dir)
    rng = random.Random(4)
    outcomes = []
    for i in range(5):
        before_gen, before = layout.current().name, _answers(index_dir)
        (docs / f"extra-{i}.md").write_text(
            "\n\n".join(f"Extra {i}: the {w} mutual met target {j} of round {i}."
                         for j, w in enumerate(["canal", "moor", "fen", "dale"] * 6)) + "\n",
            encoding="utf-8")
        proc = _start(index_dir, "--slow", "0.1", "--batch-size", "2")
        time.sleep(rng.uniform(0.3, 3.0))
        if proc.poll() is None:
            _kill(proc)
            outcomes.append("killed")
        else:
            proc.communicate()
            outcomes.append("finished")
        current = layout.current()
        assert current is not None
        if current.name == before_gen:
            assert _answers(index_dir) == before
        else:  # the kill came after the switch: the new generation is complete
            a = Assistant.open(index_dir, embedder=FakeEmbedder())
            assert f"round {i}" in a.search(f"Extra {i} canal mutual target round {i}",
                                            k=1)[0].text
    assert "killed" in outcomes

    _finish_and_check(index_dir, generation)
