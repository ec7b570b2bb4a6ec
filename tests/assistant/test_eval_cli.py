"""``assistant eval FILE`` end to end: a gold file in, per-question and overall figures out."""

from __future__ import annotations

import json
import shutil

import pytest

from assistant import cli
from assistant.service import Assistant
from benchmarks.make_quality_corpus import QUALITY_DIR
from index.builder import build
from index.layout import IndexLayout

GOLD_YAML = """
questions:
  - question: What management fee does a lead provider usually charge?
    source: consortium-bidding-guidance.html
    evidence: In a lead provider model the lead organisation carries the contractual risk
      for the whole consortium, so it will usually charge the other partners a management
      fee of between 3 and 8 per cent.
  - question: What is the capital of France?
    unanswerable: true
"""

GOLD_CSV = (
    "question,source,page,evidence\n"
    "What help can the Mutuals Support Programme give for a consortium bid?,"
    "Forming a consortium to bid for public service contracts,,"
    '"The Mutuals Support Programme can pay for up to 10 days of legal or financial advice '
    'for mutuals preparing a consortium bid."\n'
    "How do I reset my password?,unanswerable,,\n"
)


@pytest.fixture(scope="module")
def index_dir(tmp_path_factory, real_embedder):
    root = tmp_path_factory.mktemp("eval")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(QUALITY_DIR / "consortium-bidding-guidance.html", docs)
    build(IndexLayout(root / "index"), real_embedder, sources=[docs])
    return root / "index"


@pytest.fixture
def with_real_model(monkeypatch, real_embedder):
    monkeypatch.setattr(cli, "_open", lambda args: Assistant.open(args.index_dir,
                                                                  embedder=real_embedder))


@pytest.mark.integration
def test_eval_yaml_prints_each_question_and_the_overall_figures(
        index_dir, tmp_path, capsys, with_real_model):
    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD_YAML, encoding="utf-8")
    assert cli.main(["eval", str(gold), "--index-dir", str(index_dir)]) == 0
    out = capsys.readouterr().out
    assert "[ok] What management fee does a lead provider usually charge?" in out
    assert "[ok: abstained] What is the capital of France?" in out
    assert "Recall@5 (gold passage in top 5):  100%" in out
    assert "False-answer rate (unanswerable):  0%" in out


@pytest.mark.integration
def test_eval_csv_json_gives_per_question_results_and_summary(
        index_dir, tmp_path, capsys, with_real_model):
    gold = tmp_path / "gold.csv"
    gold.write_text(GOLD_CSV, encoding="utf-8")
    assert cli.main(["eval", str(gold), "--index-dir", str(index_dir), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    first, second = data["questions"]
    assert first["answered"] and first["gold_rank"] == 1
    assert first["supported_sentences"] == first["sentences"] >= 1
    assert not second["answerable"] and not second["answered"]
    assert data["summary"]["answerable"] == 1 and data["summary"]["unanswerable"] == 1
    assert data["summary"]["citation_precision"] == 1.0


def test_a_bad_gold_file_is_reported_without_loading_the_model(tmp_path, capsys):
    gold = tmp_path / "gold.yaml"
    gold.write_text("questions:\n  - question: Why?\n", encoding="utf-8")
    assert cli.main(["eval", str(gold), "--index-dir", str(tmp_path / "none")]) == 2
    assert "give a source, or mark the question unanswerable" in capsys.readouterr().err
    missing = tmp_path / "missing.csv"
    assert cli.main(["eval", str(missing)]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.integration
def test_eval_calibrate_suggests_a_threshold_and_reports_at_it(
        index_dir, tmp_path, capsys, with_real_model):
    gold = tmp_path / "gold.yaml"
    gold.write_text(GOLD_YAML + """
  - question: Can one weak partner make a consortium bid fail?
    source: consortium-bidding-guidance.html
  - question: How do I reset my password?
    unanswerable: true
""", encoding="utf-8")
    args = ["eval", str(gold), "--index-dir", str(index_dir), "--calibrate", "--json"]
    assert cli.main(args) == 0
    data = json.loads(capsys.readouterr().out)
    cal, summary = data["calibration"], data["summary"]
    assert isinstance(cal["abstain_below"], float)
    # the figures are those at the suggested threshold
    assert cal["balanced_accuracy"] == pytest.approx(
        (summary["answered_rate"] + summary["abstained_rate"]) / 2)
    assert (cal["answerable"], cal["unanswerable"], cal["enough"]) == (2, 2, False)
    # Plain output says how many questions it used, warns, and names where to set it.
    assert cli.main(args[:-1]) == 0
    out = capsys.readouterr().out
    assert "(2 answerable and 2 unanswerable questions)" in out
    assert "Warning: fewer than 10 questions of each kind" in out
    assert "config.toml (or ASSISTANT_ABSTAIN_BELOW)" in out


def test_eval_calibrate_needs_both_kinds_of_question(tmp_path, capsys, fake_embedder):
    from assistant.config import Settings
    from assistant.evaluate import GoldQuestion, cli_eval

    assistant = Assistant(Settings(index_dir=tmp_path / "ix"), fake_embedder)
    assert cli_eval(assistant, [GoldQuestion("Why?", "a.pdf")], calibrate=True) == 2
    assert "both answerable and unanswerable" in capsys.readouterr().err
