"""``assistant sync`` against a hostile or faulty GOV.UK (issue 11, items 2-11).

The same loopback Content API as ``test_sync.py``, made to misbehave: escape sequences
in URLs, attachments on other hosts and redirects to them, unreachable and trickling
downloads, malformed JSON, awkward titles, colliding file names, legacy attachment
HTML, a sync killed half-way and a second sync at the same time.
"""

from __future__ import annotations

import copy
import fcntl
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from assistant.govuk_http import FetchError, HostPolicy
from assistant.service import Assistant
from assistant.sync_state import manifest_toml, write_manifest
from corpus.manifest import read_manifest
from index.embedder import FakeEmbedder
from tests.assistant.test_sync import (
    DCMS,
    GUIDANCE,
    REPORT,
    SUMMARY,
    _json,
    _names,
    _publication,
    _top,
    make_run,
    serve,
)
from tests.corpus.pdfgen import make_report_pdf

ROOT = Path(__file__).resolve().parents[2]
PDF_NAME = "partnerships-for-better-public-services--partnerships-report.pdf"
PAGE_NAME = "partnerships-for-better-public-services.html"


@pytest.fixture
def govuk(tmp_path: Path):
    with serve(tmp_path) as site:
        yield site


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, govuk):
    return make_run(tmp_path, monkeypatch, capsys, govuk)


def _pdf(tmp_path: Path, name: str, sentence: str) -> bytes:
    return make_report_pdf(tmp_path / name, [("1 Findings", [sentence])],
                           outline=False).read_bytes()


def _with_attachments(port: int, attachments: list[dict], **extra) -> dict:
    pub = copy.deepcopy(_publication(port, "2018-05-29T09:30:00.000+01:00"))
    pub["details"]["attachments"] = attachments
    pub.update(extra)
    return pub


def _file(url: str, title: str = "A file") -> dict:
    return {"attachment_type": "file", "title": title, "content_type": "application/pdf",
            "url": url}


def _manifest_covers_every_file(folder: Path) -> set[str]:
    """Every live synced file has a manifest entry; returns the entries."""
    entries = set(read_manifest(folder))
    live = {p.name for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")
            and p.name != "manifest.toml"}
    assert live <= entries, live - entries
    return entries


# -- 2: server strings reach the terminal only as visible escapes --------------------------

def test_plain_output_shows_urls_and_reasons_from_the_api_literally(run, govuk):
    evil_ext = "https://example.com/\x1b]0;owned\x07report"
    evil_file = f"http://127.0.0.1:{govuk.port}/media/\x1b[2J\x1b]52;c;aGk=\x07.pdf"
    govuk.set_json(REPORT, _with_attachments(govuk.port, [
        {"attachment_type": "external", "title": "Elsewhere", "url": evil_ext},
        _file(evil_file)]))
    page_arg = "https://www.gov.uk/\x1b]8;;https://evil.example/\x07click"

    rc, out, err = run(f"https://www.gov.uk{REPORT}", page_arg)

    assert rc == 0
    assert "\x1b" not in out + err and "\x07" not in out + err
    assert "\\x1b]0;owned\\x07report" in out  # shown, as visible escapes
    assert "\\x1b[2J\\x1b]52;c;aGk=\\x07.pdf" in out
    assert "\\x1b]8;;https://evil.example/\\x07click" in out
    (run.folder / ".sync-state.json").unlink()  # as if new: the failures are reported again
    report = _json(run(f"https://www.gov.uk{REPORT}", page_arg, "--json"))
    assert evil_ext in [f["source"] for f in report["failed"]]  # --json stays exact


# -- 3: downloads stay on GOV.UK -----------------------------------------------------------

