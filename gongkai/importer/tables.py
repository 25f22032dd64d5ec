"""Read a CMS export — CSV or XLSX, one row per document, a header row of labels — into SourceDocuments.

Header labels go through the same table as a page's box (labels.py), so 发文机关 / 发布机构 and 标题 / 名称 both
work. A 正文 column may hold HTML (parsed like a page body) or plain text (one paragraph per line). An 附件 column
lists files relative to the export, separated by ";" or new lines. CSV is read as UTF-8 (with or without BOM),
else as GB18030, which is what Excel on a Chinese Windows writes.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from pathlib import Path
from typing import Iterator

from bs4 import BeautifulSoup

from . import labels
from .source import Link, SourceDocument

_HTML = re.compile(r"<\s*(p|div|br|table|span|a|img|h\d|ul|ol)\b", re.I)
# Bounds on one export (docs/security.md): a real CMS export of 100,000 documents fits well inside them.
MAX_BYTES = 50 * 1024 * 1024  # the file itself
MAX_UNPACKED = 200 * 1024 * 1024  # XLSX: all of its zipped parts, unpacked
MAX_ROWS = 100_000
MAX_COLUMNS = 100
MAX_CELL = 1_000_000  # characters in one cell (a body with its tables)


class ExportError(Exception):
    """The export cannot be read at all (reported as one skipped source)."""


def _rows_csv(path: Path) -> Iterator[list]:
    data = path.read_bytes()
    csv.field_size_limit(MAX_CELL)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise ExportError("编码无法识别，请另存为 UTF-8 编码的 CSV")
    yield from csv.reader(io.StringIO(text, newline=""))


def _rows_xlsx(path: Path) -> Iterator[list]:
    try:
        import openpyxl
    except ImportError:
        raise ExportError("读取 XLSX 需要 openpyxl：pip install 'gongkai[import]'") from None
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise ExportError(f"不是可读取的 XLSX 文件（{type(exc).__name__}）") from None
    if unpacked > MAX_UNPACKED:
        raise ExportError(f"解压后有 {unpacked // 1024 // 1024} MB，超过 {MAX_UNPACKED // 1024 // 1024} MB 的上限"
                          "（可能是压缩炸弹），未读取；请分成几个文件导出")
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a damaged or mislabelled file
        raise ExportError(f"不是可读取的 XLSX 文件（{type(exc).__name__}）") from None
    try:
        sheet = book.worksheets[0]
        # The sheet's stored dimension (A1:XFD1048576 in a forged file) would make openpyxl pad every row to it:
        # forget it and read the cells that are there.
        sheet.reset_dimensions()
        for row in sheet.iter_rows(values_only=True):
            yield ["" if value is None else value for value in row]
    finally:
        book.close()


def read_export(path: Path, display: str,
                table: labels.LabelTable = labels.TABLE) -> tuple[list[SourceDocument], list[str]]:
    """(one SourceDocument per data row, notes about the header such as unused columns)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ExportError(f"无法读取：{exc.strerror or exc}") from None
    if size > MAX_BYTES:
        raise ExportError(f"有 {size // 1024 // 1024} MB，超过 {MAX_BYTES // 1024 // 1024} MB 的上限，未读取；"
                          "请分成几个文件导出")
    reader = _rows_xlsx(path) if path.suffix.lower() == ".xlsx" else _rows_csv(path)
    rows = []
    try:
        for row in reader:
            if len(rows) >= MAX_ROWS + 1:
                raise ExportError(f"超过 {MAX_ROWS} 行，未读取；请分成几个文件导出")
            if len(row) > MAX_COLUMNS:  # trailing empty cells are common; real columns beyond the bound are not
                if any(str(cell).strip() for cell in row[MAX_COLUMNS:]):
                    raise ExportError(f"第 {len(rows) + 1} 行超过 {MAX_COLUMNS} 列，不像是文件列表，未读取")
                row = row[:MAX_COLUMNS]
            for cell in row:
                if isinstance(cell, str) and len(cell) > MAX_CELL:
                    raise ExportError(f"第 {len(rows) + 1} 行有一格超过 {MAX_CELL} 个字符，未读取")
            rows.append(row)
    except csv.Error as exc:
        raise ExportError(f"无法解析：{exc}") from None
    except OSError as exc:
        raise ExportError(f"无法读取：{exc.strerror or exc}") from None
    header = rows[0] if rows else None
    if not header:
        raise ExportError("是空表，没有标题行")
    columns: dict[int, str] = {}
    unused = []
    for index, label in enumerate(header):
        field = table.field_of(str(label))
        if field and field not in columns.values():
            columns[index] = field
        elif str(label).strip():
            unused.append(str(label).strip())
    missing = [name for name in ("索引号", "标题") if name not in columns.values()]
    if missing:
        raise ExportError(f"标题行缺少“{'”“'.join(missing)}”列（现有列：{'、'.join(str(h) for h in header if h)}）"
                          "：新网站按索引号识别文件，请在导出表中补上这一列")
    notes = [f"未使用的列：{'、'.join(unused)}"] if unused else []
    documents = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(str(cell).strip() for cell in row):
            continue
        doc = SourceDocument(source=f"{display} 第 {number} 行", base_dir=path.parent, kind="export")
        for index, field in columns.items():
            value = row[index] if index < len(row) else ""
            if field == "正文":
                _body(doc, str(value))
            elif field == "附件":
                for item in re.split(r"[;；\n]+", str(value)):
                    if item.strip():
                        doc.links.append(Link(item.strip(), "", in_body=False))
            elif field == "原网址":
                doc.page_url = str(value).strip() or None
            elif value not in ("", None):
                doc.fields[field] = value if not isinstance(value, str) else labels.squeeze(value)
        documents.append(doc)
    return documents, notes


def _body(doc: SourceDocument, value: str) -> None:
    if _HTML.search(value):
        doc.body_html = BeautifulSoup(f"<div>{value}</div>", "lxml").div
    else:
        doc.body_text = value
