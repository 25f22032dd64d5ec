"""The core plugin: the 主动公开基本目录 drives the column tree, and every document is placed in it.

The core's events carry explicit priorities so that the feature plugins (解读/征集, 年报, checks, search, feeds)
may be listed in any order in mkdocs.yml; docs/architecture.md has the whole event timeline.
"""

from __future__ import annotations

import inspect
import logging
from pathlib import Path
from types import SimpleNamespace
from typing import Iterable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import markdown
from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gongkai import deprecations, gcpolicy, parallel, templating, validity, versions
from gongkai.buildcache import BuildCache, tree_digest
from gongkai.catalog import load_catalog
from gongkai.clock import Clock
from gongkai.documents import DocumentLoader
from gongkai.documents_memo import DocumentMemo
from gongkai.errors import InputError, Problem, Problems
from gongkai.model import Catalog, Column, Document, Organization
from gongkai.mdlimits import deadline, guard_render
from gongkai.pagemeta import PageMeta
from gongkai.reporting import Reporter
from gongkai.safety import ACTIVE_FILE_SUFFIXES, active_content, active_file_content, report_active_content
from gongkai.sources import decode, site_root
from gongkai.stages import OnConfig, OnFiles, OnPageContent, OnPageContext, OnPostBuild, OnPostPage, at

from . import theme
from .caching import BuildCacheSession, NoCache, document_digest
from .carried import ANCHORS, Consumer, Inputs, page_state, restore_state
from .config import CatalogConfig
from .fragments import FragmentMemo
from .index import DocumentIndex, Sorter, newest_first
from .memory import PageRelease
from .model_ready import MODEL_READY, complete
from .navigation import NavCache, section_nav
from .pages import LATEST_COUNT, RESERVED_IDS, SectionLayout, SectionPages
from .progress import Progress
from .publishing import DOCUMENT_KEYS, SourceGuard, StagedOutput
from .replay import BuildRecord
from .rendering import SectionPage, SharedMarkdown, nav_sources
from .structure import Crumb, GeneratedPage

log = logging.getLogger("mkdocs.plugins.gongkai")

# Event stages: gongkai/stages.py (docs/architecture.md, "Event timeline"). Feature plugins run between the
# core's early and late stages, whatever their place in mkdocs.yml.
# Column kinds that get a tab of their own in the header (gongkai/partials/tabs.html).
TAB_KINDS = ("指南", "政策解读", "意见征集", "依申请公开")


class TemplateView:
    """What every template sees as ``gongkai``: the site identity and the section's entry points. What a page reads
    of it is recorded by the build cache, except the nav's renderer (the nav is part of every page's key)."""

    __untracked__ = ("nav_cache", "fragments")

    def __init__(self, catalog: Catalog, layout: SectionLayout, latest: list[Document]):
        self.catalog = catalog
        self.site = catalog.site
        self.section_url = layout.section_url
        self.sitemap_url = layout.url("wzdt/index.md")
        self.directory_url = layout.url(layout.src("mulu"))
        self.column_urls = {c.id: layout.column_url(c) for c in catalog.walk()}  # column id → site-wide page
        self.latest = latest  # the site's newest documents (the home pages' 最新公开)
        self.nav_cache = NavCache()
        self.fragments = FragmentMemo()  # material's blocks that depend on the page's depth only (fragments.py)
        self.home_url = layout.home_url
        self.apply = layout.apply_box(None)
        self.tabs = [Crumb("首页", layout.home_url)] if layout.home_url is not None else []
        self.tabs.append(Crumb(layout.title, layout.section_url))
        # The catalog's top-level columns a visitor looks for by name, then the 目录.
        self.tabs += [Crumb(c.name, layout.column_url(c)) for c in catalog.roots if c.kind in TAB_KINDS]
        self.tabs.append(Crumb("政府信息公开目录", self.directory_url))

    def current_tab(self, page) -> Crumb | None:
        """The tab whose address is the longest prefix of the page's (the home tab only on the home page)."""
        url = page.url if page is not None else None
        if url is None:
            return None
        best = None
        for tab in self.tabs:
            if (url == tab.url or (tab.url and url.startswith(tab.url))) and \
                    (best is None or len(tab.url) > len(best.url)):
                best = tab
        return best