@pytest.mark.parametrize(("api", "url", "allowed"), [
    ("https://www.gov.uk/api/content", "https://assets.publishing.service.gov.uk/m/a.pdf", True),
    ("https://www.gov.uk/api/content", "https://www.gov.uk/government/x.pdf", True),
    ("https://www.gov.uk/api/content", "http://assets.publishing.service.gov.uk/m/a.pdf", False),
    ("https://www.gov.uk/api/content", "https://assets.publishing.service.gov.uk:8443/a", False),
    ("https://www.gov.uk/api/content", "https://evil.example/a.pdf", False),
    ("https://www.gov.uk/api/content", "https://www.gov.uk.evil.example/a.pdf", False),
    ("https://www.gov.uk/api/content", "https://user@www.gov.uk/a.pdf", False),
    ("https://www.gov.uk/api/content", "ftp://www.gov.uk/a.pdf", False),
    ("https://www.gov.uk/api/content", "file:///etc/passwd", False),
    ("https://www.gov.uk/api/content", "https://www.gov.uk/a b.pdf", False),
    ("http://127.0.0.1:8080/api", "http://127.0.0.1:8080/media/a.pdf", True),
    ("http://127.0.0.1:8080/api", "http://127.0.0.1:8081/media/a.pdf", False),
    ("http://127.0.0.1:8080/api", "http://localhost:8080/media/a.pdf", False),
    ("http://mirror.example/api", "http://mirror.example/media/a.pdf", False),  # not loopback
    ("https://mirror.example/api", "https://mirror.example/media/a.pdf", True),
])
def test_host_policy(api, url, allowed):
    if allowed:
        HostPolicy(api).check(url)
    else:
        with pytest.raises(FetchError):
            HostPolicy(api).check(url)


def test_attachments_and_redirects_off_govuk_are_refused(run, govuk, tmp_path):
    (tmp_path / "other").mkdir()
    with serve(tmp_path / "other", publish=False) as other:
        other.set_bytes("/media/x/foreign.pdf", _pdf(tmp_path, "foreign.pdf",
                        "Foreign text says the moon is made of green cheese."))
        foreign = f"http://127.0.0.1:{other.port}/media/x/foreign.pdf"
        govuk.redirects["/media/moved/away.pdf"] = foreign
        govuk.redirects["/media/moved/here.pdf"] = "/media/5b0d/partnerships-report.pdf"
        base = f"http://127.0.0.1:{govuk.port}"
        govuk.set_json(REPORT, _with_attachments(govuk.port, [
            _file(foreign, "Foreign"), _file(f"{base}/media/moved/away.pdf", "Redirected"),
            _file(f"{base}/media/moved/here.pdf", "Moved on the same host")]))

        report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

        assert other.log == []  # nothing was requested from the other host
    reasons = {f["source"].rsplit("/", 1)[-1]: f["reason"] for f in report["failed"]}
    assert set(reasons) == {"foreign.pdf", "away.pdf"}
    assert all("not a GOV.UK host" in r for r in reasons.values())
    assert _names(report["downloaded"]) == [
        "partnerships-for-better-public-services--here.pdf", PAGE_NAME]
    hit = _top(run.index_dir, "moon green cheese")
    assert "cheese" not in hit.text


# -- 4: an unreachable attachment is that attachment's failure ------------------------------

def test_an_unreachable_attachment_fails_alone_and_later_pages_are_fetched(run, govuk):
    govuk.drop.add("/media/5b0d/partnerships-report.pdf")
    pub = _publication(govuk.port, "2018-05-29T09:30:00.000+01:00")
    pub["details"]["attachments"].append(
        _file(f"http://127.0.0.1:{govuk.port}/media/5b0f/annex with spaces.pdf", "Annex"))
    govuk.set_json(REPORT, pub)
    assert not run.folder.exists()

    rc, out, err = run(f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}")

    assert rc == 0 and err == "" and "offline" not in out
    assert "Synced 2 pages" in out
    failed = [line for line in out.splitlines() if line.startswith("  failed")]
    assert any("partnerships-report.pdf: connection to 127.0.0.1" in f for f in failed)
    assert any("annex with spaces.pdf: not a valid URL" in f for f in failed)
    entries = _manifest_covers_every_file(run.folder)
    assert {PAGE_NAME, "spinning-out-a-public-service-mutual.html",
            "partnerships-for-better-public-services--executive-summary.html"} <= entries
    assert "fourteen days" in _top(run.index_dir, "staff ballots Devon spin-out").text


def test_a_failed_download_keeps_the_copy_from_the_last_sync(run, govuk):
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    before = (run.folder / PDF_NAME).read_bytes()
    govuk.publish(updated="2019-01-10T10:00:00.000+00:00",
                  pdf=[("1 Findings", ["A new edition about Wessex."])])
    govuk.drop.add("/media/5b0d/partnerships-report.pdf")

    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    assert PDF_NAME not in _names(report["removed"])
    assert "partnerships-report.pdf" in " ".join(f["source"] for f in report["failed"])
    assert (run.folder / PDF_NAME).read_bytes() == before
    assert PDF_NAME in _manifest_covers_every_file(run.folder)
    assert "forty thousand" in _top(run.index_dir, "Northumbria payroll associations").text

    govuk.drop.clear()
    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    assert _names(report["downloaded"]) == [PDF_NAME]
    assert "Wessex" in _top(run.index_dir, "new edition Wessex").text


