"""Publishing safety, item 1: markup in metadata never runs in a visitor's browser, and a Markdown body holds no
active content (docs/security.md, "模板转义与正文中的脚本").

Adversarial inputs are written by the tests into copies of the mini fixture: metadata holding markup fails the
strict build with a message naming file, line and field; metadata that is legal but tricky (quotes, "&", "<" that
opens no tag) builds, and every page kind that shows it holds its escaped form; a browser loads those pages and
sees no dialog and no injected element; script in a body fails the build unless the site allows it.
"""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from kit import guarded_page, serve
from gongkai.documents import derive_summary
from gongkai.safety import find_active_content, plain_text_problem
from gongkai.templating import TEMPLATE_DIRS, autoescape
from kit import build, copy_mini, copy_site, write_doc

ROOT = Path(__file__).resolve().parent.parent
MARKUP_FIX = "（修改方法：删去 <…> 标记；确需小于号的，在“<”后加空格，或改用全角“＜”）"
ACTIVE_FIX_START = "（修改方法：删去它。正文可以写 HTML"


def front(n: int, **fields) -> str:
    """Front matter of a valid 教育局 document with 索引号 …-0010n, with fields replaced or added."""
    base = {"title": f"测试市教育局关于第{n}项工作的通知", "栏目": "[gfxwj]", "发布机构": "jyj",
            "成文日期": "2025-06-02", "发布日期": f"2025-06-{10 + n:02d}", "索引号": f"999100002/2025-{100 + n:05d}",
            "主题分类": "科技、教育"}
    base.update(fields)
    return "\n".join(f"{k}: {v}" for k, v in base.items())


def line_no(text: str, needle: str) -> int:
    return text[:text.index(needle)].count("\n") + 1


def error_lines(result) -> list[str]:
    return [line.strip() for line in result.stderr.splitlines() if line.startswith("  content/")
            or line.startswith("  catalog/")]


# ---- unit: what counts as markup, what counts as active content ------------------------------------------------

@pytest.mark.parametrize("value, shown", [
    ("T<img src=x onerror=alert(1)>", "<img src=x onerror=alert(1)>"),
    ('"><script>alert(4)</script>', "<script>"),
    ("标题</title><script>", "</title>"),
    ("a<b", "<b"),  # "<b" opens a tag in HTML: an editor has to write "a < b" or "a＜b"
    ("x<!--y", "<!--y"),
    ("<?php", "<?php"),
    ("<svg/onload=alert(1)>", "<svg/onload=alert(1)>"),
])
def test_markup_in_metadata_is_named(value, shown):
    message, fix = plain_text_problem(value)
    assert message == f"含有 HTML 标记“{shown}”：元数据是纯文本，不能含 HTML 标记"
    assert "全角“＜”" in fix


@pytest.mark.parametrize("value", ['标题"引号"', "A&B", "甲'乙", "1 < 2", "a<1", "a <= b", "＜全角＞", "<条例>",
                                   "《条例》", "a > b", "&lt;img&gt;", 'a.txt" autofocus onfocus="alert(1)', None, 12])
def test_plain_text_that_looks_like_markup_is_allowed(value):
    assert plain_text_problem(value) is None


@pytest.mark.parametrize("char, code", [("\x07", "0007"), ("\u202e", "202E"), ("\x1b", "001B"), ("\x85", "0085")])
def test_control_characters_in_metadata_are_named(char, code):
    message, _ = plain_text_problem(f"通知{char}.pdf")
    assert message.startswith(f"含有不可见的控制字符 U+{code}")


