"""Every citation carries the same parts in the same order, in every output (issue 13,
item 1; issue 12, item 2): title, publisher, published date, pages, section, where to
find it (URL, or the path inside the folder it was added from) and licence."""

from __future__ import annotations

import json

import pytest

from assistant import cli
from assistant.citations import readable_source, where_label
from assistant.excerpts import from_answer, to_markdown
from assistant.service import Assistant
from index.embedder import FakeEmbedder

GUIDE = """# Partnership guidance for mutuals

## Risks of partnerships for mutuals

The main risks of partnerships for mutuals are loss of independence and unclear liability.
A weak partner can damage the reputation of every mutual in the consortium.
"""

NOTES = """# Board notes

## Risks of partnerships for mutuals

Board members said the main risks of partnerships for mutuals were unclear liability and
slow decisions between partners.
"""

MANIFEST = """
[[document]]
file = "guide.md"
title = "Partnership guidance for mutuals"
url = "https://www.gov.uk/guidance/partnership-guidance-for-mutuals"
publisher = "Department for Culture, Media and Sport"
published = "2019-03-04"
licence = "Open Government Licence v3.0"
"""


@pytest.fixture
def index(tmp_path, monkeypatch):
    import index.builder

    bundled = tmp_path / "bundled"
    bundled.mkdir()
    (bundled / "guide.md").write_text(GUIDE, encoding="utf-8")
    (bundled / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    added = tmp_path / "board" / "2024"
    added.mkdir(parents=True)
    (added / "notes.md").write_text(NOTES, encoding="utf-8")
    monkeypatch.setattr(index.builder, "BUNDLED_DIR", bundled)
    import corpus.manifest
    monkeypatch.setattr(corpus.manifest, "BUNDLED_DIR", bundled)
    a = Assistant.open(tmp_path / "index", embedder=FakeEmbedder())
    a.index([tmp_path / "board"])
    monkeypatch.setattr(cli, "_open",
                        lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    return a, tmp_path


def test_local_files_are_named_inside_the_folder_they_were_added_from():
    assert readable_source("/srv/guidance/2024/notes.md", ["/srv/guidance"]) == (
        "guidance/2024/notes.md")
    assert readable_source("/srv/a.pdf", ["/srv/a.pdf"]) == "a.pdf"
    assert readable_source("/elsewhere/x.md", ["/srv"]) == "/elsewhere/x.md"
    assert readable_source("https://www.gov.uk/x", ["/srv"]) == "https://www.gov.uk/x"
    assert where_label("p. 3", ["2 Benefits"]) == "p. 3 · 2 Benefits"


def test_only_a_web_page_is_called_a_web_page():
    """A local Markdown file without pages or sections is named by its file name, not
    "web page" (issue 13, item 5)."""
    assert where_label("", [], "https://www.gov.uk/x", "/srv/govuk/x.md") == "web page"
    assert where_label("", [], None, "/srv/board/notes.md") == "notes.md"
    assert where_label("", ["Risks"], None, "/srv/board/notes.md") == "Risks"
    # Named inside the folder it was added from, two notes.md are told apart.
    assert where_label("", [], None, "board/notes.md") == "board/notes.md"
    assert where_label("", [], None, "staff/notes.md") == "staff/notes.md"


def test_plain_json_and_export_carry_every_part_in_one_order(index, capsys):
    a, root = index
    question = "What are the main risks of partnerships for mutuals?"
    assert cli.main(["ask", question, "--index-dir", str(root / "index")]) == 0
    out = capsys.readouterr().out
    # Plain output: the title beside its marker, then every part in the one order.
    lines = out.splitlines()
    start = next(i for i, line in enumerate(lines)
                 if line.endswith("] Partnership guidance for mutuals"))
    assert lines[start + 1:start + 6] == [
        "      Publisher: Department for Culture, Media and Sport",
        "      Published: 2019-03-04",
        "      Section:   Risks of partnerships for mutuals",
        "      Source:    https://www.gov.uk/guidance/partnership-guidance-for-mutuals",
        "      Licence:   Open Government Licence v3.0",
    ]
    assert str(root) not in out  # no absolute path anywhere

    assert cli.main(["ask", question, "--json", "--index-dir", str(root / "index")]) == 0
    data = json.loads(capsys.readouterr().out)
    guide = [c for c in data["citations"] if c["title"] == "Partnership guidance for mutuals"]
    assert guide, data["citations"]
    c = guide[0]
    assert c["publisher"] == "Department for Culture, Media and Sport"
    assert c["published"] == "2019-03-04" and c["licence"] == "Open Government Licence v3.0"
    assert c["url"] == c["source"] == "https://www.gov.uk/guidance/partnership-guidance-for-mutuals"
    notes = [p for p in data["passages"] if p["title"] == "Board notes"]
    assert notes and all(p["source"] == "board/2024/notes.md" for p in notes)
    assert str(root) not in json.dumps(data["citations"]) + json.dumps(data["passages"])

    md = to_markdown(from_answer(a.ask(question)))
    block = md[md.index("- Title: Partnership guidance for mutuals"):]
    order = ["- Title:", "- Publisher:", "- Published:", "- Section:", "- Source:",
             "- Licence:"]
    positions = [block.index(label) for label in order]
    assert positions == sorted(positions), block


def test_sources_lists_the_added_folders_and_what_the_last_run_could_not_use(
        index, capsys, tmp_path):
    a, root = index
    bad = root / "board" / "2024" / "minutes.docx"
    bad.write_bytes(b"not a supported type")
    a.index()
    assert cli.main(["sources", "--index-dir", str(root / "index")]) == 0
    out = capsys.readouterr().out
    assert "Board notes" in out
    assert f"  {root / 'board'}" in out  # the folder a maintainer added
    assert "Not indexed in the last run:" in out
    assert "minutes.docx: " in out

    # The same with --json (issue 13, item 11).
    assert cli.main(["sources", "--json", "--index-dir", str(root / "index")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert "Board notes" in {d["title"] for d in data["documents"]}
    assert data["sources"] == [str(root / "board")]
    (failed,) = data["failed"]
    assert failed["source"] == str(bad) and failed["reason"]
