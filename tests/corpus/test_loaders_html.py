"""HTML loading: main content only, with headings, lists and tables."""

from __future__ import annotations

import pytest

from corpus.errors import UnreadableDocument
from corpus.loaders import load

GOVUK_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Partnerships for Better Public Services - GOV.UK</title>
  <meta name="govuk:first-published-at" content="2018-05-29T09:30:00.000+01:00">
  <meta name="govuk:public-updated-at" content="2018-06-01T10:00:00.000+01:00">
  <meta name="govuk:primary-publishing-organisation"
    content="Department for Digital, Culture, Media &amp; Sport">
  <link rel="canonical"
    href="https://www.gov.uk/government/publications/partnerships-for-better-public-services">
  <style>.x { color: red }</style>
  <script>var tracking = "SCRIPT-SECRET";</script>
</head>
<body class="govuk-template__body">
  <div id="global-cookie-message" class="gem-c-cookie-banner">
    <p>Cookies on GOV.UK. We use some essential cookies.</p>
  </div>
  <a href="#main-content" class="govuk-skip-link">Skip to main content</a>
  <header class="govuk-header" role="banner"><a>GOV.UK header link</a></header>
  <nav class="site-navigation"><a href="/">Topics menu</a></nav>
  <div class="govuk-width-container">
    <div class="govuk-breadcrumbs"><ol><li>Home</li><li>Business and industry</li></ol></div>
    <main class="govuk-main-wrapper" id="main-content" role="main">
      <h1 class="gem-c-title__text">Partnerships for Better Public Services</h1>
      <p class="intro">Research into how
         Public Service Mutuals   work with partners.</p>
      <aside class="related"><h2>Related content</h2><p>Sidebar link text</p></aside>
      <h2 id="benefits">Benefits of partnership</h2>
      <p>Mutuals reported <strong>greater reach</strong> and the ability to bid for
         larger contracts.<br>They also shared back&nbsp;office costs.</p>
      <ul>
        <li>Shared resources</li>
        <li>Access to <a href="/x">new markets</a>
          <ul><li>Health services</li></ul>
        </li>
      </ul>
      <h3>Survey results</h3>
      <table>
        <caption>Table 1: Responses</caption>
        <tr><th>Benefit</th><th>Share</th></tr>
        <tr><td>Reach</td><td>64%</td></tr>
        <tr><td>Cost</td><td>41%</td></tr>
      </table>
      <div hidden><p>Hidden paragraph text</p></div>
      <p aria-hidden="true">Aria hidden text</p>
      <h2>Challenges</h2>
      <div><p>Building trust takes time.</p><div>Nested div text.</div></div>
      <form><label>Search this site</label><input name="q"></form>
      <div class="gem-c-feedback"><p>Is this page useful?</p><button>Yes</button></div>
    </main>
  </div>
  <footer class="govuk-footer">
    <p>All content is available under the
       <a href="https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
          >Open Government Licence v3.0</a></p>
    <p>Crown copyright footer</p>
  </footer>
