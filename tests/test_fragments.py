"""Blocks of material's base.html rendered once per position (gongkai/plugins/catalog/fragments.py): the same bytes
as rendering them for every page, and never reused where the page would see other ones."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from markupsafe import Markup

from gongkai.plugins.catalog import fragments
from gongkai.plugins.catalog.fragments import FragmentMemo
from kit import ENV, MINI, copy_site, differences


def config(**extra):
    return SimpleNamespace(theme={"features": ["navigation.footer"]}, extra=extra, extra_javascript=["js/a.js"],
                           extra_css=["assets/x.css"], site_dir="site")


def page(url):
    return SimpleNamespace(url=url)


def memo(**extra):
    found = FragmentMemo()
    found.reset(config(**extra), SimpleNamespace())
    return found


@pytest.fixture(autouse=True)
def no_site_dirs(monkeypatch):
    monkeypatch.setattr(fragments, "site_template_dirs", lambda config: [])


def test_a_block_is_reused_only_where_its_urls_are_the_same():
    m = memo()
    same_depth = [m.key("scripts", page(u), "../../..") for u in ("wj/a/b/", "xxgk/c/d/", "wzdt/e/f/")]
    assert len(set(same_depth)) == 1
    assert m.key("scripts", page("wj/a/"), "../..") != same_depth[0]  # another depth
    # A page in a folder the block links into: a relative URL there is shorter, so it shares with no page.
    assert m.key("scripts", page("assets/a/b/"), "../../..") not in same_depth
    assert m.key("scripts", page("js/a/b/"), "../../..") not in same_depth  # a site's extra_javascript folder
    assert m.key("scripts", page("assets/a/b/"), "../../..") != m.key("scripts", page("assets/c/d/"), "../../..")
    assert m.key("scripts", None, "../../..") not in same_depth  # a template without a page (404.html)
    assert m.key("header", page("wj/a/b/"), "../../..") is None  # not one of the blocks
    assert m.key("analytics", page("wj/a/b/"), "../../..") is not None
    # An analytics provider's partial may read the page: its block is rendered for each page.
    assert memo(analytics={"provider": "google"}).key("analytics", page("wj/a/b/"), "../../..") is None
    assert memo(version={"provider": "mike"}).key("config", page("wj/a/b/"), "../../..") != \
        m.key("config", page("wj/a/b/"), "../../..")  # settings the block shows


def test_the_memo_renders_once_per_key_and_gives_the_first_rendering():
    m = memo()
    calls = []

    def caller(text):
        def render():
            calls.append(text)
            return Markup(text)
        return render

    assert m("scripts", page("wj/a/b/"), "../../..", caller("<deep>")) == "<deep>"
    assert m("scripts", page("xxgk/c/d/"), "../../..", caller("<other>")) == "<deep>"
    assert m("scripts", page("wj/a/"), "../..", caller("<shallow>")) == "<shallow>"
    assert calls == ["<deep>", "<shallow>"]


def test_a_site_that_overrides_the_frame_gets_no_memo(tmp_path, monkeypatch):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials/icons.html").write_text("{{ page.title }}", encoding="utf-8")
    monkeypatch.setattr(fragments, "site_template_dirs", lambda config: [tmp_path])
    m = FragmentMemo()
    m.reset(config(), SimpleNamespace())
    assert not m.enabled and m.key("styles", page("wj/a/"), "../..") is None


class Recorder:
    """The build cache's recorder as the memo uses it: the templates and reads of the page being rendered."""

    def __init__(self):
        self.templates, self.reads, self.volatile = {}, {}, False

    def digest(self, name, env):
        return f"digest of {name}"


def test_a_reused_block_records_the_templates_it_loaded(monkeypatch):
    m = memo()
    recorder = m._recorder = Recorder()

    def first():
        recorder.templates["partials/icons.html"] = "digest of partials/icons.html"
        return Markup("<style>")

    m("styles", page("wj/a/"), "../..", first)
    recorder.templates = {"main.html": "x"}  # the next page
    assert m("styles", page("xxgk/b/"), "../..", lambda: Markup("other")) == "<style>"
    assert recorder.templates == {"main.html": "x", "partials/icons.html": "digest of partials/icons.html"}


def test_a_block_that_read_a_recorded_or_volatile_value_is_never_reused():
    m = memo()
    recorder = m._recorder = Recorder()

    def reads_a_view():
        recorder.reads["[\"c:gongkai\", [[\"site\", null]]]"] = "d"
        return Markup("a")

    def reads_the_time():
        recorder.volatile = True
        return Markup("b")

    m("scripts", page("wj/a/"), "../..", reads_a_view)
    assert m("scripts", page("xxgk/b/"), "../..", lambda: Markup("again")) == "again"
    m("config", page("wj/a/"), "../..", reads_the_time)
    recorder.volatile = False
    assert m("config", page("xxgk/b/"), "../..", lambda: Markup("again")) == "again"


@pytest.mark.build
@pytest.mark.parametrize("cache", ["1", "0"])
def test_the_site_is_the_same_with_and_without_the_memo(tmp_path, monkeypatch, cache):
    """Every page of a site built in one process with the memo and without it: the same bytes."""
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    monkeypatch.undo()  # the real site folders, not the autouse stand-in
    for name, value in {**ENV, "GONGKAI_CACHE": cache}.items():
        monkeypatch.setenv(name, value)
    sites = {}
    real = FragmentMemo.__call__
    for label in ("memo", "plain"):
        root = copy_site(tmp_path / label, MINI)
        monkeypatch.chdir(root)
        if label == "plain":
            monkeypatch.setattr(FragmentMemo, "key", lambda self, *args: None)
        hits = []

        def counted(self, name, page, base_url, caller):
            hits.append(self.key(name, page, base_url) in self.html)
            return real(self, name, page, base_url, caller)

        monkeypatch.setattr(FragmentMemo, "__call__", counted)
        build(load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site")))
        sites[label] = root / "site"
        if label == "memo":
            assert sum(hits) > len(hits) / 2  # most pages took the blocks from the memo
    assert differences(sites["memo"], sites["plain"]) == []