class CatalogPlugin(BasePlugin[CatalogConfig]):
    """Loads the catalog and the documents, and generates the 政府信息公开 section from them."""

    supports_multiple_instances = False

    def __init__(self):
        self._reset()
        self.command: str | None = None  # set by MkDocs' own commands (on_startup)
        self._dirty = False
        # `gongkai check` collects every problem into its report instead of stopping the build.
        self.raise_on_errors = True

    def _reset(self) -> None:
        """Per-build state: MkDocs serve reuses the instance across rebuilds."""
        self.catalog: Catalog | None = None
        self.problems = Problems()
        if getattr(self, "reporter", None) is not None:  # mkdocs serve: the last build's, if it ended early
            self.reporter.close()
        self.reporter = Reporter(self.problems)  # the one Problem pipeline (gongkai/reporting.py)
        self.extra_fields: dict[str, str] = {}
        self.sorters: dict[str, Sorter] = {}
        self.document_partials: list[str] = []
        self.clock: Clock | None = None
        self.layout: SectionLayout | None = None
        self.index: DocumentIndex | None = None
        self.view: TemplateView | None = None
        self._assets: list[str] = list(theme.CORE_ASSETS)
        self._generated: dict[str, GeneratedPage] = {}
        self._version_files: dict[str, tuple[str, str]] = {}  # 历史版本 files: src → (url, display)
        self._versions: dict[str, versions.VersionPage] = {}
        self._crumbs: dict[str, list[Crumb]] = {}
        # A page's body as rendered, until its facts are noted: the key of its active-content verdict, and (a
        # document's) the files it links to.
        self._rendered: dict[str, tuple[str | None, list[str]]] = {}
        self._problem_count = 0  # problems when the last page was read or written (_quiet)
        self._guard: SourceGuard | None = None
        self._output: StagedOutput | None = None
        self._progress: Progress | None = None
        self._release: PageRelease | None = None  # made in on_env, when every plugin and hook is known
        self.page_problems = Problems()  # found while pages render, after on_files; reported in on_env
        self._page_meta = PageMeta(self.page_problems)  # front matter of pages that are not documents
        self._markdown: markdown.Markdown | None = None
        self._mkdocs_config: MkDocsConfig | None = None
        if getattr(self, "_cache", None) is not None:  # mkdocs serve: the last build's, if it ended early
            self._cache.close()
        self._cache: BuildCacheSession | NoCache = NoCache()
        self._replayed: BuildRecord | None = None
        self._carry_inputs: Inputs | None = None

    @property
    def active(self) -> bool:
        """Whether the core runs in this build; feature plugins do nothing without it."""
        return self.config.enabled and self.catalog is not None

    # ---- API for feature plugins (docs/architecture.md) -------------------------------------------------

    def declare_fields(self, owner: str, names: Iterable[str]) -> None:
        """Front-matter keys a feature plugin owns; kept in ``Document.extra``. Call in on_config."""
        for name in names:
            self.extra_fields[name] = owner

    def add_asset(self, url: str) -> None:
        """A stylesheet or script under gongkai/assets/ (``assets/<feature>/x.css``) to link on every page."""
        if url not in self._assets:
            self._assets.append(url)

    def add_document(self, doc: Document, file: File) -> None:
        """Register a document; its 发布主体 and columns are resolved here, once."""
        doc.url = file.url
        doc.publisher = self.catalog.organizations[doc.publisher_id]
        doc.columns = [self.catalog.columns[c] for c in doc.column_ids]
        self.index.add(doc)

    def relate(self, related) -> None:
        """Deprecated (0.2.0), does nothing: what a page shows of other documents is recorded while it renders."""
        deprecations.cache_declaration("relate")

    def carry_facts(self, name: str, content=None, output=None, reads: Iterable[str] | None = None,
                    forked=None) -> None:
        """In your on_config: your plugin keeps something per page. Give it for each page you process with
        ``page_fact``; for a page carried over from the last build, ``content(page, value)`` is called where its
        ``on_page_content`` would run and ``output(page, value)`` where its ``on_post_page`` would (carried.py).
        ``reads``: the kinds of the entries you keep that you read back there (each must be intact for the page to
        be carried); None, every kind you keep. ``forked()``: called in the process that shares MkDocs' page loop
        (split.py) before it makes a page: what your plugin keeps there only for its own verdict is never read
        (the build gets each page's fact) and need not be kept."""
        self._cache.register(Consumer(name, content, output, frozenset(reads) if reads is not None else None,
                                      forked))

    def page_fact(self, page: Page | str, name: str, value, keep: Iterable[tuple[str, str]] = ()) -> None:
        """What your plugin noted of ``page`` (or the page's ``src_uri``: a fact may come later, from a worker),
        a small JSON value, and the build cache entries (kind, key) it refers to: kept while the page is carried."""
        self._cache.page_fact(page, name, value, keep)

    def fingerprint(self, name: str, value, document: Document | None = None) -> None:
        """Deprecated (0.2.0), does nothing: what a page reads of a view object is recorded while it renders."""
        deprecations.cache_declaration("fingerprint")

    @property
    def build_cache(self) -> BuildCache | None:
        """The persistent build cache for a plugin's pure steps (keys from ``build_cache.key(...)``), or None."""
        return self._cache.store

    def add_page(self, files: Files, config: MkDocsConfig, src_uri: str, page: GeneratedPage | None = None,
                 content: str | bytes = "") -> File:
        """A generated file; with ``page``, a page the core renders with ``page.template`` and ``listing``."""
        file = File.generated(config, src_uri, content=content)
        files.append(file)
        if page is not None:
            self._generated[src_uri] = page
        return file

    @property
    def documents(self) -> list[Document]:
        return self.index.documents if self.index else []

    @property
    def as_of(self):
        """The build's date: every date-dependent status and finding is made for it."""
        return self.clock.as_of

    @property
    def now(self):
        return self.clock.now

    @property
    def section_url(self) -> str:
        return self.layout.section_url

    def doc_for_page(self, page: Page) -> Document | None:
        return self.index.by_src.get(page.file.src_uri) if self.index else None

    def version_for_page(self, page: Page) -> "versions.VersionPage | None":
        """The 历史版本 (an earlier text of a document) a page shows, or None."""
        return self._versions.get(page.file.src_uri)

    def document_by_id(self, doc_id: str) -> Document | None:
        return self.index.by_id.get(doc_id)

    def document_by_index(self, index_number: str) -> Document | None:
        return self.index.by_index.get(index_number)

    def url_of(self, doc: Document) -> str:
        return doc.url

    @property
    def published_dir(self) -> Path | None:
        """The site folder this build replaces (``site_dir`` as configured): during a staged build MkDocs'
        ``config.site_dir`` is the staging folder, so read what was published before from here."""
        if self._output is not None:
            return self._output.target
        return Path(self._mkdocs_config.site_dir) if self._mkdocs_config is not None else None

    @property
    def output_writer(self):
        """Writes an output file the build makes itself (``write(path, data)``), or None: a file whose bytes are
        the previous site's is linked from it at publication instead (publishing.py, unchanged.py)."""
        return self._output.unchanged if self._output is not None else None

    def output_file(self, config: MkDocsConfig, rel: str) -> Path | None:
        """The file holding what the build publishes at the site-relative ``rel`` so far, or None: an unchanged
        file is linked from the previous site only at publication, so read it through this."""
        if self._output is not None:
            return self._output.where(rel)
        path = Path(config.site_dir) / rel
        return path if path.is_file() else None

    def org_url(self, org: Organization) -> str:
        """Site-relative URL of a 发布主体's 信息公开 home."""
        return self.layout.org_url(org)

    def column_url(self, column: Column, org: Organization | None = None) -> str:
        """Site-relative URL of a column's first page, for one 发布主体 or site-wide."""
        return self.layout.column_url(column, org)

    def column_dir(self, column: Column, org: Organization | None = None) -> str:
        """Source folder of a column's pages, for pages a feature plugin places inside the column."""
        return self.layout.column_dir(column, org)

    def crumbs(self, column: Column | None = None, org: Organization | None = None) -> list[Crumb]:
        """Breadcrumbs down to a 发布主体 and a column (inclusive); complete from the core's late on_files."""
        return self.layout.crumbs(column, org)

    def render_markdown(self, text: str, where: tuple[str, str] = ("Markdown", "字段")) -> Markup:
        """HTML of a Markdown field (单页 正文, 起草说明), with the site's Markdown extensions; ``where`` (file,
        field) names it if it takes too long or nests too deep (gongkai/mdlimits.py)."""
        if self._markdown is None:
            config = self._mkdocs_config
            self._markdown = markdown.Markdown(extensions=config.markdown_extensions,
                                               extension_configs=config.mdx_configs or {})
        with deadline(self.config.markdown_time_limit, *where):
            return Markup(self._markdown.reset().convert(text))

    def check_markdown(self, text: str, file: str, *, field: str, line: int | None = None,
                       problems: Problems | None = None) -> None:
        """Record active content in a Markdown field that a template renders (call in on_files). ``file`` is
        relative to mkdocs.yml, ``line`` the field's line: the message names the line of the finding itself."""
        found = active_content(self.render_markdown(text, (file, field)), allow=self.config.allow_active_content)
        if found:
            path = site_root(self._mkdocs_config) / file
            try:
                source = path.read_text(encoding="utf-8-sig", errors="replace")
            except OSError:
                source = ""
            report_active_content(self.problems if problems is None else problems, found, file, field=field,
                                  source=source, start=line or 1, line=line)

    # ---- configuration -----------------------------------------------------------------------------------

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.command = command
        self._dirty = dirty

    def on_shutdown(self) -> None:
        # The command ends (MkDocs calls on_shutdown once, after its build or serve): also a build that never
        # reached its end (a tool that only loads the model).
        gcpolicy.leaving()

    @at(OnConfig.SETUP)
    def _setup(self, config: MkDocsConfig):
        self._reset()
        if not self.config.enabled:
            return config
        gcpolicy.begin_build()
        self._mkdocs_config = config
        self.reporter.start(config)
        root = site_root(config)
        # The previous release's clock settings (gongkai/interaction today/timezone, $GONGKAI_TODAY …), with warnings.
        as_of, tz_name, moved = deprecations.clock_settings(config, self.config.as_of, self.config.timezone,
                                                             CatalogConfig.timezone.default)
        self.problems.items.extend(moved)
        try:
            zone = ZoneInfo(tz_name)
        except (ZoneInfoNotFoundError, ValueError):
            raise PluginError(f"gongkai/catalog: timezone “{tz_name}”不是有效的时区名，"
                              "例如 Asia/Shanghai") from None
        try:
            self.clock = Clock.make(zone, as_of)
        except ValueError as exc:
            raise PluginError(f"gongkai/catalog: as_of {exc}") from None
        try:
            self.catalog = load_catalog(root / self.config.catalog_dir, display_root=root)
            self.problems.items.extend(self.catalog.warnings)
        except InputError as exc:
            raise PluginError("主动公开基本目录有误：\n" + str(exc)) from None
        clashes = [c for c in self.catalog.columns if c in RESERVED_IDS] + \
                  [o for o in self.catalog.organizations if o in RESERVED_IDS]
        if clashes:
            raise PluginError(f"{self.config.catalog_dir}: id {'、'.join(clashes)} 是保留字（{'、'.join(sorted(RESERVED_IDS))}），"
                              "请改用其他 id")
        theme.add_template_dir(config, theme.TEMPLATES_DIR)
        theme.add_template_dir(config, theme.FRAME_DIR)
        self.layout = SectionLayout(config, self.catalog, self.config.section, self.config.section_title)
        self.index = DocumentIndex(self.catalog)
        config.nav = section_nav(config.nav, self.config.section, self.config.section_title, self.catalog.roots)
        # Documents are kept out of the nav on purpose; listing each of them at every build is noise.
        config.validation.nav.omitted_files = logging.DEBUG
        self._guard = SourceGuard(root, Path(config.docs_dir), self.config.documents_dir, self.problems)
        # Staged only for `mkdocs build` / `gh-deploy`: a tool that runs the plugins without building (gongkai new,
        # report-prefill) must not leave a staging folder behind.
        if self.command in ("build", "gh-deploy") and self.raise_on_errors:
            self._output = StagedOutput(config)
        self._cache = BuildCacheSession.open(root / self.config.cache_dir, self.config.cache and self.raise_on_errors
                                             and self.command in ("build", "gh-deploy", "serve"),
                                             workers=parallel.workers_of(config))
        if self._output is not None:
            self._cache.watch(self._output.target, root / self.config.cache_dir)
        # The core's own per-page facts first: a carried page's metadata is back before any plugin sees it.
        self.carry_facts("core", self._carried_content, self._carried_output, reads=[ANCHORS])
        return config

    @at(OnConfig.CONFIGURED)
    def _finish_config(self, config: MkDocsConfig):
        if self.config.enabled:
            theme.place_assets(config, self._assets)
            self._cache.configure(config)
            if self._output is not None:
                record = self._cache.replayable(config, self.clock, site_root(config) / self.config.catalog_dir,
                                                self._output.target)
                if record is not None:
                    self._replay(config, record)
        return config

    # ---- an unchanged build: the last one replayed (replay.py) -------------------------------------------------

    def _replay(self, config: MkDocsConfig, record: BuildRecord) -> None:
        """Every input is the last build's and its site is as it left it: no plugin runs; the core reports what
        that build reported and leaves its site in place. MkDocs still runs its steps, on no file."""
        self._replayed = record
        for event in config.plugins.events:
            if event not in ("startup", "config", "shutdown", "serve", "build_error"):
                config.plugins.events[event] = []
        config.plugins.events["files"] = [self._replay_files]
        config.plugins.events["post_build"] = [self._replay_publish]
        config.nav = None  # its pages are not among the (no) files
        config.theme.static_templates = set()
        config.extra_templates = []

    def _replay_files(self, files: Files, config: MkDocsConfig) -> Files:
        return Files([])

    def _replay_publish(self, config: MkDocsConfig) -> None:
        record = self._replayed
        self._output.discard()
        self.reporter.replay([Problem(**p) for p in record.problems], record.external)
        self.reporter.finish(self.as_of, self.raise_on_errors)
        self._cache.keep_previous()
        self._cache = NoCache()
        gcpolicy.end_build()
        record.announce(self._output.target)
        log.info(f"发布 {record.documents} 件政府信息")

    on_config = CombinedEvent(_setup, _finish_config)

    # ---- files: load documents early, generate pages late --------------------------------------------------

    @at(OnFiles.LOAD)
    def _load_documents(self, files: Files, config: MkDocsConfig):
        if not self.active:
            return files
        self._guard.check(files)
        self._guard.check_editor_files(files, config, theme.ASSETS_DIR, self.config.allow_scripts)
        self.layout.home_url = "" if files.get_file_from_path("index.md") else None
        logo = self.catalog.site.logo
        if logo and files.get_file_from_path(logo) is None:
            self.problems.add(f"{self.config.catalog_dir}/site.yml", f"网站标志文件“{logo}”不存在", field="网站标志",
                              fix=f"把图片放到 {Path(config.docs_dir).name}/{logo}，或删去“网站标志”一行使用默认标志")
        prefix = self.config.documents_dir.strip("/") + "/"
        # Files whose bytes, place and catalog are the last build's are not checked again (documents_memo.py).
        memo = DocumentMemo.open(self.build_cache, self.catalog, self.extra_fields)
        loader = DocumentLoader(self.catalog, self.problems, self.extra_fields, today=self.as_of,
                                future_days=self.config.future_days, cache=self.build_cache, memo=memo)
        rejected = []
        sources = {file.src_uri for file in files.documentation_pages()}
        for file in list(files.documentation_pages()):
            if not file.src_uri.startswith(prefix):
                continue
            display = self._guard.display(file)
            if versions.is_version_src(file.src_uri, sources):  # an earlier text, not a document
                self._version_files[file.src_uri] = (file.url, display)
                continue
            doc = loader.load(file.content_bytes, file.src_uri, display)
            if doc is None:
                rejected.append(display)
                files.remove(file)  # never publish raw metadata; the build names the file below
                continue
            for attachment in doc.attachments:
                if (attached := files.get_file_from_path(attachment.path)) is not None:
                    attachment.measure(attached)  # type and size beside the link
                else:
                    source, line = doc.where("附件")
                    self.problems.add(source, f"附件文件“{attachment.path}”不存在", line=line, field="附件",
                                      fix="把附件文件放到该路径，或改正“文件”路径（相对于本文件）")
            self.add_document(doc, file)
        if memo is not None:
            memo.save()
            if memo.hits:
                log.info(f"构建缓存：{memo.hits} 个文件的检查与上次构建相同，直接沿用，{memo.misses} 个重新检查")
        if rejected:
            self.problems.add(self.config.documents_dir, f"以下 {len(rejected)} 个文件未能发布：{'、'.join(rejected)}",
                              fix="按上面的提示逐一修改")
        return files

    def _check_active_files(self, files: Files, config: MkDocsConfig, problems: Problems) -> None:
        """An SVG or HTML file in docs_dir is published as it is and runs its scripts when opened on its own."""
        docs_dir = Path(config.docs_dir).resolve()
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
                report_active_content(problems, found, self._guard.display(file), field=None, source=text)

    @at(OnFiles.GENERATE)
    def _generate(self, files: Files, config: MkDocsConfig):
        if not self.active:
            return files
        self._guard.check_documents_folder(files, self.index.documents)
        self.complete_model()
        self._report_problems()
        theme.add_asset_files(files, config)
        latest = sorted(self.index.documents, key=newest_first, reverse=True)[:LATEST_COUNT]
        self.view = TemplateView(self.catalog, self.layout, latest)
        SectionPages(self.layout, self.index,
                     lambda src, page, content="": self.add_page(files, config, src, page, content),
                     self.config.page_size, self.config.directory_page_size, self.config.overview_size,
                     self.build_cache, parallel.workers_of(config)).generate()
        shared_crumbs: dict[tuple[str, str], list[Crumb]] = {}  # one list per column × 发布主体, not per document
        for doc in self.index.documents:
            key = (doc.columns[0].id, doc.publisher.id)
            if key not in shared_crumbs:
                shared_crumbs[key] = self.layout.crumbs(doc.columns[0], doc.publisher)
            self._crumbs[doc.src_path] = shared_crumbs[key]
        # Pages outside the nav get their Page now (MkDocs would make a plain one): rendered on one shared parser.
        in_nav = nav_sources(config.nav)
        shared = SharedMarkdown(config, self._cache.store, self._cache.markdown_key)
        for src in [*self.index.by_src, *self._generated, *self._versions]:
            file = files.get_file_from_path(src)
            if file is not None and file.page is None and src not in in_nav:
                SectionPage(None, file, config, shared)
        return files

    on_files = CombinedEvent(_load_documents, _generate)

    def complete_model(self) -> None:
        """The model-ready stage (model_ready.py): 依据 joined (each page shows a snapshot of the other side,
        DocLink), 历史版本 matched, lists frozen. Editor tools that need no page call it instead of generating."""
        self._versions = complete(self.index, self._version_files, self.as_of, self.problems, self.sorters)

    def _report_problems(self) -> None:
        """Log the problems found since the last call; errors fail the build, with or without --strict."""
        self.reporter.flush(self.raise_on_errors)

    # ---- pages ----------------------------------------------------------------------------------------------

    def on_page_read_source(self, page: Page, config: MkDocsConfig):
        if not self.active:
            return None
        src = page.file.src_uri
        doc = self.index.by_src.get(src)
        if doc is not None:
            # The front matter was parsed once already; a leading newline keeps a body starting with '---'
            # from being read as metadata.
            return "\n" + doc.body
        if src in self._generated:
            return ""
        try:  # any other Markdown page (the site's home, say) must be UTF-8 too: a message, not a traceback
            display = self._guard.display(page.file)
            return self._page_meta.read(src, decode(page.file.content_bytes, display), display)
        except InputError as exc:
            raise PluginError(str(exc)) from None

    def on_page_markdown(self, markdown: str, page: Page, config: MkDocsConfig, files: Files):
        if not self.active:
            return markdown
        src = page.file.src_uri
        doc = self.index.by_src.get(src)
        if doc is not None:
            # The editor's page options (hide, icon …) are kept; the metadata fields are the model's.
            page.meta.update(self._page_meta.document_options(doc, config.theme.dirs))
            page.meta.update(title=doc.title, description=doc.summary)
            page.meta.setdefault("template", "gongkai/document.html")
        elif src in self._generated:
            generated = self._generated[src]
            page.meta.update(title=generated.title, template=generated.template, search={"exclude": True})
        else:  # the site's own pages: their options checked as a document's (gongkai/pagemeta.py)
            self._page_meta.apply(page, self._guard.display(page.file), config.theme.dirs)
        if src in self._versions:
            versions.page_meta(self._versions[src], page.meta, self._guard.display(page.file), DOCUMENT_KEYS,
                               self.problems)
        elif doc is None and src not in self._generated and any(key in page.meta for key in DOCUMENT_KEYS):
            self.problems.add(self._guard.display(page.file), "有政府信息文件的元数据，却不在文件文件夹中，"
                              "不会出现在任何栏目、目录和检查里",
                              fix=f"把它移到 {Path(config.docs_dir).name}/{self.config.documents_dir}/<发布主体>/<年份>/ 下")
        templating.escape_page_meta(page)
        guard_render(page, self._guard.display(page.file), self.config.markdown_time_limit)
        return markdown

    @at(OnPageContent.AS_RENDERED)  # before feature plugins add their own markup (征集 banner, 年报 toolbar)
    def _check_body(self, html: str, page: Page, config: MkDocsConfig, files: Files):
        """A Markdown body may hold HTML, but nothing that runs in a visitor's browser (docs/security.md)."""
        if not self.active:
            return html
        found, key = self._cache.active_content(html, self.config.allow_active_content)
        if found:
            display, source, start = self._page_source(page, config)
            report_active_content(self.page_problems, found, display, field="正文", source=source, start=start)
        linked = self._guard.note_links(page.url, html) if page.file.src_uri in self.index.by_src else []
        self._rendered[page.file.src_uri] = (key, linked, html)
        return html

    @at(OnPageContent.DONE)  # after every plugin that reads the page's Markdown
    def _page_rendered(self, html: str, page: Page, config: MkDocsConfig, files: Files):
        if self._progress is not None:
            self._progress.step()
        src = page.file.src_uri
        subject = self._cache.lookup(page, html, self._subject(src))
        # The pages the core may carry (carried.py): its own, outside the nav, whose Markdown rendered without a
        # word (a page whose rendering logged renders again, so that every build says it) and that added no
        # problem (a carried page reports nothing).
        (active_key, linked, as_rendered), quiet = self._rendered.pop(src, (None, [], None)), self._quiet()
        key = self._cache.pages.get(src) if self._cache.store is not None else None
        if isinstance(page, SectionPage) and page.markdown_key and quiet and key is not None:
            state = page_state(page)
            keep = [("markdown", page.markdown_key)] + ([("active", active_key)] if active_key else [])
            if state["anchors"]:  # stored now, not held until the page's facts are complete
                self._cache.store.put(ANCHORS, key, sorted(page.present_anchor_ids))
                keep.append((ANCHORS, key))
            # What its Markdown phase was made from besides its own file (carried.py, "another document's
            # metadata"): its subject, the link targets its Markdown resolved, whether a plugin decorated it.
            self.page_fact(page, "core", {**state, "referenced": linked, "subject": subject,
                                          "lookups": page.lookups, "decorated": html != as_rendered}, keep)
        if isinstance(page, SectionPage):
            # Rendered and checked: on a 100,000-document site every copy held until the end counts.
            page.markdown = ""
            doc = self.index.by_src.get(page.file.src_uri)
            if doc is not None:
                doc.body = ""
        return html

    on_page_content = CombinedEvent(_check_body, _page_rendered)

    def _subject(self, src: str):
        """What the core shows on a page besides its Markdown: part of the page's cache key."""
        doc = self.index.by_src.get(src) if self.index else None
        if doc is not None:
            # Each side kept, None included: one neighbour shown as the previous page or as the next differs.
            return [doc, [[n.url, n.title] if n is not None else None
                          for n in self.index.neighbours.get(doc.src_path, (None, None))]]
        return self._generated.get(src) or self._versions.get(src)

    def _page_source(self, page: Page, config: MkDocsConfig) -> tuple[str, str, int]:
        """(file as messages name it, its text, line where the body starts) of a page, for precise messages."""
        root = site_root(config)
        doc = self.index.by_src.get(page.file.src_uri)
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

    @at(OnPageContext.VIEWS)
    def _page_context(self, context, page: Page, config: MkDocsConfig, nav):
        if not self.active:
            return context
        src = page.file.src_uri
        doc = self.index.by_src.get(src)
        context["gongkai"] = self.view
        if page.file.generated_by or (doc is not None and not page.toc.items):
            # No 目录 sidebar on generated pages (lists, 年报 tables need the width) nor on a document without
            # headings, where it would be empty.
            hide = page.meta.get("hide") or []
            page.meta["hide"] = [*hide, "toc"] if "toc" not in hide else hide
        # On gongkai's pages prev/next are the neighbours within the column (documents only), never MkDocs' nav
        # order, which chains unrelated columns; a site's own Markdown pages keep the theme's.
        if doc is not None or page.file.generated_by:
            page.previous_page = page.next_page = None
        if doc is not None:
            context["document"] = doc
            context["publisher"] = doc.publisher
            context["breadcrumbs"] = self._crumbs.get(doc.src_path, [])
            context["document_partials"] = self.document_partials
            previous, following = self.index.neighbours.get(doc.src_path, (None, None))
            page.previous_page = _link(previous)
            page.next_page = _link(following)
        elif src in self._generated:
            listing = self._generated[src]
            context["listing"] = listing
            context["breadcrumbs"] = listing.breadcrumbs
        elif src in self._versions:
            version = context["version"] = self._versions[src]
            context["breadcrumbs"] = [*self._crumbs.get(version.src_path, []), Crumb(version.title, version.url)]
            page.previous_page = page.next_page = None
        return context

    @at(OnPageContext.RECORD)  # every plugin has given the page its context
    def _page_reads(self, context, page: Page, config: MkDocsConfig, nav):
        if self.active:
            self._cache.begin(context, page)
        return context

    on_page_context = CombinedEvent(_page_context, _page_reads)

    def on_nav(self, nav, config: MkDocsConfig, files: Files):
        if not self.active:
            return nav
        self.view.nav_cache.reset(nav)
        # A 历史版本 file is its own page's Markdown, like a document's: in that page's key, not every page's.
        self._cache.seal(config, files, nav, {*self.index.by_src, *self._versions}, self.index.by_src,
                         self._generated, self.catalog)
        self._carry(config, files, nav)
        # MkDocs now converts every page's Markdown, then renders and writes every page: two counted phases.
        self._progress = Progress.for_build()
        self._progress.start("转换 Markdown", len(files.documentation_pages()))
        self._quiet()
        return nav

    def _carry(self, config: MkDocsConfig, files: Files, nav) -> None:
        """Pages whose inputs are the last build's, carried over (carried.py)."""
        store = self._cache.store
        if store is None or self._cache.base_key is None or self._output is None or self._output.unchanged is None \
                or self.command not in ("build", "gh-deploy") or self._dirty:
            return
        documents = {}
        for doc in self.index.documents:
            file = files.get_file_from_path(doc.src_path)
            path = file.abs_src_path if file is not None else None
            documents[doc.src_path] = [store.file_digest(Path(path)).decode() if path else "", document_digest(doc)]
        versions = {}
        for src in self._versions:
            file = files.get_file_from_path(src)
            versions[src] = store.file_digest(Path(file.abs_src_path)).decode() if file and file.abs_src_path else ""
        self._carry_inputs = Inputs(base=self._cache.carry_key,
                                    catalog=tree_digest(site_root(config) / self.config.catalog_dir, stats=store),
                                    consumers=list(self._cache.consumers), documents=documents, versions=versions,
                                    whole_list=False)
        candidates = {f.src_uri: f.page for f in files.documentation_pages() if isinstance(f.page, SectionPage)}
        target = self._output.target
        # A carried page's file as the listing of the published site found it when this build started.
        self._output.unchanged.listing = lambda: self._cache.replay.published_stats(target)
        self._cache.carry(config, self._carry_inputs, candidates, self._output.unchanged.carry,
                          lambda: self._cache.replay.published_as_recorded(target),
                          lambda page: self._views(page, config, nav), self._subject, files,
                          self._template_globals(config))

    @staticmethod
    def _template_globals(config: MkDocsConfig) -> dict:
        """The Jinja globals gongkai's plugins will add in on_env (only theirs act on pages when pages are
        carried, carried.py)."""
        found: dict = {}
        for plugin in config.plugins.values():
            if hasattr(plugin, "template_globals"):
                found.update(plugin.template_globals())
        return found

    def _views(self, page: Page, config: MkDocsConfig, nav) -> dict:
        """What every plugin's ``on_page_context`` gives ``page``, outside MkDocs' context (whose own entries are
        in every page's key): a page whose recorded reads are checked before MkDocs builds it. Only gongkai's
        plugins act on pages when this is used (carried.py)."""
        context: dict = {}
        for handler in config.plugins.events["page_context"]:
            if getattr(inspect.unwrap(handler), "__func__", None) is not CatalogPlugin._page_reads:  # a wrapper's too
                context = handler(context, page=page, config=config, nav=nav)
        return context

    def _quiet(self) -> bool:
        """Whether no problem was added since the last call (pages are read, then written, one at a time)."""
        count = len(self.problems.items) + len(self.page_problems.items)
        quiet, self._problem_count = count == self._problem_count, count
        return quiet

    def _carried_content(self, page: Page, fact) -> None:
        """A carried page, where MkDocs would read and render it: what later steps read of it, back."""
        store, key = self._cache.store, self._cache.carrying.key_of(page)
        restore_state(page, fact, lambda: store.get_many(ANCHORS, [key], lambda v: isinstance(v, list)).get(key, ()))
        self._guard.referenced.update(fact["referenced"])
        doc = self.index.by_src.get(page.file.src_uri)
        if doc is not None:
            doc.body = ""  # as a rendered page's (_page_rendered): never read again
        if self._progress is not None:
            self._progress.step()

    def _carried_output(self, page: Page, fact) -> None:
        """A carried page, or one whose output is the last build's, where MkDocs would build it."""
        if self._progress is not None:
            self._progress.step()
        if isinstance(page, SectionPage) and self._release is not None:
            self._release.page_written(page)

    def on_env(self, env, config: MkDocsConfig, files: Files):
        if not self.active:
            return env
        if self._progress is not None:
            self._progress.start("生成页面", len(files.documentation_pages()))
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
        self._report_problems()
        templating.configure(env)
        self._cache.nav_pages_read()
        self._cache.attach(env)
        self.view.fragments.reset(config, env)
        self._release = PageRelease(config, files)
        env.globals["gongkai"] = self.view
        theme.add_material_prefix(env)
        env.filters["gk_markdown"] = self.render_markdown
        self._quiet()
        if self._output is not None and self.command in ("build", "gh-deploy") and not self._dirty:
            self._cache.share_pages(config, self._output.unchanged, self._second_process)
        return env

    def _second_process(self) -> None:
        """In the page loop's second process (split.py): no progress line (the build shows it), and pages keep what
        they hold (releasing it there would write to, and so copy, the memory both processes share)."""
        self._progress = None
        self._release = None
        for consumer in self._cache.consumers.values():
            if consumer.forked is not None:
                consumer.forked()

    # ---- output -----------------------------------------------------------------------------------------------

    @at(OnPostPage.AS_TEMPLATED)  # the template's output, before any plugin changes it
    def _keep_page(self, output: str, page: Page, config: MkDocsConfig):
        self._cache.keep(output, page)
        return output

    @at(OnPostPage.WRITTEN)
    def _page_written(self, output: str, page: Page, config: MkDocsConfig):
        if self._progress is not None:
            self._progress.step()
        if not self._quiet():
            self._cache.not_carried(page)
        if isinstance(page, SectionPage) and self._release is not None:
            self._release.page_written(page)  # its HTML, toc and neighbours (memory.py)
        return output

    on_post_page = CombinedEvent(_keep_page, _page_written)

    @at(OnPostBuild.PAGES_WRITTEN)
    def _pages_written(self, config: MkDocsConfig):
        self._end_progress()

    def _end_progress(self) -> None:
        if self._progress is not None:
            self._progress.finish()
            self._progress = None

    @at(OnPostBuild.PUBLISH)  # after every other plugin's on_post_build, the link check included
    def _publish(self, config: MkDocsConfig):
        if not self.active:
            return
        if self._output is not None:
            self._output.link_unchanged()  # unchanged output: linked from the previous site (unchanged.py)
        self._guard.check_unreferenced()
        self._guard.check_output(Path(config.site_dir))
        self.reporter.finish(self.as_of, self.raise_on_errors)  # the build summary; fails on the policy's errors
        if self._output is not None:
            self._output.commit()
            self._cache.record(config, clock=self.clock, published=self._output.target,
                               problems=self.problems.items, external=self.reporter.external,
                               documents=len(self.index.documents), inputs=self._carry_inputs,
                               listed=self._output.grafted)
        self._cache.finish(succeeded=True)
        self._cache = NoCache()
        gcpolicy.end_build()
        log.info(f"发布 {len(self.index.documents)} 件政府信息")

    on_post_build = CombinedEvent(_pages_written, _publish)

    def on_build_error(self, error: Exception):
        gcpolicy.end_build()
        self._end_progress()
        self.reporter.close()
        self._cache.finish(succeeded=False)
        self._cache = NoCache()
        if self._output is not None:
            self._output.discard()

    def on_serve(self, server, config: MkDocsConfig, builder):
        server.watch(str(site_root(config) / self.config.catalog_dir))
        return server


def active_core(config: MkDocsConfig, plugin: BasePlugin) -> "CatalogPlugin | None":
    """The core, when both it and the feature ``plugin`` are enabled in this build; None otherwise.

    For a feature plugin's on_config, which runs after the core's setup (OnConfig.SETUP) wherever mkdocs.yml lists it.
    """
    core = config.plugins.get("gongkai/catalog")
    return core if plugin.config.enabled and core is not None and core.active else None


def _link(doc: Document | None):
    """What mkdocs-material's footer needs of a neighbour: its url and title."""
    return SimpleNamespace(url=doc.url, title=templating.text(doc.title)) if doc else None

