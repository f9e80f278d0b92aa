"""The console in a real browser: the whole platform as real processes (the console among them) with the demo
data `make run` loads, and Debian's Chromium driven by Playwright. Chromium missing is a failure, never a
skip: `make test` installs it."""

from __future__ import annotations

import http.server
import json
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from platform_stack import Stack, load_demo_data, platform
from playwright.sync_api import Browser, BrowserContext, Playwright, sync_playwright

from console_helpers import PHONE, Frontend

CHROMIUM = "/usr/bin/chromium"
# As root in a container, and with no traffic to Google's hosts (the machine's network is closed).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PASSWORD = "browser-demo-password"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(scope="session")
def frontend() -> Iterator[Frontend]:
    class BlankPage(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<!doctype html><title>frontend</title>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), BlankPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Frontend(f"http://127.0.0.1:{server.server_address[1]}")
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def console(
    database_factory: Callable[[str], str], tmp_path_factory: pytest.TempPathFactory, frontend: Frontend
) -> Iterator[Stack]:
    files = tmp_path_factory.mktemp("console")
    cors = {"KKB_GATEWAY_CORS_ORIGINS": json.dumps([frontend.origin])}
    with platform(database_factory, "browser", PASSWORD, files, cors, web=True) as stack:
        load_demo_data(stack)
        yield stack


# Module-scoped, never longer: while Playwright's sync API is started, its event loop counts as running in this
# thread, and the async tests that a worker runs after these would find a loop already running.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    if shutil.which(CHROMIUM) is None:
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package", pytrace=False)
    launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield launched
    launched.close()


@pytest.fixture(scope="session")
def screenshots(backend: str) -> Path:
    folder = SCREENSHOTS / backend
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    opened = browser.new_context(viewport=PHONE, accept_downloads=True)
    yield opened
    opened.close()
