"""年报: labels against the national templates, every invariant with a failing fixture and its exact message, the deadline
rule, a real published report, rendering, downloads and prefill."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gongkai import yamlutil
from gongkai.errors import Problems
from gongkai.model import Document
from gongkai.reports import deadline, load_report_text, validate
from gongkai.reports.formats import (APPLICANT_GROUP, APPLICANTS, LEGAL_PERSONS, LITIGATION, RECONCILE_NOTE, TABLE2,
                                     TABLE2_FIRST_HEADER, TABLE3, TABLE4_COLUMNS, TABLE4_GROUPS, TONGJIBIAO_ROWS,
                                     format_for_year)
from gongkai.reports.prefill import count, draft_yaml
from gongkai.reports.render import body_markdown, history_charts, table2_html, table3_html, table4_html, to_csv, to_json

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
HANYANG = FIXTURES / "hanyang-2022.yml"
VALID_2021 = FIXTURES / "valid-2021.yml"
VALID_2019 = FIXTURES / "valid-2019.yml"
VALID_OLD = FIXTURES / "valid-2016.yml"


def load(text: str, name: str = "reports/2023.yml", kind: str | None = "政府部门"):
    problems = Problems()
    report = load_report_text(text, name, problems)
    if report is not None:
        validate(report, problems, org_kind=kind)
    return report, problems


def messages(problems: Problems) -> list[str]:
    return [str(p) for p in problems.items]


# ---- labels: the national templates, character for character -----------------------------------------------------
# tests/fixtures/reports/national-formats.yml is a separate transcription of the templates' labels; formats.py must
# match it exactly.

TEMPLATES = yamlutil.load((FIXTURES / "national-formats.yml").read_text(encoding="utf-8"), "national-formats.yml")


def layout_rows(fmt: str) -> list[str]:
    """Our table 三 rows in print order, with the group headings the template prints as their own lines."""
    out, seen = [], set()
    for row in TABLE3[fmt].rows:
        if row.top == "三" and "三、本年度办理结果" not in seen:
            seen.add("三、本年度办理结果")
            out.append("三、本年度办理结果")
        if row.group and row.group not in seen:
            seen.add(row.group)
            out.append(row.group)
        out.append(row.label)
    return out


def template_table3_rows(fmt: str) -> list[str]:
    """The template's table 三 rows; the 2019 format has （六）其他处理 as one row, without its three sub-rows."""
    rows = list(TEMPLATES["三"]["2021"])
    if fmt == "2019":
        other = rows.index("（六）其他处理")
        del rows[other + 1:other + 4]
    return rows


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_table3_rows_match_the_template(fmt):
    assert layout_rows(fmt) == template_table3_rows(fmt)
    assert len(template_table3_rows(fmt)) == (30 if fmt == "2021" else 27)


def test_table3_columns_and_note_match_the_template():
    t3 = TEMPLATES["三"]
    assert list(APPLICANTS) == t3["列"]
    assert (APPLICANT_GROUP, LEGAL_PERSONS) == (t3["列组"], t3["法人列组"])
    assert RECONCILE_NOTE == t3["勾稽说明"]


@pytest.mark.parametrize("fmt", ["2021", "2019"])
def test_table2_labels_match_the_template(fmt):
    ours = [{"项": b.heading, "列": [c.label for c in b.columns], "行": list(b.rows)} for b in TABLE2[fmt]]
    assert ours == TEMPLATES["二"][fmt]
    assert TABLE2_FIRST_HEADER == TEMPLATES["二"]["首列"]


