"""The search plugin: a prebuilt, sharded Chinese full-text index, a header search box and a results page.

Records come from the pages MkDocs renders (``on_page_content``: the body HTML it produced anyway) and, for
政府信息 documents, from the core's ``Document`` (发布主体, 栏目, 主题分类, 文件类型, 文号, 索引号, 发布日期).
The index is written after the build (``gongkai.search.index``); ``assets/search/search.js`` reads it.
"""

from __future__ import annotations

import logging
import os
import time
from html import unescape
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from gongkai import parallel
from gongkai.documents import NO_TOPIC
from gongkai.errors import Problem
from gongkai.model import CURRENT, DOCUMENT_KINDS, TOPICS, VALIDITIES
from gongkai.plugins.catalog.plugin import active_core
from gongkai.plugins.catalog.theme import ASSETS_DIR, TEMPLATES_DIR, add_material_prefix, add_template_dir
from gongkai.search import client, export
from gongkai.search.index import Facets, Record, build_index, number_facets, record_line
from gongkai.search.records import RecordSpill, decode_record
from gongkai.search.synonyms import SynonymError, synonym_groups
from gongkai.search.text import page_texts
from gongkai.sources import site_root
from gongkai.stages import OnConfig, OnFiles, OnPageContent, OnPageContext, OnPostBuild, at

from .config import SearchConfig
from .structure import SearchView

CARRIED_BATCH = 256  # carried pages whose stored records are read in one query
log = logging.getLogger("mkdocs.plugins.gongkai.search")

OWN_TEMPLATES = Path(__file__).resolve().parent / "templates"  # partials/search.html: the header box
# The same URLs the core gives files under gongkai/assets/, so they are not copied twice.
SCRIPT = "assets/search/search.js"
STYLE = "assets/search/search.css"
TEMPLATE = "gongkai/search.html"
LINE = "search-line"  # the build cache's kind for a page's record as record_line writes it, under its digest


