"""Checks of a loaded ``AnnualReport``: every invariant of the national format, the 信息处理费 statement and the
publication deadline. Each failure names the table, row and column, the expected and the found value."""

from __future__ import annotations

import datetime as dt
import re

from ..errors import Problem, Problems
from .formats import (APPLICANTS, AT_MOST, FORMAT_2021, SUBSET, SUM, TABLE4_COLUMNS, TABLE4_GROUPS, TONGJIBIAO_ROWS,
                      TOP3, normalise)
from .model import AnnualReport, SicNote

# 条例（2019）第四十九条: 部门 by 31 January, the 人民政府 by 31 March. A 乡镇（街道） is a 人民政府 (or its 派出机关),
# not a 部门, so it follows the 人民政府 date; an 其他单位 (法律法规授权的组织) reports like a 部门.
DEFAULT_DEADLINES = {"人民政府": "03-31", "乡镇（街道）": "03-31", "政府部门": "01-31", "其他单位": "01-31"}
# 条例（2008）第三十一条: every report on 2008–2018 was due by 31 March.
TONGJIBIAO_DEADLINE = "03-31"
PLACEHOLDER = "（待填写"

# How real reports state the applications received, in one clause: "新收/收到/受理/接到…申请 N 件",
# "收到 N 件…申请", "…申请共（计）N 件". Clauses about 复议, 诉讼 or 结转 are not the year's new applications.
_CLAUSE = r"[^。；;，,！!？?\n]"
_RECEIVE = r"(?:新收|收到|受理|接到|接收)"
APPLICATION_RES = (
    re.compile(_RECEIVE + _CLAUSE + r"{0,20}?申请" + _CLAUSE + r"{0,6}?(\d+)\s*[件份]"),
    re.compile(_RECEIVE + _CLAUSE + r"{0,6}?(\d+)\s*[件份]" + _CLAUSE + r"{0,12}?申请"),
    re.compile(r"申请" + _CLAUSE + r"{0,8}?共计?\s*(\d+)\s*[件份]"),
)
NOT_NEW_APPLICATIONS = re.compile(r"复议|诉讼|结转")
# "主动公开…N 条" in the prose of a 统计表-format report, against （一）主动公开政府信息数; a 其中 figure is not it.
PUBLISHED_RE = re.compile(r"主动公开" + _CLAUSE + r"{0,12}?(\d+)\s*条")
NOT_PUBLISHED_TOTAL = re.compile(r"其中|规范性文件")
FEE_RE = re.compile(r"信息处理费")
FEE_STATED_RE = re.compile(r"信息处理费[^。；;\n]*?(\d|未|没有|无|不)|(\d|未|没有|无|不)[^。；;\n]*?信息处理费")


def deadline_for(year: int, org_kind: str, rules: dict[str, str] | None = None) -> dt.date:
    """The last day a 发布主体 of ``org_kind`` may publish its report on ``year``."""
    if year <= 2018:
        month_day = TONGJIBIAO_DEADLINE
    else:
        month_day = (rules or DEFAULT_DEADLINES).get(org_kind) or DEFAULT_DEADLINES.get(org_kind, "01-31")
    month, day = (int(x) for x in str(month_day).split("-"))
    return dt.date(year + 1, month, day)


def deadline(report: AnnualReport, org_kind: str, rules: dict[str, str] | None = None) -> dt.date:
    """The last day the report on ``report.year`` may be published."""
    return deadline_for(report.year, org_kind, rules)


def validate(report: AnnualReport, problems: Problems, *, org_kind: str | None = None,
             rules: dict[str, str] | None = None) -> None:
    """Add a Problem for every failed check. Findings on the figures and the prose may be covered by the report's
    原文如此 notes (kept as published, reported as warnings); placeholders and the deadline never are."""
    Checks(report, problems).placeholders()
    found = Problems()
    check = Checks(report, found)
    check.prose_figures()
    if report.is_tongjibiao:
        check.tongjibiao()
    else:
        check.table3()
        check.table4()
        if report.format == FORMAT_2021:
            check.fee_statement()
    apply_sic(report, found.items, problems)
    if org_kind is not None:
        Checks(report, problems).deadline(org_kind, rules)


SIC_HINT = ("若原报告就是这样印的（照录已发布的年报），不要改动数字，在“原文如此:”下加一行“{where}: 原报告如何印、为何照录”，"
            "页面会注明“原文如此”")


