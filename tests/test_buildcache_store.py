"""The build cache's store (gongkai/buildcache.py): keys, what a build keeps, what survives a failed build."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from gongkai.buildcache import BuildCache, Unstable, describe, digest, plain


def test_keys_are_length_prefixed():
    assert digest("ab", "c") != digest("a", "bc")
    assert digest("a", b"b") == digest("a", "b")


def test_plain_settings_are_order_free_and_objects_are_refused():
    assert plain({"b": 1, "a": [1, {"y": 2, "x": dt.date(2026, 1, 2)}]}) == \
        plain({"a": [1, {"x": dt.date(2026, 1, 2), "y": 2}], "b": 1})
    assert plain(os.path.join) == "posixpath.join"

    class Anything:
        pass

    with pytest.raises(Unstable, match="extra.x"):
        plain({"x": Anything()}, "extra")


def test_describe_sees_every_field():
    from gongkai.model import Attachment

    a, b = Attachment("附件一", "a.pdf"), Attachment("附件一", "b.pdf")
    assert describe(a) != describe(b)


def test_a_saved_build_keeps_what_it_used_and_made(tmp_path):
    first = BuildCache(tmp_path)
    first.put("page", "k1", "<p>一</p>")
    first.put("page", "k2", "<p>二</p>")
    first.put("bytes", "k3", b"\x00\x01")
    first.save()

    second = BuildCache(tmp_path)
    assert second.get("page", "k1") == "<p>一</p>" and second.has("page", "k2")
    assert second.get("bytes", "k3") == b"\x00\x01"
    second.put("page", "k4", "<p>四</p>")
    second.save()  # k2 was only looked for, not read: gone

    third = BuildCache(tmp_path)
    assert third.get("page", "k1") == "<p>一</p>" and third.get("page", "k4") == "<p>四</p>"
    assert third.get("bytes", "k3") == b"\x00\x01" and third.get("page", "k2") is None


def test_a_discarded_build_leaves_the_last_saved_cache(tmp_path):
    first = BuildCache(tmp_path)
    first.put("page", "k1", "old")
    first.save()
    second = BuildCache(tmp_path)
    second.put("page", "k1", "new")
    second.discard()
    assert [p.name for p in tmp_path.iterdir()] == [BuildCache.FILE]
    assert BuildCache(tmp_path).get("page", "k1") == "old"


def test_memo_computes_once_per_input(tmp_path):
    calls = []

    def compute():
        calls.append(1)
        return {"n": len(calls)}

    cache = BuildCache(tmp_path)
    assert cache.memo("x", ["a"], compute) == {"n": 1}
    cache.save()
    cache = BuildCache(tmp_path)
    assert cache.memo("x", ["a"], compute) == {"n": 1}
    assert cache.memo("x", ["b"], compute) == {"n": 2}
    assert len(calls) == 2


def test_another_code_version_misses(tmp_path):
    cache = BuildCache(tmp_path)
    cache.salt = "code-1"
    cache.put("x", cache.key("a"), 1)
    cache.save()
    cache = BuildCache(tmp_path)
    cache.salt = "code-2"
    assert cache.get("x", cache.key("a")) is None


def test_worker_entries_are_merged(tmp_path):
    cache = BuildCache(tmp_path)
    store = cache.for_workers("search")
    for part in (0, 1):
        worker = store.open(part)
        key, value = worker.get("标题", f"正文{part}")
        assert value is None
        worker.put(key, [{"标题": 1}, {"正文": 2}])
        worker.close()
    cache.merge(store)
    cache.save()
    assert not list(tmp_path.glob(".search-*"))
    again = BuildCache(tmp_path).for_workers("search").open()
    assert again.get("标题", "正文1")[1] == [{"标题": 1}, {"正文": 2}]
    again.close()


def test_file_digest_follows_the_bytes(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("一", encoding="utf-8")
    cache = BuildCache(tmp_path / "cache")
    first = cache.file_digest(path)
    cache.save()
    path.write_text("二", encoding="utf-8")  # same size: the mtime tells
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 10**9))
    assert BuildCache(tmp_path / "cache").file_digest(path) != first


def test_a_foreign_file_is_a_cold_cache(tmp_path):
    (tmp_path / BuildCache.FILE).write_bytes(b"not a database")
    cache = BuildCache(tmp_path)
    assert cache.usable and cache.get("page", "k") is None
    cache.put("page", "k", "v")
    cache.save()
    assert BuildCache(Path(tmp_path)).get("page", "k") == "v"


def test_files_of_a_killed_build_are_removed(tmp_path):
    dead = 2**22 + 12345  # above the default pid_max: no such process
    for name in (f".{BuildCache.FILE}.{dead}", f".search-{dead}-0.sqlite"):
        (tmp_path / name).write_bytes(b"x")
    (tmp_path / f".{BuildCache.FILE}.{os.getppid()}").write_bytes(b"x")  # a build still running
    BuildCache(tmp_path).discard()
    assert [p.name for p in tmp_path.iterdir()] == [f".{BuildCache.FILE}.{os.getppid()}"]


def test_real_paths_resolve_like_realpath(tmp_path):
    from gongkai.sources import RealPaths

    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "a.md").write_text("x")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    (tmp_path / "real" / "b.md").symlink_to("/etc/hostname")
    (tmp_path / "real" / "dangling.md").symlink_to(tmp_path / "nowhere")
    realpath = RealPaths()
    for rel in ("real/a.md", "linked/a.md", "linked/b.md", "real/dangling.md", "real/../real/a.md", "real/none.md"):
        assert realpath(tmp_path / rel) == os.path.realpath(tmp_path / rel), rel


def test_front_matter_from_the_cache_is_the_parsed_front_matter(tmp_path):
    from gongkai import yamlutil

    text = ("title: 关于“十四五”规划的通知\n栏目: [zcwj, tzgg]\n成文日期: 2024-01-02\n征集截止: 2024-02-01 17:00:00+08:00\n"
            "数: 3\n比例: .5\n无: ~\n是: yes\n2024: 年份作键\n附件:\n  - 名称: 附件一\n    文件: a.pdf\n"
            "  - {名称: 附件二, 文件: b.pdf}\n错日期: 2025-02-30\n")

    def shape(value):
        if isinstance(value, yamlutil.Mapping):
            return ("M", value.line, [(shape(k), value.lines[k], shape(v)) for k, v in value.items()])
        if isinstance(value, yamlutil.Sequence):
            return ("S", value.line, list(value.lines), [shape(v) for v in value])
        return (type(value).__name__, value)

    plain = yamlutil.load(text, "a.md", line_offset=1)
    cache = BuildCache(tmp_path)
    assert shape(yamlutil.load(text, "a.md", line_offset=1, cache=cache)) == shape(plain)
    cache.save()
    cache = BuildCache(tmp_path)
    cached = yamlutil.load(text, "a.md", line_offset=1, cache=cache)
    assert cache.get("yaml", cache.key("yaml", "1", text)) is not None  # it came from the cache
    assert shape(cached) == shape(plain)
    assert cached.line_of("附件") == plain.line_of("附件") and cached["附件"].line_of(1) == plain["附件"].line_of(1)


def test_front_matter_with_a_problem_is_never_cached(tmp_path):
    from gongkai import yamlutil
    from gongkai.errors import InputError

    cache = BuildCache(tmp_path)
    for _ in range(2):
        with pytest.raises(InputError):
            yamlutil.load("a: 1\na: 2\n", "a.md", cache=cache)
    assert cache.get("yaml", cache.key("yaml", "0", "a: 1\na: 2\n")) is None


def test_what_a_template_reads_of_a_view_is_recorded():
    """Attribute reads and calls (with their arguments) on a view handed to a template are recorded with the page;
    reading a part of an object records only that part; the nav's renderer is part of the key, not recorded."""
    from dataclasses import dataclass

    from gongkai.plugins.catalog.caching import PageRecorder, Resolver, Tracked

    @dataclass
    class Feed:
        title: str
        entries: list

    class View:
        __untracked__ = ("nav_cache",)
        latest = ["新文件"]
        nav_cache = object()

        def feeds(self, n):
            return [Feed(f"订阅{i}", ["很多文件"]) for i in range(n)]

    recorder = PageRecorder()
    recorder.resolver = Resolver(None, {}, {}, None)
    view = Tracked(View(), recorder, "c:gongkai", ())
    assert view.latest == ["新文件"]  # not rendering a page: nothing recorded
    recorder.reads = {}
    assert view.latest == ["新文件"] and view.nav_cache is View.nav_cache
    assert [feed.title for feed in view.feeds(2)] == ["订阅0", "订阅1"]
    reads = [json.loads(read)[1] for read in recorder.reads]
    assert [["latest", None]] in reads
    assert [["feeds", [["v", 2]]], ["#", None]] in reads  # how many
    assert [["feeds", [["v", 2]]], ["[]", [["v", 1]]], ["title", None]] in reads
    assert not any("entries" in str(read) or "nav_cache" in str(read) for read in reads)
    assert recorder.changed(recorder.reads, {"gongkai": View()}) is None
    View.latest = ["新文件", "另一件"]
    assert recorder.changed(recorder.reads, {"gongkai": View()}) == '["c:gongkai", [["latest", null]]]'


