"""MkDocs' page loop shared with a forked process (gongkai/plugins/catalog/split.py) publishes what a one-process
build publishes, says what it says, and leaves a cache with which later builds carry pages as after a one-process
build — also when the second process dies, or a page it makes says something."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

import test_carried_pages as carried
from kit import DEMO_CLOCK, mkdocs_build
from test_buildcache import demo_copy
from test_buildcache_sweep import tree

pytestmark = pytest.mark.build

SPLIT = re.compile(r"构建缓存：(\d+) 个页面由第二个进程生成")
TWO = {"GONGKAI_WORKERS": "2"}
ONE = {"GONGKAI_WORKERS": "1"}


def _patched(tmp_path: Path, code: str) -> dict:
    """An environment whose Python processes run ``code`` first (a ``sitecustomize`` module)."""
    folder = tmp_path / "patch"
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(code, encoding="utf-8")
    return {"PYTHONPATH": os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))}


def _build(root: Path, site: str, env: dict, strict: bool = True):
    return mkdocs_build(root / "mkdocs.yml", root / site, strict=strict, env={**DEMO_CLOCK, **env})


def _said(result) -> list[str]:
    """What a build said, but the lines that differ between one process and two by design (timings, the cache's
    counts of this build, the staging folder's name)."""
    lines = []
    for line in result.stderr.splitlines():
        if "构建缓存" in line or "Documentation built in" in line or "用时" in line or "每秒" in line:
            continue
        lines.append(re.sub(r"\.site-building-\w+|\.(\w+)-building-\w+", "<staging>", line))
    return lines


def _same_site(a: Path, b: Path) -> None:
    one, two = tree(a), tree(b)
    assert sorted(one) == sorted(two)
    assert [name for name in one if one[name] != two[name]] == []


def test_the_demo_split_over_two_processes_is_the_demo_of_one(tmp_path):
    root = demo_copy(tmp_path)
    two = _build(root, "two", TWO)
    assert two.returncode == 0, two.stderr[-3000:]
    made = SPLIT.search(two.stderr)
    assert made and int(made.group(1)) > 100, two.stderr[-3000:]  # the second process made a real share
    shutil.rmtree(root / ".cache")
    one = _build(root, "one", ONE)
    assert one.returncode == 0, one.stderr[-3000:]
    assert not SPLIT.search(one.stderr)
    _same_site(root / "two", root / "one")
    assert _said(two) == _said(one)


# The second process dies at its fifth page, leaving that page's file cut short.
DIES = """
import os
from gongkai.plugins.catalog import split

_claim = split.SplitPages._claim_last
_count = [0]

def _claim_last(self):
    index = _claim(self)
    _count[0] += 1
    if index is not None and _count[0] == 5:
        page = self.pages[index]
        os.makedirs(os.path.dirname(page.file.abs_dest_path), exist_ok=True)
        with open(page.file.abs_dest_path, "w") as fh:
            fh.write("<html>cut sh")
        os._exit(3)
    return index

split.SplitPages._claim_last = _claim_last
"""


def test_a_second_process_that_dies_leaves_the_build_whole(tmp_path):
    root = demo_copy(tmp_path)
    env = _patched(tmp_path, DIES)
    # Over a published site with the same pages: a page the build makes again is then kept from it, not written,
    # and a cut-short file left at its name in the staging folder would be what gets published.
    assert _build(root, "two", ONE).returncode == 0
    shutil.rmtree(root / ".cache")
    two = _build(root, "two", {**TWO, **env})
    assert two.returncode == 0, two.stderr[-3000:]
    assert not SPLIT.search(two.stderr)  # nothing of it was taken
    assert not list((root / ".cache" / "gongkai").glob(".split-*")), "its entries file is left behind"
    one = _build(root, "one", {**ONE, **env, "GONGKAI_CACHE": "0"})
    _same_site(root / "two", root / "one")
    # The cache the build saved is a one-process build's: the next build replays it.
    again = _build(root, "two", {**TWO, **env})
    assert again.returncode == 0 and "与上次构建相同" in again.stderr, again.stderr[-3000:]
    _same_site(root / "two", root / "one")


# A page says something (a warning) wherever it is made: the first page the second process makes is noted in a
# file, and from then on, in either process, making that page logs a warning.
WARNS = """
import logging, os
from pathlib import Path
from gongkai.plugins.catalog import caching

_keep = caching.BuildCacheSession.keep
_main = os.getpid()

def keep(self, output, page):
    marker = Path(os.environ["SPLIT_MARKER"])
    if os.getpid() != _main and not marker.exists():
        marker.write_text(page.file.src_uri)
    if marker.exists() and marker.read_text() == page.file.src_uri:
        logging.getLogger("mkdocs.plugins.test").warning(f"页面 {page.file.src_uri} 有话要说")
    return _keep(self, output, page)

caching.BuildCacheSession.keep = keep
"""


def test_a_page_that_says_something_is_made_again_by_the_build(tmp_path):
    root = demo_copy(tmp_path)
    env = {**_patched(tmp_path, WARNS), "SPLIT_MARKER": str(tmp_path / "marker")}
    two = _build(root, "two", {**TWO, **env}, strict=False)
    page = (tmp_path / "marker").read_text()
    said = [line for line in two.stderr.splitlines() if line.startswith("WARNING") and "有话要说" in line]
    assert said == [f"WARNING -  页面 {page} 有话要说"], two.stderr[-3000:]  # once, from the build, in its place
    made = SPLIT.search(two.stderr)
    assert made and int(made.group(1)) > 100, two.stderr[-3000:]
    one = _build(root, "one", {**ONE, **env}, strict=False)  # the patch acts where the cache records a page
    # gongkai counts a warning as an error: neither build publishes, and both say the same.
    assert two.returncode == one.returncode == 1
    assert not (root / "two").exists() and not (root / "one").exists()
    assert _said(two) == _said(one)
    assert not list((root / ".cache" / "gongkai").glob(".split-*"))


# ---- the carried pages' histories, every build split (the mini site has fewer pages than MIN_PAGES) ----------

SPLIT_ALWAYS = "from gongkai.plugins.catalog import split\nsplit.MIN_PAGES = 1\n"


@pytest.fixture(scope="module")
def split_site(tmp_path_factory) -> tuple[Path, Path, int, dict]:
    base = tmp_path_factory.mktemp("split")
    env = {**_patched(base, SPLIT_ALWAYS), **TWO}
    root = carried.make_site(base / "site-src")
    result = carried.build(root, "site", env)
    assert result.returncode == 0, result.stderr[-3000:]
    assert SPLIT.search(result.stderr), result.stderr[-3000:]
    total = carried.PAGES.search(result.stderr)
    shutil.copytree(root, base / "warm", symlinks=True)
    return root, base / "warm", int(total.group(1)), env


CASES = [carried.one_body, carried.unmasked_id_number_then_masked, carried.anchor_disappears_then_appears,
         carried.title_changed, carried.document_added, carried.two_new_documents_shift_the_pages]


@pytest.mark.parametrize("case", CASES, ids=[c.__name__ for c in CASES])
def test_a_build_after_a_split_build_equals_a_clean_one(split_site, case):
    root, warm, total, env = split_site
    shutil.rmtree(root)
    shutil.copytree(warm, root, symlinks=True)
    history = carried.History(root, total)
    history.env = dict(env)
    case(history)


def test_a_build_process_too_large_to_share_makes_its_pages_alone(tmp_path):
    root = demo_copy(tmp_path)
    env = _patched(tmp_path, "from gongkai.plugins.catalog import split\nsplit.MAX_SHARED_MB = 1\n")
    result = _build(root, "site", {**TWO, **env})
    assert result.returncode == 0, result.stderr[-3000:]
    assert not SPLIT.search(result.stderr)
    assert (root / "site" / "index.html").is_file()
