"""年报: a 发布主体 without last year's 政府信息公开工作年度报告 after its deadline (条例第四十九条).

Reports are documents in a column of kind 年报: registered by the reports plugin (with the report year in
``extra``) or written by editors as Markdown (the year is read from the title, "2025年…年度报告"). The deadline
rule, the column kind and the year key have one owner, ``gongkai.reports`` (docs/domain.md); the checks plugin
passes the reports plugin's ``deadlines`` setting when that plugin is configured.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from typing import Iterable

from ..model import Catalog, Document
from ..reports import COLUMN_KIND, YEAR_EXTRA, deadline_for
from .blank import _catalog_file
from ..errors import Problem

YEAR_RE = re.compile(r"((?:19|20)\d{2})\s*年")


def report_year(doc: Document) -> int | None:
    year = doc.extra.get(YEAR_EXTRA) if doc.extra else None
    if isinstance(year, int):
        return year
    m = YEAR_RE.search(doc.title)
    return int(m.group(1)) if m else None


def check_annual_reports(catalog: Catalog, documents: Iterable[Document], as_of: dt.date,
                         deadlines: dict[str, str] | None = None) -> list[Problem]:
    columns = [c for c in catalog.walk() if c.kind == COLUMN_KIND]
    if not columns:
        return [Problem("catalog/columns.yml", "主动公开基本目录中没有“年报”类型的栏目", check="nianbao",
                        severity="warning", fix="增加类型为“年报”的栏目（政府信息公开工作年度报告）")]
    ids = {c.id for c in columns}
    years: dict[str, dict[int, Document]] = defaultdict(dict)
    for doc in documents:
        if ids.intersection(doc.column_ids):
            year = report_year(doc)
            if year:
                years[doc.publisher_id][year] = doc
    last_year = as_of.year - 1
    findings = []
    for org in catalog.organizations.values():
        mine = [c for c in columns if c.applies(org)]
        if not mine:
            continue
        due = deadline_for(last_year, org.kind, deadlines)
        if as_of <= due:
            continue
        report = years[org.id].get(last_year)
        file, line = _catalog_file(mine[0])
        if report is None:
            findings.append(Problem(
                file, f"{org.name}未发布 {last_year} 年度政府信息公开工作年度报告（应于 {due} 前发布，"
                      f"截至 {as_of} 已逾期 {(as_of - due).days} 天）", line=line, field=f"栏目 {mine[0].id} · {org.id}",
                check="nianbao", severity="warning",
                fix=f"按国家格式编写并发布 {last_year} 年度年报（gongkai/reports：content/reports/{org.id}/{last_year}.yml）"))
        elif report.published > due:
            findings.append(Problem(
                report.source or report.src_path, f"{org.name} {last_year} 年度年报发布于 {report.published}，"
                f"晚于 {due}", field="发布日期", check="nianbao", severity="warning",
                fix="年报应在法定期限内发布（条例第四十九条）"))
    return findings


NORMATIVE_ROW = "行政规范性文件"
NORMATIVE_COLUMNS = ("本年制发件数", "本年废止件数", "现行有效件数")


def check_normative_row(reports, documents: Iterable[Document]) -> list[Problem]:
    """The 2021 table's 行政规范性文件 row against the site's own 行政规范性文件 (their dates, gongkai.validity).

    Compared only for years the site was publishing the 发布主体's 行政规范性文件 (from the first one's year on): 本年制发
    and 本年废止 exactly; 现行有效 only when the report has fewer, since files older than the site may be missing
    from it. A difference means a wrong statutory figure or a 行政规范性文件 missing from the site (第二十条)."""
    from ..reports.prefill import table_row

    documents = list(documents)
    first: dict[str, int] = {}
    for doc in documents:
        if doc.kind == NORMATIVE_ROW:
            first[doc.publisher_id] = min(first.get(doc.publisher_id, doc.published.year), doc.published.year)
    findings = []
    for report in reports:
        if report.format != "2021" or report.org_id not in first or report.year < first[report.org_id]:
            continue
        written = [report.table2.get((NORMATIVE_ROW, c)) for c in NORMATIVE_COLUMNS]
        if not all(isinstance(n, int) for n in written):
            continue
        mine = [d for d in documents if d.publisher_id == report.org_id and d.kind == NORMATIVE_ROW]
        counted = table_row(mine, report.year)
        differ = [f"{c} {w} 件，本站按日期计 {n} 件" for c, w, n, exact in
                  zip(NORMATIVE_COLUMNS, written, counted, (True, True, False)) if (w != n if exact else w < n)]
        if differ:
            findings.append(Problem(
                report.source, f"{report.year}年度年报“{NORMATIVE_ROW}”一行与本站发布的文件不符：{'；'.join(differ)}",
                line=report.lines.get(f"二/{NORMATIVE_ROW}"), field=f"二 · {NORMATIVE_ROW}", check="nianbao",
                severity="warning",
                fix="核对年报数字；或在本站补发缺少的行政规范性文件、补写施行日期和废止日期（gongkai report-prefill 可重新计算）"))
    return findings