def test_cached_link_verdicts_follow_the_files(tmp_path):
    """A page's links are kept with the files they found: a target added later is found, not reported again."""
    from gongkai.checks.links import LinkChecker

    page = '<a href="../b/">乙</a> <a href="../c/">丙</a>'

    def check(known, cache):
        checker = LinkChecker(known, exists=lambda rel: rel in known, read=lambda rel: None)
        checker.add_page("a/index.html", page, cache=cache)
        return [why for _, why in checker.finish().broken]

    cache = BuildCache(tmp_path)
    assert check({"a/index.html", "c/index.html"}, cache) == ["目标不存在"]
    cache.save()
    cache = BuildCache(tmp_path)
    assert check({"a/index.html", "b/index.html", "c/index.html"}, cache) == []
    cache.save()
    cache = BuildCache(tmp_path)
    assert cache.get("links", "x") is None
    assert check({"a/index.html", "b/index.html"}, cache) == ["目标不存在"]


# ---- issue 20: each defect found by reading or from outside, one test each (all failed before) ----------------


def test_a_same_size_same_mtime_rewrite_is_another_file(tmp_path):
    """cp -p, rsync -t and coarse-mtime filesystems keep size and mtime across a rewrite: the bytes decide."""
    path = tmp_path / "a.txt"
    path.write_text("一", encoding="utf-8")
    cache = BuildCache(tmp_path / "cache")
    first = cache.file_digest(path)
    cache.save()
    stat = path.stat()
    with open(path, "r+b") as fh:  # in place: same inode
        fh.write("二".encode("utf-8"))
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert BuildCache(tmp_path / "cache").file_digest(path) != first


