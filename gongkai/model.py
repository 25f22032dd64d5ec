"""Plain model objects for the catalog and the documents.

YAML and front matter are parsed once (``gongkai.catalog`` and ``gongkai.documents``) into these classes;
validation, page generation and templates read them and never the raw data.
"""

from __future__ import annotations

import datetime as _dt
import os
import posixpath
import re
from dataclasses import dataclass, field
from typing import Iterator

# 发布主体 types (docs/domain.md); a column's 适用 names some of these.
ORG_KINDS = ("人民政府", "政府部门", "乡镇（街道）", "其他单位")

# Column kinds; the first is the default.
COLUMN_KINDS = ("文件列表", "单页", "指南", "政策解读", "意见征集", "年报", "依申请公开")

# 更新类别 → freshness class used by the checks (docs/domain.md).
UPDATE_CLASSES = ("动态要闻", "通知公告政策文件", "长期", "无")

# 国务院公文主题分类 (docs/domain.md), in the national order.
TOPICS = (
    "综合政务", "国民经济管理、国有资产监管", "财政、金融、审计", "国土资源、能源", "农业、林业、水利",
    "工业、交通", "商贸、海关、旅游", "市场监管、安全生产监管", "城乡建设、环境保护", "科技、教育",
    "文化、广电、新闻出版", "卫生、体育", "人口与计划生育、妇女儿童工作", "劳动、人事、监察",
    "公安、安全、司法", "民政、扶贫、救灾", "民族、宗教", "对外事务", "港澳台侨工作", "国防", "其他",
)

# 有效性 of a document (docs/schema.md): derived from its dates at the build's instant, or as written when it has
# none. The two in force count as 现行有效 (the 年报's column, the 目录's and search's default filter).
NOT_YET, IN_FORCE, AMENDED, REPEALED, EXPIRED = "尚未施行", "有效", "已修改（仍有效）", "废止", "失效"
VALIDITIES = (IN_FORCE, EXPIRED, REPEALED, AMENDED, NOT_YET)
IN_FORCE_STATES = (IN_FORCE, AMENDED)
CURRENT = "现行有效"  # the filter's name for IN_FORCE_STATES

# 公开时限 texts that carry a working-day rule, e.g. "信息形成或变更之日起20个工作日内".
WORKDAYS_RE = re.compile(r"(\d+)\s*个?\s*工作日")

DOCUMENT_KINDS = ("规章", "行政规范性文件", "其他文件")

# What `gongkai init` writes where only the county can give the value (网站标识码, 机构代码, 指南 fields …). The
# loaders accept it; the checks list every one as a 上线前待办 item, an error once the site is live.
PLACEHOLDER = "待填写"


def is_placeholder(value) -> bool:
    return isinstance(value, str) and value.strip().startswith(PLACEHOLDER)


@dataclass
class Site:
    """网站信息: the identity every footer carries (docs/domain.md)."""

    name: str
    sponsor: str  # 主办单位
    organizer: str  # 承办单位
    site_code: str  # 网站标识码
    icp: str  # ICP备案编号
    police_record: str  # 公安机关备案号
    phone: str
    email: str
    address: str
    postcode: str
    # Optional: the 党政机关网站标识's verification address (开办单位 标识 issued by the 中央编办 registry), and the
    # site's own emblem (a file below docs_dir) shown in the header; gongkai ships a plain one otherwise.
    conac_url: str = ""
    logo: str = ""

    @property
    def police_code(self) -> str:
        """The digits of the 公安机关备案号, which its public query address takes."""
        return "".join(ch for ch in self.police_record if ch.isdigit())


@dataclass
class Guide:
    """政府信息公开指南 data of one 发布主体 (条例第十二条)."""

    office: str  # 工作机构名称
    address: str
    hours: str
    postcode: str
    phone: str
    fax: str
    email: str