# -- 5: malformed JSON is that page's failure ------------------------------------------------

BAD = "/government/publications/malformed"


def _bad(port: int, **changes) -> dict | list:
    item = copy.deepcopy(_publication(port, "2018-05-29T09:30:00.000+01:00"))
    item["base_path"] = BAD
    for key, value in changes.items():
        target = item
        *path, last = key.split("__")
        for part in path:
            target = target[part]
        target[last] = value
    return item


@pytest.mark.parametrize(("changes", "reason"), [
    ({"details": ["oops"]}, "details is list, not an object"),
    ({"base_path": 12345}, "base_path is int, not str"),
    ({"base_path": "/../../etc/passwd"}, "base_path is not a GOV.UK path"),
    ({"links": ["x"]}, "links is list, not an object"),
    ({"links__organisations": "Cabinet Office"}, "links.organisations is str, not list"),
    ({"title": {"en": "A title"}}, "title is dict, not str"),
    ({"details__body": ["<p>x</p>"]}, "details.body is list, not str"),
    ({"details__attachments": "none"}, "details.attachments is str, not list"),
    ({"details__attachments": [42]}, "details.attachments[0] is int, not an object"),
    ({"details__attachments": [{"attachment_type": "file", "url": 123}]},
     "details.attachments[0].url is int, not str"),
    ({"details__attachments": [], "details__documents": [{"html": 1}]},
     "details.documents[0] is dict, not a string"),
])
def test_a_malformed_item_is_that_pages_failure(run, govuk, changes, reason):
    govuk.set_json(BAD, _bad(govuk.port, **changes))

    rc, out, err = run(f"https://www.gov.uk{BAD}", f"https://www.gov.uk{GUIDANCE}", "--json")

    assert rc == 0, err
    report = json.loads(out)
    assert report["pages"] == [f"https://www.gov.uk{GUIDANCE}"]
    [failed] = report["failed"]
    assert failed["source"] == f"https://www.gov.uk{BAD}"
    assert "malformed item" in failed["reason"] and reason in failed["reason"]
    assert _manifest_covers_every_file(run.folder) == {
        "spinning-out-a-public-service-mutual.html"}


def test_a_malformed_item_is_one_line_in_plain_output(run, govuk):
    govuk.set_json(BAD, _bad(govuk.port, details=["oops"]))
    rc, out, err = run(f"https://www.gov.uk{BAD}")
    assert rc == 1 and err == ""
    assert out.splitlines() == [
        f"  failed https://www.gov.uk{BAD}: the Content API sent a malformed item for "
        f"http://127.0.0.1:{govuk.port}/api/content{BAD}: details is list, not an object"]
    assert not run.folder.exists() or _manifest_covers_every_file(run.folder) == set()


# -- 6: manifest.toml is written by a TOML writer ---------------------------------------------

AWKWARD = ['Mutuals 🤝 partnerships — "the report"', "two\nlines\tand a tab",
           "C:\\reports\\new", "it's ''' quoted \"\"\" ", "\x1b]0;title\x07", "ends with \\"]


def test_manifest_round_trips_awkward_titles(tmp_path):
    files = {f"doc-{i}.html": {"meta": {"title": t, "url": f"https://www.gov.uk/x/{i}",
                                        "publisher": t, "licence": "OGL"}}
             for i, t in enumerate(AWKWARD)}
    write_manifest(tmp_path, files)
    read = read_manifest(tmp_path)
    assert {n: (m.title, m.publisher, m.url) for n, m in read.items()} == {
        n: (f["meta"]["title"], f["meta"]["title"], f["meta"]["url"]) for n, f in files.items()}
    assert manifest_toml(files).startswith("# Written by `assistant sync`")


def test_a_title_with_an_emoji_keeps_every_documents_metadata(run, govuk):
    pub = _publication(govuk.port, "2018-05-29T09:30:00.000+01:00")
    pub["title"] = "Partnerships 🤝 for \"Better\" Public Services\\"
    govuk.set_json(REPORT, pub)

    _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    manifest = read_manifest(run.folder)
    assert manifest[PAGE_NAME].title == pub["title"]
    sources = Assistant.open(run.index_dir, embedder=FakeEmbedder()).sources()
    page = next(d for d in sources if d.title == pub["title"])
    assert page.url == f"https://www.gov.uk{REPORT}"
    pdf = next(d for d in sources if d.title == "Partnerships report (PDF)")
    assert pdf.licence.startswith("Open Government Licence") and pdf.publisher == DCMS["title"]


