"""Shared fixtures: the demo site is built once per test session and served on localhost (helpers: kit.py)."""

from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path

import pytest

from kit import CHROMIUM, CHROMIUM_ARGS, DEMO_CLOCK, ROOT, guarded_page, mkdocs_build, serve

BROWSER_FIXTURES = {"browser", "page", "demo_url"}
WORKERS = "GONGKAI_WORKERS"  # gongkai/parallel.py


def pytest_configure(config):
    """Under pytest-xdist (``make test``) every core already runs a pytest worker: a build there that forks two
    processes of its own (gongkai/parallel.py) only has them wait on each other (test_plugin_order.py on 2 cores:
    wall 74 s with one build process against 155 s with two, the same CPU seconds). So builds run in their own
    process, unless GONGKAI_WORKERS is set, a test sets it for its build (test_parallel_build.py), or its file is
    marked ``forked_workers``. test_parallel_build.py proves one process and two publish the same bytes."""
    if os.environ.get("PYTEST_XDIST_WORKER") and WORKERS not in os.environ:
        os.environ[WORKERS] = "1"
        config.stash[_ONE_PROCESS] = True


_ONE_PROCESS = pytest.StashKey[bool]()


@pytest.fixture(scope="module", autouse=True)
def _forked_workers(request):
    """A file marked ``forked_workers`` builds with the default number of processes under pytest-xdist too."""
    if not (request.config.stash.get(_ONE_PROCESS, False) and request.node.get_closest_marker("forked_workers")):
        yield
        return
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv(WORKERS)
        yield


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
    """The demo site built with --strict for the tests' fixed instant, once per session; the build must be clean.

    Under pytest-xdist (``make test``) the first worker that needs it builds it into the run's shared temporary
    folder and the others read that one copy (no test writes into it); a worker finding no clean build there
    builds again, so a failing build fails in every worker that needs it."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        return _build_demo(tmp_path_factory.mktemp("demo") / "site")
    shared = tmp_path_factory.getbasetemp().parent / "demo"
    shared.mkdir(exist_ok=True)
    with (shared / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "clean").exists():
            shutil.rmtree(shared / "site", ignore_errors=True)
            _build_demo(shared / "site")
            (shared / "clean").touch()
    return shared / "site"


@pytest.fixture(scope="session")
def demo_build_log(demo_site) -> str:
    """What the demo_site build printed (MkDocs' log on stderr)."""
    return (demo_site.parent / "build.log").read_text(encoding="utf-8")


def _build_demo(site: Path) -> Path:
    result = mkdocs_build(ROOT / "mkdocs.yml", site, env=DEMO_CLOCK)
    (site.parent / "build.log").write_text(result.stderr, encoding="utf-8")
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
