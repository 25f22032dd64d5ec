"""`gongkai new`: numbering, every kind in a copy of a fixture site, strict builds, and precise errors."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest

from gongkai import cli, documents, yamlutil
from gongkai.editor import numbering
from kit import build, copy_mini, copy_site, write_doc

INTERACTION = Path(__file__).parent / "fixtures" / "interaction"


def run_new(root: Path, monkeypatch, capsys, *args, stdin: str = "", env: dict | None = None):
    """Run `gongkai new` in ``root``; returns (exit code, stdout, stderr)."""
    monkeypatch.chdir(root)
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(stdin.encode("utf-8")), encoding="utf-8"))
    for key, value in (env or {}).items():
        monkeypatch.setenv(key, value)
    code = cli.main(["new", *args])
    out, err = capsys.readouterr()
    return code, out, err


def front(path: Path) -> dict:
    """The new file's front matter, read with gongkai's own reader."""
    text, _, _ = documents.split_front_matter(path.read_text(encoding="utf-8"))
    return dict(yamlutil.load(text, str(path)))


# ---------------------------------------------------------------------------------------------- numbering


def test_next_index_number_follows_the_highest_and_never_reuses():
    series = ["999000001/2026-00003", "999000001/2026-00017", "999000001/2025-00090", "999000002/2026-00400"]
    assert numbering.next_index_number("999000001", 2026, series) == "999000001/2026-00018"
    assert numbering.next_index_number("999000001", 2027, series) == "999000001/2027-00001"
    # A number some plugin derived in its own range (年报: 9 + year) is skipped, not followed.
    taken = ["999000001/2026-00018", "999000001/2026-92025"]
    assert numbering.next_index_number("999000001", 2026, series, taken) == "999000001/2026-00019"
    # A wider 流水号 keeps its width.
    assert numbering.next_index_number("999000001", 2026, ["999000001/2026-000120"]) == "999000001/2026-000121"


def test_next_doc_number_per_daizi_and_year():
    used = ["示政办发〔2026〕3号", "示政办发〔2026〕12号", "示政办发〔2025〕40号", "示政发〔2026〕30号", "示例市人民政府令第3号"]
    assert numbering.next_doc_number("示政办发", 2026, used) == "示政办发〔2026〕13号"
    assert numbering.next_doc_number("示政发", 2026, used) == "示政发〔2026〕31号"
    assert numbering.next_doc_number("示政函", 2026, used) == "示政函〔2026〕1号"
    assert numbering.daizi_of("示政办发〔2026〕3号") == "示政办发"
    assert numbering.daizi_of("示例市人民政府令第3号") is None


@pytest.mark.build
def test_next_numbers_after_a_repealed_document_and_a_rejected_file(tmp_path, monkeypatch, capsys):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2026/old.md", """title: 测试市教育局关于废止某办法的通知
栏目: [gfxwj]
发布机构: jyj
成文日期: 2026-01-05
发布日期: 2026-01-06
文号: 测教发〔2026〕8号
索引号: 999100002/2026-00041
主题分类: 科技、教育
有效性: 废止""")
    # A file with an error is not published, but its numbers are taken all the same.
    write_doc(root, "jyj/2026/broken.md", """title: 有错误的文件
