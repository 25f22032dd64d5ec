"""The replay of an unchanged build (gongkai/plugins/catalog/replay.py): how the clock's instant is read, which
files a build opened, and each part of the record that makes the next build a full one when it differs. The
mutation sweep (tests/test_buildcache_sweep.py) proves the same on whole builds, byte for byte."""

from __future__ import annotations

import builtins
import datetime as dt
import io
import os
import pickle
from pathlib import Path
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest

from gongkai.buildcache import BuildCache
from gongkai.clock import Clock
from gongkai.errors import Problem
from gongkai.plugins.catalog.replay import OpenedFiles, Replay

ZONE = ZoneInfo("Asia/Shanghai")
CLOSE = dt.datetime(2026, 12, 5, 17, 0, tzinfo=ZONE)


def clock(when: str = "2026-11-30 12:00") -> Clock:
    return Clock.make(ZONE, when)


def test_comparisons_are_recorded_with_their_answers_from_either_side():
    c = clock()
    assert c.now < CLOSE and CLOSE > c.now and not (c.now >= CLOSE)
    assert c.reads.comparisons == {("<", CLOSE.isoformat(), True), (">=", CLOSE.isoformat(), False)}
    assert not c.reads.exact
    assert sorted([CLOSE, c.now])[0] is c.now  # sorting compares too


def test_the_date_and_what_is_coarser_are_free():
    c = clock()
    assert (c.as_of, c.now.date(), c.now.year, c.now.month, c.now.day, c.now.weekday()) == (
        dt.date(2026, 11, 30), dt.date(2026, 11, 30), 2026, 11, 30, 0)
    assert not c.reads.exact and not c.reads.comparisons


@pytest.mark.parametrize("read", [
    lambda n: n.hour, lambda n: n.minute, lambda n: n - dt.timedelta(hours=1), lambda n: CLOSE - n,
    lambda n: n.isoformat(), lambda n: str(n), lambda n: f"{n:%H:%M}", lambda n: n.timestamp(), lambda n: hash(n),
    lambda n: n.astimezone(dt.timezone.utc), lambda n: n.replace(hour=0), lambda n: pickle.dumps(n),
    lambda n: n < dt.datetime(2026, 12, 1),  # a naive instant: not comparable, still a read
], ids=["hour", "minute", "minus", "difference", "isoformat", "str", "format", "timestamp", "hash", "astimezone",
        "replace", "pickle", "naive"])
def test_any_finer_read_depends_on_the_exact_instant(read):
    c = clock()
    try:
        read(c.now)
    except TypeError:
        pass
    assert c.reads.exact


def test_what_datetime_makes_from_the_instant_records_nothing():
    c = clock()
    earlier = c.now - dt.timedelta(days=1)
    c.reads.exact = False
    assert earlier < CLOSE and earlier.hour == 12
    assert not c.reads.exact and not c.reads.comparisons


def test_opened_files_records_reads_not_writes(tmp_path):
    opened = OpenedFiles()
    source, written = tmp_path / "in.txt", tmp_path / "out.txt"
    source.write_text("x")
    real = builtins.open, io.open
    opened.start()
    try:
        source.read_text()  # pathlib: io.open
        with open(source, "rb"):
            pass
        with open(written, "w") as fh:
            fh.write("y")
        with open(tmp_path / "rw.txt", mode="a+"):
            pass
    finally:
        opened.stop()
    assert opened.paths == {str(source)}
    assert (builtins.open, io.open) == real


def test_environment_reads_are_recorded_with_their_values(monkeypatch):
    from gongkai.plugins.catalog.replay import EnvironmentReads
    monkeypatch.setenv("SWEEP_A", "1")
    monkeypatch.delenv("SWEEP_B", raising=False)
    reads = EnvironmentReads()
    real = type(os.environ).__getitem__
    reads.start()
    try:
        assert os.environ["SWEEP_A"] == "1" and os.getenv("SWEEP_B") is None and "SWEEP_C" not in os.environ
        os.environ.copy()["SWEEP_D"] = "x"  # a copy's reads are the copy's: only the original is the environment
    finally:
        reads.stop()
    assert type(os.environ).__getitem__ is real
    assert {k: v for k, v in reads.read.items() if k.startswith("SWEEP_")} == {
        "SWEEP_A": "1", "SWEEP_B": None, "SWEEP_C": None}


