"""Unit tests for 政策解读 / 意见征集: parsing, linking, working days, status and every bad input's message."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from gongkai import workdays
from gongkai.errors import Problems
from gongkai.interaction import CLOSED, OPEN, UPCOMING, Period, Settings, collect, consultation_order, parse_when
from gongkai.model import Column, Document
from gongkai.yamlutil import load

TZ = ZoneInfo("Asia/Shanghai")
D = dt.date
CHANNEL = {"邮箱": "fzb@example.gov.cn", "通讯地址": "示例市中心大道1号", "邮编": "999000", "电话": "0999-1234567",
           "联系人": "张科长"}
COLUMNS = {"zcjd": Column(id="zcjd", name="政策解读", kind="政策解读"),
           "yjzj": Column(id="yjzj", name="意见征集", kind="意见征集"),
           "gfxwj": Column(id="gfxwj", name="行政规范性文件")}
_seq = iter(range(1, 10000))


def make(path: str, *, published=D(2025, 9, 26), kind=None, columns=("gfxwj",), body="正文。", index=None,
         title=None, **extra) -> Document:
    n = next(_seq)
    return Document(src_path=f"wj/szf/{path}.md", title=title or f"文件{path}", column_ids=list(columns),
                    publisher_id="szf", written=published, published=published,
                    index_number=index or f"999000001/{published.year}-{n:05d}", topic="综合政务", kind=kind,
                    extra=extra, body=body)


def consult(path="zj", start="2026-11-01", end="2026-12-01", kind="重大行政决策", **extra) -> Document:
    fields = {"征集开始": start, "征集截止": end, "征集单位": "示例市司法局", "反馈方式": dict(CHANNEL),
              "征集类型": kind, **extra}
    published = D.fromisoformat(start[:10]) if isinstance(start, str) and start[:4].isdigit() else D(2025, 1, 2)
    return make(path, columns=("yjzj",), published=published, **fields)


def run(*docs, settings=None, columns=COLUMNS):
    problems = Problems()
    result = collect(docs, settings or Settings(), problems, columns=columns)
    return result, problems


def messages(problems, severity=None):
    return [str(p) for p in problems.items if severity is None or p.severity == severity]


# ---------------------------------------------------------------- linking


def test_interpretation_links_both_ways_by_index_number_and_by_id():
    original = make("2025/gf1", kind="行政规范性文件", index="999000001/2025-00100", doc_number="示政发〔2025〕1号")
    text = make("2025/jd-text", columns=("zcjd",), 原文="999000001/2025-00100", 解读形式="文字")
    video = make("2025/jd-video", columns=("zcjd",), published=D(2025, 9, 28), 原文="wj/szf/2025/gf1",
                 解读形式="新闻发布会")
    result, problems = run(original, text, video)
    assert problems.items == []
    assert [i.document for i in result.interpretations_of(original)] == [text, video]
    assert result.interpretation(text).originals == [original]
    assert result.interpretation(video).form == "发布会"  # 新闻发布会 is the long name of 发布会
    assert result.missing_interpretation == []


def test_one_interpretation_of_several_originals():
    a, b = make("2025/a"), make("2025/b")
    jd = make("2025/jd", columns=("zcjd",), 原文=[a.index_number, "wj/szf/2025/b.md"], 解读形式="图解")
    result, problems = run(a, b, jd)
    assert problems.items == []
    assert result.interpretation(jd).originals == [a, b]
    assert result.interpretations_of(b)[0].document is jd


def test_unknown_original_is_an_error_naming_file_and_reference():
    a = make("2025/a", index="999000001/2025-00007")
    jd = make("2025/jd", columns=("zcjd",), 原文="999000001/2025-00070")
    _, problems = run(a, jd)
    [msg] = messages(problems)
    assert "wj/szf/2025/jd.md" in msg and "原文" in msg and "999000001/2025-00070" in msg
    assert "相近的有：999000001/2025-00007" in msg  # the near miss is suggested


def test_document_in_interpretation_column_without_original():
    _, problems = run(make("2025/jd", columns=("zcjd",)))
    [msg] = messages(problems)
    assert "政策解读栏目" in msg and "原文" in msg


def test_interpretation_outside_interpretation_column_is_reported():
    a = make("2025/a")
    _, problems = run(a, make("2025/jd", columns=("gfxwj",), 原文=a.index_number))
    assert any("没有放入政策解读栏目" in m for m in messages(problems))


def test_bad_form_is_an_error_with_choices():
    a = make("2025/a")
    _, problems = run(a, make("2025/jd", columns=("zcjd",), 原文=a.index_number, 解读形式="漫画"))
    [msg] = messages(problems)
    assert "解读形式" in msg and "漫画" in msg and "文字 / 图解 / 视频 / 动漫 / 问答 / 发布会" in msg


def test_normative_document_without_interpretation_is_listed():
    gf = make("2025/gf", kind="行政规范性文件")
    other = make("2025/other", kind="其他文件")
    result, _ = run(gf, other)
    assert result.missing_interpretation == [gf]


# ---------------------------------------------------------------- working days and 解读 lag


def test_working_days_across_national_day_with_tiaoxiu():
    # 2025 国庆 + 中秋: 10-01..10-08 off; Sun 09-28 and Sat 10-11 are 调休 working days.
    assert workdays.is_workday(D(2025, 9, 28)) and workdays.is_workday(D(2025, 10, 11))
    assert not workdays.is_workday(D(2025, 10, 6))
    # Fri 09-26 + 3 working days: Sun 09-28, Mon 09-29, Tue 09-30
    assert workdays.add_workdays(D(2025, 9, 26), 3) == D(2025, 9, 30)
    # Tue 09-30 + 1 working day skips the whole holiday
    assert workdays.add_workdays(D(2025, 9, 30), 1) == D(2025, 10, 9)
    assert workdays.workdays_between(D(2025, 9, 30), D(2025, 10, 11)) == 3  # 10-09, 10-10, 10-11


def test_interpretation_lag_counts_working_days_across_spring_festival():
    # 2026 春节: 02-15..02-23 off, Sat 02-14 and Sat 02-28 are 调休 working days.
    original = make("2026/gf", published=D(2026, 2, 13), title="示例市物业管理办法")
    on_time = make("2026/jd1", columns=("zcjd",), published=D(2026, 2, 25), 原文=original.index_number)
    late = make("2026/jd2", columns=("zcjd",), published=D(2026, 2, 26), 原文=original.index_number)
    _, problems = run(original, on_time, late)
    assert workdays.workdays_between(D(2026, 2, 13), D(2026, 2, 25)) == 3  # 02-14, 02-24, 02-25
    [msg] = messages(problems)
    assert problems.items[0].severity == "warning"
    assert "wj/szf/2026/jd2.md" in msg and "示例市物业管理办法" in msg and "wj/szf/2026/gf.md" in msg
    assert "晚4个工作日" in msg and "超过3个工作日" in msg


def test_lag_setting_is_used():
    original = make("2026/gf", published=D(2026, 3, 2))
    jd = make("2026/jd", columns=("zcjd",), published=D(2026, 3, 4), 原文=original.index_number)
    _, problems = run(original, jd, settings=Settings(lag_workdays=1))
    assert "超过1个工作日" in messages(problems, "warning")[0]


# ---------------------------------------------------------------- 意见征集 status and periods


def test_status_at_the_exact_close_time_in_shanghai():
    result, problems = run(consult(end="2026-11-26 17:00", kind="其他"))
    assert problems.items == []
    c = result.consultations[0]
    close = dt.datetime(2026, 11, 26, 17, 0, tzinfo=TZ)
    assert c.status(close - dt.timedelta(seconds=1)) == OPEN
    assert c.status(close) == CLOSED
    # 09:00 UTC is 17:00 in Shanghai
    assert c.status(dt.datetime(2026, 11, 26, 8, 59, 59, tzinfo=dt.timezone.utc)) == OPEN
    assert c.status(dt.datetime(2026, 11, 26, 9, 0, tzinfo=dt.timezone.utc)) == CLOSED
    assert c.status(dt.datetime(2026, 10, 31, 23, 59, tzinfo=TZ)) == UPCOMING
    assert c.status(dt.datetime(2026, 11, 1, 0, 0, tzinfo=TZ)) == OPEN


def test_date_only_close_accepts_comments_all_day():
    result, _ = run(consult(end="2026-12-01"))
    c = result.consultations[0]
    assert c.last_day == D(2026, 12, 1)
    assert c.status(dt.datetime(2026, 12, 1, 23, 59, 59, tzinfo=TZ)) == OPEN
    assert c.status(dt.datetime(2026, 12, 2, 0, 0, tzinfo=TZ)) == CLOSED
    assert c.days_left(D(2026, 11, 23)) == 8 and c.days_left(D(2026, 12, 1)) == 0


def test_dates_parsed_as_yaml_dates_and_chinese_forms():
    assert parse_when(D(2026, 1, 2), TZ) == (dt.datetime(2026, 1, 2, tzinfo=TZ), False)
    assert parse_when("2026年1月2日 17时30分", TZ) == (dt.datetime(2026, 1, 2, 17, 30, tzinfo=TZ), True)
    assert parse_when("2026-01-02 24:00", TZ) == (dt.datetime(2026, 1, 3, tzinfo=TZ), True)
    utc = dt.datetime(2026, 1, 2, 9, 0, tzinfo=dt.timezone.utc)
    assert parse_when(utc, TZ)[0] == dt.datetime(2026, 1, 2, 17, 0, tzinfo=TZ)
    assert parse_when("2026-02-30", TZ) is None


def test_column_order_open_then_upcoming_then_closed():
    docs = [consult("c-old", start="2026-09-01", end="2026-10-01"), consult("c-new", start="2026-10-01", end="2026-11-01"),
            consult("o-late", start="2026-11-01", end="2026-12-31"), consult("o-soon", start="2026-10-20", end="2026-11-30"),
            consult("u", start="2026-12-01", end="2027-01-05")]
    result, problems = run(*docs)
    assert problems.items == []
    now = dt.datetime(2026, 11, 23, 10, tzinfo=TZ)
    ordered = sorted(result.consultations, key=lambda c: consultation_order(c, now))
    assert [c.document.id.rsplit("/", 1)[1] for c in ordered] == ["o-soon", "o-late", "u", "c-new", "c-old"]


def test_close_before_start_is_an_error():
    _, problems = run(consult(start="2026-11-10", end="2026-11-09"))
    [msg] = messages(problems)
    assert "征集截止（2026-11-09）早于或等于征集开始（2026-11-10）" in msg and "wj/szf/zj.md" in msg


def test_missing_channel_is_an_error():
    doc = consult()
    del doc.extra["反馈方式"]
    _, problems = run(doc)
    [msg] = messages(problems)
    assert "反馈方式: 缺少必填字段“反馈方式”" in msg and "邮箱" in msg


def test_channel_details_are_checked():
    doc = consult(反馈方式={"邮件": "a@b.cn", "通讯地址": "中心大道1号"})
    _, problems = run(doc)
    msgs = messages(problems)
    assert any("不认识的字段“邮件”，相近的有：" in m and "邮箱" in m for m in msgs)
    assert any("写了通讯地址但没有邮编" in m for m in msgs)


def test_major_decision_shorter_than_30_days_needs_a_reason():
    _, problems = run(consult(start="2026-11-01", end="2026-11-30"))
    [msg] = messages(problems)
    assert "重大行政决策的征集期限为29日" in msg and "少于规定的30日" in msg and "2026-12-01" in msg
    assert "期限说明" in msg
    _, problems = run(consult(start="2026-11-01", end="2026-12-01"))
    assert problems.items == []
    _, problems = run(consult(start="2026-11-01", end="2026-11-30", 期限说明="上级要求限期出台，经批准缩短"))
    assert problems.items == []


def test_normative_document_period_counts_working_days_across_a_holiday():
    # Starts Tue 2025-09-30; holiday 10-01..10-08, Sat 10-11 is a 调休 working day:
    # 10-09, 10-10, 10-11, 10-13, 10-14, 10-15, 10-16 are the 7 working days.
    assert workdays.add_workdays(D(2025, 9, 30), 7) == D(2025, 10, 16)
    _, problems = run(consult(start="2025-09-30", end="2025-10-15", kind="行政规范性文件"))
    [msg] = messages(problems)
    assert "6个工作日" in msg and "少于规定的7个工作日" in msg and "2025-10-16" in msg
    _, problems = run(consult(start="2025-09-30", end="2025-10-16", kind="行政规范性文件"))
    assert problems.items == []


def test_period_counts_from_publication_when_the_notice_came_out_late():
    doc = consult(start="2026-11-01", end="2026-12-01")
    doc.published = D(2026, 11, 5)
    _, problems = run(doc)
    [msg] = messages(problems)
    assert "征集期限为26日（2026-11-05 至 2026-12-01，开始当日不计）（征集开始 2026-11-01 早于发布日期，从发布日期起算）" in msg
    assert "把征集截止改到 2026-12-05 或之后" in msg


@pytest.mark.parametrize("kind,short_end,enough_end,shown,minimum,source", [
    ("重大行政决策", "2026-11-30", "2026-12-01", "29日", "30日", "《重大行政决策程序暂行条例》第十五条"),
    ("规章", "2026-11-30", "2026-12-01", "29日", "30日", "《规章制定程序条例》第十五条"),
    ("涉企政策", "2026-11-30", "2026-12-01", "29日", "30日", "《优化营商环境条例》第六十二条"),
    # Sun 2026-11-01: Mon 11-02 … Tue 11-10 are the 7 working days.
    ("行政规范性文件", "2026-11-09", "2026-11-10", "6个工作日", "7个工作日",
     "各省行政规范性文件管理规定；《市县法治政府建设示范指标体系》第24项"),
])
def test_each_kind_has_its_minimum_period_and_names_its_source(kind, short_end, enough_end, shown, minimum, source):
    _, problems = run(consult(start="2026-11-01", end=short_end, kind=kind))
    assert [(p.field, p.message) for p in problems.items] == [(
        "征集截止", f"{kind}的征集期限为{shown}（2026-11-01 至 {short_end}，开始当日不计），少于规定的{minimum}（{source}）")]
    _, problems = run(consult(start="2026-11-01", end=enough_end, kind=kind))
    assert problems.items == []


def test_other_kind_has_no_minimum_and_unknown_kinds_are_named():
    _, problems = run(consult(start="2026-11-01", end="2026-11-02", kind="其他"))
    assert problems.items == []
    _, problems = run(consult(start="2026-11-01", end="2026-12-01", kind="规章草案"))
    assert [(p.field, p.message) for p in problems.items] == [
        ("征集类型", "取值“规章草案”无效，应为：重大行政决策 / 规章 / 涉企政策 / 行政规范性文件 / 其他，相近的有：规章")]
    assert "content/bangzhu/zhengji.md" in problems.items[0].fix and "docs/" not in problems.items[0].fix


def test_minimum_periods_are_settings():
    settings = Settings(min_periods={"重大行政决策": Period(15), "行政规范性文件": Period(5, workdays=True)})
    _, problems = run(consult(start="2026-11-01", end="2026-11-16"), settings=settings)
    assert problems.items == []
    _, problems = run(consult(kind="其他", start="2026-11-01", end="2026-11-02"))
    assert problems.items == []


def test_missing_dates_and_unreadable_dates():
    doc = consult(end="十二月一日")
    del doc.extra["征集开始"]
    _, problems = run(doc)
    msgs = messages(problems)
    assert any("征集开始: 缺少必填字段“征集开始”" in m for m in msgs)
    assert any("征集截止: 日期“十二月一日”无效，应为 YYYY-MM-DD 格式的真实日期，需要时刻时写 YYYY-MM-DD HH:MM" in m for m in msgs)


def test_draft_must_be_published():
    doc = consult()
    doc.body = ""
    _, problems = run(doc)
    assert any("征求意见稿" in m for m in messages(problems))


# ---------------------------------------------------------------- 反馈


def test_feedback_document_links_both_ways_and_figures():
    c1 = consult("c1", start="2026-03-01", end="2026-03-31", kind="其他")
    c2 = consult("c2", start="2026-06-01", end="2026-07-01")
    c3 = consult("c3", start="2025-06-01", end="2025-07-01",
                 反馈={"收到意见数": 4, "采纳": 4, "部分采纳": 0, "未采纳": 0, "发布日期": "2025-07-20"})
    fb = make("fk1", columns=("yjzj",), published=D(2026, 4, 10), 征集=c1.index_number, 收到意见数=10, 采纳=5,
              部分采纳=1, 未采纳=4, 未采纳理由=["与本文件无关", "超出地方立法权限"])
    result, problems = run(c1, c2, c3, fb)
    assert problems.items == []
    assert result.consultation(c1).feedback is result.feedback_document(fb)
    assert result.feedback_document(fb).consultation is result.consultation(c1)
    assert result.consultation(c2).feedback is None
    assert result.consultation(c3).feedback.document is None
    y2026, y2025 = result.figures()
    assert (y2026.year, y2026.consultations, y2026.received, y2026.adoption_rate_text) == (2026, 2, 10, "60.0%")
    assert (y2025.consultations, y2025.received, y2025.adoption_rate_text) == (1, 4, "100.0%")
    assert result.overdue(D(2026, 7, 31)) == []
    assert [c.document for c in result.overdue(D(2026, 8, 1))] == [c2]  # closed 07-01, more than 30 days


def test_feedback_for_unknown_consultation_is_an_error():
    c = consult("c", index="999000001/2026-00300")
    fb = make("fk", columns=("yjzj",), 征集="999000001/2026-00301", 收到意见数=0, 采纳=0, 部分采纳=0, 未采纳=0)
    _, problems = run(c, fb)
    [msg] = messages(problems)
    assert "wj/szf/fk.md" in msg and "征集: 找不到意见征集“999000001/2026-00301”" in msg
    assert "999000001/2026-00300" in msg


def test_feedback_for_a_document_that_is_not_a_consultation():
    other = make("x", title="某通知")
    fb = make("fk", columns=("yjzj",), 征集=other.index_number, 收到意见数=0, 采纳=0, 部分采纳=0, 未采纳=0)
    _, problems = run(other, fb)
    assert "（某通知）不是意见征集" in messages(problems)[0]


def test_feedback_counts_must_add_up_and_rejections_need_reasons():
    c = consult("c", start="2026-03-01", end="2026-04-01")
    fb = make("fk", columns=("yjzj",), published=D(2026, 4, 5), 征集=c.index_number, 收到意见数=10, 采纳=5,
              部分采纳=1, 未采纳=3)
    _, problems = run(c, fb)
    msgs = messages(problems)
    assert any("之和为9，与收到意见数（10）不一致" in m for m in msgs)
    assert any("有3条意见未采纳，但没有写未采纳理由" in m for m in msgs)


def test_feedback_before_close_and_duplicates():
    c = consult("c", start="2026-03-01", end="2026-04-01")
    early = make("fk1", columns=("yjzj",), published=D(2026, 3, 20), 征集=c.index_number, 收到意见数=0, 采纳=0,
                 部分采纳=0, 未采纳=0)
    again = make("fk2", columns=("yjzj",), published=D(2026, 4, 20), 征集=c.index_number, 收到意见数=0, 采纳=0,
                 部分采纳=0, 未采纳=0)
    _, problems = run(c, early, again)
    msgs = messages(problems)
    assert any("fk1.md" in m and "早于征集截止 2026-04-01" in m for m in msgs)
    assert any("fk2.md" in m and "已有反馈" in m for m in msgs)


def test_feedback_block_problems_name_the_line():
    text = ("征集开始: 2026-03-01\n征集截止: 2026-04-01\n征集单位: 示例市司法局\n反馈方式:\n  邮箱: a@example.gov.cn\n"
            "反馈:\n  收到意见数: 3\n  采纳: 1\n  部分采纳: 0\n  未采纳: 一条\n  发布日期: 2026-04-10\n")
    extra = load(text, "wj/szf/c.md", line_offset=1)  # the front matter starts after the '---' line
    doc = make("c", columns=("yjzj",), **extra)
    doc.extra = extra
    _, problems = run(doc)
    [p] = problems.errors
    assert (p.file, p.line, p.field) == ("wj/szf/c.md", 11, "反馈 · 未采纳")
    assert "应为非负整数" in p.message


def test_feedback_keys_without_consultation_reference():
    _, problems = run(make("x", 收到意见数=3))
    assert "“收到意见数”只用于反馈" in messages(problems)[0]


def test_document_in_consultation_column_must_be_consultation_or_feedback():
    _, problems = run(make("x", columns=("yjzj",)))
    assert "既不是意见征集" in messages(problems)[0]


# ---------------------------------------------------------------- 征集类型: untyped drafts, 规章 power, the calendar


def _org(name, kind="人民政府", rule_making=None):
    from gongkai.model import Guide, Organization

    guide = Guide(*[""] * 7)
    return Organization(id="o", name=name, kind=kind, code="999000001", guide=guide, rule_making=rule_making)


def test_an_untyped_draft_is_checked_against_the_shortest_minimum_and_asked_for_its_kind():
    """A 规范性文件 draft posted without 征集类型 used to pass with a 2-day period (其他 has no minimum)."""
    doc = consult(start="2026-11-02", end="2026-11-04")
    del doc.extra["征集类型"]
    result, problems = run(doc)
    assert result.consultations[0].kind == "其他"
    assert [(p.severity, p.field) for p in problems.items] == [("warning", "征集类型"), ("warning", "征集截止")]
    kind, period = problems.items
    assert kind.message.startswith("没有写征集类型，按“其他”处理") and "最短的是7个工作日" in kind.message
    assert period.message.startswith("征集期限为2个工作日（2026-11-02 至 2026-11-04，开始当日不计），少于各类草案中最短的7个工作日")
    assert "2026-11-11" in period.fix  # 7 working days after Mon 11-02
    doc.extra["征集类型"] = "其他"  # written: the editor says no minimum applies
    assert run(doc)[1].items == []


@pytest.mark.parametrize("org, words", [
    (_org("示例市民政局", "政府部门"), "部门和乡镇（街道）不能制定规章"),
    (_org("示例县人民政府"), "县级人民政府（含县级市、市辖区）不能制定规章"),
    (_org("示例市东城区人民政府"), "县级人民政府"),
    (_org("瑞安市人民政府", rule_making=False), "县级人民政府"),
])
def test_an_institution_without_rule_making_power_cannot_consult_on_a_guizhang(org, words):
    """立法法第九十三条: only the 人民政府 of a 设区的市 or above make 规章 (a county labelled its draft 规章)."""
    doc = consult(kind="规章")
    doc.publisher = org
    _, problems = run(doc)
    [problem] = problems.items
    assert (problem.severity, problem.field) == ("error", "征集类型") and words in problem.message
    assert "《中华人民共和国立法法》第九十三条" in problem.message


def test_a_city_government_may_consult_on_a_guizhang():
    doc = consult(kind="规章")
    doc.publisher = _org("示例市人民政府")
    assert run(doc)[1].items == []


def test_a_period_in_a_year_the_holiday_calendar_does_not_cover_says_so():
    year = workdays.LAST_YEAR + 1
    start = D(year, 3, 2)  # a Monday or not, counted Monday–Friday either way
    end = start + dt.timedelta(days=3)
    _, problems = run(consult(start=start.isoformat(), end=end.isoformat(), kind="行政规范性文件"))
    [problem] = problems.items
    assert f"（{year} 年节假日安排未收录，按周一至周五计算）" in problem.message


@pytest.mark.parametrize("written, form", [("专家解读", "专家解读"), ("图文", "图文"), ("图文解读", "图文"),
                                           ("媒体解读", "媒体解读"), ("在线访谈", "在线访谈"), ("音频", "音频"),
                                           ("H5", "H5"), ("h5", "H5")])
def test_interpretation_forms_sites_publish_are_accepted(written, form):
    a = make("2025/a")
    result, problems = run(a, make("2025/jd", columns=("zcjd",), 原文=a.index_number, 解读形式=written))
    assert problems.items == [] and result.interpretations[0].form == form


def test_products_of_the_site_report_are_pictures_sound_and_moving_images():
    from gongkai.interaction.model import INTERPRETATION_FORMS, PRODUCT_FORMS

    assert set(PRODUCT_FORMS) == {"图解", "视频", "音频", "动漫", "H5"} <= set(INTERPRETATION_FORMS)
    assert not {"文字", "图文", "问答", "发布会", "专家解读", "媒体解读"} & set(PRODUCT_FORMS)


def test_an_interpretation_published_before_its_original_is_a_warning():
    original = make("2025/gf", published=D(2025, 9, 26), kind="行政规范性文件")
    early = make("2025/jd", columns=("zcjd",), published=D(2025, 9, 20), 原文=original.index_number)
    _, problems = run(original, early)
    [problem] = problems.items
    assert (problem.severity, problem.field) == ("warning", "原文")
    assert problem.message == "解读（2025-09-20）早于原文《文件2025/gf》（wj/szf/2025/gf.md，2025-09-26）6 天发布"
    same_day = make("2025/jd2", columns=("zcjd",), published=D(2025, 9, 26), 原文=original.index_number)
    assert run(original, same_day)[1].items == []