@pytest.mark.parametrize("fragment, what", [
    ("<script>alert(1)</script>", "脚本元素 <script>"),
    ("<SCRIPT SRC=//x></SCRIPT>", "脚本元素 <script>"),
    ("<img src=x onerror=alert(1)>", "事件属性 onerror"),
    ("<svg/onload=alert(1)>", "事件属性 onload"),
    ("<details open ontoggle=alert(1)>x</details>", "事件属性 ontoggle"),
    ('<a href="javascript:alert(1)">x</a>', "脚本链接 javascript:"),
    ('<a href=" &#106;ava&#x09;script:alert(1)">x</a>', "脚本链接 javascript:"),
    ("<a href=javascript&colon;alert(1)>x</a>", "脚本链接 javascript:"),
    ('<a href="\x01JaVaScRiPt:alert(1)">x</a>', "脚本链接 javascript:"),
    ('<a href="vbscript:msgbox(1)">x</a>', "脚本链接 vbscript:"),
    ('<iframe src="data:text/html,x"></iframe>', "脚本链接 data:text/html"),
    ('<img srcset="a.png 1x, javascript:alert(1) 2x">', "脚本链接 javascript:"),
    ('<form action="javascript:alert(1)"><button>x</button></form>', "脚本链接 javascript:"),
    ('<button formaction="javascript:alert(1)">x</button>', "脚本链接 javascript:"),
    ('<svg><a xlink:href="javascript:alert(1)"><text>x</text></a></svg>', "脚本链接 javascript:"),
    ('<svg><set attributeName="href" to="javascript:alert(1)"/></svg>', "脚本链接（<set to="),
    ('<iframe srcdoc="&lt;script&gt;alert(1)&lt;/script&gt;"></iframe>', "内嵌页面 <iframe srcdoc>"),
    ('<object data="x.swf"></object>', "插件元素 <object>"),
    ('<embed src="x.swf">', "插件元素 <embed>"),
    ('<base href="https://example.org/">', "基准链接元素 <base>"),
    ('<meta http-equiv="refresh" content="0;url=https://example.org/">', "跳转元素 <meta http-equiv>"),
    # Where Python's html.parser and a browser disagree, the browser runs the <img>: these must be caught.
    ('<textarea><p title="</textarea><img src=x onerror=alert(1)>"></p>', "事件属性 onerror"),
    ('<xmp><p title="</xmp><img src=x onerror=alert(1)>"></p>', "事件属性 onerror"),
    ('<noscript><p title="</noscript><img src=x onerror=alert(1)>"></p>', "事件属性 onerror"),
    ("<svg><style><img src=x onerror=alert(1)></style></svg>", "事件属性 onerror"),
    ("<!--><img src=x onerror=alert(1)>-->", "事件属性 onerror"),
    ("<style></style x><script>alert(1)</script>", "脚本元素 <script>"),
    ('<template shadowrootmode="open"><img src=x onerror=alert(1)></template>', "事件属性 onerror"),
    # Unclosed at the end: the page's own markup after the body would be swallowed.
    ("<p>正文</p><textarea>", "未闭合的 HTML"),
    ('<div><img src="a.png" alt="', "未闭合的 HTML"),
])
def test_active_content_is_found_as_a_browser_parses_it(fragment, what):
    found = find_active_content(fragment)
    assert any(f.what.startswith(what) for f in found), [f.what for f in found]


@pytest.mark.parametrize("fragment", [
    '<p>正文<img src="a.png" alt="图"> <a href="https://www.example.gov.cn/a?b=1&amp;c=2">链接</a></p>',
    '<img src="data:image/svg+xml;base64,PHN2Zz4=" alt="">',
    "<table><tr><td>1</td></tr></table><div><p>未闭合的段落和 div 不吞掉后面的内容",
    "<style>p { color: red; }</style><details><summary>x</summary>y</details>",
    "<!-- 注释 --><p>1 &lt; 2，a &amp; b</p>",
    # Not markup to a browser either: a tag name cannot hold "<", and "/" ends no attribute value.
    "<scr<script>ipt>alert(1)</script>", "<img/src=x/onerror=alert(1)>",
])
def test_harmless_html_is_not_flagged(fragment):
    assert find_active_content(fragment) == []


def test_derived_summary_is_the_text_of_inline_html():
    assert derive_summary("关于<strong>加强</strong>管理 &amp; 说明<script>alert(1)</script>。\n\n第二段") == \
        "关于加强管理&说明。"


