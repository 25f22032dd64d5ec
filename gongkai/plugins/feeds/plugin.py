"""The feeds and open-data plugin: Atom feeds of the site, each column, each 发布主体 and each 主题分类; catalog.json,
documents.json and llms.txt; a 订阅 page listing them all (docs/feeds.md).

It reads only the core plugin's public API (docs/architecture.md): ``core.catalog``, ``core.documents``,
``core.url_of``, ``core.column_url``, ``core.org_url``, ``core.section_url`` and ``core.doc_for_page``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from ...errors import Problem
from ...feeds import opendata, redirects
from ...feeds.atom import Feed, atom_xml
from ...model import TOPICS, Document
from ...sources import site_root
from ...stages import OnConfig, OnFiles, OnPageContext, at
from ..catalog.plugin import active_core
from .config import FeedsConfig
from .structure import FeedsView

log = logging.getLogger("mkdocs.plugins.gongkai.feeds")

TEMPLATE = "gongkai/feeds.html"


def validity_text(doc: Document) -> str:
    """有效性 as a feed entry states it: the state, with its date and the deciding document's number."""
    t = doc.timeline
    if doc.validity == "废止":
        basis = f"，依据{t.repealed_by.number}" if t.repealed_by else ""
        return f"废止（{t.repealed} 起{basis}）" if t.repealed else "废止"
    if doc.validity == "失效":
        return f"失效（有效期至 {t.expires}）" if t.expires else "失效"
    if doc.validity == "尚未施行":
        return f"尚未施行（{t.in_force} 起施行）" if t.in_force else "尚未施行"
    if t.amended_by:
        return f"{doc.validity}（修改依据{'、'.join(a.number for a in t.amended_by)}）"
    return f"{doc.validity}（{t.in_force} 起施行）" if t.in_force else doc.validity


