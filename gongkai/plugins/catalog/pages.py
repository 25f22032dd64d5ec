"""Addresses of the 政府信息公开 section and the pages generated from the catalog and the documents."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File

from gongkai import parallel
from gongkai.applyform import application_form, form_docx
from gongkai.buildcache import BuildCache, describe
from gongkai.model import Catalog, Column, Document, Organization

from .index import DocumentIndex, newest_first
from .structure import (ApplyBox, ApplyFormPage, ColumnPage, Crumb, DirectoryPage, GuidePage,
                        OrganizationHome, Overview, Pager, SectionHome, SiteMap, TreeNode)

# Path segments the section uses itself; a column or 发布主体 id may not take them.
# The 目录's view of the 规章 and 行政规范性文件 in force (现行有效): mulu/xxyx/ beside the year pages.
CURRENT_DIR = "xxyx"
RULE_KINDS = ("规章", "行政规范性文件")
RESERVED_IDS = {"mulu", "page", "wzdt", "sqb"}
FORM_DIR = "sqb"  # 政府信息公开申请表 of a 发布主体: xxgk/<发布主体>/sqb/
LATEST_COUNT = 10


class SectionLayout:
    """Where every page of the section lives: source paths and URLs, known from the catalog alone.

    URLs depend only on the catalog, so feature plugins can link to them from the core's on_config on.
    """

    def __init__(self, config: MkDocsConfig, catalog: Catalog, section: str, title: str):
        self.config, self.catalog, self.section, self.title = config, catalog, section, title
        self.home_url: str | None = None  # the site's home page, once the files are known
        self._columns: dict[tuple[str, str | None], str] = {}
        for org in [None, *catalog.organizations.values()]:
            for column in catalog.walk():
                if org is None or column.applies(org):
                    self._columns[(column.id, org.id if org else None)] = self.url(self.src(
                        org.id if org else "", column.path))
        self._orgs = {o.id: self.url(self.src(o.id)) for o in catalog.organizations.values()}
        self.section_url = self.url(self.src())

    def src(self, *parts: str) -> str:
        """Source path of a generated page below the section: ``xxgk/<parts>/index.md``."""
        return "/".join([self.section, *[p for p in parts if p], "index.md"])

    def column_dir(self, column: Column, org: Organization | None = None) -> str:
        """Source folder of a column's pages, for a feature plugin that puts pages inside the column."""
        return "/".join([self.section, *([org.id] if org else []), column.path])

    def url(self, src_uri: str) -> str:
        """The URL MkDocs will give a page at src_uri, known before the page's File is created."""
        return File(src_uri, src_dir=None, dest_dir=self.config.site_dir,
                    use_directory_urls=self.config.use_directory_urls).url

    def column_url(self, column: Column, org: Organization | None = None) -> str:
        return self._columns[(column.id, org.id if org else None)]

    def org_url(self, org: Organization) -> str:
        return self._orgs[org.id]

    def form_url(self, org: Organization) -> str:
        """The 发布主体's 政府信息公开申请表 page."""
        return self.url(self.src(org.id, FORM_DIR))

    def apply_box(self, org: Organization | None) -> ApplyBox:
        """Where a visitor finds the 指南, the 申请表 and the 依申请公开 procedure (for one 发布主体 or the site)."""
        def first(kind):
            return next((c for c in self.catalog.walk() if c.kind == kind and (org is None or c.applies(org))), None)
        guide, procedure = first("指南"), first("依申请公开")
        section = self.url(self.src(org.id if org else ""))
        guide_url = self.column_url(guide, org) if guide else section
        procedure_url = self.column_url(procedure, org) if procedure else guide_url
        form_url = self.form_url(org) if org else procedure_url
        return ApplyBox(guide_url, form_url, procedure_url, org)

    def crumbs(self, column: Column | None = None, org: Organization | None = None) -> list[Crumb]:
        """Breadcrumbs down to a 发布主体's home and a column (inclusive)."""
        trail = [Crumb("首页", self.home_url)] if self.home_url is not None else []
        trail.append(Crumb(self.title, self.section_url))
        if org is not None:
            trail.append(Crumb(org.name, self.org_url(org)))
        if column is not None:
            trail += [Crumb(c.name, self.column_url(c, org)) for c in column.lineage]
        return trail