def test_a_symlinked_folder_is_part_of_its_tree(tmp_path):
    from gongkai.buildcache import tree_digest

    (tmp_path / "shared").mkdir()
    (tmp_path / "shared/note.html").write_text("一", encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides/sweep").symlink_to("../shared", target_is_directory=True)
    before = tree_digest(tmp_path / "overrides")
    (tmp_path / "shared/note.html").write_text("二", encoding="utf-8")
    assert tree_digest(tmp_path / "overrides") != before


def test_an_entry_of_the_wrong_shape_is_a_miss(tmp_path):
    import sqlite3

    import zstandard

    cache = BuildCache(tmp_path)
    cache.put("markdown", "k", {"content": "<p>甲</p>"})
    cache.save()
    with sqlite3.connect(tmp_path / BuildCache.FILE) as db:  # a value this code did not write under this key
        db.execute("UPDATE entries SET value = ? WHERE kind = 'markdown'",
                   (b"j" + zstandard.ZstdCompressor().compress(b"[1, 2]"),))
    cache = BuildCache(tmp_path)
    assert cache.get("markdown", "k") is None and cache.damaged == 1
    cache.put("pii", "k", [1, 2])  # written by this code, but not a list of findings
    cache.save()
    assert BuildCache(tmp_path).get("pii", "k", lambda v: all(isinstance(f, dict) for f in v)) is None


def test_a_compressed_entry_inflates_within_a_limit(tmp_path):
    import sqlite3

    import zstandard

    from gongkai import buildcache

    cache = BuildCache(tmp_path)
    cache.save()
    big = b" " * (buildcache.MAX_ENTRY_BYTES + 1)
    bombs = {
        "declared": zstandard.ZstdCompressor(level=19).compress(big),  # says how large it is: refused unread
        "undeclared": zstandard.ZstdCompressor(level=19, write_content_size=False).compress(big),
        # declares a small size and holds more: zstd stops at the size declared
        "lying": zstandard.ZstdCompressor(level=19).compress(b" " * 100)[:-3] + b"xyz",
    }
    with sqlite3.connect(tmp_path / BuildCache.FILE) as db:  # even with a matching tag
        for key, frame in bombs.items():
            body = b"s" + frame
            db.execute("INSERT INTO entries VALUES ('page', ?, ?)", (key, buildcache._tag("page", key, body) + body))
    cache = BuildCache(tmp_path)
    assert [cache.get("page", key) for key in bombs] == [None, None, None]
    assert cache.damaged == 3


def test_entries_read_back_as_written(tmp_path):
    """Every kind of value an entry holds comes back equal, compressed and tagged (zstd)."""
    values = {"page": "<p>甲" + "乙" * 50_000 + "</p>", "reads": {"templates": {"a.html": "d"}, "reads": {}},
              "docx": b"PK\x03\x04" + bytes(range(256)) * 40, "pii": [], "active": 1}
    cache = BuildCache(tmp_path)
    for kind, value in values.items():
        cache.put(kind, "k", value)
    cache.save()
    cache = BuildCache(tmp_path)
    assert {kind: cache.get(kind, "k") for kind in values} == values
    assert cache.damaged == 0


def test_a_large_entry_is_read_whole_and_a_bomb_of_its_size_is_not(tmp_path, monkeypatch):
    """The search index's state grows with the site (about 20 MB at 100,000 documents): an entry above the fixed
    limit that compresses as this code's entries do is read, or a larger site would build its index whole every
    time; one that inflates thousands of times its size is refused."""
    import random

    from gongkai import buildcache

    monkeypatch.setattr(buildcache, "MAX_ENTRY_BYTES", 1 << 20)
    rng = random.Random(7)
    state = {"records": [[f"wj/{rng.getrandbits(40):x}/", f"{rng.getrandbits(64):x}"] for _ in range(60_000)]}
    cache = BuildCache(tmp_path)
    cache.put("search-state", "k", state)
    cache.put("page", "bomb", " " * (3 << 20))
    cache.save()
    cache = BuildCache(tmp_path)
    assert cache.get("search-state", "k") == state
    assert cache.get("page", "bomb") is None and cache.damaged == 1


def test_link_verdicts_are_tied_to_the_code(tmp_path, monkeypatch):
    """Another version of the link check decides a page's links again, even for the same page text."""
    from gongkai.checks.links import LinkChecker

    def check(salt):
        cache = BuildCache(tmp_path)
        cache.salt = salt
        checker = LinkChecker({"a/index.html"}, exists=lambda rel: False, read=lambda rel: None)
        calls = []
        original = checker._events
        monkeypatch.setattr(checker, "_events", lambda *a: calls.append(1) or original(*a))
        checker.add_page("a/index.html", '<a href="../a/">甲</a>', cache=cache)
        cache.save()
        return len(calls)

    assert check("code 1") == 1
    assert check("code 1") == 0
    assert check("code 2") == 1


def test_a_scan_cut_short_is_not_kept(tmp_path, monkeypatch):
    """A scan stopped by its time limit (or made without a reader) is read again next build, not kept as final."""
    from types import SimpleNamespace

    from gongkai.checks.findings import Finding
    from gongkai.plugins.checks import plugin as checks

    path = tmp_path / "a.xlsx"
    path.write_bytes(b"PK")
    answers = [[Finding("a.xlsx", "未能扫描：读取超过 20 秒，只检查了第 1000 行之前的内容", severity="warning", check="pii")],
               [Finding("a.xlsx", "疑似未打码的身份证号", severity="error", check="pii")]]
    monkeypatch.setattr(checks, "scan_file", lambda *a, **k: answers.pop(0))

    def scan():
        cache = BuildCache(tmp_path / "cache")
        me = SimpleNamespace(core=SimpleNamespace(build_cache=cache), as_of=dt.date(2026, 11, 30))
        found = checks.ChecksPlugin._scan(me, [(path, "a.xlsx")], set(), 1)
        cache.save()
        return [f.severity for f in found]

    assert scan() == ["warning"]
    assert scan() == ["error"]


def test_markdown_results_follow_the_extensions_versions(monkeypatch):
    """A Markdown rendering is another one after any extension's package changed version."""
    from mkdocs.config import load_config

    from gongkai.plugins.catalog import caching

    from kit import MINI

    config = load_config(str(MINI / "mkdocs.yml"))

    def key(versions):
        monkeypatch.setattr(caching, "installed_versions", lambda config, store=None: versions)
        cache = caching.BuildCacheSession.__new__(caching.BuildCacheSession)
        cache.store = SimpleStore()
        cache.recorder = caching.PageRecorder()
        cache.replay = caching.Replay(cache.store)
        cache.settings_key = cache.markdown_key = cache.base_key = None
        cache.configure(config)
        return cache.markdown_key

    assert key(["pymdown-extensions==10.0"]) != key(["pymdown-extensions==10.1"])


class SimpleStore:
    salt = ""


def test_relate_and_fingerprint_are_harmless_and_say_what_replaced_them(caplog):
    """A plugin or hook of the previous version may still call them: nothing happens but one message."""
    import logging

    from gongkai import deprecations
    from gongkai.plugins.catalog.plugin import CatalogPlugin

    deprecations._declared.clear()
    core = CatalogPlugin()
    with caplog.at_level(logging.INFO, logger="mkdocs.plugins.gongkai"):
        core.relate(lambda doc: [])
        core.fingerprint("征集状态", ["open", 3])
        core.fingerprint("征集状态", ["open", 2])
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 2, messages
    assert "core.relate()" in messages[0] and "core.fingerprint()" in messages[1]
    assert all("自动记录" in m and deprecations.REMOVED_IN in m for m in messages)


def test_a_build_merges_only_its_own_workers_entries(tmp_path):
    """Two builds of one site at once (mkdocs serve and mkdocs build): each takes its own workers' files only."""
    cache = BuildCache(tmp_path)
    mine = cache.for_workers("search")
    other = cache.for_workers("search")
    other.owner = mine.owner + 1  # another build's process, still running
    for store, text in ((mine, "我的"), (other, "别人的")):
        worker = store.open(0)
        key, _ = worker.get("标题", text)
        worker.put(key, [{"标题": 1}, {"正文": 1}, {}])
        worker.close()
    cache.merge(mine)
    assert [p.name.split("-")[1] for p in tmp_path.glob(".search-*")] == [str(other.owner)]
    cache.save()
    again = BuildCache(tmp_path).for_workers("search").open()
    assert again.get("标题", "我的")[1] is not None and again.get("标题", "别人的")[1] is None
    again.close()


def test_a_shared_structure_is_described_once_and_as_without_the_memo():
    """The page cache describes each page's subject; a record shared by many pages (the column tree on every home)
    is walked once per build, and the description is the one a walk without the memo gives, cycles and depth
    limits included."""
    import dataclasses

    from gongkai.plugins.catalog import caching
    from gongkai.plugins.catalog.caching import describe as describe_value

    @dataclasses.dataclass
    class Node:
        name: str
        children: list

    leaf = Node("叶", [])
    tree = Node("根", [leaf, Node("枝", [leaf])])
    loop = Node("环", [])
    loop.children.append(loop)  # an ancestor seen again: "↺", never memoized
    subjects = [[tree, 1], [tree, 2], [loop], [Node("外", [loop])]]
    memo: dict = {}
    assert [describe_value(s, memo=memo) for s in subjects] == [describe_value(s) for s in subjects]
    assert id(tree) in memo and id(loop) not in memo

    walked = []
    original = dataclasses.fields
    monkey = lambda value: walked.append(value) or original(value)  # noqa: E731
    caching.dataclasses.fields, before = monkey, caching.dataclasses.fields
    try:
        describe_value([tree, 3], memo=memo)
    finally:
        caching.dataclasses.fields = before
    assert walked == []  # the tree and its nodes came from the memo

    # No deeper than it was walked: a structure first met near the top is not taken from the memo where the
    # depth limit would refuse it.
    chain = Node("链", [])
    for i in range(8):
        chain = Node(f"链{i}", [chain])  # 9 records, 17 levels with their lists
    describe_value([chain], memo=memo)
    assert id(chain) in memo
    deep: object = chain
    for _ in range(12):
        deep = [deep]
    with pytest.raises(Unstable):
        describe_value(deep)
    with pytest.raises(Unstable):
        describe_value(deep, memo=memo)


def test_the_owners_of_installed_modules_are_worked_out_again_when_an_install_changes(tmp_path, monkeypatch):
    """Which distribution provides which module is kept in the cache (it reads every distribution's file list),
    under every distribution's metadata folder: an install, upgrade or removal makes a new answer."""
    from importlib import metadata

    from gongkai.plugins.catalog import caching

    calls = []
    answer = {"material": ["mkdocs-material"]}
    monkeypatch.setattr(metadata, "packages_distributions", lambda: calls.append(1) or dict(answer))
    folder = tmp_path / "demo-1.0.dist-info"
    folder.mkdir()
    fake = type("Dist", (), {"_path": folder})()
    monkeypatch.setattr(metadata, "distributions", lambda: [fake])

    def owners():
        cache = BuildCache(tmp_path / "cache")
        found = caching.package_owners(cache)
        cache.save()
        return found

    assert owners() == answer and len(calls) == 1
    assert owners() == answer and len(calls) == 1  # from the cache
    answer = {"material": ["mkdocs-material"], "demo": ["demo"]}
    os.utime(folder, ns=(0, 1))  # pip made the folder again (reinstalled, upgraded)
    assert owners() == answer and len(calls) == 2
    assert caching.package_owners(None) == answer and len(calls) == 3  # without a cache: worked out each time


def test_a_publisher_is_described_once_per_build_and_again_in_the_next(monkeypatch):
    """Every document's key holds its 发布主体 as the catalog names it: described once per build (it was once per
    document: a tenth of a millisecond each), and anew once the next build's documents are sealed."""
    import datetime as dt

    from gongkai.model import Document, Guide, Organization
    from gongkai.plugins.catalog import caching

    guide = Guide("办公室", "人民路1号", "工作日", "999001", "0999-1", "0999-2", "a@example.gov.cn")

    def doc(n, org):
        d = Document(f"wj/jyj/{n}.md", f"文件{n}", ["gzdt"], "jyj", dt.date(2025, 3, 3), dt.date(2025, 3, 4),
                     f"x/2025-{n:05d}", "综合政务", source=f"content/wj/jyj/{n}.md")
        d.publisher = org
        return d

    described = []
    real = caching.describe
    monkeypatch.setattr(caching, "describe", lambda value, *a, **k: described.append(value) or real(value, *a, **k))
    caching.forget_documents()
    org = Organization("jyj", "市教育局", "政府部门", "code-jyj", guide)
    first = [caching.document_digest(doc(n, org)) for n in (1, 2, 3)]
    assert sum(1 for v in described if v is org) == 1
    caching.forget_documents()  # the next build: its catalog names the 发布主体 otherwise
    renamed = Organization("jyj", "市教育体育局", "政府部门", "code-jyj", guide)
    again = [caching.document_digest(doc(n, renamed)) for n in (1, 2, 3)]
    assert all(a != b for a, b in zip(first, again))


def _tree_digest_with_pathlib(root: Path, skip=lambda rel: False) -> str:
    """tree_digest as it was written with pathlib (Path(dirpath, name).relative_to(root)): the digest is the same."""
    import hashlib

    from gongkai.buildcache import file_digest

    h = hashlib.blake2b(digest_size=20)
    seen: set[str] = set()
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath, name)
            rel = path.relative_to(root).as_posix()
            if skip(rel):
                continue
            h.update(rel.encode("utf-8", "surrogatepass") + b"\0")
            h.update(file_digest(path).encode())
    return h.hexdigest()


