"""HTTP for GOV.UK sync: GOV.UK hosts only, every redirect checked, a deadline per download.

Everything a server sends is data. A URL is fetched only when ``HostPolicy`` allows it:
https on ``www.gov.uk``, ``assets.publishing.service.gov.uk`` or the configured Content
API host (plain http only when the API root itself is on a loopback address, for tests).
Redirects are not followed by urllib: each ``Location`` is checked against the same
policy before it is requested. A download has an overall deadline (``DOWNLOAD_DEADLINE``
seconds from its first request to its last byte, redirects included) besides the
per-read timeout, so a server trickling a byte every few seconds cannot hold a sync.

``Offline`` means the host could not be reached (the caller decides whether that ends
the sync: it does for the API, not for one attachment); ``FetchError`` is one request's
failure, with a one-line reason.
"""

from __future__ import annotations

import http.client
import ipaddress
import re
import socket
import threading
import time
from dataclasses import dataclass
from urllib.error import HTTPError, URLError
from urllib.parse import urljoin, urlsplit
from urllib.request import HTTPHandler, HTTPRedirectHandler, HTTPSHandler, Request, build_opener

GOVUK_DOWNLOAD_HOSTS = ("www.gov.uk", "assets.publishing.service.gov.uk")
USER_AGENT = "mutuals-assistant-sync/0.1 (+offline document assistant)"
TIMEOUT = 30.0  # seconds without a byte before one read gives up
DOWNLOAD_DEADLINE = 300.0  # seconds for one whole download, redirects included
MAX_REDIRECTS = 5
REDIRECTS = (301, 302, 303, 307, 308)
_BAD_URL_CHAR = re.compile(r"[\s\x00-\x1f\x7f-\x9f]")


class Offline(Exception):
    """A host cannot be reached at all (no network, DNS or connection failure)."""


class FetchError(Exception):
    """One request failed (refused URL, HTTP error, too large, too slow, bad JSON)."""


def _loopback(host: str | None) -> bool:
    if not host:
        return False
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass(frozen=True)
class HostPolicy:
    """Which URLs sync may request: GOV.UK over https, and the configured API host."""

    api_root: str

    def check(self, url: str) -> None:
        """Raise ``FetchError`` with the reason unless ``url`` may be requested."""
        if not isinstance(url, str) or _BAD_URL_CHAR.search(url):
            raise FetchError(f"not a valid URL (it holds a space or a control character): "
                             f"{url!s}")
        try:
            parts = urlsplit(url)
            host, port = parts.hostname, parts.port
        except ValueError as exc:
            raise FetchError(f"not a valid URL ({exc}): {url}") from None
        scheme = parts.scheme.lower()
        if parts.username is not None or parts.password is not None:
            raise FetchError(f"refused: a URL with a user name or password: {url}")
        api = urlsplit(self.api_root)
        if host and host == api.hostname and port == api.port and scheme == api.scheme:
            if scheme == "https" or (scheme == "http" and _loopback(host)):
                return
            raise FetchError(f"refused: {scheme or 'no scheme'} is not https (plain http is "
                             f"used only for an API on this machine): {url}")
        if host in GOVUK_DOWNLOAD_HOSTS and port in (None, 443):
            if scheme == "https":
                return
            raise FetchError(f"refused: {scheme or 'no scheme'} is not https: {url}")
        raise FetchError(f"refused: {host or url} is not a GOV.UK host (only "
                         f"{', '.join(GOVUK_DOWNLOAD_HOSTS)} and the configured API are used)")


@dataclass
class Fetched:
    """One response: 200 with its body, or 304 when the validators matched."""

    status: int
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    url: str = ""  # the URL that answered (after redirects)


class _Deadline:
    """Shuts the connection's socket when the download's time is up (unblocking a read)."""

    def __init__(self, at: float) -> None:
        self.at = at
        self.expired = False
        self._sock: socket.socket | None = None
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, at - time.monotonic()), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.01, self.at - time.monotonic())

    def attach(self, sock: socket.socket) -> None:
        with self._lock:
            self._sock = sock
            if self.expired:
                self._shut()

    def _fire(self) -> None:
        with self._lock:
            self.expired = True
            self._shut()

    def _shut(self) -> None:
        if self._sock is not None:
            try:  # the plain socket's shutdown, also for a TLS socket (no TLS state change)
                socket.socket.shutdown(self._sock, socket.SHUT_RDWR)
            except OSError:
                pass

    def cancel(self) -> None:
        self._timer.cancel()