class Config(SimpleNamespace):
    def __init__(self, root: Path, pre_build=()):
        super().__init__(docs_dir=str(root / "content"), theme=SimpleNamespace(dirs=[]),
                         plugins=SimpleNamespace(events={"pre_build": list(pre_build), "post_build": []},
                                                 _event_origins={}))


def site(root: Path) -> Path:
    """A small site: its documents, a catalog, a file a hook reads, and what the last build published."""
    for rel, text in (("content/a.md", "甲"), ("catalog/columns.yml", "- id: a"), ("data/motto.txt", "一"),
                      ("site/index.html", "<p>甲</p>"), ("site/a/index.html", "<p>甲</p>")):
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(text, encoding="utf-8")
    return root


def record(root: Path, c: Clock, *, problems=(), refused=(), read_motto=True) -> None:
    """One build: watched from its start, recorded at its end (when it may be)."""
    store = BuildCache(root / ".cache")
    replay = Replay(store)
    replay.watch(root / "site", root / ".cache")
    config = Config(root)
    replay.inputs(config, root, root / "catalog")
    if read_motto:
        (root / "data/motto.txt").read_text(encoding="utf-8")
        os.environ.get("SWEEP_MOTTO")
    c.now < CLOSE
    replay.record(config=config, settings="s1", clock=c, published=root / "site", problems=list(problems),
                  external={}, documents=1, refused=list(refused))
    store.save()


def find(root: Path, c: Clock, settings: str = "s1", config=None):
    store = BuildCache(root / ".cache")
    replay = Replay(store)
    config = config or Config(root)
    try:
        return replay.find(config=config, settings=settings, clock=c, target=root / "site",
                           trees=replay.inputs(config, root, root / "catalog"))
    finally:
        store.discard()


@pytest.fixture
def recorded(tmp_path) -> Path:
    root = site(tmp_path)
    record(root, clock())
    assert find(root, clock()) is not None
    return root


def test_same_inputs_later_the_same_day_replay(recorded):
    found = find(recorded, clock("2026-11-30 23:59"))
    assert found is not None and found.documents == 1 and found.opened == {
        str(recorded / "data/motto.txt"): found.opened[str(recorded / "data/motto.txt")]}


@pytest.mark.parametrize("change", [
    lambda root: (root / "content/a.md").write_text("乙", encoding="utf-8"),
    lambda root: (root / "content/b.md").write_text("丙", encoding="utf-8"),
    lambda root: (root / "catalog/columns.yml").write_text("- id: b", encoding="utf-8"),
    lambda root: (root / "data/motto.txt").write_text("二", encoding="utf-8"),
    lambda root: (root / "site/index.html").write_text("<p>乙</p>", encoding="utf-8"),
    lambda root: (root / "site/extra.html").write_text("", encoding="utf-8"),
    lambda root: (root / "site/a/index.html").unlink(),
], ids=["document", "new document", "catalog", "file a hook reads", "a published file", "a file added to the site",
        "a file removed from the site"])
def test_any_file_changed_is_a_full_build(recorded, change):
    change(recorded)
    assert find(recorded, clock()) is None


def test_settings_date_deadline_environment_and_plugins_are_compared(recorded, monkeypatch):
    assert find(recorded, clock(), settings="s2") is None
    assert find(recorded, clock("2026-12-01 09:00")) is None  # another date
    assert find(recorded, clock("2026-12-05 17:30")) is None  # another date and the deadline passed
    assert find(recorded, clock(), config=Config(recorded, pre_build=[lambda **kw: None])) is None
    monkeypatch.setenv("GONGKAI_SEARCH_SITES", "x")
    assert find(recorded, clock()) is None
    monkeypatch.delenv("GONGKAI_SEARCH_SITES")
    monkeypatch.setenv("SWEEP_MOTTO", "！")  # unset when the build read it
    assert find(recorded, clock()) is None
    monkeypatch.delenv("SWEEP_MOTTO")
    monkeypatch.setenv("SWEEP_UNREAD", "x")  # a variable no build read
    assert find(recorded, clock()) is not None
    monkeypatch.setenv("GONGKAI_WORKERS", "1")  # changes nothing written
    assert find(recorded, clock()) is not None


