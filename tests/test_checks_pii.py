"""个人信息 check: numbers that must be caught, and look-alikes (索引号, 文号, dates, amounts, tables) that must not."""

from __future__ import annotations

import json
import os
import re
import struct
import subprocess
import sys
import tracemalloc
import zipfile
import zlib
from pathlib import Path

import pytest

from gongkai.checks import extract
from gongkai.checks.pii import id_check_char, is_id15, is_id18, luhn, scan_file, scan_text

MB = 1024 * 1024

# (text, expected [(kind, line)]) — the text is one line unless it contains newlines.
LEAKS = [
    ("身份证号：11010519491231002X", [("身份证号", 1)]),  # check character X
    ("身份证号：11010519491231002x", [("身份证号", 1)]),  # lower-case x
    ("公民身份号码 440524198001010013", [("身份证号", 1)]),  # numeric check character
    ("张三 320311770706001", [("身份证号", 1)]),  # old 15-digit form
    ("联系电话13800138000", [("手机号", 1)]),
    ("手机：+86 138 0013 8000", [("手机号", 1)]),  # +86 and grouped 3-4-4
    ("TEL:15912345678", [("手机号", 1)]),
    ("Tel13800138000。", [("手机号", 1)]),
    ("手机 199-1234-5678", [("手机号", 1)]),
    ("银行卡号：6222021234567890128", [("银行卡号", 1)]),  # 19 digits, Luhn, card words
    ("账号 6222 0212 3456 7890 128", [("银行卡号", 1)]),  # grouped by 4
    ("收款：4111111111111111", [("银行卡号", 1)]),  # 16-digit Visa test number
    ("王某 6222021234567890128 1200", [("银行卡号", 1)]),  # no words, but a 19-digit 62 card
    ("| 姓名 | 身份证号 | 联系电话 |\n|---|---|---|\n| 张某 | 11010519491231002X | 13800138000 |",
     [("身份证号", 3), ("手机号", 3)]),
    ("第一行\n第二行 13800138000\n第三行", [("手机号", 2)]),
    ("身份证 110105 19491231 002X", [("身份证号", 1)]),  # grouped 6-8-4
    # 身份证号 split, written in full-width, after labels and names (issue 10, item 7)
    ("身份证号 110105 199003071239", [("身份证号", 1)]),  # 6+12, space
    ("110105-19900307-1239", [("身份证号", 1)]),  # 6+8+4, hyphens
    ("110105 - 19900307 - 1239", [("身份证号", 1)]),  # hyphens with spaces
    ("身份证：110105 1990 0307 1239", [("身份证号", 1)]),  # 6+4+4+4
    ("110105_19900307_1239，110105.199003071239", [("身份证号", 1), ("身份证号", 1)]),  # other separators
    ("110105   199003071239", [("身份证号", 1)]),  # aligned by several spaces
    ("身份证号：１１０１０５１９９００３０７１２３９", [("身份证号", 1)]),  # full-width digits
    ("４４０３０５１９８５０１０１００１Ｘ", [("身份证号", 1)]),  # full-width X
    ("１１０１０５　１９９００３０７　１２３９", [("身份证号", 1)]),  # full-width digits and spaces
    ("110105－19900307—1239", [("身份证号", 1)]),  # full-width hyphen and a dash
    ("证件编号：110105199003071239", [("身份证号", 1)]),
    ("证件号码:110105199003071239", [("身份证号", 1)]),
    ("身份证编号 110105-19900307-1239", [("身份证号", 1)]),
    ("公民身份号码110105199003071239", [("身份证号", 1)]),
    ("项目联系人张三110105199003071239", [("身份证号", 1)]),  # a person named after the 项目 word
    ("联系人李四110105199003071239", [("身份证号", 1)]),
    ("张三 320311-770706001", [("身份证号", 1)]),  # old 15-digit form split 6+9
    ("320311-770706-001", [("身份证号", 1)]),  # old 15-digit form split 6+6+3
    # 手机号 in full-width and with separators
    ("手机：１３８００１３８０００", [("手机号", 1)]),
    ("电话 １３８－００１３－８０００", [("手机号", 1)]),
    ("手机 138　0013　8000", [("手机号", 1)]),  # ideographic spaces
    ("项目负责人王五 138-0013-8000", [("手机号", 1)]),
]

