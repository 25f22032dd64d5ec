"""Text of documents and attachments for the 个人信息 check: one ``Chunk`` per container (the file, a worksheet, a
PDF page, a Word part).

Markdown, HTML, CSV, plain text and the like are read as they are (their lines are the file's lines); SVG as the
text a reader sees (tags dropped, lines kept); XLSX through openpyxl (rows become lines, cells joined by tabs); PDF
through pypdf (each page's extracted text); DOCX with the standard library (paragraphs of the body, headers,
footers, notes and comments). openpyxl and pypdf are optional (``pip install gongkai[checks]``, which also brings
defusedxml so that openpyxl refuses XML entity declarations).

Attachments come from many hands and some may be hostile, so reading is bounded: an over-size file, a zip whose
parts would inflate past ``MAX_UNCOMPRESSED_BYTES`` or by more than ``MAX_COMPRESSION_RATIO`` (a "zip bomb"), XML
that declares entities (an "entity bomb"), more than ``MAX_PDF_PAGES`` pages, more than ``MAX_TEXT_CHARS`` of text
or more than ``MAX_SECONDS`` of reading stop with ``Unreadable`` and a reason an editor can act on; the text read
until then travels with it (``partial``) and is still scanned. A type we cannot read at all raises ``Unsupported``.
Nothing here lets another exception out: a damaged file is a reason, never a traceback.
"""

from __future__ import annotations

import html
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

MB = 1024 * 1024
# Limits per file. A real attachment stays far below them; a file beyond one is reported “未能扫描” (docs/checks.md).
MAX_FILE_BYTES = 200 * MB  # an Office file or PDF larger than this is not opened
MAX_TEXT_CHARS = 20_000_000  # text taken from one file (a text file: its first 20 MB); the rest is not scanned
MAX_UNCOMPRESSED_BYTES = 50 * MB  # the XML parts of a .docx/.xlsx together, by the sizes the zip declares
MAX_COMPRESSION_RATIO = 100  # declared size / compressed size of one XML part …
RATIO_MIN_BYTES = 1 * MB  # … once it declares at least this much (small XML compresses well and is harmless)
MAX_ZIP_MEMBERS = 10_000  # parts in one .docx/.xlsx
MAX_PDF_PAGES = 2_000
MAX_SECONDS = 60.0  # reading one file; checked between pages, rows and parts

TEXT_SUFFIXES = {".md", ".markdown", ".html", ".htm", ".csv", ".txt", ".json", ".xml", ".yml", ".yaml", ".tsv"}
TABULAR_SUFFIXES = {".csv", ".tsv"}
XLSX_SUFFIXES = {".xlsx", ".xlsm"}
SCANNED_SUFFIXES = TEXT_SUFFIXES | XLSX_SUFFIXES | {".svg", ".pdf", ".docx"}
# Types that are published but whose text we cannot read: named in the “不支持扫描” note, so that an editor knows
# what to check by hand. Any other type is named by its suffix.
UNSUPPORTED_KINDS = {
    **dict.fromkeys((".jpg", ".jpeg", ".png", ".gif", ".bmp", ".webp", ".tif", ".tiff", ".ico", ".heic"), "图片"),
    ".svgz": "压缩的 SVG 图片",
    ".doc": "Word 97-2003 文档", ".xls": "Excel 97-2003 表格", ".ppt": "PowerPoint 97-2003 演示文稿",
    ".pptx": "PowerPoint 演示文稿", ".wps": "WPS 文字文档", ".et": "WPS 表格", ".dps": "WPS 演示文稿",
    ".ofd": "OFD 版式文件", ".rtf": "RTF 文档", ".odt": "OpenDocument 文档", ".ods": "OpenDocument 表格",
    **dict.fromkeys((".zip", ".rar", ".7z", ".gz", ".tar", ".bz2", ".xz"), "压缩包"),
    **dict.fromkeys((".mp3", ".wav", ".m4a", ".amr"), "音频"),
    **dict.fromkeys((".mp4", ".avi", ".mov", ".wmv", ".flv", ".mkv"), "视频"),
    **dict.fromkeys((".ttf", ".otf", ".woff", ".woff2"), "字体"),
    **dict.fromkeys((".css", ".js"), "样式或脚本"),
}
# Parts of a .docx with text a reader sees, and how a finding names them.
DOCX_PARTS = (("word/document", "段落"), ("word/header", "页眉"), ("word/footer", "页脚"),
              ("word/footnotes", "脚注"), ("word/endnotes", "尾注"), ("word/comments", "批注"))
