"""Publishing safety (docs/security.md): what may enter site/, and a site/ that appears only after a clean build.

Each case is tried the way an editor on Windows or someone with commit access would, on a copy of the mini site.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kit import GOOD_FRONT, build, copy_mini, write_doc

pytestmark = pytest.mark.build

PII_ID = "110105199003071239"  # a valid 身份证号 (checksum and date), invented


def published_text(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*") if p.is_file())


def assert_refused(result, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, result.stderr


# ---------------------------------------------------------------- symlinks


@pytest.mark.parametrize("target", ["/etc/passwd", "/proc/self/environ"])
def test_symlink_to_a_file_outside_is_an_error_and_nothing_is_published(tmp_path, target):
    root = copy_mini(tmp_path)
    link = root / "content" / "wj" / "jyj" / "2025" / "secrets.txt"
    link.symlink_to(target)
    result = build(root)
    assert_refused(result, f"content/wj/jyj/2025/secrets.txt: 是指向 /{target.split('/')[1]}/",
                   "目标在网站内容文件夹之外，不能发布")
    assert not (root / "site").exists()


def test_symlinked_folder_outside_the_project_is_an_error(tmp_path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    (outside / "token.txt").write_text("DEPLOY_TOKEN=abc", encoding="utf-8")
    root = copy_mini(tmp_path)
    (root / "content" / "gongyong").symlink_to(outside, target_is_directory=True)
    result = build(root, strict=False)
    assert_refused(result, "content/gongyong/token.txt: 是指向", "不能发布")
    assert not (root / "site").exists()


def test_symlink_inside_the_content_folder_is_allowed(tmp_path):
    root = copy_mini(tmp_path)
    page = root / "content" / "about.md"
    page.write_text("# 关于\n", encoding="utf-8")
    (root / "content" / "guanyu.md").symlink_to(page)
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "guanyu" / "index.html").is_file()


# ---------------------------------------------------------------- files that would silently not be documents


@pytest.mark.parametrize("name, message", [
    ("通知.MD", "扩展名“.MD”不是小写"),
    ("通知.Md", "扩展名“.Md”不是小写"),
    ("通知.md.txt", "文件名以 .md.txt 结尾"),
    (".通知.md", "文件名或所在文件夹以“.”开头"),
])
def test_misnamed_markdown_is_an_error_never_copied_raw(tmp_path, name, message):
    root = copy_mini(tmp_path)
    path = write_doc(root, "jyj/2025/x.md", GOOD_FRONT)
    path.rename(path.with_name(name))
    result = build(root, strict=False)
    assert_refused(result, f"content/wj/jyj/2025/{name}: {message}")
    assert not (root / "site").exists()


def test_document_outside_the_documents_folder_is_an_error(tmp_path):
    root = copy_mini(tmp_path)
    (root / "content" / "tongzhi.md").write_text(f"---\n{GOOD_FRONT}---\n\n正文。\n", encoding="utf-8")
    result = build(root)
    assert_refused(result, "content/tongzhi.md: 有政府信息文件的元数据，却不在文件文件夹中", "content/wj/<发布主体>/<年份>/")


def test_stray_file_under_documents_is_an_error_but_linked_files_are_published(tmp_path):
    root = copy_mini(tmp_path)
    folder = root / "content" / "wj" / "jyj" / "2025"
    (folder / "草稿备份.docx").write_bytes(b"PK\x03\x04")
    (folder / "img").mkdir()
    (folder / "img" / "tu.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"/>', encoding="utf-8")
    write_doc(root, "jyj/2025/tujie.md", GOOD_FRONT, body="![图解](img/tu.svg)\n")
    result = build(root)
    assert_refused(result, "content/wj/jyj/2025/草稿备份.docx: 既不是文件（.md），也不是任何文件的附件或正文中链接的文件")
    assert "tu.svg" not in result.stderr
    (folder / "草稿备份.docx").unlink()
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "wj" / "jyj" / "2025" / "img" / "tu.svg").is_file()


def test_summary_counts_the_published_documents(tmp_path):
    root = copy_mini(tmp_path)
    result = build(root)
    assert result.returncode == 0, result.stderr
    sources = list((root / "content" / "wj").rglob("*.md"))
    pages = [p for p in (root / "site" / "wj").rglob("index.html")]
    assert len(pages) == len(sources)
    assert f"发布 {len(sources)} 件政府信息" in result.stderr
    assert not list((root / "site").rglob("*.md"))


# ---------------------------------------------------------------- a failed build publishes nothing new


def test_failed_build_leaves_the_previous_site_untouched(tmp_path):
    root = copy_mini(tmp_path)
    assert build(root).returncode == 0
    marker = root / "site" / "previous.txt"
    marker.write_text("the site that is online", encoding="utf-8")
    write_doc(root, "jyj/2025/bad.md", GOOD_FRONT.replace("发布机构: jyj", "发布机构: nobody"))
    result = build(root)
    assert_refused(result, "“nobody”不是已定义的发布主体")
    assert marker.read_text(encoding="utf-8") == "the site that is online"
    assert not (root / "site" / "wj" / "jyj" / "2025" / "bad").exists()
    assert [p.name for p in root.iterdir() if p.name.startswith(".site")] == []  # no staging folder left


def test_errors_fail_the_build_without_strict_in_mkdocs_yml(tmp_path):
    root = copy_mini(tmp_path)
    assert "strict" not in (root / "mkdocs.yml").read_text(encoding="utf-8")
    write_doc(root, "jyj/2025/bad.md", GOOD_FRONT.replace("成文日期: 2025-06-02", "成文日期: 2025-02-30"))
    result = build(root, strict=False)
    assert_refused(result, "content/wj/jyj/2025/bad.md:5: 成文日期: 日期“2025-02-30”无效")
    assert "0 个错误" not in result.stderr
    assert not (root / "site").exists()


def test_personal_information_found_after_rendering_publishes_nothing(tmp_path):
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/checks:\n      checks: [pii]\n", encoding="utf-8")
    folder = root / "content" / "wj" / "jyj" / "2025"
    (folder / "附件").mkdir()
    (folder / "附件" / "名单.csv").write_text(f"姓名,身份证号\n张三,{PII_ID}\n", encoding="utf-8")
    write_doc(root, "jyj/2025/mingdan.md", GOOD_FRONT + "附件:\n  - 名称: 名单\n    文件: 附件/名单.csv\n",
              body=f"联系人张三，身份证号{PII_ID}。\n")
    result = build(root, strict=False)
    assert_refused(result, "发布前检查发现")
    assert not (root / "site").exists()
    # And a site built before keeps what it had, without the finding.
    (folder / "mingdan.md").unlink()
    (folder / "附件" / "名单.csv").unlink()
    assert build(root).returncode == 0
    write_doc(root, "jyj/2025/mingdan.md", GOOD_FRONT, body=f"联系人张三，身份证号{PII_ID}。\n")
    assert build(root, strict=False).returncode == 1
    assert PII_ID not in published_text(root / "site")


# ---------------------------------------------------------------- dates


def test_publication_date_far_in_the_future_is_an_error(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/future.md", GOOD_FRONT.replace("发布日期: 2025-06-04", "发布日期: 2099-06-04"))
    result = build(root, strict=False)
    assert_refused(result, "content/wj/jyj/2025/future.md:6: 发布日期: 发布日期 2099-06-04 比今天", "超过允许的 30 天")


def test_future_days_setting(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/soon.md", GOOD_FRONT.replace("发布日期: 2025-06-04", "发布日期: 2026-01-10"))
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("      page_size: 3", "      page_size: 3\n      as_of: \"2025-12-31\"")
    config.write_text(text, encoding="utf-8")
    assert build(root).returncode == 0  # 10 days ahead: within the default 30
    config.write_text(text.replace("page_size: 3", "page_size: 3\n      future_days: 5"), encoding="utf-8")
    assert_refused(build(root), "发布日期 2026-01-10 比今天（2025-12-31）晚 10 天，超过允许的 5 天")


# ---------------------------------------------------------------- page options


def test_page_options_of_a_document_are_kept(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/wide.md", GOOD_FRONT + "hide: [navigation, toc]\n", body="## 一、总则\n\n正文。\n")
    write_doc(root, "jyj/2025/plain.md", GOOD_FRONT.replace("00020", "00021").replace("11号", "12号"),
              body="## 一、总则\n\n正文。\n")
    result = build(root)
    assert result.returncode == 0, result.stderr
    wide = (root / "site" / "wj" / "jyj" / "2025" / "wide" / "index.html").read_text(encoding="utf-8")
    plain = (root / "site" / "wj" / "jyj" / "2025" / "plain" / "index.html").read_text(encoding="utf-8")
    assert 'md-sidebar--primary" data-md-component="sidebar" data-md-type="navigation" hidden' in wide
    assert 'data-md-type="navigation" hidden' not in plain
    assert "gk-meta" in wide  # still the document template with its metadata box


# ---------------------------------------------------------------- the web server can read what is published


@pytest.mark.parametrize("umask, folder, file", [(0o022, 0o755, 0o644), (0o002, 0o775, 0o664)])
def test_site_is_written_with_the_process_umask(tmp_path, umask, folder, file):
    """nginx runs as another user: a 0700 site/ (the staging folder's mode) answers 403 to every page."""
    root = copy_mini(tmp_path)
    old = os.umask(umask)  # the build subprocess inherits it
    try:
        assert build(root).returncode == 0
    finally:
        os.umask(old)
    site = root / "site"
    modes = {(p.is_dir(), stat.S_IMODE(p.stat().st_mode)) for p in [site, *site.rglob("*")]}
    assert modes == {(True, folder), (False, file)}, sorted(modes)


def test_a_site_dir_that_is_a_symlink_publishes_into_the_folder_it_points_to(tmp_path):
    """``site`` → the web server's folder (or a release folder): MkDocs writes into the folder the link points to,
    so a build publishes there, link kept; with the cache too (unchanged pages reused, some carried)."""
    root = copy_mini(tmp_path)
    www = tmp_path / "www"
    www.mkdir()
    (root / "site").symlink_to(www, target_is_directory=True)
    first = build(root)
    assert first.returncode == 0, first.stderr[-3000:]
    assert (root / "site").is_symlink() and (www / "index.html").is_file()
    doc = root / "content" / "wj" / "jyj" / "2025" / "gf-2.md"
    doc.write_text(doc.read_text(encoding="utf-8") + "\n招生结果另行公布。\n", encoding="utf-8")
    again = build(root)
    assert again.returncode == 0, again.stderr[-3000:]
    assert (root / "site").is_symlink() and os.path.realpath(root / "site") == str(www)
    assert "招生结果另行公布" in (www / "wj" / "jyj" / "2025" / "gf-2" / "index.html").read_text(encoding="utf-8")
    assert not [p.name for p in root.iterdir() if p.name.startswith(".site-")]
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".www-")]