CLEAN = [
    "身份证号：110105194912310021",  # wrong check character (should be X)
    "身份证号：110105194913310026",  # month 13
    "身份证号：990105194912310023",  # no such province
    "110101********1234",  # masked 身份证号
    "138****5678",  # masked 手机号
    "6222 **** **** 1234",  # masked card
    "索引号：999000001/2024-00012",
    "索引号：11440300007542222X/2024-00012",  # 统一社会信用代码 as 索引号 prefix
    "统一社会信用代码：91110108MA01234567",
    "示政办发〔2024〕12号",
    "成文日期：2024-03-05，20240305",
    "预算总额 15234567890 元",  # an amount, unit after
    "预算总额 15234567890.00",  # decimals
    "￥13800138000",
    "| 指标 | 数值 |\n|---|---|\n| 教育经费总投入（元） | 15234567890 |",  # statistics table
    "项目编号：6222021234567890128",  # another kind of number
    "订单号 13800138000",
    "政务服务便民热线12345",
    "4111111111111112",  # fails Luhn
    "2023 2024 2025 2026",  # years, not a grouped card
    "https://example.gov.cn/art/2024/13800138000.html",  # inside a URL
    "12345678901234567890123",  # longer digit run
    "A13800138000B",  # inside an alphanumeric code
    "1380013800",  # 10 digits
    "12800138000",  # 12 is not a mobile prefix
    "6222021234567890",  # 16 digits, 62 prefix, but fails Luhn
    "统计：1234567890123456",  # Luhn-valid? no card words, no card prefix
    # look-alikes of the split, full-width and labelled forms
    "身份证号 110105 199003071230",  # 6+12, wrong check character
    "110105-19901307-1239",  # 6+8+4, month 13
    "１１０１０５１９９００３０７１２３０",  # full-width, wrong check character
    "证件编号：110105199003071230",  # label, wrong check character
    "项目编号：110105199003071239",  # an ID-shaped number named as another kind of number
    "订单号：110105199003071239",
    "订单编号 2024030512345678901",  # a long order number
    "合同编号 HT-110105-19900307-1239",
    "流水号 20240305 1380 0138 000",
    "索引号：110105-19900307-1239/2024-00012",
    "统一社会信用代码：121101057178806915",  # all digits and ID-shaped after the label
    "统一社会信用代码 12110105717880691X",  # its own check character position: year 0571, not a birth date
    "示政办发〔2024〕12号 110105",
    "2024-03-05 至 2025-03-04",
    "20240305-20250304-0001",
    "2024.03.05 13:30",
    "138  0013  8000",  # columns of an aligned text table, not one number
    "110105 850312 123",  # a 区划代码 and two numbers: the 15-digit form split in three only by hyphens
    "１３８＊＊＊＊５６７８",  # full-width masked 手机号
    "１１０１０５＊＊＊＊＊＊＊＊１２３９",  # full-width masked 身份证号
]


@pytest.mark.parametrize("text,expected", LEAKS)
def test_leaks_are_found_with_their_line(text, expected):
    hits = scan_text(text, latest_year=2026)
    assert [(h.kind, h.line) for h in hits] == expected


@pytest.mark.parametrize("text", CLEAN)
def test_look_alikes_pass(text):
    assert scan_text(text, latest_year=2026) == []


def test_masked_form_in_findings_never_repeats_the_number():
    hits = scan_text("11010519491231002X 13800138000 6222021234567890128")
    assert [h.masked for h in hits] == ["110105********002X", "138****8000", "6222***********0128"]


def test_allow_list_and_catalog_numbers():
    assert scan_text("办公室手机 13900000000", allow=["139-0000-0000"]) == []
    assert [h.kind for h in scan_text("办公室手机 13900000000")] == ["手机号"]


def test_check_character_and_luhn_helpers():
    assert id_check_char("11010519491231002") == "X"
    assert is_id18("11010519491231002X") and not is_id18("110105194912310021")
    assert not is_id18("110105203012310024", latest_year=2026)  # born in the future
    assert is_id15("320311770706001") and not is_id15("320311771306001")
    assert luhn("4111111111111111") and not luhn("4111111111111112")


def test_csv_attachment_uses_the_header_row(tmp_path):
    # A 17-digit Luhn-valid number: a card only because the column header says 银行账号.
    assert luhn("62170012345678907")
    path = tmp_path / "名单.csv"
    path.write_text("姓名,银行账号,金额\n王某,62170012345678907,1200\n", encoding="utf-8")
    findings = scan_file(path, "附件/名单.csv")
    assert [(f.file, f.line, f.severity, f.check) for f in findings] == [("附件/名单.csv", 2, "error", "pii")]
    assert "银行卡号“6217*********8907”" in findings[0].message
    path.write_text("项目,编码,金额\n甲,62170012345678907,1200\n", encoding="utf-8")
    assert scan_file(path, "附件/名单.csv") == []


