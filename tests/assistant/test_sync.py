"""``assistant sync`` against a loopback server shaped like the GOV.UK Content API.

The server (127.0.0.1, a thread) serves a publication with a PDF and an HTML attachment,
a guidance page with a body, and the attachments' files, with ETags; it logs every
request so that tests can tell what was downloaded.
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from assistant import cli
from assistant.config import Settings
from assistant.service import Assistant
from corpus.manifest import read_manifest
from index.embedder import FakeEmbedder
from tests.corpus.pdfgen import make_report_pdf

REPORT = "/government/publications/partnerships-for-better-public-services"
SUMMARY = REPORT + "/executive-summary"
GUIDANCE = "/guidance/spinning-out-a-public-service-mutual"
DCMS = {"title": "Department for Digital, Culture, Media & Sport", "base_path": "/dcms"}

PDF_PAGES = [("1 Findings", ["Mutuals in Northumbria shared a payroll team with two "
                             "housing associations and saved forty thousand pounds."])]
PDF_PAGES_V2 = [("1 Findings", ["Mutuals in Northumbria shared a payroll team with three "
                                "housing associations and saved sixty thousand pounds."])]


def _publication(port: int, updated: str) -> dict:
    return {
        "base_path": REPORT,
        "content_id": "5a8b1c2d-0000-4000-8000-000000000001",
        "document_type": "research",
        "schema_name": "publication",
        "title": "Partnerships for Better Public Services",
        "description": "A research report into partnerships for Public Service Mutuals.",
        "first_published_at": "2018-05-29T09:30:00.000+01:00",
        "public_updated_at": updated,
        "details": {
            "body": "<div class=\"govspeak\"><p>Public Service Mutuals face systemic "
                    "challenges. Forming strategic partnerships can offer new routes to "
                    "delivering innovative services.</p></div>",
            "attachments": [
                {"id": "1", "attachment_type": "file", "title": "Partnerships report (PDF)",
                 "content_type": "application/pdf", "filename": "partnerships-report.pdf",
                 "url": f"http://127.0.0.1:{port}/media/5b0d/partnerships-report.pdf"},
                {"id": "2", "attachment_type": "html", "title": "Executive summary",
                 "url": SUMMARY},
                {"id": "3", "attachment_type": "file", "title": "Survey data",
                 "content_type": "application/vnd.openxmlformats-officedocument"
                                 ".spreadsheetml.sheet",
                 "url": f"http://127.0.0.1:{port}/media/5b0e/survey-data.xlsx"},
            ],
        },
        "links": {"organisations": [DCMS]},
    }


def _summary() -> dict:
    return {
        "base_path": SUMMARY, "document_type": "html_publication",
        "schema_name": "html_publication", "title": "Executive summary",
        "first_published_at": "2018-05-29T09:30:00.000+01:00",
        "public_updated_at": "2018-05-29T09:30:00.000+01:00",
        "details": {"body": "<h2 id=\"summary\">Summary</h2><p>Trust between partners in "
                            "Cumbria took eighteen months to build.</p>"},
        "links": {"organisations": [DCMS]},
    }


def _guidance() -> dict:
    return {
        "base_path": GUIDANCE, "document_type": "detailed_guide",
        "schema_name": "detailed_guide", "title": "Spinning out a public service mutual",
        "first_published_at": "2016-03-01T10:00:00.000+00:00",
        "public_updated_at": "2019-07-15T12:00:00.000+01:00",
        "details": {"body": "<h2>Before you start</h2><p>Staff ballots in Devon must run "
                            "for at least fourteen days before a spin-out.</p>"},
        "links": {"organisations": [{"title": "Cabinet Office"}]},
    }


class FakeGovUK:
    """Routes, bodies and a request log for the loopback server."""

    def __init__(self, tmp: Path) -> None:
        self.tmp = tmp
        self.log: list[tuple[str, int]] = []
        self.routes: dict[str, tuple[bytes, str]] = {}
        self.drop: set[str] = set()  # paths whose connection breaks (network lost)
        self.redirects: dict[str, str] = {}  # path -> Location of a 302
        self.trickle: dict[str, str] = {}  # path -> "headers" or "body": a byte at a time
        self.trickle_every = 0.25  # seconds between two trickled bytes
        self.hold: dict[str, threading.Event] = {}  # path -> answered once the event is set
        self.reached = threading.Event()  # a held path was requested
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        # A short poll interval: shutdown() waits up to one interval (0.5 s by default).
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    def set_json(self, path: str, data: dict) -> None:
        self.routes["/api/content" + path] = (json.dumps(data).encode(), "application/json")

    def set_bytes(self, path: str, body: bytes, ctype: str = "application/pdf") -> None:
        self.routes[path] = (body, ctype)

    def set_pdf(self, pages: list) -> None:
        pdf = make_report_pdf(self.tmp / "served.pdf", pages, outline=False)
        self.routes["/media/5b0d/partnerships-report.pdf"] = (pdf.read_bytes(), "application/pdf")

    def publish(self, updated: str = "2018-05-29T09:30:00.000+01:00", pdf=PDF_PAGES) -> None:
        self.set_json(REPORT, _publication(self.port, updated))
        self.set_json(SUMMARY, _summary())
        self.set_json(GUIDANCE, _guidance())
        self.set_pdf(pdf)
        self.routes["/media/5b0e/survey-data.xlsx"] = (b"PK\x03\x04", "application/zip")

    def downloads(self) -> list[str]:
        """Paths served with a body (200), in order."""
        return [p for p, status in self.log if status == 200]

    def _handler(self):  # noqa: ANN202
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802
                route = site.routes.get(self.path)
                if self.path in site.hold:
                    site.log.append((self.path, -1))
                    site.reached.set()
                    site.hold[self.path].wait(30)
                if self.path in site.drop:
                    site.log.append((self.path, 0))
                    self.close_connection = True
                    return
                if self.path in site.redirects:
                    site.log.append((self.path, 302))
                    self.send_response(302)
                    self.send_header("Location", site.redirects[self.path])
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                if self.path in site.trickle and route is not None:
                    site.log.append((self.path, 200))
                    self._trickle(route[0], site.trickle[self.path])
                    return
                if route is None:
                    site.log.append((self.path, 404))
                    self.send_error(404)
                    return
                body, ctype = route
                etag = '"' + hashlib.sha1(body).hexdigest() + '"'
                if self.headers.get("If-None-Match") == etag:
                    site.log.append((self.path, 304))
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.end_headers()
                    return
                site.log.append((self.path, 200))
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("ETag", etag)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client gave up (a killed sync)
                    pass

            def _trickle(self, body: bytes, where: str) -> None:
                """Send a response a byte every ``trickle_every`` s (headers or body)."""
                head = (f"HTTP/1.1 200 OK\r\nContent-Type: application/pdf\r\n"
                        f"Content-Length: {len(body)}\r\n").encode()
                slow = head + b"X-Padding: " + b"x" * 40 + b"\r\n\r\n" if where == "headers" \
                    else body
                self.close_connection = True
                try:
                    if where == "body":
                        self.wfile.write(head + b"\r\n")
                    for i in range(len(slow)):
                        self.wfile.write(slow[i : i + 1])
                        self.wfile.flush()
                        time.sleep(site.trickle_every)
                    if where == "headers":
                        self.wfile.write(body)
                except OSError:  # the client gave up
                    pass

            def log_message(self, *args) -> None:  # noqa: ANN002
                pass

        return Handler


@contextlib.contextmanager
def serve(tmp_path: Path, publish: bool = True) -> Iterator[FakeGovUK]:
    """A running loopback GOV.UK (with the publication, the summary and the guidance)."""
    site = FakeGovUK(tmp_path)
    if publish:
        site.publish()
    site.thread.start()
    try:
        yield site
    finally:
        for event in site.hold.values():
            event.set()
        site.server.shutdown()
        site.server.server_close()


@pytest.fixture
def govuk(tmp_path: Path):
    with serve(tmp_path) as site:
        yield site


@pytest.fixture
def run(tmp_path, monkeypatch, capsys, govuk):
    """Run ``assistant sync`` in-process (fake embedder); returns (rc, stdout, stderr)."""
    return make_run(tmp_path, monkeypatch, capsys, govuk)


def make_run(tmp_path, monkeypatch, capsys, govuk):  # noqa: ANN001, ANN201
    """The ``run`` fixture's function, for other test modules."""
    monkeypatch.setenv("ASSISTANT_GOVUK_API", f"http://127.0.0.1:{govuk.port}/api/content")
    monkeypatch.setattr(
        cli, "_open", lambda ns: Assistant.open(ns.index_dir, embedder=FakeEmbedder())
    )
    index_dir = tmp_path / "data" / "index"

    def run_sync(*args: str) -> tuple[int, str, str]:
        rc = cli.main(["sync", *args, "--index-dir", str(index_dir)])
        out = capsys.readouterr()
        return rc, out.out, out.err

    run_sync.index_dir = index_dir
    run_sync.folder = tmp_path / "data" / "govuk"
    return run_sync


