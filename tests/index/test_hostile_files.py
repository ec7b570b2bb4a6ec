"""Hostile files given to ``assistant index`` (issue 11, items 12 and 13).

A FIFO or a device given as a path must not hang indexing, nor every later run (the path
is saved as a source); a file name that is not UTF-8 must not crash the build. Each test
runs the CLI in a child process (fake embedder) with a timeout, so a hang fails the test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GOOD = "The Riverside Mutual runs the library service in Kestrel Bay on weekdays.\n"


def _cli(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "tests.index.driver", "--", *args]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        pytest.fail(f"`assistant {' '.join(args)}` hung")
    assert b"Traceback" not in proc.stderr, proc.stderr.decode(errors="replace")
    return proc


def _json(proc: subprocess.CompletedProcess) -> dict:
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    return json.loads(proc.stdout)


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    d = tmp_path / "docs"
    d.mkdir()
    (d / "good.md").write_text(GOOD, encoding="utf-8")
    return d


@pytest.mark.parametrize("kind", ["fifo", "dev-zero-link", "dev-null-link"])
def test_a_pipe_or_device_given_as_a_path_is_refused_and_never_hangs(tmp_path, docs, kind):
    target = docs / "pipe.txt"
    if kind == "fifo":
        os.mkfifo(target)
    else:
        target.symlink_to("/dev/zero" if kind == "dev-zero-link" else "/dev/null")
    ix = str(tmp_path / "index")

    report = _json(_cli("index", str(target), str(docs / "good.md"), "--json",
                        "--index-dir", ix))
    reasons = {Path(f["source"]).name: f["reason"] for f in report["failed"]}
    assert reasons == {"pipe.txt": "not a regular file (device, pipe or socket)"}
    assert any(s.endswith("good.md") for s in report["added"])

    # The path is a saved source now: later runs must not hang on it either.
    again = _json(_cli("index", "--json", "--index-dir", ix))
    assert [Path(f["source"]).name for f in again["failed"]] == ["pipe.txt"]
    status = _cli("index", "--status", "--index-dir", ix)
    assert status.returncode == 0
    assert b"not a regular file" in status.stdout


def test_a_pipe_inside_a_folder_is_skipped_with_a_reason(tmp_path, docs):
    os.mkfifo(docs / "inbox.md")
    report = _json(_cli("index", str(docs), "--json", "--index-dir", str(tmp_path / "ix")))
    reasons = {Path(f["source"]).name: f["reason"] for f in report["failed"]}
    assert reasons == {"inbox.md": "not a regular file (device, pipe or socket)"}


def test_a_file_swapped_for_a_pipe_after_discovery_is_not_read(tmp_path):
    from corpus.errors import UnreadableDocument
    from corpus.files import NotRegularFile, open_regular
    from corpus.loaders import load

    fifo = tmp_path / "late.txt"
    os.mkfifo(fifo)
    with pytest.raises(NotRegularFile):
        open_regular(fifo)  # returns at once: no writer is waited for
    with pytest.raises(UnreadableDocument, match="not a regular file"):
        load(fifo)


def _bad_name(folder: Path) -> Path:
    raw = os.fsencode(folder) + b"/caf\xe9.txt"
    with open(raw, "wb") as fh:
        fh.write(b"The cafe mutual serves lunches to the library staff.\n")
    return Path(os.fsdecode(raw))


def test_a_file_name_that_is_not_utf8_is_skipped_and_the_rest_indexes(tmp_path, docs):
    bad = _bad_name(docs)
    ix = str(tmp_path / "index")
    report = _json(_cli("index", str(docs), "--json", "--index-dir", ix))
    assert report["failed"] == [{
        "source": f"{docs}/caf\\xe9.txt",
        "reason": "file name is not valid UTF-8 (rename the file to index it)"}]
    assert [Path(s).name for s in report["added"]][-1:] == ["good.md"]

    # Later runs, status and the plain summary work too (they crashed every time before).
    again = _json(_cli("index", "--json", "--index-dir", ix))
    assert len(again["failed"]) == 1 and not again["added"]
    plain = _cli("index", "--index-dir", ix)
    assert plain.returncode == 0
    assert f"{docs}/caf\\xe9.txt: file name is not valid UTF-8".encode() in plain.stdout
    assert _cli("index", "--status", "--index-dir", ix).returncode == 0
    sources = _cli("sources", "--index-dir", ix)
    assert sources.returncode == 0 and b"good.md" in sources.stdout

    # Given explicitly, it is saved as a source and reported the same way.
    explicit = _json(_cli("index", str(bad), "--json", "--index-dir", ix))
    assert [f["reason"] for f in explicit["failed"]] == [
        "file name is not valid UTF-8 (rename the file to index it)"]