def test_gb18030_csv(tmp_path):
    path = tmp_path / "a.csv"
    path.write_bytes("姓名,电话\n张某,13800138000\n".encode("gb18030"))
    findings = scan_file(path, "a.csv")
    assert [(f.line, "手机号" in f.message) for f in findings] == [(2, True)]


def test_xlsx_attachment(tmp_path):
    import openpyxl  # the checks extra, which the test set-up installs
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    sheet.append(["姓名", "身份证号", "银行卡号", "金额（元）"])
    sheet.append(["张某", "11010519491231002X", "6222021234567890128", 1500])  # card numbers are text cells
    sheet.append(["李某", "110101********1234", "6222 **** **** 0128", 15234567890])
    path = tmp_path / "名单.xlsx"
    book.save(path)
    findings = scan_file(path, "附件/名单.xlsx")
    assert sorted((f.line, f.field, f.message.split("“")[0]) for f in findings) == [
        (2, "工作表“名单”", "疑似未打码的身份证号"), (2, "工作表“名单”", "疑似未打码的银行卡号")]


def _pdf(streams: list[bytes], flate: bool = False) -> bytes:
    """A PDF with one page per content stream (Helvetica as F1); ``flate``: the streams are zlib data."""
    n = len(streams)
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(n))
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", f"<< /Type /Pages /Kids [{kids}] /Count {n} >>".encode()]
    for i, stream in enumerate(streams):
        objects.append(f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {4 + 2 * i} 0 R "
                       f"/Resources << /Font << /F1 {3 + 2 * n} 0 R >> >> >>".encode())
        objects.append(b"<< /Length %d%s >>\nstream\n" % (len(stream), b" /Filter /FlateDecode" if flate else b"")
                       + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _text_stream(text: str) -> bytes:
    """A content stream drawing ``text`` (ASCII) in Helvetica."""
    return f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()


def _pdf_with_text(text: str) -> bytes:
    return _pdf([_text_stream(text)])


def test_pdf_attachment(tmp_path):
    path = tmp_path / "a.pdf"
    path.write_bytes(_pdf_with_text("Tel 13800138000 ID 11010519491231002X"))
    findings = scan_file(path, "a.pdf")
    assert sorted(f.message.split("“")[0] for f in findings) == ["疑似未打码的手机号", "疑似未打码的身份证号"]
    assert {f.field for f in findings} == {"第1页"}


def test_pdf_without_personal_numbers(tmp_path):
    path = tmp_path / "b.pdf"
    path.write_bytes(_pdf_with_text("999000001/2024-00012 and 138****5678"))
    assert scan_file(path, "b.pdf") == []


def test_docx_attachment(tmp_path):
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", '<w:document><w:body><w:p><w:r><w:t>第一段</w:t></w:r></w:p>'
                                        '<w:p><w:r><w:t>电话 1380013</w:t></w:r><w:r><w:t>8000</w:t></w:r></w:p>'
                                        '</w:body></w:document>')
    findings = scan_file(path, "a.docx")
    assert [(f.line, f.field) for f in findings] == [(2, "段落")]


def test_html_attachment_lines(tmp_path):
    path = tmp_path / "a.html"
    path.write_text("<html>\n<body>\n<p>身份证 11010519491231002X</p>\n</body></html>\n", encoding="utf-8")
    assert [f.line for f in scan_file(path, "a.html")] == [3]


def test_unreadable_formats_are_listed_not_passed(tmp_path):
    path = tmp_path / "a.doc"
    path.write_bytes(b"\xd0\xcf\x11\xe0 binary")
    findings = scan_file(path, "a.doc")
    assert [(f.severity, f.check) for f in findings] == [("info", "pii")]
    assert findings[0].message == "不支持扫描：Word 97-2003 文档（.doc）中的文字无法自动检查"
    assert "人工核对" in findings[0].fix and "另存为 .docx/.xlsx" in findings[0].fix