def _json(result: tuple[int, str, str]) -> dict:
    rc, out, err = result
    assert rc == 0, err
    return json.loads(out)


def _names(paths: list[str]) -> list[str]:
    return sorted(Path(p).name for p in paths)


def _top(index_dir: Path, query: str):  # noqa: ANN202
    return Assistant.open(index_dir, embedder=FakeEmbedder()).search(query, k=1)[0]


def test_sync_saves_pages_and_attachments_with_a_manifest_then_indexes(run, govuk):
    run.folder.mkdir(parents=True)
    (run.folder / ".report.pdf.1a2b3c.part").write_bytes(b"%PDF-1.7 half a download")
    report = _json(run(f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}", "--json"))

    assert not list(run.folder.glob("*.part"))  # a killed download's leftover is gone
    saved = sorted(p.name for p in run.folder.iterdir() if not p.name.startswith("."))
    assert saved == [
        "manifest.toml",
        "partnerships-for-better-public-services--executive-summary.html",
        "partnerships-for-better-public-services--partnerships-report.pdf",
        "partnerships-for-better-public-services.html",
        "spinning-out-a-public-service-mutual.html",
    ]
    manifest = read_manifest(run.folder)
    pdf = manifest["partnerships-for-better-public-services--partnerships-report.pdf"]
    assert pdf.title == "Partnerships report (PDF)"
    assert pdf.url.endswith("/media/5b0d/partnerships-report.pdf")
    assert pdf.publisher == DCMS["title"]
    assert (pdf.published, pdf.updated) == ("2018-05-29", "2018-05-29")
    assert pdf.licence.startswith("Open Government Licence")
    page = manifest["partnerships-for-better-public-services.html"]
    assert page.url == f"https://www.gov.uk{REPORT}"
    guide = manifest["spinning-out-a-public-service-mutual.html"]
    assert (guide.publisher, guide.published, guide.updated) == (
        "Cabinet Office", "2016-03-01", "2019-07-15")

    # The spreadsheet is explained, not downloaded; everything else was indexed.
    assert [f["source"].rsplit("/", 1)[-1] for f in report["failed"]] == ["survey-data.xlsx"]
    assert "not indexed (PDF and HTML are)" in report["failed"][0]["reason"]
    assert set(_names(report["index"]["added"])) >= set(_names(report["downloaded"]))
    assert report["index"]["failed"] == []

    hit = _top(run.index_dir, "Northumbria payroll housing associations")
    assert "forty thousand pounds" in hit.text and hit.title == "Partnerships report (PDF)"
    assert "eighteen months" in _top(run.index_dir, "trust partners Cumbria").text
    assert "fourteen days" in _top(run.index_dir, "staff ballots Devon spin-out").text
    sources = {d.title: d for d in Assistant.open(run.index_dir, embedder=FakeEmbedder())
               .sources()}
    assert sources["Spinning out a public service mutual"].url == f"https://www.gov.uk{GUIDANCE}"


def test_resync_with_nothing_changed_downloads_nothing(run, govuk):
    first = _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    govuk.log.clear()

    again = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    assert again["downloaded"] == []
    assert govuk.downloads() == []  # only conditional requests, answered 304
    assert again["index"]["embedded"] == 0
    assert again["index"]["generation"] == first["index"]["generation"]


def test_resync_after_an_update_downloads_only_what_changed(run, govuk):
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    govuk.publish(updated="2019-01-10T10:00:00.000+00:00", pdf=PDF_PAGES_V2)
    govuk.log.clear()

    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    assert govuk.downloads() == [f"/api/content{REPORT}", "/media/5b0d/partnerships-report.pdf"]
    assert _names(report["downloaded"]) == [
        "partnerships-for-better-public-services--partnerships-report.pdf"]
    assert _names(report["index"]["updated"]) == _names(report["downloaded"])
    assert "sixty thousand" in _top(run.index_dir, "Northumbria payroll associations").text
    meta = read_manifest(run.folder)["partnerships-for-better-public-services--"
                                     "partnerships-report.pdf"]
    assert meta.updated == "2019-01-10"


def test_an_attachment_taken_down_leaves_the_folder_and_the_index(run, govuk):
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    pub = _publication(govuk.port, "2020-02-02T10:00:00.000+00:00")
    pub["details"]["attachments"] = pub["details"]["attachments"][1:]  # PDF withdrawn
    govuk.set_json(REPORT, pub)

    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    name = "partnerships-for-better-public-services--partnerships-report.pdf"
    assert _names(report["removed"]) == [name] and not (run.folder / name).exists()
    assert _names(report["index"]["removed"]) == [name]
    assert name not in read_manifest(run.folder)


def test_default_sources_include_the_report_page(run, govuk):
    assert f"https://www.gov.uk{REPORT}" in Settings().sync_sources
    report = _json(run("--json"))
    assert report["pages"] == [f"https://www.gov.uk{REPORT}"]
    assert f"/api/content{REPORT}" in govuk.downloads()


def test_configured_sources_replace_the_default(run, govuk, monkeypatch):
    monkeypatch.setenv("ASSISTANT_SYNC_SOURCES", f"https://www.gov.uk{GUIDANCE}")
    report = _json(run("--json"))
    assert report["pages"] == [f"https://www.gov.uk{GUIDANCE}"]
    assert f"/api/content{REPORT}" not in govuk.downloads()


def test_a_missing_page_and_a_foreign_url_are_reported(run, govuk):
    report = _json(run("https://www.gov.uk/government/publications/no-such-page",
                       "https://example.com/not-govuk", f"https://www.gov.uk{GUIDANCE}",
                       "--json"))
    reasons = {f["source"]: f["reason"] for f in report["failed"]}
    assert "HTTP 404" in reasons["https://www.gov.uk/government/publications/no-such-page"]
    assert "not a GOV.UK page" in reasons["https://example.com/not-govuk"]
    assert report["pages"] == [f"https://www.gov.uk{GUIDANCE}"]


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_offline_says_so_in_one_line_and_changes_nothing(run, govuk, monkeypatch):
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    index_dir = run.index_dir
    before = {p: p.read_bytes() for p in run.folder.iterdir() if p.is_file()}
    current = (index_dir / "CURRENT").read_text()
    sources = (index_dir / "sources.json").read_text()
    monkeypatch.setenv("ASSISTANT_GOVUK_API", f"http://127.0.0.1:{_closed_port()}/api/content")

    rc, out, err = run(f"https://www.gov.uk{REPORT}", f"https://www.gov.uk{GUIDANCE}")

    assert rc == 1 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("offline: cannot reach 127.0.0.1")
    assert "nothing was changed" in lines[0]
    assert {p: p.read_bytes() for p in run.folder.iterdir() if p.is_file()} == before
    assert (index_dir / "CURRENT").read_text() == current
    assert (index_dir / "sources.json").read_text() == sources


def test_offline_on_first_use_creates_no_index(run, monkeypatch):
    monkeypatch.setenv("ASSISTANT_GOVUK_API", f"http://127.0.0.1:{_closed_port()}/api/content")
    rc, out, err = run()
    assert rc == 1 and len(err.strip().splitlines()) == 1
    assert not (run.index_dir / "CURRENT").exists()
    assert not run.folder.exists()


def test_same_data_different_edition_copies_nothing(run, govuk):
    """A new public_updated_at with identical files: requests are conditional (304)."""
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    pub = copy.deepcopy(_publication(govuk.port, "2021-03-03T10:00:00.000+00:00"))
    govuk.set_json(REPORT, pub)
    govuk.log.clear()

    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))

    assert govuk.downloads() == [f"/api/content{REPORT}"]
    assert report["downloaded"] == []


