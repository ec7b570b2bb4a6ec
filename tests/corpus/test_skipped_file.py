"""A skipped file is one record everywhere; its JSON is ``{"source", "reason"}`` (plus
``kind`` when one is known)."""

from __future__ import annotations

from corpus.discover import discover
from corpus.records import SkippedFile


def test_json_shape_and_round_trip():
    plain = SkippedFile("/docs/a.docx", "unsupported file type .docx")
    assert plain.as_json() == {"source": "/docs/a.docx", "reason": "unsupported file type .docx"}
    kinded = SkippedFile("https://x", "timed out", kind="download")
    assert kinded.as_json()["kind"] == "download"
    for f in (plain, kinded):
        assert SkippedFile.from_json(f.as_json()) == f
    assert SkippedFile.from_json("/old/report/entry") == SkippedFile("/old/report/entry", "")


def test_discovery_reports_skipped_files(tmp_path):
    (tmp_path / "notes.docx").write_bytes(b"PK")
    found = discover([tmp_path, tmp_path / "missing"])
    assert all(isinstance(f, SkippedFile) for f in found.failed)
    assert {f.reason.split(" (")[0] for f in found.failed} == {
        "unsupported file type .docx", "no such file or folder"}
