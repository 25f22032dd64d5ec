"""Unchanged output is not rewritten (issue 20, item 4; gongkai/plugins/catalog/unchanged.py).

A file whose bytes are the previous site's is that file, hard-linked into the new site when it is published; the
staging folder never holds a name of a previous file while anything can still write into it, so the site that is
online cannot change before the new one replaces it, and a failed build leaves it exactly as it was.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kit import build, copy_mini, mkdocs_build

SEARCH = "  - gongkai/search:\n      export: true\n"
LINKS = "  - gongkai/checks:\n      checks: [links]\n"
PII_ID = "110105199003071239"  # a valid 身份证号 (checksum and date), invented


def mini(tmp_path: Path, extra: str = SEARCH) -> Path:
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + extra, encoding="utf-8")
    return root


def files(site: Path) -> dict[str, os.stat_result]:
    return {p.relative_to(site).as_posix(): p.lstat() for p in site.rglob("*") if p.is_file()}


def contents(site: Path) -> dict[str, tuple[bytes, int]]:
    """Every file's bytes and mode bits, and every folder's mode bits."""
    found = {}
    for p in [site, *site.rglob("*")]:
        rel = p.relative_to(site).as_posix()
        mode = stat.S_IMODE(p.lstat().st_mode)
        found[rel] = (p.read_bytes() if p.is_file() else b"<folder>", mode)
    return found


def change_body(root: Path) -> Path:
    doc = root / "content" / "wj" / "jyj" / "2025" / "gf-2.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n补充说明：本通知未尽事宜，另行通知。\n", encoding="utf-8")
    return doc


# ---------------------------------------------------------------- reuse happens, and changes nothing


@pytest.mark.build
def test_unchanged_files_are_the_previous_files_and_the_site_is_that_of_a_build_without_them(tmp_path):
    root = mini(tmp_path)
    first = build(root)
    assert first.returncode == 0, first.stderr
    site = root / "site"
    before = files(site)
    change_body(root)
    second = build(root)
    assert second.returncode == 0, second.stderr
    after = files(site)
    same = {rel for rel, st in after.items() if rel in before and (st.st_dev, st.st_ino) ==
            (before[rel].st_dev, before[rel].st_ino)}
    changed_page = "wj/jyj/2025/gf-2/index.html"
    assert changed_page not in same  # its bytes changed: a new file
    assert "index.html" in same and "wj/jyj/2025/gf-1/index.html" in same  # other pages: the same files
    assert any(rel.startswith("search/data/d/") for rel in same)  # search fragments of unchanged documents
    assert "search/export/ids.json" in same
    new = set(after) - same
    assert changed_page in new
    # What else was written: the search index's term shards and meta, the export's document lists, the body's
    # fragment, the sitemap (gzip written by MkDocs itself). Every other page is the previous file.
    assert all(rel == changed_page or rel.startswith(("search/", "sitemap.xml")) for rel in new), sorted(new)
    assert f"输出：{len(same)} 个文件与上一版网站相同" in second.stderr
    assert all(st.st_nlink == 1 for st in after.values())  # the previous site's names are gone

    # The same sources built where there is no previous site: the same bytes and mode bits everywhere.
    fresh = tmp_path / "fresh"
    result = mkdocs_build(root / "mkdocs.yml", fresh)
    assert result.returncode == 0, result.stderr
    assert "输出：" not in result.stderr
    assert contents(site) == contents(fresh)


@pytest.mark.build
@pytest.mark.parametrize("umask", [0o022, 0o002])
def test_a_previous_file_of_another_mode_is_written_again(tmp_path, umask):
    """The web server reads the site as another user: a reused file must have the mode a new one would get."""
    root = mini(tmp_path, "")
    old = os.umask(umask)
    try:
        assert build(root).returncode == 0
        site = root / "site"
        home = site / "index.html"
        home.chmod(0o600)  # as a hand-made or foreign file would be
        before = home.lstat()
        assert build(root).returncode == 0
    finally:
        os.umask(old)
    after = home.lstat()
    assert after.st_ino != before.st_ino
    assert stat.S_IMODE(after.st_mode) == 0o666 & ~umask


# ---------------------------------------------------------------- the site online is never written through


@pytest.mark.build
def test_no_previous_file_is_written_while_a_site_is_rebuilt(tmp_path):
    """Each file of the site online stays as it was, read through a descriptor opened before the rebuild."""
    root = mini(tmp_path)
    assert build(root).returncode == 0
    site = root / "site"
    held = {}
    try:
        for rel in files(site):
            fd = os.open(site / rel, os.O_RDONLY)
            held[rel] = (fd, os.pread(fd, 1 << 24, 0))
        change_body(root)
        assert build(root).returncode == 0
        for rel, (fd, data) in held.items():
            assert os.pread(fd, 1 << 24, 0) == data, rel
    finally:
        for fd, _ in held.values():
            os.close(fd)


def test_a_name_linked_to_the_previous_site_is_replaced_never_written_into(tmp_path):
    """Every writer the build routes (MkDocs' pages, static copies, generated files; gongkai's own) makes a new
    file: were a name in the staging folder a link to a previous file, that file would keep its bytes."""
    import mkdocs.utils
    from mkdocs.structure.files import File

    from gongkai.plugins.catalog.unchanged import UnchangedFiles, route_writes

    previous, staging = tmp_path / "site", tmp_path / "staging"
    previous.mkdir()
    staging.mkdir()
    names = ("page.html", "static.css", "generated.xml", "own.bin")
    for name in names:
        (previous / name).write_bytes(b"online")
        os.link(previous / name, staging / name)
    (tmp_path / "source.css").write_bytes(b"new static")
    generated = File("generated.xml", src_dir=None, dest_dir=str(staging), use_directory_urls=True)
    generated.content_string = "new feed"
    route_writes(UnchangedFiles(previous, staging))
    try:
        mkdocs.utils.write_file(b"new page", str(staging / "page.html"))
        mkdocs.utils.copy_file(str(tmp_path / "source.css"), str(staging / "static.css"))
        generated.copy_file()
    finally:
        route_writes(None)
    UnchangedFiles(previous, staging).write(staging / "own.bin", b"new own")
    assert {n: (previous / n).read_bytes() for n in names} == dict.fromkeys(names, b"online")
    assert [(staging / n).read_bytes() for n in names] == [b"new page", b"new static", b"new feed", b"new own"]


def test_a_previous_file_changed_during_the_build_is_not_published(tmp_path):
    from mkdocs.exceptions import PluginError

    from gongkai.plugins.catalog.unchanged import UnchangedFiles

    previous, staging = tmp_path / "site", tmp_path / "staging"
    previous.mkdir()
    staging.mkdir()
    (previous / "a.html").write_bytes(b"same")
    files_ = UnchangedFiles(previous, staging)
    files_.write(staging / "a.html", b"same")
    assert not (staging / "a.html").exists()  # kept for a link, nothing written
    (previous / "a.html").write_bytes(b"SAME")  # someone edits the live site meanwhile
    with pytest.raises(PluginError, match="在构建期间被改动"):
        files_.link()


def test_a_previous_file_with_another_name_is_not_shared(tmp_path):
    """A second name (a `cp -al` backup, a killed build's staging folder) would make the new site share it."""
    from gongkai.plugins.catalog.unchanged import UnchangedFiles

    previous, staging = tmp_path / "site", tmp_path / "staging"
    previous.mkdir()
    staging.mkdir()
    (previous / "a.html").write_bytes(b"same")
    (previous / "b.html").write_bytes(b"same")
    os.link(previous / "a.html", tmp_path / "backup.html")
    files_ = UnchangedFiles(previous, staging)
    files_.write(staging / "a.html", b"same")
    files_.write(staging / "b.html", b"same")
    assert files_.link() == 1
    assert (staging / "a.html").stat().st_ino != (previous / "a.html").stat().st_ino
    assert (staging / "b.html").stat().st_ino == (previous / "b.html").stat().st_ino


# ---------------------------------------------------------------- a failed build leaves the site as it was


@pytest.mark.build
@pytest.mark.parametrize("failure", ["after the links are made", "before the links are made"])
def test_a_failed_rebuild_leaves_every_previous_file_as_it_was(tmp_path, failure):
    root = mini(tmp_path, SEARCH + "  - gongkai/checks:\n      checks: [pii]\n")
    assert build(root).returncode == 0
    site = root / "site"
    before = {rel: (st.st_ino, st.st_mtime_ns, st.st_nlink, (site / rel).read_bytes()) for rel, st in files(site).items()}
    change_body(root)
    folder = root / "content" / "wj" / "jyj" / "2025"
    if failure == "after the links are made":
        # A file no document names: found in the core's last step, once the unchanged files are linked.
        (folder / "草稿.docx").write_bytes(b"PK draft")
        message = "既不是文件（.md），也不是任何文件的附件或正文中链接的文件"
    else:
        # A 身份证号 in a body: found by the checks once every page and the search index are written.
        doc = folder / "gf-1.md"
        doc.write_text(doc.read_text(encoding="utf-8") + f"\n联系人张三，身份证号{PII_ID}。\n", encoding="utf-8")
        message = "发布前检查发现"
    result = build(root)
    assert result.returncode == 1
    assert message in result.stderr, result.stderr
    after = {rel: (st.st_ino, st.st_mtime_ns, st.st_nlink, (site / rel).read_bytes()) for rel, st in files(site).items()}
    assert after == before
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []  # no staging folder left


# ---------------------------------------------------------------- what reads the output sees unchanged files


@pytest.mark.build
def test_the_link_check_finds_an_unchanged_file_written_after_the_pages(tmp_path):
    """The search index is written after the pages: a link to it is decided once the site is written, when an
    unchanged index file is not in the staging folder yet."""
    root = mini(tmp_path, SEARCH + LINKS)
    doc = root / "content" / "wj" / "jyj" / "2025" / "gf-1.md"
    doc.write_text(doc.read_text(encoding="utf-8") + '\n<a href="../../../../search/data/meta.bin">检索数据</a>\n',
                   encoding="utf-8")
    catalog = root / "catalog" / "columns.yml"
    for _ in range(2):
        result = build(root, strict=False)
        assert result.returncode == 0, result.stderr
        assert "meta.bin" not in result.stderr, result.stderr
        # a change that changes no output: the next build runs (not replayed) and every file is unchanged
        catalog.write_text(catalog.read_text(encoding="utf-8") + "# 注释\n", encoding="utf-8")
    assert "输出：" in result.stderr


@pytest.mark.build
def test_a_hook_that_works_on_the_written_site_gets_every_file(tmp_path):
    """A site's own hook that rewrites written pages at the end of the build sees them all: nothing is reused."""
    root = mini(tmp_path, "hooks:\n  - stamp.py\n")
    (root / "stamp.py").write_text(
        "import os\n\n"
        "def on_post_build(config):\n"
        "    with open(os.path.join(config.site_dir, 'index.html'), 'a', encoding='utf-8') as fh:\n"
        "        fh.write('<!-- stamped -->')\n", encoding="utf-8")
    assert build(root).returncode == 0
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert "stamp.py 在构建结束时（on_post_build）处理网站目录，本次不沿用上一版网站的文件" in result.stderr
    text = (root / "site" / "index.html").read_text(encoding="utf-8")
    assert text.count("<!-- stamped -->") == 1 and "<html" in text


def test_a_file_reached_through_a_symbolic_link_in_the_previous_site_is_not_shared(tmp_path):
    """A folder of the previous site replaced by a link elsewhere: a file there with the same bytes is not the
    site's, and linking it would tie the new site to it."""
    from gongkai.plugins.catalog.unchanged import UnchangedFiles

    previous, staging, elsewhere = tmp_path / "site", tmp_path / "staging", tmp_path / "elsewhere"
    for folder in (previous, staging, elsewhere):
        folder.mkdir()
    (elsewhere / "a.css").write_bytes(b"same")
    (previous / "assets").symlink_to(elsewhere)
    (previous / "b").mkdir()
    (previous / "b" / "c.css").write_bytes(b"same")
    files_ = UnchangedFiles(previous, staging)
    files_.write(staging / "assets" / "a.css", b"same")
    files_.write(staging / "b" / "c.css", b"same")
    assert files_.link() == 1
    assert (staging / "assets" / "a.css").stat().st_ino != (elsewhere / "a.css").stat().st_ino
    assert files_.grafts == ["b"]  # the site's own folder, kept whole: moved into the new site at publication


# ---------------------------------------------------------------- folders kept whole are moved, not made again


def _previous_site(tmp_path: Path) -> tuple[Path, Path]:
    previous, staging = tmp_path / "site", tmp_path / "site-staging"
    for rel in ("wj/a/index.html", "wj/b/index.html", "wj/c/index.html", "xxgk/index.html", "index.html"):
        (previous / rel).parent.mkdir(parents=True, exist_ok=True)
        (previous / rel).write_bytes(rel.encode())
    staging.mkdir()
    return previous, staging


def test_folders_kept_whole_are_moved_at_publication_and_nothing_else(tmp_path):
    """A folder every file of which the build keeps, and nothing else, is moved whole (no folder made per page);
    a folder with a file the build wrote or one it no longer has is made, and only kept files linked into it."""
    from gongkai.plugins.catalog.unchanged import UnchangedFiles

    previous, staging = _previous_site(tmp_path)
    (previous / "wj/c/stale.html").write_bytes(b"a page this build no longer has")
    files_ = UnchangedFiles(previous, staging)
    for rel in ("wj/a/index.html", "wj/b/index.html", "wj/c/index.html", "xxgk/index.html", "index.html"):
        files_.write(staging / rel, rel.encode())
    files_.write(staging / "xxgk/new.html", b"new")  # written by this build: xxgk/ is made, not moved
    assert files_.link() == 5
    assert sorted(files_.grafts) == ["wj/a", "wj/b"]
    assert not (staging / "wj/a").exists() and not (staging / "wj/b").exists()  # moved only at publication
    assert (staging / "wj/c/index.html").stat().st_ino == (previous / "wj/c/index.html").stat().st_ino
    assert not (staging / "wj/c/stale.html").exists()
    assert (staging / "xxgk/index.html").stat().st_ino == (previous / "xxgk/index.html").stat().st_ino
    assert (staging / "index.html").stat().st_ino == (previous / "index.html").stat().st_ino


@pytest.mark.build
def test_a_rebuild_moves_whole_folders_and_equals_a_build_without_them(tmp_path):
    root = mini(tmp_path)
    assert build(root, "site").returncode == 0
    before = files(root / "site")
    change_body(root)
    result = build(root, "site")
    assert result.returncode == 0, result.stderr[-2000:]
    after = files(root / "site")
    same = [rel for rel in after if rel in before and after[rel].st_ino == before[rel].st_ino]
    assert len(same) > len(after) // 2  # the previous files themselves, linked or moved with their folder
    assert not list(tmp_path.glob("*/.site-old-*")) and not list(root.glob(".site-*"))
    clean = mkdocs_build(root / "mkdocs.yml", root / "clean", env={"GONGKAI_CACHE": "0"})
    assert clean.returncode == 0
    assert contents(root / "site") == contents(root / "clean")


def test_a_move_that_fails_at_publication_puts_the_previous_site_back(tmp_path, monkeypatch):
    from types import SimpleNamespace

    from mkdocs.exceptions import PluginError

    from gongkai.plugins.catalog.publishing import StagedOutput
    from gongkai.plugins.catalog.unchanged import route_writes

    previous, staging = _previous_site(tmp_path)
    staging.rmdir()  # StagedOutput makes its own
    before = {p.relative_to(previous).as_posix(): p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    config = SimpleNamespace(site_dir=str(previous), plugins=SimpleNamespace(events={"post_build": []}))
    output = StagedOutput(config)
    try:
        for rel in before:
            output.unchanged.write(Path(config.site_dir) / rel, before[rel])
        real, calls = os.rename, []

        def rename(src, dst):
            calls.append(src)
            if len(calls) == 2:
                raise OSError("设备忙")
            return real(src, dst)

        monkeypatch.setattr(os, "rename", rename)
        with pytest.raises(PluginError, match="无法移动上一版网站的文件夹"):
            output.commit()
    finally:
        route_writes(None)
    monkeypatch.undo()
    assert {p.relative_to(previous).as_posix(): p.read_bytes() for p in previous.rglob("*") if p.is_file()} == before
    output.discard()
    assert [p.name for p in tmp_path.iterdir()] == ["site"]


def test_the_published_site_is_listed_without_walking_the_folders_moved_whole(tmp_path, monkeypatch):
    """The record of the published site (replay.site_files) takes the entries of the folders moved whole from
    when they were found whole (facts session, 2026-12-07: the site was walked three times a build): the same rows
    as a walk of the published site, nested folders, files of other sizes and a folder made for a new file
    included; and none of those folders is walked again."""
    from types import SimpleNamespace

    from gongkai.plugins.catalog import replay
    from gongkai.plugins.catalog.publishing import StagedOutput
    from gongkai.plugins.catalog.unchanged import route_writes

    previous, staging = _previous_site(tmp_path)
    staging.rmdir()
    for rel in ("wj/a/x/y/deep.html", "wj/a/x/other.css", "wj/d/index.html"):
        (previous / rel).parent.mkdir(parents=True, exist_ok=True)
        (previous / rel).write_bytes(rel.encode() * 7)
    before = {p.relative_to(previous).as_posix(): p.read_bytes() for p in previous.rglob("*") if p.is_file()}
    config = SimpleNamespace(site_dir=str(previous), plugins=SimpleNamespace(events={"post_build": []}))
    output = StagedOutput(config)
    try:
        for rel, data in before.items():
            output.unchanged.write(Path(config.site_dir) / rel, data if rel != "wj/d/index.html" else b"changed")
        output.unchanged.write(Path(config.site_dir) / "wj/e/new.html", b"new")
        output.commit()
    finally:
        route_writes(None)
    assert sorted(output.grafted) == ["wj/a", "wj/b", "wj/c", "xxgk"]
    walked = []
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda path: (walked.append(os.path.relpath(path, previous)), real(path))[1])
    listed = replay.site_files(previous, output.grafted)
    assert not {"wj/a", "wj/a/x", "wj/a/x/y", "wj/b", "xxgk"} & set(walked) and "wj/d" in walked
    monkeypatch.undo()
    assert listed == replay.site_files(previous)
    assert ["wj/a/x/y/deep.html", len(b"wj/a/x/y/deep.html" * 7)] == listed[[r[0] for r in listed].index(
        "wj/a/x/y/deep.html")][:2]


def test_a_carried_page_file_is_judged_from_the_listing_of_the_published_site(tmp_path, monkeypatch):
    """A carried page's file is taken as the listing of the published site found it when the build started (that
    listing found the site the last build published: replay.py), not looked at again per page (facts session,
    2026-12-07); the same verdicts as looking now, and a file changed since is not published (checked at link)."""
    from mkdocs.exceptions import PluginError

    from gongkai.plugins.catalog import replay
    from gongkai.plugins.catalog.unchanged import UnchangedFiles

    previous, staging = _previous_site(tmp_path)
    (previous / "wj/b/index.html").chmod(0o600)  # not a mode a new file gets: written again
    (previous / "wj/link.html").symlink_to(previous / "index.html")
    rels = ["wj/a/index.html", "wj/b/index.html", "wj/c/index.html", "wj/link.html", "wj/none.html", "index.html"]
    looking = UnchangedFiles(previous, staging)
    expected = [looking.carry(rel) for rel in rels]
    assert expected == [True, False, True, False, False, True]

    stats = {}
    replay.site_files(previous, stats=stats)
    looked = []
    real = os.lstat
    monkeypatch.setattr(os, "lstat", lambda path, *a, **k: (looked.append(os.fspath(path)), real(path, *a, **k))[1])
    listed = UnchangedFiles(previous, staging)
    listed.listing = lambda: stats
    assert [listed.carry(rel) for rel in rels] == expected
    assert looked == [os.path.join(previous, "wj/none.html")]  # not there when listed: looked at now
    monkeypatch.undo()

    staging2 = tmp_path / "staging2"
    staging2.mkdir()
    late = UnchangedFiles(previous, staging2)
    late.listing = lambda: stats
    assert late.carry("wj/c/index.html")
    (previous / "wj/c/index.html").write_bytes(b"edited by hand after the build started")
    with pytest.raises(PluginError, match="在构建期间被改动或替换"):
        late.link()
