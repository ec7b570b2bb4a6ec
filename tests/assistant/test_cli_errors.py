"""No Python traceback ever reaches a user of the CLI (issue 11, item 11).

Our own errors become one line; anything else becomes one line naming the error, exit 1,
with ``ASSISTANT_DEBUG=1`` to see the traceback.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder


@pytest.fixture
def fake_open(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))


def test_a_second_concurrent_sync_says_so_in_one_line(tmp_path, monkeypatch, capsys,
                                                       fake_open):
    folder = tmp_path / "govuk"
    folder.mkdir()
    monkeypatch.setenv("ASSISTANT_SYNC_DIR", str(folder))
    monkeypatch.setenv("ASSISTANT_GOVUK_API", "http://127.0.0.1:9/api/content")
    fd = os.open(folder / ".sync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # the first sync, still running
        rc = cli.main(["sync", "--index-dir", str(tmp_path / "ix")])
    finally:
        os.close(fd)
    err = capsys.readouterr().err
    assert rc != 0
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and "another sync" in lines[0], err


def test_an_unexpected_error_is_one_line_naming_it(tmp_path, monkeypatch, capsys, fake_open):
    def boom(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise LookupError("the table of contents is inside out")

    monkeypatch.setattr(Assistant, "sources", boom)
    monkeypatch.delenv("ASSISTANT_DEBUG", raising=False)
    rc = cli.main(["sources", "--index-dir", str(tmp_path / "ix")])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip().splitlines() == [
        "error: unexpected LookupError: the table of contents is inside out "
        "(set ASSISTANT_DEBUG=1 to see the details)"]


def test_assistant_debug_shows_the_traceback(tmp_path, monkeypatch, fake_open):
    def boom(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise LookupError("inside out")

    monkeypatch.setattr(Assistant, "sources", boom)
    monkeypatch.setenv("ASSISTANT_DEBUG", "1")
    with pytest.raises(LookupError):
        cli.main(["sources", "--index-dir", str(tmp_path / "ix")])


def test_an_os_error_names_the_problem_and_the_file(tmp_path, monkeypatch, capsys, fake_open):
    import errno

    def full(self, *a, **k):  # noqa: ANN001, ANN002, ANN003, ANN202
        raise OSError(errno.ENOSPC, "No space left on device", str(Path("/x/meta.sqlite")))

    monkeypatch.setattr(Assistant, "sources", full)
    rc = cli.main(["sources", "--index-dir", str(tmp_path / "ix")])
    assert rc == 1
    assert capsys.readouterr().err.strip() == "error: the disk is full: /x/meta.sqlite"
