"""有效性 over time (issue 21): dates and 依据 in front matter, both sides of a decision joined, contradictions
refused, 统一编号 enforced, 内容概述 without the 主送机关. Model-level tests; the built pages are in
test_validity_build.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader, derive_summary
from gongkai.errors import Problems
from gongkai.validity import resolve

MINI = Path(__file__).parent / "fixtures" / "mini"
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(MINI / "catalog")


def front(n: int, extra: str = "", *, year: int = 2024, number: str | None = "auto", column: str = "gfxwj",
          kind: str | None = "行政规范性文件") -> str:
    """A 测试市教育局 document, numbered n."""
    lines = [f"title: 测试市教育局文件{n}", f"栏目: [{column}]", "发布机构: jyj", f"成文日期: {year}-03-0{n % 9 + 1}",
             f"发布日期: {year}-03-1{n % 9}", f"索引号: 999100002/{year}-{n:05d}", "主题分类: 科技、教育"]
    if number == "auto":
        lines.append(f"文号: 测教规〔{year}〕{n}号")
    elif number:
        lines.append(f"文号: {number}")
    if kind:
        lines.append(f"文件类型: {kind}")
    return "\n".join(lines) + "\n" + extra.strip()


def load_all(catalog, *fronts: str, today=TODAY):
    problems = Problems()
    loader = DocumentLoader(catalog, problems, today=today)
    docs = []
    for i, f in enumerate(fronts):
        src = f"wj/jyj/d{i}.md"
        doc = loader.load(f"---\n{f.strip()}\n---\n\n正文。\n", src, f"content/{src}")
        if doc is not None:
            doc.url = f"wj/jyj/d{i}/"
            docs.append(doc)
    resolve(docs, today, problems)
    return docs, [("警告：" if p.severity == "warning" else "") + str(p) for p in problems.items]


def errors(problems):
    return [p for p in problems if not p.startswith("警告：")]


# ---- dated validity -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("extra, status", [
    ("", "有效"),
    ("施行日期: 2027-01-01", "尚未施行"),
    ("施行日期: 2024-04-01", "有效"),
    ("施行日期: 2024-04-01\n失效日期: 2026-11-29", "失效"),
    ("施行日期: 2024-04-01\n失效日期: 2026-11-30", "有效"),  # 失效日期 is the last day in force
    ("有效性: 已修改", "已修改（仍有效）"),  # rejected before issue 21
    ("有效性: 废止", "废止"),  # an old explicit 有效性 without dates keeps working
])
def test_status_from_the_dates_at_the_builds_instant(catalog, extra, status):
    docs, problems = load_all(catalog, front(1, extra))
    assert errors(problems) == []
    assert docs[0].validity == status


def test_abolition_by_the_affected_side_links_both_ways(catalog):
    docs, problems = load_all(catalog, front(1, "施行日期: 2024-04-01\n废止日期: 2026-01-01\n废止依据: 测教规〔2025〕2号"),
                              front(2, year=2025))
    assert problems == []
    old, decision = docs
    assert old.validity == "废止"
    assert old.timeline.repealed_by.number == "测教规〔2025〕2号" and old.timeline.repealed_by.url == "wj/jyj/d1/"
    assert [(a.number, a.date) for a in decision.timeline.abolished] == [("测教规〔2024〕1号", dt.date(2026, 1, 1))]
    # Before the 废止日期 it was in force: the 年报 of 2025 counts it so.
    assert old.timeline.status(dt.date(2025, 12, 31)) == "有效"


def test_a_decision_may_list_what_it_abolishes_and_amends(catalog):
    docs, problems = load_all(catalog, front(1), front(3), front(2, "废止: [测教规〔2024〕1号]\n修改: [999100002/2024-00003]\n"
                                                                    "施行日期: 2025-05-01", year=2025))
    assert problems == []
    abolished, amended, decision = docs
    assert abolished.validity == "废止" and abolished.timeline.repealed == dt.date(2025, 5, 1)
    assert abolished.timeline.repealed_by.number == "测教规〔2025〕2号"
    assert amended.validity == "已修改（仍有效）"
    assert [(a.number, a.date) for a in amended.timeline.amended_by] == [("测教规〔2025〕2号", dt.date(2025, 5, 1))]
    assert [a.number for a in decision.timeline.amended] == ["测教规〔2024〕3号"]


def test_amendment_item_with_a_date_and_brackets_as_typed(catalog):
    docs, problems = load_all(catalog, front(1, "修改依据:\n  - 依据: 测教规[2025]2号\n    日期: 2025-07-01"),
                              front(2, year=2025))
    assert problems == []
    assert docs[0].validity == "已修改（仍有效）"
    assert docs[0].timeline.amended_by[0].date == dt.date(2025, 7, 1)
    assert docs[0].timeline.status(dt.date(2025, 6, 30)) == "有效"


def test_explicit_validity_contradicting_the_dates_names_both(catalog):
    _, problems = load_all(catalog, front(1, "有效性: 有效\n施行日期: 2027-01-01"))
    assert problems == ["content/wj/jyj/d0.md:11: 有效性: 有效性写的是“有效”，但按施行日期 2027-01-01，到 2026-11-30 应为“尚未施行”"
                        "（修改方法：删去“有效性”一行（由日期自动得出），或改正日期和依据）"]


def test_unknown_basis_is_an_error_with_close_matches(catalog):
    _, problems = load_all(catalog, front(1, "废止依据: 测教规〔2025〕3号"), front(2, year=2025))
    assert len(problems) == 1
    assert "d0.md:11: 废止依据: 废止依据“测教规〔2025〕3号”不是本站的文件，相近的有：测教规〔2025〕2号" in problems[0]


def test_both_sides_contradicting_is_an_error(catalog):
    _, problems = load_all(catalog, front(1, "修改依据: [测教规〔2025〕2号]"), front(2, "废止: [测教规〔2024〕1号]", year=2025))
    assert len(problems) == 2
    assert all("对“测试市教育局文件1”既写成废止又写成修改" in p for p in problems)
    _, problems = load_all(catalog, front(1, "废止依据: 测教规〔2025〕2号"), front(2, year=2025),
                           front(3, "废止: [测教规〔2024〕1号]", year=2025))
    assert any("被写成由多个文件废止" in p for p in problems)


def test_decision_older_than_what_it_decides_is_an_error(catalog):
    _, problems = load_all(catalog, front(1, "废止依据: 测教规〔2023〕2号"), front(2, year=2023))
    assert any("早于被废止的文件" in p for p in problems)


def test_repealed_without_a_date_is_a_warning(catalog):
    _, problems = load_all(catalog, front(1, "有效性: 废止"))
    assert len(problems) == 1 and problems[0].startswith("警告：") and "没有写废止日期" in problems[0]


# ---- 修订记录 -----------------------------------------------------------------------------------------------------


def test_revisions_are_read_sorted_and_checked(catalog):
    docs, problems = load_all(catalog, front(1, "修订记录:\n  - 日期: 2025-02-01\n    说明: 更正附件电话\n"
                                                "  - 日期: 2024-05-01\n    说明: 补充解读链接"))
    assert problems == []
    assert [(r.date, r.note) for r in docs[0].timeline.revisions] == [
        (dt.date(2024, 5, 1), "补充解读链接"), (dt.date(2025, 2, 1), "更正附件电话")]
    assert docs[0].updated == dt.date(2025, 2, 1)
    _, problems = load_all(catalog, front(1, "修订记录:\n  - 日期: 2025-02-30\n    说明: 更正"))
    assert any("修订记录 · 日期" in p and "2025-02-30" in p for p in problems)


# ---- 统一编号 -------------------------------------------------------------------------------------------------------


def test_normative_document_needs_a_number(catalog):
    _, problems = load_all(catalog, front(1, number=None))
    assert problems == ["content/wj/jyj/d0.md:2: 文号: 行政规范性文件必须有文号（统一登记、统一编号、统一印发，国办发〔2018〕37号）"
                        "（修改方法：填写“文号: 机关代字〔年份〕序号号”，例如 文号: 示政规〔2026〕3号；gongkai new 加 --daizi 机关代字 可自动编号）"]
    # A document of the 行政规范性文件 column is one, even when 文件类型 is not written: then a warning, so that a
    # site that built before keeps building.
    docs, problems = load_all(catalog, front(1, number=None, kind=None))
    assert len(problems) == 1 and problems[0].startswith(
        "警告：content/wj/jyj/d0.md:2: 文号: 行政规范性文件必须有文号（统一登记、统一编号、统一印发，国办发〔2018〕37号）：本文件在行政规范性文件栏目中")
    assert docs[0].kind == "行政规范性文件"
    docs, problems = load_all(catalog, front(1, kind=None))
    assert problems == [] and docs[0].kind == "行政规范性文件"


def test_number_unique_per_publisher(catalog):
    _, problems = load_all(catalog, front(1), front(2, number="测教规〔2024〕1号"))
    assert problems == ["content/wj/jyj/d1.md:9: 文号: 文号“测教规〔2024〕1号”与 content/wj/jyj/d0.md 重复（同一发布机构的文号不能重复）"
                        "（修改方法：核对文号的序号：同一机关代字、同一年份的序号不能重复）"]


def test_number_year_differs_from_written_year_is_a_warning(catalog):
    _, problems = load_all(catalog, front(1, number="测教规〔2023〕1号"))
    assert len(problems) == 1 and problems[0].startswith("警告：")
    assert "文号“测教规〔2023〕1号”中的年份 2023 与成文日期 2024-03-02 的年份不一致" in problems[0]


def test_kind_checked_against_the_column(catalog):
    _, problems = load_all(catalog, front(1, kind="其他文件"))
    assert problems == ["content/wj/jyj/d0.md:10: 文件类型: 文件类型“其他文件”与栏目不符：所在栏目只收行政规范性文件"
                        "（修改方法：改为“文件类型: 行政规范性文件”，或把文件放到相应的栏目）"]


# ---- 内容概述 -------------------------------------------------------------------------------------------------------


def test_summary_skips_the_addressees_and_lead_in():
    body = "各区县人民政府，市政府各部门：\n\n现将有关事项通知如下：\n\n自2027年1月1日起调整最低工资标准。\n"
    assert derive_summary(body) == "自2027年1月1日起调整最低工资标准。"
    assert derive_summary("各中小学校：\n") == "各中小学校："  # nothing else written: better than nothing


def test_summary_may_be_given(catalog):
    docs, _ = load_all(catalog, front(1, "内容概述: 调整最低工资标准。"))
    assert docs[0].summary == "调整最低工资标准。"


# ---- 年报 from the dates -------------------------------------------------------------------------------------------


def test_prefill_counts_as_of_the_31st_of_december(catalog):
    from gongkai.reports.prefill import count

    docs, problems = load_all(catalog,
                              front(1, "施行日期: 2024-04-01"),  # abolished in 2026 by d2
                              front(2, "废止: [测教规〔2024〕1号]\n施行日期: 2026-03-01", year=2026),
                              front(3, "施行日期: 2027-01-01", year=2026),  # made in 2026, in force only in 2027
                              front(4, "失效日期: 2025-06-30"),  # expired in 2025: neither abolished nor in force
                              front(5, "有效性: 废止"))  # the old way: no date
    assert errors(problems) == []
    assert count(docs, "jyj", 2025).rows["行政规范性文件"] == [0, 1, 1]  # d1 still in force; d5 proposed, undated
    figures = count(docs, "jyj", 2026)
    assert figures.rows["行政规范性文件"] == [2, 2, 1]  # made d2, d3; abolished d1 (+ undated d5); in force d2
    assert [d.title for d in figures.repealed["行政规范性文件"]] == ["测试市教育局文件1"]
    assert [d.title for d in figures.undated["行政规范性文件"]] == ["测试市教育局文件5"]
    assert count(docs, "jyj", 2024).rows["行政规范性文件"] == [3, 1, 2]


def test_annual_report_row_checked_against_the_sites_documents(catalog):
    from types import SimpleNamespace

    from gongkai.checks.reports import check_normative_row

    docs, _ = load_all(catalog, front(1, "施行日期: 2024-04-01"),
                       front(2, "废止: [测教规〔2024〕1号]\n施行日期: 2026-03-01", year=2026))

    def report(year, row):
        return SimpleNamespace(format="2021", org_id="jyj", year=year, source=f"content/reports/jyj/{year}.yml",
                               lines={"二/行政规范性文件": 19},
                               table2=dict(zip([("行政规范性文件", c) for c in ("本年制发件数", "本年废止件数", "现行有效件数")], row)))

    assert check_normative_row([report(2025, [0, 0, 1]), report(2026, [1, 1, 30]), report(2023, [5, 5, 5])], docs) == []
    found = check_normative_row([report(2025, [0, 1, 0])], docs)
    assert [(f.file, f.line, f.severity, f.message) for f in found] == [(
        "content/reports/jyj/2025.yml", 19, "warning",
        "2025年度年报“行政规范性文件”一行与本站发布的文件不符：本年废止件数 1 件，本站按日期计 0 件；现行有效件数 0 件，本站按日期计 1 件")]