@dataclass
class Organization:
    """发布主体: an institution that publishes under its own name."""

    id: str
    name: str
    kind: str  # one of ORG_KINDS
    code: str  # 机构代码, the 索引号 prefix ("" while only 旧索引号前缀 are known)
    guide: Guide
    parent_id: str | None = None
    short_name: str | None = None
    source: str = ""  # "file:line" where it is defined
    rule_making: bool | None = None  # 规章制定权 as the catalog states it; None: judged by ``makes_rules``
    old_prefixes: list[str] = field(default_factory=list)  # 旧索引号前缀: the old site's 索引号 prefixes

    def carries(self, index_number: str) -> bool:
        """Whether an imported 索引号 starts with this 发布主体's 机构代码 or one of its old prefixes."""
        return any(p and index_number.startswith(p) for p in (self.code, *self.old_prefixes))

    @property
    def label(self) -> str:
        return self.short_name or self.name

    @property
    def makes_rules(self) -> bool:
        """规章制定权 (立法法第九十三条): only the 人民政府 of a province or a 设区的市/自治州 make 地方政府规章, never a
        department, a 乡镇（街道） or a county-level government (县, 自治县, 旗, 市辖区). A 县级市 is named 市 like a
        设区的市, so the catalog says so with 规章制定权: false."""
        if self.kind != "人民政府":
            return False
        if self.rule_making is not None:
            return self.rule_making
        return not re.search(r"(县|旗|[^市]区)人民政府$", self.name)

    def index_year(self, index_number: str) -> int | None:
        """The year of a 索引号 in this 发布主体's own shape, 机构代码/年份-流水号; None if it has another shape."""
        if not self.code:
            return None
        match = re.fullmatch(re.escape(self.code) + r"/(\d{4})-(\d+)", index_number)
        return int(match.group(1)) if match else None


@dataclass
class DisclosureItem:
    """One 公开事项 row of the 主动公开基本目录."""

    level1: str  # 一级事项
    level2: str  # 二级事项
    content: str  # 公开内容（要素）
    basis: str  # 公开依据
    time_limit: str  # 公开时限, as written
    subject: str  # 公开主体
    channels: list[str]  # 公开渠道和载体
    audience: str  # 公开对象
    mode: str  # 公开方式
    levels: list[str]  # 公开层级
    number: str | None = None  # 序号
    workdays: int | None = None  # machine rule derived from time_limit, where one is recognised

    def __post_init__(self):
        # The one place the 工作日 rule is read from the 公开时限 text ("信息形成或变更之日起20个工作日内").
        if self.workdays is None:
            match = WORKDAYS_RE.search(self.time_limit or "")
            self.workdays = int(match.group(1)) if match else None


@dataclass
class Column:
    """栏目: a node of the 主动公开基本目录 tree."""

    id: str
    name: str
    kind: str = "文件列表"
    description: str = ""
    applies_to: tuple[str, ...] = ORG_KINDS  # 发布主体 types
    update_class: str = "长期"
    topic: str | None = None  # default 主题分类 of new documents (gongkai new); inherited from the parent
    items: list[DisclosureItem] = field(default_factory=list)
    empty_reasons: dict[str, str] = field(default_factory=dict)  # 暂无: org id → reason
    body: str = ""  # 正文 of a 单页 column
    children: list["Column"] = field(default_factory=list)
    parent: "Column | None" = field(default=None, repr=False)
    source: str = ""

    @property
    def path(self) -> str:
        """URL path below the section: ancestors' ids joined by '/'."""
        return "/".join(c.id for c in self.lineage)

    @property
    def lineage(self) -> list["Column"]:
        """The column and its ancestors, root first."""
        chain: list[Column] = []
        node: Column | None = self
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain[::-1]

    @property
    def document_kind(self) -> str | None:
        """The 文件类型 every document of this column has, when the column is named after one (规章, 行政规范性文件,
        其他文件; the 2019 format's 规范性文件 too)."""
        name = "行政规范性文件" if self.name == "规范性文件" else self.name
        return name if name in DOCUMENT_KINDS else None

    @property
    def lists_documents(self) -> bool:
        return self.kind not in ("单页", "指南")

    def applies(self, org: Organization) -> bool:
        return org.kind in self.applies_to

    def walk(self) -> Iterator["Column"]:
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class Catalog:
    """The whole 主动公开基本目录: site identity, 发布主体 and the column tree."""

    site: Site
    organizations: dict[str, Organization]
    roots: list[Column]
    columns: dict[str, Column]  # every column by id
    warnings: list = field(default_factory=list)  # Problems of severity "warning" found while loading

    def walk(self) -> Iterator[Column]:
        for root in self.roots:
            yield from root.walk()

    def columns_for(self, org: Organization) -> list[Column]:
        """Columns that apply to a 发布主体, in tree order."""
        return [c for c in self.walk() if c.applies(org)]

    def children_of(self, org: Organization) -> list[Organization]:
        return [o for o in self.organizations.values() if o.parent_id == org.id]