class SearchPlugin(BasePlugin[SearchConfig]):
    """站内搜索: Chinese full-text search over every page, with filters for 政府信息 documents."""

    supports_multiple_instances = False

    def __init__(self):
        self.core = None
        self.records: RecordSpill | None = None  # on disk until the index is written (gongkai/search/records.py)
        self.view: SearchView | None = None
        self._page_src = ""
        self.synonyms: list = []
        self.export_rows: list[export.ExportRow] = []
        self._previous_export = None  # ids.json of the site directory this build replaces
        self._carried_waiting: list[tuple[Page, str]] = []  # carried pages whose stored lines are read in batches

    # ---- configuration ------------------------------------------------------------------------------

    @at(OnConfig.DECLARE)
    def on_config(self, config: MkDocsConfig):
        self._close_records()
        self.__init__()  # per-build state: mkdocs serve reuses the instance across rebuilds
        if not self.config.enabled:
            return config
        self.core = active_core(config, self)
        add_template_dir(config, TEMPLATES_DIR)
        # mkdocs-material draws its header search only when a plugin is registered as "material/search".
        # With material's own search plugin absent, this plugin stands in under that name (the header reads
        # only ``.config.enabled``) and its partials/search.html replaces material's search dialog.
        if "material/search" not in config.plugins:
            add_template_dir(config, OWN_TEMPLATES, first=True)
            dict.__setitem__(config.plugins, "material/search", self)
        else:
            log.info("gongkai/search: mkdocs-material 的 search 插件也已启用，页眉仍显示其搜索框；"
                     "请在 mkdocs.yml 的 plugins 中删除 search，只保留 gongkai/search")
        if self.core is not None:
            self.core.add_asset(STYLE)
            # A page carried over from the last build gives its record from the cache (carried.py).
            self.core.carry_facts("search", content=self._carried, reads=[LINE])
        elif STYLE not in config.extra_css:
            config.extra_css.append(STYLE)
        page = self.config.page.strip("/")
        self._page_src = f"{page}/index.md"
        self._config = config
        self._carried_waiting = []
        if self.config.export:
            # The site this build replaces (config.site_dir is the core's staging folder by now); read now:
            # MkDocs empties site_dir later when it is not staged.
            site = self.core.published_dir if self.core is not None else None
            old = (site or Path(config.site_dir)) / page / "export" / "ids.json"
            self._previous_export = export.previous_ids(None, old)
        origins = sorted({s.origin for s in self.config.sites if s.origin})
        if origins:
            # The one request to another host the site makes, and only because its owner listed it: say so where
            # the owner looks, with what the web server's Content-Security-Policy must then allow.
            log.info("gongkai/search：搜索结果页将向 %s 读取搜索索引（sites 设置）；网站的 Content-Security-Policy "
                     "须在 connect-src 中允许这些地址，对方网站须发送 Access-Control-Allow-Origin（docs/search.md“联合检索”）",
                     "、".join(origins))
        try:
            self.synonyms = synonym_groups(Path(self.config.synonyms) if self.config.synonyms else None)
        except SynonymError as exc:
            raise PluginError(f"gongkai/search 的 synonyms：{exc}") from exc
        return config

    # ---- files ----------------------------------------------------------------------------------------

    @at(OnFiles.REGISTER)
    def on_files(self, files: Files, config: MkDocsConfig):
        if not self.config.enabled:
            return files
        if files.get_file_from_path(SCRIPT) is None:
            files.append(File.generated(config, SCRIPT, content=client.script()))  # minified: every query loads it
        if files.get_file_from_path(STYLE) is None:
            files.append(File.generated(config, STYLE, abs_src_path=str(ASSETS_DIR / STYLE[len("assets/"):])))
        front = (f"---\ntitle: {self.config.title}\ntemplate: {TEMPLATE}\nsearch:\n  exclude: true\n"
                 "hide: [navigation, toc]\n---\n")
        if files.get_file_from_path(self._page_src) is not None:
            where = os.path.relpath(os.path.join(config.docs_dir, self._page_src), site_root(config))
            taken = Problem(where, f"gongkai/search：搜索结果页的地址 {self.config.page}/ 已被 {where} 占用",
                            fix="在 mkdocs.yml 中为 gongkai/search 设置 page: 其他地址，或移走该文件")
            if self.core is None:
                raise PluginError(str(taken))
            self.core.problems.extend([taken])  # the core stops the build at its late on_files, naming it
            self._page_src = None  # the editor's page stays theirs; no results page this build
            return files
        page_file = File.generated(config, self._page_src, content=front)
        files.append(page_file)
        page_url = page_file.url
        site_name = self.core.catalog.site.name if self.core else config.site_name
        self.view = SearchView(page_url=page_url, index_url=page_url + "data/", script=SCRIPT,
                               site_name=site_name, sites=list(self.config.sites))
        return files

    def on_env(self, env, config: MkDocsConfig, files: Files):
        self._take_carried()  # every page's Markdown phase is done
        if self.config.enabled:
            add_material_prefix(env)  # gongkai/templates' overrides wrap material's (the core may be disabled)
        env.globals.update(self.template_globals())
        return env

    def template_globals(self) -> dict:
        """The Jinja globals this plugin adds (on_env); the core reads them earlier too (carried.py)."""
        return {"gongkai_search_url": self.view.page_url} if self.config.enabled and self.view else {}

    # ---- pages ----------------------------------------------------------------------------------------

    @at(OnPageContent.TEXT)  # before other plugins decorate the page (征集 banner, 年报 toolbar): body text only
    def on_page_content(self, html: str, page: Page, config: MkDocsConfig, files: Files):
        self._take_carried()  # the records of the carried pages before this one first: the index is in page order
        if not self.config.enabled or page.file.src_uri == self._page_src:
            self._fact(page, None)
            return html
        search = page.meta.get("search") or {}
        if isinstance(search, dict) and search.get("exclude"):
            self._fact(page, None)
            return html
        text, prose = page_texts(html)
        snippet = prose if prose != text else None
        doc = self.core.doc_for_page(page) if self.core else None
        if doc is None:
            # page.title is HTML (MkDocs keeps entities in a title from the first heading; gongkai escapes one
            # from front matter); the index holds plain text.
            self._record(Record(url=page.url, title=unescape(page.title or ""), text=text, snippet=snippet), page)
            return html
        catalog = self.core.catalog
        columns = [c.id for col_id in doc.column_ids for c in catalog.columns[col_id].lineage]
        org = catalog.organizations[doc.publisher_id]
        if doc.keywords:
            text += " " + " ".join(doc.keywords)
        self._record(Record(
            url=self.core.url_of(doc), title=doc.title, text=text, published=doc.published,
            publisher=doc.publisher_id, columns=columns, topic=doc.topic, kind=doc.kind,
            doc_number=doc.doc_number, index_number=doc.index_number, validity=doc.validity, in_force=doc.in_force,
            display={"p": org.name, "c": catalog.columns[doc.column_id].name}, snippet=snippet,
            keywords=list(doc.keywords)), page)
        self._export(config, doc, columns, text)
        return html

    def _export(self, config: MkDocsConfig, doc, columns: list[str], text: str) -> None:
        if self.config.export:
            catalog = self.core.catalog
            site, org = catalog.site, catalog.organizations[doc.publisher_id]
            url = (config.site_url or "/") + self.core.url_of(doc)
            try:
                self.export_rows.append(export.row(site.site_code, site.name, url, doc, org.name, columns, text))
            except ValueError as exc:
                raise PluginError(f"gongkai/search 的 export：{exc}") from exc

    def _record(self, record: Record, page: Page, line: bytes | None = None, carried: bool = False) -> None:
        if self.records is None:
            cache = self.core.build_cache if self.core else None
            self.records = RecordSpill(cache.directory if cache is not None else None)
        line = record_line(record) if line is None else line
        digest = self.records.append(record, line)
        cache = self.core.build_cache if self.core else None
        if cache is not None and not carried:  # for the next build, should it carry the page (carried.py)
            if not cache.keep(LINE, [digest]):
                cache.put(LINE, digest, line.decode("utf-8", "surrogatepass"))
            self._fact(page, digest)

    def _fact(self, page: Page, digest: str | None) -> None:
        if self.core is not None:
            self.core.page_fact(page, "search", digest, keep=[(LINE, digest)] if digest else ())

    def _carried(self, page: Page, digest: str | None) -> None:
        """A page carried over from the last build: its record as that build made it. Taken in batches of pages,
        in page order (``_take_carried``): one query and one entry read a page cost as much as the rest of it."""
        if digest is None:
            return
        self._carried_waiting.append((page, digest))
        if len(self._carried_waiting) >= CARRIED_BATCH:
            self._take_carried()

    def _take_carried(self) -> None:
        """The records of the carried pages waiting, in their order: before any later page's, and by on_env."""
        waiting, self._carried_waiting = self._carried_waiting, []
        if not waiting:
            return
        lines = self.core.build_cache.get_many(LINE, {digest for _, digest in waiting},
                                               lambda value: isinstance(value, str))
        for page, digest in waiting:
            line = lines[digest].encode("utf-8", "surrogatepass")  # intact: checked before the page was carried
            record = decode_record(line)
            self._record(record, page, line, carried=True)
            doc = self.core.doc_for_page(page)
            if doc is not None:
                self._export(self._config, doc, record.columns, record.text)

    def _close_records(self) -> None:
        # Also when the next build starts (mkdocs serve); a failed build's file goes when the process ends
        # (RecordSpill's finalizer).
        if getattr(self, "records", None) is not None:
            self.records.close()

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        if not self.config.enabled or page.file.src_uri != self._page_src:
            return context
        view = self.view
        view.facets = self._facets()
        if self.core:
            view.years = sorted({d.published.year for d in self.core.documents}, reverse=True)
            numbers = sorted((d for d in self.core.documents if d.doc_number), key=lambda d: d.sort_key)
            if numbers:
                view.example_number = numbers[-1].doc_number
        context["gongkai_search"] = view
        return context

    def _facets(self) -> Facets:
        if not self.core:
            return Facets()
        catalog = self.core.catalog
        docs = self.core.documents
        used_columns = {c.id for d in docs for col_id in d.column_ids for c in catalog.columns[col_id].lineage}
        used_topics = {d.topic for d in docs}
        used_kinds = {d.kind for d in docs if d.kind}
        used_orgs = {d.publisher_id for d in docs}
        used_states = {d.validity for d in docs}
        agencies, number_years = number_facets(d.doc_number for d in docs)
        return Facets(
            agencies=agencies, number_years=number_years,
            publishers=[(o.id, o.name) for o in catalog.organizations.values() if o.id in used_orgs],
            columns=[(c.id, c.name, len(c.lineage) - 1) for c in catalog.walk() if c.id in used_columns],
            topics=[t for t in TOPICS + (NO_TOPIC,) if t in used_topics],  # 无: imported, unclassified
            kinds=[k for k in DOCUMENT_KINDS if k in used_kinds],
            validities=[CURRENT] + [v for v in VALIDITIES if v in used_states])

    # ---- index ----------------------------------------------------------------------------------------

    @at(OnPostBuild.WRITE)
    def on_post_build(self, config: MkDocsConfig):
        if not self.config.enabled or self.view is None:
            return
        begin = time.perf_counter()
        out = Path(config.site_dir) / self.view.index_url
        try:
            stats = build_index(self.records or [], out, self._facets(), shard_bytes=self.config.shard_bytes,
                                workers=parallel.workers_of(config, self.config.workers),
                                cache=self.core.build_cache if self.core else None,
                                synonyms=self.synonyms, writer=self.core.output_writer if self.core else None)
        finally:
            self._close_records()
        if self.config.export and self.core:
            cache = self.core.build_cache
            # The site this build replaces says what was published there (a build without the cache reads the
            # same); the cache only when there is none (a CI that keeps the cache, not the site). The cache may be
            # older than that site: a build with GONGKAI_CACHE=0, or one that warned, saves none.
            previous = self._previous_export or export.previous_ids(cache, None)
            counts = export.write_export(self.export_rows, out.parent / "export", previous, cache,
                                         writer=self.core.output_writer)
            log.info(f"搜索导出：{counts['documents']} 件文件，{counts['withdrawn']} 件撤回（{self.view.page_url}export/）")
        log.info(f"搜索索引：{stats.documents} 个页面，{stats.terms} 个检索词，{stats.shards} 个分片，"
                 f"{stats.bytes / 1024:.0f} KB，用时 {time.perf_counter() - begin:.1f} 秒")
