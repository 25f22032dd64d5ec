"""Pages carried over when other documents' metadata changed (issue 20: a title, a new 通知, a withdrawn one).

tests/test_carried_pages.py proves the cases on a small site with every kind of link and relation; here the demo
site, with every gongkai plugin (feeds, 网站年度报表, 无障碍声明, 年报, search and its export), goes through a title
change and a new document, each cached build compared with a clean one in every byte. And the one assumption
carrying across metadata makes of the plugins is checked: the Jinja globals they add in ``on_env`` are what they
said they would add before MkDocs read any page (``template_globals``), on which the carried pages' template
reads were evaluated.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import jinja2
import pytest
from mkdocs.exceptions import PluginError

from gongkai.plugins.catalog.caching import PageRecorder
from kit import ROOT, mkdocs_build
from test_buildcache_sweep import NO_CACHE, tree
from test_carried_pages import CARRIED, EXPORT_IDS

AS_OF = {"GONGKAI_AS_OF": "2026-11-30 12:00", "SOURCE_DATE_EPOCH": "1795000000"}


def _recorder(previewed: dict) -> PageRecorder:
    recorder = PageRecorder()
    recorder._lookup = jinja2.Environment()  # the theme's own globals: none here
    recorder.preview(previewed)
    return recorder


def test_globals_added_as_previewed_pass():
    view = object()
    recorder = _recorder({"gk_feeds": view, "gongkai_search_url": "search/"})
    recorder.preview(None, used=True)
    recorder.env = jinja2.Environment()
    recorder.env.globals.update(gk_feeds=view, gongkai_search_url="search/")
    recorder.track_globals()
    assert set(recorder._globals) == {"gk_feeds", "gongkai_search_url"}


@pytest.mark.parametrize("added", [{"gk_feeds": object(), "gongkai_search_url": "search/"},
                                   {"gongkai_search_url": "search/"},
                                   {"gk_feeds": "same object expected", "gongkai_search_url": "search/",
                                    "gk_other": 1}])
def test_globals_other_than_previewed_stop_the_build(added):
    """Pages were carried on what the plugins said: a global of another value, missing or extra, ends the build
    with a message naming the way out (a build without the cache), never a site made of two different inputs."""
    recorder = _recorder({"gk_feeds": object(), "gongkai_search_url": "search/"})
    recorder.preview(None, used=True)
    recorder.env = jinja2.Environment()
    recorder.env.globals.update(added)
    with pytest.raises(PluginError, match="GONGKAI_CACHE=0"):
        recorder.track_globals()


def test_a_preview_no_page_was_carried_on_is_not_checked():
    recorder = _recorder({"gk_feeds": object()})
    recorder.preview(None, used=False)
    recorder.env = jinja2.Environment()
    recorder.env.globals["gk_feeds"] = object()
    recorder.track_globals()  # no page depended on it: nothing to stop


# ---- the demo site -------------------------------------------------------------------------------------------


def _compare(root: Path, step: str, env: dict = AS_OF):
    shutil.rmtree(root / "clean", ignore_errors=True)
    ids = root / "site" / EXPORT_IDS
    if ids.is_file():  # a clean build over the published site knows its export's ids too
        (root / "clean" / EXPORT_IDS).parent.mkdir(parents=True)
        shutil.copy2(ids, root / "clean" / EXPORT_IDS)
    cached = mkdocs_build(root / "mkdocs.yml", root / "site", env=env)
    clean = mkdocs_build(root / "mkdocs.yml", root / "clean", env={**env, **NO_CACHE})
    assert cached.returncode == 0 and clean.returncode == 0, (step, cached.stderr[-3000:], clean.stderr[-3000:])
    a, b = tree(root / "site"), tree(root / "clean")
    assert sorted(a) == sorted(b), step
    assert [name for name in a if a[name] != b[name]] == [], step
    return cached


def _demo(tmp_path: Path, env: dict = AS_OF) -> tuple[Path, int]:
    """A copy of the demo built cold: (its folder, its number of pages)."""
    root = tmp_path / "demo"
    root.mkdir()
    for name in ("mkdocs.yml", "catalog", "content", "overrides", "hooks", "snippets"):
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, root / name, symlinks=True)
        elif (ROOT / name).is_file():
            shutil.copy2(ROOT / name, root / name)
    cold = mkdocs_build(root / "mkdocs.yml", root / "site", env=env)
    assert cold.returncode == 0, cold.stderr[-3000:]
    return root, int(re.search(r"构建缓存：(\d+) 个页面中", cold.stderr).group(1))


@pytest.mark.build
def test_the_demo_retitled_and_a_document_added(tmp_path):
    root, pages = _demo(tmp_path)

    docs = sorted((root / "content/wj").rglob("*.md"))
    doc = docs[len(docs) // 2]
    text = doc.read_text(encoding="utf-8")
    title = re.search(r"^title: (.*)$", text, flags=re.M).group(1)
    doc.write_text(text.replace(f"title: {title}", f"title: {title}（修订）", 1), encoding="utf-8")
    cached = _compare(root, "title")
    carried = CARRIED.search(cached.stderr)
    assert carried and int(carried.group(1)) > pages // 2, cached.stderr[-3000:]
    url = doc.relative_to(root / "content").with_suffix("").as_posix()
    assert f"{title}（修订）" in (root / "site" / url / "index.html").read_text(encoding="utf-8")

    new = doc.with_name("zz-" + doc.name)
    text = doc.read_text(encoding="utf-8")
    text = re.sub(r"^(索引号: \S+-)(\d+)$", lambda m: m.group(1) + "9" + m.group(2)[1:], text, count=1, flags=re.M)
    text = re.sub(r"^title: (.*)$", r"title: \1（补发）", text, count=1, flags=re.M)
    new.write_text(re.sub(r"^文号: .*\n", "", text, flags=re.M), encoding="utf-8")
    cached = _compare(root, "new document")
    carried = CARRIED.search(cached.stderr)
    assert carried and int(carried.group(1)) > pages // 2, cached.stderr[-3000:]


@pytest.mark.build
def test_the_demo_on_later_days_across_a_year(tmp_path):
    """The first publish of each day, nothing else changed: the last evening of a year and the next morning (the
    year's lists, 目录 and checks turn), then a day past the 年报's deadline. Pages are carried each time and the
    site is a clean build's."""
    root, pages = _demo(tmp_path)
    for day in ("2026-12-31 23:00", "2027-01-01 08:00", "2027-04-01 09:00"):
        cached = _compare(root, day, {**AS_OF, "GONGKAI_AS_OF": day})
        carried = CARRIED.search(cached.stderr)
        assert carried and int(carried.group(1)) > pages // 2, (day, cached.stderr[-3000:])
