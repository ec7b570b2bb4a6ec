"""A damaged live index generation (issue 11, item 14).

Detected when it is opened; questions fall back to the previous whole generation (with a
one-line warning) if there is one, or get a one-line error saying to run
``assistant index``; ``assistant index`` rebuilds and removes the damaged generation.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder
from index.layout import IndexLayout

QUESTION = "Which mutual runs the library service in Kestrel Bay?"


def _bad_manifest(gen: Path) -> None:
    (gen / "manifest.json").write_text('{"format_version": 1, "chunks": ', encoding="utf-8")


def _not_a_database(gen: Path) -> None:
    (gen / "meta.sqlite").write_bytes(b"this is not a database" * 200)


def _truncated_npy(gen: Path) -> None:
    data = (gen / "chunks.npy").read_bytes()
    (gen / "chunks.npy").write_bytes(data[: len(data) // 2])


def _truncated_faiss(gen: Path) -> None:
    data = (gen / "vectors.faiss").read_bytes()
    (gen / "vectors.faiss").write_bytes(data[: len(data) // 3])


DAMAGE = {"manifest": _bad_manifest, "sqlite": _not_a_database, "npy": _truncated_npy}


@pytest.fixture
def index(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "library.md").write_text(
        "The Riverside Mutual runs the library service in Kestrel Bay.\n", encoding="utf-8")
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    ix = tmp_path / "index"
    return docs, ix


def _cli(capsys, *argv: str) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return rc, out.out, out.err


def _ask(capsys, ix: Path) -> tuple[int, dict | None, str]:
    rc, out, err = _cli(capsys, "ask", QUESTION, "--json", "--index-dir", str(ix))
    return rc, (json.loads(out) if rc == 0 else None), err


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_live_generation_falls_back_to_the_previous_one(index, capsys, damage):
    docs, ix = index
    assert _cli(capsys, "index", str(docs), "--index-dir", str(ix))[0] == 0
    (docs / "ferries.md").write_text("The harbour mutual runs ferries to Gull Island.\n",
                                     encoding="utf-8")
    assert _cli(capsys, "index", "--index-dir", str(ix))[0] == 0
    layout = IndexLayout(ix)
    live = layout.current()
    DAMAGE[damage](live)

    rc, answer, err = _ask(capsys, ix)
    assert rc == 0 and answer["passages"][0]["source"].endswith("library.md")
    warning = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warning) == 1 and "damaged" in warning[0] and live.name in warning[0]
    rc, out, err = _cli(capsys, "sources", "--index-dir", str(ix))
    assert rc == 0 and "library" in out

    # `assistant index` rebuilds (the ferries file, missing from the previous one, too).
    rc, out, err = _cli(capsys, "index", "--json", "--index-dir", str(ix))
    assert rc == 0, err
    report = json.loads(out)
    assert report["generation"] != live.name and not live.exists()
    rc, answer, err = _ask(capsys, ix)
    assert rc == 0 and "warning" not in err
    rc, out, _ = _cli(capsys, "ask", "ferries to Gull Island", "--json", "--index-dir", str(ix))
    assert json.loads(out)["passages"][0]["source"].endswith("ferries.md")


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_with_no_whole_generation_one_line_then_index_rebuilds(index, capsys, damage):
    docs, ix = index
    assert _cli(capsys, "index", str(docs), "--index-dir", str(ix))[0] == 0
    DAMAGE[damage](IndexLayout(ix).current())

    rc, _, err = _ask(capsys, ix)
    assert rc == 1
    assert len(err.strip().splitlines()) == 1
    assert "damaged" in err and "run `assistant index` to rebuild it" in err
    rc, _, err = _cli(capsys, "sources", "--index-dir", str(ix))
    assert rc == 1 and "damaged" in err

    rc, out, err = _cli(capsys, "index", "--index-dir", str(ix))
    assert rc == 0, err
    rc, answer, err = _ask(capsys, ix)
    assert rc == 0 and answer["passages"][0]["source"].endswith("library.md")


def test_an_unreadable_faiss_file_is_rebuilt_by_index_even_when_nothing_changed(index,
                                                                                  capsys):
    docs, ix = index
    assert _cli(capsys, "index", str(docs), "--index-dir", str(ix))[0] == 0
    live = IndexLayout(ix).current()
    _truncated_faiss(live)
    rc, out, err = _cli(capsys, "index", "--json", "--index-dir", str(ix))
    assert rc == 0, err
    assert json.loads(out)["generation"] != live.name
    rc, answer, _ = _ask(capsys, ix)
    assert rc == 0 and answer["passages"][0]["source"].endswith("library.md")


def test_garbage_in_the_current_pointer_is_no_traceback(index, capsys):
    docs, ix = index
    assert _cli(capsys, "index", str(docs), "--index-dir", str(ix))[0] == 0
    (ix / "CURRENT").write_bytes(b"\xff\xfe../../etc\n")
    rc, out, err = _cli(capsys, "sources", "--index-dir", str(ix))
    assert rc == 0
    assert _cli(capsys, "index", "--index-dir", str(ix))[0] == 0
    rc, answer, _ = _ask(capsys, ix)
    assert rc == 0 and answer["passages"][0]["source"].endswith("library.md")