def test_every_gongkai_template_is_autoescaped_and_materials_are_not():
    names = [p.relative_to(folder).as_posix() for folder in TEMPLATE_DIRS for p in folder.rglob("*.html")]
    assert "gongkai/document.html" in names and "partials/copyright.html" in names
    assert all(autoescape(name) for name in names)
    for name in ("main.html", "base.html", "partials/header.html", "partials/footer.html", None):
        assert not autoescape(name)
    assert not list((ROOT / "overrides").rglob("*.html")), "a site override is no gongkai template: review it"


# ---- build: markup in metadata fails with file, line and field -------------------------------------------------

@pytest.mark.build
def test_markup_in_document_metadata_fails_the_strict_build(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/t1.md", front(1, title="'T<img src=x onerror=alert(1)>'"))
    write_doc(root, "jyj/2025/t2.md", front(2, 内容概述="'\"><script>alert(4)</script>'"))
    write_doc(root, "jyj/2025/t3.md", front(3, 文号="<img/src=x/onerror=alert(2)>〔2025〕1号"))
    write_doc(root, "jyj/2025/t4.md", front(4, 主题词='[教育, "<b>重点</b>"]'))
    write_doc(root, "jyj/2025/t5.md", front(5) + "\n附件:\n  - 名称: '<a href=x>表</a>'\n    文件: a.txt\n"
              "  - 名称: 表二\n    文件: '</a><svg onload=alert(1)>.txt'")
    write_doc(root, "jyj/2025/t6.md", front(6, title='"报名表\\u202Etxt.exe"'))
    result = build(root)
    assert result.returncode == 1
    errors = error_lines(result)
    expected = [
        "content/wj/jyj/2025/t1.md:2: title: 含有 HTML 标记“<img src=x onerror=alert(1)>”：元数据是纯文本，不能含 HTML 标记",
        "content/wj/jyj/2025/t2.md:9: 内容概述: 含有 HTML 标记“<script>”：元数据是纯文本，不能含 HTML 标记",
        "content/wj/jyj/2025/t3.md:9: 文号: 含有 HTML 标记“<img/src=x/onerror=alert(2)>”：元数据是纯文本，不能含 HTML 标记",
        "content/wj/jyj/2025/t4.md:9: 主题词: 含有 HTML 标记“<b>”：元数据是纯文本，不能含 HTML 标记",
        "content/wj/jyj/2025/t5.md:10: 附件 · 名称: 含有 HTML 标记“<a href=x>”：元数据是纯文本，不能含 HTML 标记",
        "content/wj/jyj/2025/t5.md:13: 附件 · 文件: 含有 HTML 标记“</a>”：元数据是纯文本，不能含 HTML 标记",
    ]
    for line in expected:
        assert line + MARKUP_FIX in errors, (line, result.stderr)
    assert ("content/wj/jyj/2025/t6.md:2: title: 含有不可见的控制字符 U+202E（RIGHT-TO-LEFT OVERRIDE）"
            "（修改方法：删去该字符（常见于从其他软件复制粘贴的文字））") in errors
    assert "以下 6 个文件未能发布" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.build
def test_markup_in_catalog_fails_the_build_naming_the_entry(tmp_path):
    root = copy_mini(tmp_path)
    catalog = root / "catalog"

    def replace(name, old, new):
        path = catalog / name
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return text[:text.index(old)].count("\n") + 1

    org_line = replace("organizations.yml", "名称: 测试市教育局", "名称: 测试市<b>教育局</b>")
    column_line = replace("columns.yml", "名称: 行政规范性文件", "名称: <i>行政规范性文件</i>")
    reason_line = replace("columns.yml", "szf: 市政府工作动态在门户网站要闻栏目发布。", "szf: 见<a href=x>要闻</a>")
    site_line = replace("site.yml", "主办单位: 测试市人民政府办公室", "主办单位: 测试市人民政府办公室</p><script>alert(1)</script>")
    result = build(root)
    assert result.returncode == 1
    assert "主动公开基本目录有误" in result.stderr
    lines = [line.strip() for line in result.stderr.splitlines()]
    for where, field, shown in [
        (f"catalog/organizations.yml:{org_line}", "发布主体 jyj · 名称", "<b>"),
        (f"catalog/columns.yml:{column_line}", "栏目 gfxwj · 名称", "<i>"),
        (f"catalog/columns.yml:{reason_line}", "栏目 gzdt · 暂无 · szf", "<a href=x>"),
        (f"catalog/site.yml:{site_line}", "网站信息 · 主办单位", "</p>"),
    ]:
        assert f"{where}: {field}: 含有 HTML 标记“{shown}”：元数据是纯文本，不能含 HTML 标记{MARKUP_FIX}" in lines, \
            result.stderr


@pytest.mark.build
def test_markup_and_script_urls_in_consultation_fields_fail(tmp_path):
    root = copy_site(tmp_path, ROOT / "tests" / "fixtures" / "interaction")
    path = root / "content" / "wj" / "jyj" / "2026" / "zj-open.md"
    text = path.read_text("utf-8")
    text = text.replace("征集单位: 测试市教育局", "征集单位: 测试市教育局<img src=x onerror=alert(1)>")
    text = text.replace("起草说明: 为规范学前教育，起草了本条例草案。",
                        "起草说明: '为规范学前教育 [详见](javascript:alert(1))'")
    text = text.replace("  联系人: 李科长", "  联系人: 李科长\n  在线提交: javascript:alert(document.cookie)")
    path.write_text(text, encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    lines = [line.strip() for line in result.stderr.splitlines()]
    file = "content/wj/jyj/2026/zj-open.md"
    organizer, note, online = (line_no(text, key) for key in ("征集单位:", "起草说明:", "在线提交:"))
    assert (f"{file}:{organizer}: 征集单位: 含有 HTML 标记“<img src=x onerror=alert(1)>”：元数据是纯文本，"
            f"不能含 HTML 标记{MARKUP_FIX}") in lines, result.stderr
    assert (f"{file}:{online}: 反馈方式 · 在线提交: 在线提交网址“javascript:alert(document.cookie)”应以 https:// 或 http:// 开头"
            "（修改方法：例如 https://www.example.gov.cn/zjyj/）") in lines, result.stderr
    assert any(line.startswith(f"{file}:{note}: 起草说明: 起草说明中有脚本链接 javascript:（<a href=“javascript:alert(1)”>）"
                               + ACTIVE_FIX_START) for line in lines), result.stderr


# ---- build: legal but tricky metadata is escaped on every page that shows it ---------------------------------------

TITLE = """测试"引号"&和'单引号' 1 < 2 a<1 ＜全角＞ <条例> " autofocus onfocus="alert(1)"""
NUMBER = "测&amp;教发〔2025〕7号"
KEYWORD = '"><i>'.replace("<i>", "＜i＞")
SUMMARY = '" autofocus onfocus="alert(3)" x="&'
ATTACHMENT = 'a.txt" autofocus onfocus="alert(1)'
COLUMN = '规范性文件 & "其他"'
ORG = "测试市教育局 & 体育局"
DERIVED_BODY = "关于<strong>加强</strong>管理 &amp; 说明的通知。\n"
HOME_TITLE = '首页 & "欢迎"'  # front matter of a page that is not a document: mkdocs-material prints it raw too
HOME_DESCRIPTION = '" onmouseover="alert(5)'


def esc(text: str) -> str:
    """How Jinja and markupsafe escape text: & < > " ' as entities."""
    return html.escape(text, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")


def yaml_quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


@pytest.fixture(scope="module")
def tricky(tmp_path_factory):
    root = copy_mini(tmp_path_factory.mktemp("tricky"))
    catalog = root / "catalog"
    for name, old, new in [("organizations.yml", "名称: 测试市教育局", f"名称: {ORG}"),
                           ("columns.yml", "名称: 行政规范性文件", f"名称: {yaml_quoted(COLUMN)}")]:
        path = catalog / name
        path.write_text(path.read_text("utf-8").replace(old, new, 1), encoding="utf-8")
    index = root / "content" / "index.md"
    index.write_text(f"---\ntemplate: gongkai/home.html\ntitle: {yaml_quoted(HOME_TITLE)}\n"
                     f"description: {yaml_quoted(HOME_DESCRIPTION)}\n---\n\n" + index.read_text("utf-8"), encoding="utf-8")
    doc = write_doc(root, "jyj/2025/tricky.md", front(
        9, title=yaml_quoted(TITLE), 发布日期="2025-06-30", 文号=yaml_quoted(NUMBER),
        主题词=f"[教育, {yaml_quoted(KEYWORD)}]", 内容概述=yaml_quoted(SUMMARY))
        + f"\n附件:\n  - 名称: {yaml_quoted(ATTACHMENT)}\n    文件: {yaml_quoted(ATTACHMENT)}")
    (doc.parent / ATTACHMENT).write_text("附件内容", encoding="utf-8")
    write_doc(root, "jyj/2025/derived.md", front(8), DERIVED_BODY)
    result = build(root)
    assert result.returncode == 0, result.stderr
    return root / "site"


def page_text(site: Path, rel: str) -> str:
    return (site / rel / "index.html").read_text("utf-8")


@pytest.mark.build
def test_document_page_escapes_every_field(tricky):
    text = page_text(tricky, "wj/jyj/2025/tricky")
    title = esc(TITLE)
    assert f'<h1 class="gk-title">{title}</h1>' in text
    assert f'<th scope="row">名称</th><td colspan="3">{title}</td>' in text
    assert f"<title>{title} - 测试市政府信息公开</title>" in text
    assert f'<meta name="description" content="{esc(SUMMARY)}">' in text
    number = f'<span class="gk-id">{esc(NUMBER)}</span>'
    assert f"<td>{number}</td>" in text and f'<p class="gk-docno">{number}</p>' in text
    assert f"<td>教育，{esc(KEYWORD)}</td>" in text
    assert f'<th scope="row">发布机构</th><td>{esc(ORG)}</td>' in text
    # The link to the attachment is percent-encoded (URL context), its name escaped (text context).
    assert ('<a href="../a.txt%22%20autofocus%20onfocus%3D%22alert%281%29" download>'
            f"{esc(ATTACHMENT)}</a>") in text
    assert (tricky / "wj/jyj/2025" / ATTACHMENT).read_text("utf-8") == "附件内容"


@pytest.mark.build
def test_lists_directory_home_and_neighbours_escape_the_title(tricky):
    title = esc(TITLE)
    link = re.compile(r'<a href="[^"]*wj/jyj/2025/tricky/">' + re.escape(title) + "</a>")
    for rel in ("xxgk/zcwj/gfxwj",          # column page, site-wide
                "xxgk/jyj/zcwj/gfxwj",      # column page of the 发布主体
                "xxgk/zcwj",                # parent column's overview
                "xxgk/mulu/2025",           # 政府信息公开目录
                "xxgk/jyj/mulu/2025",
                "xxgk", "xxgk/jyj", ""):    # 最新公开 on the section home, the 发布主体 home and the home page
        assert link.search(page_text(tricky, rel)), rel
    directory = page_text(tricky, "xxgk/mulu/2025")
    assert f'<td data-label="内容概述">{esc(SUMMARY)}</td>' in directory
    # A 内容概述 derived from a body with inline HTML is its text, not its markup.
    assert '<td data-label="内容概述">关于加强管理&amp;说明的通知。</td>' in directory
    neighbours = [p for p in tricky.glob("wj/jyj/2025/*/index.html") if p.parent.name != "tricky"]
    footers = [p.read_text("utf-8") for p in neighbours]
    assert any(f'aria-label="上一页: {title}"' in t or f'aria-label="下一页: {title}"' in t for t in footers)
    assert any(re.search(r'<div class="md-ellipsis">\s*' + re.escape(title) + r"\s*</div>", t) for t in footers)


@pytest.mark.build
def test_column_and_organization_names_are_escaped_in_nav_and_titles(tricky):
    column = page_text(tricky, "xxgk/zcwj/gfxwj")
    assert f"<title>{esc(COLUMN)} - 测试市政府信息公开</title>" in column
    assert re.search(r'<span class="md-ellipsis">\s*' + re.escape(esc(COLUMN)) + r"\s*</span>", column)
    org_column = page_text(tricky, "xxgk/jyj/zcwj/gfxwj")
    assert f"<title>{esc(COLUMN)} - {esc(ORG)} - 测试市政府信息公开</title>" in org_column
    assert f'<span class="gk-subtitle">{esc(ORG)}</span>' in org_column


@pytest.mark.build
def test_title_and_description_of_other_pages_are_escaped(tricky):
    home = page_text(tricky, "")
    assert f"<title>{esc(HOME_TITLE)} - 测试市政府信息公开</title>" in home
    assert f'<meta name="description" content="{esc(HOME_DESCRIPTION)}">' in home


@pytest.mark.build
def test_no_page_holds_a_raw_value(tricky):
    raw = [TITLE, SUMMARY, ATTACHMENT, COLUMN, ORG, NUMBER, HOME_TITLE, HOME_DESCRIPTION]
    for path in tricky.rglob("*.html"):
        text = path.read_text("utf-8")
        for value in raw:
            assert value not in text, (path, value)


@pytest.mark.build
def test_browser_sees_no_dialog_and_no_injected_node(tricky, browser):
    url, server = serve(tricky)
    dialogs: list[str] = []
    try:
        with guarded_page(browser, url, script_errors=True) as pg:
            pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            for rel in ("wj/jyj/2025/tricky/", "xxgk/zcwj/gfxwj/", "xxgk/jyj/zcwj/gfxwj/", "xxgk/mulu/2025/",
                        "xxgk/", "xxgk/jyj/", "", *sorted({p.parent.relative_to(tricky).as_posix() + "/"
                                                         for p in tricky.glob("wj/jyj/2025/*/index.html")})):
                pg.goto(f"{url}/{rel}")
                pg.keyboard.press("Tab")  # an injected autofocus/onfocus would fire on focus
                injected = pg.evaluate("""() => [...document.querySelectorAll('*')].flatMap(el =>
                    [...el.attributes].filter(a => a.name.startsWith('on') || a.name === 'autofocus')
                    .map(a => el.tagName + ' ' + a.name))""")
                assert injected == [], (rel, injected)
                scripts = pg.evaluate("() => [...document.scripts].map(s => s.textContent).filter(t => t.includes('alert'))")
                assert scripts == [], (rel, scripts)
            pg.goto(f"{url}/wj/jyj/2025/tricky/")
            assert pg.locator("h1.gk-title").inner_text() == TITLE
            assert pg.title() == f"{TITLE} - 测试市政府信息公开"
            assert pg.locator('meta[name="description"]').get_attribute("content") == SUMMARY
            link = pg.locator(".gk-attachments a")
            assert link.inner_text() == ATTACHMENT
            assert link.evaluate("a => decodeURIComponent(new URL(a.href).pathname)").endswith("/" + ATTACHMENT)
    finally:
        server.shutdown()
    assert dialogs == []


# ---- build: active content in Markdown bodies ------------------------------------------------------------------

NB_COLUMN = """  - id: gknb
    名称: 政府信息公开年报
    类型: 年报
    更新类别: 无
  - id: jgzn
    名称: 机构职能
    类型: 单页
    正文: |
      本栏目介绍机构职能。

      <script>alert('单页')</script>
"""


# Opened on its own, an SVG is an XML document: a script in the XHTML namespace under any prefix runs.
SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">
  <rect width="10" height="10"/>
  <h:script xmlns:h="http://www.w3.org/1999/xhtml">alert(document.domain)</h:script>
</svg>
"""


def active_site(tmp_path: Path, allow: bool) -> Path:
    root = copy_mini(tmp_path)
    with open(root / "catalog" / "columns.yml", "a", encoding="utf-8") as fh:
        fh.write(NB_COLUMN)
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8") + "  - gongkai/reports\n"
    if allow:
        text = text.replace("      page_size: 3\n", "      page_size: 3\n      allow_active_content: true\n")
    config.write_text(text, encoding="utf-8")
    report = (ROOT / "tests" / "fixtures" / "reports" / "valid-2021.yml").read_text("utf-8")
    report = report.replace("一: |\n", "一: |\n  <img src=\"x\" onerror=\"alert(1)\">\n\n", 1)
    path = root / "content" / "reports" / "jyj" / "2023.yml"
    path.parent.mkdir(parents=True)
    path.write_text(report, encoding="utf-8")
    write_doc(root, "jyj/2025/b1.md", front(1), "正文。\n\n<script>alert('b1')</script>\n")
    write_doc(root, "jyj/2025/b2.md", front(2), "正文第一段。\n\n请点击[这里](javascript:alert(2))。\n")
    write_doc(root, "jyj/2025/b3.md", front(3), "正文。\n\n<div><img src=x onerror=\"alert('b3')\"></div>\n")
    write_doc(root, "jyj/2025/b4.md", front(4), "正文。\n\n<div><textarea>\n")
    (root / "content" / "tu").mkdir()  # outside the documents folder, where no document has to name it
    (root / "content" / "tu" / "图解.svg").write_text(SVG, encoding="utf-8")
    return root


@pytest.mark.build
def test_active_content_in_bodies_fails_naming_file_and_line(tmp_path):
    root = active_site(tmp_path, allow=False)
    result = build(root)
    assert result.returncode == 1
    script_line = line_no((root / "catalog" / "columns.yml").read_text("utf-8"), "<script>alert('单页')")
    lines = [line.strip() for line in result.stderr.splitlines()]

    def has(prefix):
        return any(line.startswith(prefix + ACTIVE_FIX_START) for line in lines)

    assert has("content/wj/jyj/2025/b1.md:13: 正文: 正文中有脚本元素 <script>"), result.stderr
    assert has("content/wj/jyj/2025/b2.md:13: 正文: 正文中有脚本链接 javascript:（<a href=“javascript:alert(2)”>）")
    assert has("content/wj/jyj/2025/b3.md:13: 正文: 正文中有事件属性 onerror（<img onerror=…>）")
    assert has("content/reports/jyj/2023.yml:5: 正文: 正文中有事件属性 onerror（<img onerror=…>）"), result.stderr
    assert has(f"catalog/columns.yml:{script_line}: 栏目 jgzn · 正文: 正文中有脚本元素 <script>"), result.stderr
    assert ("content/wj/jyj/2025/b4.md: 正文: 正文末尾有未闭合的 HTML（标签、引号、注释或 <textarea> 之类的元素没有结束），"
            "会吞掉页面后面的内容（修改方法：补上缺少的“>”、引号、“-->”或结束标签（如 </textarea>））") in lines
    assert any(line.startswith("content/tu/图解.svg:3: 文件中有脚本元素 <script>（修改方法：删去其中的脚本")
               for line in lines), result.stderr
    assert not (root / "site" / "wj" / "jyj" / "2025" / "b1" / "index.html").exists()


@pytest.mark.build
def test_the_site_setting_lets_active_content_through(tmp_path):
    root = active_site(tmp_path, allow=True)
    (root / "content" / "wj" / "jyj" / "2025" / "b4.md").unlink()  # unclosed HTML is refused even then
    result = build(root)
    assert result.returncode == 0, result.stderr
    site = root / "site"
    assert "<script>alert('b1')</script>" in page_text(site, "wj/jyj/2025/b1")
    assert "<script>alert('单页')</script>" in page_text(site, "xxgk/jgzn")
    assert (site / "tu" / "图解.svg").read_text("utf-8") == SVG


@pytest.mark.build
def test_gongkai_check_reports_script_in_a_body(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/b1.md", front(1), "正文。\n\n<script>alert('b1')</script>\n")
    report = tmp_path / "report.json"
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(root / "mkdocs.yml"),
                             "--json", str(report)], capture_output=True, text=True, cwd=root,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1, result.stdout + result.stderr
    findings = json.loads(report.read_text("utf-8"))["findings"]
    # (the fixture's 行政规范性文件 has no 文号: a warning of its own, issue 21)
    assert [(f["file"], f["line"], f["field"], f["message"]) for f in findings
            if f["check"] == "input" and f["severity"] == "error"] == [
        ("content/wj/jyj/2025/b1.md", 13, "正文", "正文中有脚本元素 <script>")]