def test_comparing_with_the_last_build_reads_nothing_of_the_clock(recorded):
    """A build whose inputs differ from the last one's compares their instants first; that comparison is not the
    build reading its clock, so the build is recorded in its turn (before, every build after a recorded one that
    changed a file read its instant "exactly", was never recorded, and the build after it could not be replayed)."""
    (recorded / "content/a.md").write_text("乙", encoding="utf-8")
    c = clock()
    assert find(recorded, c) is None
    assert not c.reads.exact and not c.reads.comparisons
    store = BuildCache(recorded / ".cache")
    replay = Replay(store)
    replay.find(config=Config(recorded), settings="s1", clock=c, target=recorded / "site",
                trees=replay.inputs(Config(recorded), recorded, recorded / "catalog"))
    assert replay.partial is not None  # only a file of the folders hashed whole differs: pages may be carried
    store.discard()
    record(recorded, c)
    assert find(recorded, clock()) is not None


def test_a_deadline_within_the_day_is_compared(tmp_path):
    root = site(tmp_path)
    record(root, clock("2026-12-05 16:00"))
    assert find(root, clock("2026-12-05 16:59")) is not None
    assert find(root, clock("2026-12-05 17:00")) is None


@pytest.mark.parametrize("how", ["exact clock", "incomplete scan", "refused"])
def test_a_build_that_is_not_a_function_of_its_inputs_is_not_recorded(tmp_path, how):
    root = site(tmp_path)
    c = clock()
    problems, refused = [], []
    if how == "exact clock":
        c.now.hour
    elif how == "incomplete scan":
        problems = [Problem("content/fj/a.xlsx", "未能扫描：读取超时", severity="warning", check="pii")]
    else:
        refused = ["有页面显示构建时刻（build_date_utc）"]
    record(root, c, problems=problems, refused=refused)
    assert find(root, clock()) is None


# ---- whole builds --------------------------------------------------------------------------------------------------

REPLAY = "构建缓存：所有输入与上次构建相同"
CHECKED = """plugins:
  - gongkai/catalog:
      page_size: 3
  - gongkai/checks:
      checks: [pii, links, stale, home]
"""


@pytest.mark.build
def test_a_replayed_build_reports_and_fails_as_the_build_it_replays(tmp_path):
    """The same summary, problems and report files; a warning that fails under fail_on_warnings fails both."""
    from kit import build as mkdocs, copy_mini

    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").split("plugins:")[0] + CHECKED, encoding="utf-8")
    env = {"GONGKAI_AS_OF": "2026-11-30 12:00", "GONGKAI_CHECK_JSON": str(tmp_path / "check.json"),
           "GONGKAI_CHECK_HTML": str(tmp_path / "check.html")}
    first = mkdocs(root, env=env)
    assert first.returncode == 0, first.stderr[-3000:]
    reports = [(tmp_path / name).read_bytes() for name in ("check.json", "check.html")]
    summary = [line for line in first.stderr.splitlines() if "发布前检查（截至" in line]
    assert summary and "个警告" in summary[0]
    (tmp_path / "check.json").unlink()
    again = mkdocs(root, env=env)
    assert again.returncode == 0 and REPLAY in again.stderr, again.stderr[-3000:]
    assert [line for line in again.stderr.splitlines() if "发布前检查（截至" in line] == summary
    assert [(tmp_path / name).read_bytes() for name in ("check.json", "check.html")] == reports
    # a setting changes the verdict: a full build, which fails on the same warnings, and so does the next (a build
    # that failed is never recorded: the record of the last published one has the other setting)
    config.write_text(config.read_text(encoding="utf-8").replace("  - gongkai/checks:\n",
                                                                  "  - gongkai/checks:\n      fail_on_warnings: true\n"),
                      encoding="utf-8")
    for _ in range(2):
        failed = mkdocs(root, env=env)
        assert failed.returncode != 0 and REPLAY not in failed.stderr


