"""Parse a document's front matter once into a ``Document`` and check every field against the catalog."""

from __future__ import annotations

import dataclasses
import datetime as dt
import posixpath
import re
import sys
from urllib.parse import urlsplit

from . import yamlutil
from .errors import InputError, Problem, Problems
from .fields import DATE, ID, IDS, LIST, TEXTS, Field, FieldReader, keys, top_mapping
from .mdlimits import report_control_characters
from .pagemeta import read_page_options
from .model import DOCUMENT_KINDS, TOPICS, Attachment, Catalog, Document, is_placeholder
from . import validity
from .safety import plain_text_of
from .sources import decode

FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?\r?\n)?(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.S)
# 机关代字〔年份〕序号号, or a 规章's 政府令 number such as 示例市人民政府令第3号.
DOC_NUMBER_RE = re.compile(r"^(\S+〔\d{4}〕\d+号|\S+令第\d+号)$")
# The year of a 文号 (机关代字〔年份〕序号号) and its 机关代字.
DOC_NUMBER_YEAR_RE = re.compile(r"^(\S+?)〔(\d{4})〕\d+号$")
# A 文号 typed with the wrong brackets: 示政办发[2024]12号, (2024), （2024）, 【2024】.
WRONG_BRACKETS_RE = re.compile(r"^(\S+?)[\[(（【〔]\s*(\d{4})\s*[\])）】〕](\d+)号$")
# Documents brought in by `gongkai import` carry "来源: 导入": they keep the 索引号 and 文号 their old site published,
# whatever the shape (PZ00108-3000-2022-00041, 11350128MB1234567X/2022-00041 …), and may have 主题分类 "无".
IMPORTED = "导入"
IMPORTED_INDEX_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/._-]{2,63}$")
NO_TOPIC = "无"

GUIDE = "编辑手册“发布一篇文件”（content/bangzhu/fabu.md）"
# How each field is written, with an example for the fix. Ids are letters and digits, so a YAML number (栏目: 0) is
# a mistake, not an id.
DOCUMENT_FIELDS = (
    Field("title", required=True, example="示例市人民政府关于……的通知"),
    Field("栏目", IDS, required=True, default=[], noun="栏目", example="[gfxwj]"),
    Field("发布机构", ID, required=True, noun="发布主体", example="szf"),
    Field("成文日期", DATE, required=True, example="2025-03-05"),
    Field("发布日期", DATE, required=True, example="2025-03-10"),
    Field("文号", example="示政办发〔2025〕6号"),
    Field("索引号", required=True, default="", example="999000002/2025-00006"),
    Field("文件类型", choices=DOCUMENT_KINDS, example="行政规范性文件"),
    Field("主题词", TEXTS, default=[], example="[教育, 读书]"),
    Field("内容概述", example="一段文字"),
    Field("来源", choices=(IMPORTED,), example=IMPORTED,
          fix=f"由 gongkai import 导入的文件写“来源: {IMPORTED}”，其他文件删去该字段"),
    # the old site's address of this document; the build maps it to the new page (301, docs/import.md)
    Field("原网址", example="http://www.example.gov.cn/art/2022/5/25/art_1229_5678.html"),
)
OLD_URL_RE = re.compile(r"^(https?://[^/\s]+)?/[^\s\x00-\x1f\"\\{};]*$", re.I)
TOPIC = Field("主题分类", required=True, choices=TOPICS, example="综合政务")
IMPORTED_TOPIC = dataclasses.replace(TOPIC, choices=TOPICS + (NO_TOPIC,))
ATTACHMENTS = Field("附件", LIST, noun="附件", shape="名称、文件", example="\n  - 名称: 申请表\n    文件: 附件/申请表.docx")
FIELDS = keys(DOCUMENT_FIELDS) + (TOPIC.key, ATTACHMENTS.key) + validity.KEYS
ATTACHMENT_FIELDS = (Field("名称", default=""), Field("文件", required=True, example="附件/申请表.docx"))
# Page options MkDocs and mkdocs-material read themselves; allowed beside the document fields.
PAGE_OPTIONS = ("template", "hide", "description", "search", "status", "icon", "subtitle")
SUMMARY_LENGTH = 120


