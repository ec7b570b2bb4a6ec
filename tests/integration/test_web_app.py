"""``assistant web``: the app in a real browser (headless Chromium from Debian), asked a
question by typing, showing a cited answer with document text kept literal."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.integration.cdp import Browser, chromium_path
from tests.integration.servers import ServerProcess

pytestmark = pytest.mark.integration

MARKUP = "[bold red]Gull Island[/]"
FERRY_NOTES = f"""# Ferry notes

The {MARKUP} ferry mutual runs boats to the harbour twice a day.
"""
QUESTION = "How often does the Gull Island ferry mutual run boats to the harbour?"


@pytest.fixture
def browser_profile(tmp_path: Path) -> Path:
    if chromium_path() is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    profile = tmp_path / "chromium-profile"
    profile.mkdir()
    return profile


async def test_the_app_in_a_browser_answers_with_citations(assistant, encoder_cache, tmp_path,
                                                          browser_profile):
    notes = tmp_path / "notes"
    notes.mkdir()
    (notes / "ferry.md").write_text(FERRY_NOTES, encoding="utf-8")
    assistant.index([notes])
    expected = assistant.ask(QUESTION)
    assert not expected.abstained and MARKUP in expected.citations[0].quote

    env = dict(os.environ, ASSISTANT_ENCODER_CACHE=str(encoder_cache))
    server = ServerProcess("web", "--port", "0", "--index-dir", str(assistant.layout.root),
                           stderr=tmp_path / "web.err", env=env)
    try:
        assert server.first_line.startswith("Open http://127.0.0.1:")
        async with Browser(browser_profile) as page:
            await page.open(server.url)
            await page.wait_for_screen(lambda s: "Ready:" in s)
            await page.type_text(QUESTION)
            await page.press_enter()
            screen = await page.wait_for_screen(lambda s: "[1]" in s and "Cited sources" in s)
            await page.screenshot(tmp_path / "answer.png")
    finally:
        server.close()
    assert (tmp_path / "answer.png").stat().st_size > 10_000
    # The question, the answer sentence with its marker, the cited source's title: all
    # shown, the markup-like document text exactly as written (not turned into style).
    flat = " ".join(" ".join(line.strip(" │▊▎") for line in screen.splitlines()).split())
    assert f"Q: {QUESTION}" in flat
    assert f"{expected.citations[0].quote} [1]" in flat
    assert "[1] Ferry notes" in flat
    assert MARKUP in flat
    assert "Traceback" not in server.stderr()


def test_web_listens_on_loopback_only(assistant, encoder_cache):
    env = dict(os.environ, ASSISTANT_ENCODER_CACHE=str(encoder_cache))
    out = subprocess.run([sys.executable, "-m", "assistant", "web", "--host", "0.0.0.0",
                          "--index-dir", str(assistant.layout.root)],
                         capture_output=True, text=True, env=env, timeout=120)
    assert out.returncode == 2 and "only listens on loopback" in out.stderr
    assert "assistant serve" in out.stderr and "Traceback" not in out.stderr
