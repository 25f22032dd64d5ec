"""Parse a document's front matter once into a ``Document`` and check every field against the catalog."""

from __future__ import annotations

import datetime as dt
import posixpath
import re

from . import yamlutil
from .sources import decode
from .errors import InputError, Problems, close_matches
from .yamlutil import describe, is_text
from .model import DOCUMENT_KINDS, TOPICS, VALIDITIES, Attachment, Catalog, Document
from .safety import plain_text_of, plain_text_problem

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# 机关代字〔年份〕序号号, or a 规章's 政府令 number such as 示例市人民政府令第3号.
DOC_NUMBER_RE = re.compile(r"^(\S+〔\d{4}〕\d+号|\S+令第\d+号)$")
# A 文号 typed with the wrong brackets: 示政办发[2024]12号, (2024), （2024）, 【2024】.
WRONG_BRACKETS_RE = re.compile(r"^(\S+?)[\[(（【〔]\s*(\d{4})\s*[\])）】〕](\d+)号$")
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# Documents brought in by `gongkai import` carry "来源: 导入": they keep the 索引号 and 文号 their old site published,
# whatever the shape (PZ00108-3000-2022-00041, 11350128MB1234567X/2022-00041 …), and may have 主题分类 "无".
IMPORTED = "导入"
IMPORTED_INDEX_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/._-]{2,63}$")
NO_TOPIC = "无"

FIELDS = ("title", "栏目", "发布机构", "成文日期", "发布日期", "文号", "索引号", "主题分类", "有效性", "文件类型",
          "主题词", "内容概述", "附件", "来源")
# Printed as text on pages; 主题词 and 附件 are checked item by item.
PLAIN_TEXT_FIELDS = ("title", "文号", "内容概述", "主题词")
# How each field is written, with an example for the message. Checked before any field is read: a wrong type is
# one precise message, and the readers below only ever see text (TEXT, ID, DATE), a list of texts (TEXTS, IDS) or
# a list (ATTACHMENTS). Ids are letters and digits, so a YAML number (栏目: 0) is a mistake, not an id.
TEXT, TEXTS, DATE, ATTACHMENTS = "一段文字", "一项文字或文字列表", "日期（YYYY-MM-DD）", "附件列表"
ID, IDS = "发布主体 id", "栏目 id 或栏目 id 列表"
FIELD_TYPES = {
    "title": (TEXT, "示例市人民政府关于……的通知"), "栏目": (IDS, "[gfxwj]"), "发布机构": (ID, "szf"),
    "成文日期": (DATE, "2025-03-05"), "发布日期": (DATE, "2025-03-10"), "文号": (TEXT, "示政办发〔2025〕6号"),
    "索引号": (TEXT, "999000002/2025-00006"), "主题分类": (TEXT, "综合政务"), "有效性": (TEXT, "有效"),
    "文件类型": (TEXT, "行政规范性文件"), "主题词": (TEXTS, "[教育, 读书]"), "内容概述": (TEXT, "一段文字"),
    "附件": (ATTACHMENTS, "\n  - 名称: 申请表\n    文件: 附件/申请表.docx"), "来源": (TEXT, IMPORTED),
}
ATTACHMENT_KEYS = ("名称", "文件")
REQUIRED = ("title", "栏目", "发布机构", "成文日期", "发布日期", "索引号", "主题分类")
# Page options MkDocs and mkdocs-material read themselves; allowed beside the document fields.
PAGE_OPTIONS = ("template", "hide", "description", "search", "status", "icon", "subtitle")
SUMMARY_LENGTH = 120


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, line number where the body starts)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text, 1
    return match.group(1) or "", text[match.end():], text.count("\n", 0, match.end()) + 1


def derive_summary(body: str) -> str:
    """内容概述 from the first paragraph of text, without Markdown syntax."""
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "|", "!", "<", "```", "---")):
            continue
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        if "<" in text or "&" in text:  # inline HTML and entities: the summary is plain text
            text = plain_text_of(text)
        text = re.sub(r"[*_`>#]|^\s*[-+]\s+|^\s*\d+\.\s+", "", text, flags=re.M)
        text = re.sub(r"\s+", "", text)
        if text:
            return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"
    return ""


