"""Follow-ups through ``Assistant.ask(history=...)`` and ``assistant ask --follow-up``."""

from __future__ import annotations

import json
import os

import pytest

from assistant import cli
from assistant.last_question import FILE_NAME, read_last_question, write_last_question
from assistant.service import Assistant
from index.embedder import FakeEmbedder

GUIDE = """# Partnership guidance for mutuals

## Benefits of partnerships for mutuals

Partnerships give mutuals access to larger contracts and shared back-office services.
Partnerships for mutuals spread the cost of bidding across several partners.

## Risks of partnerships for mutuals

The main risks of partnerships for mutuals are loss of independence and unclear liability.
A weak partner can damage the reputation of every mutual in the consortium.

## Advice for commissioners

Commissioners should publish procurement plans early so that mutuals can form partnerships.
"""

FIRST = "What are the benefits of partnerships for mutuals?"
RISKS = "What are the risks of partnerships for mutuals?"


@pytest.fixture
def index_dir(tmp_path, monkeypatch):
    import index.builder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)
    monkeypatch.setattr(cli, "_open",
                        lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    Assistant.open(tmp_path / "index", embedder=FakeEmbedder()).index()
    return tmp_path / "index"


@pytest.fixture
def ask(index_dir, capsys):
    """Run ``assistant ask ...`` in-process; returns (stdout, stderr)."""

    def run(*args: str) -> tuple[str, str]:
        rc = cli.main(["ask", *args, "--index-dir", str(index_dir)])
        out = capsys.readouterr()
        assert rc == 0, out.err
        return out.out, out.err

    return run


def test_ask_with_history_answers_the_resolved_question(index_dir):
    a = Assistant.open(index_dir, embedder=FakeEmbedder())
    follow = a.ask("And the risks?", history=[FIRST])
    direct = a.ask(RISKS)
    assert follow.question == "And the risks?"
    assert follow.resolved_question == RISKS
    assert follow.as_json()["resolved_question"] == RISKS
    assert follow.text == direct.text
    assert [c.chunk_id for c in follow.citations] == [c.chunk_id for c in direct.citations]


def test_ask_with_history_leaves_a_self_contained_question_alone(index_dir):
    a = Assistant.open(index_dir, embedder=FakeEmbedder())
    answer = a.ask("What should commissioners publish early?", history=[FIRST])
    assert answer.resolved_question is None
    assert "resolved_question" not in answer.as_json()
    assert answer.question == "What should commissioners publish early?"
    # without history nothing is ever resolved
    assert a.ask("And the risks?").resolved_question is None


def test_follow_up_on_the_command_line(ask, index_dir):
    out, _ = ask(FIRST)
    assert not out.startswith("Answering:")
    assert read_last_question(index_dir) == FIRST

    out, _ = ask("--follow-up", "And the risks?")
    assert out.splitlines()[0] == f"Answering: {RISKS}"
    assert read_last_question(index_dir) == RISKS  # follow-ups chain

    data = json.loads(ask("--follow-up", "What about commissioners?", "--json")[0])
    assert data["question"] == "What about commissioners?"
    assert data["resolved_question"] == (
        "What are the risks of partnerships for commissioners?")

    # a self-contained second question is answered as asked, even with --follow-up
    out, _ = ask("--follow-up", "How many staff does Riverside employ?")
    assert "Answering" not in out
    data = json.loads(ask("--follow-up", "What should commissioners publish?", "--json")[0])
    assert data["question"] == "What should commissioners publish?"
    assert "resolved_question" not in data
    assert read_last_question(index_dir) == "What should commissioners publish?"


def test_without_follow_up_a_short_question_is_taken_as_asked(ask):
    ask(FIRST)
    data = json.loads(ask("And the risks?", "--json")[0])
    assert "resolved_question" not in data


def test_follow_up_with_no_earlier_question_says_so_and_answers_as_asked(ask):
    out, err = ask("--follow-up", "And the risks?")
    assert "no earlier question" in err
    assert "Answering" not in out


def test_a_batch_is_its_own_conversation(ask, index_dir, tmp_path):
    ask("What should commissioners do?")
    batch = tmp_path / "questions.txt"
    batch.write_text(f"{FIRST}\nAnd the risks?\nWhat should commissioners publish?\n",
                     encoding="utf-8")
    out, _ = ask("--questions", str(batch), "--follow-up", "--json")
    answers = [json.loads(line) for line in out.splitlines()]
    assert [a.get("resolved_question") for a in answers] == [None, RISKS, None]
    # the index's last question is the one asked before the batch
    assert read_last_question(index_dir) == "What should commissioners do?"
    # without --follow-up, no line of a batch is rewritten
    out, _ = ask("--questions", str(batch), "--json")
    assert all("resolved_question" not in json.loads(line) for line in out.splitlines())


def test_the_last_question_file_is_replaced_whole(tmp_path):
    write_last_question(tmp_path, "What are the benefits?")
    write_last_question(tmp_path, "What are the  risks?")
    assert read_last_question(tmp_path) == "What are the risks?"
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]  # no temporaries left
    (tmp_path / FILE_NAME).write_text("{not json", encoding="utf-8")
    assert read_last_question(tmp_path) is None


def test_an_index_folder_that_cannot_be_written_still_answers(ask, index_dir, monkeypatch):
    import errno

    import assistant.last_question

    ask(FIRST)

    def read_only(root, question):  # noqa: ANN001, ANN202
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr(assistant.last_question, "write_last_question", read_only)
    out, err = ask("--follow-up", "And the risks?")
    assert out.splitlines()[0] == f"Answering: {RISKS}"
    assert "cannot remember this question" in err
    assert read_last_question(index_dir) == FIRST
    _, err = ask("What should commissioners do?")
    assert err == ""  # only those who follow up are told


def test_a_write_that_fails_before_the_rename_keeps_the_old_question(tmp_path, monkeypatch):
    write_last_question(tmp_path, "What are the benefits?")

    def crash(src, dst):  # noqa: ANN001, ANN202
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(OSError):
        write_last_question(tmp_path, "What are the risks?")
    assert read_last_question(tmp_path) == "What are the benefits?"
    assert sorted(p.name for p in tmp_path.iterdir()) == [FILE_NAME]
