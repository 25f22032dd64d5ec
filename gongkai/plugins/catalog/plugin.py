"""The core plugin: the 主动公开基本目录 drives the column tree, and every document is placed in it."""

from __future__ import annotations

import logging
from collections import defaultdict
from pathlib import Path
from types import SimpleNamespace
from typing import Callable, Iterable

import os

import jinja2
import markdown
import material.templates as material_templates
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gongkai import templating
from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader
from gongkai.errors import InputError, Problems
from gongkai.model import Catalog, Column, Document, Organization
from gongkai.safety import ACTIVE_FILE_SUFFIXES, active_content, active_file_content, report_active_content

from .config import CatalogConfig
from .structure import (ColumnPage, Crumb, DirectoryPage, GeneratedPage, GuidePage, OrganizationHome, Overview,
                        Pager, SectionHome, SiteMap, TreeNode)

log = logging.getLogger("mkdocs.plugins.gongkai")

PACKAGE_DIR = Path(__file__).resolve().parents[2]
TEMPLATES_DIR = PACKAGE_DIR / "templates"
ASSETS_DIR = PACKAGE_DIR / "assets"
ASSETS = {"css": ["assets/gongkai/gongkai.css"], "js": ["assets/gongkai/gongkai.js"]}
# Path segments the section uses itself; a column or 发布主体 id may not take them.
RESERVED_IDS = {"mulu", "page", "wzdt"}
LATEST_COUNT = 10


def newest_first(doc: Document):
    return doc.sort_key


class TemplateView:
    """What every template sees as ``gongkai``: the site identity and the section's entry points."""

    def __init__(self, catalog: Catalog, section_url: str, sitemap_url: str, directory_url: str,
                 column_urls: dict[str, str], latest: list[Document]):
        self.catalog = catalog
        self.site = catalog.site
        self.section_url = section_url
        self.sitemap_url = sitemap_url
        self.directory_url = directory_url
        self.column_urls = column_urls  # column id → site-wide page
        self.latest = latest
        self.nav_cache = NavCache()


class NavCache:
    """Renders the nav once per distinct position instead of once per page.

    mkdocs-material renders the whole nav into every page. A page outside the nav (every document, every
    per-发布主体 page) has no active item, so its nav differs from another's only through relative URLs, which
    depend only on the page's depth and on the longest prefix of its path that leads towards a nav entry.
    """

    def __init__(self):
        self.prefixes: set[tuple[str, ...]] = {()}
        self.in_nav: set[str] = set()
        self.html: dict[tuple, str] = {}

    def reset(self, nav) -> None:
        self.prefixes, self.html = {()}, {}
        self.in_nav = {p.file.src_uri for p in nav.pages}
        for p in nav.pages:
            parts = tuple(s for s in p.url.split("/") if s)
            for i in range(1, len(parts) + 1):
                self.prefixes.add(parts[:i])

    def key(self, page) -> tuple | None:
        if page is None or page.file.src_uri in self.in_nav or page.meta.get("hide"):
            return None
        parts = tuple(s for s in page.url.split("/") if s)
        k = len(parts)
        while parts[:k] not in self.prefixes:
            k -= 1
        return len(parts), parts[:k]

    def __call__(self, page, caller):
        key = self.key(page)
        if key is None:
            return caller()
        if key not in self.html:
            self.html[key] = caller()
        return self.html[key]


