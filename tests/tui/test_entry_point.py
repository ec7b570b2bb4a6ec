"""The ``assistant`` program: no command (or ``tui``) opens the app, which the entry point
``tui.main`` hands to ``assistant.cli``; an error importing the app is reported, never
hidden behind a sample answer."""

from __future__ import annotations

import builtins
import sys

import pytest

from assistant import cli
from tui import main as entry


def test_no_command_and_tui_open_the_app_over_the_index_folder(monkeypatch, tmp_path):
    opened = []
    monkeypatch.setattr(entry, "open_app", lambda index_dir: opened.append(index_dir) or 0)
    assert entry.main([]) == 0
    assert entry.main(["tui", "--index-dir", str(tmp_path)]) == 0
    assert opened == [None, str(tmp_path)]


def test_the_core_cli_alone_says_how_to_open_the_app(capsys):
    assert cli.main([]) == 2
    assert "`assistant`" in capsys.readouterr().err


def test_an_error_importing_the_app_is_reported(monkeypatch, capsys):
    real_import = builtins.__import__

    def broken(name, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003
        if name == "tui.app":
            raise ImportError("No module named 'textual.widgets._broken'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "tui.app", raising=False)
    monkeypatch.setattr(builtins, "__import__", broken)
    assert entry.main(["tui"]) == 1
    err = capsys.readouterr().err
    assert "ImportError" in err and "_broken" in err
    assert "Sources:" not in err


@pytest.mark.parametrize("argv", [["ask", "--help"], ["--help"]])
def test_the_program_keeps_every_command(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        entry.main(argv)
    assert exc.value.code == 0
    assert "ask" in capsys.readouterr().out
