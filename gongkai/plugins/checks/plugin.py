"""The checks plugin: pre-publication checks (发布前检查) inside ``mkdocs build``.

Model checks (个人信息, 空白栏目, 栏目不更新, 公开时限, 年报, 解读与征集) run at the end of ``on_files``, once
every feature plugin has registered its documents with the core; the link check reads each page's final HTML as
MkDocs produces it (``on_post_page``), checked against the files the build writes, and completes in
``on_post_build``. All findings are then reported together: errors fail a ``--strict`` build (PluginError) and are
logged as errors otherwise; warnings are logged at INFO level, because MkDocs' ``--strict`` fails on any logged
warning, and fail the build only with ``fail_on_warnings``.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from dataclasses import asdict
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority

from ...checks import output
from ...checks.blank import check_blank
from ...checks.deadline import check_deadlines
from ...checks.findings import Finding, apply_severities
from ...checks.freshness import check_freshness, check_home
from ...checks.golive import check_go_live, mark_pending
from ...checks.interaction import check_interaction
from ...checks.links import LinkChecker, check_external, link_findings
from ...checks.pii import scan_file, scan_rendered
from ...checks.reports import check_annual_reports, check_normative_row
from ...checks.sitereport import check_site_report
from ...sources import RealPaths, site_root
from ..catalog.plugin import active_core
from .config import ChecksConfig

log = logging.getLogger("mkdocs.plugins.gongkai.checks")


class ChecksPlugin(BasePlugin[ChecksConfig]):
    """发布前检查: findings with file, line, severity and fix; console/JSON/HTML reports."""

    def __init__(self):
        self.core = None
        self.findings: list[Finding] = []
        self.input_problems: list[Finding] = []
        self.external: dict[str, list[str]] = {}
        self.sources: dict[str, tuple[str, str | None]] = {}
        self.links: LinkChecker | None = None
        self._static_html: list = []  # HTML files MkDocs copies as they are: their links are checked too
        self._pii_allow: set[str] = set()
        self.as_of = dt.date.today()
        self.raise_on_errors = True  # `gongkai check` turns this off and reports itself

    # ------------------------------------------------------------------ configuration

    def on_config(self, config):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        self.as_of = self.core.as_of
        self.findings, self.input_problems, self.external, self.sources = [], [], {}, {}
        self.links, self._static_html = None, []
        return config

    def _on(self, name: str) -> bool:
        return name in self.config.checks

    # ------------------------------------------------------------------ model checks

    @event_priority(-60)  # after the core's late on_files (-50): every document is registered by then
    def on_files(self, files, config):
        if self.core is None:
            return files
        catalog, documents = self.core.catalog, list(self.core.documents)
        root = site_root(config)
        docs_dir = Path(config.docs_dir)
        found: list[Finding] = []
        self.input_problems = [Finding(p.file, p.message, p.line, p.field, p.fix, p.severity, check="input")
                               for p in self.core.problems.items]

        realpath = RealPaths()
        real_root = os.path.realpath(root)
        real_docs = os.path.realpath(docs_dir) + os.sep

        def display(path: Path, real: str | None = None) -> str:
            real = real or realpath(path)
            if real.startswith(real_root + os.sep):
                return Path(os.path.relpath(real, real_root)).as_posix()
            return str(path)

        by_src = {d.src_path: d for d in documents}
        for file in files:
            if file.abs_src_path and file.is_documentation_page():
                doc = by_src.get(file.src_uri)
                shown = doc.source if doc is not None and doc.source else display(Path(file.abs_src_path))
                self.sources[file.dest_uri] = (shown, file.abs_src_path)
            elif file.src_uri in by_src:  # a page a feature plugin generated from data (年报 from YAML)
                doc = by_src[file.src_uri]
                path = root / doc.source if doc.source else None
                self.sources[file.dest_uri] = (doc.source or file.src_uri,
                                               str(path) if path is not None and path.is_file() else None)

        if self._on("pii"):
            allow = self._pii_allow = set(self.config.allow) | _catalog_numbers(catalog)
            scanned = set()
            for file in files:
                if not file.abs_src_path:
                    continue
                real = realpath(file.abs_src_path)  # once per file: resolving is most of this loop's time
                if not real.startswith(real_docs):
                    continue
                path = Path(file.abs_src_path)
                # Every file: scanned, or listed as not scanned (an image, a .doc) with the reason.
                scanned.add(real)
                found += self._scan(path, display(path, real), allow)
            for doc in documents:  # sources outside docs_dir, e.g. the YAML data of 年报
                path = root / doc.source if doc.source else None
                if path is not None and path.is_file() and realpath(path) not in scanned:
                    scanned.add(realpath(path))
                    found += self._scan(path, display(path), allow)
        if self._on("blank"):
            found += check_blank(catalog, documents)
        if self._on("golive"):
            catalog_dir = Path(config.config_file_path).parent / self.core.config.catalog_dir
            requirements_file = Path(config.config_file_path).parent / "requirements.txt"
            requirements = ((display(requirements_file), requirements_file.read_text(encoding="utf-8", errors="replace"))
                            if requirements_file.is_file() else None)
            found += check_go_live(catalog, display(catalog_dir / "site.yml"), display(catalog_dir / "organizations.yml"),
                                   config.site_url, display(Path(config.config_file_path)), requirements,
                                   getattr(config.plugins.get("gongkai/accessibility"), "statement", None))
        if self._on("stale"):
            found += check_freshness(catalog, documents, self.as_of, self.config.update_limits)
        if self._on("home"):
            home = docs_dir / "index.md"
            found += check_home(documents, self.as_of, self.config.home_limit,
                                display(home) if home.is_file() else "index.md")
        if self._on("deadline"):
            found += check_deadlines(catalog, documents, self.config.time_limit_workdays)
        if self._on("nianbao"):
            deadlines = self.config.report_deadlines
            reports = config.plugins.get("gongkai/reports")
            if deadlines is None and reports is not None and reports.config.enabled:
                deadlines = reports.config.deadlines
            found += check_annual_reports(catalog, documents, self.as_of, deadlines)
            if reports is not None and reports.config.enabled and getattr(reports, "core", None) is not None:
                found += check_normative_row(reports.reports, documents)
        if self._on("interaction"):
            plugin = config.plugins.get("gongkai/interaction")
            found += check_interaction(plugin.interaction if plugin is not None and plugin.core else None)
        sitereport = config.plugins.get("gongkai/sitereport")
        if self._on("baobiao") and sitereport is not None and sitereport.config.enabled:
            data_file = display(docs_dir / sitereport.config.data_dir.strip("/") / "{year}.yml")
            published = {y: (r.published, r.source, r.published_line) for y, r in sitereport.reports.items()}
            found += check_site_report(sitereport.years, self.as_of, sitereport.config.deadline, data_file, published)
        self.findings = found
        return files

    def _scan(self, path: Path, shown: str, allow: set[str]) -> list[Finding]:
        """个人信息 scan of one file; with the build cache, a file with the same bytes is not scanned again."""
        cache = self.core.build_cache
        year = self.as_of.year
        if cache is None:
            return scan_file(path, shown, allow=allow, latest_year=year)
        try:
            content = cache.file_digest(path).decode()
        except OSError:  # unreadable: scan_file says why
            return scan_file(path, shown, allow=allow, latest_year=year)
        # A result that could not read the whole file (a time limit, a reader missing) is not kept: read again.
        found = cache.memo("pii", [content, shown, str(year), *sorted(allow)],
                           lambda: [asdict(f) for f in scan_file(path, shown, allow=allow, latest_year=year)],
                           shape=lambda value: isinstance(value, list) and all(isinstance(f, dict) for f in value),
                           final=lambda value: not any(f["message"].startswith("未能扫描") for f in value))
        return [Finding(**f) for f in found]

    @event_priority(40)  # the body as rendered, before plugins decorate the page
    def on_page_content(self, html, page, config, files):
        """个人信息 in the text a document's page shows, which its source may split with markup (gongkai/checks/pii.py)."""
        doc = self.core.doc_for_page(page) if self.core is not None and self._on("pii") else None
        if doc is None or not html:
            return html
        shown = doc.source or page.file.src_uri
        known = [f.message.split("“", 1)[1].split("”", 1)[0] for f in self.findings
                 if f.check == "pii" and f.file == shown and "“" in f.message]
        allow, year = sorted(self._pii_allow), self.as_of.year
        cache = self.core.build_cache

        def scan():
            return [asdict(f) for f in scan_rendered(html, shown, allow=allow, latest_year=year, known=known)]

        found = cache.memo("pii-shown", [html, shown, str(year), *allow, "\0", *known], scan) if cache else scan()
        self.findings += [Finding(**f) for f in found]
        return html

    # ------------------------------------------------------------------ links, then the report

    def on_env(self, env, config, files):
        """The files the build writes are known now, before any page is written: links resolve against them."""
        if self.core is None or not self._on("links"):
            return env
        core = self.core

        def read(rel: str) -> str | None:  # only files the build did not render itself (rare)
            path = core.output_file(config, rel)
            return path.read_text(encoding="utf-8", errors="replace") if path is not None else None

        included = [f for f in files if f.inclusion.is_included()]
        # Through the core: an output file unchanged from the previous site is not in site_dir until publication.
        self.links = LinkChecker((f.dest_uri for f in included),
                                 exists=lambda rel: core.output_file(config, rel) is not None,
                                 read=read, site_url=config.site_url)
        self._static_html = [f for f in included if not f.is_documentation_page() and f.dest_uri.endswith(".html")]
        return env

    @event_priority(-100)  # last: the HTML exactly as written, after every other plugin changed it
    def on_post_page(self, output, page, config):
        if self.links is not None and output.strip():
            self.links.add_page(page.file.dest_uri, output, cache=self.core.build_cache)
        return output

    @event_priority(-100)
    def on_post_template(self, output_content, template_name, config):
        if self.links is not None and template_name.endswith(".html") and output_content.strip():
            self.links.add_page(template_name, output_content)
        return output_content

    @event_priority(-100)  # after other plugins wrote their files into site_dir; before the core moves the site
    def on_post_build(self, config):
        if self.core is None:
            return
        # The core adds what it finds while pages render (script in a body, docs/security.md) after on_files.
        self.input_problems = [Finding(p.file, p.message, p.line, p.field, p.fix, p.severity, check="input")
                               for p in self.core.problems.items]
        if self.links is not None:
            for file in self._static_html:
                self.links.add_page(file.dest_uri, file.content_string)
            report = self.links.finish()
            self.links = None
            problems = None
            if self.config.check_external:
                problems = check_external(sorted(report.external), timeout=self.config.external_timeout)
            self.external = dict(report.external)
            self.findings += link_findings(report, self.sources, problems)
            log.info(f"链接检查：{report.pages} 个页面，{report.links} 个站内链接，{len(report.external)} 个外部链接"
                     + ("" if self.config.check_external else "（外部链接未访问）"))
        self.findings = apply_severities(mark_pending(self.findings, self.config.live), self.config.severity)
        self._write_reports(config)
        self._report(config)

    @property
    def all_findings(self) -> list[Finding]:
        """Own findings plus the core's input problems, for the reports."""
        return self.input_problems + self.findings

    def _write_reports(self, config) -> None:
        root = site_root(config)
        # CI asks for the reports through the environment, so that a site's mkdocs.yml need not name them and the
        # report comes from the one build that publishes (gongkai/deploy).
        json_path = self.config.report_json or os.environ.get("GONGKAI_CHECK_JSON")
        html_path = self.config.report_html or os.environ.get("GONGKAI_CHECK_HTML")
        if json_path:
            output.write(root / json_path, output.to_json(self.all_findings, self.as_of, self.external))
        if html_path:
            output.write(root / html_path, output.to_html(self.all_findings, self.as_of, self.external))
        if self.config.report_todo:
            output.write(root / self.config.report_todo, output.to_todo(self.all_findings, self.as_of, self.config.live))

    def _report(self, config) -> None:
        errors = [f for f in self.findings if f.severity == "error"]
        warnings = [f for f in self.findings if f.severity == "warning"]
        infos = [f for f in self.findings if f.severity == "info"]
        todo = [f for f in infos if f.todo]
        for f in infos:
            if not f.todo:
                log.debug(f"提示：{f}")
        if todo:  # at INFO: a new site builds strictly while it is being prepared, and the CI log shows the list
            log.info(f"上线前待办 {len(todo)} 项（mkdocs.yml 中 gongkai/checks 的 live: false；改为 live: true 后，"
                     "未完成的各项都是错误，网站不能发布）：\n" + "\n".join(f"  {f}" for f in todo))
        failing = errors + (warnings if self.config.fail_on_warnings else [])
        for f in warnings if not self.config.fail_on_warnings else []:
            log.info(f"警告：{f}")
        # The same count as `gongkai check`: the core's input problems (logged by the core) are findings too.
        log.info(output.console(self.all_findings, self.as_of).splitlines()[0])
        if not failing or not self.raise_on_errors:
            return
        what = "错误" if not warnings or not self.config.fail_on_warnings else "错误和警告"
        message = f"发布前检查发现 {len(failing)} 个{what}：\n" + "\n".join(f"  {f}" for f in failing)
        raise PluginError(message)  # with or without --strict: an error never reaches the public site


def _catalog_numbers(catalog) -> set[str]:
    """Numbers the catalog publishes itself: the site's and every 指南's phone and fax, and the 机构代码."""
    numbers = {catalog.site.phone, catalog.site.site_code}
    for org in catalog.organizations.values():
        numbers |= {org.code, org.guide.phone, org.guide.fax}
    # A field may hold several numbers ("0999-1234567、13800000000"): allow each one.
    return {run for n in numbers if n for run in re.findall(r"\d[\d -]*\d", n)}
