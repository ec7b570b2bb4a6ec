"""Command-line mistakes get a clear one-line error and change nothing."""

import pytest

from assistant.cli import main
from index.layout import IndexLayout


def test_indexing_a_missing_path_is_refused_and_not_remembered(tmp_path, capsys):
    rc = main(["index", str(tmp_path / "nope"), "--index-dir", str(tmp_path / "ix")])
    assert rc == 2
    assert "no such file or folder" in capsys.readouterr().err
    assert IndexLayout(tmp_path / "ix").read_sources() == []


def test_removing_a_source_that_was_never_added_says_which_are(tmp_path, capsys):
    layout = IndexLayout(tmp_path / "ix")
    layout.write_sources([str(tmp_path / "kept")])
    rc = main(["index", "--remove", str(tmp_path / "other"), "--index-dir", str(layout.root)])
    assert rc == 2
    err = capsys.readouterr().err
    assert "not an added source" in err and str(tmp_path / "kept") in err
    assert layout.read_sources() == [str(tmp_path / "kept")]


def test_status_with_paths_is_an_error(tmp_path, capsys):
    (tmp_path / "a.txt").write_text("Some text for the index.", encoding="utf-8")
    rc = main(["index", "--status", str(tmp_path / "a.txt"), "--index-dir", str(tmp_path / "ix")])
    assert rc == 2 and "--status" in capsys.readouterr().err


@pytest.mark.parametrize("k", ["0", "-3", "many"])
def test_k_must_be_a_positive_number(k, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["ask", "question", "-k", k])
    assert exc.value.code == 2
    assert "-k" in capsys.readouterr().err


def test_asking_with_another_model_than_the_index_was_built_with_says_so(tmp_path):
    from assistant.service import Assistant
    from index.embedder import FakeEmbedder, ModelUnavailable

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text("# A\n\nMutuals partner with charities to grow.\n")
    Assistant.open(tmp_path / "ix", embedder=FakeEmbedder(dim=64)).index([docs])
    other = Assistant.open(tmp_path / "ix", embedder=FakeEmbedder(dim=128))
    with pytest.raises(ModelUnavailable, match="run `assistant index` to rebuild"):
        other.ask("Who do mutuals partner with?")


@pytest.mark.parametrize("before", [True, False])
def test_index_dir_is_used_before_or_after_the_command(tmp_path, monkeypatch, capsys, before):
    monkeypatch.setenv("ASSISTANT_INDEX_DIR", str(tmp_path / "default"))
    layout = IndexLayout(tmp_path / "ix")
    layout.write_sources([str(tmp_path / "kept")])
    option = ["--index-dir", str(layout.root)]
    command = ["index", "--remove", str(tmp_path / "other")]
    rc = main(option + command if before else command + option)
    assert rc == 2
    err = capsys.readouterr().err
    assert "not an added source" in err and str(tmp_path / "kept") in err
    assert not (tmp_path / "default").exists()
