"""个人信息 that the first round's scan missed (issue 25, item 4): UTF-16/32 text, numbers split by characters or
markup a reader never sees, Word files with another namespace prefix, spreadsheet comments and formulas."""

from __future__ import annotations

import zipfile

import pytest

from gongkai.checks.pii import scan_file, scan_text

ID = "110105199003071239"  # a valid 身份证号 (province, birth date, check character)
MOBILE = "13800138000"


def kinds(findings) -> list[tuple[str, str]]:
    return [(f.severity, f.message.split("“")[0]) for f in findings]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32", "utf-16-le"])
def test_unicode_text_files_are_decoded(tmp_path, encoding):
    """Excel's “Unicode 文本” is UTF-16 LE with a BOM; utf-16-le here has no BOM at all."""
    path = tmp_path / "名单.csv"
    text = f"姓名,身份证号\n张三,{ID}\n"
    data = text.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data
    path.write_bytes(data)
    assert kinds(scan_file(path, "名单.csv")) == [("error", "疑似未打码的身份证号")]


def test_a_text_file_that_cannot_be_decoded_is_listed_as_not_scanned(tmp_path):
    path = tmp_path / "名单.txt"
    path.write_bytes(b"\xff\xff\x80\x80" * 10)
    assert [(f.severity, f.message) for f in scan_file(path, "名单.txt")] == [
        ("warning", "未能扫描：文件编码无法识别（不是 UTF-8、GB18030、UTF-16 或 UTF-32 文本），内容未检查")]


@pytest.mark.parametrize("written", [
    "138\u200b0013\u200b8000",  # zero-width space
    "138\u00ad0013\u00ad8000",  # soft hyphen
    "138\u20090013\u20098000",  # thin space
    "138\u202f0013\u202f8000",  # narrow no-break space
    "138\u20600013\u20608000",  # word joiner
    "<span>138</span><span>0013</span>8000",
    "138<span class=\"x\">0013</span>8000",
    "138**0013**8000",
    "138*0013*8000",
    "`138`00138000",
    "~~138~~00138000",
    "&#49;3800138000",
    "138&#x30;0138000",
    "138&nbsp;0013&nbsp;8000",
])
def test_numbers_split_by_what_a_reader_never_sees_are_found(written):
    hits = scan_text(f"联系电话：{written}\n")
    assert [(h.kind, h.line, h.masked) for h in hits] == [("手机号", 1, "138****8000")]


def test_an_id_split_by_markup_in_markdown(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: t\n---\n\n申请人身份证号：{ID[:6]}<span>{ID[6:14]}</span>**{ID[14:]}**\n", encoding="utf-8")
    assert [(f.line, f.message.split("“")[0]) for f in scan_file(path, "a.md")] == [(5, "疑似未打码的身份证号")]


def test_masked_forms_stay_quiet():
    assert scan_text("联系电话：138\u200b****\u200b5678，身份证号 110101********1234\n") == []


@pytest.mark.parametrize("prefix, declaration", [
    ("ns0", 'xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'),
    ("", 'xmlns="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'),
    ("wx", 'xmlns:wx="http://purl.oclc.org/ooxml/wordprocessingml/main"'),
])
def test_docx_is_read_by_namespace_not_prefix(tmp_path, prefix, declaration):
    p = f"{prefix}:" if prefix else ""
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", f'<{p}document {declaration}><{p}body><{p}p><{p}r><{p}t>联系人：张某 {MOBILE}'
                                        f'</{p}t></{p}r></{p}p></{p}body></{p}document>')
    assert [(f.field, f.line) for f in scan_file(path, "a.docx")] == [("段落", 1)]


def test_xlsx_comments_and_formulas_without_cached_values(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    from openpyxl.comments import Comment

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "备注"])
    sheet.append(["张三", "见批注"])
    sheet["B2"].comment = Comment(f"身份证号 {ID}", "编辑")
    sheet["C2"] = f'="{MOBILE}"'  # openpyxl writes no cached value: read for values, the cell is empty
    path = tmp_path / "名单.xlsx"
    book.save(path)
    findings = scan_file(path, "名单.xlsx")
    assert sorted((f.field, f.message.split("“")[0]) for f in findings) == [
        ("工作表“名单”的公式", "疑似未打码的手机号"), ("批注（comment1.xml）", "疑似未打码的身份证号")]


def test_the_rendered_text_is_scanned_too():
    """A number whole only once rendered (Markdown escapes in the source, cells of one line …)."""
    from gongkai.checks.pii import scan_rendered, shown_text

    html = "<p>联系电话：138-0013-8000</p><table><tr><td>1380013</td><td>8000</td></tr></table>"
    assert "| 1380013 | 8000" in shown_text(html).split("\n")  # cells stay apart, rows read as table rows
    found = scan_rendered(html, "content/wj/a.md")
    assert [(f.file, f.field, f.line, f.severity) for f in found] == [
        ("content/wj/a.md", "正文（网页上显示的文字）", None, "error")]
    assert scan_rendered(html, "content/wj/a.md", known=["138****8000"]) == []
    # A statistics column of the rendered table is read with its header, as in the source.
    table = "<table><thead><tr><th>指标</th><th>数值</th></tr></thead><tbody><tr><td>经费（元）</td><td>15234567890</td></tr></tbody></table>"
    assert scan_rendered(table, "content/wj/a.md") == []


def test_the_rendered_text_is_read_as_the_browser_builds_it():
    """Raw HTML in a body may leave a table open (the browser closes it): its cells stay apart all the same, and a
    cell's number is not joined with the next cell's into a 手机号 the page never shows."""
    from gongkai.checks.pii import scan_rendered, shown_text

    unclosed = "<p>统计如下：</p>\n<table>\n<tr><th>序号</th><th>件数</th></tr>\n<tr><td>1380013</td><td>8000</td></tr>\n"
    assert "| 1380013 | 8000" in shown_text(unclosed).split("\n")
    assert scan_rendered(unclosed, "content/wj/a.md") == []
    # Implied end tags: the number the page shows whole is still found.
    implied = "<table><tr><td>联系人<td>电话<tr><td>王<td><span>138</span>0013<span>8000</span></table>"
    assert shown_text(implied).split("\n")[-1] == "| 王 | 13800138000"
    assert len(scan_rendered(implied, "content/wj/a.md")) == 1


@pytest.mark.build
def test_a_build_finds_a_number_that_only_the_page_shows_whole(tmp_path):
    from kit import GOOD_FRONT, build, copy_mini, write_doc

    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/checks:\n      checks: [pii]\n", encoding="utf-8")
    write_doc(root, "jyj/2025/dianhua.md", GOOD_FRONT, body="联系人张某，电话 138\\-0013\\-8000。\n")
    result = build(root, strict=False)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert "content/wj/jyj/2025/dianhua.md: 正文（网页上显示的文字）: 疑似未打码的手机号“138****8000”" in result.stderr
    assert not (root / "site").exists()