def redirect_key(old_url: str) -> str:
    """The part of a 原网址 a web server sees: its path and query (the old host name points at the new site)."""
    parts = urlsplit(old_url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """(front matter or None, body, line number where the body starts)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text, 1
    return match.group(1) or "", text[match.end():], text.count("\n", 0, match.end()) + 1


BLANK_LINE_RE = re.compile(r"\n\s*\n")
IMAGE_RE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
LINK_RE = re.compile(r"\[([^\]]*)\]\([^)]*\)")
MARKUP_RE = re.compile(r"[*_`>#]|^\s*[-+]\s+|^\s*\d+\.\s+", re.M)
SPACE_RE = re.compile(r"\s+")


def _blocks(body: str):
    """What ``BLANK_LINE_RE.split(body)`` gives, one block at a time: the summary needs only the first few."""
    start = 0
    for match in BLANK_LINE_RE.finditer(body):
        yield body[start:match.start()]
        start = match.end()
    yield body[start:]


def derive_summary(body: str) -> str:
    """内容概述 from the first paragraph of text, without Markdown syntax.

    A 主送机关 line (“各区县人民政府，市政府各部门：”) and a lead-in ending in a colon (“现通知如下：”) say nothing of
    the content: they are passed over, and used only when nothing else is written."""
    first = ""
    for block in _blocks(body):
        block = block.strip()
        if not block or block.startswith(("#", "|", "!", "<", "```", "---")):
            continue
        text = IMAGE_RE.sub("", block)
        text = LINK_RE.sub(r"\1", text)
        if "<" in text or "&" in text:  # inline HTML and entities: the summary is plain text
            text = plain_text_of(text)
        text = MARKUP_RE.sub("", text)
        text = SPACE_RE.sub("", text)
        if text and text.endswith(("：", ":")):
            first = first or text
            continue
        if text:
            return _cut(text)
    return _cut(first)


def _cut(text: str) -> str:
    return text if len(text) <= SUMMARY_LENGTH else text[:SUMMARY_LENGTH - 1] + "…"


def _folder_org(src_path: str, catalog: Catalog):
    """The 发布主体 whose id names a folder the file is in (wj/<发布主体>/<年份>/…, as gongkai new files them), if any."""
    return next((catalog.organizations[p] for p in src_path.split("/")[:-1] if p in catalog.organizations), None)


class DocumentLoader:
    """Turns Markdown files into Documents, collecting problems per file and duplicates across files."""

    def __init__(self, catalog: Catalog, problems: Problems, extra_fields: dict[str, str] | None = None,
                 today: dt.date | None = None, future_days: int = 30, cache=None, memo=None):
        self.catalog = catalog
        self.cache = cache  # the build cache: front matter parsed in the last build is not parsed again
        self.memo = memo  # checks of the last build's files (gongkai.documents_memo.DocumentMemo), or None
        self.today, self.future_days = today, future_days
        self.problems = problems
        self.extra_fields = extra_fields or {}  # key → owning plugin
        self.by_index: dict[str, Document] = {}
        self.by_old_url: dict[str, Document] = {}  # 原网址 (without scheme and host) → document
        self.by_number: dict[tuple[str, str], Document] = {}  # (发布机构, 文号) → document: 统一编号

    def load(self, source: str | bytes, src_path: str, display: str) -> Document | None:
        """Parse one file (bytes are decoded as UTF-8 or rejected, see ``gongkai.sources``); returns None only
        after recording why (the build then names the file)."""
        checked, body = self.check(source, src_path, display)
        return self.admit(checked, body, display)

    def check(self, source: str | bytes, src_path: str, display: str) -> tuple["Checked", str]:
        """The file checked on its own, and its body. With the memo (``gongkai.documents_memo``), a file whose bytes,
        place and catalog are the last build's is not parsed or checked again: its check is that build's."""
        memo = self.memo if isinstance(source, bytes) else None
        key = memo.key(source, src_path, display) if memo is not None else None
        if key is not None:
            found = memo.find(key)
            if found is not None:
                if found.rejected:
                    return found, ""
                try:
                    return found, split_front_matter(decode(source, display))[1]
                except InputError:  # the same bytes decoded last time: not reached; checked again below
                    pass
        checked, body = self._check(source, src_path, display)
        if key is not None:
            memo.keep(key, checked)
        return checked, body

    def _check(self, source: str | bytes, src_path: str, display: str) -> tuple["Checked", str]:
        problems = Problems()
        try:
            text = decode(source, display) if isinstance(source, bytes) else source
        except InputError as exc:
            problems.items.extend(exc.problems)
            return Checked(problems.items, rejected=True), ""
        front, body, body_line = split_front_matter(text)
        if report_control_characters(problems, display, body, body_line):
            return Checked(problems.items, rejected=True), ""  # the feeds' XML cannot carry them (gongkai/mdlimits.py)
        if front is None:
            problems.add(display, "缺少文件元数据（文首以 --- 开始、以 --- 结束的 YAML 块）", line=1,
                         fix="在文首添加 title、栏目、发布机构、成文日期、发布日期、索引号、主题分类等字段")
            return Checked(problems.items, rejected=True), ""
        try:
            data = yamlutil.load(front, display, line_offset=1, cache=self.cache)
        except InputError as exc:
            problems.items.extend(exc.problems)
            return Checked(problems.items, rejected=True), ""
        if top_mapping(problems, display, data, what="文件元数据", shape="title、栏目、发布机构…", line=2,
                       fix=f"每行写成“字段: 值”（见 {GUIDE}）") is None:
            return Checked(problems.items, rejected=True), ""
        return self._fields(data, body, src_path, display, problems), body

    def _fields(self, data, body: str, src_path: str, display: str, problems: Problems) -> "Checked":
        """Every field of one front matter checked against the catalog. Reads the file's data, its place
        (``src_path``, ``display``), ``self.catalog`` and the keys of ``self.extra_fields``, nothing else: the
        day and the other documents are ``admit``'s (the memo's key is exactly these inputs)."""
        catalog = self.catalog
        r = FieldReader(data, problems, display, guide=GUIDE)
        r.unknown_keys(FIELDS + PAGE_OPTIONS + tuple(self.extra_fields), suggest=FIELDS + tuple(self.extra_fields))
        values = r.read_all(DOCUMENT_FIELDS)
        page_options = read_page_options(r, {k: v for k, v in data.items() if k in PAGE_OPTIONS})

        publisher = None
        if values["发布机构"] and r.reference("发布机构", values["发布机构"], catalog.organizations, "发布主体",
                                          "catalog/organizations.yml"):
            publisher = catalog.organizations[values["发布机构"]]
        column_ids = values["栏目"]
        for col_id in column_ids:
            if not r.reference("栏目", col_id, catalog.columns, "栏目", "catalog/columns.yml"):
                continue
            column = catalog.columns[col_id]
            if publisher and not column.applies(publisher):
                r.error("栏目", f"栏目“{column.name}”（{col_id}）不适用于{publisher.kind}“{publisher.name}”",
                        fix="换一个适用于该发布主体的栏目，或在目录中调整该栏目的“适用”")

        kind = written_kind = values["文件类型"]
        column_kinds = {catalog.columns[c].document_kind for c in column_ids if c in catalog.columns} - {None}
        if len(column_kinds) > 1:
            r.error("栏目", f"栏目分属不同的文件类型（{'、'.join(sorted(column_kinds))}）",
                    fix="一个文件只能是规章、行政规范性文件、其他文件中的一种：只保留相应的栏目")
        elif column_kinds:
            column_kind = column_kinds.pop()
            if kind and kind != column_kind:
                r.error("文件类型", f"文件类型“{kind}”与栏目不符：所在栏目只收{column_kind}",
                        fix=f"改为“文件类型: {column_kind}”，或把文件放到相应的栏目")
            kind = column_kind  # a document of the 行政规范性文件 column is one, written or not

        written, published = values["成文日期"], values["发布日期"]
        future_at = len(problems.items)  # admit: 发布日期 too far after the build's day
        if written and published and published < written:
            r.error("发布日期", f"发布日期 {published} 早于成文日期 {written}",
                    fix="核对两个日期：发布日期不能早于成文日期")

        imported = values["来源"] is not None or "来源" in r.reported  # written, even if wrongly
        doc_number = values["文号"]
        if imported and doc_number and ("\n" in doc_number or len(doc_number) > 80):
            r.error("文号", "导入文件的文号应为一行、不超过 80 个字", fix="照原网页上的文号填写")
        elif doc_number and not imported and not DOC_NUMBER_RE.match(doc_number):
            wrong = WRONG_BRACKETS_RE.match(doc_number)
            fix = (f"改为“{wrong.group(1)}〔{wrong.group(2)}〕{wrong.group(3)}号”（年份用六角括号〔〕）" if wrong
                   else "格式为 机关代字〔年份〕序号号，例如 示政办发〔2024〕12号")
            r.error("文号", f"文号“{doc_number}”格式不对", fix=fix)
        elif doc_number and not imported and written:
            year = DOC_NUMBER_YEAR_RE.match(doc_number)
            if year and int(year.group(2)) != written.year:
                r.error("文号", f"文号“{doc_number}”中的年份 {year.group(2)} 与成文日期 {written} 的年份不一致",
                        severity="warning", fix="核对文号和成文日期：文号的年份一般是成文（签发）的年份")
        if kind == "行政规范性文件" and not doc_number and not imported and "文号" not in r.reported:
            # Refused when the editor says it is one; a warning when only its column says so, so that a site
            # that built before 统一编号 was checked keeps building (docs/schema.md).
            r.error("文号", "行政规范性文件必须有文号（统一登记、统一编号、统一印发，国办发〔2018〕37号）"
                    + ("" if written_kind else "：本文件在行政规范性文件栏目中"),
                    fix="填写“文号: 机关代字〔年份〕序号号”，例如 文号: 示政规〔2026〕3号；"
                        "gongkai new 加 --daizi 机关代字 可自动编号", severity="error" if written_kind else "warning")

        index_number = values["索引号"]
        if index_number and imported:
            if not IMPORTED_INDEX_RE.match(index_number):
                r.error("索引号", f"索引号“{index_number}”含空白或不允许的字符",
                        fix="照原网页逐字填写：只能有字母、数字和 / . _ -，3 至 64 个字符")
            elif publisher and publisher.old_prefixes and not publisher.carries(index_number):
                prefixes = "、".join(p for p in (publisher.code, *publisher.old_prefixes) if p)
                r.error("索引号", f"索引号“{index_number}”不以{publisher.name}的机构代码或旧索引号前缀（{prefixes}）开头",
                        fix=f"核对发布机构；确属{publisher.name}的旧文件时，把它的前缀加到 catalog/organizations.yml "
                            "的“旧索引号前缀”")
        elif index_number and publisher and not publisher.code:
            r.error("索引号", f"{publisher.name}还没有机构代码，新文件无法编索引号",
                    fix="在 catalog/organizations.yml 中填写该发布主体的“机构代码”（旧索引号前缀只用于导入的文件）")
        elif index_number and publisher:
            year = publisher.index_year(index_number)
            # Whose number it is instead, asked only of a number that is not the publisher's: a site may have a
            # hundred 发布主体, and every document asking each of them would cost as much as the rest of loading.
            owner = None if year is not None else next(
                (o for o in catalog.organizations.values()
                 if o is not publisher and o.index_year(index_number) is not None), None)
            folder = _folder_org(src_path, catalog) if owner is not None else None
            if is_placeholder(publisher.code):
                r.error("索引号", f"{publisher.name}的机构代码还没有填写，不能为其文件编索引号",
                        fix=f"先在 catalog/organizations.yml 中把发布主体 {publisher.id} 的“机构代码”改为本机关的 "
                            "9 位组织机构代码或 18 位统一社会信用代码")
            elif year is None and owner is not None and folder is owner:
                # The folder and the 索引号 agree on another 发布主体: the 发布机构 line is what is wrong.
                r.error("发布机构", f"发布机构写的是{publisher.name}（{publisher.id}），但文件在{owner.name}的文件夹中，"
                        f"索引号“{index_number}”也是{owner.name}的编号",
                        fix=f"若是{owner.name}的文件，把发布机构改为 {owner.id}；若确是{publisher.name}的文件，把它移到"
                            f"{publisher.name}的文件夹并重新编索引号（{publisher.code}/年份-流水号）")
            elif year is None:
                mine = f"；它是{owner.name}的编号" if owner is not None else ""
                r.error("索引号", f"索引号“{index_number}”应为“{publisher.code}/年份-流水号”"
                        f"（{publisher.name}的机构代码）{mine}", fix=f"例如 {publisher.code}/2024-00012")
            elif written and published and year not in (written.year, published.year):
                r.error("索引号", f"索引号中的年份 {year} 与成文日期、发布日期的年份都不一致",
                        fix="索引号年份应为信息生成（成文）的年份")
        twice_at = len(problems.items)  # admit: the same 索引号, or 文号 of the same 发布机构, in another file

        old_url = values["原网址"]
        if old_url and not OLD_URL_RE.match(old_url):
            r.error("原网址", f"原网址“{old_url}”不是网址",
                    fix="写旧网站上这篇文件的完整网址（http:// 或 https:// 开头）或以 / 开头的路径，不含空格和引号")
            old_url = None
        old_url_at = len(problems.items)  # admit: the same 原网址 in another file

        topic = data.get(TOPIC.key)
        if not imported and isinstance(topic, str) and topic.strip() == NO_TOPIC:
            r.error(TOPIC.key, f"只有导入的文件（来源: {IMPORTED}）才能写“{NO_TOPIC}”",
                    fix="从国务院公文主题分类中选一个，拿不准时写“其他”")
            topic = None
        else:
            topic = r.read(IMPORTED_TOPIC if imported else TOPIC)

        timeline = validity.read_timeline(r, imported=imported)

        attachments = []
        for entry, line in r.entries(ATTACHMENTS):
            a = r.child(entry, "附件", line)
            a.unknown_keys(keys(ATTACHMENT_FIELDS))
            name, file = (a.read(f) for f in ATTACHMENT_FIELDS)
            if file:
                path = posixpath.normpath(posixpath.join(posixpath.dirname(src_path), file))
                attachments.append(Attachment(name=name or posixpath.basename(path), path=path))

        checked = Checked(problems.items, marks=(future_at, twice_at, old_url_at), published=published,
                          index_number=index_number, publisher_id=publisher.id if publisher else None,
                          doc_number=doc_number, imported=imported, old_url=old_url,
                          where={key: (r.line_of(key), r.name(key)) for key in ADMIT_KEYS})
        if any(p.severity == "error" for p in problems.items):
            return checked
        extra = {key: data[key] for key in data if key in self.extra_fields}
        # 有效性 and the body are admit's: the first depends on the day, the second is not kept by the memo.
        checked.document = Document(
            src_path=src_path, title=values["title"], column_ids=column_ids, publisher_id=publisher.id,
            written=written, published=published, index_number=index_number, topic=_shared(topic),
            doc_number=doc_number, kind=kind, keywords=values["主题词"],
            summary=values["内容概述"] or derive_summary(body), attachments=attachments, extra=extra,
            source=display, field_lines=_shared_keys(data.lines), imported=imported, old_url=old_url,
            page_options=page_options, timeline=timeline)
        return checked

    def admit(self, checked: "Checked", body: str, display: str) -> Document | None:
        """What one file's check leaves to the build: its 发布日期 against the build's day (``today``,
        ``future_days``), its 索引号, 文号 and 原网址 against the files loaded before it, its 有效性 on the day.
        Records its problems, in the order a single pass over the fields gives them; the document, unless any
        of them is an error."""
        if checked.rejected:
            self.problems.items.extend(checked.problems)
            return None
        added: tuple[list[Problem], list[Problem], list[Problem]] = ([], [], [])

        def error(at: int, key: str, message: str, fix: str) -> None:
            line, name = checked.where[key]
            added[at].append(Problem(display, message, line=line, field=name, fix=fix))

        published, index_number, doc_number = checked.published, checked.index_number, checked.doc_number
        if published and self.today and (published - self.today).days > self.future_days:
            error(0, "发布日期", f"发布日期 {published} 比今天（{self.today}）晚 "
                  f"{(published - self.today).days} 天，超过允许的 {self.future_days} 天",
                  "核对年份是否写错；预先准备的文件请在发布当天再提交")
        if index_number in self.by_index:
            other = self.by_index[index_number]
            error(1, "索引号", f"索引号“{index_number}”与 {other.source} 重复",
                  "索引号全站唯一，发布后不可更改：请为其中一个文件编新的流水号")
        number_key = (checked.publisher_id, validity.fold_number(doc_number)) \
            if doc_number and not checked.imported and checked.publisher_id else None
        if number_key is not None and (other := self.by_number.get(number_key)) is not None:
            error(1, "文号", f"文号“{doc_number}”与 {other.source} 重复（同一发布机构的文号不能重复）",
                  "核对文号的序号：同一机关代字、同一年份的序号不能重复")
        old_url = checked.old_url
        if old_url and redirect_key(old_url) in self.by_old_url:
            other = self.by_old_url[redirect_key(old_url)]
            error(2, "原网址", f"原网址“{old_url}”与 {other.source} 相同：旧网址只能转到一个新页面",
                  "核对两个文件的原网址，删去错的那个")

        problems, (future_at, twice_at, old_url_at) = checked.problems, checked.marks
        if any(added):
            problems = [*problems[:future_at], *added[0], *problems[future_at:twice_at], *added[1],
                        *problems[twice_at:old_url_at], *added[2], *problems[old_url_at:]]
        self.problems.items.extend(problems)
        doc = checked.document
        if doc is None or any(added):  # every problem admit adds is an error
            return None
        timeline = doc.timeline
        doc.validity = timeline.status(self.today) if self.today else timeline.stated or "有效"
        doc.body = body
        self.by_index[index_number] = doc
        if old_url:
            self.by_old_url[redirect_key(old_url)] = doc
        if number_key is not None:
            self.by_number[number_key] = doc
        return doc


# The fields ``admit`` may name in a problem (``Checked.where``).
ADMIT_KEYS = ("发布日期", "索引号", "文号", "原网址")


@dataclasses.dataclass
class Checked:
    """One file as ``DocumentLoader.check`` found it on its own: the problems found (in order), and the document
    when none of them is an error. ``admit`` adds what depends on the build's day and on the other files: its
    problems go before ``problems[marks[0]]`` (发布日期 too far ahead), ``[marks[1]]`` (索引号 or 文号 taken) and
    ``[marks[2]]`` (原网址 taken), where a single pass over the fields found them."""

    problems: list[Problem]
    rejected: bool = False  # refused before its fields were read (encoding, control characters, YAML …)
    marks: tuple[int, int, int] = (0, 0, 0)
    published: dt.date | None = None
    index_number: str = ""
    publisher_id: str | None = None  # the 发布机构 when it names a 发布主体 of the catalog
    doc_number: str | None = None
    imported: bool = False
    old_url: str | None = None  # a well-formed 原网址
    where: dict = dataclasses.field(default_factory=dict)  # ADMIT_KEYS → (line, field) as the reader names them
    document: Document | None = None  # without its body and 有效性 (admit's)


# A site's documents repeat the same few front-matter keys and 主题分类 values: one string object each instead of one
# per document (about 1 KB a document, 100 MB at 100,000; docs/performance.md "Memory").
def _shared(value):
    return sys.intern(value) if type(value) is str else value


def _shared_keys(lines) -> dict:
    return {_shared(key): line for key, line in lines.items()}