# -- 7: kill -9 mid-sync keeps the finished pages with their manifest entries -----------------

def test_kill_during_a_multi_page_sync_keeps_the_first_page_with_its_manifest(
    govuk, tmp_path, monkeypatch
):
    monkeypatch.setenv("ASSISTANT_GOVUK_API", f"http://127.0.0.1:{govuk.port}/api/content")
    govuk.hold[f"/api/content{GUIDANCE}"] = threading.Event()
    index_dir = tmp_path / "data" / "index"
    folder = tmp_path / "data" / "govuk"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.index.driver", "--", "sync",
         f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}",
         "--index-dir", str(index_dir)],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert govuk.reached.wait(60), proc.stderr.read().decode() if proc.poll() else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        govuk.hold[f"/api/content{GUIDANCE}"].set()

    entries = _manifest_covers_every_file(folder)
    assert {PAGE_NAME, PDF_NAME,
            "partnerships-for-better-public-services--executive-summary.html"} <= entries
    assert read_manifest(folder)[PDF_NAME].url.endswith("/media/5b0d/partnerships-report.pdf")
    state = json.loads((folder / ".sync-state.json").read_text(encoding="utf-8"))
    assert f"http://127.0.0.1:{govuk.port}/api/content{REPORT}" in state["pages"]

    # The next sync finishes the job and downloads only what the killed one had not.
    del govuk.hold[f"/api/content{GUIDANCE}"]
    govuk.log.clear()
    from assistant import cli
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder()))
    assert cli.main(["sync", f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}",
                     "--index-dir", str(index_dir), "--json"]) == 0
    assert set(govuk.downloads()) == {f"/api/content{GUIDANCE}"}
    assert "fourteen days" in _top(index_dir, "staff ballots Devon spin-out").text


# -- 8: two attachments whose names slug alike get a file each ------------------------------

def test_attachments_with_the_same_file_name_are_both_kept_under_stable_names(
    run, govuk, tmp_path
):
    govuk.set_bytes("/media/a/report.pdf", _pdf(tmp_path, "a.pdf",
                    "The Kendal mutual runs the libraries with volunteers."))
    govuk.set_bytes("/media/b/report.pdf", _pdf(tmp_path, "b.pdf",
                    "The Truro mutual runs the leisure centres on weekends."))
    base = f"http://127.0.0.1:{govuk.port}"
    first, second = _file(f"{base}/media/a/report.pdf", "A"), _file(f"{base}/media/b/report.pdf",
                                                                      "B")
    govuk.set_json(REPORT, _with_attachments(govuk.port, [first, second]))

    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    pdfs = [n for n in _names(report["downloaded"]) if n.endswith(".pdf")]
    assert len(pdfs) == 2
    urls = {read_manifest(run.folder)[n].url for n in pdfs}
    assert urls == {first["url"], second["url"]}
    assert "Kendal" in _top(run.index_dir, "Kendal libraries volunteers").text
    assert "Truro" in _top(run.index_dir, "Truro leisure centres weekends").text

    # A new edition listing them the other way round: same names, nothing downloaded.
    govuk.set_json(REPORT, _with_attachments(
        govuk.port, [second, first], public_updated_at="2020-01-01T00:00:00.000+00:00"))
    govuk.log.clear()
    again = _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    assert again["downloaded"] == [] and govuk.downloads() == [f"/api/content{REPORT}"]
    assert {read_manifest(run.folder)[n].url for n in pdfs} == urls


# -- 9: an overall deadline per download -----------------------------------------------------

def test_a_trickling_server_cannot_hold_the_sync(run, govuk, monkeypatch):
    monkeypatch.setattr("assistant.govuk_http.DOWNLOAD_DEADLINE", 1.0)
    body = govuk.routes["/media/5b0d/partnerships-report.pdf"][0]
    govuk.set_bytes("/media/slow/body.pdf", body)
    govuk.set_bytes("/media/slow/headers.pdf", body)
    govuk.trickle.update({"/media/slow/body.pdf": "body", "/media/slow/headers.pdf": "headers"})
    base = f"http://127.0.0.1:{govuk.port}"
    govuk.set_json(REPORT, _with_attachments(govuk.port, [
        _file(f"{base}/media/slow/body.pdf"), _file(f"{base}/media/slow/headers.pdf"),
        _file(f"{base}/media/5b0d/partnerships-report.pdf", "Partnerships report (PDF)")]))

    started = time.monotonic()
    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    assert time.monotonic() - started < 8  # two 1 s deadlines, not minutes of trickle
    reasons = {f["source"].rsplit("/", 1)[-1]: f["reason"] for f in report["failed"]}
    assert set(reasons) == {"body.pdf", "headers.pdf"}
    assert all(r.startswith("gave up after 1 s") for r in reasons.values())
    assert PDF_NAME in _names(report["downloaded"])
    assert not list(run.folder.glob("*slow*")) and not list(run.folder.glob("*body*"))


