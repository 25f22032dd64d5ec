"""年报 against real published reports: the 统计表 exactly as printed, "/" for a row that does not apply, the prose
wordings real reports use, the 统计表 sums, rows a published table did not carry (未列), a one-row （六） in the 2021
format, 原文如此 for reports archived with their inconsistencies, findings on the right line, bounded figures."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest

from gongkai.errors import Problems
from gongkai.reports import NOT_APPLICABLE
from gongkai.reports.formats import TABLE3, TONGJIBIAO_ROWS
from gongkai.reports.render import body_markdown, table2_html, table3_html, to_csv, to_json, tongjibiao_html

from test_reports import cells, load

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
VALID_2021 = (FIXTURES / "valid-2021.yml").read_text(encoding="utf-8")
VALID_2019 = (FIXTURES / "valid-2019.yml").read_text(encoding="utf-8")
TONGJIBIAO = (FIXTURES / "tongjibiao-2016.yml").read_text(encoding="utf-8")
TABLE_2016 = [line.split("\t") for line in (FIXTURES / "tongjibiao-2016.tsv").read_text(encoding="utf-8").splitlines()
              if line and not line.startswith("#")]


def found(problems: Problems) -> list[tuple]:
    return [(p.severity, p.line, p.field, p.message) for p in problems.items]


def replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def line_of(text: str, fragment: str) -> int:
    """1-based line of the only line containing ``fragment``."""
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if fragment in line]
    assert len(hits) == 1, (fragment, hits)
    return hits[0]


# ---- the 统计表, as printed -----------------------------------------------------------------------------------------

LEVEL = [(re.compile(r"^[一二三四五六七八九]、"), 0), (re.compile(r"^（[一二三四]）"), 1), (re.compile(r"^\d\."), 2),
         (re.compile(r"^其中："), 3)]


def test_the_65_rows_are_the_published_table():
    """Label, order, unit and (where the numbering shows it) hierarchy of every row, against a real 2016 table."""
    assert len(TABLE_2016) == len(TONGJIBIAO_ROWS) == 65
    for (label, unit, _), row in zip(TABLE_2016, TONGJIBIAO_ROWS):
        assert (row.label, row.unit) == (label, unit)
        level = next((lv for pattern, lv in LEVEL if pattern.match(label)), None)
        if level is not None:
            assert row.level == level, label
    answers = [r.label for r in TONGJIBIAO_ROWS if r.parent == "申请答复数"]
    assert answers[-4:] == ["5.不属于本行政机关公开数", "6.申请信息不存在数", "7.告知作出更改补充数", "8.告知通过其他途径办理数"]


def test_the_2016_report_reproduced_passes_every_invariant_and_prints_as_published():
    report, problems = load(TONGJIBIAO, kind="人民政府")
    assert found(problems) == []
    rendered = cells(tongjibiao_html(report))
    rows = [rendered[i:i + 3] for i in range(3, len(rendered), 3)]  # after the three column headers
    assert [[c[1] for c in row] for row in rows] == TABLE_2016


def test_labels_without_their_final_shu_are_read_with_a_warning_naming_the_printed_label():
    """0.1.0 named four rows without their final 数: such a report still publishes its figures (docs/upgrading.md)."""
    text = replace(TONGJIBIAO, "    申请信息不存在数: 0", "    申请信息不存在: 0")
    report, problems = load(text, kind="人民政府")
    [warning] = problems.items
    assert (warning.severity, warning.line) == ("warning", line_of(text, "申请信息不存在: 0"))
    assert warning.message.startswith("指标名“申请信息不存在”已更名为“申请信息不存在数”（与原统计表所印一致）")
    assert "gongkai upgrade" in warning.fix and "未列" not in warning.fix + warning.message
    assert report.tongjibiao["申请信息不存在数"] == 0


def test_a_misnamed_row_is_never_told_to_go_to_absent():
    """未列 prints "—": a row written under another name must be renamed, its printed figure kept."""
    text = replace(TONGJIBIAO, "    申请信息不存在数: 0", "    申请的信息不存在数: 0")
    report, problems = load(text, kind="人民政府")
    assert report is None
    missing = next(p for p in problems.errors if p.message == "缺少指标“6.申请信息不存在数”")
    assert missing.fix == "“依申请公开情况”下的“申请的信息不存在数”若就是这一行，把它改为“申请信息不存在数”，数字照原统计表填写"


def test_the_six_reasons_add_up_to_the_refusals():
    text = replace(TONGJIBIAO, "    不同意公开答复数: 0", "    不同意公开答复数: 1")
    text = replace(text, "    属于已主动公开范围数: 1", "    属于已主动公开范围数: 0")
    _, problems = load(text, kind="人民政府")
    assert found(problems) == [(
        "error", line_of(text, "不同意公开答复数: 1"), "统计表 · 4.不同意公开答复数",
        "涉及国家秘密+涉及商业秘密+涉及个人隐私+危及国家安全、公共安全、经济安全和社会稳定+不是《条例》所指政府信息"
        "+法律法规规定的其他情形 = 0 但 不同意公开答复数 = 1")]


def test_a_channel_cannot_exceed_the_items_published():
    text = replace(TONGJIBIAO, "    政府网站公开政府信息数: 1100", "    政府网站公开政府信息数: 3100")
    _, problems = load(text, kind="人民政府")
    assert found(problems) == [(
        "error", line_of(text, "政府网站公开政府信息数: 3100"), "统计表 · 2.政府网站公开政府信息数",
        "政府网站公开政府信息数 = 3100 大于 主动公开政府信息数 = 3000")]
    assert "只计 1 条" in problems.items[0].fix


# ---- rows a published 统计表 did not carry -------------------------------------------------------------------------

def without_group(text: str, group: str) -> str:
    """The report with one group's block removed, as an early table without it would be entered."""
    out, skip = [], False
    for line in text.splitlines():
        if line == f"  {group}:":
            skip = True
            continue
        if skip and line.startswith("    "):
            continue
        skip = False
        out.append(line)
    return "\n".join(out) + "\n"