def test_older_publication_shape_with_documents_html(run, govuk):
    """Publications whose attachments are only rendered HTML in ``details.documents``."""
    older = "/government/publications/mutuals-older-report"
    govuk.set_json(older, {
        "base_path": older, "title": "Mutuals: an older report",
        "first_published_at": "2014-06-01T00:00:00+01:00",
        "public_updated_at": "2014-06-01T00:00:00+01:00",
        "details": {"body": "<p>Summary of an older report.</p>", "documents": [
            "<section class=\"attachment embedded\"><h3 class=\"title\"><a href=\""
            f"http://127.0.0.1:{govuk.port}/media/5b0d/partnerships-report.pdf\">"
            "Partnerships report</a></h3></section>"]},
        "links": {"organisations": [DCMS]},
    })
    report = _json(run(f"https://www.gov.uk{older}", "--json"))
    assert _names(report["downloaded"]) == [
        "mutuals-older-report--partnerships-report.pdf", "mutuals-older-report.html"]
    assert "forty thousand" in _top(run.index_dir, "Northumbria payroll associations").text


def test_network_lost_mid_page_commits_nothing_and_the_next_sync_catches_up(run, govuk):
    _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    saved = {p.name: p.read_bytes() for p in run.folder.iterdir() if p.is_file()}
    govuk.publish(updated="2019-01-10T10:00:00.000+00:00", pdf=PDF_PAGES_V2)
    govuk.drop.add(f"/api/content{SUMMARY}")  # fails after the new PDF has arrived

    rc, out, err = run(f"https://www.gov.uk{REPORT}")

    assert rc == 1 and len(err.strip().splitlines()) == 1 and "nothing was changed" in err
    assert {p.name: p.read_bytes() for p in run.folder.iterdir() if p.is_file()} == saved
    assert "forty thousand" in _top(run.index_dir, "Northumbria payroll associations").text

    govuk.drop.clear()
    report = _json(run(f"https://www.gov.uk{REPORT}", "--json"))
    assert _names(report["downloaded"]) == [
        "partnerships-for-better-public-services--partnerships-report.pdf"]
    assert "sixty thousand" in _top(run.index_dir, "Northumbria payroll associations").text