# pypdf's exceptions that deserve a sentence of their own (by name: their modules moved between versions).
PDF_ERRORS = {
    "LimitReachedError": "PDF 中有数据流解压后过大，超过 pypdf 的安全上限（可能是恶意构造的文件）",
    "FileNotDecryptedError": "PDF 已加密，需要密码才能读取文字",
    "WrongPasswordError": "PDF 已加密，需要密码才能读取文字",
    "DependencyError": "PDF 已加密，读取需要额外的解密库",
    "EmptyFileError": "PDF 文件是空的",
}


@dataclass
class Chunk:
    text: str
    tabular: bool = False
    where: str | None = None  # 工作表 / 页 label; None when lines are the file's own lines


class Unreadable(Exception):
    """The file's text could not be read, or not all of it: the message says why (shown as “未能扫描：…”);
    ``partial`` holds the chunks read before stopping, which are still scanned."""

    def __init__(self, reason: str, partial: list[Chunk] | None = None):
        super().__init__(reason)
        self.partial = list(partial or [])


class Unsupported(Unreadable):
    """A type whose text we cannot read at all (shown as “不支持扫描：…”)."""


class _Budget:
    """The text and time one file may take; stops the reading with the chunks gathered so far."""

    def __init__(self):
        self.deadline = time.monotonic() + MAX_SECONDS
        self.chars = 0
        self.out: list[Chunk] = []

    def tick(self, where: str) -> None:
        if time.monotonic() > self.deadline:
            raise Unreadable(f"读取超过 {MAX_SECONDS:.0f} 秒，只检查了{where}之前的内容", self.out)

    def add(self, chunk: Chunk) -> None:
        room = MAX_TEXT_CHARS - self.chars
        self.chars += len(chunk.text)
        if self.chars > MAX_TEXT_CHARS:
            self.out.append(Chunk(chunk.text[:room], chunk.tabular, chunk.where))
            raise Unreadable(f"提取出的文字超过上限（{MAX_TEXT_CHARS // 10_000} 万字），只检查了前面的部分"
                             + (f"（到{chunk.where}为止）" if chunk.where else ""), self.out)
        self.out.append(chunk)

    def room(self) -> int:
        return MAX_TEXT_CHARS - self.chars


def _empty(path: Path) -> bool:
    try:
        with path.open("rb") as f:
            return not f.read(1)
    except OSError:
        return False


def _size(n: int) -> str:
    return f"{n / (1024 * MB):.1f} GB" if n >= 1024 * MB else f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"


def chunks(path: Path) -> list[Chunk]:
    """The text of ``path``, in chunks. Raises ``Unsupported`` or ``Unreadable``, nothing else."""
    suffix = path.suffix.lower()
    if suffix not in SCANNED_SUFFIXES:
        if _empty(path):
            return []  # no text to miss (.gitkeep)
        kind = UNSUPPORTED_KINDS.get(suffix)
        name = f"{kind}（{suffix}）" if kind else f"{suffix} 文件" if suffix else "没有扩展名的文件"
        raise Unsupported(f"{name}中的文字无法自动检查")
    budget = _Budget()
    try:
        size = path.stat().st_size
        if suffix in TEXT_SUFFIXES or suffix == ".svg":
            text, note = _read_text(path, size)
            budget.add(Chunk(_svg_text(text) if suffix == ".svg" else text, tabular=suffix in TABULAR_SUFFIXES))
            if note:
                raise Unreadable(note, budget.out)
            return budget.out
        if size > MAX_FILE_BYTES:
            raise Unreadable(f"文件 {_size(size)}，超过扫描上限 {_size(MAX_FILE_BYTES)}")
        if suffix in XLSX_SUFFIXES:
            _xlsx(path, budget)
        elif suffix == ".pdf":
            _pdf(path, budget)
        else:
            _docx(path, budget)
        return budget.out
    except Unreadable:
        raise
    except OSError as exc:
        raise Unreadable(f"文件无法打开（{exc.strerror or exc.__class__.__name__}）", budget.out) from None
    except (MemoryError, RecursionError) as exc:
        raise Unreadable(f"文件结构异常，读取时资源耗尽（{exc.__class__.__name__}）", budget.out) from None
    except Exception as exc:  # a library's own error on a damaged file: a reason, not a traceback
        raise Unreadable(f"文件已损坏或格式不对，无法读取（{exc.__class__.__name__}）", budget.out) from None


