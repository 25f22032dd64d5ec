"""政府网站工作年度报表: the demo's 2025 page against the demo's content, bad data files, and the missing-report check."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from html import unescape
from pathlib import Path

import pytest

from kit import ROOT
from gongkai.editor.site import load_site
from gongkai.errors import Problems
from gongkai.sitereport import load_report
from kit import build, copy_mini

DEMO_DATA = ROOT / "content" / "wzbb" / "2025.yml"


def items(html: str) -> dict[str, str]:
    """Values of the 报表 table by section/group/label, without the * of computed figures."""
    found = re.findall(r'data-gk-item="([^"]*)">(.*?)</td>', html, re.S)
    return {unescape(k): re.sub(r"<[^>]+>\*</span>|<[^>]+>", "", v).strip() for k, v in found}


@pytest.fixture(scope="module")
def demo_2025(demo_site):
    return items((demo_site / "wzbb/2025/index.html").read_text(encoding="utf-8"))


def test_demo_2025_counts_match_the_demo_content(demo_2025):
    """Counted here straight from the documents the site publishes, as the national form defines them."""
    site = load_site(ROOT / "mkdocs.yml")
    catalog, docs = site.catalog, site.documents
    year = [d for d in docs if d.published.year == 2025]
    overview = [d for d in year if d.column_id == "jgzn"]
    news = [d for d in year if d.column_id != "jgzn" and catalog.columns[d.column_id].update_class == "动态要闻"]
    assert demo_2025["信息发布//总数"] == str(len(year)) and len(year) > 50
    assert demo_2025["信息发布//概况类信息更新量"] == str(len(overview)) and overview
    assert demo_2025["信息发布//政务动态信息更新量"] == str(len(news)) and news
    assert demo_2025["信息发布//信息公开目录信息更新量"] == str(len(year) - len(overview) - len(news))

    specials = new = 0
    for special in catalog.columns["zdly"].children:
        ids = {c.id for c in special.walk()}
        dates = [d.published for d in docs if ids & set(d.column_ids) and d.published.year <= 2025]
        specials += bool(dates)
        new += bool(dates) and min(dates).year == 2025
    assert (demo_2025["专栏专题//维护数量"], demo_2025["专栏专题//新开设数量"]) == (str(specials), str(new))
    assert specials > 0

    interpretations = [d for d in year if "原文" in d.extra]
    # 解读产品: pictures, sound, moving images; 问答 and 发布会 are text (their 文字实录), so 解读材料
    products = sum(d.extra.get("解读形式") in ("图解", "视频", "音频", "动漫", "H5") for d in interpretations)
    texts = [d for d in interpretations if d.extra.get("解读形式") not in ("图解", "视频", "音频", "动漫", "H5")]
    assert any(d.extra.get("解读形式") in ("问答", "发布会") for d in texts)
    assert demo_2025["解读回应/解读信息发布/解读材料数量"] == str(len(texts)) and texts
    assert demo_2025["解读回应/解读信息发布/解读产品数量"] == str(products)
    assert demo_2025["解读回应/解读信息发布/媒体评论文章数量"] == "6"  # from the data file
    assert demo_2025["解读回应/解读信息发布/总数"] == str(len(texts) + products + 6)

    started = [d for d in docs if "征集开始" in d.extra and str(d.extra["征集开始"]).startswith("2025")]
    assert demo_2025["互动交流/征集调查/征集调查期数"] == str(len(started)) and started
    feedback_docs = [d for d in year if "征集" in d.extra]
    blocks = [d.extra["反馈"] for d in docs if isinstance(d.extra.get("反馈"), dict)
              and str(d.extra["反馈"].get("发布日期", "")).startswith("2025")]
    comments = sum(d.extra["收到意见数"] for d in feedback_docs) + sum(b["收到意见数"] for b in blocks)
    assert demo_2025["互动交流/征集调查/公布调查结果期数"] == str(len(feedback_docs) + len(blocks))
    assert demo_2025["互动交流/征集调查/收到意见数量"] == str(comments) and comments > 0

    # What the site cannot know comes from the data file; identity from catalog/site.yml.
    assert demo_2025["//独立用户访问总量"] == "368520" and demo_2025["//网站类型"] == "政府门户网站"
    assert demo_2025["办事服务/办件量/总数"] == str(86120 + 23415)
    assert demo_2025["互动交流/留言办理/平均办理时间"] == "4.6"
    assert demo_2025["移动新媒体/微信/订阅数"] == "124000"
    assert demo_2025["//创新发展"] == "搜索即服务、无障碍浏览"
    assert demo_2025["//政府网站标识码"] == catalog.site.site_code and demo_2025["//首页网址"] == "https://www.example.gov.cn/"


def test_demo_home_page_publishes_the_report(demo_site):
    home = (demo_site / "index.html").read_text(encoding="utf-8")
    assert 'href="wzbb/2025/">政府网站工作年度报表（2025年度）</a>' in home
    assert "政府网站工作年度报表（2025年度）" in (demo_site / "wzbb/index.html").read_text(encoding="utf-8")
    assert not (demo_site / "wzbb/2025.yml").exists()  # the raw data is never published


def with_plugins(root: Path, extra: str = "") -> None:
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").rstrip("\n")
                      + "\n  - gongkai/sitereport:\n      overview_columns: [gz]\n" + extra, encoding="utf-8")


def write_data(root: Path, name: str, text: str) -> Path:
    path = root / "content/wzbb" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.build
def test_a_good_data_file_builds_in_a_small_site(tmp_path):
    root = copy_mini(tmp_path)
    with_plugins(root)
    write_data(root, "2025.yml", DEMO_DATA.read_text(encoding="utf-8"))
    result = build(root)
    assert result.returncode == 0, result.stderr
    got = items((root / "site/wzbb/2025/index.html").read_text(encoding="utf-8"))
    assert got["信息发布//总数"] == "7" and got["信息发布//概况类信息更新量"] == "1"  # gz-1 is in the overview column
    assert got["互动交流/征集调查/征集调查期数"] == "0"  # no interaction plugin: nothing to count


@pytest.mark.build
@pytest.mark.parametrize("change, expected", [
    (("独立用户访问总量: 368520", "独立用户访问总量: 36万"), "content/wzbb/2025.yml:6: 独立用户访问总量: 应为非负整数，实际是文字“36万”（修改方法：写成 独立用户访问总量: 1200）"),
    (("  是否开展应急演练: 是", "  是否开展应急演练: 有"), "安全防护 · 是否开展应急演练: 取值“有”无效，应为：是 / 否"),
    (("  访谈期数: 6", "  访谈次数: 6"), "互动交流 · 访谈次数: 不认识的字段“访谈次数”，相近的有：访谈期数"),
    (("网站类型: 政府门户网站", "网站类型: 门户网站"), "网站类型: 取值“门户网站”无效，应为：政府门户网站 / 部门网站 / 专项网站，相近的有：政府门户网站"),
    (("创新发展: [搜索即服务, 无障碍浏览]", "创新发展: [智能搜索]"), "创新发展: 取值“智能搜索”无效，应为：搜索即服务 / 多语言版本"),
    (("填报人: 孙立\n", ""), "填报人: 缺少必填字段“填报人”"),
    (("  法人办件量: 23415\n", ""), "办事服务 · 法人办件量: 缺少必填字段“法人办件量”"),
    (("年度: 2025", "年度: 2024"), "content/wzbb/2025.yml:4: 发布日期: 发布日期 2026-01-20 不在报表年度 2024 或次年"),
    (("年度: 2025\n发布日期: 2026-01-20", "年度: 2024\n发布日期: 2025-01-20"), "文件应为 wzbb/2024.yml（年度.yml）"),
])
def test_bad_data_files_fail_with_file_line_and_fix(tmp_path, change, expected):
    root = copy_mini(tmp_path)
    with_plugins(root)
    old, new = change
    text = DEMO_DATA.read_text(encoding="utf-8")
    assert old in text
    write_data(root, "2025.yml", text.replace(old, new))
    result = build(root)
    assert result.returncode == 1
    assert expected in result.stderr, result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.build
def test_unknown_columns_in_the_settings_are_named(tmp_path):
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/sitereport:\n      special_columns: [zdlyy]\n",
                      encoding="utf-8")
    write_data(root, "2025.yml", DEMO_DATA.read_text(encoding="utf-8"))
    result = build(root)
    assert result.returncode == 1 and "special_columns 中的“zdlyy”不是已定义的栏目" in result.stderr


def check_json(root: Path, as_of: str) -> list[dict]:
    report = root / "check.json"
    subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "--as-of", as_of, "--json", str(report), "-q"],
                   cwd=root, capture_output=True, text=True)
    return json.loads(report.read_text(encoding="utf-8"))["findings"]


@pytest.mark.build
def test_check_warns_when_last_years_report_is_missing_after_31_january(tmp_path):
    root = copy_mini(tmp_path)
    with_plugins(root)
    write_data(root, "2024.yml", DEMO_DATA.read_text(encoding="utf-8").replace("年度: 2025", "年度: 2024")
               .replace("发布日期: 2026-01-20", "发布日期: 2025-01-20"))
    on_time = [f for f in check_json(root, "2026-01-31") if f.get("check") == "baobiao"]
    assert on_time == []
    late = [f for f in check_json(root, "2026-02-03") if f.get("check") == "baobiao"]
    assert len(late) == 1 and late[0]["severity"] == "warning"
    assert late[0]["file"] == "content/wzbb/2025.yml"
    assert "未发布 2025 年度政府网站工作年度报表" in late[0]["message"] and "已逾期 3 天" in late[0]["message"]
    write_data(root, "2025.yml", DEMO_DATA.read_text(encoding="utf-8"))
    assert [f for f in check_json(root, "2026-02-03") if f.get("check") == "baobiao"] == []


def test_the_manual_example_is_a_valid_data_file():
    manual = (ROOT / "content/bangzhu/nianbao.md").read_text(encoding="utf-8")
    block = next(b for b in re.findall(r"```yaml\n(.*?)```", manual, re.S) if "独立用户访问总量" in b)
    problems = Problems()
    report = load_report(block, "content/bangzhu/nianbao.md", problems)
    assert problems.items == [] and report is not None and report.year == 2025


def test_a_report_published_after_31_january_is_flagged():
    """国办函〔2018〕12号: the 报表 is published by 31 January; one published later is late, not only a missing one."""
    import datetime as dt

    from gongkai.checks.sitereport import check_site_report

    published = {2024: (dt.date(2025, 1, 31), "content/wzbb/2024.yml", 5),
                 2025: (dt.date(2026, 2, 10), "content/wzbb/2025.yml", 5)}
    [late] = check_site_report({2024, 2025}, dt.date(2026, 6, 1), "01-31", "content/wzbb/{year}.yml", published)
    assert (late.file, late.line, late.field, late.severity) == ("content/wzbb/2025.yml", 5, "发布日期", "warning")
    assert late.message.startswith("2025 年度政府网站工作年度报表的发布日期 2026-02-10 晚于 2026-01-31")
    assert late.message.endswith("逾期 10 天")


@pytest.mark.build
def test_gongkai_check_names_a_late_report_with_its_line(tmp_path):
    root = copy_mini(tmp_path)
    with_plugins(root)
    path = write_data(root, "2025.yml", DEMO_DATA.read_text(encoding="utf-8").replace("发布日期: 2026-01-20",
                                                                                       "发布日期: 2026-02-05"))
    [late] = [f for f in check_json(root, "2026-03-01") if f.get("check") == "baobiao"]
    line = path.read_text(encoding="utf-8").splitlines().index("发布日期: 2026-02-05") + 1
    assert (late["file"], late["line"]) == ("content/wzbb/2025.yml", line) and "逾期 5 天" in late["message"]


FORM_2018 = Path(__file__).parent / "fixtures" / "sitereport" / "form-2018.tsv"


def test_the_form_is_the_national_form_row_by_row():
    """Every row of the 报表 as the published form prints it (section, sub-group, item, unit), transcribed apart
    from the code in tests/fixtures/sitereport/form-2018.tsv: 解读产品 in 个, 媒体评论文章 in 篇, the 解读信息发布
    sub-group, 是否明确网站安全负责人."""
    from gongkai.sitereport.model import FORM

    rows = [line.split("\t") for line in FORM_2018.read_text(encoding="utf-8").splitlines()
            if line and not line.startswith("#")][1:]
    ours = [(i.section, i.group, i.label, i.unit) for i in FORM]
    assert ours == [tuple(r) for r in rows]


def test_other_innovation_says_what_it_is():
    """创新发展 “□其他____”: 其他 comes with what it is, and is printed so."""
    from gongkai.sitereport import load_report

    text = DEMO_DATA.read_text(encoding="utf-8")
    problems = Problems()
    report = load_report(text.replace("创新发展: [搜索即服务, 无障碍浏览]", "创新发展: [搜索即服务, 其他：政策智能问答]"),
                         "content/wzbb/2025.yml", problems)
    assert problems.items == [] and report.data[("创新发展",)] == ["搜索即服务", "其他：政策智能问答"]
    problems = Problems()
    assert load_report(text.replace("创新发展: [搜索即服务, 无障碍浏览]", "创新发展: [其他]"), "x.yml", problems) is None
    [problem] = problems.items
    assert problem.message == "“其他”须写明是什么创新" and problem.fix.startswith("写成“其他：……”")


def test_the_old_security_key_is_read_with_a_warning():
    from gongkai.sitereport import load_report

    text = DEMO_DATA.read_text(encoding="utf-8").replace("是否明确网站安全负责人", "是否明确网站安全责任人")
    problems = Problems()
    report = load_report(text, "content/wzbb/2025.yml", problems)
    [warning] = problems.items
    assert warning.severity == "warning" and "已更名为“是否明确网站安全负责人”" in warning.message
    assert "gongkai upgrade" in warning.fix and report.data[("安全防护", "是否明确网站安全负责人")] == "是"