def test_long_single_line_is_linear():
    # 20,000 numbers on one line (a minified page, a sheet row): each is found, none costs the line's length.
    line = "，".join(f"联系电话{13800000000 + i}" for i in range(20_000))
    hits = scan_text(line)
    assert len(hits) == 20_000 and {h.line for h in hits} == {1}


# ---------------------------------------------------------------------------------------- every attachment type

SVG = """<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="640" height="200" aria-label="联系电话 13800138000">
  <title>示意图</title>
  <path d="M110105 199003071239 L138 0013 8000"/>
  <text x="10" y="40"><tspan>申请人身份证号 110105</tspan><tspan>199003071239</tspan></text>
  <text x="10" y="80">&#49;3900001111 已打码：138****5678</text>
</svg>
"""


def test_svg_text_is_scanned_with_its_lines(tmp_path):
    path = tmp_path / "tujie.svg"
    path.write_text(SVG, encoding="utf-8")
    findings = scan_file(path, "附件/tujie.svg", latest_year=2026)
    # line 2: the aria-label; line 5: an ID split over two <tspan>s; line 6: a character reference. The path data
    # of line 4 is coordinates, not text, and is not read.
    assert [(f.line, f.severity, f.message.split("“")[0]) for f in findings] == [
        (2, "error", "疑似未打码的手机号"), (5, "error", "疑似未打码的身份证号"), (6, "error", "疑似未打码的手机号")]


def test_svg_entities_are_never_expanded(tmp_path):
    entities = "".join(f'<!ENTITY e{i} "{f"&e{i - 1};" * 10 if i else "13800138000"}">' for i in range(10))
    path = tmp_path / "bomb.svg"
    path.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE svg [{entities}]>\n<svg><text>&e9;</text></svg>\n')
    tracemalloc.start()
    try:
        findings = scan_file(path, "bomb.svg")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert findings == [] and peak < 5 * MB  # 10^9 copies of the number, had the entity been expanded


@pytest.mark.parametrize("name,expected", [
    ("照片.jpg", "不支持扫描：图片（.jpg）中的文字无法自动检查"),
    ("扫描件.PNG", "不支持扫描：图片（.png）中的文字无法自动检查"),
    ("公文.ofd", "不支持扫描：OFD 版式文件（.ofd）中的文字无法自动检查"),
    ("材料.rar", "不支持扫描：压缩包（.rar）中的文字无法自动检查"),
    ("数据.abc", "不支持扫描：.abc 文件中的文字无法自动检查"),
    ("README", "不支持扫描：没有扩展名的文件中的文字无法自动检查"),
])
def test_every_other_type_is_listed_as_not_scanned(tmp_path, name, expected):
    path = tmp_path / name
    path.write_bytes(b"\x89PNG 13800138000")
    findings = scan_file(path, f"附件/{name}")
    assert [(f.file, f.severity, f.check, f.message) for f in findings] == [(f"附件/{name}", "info", "pii", expected)]


def test_empty_file_of_any_type_has_nothing_to_report(tmp_path):
    (tmp_path / ".gitkeep").write_bytes(b"")
    assert scan_file(tmp_path / ".gitkeep", "content/.gitkeep") == []
    (tmp_path / ".gitkeep").write_bytes(b"x")
    assert [f.severity for f in scan_file(tmp_path / ".gitkeep", "content/.gitkeep")] == ["info"]


def test_allow_naming_a_file_silences_its_note_but_not_its_numbers(tmp_path):
    (tmp_path / "a.jpg").write_bytes(b"jpeg")
    assert scan_file(tmp_path / "a.jpg", "content/wj/附件/a.jpg", allow=["wj/附件/a.jpg"]) == []
    assert len(scan_file(tmp_path / "a.jpg", "content/wj/附件/a.jpg", allow=["wj/附件/b.jpg"])) == 1
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(_pdf_with_text("Tel 13800138000"))
    # A path in allow is not a number: 13800138000.pdf allows no phone number.
    findings = scan_file(pdf, "content/a.pdf", allow=["content/a.pdf", "附件/13800138000.pdf"])
    assert [f.severity for f in findings] == ["error"]


def test_missing_file_is_a_finding_not_an_exception(tmp_path):
    findings = scan_file(tmp_path / "gone.xlsx", "附件/gone.xlsx")
    assert [(f.severity, f.message) for f in findings] == [("warning", "未能扫描：文件无法打开（No such file or directory）")]


# ---------------------------------------------------------------------------------------- bounded reading