def test_rendered_table2_2019_labels():
    report, _ = load(VALID_2019.read_text(encoding="utf-8"), kind="人民政府")
    ths = [(c[1], c[3]) for c in cells(table2_html(report)) if c[0] == "th"]
    assert ths == [
        ("第二十条第（一）项", 4), ("信息内容", 1), ("本年新制作数量", 1), ("本年新公开数量", 1), ("对外公开总数量", 1),
        ("规章", 1), ("规范性文件", 1),
        ("第二十条第（五）项", 4), ("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1),
        ("行政许可", 1), ("其他对外管理服务事项", 1),
        ("第二十条第（六）项", 4), ("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1),
        ("行政处罚", 1), ("行政强制", 1),
        ("第二十条第（八）项", 4), ("信息内容", 1), ("上一年项目数量", 1), ("本年增/减", 2), ("行政事业性收费", 1),
        ("第二十条第（九）项", 4), ("信息内容", 1), ("采购项目数量", 1), ("采购总金额", 2), ("政府集中采购", 1)]
    tds = [c[1] for c in cells(table2_html(report)) if c[0] == "td"]
    assert tds[6:9] == ["310", "-12", "1450"] and tds[-2:] == ["45", "1234.5"]


def test_table4_labels_match_the_template():
    assert list(TABLE4_GROUPS) == TEMPLATES["四"]["组"]
    assert list(TABLE4_COLUMNS) == TEMPLATES["四"]["列"]
    assert LITIGATION == "行政诉讼" and set(TEMPLATES["四"]["上级"].values()) == {LITIGATION}


def test_format_follows_the_year():
    assert [format_for_year(y) for y in (2008, 2018, 2019, 2020, 2021, 2025)] == \
        ["统计表", "统计表", "2019", "2019", "2021", "2021"]


class Cells(HTMLParser):
    """Header cells of rendered tables: (text, rowspan, colspan, scope) in document order."""

    def __init__(self):
        super().__init__()
        self.cells, self._cell = [], None

    def handle_starttag(self, tag, attrs):
        if tag in ("th", "td"):
            a = dict(attrs)
            self._cell = [tag, "", int(a.get("rowspan", 1)), int(a.get("colspan", 1)), a.get("scope"), a.get("headers")]

    def handle_data(self, data):
        if self._cell is not None:
            self._cell[1] += data

    def handle_endtag(self, tag):
        if tag in ("th", "td") and self._cell is not None:
            self.cells.append(tuple(self._cell))
            self._cell = None


def cells(html: str):
    parser = Cells()
    parser.feed(html)
    return parser.cells


@pytest.mark.parametrize("fixture,fmt", [(VALID_2021, "2021"), (VALID_2019, "2019")])
def test_rendered_table3_has_every_template_row_in_order_with_merged_cells(fixture, fmt):
    report, problems = load(fixture.read_text(encoding="utf-8"), kind="人民政府")
    assert not problems.items
    ths = [c for c in cells(table3_html(report)) if c[0] == "th"]
    texts = [c[1] for c in ths]
    note = f"（{RECONCILE_NOTE}）"
    assert texts[:10] == [note, "申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构",
                          "社会公益组织", "法律服务机构", "其他"]
    assert ths[0][2:4] == (3, 3)  # the 勾稽 note spans three rows and the three label columns
    assert [t for t in texts[10:]] == template_table3_rows(fmt)
    results = next(c for c in ths if c[1] == "三、本年度办理结果")
    assert results[2] == (22 if fmt == "2021" else 20)
    withheld = next(c for c in ths if c[1] == "（三）不予公开")
    assert withheld[2] == 8 and withheld[4] == "rowgroup"
    # every figure cell names its row and column headers
    tds = [c for c in cells(table3_html(report)) if c[0] == "td"]
    assert len(tds) == 7 * (25 if fmt == "2021" else 23) and all(c[5] for c in tds)


def test_rendered_table2_and_table4_labels():
    report, _ = load(VALID_2021.read_text(encoding="utf-8"))
    t2 = [c[1] for c in cells(table2_html(report)) if c[0] == "th"]
    assert t2 == ["第二十条第（一）项", "信息内容", "本年制发件数", "本年废止件数", "现行有效件数", "规章", "行政规范性文件",
                  "第二十条第（五）项", "信息内容", "本年处理决定数量", "行政许可",
                  "第二十条第（六）项", "信息内容", "本年处理决定数量", "行政处罚", "行政强制",
                  "第二十条第（八）项", "信息内容", "本年收费金额（单位：万元）", "行政事业性收费"]
    t4 = [(c[1], c[2], c[3]) for c in cells(table4_html(report)) if c[0] == "th"]
    assert t4[:2] == [("行政复议", 1, 5), ("行政诉讼", 1, 10)]
    assert t4[2:7] == [(c, 2, 1) for c in TABLE4_COLUMNS]
    assert t4[7:9] == [("未经复议直接起诉", 1, 5), ("复议后起诉", 1, 5)]
    assert [t[0] for t in t4[9:]] == list(TABLE4_COLUMNS) * 2


def test_rendered_old_table_lists_every_indicator_with_its_unit():
    report, problems = load(VALID_OLD.read_text(encoding="utf-8"))
    assert not problems.items
    html = body_markdown(report)
    rows = [c for c in cells(html)]
    labels = [c[1] for c in rows if c[0] == "th" and c[4] == "row"]
    assert labels == [r.label for r in TONGJIBIAO_ROWS]
    assert "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）" in labels
    assert "<caption>政府信息公开情况统计表</caption>" in html


def test_body_has_the_six_sections_in_order():
    report, _ = load(VALID_2021.read_text(encoding="utf-8"))
    body = body_markdown(report)
    heads = re.findall(r"^## (.+)$", body, re.M)
    assert heads == ["一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
                     "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项"]


# ---- invariants: one failing fixture each, with the exact message -----------------------------------------------

BASE = VALID_2021.read_text(encoding="utf-8")


def mutate(old: str, new: str, text: str = BASE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_valid_fixtures_pass():
    for fixture in (VALID_2021, VALID_2019, VALID_OLD):
        report, problems = load(fixture.read_text(encoding="utf-8"), kind="人民政府")
        assert report is not None and messages(problems) == []


def test_total_column_is_the_sum_of_the_applicants():
    text = mutate("本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 57]", "本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 58]")
    _, problems = load(text)
    assert "reports/2023.yml:16: 三 · 一、本年新收政府信息公开申请数量: 自然人+商业企业+科研机构+社会公益组织+法律服务机构+其他 = 57 " \
           "但 总计 = 58（修改方法：总计列应等于自然人与五类法人或其他组织之和；若原报告就是这样印的（照录已发布的年报），" \
           "不要改动数字，在“原文如此:”下加一行“三 · 一、本年新收政府信息公开申请数量: 原报告如何印、为何照录”，页面会注明“原文如此”）" \
           in messages(problems)


def test_every_sum_hint_says_how_to_keep_a_published_report_as_printed():
    """Archiving a published report with an arithmetic error: the fix offers 原文如此, not only altering the figures."""
    text = mutate("本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 57]", "本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 58]")
    _, problems = load(text)
    sums = [p for p in problems.errors if " = " in p.message]
    assert sums and all("“原文如此:”下加一行“" + p.field + ": " in p.fix for p in sums)


def test_results_total_is_the_sum_of_the_results():
    text = mutate("予以公开: [20, 4, 0, 1, 1, 1, 27]", "予以公开: [21, 4, 0, 1, 1, 1, 28]")
    _, problems = load(text)
    found = [(p.field, p.message) for p in problems.items]
    assert ("三 · （七）总计 · 自然人列", "（一）至（六）之和 = 37 但 （七）总计 = 36") in found
    assert ("三 · （七）总计 · 总计列", "（一）至（六）之和 = 52 但 （七）总计 = 51") in found
    assert len(found) == 2


def test_reconciliation_of_each_column():
    """The issue's example: 一+二 = 57 但 三（七）总计+四 = 55."""
    text = mutate("结转下年度继续办理: [6, 1, 0, 0, 1, 0, 8]", "结转下年度继续办理: [4, 1, 0, 0, 1, 0, 6]")
    _, problems = load(text)
    found = [(p.field, p.message) for p in problems.items]
    assert found == [("三 · 自然人列", "一+二 = 42 但 三（七）总计+四 = 40"),
                     ("三 · 总计列", "一+二 = 59 但 三（七）总计+四 = 57")]
    assert str(problems.items[1]).startswith("reports/2023.yml:15: 三 · 总计列: 一+二 = 59 但 三（七）总计+四 = 57（")


def test_group_subtotal_when_written():
    text = mutate("    不予公开:\n", "    不予公开:\n      小计: [3, 1, 0, 0, 0, 0, 4]\n")
    _, problems = load(text)
    found = [(p.field, p.message) for p in problems.items]
    assert found == [("三 · （三）不予公开 · 自然人列", "各分项之和 = 4 但 小计 = 3"),
                     ("三 · （三）不予公开 · 总计列", "各分项之和 = 5 但 小计 = 4")]


def test_table4_totals():
    text = mutate("行政复议: [1, 1, 0, 0, 2]", "行政复议: [1, 1, 0, 1, 2]")
    _, problems = load(text)
    assert [(p.field, p.message) for p in problems.items] == [
        ("四 · 行政复议", "结果维持+结果纠正+其他结果+尚未审结 = 3 但 总计 = 2")]


def test_counts_are_non_negative_integers():
    text = mutate("部分公开: [5, 1, 0, 0, 0, 0, 6]", "部分公开: [5, 1, -1, 0, 0, 1.5, 6]")
    report, problems = load(text)
    assert report is None
    assert [(p.field, p.message) for p in problems.items] == [
        ("三 · （二）部分公开（区分处理的，只计这一情形，不计其他情形） · 科研机构列", "应为非负整数，实际是数字 -1"),
        ("三 · （二）部分公开（区分处理的，只计这一情形，不计其他情形） · 其他列", "应为非负整数，实际是数字 1.5")]


def test_blank_is_not_zero():
    text = mutate("行政强制: 0", "行政强制:")
    _, problems = load(text)
    assert [(p.field, p.message) for p in problems.items] == [("二 · 行政强制 · 本年处理决定数量列", "应为非负整数，实际是空白")]


def test_fee_amount_is_a_non_negative_decimal():
    report, problems = load(mutate("行政事业性收费: 12.35", "行政事业性收费: -3"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("二 · 行政事业性收费 · 本年收费金额（单位：万元）列", "应为非负数（单位：万元），实际是数字 -3")]
    report, problems = load(BASE)
    assert str(report.table2[("行政事业性收费", "本年收费金额（单位：万元）")]) == "12.35"


def test_change_may_be_negative_in_the_2019_format():
    report, problems = load(VALID_2019.read_text(encoding="utf-8"), kind="人民政府")
    assert report.table2[("行政许可", "本年增/减")] == -12
    text = mutate("行政许可: [310, -12, 1450]", "行政许可: [-310, -12, 1450]", VALID_2019.read_text(encoding="utf-8"))
    _, problems = load(text, kind="人民政府")
    assert [(p.field, p.message) for p in problems.items] == [("二 · 行政许可 · 上一年项目数量列", "应为非负整数，实际是数字 -310")]


def test_fee_statement_required_in_the_2021_format():
    _, problems = load(mutate("本年度未收取信息处理费。", "本年度无其他需要报告的事项。"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("六", "未说明收取信息处理费的情况：应写明收费的件数和金额，或未收取信息处理费")]
    _, problems = load(mutate("本年度未收取信息处理费。", "关于信息处理费，按规定执行。"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("六", "提到了信息处理费，但没有写明收费件数和金额，也没有写明未收取")]
    _, problems = load(mutate("本年度未收取信息处理费。", "本年度收取信息处理费2件，合计0.02万元。"))
    assert messages(problems) == []


def test_fee_statement_not_required_in_the_2019_format():
    text = VALID_2019.read_text(encoding="utf-8")
    assert "信息处理费" not in text
    _, problems = load(text, kind="人民政府")
    assert messages(problems) == []


def test_row_shapes_and_names():
    _, problems = load(mutate("上年结转政府信息公开申请数量: [2, 0, 0, 0, 0, 0, 2]", "上年结转政府信息公开申请数量: [2, 0, 2]"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("三 · 二、上年结转政府信息公开申请数量", "应为 7 个数（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计），填写了 3 个")]
    _, problems = load(mutate("      重复申请: 0\n", "      重复的申请: 0\n"))
    found = [(p.field, p.message) for p in problems.items]
    assert ("三", "不认识的行“不予处理 · 重复的申请”，相近的有：重复申请") in found
    assert ("三", "缺少“（五）不予处理 · 2.重复申请”行") in found


def test_2019_other_row_is_one_row():
    text = VALID_2019.read_text(encoding="utf-8")
    text = mutate("    其他处理: [1, 0, 0, 0, 0, 0, 1]\n",
                  "    其他处理:\n      申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请: [1, 0, 0, 0, 0, 0, 1]\n",
                  text)
    _, problems = load(text, kind="人民政府")
    assert ("三", "不认识的行“其他处理 · 申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请”（2019 格式的“（六）其他处理”只有一行，不分 1、2、3 项）") in \
        [(p.field, p.message) for p in problems.items]


def test_old_table_sums_and_subsets():
    text = VALID_OLD.read_text(encoding="utf-8")
    text = mutate("    网络申请数: 61", "    网络申请数: 60", text)
    text = mutate("    主要负责同志参加新闻发布会次数: 5", "    主要负责同志参加新闻发布会次数: 30", text)
    text = mutate("    兼职人员数: 3", "    兼职人员数: 4", text)
    _, problems = load(text, kind="人民政府")
    assert [(p.field, p.message) for p in problems.items] == [
        ("统计表 · 其中：主要负责同志参加新闻发布会次数", "其中项 = 30 大于 1.参加或举办新闻发布会总次数 = 18"),
        ("统计表 · （一）收到申请数", "当面申请数+传真申请数+网络申请数+信函申请数 = 103 但 收到申请数 = 104"),
        ("统计表 · （三）从事政府信息公开工作人员数", "专职人员数+兼职人员数 = 6 但 从事政府信息公开工作人员数 = 5")]


def test_old_table_review_counts():
    text = mutate("    维持具体行政行为数: 2", "    维持具体行政行为数: 1", VALID_OLD.read_text(encoding="utf-8"))
    _, problems = load(text, kind="人民政府")
    assert [(p.field, p.message) for p in problems.items] == [
        ("统计表 · 四、行政复议数量", "维持具体行政行为数+被依法纠错数+其他情形数 = 2 但 行政复议数量 = 3")]


def test_strict_keys():
    _, problems = load(BASE + "统计表: {}\n")
    assert [(p.field, p.message) for p in problems.items] == [
        ("统计表", "不认识的字段“统计表”（“正文”“统计表”“未列”只用于 2018 年度以前的统计表格式）")]


# ---- 发布日期 and the deadline ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind,published,late", [
    ("政府部门", "2024-01-31", False), ("政府部门", "2024-02-01", True),
    ("人民政府", "2024-03-31", False), ("人民政府", "2024-04-01", True),
    ("乡镇（街道）", "2024-03-31", False), ("乡镇（街道）", "2024-04-01", True),
    ("其他单位", "2024-01-31", False), ("其他单位", "2024-02-01", True),
])
def test_deadline_by_organization_kind(kind, published, late):
    text = mutate("发布日期: 2024-01-20", f"发布日期: {published}")
    _, problems = load(text, kind=kind)
    last = "2024-01-31" if kind in ("政府部门", "其他单位") else "2024-03-31"
    expected = [("发布日期", f"{kind}的2023年度报告应于 {last} 前发布（条例第四十九条） 但 发布日期 = {published}")]
    assert [(p.field, p.message) for p in problems.items] == (expected if late else [])


def test_deadline_before_2019_was_31_march_for_everyone():
    report, problems = load(VALID_OLD.read_text(encoding="utf-8"), kind="政府部门")
    assert report.published == dt.date(2017, 3, 24) and messages(problems) == []
    assert deadline(report, "政府部门") == dt.date(2017, 3, 31)
    text = mutate("发布日期: 2017-03-24", "发布日期: 2017-04-05", VALID_OLD.read_text(encoding="utf-8"))
    _, problems = load(text, kind="政府部门")
    assert [(p.field, p.message) for p in problems.items] == [
        ("发布日期", "政府部门的2016年度报告应于 2017-03-31 前发布（条例（2008）第三十一条） 但 发布日期 = 2017-04-05")]


def test_late_report_with_a_reason_is_a_warning():
    text = mutate("发布日期: 2024-01-20", "发布日期: 2024-02-20\n逾期说明: 因系统迁移延迟发布。")
    _, problems = load(text)
    assert not problems.errors and [p.severity for p in problems.items] == ["warning"]


def test_published_before_the_year_ended():
    _, problems = load(mutate("发布日期: 2024-01-20", "发布日期: 2023-12-20"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("发布日期", "2023年度报告应在该年度结束后发布 但 发布日期 = 2023-12-20")]


def test_configured_deadline():
    report, _ = load(BASE, kind=None)
    assert deadline(report, "乡镇（街道）", {"乡镇（街道）": "01-31"}) == dt.date(2024, 1, 31)


# ---- a real published report ---------------------------------------------------------------------------------------

def test_real_report_hanyang_2022_balances():
    """武汉市汉阳区人民政府办公室 2022 年度报告 (see the fixture's comment): tables 二 and 三 as published."""
    report, problems = load(HANYANG.read_text(encoding="utf-8"), "hanyang-2022.yml", kind="政府部门")
    assert messages(problems) == []
    assert report.table2[("行政规范性文件", "本年制发件数")] == 5
    assert report.table2[("行政规范性文件", "本年废止件数")] == 12
    assert report.table3["一"] == [8, 0, 0, 0, 0, 0, 8]
    assert report.table3["三.7"][6] == 8 and report.table3["三.3.6"][6] == 1 and report.table3["三.6.3"][6] == 1


def test_real_report_with_one_figure_off_is_named_exactly():
    """Had the office typed 予以公开 3 instead of 2, the check names the two cells that no longer balance."""
    text = HANYANG.read_text(encoding="utf-8").replace("予以公开: [2, 0, 0, 0, 0, 0, 2]", "予以公开: [3, 0, 0, 0, 0, 0, 3]")
    _, problems = load(text, "hanyang-2022.yml", kind="政府部门")
    assert [(p.field, p.message) for p in problems.items] == [
        ("三 · （七）总计 · 自然人列", "（一）至（六）之和 = 9 但 （七）总计 = 8"),
        ("三 · （七）总计 · 总计列", "（一）至（六）之和 = 9 但 （七）总计 = 8")]


# ---- downloads and charts ------------------------------------------------------------------------------------------

def test_csv_download_has_every_figure():
    report, _ = load(BASE)
    text = to_csv(report)
    assert text.startswith("\ufeff表格,项目,列,单位,数值\r\n")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(rows) == 1 + 10 + 25 * 7 + 15
    assert ["三", "（七）总计", "总计", "件", "51"] in rows
    assert ["二", "第二十条第（八）项 · 行政事业性收费", "本年收费金额（单位：万元）", "万元", "12.35"] in rows


def test_json_download():
    report, _ = load(BASE)
    data = json.loads(to_json(report, "测试市教育局"))
    assert data["年度"] == 2023 and data["发布机构名称"] == "测试市教育局"
    assert data["三、收到和处理政府信息公开申请情况"]["行"]["一、本年新收政府信息公开申请数量"] == [40, 9, 1, 2, 3, 2, 57]
    assert data["四、政府信息公开行政复议、行政诉讼情况"]["行政复议"]["总计"] == 2
    assert data["二、主动公开政府信息情况"]["第二十条第（八）项"]["行政事业性收费"]["本年收费金额（单位：万元）"] == 12.35


def test_history_chart_is_inline_svg_with_values():
    reports = [load(f.read_text(encoding="utf-8"), kind="人民政府")[0] for f in (VALID_OLD, VALID_2019, VALID_2021)]
    charts = dict(history_charts(reports))
    svg = charts["新收政府信息公开申请（件）"]
    assert svg.startswith("<svg") and 'role="img"' in svg and "<script" not in svg and "http" not in svg.replace(
        'xmlns="http://www.w3.org/2000/svg"', "")
    labels = re.findall(r'class="gk-chart-label">(\d+)<', svg)
    values = re.findall(r'class="gk-chart-value">([^<]+)<', svg)
    assert labels == ["2016", "2019", "2023"] and values == ["104", "60", "57"]
    assert svg.count("<rect") == 3


# ---- prefill -------------------------------------------------------------------------------------------------------

def doc(n, kind, written, validity="有效", publisher="jyj"):
    written = dt.date.fromisoformat(written)
    return Document(src_path=f"wj/{n}.md", title=f"文件{n}", column_ids=["gfxwj"], publisher_id=publisher,
                    written=written, published=written + dt.timedelta(days=3), index_number=f"999/2024-{n:05d}",
                    topic="综合政务", validity=validity, kind=kind)


def test_prefill_counts_documents_by_kind_year_and_validity():
    docs = [doc(1, "行政规范性文件", "2024-03-01"), doc(2, "行政规范性文件", "2024-06-01"),
            doc(3, "行政规范性文件", "2022-05-01", "废止"), doc(4, "行政规范性文件", "2021-05-01"),
            doc(5, "行政规范性文件", "2025-01-10"),  # made after the year: not counted
            doc(6, "行政规范性文件", "2020-01-10", "失效"),  # neither in force nor repealed
            doc(7, "其他文件", "2024-02-01"), doc(8, "规章", "2024-04-01"),
            doc(9, "行政规范性文件", "2024-04-01", publisher="szf")]
    figures = count(docs, "jyj", 2024)
    assert figures.rows == {"规章": [1, 0, 1], "行政规范性文件": [2, 1, 3]}
    text = draft_yaml("jyj", "测试市教育局", 2024, figures)
    assert "  行政规范性文件: [2, 1, 3]" in text and "草稿: true" in text
    draft, problems = load(text, kind="政府部门")
    assert draft.draft and draft.table2[("行政规范性文件", "现行有效件数")] == 3
    # the placeholders are caught even if an editor removes 草稿 without writing the text
    assert [(p.field, p.message) for p in problems.items] == [
        (s, "仍有待填写的占位文字“（待填写……）”") for s in ("一", "五", "六")]


def test_prefill_2019_format_and_old_years():
    docs = [doc(1, "行政规范性文件", "2020-03-01"), doc(2, "行政规范性文件", "2019-12-30")]
    figures = count(docs, "jyj", 2020)
    assert figures.format == "2019" and figures.rows["规范性文件"] == [1, 2, 2]
    with pytest.raises(ValueError):
        count(docs, "jyj", 2016)


# ---- consistency warnings ------------------------------------------------------------------------------------------

def test_prose_figure_differs_from_table_is_a_warning():
    _, problems = load(mutate("新收政府信息公开申请57件", "新收政府信息公开申请58件"))
    assert [(p.severity, p.line, p.field, p.message) for p in problems.items] == [
        ("warning", 5, "一", "文字“新收政府信息公开申请58件”写 58 件 但 三 · 一、本年新收政府信息公开申请数量 · 总计列 = 57")]
    _, problems = load(mutate("收到政府信息公开申请104件", "收到政府信息公开申请140件", VALID_OLD.read_text(encoding="utf-8")),
                       kind="人民政府")
    assert [(p.severity, p.line, p.message) for p in problems.items] == [
        ("warning", 8, "文字“收到政府信息公开申请140件”写 140 件 但 统计表 · （一）收到申请数 = 104")]


def test_carry_over_between_consecutive_years():
    from gongkai.reports.validate import check_carry_over

    previous, _ = load(BASE)
    current, _ = load(BASE.replace("年度: 2023", "年度: 2024").replace("发布日期: 2024-01-20", "发布日期: 2025-01-20"),
                      "reports/2024.yml")
    problems = Problems()
    check_carry_over(previous, current, problems)
    assert [(p.severity, p.field, p.message) for p in problems.items] == [
        ("warning", "三 · 二、上年结转政府信息公开申请数量 · 总计列",
         "2023年度“结转下年度继续办理” = 8 但 本年度“上年结转政府信息公开申请数量” = 2")]
    same = Problems()
    current.table3["二"] = list(previous.table3["四"])
    check_carry_over(previous, current, same)
    assert same.items == []


@pytest.mark.build
def test_prefill_command_counts_past_a_broken_file_and_leaves_no_staging_folder(tmp_path):
    import subprocess
    import sys

    from kit import ENV, GOOD_FRONT, copy_mini, write_doc

    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/gf.md", GOOD_FRONT + "文件类型: 行政规范性文件\n")
    write_doc(root, "jyj/2025/bad.md", GOOD_FRONT.replace("00020", "00021").replace("发布机构: jyj", "发布机构: nobody")
              + "文件类型: 行政规范性文件\n")
    result = subprocess.run([sys.executable, "-m", "gongkai.cli", "report-prefill", "jyj", "2025", "--stdout"],
                            capture_output=True, text=True, cwd=root, env={**__import__("os").environ, **ENV})
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    # the mini site's three 2025 行政规范性文件 of jyj and the new one; the rejected file is not counted
    assert "  行政规范性文件: [4, 0, 5]\n" in result.stdout, result.stdout
    assert [p.name for p in root.iterdir() if p.name.startswith(".")] == []
    missing = subprocess.run([sys.executable, "-m", "gongkai.cli", "report-prefill", "jyj", "2025", "-f", "nope.yml"],
                             capture_output=True, text=True, cwd=root, env={**__import__("os").environ, **ENV})
    assert missing.returncode == 2 and "找不到网站配置文件 nope.yml" in missing.stderr
