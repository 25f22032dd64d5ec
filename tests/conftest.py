"""Shared fixtures: the demo site is built once per test session and served on localhost."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


def mkdocs_build(config: Path, site_dir: Path, *, strict: bool = True, env: dict | None = None):
    """Run `mkdocs build` in a subprocess, as CI does; returns the CompletedProcess.

    Not with -q: MkDocs neither prints nor counts warnings then, so --strict could not fail on them.
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    if strict:
        cmd.append("--strict")
    return subprocess.run(cmd, capture_output=True, text=True, cwd=config.parent,
                          env={**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})})


BROWSER_FIXTURES = {"browser", "page", "demo_url"}


def pytest_collection_modifyitems(items):
    """A test that drives Chromium is a browser test, one that needs the built demo a build test, whatever its file."""
    for item in items:
        names = set(getattr(item, "fixturenames", ()))
        if names & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        elif "demo_site" in names:
            item.add_marker(pytest.mark.build)


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory) -> Path:
    """The demo site built with --strict; the build must be clean."""
    site = tmp_path_factory.mktemp("demo") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


def serve(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.fixture(scope="session")
def demo_url(demo_site):
    """Base URL (no trailing slash) of the demo site served on localhost."""
    url, server = serve(demo_site)
    yield url
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    """Headless Debian chromium driven by Playwright."""

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@contextlib.contextmanager
def guarded_page(browser, base_url: str, *, script_errors: bool = False):
    """A fresh page that fails the test on any request to another host (and, if asked, on script errors)."""
    context = browser.new_context(locale="zh-CN")
    pg = context.new_page()
    foreign: list[str] = []
    errors: list[str] = []
    pg.on("request", lambda r: None if r.url.startswith((base_url, "data:", "blob:", "about:"))
          else foreign.append(r.url))
    pg.on("pageerror", lambda e: errors.append(str(e)))
    yield pg
    context.close()
    assert not foreign, f"requests to other hosts: {foreign}"
    if script_errors:
        assert not errors, f"script errors: {errors}"


@pytest.fixture
def page(browser, demo_url):
    with guarded_page(browser, demo_url) as pg:
        yield pg