def _deflate_repeated(byte: bytes, megabytes: int, wbits: int = -15) -> bytes:
    """A deflate stream of ``megabytes`` MiB of ``byte``, made of one repeated full-flush block: a 1.5 GB bomb is
    1.5 MB and takes milliseconds to build. ``wbits`` -15: raw (zip), 15: zlib (PDF)."""
    c = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = byte * MB
    head = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    again = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH)
    return head + again * (megabytes - 1) + c.flush(zlib.Z_FINISH)


def _raw_zip(path: Path, members: list[tuple]) -> None:
    """A zip written by hand: (name, deflated data, declared size[, CRC]) per member. A bomb's CRC is left 0:
    nothing may inflate it far enough to check."""
    out, central = bytearray(), bytearray()
    for name, data, size, *crc in members:
        raw, offset, crc = name.encode(), len(out), crc[0] if crc else 0
        out += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0, crc, len(data), size, len(raw), 0)
        out += raw + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0, crc, len(data), size,
                               len(raw), 0, 0, 0, 0, 0, offset) + raw
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(out), 0)
    path.write_bytes(bytes(out + central + end))


def _honest(name: str, data: bytes) -> tuple:
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    return name, c.compress(data) + c.flush(), len(data), zlib.crc32(data)


def _scan_measured(path: Path, display: str):
    """scan_file's findings and the peak memory Python allocated meanwhile."""
    tracemalloc.start()
    try:
        findings = scan_file(path, display)
        return findings, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("suffix", [".docx", ".xlsx"])
def test_zip_bomb_is_refused_by_declared_size(tmp_path, suffix):
    # The case: a 1.5 MB file whose main part inflates to 1.5 GB.
    part = "word/document.xml" if suffix == ".docx" else "xl/worksheets/sheet1.xml"
    path = tmp_path / f"bomb{suffix}"
    _raw_zip(path, [("[Content_Types].xml", zlib.compress(b"<Types/>")[2:-4], 8),
                    (part, _deflate_repeated(b"0", 1500), 1500 * MB)])
    assert path.stat().st_size < 2 * MB
    findings, peak = _scan_measured(path, f"附件/bomb{suffix}")
    assert [(f.file, f.severity) for f in findings] == [(f"附件/bomb{suffix}", "warning")]
    assert findings[0].message == (f"未能扫描：文件解压后 1.5 GB（其中“{part}”1.5 GB），超过上限 50.0 MB，"
                                   "可能是“压缩炸弹”，未读取")
    assert peak < 10 * MB  # refused before inflating


def test_zip_bomb_is_refused_by_compression_ratio(tmp_path):
    path = tmp_path / "ratio.docx"
    _raw_zip(path, [("word/document.xml", _deflate_repeated(b" ", 20), 20 * MB)])  # 20 MB from 20 KB: 1000:1
    findings, peak = _scan_measured(path, "ratio.docx")
    ratio = 20 * MB // zipfile.ZipFile(path).getinfo("word/document.xml").compress_size
    assert ratio > 1000
    assert [f.message for f in findings] == [f"未能扫描：“word/document.xml”的压缩比为 {ratio}:1，超过上限 100:1，"
                                             "可能是“压缩炸弹”，未读取"]
    assert peak < 10 * MB


@pytest.mark.parametrize("suffix,part", [(".docx", "word/document.xml"), (".xlsx", "xl/styles.xml")])
def test_zip_part_larger_than_it_declares_is_refused(tmp_path, suffix, part):
    # A part that declares 1 KB and inflates to 1.5 GB, in an otherwise valid file. zipfile's read(), which
    # openpyxl uses for xl/styles.xml, would inflate it whole before cutting it to 1 KB (437 MB for a 200 MB
    # bomb, measured); it is inflated in small steps first and refused once it outgrows 1 KB.
    import openpyxl
    valid = tmp_path / f"valid{suffix}"
    if suffix == ".xlsx":
        book = openpyxl.Workbook()
        book.active.append(["电话", "13800138000"])
        book.save(valid)
    else:
        with zipfile.ZipFile(valid, "w") as z:
            z.writestr("[Content_Types].xml", "<Types/>")
            z.writestr(part, "<w:document/>")
    with zipfile.ZipFile(valid) as z:
        members = [_honest(n, z.read(n)) for n in z.namelist() if n != part]
    path = tmp_path / f"liar{suffix}"
    _raw_zip(path, [*members, (part, _deflate_repeated(b"0", 1500), 1024)])
    findings, peak = _scan_measured(path, f"liar{suffix}")
    assert [(f.severity, f.message) for f in findings] == [
        ("warning", f"未能扫描：“{part}”解压后超过它声明的 1 KB（文件被篡改，可能是“压缩炸弹”），未读取")]
    assert peak < 10 * MB
    # The honest parts alone are a file that reads: the refusal is about the lying part only.
    _raw_zip(path, [*members, _honest(part, zipfile.ZipFile(valid).read(part))])
    assert [f.severity for f in scan_file(path, f"liar{suffix}")] == (["error"] if suffix == ".xlsx" else [])


