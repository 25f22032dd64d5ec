"""Rendering of an ``AnnualReport``: the statutory tables as HTML (merged header cells as in the national
template), the page body, CSV and JSON downloads, and the build-time SVG charts of the history page."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal
from html import escape

from .formats import (APPLICANT_GROUP, APPLICANTS, FORMAT_2021, FORMAT_NAMES, LEGAL_PERSONS, PROSE_SECTIONS,
                      RECONCILE_NOTE, SECTION_TITLES, TABLE2, TABLE2_FIRST_HEADER, TABLE4_COLUMNS, TABLE4_GROUPS,
                      TONGJIBIAO_COLUMNS, TONGJIBIAO_ROWS, TONGJIBIAO_TITLE, TOP3, LITIGATION, REVIEW)
from .model import KEY_FIGURE_LABELS, KEY_FIGURES, NOT_APPLICABLE, AnnualReport

ABSENT = "—"  # a row the published table did not carry


def fmt(value) -> str:
    """A figure as printed: "/" where not applicable, "—" where absent, decimals in plain notation."""
    if value is None:
        return ABSENT
    if isinstance(value, Decimal):
        return format(value, "f")
    return str(value)


def figure(value):
    """A figure for CSV and JSON: None where absent or not applicable."""
    return None if value is NOT_APPLICABLE else value


def _scroll(table: str, label: str) -> str:
    # The table scrolls inside its own box on a phone; the page itself never scrolls sideways.
    return (f'<div class="gk-scroll gk-report-scroll" role="region" aria-label="{escape(label)}" tabindex="0">'
            f"{table}</div>")


# ---- 二 --------------------------------------------------------------------------------------------------------

def table2_html(report: AnnualReport) -> str:
    blocks = TABLE2[report.format]
    width = max(len(b.columns) for b in blocks)
    out = [f'<table class="gk-report-table gk-report-t2"><caption class="gk-hidden">{SECTION_TITLES["二"]}</caption>']
    for n, block in enumerate(blocks):
        spans = [1] * len(block.columns)
        spans[-1] = width - len(block.columns) + 1
        bid = f"gk-t2-{n}"
        out.append("<tbody>")
        out.append(f'<tr><th colspan="{width + 1}" scope="colgroup" class="gk-report-block" id="{bid}">'
                   f"{block.heading}</th></tr>")
        out.append(f'<tr><th scope="col" id="{bid}-h">{TABLE2_FIRST_HEADER}</th>' + "".join(
            f'<th scope="col" id="{bid}-c{i}"{_span("colspan", s)}>{escape(c.label)}</th>'
            for i, (c, s) in enumerate(zip(block.columns, spans))) + "</tr>")
        for r, row in enumerate(block.rows):
            rid = f"{bid}-r{r}"
            cells = "".join(
                f'<td headers="{bid} {rid} {bid}-c{i}" data-label="{escape(c.label)}"{_span("colspan", s)}>'
                f'{fmt(report.table2.get((row, c.label)))}</td>'
                for i, (c, s) in enumerate(zip(block.columns, spans)))
            out.append(f'<tr><th scope="row" id="{rid}">{escape(row)}</th>{cells}</tr>')
        out.append("</tbody>")
    out.append("</table>")
    return _scroll("".join(out), SECTION_TITLES["二"])


def _span(name: str, n: int) -> str:
    return f' {name}="{n}"' if n > 1 else ""


# ---- 三 --------------------------------------------------------------------------------------------------------

def table3_html(report: AnnualReport) -> str:
    layout = report.table3_layout()
    col_ids = [f"gk-t3-c{i}" for i in range(7)]
    col_headers = {0: "gk-t3-app gk-t3-c0", 6: "gk-t3-app gk-t3-c6"}
    for i in range(1, 6):
        col_headers[i] = f"gk-t3-app gk-t3-legal gk-t3-c{i}"
    head = (
        "<thead>"
        f'<tr><th colspan="3" rowspan="3" scope="col" class="gk-report-note">（{RECONCILE_NOTE}）</th>'
        f'<th colspan="7" scope="colgroup" id="gk-t3-app">{APPLICANT_GROUP}</th></tr>'
        f'<tr><th rowspan="2" scope="col" id="{col_ids[0]}">{APPLICANTS[0]}</th>'
        f'<th colspan="5" scope="colgroup" id="gk-t3-legal">{LEGAL_PERSONS}</th>'
        f'<th rowspan="2" scope="col" id="{col_ids[6]}">{APPLICANTS[6]}</th></tr>'
        "<tr>" + "".join(f'<th scope="col" id="{col_ids[i]}">{APPLICANTS[i]}</th>' for i in range(1, 6)) + "</tr>"
        "</thead>")
    results = [r for r in layout.rows if r.top == "三"]
    group_sizes = {g: len(keys) for g, keys in layout.groups}
    body = ["<tbody>"]
    started_groups: set[str] = set()
    for row in layout.rows:
        rid = f"gk-t3-{row.key.replace('.', '-')}"
        cells_headers = [rid]
        ths = ""
        if row.top != "三":
            ths = f'<th colspan="3" scope="row" id="{rid}">{escape(row.label)}</th>'
        else:
            if row is results[0]:
                ths += (f'<th rowspan="{len(results)}" scope="rowgroup" id="gk-t3-results">'
                        f"{escape(TOP3['三'])}</th>")
            cells_headers.insert(0, "gk-t3-results")
            if row.group:
                gid = f"gk-t3-g{row.key.split('.')[1]}"
                if row.group not in started_groups:
                    started_groups.add(row.group)
                    ths += f'<th rowspan="{group_sizes[row.group]}" scope="rowgroup" id="{gid}">{escape(row.group)}</th>'
                cells_headers.insert(1, gid)
                ths += f'<th scope="row" id="{rid}">{escape(row.label)}</th>'
            else:
                ths += f'<th colspan="2" scope="row" id="{rid}">{escape(row.label)}</th>'
        values = report.table3.get(row.key, [None] * 7)
        tds = "".join(f'<td headers="{" ".join(cells_headers)} {col_headers[i]}">{fmt(v)}</td>'
                      for i, v in enumerate(values))
        cls = ' class="gk-report-total"' if row.key == layout.total_key else ""
        body.append(f"<tr{cls}>{ths}{tds}</tr>")
    body.append("</tbody>")
    table = (f'<table class="gk-report-table gk-report-t3"><caption class="gk-hidden">{SECTION_TITLES["三"]}</caption>'
             f"{head}{''.join(body)}</table>")
    note = ""
    if report.other_as_one_row:
        note = ('\n<p class="gk-report-remark">注：本报告按原报告将“（六）其他处理”列为一行，'
                f"未分列{FORMAT_NAMES[FORMAT_2021]}中的 3 个分项。</p>")
    return _scroll(table, SECTION_TITLES["三"]) + note


# ---- 四 --------------------------------------------------------------------------------------------------------

def table4_html(report: AnnualReport) -> str:
    gids = {"行政复议": "gk-t4-fy", "未经复议直接起诉": "gk-t4-zj", "复议后起诉": "gk-t4-fh"}
    head = ("<thead>"
            f'<tr><th colspan="5" scope="colgroup" id="gk-t4-fy">{REVIEW}</th>'
            f'<th colspan="10" scope="colgroup" id="gk-t4-ss">{LITIGATION}</th></tr>'
            "<tr>" + "".join(f'<th rowspan="2" scope="col" id="gk-t4-fy-{i}">{c}</th>'
                             for i, c in enumerate(TABLE4_COLUMNS))
            + f'<th colspan="5" scope="colgroup" id="gk-t4-zj">{TABLE4_GROUPS[1]}</th>'
            f'<th colspan="5" scope="colgroup" id="gk-t4-fh">{TABLE4_GROUPS[2]}</th></tr>'
            "<tr>" + "".join(f'<th scope="col" id="{gids[g]}-{i}">{c}</th>'
                             for g in TABLE4_GROUPS[1:] for i, c in enumerate(TABLE4_COLUMNS)) + "</tr>"
            "</thead>")
    cells = []
    for group in TABLE4_GROUPS:
        values = report.table4.get(group, [None] * 5)
        parent = "" if group == REVIEW else "gk-t4-ss "
        cells.extend(f'<td headers="{parent}{gids[group]} {gids[group]}-{i}">{fmt(v)}</td>'
                     for i, v in enumerate(values))
    table = (f'<table class="gk-report-table gk-report-t4"><caption class="gk-hidden">{SECTION_TITLES["四"]}</caption>'
             f'{head}<tbody><tr>{"".join(cells)}</tr></tbody></table>')
    return _scroll(table, SECTION_TITLES["四"])


# ---- the 统计表 ----------------------------------------------------------------------------------------------------

def tongjibiao_html(report: AnnualReport) -> str:
    rows = []
    for row in TONGJIBIAO_ROWS:
        absent = row.id in report.absent
        value = ABSENT if absent else "——" if row.heading else fmt(report.tongjibiao.get(row.id))
        cls = f"gk-report-l{row.level}" + (" gk-report-heading" if row.heading else "") + \
            (" gk-report-absent" if absent else "")
        rows.append(f'<tr class="{cls}"><th scope="row">{escape(row.label)}</th>'
                    f"<td>{ABSENT if absent else row.unit}</td><td>{value}</td></tr>")
    head = "<thead><tr>" + "".join(f'<th scope="col">{c}</th>' for c in TONGJIBIAO_COLUMNS) + "</tr></thead>"
    table = (f'<table class="gk-report-table gk-report-old"><caption>{TONGJIBIAO_TITLE}</caption>{head}'
             f'<tbody>{"".join(rows)}</tbody></table>')
    note = ""
    if report.absent:
        note = f'\n<p class="gk-report-remark">注：标“{ABSENT}”的指标，原报告的统计表中没有这一行。</p>'
    return _scroll(table, TONGJIBIAO_TITLE) + note


def sic_html(report: AnnualReport) -> str:
    """原文如此: the report is shown as published; its known inconsistencies are named before the text."""
    if not report.sic:
        return ""
    items = "".join(f"<li><strong>{escape(n.where)}</strong>：{escape(n.note)}</li>" for n in report.sic)
    return ('<div class="gk-report-sic" role="note"><p><strong>原文如此</strong>：本报告按发布时的原文照录，'
            f"以下数据与国家格式的勾稽关系不符，未作改动：</p><ul>{items}</ul></div>\n\n")


# ---- the page body -----------------------------------------------------------------------------------------------

def body_markdown(report: AnnualReport) -> str:
    """The report as Markdown with the tables as raw HTML blocks, in the order of the national format."""
    if report.is_tongjibiao:
        return f"{sic_html(report)}{report.body}\n\n## 附：{TONGJIBIAO_TITLE}\n\n{tongjibiao_html(report)}\n"
    tables = {"二": table2_html, "三": table3_html, "四": table4_html}
    parts = [sic_html(report)] if report.sic else []
    for section, title in SECTION_TITLES.items():
        parts.append(f"## {title}\n")
        if section in PROSE_SECTIONS:
            parts.append(report.prose.get(section, "").strip() + "\n")
        else:
            parts.append(tables[section](report) + "\n")
    return "\n".join(parts)


# ---- downloads ---------------------------------------------------------------------------------------------------

def rows(report: AnnualReport):
    """(表格, 项目, 列, 单位, 数值) for every figure of the report, in table order."""
    if report.is_tongjibiao:
        for row in TONGJIBIAO_ROWS:
            if not row.heading:
                yield TONGJIBIAO_TITLE, row.label, "统计数", row.unit, report.tongjibiao.get(row.id)
        return
    for block in TABLE2[report.format]:
        for row in block.rows:
            for column in block.columns:
                unit = "万元" if "万元" in column.label else ""
                yield "二", f"{block.heading} · {row}", column.label, unit, figure(report.table2.get((row, column.label)))
    for row in report.table3_layout().rows:
        label = f"{row.group} · {row.label}" if row.group else row.label
        for column, value in zip(APPLICANTS, report.table3.get(row.key, [None] * 7)):
            yield "三", label, column, "件", value
    for group in TABLE4_GROUPS:
        label = group if group == REVIEW else f"{LITIGATION} · {group}"
        for column, value in zip(TABLE4_COLUMNS, report.table4.get(group, [None] * 5)):
            yield "四", label, column, "件", value


def to_csv(report: AnnualReport) -> str:
    """UTF-8 CSV with a BOM, so that spreadsheet programs in Chinese locales open it correctly."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["表格", "项目", "列", "单位", "数值"])
    for table, item, column, unit, value in rows(report):
        writer.writerow([table, item, column, unit, "" if value is None else fmt(value)])
    return "\ufeff" + buffer.getvalue()


