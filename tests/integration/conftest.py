"""A small real corpus (PDF, HTML, Markdown, text) indexed once with the real model."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.corpus.pdfgen import make_report_pdf

REPORT_PAGES = [
    ("1 Introduction", [
        "This study examines how Public Service Mutuals form partnerships with charities, "
        "private firms and other mutuals in order to grow and diversify their services.",
        "Fieldwork ran from October to December and included forty interviews.",
    ]),
    ("2 Benefits of partnership", [
        "Partnership working let mutuals bid for contracts worth up to five times their "
        "annual turnover, which they could never have won on their own.",
        "## 2.1 Shared back office",
        "Pooling payroll, finance and IT support with a partner cut overheads by around "
        "twelve per cent for the smallest mutuals in the sample.",
    ]),
    ("3 Challenges", [
        "Partners from different sectors often held different views about risk, which "
        "slowed joint decisions and sometimes ended negotiations altogether.",
        "Lawyers' fees for drawing up consortium agreements were a heavy burden for "
        "mutuals with fewer than fifty staff.",
    ]),
    ("4 Recommendations", [
        "Commissioners should allow longer tender windows so that consortia have time "
        "to agree governance before they submit a joint bid.",
        "Government should fund a partnership brokerage service that introduces mutuals "
        "to suitable partners in their region.",
    ]),
]

GUIDANCE_HTML = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Choosing a legal form - GOV.UK</title></head>
<body>
<div id="global-cookie-message"><p>We use some essential cookies to make this service work.</p></div>
<a href="#main-content" class="govuk-skip-link">Skip to main content</a>
<header class="govuk-header"><p>GOV.UK navigation header</p></header>
<nav><ul><li>Departments</li><li>Worldwide</li></ul></nav>
<div class="govuk-breadcrumbs"><ol><li>Home</li><li>Business and industry</li></ol></div>
<main id="main-content">
<h1>Choosing a legal form for a mutual</h1>
<p>Most mutuals that spin out of the NHS choose to become a community interest company.</p>
<h2>Asset locks</h2>
<p>An asset lock stops the assets of a community interest company being sold off for private gain, which reassures commissioners.</p>
<h2>Staff ownership</h2>
<p>Employee ownership can be held directly by staff or through an employee benefit trust.</p>
</main>
<div class="gem-c-feedback"><p>Is this page useful? Report a problem with this page.</p></div>
<footer><p>All content is available under the Open Government Licence v3.0, except where otherwise stated. Crown copyright.</p></footer>
</body></html>
"""

NOTES_MD = """# Board away day notes

## Partnership pilot

The board agreed to join the regional partnership pilot programme starting in April.

## Budget

The finance committee will review the reserves policy before the pilot begins.
"""

MINUTES_TXT = "Minutes of the staff council\n\nThe staff council asked for a café-style drop-in session about the merger proposals.\n".encode("cp1252")


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("corpus")
    make_report_pdf(folder / "partnership-study.pdf", REPORT_PAGES, front_pages=1,
                    title="Mutual Partnerships Study")
    (folder / "legal-form.html").write_text(GUIDANCE_HTML, encoding="utf-8")
    (folder / "away-day.md").write_text(NOTES_MD, encoding="utf-8")
    (folder / "minutes.txt").write_bytes(MINUTES_TXT)
    return folder


@pytest.fixture(scope="session")
def built_index(tmp_path_factory: pytest.TempPathFactory, corpus_dir: Path, real_embedder) -> Path:
    """An index of the bundled corpus plus ``corpus_dir``, built once."""
    from assistant.service import Assistant

    index_dir = tmp_path_factory.mktemp("index")
    assistant = Assistant.open(index_dir, embedder=real_embedder)
    report = assistant.index([corpus_dir])
    assert report.failed == [], report.failed
    return index_dir


@pytest.fixture
def assistant(built_index: Path, real_embedder, tmp_path: Path):
    """An Assistant over a private copy of the built index."""
    from assistant.service import Assistant

    copy = tmp_path / "index"
    shutil.copytree(built_index, copy)
    return Assistant.open(copy, embedder=real_embedder)
