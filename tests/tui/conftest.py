"""A small real index (real model, real FAISS, a generated PDF and a Markdown file),
built once per session and copied for each app test."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.corpus.pdfgen import make_report_pdf

REPORT_URL = "https://www.gov.uk/government/publications/partnerships-for-better-public-services"
LICENCE = "Open Government Licence v3.0"
MANIFEST = f"""
[[document]]
file = "report.pdf"
title = "Partnerships for Better Public Services"
url = "{REPORT_URL}"
published = "2018-05-29"
licence = "{LICENCE}"
"""
#: Document text that looks like Textual/Rich markup: it must be shown as typed.
MARKUP_TEXT = "[bold red]X[/]"
NOTES = f"""# Adviser notes on procurement

Commissioners describe the procurement of joint bids as {MARKUP_TEXT} in their own words,
and one wrote [link=https://example.org]see here[/link] in the margin of the draft.

## Consortium governance

A consortium of mutuals needs a clear lead partner and an agreed way to share risk.
"""


@dataclass
class TemplateIndex:
    docs: Path
    index: Path


@pytest.fixture(scope="session")
def template_index(tmp_path_factory, real_embedder) -> TemplateIndex:
    """The documents folder (standing in for the bundled corpus) and its built index."""
    import index.builder
    from assistant.service import Assistant

    root = tmp_path_factory.mktemp("tui-corpus")
    docs = root / "docs"
    docs.mkdir()
    make_report_pdf(docs / "report.pdf")
    (docs / "notes.md").write_text(NOTES, encoding="utf-8")
    (docs / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(index.builder, "BUNDLED_DIR", docs)
        assistant = Assistant.open(root / "index", embedder=real_embedder)
        report = assistant.index()
    assert not report.failed, report.failed
    return TemplateIndex(docs, root / "index")


@pytest.fixture
def assistant(tmp_path, template_index, real_embedder, monkeypatch):
    """An Assistant over a private copy of the small index (tests may reindex it)."""
    import index.builder
    from assistant.service import Assistant

    monkeypatch.setattr(index.builder, "BUNDLED_DIR", template_index.docs)
    target = tmp_path / "index"
    shutil.copytree(template_index.index, target)
    return Assistant.open(target, embedder=real_embedder)


@pytest.fixture
def docs_dir(template_index) -> Path:
    return template_index.docs