# -- 10: legacy attachments in details.documents keep their own titles ------------------------

LEGACY = "/government/publications/mutuals-older-report"


def _section(href: str, title: str) -> str:
    return (
        '<section class="attachment embedded">'
        f'<div class="attachment-thumb"><a aria-hidden="true" class="thumbnail" tabindex="-1" '
        f'href="{href}"><img alt="" src="/img/pub-cover.png"></a></div>'
        '<div class="attachment-details">'
        f'<h3 class="title"><a href="{href}">{title}</a></h3>'
        '<p class="metadata"><span class="type">PDF</span>, 1.2MB, 40 pages</p>'
        '<p>This file may not be suitable for users of assistive technology. '
        '<a href="mailto:alternative.formats@example.gov.uk">Request an accessible '
        'format.</a></p></div></section>')


def test_legacy_attachments_are_titled_by_their_link_text(run, govuk, tmp_path):
    govuk.set_bytes("/media/old/appendix-3.pdf", _pdf(
        tmp_path, "appendix.pdf", "Interviews in Salford found trust grew over two years."))
    base = f"http://127.0.0.1:{govuk.port}"
    govuk.set_json(LEGACY, {
        "base_path": LEGACY, "title": "Mutuals: an older report",
        "first_published_at": "2014-06-01T00:00:00+01:00",
        "public_updated_at": "2014-06-01T00:00:00+01:00",
        "details": {"body": "<p>Summary of an older report.</p>", "documents": [
            _section(f"{base}/media/5b0d/partnerships-report.pdf", "Main report"),
            _section(f"{base}/media/old/appendix-3.pdf",
                     "Appendix 3: qualitative findings &amp; interviews")]},
        "links": {"organisations": [DCMS]},
    })

    report = _json(run(f"https://www.gov.uk{LEGACY}", "--json"))

    assert report["failed"] == []  # neither the thumbnails nor the mailto: links
    manifest = read_manifest(run.folder)
    titles = {n: m.title for n, m in manifest.items() if n.endswith(".pdf")}
    assert titles == {"mutuals-older-report--partnerships-report.pdf": "Main report",
                      "mutuals-older-report--appendix-3.pdf":
                          "Appendix 3: qualitative findings & interviews"}
    hit = _top(run.index_dir, "Salford interviews trust")
    assert hit.title == "Appendix 3: qualitative findings & interviews"


# -- 11: a second sync at the same time --------------------------------------------------------

def test_a_second_sync_at_the_same_time_says_so_in_one_line(run, govuk):
    run.folder.mkdir(parents=True)
    fd = os.open(run.folder / ".sync.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as a running sync holds it
        rc, out, err = run(f"https://www.gov.uk{REPORT}")
        rc_json, out_json, err_json = run(f"https://www.gov.uk{REPORT}", "--json")
    finally:
        os.close(fd)
    assert rc == 1 and rc_json == 1 and out == ""
    assert err.strip().splitlines() == [
        f"another sync is writing to {run.folder}; try again when it has finished"]
    assert err_json == err
    assert govuk.log == []
    _json(run(f"https://www.gov.uk{SUMMARY}", "--json"))  # once it is free, syncs run


def test_content_item_shape_checks_name_the_field():
    from assistant.govuk_content import MalformedItem, legacy_attachments, parse_item

    with pytest.raises(MalformedItem, match="the item is list, not an object"):
        parse_item([1, 2, 3])
    with pytest.raises(MalformedItem, match="details.attachments\\[0\\].url is missing"):
        parse_item({"details": {"attachments": [{"title": "no url"}]}})
    found = legacy_attachments(_section("/government/uploads/a.pdf", "Annex &lt;A&gt;")
                               + '<p><a href="/guidance/next-steps">Next steps</a></p>')
    assert [(a.url, a.kind, a.title) for a in found] == [
        ("/government/uploads/a.pdf", "file", "Annex <A>")]  # title links only
    found = legacy_attachments('<p><a href="/guidance/next-steps">Next  steps</a></p>')
    assert [(a.url, a.kind, a.title) for a in found] == [
        ("/guidance/next-steps", "html", "Next steps")]