class SectionPages:
    """Generates the section's pages (home, 发布主体 homes, column pages, 指南, 目录, 网站地图) as structure objects.

    ``add`` creates the page's File and registers its structure with the core; ``cache``, the build cache, keeps
    the DOCX forms between builds.
    """

    def __init__(self, layout: SectionLayout, index: DocumentIndex, add: Callable[..., File],
                 page_size: int, directory_page_size: int, overview_size: int, cache: BuildCache | None = None,
                 workers: int = 1):
        self.layout, self.index, self.add, self.cache, self.workers = layout, index, add, cache, workers
        self._forms: dict[str, tuple] = {}
        self.catalog = layout.catalog
        self.page_size, self.directory_page_size, self.overview_size = page_size, directory_page_size, overview_size
        self._rules: dict[str, list[Document] | None] = {}

    def generate(self) -> None:
        catalog, layout = self.catalog, self.layout
        latest = sorted(self.index.documents, key=newest_first, reverse=True)[:LATEST_COUNT]
        directory_root = layout.url(layout.src("mulu"))
        groups = defaultdict(list)
        for org in catalog.organizations.values():
            groups[org.kind].append((org, layout.org_url(org), len(self.index.of(org))))
        base = layout.crumbs()
        self.add(layout.src(), SectionHome(layout.src(), layout.section_url, layout.title, base[:-1],
                                           tree=self.tree(None), organizations=list(groups.items()),
                                           latest=latest, directory_url=directory_root,
                                           apply=layout.apply_box(None)))
        self.add("wzdt/index.md", SiteMap("wzdt/index.md", layout.url("wzdt/index.md"), "网站地图", base[:-1],
                                          tree=self.tree(None),
                                          organizations=[(o, layout.org_url(o)) for o in catalog.organizations.values()]))
        self._forms = self.forms(list(catalog.organizations.values()))
        for org in [None, *catalog.organizations.values()]:
            if org is not None:
                src = layout.src(org.id)
                mine = sorted(self.index.of(org), key=newest_first, reverse=True)[:LATEST_COUNT]
                self.add(src, OrganizationHome(
                    src, layout.org_url(org), f"{org.name}信息公开", layout.crumbs(org=org)[:-1], organization=org,
                    tree=self.tree(org), children=[(c, layout.org_url(c)) for c in catalog.children_of(org)],
                    latest=mine, directory_url=layout.url(layout.src(org.id, "mulu")), apply=layout.apply_box(org)))
                self.form_pages(org)
            for column in catalog.walk():
                if org is None or column.applies(org):
                    self.column_pages(column, org)
            self.directory_pages(org)

    def rules(self, org: Organization | None) -> list[Document] | None:
        """The 发布主体's (or the site's) 规章 and 行政规范性文件 in force, newest first; None when it publishes
        none at all (then its 目录 has no 现行有效 view). Counted once per 发布主体."""
        key = org.id if org else ""
        if key not in self._rules:
            mine = [d for d in self.index.of(org) if d.kind in RULE_KINDS]
            self._rules[key] = sorted((d for d in mine if d.in_force), key=lambda d: (d.written, d.index_number),
                                      reverse=True) if mine else None
        return self._rules[key]

    def tree(self, org: Organization | None) -> list[TreeNode]:
        def node(column):
            return TreeNode(column, self.layout.column_url(column, org), self.index.count(column, org),
                            [node(c) for c in column.children if org is None or c.applies(org)],
                            empty_reason=column.empty_reasons.get(org.id, "") if org else "")
        return [node(c) for c in self.catalog.roots if org is None or c.applies(org)]

    def paginated(self, parts: list[str], total: int, size: int) -> list[tuple[str, str]]:
        """(src, url) of each page of a list of ``total`` items."""
        count = max(1, -(-total // size))
        srcs = [self.layout.src(*parts, *([] if n == 1 else ["page", str(n)])) for n in range(1, count + 1)]
        return [(src, self.layout.url(src)) for src in srcs]

    def column_pages(self, column: Column, org: Organization | None) -> None:
        layout, index = self.layout, self.index
        docs = index.in_column(column, org)
        title = column.name if org is None else f"{column.name} - {org.name}"
        crumbs = layout.crumbs(column, org)[:-1]
        common = dict(column=column, organization=org, site_wide_url=layout.column_url(column))
        applicable = [o for o in self.catalog.organizations.values() if column.applies(o)]
        if org is None:
            common["by_organization"] = [(o, layout.column_url(column, o), index.count(column, o))
                                         for o in applicable]
        common["subcolumns"] = [
            Overview(c, layout.column_url(c, org), index.count(c, org),
                     index.in_subtree(c, org)[:self.overview_size])
            for c in column.children if org is None or c.applies(org)]
        if org is not None:
            common["empty_reason"] = column.empty_reasons.get(org.id, "")
        elif applicable and all(o.id in column.empty_reasons for o in applicable):
            # site-wide: explained only when every 发布主体 it applies to has said why it has nothing
            common["empty_reason"] = "；".join(f"{o.label}：{column.empty_reasons[o.id]}" for o in applicable)
        if column.kind == "依申请公开":
            common["apply"] = layout.apply_box(org)
            if org is None:
                common["forms"] = [(o, layout.apply_box(o)) for o in applicable]
        parts = [org.id if org else "", column.path]
        if column.document_kind in RULE_KINDS and self.rules(org) is not None:
            common["current"] = (layout.url(layout.src(org.id if org else "", "mulu", CURRENT_DIR)),
                                 len(self.rules(org)))
        if column.kind == "指南":
            src = layout.src(*parts)
            guides = [(o, layout.column_url(column, o)) for o in applicable] if org is None else []
            self.add(src, GuidePage(src, layout.url(src), title, crumbs, documents=docs, guides=guides,
                                    tree=self.tree(org) if org else [], apply=layout.apply_box(org) if org else None,
                                    directory_url=layout.url(layout.src(org.id if org else "", "mulu")), **common))
            return
        size = self.page_size
        pages = self.paginated(parts, len(docs), size)
        urls = [url for _, url in pages]
        for number, (src, url) in enumerate(pages, start=1):
            self.add(src, ColumnPage(src, url, title if number == 1 else f"{title}（第{number}页）", crumbs,
                                     documents=docs[(number - 1) * size:number * size],
                                     pager=Pager(number, urls, len(docs)), **common))

    def form_pages(self, org: Organization) -> None:
        """The 政府信息公开申请表: a printable page and the same form as DOCX, made now from the 指南 data."""
        layout = self.layout
        form, content = self._forms[org.id]
        src = layout.src(org.id, FORM_DIR)
        docx = self.add(f"{layout.section}/{org.id}/{FORM_DIR}/{org.id}-zfxxgk-sqb.docx", None, content)
        self.add(src, ApplyFormPage(src, layout.url(src), form.title, layout.crumbs(org=org), form=form,
                                    docx_url=docx.url, apply=layout.apply_box(org)))

    def forms(self, orgs: list[Organization]) -> dict[str, tuple]:
        """Each 发布主体's 申请表 and its DOCX (id → (form, bytes)); the DOCX not in the build cache are made in
        ``workers`` processes (python-docx takes some 60 ms a form)."""
        forms = [application_form(org) for org in orgs]
        keys = [self.cache.key("docx", describe(form)) if self.cache else None for form in forms]
        made = [self.cache.get("docx", key, lambda value: isinstance(value, bytes)) if key else None for key in keys]
        todo = [i for i, content in enumerate(made) if content is None]
        for i, content in zip(todo, parallel.map_ordered(lambda i: form_docx(forms[i]), todo, workers=self.workers,
                                                         name=lambda i: orgs[i].id, min_items=8)):
            made[i] = content
            if keys[i] is not None:
                self.cache.put("docx", keys[i], content)
        return {org.id: (form, content) for org, form, content in zip(orgs, forms, made)}

    def directory_pages(self, org: Organization | None) -> None:
        """政府信息公开目录: an index of years, then each year's items paginated."""
        layout = self.layout
        org_id = org.id if org else ""
        by_year: dict[int, list[Document]] = defaultdict(list)
        for doc in self.index.of(org):
            by_year[doc.written.year].append(doc)
        size = self.directory_page_size
        name = "政府信息公开目录" + (f" - {org.name}" if org else "")
        index_src = layout.src(org_id, "mulu")
        year_pages = {year: self.paginated([org_id, "mulu", str(year)], len(by_year[year]), size)
                      for year in sorted(by_year, reverse=True)}
        years = [(year, pages[0][1], len(by_year[year])) for year, pages in year_pages.items()]
        crumbs = layout.crumbs(org=org)
        items_of = {year: sorted(by_year[year], key=lambda d: (d.written, d.index_number), reverse=True)
                    for year in year_pages}
        newest = next(iter(year_pages), None)
        # The 目录's own address opens on the newest year rather than on an empty "choose a year".
        opening = {} if newest is None else dict(
            year=newest, documents=items_of[newest][:size],
            pager=Pager(1, [url for _, url in year_pages[newest]], len(items_of[newest])))
        # 有效性 filter: the 规章 and 行政规范性文件 in force today, all years — what a citizen looking for the rules
        # that apply to them wants first (docs/public-site.md); the year pages keep everything published.
        rules = self.rules(org) or []
        current_pages = self.paginated([org_id, "mulu", CURRENT_DIR], len(rules), size) \
            if self.rules(org) is not None else []
        current = (current_pages[0][1], len(rules)) if current_pages else None
        self.add(index_src, DirectoryPage(index_src, layout.url(index_src), name, crumbs, organization=org,
                                          years=years, current=current, **opening))
        crumbs = crumbs + [Crumb("政府信息公开目录", layout.url(index_src))]

        def paged(pages, items, label, **view):
            """One 目录 page per ``size`` items, titled ``name（label，第N页）``."""
            urls = [url for _, url in pages]
            for number, (src, url) in enumerate(pages, start=1):
                self.add(src, DirectoryPage(
                    src, url, f"{name}（{label}" + (f"，第{number}页）" if number > 1 else "）"),
                    crumbs, organization=org, years=years, current=current,
                    documents=items[(number - 1) * size:number * size], pager=Pager(number, urls, len(items)), **view))

        paged(current_pages, rules, "现行有效的规章和行政规范性文件", current_view=True)
        for year, pages in year_pages.items():
            paged(pages, items_of[year], f"{year}年", year=year)
