"""What a build lets go of once nothing needs it (gongkai/plugins/catalog/memory.py; docs/performance.md "Memory").

A written page of the core gives up its HTML, its table of contents and its prev/next links, unless a plugin or hook
we do not know acts at the end of the build, which then sees every page as MkDocs keeps it; either way the site
is the same in every byte. The recorder's memo keeps the reads that recur and forgets those of one page.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.plugins.catalog import memory
from gongkai.plugins.catalog.caching import PageRecorder
from gongkai.plugins.catalog.memory import BoundedMemo, PageRelease, unknown_post_build

from kit import build, copy_mini, differences

HEADED = "wj/jyj/2025/gf-2.md"  # a document of the mini site, given two headings below
LINKING = "wj/jyj/2025/gf-1.md"  # links to the second heading of HEADED

# Notes, for every document page, what MkDocs still holds of it: at the end of the build (on_post_build, only when
# asked: a hook's on_post_build is one the core does not know) and once the build is over (on_shutdown).
PROBE = '''
import json, os

_files = None


def on_env(env, config, files):
    global _files
    _files = files


def held(name):
    out = {}
    for file in _files.documentation_pages():
        page = file.page
        if file.src_uri.startswith("wj/"):
            out[file.src_uri] = {"content": len(page.content or ""), "toc": [a.title for a in page.toc],
                                 "anchors": sorted(page.present_anchor_ids or ()),
                                 "neighbours": [page.previous_page is not None, page.next_page is not None]}
    with open(os.path.join(os.environ["PROBE_DIR"], name), "w", encoding="utf-8") as fh:
        json.dump(out, fh, ensure_ascii=False)


def on_shutdown():
    held("shutdown.json")
'''

POST_BUILD = '''

def on_post_build(config):
    held("post_build.json")
'''


def probed_site(tmp_path: Path, name: str, hook: str) -> Path:
    root = copy_mini(tmp_path / name)
    doc = root / "content" / HEADED
    doc.write_text(doc.read_text(encoding="utf-8") + "\n## 工作要求\n\n按时完成。\n\n## 联系方式\n\n电话咨询。\n",
                   encoding="utf-8")
    doc = root / "content" / LINKING
    doc.write_text(doc.read_text(encoding="utf-8") + "\n另见[联系方式](gf-2.md#_2)。\n", encoding="utf-8")
    (root / "probe.py").write_text(hook, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks:\n  - probe.py\n", encoding="utf-8")
    return root


@pytest.mark.build
def test_a_written_page_of_the_core_lets_go_of_its_html_toc_and_neighbours_and_the_site_is_the_same(tmp_path):
    quiet = probed_site(tmp_path, "quiet", PROBE)
    result = build(quiet, env={"PROBE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    after = json.loads((tmp_path / "shutdown.json").read_text(encoding="utf-8"))
    assert HEADED in after and len(after) >= 5
    for src, page in after.items():
        # Anchors only where a link points into one: MkDocs checks it after the last page is written.
        anchors = ["_1", "_2"] if src == HEADED else []
        assert page == {"content": 0, "toc": [], "anchors": anchors, "neighbours": [False, False]}, src
    # The headings were there while the page rendered: its 目录 sidebar shows them.
    html = (quiet / "site" / HEADED.removesuffix(".md") / "index.html").read_text(encoding="utf-8")
    assert "工作要求" in html and 'href="#_2"' in html

    # A hook acting at the end of the build: nothing is released, and the site is byte for byte the same.
    keeping = probed_site(tmp_path, "keeping", PROBE + POST_BUILD)
    result = build(keeping, env={"PROBE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    assert differences(quiet / "site", keeping / "site") == []


@pytest.mark.build
def test_a_plugin_acting_at_the_end_of_the_build_still_sees_every_page_as_mkdocs_keeps_it(tmp_path):
    root = probed_site(tmp_path, "keeping", PROBE + POST_BUILD)
    result = build(root, env={"PROBE_DIR": str(tmp_path)})
    assert result.returncode == 0, result.stderr
    seen = json.loads((tmp_path / "post_build.json").read_text(encoding="utf-8"))
    assert HEADED in seen and len(seen) >= 5
    assert all(page["content"] > 0 for page in seen.values()), seen
    assert seen[HEADED]["toc"] == ["工作要求", "联系方式"]
    assert all(page["anchors"] for page in seen.values() if page["toc"])
    assert any(page["neighbours"] != [False, False] for page in seen.values())


class _Plugins:
    def __init__(self, handlers: dict):
        self.events = {"post_build": list(handlers)}
        self._event_origins = handlers


class _Config:
    def __init__(self, handlers: dict):
        self.plugins = _Plugins(handlers)


def _handler(module: str):
    def on_post_build(config):
        pass
    on_post_build.__module__ = module
    return on_post_build


def test_only_plugins_we_do_not_know_keep_the_pages():
    ours = {_handler("gongkai.plugins.search.plugin"): "gongkai/search", _handler("material.plugins.search.plugin"):
            "material/search", _handler("mkdocs.contrib.search"): "search"}
    assert unknown_post_build(_Config(ours)) == []
    theirs = {**ours, _handler("mkdocs_rss_plugin.plugin"): "rss", _handler("probe"): "hooks/probe.py",
              _handler("gongkaiextra.plugin"): "gongkaiextra"}
    assert unknown_post_build(_Config(theirs)) == ["rss", "hooks/probe.py", "gongkaiextra"]


class _File:
    def __init__(self, src_uri: str, page=None):
        self.src_uri, self.page = src_uri, page


class _Files(list):
    def documentation_pages(self):
        return self


class _Page:
    def __init__(self, src_uri: str, links_into: tuple = ()):
        self.file = _File(src_uri, self)
        self.content, self.toc, self.previous_page, self.next_page = "<p>正文</p>", ["toc"], object(), object()
        self.present_anchor_ids = {"_1"}
        self.links_to_anchors = {_File(target): {"_1": f"{target}#_1"} for target in links_into} or None


def test_release_trims_the_allocator_every_so_many_pages_and_nothing_when_a_plugin_keeps_them(monkeypatch):
    trims = []
    monkeypatch.setattr(memory, "trim", lambda: trims.append(1))
    monkeypatch.setattr(memory, "TRIM_EVERY", 3)
    pages = [_Page(f"p{i}.md", links_into=("p3.md",) if i == 5 else ()) for i in range(7)]
    release = PageRelease(_Config({}), _Files(p.file for p in pages))
    for page in pages:
        release.page_written(page)
    assert len(trims) == 2
    assert all(p.content == "" and list(p.toc) == [] and p.previous_page is p.next_page is None for p in pages)
    assert [sorted(p.present_anchor_ids) for p in pages] == [[], [], [], ["_1"], [], [], []]

    kept = PageRelease(_Config({_handler("probe"): "hooks/probe.py"}), _Files())
    page = _Page("p.md")
    kept.page_written(page)
    assert not kept.active and kept.keepers == ["hooks/probe.py"]
    assert page.content == "<p>正文</p>" and page.toc == ["toc"] and page.next_page is not None
    assert page.present_anchor_ids == {"_1"}


def test_the_memo_keeps_the_most_recently_used_entries_only():
    memo = BoundedMemo(3)
    for key in "abc":
        memo[key] = key.upper()
    assert memo.get("a") == "A"  # now the most recent: "b" is the oldest
    memo["d"] = "D"
    assert sorted(memo) == ["a", "c", "d"] and memo.get("b") is None and memo.get("b", 0) == 0
    memo["c"] = "C2"
    memo["e"] = "E"
    assert sorted(memo) == ["c", "d", "e"] and memo.get("c") == "C2"


def test_the_recorders_memo_of_described_values_is_bounded_and_keeps_what_recurs(monkeypatch):
    recorder = PageRecorder()
    recorder.reads = {}
    shared = ["示例市人民政府"]  # a value read by every page (the site's name, say)
    described = []
    real = __import__("gongkai.plugins.catalog.caching", fromlist=["describe"]).describe

    def counting(value, *args, **kwargs):
        described.append(value)
        return real(value, *args, **kwargs)

    monkeypatch.setattr("gongkai.plugins.catalog.caching.describe", counting)
    size = memory.MEMO_SIZE
    for i in range(size * 3):  # as many pages, each reading the shared value and one of its own
        recorder.note("c:gongkai", (("site", None),), "示例市", base=shared)
        own = [f"文件{i}"]
        recorder.note("c:document", (("title", None),), f"标题{i}", base=own)
    assert len(recorder._described) <= size
    assert described.count("示例市") == 1  # described once, found in the memo on every later page


def test_mkdocs_memo_of_split_paths_is_emptied_with_each_trim(monkeypatch):
    import mkdocs.utils

    monkeypatch.setattr(memory, "trim", lambda: None)
    monkeypatch.setattr(memory, "TRIM_EVERY", 3)
    pages = [_Page(f"p{i}.md") for i in range(3)]
    release = PageRelease(_Config({}), _Files(p.file for p in pages))
    sizes = []
    for i, page in enumerate(pages):
        mkdocs.utils.get_relative_url(f"wj/d{i}/", f"lm/p{i}/")  # what a page's links leave in MkDocs' memo
        release.page_written(page)
        sizes.append(mkdocs.utils._norm_parts.cache_info().currsize)
    assert sizes[1] >= 4 and sizes[2] == 0


def test_a_rendered_page_lets_go_of_its_time_limit_guard():
    from gongkai.mdlimits import guard_render

    class Rendered:
        def render(self, config, files):
            return "html"

    page = Rendered()
    guard_render(page, "a.md", 5)
    assert "render" in vars(page)
    assert page.render(None, None) == "html"
    assert "render" not in vars(page)  # the page's own method again; the closure is gone
