"""The 政府网站工作年度报表 plugin (国办函〔2018〕12号): one page per year under ``/<data_dir>/<年度>/``, listed on the
home page, from the site's own figures (``gongkai.sitereport.figures``) and the 主办单位's data file.

It reads the core's public API (``core.catalog``, ``core.documents``, ``core.problems``) and the interaction plugin's
linked 解读 and 征集 (``.interaction``, docs/interaction.md).
"""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ...errors import close_matches
from ...sitereport import FORM, WebsiteReport, compute, load_report
from ...sitereport.model import Item
from ..catalog.plugin import active_core
from ...sources import site_root
from ...stages import OnConfig, OnFiles, OnPageContext, at
from .config import SiteReportConfig

STYLE = "assets/sitereport/sitereport.css"  # under gongkai/assets/, which the core copies into the site
TEMPLATE = "gongkai/sitereport.html"
INDEX_TEMPLATE = "gongkai/sitereport-index.html"
PATH_RE = re.compile(r"^(\d{4})\.ya?ml$")


class SiteReportPlugin(BasePlugin[SiteReportConfig]):
    """政府网站工作年度报表 (WebsiteReport)."""

    supports_multiple_instances = False

    def __init__(self):
        self.core = None
        self.reports: dict[int, WebsiteReport] = {}
        self.index_url = ""
        self._pages: dict[str, object] = {}

    @property
    def years(self) -> set[int]:
        """Years with a published 报表 (the checks plugin warns when last year's is missing)."""
        return set(self.reports)

    @at(OnConfig.DECLARE)
    def on_config(self, config: MkDocsConfig):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        self.reports, self.index_url, self._pages = {}, "", {}
        self.core.add_asset(STYLE)
        return config

    # After every plugin registered its documents and the interaction plugin linked 解读 and 征集 (OnFiles.RELATE),
    # before the core reports problems (OnFiles.GENERATE) and the checks look for last year's 报表 (OnFiles.CHECK),
    # whatever the order of the plugins in mkdocs.yml.
    @at(OnFiles.DERIVE)
    def on_files(self, files: Files, config: MkDocsConfig):
        if self.core is None:
            return files
        catalog, problems = self.core.catalog, self.core.problems
        for option in ("overview_columns", "special_columns"):
            for column_id in self.config[option]:
                if column_id not in catalog.columns:
                    raise PluginError(f"gongkai/sitereport: {option} 中的“{column_id}”不是已定义的栏目"
                                      f"{close_matches(column_id, catalog.columns)}")
        prefix = self.config.data_dir.strip("/") + "/"
        root = site_root(config)
        interaction_plugin = config.plugins.get("gongkai/interaction")
        interaction = getattr(interaction_plugin, "interaction", None)
        for file in sorted(files, key=lambda f: f.src_uri):
            if not file.src_uri.startswith(prefix) or not file.src_uri.endswith((".yml", ".yaml")):
                continue
            files.remove(file)  # published as the page, never as raw YAML
            try:
                display = str((Path(config.docs_dir) / file.src_uri).relative_to(root))
            except ValueError:
                display = file.src_uri
            name = file.src_uri[len(prefix):]
            before = len(problems.errors)
            report = load_report(file.content_string, display, problems)
            if report is None:
                if len(problems.errors) == before:
                    problems.add(display, "报表数据未能读取", fix="参照编辑手册中的示例填写")
                continue
            match = PATH_RE.match(name)
            if not match or int(match.group(1)) != report.year:
                problems.add(display, f"文件应为 {prefix}{report.year}.yml（年度.yml）", field="年度",
                             fix="按年度重命名该文件，或改正文件中的“年度”")
                continue
            figures = compute(report.year, catalog, self.core.documents, interaction,
                              overview_columns=self.config.overview_columns,
                              special_columns=self.config.special_columns)
            report.items = self._items(report, figures, config)
            self.reports[report.year] = report

        if not self.reports:
            return files
        index = File.generated(config, f"{prefix}index.md", content=(
            f"---\ntitle: 政府网站工作年度报表\ntemplate: {INDEX_TEMPLATE}\n---\n"))
        files.append(index)
        self.index_url = index.url
        self._pages[index.src_uri] = None
        for year, report in sorted(self.reports.items()):
            page = File.generated(config, f"{prefix}{year}/index.md", content=(
                f"---\ntitle: {report.title}\ntemplate: {TEMPLATE}\n---\n"))
            files.append(page)
            report.url = page.url
            self._pages[page.src_uri] = report
        return files

    def _items(self, report: WebsiteReport, figures, config: MkDocsConfig) -> list[Item]:
        site = self.core.catalog.site
        identity = {"name": site.name, "url": config.site_url or "", "sponsor": site.sponsor,
                    "site_code": site.site_code, "icp": site.icp, "police_record": site.police_record}
        derived = {
            "interpretations_total": figures.interpretation_texts + figures.interpretation_products
                                     + report.data.get(("解读回应", "媒体评论文章数量"), 0),
            "cases": report.data.get(("办事服务", "自然人办件量"), 0) + report.data.get(("办事服务", "法人办件量"), 0),
        }
        items = []
        for f in FORM:
            if f.source == "identity":
                value = identity[f.key[0]]
            elif f.source == "site":
                value = derived[f.key[0]] if f.key[0] in derived else getattr(figures, f.key[0])
            else:
                if f.key not in report.data:
                    continue  # an optional line left out (no 微博, no 其他)
                value = report.data[f.key]
            items.append(Item(f, value))
        return items

    @property
    def listing(self) -> list[WebsiteReport]:
        """Reports, newest year first (home page, index page)."""
        return [self.reports[y] for y in sorted(self.reports, reverse=True)]

    def template_globals(self) -> dict:
        """The Jinja globals this plugin adds (on_env); the core reads them earlier too (carried.py)."""
        return {"gk_sitereports": self} if self.core is not None and self.reports else {}

    def on_env(self, env, config: MkDocsConfig, files: Files):
        env.globals.update(self.template_globals())
        return env

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page, config: MkDocsConfig, nav):
        if self.core is not None and page.file.src_uri in self._pages:
            report = self._pages[page.file.src_uri]
            context["sitereport"] = report
            context["sitereports"] = self
            crumbs = [SimpleNamespace(title="首页", url="")]
            if report is not None:
                crumbs.append(SimpleNamespace(title="政府网站工作年度报表", url=self.index_url))
            context["breadcrumbs"] = crumbs
        return context