def _segments(where: str) -> list[str]:
    return [normalise(part) for part in re.split(r"[·・]", where) if part.strip()]


def covers(note: SicNote, finding: Problem) -> bool:
    """A note covers a finding when its position is the finding's field or a leading part of it."""
    mine, theirs = _segments(note.where), _segments(finding.field or "")
    return bool(mine) and theirs[:len(mine)] == mine


def apply_sic(report: AnnualReport, findings: list[Problem], problems: Problems) -> None:
    used: set[int] = set()
    for finding in findings:
        note = next((n for n in report.sic if covers(n, finding)), None)
        if note is not None:
            used.add(id(note))
            finding.severity = "warning"
            finding.message = f"原文如此：{finding.message}（说明：{note.note}）"
            finding.fix = "已按原报告照录，页面注明“原文如此”；如原报告并非如此，改正数据并删去“原文如此”中的这一条"
        elif finding.severity == "error":
            # An editor archiving a published report must not be told only to alter its figures.
            finding.fix = (f"{finding.fix}；" if finding.fix else "") + SIC_HINT.format(where=finding.field)
        problems.items.append(finding)
    for note in report.sic:
        if id(note) not in used:
            problems.add(report.source, f"“原文如此”所列“{note.where}”处的数据没有不一致，页面上的说明会误导读者",
                         line=note.line, field=f"原文如此 · {note.where}",
                         fix="删去这一条；或把位置改为构建提示中冒号前的部分，例如“四 · 行政复议”")