@pytest.mark.parametrize("relative", [False, True], ids=["absolute", "relative"])
def test_tree_digest_names_each_file_as_pathlib_did(tmp_path, monkeypatch, relative):
    from gongkai.buildcache import tree_digest

    root = tmp_path / "content"
    (root / "wj" / "org1" / "2026").mkdir(parents=True)
    (root / "中文 目录").mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "t.html").write_text("t")
    (root / "index.md").write_text("home")
    (root / "wj" / "org1" / "2026" / "d1.md").write_text("d1")
    (root / "中文 目录" / "页.md").write_text("页")
    os.symlink(tmp_path / "shared", root / "linked")  # walked like any folder
    os.symlink(root, root / "wj" / "loop")  # back up the tree: walked once
    if relative:
        monkeypatch.chdir(tmp_path)
        root = Path("content")
    skip = lambda rel: rel.startswith("wj/org1/") and rel.endswith(".bak")  # noqa: E731
    (tmp_path / "content" / "wj" / "org1" / "x.bak").write_text("skipped")
    expected = _tree_digest_with_pathlib(root, skip)
    assert tree_digest(root, skip) == expected
    assert tree_digest(root, skip, stats=BuildCache(tmp_path / "cache")) == expected
    (tmp_path / "shared" / "t.html").write_text("changed")
    assert tree_digest(root, skip) == _tree_digest_with_pathlib(root, skip) != expected