def test_rows_not_in_the_published_table_are_absent_never_zero():
    text = without_group(TONGJIBIAO, "回应解读情况")
    _, problems = load(text, kind="人民政府")
    assert len([p for p in problems.errors if p.message.startswith("缺少指标")]) == 8
    assert "把“回应公众关注热点或重大舆情数”写进“未列”" in problems.errors[0].fix
    text = text.replace("统计表:\n", "未列: [回应解读情况]\n统计表:\n")
    report, problems = load(text, kind="人民政府")
    assert found(problems) == []
    assert "回应公众关注热点或重大舆情数" not in report.tongjibiao
    html = tongjibiao_html(report)
    row = next(c for c in cells(html) if c[1] == "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）")
    after = cells(html)[cells(html).index(row) + 1:cells(html).index(row) + 3]
    assert [c[1] for c in after] == ["—", "—"]
    assert "原报告的统计表中没有这一行" in html
    data = json.loads(to_json(report))["政府信息公开情况统计表"]
    assert data["3.政策解读稿件发布数"]["统计数"] is None
    assert ["政府信息公开情况统计表", "3.政策解读稿件发布数", "统计数", "篇", ""] in csv.reader(io.StringIO(to_csv(report)))


@pytest.mark.parametrize("listed", ["[传真申请数]", "传真申请数"])  # one name may stand alone, like 主题词
def test_an_absent_row_skips_the_sums_it_is_part_of(listed):
    text = replace(TONGJIBIAO, "    传真申请数: 0\n", "")
    text = replace(text, "    网络申请数: 1", "    网络申请数: 5")  # would break the sum if 传真 were 0
    text = text.replace("统计表:\n", f"未列: {listed}\n统计表:\n")
    _, problems = load(text, kind="人民政府")
    assert found(problems) == []


@pytest.mark.parametrize("listed,message", [
    ("[被依法纠错数]", "“被依法纠错数”对应多个指标：行政复议数量·被依法纠错数、行政诉讼数量·被依法纠错数"),
    ("[传真申请]", "不认识的指标“传真申请”，相近的有：传真申请数"),
    ("{传真申请数: 0}", "应为一项文字或文字列表，实际是映射（“键: 值”）"),
])
def test_absent_rows_must_name_one_row(listed, message):
    _, problems = load(TONGJIBIAO.replace("统计表:\n", f"未列: {listed}\n统计表:\n"), kind="人民政府")
    assert ("error", 11, "未列", message) in found(problems)


def test_an_absent_row_cannot_also_carry_a_figure():
    _, problems = load(TONGJIBIAO.replace("统计表:\n", "未列: [行政复议数量·被依法纠错数]\n统计表:\n"), kind="人民政府")
    assert [m for _, _, _, m in found(problems)] == [
        "“（二）被依法纠错数”已列入“未列”（原统计表没有这一行），不应再填写数字"]


