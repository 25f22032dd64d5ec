"""Text of attachments for the 个人信息 check: one ``Chunk`` per container (the file, a worksheet, a PDF page).

Markdown, HTML, CSV and plain text are read as they are (their lines are the file's lines); XLSX through
openpyxl (rows become lines, cells joined by tabs); PDF through pypdf (each page's extracted text); DOCX with the
standard library (paragraphs of word/document.xml). openpyxl and pypdf are optional (``pip install
gongkai[checks]``): without them such files are listed as not scanned instead of silently passing.
"""

from __future__ import annotations

import html
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

TEXT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".csv", ".txt", ".json", ".xml", ".yml", ".yaml", ".tsv"}
TABULAR_SUFFIXES = {".csv", ".tsv"}
SCANNED_SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".xlsm", ".pdf", ".docx"}
# Office formats we cannot read; listed so that an editor knows they were not checked.
UNREADABLE_SUFFIXES = {".doc", ".xls", ".wps", ".et", ".ofd", ".rar", ".zip", ".7z"}


@dataclass
class Chunk:
    text: str
    tabular: bool = False
    where: str | None = None  # 工作表 / 页 label; None when lines are the file's own lines


class Unreadable(Exception):
    """The file's text could not be extracted; the message says why (shown as a finding)."""


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def chunks(path: Path) -> list[Chunk]:
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return [Chunk(_decode(path.read_bytes()), tabular=suffix in TABULAR_SUFFIXES)]
    if suffix in (".xlsx", ".xlsm"):
        return _xlsx(path)
    if suffix == ".pdf":
        return _pdf(path)
    if suffix == ".docx":
        return _docx(path)
    raise Unreadable(f"无法读取 {suffix} 文件的文字")


def _xlsx(path: Path) -> list[Chunk]:
    try:
        import openpyxl
    except ImportError:
        raise Unreadable("未安装 openpyxl（pip install gongkai[checks]），未检查表格内容") from None
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or encrypted workbook: say so rather than pass it
        raise Unreadable(f"表格文件无法打开（{exc.__class__.__name__}）") from None
    out = []
    try:
        for sheet in book.worksheets:
            rows = []
            for row in sheet.iter_rows(values_only=True):
                rows.append("\t".join(_cell(v) for v in row))
            out.append(Chunk("\n".join(rows), tabular=True, where=f"工作表“{sheet.title}”"))
    finally:
        book.close()
    return out


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a card number typed as a number is read back as 6.22e18 otherwise
    return str(value)


def _pdf(path: Path) -> list[Chunk]:
    try:
        import pypdf
    except ImportError:
        raise Unreadable("未安装 pypdf（pip install gongkai[checks]），未检查 PDF 内容") from None
    try:
        reader = pypdf.PdfReader(str(path))
        return [Chunk(page.extract_text() or "", where=f"第{n}页") for n, page in enumerate(reader.pages, start=1)]
    except Exception as exc:
        raise Unreadable(f"PDF 文件无法读取（{exc.__class__.__name__}）") from None


def _docx(path: Path) -> list[Chunk]:
    try:
        with zipfile.ZipFile(path) as z:
            xml = z.read("word/document.xml").decode("utf-8")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError) as exc:
        raise Unreadable(f"Word 文件无法读取（{exc.__class__.__name__}）") from None
    paragraphs = []
    for p in re.findall(r"<w:p[ >].*?</w:p>", xml, flags=re.S):
        paragraphs.append(html.unescape("".join(re.findall(r"<w:t[^>]*>([^<]*)</w:t>", p))))
    return [Chunk("\n".join(paragraphs), where="段落")]