def test_a_scans_stored_verdict_follows_each_of_its_inputs_and_is_kept_while_used(tmp_path, monkeypatch):
    """The 个人信息 scan's stored verdicts are read in one batched query: still keyed by the file's bytes, the name
    shown, the year and the allow list (a change of any one scans again), and kept for the next build when reused
    (the third build with nothing changed scans nothing either)."""
    from types import SimpleNamespace

    from gongkai.checks.findings import Finding
    from gongkai.plugins.checks import plugin as checks

    path, other = tmp_path / "a.md", tmp_path / "b.md"
    path.write_text("甲", encoding="utf-8")
    other.write_text("乙", encoding="utf-8")
    calls = []

    def scan_file(p, shown, allow, latest_year):
        calls.append(shown)
        return [Finding(shown, f"{sorted(allow)} {latest_year}", severity="info", check="pii")]

    monkeypatch.setattr(checks, "scan_file", scan_file)

    def scan(allow=frozenset({"0999-1234567"}), year=2026, shown="a.md"):
        calls.clear()
        cache = BuildCache(tmp_path / "cache")
        me = SimpleNamespace(core=SimpleNamespace(build_cache=cache), as_of=dt.date(year, 11, 30))
        found = checks.ChecksPlugin._scan(me, [(path, shown), (str(other), "b.md")], set(allow), 1)
        cache.save()
        return [f.message for f in found], sorted(calls)

    first = scan()
    assert first[1] == ["a.md", "b.md"]
    assert scan() == (first[0], [])
    assert scan() == (first[0], [])  # kept by the build that reused it
    assert scan(allow={"0999-7654321"})[1] == ["a.md", "b.md"]
    assert scan(allow={"0999-7654321"})[1] == []
    assert scan(allow={"0999-7654321"}, year=2027)[1] == ["a.md", "b.md"]
    assert scan(allow={"0999-7654321"}, year=2027, shown="content/a.md")[1] == ["content/a.md"]
    path.write_text("丙", encoding="utf-8")
    assert scan(allow={"0999-7654321"}, year=2027, shown="content/a.md")[1] == ["content/a.md"]


