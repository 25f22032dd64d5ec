"""Checks of a loaded ``AnnualReport``: every invariant of the national format, the 信息处理费 statement and the
publication deadline. Each failure names the table, row and column, the expected and the found value."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problems
from .formats import APPLICANTS, FORMAT_2021, OLD_ROWS, TABLE3, TABLE4_COLUMNS, TABLE4_GROUPS, TOP3
from .model import AnnualReport

# 条例（2019）第四十九条: 部门 by 31 January, the 人民政府 by 31 March. A 乡镇（街道） is a 人民政府 (or its 派出机关),
# not a 部门, so it follows the 人民政府 date; an 其他单位 (法律法规授权的组织) reports like a 部门.
DEFAULT_DEADLINES = {"人民政府": "03-31", "乡镇（街道）": "03-31", "政府部门": "01-31", "其他单位": "01-31"}
# 条例（2008）第三十一条: every report on 2008–2018 was due by 31 March.
OLD_DEADLINE = "03-31"
PLACEHOLDER = "（待填写"
APPLICATIONS_RE = re.compile(r"(?:新收|收到)[^。；;，,\n]{0,20}?申请\s*(\d+)\s*[件份个]")
FEE_RE = re.compile(r"信息处理费")
FEE_STATED_RE = re.compile(r"信息处理费[^。；;\n]*?(\d|未|没有|无|不)|(\d|未|没有|无|不)[^。；;\n]*?信息处理费")


def deadline(report: AnnualReport, org_kind: str, rules: dict[str, str] | None = None) -> dt.date:
    """The last day the report on ``report.year`` may be published."""
    if report.year <= 2018:
        month_day = OLD_DEADLINE
    else:
        month_day = (rules or DEFAULT_DEADLINES).get(org_kind) or DEFAULT_DEADLINES.get(org_kind, "01-31")
    month, day = (int(x) for x in month_day.split("-"))
    return dt.date(report.year + 1, month, day)


def validate(report: AnnualReport, problems: Problems, *, org_kind: str | None = None,
             rules: dict[str, str] | None = None) -> None:
    """Add a Problem for every failed check."""
    check = _Checker(report, problems)
    check.placeholders()
    check.prose_figures()
    if report.is_old:
        check.old()
    else:
        check.table3()
        check.table4()
        if report.format == FORMAT_2021:
            check.fee_statement()
    if org_kind is not None:
        check.deadline(org_kind, rules)


class _Checker:
    def __init__(self, report: AnnualReport, problems: Problems):
        self.r = report
        self.problems = problems

    def err(self, field: str, message: str, line_key: str | None = None, fix: str | None = None,
            severity: str = "error"):
        self.problems.add(self.r.source, message, line=self.r.line(line_key) if line_key else None, field=field,
                          fix=fix, severity=severity)

    def placeholders(self) -> None:
        """A prefilled draft's “（待填写……）” text must not reach the public."""
        texts = {"正文": self.r.body} if self.r.is_old else self.r.prose
        for section, text in texts.items():
            if PLACEHOLDER in text:
                self.err(section, f"仍有待填写的占位文字“{PLACEHOLDER}……）”", section,
                         fix="把占位文字换成实际内容")

    def prose_figures(self) -> None:
        """The prose's “收到申请 N 件” should be the table's figure (what evaluators compare); a warning, as the
        prose may count differently on purpose."""
        text = self.r.body if self.r.is_old else self.r.prose.get("一", "")
        table = self.r.old.get("收到申请数") if self.r.is_old else (self.r.table3.get("一") or [None] * 7)[6]
        match = APPLICATIONS_RE.search(text)
        if match and table is not None and int(match.group(1)) != table:
            where = "正文" if self.r.is_old else "一"
            row = "统计表 · （一）收到申请数" if self.r.is_old else "三 · 一、本年新收政府信息公开申请数量 · 总计列"
            self.err(where, f"文字写收到申请 {match.group(1)} 件 但 {row} = {table}", where, severity="warning",
                     fix="核对文字与表格中的申请数")

    # ---- 三 ---------------------------------------------------------------------------------------------

    def table3(self) -> None:
        layout = TABLE3[self.r.format]
        t = self.r.table3
        if any(row.key not in t for row in layout.rows):
            return  # the loader already named the missing rows
        for row in layout.rows:
            values = t[row.key]
            if sum(values[:6]) != values[6]:
                label = f"{row.group} · {row.label}" if row.group else row.label
                self.err(f"三 · {label}", f"{'+'.join(APPLICANTS[:6])} = {sum(values[:6])} 但 总计 = {values[6]}",
                         row.key, fix="总计列应等于自然人与五类法人或其他组织之和")
        for group, keys in layout.groups:
            given = self.r.subtotals3.get(group)
            if given is None:
                continue
            for i, column in enumerate(APPLICANTS):
                total = sum(t[k][i] for k in keys)
                if total != given[i]:
                    self.err(f"三 · {group} · {column}列", f"各分项之和 = {total} 但 小计 = {given[i]}",
                             f"小计.{group}", fix=f"核对“{group}”的各分项或小计")
        for i, column in enumerate(APPLICANTS):
            results = sum(t[k][i] for k in layout.results)
            total = t[layout.total_key][i]
            if results != total:
                self.err(f"三 · （七）总计 · {column}列", f"（一）至（六）之和 = {results} 但 （七）总计 = {total}",
                         layout.total_key, fix="（七）总计应等于（一）予以公开至（六）其他处理各项之和")
            incoming = t["一"][i] + t["二"][i]
            outgoing = total + t["四"][i]
            if incoming != outgoing:
                self.err(f"三 · {column}列", f"一+二 = {incoming} 但 三（七）总计+四 = {outgoing}", "三",
                         fix=f"本列数据的勾稽关系：{TOP3['一']}加{TOP3['二']}，等于（七）总计加{TOP3['四']}")

    # ---- 四 ---------------------------------------------------------------------------------------------

    def table4(self) -> None:
        for group in TABLE4_GROUPS:
            values = self.r.table4.get(group)
            if values is None:
                continue
            if sum(values[:4]) != values[4]:
                self.err(f"四 · {group}", f"{'+'.join(TABLE4_COLUMNS[:4])} = {sum(values[:4])} 但 总计 = {values[4]}",
                         f"四.{group}", fix="总计应等于结果维持、结果纠正、其他结果、尚未审结四项之和")

    # ---- 六 ---------------------------------------------------------------------------------------------

    def fee_statement(self) -> None:
        text = self.r.prose.get("六", "")
        if not FEE_RE.search(text):
            self.err("六", "未说明收取信息处理费的情况：应写明收费的件数和金额，或未收取信息处理费", "六",
                     fix="依据《政府信息公开信息处理费管理办法》（国办函〔2020〕109号），在“六、其他需要报告的事项”"
                         "中写明，例如“本年度未收取信息处理费。”")
        elif not FEE_STATED_RE.search(text):
            self.err("六", "提到了信息处理费，但没有写明收费件数和金额，也没有写明未收取", "六",
                     fix="例如“本年度共收取信息处理费2件，合计金额0.02万元。”或“本年度未收取信息处理费。”")

    # ---- 发布日期 ----------------------------------------------------------------------------------------

    def deadline(self, org_kind: str, rules) -> None:
        last = deadline(self.r, org_kind, rules)
        published = self.r.published
        if published < dt.date(self.r.year + 1, 1, 1):
            self.err("发布日期", f"{self.r.year}年度报告应在该年度结束后发布 但 发布日期 = {published}", "发布日期",
                     fix="核对发布日期和年度：年度是报告所述的年份，发布日期在其次年")
        elif published > last:
            basis = "条例（2008）第三十一条" if self.r.year <= 2018 else "条例第四十九条"
            severity = "warning" if self.r.late_reason else "error"
            self.err("发布日期", f"{org_kind}的{self.r.year}年度报告应于 {last} 前发布（{basis}） 但 发布日期 = {published}",
                     "发布日期", severity=severity,
                     fix="按期发布；已逾期发布的历史年报如实保留发布日期，并填写“逾期说明”")

    # ---- the old 统计表 ----------------------------------------------------------------------------------

    def old(self) -> None:
        o = self.r.old
        if any(not row.heading and row.id not in o for row in OLD_ROWS):
            return
        by_id = {row.id: row for row in OLD_ROWS}
        sums: dict[str, list] = {}
        for row in OLD_ROWS:
            if row.relation == "sum":
                sums.setdefault(row.parent_id, []).append(row)
            elif row.relation == "subset" and o[row.id] > o[row.parent_id]:
                parent = by_id[row.parent_id]
                self.err(f"统计表 · {row.label}", f"其中项 = {o[row.id]} 大于 {parent.label} = {o[row.parent_id]}",
                         f"统计表.{row.id}", fix="“其中”项是上一行的一部分，不能大于上一行")
        for parent_id, children in sums.items():
            total = sum(o[c.id] for c in children)
            if total != o[parent_id]:
                parent = by_id[parent_id]
                names = "+".join(c.key for c in children)
                self.err(f"统计表 · {parent.label}", f"{names} = {total} 但 {parent.key} = {o[parent_id]}",
                         f"统计表.{parent_id}", fix="分项之和应等于合计")


def check_carry_over(previous: AnnualReport, current: AnnualReport, problems: Problems) -> None:
    """This year's 上年结转 is last year's 结转下年度继续办理 (both in the 2019/2021 formats): a warning, since a
    report may correct last year's figure."""
    if previous.is_old or current.is_old or current.year != previous.year + 1:
        return
    before, now = previous.table3.get("四"), current.table3.get("二")
    if before is None or now is None or before[6] == now[6]:
        return
    problems.add(current.source, f"{previous.year}年度“结转下年度继续办理” = {before[6]} 但 本年度"
                 f"“上年结转政府信息公开申请数量” = {now[6]}", line=current.line("二"),
                 field="三 · 二、上年结转政府信息公开申请数量 · 总计列", severity="warning",
                 fix=f"核对两年的数据（{previous.source}）")