栏目: [gfxwj]
发布机构: jyj
成文日期: 2026-02-30
发布日期: 2026-03-01
文号: 测教发〔2026〕9号
索引号: 999100002/2026-00050
主题分类: 科技、教育""")
    code, out, err = run_new(root, monkeypatch, capsys, "jyj", "gfxwj", "测试市教育局关于开展读书月活动的通知",
                             "--daizi", "测教发", "--date", "2026-03-02")
    assert code == 0, err
    path = root / out.strip()
    assert path == root / "content/wj/jyj/2026/00051.md"
    data = front(path)
    assert data["索引号"] == "999100002/2026-00051"
    assert data["文号"] == "测教发〔2026〕10号"
    assert "content/wj/jyj/2026/broken.md 有错误" in err  # named, not silently ignored
    path.unlink()
    (root / "content/wj/jyj/2026/broken.md").unlink()
    code, out, err = run_new(root, monkeypatch, capsys, "jyj", "gfxwj", "测试市教育局关于开展读书月活动的通知",
                             "--daizi", "测教发", "--date", "2026-03-02")
    data = front(root / out.strip())
    # Without the broken file the highest number is the 废止 one: it is never given again.
    assert (data["索引号"], data["文号"]) == ("999100002/2026-00042", "测教发〔2026〕9号")
    assert build(root).returncode == 0


# ---------------------------------------------------------------------------------------------- every kind


@pytest.fixture
def interaction_site(tmp_path):
    return copy_site(tmp_path, INTERACTION)


@pytest.mark.build
def test_every_kind_builds_strictly(interaction_site, monkeypatch, capsys):
    root = interaction_site
    day = "2026-11-30"
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "行政规范性文件", "测试市人民政府关于印发测试市养老服务办法的通知",
                             "--daizi", "测政发", "--kind", "行政规范性文件", "--date", day)
    assert code == 0, err
    plain = root / out.strip()
    data = front(plain)
    assert data["栏目"] == ["gfxwj"] and data["发布机构"] == "szf"
    assert data["索引号"] == "999100001/2026-00004" and data["文号"] == "测政发〔2026〕2号"
    assert str(data["成文日期"]) == str(data["发布日期"]) == day
    assert data["主题分类"] == "城乡建设、环境保护" and "请核对" in err  # this column's usual 主题分类

    code, out, err = run_new(root, monkeypatch, capsys, "解读", "999100001/2026-00004", "--date", day, stdin="2\n")
    assert code == 0, err
    interp = front(root / out.strip())
    assert interp["原文"] == "999100001/2026-00004" and interp["解读形式"] == "图解"  # asked, answered "2"
    assert interp["title"] == "《测试市养老服务办法》政策解读"
    assert interp["栏目"] == ["zcjd"] and interp["主题分类"] == data["主题分类"]
    assert interp["索引号"] == "999100001/2026-00005"

    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "测试市教育局关于征求《测试市校外培训管理办法》意见的通知",
                             "--type", "行政规范性文件", "--date", day)
    assert code == 0, err
    consult = front(root / out.strip())
    # 7 working days after Monday 2026-11-30 (the start day not counted): Wednesday 2026-12-09.
    assert str(consult["征集开始"]) == day and str(consult["征集截止"]) == "2026-12-09"
    assert consult["征集单位"] == "测试市教育局" and consult["反馈方式"]["邮编"] == "999001"

    code, out, err = run_new(root, monkeypatch, capsys, "反馈", "999100002/2026-00016", "--date", day)
    assert code == 0, err
    feedback = front(root / out.strip())
    assert feedback["征集"] == "999100002/2026-00016" and feedback["收到意见数"] == 0
    assert feedback["title"] == "《测试市研学实践管理办法》公开征求意见采纳情况"

    result = build(root)
    assert result.returncode == 0, result.stderr
    html = (root / "site/wj/szf/2026/00005/index.html").read_text(encoding="utf-8")
    assert "养老服务办法" in html and "00004/" in html  # the 解读 links its 原文
    original = (root / "site/wj/szf/2026/00004/index.html").read_text(encoding="utf-8")
    assert "00005/" in original  # and the 原文 its 解读
    assert "2026-12-09" in (root / "site/wj/jyj/2026/00017/index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_consultation_periods_come_from_the_site_settings(interaction_site, monkeypatch, capsys):
    root = interaction_site
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    anchor = "  - gongkai/interaction:\n      enabled: true\n"
    assert anchor in text
    config.write_text(text.replace(anchor, anchor + "      min_periods: {重大行政决策: null, 行政规范性文件: 8个工作日, 其他: 20日}\n"),
                      encoding="utf-8")
    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知", "--type", "其他",
                             "--date", "2026-11-30")
    assert code == 0, err
    assert str(front(root / out.strip())["征集截止"]) == "2026-12-20"  # 20 calendar days, as configured
    # A kind the site's configuration gives no minimum: the editor is asked for the end date.
    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知", "--type", "重大行政决策",
                             "--date", "2026-11-30")
    assert code == 2 and "征集截止日期（重大行政决策没有规定最短期限" in err and "--end" in err
    # Kinds come from the site's settings, not from a list in gongkai new.
    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知", "--type", "涉企政策",
                             "--date", "2026-11-30")
    assert code == 0, err
    assert str(front(root / out.strip())["征集截止"]) == "2026-12-30"  # 30 days, the national minimum
    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知", "--type", "行政规范性文件",
                             "--date", "2026-11-30", "--end", "2026-12-08")
    assert code == 2 and "最早为 2026-12-10" in err and "--reason" in err  # 8 working days
    code, out, err = run_new(root, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知", "--type", "行政规范性文件",
                             "--date", "2026-11-30", "--end", "2026-12-10", "--reason", "上级要求年底前出台")
    assert code == 0, err
    assert front(root / out.strip())["期限说明"] == "上级要求年底前出台"
    assert build(root).returncode == 0


def test_today_is_in_asia_shanghai(tmp_path, monkeypatch, capsys):
    import datetime as dt
    from zoneinfo import ZoneInfo

    root = copy_mini(tmp_path)
    before = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "gzdt", "测试市召开政务公开工作会议")
    after = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    assert code == 0, err
    data = front(root / out.strip())
    assert data["发布日期"] in (before, after)
    assert out.strip() == f"content/wj/szf/{data['发布日期'].year}/{data['索引号'].rsplit('-', 1)[1]}.md"
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "gzdt", "测试市召开会议", env={"GONGKAI_AS_OF": "2027-01-04"})
    assert front(root / out.strip())["索引号"] == "999100001/2027-00001"


# ---------------------------------------------------------------------------------------------- errors


@pytest.mark.parametrize("args, expected", [
    (["szff", "gfxwj", "标题"], "“szff”不是已定义的发布主体，相近的有：szf"),
    (["szf", "gfxwjj", "标题"], "“gfxwjj”不是已定义的栏目，相近的有：gfxwj"),
    (["dcjd", "gfxwj", "标题"], "栏目“行政规范性文件”（gfxwj）不适用于乡镇（街道）“测试市东城街道办事处”"),
    (["szf", "zcjd", "标题"], "gongkai new 解读"),
    (["szf", "yjzj", "标题"], "gongkai new 征集"),
    (["szf", "gfxwj", "标题", "--topic", "教育"], "主题分类“教育”无效"),
    (["szf", "gfxwj", "标题", "--daizi", "测政发〔2026〕"], "只写代字本身"),
    (["szf", "gfxwj", "标题", "--date", "2026-02-30"], "“2026-02-30”不是日期"),
    (["解读", "999100001/2026-0001"], "找不到原文“999100001/2026-0001”，相近的有：999100001/2026-00001"),
    (["解读", "999100001/2026-00003", "--form", "文字"], "本身是政策解读，不能作为原文"),
    (["解读", "999100001/2026-00001", "--form", "漫画"], "解读形式“漫画”无效"),
    (["解读", "999100001/2026-00001"], "没有回答“解读形式”：请用 --form 指定"),
    (["解读", "999100001/2026-00001", "--form", "文字", "--org", "dcjdd"], "“dcjdd”不是已定义的发布主体，相近的有：dcjd"),
    (["征集", "jyj", "标题", "--type", "重大决策"], "征集类型“重大决策”无效，相近的有：重大行政决策"),
    (["反馈", "999100002/2026-00013"], "已有反馈"),
    (["反馈", "999100001/2026-00001"], "不是意见征集"),
    (["反馈", "999100002/2026-00015", "--date", "2026-11-30"], "已有反馈"),
    (["反馈", "999100002/2026-00012", "--date", "2026-11-01"], "反馈应在结束后发布"),
])
def test_errors_name_the_mistake_and_the_fix(interaction_site, monkeypatch, capsys, args, expected):
    code, out, err = run_new(interaction_site, monkeypatch, capsys, *args)
    assert code == 2
    assert expected in err, err
    assert out == "" and "Traceback" not in err
    assert not list((interaction_site / "content/wj").rglob("000*.md"))  # nothing written


def test_an_existing_file_is_never_overwritten(tmp_path, monkeypatch, capsys):
    root = copy_mini(tmp_path)
    target = root / "content/wj/szf/2025/gf-1.md"
    before = target.read_text(encoding="utf-8")
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "gfxwj", "标题", "--date", "2025-05-06", "--slug", "gf-1")
    assert code == 2 and "已存在，未覆盖" in err
    assert target.read_text(encoding="utf-8") == before
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "gfxwj", "标题", "--slug", "通知")
    assert code == 2 and "只能用字母、数字" in err


def test_missing_config_file_is_reported(tmp_path, monkeypatch, capsys):
    code, out, err = run_new(tmp_path, monkeypatch, capsys, "szf", "gfxwj", "标题")
    assert code == 2 and "找不到网站配置文件 mkdocs.yml" in err



@pytest.mark.build
def test_the_catalog_gives_a_column_its_default_topic(tmp_path, monkeypatch, capsys):
    root = copy_mini(tmp_path)
    columns = root / "catalog/columns.yml"
    text = columns.read_text(encoding="utf-8")
    columns.write_text(text.replace("    名称: 政策文件\n", "    名称: 政策文件\n    主题分类: 综合政务\n"), encoding="utf-8")
    # gfxwj inherits 综合政务 from its parent zcwj, although its documents are mostly 科技、教育.
    code, out, err = run_new(root, monkeypatch, capsys, "jyj", "gfxwj", "测试市教育局关于印发某办法的通知",
                             "--date", "2025-06-02")
    assert code == 0, err
    assert front(root / out.strip())["主题分类"] == "综合政务" and "取自栏目“行政规范性文件”的默认主题分类" in err
    columns.write_text(text.replace("    名称: 政策文件\n", "    名称: 政策文件\n    主题分类: 教育\n"), encoding="utf-8")
    result = build(root)
    assert result.returncode == 1
    assert "catalog/columns.yml:7: 栏目 zcwj · 主题分类: 取值“教育”无效" in result.stderr


@pytest.mark.build
def test_a_consultation_ending_in_a_year_the_holiday_calendar_lacks_says_so(interaction_site, monkeypatch, capsys):
    from gongkai import workdays

    day = "2026-12-23"  # the fixture builds as of 2026-11-23: at most 30 days ahead
    monkeypatch.setattr(workdays, "LAST_YEAR", 2026)  # as chinesecalendar 1.11 (a newer one may know 2027)
    code, out, err = run_new(interaction_site, monkeypatch, capsys, "征集", "jyj", "关于征求意见的通知",
                             "--type", "行政规范性文件", "--date", day)
    assert code == 0, err
    end = front(interaction_site / out.strip())["征集截止"]
    assert end.year == workdays.LAST_YEAR + 1
    assert f"{end.year} 年的节假日安排未收录，工作日按周一至周五计算" in out + err


# ---------------------------------------------------------------------------------------------- 统一编号 (issue 21)


def test_new_in_the_normative_column_writes_the_kind_and_a_number(tmp_path, monkeypatch, capsys):
    root = copy_mini(tmp_path)
    code, out, err = run_new(root, monkeypatch, capsys, "jyj", "gfxwj", "测试市教育局关于印发某办法的通知",
                             "--date", "2026-03-02")
    assert code == 0, err
    data = front(root / out.strip())
    assert data["文件类型"] == "行政规范性文件"  # from the column: the 年报 counts it, the 解读 reminder sees it
    assert data["文号"].startswith("测教发〔2026〕")  # the series this 发布主体's 行政规范性文件 use
    assert "常用的机关代字“测教发”" in err
    code, out, err = run_new(root, monkeypatch, capsys, "jyj", "gfxwj", "标题", "--kind", "其他文件")
    assert code == 2 and "栏目“行政规范性文件”只收行政规范性文件" in err
    code, out, err = run_new(root, monkeypatch, capsys, "szf", "gz", "测试市某管理办法")
    assert code == 0, err
    assert front(root / out.strip())["文件类型"] == "规章"