def test_zip_with_too_many_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_ZIP_MEMBERS", 3)
    path = tmp_path / "many.docx"
    with zipfile.ZipFile(path, "w") as z:
        for n in range(4):
            z.writestr(f"word/part{n}.xml", "<x/>")
    assert [f.message for f in scan_file(path, "many.docx")] == ["未能扫描：文件内含 4 个部件，超过上限 3 个"]


def _xlsx_with_sheet(path: Path, edit) -> None:
    """An openpyxl workbook whose sheet1.xml is rewritten by ``edit``."""
    import openpyxl
    book = openpyxl.Workbook()
    book.active.append(["姓名", "电话"])
    book.active.append(["张某", "13800138000"])
    plain = path.with_name("plain.xlsx")
    book.save(plain)
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            data = src.read(info)
            out.writestr(info, edit(data.decode()) if info.filename == "xl/worksheets/sheet1.xml" else data)


LAUGHS = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
    f'<!ENTITY lol{i} "{("&lol;" if i == 1 else f"&lol{i - 1};") * 10}">' for i in range(1, 10)) + "]>"


def test_xlsx_entity_bomb_is_refused_by_defusedxml(tmp_path):
    import openpyxl.xml.functions
    # The checks extra installs defusedxml, and openpyxl then parses every part through it.
    assert openpyxl.xml.DEFUSEDXML is True
    assert openpyxl.xml.functions.iterparse.__module__.startswith("defusedxml")
    path = tmp_path / "bomb.xlsx"
    _xlsx_with_sheet(path, lambda xml: LAUGHS + xml.replace("<t>张某</t>", "<t>&lol9;</t>"))
    findings, peak = _scan_measured(path, "附件/bomb.xlsx")
    assert [(f.file, f.severity, f.message) for f in findings] == [
        ("附件/bomb.xlsx", "warning", "未能扫描：文件中声明了 XML 实体（可能是“实体炸弹”），为安全起见未读取")]
    assert peak < 20 * MB


def test_xlsx_entity_bomb_without_defusedxml_is_still_a_finding(tmp_path):
    # openpyxl without defusedxml (OPENPYXL_DEFUSEDXML=False): expat's amplification limit stops the parse while
    # the rows are read, which used to escape as a ParseError from on_files.
    path = tmp_path / "bomb.xlsx"
    _xlsx_with_sheet(path, lambda xml: LAUGHS + xml.replace("<t>张某</t>", "<t>&lol9;</t>"))
    code = ("import sys; from gongkai.checks.pii import scan_file; import openpyxl.xml as x; assert not x.DEFUSEDXML; "
            "print([(f.severity, f.message) for f in scan_file(sys.argv[1], 'bomb.xlsx')])")
    result = subprocess.run([sys.executable, "-c", code, str(path)], capture_output=True, text=True,
                            env={**os.environ, "OPENPYXL_DEFUSEDXML": "False"})
    assert result.returncode == 0, result.stderr
    assert "未能扫描：文件中声明了 XML 实体" in result.stdout and "warning" in result.stdout


def test_xlsx_forged_dimension_does_not_pad_rows(tmp_path):
    # <dimension ref="A1:XFD1048576"> would make openpyxl pad every row to 16,384 cells and add a million rows.
    path = tmp_path / "wide.xlsx"
    _xlsx_with_sheet(path, lambda xml: re.sub(r'<dimension ref="[^"]*"', '<dimension ref="A1:XFD1048576"', xml))
    findings, peak = _scan_measured(path, "wide.xlsx")
    assert [(f.line, f.field, f.message.split("“")[0]) for f in findings] == [(2, "工作表“Sheet”", "疑似未打码的手机号")]
    assert peak < 20 * MB