def _json_number(value):
    value = figure(value)
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_data(report: AnnualReport, org_name: str = "") -> dict:
    data = {"发布机构": report.org_id, "发布机构名称": org_name, "年度": report.year,
            "发布日期": report.published.isoformat(), "索引号": report.index_number, "格式": FORMAT_NAMES[report.format]}
    if report.sic:
        data["原文如此"] = {n.where: n.note for n in report.sic}
    if report.is_tongjibiao:
        data[TONGJIBIAO_TITLE] = {row.label: {"单位": row.unit, "统计数": _json_number(report.tongjibiao.get(row.id))}
                                  for row in TONGJIBIAO_ROWS if not row.heading}
        return data
    data[SECTION_TITLES["二"]] = {
        block.heading: {row: {c.label: _json_number(report.table2.get((row, c.label))) for c in block.columns}
                        for row in block.rows} for block in TABLE2[report.format]}
    data[SECTION_TITLES["三"]] = {
        "列": list(APPLICANTS),
        "行": {(f"{r.group} · {r.label}" if r.group else r.label): report.table3.get(r.key)
              for r in report.table3_layout().rows}}
    data[SECTION_TITLES["四"]] = {group: dict(zip(TABLE4_COLUMNS, report.table4.get(group, [])))
                                  for group in TABLE4_GROUPS}
    return data


