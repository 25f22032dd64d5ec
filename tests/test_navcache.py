"""NavCache (gongkai/plugins/catalog/navigation.py): the nav rendered once per position, also on pages whose 目录
sidebar the core hides, never on a page whose own front matter hides anything else."""

from types import SimpleNamespace

from gongkai.plugins.catalog.navigation import NavCache


def _page(url: str, hide=None):
    meta = {"hide": hide} if hide is not None else {}
    return SimpleNamespace(url=url, meta=meta, file=SimpleNamespace(src_uri=url + "index.md"))


def _cache() -> NavCache:
    cache = NavCache()
    home = SimpleNamespace(url="", file=SimpleNamespace(src_uri="index.md"))
    cache.reset(SimpleNamespace(pages=[home]))
    return cache


def test_hidden_toc_keeps_the_cached_nav():
    cache = _cache()
    rendered = []

    def caller():
        rendered.append(1)
        return "<nav></nav>"

    pages = [_page("xxgk/a/", ["toc"]), _page("xxgk/b/", ["toc"]), _page("xxgk/c/")]
    outputs = [cache(p, caller) for p in pages]
    assert len(set(map(str, outputs))) == 1
    assert len(rendered) == 1  # the same depth: rendered once, whether the 目录 sidebar is hidden or not
    assert cache.key(pages[0]) == cache.key(pages[2])


def test_other_hide_values_render_as_mkdocs_does():
    cache = _cache()
    for hide in (["navigation"], ["toc", "navigation"], ["footer"], "toc"):
        assert cache.key(_page("xxgk/a/", hide)) is None, hide