def _watched(base: type[http.client.HTTPConnection], deadline: _Deadline):  # noqa: ANN202
    class Watched(base):  # type: ignore[valid-type, misc]
        def connect(self) -> None:
            super().connect()
            self.sock.settimeout(min(TIMEOUT, deadline.remaining()))
            deadline.attach(self.sock)

    return Watched


class _HTTP(HTTPHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def http_open(self, req):  # noqa: ANN001, ANN201
        return self.do_open(_watched(http.client.HTTPConnection, self.deadline), req)


class _HTTPS(HTTPSHandler):
    def __init__(self, deadline: _Deadline) -> None:
        super().__init__()
        self.deadline = deadline

    def https_open(self, req):  # noqa: ANN001, ANN201
        return self.do_open(_watched(http.client.HTTPSConnection, self.deadline), req,
                            context=self._context)


class _NoRedirect(HTTPRedirectHandler):
    """Hand every redirect back to ``fetch`` (as an ``HTTPError``) to be checked."""

    def http_error_302(self, req, fp, code, msg, headers):  # noqa: ANN001, ANN201
        return None

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def fetch(url: str, validators: dict | None, max_bytes: int | None, *, policy: HostPolicy,
          deadline: float | None = None) -> Fetched:
    """GET ``url`` (conditional on ``validators``), following only allowed redirects.

    Raises ``FetchError`` (refused URL, HTTP error, too large, past the deadline) or
    ``Offline`` (the host cannot be reached, or the connection broke).
    """
    seconds = DOWNLOAD_DEADLINE if deadline is None else deadline
    at = time.monotonic() + seconds
    first = url
    for _ in range(MAX_REDIRECTS + 1):
        policy.check(url)
        got = _get(url, validators, max_bytes, at, seconds)
        if isinstance(got, Fetched):
            got.url = url
            return got
        url = urljoin(url, got)
    raise FetchError(f"more than {MAX_REDIRECTS} redirects from {first}")


def _get(url: str, validators: dict | None, max_bytes: int | None, at: float,
         seconds: float) -> Fetched | str:
    """One request: a ``Fetched``, or the ``Location`` of a redirect."""
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if validators:
        if validators.get("etag"):
            headers["If-None-Match"] = validators["etag"]
        if validators.get("last_modified"):
            headers["If-Modified-Since"] = validators["last_modified"]
    host = urlsplit(url).netloc
    deadline = _Deadline(at)
    opener = build_opener(_NoRedirect, _HTTP(deadline), _HTTPS(deadline))
    too_slow = FetchError(f"gave up after {seconds:g} s (the download took too long): {url}")
    try:
        with opener.open(Request(url, headers=headers),
                         timeout=min(TIMEOUT, deadline.remaining())) as resp:
            body = _read(resp, max_bytes, url, deadline)
            return Fetched(resp.status, body, resp.headers.get("ETag"),
                           resp.headers.get("Last-Modified"))
    except HTTPError as exc:
        with exc:
            if exc.code == 304:
                return Fetched(304, b"", exc.headers.get("ETag"),
                               exc.headers.get("Last-Modified"))
            location = exc.headers.get("Location") if exc.headers else None
            if exc.code in REDIRECTS and location:
                return location
            raise FetchError(f"HTTP {exc.code} {exc.reason} for {url}") from None
    except FetchError:
        raise
    except http.client.InvalidURL as exc:
        raise FetchError(f"not a valid URL ({exc})") from None
    except (URLError, http.client.HTTPException, OSError) as exc:
        if deadline.expired:
            raise too_slow from None
        if isinstance(exc, URLError):
            raise Offline(f"cannot reach {host} ({exc.reason})") from None
        if isinstance(exc, http.client.HTTPException):  # e.g. a response cut short
            raise Offline(f"connection to {host} broke ({type(exc).__name__})") from None
        raise Offline(f"cannot reach {host} ({exc})") from None
    except ValueError as exc:  # urllib's "unknown url type" and the like
        raise FetchError(f"not a valid URL ({exc}): {url}") from None
    finally:
        deadline.cancel()


def _read(resp, max_bytes: int | None, url: str, deadline: _Deadline) -> bytes:  # noqa: ANN001
    chunks: list[bytes] = []
    total = 0
    while True:
        chunk = resp.read1(65536)
        if not chunk:
            break
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise FetchError(f"larger than the {max_bytes / 1e6:.1f} MB limit: {url}")
        chunks.append(chunk)
    if deadline.expired:
        raise OSError("deadline")  # reported as "gave up after N s"
    if resp.length:  # the connection closed before Content-Length bytes arrived
        raise http.client.IncompleteRead(b"".join(chunks), resp.length)
    return b"".join(chunks)