def test_stored_link_events_list_their_lookups_flat(tmp_path):
    """A page's link events keep each path it looked up and the file found (path, file, path, file …, one list,
    not a list per pair: read back for every carried page); a list of odd length is not of that shape."""
    from gongkai.checks.links import LinkChecker, events_shape

    known = {"a/index.html", "b/index.html"}
    checker = LinkChecker(known, exists=lambda rel: rel in known, read=lambda rel: None)
    events = checker.events("a/index.html", '<a href="../b/">乙</a> <a href="../c/">丙</a> <a href="../b/">乙</a>')
    assert events["l"] == ["b/", "b/index.html", "c/", None]
    assert events_shape(events) and not events_shape({**events, "l": events["l"][:-1]})
    assert checker.still_resolves(events)
    fewer = LinkChecker({"a/index.html"}, exists=lambda rel: False, read=lambda rel: None)
    assert not fewer.still_resolves(events)
    more = LinkChecker(known | {"c/index.html"}, exists=lambda rel: False, read=lambda rel: None)
    assert not more.still_resolves(events)


# ---- the next cache made of the last build's file (facts session, 2026-12-07) ---------------------------------


def _entries(directory: Path) -> list[tuple]:
    import sqlite3

    conn = sqlite3.connect(directory / BuildCache.FILE)
    try:
        return conn.execute("SELECT kind, key, value FROM entries ORDER BY kind, key").fetchall()
    finally:
        conn.close()