@dataclass
class Attachment:
    """附件: a file shipped with a document; ``path`` is relative to the docs dir."""

    name: str
    path: str
    size: int | None = None  # bytes, measured by the build from the file (``measure``)

    def measure(self, file) -> None:
        """Take the size of the attachment's MkDocs ``File``."""
        if file.abs_src_path and os.path.exists(file.abs_src_path):
            self.size = os.path.getsize(file.abs_src_path)
        else:
            self.size = len(file.content_bytes)

    @property
    def kind(self) -> str:
        """The file type a visitor is told before downloading, from the extension: PDF, DOCX, XLSX, CSV …"""
        return posixpath.splitext(self.path)[1].lstrip(".").upper() or "文件"

    @property
    def size_text(self) -> str:
        """The size in Chinese reading: 12 KB, 1.4 MB (1 KB = 1,024 bytes, never below 1 KB)."""
        if self.size is None:
            return ""
        if self.size < 1024 * 1024:
            return f"{max(1, round(self.size / 1024))} KB"
        return f"{self.size / 1024 / 1024:.1f} MB"

    @property
    def label(self) -> str:
        """“（XLSX，12 KB）” beside the link."""
        return f"（{self.kind}，{self.size_text}）" if self.size_text else f"（{self.kind}）"


@dataclass
class Basis:
    """依据: a deciding document named by its 文号 or 索引号 as the editor wrote it, with an optional date."""

    ref: str
    date: _dt.date | None = None
    line: int | None = None


@dataclass
class Revision:
    """修订记录: one dated note of what changed in a published document."""

    date: _dt.date
    note: str


@dataclass
class Version:
    """历史版本: the text a document had before an amendment, kept as ``<文件名>/<日期>.md`` beside it.

    ``date`` is the first day that text no longer applied; ``url`` is filled once the file is found.
    """

    date: _dt.date
    note: str | None
    line: int | None = None
    src_path: str = ""
    url: str = ""


@dataclass
class DocLink:
    """Another document as a page shows it (title, address, 文号 or 索引号) and the date that relates the two.

    A snapshot, not the Document: what a page shows of another one is then part of its own model (and of its page's
    cache key), and two documents that name each other make no cycle."""

    title: str
    url: str
    number: str
    src_path: str
    date: _dt.date | None = None