def _attachment_problem(entry) -> str | None:
    """Why one 附件 entry cannot be used, or None."""
    if not isinstance(entry, dict):
        return f"写成了{describe(entry)}"
    unknown = [k for k in entry if k not in ATTACHMENT_KEYS]
    if unknown:
        return f"有不认识的字段“{unknown[0]}”"
    if entry.get("文件") in (None, ""):
        return "缺少“文件”"
    for key in ATTACHMENT_KEYS:
        if entry.get(key) is not None and not is_text(entry[key]):
            return f"的“{key}”是{describe(entry[key])}"
    return None


class DocumentLoader:
    """Turns Markdown files into Documents, collecting problems per file and duplicates across files."""

    def __init__(self, catalog: Catalog, problems: Problems, extra_fields: dict[str, str] | None = None,
                 today: dt.date | None = None, future_days: int = 30):
        self.catalog = catalog
        self.today, self.future_days = today, future_days
        self.problems = problems
        self.extra_fields = extra_fields or {}  # key → owning plugin
        self.by_index: dict[str, Document] = {}

    def load(self, source: str | bytes, src_path: str, display: str) -> Document | None:
        """Parse one file (bytes are decoded as UTF-8 or rejected, see ``gongkai.sources``); returns None only
        after recording why (the build then names the file)."""
        try:
            text = decode(source, display) if isinstance(source, bytes) else source
        except InputError as exc:
            self.problems.items.extend(exc.problems)
            return None
        front, body, body_line = split_front_matter(text)
        if front is None:
            self.problems.add(display, "缺少文件元数据（文首以 --- 开始、以 --- 结束的 YAML 块）", line=1,
                              fix="在文首添加 title、栏目、发布机构、成文日期、发布日期、索引号、主题分类等字段")
            return None
        try:
            data = yamlutil.load(front, display, line_offset=1)
        except InputError as exc:
            self.problems.items.extend(exc.problems)
            return None
        if not isinstance(data, dict):
            self.problems.add(display, "文件元数据应为“字段: 值”的映射", line=2)
            return None
        return self._build(data, body, src_path, display)

    def _err(self, display, data, key, message, fix=None):
        line = data.line_of(key) if isinstance(data, yamlutil.Mapping) else None
        self.problems.add(display, message, line=line, field=key, fix=fix)

    def _date(self, display, data, key) -> dt.date | None:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip() if value is not None else ""
        match = DATE_RE.match(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                pass
        self._err(display, data, key, f"日期“{text}”无效，应为 YYYY-MM-DD 格式的真实日期",
                  fix=f"例如 {key}: 2024-03-08")
        return None

    def _check_plain_text(self, display, data) -> None:
        """Metadata is plain text (docs/security.md): markup in it is refused, naming the field."""
        values = [(key, data.get(key), data.line_of(key)) for key in PLAIN_TEXT_FIELDS]
        keywords = data.get("主题词")
        values += [("主题词", k, data.line_of("主题词")) for k in (keywords if isinstance(keywords, list) else [])]
        for entry in data.get("附件") if isinstance(data.get("附件"), list) else []:
            if isinstance(entry, yamlutil.Mapping):
                values += [(f"附件 · {key}", entry.get(key), entry.line_of(key)) for key in ("名称", "文件")]
        for field, value, line in values:
            found = plain_text_problem(value)
            if found:
                self.problems.add(display, found[0], line=line, field=field, fix=found[1])

    def _check_types(self, display, data) -> set[str]:
        """Report every field written with the wrong type (FIELD_TYPES) and blank it; turn TEXT into str and
        TEXTS into list[str]. Returns the fields reported."""
        mistyped = set()
        for key, (kind, example) in FIELD_TYPES.items():
            value = data.get(key)
            if value is None:
                continue
            found = None
            accepts = (lambda v: isinstance(v, str)) if kind in (ID, IDS) else is_text
            if kind in (TEXT, ID, DATE):
                found = None if accepts(value) else describe(value)
            elif kind in (TEXTS, IDS):
                items = value if isinstance(value, list) else [value] if accepts(value) else None
                if items is None:
                    found = describe(value)
                else:
                    bad = [i for i, item in enumerate(items) if not accepts(item)]
                    found = f"列表，其中第 {bad[0] + 1} 项是{describe(items[bad[0]])}" if bad else None
            elif not isinstance(value, list):
                found = describe(value)
            if found:
                self._err(display, data, key, f"应为{kind}，实际是{found}",
                          fix=f"写成 {key}:{'' if example.startswith(chr(10)) else ' '}{example}")
                data[key] = None
                mistyped.add(key)
            elif kind in (TEXT, ID):
                data[key] = str(value).strip()
            elif kind in (TEXTS, IDS):
                data[key] = [str(item).strip() for item in items]
        return mistyped

    def _build(self, data, body: str, src_path: str, display: str) -> Document | None:
        start = len(self.problems.errors)
        catalog = self.catalog
        for key in data:
            if key not in FIELDS and key not in PAGE_OPTIONS and key not in self.extra_fields:
                known = FIELDS + tuple(self.extra_fields)
                self._err(display, data, key, f"不认识的字段“{key}”{close_matches(str(key), known)}",
                          fix="删除该字段或改为正确的字段名（见 docs/schema.md）")
        mistyped = self._check_types(display, data)
        for key in REQUIRED:
            if key not in mistyped and data.get(key) in (None, "", []):
                self.problems.add(display, f"缺少必填字段“{key}”", line=data.line, field=key,
                                  fix=f"在文件元数据中填写“{key}”（见 docs/schema.md）")

        publisher = catalog.organizations.get(str(data.get("发布机构", "")))
        if data.get("发布机构") and publisher is None:
            self._err(display, data, "发布机构", f"“{data['发布机构']}”不是已定义的发布主体"
                      f"{close_matches(str(data['发布机构']), catalog.organizations)}",
                      fix="填写 catalog/organizations.yml 中的发布主体 id")

        column_ids = data.get("栏目") or []
        for col_id in column_ids:
            column = catalog.columns.get(col_id)
            if column is None:
                self._err(display, data, "栏目", f"“{col_id}”不是已定义的栏目 id{close_matches(col_id, catalog.columns)}",
                          fix="填写 catalog/columns.yml 中的栏目 id")
            elif publisher and not column.applies(publisher):
                self._err(display, data, "栏目", f"栏目“{column.name}”（{col_id}）不适用于{publisher.kind}“{publisher.name}”",
                          fix="换一个适用于该发布主体的栏目，或在目录中调整该栏目的“适用”")

        written = self._date(display, data, "成文日期") if data.get("成文日期") is not None else None
        published = self._date(display, data, "发布日期") if data.get("发布日期") is not None else None
        if published and self.today and (published - self.today).days > self.future_days:
            self._err(display, data, "发布日期", f"发布日期 {published} 比今天（{self.today}）晚 "
                      f"{(published - self.today).days} 天，超过允许的 {self.future_days} 天",
                      fix="核对年份是否写错；预先准备的文件请在发布当天再提交")
        if written and published and published < written:
            self._err(display, data, "发布日期", f"发布日期 {published} 早于成文日期 {written}",
                      fix="核对两个日期：发布日期不能早于成文日期")

        imported = data.get("来源") is not None
        if imported and data["来源"] != IMPORTED:
            self._err(display, data, "来源", f"取值“{data['来源']}”无效，只能写“{IMPORTED}”",
                      fix=f"由 gongkai import 导入的文件写“来源: {IMPORTED}”，其他文件删去该字段")

        doc_number = data.get("文号") or None
        if imported and doc_number and ("\n" in doc_number or len(doc_number) > 80):
            self._err(display, data, "文号", "导入文件的文号应为一行、不超过 80 个字", fix="照原网页上的文号填写")
        elif doc_number and not imported and not DOC_NUMBER_RE.match(doc_number):
            wrong = WRONG_BRACKETS_RE.match(doc_number)
            fix = (f"改为“{wrong.group(1)}〔{wrong.group(2)}〕{wrong.group(3)}号”（年份用六角括号〔〕）" if wrong
                   else "格式为 机关代字〔年份〕序号号，例如 示政办发〔2024〕12号")
            self._err(display, data, "文号", f"文号“{doc_number}”格式不对", fix=fix)

        index_number = data.get("索引号") or ""
        if index_number and imported:
            if not IMPORTED_INDEX_RE.match(index_number):
                self._err(display, data, "索引号", f"索引号“{index_number}”含空白或不允许的字符",
                          fix="照原网页逐字填写：只能有字母、数字和 / . _ -，3 至 64 个字符")
        elif index_number and publisher:
            year = publisher.index_year(index_number)
            if year is None:
                self._err(display, data, "索引号", f"索引号“{index_number}”应为“{publisher.code}/年份-流水号”"
                          f"（{publisher.name}的机构代码）", fix=f"例如 {publisher.code}/2024-00012")
            elif written and published and year not in (written.year, published.year):
                self._err(display, data, "索引号", f"索引号中的年份 {year} 与成文日期、发布日期的年份都不一致",
                          fix="索引号年份应为信息生成（成文）的年份")
        if index_number in self.by_index:
            other = self.by_index[index_number]
            self._err(display, data, "索引号", f"索引号“{index_number}”与 {other.source} 重复",
                      fix="索引号全站唯一，发布后不可更改：请为其中一个文件编新的流水号")

        def choice(key, choices, default=None):
            value = data.get(key)
            if value is None:
                return default
            if str(value) not in choices:
                self._err(display, data, key, f"取值“{value}”无效，应为：{' / '.join(choices)}"
                          f"{close_matches(str(value), choices)}")
                return default
            return str(value)

        if not imported and str(data.get("主题分类")).strip() == NO_TOPIC:
            self._err(display, data, "主题分类", f"只有导入的文件（来源: {IMPORTED}）才能写“{NO_TOPIC}”",
                      fix="从国务院公文主题分类中选一个，拿不准时写“其他”")
            topic = None
        else:
            topic = choice("主题分类", TOPICS + ((NO_TOPIC,) if imported else ()))
        validity = choice("有效性", VALIDITIES, "有效")
        kind = choice("文件类型", DOCUMENT_KINDS)
        keywords = data.get("主题词") or []

        attachments = []
        entries = data.get("附件") or []
        for i, entry in enumerate(entries):
            line = entries.line_of(i) if isinstance(entries, yamlutil.Sequence) else None
            why = _attachment_problem(entry)
            if why:
                self.problems.add(display, f"第 {i + 1} 个附件{why}：每个附件写“名称”和“文件”（相对于本文件的路径）",
                                  line=line, field="附件", fix="例如 - 名称: 申请表\n    文件: 附件/申请表.docx")
                continue
            path = posixpath.normpath(posixpath.join(posixpath.dirname(src_path), str(entry["文件"]).strip()))
            name = str(entry.get("名称") or "").strip() or posixpath.basename(path)
            attachments.append(Attachment(name=name, path=path))

        self._check_plain_text(display, data)
        if len(self.problems.errors) > start:
            return None
        summary = data.get("内容概述") or derive_summary(body)
        extra = {key: data[key] for key in data if key in self.extra_fields}
        doc = Document(src_path=src_path, title=data["title"], column_ids=column_ids,
                       publisher_id=publisher.id, written=written, published=published, index_number=index_number,
                       topic=topic, validity=validity, doc_number=doc_number, kind=kind, keywords=keywords,
                       summary=summary, attachments=attachments, extra=extra, body=body,
                       source=display, field_lines=dict(data.lines), imported=imported,
                       page_options={key: data[key] for key in PAGE_OPTIONS if key in data})
        self.by_index[index_number] = doc
        return doc