def _second_build(directory: Path, whole: bool, monkeypatch, most: bool, changed: int = 3) -> list[tuple]:
    """A rebuild on the cache in ``directory`` that reads, keeps, leaves and replaces entries of every way; the
    cache it saves, with the last build's file copied whole or its entries copied one by one."""
    import gongkai.buildcache as buildcache

    monkeypatch.setattr(buildcache, "COPY_WHOLE", whole)
    copied = []
    real = BuildCache._copy_old
    monkeypatch.setattr(BuildCache, "_copy_old", lambda self, dest: (copied.append(dest), real(self, dest))[1])
    cache = BuildCache(directory)
    assert cache.get("page", "p0") == "<p>0</p>"  # read: kept
    assert cache.get("page", "p1", carry=False) == "<p>1</p>"  # read, not kept
    assert set(cache.get_many("links", [f"l{i}" for i in range(10)], carry=True)) == {f"l{i}" for i in range(10)}
    cache.get_many("links", ["l10", "l11"])  # read, not kept
    assert cache.keep("line", [f"s{i}" for i in range(20)] + ["nowhere"]) == 20
    cache.keep("markdown", [f"m{i}" for i in range(40 - changed)] + ["absent"], count=False)
    assert cache.present("reads", ["r0", "r1"]) == {"r0", "r1"} and cache.intact("reads", ["r2"]) == {"r2"}
    if most:  # most of the last build's entries used: its file is copied
        cache.keep("reads", [f"r{i}" for i in range(40)], count=False)
        cache.keep("page", [f"p{i}" for i in range(2, 40)], count=False)
    for i in range(changed):  # this build's own entries, one under a key the last build had: this build's wins
        cache.put("markdown", f"m{40 - changed + i}", f"新的 {i}")
    cache.put("page", "p0", "<p>0</p>")
    cache.put("page", "new", "<p>新</p>")
    cache.save()
    assert bool(copied) == (whole and most)
    assert not [p for p in directory.iterdir() if p.name != BuildCache.FILE]
    return _entries(directory)


def _first_build(directory: Path) -> None:
    cache = BuildCache(directory)
    for i in range(40):
        cache.put("page", f"p{i}", f"<p>{i}</p>")
        cache.put("markdown", f"m{i}", f"<h1>{i}</h1>" * 50)
        cache.put("line", f"s{i}", f"行 {i}")
        cache.put("links", f"l{i}", [["a", i]])
        cache.put("reads", f"r{i}", {"templates": {}, "reads": {}})
    cache.save()


@pytest.mark.parametrize("most", [True, False])
def test_the_next_cache_is_the_same_made_either_way(tmp_path, monkeypatch, most):
    """``save`` copies the last build's file whole when this build used most of it (then deletes what it did not
    use and writes its own entries), else copies the used entries one by one: the same entries, byte for byte,
    exactly the ones the build used or made."""
    import shutil

    _first_build(tmp_path / "a")
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    whole = _second_build(tmp_path / "a", True, monkeypatch, most)
    one_by_one = _second_build(tmp_path / "b", False, monkeypatch, most)
    assert whole == one_by_one
    keys = {(kind, key) for kind, key, _ in whole}
    assert keys == {("format", ""), ("page", "p0"), ("page", "new"),
                    *{("links", f"l{i}") for i in range(10)}, *{("line", f"s{i}") for i in range(20)},
                    *{("markdown", f"m{i}") for i in range(40)},
                    *({("reads", f"r{i}") for i in range(40)} | {("page", f"p{i}") for i in range(2, 40)} if most else ())}
    cache = BuildCache(tmp_path / "a")
    assert cache.get("markdown", "m39") == "新的 2" and cache.get("markdown", "m0") == "<h1>0</h1>" * 50
    assert cache.get("page", "p1") is None and cache.get("links", "l10") is None


