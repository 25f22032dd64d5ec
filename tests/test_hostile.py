"""Publishing safety, round two (issue 25): the hostile inputs of tests/fixtures/hostile/, each refused with a
message naming file, line or field and the fix, or made harmless; never a traceback, never a hang.

docs/security.md lists each class with its defence.
"""

from __future__ import annotations

import shutil
import sys
import unicodedata
from pathlib import Path

import markdown
import material
import pytest

from gongkai.filerules import name_refusal
from gongkai.mdlimits import MarkdownLimit, control_characters, deadline
from gongkai.safety import active_file_content, find_active_content
from kit import build, copy_mini, write_doc, GOOD_FRONT

HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
sys.path.insert(0, str(HOSTILE / "bodies"))
from bodies import BODIES, CONTROL_BODIES  # noqa: E402

EXTENSIONS = ["tables", "attr_list", "md_in_html", "admonition", "toc"]


def overlay(root: Path, folder: str) -> None:
    shutil.copytree(HOSTILE / folder, root, dirs_exist_ok=True)


def refused(result, *fragments: str) -> None:
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    for fragment in fragments:
        assert fragment in result.stderr, f"{fragment!r} not in:\n{result.stderr}"


def published(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.rglob("*")
                     if p.is_file() and p.suffix in (".html", ".js", ".css", ".xml", ".json"))


# ---- unit ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["about.md~", "about.md.bak", "about.md ", "about.md.", "about.md.orig",
                                  "报告.docx~", "~$报告.docx", "a.swp", "tu.png "])
def test_backup_and_trailing_space_names_are_refused(name):
    assert name_refusal(name) is not None


@pytest.mark.parametrize("name", ["about.md", "报告.docx", "readme.markdown", "2025.yml"])
def test_ordinary_names_pass(name):
    assert name_refusal(name) is None


def test_xml_stylesheet_and_xslt_are_active_content():
    xml = (HOSTILE / "files/content/pair/data.xml").read_text(encoding="utf-8")
    xsl = (HOSTILE / "files/content/pair/style.xsl").read_text(encoding="utf-8")
    assert [f.what for f in active_file_content(xml)] == ["样式表处理指令 <?xml-stylesheet?>（浏览器会按它加载并执行 XSLT/CSS）"]
    assert any("XSLT" in f.what for f in active_file_content(xsl))
    assert active_file_content(xml, allow=True) == []


@pytest.mark.parametrize("fragment", [
    '<img src="https://other.host/a.png">', '<img src="//other.host/a.png">', '<img src="a.png" srcset="//x.org/b 2x">',
    '<video poster="http://x.org/p.jpg"></video>', '<audio src="https://x.org/a.mp3"></audio>',
    '<iframe src="https://x.org/"></iframe>', '<link rel="stylesheet" href="https://x.org/a.css">',
    '<p style="background: url(https://x.org/a.png)">x</p>', '<style>@import "https://x.org/a.css";</style>',
    '<svg><image href="https://x.org/a.png"/></svg>', '<object data="https://x.org/a.pdf"></object>',
])
def test_loads_from_another_host_are_refused(fragment):
    assert any("外部资源" in f.what for f in find_active_content(fragment)), fragment


@pytest.mark.parametrize("fragment", ['<a href="https://other.host/">链接</a>', '<img src="../tu/a.png">',
                                      '<img src="/tu/a.png">', '<img src="data:image/png;base64,AAAA">'])
def test_links_and_local_images_stay_allowed(fragment):
    assert find_active_content(fragment) == []


@pytest.mark.parametrize("name", sorted(BODIES))
def test_pathological_bodies_render_or_stop_with_a_named_error(name):
    """Each finishes within the limit or is refused naming the file: never a hang, never a RecursionError."""
    try:
        with deadline(3, f"content/wj/{name}.md"):
            markdown.Markdown(extensions=EXTENSIONS).convert(BODIES[name])
    except MarkdownLimit as exc:
        assert str(exc).startswith(f"content/wj/{name}.md: 正文: ")
        assert "修改方法" in str(exc)