</body>
</html>
"""

NOISE = [
    "Cookies on GOV.UK",
    "Skip to main content",
    "GOV.UK header link",
    "Topics menu",
    "Business and industry",
    "Home",
    "Sidebar link text",
    "Related content",
    "Hidden paragraph text",
    "Aria hidden text",
    "Search this site",
    "Is this page useful",
    "Crown copyright footer",
    "SCRIPT-SECRET",
    "color: red",
]


@pytest.fixture(scope="module")
def page(tmp_path_factory):
    path = tmp_path_factory.mktemp("html") / "partnerships.html"
    path.write_text(GOVUK_PAGE, encoding="utf-8")
    return load(path)


def test_navigation_banners_breadcrumbs_feedback_and_footer_are_dropped(page):
    for noise in NOISE:
        assert noise not in page.text, noise


def test_main_paragraphs_are_kept_with_whitespace_normalised(page):
    assert "Research into how Public Service Mutuals work with partners." in page.text
    assert (
        "Mutuals reported greater reach and the ability to bid for larger contracts." in page.text
    )
    assert "They also shared back office costs." in page.text
    assert "Building trust takes time.\n\nNested div text." in page.text


def test_paragraphs_are_separated_by_blank_lines(page):
    assert "Partnerships for Better Public Services\n\nResearch into how" in page.text


def test_headings_with_levels_and_offsets(page):
    assert [(h.level, h.title) for h in page.headings] == [
        (1, "Partnerships for Better Public Services"),
        (2, "Benefits of partnership"),
        (3, "Survey results"),
        (4, "Table 1: Responses"),  # a caption: its section ends with its table
        (2, "Challenges"),
    ]
    for heading in page.headings:
        assert page.text[heading.offset :].startswith(heading.title)


def test_lists_become_bullet_lines(page):
    assert "• Shared resources\n• Access to new markets\n• Health services" in page.text


def test_tables_become_rows_that_name_their_columns(page):
    assert "Table 1: Responses\nReach: Share 64%\nCost: Share 41%" in page.text
    (table,) = page.tables
    assert table.caption == "Table 1: Responses"
    assert [page.text[r.start:r.end] for r in table.rows] == ["Reach: Share 64%",
                                                            "Cost: Share 41%"]


def test_single_page_and_metadata(page):
    assert page.kind == "html"
    assert [p.number for p in page.pages] == [1]
    assert page.title == "Partnerships for Better Public Services"
    assert page.published == "2018-05-29"
    assert page.updated == "2018-06-01"
    assert page.publisher == "Department for Digital, Culture, Media & Sport"
    assert page.licence == "Open Government Licence v3.0"
    assert (
        page.url
        == "https://www.gov.uk/government/publications/partnerships-for-better-public-services"
    )


def test_title_falls_back_to_title_tag_without_govuk_suffix(tmp_path):
    path = tmp_path / "no-h1.htm"
    path.write_text(
        "<html><head><title>Mutuals guidance - GOV.UK</title></head>"
        "<body><article><h2>Scope</h2><p>Some text.</p></article></body></html>",
        encoding="utf-8",
    )
    doc = load(path)
    assert doc.title == "Mutuals guidance"
    assert doc.text == "Scope\n\nSome text."


def test_body_is_used_when_there_is_no_main(tmp_path):
    path = tmp_path / "plain.html"
    path.write_text(
        "<html><body><nav>Menu</nav><p>Only body text.</p><footer>Foot</footer></body></html>",
        encoding="utf-8",
    )
    assert load(path).text == "Only body text."


def test_declared_charset_is_honoured(tmp_path):
    path = tmp_path / "latin.html"
    html = '<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    html += "</head><body><p>Caf\u00e9 \u2013 na\u00efve \u201cquotes\u201d</p></body></html>"
    path.write_bytes(html.encode("cp1252"))
    assert load(path).text == "Café – naïve “quotes”"


def test_undeclared_non_utf8_html_is_decoded(tmp_path):
    path = tmp_path / "nodecl.html"
    path.write_bytes("<p>Caf\u00e9 \u2013 na\u00efve</p>".encode("cp1252"))
    assert load(path).text == "Café – naïve"


def test_page_with_no_content(tmp_path):
    path = tmp_path / "empty-main.html"
    path.write_text("<html><body><nav>Only navigation</nav></body></html>", encoding="utf-8")
    with pytest.raises(UnreadableDocument, match="no readable text"):
        load(path)


def test_markup_and_escapes_in_html_text(tmp_path):
    path = tmp_path / "markup.html"
    path.write_text("<p>[bold red]X[/] \x1b[31mred\x1b[0m &lt;b&gt;</p>", encoding="utf-8")
    assert load(path).text == "[bold red]X[/] red <b>"


def test_deeply_nested_html_does_not_blow_the_stack(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<div>" * 5000 + "<p>Deep text.</p>" + "</div>" * 5000, encoding="utf-8")
    assert "Deep text." in load(path).text