def test_a_cache_saved_by_another_build_meanwhile_is_not_mixed_in(tmp_path, monkeypatch):
    """Two builds of one site at once (``mkdocs serve`` and ``mkdocs build``): the later save is made of the
    entries its own build used — of the file it opened, not of the file the other build saved meanwhile."""
    import gongkai.buildcache as buildcache

    _first_build(tmp_path)
    for whole in (True, False):
        monkeypatch.setattr(buildcache, "COPY_WHOLE", whole)
        cache = BuildCache(tmp_path)
        assert cache.get("page", "p0") == "<p>0</p>"
        for kind, prefix in (("markdown", "m"), ("reads", "r"), ("line", "s")):
            cache.keep(kind, [f"{prefix}{i}" for i in range(40)], count=False)
        with monkeypatch.context() as m:
            m.setattr(os, "getpid", lambda: 2**22 + 54321)  # another process
            other = BuildCache(tmp_path)
            other.put("page", "p0", "<p>另一次构建</p>")  # never so for one key; here to tell the files apart
            other.save()
        cache.save()
        found = dict(((kind, key), value) for kind, key, value in _entries(tmp_path))
        if whole:  # copied from the file it opened
            assert BuildCache(tmp_path).get("page", "p0") == "<p>0</p>"
            assert ("markdown", "m5") in found
        else:  # that file is gone: only this build's own entries
            assert ("page", "p0") not in found
        _first_build(tmp_path)


def test_a_copy_with_many_free_pages_is_not_copied_again(tmp_path, monkeypatch):
    """Entries deleted from a copied cache leave free pages; past a quarter, the next save copies entries one by
    one, which leaves none."""
    import sqlite3

    cache = BuildCache(tmp_path)
    for i in range(100):
        cache.put("page", f"p{i}", f"<p>{i}</p>")
    for i in range(20):
        cache.put("big", f"b{i}", os.urandom(40_000))  # a few large entries: many pages
    cache.save()

    def rebuild():
        cache = BuildCache(tmp_path)
        cache.keep("page", [f"p{i}" for i in range(100)], count=False)
        cache.save()

    def free():
        conn = sqlite3.connect(tmp_path / BuildCache.FILE)
        try:
            return conn.execute("PRAGMA freelist_count").fetchone()[0] / conn.execute("PRAGMA page_count").fetchone()[0]
        finally:
            conn.close()

    rebuild()  # copied whole; the large entries deleted
    assert free() > 0.25
    copied = []
    real = BuildCache._copy_old
    monkeypatch.setattr(BuildCache, "_copy_old", lambda self, dest: (copied.append(dest), real(self, dest))[1])
    rebuild()
    assert not copied and free() == 0
    rebuild()
    assert copied and free() == 0  # compact again: copied whole
    assert BuildCache(tmp_path).get("page", "p3") == "<p>3</p>"


def test_which_entries_are_there_is_one_walk_of_the_index(tmp_path):
    """``present`` answers from one listing of the last build's keys (facts session, 2026-12-07: 100,000 keys of
    carried pages were asked for a few hundred at a time): the same answer as asking, damaged entries included."""
    import sqlite3

    _first_build(tmp_path)
    db = sqlite3.connect(tmp_path / BuildCache.FILE)
    db.execute("UPDATE entries SET value = ? WHERE kind = 'page' AND key = 'p3'", (b"\x00damaged",))
    db.commit()
    db.close()
    cache = BuildCache(tmp_path)
    statements = []
    cache._old.set_trace_callback(statements.append)
    asked = {"page": ["p1", "p3", "p99", "m1"], "markdown": [f"m{i}" for i in range(0, 80, 3)], "none": ["p1"]}
    found = {kind: cache.present(kind, keys) for kind, keys in asked.items()}
    assert found == {"page": {"p1", "p3"}, "markdown": {f"m{i}" for i in range(0, 40, 3)}, "none": set()}
    assert cache.keep("line", ["s1", "s2", "s99"]) == 2
    assert [s for s in statements if "entries" in s] == ["SELECT kind, key FROM entries"]
    assert cache.intact("page", ["p1", "p3"]) == {"p1"}  # present is not intact
    cache.discard()


def test_a_build_that_uses_a_handful_of_entries_never_lists_the_cache(tmp_path, monkeypatch):
    """A build that replays the last one reads a few entries and keeps the last cache: it does not list the
    cache's keys (a tenth of a second at 10,000 documents); one that uses many lists them once, as it goes."""
    import gongkai.buildcache as buildcache

    _first_build(tmp_path)
    cache = BuildCache(tmp_path)
    statements = []
    cache._old.set_trace_callback(statements.append)
    assert cache.get("page", "p0") == "<p>0</p>" and cache.get_many("line", ["s1", "s2"], carry=True)
    cache.discard()
    assert not [s for s in statements if "SELECT kind, key" in s]
    monkeypatch.setattr(buildcache, "USES_HELD", 10)
    cache = BuildCache(tmp_path)
    statements = []
    cache._old.set_trace_callback(statements.append)
    for i in range(40):
        cache.get("markdown", f"m{i}")
    assert len([s for s in statements if "SELECT kind, key" in s]) == 1  # listed once the uses were many
    assert cache._unused["markdown"] == {f"m{i}" for i in range(33, 40)}  # the last uses still held
    cache.save()
    assert {key for kind, key, _ in _entries(tmp_path) if kind == "markdown"} == {f"m{i}" for i in range(40)}