def test_xlsx_text_limit_scans_what_was_read(tmp_path, monkeypatch):
    import openpyxl
    monkeypatch.setattr(extract, "MAX_TEXT_CHARS", 10_000)
    book = openpyxl.Workbook()
    for n in range(4000):  # about 20,000 characters of text
        book.active.append(["张某", "13800138000"] if n in (1, 3900) else ["李某", "无"])
    path = tmp_path / "long.xlsx"
    book.save(path)
    findings = scan_file(path, "long.xlsx")
    assert [(f.severity, f.line) for f in findings] == [("error", 2), ("warning", None)]  # row 3901 not reached
    assert findings[1].message == "未能扫描：提取出的文字超过上限（1 万字），只检查了前面的部分（到工作表“Sheet”为止）"


def test_text_file_limit_scans_the_first_lines(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_TEXT_CHARS", 1_000_000)
    path = tmp_path / "big.txt"
    path.write_text("电话 13800138000\n" + "正文\n" * 200_000 + "电话 13900001111\n", encoding="utf-8")
    findings = scan_file(path, "big.txt")
    assert [(f.severity, f.line) for f in findings] == [("error", 1), ("warning", None)]
    lines = path.read_bytes()[:1_000_000].count(b"\n")  # the whole lines within the first 1,000,000 bytes
    assert findings[1].message == f"未能扫描：文件 1.3 MB，超过文本扫描上限（1 MB），只检查了前 {lines} 行"
    # One line of 1.2 MB, cut inside a character: still read as UTF-8, not as another encoding.
    path.write_text("电话 13800138000，" + "正文" * 200_000, encoding="utf-8")
    findings = scan_file(path, "big.txt")
    assert [(f.severity, f.line) for f in findings] == [("error", 1), ("warning", None)]
    assert findings[1].message.endswith("只检查了前 1 行")


def test_pdf_page_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_PDF_PAGES", 2)
    path = tmp_path / "long.pdf"
    path.write_bytes(_pdf([_text_stream("page one"), _text_stream("Tel 13800138000"), _text_stream("13900001111")]))
    findings = scan_file(path, "long.pdf")
    assert [(f.severity, f.field, f.message) for f in findings] == [
        ("error", "第2页", "疑似未打码的手机号“138****8000”（报告中已打码）"),
        ("warning", None, "未能扫描：PDF 共 3 页，超过上限 2 页，只检查了前 2 页")]


def test_pdf_time_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(extract, "MAX_SECONDS", -1.0)  # the deadline has passed before the first page
    path = tmp_path / "slow.pdf"
    path.write_bytes(_pdf_with_text("Tel 13800138000"))
    assert [f.message for f in scan_file(path, "slow.pdf")] == ["未能扫描：读取超过 -1 秒，只检查了第1页之前的内容"]


def test_pdf_flate_bomb_is_stopped_by_pypdf(tmp_path):
    # 200 MB of spaces in a 200 KB content stream: pypdf (>= 6) refuses to inflate a stream past its own limit.
    path = tmp_path / "bomb.pdf"
    path.write_bytes(_pdf([_deflate_repeated(b" ", 200, wbits=15)], flate=True))
    assert path.stat().st_size < MB
    findings = scan_file(path, "bomb.pdf")
    assert [(f.severity, f.message) for f in findings] == [
        ("warning", "未能扫描：PDF 中有数据流解压后过大，超过 pypdf 的安全上限（可能是恶意构造的文件）")]


def test_pdf_without_text_layer(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([b"q 612 0 0 792 0 0 cm Q", b""]))  # pages that draw no text, like a scanned page
    assert [(f.severity, f.message) for f in scan_file(path, "scan.pdf")] == [
        ("warning", "未能扫描：PDF 中没有可提取的文字（可能是扫描件或图片），无法自动检查")]


def test_encrypted_pdf(tmp_path):
    import pypdf
    plain = tmp_path / "plain.pdf"
    plain.write_bytes(_pdf_with_text("Tel 13800138000"))
    expected = {"secret": [("warning", "未能扫描：PDF 已加密，需要密码才能读取文字")],
                "": [("error", "疑似未打码的手机号“138****8000”（报告中已打码）")]}  # an owner password alone: readable
    for user, findings in expected.items():
        writer = pypdf.PdfWriter(clone_from=str(plain))
        writer.encrypt(user, owner_password="owner", algorithm="RC4-128")
        writer.write(str(tmp_path / "locked.pdf"))
        assert [(f.severity, f.message) for f in scan_file(tmp_path / "locked.pdf", "locked.pdf")] == findings


@pytest.mark.parametrize("name,data,expected", [
    ("bad.xlsx", b"PK\x03\x04 not really", "未能扫描：不是有效的 Office 文件（zip 结构损坏，或是改了扩展名的其他格式）"),
    ("bad.docx", b"\xd0\xcf\x11\xe0 an old .doc renamed", "未能扫描：不是有效的 Office 文件（zip 结构损坏，或是改了扩展名的其他格式）"),
    ("bad.pdf", b"%PDF-1.4 truncated", "未能扫描：PDF 文件已损坏，无法读取（"),  # + pypdf's exception name
])
def test_damaged_files(tmp_path, name, data, expected):
    (tmp_path / name).write_bytes(data)
    findings = scan_file(tmp_path / name, name)
    assert [f.severity for f in findings] == ["warning"] and findings[0].message.startswith(expected)


def test_docx_with_entities_and_other_parts(tmp_path):
    path = tmp_path / "a.docx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", '<w:document><w:body><w:p><w:r><w:t>正文</w:t></w:r></w:p></w:body></w:document>')
        z.writestr("word/footer1.xml", '<w:ftr><w:p><w:r><w:t>联系人：张某 13800138000</w:t></w:r></w:p></w:ftr>')
    assert [(f.field, f.line) for f in scan_file(path, "a.docx")] == [("页脚（footer1.xml）", 1)]
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("word/document.xml", LAUGHS + "<w:document><w:p><w:t>&lol9;</w:t></w:p></w:document>")
    assert [f.message for f in scan_file(path, "a.docx")] == [
        "未能扫描：“word/document.xml”中声明了 XML 实体（可能是“实体炸弹”），未读取"]