@dataclass
class Timeline:
    """有效性 over time: the dates and 依据 an editor writes, and what they resolve to across the site.

    ``expires`` is the last day in force (有效期至); ``repealed`` and ``in_force`` the first day of the new state.
    """

    stated: str | None = None  # 有效性 as written, if it was
    in_force: _dt.date | None = None  # 施行日期
    repealed: _dt.date | None = None  # 废止日期 (filled from the 废止依据 when not written)
    repeal_basis: Basis | None = None  # 废止依据
    expires: _dt.date | None = None  # 失效日期
    amendment_bases: list[Basis] = field(default_factory=list)  # 修改依据
    abolishes: list[Basis] = field(default_factory=list)  # 废止: what this 决定 abolishes
    amends: list[Basis] = field(default_factory=list)  # 修改: what this 决定 amends
    revisions: list[Revision] = field(default_factory=list)  # 修订记录
    versions: list[Version] = field(default_factory=list)  # 历史版本, oldest first
    # Resolved over the whole site (gongkai.validity.resolve)
    repealed_by: DocLink | None = None
    amended_by: list[DocLink] = field(default_factory=list)  # date: when the amendment took effect
    abolished: list[DocLink] = field(default_factory=list)  # what this document abolished
    amended: list[DocLink] = field(default_factory=list)  # what this document amended

    @property
    def dated(self) -> bool:
        """Whether 有效性 follows from dates and 依据 rather than from the written word alone."""
        return bool(self.in_force or self.repealed or self.repeal_basis or self.expires or self.amendment_bases
                    or self.repealed_by or self.amended_by)

    def status(self, day: _dt.date) -> str:
        """有效性 on ``day``: from the dates when there are any, else as written (default 有效)."""
        if not self.dated:
            return self.stated or IN_FORCE
        if self.repealed_by is not None or self.repeal_basis is not None or self.repealed:
            if self.repealed is None or day >= self.repealed:
                return REPEALED
        if self.expires and day > self.expires:
            return EXPIRED
        if self.in_force and day < self.in_force:
            return NOT_YET
        if any(a.date is None or a.date <= day for a in self.amended_by) or \
                (not self.amended_by and any(b.date is None or b.date <= day for b in self.amendment_bases)):
            return AMENDED
        return IN_FORCE


@dataclass
class Document:
    """政府信息: one published document and its metadata box."""

    src_path: str  # relative to the docs dir, '/'-separated
    title: str
    column_ids: list[str]  # 栏目, main one first
    publisher_id: str  # 发布机构
    written: _dt.date  # 成文日期
    published: _dt.date  # 发布日期
    index_number: str  # 索引号
    topic: str  # 主题分类
    validity: str = "有效"  # 有效性
    doc_number: str | None = None  # 文号
    kind: str | None = None  # 文件类型
    keywords: list[str] = field(default_factory=list)  # 主题词
    summary: str = ""  # 内容概述 (given or derived)
    attachments: list[Attachment] = field(default_factory=list)
    extra: dict = field(default_factory=dict)  # front-matter keys owned by feature modules (解读, 征集 …)
    body: str = ""  # Markdown without front matter
    url: str = ""  # set once mkdocs has placed the file
    source: str = ""  # path shown in messages, relative to the project
    field_lines: dict = field(default_factory=dict)  # front-matter key → line in the source file
    page_options: dict = field(default_factory=dict)  # MkDocs/material page options (hide, icon …) as written
    # Resolved once, when the core registers the document: the 发布主体 and the columns, main one first.
    publisher: Organization | None = field(default=None, repr=False, compare=False)
    columns: list[Column] = field(default_factory=list, repr=False, compare=False)
    imported: bool = False  # 来源: 导入 — brought in by `gongkai import`, 索引号 and 文号 as the old site published
    old_url: str | None = None  # 原网址: its address on the old site, answered with a 301 to the new page
    timeline: Timeline = field(default_factory=Timeline)  # 施行日期, 废止, 修改, 失效, 修订记录 (gongkai.validity)

    @property
    def in_force(self) -> bool:
        """现行有效 at the build's instant (有效 or 已修改（仍有效）)."""
        return self.validity in IN_FORCE_STATES

    @property
    def updated(self) -> _dt.date | None:
        """更新日期: the newest 修订记录, if any."""
        return max((r.date for r in self.timeline.revisions), default=None)

    def where(self, key: str | None = None) -> tuple[str, int | None]:
        """(file, line) of a front-matter field, for precise messages."""
        return self.source or self.src_path, self.field_lines.get(key) if key else None

    @property
    def id(self) -> str:
        """Stable document id: the source path without '.md'."""
        return self.src_path[:-3] if self.src_path.endswith(".md") else self.src_path

    @property
    def column_id(self) -> str:
        return self.column_ids[0]

    @property
    def sort_key(self) -> tuple:
        """Newest first: 发布日期, then 索引号 descending."""
        return (self.published, self.index_number)
