"""个人信息 check: numbers that must be caught, and look-alikes (索引号, 文号, dates, amounts, tables) that must not."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from gongkai.checks.pii import id_check_char, is_id15, is_id18, luhn, scan_file, scan_text

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


def _pdf_with_text(text: str) -> bytes:
    """A one-page PDF whose content stream draws ``text`` (ASCII) in Helvetica."""
    stream = f"BT /F1 12 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


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
    assert "人工检查" in findings[0].message