class Checks:
    def __init__(self, report: AnnualReport, problems: Problems):
        self.r = report
        self.problems = problems

    def err(self, field: str, message: str, line_key: str | None = None, fix: str | None = None,
            severity: str = "error", line: int | None = None):
        self.problems.add(self.r.source, message, line=line or (self.r.line(line_key) if line_key else None),
                          field=field, fix=fix, severity=severity)

    def placeholders(self) -> None:
        """A prefilled draft's “（待填写……）” text must not reach the public."""
        texts = {"正文": self.r.body} if self.r.is_tongjibiao else self.r.prose
        for section, text in texts.items():
            if PLACEHOLDER in text:
                self.err(section, f"仍有待填写的占位文字“{PLACEHOLDER}……）”", section,
                         fix="把占位文字换成实际内容")

    # ---- prose against the tables ------------------------------------------------------------------------

    def _text_line(self, section: str, text: str, at: int) -> int | None:
        first = self.r.lines.get(f"{section}:1")
        return first + text[:at].count("\n") if first else self.r.line(section)

    def prose_figures(self) -> None:
        """The prose's applications received (and, in a 统计表 report, items published) should be the table's
        figures, as evaluators compare them: a warning naming both, as the prose may count differently on purpose."""
        section = "正文" if self.r.is_tongjibiao else "一"
        text = self.r.body if self.r.is_tongjibiao else self.r.prose.get("一", "")
        if self.r.is_tongjibiao:
            table = self.r.tongjibiao.get("收到申请数")
            row = "统计表 · （一）收到申请数"
        else:
            table = (self.r.table3.get("一") or [None] * 7)[6]
            row = "三 · 一、本年新收政府信息公开申请数量 · 总计列"
        matches = [m for pattern in APPLICATION_RES for m in pattern.finditer(text)
                   if not NOT_NEW_APPLICATIONS.search(m.group(0))]
        if matches and table is not None:
            first = min(matches, key=lambda m: m.start())
            self._compare(section, text, first, "件", table, row)
        if self.r.is_tongjibiao and self.r.tongjibiao.get("主动公开政府信息数") is not None:
            published = [m for m in PUBLISHED_RE.finditer(text) if not NOT_PUBLISHED_TOTAL.search(m.group(0))]
            if published:
                self._compare(section, text, published[0], "条", self.r.tongjibiao["主动公开政府信息数"],
                              "统计表 · （一）主动公开政府信息数")

    def _compare(self, section, text, match, unit, table, row) -> None:
        said = int(match.group(1))
        if said != table:
            self.err(section, f"文字“{match.group(0)}”写 {said} {unit} 但 {row} = {table}", severity="warning",
                     line=self._text_line(section, text, match.start()), fix="核对文字与表格中的数字")

    # ---- 三 ---------------------------------------------------------------------------------------------

    def table3(self) -> None:
        layout = self.r.table3_layout()
        t = self.r.table3
        if any(row.key not in t for row in layout.rows):
            return  # the loader already named the missing rows
        for row in layout.rows:
            values = t[row.key]
            if sum(values[:6]) != values[6]:
                label = f"{row.group} · {row.label}" if row.group else row.label
                self.err(f"三 · {label}", f"{'+'.join(APPLICANTS[:6])} = {sum(values[:6])} 但 总计 = {values[6]}",
                         f"三/{row.key}", fix="总计列应等于自然人与五类法人或其他组织之和")
        for group, keys in layout.groups:
            given = self.r.subtotals3.get(group)
            if given is None:
                continue
            for i, column in enumerate(APPLICANTS):
                total = sum(t[k][i] for k in keys)
                if total != given[i]:
                    self.err(f"三 · {group} · {column}列", f"各分项之和 = {total} 但 小计 = {given[i]}",
                             f"三/小计.{group}", fix=f"核对“{group}”的各分项或小计")
        for i, column in enumerate(APPLICANTS):
            results = sum(t[k][i] for k in layout.results)
            total = t[layout.total_key][i]
            if results != total:
                self.err(f"三 · （七）总计 · {column}列", f"（一）至（六）之和 = {results} 但 （七）总计 = {total}",
                         f"三/{layout.total_key}", fix="（七）总计应等于（一）予以公开至（六）其他处理各项之和")
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
                         f"四/{group}", fix="总计应等于结果维持、结果纠正、其他结果、尚未审结四项之和")

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

    # ---- the 统计表 ----------------------------------------------------------------------------------------

    def tongjibiao(self) -> None:
        """Sums and bounds between rows; a relation with a row the published table did not carry is skipped."""
        o = self.r.tongjibiao
        if any(not row.heading and row.id not in o and row.id not in self.r.absent for row in TONGJIBIAO_ROWS):
            return
        by_id = {row.id: row for row in TONGJIBIAO_ROWS}
        sums: dict[str, list] = {}
        for row in TONGJIBIAO_ROWS:
            if row.relation == SUM:
                sums.setdefault(row.parent_id, []).append(row)
            elif row.relation in (SUBSET, AT_MOST) and row.id in o and row.parent_id in o \
                    and o[row.id] > o[row.parent_id]:
                parent = by_id[row.parent_id]
                if row.relation == SUBSET:
                    message, fix = f"其中项 = {o[row.id]} 大于 {parent.label} = {o[row.parent_id]}", \
                        "“其中”项是上一行的一部分，不能大于上一行"
                else:
                    message, fix = f"{row.key} = {o[row.id]} 大于 {parent.key} = {o[row.parent_id]}", \
                        f"同一信息通过多个渠道公开时在“{parent.label}”中只计 1 条，任一渠道的条数都不能大于它"
                self.err(f"统计表 · {row.label}", message, f"统计表/{row.id}", fix=fix)
        for parent_id, children in sums.items():
            if parent_id not in o or any(c.id not in o for c in children):
                continue
            total = sum(o[c.id] for c in children)
            if total != o[parent_id]:
                parent = by_id[parent_id]
                names = "+".join(c.key for c in children)
                self.err(f"统计表 · {parent.label}", f"{names} = {total} 但 {parent.key} = {o[parent_id]}",
                         f"统计表/{parent_id}", fix="分项之和应等于合计")


def check_carry_over(previous: AnnualReport, current: AnnualReport, problems: Problems) -> None:
    """This year's 上年结转 is last year's 结转下年度继续办理 (both in the 2019/2021 formats): a warning, since a
    report may correct last year's figure."""
    if previous.is_tongjibiao or current.is_tongjibiao or current.year != previous.year + 1:
        return
    before, now = previous.table3.get("四"), current.table3.get("二")
    if before is None or now is None or before[6] == now[6]:
        return
    problems.add(current.source, f"{previous.year}年度“结转下年度继续办理” = {before[6]} 但 本年度"
                 f"“上年结转政府信息公开申请数量” = {now[6]}", line=current.line("三/二"),
                 field="三 · 二、上年结转政府信息公开申请数量 · 总计列", severity="warning",
                 fix=f"核对两年的数据（{previous.source}）")