@pytest.mark.parametrize("name", sorted(CONTROL_BODIES))
def test_control_characters_in_a_body_are_found_with_their_line(name):
    body, line, code = CONTROL_BODIES[name]
    assert control_characters(body)[0] == (line, chr(int(code, 16)))


# ---- builds ----------------------------------------------------------------------------------------------------

@pytest.mark.build
def test_hostile_files_are_refused_and_nothing_is_published(tmp_path):
    root = copy_mini(tmp_path)
    overlay(root, "files")
    content = root / "content"
    bundle = next((Path(material.__file__).parent / "templates/assets/javascripts").glob("bundle.*.min.js")).name
    (content / "assets/javascripts").mkdir(parents=True)
    (content / "assets/javascripts" / bundle).write_text("alert(1)\n", encoding="utf-8")
    (content / "about.md ").write_text("---\ntitle: 空格\n---\n\n正文。\n", encoding="utf-8")
    (content / "Guide.md").write_text("---\ntitle: 指南（大写）\n---\n\n正文。\n", encoding="utf-8")
    (content / unicodedata.normalize("NFC", "café.md")).write_text("# a\n", encoding="utf-8")
    (content / unicodedata.normalize("NFD", "café.md")).write_text("# b\n", encoding="utf-8")
    result = build(root)
    refused(
        result,
        "content/assets/gongkai/gongkai.js: 与主题或 gongkai 自带的文件“assets/gongkai/gongkai.js”同名，会替换掉它",
        "content/assets/search/search.css: 与主题或 gongkai 自带的文件",
        f"content/assets/javascripts/{bundle}: 与主题或 gongkai 自带的文件",
        "content/tu/app.js: 内容文件夹中不能放脚本、样式表或 XSLT 文件（.js）",
        "content/tu/style.css: 内容文件夹中不能放脚本、样式表或 XSLT 文件（.css）",
        "content/pair/style.xsl: 内容文件夹中不能放脚本、样式表或 XSLT 文件（.xsl）",
        "content/about.md~: 文件名“about.md~”是 Markdown 文件的副本或备份",
        "content/about.md.bak: 文件名“about.md.bak”是 Markdown 文件的副本或备份",
        "content/about.md : 文件名“about.md ”是 Markdown 文件的副本或备份",
        "只差大小写或 Unicode 写法",
        "allow_scripts: true",
    )
    assert "content/Guide.md: 与“guide.md”只差大小写" in result.stderr or \
        "content/guide.md: 与“Guide.md”只差大小写" in result.stderr
    assert not (root / "site").exists()


@pytest.mark.build
def test_xml_stylesheet_and_external_image_fail_at_render(tmp_path):
    """With the files that are refused by name gone, the rest is found while pages render."""
    root = copy_mini(tmp_path)
    overlay(root, "files")
    content = root / "content"
    for rel in ("assets", "tu", "pair/style.xsl", "about.md~", "about.md.bak"):
        path = content / rel
        shutil.rmtree(path) if path.is_dir() else path.unlink()
    result = build(root)
    refused(result,
            "content/pair/data.xml:2: 文件中有样式表处理指令 <?xml-stylesheet?>",
            "content/wj/jyj/2025/waibu.md:13: 正文: 正文中有外部资源 <img src=“https://other.host/track.png”>",
            "把图片、视频等文件下载后放进网站")
    assert "https://other.host/page" not in result.stderr  # a plain link is fine