# ---- "/" for a table 二 row or cell that does not apply --------------------------------------------------------------

@pytest.mark.parametrize("written", ["/", '"/"', "[/, /, /]", "—", "／", "{本年制发件数: /, 本年废止件数: /, 现行有效件数: /}"])
def test_not_applicable_row(written):
    report, problems = load(replace(VALID_2021, "  规章: [0, 0, 0]", f"  规章: {written}"))
    assert found(problems) == []
    assert [report.table2[("规章", c)] for c in ("本年制发件数", "本年废止件数", "现行有效件数")] == [NOT_APPLICABLE] * 3


def test_not_applicable_is_rendered_excluded_and_exported_as_null():
    report, _ = load(replace(VALID_2021, "  规章: [0, 0, 0]", "  规章: /"))
    tds = [c[1] for c in cells(table2_html(report)) if c[0] == "td"]
    assert tds[:6] == ["/", "/", "/", "4", "1", "23"]
    rows = list(csv.reader(io.StringIO(to_csv(report).lstrip("\ufeff"))))
    assert ["二", "第二十条第（一）项 · 规章", "本年制发件数", "", ""] in rows
    data = json.loads(to_json(report))["二、主动公开政府信息情况"]["第二十条第（一）项"]
    assert data["规章"] == {"本年制发件数": None, "本年废止件数": None, "现行有效件数": None}
    assert data["行政规范性文件"]["本年制发件数"] == 4


def test_not_applicable_cell_and_figures_in_the_2019_format():
    text = replace(VALID_2019, "  规章: [0, 0, 5]", "  规章: [/, /, /]")
    text = replace(text, "  政府集中采购: [45, 1234.5]", "  政府集中采购: [45, /]")
    report, problems = load(text, kind="人民政府")
    assert found(problems) == []
    assert report.table2[("政府集中采购", "采购总金额")] is NOT_APPLICABLE
    assert report.key_figures()["规范性文件制发"] == 6
    tds = [c[1] for c in cells(table2_html(report)) if c[0] == "td"]
    assert tds[:3] == ["/", "/", "/"] and tds[-2:] == ["45", "/"]


def test_not_applicable_only_in_table_two_and_blank_stays_an_error():
    _, problems = load(replace(VALID_2021, "  行政复议: [1, 1, 0, 0, 2]", "  行政复议: [1, 1, 0, /, 2]"))
    assert found(problems) == [("error", line_of(VALID_2021, "行政复议: [1"), "四 · 行政复议 · 尚未审结列",
                                "“/”（不适用）只能用于表二中不适用于本发布主体的行或格，此处应填数字")]
    _, problems = load(replace(VALID_2021, "  规章: [0, 0, 0]", "  规章:"))
    assert [(f, m) for _, _, f, m in found(problems)] == [("二 · 规章", "整行空白，应为 3 个数（本年制发件数、本年废止件数、现行有效件数）")]
    assert problems.items[0].fix == "没有发生的事项填 0（整行为 0 可只写一个 0），不要留空；不适用于本发布主体的写 /"
    _, problems = load(replace(VALID_2021, "  规章: [0, 0, 0]", "  规章: [0, '', 0]"))
    assert [(f, m) for _, _, f, m in found(problems)] == [("二 · 规章 · 本年废止件数列", "应为非负整数，实际是空白")]


# ---- the prose: the wordings real reports use -------------------------------------------------------------------

@pytest.mark.parametrize("sentence,said", [
    ("全年共受理政府信息公开申请56件。", 56),
    ("全年收到政府信息公开申请56件。", 56),
    ("全年新收政府信息公开申请56件。", 56),
    ("本年度收到56件依申请公开政府信息申请，均按时答复。", 56),
    ("本年度共受理56件政府信息公开申请。", 56),
    ("本年度政府信息公开申请共计56件。", 56),
    ("本年度接到公民、法人和其他组织的公开申请56件。", 56),
])
def test_each_wording_of_applications_received_is_compared(sentence, said):
    text = replace(VALID_2021, "新收政府信息公开申请57件。", sentence)
    _, problems = load(text)
    assert [(s, line, f) for s, line, f, _ in found(problems)] == [("warning", 5, "一")]
    message = problems.items[0].message
    assert f"写 {said} 件 但 三 · 一、本年新收政府信息公开申请数量 · 总计列 = 57" in message
    same, _ = load(text.replace(str(said), "57"))
    assert same is not None and found(load(text.replace(str(said), "57"))[1]) == []


