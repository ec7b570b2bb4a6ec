"""Untrusted titles, URLs and file names never drive the terminal (issue 11, item 1).

A file named with an OSC 52 clipboard-write sequence, a manifest title holding a
window-title sequence and a hidden hyperlink, and a URL with a screen-clearing CSI: every
plain-text output of the CLI shows them as visible escapes; ``--json`` keeps them exact.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder

OSC52 = "\x1b]52;c;aGVsbG8=\x07"
TITLE = "Evil \x1b]0;pwned\x07 \x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\ title"
URL = "https://example.org/\x1b[2J"


def _toml(s: str) -> str:
    return json.dumps(s)  # a JSON string of BMP characters is a valid TOML basic string


@pytest.fixture
def hostile(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / f"clip{OSC52}board.txt").write_text(
        "The harbour mutual runs ferries to Gull Island twice a day.\n", encoding="utf-8")
    (docs / "report.md").write_text(
        "# Partners\n\nMutuals partner with charities to grow local services.\n",
        encoding="utf-8")
    (docs / f"bad{OSC52}.docx").write_bytes(b"not a supported type")
    (docs / "manifest.toml").write_text(
        f'[[document]]\nfile = "report.md"\ntitle = {_toml(TITLE)}\nurl = {_toml(URL)}\n'
        f'publisher = {_toml("Pub" + OSC52)}\n', encoding="utf-8")
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    return docs, tmp_path / "index"


def _run(capsys: pytest.CaptureFixture, *argv: str) -> tuple[int, str, str]:
    rc = cli.main(list(argv))
    out = capsys.readouterr()
    return rc, out.out, out.err


def test_no_escape_byte_reaches_the_terminal_from_any_plain_output(hostile, capsys):
    docs, ix = hostile
    outputs = [
        _run(capsys, "index", str(docs), "--index-dir", str(ix)),
        _run(capsys, "index", "--status", "--index-dir", str(ix)),
        _run(capsys, "sources", "--index-dir", str(ix)),
        _run(capsys, "ask", "Who do mutuals partner with to grow local services?",
             "--index-dir", str(ix)),
        _run(capsys, "ask", "ferries to Gull Island", "--index-dir", str(ix)),
        _run(capsys, "ask", "zzqx unrelated wording", "--index-dir", str(ix)),
    ]
    for rc, out, err in outputs:
        assert rc == 0, err
        assert "\x1b" not in out and "\x07" not in out, out
        assert "\x1b" not in err and "\x07" not in err, err
    index_out, status_out, sources_out, ask_out, ask2_out, _ = (o[1] for o in outputs)
    # Shown literally, not dropped: the user can see what the title really holds.
    assert "\\x1b]0;pwned\\x07" in sources_out
    assert "\\x1b[2J" in sources_out
    assert "clip\\x1b]52;c;aGVsbG8=\\x07board.txt" in index_out
    assert "bad\\x1b]52" in index_out  # the skipped-file line
    assert "bad\\x1b]52" in status_out
    assert "Sources:" in ask_out and "\\x1b]0;pwned" in ask_out
    assert "\\x1b]52" in ask2_out


def test_json_output_stays_exact(hostile, capsys):
    docs, ix = hostile
    rc, out, _ = _run(capsys, "index", str(docs), "--json", "--index-dir", str(ix))
    assert rc == 0
    assert any(OSC52 in s for s in json.loads(out)["added"])
    rc, out, _ = _run(capsys, "sources", "--json", "--index-dir", str(ix))
    docs = json.loads(out)["documents"]
    assert TITLE in {d["title"] for d in docs}
    assert URL in {d["url"] for d in docs}


def test_progress_line_shows_file_names_literally():
    import io

    from index.builder import Progress

    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    stream = Tty()
    cli.ProgressLine(stream)(Progress("read", 1, 2, f"clip{OSC52}.txt"))
    assert "\x1b" not in stream.getvalue() and "\\x1b]52" in stream.getvalue()
