"""Every setting is checked when loaded (issue 11, item 17).

A bad value is one line naming the setting, where it came from and what is allowed;
``--json`` commands and the app never start with a value that silently breaks answers.
"""

from __future__ import annotations

import math

import pytest

from assistant import cli
from assistant.config import ConfigError, Settings


@pytest.mark.parametrize(("var", "value", "allowed"), [
    ("TOP_K", "0", "whole number from 1"),
    ("TOP_K", "-1", "whole number from 1"),
    ("TOP_K", "7.9", "whole number"),
    ("ABSTAIN_BELOW", "nan", "number from -1 to 1"),
    ("ABSTAIN_BELOW", "inf", "number from -1 to 1"),
    ("ANSWER_SENTENCES", "0", "whole number from 1"),
    ("MAX_FILE_MB", "inf", "number from"),
    ("MAX_FILE_MB", "0", "number from"),
    ("FUSION", "bogus", "'zscore' or 'rrf'"),
    ("ENCODER", "gpu", "'auto' or 'onnx' or 'sentence-transformers'"),
    ("RRF_K", "-1", "whole number from 0"),
    ("BFLOAT16", "maybe", "true or false"),
    ("FEEDBACK_WEIGHT", "1.5", "number from 0 to 1"),
    ("GOVUK_API", "ftp://example.org", "http"),
])
def test_a_bad_environment_value_names_the_variable_and_what_is_allowed(
    monkeypatch, var, value, allowed
):
    monkeypatch.setenv(f"ASSISTANT_{var}", value)
    with pytest.raises(ConfigError) as exc:
        Settings.load()
    message = str(exc.value)
    assert f"ASSISTANT_{var}" in message and allowed in message
    assert "\n" not in message


@pytest.mark.parametrize(("line", "allowed"), [
    ("top_k = 7.9", "whole number"),
    ('model = ["x"]', "model name"),
    ('top_k = "5"', "whole number"),  # a TOML string is not a number... unless it parses
    ("top_k = true", "whole number"),
    ('fusion = ["rrf"]', "'zscore' or 'rrf'"),
    ("abstain_below = nan", "number from -1 to 1"),
    ("chunk_overlap = 300", "less than chunk_tokens"),
    ('sync_sources = [1, 2]', "list of URLs"),
])
def test_a_bad_config_file_value_is_refused_not_coerced(tmp_path, line, allowed):
    cfg = tmp_path / "config.toml"
    cfg.write_text(line + "\n", encoding="utf-8")
    if line == 'top_k = "5"':  # strings are parsed (the environment gives only strings)
        assert Settings.load(cfg).top_k == 5
        return
    with pytest.raises(ConfigError) as exc:
        Settings.load(cfg)
    assert allowed in str(exc.value)


def test_good_values_still_load(tmp_path, monkeypatch):
    cfg = tmp_path / "config.toml"
    cfg.write_text('top_k = 8\nmax_file_mb = 100\nbfloat16 = false\nfusion = "rrf"\n'
                   'sync_sources = ["https://www.gov.uk/a", "https://www.gov.uk/b"]\n',
                   encoding="utf-8")
    monkeypatch.setenv("ASSISTANT_ABSTAIN_BELOW", "0.2")
    monkeypatch.setenv("ASSISTANT_BFLOAT16", "yes")
    s = Settings.load(cfg)
    assert (s.top_k, s.max_file_mb, s.bfloat16, s.fusion) == (8, 100.0, True, "rrf")
    assert math.isclose(s.abstain_below, 0.2)
    assert s.sync_sources == ("https://www.gov.uk/a", "https://www.gov.uk/b")


def test_the_cli_prints_one_line_and_exits_1(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ASSISTANT_TOP_K", "0")
    rc = cli.main(["ask", "What are the benefits?", "--index-dir", str(tmp_path / "ix")])
    err = capsys.readouterr().err
    assert rc == 1
    assert err.strip().splitlines() == [
        "error: setting ASSISTANT_TOP_K: '0' is not allowed; use a whole number from 1 to 1000"]


def test_an_unknown_assistant_variable_is_warned_about_on_one_line(monkeypatch, tmp_path,
                                                                     capsys):
    monkeypatch.setenv("ASSISTANT_TOPK", "8")
    rc = cli.main(["sources", "--index-dir", str(tmp_path / "ix")])
    captured = capsys.readouterr()
    assert rc == 0
    warnings = [line for line in captured.err.splitlines() if "ASSISTANT_TOPK" in line]
    assert warnings == [
        "warning: unknown environment variable(s) ignored: ASSISTANT_TOPK "
        "(did you mean ASSISTANT_TOP_K?)"]


def test_variables_read_elsewhere_are_not_warned_about(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("ASSISTANT_DEBUG", "")
    monkeypatch.setenv("ASSISTANT_ENCODER_CACHE", str(tmp_path / "enc"))
    assert cli.main(["sources", "--index-dir", str(tmp_path / "ix")]) == 0
    assert "warning" not in capsys.readouterr().err
