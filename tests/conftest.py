"""Shared fixtures: the demo site is built once per test session and served on localhost (helpers: kit.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import CHROMIUM, CHROMIUM_ARGS, DEMO_CLOCK, ROOT, guarded_page, mkdocs_build, serve

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
    """The demo site built with --strict for the tests' fixed instant, once per session; the build must be clean."""
    site = tmp_path_factory.mktemp("demo") / "site"
    result = mkdocs_build(ROOT / "mkdocs.yml", site, env=DEMO_CLOCK)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return site


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


@pytest.fixture
def page(browser, demo_url):
    with guarded_page(browser, demo_url) as pg:
        yield pg