# ---------------------------------------------------------------------------------------------------------- text

# Byte-order marks, longest first: the UTF-32 LE mark begins with the UTF-16 LE one. Excel's “Unicode 文本” and
# Notepad's “Unicode” are UTF-16 LE with a BOM.
TEXT_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le", 4, "UTF-32"), (b"\x00\x00\xfe\xff", "utf-32-be", 4, "UTF-32"),
             (b"\xff\xfe", "utf-16-le", 2, "UTF-16"), (b"\xfe\xff", "utf-16-be", 2, "UTF-16"))
UNDECODABLE = "文件编码无法识别（不是 UTF-8、GB18030、UTF-16 或 UTF-32 文本），内容未检查"


def _decode(data: bytes) -> str:
    """The text of a text file: by its BOM (UTF-32, UTF-16), as UTF-16 when every other byte is zero, else UTF-8 or
    GB18030. A file none of them reads is ``Unreadable`` (listed as 未能扫描), never read with replacement marks."""
    for bom, encoding, unit, name in TEXT_BOMS:
        if data.startswith(bom):
            body = data[len(bom):]
            try:
                return body[:len(body) - len(body) % unit].decode(encoding)  # a cut file may end mid-character
            except UnicodeDecodeError:
                raise Unreadable(f"文件以 {name} 的字节顺序标记开头，内容却无法按 {name} 读取，内容未检查") from None
    if data.count(b"\x00") * 4 > len(data):  # UTF-16 without a BOM: a zero byte beside every ASCII character
        even = data[:len(data) // 2 * 2]
        encoding = "utf-16-le" if even[1::2].count(0) >= even[0::2].count(0) else "utf-16-be"
        try:
            return even.decode(encoding)
        except UnicodeDecodeError:
            raise Unreadable(UNDECODABLE) from None
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(UNDECODABLE)


def _read_text(path: Path, size: int) -> tuple[str, str | None]:
    """The file's text, at most MAX_TEXT_CHARS bytes of it, cut at a line end; and a note when it was cut."""
    with path.open("rb") as f:
        data = f.read(min(size, MAX_TEXT_CHARS) + 1)  # read(n) reserves n bytes first: not 20 MB per small file
        if len(data) > size:  # longer than stat said (a growing file, a size-0 special file)
            data += f.read(MAX_TEXT_CHARS + 1 - len(data))
    if len(data) <= MAX_TEXT_CHARS:
        return _decode(data), None
    # Cut after the last whole line: a line end is a character boundary in UTF-8 and GB18030 alike. A file without
    # one is cut mid-line, and the UTF-8 decoding tries without the last 1-3 bytes of a cut character.
    data = data[:data.rfind(b"\n", 0, MAX_TEXT_CHARS) + 1 or MAX_TEXT_CHARS]
    text = None if data.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")) else \
        next((t for t in map(_utf8, (data[:len(data) - k] for k in range(4))) if t is not None), None)
    lines = data.count(b"\n") or 1
    return (text if text is not None else _decode(data),
            f"文件 {_size(size)}，超过文本扫描上限（{MAX_TEXT_CHARS // 1_000_000} MB），只检查了前 {lines} 行")


def _utf8(data: bytes) -> str | None:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


SVG_TAG = r"(?:<!--|-->|<!\[CDATA\[|\]\]>|<[!?/]?[A-Za-z][^<>]*>)"
SVG_TAGS_RE = re.compile(rf"{SVG_TAG}(?:\s*{SVG_TAG})*")
SVG_PIECES_RE = re.compile(f"({SVG_TAG})")
SVG_LABEL_RE = re.compile(r"""\b(?:aria-label|alt|title)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def _svg_text(text: str) -> str:
    """What an SVG shows or says: each run of tags becomes one space (a number split over <tspan>s reads as a
    grouped number), aria-label/alt/title values stay, comments and CDATA keep their text, line breaks stay where
    they were.

    No XML parser runs, so no entity is ever expanded: a DTD's entities stay unexpanded names."""

    def keep(m: re.Match) -> str:
        out = [" "]
        for piece in SVG_PIECES_RE.split(m.group(0)):  # tags, and the white space between them
            labels = " ".join(a or b for a, b in SVG_LABEL_RE.findall(piece)).replace("\n", " ")
            out.append((labels + " " if labels else "") + "\n" * piece.count("\n"))
        return "".join(out)

    return html.unescape(SVG_TAGS_RE.sub(keep, text))


# ---------------------------------------------------------------------------------------------------------- zip

def _open_zip(path: Path) -> zipfile.ZipFile:
    """The Office file as a zip, refused before anything is inflated in one piece when its XML parts would inflate
    too much.

    First the sizes the zip declares (total, and ratio per part), then the real ones: each XML part is inflated in
    64 KB steps and refused as soon as it outgrows its declared size. That second check is needed because
    zipfile's ``read()`` (which openpyxl uses) inflates a whole part in one call and only then cuts it to the
    declared size: a part declaring 1 KB could otherwise still take gigabytes."""
    try:
        z = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        raise Unreadable("不是有效的 Office 文件（zip 结构损坏，或是改了扩展名的其他格式）") from None
    try:
        members = z.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise Unreadable(f"文件内含 {len(members)} 个部件，超过上限 {MAX_ZIP_MEMBERS} 个")
        xml = [m for m in members if m.filename.lower().endswith((".xml", ".rels", ".vml"))]
        total = sum(m.file_size for m in xml)
        if total > MAX_UNCOMPRESSED_BYTES:
            biggest = max(xml, key=lambda m: m.file_size)
            raise Unreadable(f"文件解压后 {_size(total)}（其中“{biggest.filename}”{_size(biggest.file_size)}），"
                             f"超过上限 {_size(MAX_UNCOMPRESSED_BYTES)}，可能是“压缩炸弹”，未读取")
        for m in xml:
            if m.file_size >= RATIO_MIN_BYTES and m.file_size > MAX_COMPRESSION_RATIO * max(m.compress_size, 1):
                raise Unreadable(f"“{m.filename}”的压缩比为 {m.file_size // max(m.compress_size, 1)}:1，超过上限 "
                                 f"{MAX_COMPRESSION_RATIO}:1，可能是“压缩炸弹”，未读取")
        with path.open("rb") as fp:
            for m in xml:
                _check_inflation(fp, m)
    except BaseException:
        z.close()
        raise
    return z


INFLATE_STEP = 64 * 1024


def _check_inflation(fp, info: zipfile.ZipInfo) -> None:
    """Inflate one part in small steps, without keeping it, and refuse it if it outgrows its declared size."""
    if info.flag_bits & 0x1:
        raise Unreadable(f"“{info.filename}”已加密，无法读取")
    if info.compress_type == zipfile.ZIP_STORED:
        return  # read as stored: never more than its compressed size
    if info.compress_type != zipfile.ZIP_DEFLATED:
        raise Unreadable(f"“{info.filename}”使用了 Office 不用的压缩方式（{info.compress_type}），未读取")
    fp.seek(info.header_offset)
    head = fp.read(30)
    if len(head) != 30 or head[:4] != b"PK\x03\x04":
        raise Unreadable(f"“{info.filename}”的位置信息损坏，无法读取")
    name_length, extra_length = struct.unpack("<HH", head[26:30])
    fp.seek(info.header_offset + 30 + name_length + extra_length)
    inflater, left, size = zlib.decompressobj(-15), info.compress_size, 0
    try:
        while not inflater.eof:
            data = inflater.unconsumed_tail
            if not data:
                data = fp.read(min(INFLATE_STEP, left)) if left > 0 else b""
                left -= len(data)
                if not data:
                    break
            size += len(inflater.decompress(data, INFLATE_STEP))
            if size > info.file_size:
                raise Unreadable(f"“{info.filename}”解压后超过它声明的 {_size(info.file_size)}（文件被篡改，"
                                 "可能是“压缩炸弹”），未读取")
    except zlib.error:
        raise Unreadable(f"“{info.filename}”的压缩数据损坏，无法读取") from None


def _read_member(z: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A part already checked by _open_zip, read in steps so that no single call inflates much."""
    parts, size = [], 0
    with z.open(info) as f:
        while chunk := f.read(INFLATE_STEP):
            size += len(chunk)
            if size > MAX_UNCOMPRESSED_BYTES:
                raise Unreadable(f"“{info.filename}”解压后超过上限 {_size(MAX_UNCOMPRESSED_BYTES)}，未读取")
            parts.append(chunk)
    return b"".join(parts)


def _xml_text(data: bytes, name: str) -> str:
    if re.search(rb"<!ENTITY", data[:65536].replace(b"\x00", b"")):
        raise Unreadable(f"“{name}”中声明了 XML 实体（可能是“实体炸弹”），未读取")
    for encoding in ("utf-8", "utf-16"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(f"“{name}”的编码无法识别")


# ---------------------------------------------------------------------------------------------------------- formats

def _xlsx(path: Path, budget: _Budget) -> None:
    try:
        import openpyxl
    except ImportError:
        raise Unreadable("未安装 openpyxl（pip install gongkai[checks]），表格内容未检查") from None
    with _open_zip(path) as z:  # refuse a bomb before openpyxl inflates anything
        for info in z.infolist():
            # openpyxl reads shared strings with lxml when lxml is installed, and then drops declared entities
            # silently instead of refusing them: text hidden in an entity would go unscanned. So look first.
            if info.filename.lower().endswith(".xml"):
                with z.open(info) as f:
                    if re.search(rb"<!ENTITY", f.read(65536).replace(b"\x00", b"")):
                        raise Unreadable(ENTITY_REFUSAL)
        comments = _xlsx_comments(z)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # a damaged or encrypted workbook, or one that declares XML entities
        raise Unreadable(_xml_refusal(exc) or f"表格文件已损坏或加密，无法打开（{exc.__class__.__name__}）") from None
    try:
        for sheet in book.worksheets:
            where = f"工作表“{sheet.title}”"
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()  # a forged <dimension> (A1:XFD1048576) must not pad every row to 16,384 cells
            rows, size = [], 0
            try:
                for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                    line = "\t".join(_cell(v) for v in row)
                    rows.append(line)
                    size += len(line) + 1
                    if size > budget.room():
                        break  # budget.add below cuts the text and says so
                    if n % 1000 == 0:
                        budget.tick(f"{where}第 {n} 行")
            except Unreadable as exc:
                budget.out.append(Chunk("\n".join(rows), tabular=True, where=where))
                exc.partial = budget.out
                raise
            except Exception as exc:  # the sheet's XML is read while iterating: errors surface here, not at load
                budget.out.append(Chunk("\n".join(rows), tabular=True, where=where))
                raise Unreadable(_xml_refusal(exc) or f"{where}无法读取（{exc.__class__.__name__}）",
                                 budget.out) from None
            budget.add(Chunk("\n".join(rows), tabular=True, where=where))
    finally:
        book.close()
    _xlsx_formulas(openpyxl, path, budget)
    for name, text in comments:
        budget.add(Chunk(text, where=f"批注（{name}）"))


def _xlsx_formulas(openpyxl, path: Path, budget: _Budget) -> None:
    """Formulas as written: a number typed as a formula (=13800138000, ="110101…") that has no cached value is
    empty when the cached values are read."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception:
        return  # the values pass above said why already
    try:
        for sheet in book.worksheets:
            if hasattr(sheet, "reset_dimensions"):
                sheet.reset_dimensions()
            formulas, size = [], 0
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [v for v in row if isinstance(v, str) and v.startswith("=")]
                if cells:
                    formulas.append("\t".join(cells))
                    size += sum(map(len, cells))
                    if size > budget.room():
                        break
                if n % 1000 == 0:
                    budget.tick(f"工作表“{sheet.title}”第 {n} 行")
            if formulas:
                budget.add(Chunk("\n".join(formulas), tabular=False, where=f"工作表“{sheet.title}”的公式"))
    except Unreadable:
        raise
    except Exception:
        return
    finally:
        book.close()


COMMENT_RE = re.compile(r"<(?:[\w.-]+:)?(?:comment|threadedComment)\b.*?</(?:[\w.-]+:)?(?:comment|threadedComment)>", re.S)
TEXT_NODE_RE = re.compile(r"<(?:[\w.-]+:)?(?:t|text)(?:\s[^>]*)?>([^<]*)</(?:[\w.-]+:)?(?:t|text)>")


def _xlsx_comments(z: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(part, text) of the cell comments (批注) and threaded comments, which openpyxl's read-only mode skips."""
    found = []
    for info in z.infolist():
        name = info.filename
        lower = name.lower()
        if lower.endswith(".xml") and ("/comments" in lower or "/threadedcomments/" in lower):
            xml = _xml_text(_read_member(z, info), name)
            notes = [html.unescape("".join(TEXT_NODE_RE.findall(c))) for c in COMMENT_RE.findall(xml)]
            if notes:
                found.append((name.rsplit("/", 1)[-1], "\n".join(notes)))
    return found


ENTITY_REFUSAL = "文件中声明了 XML 实体（可能是“实体炸弹”），为安全起见未读取"


def _xml_refusal(exc: Exception) -> str | None:
    """The sentence for defusedxml's refusals (DTD, entity, external reference) and expat's amplification limit,
    also when openpyxl re-raised them as a ValueError."""
    seen = 0
    while exc is not None and seen < 10:
        if exc.__class__.__name__ in ("EntitiesForbidden", "DTDForbidden", "ExternalReferenceForbidden") \
                or "amplification" in str(exc):
            return ENTITY_REFUSAL
        exc, seen = exc.__cause__ or exc.__context__, seen + 1
    return None


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a card number typed as a number is read back as 6.22e18 otherwise
    return str(value)


def _pdf(path: Path, budget: _Budget) -> None:
    try:
        import pypdf
    except ImportError:
        raise Unreadable("未安装 pypdf（pip install gongkai[checks]），PDF 内容未检查") from None
    try:
        reader = pypdf.PdfReader(str(path))
        if reader.is_encrypted and not reader.decrypt(""):  # an owner password alone still lets anyone read
            raise Unreadable(PDF_ERRORS["FileNotDecryptedError"])
        pages = len(reader.pages)
        for n, page in enumerate(reader.pages, start=1):
            if n > MAX_PDF_PAGES:
                raise Unreadable(f"PDF 共 {pages} 页，超过上限 {MAX_PDF_PAGES} 页，只检查了前 {MAX_PDF_PAGES} 页",
                                 budget.out)
            budget.tick(f"第{n}页")
            budget.add(Chunk((page.extract_text() or "")[:budget.room() + 1], where=f"第{n}页"))
    except Unreadable:
        raise
    except Exception as exc:
        name = exc.__class__.__name__
        raise Unreadable(PDF_ERRORS.get(name, f"PDF 文件已损坏，无法读取（{name}）"), budget.out) from None
    if pages and not any(c.text.strip() for c in budget.out):
        raise Unreadable("PDF 中没有可提取的文字（可能是扫描件或图片），无法自动检查")


# WordprocessingML by its namespace URI (transitional and strict): Word writes the prefix "w", other producers may
# bind any prefix, or none, to it.
WORD_NAMESPACES = ("http://schemas.openxmlformats.org/wordprocessingml/2006/main",
                   "http://purl.oclc.org/ooxml/wordprocessingml/main")
XMLNS_RE = re.compile(r"""\bxmlns(?::([\w.-]+))?\s*=\s*["']([^"']*)["']""")


def _docx_paragraphs(xml: str) -> list[str]:
    """The text of each paragraph (w:p, its runs' w:t) of a WordprocessingML part, whatever prefix names it."""
    prefixes = {prefix or "" for prefix, uri in XMLNS_RE.findall(xml) if uri in WORD_NAMESPACES} or {"w"}
    paragraphs = []
    for prefix in sorted(prefixes):
        tag = re.escape(f"{prefix}:" if prefix else "")
        text_re = re.compile(rf"<{tag}t(?:\s[^>]*)?>([^<]*)</{tag}t>")
        for p in re.findall(rf"<{tag}p[ >].*?</{tag}p>", xml, flags=re.S):
            paragraphs.append(html.unescape("".join(text_re.findall(p))))
    return paragraphs


def _docx(path: Path, budget: _Budget) -> None:
    with _open_zip(path) as z:
        names = {m.filename: m for m in z.infolist()}
        if "word/document.xml" not in names:
            raise Unreadable("不是有效的 Word 文件（缺少 word/document.xml）")
        for prefix, label in DOCX_PARTS:
            for name in sorted(n for n in names if n.startswith(prefix) and n.endswith(".xml")):
                budget.tick(label)
                xml = _xml_text(_read_member(z, names[name]), name)
                paragraphs = _docx_paragraphs(xml)
                budget.add(Chunk("\n".join(paragraphs), where=label if name == "word/document.xml"
                                 else f"{label}（{name.removeprefix('word/')}）"))