@pytest.mark.parametrize("sentence", [
    "收到行政复议申请2件。",  # not an application for information
    "上年结转申请2件，已全部办结。",
    "依法在收到申请后15个工作日内答复。",  # a time limit, not a count
])
def test_other_figures_near_the_word_application_are_not_compared(sentence):
    _, problems = load(replace(VALID_2021, "新收政府信息公开申请57件。", sentence))
    assert found(problems) == []


def test_the_first_figure_in_the_prose_is_compared_and_named_on_its_own_line():
    text = replace(VALID_2021, "一: |\n  2023年，测试市教育局主动公开政府信息830条，新收政府信息公开申请57件。",
                   "一: |\n  2023年，测试市教育局继续推进政务公开。\n\n  全年收到政府信息公开申请3件。\n\n  另收到复议申请5件。")
    _, problems = load(text)
    assert found(problems) == [("warning", line_of(text, "全年收到政府信息公开申请3件"), "一",
                                "文字“收到政府信息公开申请3件”写 3 件 但 三 · 一、本年新收政府信息公开申请数量 · 总计列 = 57")]


def test_items_published_in_the_prose_of_a_tongjibiao_report():
    text = replace(TONGJIBIAO, "主动公开政府信息3000条", "主动公开政府信息3200条")
    _, problems = load(text, kind="人民政府")
    assert found(problems) == [("warning", line_of(text, "3200条"), "正文",
                                "文字“主动公开政府信息3200条”写 3200 条 但 统计表 · （一）主动公开政府信息数 = 3000")]
    text = replace(TONGJIBIAO, "主动公开政府信息3000条", "主动公开政府信息3000条，其中主动公开规范性文件4条")
    assert found(load(text, kind="人民政府")[1]) == []


def test_section_one_findings_are_on_section_one_not_on_table_three():
    """一/二/四 are both prose sections and table 三 rows: each finding names its own line."""
    text = replace(VALID_2021, "2023年，测试市教育局", "（待填写）2023年，测试市教育局")
    _, problems = load(text)
    assert found(problems) == [("error", line_of(text, "一: |"), "一", "仍有待填写的占位文字“（待填写……）”")]
    text = replace(VALID_2021, "  本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 57]",
                   "  本年新收政府信息公开申请数量: [40, 9, 1, 2, 3, 2, 58]")
    _, problems = load(text)
    assert ("error", line_of(text, "本年新收政府信息公开申请数量: [40"), "三 · 一、本年新收政府信息公开申请数量",
            "自然人+商业企业+科研机构+社会公益组织+法律服务机构+其他 = 57 但 总计 = 58") in found(problems)


# ---- a 2021-format report that printed （六）其他处理 as one row ------------------------------------------------------

ONE_ROW = replace(VALID_2021, """    其他处理:
      申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请: [1, 0, 0, 0, 0, 0, 1]
      申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请: 0
      其他: 0
""", "    其他处理: [1, 0, 0, 0, 0, 0, 1]\n")


def test_one_row_other_is_archived_as_published_with_a_warning():
    report, problems = load(ONE_ROW)
    assert found(problems) == [(
        "warning", line_of(ONE_ROW, "其他处理: [1"), "三 · （六）其他处理",
        "2021 格式的“（六）其他处理”分为 3 项，本报告按一行填写：页面照此显示一行，3 个分项不显示")]
    assert report.other_as_one_row and report.table3["三.6"] == [1, 0, 0, 0, 0, 0, 1]
    assert not any(k.startswith("三.6.") for k in report.table3)
    html = table3_html(report)
    labels = [c[1] for c in cells(html) if c[0] == "th"]
    assert "（六）其他处理" in labels and "3.其他" not in labels
    assert "未分列" in html
    rows = list(csv.reader(io.StringIO(to_csv(report).lstrip("\ufeff"))))
    assert len(rows) == 1 + 10 + len(TABLE3["2019"].rows) * 7 + 15
    broken = replace(ONE_ROW, "    总计: [36, 8, 1, 2, 2, 2, 51]", "    总计: [36, 8, 1, 2, 2, 2, 52]")
    assert ("三 · （七）总计 · 总计列", "（一）至（六）之和 = 51 但 （七）总计 = 52") in \
        [(f, m) for _, _, f, m in found(load(broken)[1])]


