"""The 年报 plugin: 政府信息公开工作年度报告 from YAML data, checked, rendered as the national template, and
placed in each 发布主体's 年报 column through the core plugin's API (docs/architecture.md).

Each report file is parsed once (``gongkai.reports.loader``) into an ``AnnualReport``; the plugin registers one
``Document`` per report with the core, so the report appears in the 年报 column, the 目录, search and checks like
any other document, and adds a history page and CSV/JSON downloads per 发布主体.
"""

from __future__ import annotations

import logging
import re
from collections import defaultdict
from pathlib import Path

from markupsafe import Markup
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import File, Files
from mkdocs.utils import get_relative_url

from ... import templating
from ...documents import derive_summary
from ...model import Document
from ...reports import load_report_text, validate
from ...reports.validate import check_carry_over
from ...reports.model import AnnualReport
from ...reports.render import body_markdown, history_charts, to_csv, to_json
from .config import ReportsConfig
from .structure import Crumb, HistoryPage, ReportEntry, ReportsView

log = logging.getLogger("mkdocs.plugins.gongkai.reports")

ASSETS = Path(__file__).resolve().parents[2] / "assets" / "reports"
STYLE = "assets/reports/reports.css"  # the URL the core would give it too, so it is not copied twice
TOOLBAR = "gongkai/partials/report-toolbar.html"
COLUMN_KIND = "年报"
HISTORY = "lishi"  # URL segment of the history page inside the 年报 column
TOPIC = "综合政务"
PATH_RE = re.compile(r"^(?P<org>[^/]+)/(?P<year>\d{4})\.ya?ml$")
MONTH_DAY_RE = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def derived_index(code: str, report: AnnualReport) -> str:
    """索引号 of a report without one: 机构代码/发布年份-9 followed by the report year, e.g. 999000001/2024-92023.

    The 9 prefix keeps it clear of the usual small 流水号 of other documents; the result is stable across builds."""
    return f"{code}/{report.published.year}-9{report.year}"