@pytest.mark.build
def test_allow_scripts_lets_an_editors_script_through(tmp_path):
    root = copy_mini(tmp_path)
    (root / "content" / "tu").mkdir()
    (root / "content" / "tu" / "app.js").write_text("console.log(1)\n", encoding="utf-8")
    (root / "content" / "named.css").write_text("p{}\n", encoding="utf-8")
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8") + "extra_css: [named.css]\n"
    config.write_text(text, encoding="utf-8")
    refused(build(root), "content/tu/app.js: 内容文件夹中不能放脚本")
    assert "named.css" not in build(root).stderr  # named in mkdocs.yml: the maintainers' own
    config.write_text(text.replace("page_size: 3", "page_size: 3\n      allow_scripts: true"), encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert (root / "site" / "tu" / "app.js").is_file()


@pytest.mark.build
def test_front_matter_of_a_page_outside_the_documents_is_escaped(tmp_path):
    root = copy_mini(tmp_path)
    overlay(root, "meta")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "nav:\n  - index.md\n  - about.md\n  - xxgk/\n",
                      encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = published(root / "site")
    for raw in ("<img src=x onerror=alert(1)>", "<img src=x onerror=alert(2)>", '"><script>alert(3)</script>',
                '"><script>alert(4)</script>', "<img src=x onerror=alert(5)>"):
        assert raw not in site, raw
    about = (root / "site" / "about" / "index.html").read_text(encoding="utf-8")
    assert '<meta name="author" content="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;">' in about
    assert "&lt;img src=x onerror=alert(2)&gt;" in site  # the subtitle, in the nav
    assert "&lt;img src=x onerror=alert(5)&gt;" in about  # revision_date, in material's source-file partial


@pytest.mark.build
def test_browser_runs_nothing_from_a_pages_front_matter(tmp_path, browser):
    """The home, a page outside the documents and the nav showing its subtitle, opened as a visitor would."""
    from kit import guarded_page, serve

    root = copy_mini(tmp_path)
    overlay(root, "meta")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "nav:\n  - index.md\n  - about.md\n  - xxgk/\n",
                      encoding="utf-8")
    assert build(root).returncode == 0
    url, server = serve(root / "site")
    dialogs: list[str] = []
    try:
        with guarded_page(browser, url) as pg:
            pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for rel in ("", "about/", "xxgk/"):
                pg.goto(f"{url}/{rel}")
                injected = pg.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
                    [...el.attributes].filter(a => a.name.startsWith('on')).map(a => el.tagName + ' ' + a.name))""")
                assert injected == [], (rel, injected)
            pg.goto(f"{url}/about/")
            assert pg.title().startswith("关于<img src=x onerror=alert(1)>")  # shown as the text written
            assert pg.locator('meta[name="author"]').get_attribute("content") == '"><script>alert(3)</script>'
    finally:
        server.shutdown()
    assert dialogs == []


@pytest.mark.build
def test_page_options_of_the_wrong_type_are_named(tmp_path):
    root = copy_mini(tmp_path)
    overlay(root, "meta-bad")
    result = build(root)
    refused(result,
            "content/about.md:2: title: 应为一段文字，实际是列表",
            "content/about.md:3: description: 应为一段文字，实际是映射",
            "content/about.md:4: status: 状态名“new\" onmouseover=\"alert(1)”只能由字母、数字和连字符组成",
            "content/about.md:5: hide: 取值“5”无效，应为：navigation / toc / footer / feedback / path / tags",
            "content/about.md:6: template: 模板“nosuch.html”不存在",
            "content/about.md:7: icon: 图标“material/no-such-icon-xyz”不存在")
    (root / "content" / "about.md").unlink()
    write_doc(root, "jyj/2025/opts.md", GOOD_FRONT + "hide: {toc: 1}\ntemplate: [a]\nicon: 5\n")
    refused(build(root),
            "content/wj/jyj/2025/opts.md:10: hide: 应为一项文字或文字列表，实际是映射",
            "content/wj/jyj/2025/opts.md:11: template: 应为模板文件名")
    (root / "content" / "wj" / "jyj" / "2025" / "opts.md").unlink()
    write_doc(root, "jyj/2025/opts.md", GOOD_FRONT + "template: nosuch.html\n")
    refused(build(root), "content/wj/jyj/2025/opts.md:10: template: 模板“nosuch.html”不存在")


@pytest.mark.build
def test_control_characters_and_slow_bodies_are_named_errors(tmp_path):
    root = copy_mini(tmp_path)
    for n, (name, (body, line, code)) in enumerate(sorted(CONTROL_BODIES.items())):
        write_doc(root, f"jyj/2025/{name}.md", GOOD_FRONT.replace("00020", f"{500 + n:05d}"), body=body)
    result = build(root)
    front_lines = GOOD_FRONT.strip().count("\n") + 4  # ---, the fields, ---, the blank line
    for name, (body, line, code) in CONTROL_BODIES.items():
        assert f"content/wj/jyj/2025/{name}.md:{front_lines + line}: 正文: 含有不可见的控制字符 U+{code}" in result.stderr
    refused(result)
    for name in CONTROL_BODIES:
        (root / "content" / "wj" / "jyj" / "2025" / f"{name}.md").unlink()
    write_doc(root, "jyj/2025/kuohao.md", GOOD_FRONT, body=BODIES["brackets"])
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("page_size: 3", "page_size: 3\n      markdown_time_limit: 2"),
                      encoding="utf-8")
    refused(build(root), "content/wj/jyj/2025/kuohao.md: 正文: 转换为网页用时超过 2 秒，已停止")


@pytest.mark.build
@pytest.mark.parametrize("name", ["nested-emphasis", "nested-lists", "nested-quotes"])
def test_deep_nesting_is_a_named_error_or_builds(tmp_path, name):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/deep.md", GOOD_FRONT, body=BODIES[name])
    result = build(root)
    assert "Traceback" not in result.stderr and "RecursionError" not in result.stderr, result.stderr[-3000:]
    if result.returncode:
        assert "content/wj/jyj/2025/deep.md: 正文: 嵌套层级过深" in result.stderr, result.stderr[-3000:]


@pytest.mark.build
def test_catalog_symlinks_are_refused_and_never_echoed(tmp_path):
    root = copy_mini(tmp_path)
    secret = tmp_path / "token.txt"
    secret.write_text("ghp_SECRETTOKEN1234567890\n", encoding="utf-8")
    site = root / "catalog" / "site.yml"
    site.unlink()
    site.symlink_to(secret)
    result = build(root)
    refused(result, "catalog/site.yml: 是符号链接")
    assert "SECRETTOKEN" not in result.stderr + result.stdout


@pytest.mark.build
def test_characters_xml_cannot_carry_and_overlong_names_are_named(tmp_path):
    """U+FFFE/U+FFFF/U+000B in a title, an organization name or a 指南 field, and an organization name longer than a
    Word title may be: errors naming file, line and field (they ended the feed or the 申请表 writer in a traceback)."""
    root = copy_mini(tmp_path)
    orgs = root / "catalog" / "organizations.yml"
    text = orgs.read_text(encoding="utf-8")
    text = text.replace("名称: 测试市人民政府\n", "名称: \"测试市人民政府\\uFFFE\"\n", 1)
    text = text.replace("办公地址: 测试市人民路1号", "办公地址: \"测试市人民路\\v1号\"", 1)
    text = text.replace("名称: 测试市教育局", "名称: " + "测试市教育局" * 42, 1)
    orgs.write_text(text, encoding="utf-8")
    lines = text.splitlines()
    line = lambda needle: next(i for i, l in enumerate(lines, 1) if needle in l)  # noqa: E731
    result = build(root)
    refused(result,
            f"catalog/organizations.yml:{line('测试市人民政府')}: 发布主体 szf · 名称: 含有不可见的控制字符 U+FFFE",
            f"catalog/organizations.yml:{line('人民路')}: 发布主体 szf · 指南 · 办公地址: 含有不可见的控制字符 U+000B",
            f"catalog/organizations.yml:{line('测试市教育局测试市教育局')}: 发布主体 jyj · 名称: 太长：252 个字，不能超过 100 个字")
    copy = copy_mini(tmp_path / "b")
    write_doc(copy, "jyj/2025/t.md", GOOD_FRONT.replace("title: 测试市教育局关于开展读书月活动的通知",
                                                        'title: "测试市教育局\\uFFFF通知"') + '内容概述: "概述\\v"\n')
    refused(build(copy), "content/wj/jyj/2025/t.md:2: title: 含有不可见的控制字符 U+FFFF",
            "content/wj/jyj/2025/t.md:10: 内容概述: 含有不可见的控制字符 U+000B")