def to_json(report: AnnualReport, org_name: str = "") -> str:
    return json.dumps(to_data(report, org_name), ensure_ascii=False, indent=2) + "\n"


# ---- history chart -------------------------------------------------------------------------------------------------

def bar_chart(chart_id: str, title: str, points: list[tuple[str, object]], marked: set[str] = frozenset()) -> str:
    """A small inline SVG bar chart, drawn at build time: one bar per year, its value written above it. A label in
    ``marked`` (a report archived 原文如此) is drawn with a * and described as such.

    No colour carries meaning; the figures are also in the table next to the charts."""
    bar, gap, left, top, height = 36, 18, 8, 22, 120
    width = left * 2 + len(points) * (bar + gap) - gap
    values = [v for _, v in points if v is not None]
    peak = max([float(v) for v in values] + [1.0])
    desc = "；".join(f"{label}年{'（原文如此）' if label in marked else ''}：{fmt(v)}" for label, v in points)
    out = [f'<svg class="gk-chart" viewBox="0 0 {width} {top + height + 26}" width="{width}" height="{top + height + 26}"'
           f' role="img" aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
           f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(desc)}</desc>',
           f'<line x1="{left - 4}" y1="{top + height}" x2="{width - left + 4}" y2="{top + height}" class="gk-chart-axis"/>']
    for n, (label, value) in enumerate(points):
        x = left + n * (bar + gap)
        if value is not None:
            h = round(float(value) / peak * height) if float(value) > 0 else 0
            out.append(f'<rect x="{x}" y="{top + height - h}" width="{bar}" height="{max(h, 1)}" class="gk-chart-bar"/>')
            y = top + height - h - 5
        else:
            y = top + height - 5
        out.append(f'<text x="{x + bar / 2}" y="{y}" text-anchor="middle" class="gk-chart-value">{fmt(value)}</text>')
        out.append(f'<text x="{x + bar / 2}" y="{top + height + 18}" text-anchor="middle" class="gk-chart-label">'
                   f"{escape(label)}{'*' if label in marked else ''}</text>")
    out.append("</svg>")
    return "".join(out)


def history_charts(reports: list[AnnualReport], prefix: str = "gk-chart") -> list[tuple[str, str]]:
    """(figure label, SVG) for each key figure, years oldest first."""
    ordered = sorted(reports, key=lambda r: r.year)
    marked = {str(r.year) for r in ordered if r.sic}  # archived 原文如此: its figures do not all agree
    charts = []
    for n, name in enumerate(KEY_FIGURES):
        points = [(str(r.year), r.key_figures()[name]) for r in ordered]
        charts.append((KEY_FIGURE_LABELS[name], bar_chart(f"{prefix}-{n}", KEY_FIGURE_LABELS[name], points, marked)))
    return charts