class CatalogPlugin(BasePlugin[CatalogConfig]):
    """Loads the catalog and the documents, and generates the 政府信息公开 section from them."""

    supports_multiple_instances = False

    def __init__(self):
        self.catalog: Catalog | None = None
        self.documents: list[Document] = []
        self.problems = Problems()
        self.extra_fields: dict[str, str] = {}
        self.sorters: dict[str, Callable[[Document], object]] = {}
        self.document_partials: list[str] = []
        self._docs_by_src: dict[str, Document] = {}
        self._by_id: dict[str, Document] = {}
        self._by_index: dict[str, Document] = {}
        self._generated: dict[str, GeneratedPage] = {}
        self._neighbours: dict[str, tuple[Document | None, Document | None]] = {}
        self._crumbs: dict[str, list[Crumb]] = {}
        self._column_urls: dict[tuple[str, str | None], str] = {}
        self._org_urls: dict[str, str] = {}
        self.section_url = ""
        self.page_problems = Problems()  # found while pages render, after on_files; reported in on_env
        self._markdown: markdown.Markdown | None = None
        self._mkdocs_config: MkDocsConfig | None = None

    # ---- API for feature plugins (docs/architecture.md) -------------------------------------------------

    def declare_fields(self, owner: str, names: Iterable[str]) -> None:
        for name in names:
            self.extra_fields[name] = owner

    def add_document(self, doc: Document, file: File) -> None:
        self.documents.append(doc)
        self._docs_by_src[file.src_uri] = doc
        self._by_id[doc.id] = doc
        self._by_index[doc.index_number] = doc
        doc.url = file.url

    def doc_for_page(self, page: Page) -> Document | None:
        return self._docs_by_src.get(page.file.src_uri)

    def document_by_id(self, doc_id: str) -> Document | None:
        return self._by_id.get(doc_id)

    def document_by_index(self, index_number: str) -> Document | None:
        return self._by_index.get(index_number)

    def url_of(self, doc: Document) -> str:
        return doc.url

    def org_url(self, org: Organization) -> str:
        """Site-relative URL of a 发布主体's 信息公开 home."""
        return self._org_urls[org.id]

    def column_url(self, column: Column, org: Organization | None = None) -> str:
        """Site-relative URL of a column's first page, for one 发布主体 or site-wide."""
        return self._column_urls[(column.id, org.id if org else None)]

    def render_markdown(self, text: str) -> Markup:
        """HTML of a Markdown field (单页 正文, 起草说明), with the site's Markdown extensions."""
        if self._markdown is None:
            config = self._mkdocs_config
            self._markdown = markdown.Markdown(extensions=config.markdown_extensions,
                                               extension_configs=config.mdx_configs or {})
        return Markup(self._markdown.reset().convert(text))

    def check_markdown(self, text: str, file: str, *, field: str, line: int | None = None,
                       problems: Problems | None = None) -> None:
        """Record active content in a Markdown field that a template renders (call in on_files). ``file`` is
        relative to mkdocs.yml, ``line`` the field's line: the message names the line of the finding itself."""
        found = active_content(self.render_markdown(text), allow=self.config.allow_active_content)
        if found:
            path = Path(self._mkdocs_config.config_file_path).parent / file
            try:
                source = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                source = ""
            report_active_content(self.problems if problems is None else problems, found, file, field=field,
                                  source=source, start=line or 1, line=line)

    # ---- configuration -----------------------------------------------------------------------------------

    def on_config(self, config: MkDocsConfig):
        if not self.config.enabled:
            return
        self.__init__()  # mkdocs serve reuses the instance across rebuilds
        self._mkdocs_config = config
        root = Path(config.config_file_path).parent
        try:
            self.catalog = load_catalog(root / self.config.catalog_dir, display_root=root)
        except InputError as exc:
            raise PluginError("主动公开基本目录有误：\n" + str(exc)) from None
        clashes = [c for c in self.catalog.columns if c in RESERVED_IDS] + \
                  [o for o in self.catalog.organizations if o in RESERVED_IDS]
        if clashes:
            raise PluginError(f"{self.config.catalog_dir}: id {'、'.join(clashes)} 是保留字（{'、'.join(sorted(RESERVED_IDS))}），"
                              "请改用其他 id")
        # Our templates come after the site's custom_dir, so a site can override any of them.
        dirs = config.theme.dirs
        if str(TEMPLATES_DIR) not in dirs:
            dirs.insert(1 if config.theme.custom_dir else 0, str(TEMPLATES_DIR))
        for path in ASSETS["css"]:
            if path not in config.extra_css:
                config.extra_css.append(path)
        for path in ASSETS["js"]:
            if path not in [str(s) for s in config.extra_javascript]:
                config.extra_javascript.append(path)
        # Page URLs depend only on the catalog, so feature plugins can link to them from on_config on.
        for org in [None, *self.catalog.organizations.values()]:
            for column in self.catalog.walk():
                if org is None or column.applies(org):
                    src = self._src(org.id if org else "", column.path)
                    self._column_urls[(column.id, org.id if org else None)] = self._url(config, src)
        self._org_urls = {o.id: self._url(config, self._src(o.id)) for o in self.catalog.organizations.values()}
        self.section_url = self._url(config, self._src())
        config.nav = self._navigation(config.nav)
        # Documents are kept out of the nav on purpose; listing each of them at every build is noise.
        config.validation.nav.omitted_files = logging.DEBUG
        return config

    def _navigation(self, nav):
        """The column tree in the nav — never one entry per document, which would make the build quadratic."""
        section = self.config.section

        def entry(column: Column):
            src = f"{section}/{column.path}/index.md"
            name = templating.text(column.name)  # mkdocs-material prints nav titles as HTML
            if not column.children:
                return {name: src}
            return {name: [src] + [entry(child) for child in column.children]}

        subtree = {templating.text(self.config.section_title): [f"{section}/index.md"]
                   + [entry(c) for c in self.catalog.roots]
                   + [{"政府信息公开目录": f"{section}/mulu/index.md"}]}
        if not nav:
            return ["index.md", subtree]

        def replace(items):
            out, found = [], False
            for item in items:
                if isinstance(item, dict):
                    (title, value), = item.items()
                    if isinstance(value, str) and value.strip("/") == section:
                        out.append(subtree)
                        found = True
                        continue
                    if isinstance(value, list):
                        value, inner = replace(value)
                        found |= inner
                        item = {title: value}
                elif isinstance(item, str) and item.strip("/") == section:
                    out.append(subtree)
                    found = True
                    continue
                out.append(item)
            return out, found

        items, found = replace(nav)
        return items if found else items + [subtree]

    # ---- files: load documents early, generate pages late --------------------------------------------------

    @event_priority(50)
    def _load_documents(self, files: Files, config: MkDocsConfig):
        if not self.config.enabled:
            return files
        prefix = self.config.documents_dir.strip("/") + "/"
        loader = DocumentLoader(self.catalog, self.problems, self.extra_fields)
        root = Path(config.config_file_path).parent
        docs_dir = Path(config.docs_dir)
        rejected = []
        for file in list(files.documentation_pages()):
            if not file.src_uri.startswith(prefix):
                continue
            try:
                display = str((docs_dir / file.src_uri).relative_to(root))
            except ValueError:
                display = file.src_uri
            doc = loader.load(file.content_string, file.src_uri, display)
            if doc is None:
                rejected.append(display)
                files.remove(file)  # never publish raw metadata; the build names the file below
                continue
            for attachment in doc.attachments:
                if files.get_file_from_path(attachment.path) is None:
                    source, line = doc.where("附件")
                    self.problems.add(source, f"附件文件“{attachment.path}”不存在", line=line, field="附件",
                                      fix="把附件文件放到该路径，或改正“文件”路径（相对于本文件）")
            self.add_document(doc, file)
        if rejected:
            self.problems.add(self.config.documents_dir, f"以下 {len(rejected)} 个文件未能发布：{'、'.join(rejected)}",
                              fix="按上面的提示逐一修改")
        return files

    def _check_active_files(self, files: Files, config: MkDocsConfig, problems: Problems) -> None:
        """An SVG or HTML file in docs_dir is published as it is and runs its scripts when opened on its own."""
        root, docs_dir = Path(config.config_file_path).parent, Path(config.docs_dir).resolve()
        for file in files:
            if file.is_documentation_page() or not file.abs_src_path \
                    or Path(file.src_uri).suffix.lower() not in ACTIVE_FILE_SUFFIXES:
                continue
            path = Path(file.abs_src_path)
            if not path.resolve().is_relative_to(docs_dir):
                continue  # the theme's and gongkai's own files
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue  # unreadable files are reported where files are checked
            found = active_file_content(text, allow=self.config.allow_active_content)
            if found:
                try:
                    display = path.relative_to(root).as_posix()
                except ValueError:
                    display = file.src_uri
                report_active_content(problems, found, display, field=None, source=text)

    @event_priority(-50)
    def _generate(self, files: Files, config: MkDocsConfig):
        if not self.config.enabled:
            return files
        self._report_problems(config)
        self._add_assets(files, config)
        self._build_indexes()
        self._generate_pages(files, config)
        return files

    on_files = CombinedEvent(_load_documents, _generate)

    def _report_problems(self, config: MkDocsConfig, problems: Problems | None = None) -> None:
        # Warnings are findings for the editors, not build failures: MkDocs' --strict would turn a log warning
        # into a failed build, so they are logged at INFO level.
        problems = self.problems if problems is None else problems
        for problem in problems.warnings:
            log.info(f"警告：{problem}")
        errors = problems.errors
        if not errors:
            return
        message = f"发现 {len(errors)} 个错误：\n" + "\n".join(f"  {p}" for p in errors)
        if config.strict:
            raise PluginError(message)
        log.error(message)

    def _add_assets(self, files: Files, config: MkDocsConfig) -> None:
        for path in ASSETS_DIR.rglob("*"):
            if path.is_file():
                src_uri = path.relative_to(ASSETS_DIR).as_posix()
                src_uri = f"assets/{src_uri}"
                if files.get_file_from_path(src_uri) is None:
                    files.append(File.generated(config, src_uri, abs_src_path=str(path)))

    def _build_indexes(self) -> None:
        """Per column × 发布主体 lists, subtree lists for overviews, and prev/next within a column."""
        direct: dict[tuple[str, str | None], list[Document]] = defaultdict(list)
        subtree: dict[tuple[str, str | None], dict[str, Document]] = defaultdict(dict)
        for doc in self.documents:
            for col_id in doc.column_ids:
                direct[(col_id, doc.publisher_id)].append(doc)
                direct[(col_id, None)].append(doc)
                for ancestor in self.catalog.columns[col_id].lineage:
                    subtree[(ancestor.id, doc.publisher_id)][doc.src_path] = doc
                    subtree[(ancestor.id, None)][doc.src_path] = doc
        self._direct = {}
        for key, docs in direct.items():
            column = self.catalog.columns[key[0]]
            sorter = self.sorters.get(column.kind, newest_first)
            self._direct[key] = sorted(docs, key=sorter, reverse=sorter is newest_first)
        self._subtree = {k: sorted(v.values(), key=newest_first, reverse=True) for k, v in subtree.items()}
        self._by_org: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            self._by_org[doc.publisher_id].append(doc)
        for col_id, org_id in self._direct:
            if org_id is None:
                continue
            siblings = self._direct[(col_id, org_id)]
            for i, doc in enumerate(siblings):
                if doc.column_id == col_id:
                    self._neighbours[doc.src_path] = (siblings[i - 1] if i > 0 else None,
                                                      siblings[i + 1] if i + 1 < len(siblings) else None)

    def count(self, column: Column, org: Organization | None) -> int:
        return len(self._subtree.get((column.id, org.id if org else None), ()))

    # ---- page generation ------------------------------------------------------------------------------------

    def _add_page(self, files: Files, config: MkDocsConfig, src_uri: str) -> File:
        file = File.generated(config, src_uri, content="")
        files.append(file)
        return file

    @staticmethod
    def _url(config: MkDocsConfig, src_uri: str) -> str:
        """The URL MkDocs will give a page at src_uri, known before the page's File is created."""
        return File(src_uri, src_dir=None, dest_dir=config.site_dir,
                    use_directory_urls=config.use_directory_urls).url

    def _src(self, *parts: str) -> str:
        return "/".join([self.config.section, *[p for p in parts if p], "index.md"])

    def _generate_pages(self, files: Files, config: MkDocsConfig) -> None:
        catalog, section = self.catalog, self.config.section
        home_url = "" if files.get_file_from_path("index.md") else None
        scopes: list[Organization | None] = [None, *catalog.organizations.values()]
        section_file = self._add_page(files, config, self._src())
        sitemap_file = self._add_page(files, config, "wzdt/index.md")
        directory_root = self._url(config, self._src("mulu"))
        latest = sorted(self.documents, key=newest_first, reverse=True)[:LATEST_COUNT]
        self.view = TemplateView(catalog, section_file.url, sitemap_file.url, directory_root,
                                 {c.id: self.column_url(c) for c in catalog.walk()}, latest)

        base = ([Crumb("首页", home_url)] if home_url is not None else []) + [Crumb(self.config.section_title,
                                                                                        section_file.url)]
        org_urls = self._org_urls

        def org_crumbs(org):
            return base + ([Crumb(org.name, org_urls[org.id])] if org else [])

        def column_crumbs(column, org):
            return org_crumbs(org) + [Crumb(c.name, self.column_url(c, org)) for c in column.lineage]

        def tree(org):
            def node(column):
                return TreeNode(column, self.column_url(column, org), self.count(column, org),
                                [node(c) for c in column.children if org is None or c.applies(org)])
            return [node(c) for c in catalog.roots if org is None or c.applies(org)]

        # 政府信息公开 home and the 发布主体 directory.
        groups = defaultdict(list)
        for org in catalog.organizations.values():
            groups[org.kind].append((org, org_urls[org.id], len(self._docs_of(org))))
        self._register(SectionHome(section_file.src_uri, section_file.url, self.config.section_title, base[:-1],
                                   tree=tree(None), organizations=list(groups.items()), latest=latest,
                                   directory_url=directory_root))
        self._register(SiteMap(sitemap_file.src_uri, sitemap_file.url, "网站地图", base[:-1], tree=tree(None),
                               organizations=[(o, org_urls[o.id]) for o in catalog.organizations.values()]))

        for org in scopes:
            org_id = org.id if org else None
            if org is not None:
                file = self._add_page(files, config, self._src(org.id))
                mine = self._docs_of(org)
                self._register(OrganizationHome(
                    file.src_uri, file.url, f"{org.name}信息公开", org_crumbs(org)[:-1], organization=org,
                    tree=tree(org), children=[(c, org_urls[c.id]) for c in catalog.children_of(org)],
                    latest=sorted(mine, key=newest_first, reverse=True)[:LATEST_COUNT],
                    directory_url=self._url(config, self._src(org.id, "mulu"))))
            for column in catalog.walk():
                if org is not None and not column.applies(org):
                    continue
                self._column_pages(files, config, column, org, column_crumbs(column, org), tree)
            self._directory_pages(files, config, org, org_crumbs(org))

        for doc in self.documents:
            column = catalog.columns[doc.column_id]
            self._crumbs[doc.src_path] = column_crumbs(column, catalog.organizations[doc.publisher_id])

    def _docs_of(self, org: Organization) -> list[Document]:
        return self._by_org.get(org.id, [])

    def _register(self, page: GeneratedPage) -> None:
        self._generated[page.src_uri] = page

    def _paginate(self, files, config, parts: list[str], total: int, size: int) -> list[File]:
        count = max(1, -(-total // size))
        return [self._add_page(files, config, self._src(*parts, *([] if n == 1 else ["page", str(n)])))
                for n in range(1, count + 1)]

    def _column_pages(self, files, config, column: Column, org, crumbs, tree) -> None:
        org_id = org.id if org else None
        docs = self._direct.get((column.id, org_id), [])
        title = column.name if org is None else f"{column.name} - {org.name}"
        common = dict(column=column, organization=org, site_wide_url=self.column_url(column))
        if org is None:
            common["by_organization"] = [(o, self.column_url(column, o), self.count(column, o))
                                         for o in self.catalog.organizations.values()
                                         if column.applies(o)]
        common["subcolumns"] = [
            Overview(c, self.column_url(c, org), self.count(c, org),
                     self._subtree.get((c.id, org_id), [])[:self.config.overview_size])
            for c in column.children if org is None or c.applies(org)]
        if org is not None:
            common["empty_reason"] = column.empty_reasons.get(org.id, "")
        else:  # site-wide: explained only when every 发布主体 it applies to has said why it has nothing
            applicable = [o for o in self.catalog.organizations.values() if column.applies(o)]
            if applicable and all(o.id in column.empty_reasons for o in applicable):
                common["empty_reason"] = "；".join(f"{o.label}：{column.empty_reasons[o.id]}" for o in applicable)
        parts = [org_id or "", column.path]
        if column.kind == "指南":
            common["tree"] = tree(org) if org else []
            file = self._add_page(files, config, self._src(*parts))
            guides = [(o, self.column_url(column, o)) for o in self.catalog.organizations.values()
                      if column.applies(o)] if org is None else []
            directory = self._url(config, self._src(org_id or "", "mulu"))
            self._register(GuidePage(file.src_uri, file.url, title, crumbs[:-1], documents=docs, guides=guides,
                                     directory_url=directory, **common))
            return
        size = self.config.page_size
        pages = self._paginate(files, config, parts, len(docs), size)
        urls = [f.url for f in pages]
        for number, file in enumerate(pages, start=1):
            page_title = title if number == 1 else f"{title}（第{number}页）"
            self._register(ColumnPage(file.src_uri, file.url, page_title, crumbs[:-1],
                                      documents=docs[(number - 1) * size:number * size],
                                      pager=Pager(number, urls, len(docs)), **common))

    def _directory_pages(self, files, config, org, crumbs) -> None:
        """政府信息公开目录: an index of years, then each year's items paginated."""
        org_id = org.id if org else ""
        docs = self._docs_of(org) if org else self.documents
        by_year: dict[int, list[Document]] = defaultdict(list)
        for doc in docs:
            by_year[doc.written.year].append(doc)
        size = self.config.directory_page_size
        name = "政府信息公开目录" + (f" - {org.name}" if org else "")
        index = self._add_page(files, config, self._src(org_id, "mulu"))
        years = []
        year_files = {}
        for year in sorted(by_year, reverse=True):
            pages = self._paginate(files, config, [org_id, "mulu", str(year)], len(by_year[year]), size)
            year_files[year] = pages
            years.append((year, pages[0].url, len(by_year[year])))
        crumbs = crumbs + [Crumb("政府信息公开目录", index.url)]
        self._register(DirectoryPage(index.src_uri, index.url, name, crumbs[:-1], organization=org, years=years))
        for year, pages in year_files.items():
            items = sorted(by_year[year], key=lambda d: (d.written, d.index_number), reverse=True)
            urls = [f.url for f in pages]
            for number, file in enumerate(pages, start=1):
                self._register(DirectoryPage(
                    file.src_uri, file.url, f"{name}（{year}年" + (f"，第{number}页）" if number > 1 else "）"),
                    crumbs, organization=org, year=year, years=years,
                    documents=items[(number - 1) * size:number * size], pager=Pager(number, urls, len(items))))

    # ---- pages ----------------------------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig):
        src = page.file.src_uri
        doc = self._docs_by_src.get(src)
        if doc is not None:
            # The front matter was parsed once already; a leading newline keeps a body starting with '---'
            # from being read as metadata.
            return "\n" + doc.body
        if src in self._generated:
            return ""
        return None

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files):
        src = page.file.src_uri
        doc = self._docs_by_src.get(src)
        if doc is not None:
            page.meta = {"title": doc.title, "template": "gongkai/document.html", "description": doc.summary}
        elif src in self._generated:
            generated = self._generated[src]
            page.meta = {"title": generated.title, "template": generated.template, "search": {"exclude": True}}
        templating.escape_page_meta(page)
        return markdown

    @event_priority(100)  # before feature plugins add their own markup (征集 banner, 年报 toolbar)
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files):
        """A Markdown body may hold HTML, but nothing that runs in a visitor's browser (docs/security.md)."""
        found = active_content(html, allow=self.config.allow_active_content)
        if found:
            display, source, start = self._page_source(page, config)
            report_active_content(self.page_problems, found, display, field="正文", source=source, start=start)
        return html

    def _page_source(self, page: Page, config: MkDocsConfig) -> tuple[str, str, int]:
        """(file as messages name it, its text, line where the body starts) of a page, for precise messages."""
        root = Path(config.config_file_path).parent
        doc = self._docs_by_src.get(page.file.src_uri)
        path = root / doc.source if doc is not None and doc.source else (
            Path(page.file.abs_src_path) if page.file.abs_src_path else None)
        if path is None:
            return page.file.src_uri, "", 1
        try:
            display = path.relative_to(root).as_posix()
            source = path.read_text(encoding="utf-8-sig", errors="replace")
        except (ValueError, OSError):
            return page.file.src_uri, "", 1
        # A document's body follows its front matter: search for the line there only.
        start = source[:len(source) - len(doc.body)].count("\n") + 1 if doc and source.endswith(doc.body) else 1
        return display, source, start

    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        context["gongkai"] = self.view
        src = page.file.src_uri
        doc = self._docs_by_src.get(src)
        if doc is not None:
            context["document"] = doc
            context["publisher"] = self.catalog.organizations[doc.publisher_id]
            context["breadcrumbs"] = self._crumbs.get(doc.src_path, [])
            context["document_partials"] = self.document_partials
            previous, following = self._neighbours.get(doc.src_path, (None, None))
            page.previous_page = _link(previous)
            page.next_page = _link(following)
        elif src in self._generated:
            listing = self._generated[src]
            context["listing"] = listing
            context["breadcrumbs"] = listing.breadcrumbs
        return context

    def on_nav(self, nav, config: MkDocsConfig, files: Files):
        self.view.nav_cache.reset(nav)
        return nav

    def on_env(self, env, config: MkDocsConfig, files: Files):
        # Every page has rendered its Markdown by now and none is written yet: the last moment to stop. A 单页's
        # 正文 (Markdown rendered by its template) and files published as they are (SVG, HTML) are checked here,
        # with the bodies of pages, so that one build names them all.
        for column in self.catalog.walk():
            if column.body:
                source, _, line = column.source.rpartition(":")
                self.check_markdown(column.body, source, line=int(line), field=f"栏目 {column.id} · 正文",
                                    problems=self.page_problems)
        self._check_active_files(files, config, self.page_problems)
        self.problems.items += self.page_problems.items
        self._report_problems(config, self.page_problems)
        templating.configure(env)
        env.globals["gongkai"] = self.view
        # Expose mkdocs-material's own templates as "material/…", so that an override can wrap the original.
        env.loader = jinja2.ChoiceLoader([env.loader, jinja2.PrefixLoader(
            {"material": jinja2.FileSystemLoader(os.path.dirname(material_templates.__file__))})])
        env.filters["gk_markdown"] = self.render_markdown
        return env

    def on_serve(self, server, config: MkDocsConfig, builder):
        server.watch(str(Path(config.config_file_path).parent / self.config.catalog_dir))
        return server


def _link(doc: Document | None):
    """What mkdocs-material's footer needs of a neighbour: its url and title."""
    return SimpleNamespace(url=doc.url, title=templating.text(doc.title)) if doc else None