class ReportsPlugin(BasePlugin[ReportsConfig]):
    """政府信息公开工作年度报告 (AnnualReport): pages, checks, history and downloads."""

    def __init__(self):
        self.core = None
        self.view = ReportsView()
        self.reports: list[AnnualReport] = []
        self._toolbar = None

    # ------------------------------------------------------------------ configuration

    def on_config(self, config):
        if not self.config.enabled:
            return
        self.core = config.plugins.get("gongkai/catalog")
        if self.core is None:
            raise PluginError("gongkai/reports 需要核心插件 gongkai/catalog：在 mkdocs.yml 的 plugins 中"
                              "把 gongkai/catalog 写在 gongkai/reports 之前")
        for kind, month_day in self.config.deadlines.items():
            if not MONTH_DAY_RE.match(str(month_day)):
                raise PluginError(f"gongkai/reports: deadlines · {kind}: “{month_day}”应写成“MM-DD”，例如 \"01-31\"")
        self.view = ReportsView()
        self.reports = []
        self._toolbar = None
        self.core.sorters[COLUMN_KIND] = self._column_order
        if STYLE not in [str(x) for x in config.extra_css]:
            config.extra_css.append(STYLE)
        return config

    @staticmethod
    def _column_order(doc: Document):
        """年报 column: newest report year first (the core sorts custom keys ascending)."""
        year = doc.extra.get("年报年度") if doc.extra else None
        return (-(year or doc.published.year), -doc.published.toordinal(), doc.publisher_id)

    # ------------------------------------------------------------------ files

    def on_files(self, files: Files, config):
        if not self.config.enabled or self.core is None or self.core.catalog is None:
            return files
        catalog, problems = self.core.catalog, self.core.problems
        root = Path(config.config_file_path).parent
        docs_dir = Path(config.docs_dir)
        prefix = self.config.reports_dir.strip("/") + "/"
        # Report pages live inside the 发布主体's own 年报 column: <section>/<org>/<column path>/<year>/ (a source
        # path, which the core's URL helpers do not give, so it is built from the core's section setting).
        section = getattr(self.core.config, "section", "xxgk")

        loaded: dict[tuple[str, int], AnnualReport] = {}
        for file in list(files):
            if not file.src_uri.startswith(prefix) or not file.src_uri.endswith((".yml", ".yaml")):
                continue
            files.remove(file)  # the data is published as CSV/JSON and as the page, never as raw YAML
            try:
                display = str((docs_dir / file.src_uri).relative_to(root))
            except ValueError:
                display = file.src_uri
            before = len(problems.errors)
            report = load_report_text(file.content_string, display, problems, catalog.organizations)
            if report is None:
                if len(problems.errors) == before:  # never drop a file silently
                    problems.add(display, "年报数据未能读取", fix="参照 docs/reports.md 的示例填写")
                continue
            match = PATH_RE.match(file.src_uri[len(prefix):])
            if not match or match["org"] != report.org_id or int(match["year"]) != report.year:
                problems.add(display, f"文件应放在 {prefix}{report.org_id}/{report.year}.yml（发布机构/年度.yml）",
                             field="发布机构", line=report.lines.get("发布机构"),
                             fix="按发布机构和年度移动或重命名该文件，或改正文件中的“发布机构”“年度”")
                continue
            org = catalog.organizations[report.org_id]
            if report.draft:
                problems.add(display, f"{org.name}{report.year}年度年报是草稿（草稿: true），本次未发布",
                             line=report.lines.get("草稿"), field="草稿",
                             fix="核对全部数据和文字后删去“草稿: true”一行", severity="warning")
                continue
            validate(report, problems, org_kind=org.kind, rules=self.config.deadlines)
            if (report.org_id, report.year) in loaded:
                problems.add(display, f"{org.name}{report.year}年度的年报重复", fix="每个发布主体每年只有一份年报")
                continue
            loaded[(report.org_id, report.year)] = report

        by_org: dict[str, list[AnnualReport]] = defaultdict(list)
        for report in sorted(loaded.values(), key=lambda r: (r.org_id, r.year)):
            by_org[report.org_id].append(report)
        for org_id, reports in by_org.items():
            org = catalog.organizations[org_id]
            columns = [c for c in catalog.walk() if c.kind == COLUMN_KIND and c.applies(org)]
            if not columns:
                problems.add(reports[0].source, f"{org.name}（{org.kind}）没有适用的“年报”类型栏目，年报无处发布",
                             field="发布机构", fix="在 catalog/columns.yml 中增加类型为“年报”、适用于该发布主体类型的栏目")
                continue
            for previous, current in zip(reports, reports[1:]):
                check_carry_over(previous, current, problems)
            if self.config.check_gaps:
                years = {r.year for r in reports}
                missing = [y for y in range(min(years), max(years)) if y not in years]
                if missing:
                    problems.add(f"{prefix}{org_id}/", f"{org.name}缺少 {'、'.join(map(str, missing))} 年度的年报",
                                 fix="年报栏目应保留历年年报：补上缺少年度的数据文件", severity="warning")
            folder = f"{section}/{org_id}/{columns[0].path}"
            history_src = f"{folder}/{HISTORY}/index.md"
            history_file = File.generated(config, history_src, content=(
                "---\ntemplate: gongkai/report-history.html\n"
                f"title: {org.name}政府信息公开工作年度报告历年数据\nsearch:\n  exclude: true\n---\n"))
            files.append(history_file)
            entries = []
            for report in reports:
                entry = self._publish(report, org, columns, files, config, folder, history_file.url)
                if entry is not None:
                    entries.append(entry)
            page = HistoryPage(history_src, history_file.url, f"{org.name}政府信息公开工作年度报告历年数据", org,
                               columns[0], entries,
                               [(label, Markup(svg)) for label, svg in history_charts([e.report for e in entries],
                                                                                       f"gk-chart-{org_id}")])
            self.view.history[org_id] = page
        if files.get_file_from_path(STYLE) is None:
            files.append(File.generated(config, STYLE, abs_src_path=str(ASSETS / "reports.css")))
        return files

    def _publish(self, report: AnnualReport, org, columns, files: Files, config, folder: str,
                 history_url: str) -> ReportEntry | None:
        problems = self.core.problems
        if report.index_number:
            if not re.fullmatch(re.escape(org.code) + r"/\d{4}-\d+", report.index_number):
                problems.add(report.source, f"索引号“{report.index_number}”应为“{org.code}/年份-流水号”（{org.name}的机构代码）",
                             line=report.lines.get("索引号"), field="索引号",
                             fix=f"改正，或删去该字段由系统生成（{derived_index(org.code, report)}）")
                return None
        else:
            report.index_number = derived_index(org.code, report)
        other = self.core.document_by_index(report.index_number)
        if other is not None:
            problems.add(report.source, f"索引号“{report.index_number}”与 {other.source or other.src_path} 重复",
                         line=report.lines.get("索引号"), field="索引号", fix="索引号全站唯一：在年报数据中写明另一个索引号")
            return None
        self.reports.append(report)
        body = body_markdown(report)
        page_file = File.generated(config, f"{folder}/{report.year}/index.md", content=body)
        files.append(page_file)
        csv_file = File.generated(config, f"{folder}/{org.id}-{report.year}-nianbao.csv", content=to_csv(report))
        json_file = File.generated(config, f"{folder}/{org.id}-{report.year}-nianbao.json",
                                   content=to_json(report, org.name))
        files.append(csv_file)
        files.append(json_file)
        summary_source = report.body if report.is_old else report.prose.get("一", "")
        doc = Document(
            src_path=page_file.src_uri, title=f"{org.name}{report.year}年政府信息公开工作年度报告",
            column_ids=[c.id for c in columns], publisher_id=org.id, written=report.published,
            published=report.published, index_number=report.index_number, topic=TOPIC,
            keywords=["政府信息公开", "年度报告"], summary=derive_summary(summary_source),
            extra={"年报年度": report.year}, body=body, source=report.source)
        self.core.add_document(doc, page_file)
        entry = ReportEntry(report, org, doc, csv_file.url, json_file.url, history_url)
        self.view.by_src[doc.src_path] = entry
        return entry

    # ------------------------------------------------------------------ pages

    def on_page_content(self, html, page, config, files):
        """A report page opens with its format, the print button and the data downloads."""
        entry = self.view.by_src.get(page.file.src_uri)
        if entry is None:
            return html
        if self._toolbar is None:  # page content is rendered before on_env: a theme environment of our own
            self._toolbar = templating.environment(config).get_template(TOOLBAR)
        bar = self._toolbar.render(entry=entry, link=lambda url: get_relative_url(url, page.url))
        return bar + f'<div class="gk-report">{html}</div>'

    def on_page_context(self, context, page, config, nav):
        if self.core is None:
            return context
        context["reports"] = self.view
        history = next((h for h in self.view.history.values() if h.src_uri == page.file.src_uri), None)
        if history is not None:
            section = context.get("gongkai")
            crumbs = [Crumb("政府信息公开", section.section_url)] if section is not None else []
            crumbs.append(Crumb(history.organization.name, self.core.org_url(history.organization)))
            if history.column is not None:
                crumbs.append(Crumb(history.column.name,
                                    self.core.column_url(history.column, history.organization)))
            history.breadcrumbs = crumbs
            context["listing"] = history
            context["breadcrumbs"] = crumbs
        return context