def test_one_row_and_sub_rows_together_are_an_error():
    text = replace(VALID_2021, "  结转下年度继续办理:", "  其他处理: [0, 0, 0, 0, 0, 0, 0]\n  结转下年度继续办理:")
    _, problems = load(text)
    assert ("error", line_of(text, "其他处理: [0"), "三", "“（六）其他处理”既按一行填写，又填写了分项") in found(problems)


# ---- 原文如此: a published report kept with its inconsistencies --------------------------------------------------------

REVIEW_AS_PRINTED = replace(VALID_2021, "  行政复议: [1, 1, 0, 0, 2]", "  行政复议: [10, 1, 0, 0, 0]")
SIC = "原文如此:\n  四 · 行政复议: 原报告行政复议一栏各项为10、1、0、0，总计印为0，照录。\n"


def test_an_arithmetic_error_of_a_published_report_blocks_without_a_note():
    _, problems = load(REVIEW_AS_PRINTED)
    assert found(problems) == [("error", line_of(REVIEW_AS_PRINTED, "行政复议: [10"), "四 · 行政复议",
                                "结果维持+结果纠正+其他结果+尚未审结 = 11 但 总计 = 0")]


def test_original_as_published_is_a_warning_and_a_visible_note():
    text = REVIEW_AS_PRINTED + SIC
    report, problems = load(text)
    assert found(problems) == [(
        "warning", line_of(text, "行政复议: [10"), "四 · 行政复议",
        "原文如此：结果维持+结果纠正+其他结果+尚未审结 = 11 但 总计 = 0（说明：原报告行政复议一栏各项为10、1、0、0，总计印为0，照录。）")]
    body = body_markdown(report)
    assert body.index('class="gk-report-sic"') < body.index("## 一、总体情况")
    assert "<strong>四 · 行政复议</strong>：原报告行政复议一栏各项为10、1、0、0，总计印为0，照录。" in body
    assert [c[1] for c in cells(body) if c[0] == "td"][-15:-10] == ["10", "1", "0", "0", "0"]
    assert json.loads(to_json(report))["原文如此"] == {"四 · 行政复议": "原报告行政复议一栏各项为10、1、0、0，总计印为0，照录。"}


def test_a_note_covers_the_findings_under_its_position_only():
    text = replace(REVIEW_AS_PRINTED, "  结转下年度继续办理: [6, 1, 0, 0, 1, 0, 8]", "  结转下年度继续办理: [6, 1, 0, 0, 1, 0, 9]")
    _, problems = load(text + SIC)
    assert [(s, f) for s, _, f, _ in found(problems)] == [
        ("error", "三 · 四、结转下年度继续办理"), ("error", "三 · 总计列"), ("warning", "四 · 行政复议")]


def test_a_note_where_nothing_is_wrong_is_an_error():
    text = VALID_2021 + "原文如此:\n  四 · 复议后起诉: 照录。\n  六: ''\n"
    _, problems = load(text)
    assert found(problems) == [
        ("error", line_of(text, "  六: ''"), "原文如此 · 六", "“六”缺少说明：原报告如何、为何照录")]
    _, problems = load(VALID_2021 + "原文如此:\n  四 · 复议后起诉: 照录。\n")
    assert found(problems) == [("error", line_of(VALID_2021 + "原文如此:\n  四 · 复议后起诉: 照录。\n", "复议后起诉: 照录"),
                                "原文如此 · 四 · 复议后起诉", "“原文如此”所列“四 · 复议后起诉”处的数据没有不一致，页面上的说明会误导读者")]


def test_a_note_never_hides_the_deadline():
    text = replace(REVIEW_AS_PRINTED + "原文如此:\n  发布日期: 照录。\n  四 · 行政复议: 照录。\n",
                   "发布日期: 2024-01-20", "发布日期: 2024-03-20")
    _, problems = load(text)
    assert [(s, f) for s, _, f, _ in found(problems)] == [
        ("warning", "四 · 行政复议"), ("error", "原文如此 · 发布日期"), ("error", "发布日期")]


