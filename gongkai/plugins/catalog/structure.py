"""Generated pages of the 政府信息公开 section, as small structure objects the templates read."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.applyform import ApplicationForm
from gongkai.model import Column, Document, Organization


@dataclass
class Crumb:
    title: str
    url: str  # site-relative


@dataclass
class Pager:
    """Position of one page in a paginated list."""

    number: int
    urls: list[str]  # url of page 1..n
    total: int  # number of items across all pages

    @property
    def count(self) -> int:
        return len(self.urls)

    @property
    def previous_url(self) -> str | None:
        return self.urls[self.number - 2] if self.number > 1 else None

    @property
    def next_url(self) -> str | None:
        return self.urls[self.number] if self.number < self.count else None

    def window(self, size: int = 7) -> list[tuple[int, str]]:
        """Page links around the current one, as (number, url)."""
        first = max(1, min(self.number - size // 2, self.count - size + 1))
        return [(n, self.urls[n - 1]) for n in range(first, min(self.count, first + size - 1) + 1)]


@dataclass
class TreeNode:
    """A column in a tree view, with its document count for one 发布主体 (or the whole site)."""

    column: Column
    url: str
    count: int
    children: list["TreeNode"] = field(default_factory=list)
    empty_reason: str = ""  # the catalog's 暂无 reason for this 发布主体, shown instead of a count of 0


@dataclass
class Overview:
    """A subcolumn block on a parent column's page: newest documents and a 更多 link."""

    column: Column
    url: str
    count: int
    documents: list[Document]


@dataclass
class ApplyBox:
    """依申请公开 at a glance on a home page: where the 指南, the 申请表 and the procedure are, and who receives."""

    guide_url: str
    form_url: str
    procedure_url: str
    organization: Organization | None = None  # the 受理机构's owner; None on the section home


@dataclass
class GeneratedPage:
    src_uri: str
    url: str
    title: str
    breadcrumbs: list[Crumb]

    template = "gongkai/section.html"


@dataclass
class SectionHome(GeneratedPage):
    """政府信息公开 home: the 目录 tree with counts, the 发布主体 directory and the newest documents."""

    tree: list[TreeNode] = field(default_factory=list)
    organizations: list[tuple[str, list[tuple[Organization, str, int]]]] = field(default_factory=list)
    latest: list[Document] = field(default_factory=list)
    directory_url: str = ""
    apply: "ApplyBox | None" = None

    template = "gongkai/section.html"


@dataclass
class OrganizationHome(GeneratedPage):
    """一个发布主体的信息公开 home: 最新公开, the 依申请公开 box, then the column tree."""

    organization: Organization | None = None
    apply: "ApplyBox | None" = None
    tree: list[TreeNode] = field(default_factory=list)
    children: list[tuple[Organization, str]] = field(default_factory=list)
    latest: list[Document] = field(default_factory=list)
    directory_url: str = ""

    template = "gongkai/organization.html"


@dataclass
class ColumnPage(GeneratedPage):
    """One page of a column, for one 发布主体 or site-wide (organization None)."""

    column: Column | None = None
    organization: Organization | None = None
    documents: list[Document] = field(default_factory=list)
    pager: Pager | None = None
    subcolumns: list[Overview] = field(default_factory=list)
    by_organization: list[tuple[Organization, str, int]] = field(default_factory=list)
    empty_reason: str = ""
    site_wide_url: str = ""
    apply: ApplyBox | None = None  # 依申请公开 columns: the 申请表 and 受理机构
    forms: list[tuple[Organization, ApplyBox]] = field(default_factory=list)  # site-wide 依申请公开: every 发布主体's
    current: tuple[str, int] | None = None  # 规章 / 行政规范性文件 columns: (url, count) of the 现行有效 目录

    template = "gongkai/column.html"

    @property
    def kind(self) -> str:
        return self.column.kind


@dataclass
class GuidePage(ColumnPage):
    """政府信息公开指南, generated from the 发布主体's 指南 data; site-wide it links every 发布主体's 指南."""

    guides: list[tuple[Organization, str]] = field(default_factory=list)
    tree: list[TreeNode] = field(default_factory=list)
    directory_url: str = ""
    apply: ApplyBox | None = None

    template = "gongkai/guide.html"


@dataclass
class ApplyFormPage(GeneratedPage):
    """政府信息公开申请表 of one 发布主体: printable on A4, with the same form as a DOCX download."""

    form: ApplicationForm | None = None
    docx_url: str = ""
    apply: ApplyBox | None = None

    template = "gongkai/apply-form.html"

    @property
    def organization(self) -> Organization:
        return self.form.organization


@dataclass
class DirectoryPage(GeneratedPage):
    """政府信息公开目录 (条例第十二条): 索引号, 名称, 内容概述, 生成日期 — per year."""

    organization: Organization | None = None
    year: int | None = None
    years: list[tuple[int, str, int]] = field(default_factory=list)  # (year, url, count)
    documents: list[Document] = field(default_factory=list)
    pager: Pager | None = None
    # 有效性 filter: (url, count) of the 现行有效 规章 and 行政规范性文件, and whether this page is that view
    current: tuple[str, int] | None = None
    current_view: bool = False

    template = "gongkai/directory.html"


@dataclass
class SiteMap(GeneratedPage):
    """网站地图: every column and every 发布主体."""

    tree: list[TreeNode] = field(default_factory=list)
    organizations: list[tuple[Organization, str]] = field(default_factory=list)

    template = "gongkai/sitemap.html"
