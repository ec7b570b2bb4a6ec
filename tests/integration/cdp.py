"""A headless Chromium driven over the Chrome DevTools Protocol (no browser download:
Debian's ``chromium``; the protocol spoken with aiohttp's websocket client)."""

from __future__ import annotations

import asyncio
import base64
import itertools
import json
import shutil
import subprocess
import time
from pathlib import Path

import aiohttp

# textual-serve draws the app with xterm.js, on a canvas. To read the screen as the user
# sees it, this hook keeps the page's terminal object when textual.js creates it (it
# sets ``fitAddon`` right after ``terminal`` on the same object), and reads xterm's own
# screen buffer: the characters drawn, row by row.
SCREEN_HOOK = """
Object.defineProperty(Object.prototype, 'fitAddon', {
  configurable: true,
  get() { return undefined; },
  set(v) {
    Object.defineProperty(this, 'fitAddon',
      {value: v, writable: true, configurable: true, enumerable: true});
    if (this.terminal) { window.__textualPage = this; }
  },
});
window.__screenText = () => {
  const page = window.__textualPage;
  if (!page || !page.terminal) { return null; }
  const term = page.terminal, buf = term.buffer.active, rows = [];
  for (let i = 0; i < term.rows; i++) {
    const line = buf.getLine(buf.viewportY + i);
    rows.push(line ? line.translateToString(true) : '');
  }
  return rows.join('\\n');
};
"""


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class Browser:
    """One headless Chromium with one page."""

    def __init__(self, profile: Path, width: int = 1400, height: int = 900) -> None:
        exe = chromium_path()
        assert exe, "chromium is not installed (apt-get install chromium)"
        self.profile = profile
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--no-first-run",
             "--no-default-browser-check", "--disable-extensions", "--disable-sync",
             "--disable-background-networking", "--disable-component-update",
             "--use-angle=swiftshader", "--enable-unsafe-swiftshader",
             f"--window-size={width},{height}", f"--user-data-dir={profile}",
             "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0",
             "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        self._ids = itertools.count(1)
        self._session: aiohttp.ClientSession | None = None
        self._ws: aiohttp.ClientWebSocketResponse | None = None

    async def __aenter__(self) -> Browser:
        port_file = self.profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not port_file.exists() or not port_file.read_text().strip():
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("chromium did not start")
            await asyncio.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        self._session = aiohttp.ClientSession()
        async with self._session.get(f"http://127.0.0.1:{port}/json/list") as r:
            targets = await r.json()
        page = next(t for t in targets if t["type"] == "page")
        self._ws = await self._session.ws_connect(page["webSocketDebuggerUrl"],
                                                  max_msg_size=64 * 1024 * 1024)
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._ws is not None:
            await self._ws.close()
        if self._session is not None:
            await self._session.close()
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()

    async def send(self, method: str, **params: object) -> dict:
        assert self._ws is not None
        n = next(self._ids)
        await self._ws.send_str(json.dumps({"id": n, "method": method, "params": params}))
        while True:
            msg = await asyncio.wait_for(self._ws.receive(), timeout=60)
            if msg.type != aiohttp.WSMsgType.TEXT:
                raise RuntimeError(f"DevTools connection closed: {msg.type}")
            data = json.loads(msg.data)
            if data.get("id") == n:
                if "error" in data:
                    raise RuntimeError(f"{method}: {data['error']}")
                return data.get("result", {})

    async def evaluate(self, expression: str) -> object:
        result = await self.send("Runtime.evaluate", expression=expression,
                                 returnByValue=True, awaitPromise=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    async def open(self, url: str, hook: str = SCREEN_HOOK) -> None:
        await self.send("Page.enable")
        await self.send("Page.addScriptToEvaluateOnNewDocument", source=hook)
        await self.send("Page.navigate", url=url)

    async def screen(self) -> str:
        """The characters on the terminal's screen, row by row ('' before it exists)."""
        return str(await self.evaluate("window.__screenText && window.__screenText() || ''"))

    async def wait_for_screen(self, predicate, timeout: float = 120) -> str:  # noqa: ANN001
        deadline = time.monotonic() + timeout
        text = ""
        while time.monotonic() < deadline:
            text = await self.screen()
            if predicate(text):
                return text
            await asyncio.sleep(0.25)
        raise AssertionError(f"the page never showed what was awaited; last screen:\n{text}")

    async def type_text(self, text: str) -> None:
        """Type into the terminal as a user would: focus it, then keys."""
        await self.evaluate("document.querySelector('.xterm-helper-textarea').focus()")
        await self.send("Input.insertText", text=text)

    async def press_enter(self) -> None:
        for kind in ("keyDown", "keyUp"):
            await self.send("Input.dispatchKeyEvent", type=kind, key="Enter", code="Enter",
                            windowsVirtualKeyCode=13, nativeVirtualKeyCode=13,
                            **({"text": "\r"} if kind == "keyDown" else {}))

    async def screenshot(self, path: Path) -> None:
        shot = await self.send("Page.captureScreenshot", format="png")
        path.write_bytes(base64.b64decode(shot["data"]))