def _display_with_pathlib(guard, file) -> str:
    path = guard.docs_dir / file.src_uri
    try:
        return path.relative_to(guard.root).as_posix()
    except ValueError:
        return (Path(guard.docs_dir.name) / file.src_uri).as_posix()


def test_the_guard_names_and_refuses_files_as_it_did_with_pathlib(tmp_path):
    """SourceGuard.display and its symlink test take string shortcuts for MkDocs' normal paths: each file is named
    and refused exactly as the pathlib forms did (odd src_uris and symlinks included)."""
    from types import SimpleNamespace

    from gongkai.errors import Problems
    from gongkai.plugins.catalog.publishing import SourceGuard

    root = tmp_path / "site"
    docs = root / "content"
    (docs / "wj" / "org1").mkdir(parents=True)
    (docs / "wj" / "org1" / "d.md").write_text("d")
    (docs / "a.md").write_text("a")
    os.symlink(docs / "a.md", docs / "inside-link.md")  # inside docs_dir: allowed
    os.symlink("/etc/hostname", docs / "outside-link.md")
    os.symlink(tmp_path / "nowhere", docs / "dangling.md")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "o.md").write_text("o")
    os.symlink(tmp_path / "out", docs / "linked-folder")
    guard = SourceGuard(root, docs, "wj", Problems())

    def file(src: str, abs_src: str | None = None):
        return SimpleNamespace(src_uri=src, abs_src_path=abs_src or os.path.normpath(os.path.join(docs, src)))

    cases = [file("wj/org1/d.md"), file("a.md"), file("inside-link.md"), file("outside-link.md"),
             file("dangling.md"), file("linked-folder/o.md"), file("./a.md"), file("wj//org1/d.md"), file("wj/"),
             file("a.md", str(docs) + "/./a.md"), file("a.md", str(docs) + "/wj/../a.md"),
             file("a.md", os.path.relpath(docs / "a.md"))]
    for f in cases:
        assert guard.display(f) == _display_with_pathlib(guard, f), f.src_uri
    refused = {f.src_uri: guard._refusal(f) for f in cases[:6]}
    assert refused["wj/org1/d.md"] is None and refused["a.md"] is None and refused["inside-link.md"] is None
    assert "目标在网站内容文件夹之外" in refused["outside-link.md"][0]
    assert "目标不存在" in refused["dangling.md"][0]
    assert "目标在网站内容文件夹之外" in refused["linked-folder/o.md"][0]
    # Paths MkDocs does not make (not normal, not absolute) take pathlib's comparison, as before.
    assert guard._refusal(cases[-3]) is None and guard._refusal(cases[-1]) is None
    assert guard._refusal(cases[-2]) is None
    outside = SourceGuard(root, tmp_path / "elsewhere", "wj", Problems())  # docs_dir outside the site's folder
    assert outside.display(file("a.md")) == _display_with_pathlib(outside, file("a.md")) == "elsewhere/a.md"
