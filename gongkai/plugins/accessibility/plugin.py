"""The 无障碍和适老化声明 plugin: one page at ``/<data_dir>/`` built from ``<data_dir>/shengming.yml`` and the last
measured results (``<data_dir>/results.json``, published beside the page), linked from every page's footer."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files

from ...accessibility import Statement, load_results, load_statement
from ...stages import OnConfig, OnFiles, OnPageContext, at
from ..catalog.plugin import active_core
from .config import AccessibilityConfig
from ...sources import site_root

TEMPLATE = "gongkai/accessibility.html"


class AccessibilityPlugin(BasePlugin[AccessibilityConfig]):
    """无障碍和适老化声明 (Statement)."""

    supports_multiple_instances = False

    def __init__(self):
        self.core = None
        self.statement: Statement | None = None
        self.url = ""
        self._src = ""

    @at(OnConfig.DECLARE)
    def on_config(self, config: MkDocsConfig):
        self.core = active_core(config, self)
        self.statement, self.url, self._src = None, "", ""
        return config

    @at(OnFiles.DERIVE)  # before the core reports problems (Files.GENERATE)
    def on_files(self, files: Files, config: MkDocsConfig):
        if self.core is None:
            return files
        prefix = self.config.data_dir.strip("/") + "/"
        source = files.get_file_from_path(prefix + "shengming.yml")
        if source is None:
            return files
        files.remove(source)  # published as the page, never as raw YAML
        root = site_root(config)
        display = str((Path(config.docs_dir) / source.src_uri).relative_to(root))
        results_file = files.get_file_from_path(prefix + "results.json")
        results = None
        if results_file is not None:
            results = load_results(results_file.content_string,
                                   str((Path(config.docs_dir) / results_file.src_uri).relative_to(root)),
                                   self.core.problems)
        site = self.core.catalog.site
        contact = "；".join(p for p in (f"电话 {site.phone}" if site.phone else "",
                                        f"电子邮箱 {site.email}" if site.email else "",
                                        f"地址 {site.address}" if site.address else "") if p)
        self.statement = load_statement(source.content_string, display, self.core.problems, results, contact,
                                        results_url=results_file.url if results_file else "")
        if self.statement is None:
            return files
        page = File.generated(config, f"{prefix}index.md", content="---\ntitle: 无障碍和适老化声明\n"
                                                                  f"template: {TEMPLATE}\n---\n")
        files.append(page)
        self.url, self._src = page.url, page.src_uri
        return files

    def template_globals(self) -> dict:
        """The Jinja globals this plugin adds (on_env); the core reads them earlier too (carried.py)."""
        return {"gk_statement_url": self.url} if self.statement is not None else {}

    def on_env(self, env, config: MkDocsConfig, files: Files):
        env.globals.update(self.template_globals())
        return env

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page, config: MkDocsConfig, nav):
        if self.statement is not None and page.file.src_uri == self._src:
            context["statement"] = self.statement
            context["breadcrumbs"] = [SimpleNamespace(title="首页", url=""),
                                      SimpleNamespace(title="无障碍和适老化声明", url=self.url)]
        return context