class FeedsPlugin(BasePlugin[FeedsConfig]):
    """Feeds (Atom) and open data (catalog.json, documents.json, llms.txt)."""

    supports_multiple_instances = False

    def __init__(self):
        self.core = None
        self.view: FeedsView | None = None
        self.feeds: dict[str, Feed] = {}
        self.zone = ZoneInfo("Asia/Shanghai")
        self._site_url = ""

    # ------------------------------------------------------------------ configuration

    @at(OnConfig.DECLARE)
    def on_config(self, config: MkDocsConfig):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        self.view, self.feeds = None, {}
        if not config.site_url:
            raise PluginError("gongkai/feeds：订阅源和开放数据中的链接须为完整网址，请在 mkdocs.yml 中设置 site_url，"
                              "例如 site_url: https://www.example.gov.cn/")
        self.zone = self.core.clock.zone  # the site's time zone: each date is midnight there
        self._site_url = config.site_url if config.site_url.endswith("/") else config.site_url + "/"
        if self.config.feed_size < 1 or self.config.shard_size < 1:
            raise PluginError("gongkai/feeds: feed_size 和 shard_size 应为正整数")
        return config

    def absolute(self, url: str) -> str:
        return urljoin(self._site_url, url)

    # ------------------------------------------------------------------ files

    # Feeds and documents.json list every document with its final URL: after the core generated the column pages
    # (OnFiles.GENERATE), whatever the plugin order in mkdocs.yml. (The checks run before, at OnFiles.CHECK; what
    # is generated here is not a source they check.)
    @at(OnFiles.EXPORT)
    def on_files(self, files: Files, config: MkDocsConfig):
        if self.core is None:
            return files
        catalog, core = self.core.catalog, self.core
        feeds_dir, data_dir = self.config.feeds_dir.strip("/"), self.config.data_dir.strip("/")
        page_src = f"{feeds_dir}/index.md"
        # Newest change first: a document revised after it was published (修订记录) comes back to the top, where a
        # subscriber sees it again with its new 更新日期.
        documents = sorted(core.documents, key=feed_key, reverse=True)
        home = files.get_file_from_path("index.md")

        feeds: dict[str, Feed] = {}

        def add(key, title, label, src_uri, page_url, docs):
            feeds[key] = Feed(key, f"{config.site_name} · {title}", label, src_uri, page_url=page_url,
                              documents=docs[:self.config.feed_size], total=len(docs))

        add("site", "最新信息", "全站", f"{feeds_dir}/quanzhan.xml", home.url if home else core.section_url, documents)
        for org in catalog.organizations.values():
            add(f"org:{org.id}", org.name, org.name, f"{feeds_dir}/jigou-{org.id}.xml", core.org_url(org),
                [d for d in documents if d.publisher_id == org.id])
        for column in catalog.walk():
            if column.lists_documents:
                ids = {c.id for c in column.walk()}
                add(f"column:{column.id}", column.name, column.name, f"{feeds_dir}/lanmu-{column.id}.xml",
                    core.column_url(column), [d for d in documents if ids.intersection(d.column_ids)])
        for number, topic in enumerate(TOPICS, start=1):
            add(f"topic:{topic}", f"主题分类：{topic}", topic, f"{feeds_dir}/zhuti-{number:02d}.xml", None,
                [d for d in documents if d.topic == topic])

        redirect_files = [f"{self.config.redirects.strip('/')}.{ext}" for ext in ("json", "nginx")
                          if self.config.redirects]
        taken = [src for src in [page_src, f"{feeds_dir}/sitemap.xml", "llms.txt", f"{data_dir}/catalog.json", f"{data_dir}/documents.json",
                                 *redirect_files,
                                 *(f.src_uri for f in feeds.values())] if files.get_file_from_path(src) is not None]
        if taken:  # into the core's problems: the build stops before any page is written, naming the files
            where = os.path.relpath(os.path.join(config.docs_dir, taken[0]), site_root(config))
            self.core.problems.extend([Problem(
                Path(where).as_posix(), f"gongkai/feeds：{'、'.join(taken)} 已被网站中的同名文件占用",
                fix="在 mkdocs.yml 中为 gongkai/feeds 设置另一个 feeds_dir / data_dir / redirects，或移走这些文件")])
            return files

        # Every feed is written, even before the site has any document: the 订阅 page, catalog.json and every
        # page link them, and a new site's addresses work from its first build. An empty site's feeds are dated
        # by the build's day (nothing else dates them); once one document exists they are byte-stable again.
        newest = changed(documents[0]) if documents else self.core.as_of
        for feed in feeds.values():
            feed.url = feed.src_uri  # a file that is not a page keeps its path as URL (ASCII here)
        self.feeds = feeds
        for feed in feeds.values():
            updated = changed(feed.documents[0]) if feed.documents else newest
            xml = atom_xml(feed, absolute=self.absolute, site_name=config.site_name, author=catalog.site.sponsor,
                           zone=self.zone, updated=updated, describe=self._describe)
            files.append(File.generated(config, feed.src_uri, content=xml))

        # mkdocs-material takes every <link rel="alternate"> for a language version and fetches "sitemap.xml"
        # next to it on each page load. The feeds therefore share one folder, which gets a real sitemap of the
        # feeds: that request finds a file instead of a 404.
        sitemap = "".join(f"<url><loc>{self.absolute(f.url)}</loc></url>" for f in feeds.values())
        files.append(File.generated(config, f"{feeds_dir}/sitemap.xml", content=(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{sitemap}</urlset>\n')))

        # Open data.
        records = {d.src_path: opendata.document_record(d, catalog, self.absolute) for d in documents}
        shards = opendata.documents_files(documents, records, self.config.shard_size,
                                          lambda year: f"{data_dir}/documents-{year}.json", self.absolute)
        for uri, data in shards.items():
            files.append(File.generated(config, uri or f"{data_dir}/documents.json", content=opendata.dumps(data)))
        counts = {key: feed.total for key, feed in feeds.items()}
        catalog_data = opendata.catalog_record(
            catalog, absolute=self.absolute, site_url=self._site_url, column_url=core.column_url, org_url=core.org_url,
            feed_url=lambda key: feeds[key].url, documents_url=self.absolute(f"{data_dir}/documents.json"),
            counts=counts)
        files.append(File.generated(config, f"{data_dir}/catalog.json", content=opendata.dumps(catalog_data)))

        # Old addresses of imported documents (原网址) → their pages, for the web server's 301s.
        if self.config.redirects:
            rows = redirects.entries(documents, urlsplit(self._site_url).path, core.url_of)
            base = self.config.redirects.strip("/")
            files.append(File.generated(config, f"{base}.json", content=redirects.to_json(rows)))
            files.append(File.generated(config, f"{base}.nginx", content=redirects.to_nginx(rows)))

        page = File.generated(config, page_src, content=(
            f"---\ntitle: {self.config.title}\ntemplate: {TEMPLATE}\nsearch:\n  exclude: true\n---\n"))
        files.append(page)
        self.view = FeedsView(self.core, feeds, page_src=page_src, index_url=page.url, catalog_url=f"{data_dir}/catalog.json",
                              documents_url=f"{data_dir}/documents.json",
                              llms_url="llms.txt" if self.config.llms_txt else None,
                              home_url=home.url if home else None)
        if self.config.llms_txt:
            files.append(File.generated(config, "llms.txt", content=self._llms_txt(config)))
        return files

    def _describe(self, doc: Document) -> dict:
        publisher = self.core.catalog.organizations[doc.publisher_id]
        facts = "；".join(f"{k}：{v}" for k, v in (("文号", doc.doc_number), ("索引号", doc.index_number),
                                                 ("发布机构", publisher.name), ("有效性", validity_text(doc))) if v)
        summary = f"{facts}。{doc.summary}" if doc.summary else f"{facts}。"
        if doc.timeline.revisions:
            summary += "修订记录：" + "；".join(f"{r.date} {r.note}" for r in reversed(doc.timeline.revisions)) + "。"
        return {"发布机构": publisher.name, "摘要": summary, "更新日期": doc.updated,
                # 主题分类 "无" (imported, unclassified on the old site) has no feed of its own
                "主题分类订阅": feed.url if (feed := self.feeds.get(f"topic:{doc.topic}")) else None}

    def _llms_txt(self, config: MkDocsConfig) -> str:
        a, view, core = self.absolute, self.view, self.core
        orgs = [(f"{o.name}最新信息（Atom）", a(self.feeds[f"org:{o.id}"].url), "")
                for o in core.catalog.organizations.values()]
        return opendata.llms_txt(site_name=config.site_name, description=config.site_description or "", links=[
            ("开放数据", [
                ("目录与发布主体（catalog.json）", a(view.catalog_url), "主动公开基本目录的栏目树、发布主体和主题分类，各附页面和订阅地址"),
                ("文件元数据（documents.json）", a(view.documents_url),
                 "全部已发布文件的索引号、标题、文号、发布机构、成文日期、发布日期、栏目、主题分类、有效性和网址；文件多时按发布年份分片"),
            ]),
            ("订阅", [("全站最新信息（Atom）", a(self.feeds["site"].url), ""),
                      (self.config.title, a(view.index_url), "全部订阅源：按栏目、发布主体、主题分类")] + orgs),
            ("页面", [("政府信息公开", a(core.section_url), "栏目、发布主体、政府信息公开目录")]),
        ])

    # ------------------------------------------------------------------ templates

    def template_globals(self) -> dict:
        """The Jinja globals this plugin adds (on_env); the core reads them earlier too (carried.py)."""
        return {"gk_feeds": self.view} if self.core is not None and self.view is not None else {}

    def on_env(self, env, config: MkDocsConfig, files: Files):
        env.globals.update(self.template_globals())
        return env

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page: Page, config: MkDocsConfig, nav):
        if self.core is not None and self.view is not None and page.file.src_uri == self.view.page_src:
            context["feeds_page"] = self.view
        return context


def changed(doc: Document) -> dt.date:
    """The day a document last changed for a subscriber: its 发布日期 or its newest 修订记录."""
    return max(doc.published, doc.updated or doc.published)


def feed_key(doc: Document) -> tuple:
    """Feeds list the most recently changed documents first; ties keep the site's usual order."""
    return (changed(doc), doc.sort_key)
