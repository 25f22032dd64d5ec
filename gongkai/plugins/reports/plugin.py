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
from mkdocs.plugins import BasePlugin
from mkdocs.structure.files import Files
from mkdocs.utils import get_relative_url

from ... import templating
from ...documents import derive_summary
from ...model import Document
from ...reports import load_report_text, validate
from ...reports.validate import check_carry_over
from ...reports.model import COLUMN_KIND, YEAR_EXTRA, AnnualReport
from ...reports.render import body_markdown, history_charts, to_csv, to_json
from ..catalog.plugin import active_core
from ...sources import site_root
from ...stages import OnConfig, OnFiles, OnPageContent, OnPageContext, at
from .config import ReportsConfig
from .structure import HistoryPage, ReportEntry, ReportsView

log = logging.getLogger("mkdocs.plugins.gongkai.reports")

STYLE = "assets/reports/reports.css"  # under gongkai/assets/, which the core copies into every site
TOOLBAR = "gongkai/partials/report-toolbar.html"
HISTORY = "lishi"  # URL segment of the history page inside the 年报 column
TOPIC = "综合政务"
PATH_RE = re.compile(r"^(?P<org>[^/]+)/(?P<year>\d{4})\.ya?ml$")


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

    @at(OnConfig.DECLARE)
    def on_config(self, config):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        self.view = ReportsView()
        self.reports = []
        self._toolbar = None
        self.core.sorters[COLUMN_KIND] = self._column_order
        self.core.add_asset(STYLE)
        return config

    @staticmethod
    def _column_order(doc: Document):
        """年报 column: newest report year first (the core sorts custom keys ascending)."""
        year = doc.extra.get(YEAR_EXTRA) if doc.extra else None
        return (-(year or doc.published.year), -doc.published.toordinal(), doc.publisher_id)

    # ------------------------------------------------------------------ files

    @at(OnFiles.REGISTER)  # between the core's document loading and the 解读/征集 linking
    def on_files(self, files: Files, config):
        if self.core is None:
            return files
        catalog, problems = self.core.catalog, self.core.problems
        root = site_root(config)
        docs_dir = Path(config.docs_dir)
        prefix = self.config.reports_dir.strip("/") + "/"

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
            report = load_report_text(file.content_bytes, display, problems, catalog.organizations)
            if report is None:
                if len(problems.errors) == before:  # never drop a file silently
                    problems.add(display, "年报数据未能读取", fix="参照编辑手册“年报和网站工作年度报表”和上一年度的年报文件填写")
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
            # Report pages live inside the 发布主体's own 年报 column: <column>/<year>/ and <column>/lishi/.
            folder = self.core.column_dir(columns[0], org)
            history_src = f"{folder}/{HISTORY}/index.md"
            page = HistoryPage(history_src, "", f"{org.name}政府信息公开工作年度报告历年数据",
                               self.core.crumbs(columns[0], org), organization=org, column=columns[0])
            page.url = self.core.add_page(files, config, history_src, page).url
            for report in reports:
                entry = self._publish(report, org, columns, files, config, folder, page.url)
                if entry is not None:
                    page.entries.append(entry)
            page.charts = [(label, Markup(svg)) for label, svg in history_charts([e.report for e in page.entries],
                                                                                 f"gk-chart-{org_id}")]
            self.view.history[org_id] = page
        return files

    def _publish(self, report: AnnualReport, org, columns, files: Files, config, folder: str,
                 history_url: str) -> ReportEntry | None:
        problems = self.core.problems
        if not org.code:  # a 发布主体 known so far only by its 旧索引号前缀 (import): no 索引号 can be derived
            problems.add(report.source, f"{org.name}还没有机构代码，年报无法编索引号", field="发布机构",
                         fix="在 catalog/organizations.yml 中填写该发布主体的“机构代码”")
            return None
        if report.index_number:
            if org.index_year(report.index_number) is None:
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
        page_file = self.core.add_page(files, config, f"{folder}/{report.year}/index.md", content=body)
        csv_file = self.core.add_page(files, config, f"{folder}/{org.id}-{report.year}-nianbao.csv",
                                      content=to_csv(report))
        json_file = self.core.add_page(files, config, f"{folder}/{org.id}-{report.year}-nianbao.json",
                                       content=to_json(report, org.name))
        summary_source = report.body if report.is_tongjibiao else report.prose.get("一", "")
        doc = Document(
            src_path=page_file.src_uri, title=f"{org.name}{report.year}年政府信息公开工作年度报告",
            column_ids=[c.id for c in columns], publisher_id=org.id, written=report.published,
            published=report.published, index_number=report.index_number, topic=TOPIC,
            keywords=["政府信息公开", "年度报告"], summary=derive_summary(summary_source),
            extra={YEAR_EXTRA: report.year}, body=body, source=report.source)
        self.core.add_document(doc, page_file)
        entry = ReportEntry(report, org, doc, csv_file.url, json_file.url, history_url)
        self.view.by_src[doc.src_path] = entry
        return entry

    # ------------------------------------------------------------------ pages

    @at(OnPageContent.DECORATE)
    def on_page_content(self, html, page, config, files):
        """A report page opens with its format, the print button and the data downloads."""
        entry = self.view.by_src.get(page.file.src_uri)
        if entry is None:
            return html
        if self._toolbar is None:  # page content is rendered before on_env: a theme environment of our own
            self._toolbar = templating.environment(config).get_template(TOOLBAR)
        bar = self._toolbar.render(entry=entry, link=lambda url: get_relative_url(url, page.url))
        return bar + f'<div class="gk-report">{html}</div>'

    @at(OnPageContext.VIEWS)
    def on_page_context(self, context, page, config, nav):
        if self.core is not None:
            context["reports"] = self.view
        return context
