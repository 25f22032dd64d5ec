"""Import never destroys and never exhausts (issue 25 item 5), and what it adds to the schema (旧索引号前缀, 原网址, the
old → new map) holds: bounded reading of pages and exports, the build's own checks before a file is written,
literal Markdown kept as text, formula-safe reports; hand-written documents are never replaced."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from kit import run_import

from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader
from gongkai.errors import InputError, Problems
from gongkai.feeds import redirects
from gongkai.importer import pages, tables
from gongkai.importer.labels import LabelTable
from gongkai.importer.pages import read_page
from gongkai.importer.report import to_csv
from gongkai.importer.plan import Outcome
from gongkai.importer.source import attachment_ext, download_name
from gongkai.model import Document

MINI = Path(__file__).parent / "fixtures" / "mini"

PAGE = """<html><head><meta charset="utf-8"></head><body><table>
<tr><td>索引号：</td><td>999100002/2023-00009</td><td>发布机构：</td><td>测试市教育局</td></tr>
<tr><td>标题：</td><td>{title}</td><td>发布日期：</td><td>2023-09-01</td></tr>
<tr><td>主题分类：</td><td>科技、教育</td></tr></table>
<div id="zoom">{body}</div></body></html>"""


def make_site(tmp_path: Path) -> Path:
    root = tmp_path / "site-src"
    shutil.copytree(MINI, root)
    config = root / "mkdocs.yml"  # with the checks plugin: its 个人信息 check is run before a file is written
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/checks\n", encoding="utf-8")
    (root / "old").mkdir()
    return root


def gongkai_import(root: Path, *args: str) -> tuple[int, str]:
    code, out, err = run_import(root, *args)
    return code, out + err


def page(root: Path, name: str = "p.html", *, title: str = "测试市教育局秋季开学工作通知", body: str = "<p>正文。</p>") -> str:
    (root / "old" / name).write_text(PAGE.format(title=title, body=body), encoding="utf-8")
    return f"old/{name}"


# ---- bounded reading ------------------------------------------------------------------------------------------

def test_deeply_nested_tags_are_a_named_skip_not_a_hang(tmp_path):
    path = tmp_path / "deep.html"
    path.write_text("<html><body><div id='zoom'>" + "<span>" * 100_000 + "字" + "</span>" * 100_000 + "</div>"
                    "<p>索引号：X-1</p><p>标题：甲</p></body></html>", encoding="utf-8")
    doc = read_page(path, "deep.html")
    assert doc.problem.startswith(f"页面元素嵌套超过 {pages.MAX_DEPTH} 层")


def test_a_page_over_the_size_limit_is_not_read(tmp_path):
    path = tmp_path / "big.html"
    with open(path, "wb") as f:
        f.write(PAGE.format(title="甲", body="<p>正文</p>").encode())
        f.truncate(pages.MAX_PAGE_BYTES + 1)
    doc = read_page(path, "big.html")
    assert doc.problem == "页面有 10 MB，超过 10 MB 的上限，不像是一篇文章页，未读取（请确认是否保存错了文件）"


def forged_xlsx(path: Path) -> None:
    """A small workbook whose sheet claims to span A1:XFD1048576 (openpyxl would pad every row to it)."""
    book = openpyxl.Workbook()
    book.active.append(["索引号", "标题"])
    book.active.append(["X-1", "甲"])
    book.save(path)
    with zipfile.ZipFile(path) as z:
        parts = {name: z.read(name) for name in z.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = parts[sheet].replace(b'<dimension ref="A1:B2"/>', b'<dimension ref="A1:XFD1048576"/>')
    assert b"XFD1048576" in parts[sheet]
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)


def test_a_forged_xlsx_dimension_is_ignored(tmp_path):
    forged_xlsx(tmp_path / "forged.xlsx")
    rows, notes = tables.read_export(tmp_path / "forged.xlsx", "forged.xlsx")
    assert [(r.text("索引号"), r.text("标题")) for r in rows] == [("X-1", "甲")]


def test_an_xlsx_that_unpacks_too_large_is_refused(tmp_path, monkeypatch):
    forged_xlsx(tmp_path / "bomb.xlsx")
    monkeypatch.setattr(tables, "MAX_UNPACKED", 1000)
    with pytest.raises(tables.ExportError, match="解压后有 0 MB，超过 0 MB 的上限（可能是压缩炸弹），未读取"):
        tables.read_export(tmp_path / "bomb.xlsx", "bomb.xlsx")


def test_exports_beyond_rows_and_columns_are_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(tables, "MAX_ROWS", 2)
    (tmp_path / "rows.csv").write_text("索引号,标题\nA,甲\nB,乙\nC,丙\n", encoding="utf-8")
    with pytest.raises(tables.ExportError, match="超过 2 行"):
        tables.read_export(tmp_path / "rows.csv", "rows.csv")
    (tmp_path / "cols.csv").write_text("索引号,标题" + ",x" * 200 + "\n", encoding="utf-8")
    with pytest.raises(tables.ExportError, match="第 1 行超过 100 列"):
        tables.read_export(tmp_path / "cols.csv", "cols.csv")


# ---- the build's checks before writing; text stays text ---------------------------------------------------------

def test_a_page_the_next_build_would_refuse_is_reported_not_written(tmp_path):
    root = make_site(tmp_path)
    source = page(root, body="<p>联系人身份证号11010519491231002X，手机13912345678。</p>")
    code, out = gongkai_import(root, source, "--column", "gfxwj")
    assert code == 1
    assert "正文导入后会使构建失败：第 " in out and "疑似未打码的身份证号“110105********002X”" in out
    assert not (root / "content/wj/jyj/2023").exists()


def test_literal_markdown_on_a_page_stays_text(tmp_path):
    root = make_site(tmp_path)
    source = page(root, body="<p>见 ![图](https://other.example.com/a.png) 与 [点我](javascript:alert(1)) {: onclick=x}</p>")
    code, out = gongkai_import(root, source, "--column", "gfxwj")
    assert code == 0, out
    text = (root / "content/wj/jyj/2023/999100002-2023-00009.md").read_text(encoding="utf-8")
    assert r"见 ![图\](https://other.example.com/a.png) 与 [点我\](javascript:alert(1)) \{: onclick=x}" in text


def test_the_csv_report_is_formula_safe():
    report = to_csv([Outcome("old/a.html", title='=HYPERLINK("http://x","点")', index_number="+1", reasons=["@x"])])
    row = report.splitlines()[1]
    assert "'=HYPERLINK" in row and ",'+1," in row and "'@x" in row


# ---- never destroy ------------------------------------------------------------------------------------------

def test_a_page_never_replaces_a_hand_written_document(tmp_path):
    root = make_site(tmp_path)
    mine = root / "content/wj/jyj/2025/gf-1.md"
    before = mine.read_text(encoding="utf-8")
    source = page(root).replace("999100002/2023-00009", "999100002/2025-00001")
    (root / source).write_text((root / "old/p.html").read_text(encoding="utf-8").replace(
        "999100002/2023-00009", "999100002/2025-00001"), encoding="utf-8")
    code, out = gongkai_import(root, source, "--column", "gfxwj")
    assert code == 1 and "更新 1" not in out
    assert "冲突：索引号与编辑撰写的 content/wj/jyj/2025/gf-1.md 相同（该文件没有“来源: 导入”）：不覆盖" in out
    assert mine.read_text(encoding="utf-8") == before


def test_a_field_the_file_has_is_never_erased_by_a_poorer_source(tmp_path):
    root = make_site(tmp_path)
    gongkai_import(root, page(root, body="<p>详细正文。</p>"), "--column", "gfxwj")
    target = root / "content/wj/jyj/2023/999100002-2023-00009.md"
    first = target.read_text(encoding="utf-8")
    (root / "old/poor.csv").write_text("索引号,标题,发布机构,发布日期\n999100002/2023-00009,测试市教育局秋季开学工作通知,"
                                       "测试市教育局,2023-09-01\n", encoding="utf-8")
    code, out = gongkai_import(root, "old/poor.csv")
    assert code == 0 and out.splitlines()[0] == "导入 1 个来源：新增 0，更新 0，未变化 1，跳过 0"
    assert target.read_text(encoding="utf-8") == first and "详细正文。" in first and "主题分类: 科技、教育" in first


# ---- labels ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("label, field", [("信息分类", "主题分类"), ("所属分类", "主题分类"), ("生成日期", "成文日期"),
                                          ("文件编号", "文号"), ("时效", "有效性"), ("发文日期", "成文日期"),
                                          ("链接", "原网址"), ("URL", "原网址"), ("网址", "原网址")])
def test_labels_of_real_pages(label, field):
    assert LabelTable().field_of(label) == field


def test_the_map_file_names_a_label_the_table_does_not_know(tmp_path):
    root = make_site(tmp_path)
    (root / "old/p.html").write_text(PAGE.format(title="甲通知", body="<p>正文。</p>").replace(
        "<td>发布机构：</td>", "<td>承办科室：</td>"), encoding="utf-8")
    code, out = gongkai_import(root, "old/p.html", "--column", "gfxwj")
    assert code == 1
    assert ("缺少发布机构（用 --org 指定）（页面上另有不认得的标签：承办科室；若其中有这一项，在对照表“标签”中写明，"
            "例如 标签: {承办科室: 发布机构}）") in out
    (root / "map.yml").write_text("标签:\n  承办科室: 发布机构\n", encoding="utf-8")
    code, out = gongkai_import(root, "old/p.html", "--column", "gfxwj", "--map", "map.yml")
    assert code == 0, out


@pytest.mark.parametrize("href, ext, name", [
    ("/module/download/downfile.jsp?classid=0&filename=2306011620123.pdf", "pdf", "2306011620123.pdf"),
    ("./P020230512389.pdf", "pdf", ""), ("/module/download/downfile.jsp?fileid=9", "download", ""),
    ("/art/2023/6/1/art_1229_9001.html", "", ""), ("/col/col1229/index.jsp?uid=3", "", ""),
])
def test_attachment_links_of_old_platforms(href, ext, name):
    assert (attachment_ext(href), download_name(href)) == (ext, name)


# ---- 旧索引号前缀, 原网址 and the redirect map ------------------------------------------------------------------

def catalog_with(tmp_path: Path, old: str, new: str):
    shutil.copytree(MINI / "catalog", tmp_path / "catalog")
    path = tmp_path / "catalog/organizations.yml"
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    return tmp_path / "catalog"


def load(catalog, front: str):
    loader = DocumentLoader(catalog, Problems())
    doc = loader.load(f"---\n{front}---\n\n正文。\n", "wj/jyj/2023/x.md", "content/wj/jyj/2023/x.md")
    return doc, [str(p) for p in loader.problems.items]


FRONT = "title: 甲\n栏目: [gfxwj]\n发布机构: jyj\n成文日期: 2023-05-20\n发布日期: 2023-05-25\n主题分类: 科技、教育\n"


def test_an_organisation_known_only_by_its_old_prefix(tmp_path):
    catalog = load_catalog(catalog_with(tmp_path, '    机构代码: "999100002"\n', "    旧索引号前缀: [PZ00108]\n"))
    assert catalog.organizations["jyj"].code == "" and catalog.organizations["jyj"].old_prefixes == ["PZ00108"]
    doc, problems = load(catalog, FRONT + "索引号: PZ00108-3000-2023-00031\n来源: 导入\n")
    assert problems == [] and doc.index_number == "PZ00108-3000-2023-00031"
    _, problems = load(catalog, FRONT + "索引号: QX001-2023-1\n来源: 导入\n")
    assert problems == ["content/wj/jyj/2023/x.md:8: 索引号: 索引号“QX001-2023-1”不以测试市教育局的机构代码或旧索引号前缀"
                        "（PZ00108）开头（修改方法：核对发布机构；确属测试市教育局的旧文件时，把它的前缀加到 "
                        "catalog/organizations.yml 的“旧索引号前缀”）"]
    # a new document needs the real code (with a 文号, as a 行政规范性文件 must have)
    _, problems = load(catalog, FRONT + "文号: 测教〔2023〕1号\n索引号: 999100002/2023-00001\n")
    assert problems == ["content/wj/jyj/2023/x.md:9: 索引号: 测试市教育局还没有机构代码，新文件无法编索引号（修改方法："
                        "在 catalog/organizations.yml 中填写该发布主体的“机构代码”（旧索引号前缀只用于导入的文件））"]


def test_an_organisation_needs_a_code_or_an_old_prefix(tmp_path):
    with pytest.raises(InputError, match="发布主体 jyj · 机构代码: 缺少必填字段“机构代码”"):
        load_catalog(catalog_with(tmp_path, '    机构代码: "999100002"\n', ""))


def test_old_addresses_are_checked_and_unique(tmp_path):
    catalog = load_catalog(MINI / "catalog")
    loader = DocumentLoader(catalog, Problems())
    base = FRONT + "来源: 导入\n"
    loader.load(f"---\n{base}索引号: A-1\n原网址: http://old.example.gov.cn/art/1.html\n---\n\n正文。\n", "wj/a.md", "a.md")
    loader.load(f"---\n{base}索引号: A-2\n原网址: https://old.example.gov.cn/art/1.html\n---\n\n正文。\n", "wj/b.md", "b.md")
    loader.load(f"---\n{base}索引号: A-3\n原网址: 旧网站\n---\n\n正文。\n", "wj/c.md", "c.md")
    assert [str(p) for p in loader.problems.items] == [
        "b.md:10: 原网址: 原网址“https://old.example.gov.cn/art/1.html”与 a.md 相同：旧网址只能转到一个新页面"
        "（修改方法：核对两个文件的原网址，删去错的那个）",
        "c.md:10: 原网址: 原网址“旧网站”不是网址（修改方法：写旧网站上这篇文件的完整网址（http:// 或 https:// 开头）"
        "或以 / 开头的路径，不含空格和引号）"]


def test_the_nginx_map_keys_are_what_nginx_sees():
    docs = [Document(src_path="wj/a.md", title="甲", column_ids=[], publisher_id="x", written=None, published=None,
                     index_number="A-1", topic="无", old_url="http://old.example.gov.cn/%E6%96%87%E4%BB%B6/1.html"),
            Document(src_path="wj/b.md", title="乙", column_ids=[], publisher_id="x", written=None, published=None,
                     index_number="A-2", topic="无", old_url="http://old.example.gov.cn/openness.jsp?id=5&t=1"),
            Document(src_path="wj/c.md", title="丙", column_ids=[], publisher_id="x", written=None, published=None,
                     index_number="A-3", topic="无", old_url='/bad"path')]
    rows = redirects.entries(docs, "/gk/", lambda d: d.src_path[:-3] + "/")
    assert [r["网址"] for r in rows] == ["/gk/wj/c/", "/gk/wj/b/", "/gk/wj/a/"]  # by the key nginx sees
    text = redirects.to_nginx(rows)
    assert '    "/文件/1.html" "/gk/wj/a/";\n' in text and '    "/openness.jsp?id=5&t=1" "/gk/wj/b/";\n' in text
    assert "bad" not in text  # a key nginx would misread is left out of the map (still in the JSON list)


# ---- shapes of real pages not written for this repository's fixtures ------------------------------------------

GOVCN = """<html><head><meta charset="utf-8"></head><body><div class="wrap"><table><tbody><tr><td>
<table class="bd1"><tbody>
<tr><td><b>索 引 号：</b></td><td>000099999/2023-00101</td><td><b>主题分类：</b></td><td>卫生、体育\\医药管理</td></tr>
<tr><td><b>发文机关：</b></td><td>测试市人民政府</td><td><b>成文日期：</b></td><td>2023年12月21日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">测试市人民政府关于在先行区暂时调整实施有关规定的决定</td></tr>
<tr><td><b>发文字号：</b></td><td>测政发〔2023〕43号</td><td><b>发布日期：</b></td><td>2023年12月29日</td></tr>
</tbody></table>
<table class="bd1"><tbody><tr><td><b>主 题 词：</b></td><td></td><td></td><td></td></tr></tbody></table>
</td></tr></tbody></table>
<table><tbody><tr><td><table><tbody><tr><td class="b12c" id="UCAP-CONTENT">
<p style="text-align: center;"><span style="font-weight: bold;">测试市人民政府关于在先行区</span></p>
<p style="text-align: center;"><span style="font-weight: bold;">暂时调整实施有关规定的决定</span></p>
<p style="text-align: center;"><span>测政发〔2023〕43号</span></p><p><br> </p>
<p>各区人民政府，市政府各部门：</p><p style="text-indent: 2em;">决定在先行区暂时调整实施有关规定。</p>
<p style="text-align: right;">测试市人民政府 &nbsp; &nbsp;</p></td></tr></tbody></table>
<div id="qr_container">扫一扫在手机打开当前页</div></td></tr></tbody></table></div></body></html>"""


def test_the_gov_cn_policy_page_shape(tmp_path):
    """The structure of www.gov.cn policy pages (seen in a public crawl of them): a two-table box, the body in a
    <td id="UCAP-CONTENT"> whose first lines repeat the title over several centred paragraphs."""
    root = make_site(tmp_path)
    (root / "old/content_1.htm").write_text(GOVCN, encoding="utf-8")
    code, out = gongkai_import(root, "old/content_1.htm", "--column", "gz")
    assert code == 0, out
    assert "主题分类“卫生、体育\\医药管理”记为一级分类“卫生、体育”" in out
    text = (root / "content/wj/szf/2023/000099999-2023-00101.md").read_text(encoding="utf-8")
    body = text.split("---\n", 2)[2]
    assert body == "\n各区人民政府，市政府各部门：\n\n决定在先行区暂时调整实施有关规定。\n\n测试市人民政府\n"


def test_an_address_two_pages_claim_is_kept_by_the_first_only(tmp_path):
    """Some platforms print the site's home page as every page's canonical address: the 301 map must not get
    one old address for two documents (the build would refuse it)."""
    root = make_site(tmp_path)
    home = '<link rel="canonical" href="http://old.example.gov.cn/">'
    for name, number in (("a.html", "00009"), ("b.html", "00010")):
        (root / "old" / name).write_text(PAGE.format(title=f"测试市教育局通知{number}", body="<p>正文。</p>")
                                         .replace("2023-00009", f"2023-{number}").replace("</head>", home + "</head>"),
                                         encoding="utf-8")
    code, out = gongkai_import(root, "old/a.html", "old/b.html", "--column", "gfxwj")
    assert code == 0, out
    assert "原网址“http://old.example.gov.cn/”已属于索引号为 999100002/2023-00009 的文件（旧网页写的地址可能不对），未记录" in out
    assert "原网址" not in (root / "content/wj/jyj/2023/999100002-2023-00010.md").read_text(encoding="utf-8")


def test_a_value_only_a_rule_filled_in_is_no_conflict(tmp_path):
    """An export without 成文日期 gets the 发布日期 by rule: that is no evidence against the page's real date."""
    root = make_site(tmp_path)
    source = page(root)
    (root / source).write_text((root / source).read_text(encoding="utf-8").replace(
        "<tr><td>主题分类：</td>", "<tr><td>成文日期：</td><td>2023-08-20</td><td>主题分类：</td>"), encoding="utf-8")
    gongkai_import(root, source, "--column", "gfxwj")
    (root / "old/e.csv").write_text("索引号,标题,发布机构,发布日期\n999100002/2023-00009,测试市教育局秋季开学工作通知,"
                                    "测试市教育局,2023-09-01\n", encoding="utf-8")
    code, out = gongkai_import(root, "old/e.csv")
    assert "冲突" not in out and out.splitlines()[0] == "导入 1 个来源：新增 0，更新 0，未变化 1，跳过 0"
    assert "成文日期: 2023-08-20" in (root / "content/wj/jyj/2023/999100002-2023-00009.md").read_text(encoding="utf-8")