@pytest.mark.build
def test_snippets_at_their_default_base_path_leave_the_cache_of_use(tmp_path):
    """pymdownx.snippets without ``base_path`` includes from the project's folder ("."): every file there is an input
    of every page, but not what builds and commits write there — the published site, the staging folder beside it,
    the cache, a version-control folder, the environment. Hashing those changed the key on every build: nothing
    was ever replayed or reused. A file of the folder an include reads still renders its pages again."""
    from kit import build as mkdocs, copy_mini

    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "markdown_extensions:\n  - pymdownx.snippets\n",
                      encoding="utf-8")
    (root / "note.md").write_text("片段一\n", encoding="utf-8")
    doc = root / "content" / "wj" / "jyj" / "2025" / "gf-2.md"
    doc.write_text(doc.read_text(encoding="utf-8") + '\n--8<-- "note.md"\n', encoding="utf-8")
    (root / ".git").mkdir()
    env = {"GONGKAI_AS_OF": "2026-11-30 12:00"}
    assert mkdocs(root, env=env).returncode == 0
    (root / ".git" / "index").write_bytes(os.urandom(64))  # a commit between two builds
    again = mkdocs(root, env=env)
    assert again.returncode == 0 and REPLAY in again.stderr, again.stderr[-3000:]
    (root / "note.md").write_text("片段二\n", encoding="utf-8")
    changed = mkdocs(root, env=env)
    assert changed.returncode == 0, changed.stderr[-3000:]
    assert REPLAY not in changed.stderr
    assert "片段二" in (root / "site" / "wj" / "jyj" / "2025" / "gf-2" / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_a_file_the_build_looked_for_and_did_not_find_is_compared_too(tmp_path):
    """The 上线准备 check reads requirements.txt when the site has one (CI's install address still the example one:
    a warning). A build without it, then the file back (a branch checked out): the build is not replayed, and says
    what a build without the cache says."""
    from kit import build as mkdocs, copy_mini, mkdocs_build

    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").split("plugins:")[0] +
                      CHECKED.replace("[pii, links, stale, home]", "[golive]"), encoding="utf-8")
    env = {"GONGKAI_AS_OF": "2026-11-30 12:00"}
    assert mkdocs(root, env=env).returncode == 0
    (root / "requirements.txt").write_text("gongkai @ git+https://git.example.gov.cn/gongkai/gongkai.git\n",
                                           encoding="utf-8")
    cached = mkdocs(root, env=env)
    clean = mkdocs_build(config, root / "clean", env={**env, "GONGKAI_CACHE": "0"})
    assert cached.returncode == clean.returncode == 0, (cached.stderr[-3000:], clean.stderr[-3000:])
    assert REPLAY not in cached.stderr, cached.stderr[-3000:]
    summary = [[line for line in r.stderr.splitlines() if "发布前检查（截至" in line] for r in (cached, clean)]
    assert summary[0] == summary[1] and "1 个警告" in summary[0][0], summary


def _walked(site: Path) -> list[list]:
    """What replay.site_files gave when it walked the site with os.walk and an lstat of each entry (before it
    walked with os.scandir): the two must agree entry for entry."""
    out = []
    for dirpath, dirnames, filenames in os.walk(site):
        rel_dir = os.path.relpath(dirpath, site)
        for name in dirnames:
            st = os.lstat(os.path.join(dirpath, name))
            out.append([os.path.normpath(os.path.join(rel_dir, name)) + "/", 0, 0, st.st_mode, st.st_uid])
        for name in filenames:
            st = os.lstat(os.path.join(dirpath, name))
            out.append([os.path.normpath(os.path.join(rel_dir, name)), st.st_size, st.st_mtime_ns, st.st_mode,
                        st.st_uid])
    return sorted(out)


def test_the_published_site_is_listed_as_os_walk_lists_it(tmp_path):
    from gongkai.plugins.catalog.replay import site_files

    site, outside = tmp_path / "site", tmp_path / "outside"
    (site / "a" / "b").mkdir(parents=True)
    (site / "a b" / "中文").mkdir(parents=True)
    (outside / "deep").mkdir(parents=True)
    (outside / "deep" / "x.html").write_text("x")
    (site / "index.html").write_text("<p>home</p>")
    (site / "a" / "b" / "page.html").write_text("page")
    (site / "a b" / "中文" / "页.html").write_text("页")
    (site / ".hidden").write_text("h")
    os.symlink(outside, site / "linked")  # a link to a folder: listed as a folder, never walked into
    os.symlink(site / "index.html", site / "a" / "file-link")
    os.symlink(tmp_path / "nowhere", site / "dangling")
    closed = site / "closed"
    (closed / "inner").mkdir(parents=True)
    (closed / "inner" / "f").write_text("f")
    os.chmod(site / "a" / "b" / "page.html", 0o600)
    os.chmod(closed, 0o000)  # unreadable (as anyone but root): listed, its files not
    try:
        listed = site_files(site)
        assert listed == _walked(site)
        assert ["linked/", 0, 0] == listed[[f[0] for f in listed].index("linked/")][:3]
        assert not any(f[0].startswith("linked/x") or f[0].startswith("linked/deep") for f in listed)
        assert {"a b/中文/页.html", "a/file-link", "dangling", ".hidden", "a/b/page.html"} <= {f[0] for f in listed}
    finally:
        os.chmod(closed, 0o755)
    assert site_files(site) == _walked(site)
    assert site_files(tmp_path / "absent") == _walked(tmp_path / "absent") == []
