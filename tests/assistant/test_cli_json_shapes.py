"""``assistant ask --json`` carries the answer's shape: a list answer's points, each with
a citation it really has; a catalogue-record answer's record."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.service import Assistant
from index.embedder import FakeEmbedder

GUIDE = """# Partnership guidance for mutuals

## Benefits of partnerships for mutuals

Partnerships give mutuals access to larger contracts and shared back-office services.
Partnerships for mutuals spread the cost of bidding across several partners.

## Risks of partnerships for mutuals

The main risks of partnerships for mutuals are loss of independence and unclear liability.
A weak partner can damage the reputation of every mutual in the consortium.
"""

URL = "https://www.gov.uk/guidance/partnership-guidance-for-mutuals"
MANIFEST = f"""
[[document]]
file = "guide.md"
title = "Partnership guidance for mutuals"
url = "{URL}"
published = "2019-03-04"
licence = "Open Government Licence v3.0"
"""


@pytest.fixture
def ask_json(tmp_path, monkeypatch, capsys):
    """Run ``assistant ask QUESTION --json`` in-process over a small fake-model index."""
    import index.builder

    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "guide.md").write_text(GUIDE, encoding="utf-8")
    (docs / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", docs)
    monkeypatch.setattr(cli, "_open",
                        lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    Assistant.open(tmp_path / "index", embedder=FakeEmbedder()).index()

    def run(question: str) -> dict:
        rc = cli.main(["ask", question, "--json", "--index-dir", str(tmp_path / "index")])
        out = capsys.readouterr()
        assert rc == 0, out.err
        return json.loads(out.out)

    return run


def test_a_list_answer_gives_its_points_each_with_an_existing_citation(ask_json):
    data = ask_json("What are the benefits of partnerships for mutuals?")
    assert data["shape"] == "list" and not data["abstained"], data["answer"]
    assert data["points"], data
    citations = {c["n"]: c for c in data["citations"]}
    flat_guide = " ".join(GUIDE.split())
    for point in data["points"]:
        assert point["citation"] in citations, point
        cited = citations[point["citation"]]
        # Each point is a verbatim sentence of the document, quoted by its citation.
        assert point["text"] in cited["quote"]
        assert " ".join(point["text"].split()) in flat_guide
        assert cited["section"].startswith("Benefits")
        assert f"{point['text']} [{point['citation']}]" in data["answer"]
    assert data["more"] >= 0


def test_a_question_about_the_document_gives_its_catalogue_record(ask_json):
    data = ask_json("When was Partnership guidance for mutuals published?")
    assert data["shape"] == "record" and not data["abstained"], data["answer"]
    (record,) = data["records"]
    assert (record["published"], record["url"]) == ("2019-03-04", URL)
    assert "points" not in data
    assert data["citations"] == []  # a record quotes nothing