# ---- figures are bounded ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("old,new,field,message", [
    ("  行政许可: 1200", "  行政许可: 1000000000000000000000000000000", "二 · 行政许可 · 本年处理决定数量列",
     "数值“1000000000000000000000000000000”超出范围：不应超过 1000000000"),
    ("  行政事业性收费: 12.35", "  行政事业性收费: 1.0e+30", "二 · 行政事业性收费 · 本年收费金额（单位：万元）列",
     "金额“1e+30”超出范围：不应超过 1000000000 万元"),
    ("  行政事业性收费: 12.35", "  行政事业性收费: 0.0000001", "二 · 行政事业性收费 · 本年收费金额（单位：万元）列",
     "金额“1e-07”的小数超过 6 位"),
])
def test_figures_out_of_range_are_errors_on_their_line(old, new, field, message):
    text = replace(VALID_2021, old, new)
    report, problems = load(text)
    assert report is None
    assert found(problems) == [("error", line_of(text, new.strip()), field, message)]


def test_amounts_print_in_plain_notation():
    report, problems = load(replace(VALID_2021, "  行政事业性收费: 12.35", "  行政事业性收费: 1.5e+3"))
    assert found(problems) == []
    html = table2_html(report)
    assert ">1500<" in html or ">1500.0<" in html
    assert "E+" not in html and "e+" not in html and "E+" not in to_csv(report)


# ---- in a real build --------------------------------------------------------------------------------------------

@pytest.mark.build
def test_real_reports_build_strict_and_print_as_published(tmp_path):
    """The reproduced 2016 report, a report with a "/" row, one with （六） as one row and one kept 原文如此 all
    build with --strict and no error; each page shows what was published."""
    from test_reports_build import build, make_site

    dcjd = replace(ONE_ROW, "发布机构: jyj", "发布机构: dcjd").replace("发布日期: 2024-01-20", "发布日期: 2024-03-20")
    root = make_site(tmp_path, {
        "szf/2016.yml": TONGJIBIAO,
        "jyj/2023.yml": replace(REVIEW_AS_PRINTED + SIC, "  规章: [0, 0, 0]", "  规章: /"),
        "dcjd/2023.yml": dcjd,
    })
    result = build(root, strict=True)
    assert result.returncode == 0, result.stderr
    assert "ERROR" not in result.stderr
    assert "原文如此：结果维持+结果纠正+其他结果+尚未审结 = 11 但 总计 = 0" in result.stderr
    assert "content/reports/dcjd/2023.yml:" in result.stderr and "本报告按一行填写" in result.stderr
    site = root / "site" / "xxgk"
    page = (site / "szf" / "gknb" / "2016" / "index.html").read_text(encoding="utf-8")
    assert "6.申请信息不存在数" in page and "<td>1100</td>" in page
    page = (site / "jyj" / "gknb" / "2023" / "index.html").read_text(encoding="utf-8")
    assert page.count("<td headers=\"gk-t2-0 gk-t2-0-r0") == 3 and ">/</td>" in page
    assert 'class="gk-report-sic" role="note"' in page and "总计印为0，照录" in page
    page = (site / "dcjd" / "gknb" / "2023" / "index.html").read_text(encoding="utf-8")
    assert "未分列" in page and "3.其他" not in page
    data = json.loads((site / "jyj" / "gknb" / "jyj-2023-nianbao.json").read_text(encoding="utf-8"))
    assert data["二、主动公开政府信息情况"]["第二十条第（一）项"]["规章"]["本年制发件数"] is None


def test_the_repository_stands_alone():
    """Docs, code and tests name only files inside the repository (the domain facts are in docs/domain.md)."""
    root = Path(__file__).resolve().parent.parent
    outside = "../" + "shared/"
    for folder in ("docs", "gongkai", "tests"):
        for path in (root / folder).rglob("*"):
            if path.is_file() and path.suffix in (".py", ".md", ".yml", ".html", ".txt", ".tsv", ".css", ".js"):
                text = path.read_text(encoding="utf-8", errors="replace")
                assert outside not in text and "/work/" + "shared" not in text, path
    linked = re.findall(r"\]\(([\w.-]+\.md)\)", "".join(p.read_text(encoding="utf-8") for p in (root / "docs").glob("*.md")))
    assert linked and all((root / "docs" / name).is_file() for name in linked)


def test_an_old_row_name_in_absent_is_read_with_a_warning():
    text = replace(TONGJIBIAO, "    申请信息不存在数: 0\n", "")
    text = text.replace("统计表:\n", "未列: [依申请公开情况·申请信息不存在]\n统计表:\n", 1)
    report, problems = load(text, kind="人民政府")
    [warning] = problems.items
    assert warning.severity == "warning" and warning.field == "未列"
    assert warning.message.startswith("指标名“申请信息不存在”已更名为“申请信息不存在数”")
    assert any("申请信息不存在数" in row_id for row_id in report.absent)