# ---------------------------------------------------------------------------------------- in a real build

@pytest.mark.build
def test_check_of_a_site_with_hostile_and_unscannable_attachments(tmp_path):
    """`gongkai check` over a mini site whose document names an SVG with an ID split over <tspan>s, a photo, and an
    entity-bomb workbook: one finding each (error, info, warning), exit 1 for the error, never a traceback."""
    from kit import GOOD_FRONT, copy_mini, write_doc

    root = copy_mini(tmp_path)
    folder = root / "content" / "wj" / "jyj" / "2025" / "附件"
    folder.mkdir(parents=True)
    (folder / "tujie.svg").write_text(SVG, encoding="utf-8")
    (folder / "照片.jpg").write_bytes(b"\xff\xd8\xff\xe0 jpeg")
    _xlsx_with_sheet(folder / "名单.xlsx", lambda xml: LAUGHS + xml.replace("<t>张某</t>", "<t>&lol9;</t>"))
    (folder / "plain.xlsx").unlink()
    write_doc(root, "jyj/2025/fj.md", GOOD_FRONT + "附件:\n" + "".join(
        f"  - 名称: {n}\n    文件: 附件/{n}\n" for n in ("tujie.svg", "照片.jpg", "名单.xlsx")))
    out = tmp_path / "r.json"
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(root / "mkdocs.yml"),
                             "--as-of", "2025-12-01", "--json", str(out)], capture_output=True, text=True, cwd=root,
                            env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    pii = sorted((f["severity"], f["file"], f.get("line"), f["message"])
                 for f in json.loads(out.read_text(encoding="utf-8"))["findings"] if f["check"] == "pii")
    base = "content/wj/jyj/2025/附件/"
    assert pii == [
        ("error", base + "tujie.svg", 2, "疑似未打码的手机号“138****8000”（报告中已打码）"),
        ("error", base + "tujie.svg", 5, "疑似未打码的身份证号“110105********1239”（报告中已打码）"),
        ("error", base + "tujie.svg", 6, "疑似未打码的手机号“139****1111”（报告中已打码）"),
        ("info", base + "照片.jpg", None, "不支持扫描：图片（.jpg）中的文字无法自动检查"),
        ("warning", base + "名单.xlsx", None, "未能扫描：文件中声明了 XML 实体（可能是“实体炸弹”），为安全起见未读取"),
    ]


def test_normalize_is_the_translate_table_for_every_character():
    from gongkai.checks.pii import NORMALIZE, normalize

    text = "".join(chr(c) for c in range(0x30000) if not 0xD800 <= c < 0xE000)
    assert normalize(text) == text.translate(NORMALIZE)
    assert normalize("电话：１３８－０００　０\u00a0８") == "电话：138-000 0 8"
