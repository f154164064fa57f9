"""Helpers for the real-browser tests: a local static server (optionally under a sub-path),
headless Chromium via Playwright, and the skip-or-fail rule for machines without a browser.

Nothing here downloads a browser: Chromium is the system one at CHROMIUM.

Reusable pieces:

    serve_site(root, prefix="/campaign/")   context manager → SiteServer (url, url_for(), requests log)
    site_server_factory                     pytest fixture: call it with (root, prefix) for more servers
    chromium_browser                        session fixture: one headless Chromium for the whole run
    open_page(browser, base_url, ...)       context manager → a fresh Playwright page (phone by default)

conftest.py imports the fixtures once for every test module (two imports would make two Playwrights).
"""

from __future__ import annotations

import contextlib
import http.server
import os
import posixpath
import threading
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import pytest

if TYPE_CHECKING:  # playwright is optional outside CI: imported lazily
    from playwright.sync_api import Browser, Page

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


# --- skip or fail -----------------------------------------------------------------------------------------


def in_ci() -> bool:
    return os.environ.get("CI") == "true"


def require_browser() -> None:
    """Skip when Chromium or Playwright is missing; in CI (CI=true) fail instead, loudly."""
    missing = []
    if not Path(CHROMIUM).is_file():
        missing.append(f"Chromium not found at {CHROMIUM} (install the Debian package `chromium`)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError as error:
        missing.append(f"Playwright for Python cannot be imported ({error}); install requirements-dev.txt")
    if not missing:
        return
    message = "browser tests need a browser: " + "; ".join(missing)
    if in_ci():
        pytest.fail(message + " — CI=true, so this is a failure, not a skip.", pytrace=False)
    pytest.skip(message)


# --- a static server, at the root or under a sub-path ------------------------------------------------------


@dataclass
class SiteServer:
    """A running static server: `url` is the site's base URL (ends with '/')."""

    root: Path
    prefix: str
    httpd: http.server.ThreadingHTTPServer
    thread: threading.Thread
    requests: list[tuple[int, str]] = field(default_factory=list)  # (status, path) as served

    @property
    def port(self) -> int:
        return self.httpd.server_address[1]

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        return self.origin + self.prefix

    def url_for(self, site_path: str = "") -> str:
        """Absolute URL of a site path such as '2022/top-cases/' (no leading slash)."""
        return self.url + site_path.lstrip("/")

    def site_path(self, url: str) -> str | None:
        """The site path of an absolute or relative-to-base URL ('' for home), None if it is elsewhere."""
        parts = urllib.parse.urlsplit(urllib.parse.urljoin(self.url, url))
        if f"{parts.scheme}://{parts.netloc}" != self.origin or not parts.path.startswith(self.prefix):
            return None
        return urllib.parse.unquote(parts.path[len(self.prefix):])

    def answer_missing_with_404(self, page) -> None:  # noqa: ANN001 — a Playwright page
        """Route `page`'s requests to this server as a static host answers them: a missing address gets
        404.html with status 404 (the server alone answers a bare 404)."""
        body = (self.root / "404.html").read_bytes()

        def as_a_host_would(route):  # noqa: ANN001, ANN202
            reply = route.fetch()
            if reply.status == 404:
                route.fulfill(status=404, body=body, content_type="text/html; charset=utf-8")
            else:
                route.fulfill(response=reply)

        page.route(self.url + "**", as_a_host_would)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)


def _handler(root: Path, prefix: str, log: list[tuple[int, str]]) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(root), **kwargs)

        def translate_path(self, path: str) -> str:
            # prefix/… → root/… (send_head has already answered every path outside the prefix)
            clean = urllib.parse.urlsplit(path).path
            return super().translate_path("/" + clean[len(prefix):])

        def send_head(self):
            clean = urllib.parse.urlsplit(self.path).path
            if prefix != "/" and clean == prefix.rstrip("/"):
                self.send_response(301)  # '/campaign' → '/campaign/', as a web server would
                self.send_header("Location", prefix)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return None
            if not clean.startswith(prefix):
                self.send_error(404, "outside the served prefix")
                return None
            return super().send_head()

        def log_request(self, code="-", size="-"):
            log.append((int(code) if isinstance(code, int) or str(code).isdigit() else 0, self.path))

        def log_message(self, format, *args):  # keep pytest output clean
            pass

    return Handler


def start_server(root: Path, prefix: str = "/") -> SiteServer:
    """Serve `root` on 127.0.0.1 (random free port) so that http://127.0.0.1:PORT{prefix} maps to root/."""
    inner = posixpath.normpath("/" + prefix.strip("/")).strip("/")
    prefix = "/" + urllib.parse.quote(inner) + "/" if inner else "/"  # as browsers send it: percent-encoded
    log: list[tuple[int, str]] = []
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _handler(Path(root), prefix, log))
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name=f"site-server{prefix}", daemon=True)
    thread.start()
    return SiteServer(Path(root), prefix, httpd, thread, log)


@contextlib.contextmanager
def serve_site(root: Path, prefix: str = "/") -> Iterator[SiteServer]:
    server = start_server(root, prefix)
    try:
        yield server
    finally:
        server.close()


@pytest.fixture(scope="session")
def site_server_factory():
    """Start more servers: `site_server_factory(demo_site, "/campaign/")`; all are stopped after the session."""
    servers: list[SiteServer] = []

    def start(root: Path, prefix: str = "/") -> SiteServer:
        server = start_server(root, prefix)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()


# --- the browser ------------------------------------------------------------------------------------------


_BROWSER: list["Browser"] = []  # one Chromium per test session, however many modules import the fixture


@pytest.fixture(scope="session")
def chromium_browser(request: pytest.FixtureRequest) -> "Browser":
    """One headless system Chromium for the whole session (skips/fails per require_browser). Modules
    import this fixture, which makes one fixture per module: they all share the one browser."""
    require_browser()
    if _BROWSER:
        return _BROWSER[0]
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    except Exception as error:
        playwright.stop()
        pytest.fail(f"Chromium at {CHROMIUM} did not start: {error}", pytrace=False)

    def close() -> None:
        _BROWSER.clear()
        browser.close()
        playwright.stop()

    _BROWSER.append(browser)
    request.config.add_cleanup(close)
    return browser


@contextlib.contextmanager
def open_page(browser: "Browser", base_url: str | None = None, viewport: dict | None = None,
              mobile: bool | None = None) -> Iterator["Page"]:
    """A fresh page in its own context (no shared cookies or cache); phone-sized unless told otherwise."""
    viewport = viewport or PHONE
    mobile = viewport["width"] < 600 if mobile is None else mobile
    context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, device_scale_factor=1,
                                  locale="zh-CN", base_url=base_url, service_workers="block")
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
