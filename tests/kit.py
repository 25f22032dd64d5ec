"""The one test kit: the repository's paths, fixture-site copies, builds as CI runs them, `gongkai check`, a local
server and a guarded browser page. Fixtures (the demo built once per session, the browser) are in conftest.py."""

from __future__ import annotations

import contextlib
import fcntl
import functools
import io
import filecmp
import http.server
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MINI = Path(__file__).parent / "fixtures" / "mini"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ENV = {"NO_MKDOCS_2_WARNING": "1"}
# The instant the tests build the demo for: its 征集 open or closed, its columns fresh or stale, the same on any
# day the tests run (``make site`` builds for the real clock).
DEMO_CLOCK = {"GONGKAI_AS_OF": "2026-11-30 12:00"}

GOOD_FRONT = """title: 测试市教育局关于开展读书月活动的通知
栏目: [gfxwj]
发布机构: jyj
成文日期: 2025-06-02
发布日期: 2025-06-04
文号: 测教发〔2025〕11号
索引号: 999100002/2025-00020
主题分类: 科技、教育
"""

# ---- sites ------------------------------------------------------------------------------------------------------


def copy_site(tmp_path: Path, fixture: Path) -> Path:
    """A writable copy of a fixture site."""
    root = tmp_path / "site-src"
    shutil.copytree(fixture, root)
    return root


def copy_mini(tmp_path: Path) -> Path:
    return copy_site(tmp_path, MINI)


def write_doc(root: Path, rel: str, front: str, body: str = "正文。\n") -> Path:
    """A document at content/wj/<rel> with the given front matter."""
    path = root / "content" / "wj" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"---\n{front.strip()}\n---\n\n{body}", encoding="utf-8")
    return path


# ---- builds -----------------------------------------------------------------------------------------------------


def mkdocs_build(config: Path, site_dir: Path, *, strict: bool = True, env: dict | None = None):
    """Run `mkdocs build` in a subprocess, as CI does; returns the CompletedProcess.

    Not with -q: MkDocs neither prints nor counts warnings then, so --strict could not fail on them.
    """
    cmd = [sys.executable, "-m", "mkdocs", "build", "-f", str(config), "-d", str(site_dir)]
    if strict:
        cmd.append("--strict")
    with checkout_build_lock(config):
        return subprocess.run(cmd, capture_output=True, text=True, cwd=config.parent,
                              env={**os.environ, **ENV, **(env or {})})


@contextlib.contextmanager
def checkout_build_lock(config: Path):
    """One build of the checkout's own mkdocs.yml at a time across pytest-xdist's workers: those builds share its
    build cache (.cache/gongkai beside mkdocs.yml). Builds of copies have their own cache and never wait."""
    if config.resolve().parent != ROOT:
        yield
        return
    lock = ROOT / ".cache" / "tests-build.lock"
    lock.parent.mkdir(exist_ok=True)
    with lock.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield


def build(root: Path, strict: bool = True, env: dict | None = None):
    """Build a site copy into <root>/site."""
    return mkdocs_build(root / "mkdocs.yml", root / "site", strict=strict, env=env)


def gongkai_check(root: Path, *args: str, env: dict | None = None):
    """Run `gongkai check` on a site copy, as an editor or CI would."""
    return subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(root / "mkdocs.yml"), *args],
                          capture_output=True, text=True, cwd=root, env={**os.environ, **ENV, **(env or {})})


# ---- serving and browsing ---------------------------------------------------------------------------------------


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output readable
        pass


def run_import(root: Path, *args: str) -> tuple[int, str, str]:
    """Run `gongkai import` in the site folder, as an editor would; (exit code, stdout, stderr)."""
    from gongkai import cli

    out, err = io.StringIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(root)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(["import", *args])
    finally:
        os.chdir(cwd)
    return code, out.getvalue(), err.getvalue()


def serve(directory: Path) -> tuple[str, http.server.ThreadingHTTPServer]:
    """Serve a built site on localhost: (base URL without trailing slash, server to shut down)."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@contextlib.contextmanager
def guarded_page(browser, base_url: str, *, script_errors: bool = False, **context_options):
    """A fresh page that fails the test on any request to another host (and, if asked, on script errors).

    ``context_options`` go to Playwright's new_context (viewport, device_scale_factor, timezone_id …)."""
    context = browser.new_context(**{"locale": "zh-CN", **context_options})
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


def differences(a: Path, b: Path) -> list[str]:
    """Relative paths that differ between two built sites; sitemap dates are the build's, so skipped."""
    out = []

    def walk(cmp: filecmp.dircmp, prefix: str):
        out.extend(prefix + n for n in cmp.left_only + cmp.right_only + cmp.funny_files)
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        out.extend(prefix + n for n in mismatch + errors if not n.startswith("sitemap.xml"))
        for name, sub in cmp.subdirs.items():
            walk(sub, f"{prefix}{name}/")

    walk(filecmp.dircmp(a, b), "")
    return out
