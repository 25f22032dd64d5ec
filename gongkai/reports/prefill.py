"""The 二 figures the site itself knows, as a draft report file (`gongkai report-prefill`, gongkai/commands/).

The site knows its own 规章 and 行政规范性文件 (文件类型), their 成文日期 and their 有效性 over time (施行日期,
废止日期, 失效日期, gongkai.validity); from them it counts 本年制发, 本年废止 and 现行有效 as of 31 December of the
report year (2021 format) or 本年新制作 / 本年新公开 / 对外公开总数量 (2019 format). The draft carries
``草稿: true``, so the build does not publish it before an editor has checked every figure.

The command gives the documents as the build loads them (the site's plugins, up to the model-ready stage).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import IN_FORCE_STATES, Document
from ..validity import repealed_in, status_on
from .formats import FORMAT_2019, FORMAT_2021, TABLE3, format_for_year
from .formats import plain as plain_label

KINDS_2021 = {"规章": "规章", "行政规范性文件": "行政规范性文件"}  # table row → Document.kind
KINDS_2019 = {"规章": "规章", "规范性文件": "行政规范性文件"}


@dataclass
class Figures:
    """The 第二十条第（一）项 rows of table 二 and the documents behind each count."""

    format: str
    rows: dict[str, list[int]] = field(default_factory=dict)
    repealed: dict[str, list[Document]] = field(default_factory=dict)  # row → documents abolished in the year
    undated: dict[str, list[Document]] = field(default_factory=dict)  # row → marked 废止 without a 废止日期
    made: dict[str, list[Document]] = field(default_factory=dict)  # row → documents made in the year


def count(documents: list[Document], org_id: str, year: int) -> Figures:
    """Count one 发布主体's 规章 and 行政规范性文件 for the report on ``year``."""
    fmt = format_for_year(year)
    if fmt not in (FORMAT_2021, FORMAT_2019):
        raise ValueError(f"{year} 年度的年报采用旧版统计表，没有可预填的第二部分")
    end = dt.date(year, 12, 31)
    figures = Figures(fmt)
    for row, kind in (KINDS_2021 if fmt == FORMAT_2021 else KINDS_2019).items():
        mine = [d for d in documents if d.publisher_id == org_id and d.kind == kind]
        made = [d for d in mine if d.written.year == year]
        figures.made[row] = made
        if fmt == FORMAT_2021:
            figures.rows[row] = table_row(mine, year)
            # 有效性 written without a 废止日期: proposed as abolished in the year, listed for the editor to strike
            # those abolished earlier (and to add the date).
            figures.repealed[row] = [d for d in mine if repealed_in(d, year)]
            figures.undated[row] = [d for d in mine if repealed_in(d, year) is None and d.published <= end]
        else:
            published_in_year = [d for d in mine if d.published.year == year]
            published_total = [d for d in mine if d.published <= end]
            figures.rows[row] = [len(made), len(published_in_year), len(published_total)]
    return figures


def table_row(documents: list[Document], year: int) -> list[int]:
    """[本年制发, 本年废止, 现行有效] of one kind's documents, as of 31 December of ``year`` (2021 format).

    现行有效 counts what was in force that day (有效 or 已修改（仍有效）): a file abolished in the next year still
    counts, one not yet in force does not. A 废止 written without a date counts as abolished in the year."""
    end = dt.date(year, 12, 31)
    made = sum(1 for d in documents if d.written.year == year)
    repealed = sum(1 for d in documents if d.published <= end and repealed_in(d, year) is not False)
    in_force = sum(1 for d in documents if d.written <= end and status_on(d, end) in IN_FORCE_STATES)
    return [made, repealed, in_force]


def draft_yaml(org_id: str, org_name: str, year: int, figures: Figures) -> str:
    """A complete draft report file: 二 counted, everything else left for the editor, marked 草稿."""
    lines = [f"# {org_name}{year}年政府信息公开工作年度报告 —— 由 gongkai report-prefill 于 {dt.date.today()} 生成的草稿。",
             "# 第二部分“第二十条第（一）项”按网站已发布的文件统计，其余数字为 0，请逐项核对、补全；",
             "# 核对完毕后删去“草稿: true”一行，年报才会发布。格式说明见编辑手册“年报和网站工作年度报表”。",
             "草稿: true", f"发布机构: {org_id}", f"年度: {year}",
             f"发布日期: {year + 1}-01-15   # 请改为实际发布日期（部门 1 月 31 日前，人民政府 3 月 31 日前）",
             "一: |", "  （待填写：总体情况。）", "二:"]
    for row, values in figures.rows.items():
        lines.append(f"  {row}: [{', '.join(map(str, values))}]")
        for doc in figures.made.get(row, []):
            lines.append(f"  #   本年制发：{doc.title}（{doc.doc_number or doc.index_number}，成文 {doc.written}）")
        for doc in figures.repealed.get(row, []):
            lines.append(f"  #   本年废止：{doc.title}（{doc.doc_number or doc.index_number}，{doc.timeline.repealed} 起）")
        for doc in figures.undated.get(row, []):
            lines.append(f"  #   标注废止但没有废止日期：{doc.title}（{doc.doc_number or doc.index_number}）"
                         "—— 若非本年废止，请从废止件数中减去，并在该文件中补写废止日期和废止依据")
    if figures.format == FORMAT_2021:
        lines += ["  行政许可: 0", "  行政处罚: 0", "  行政强制: 0", "  行政事业性收费: 0   # 单位：万元"]
    else:
        lines += ["  行政许可: [0, 0, 0]", "  其他对外管理服务事项: [0, 0, 0]", "  行政处罚: [0, 0, 0]",
                  "  行政强制: [0, 0, 0]", "  行政事业性收费: [0, 0]", "  政府集中采购: [0, 0]"]
    lines.append("三:   # 每行 7 个数：自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计；全为 0 可写 0")
    layout = TABLE3[figures.format]
    group = None
    for row in layout.rows:
        if row.top != "三":
            lines.append(f"  {plain_label(row.label)}: 0")
            continue
        if row is layout.rows[2]:
            lines.append("  本年度办理结果:")
        if row.group and row.group != group:
            group = row.group
            lines.append(f"    {plain_label(group)}:")
        indent = "      " if row.group else "    "
        lines.append(f"{indent}{plain_label(row.label)}: 0")
    lines += ["四:   # 每项 5 个数：结果维持、结果纠正、其他结果、尚未审结、总计", "  行政复议: 0", "  未经复议直接起诉: 0",
              "  复议后起诉: 0", "五: |", "  （待填写：存在的主要问题及改进情况。）", "六: |"]
    if figures.format == FORMAT_2021:
        lines.append("  （待填写：其他需要报告的事项。须写明收取信息处理费的件数和金额，或“本年度未收取信息处理费”。）")
    else:
        lines.append("  （待填写：其他需要报告的事项。）")
    return "\n".join(lines) + "\n"
