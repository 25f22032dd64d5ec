"""Build tests for gongkai/interaction: a small site (tests/fixtures/interaction, "today" pinned) built with
mkdocs as CI does; pages, lists, figures and every build-level message."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from kit import build, copy_site, write_doc as write

pytestmark = pytest.mark.build

FIXTURE = Path(__file__).parent / "fixtures" / "interaction"
ROW_RE = re.compile(r'<tr data-gk-row="([^"]+)"|<tr data-gk-follows="([^"]+)"')


def copy_fixture(tmp_path: Path) -> Path:
    return copy_site(tmp_path, FIXTURE)


def set_today(root: Path, today: str | None) -> None:
    config = root / "mkdocs.yml"
    text = config.read_text("utf-8")
    new = f'      as_of: "{today}"' if today else "      page_size: 20"
    config.write_text(re.sub(r'      as_of: "[^"]*"', new, text), "utf-8")


def text(site: Path, rel: str) -> str:
    return html.unescape((site / rel / "index.html").read_text("utf-8"))


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = copy_fixture(tmp_path_factory.mktemp("interaction"))
    result = build(root)
    assert result.returncode == 0, result.stderr
    assert not re.search(r"^WARNING", result.stderr, re.M), result.stderr
    return root / "site"


# ---------------------------------------------------------------- pages


def test_original_lists_its_interpretations_with_form_and_date(site):
    page = text(site, "wj/szf/2026/gf-1")
    related = page.split('id="gk-jd-related"', 1)[1].split("</section>")[0]
    assert related.index("图解：测试市物业管理办法") < related.index("《测试市物业管理办法》政策解读")  # oldest first
    assert "文字解读" in related and "2026-02-24" in related and "2026-02-25" in related
    assert 'href="../jd-1/"' in related and 'href="../jd-2/"' in related


def test_interpretation_shows_its_original_with_number_and_date(site):
    page = text(site, "wj/szf/2026/jd-2")
    box = page.split('id="gk-jd-originals"', 1)[1].split("</section>")[0]
    assert 'href="../gf-1/"' in box and "测试市人民政府关于印发测试市物业管理办法的通知" in box
    assert "测政发〔2026〕1号" in box and "2026-02-13" in box and "解读形式：图解" in box


def test_interpretation_column_lists_original_and_form(site):
    page = text(site, "xxgk/zcwj/zcjd")
    rows = page.split('<table class="gk-list ', 1)[1].split("</table>")[0].split("<tr>")[2:]
    assert len(rows) == 2
    assert "《测试市物业管理办法》政策解读" in rows[0] and "文字解读" in rows[0]  # newest first
    assert "图解" in rows[1] and "测政发〔2026〕1号" in rows[1] and "wj/szf/2026/gf-1/" in rows[1]
    by_org = text(site, "xxgk/szf/zcwj/zcjd")  # the core's per-发布主体 page uses the same list
    assert "图解：测试市物业管理办法" in by_org


def test_consultation_column_order_status_and_feedback(site):
    page = text(site, "xxgk/yjzj")
    order = [a or "fk:" + b for a, b in ROW_RE.findall(page)]
    assert order == ["wj/jyj/2026/zj-open", "wj/jyj/2026/zj-upcoming", "wj/jyj/2026/zj-pending",
                     "wj/jyj/2026/zj-block", "wj/jyj/2026/zj-closed", "fk:wj/jyj/2026/zj-closed"]
    rows = dict(zip(order, page.split("<tr data-gk-")[1:]))
    assert 'data-gk-status="征集中"' in rows["wj/jyj/2026/zj-open"] and "还剩17天" in rows["wj/jyj/2026/zj-open"]
    assert 'data-gk-end="2026-12-10T17:00:00+08:00"' in rows["wj/jyj/2026/zj-open"]
    assert ">未开始<" in rows["wj/jyj/2026/zj-upcoming"]
    pending = rows["wj/jyj/2026/zj-pending"]
    assert ">已结束<" in pending and '<span data-gk-show="已结束">反馈待发布</span>' in pending
    assert "收到意见12条，采纳6条、部分采纳2条" in rows["wj/jyj/2026/zj-closed"]
    assert "收到意见3条，采纳1条" in rows["wj/jyj/2026/zj-block"]


def test_consultation_column_year_figures(site):
    page = text(site, "xxgk/jyj/yjzj")
    figures = page.split('id="gk-zj-figures-title"', 1)[1].split("</table>")[0]
    cells = re.findall(r"<t[hd][^>]*>([^<]*)</t[hd]>", figures.split("<tbody>")[1])
    # 年度, 征集数, 已公布反馈, 收到意见, 采纳, 部分采纳, 未采纳, 采纳率 = (6+2+1)/15
    assert cells == ["2026年", "5", "2", "15", "7", "2", "6", "60.0%"]


def test_consultation_page_status_channel_and_feedback(site):
    page = text(site, "wj/jyj/2026/zj-open")
    body = page.split('class="gk-body"', 1)[1]
    assert body.index('class="gk-zj-banner"') < body.index("征求意见稿全文")  # status above the draft
    box = page.split('id="gk-zj"', 1)[1].split("</section>")[0]
    assert 'data-gk-status="征集中"' in box and "2026年11月1日 至 2026年12月10日 17:00" in box
    for value in ("jyj@example.gov.cn", "测试市人民路2号测试市教育局政策法规科（邮编：999001）", "0999-00000003",
                  "李科长", "测试市教育局", "重大行政决策", "为规范学前教育，起草了本条例草案。"):
        assert value in box
    closed = text(site, "wj/jyj/2026/zj-closed")
    assert 'href="../fk-1/"' in closed and '<td data-label="收到意见">12条</td>' in closed
    block = text(site, "wj/jyj/2026/zj-block")
    assert "未采纳理由" in block and "与本文件无关" in block and "2026-10-30" in block
    feedback = text(site, "wj/jyj/2026/fk-1")
    assert 'href="../zj-closed/"' in feedback and "1条建议与上位法规定不一致" in feedback


def test_status_script_and_style_are_served_from_the_site(site):
    page = (site / "wj/jyj/2026/zj-open/index.html").read_text("utf-8")
    assert re.search(r'<script src="[./]*assets/interaction/interaction\.js', page)
    assert re.search(r'href="[./]*assets/interaction/interaction\.css"', page)
    assert (site / "assets/interaction/interaction.js").read_text("utf-8").count("data-gk-start") >= 1


# ---------------------------------------------------------------- build-level messages


def test_bad_inputs_fail_the_build_with_precise_messages(tmp_path):
    root = copy_fixture(tmp_path)
    write(root, "szf/2026/jd-bad.md", """title: 某解读
栏目: [zcjd]
发布机构: szf
成文日期: 2026-03-02
发布日期: 2026-03-02
索引号: 999100001/2026-00090
主题分类: 综合政务
原文: 999100001/2026-00091
解读形式: 视频""")
    write(root, "jyj/2026/zj-bad.md", """title: 某征集
栏目: [yjzj]
发布机构: jyj
成文日期: 2026-03-02
发布日期: 2026-03-02
索引号: 999100002/2026-00090
主题分类: 科技、教育
征集开始: 2026-03-10
征集截止: 2026-03-05
征集单位: 测试市教育局""")
    write(root, "jyj/2026/fk-bad.md", """title: 某反馈
栏目: [yjzj]
发布机构: jyj
成文日期: 2026-03-02
发布日期: 2026-03-02
索引号: 999100002/2026-00091
主题分类: 科技、教育
征集: wj/jyj/2026/zj-nonexistent
收到意见数: 0
采纳: 0
部分采纳: 0
未采纳: 0""")
    result = build(root)
    assert result.returncode != 0
    err = result.stderr
    assert "content/wj/szf/2026/jd-bad.md:9: 原文: 找不到原文“999100001/2026-00091”" in err
    assert ("content/wj/jyj/2026/zj-bad.md:10: 征集截止: 征集截止（2026-03-05）早于或等于征集开始（2026-03-10）"
            in err)
    assert "content/wj/jyj/2026/zj-bad.md:2: 反馈方式: 缺少必填字段“反馈方式”" in err
    assert "content/wj/jyj/2026/fk-bad.md:9: 征集: 找不到意见征集“wj/jyj/2026/zj-nonexistent”" in err


def test_short_period_needs_a_reason(tmp_path):
    root = copy_fixture(tmp_path)
    zj = root / "content/wj/jyj/2026/zj-closed.md"
    zj.write_text(zj.read_text("utf-8").replace("征集截止: 2026-10-01", "征集截止: 2026-09-20"), "utf-8")
    result = build(root)
    assert result.returncode != 0
    assert ("content/wj/jyj/2026/zj-closed.md:10: 征集截止: 重大行政决策的征集期限为19日（2026-09-01 至 2026-09-20，"
            "开始当日不计），少于规定的30日") in result.stderr
    zj.write_text(zj.read_text("utf-8").replace("征集类型: 重大行政决策", "征集类型: 重大行政决策\n期限说明: 上级要求限期出台"),
                  "utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr


def test_late_interpretation_is_a_warning_naming_both(tmp_path):
    root = copy_fixture(tmp_path)
    jd = root / "content/wj/szf/2026/jd-1.md"
    jd.write_text(jd.read_text("utf-8").replace("2026-02-25", "2026-02-26"), "utf-8")
    result = build(root, strict=False)
    assert result.returncode == 0, result.stderr
    assert re.search(r"警告：content/wj/szf/2026/jd-1\.md:\d+: 原文: 解读（2026-02-26）比原文《测试市人民政府关于印发"
                     r"测试市物业管理办法的通知》（content/wj/szf/2026/gf-1\.md，2026-02-13）晚4个工作日发布，超过3个工作日",
                     result.stderr)
    assert build(root).returncode == 0  # a finding for the editors, not a failed build


def test_closed_without_feedback_for_too_long_is_listed(tmp_path):
    root = copy_fixture(tmp_path)
    set_today(root, "2026-12-16")  # zj-pending closed 2026-11-15: 31 days
    result = build(root, strict=False)
    assert "content/wj/jyj/2026/zj-pending.md:10: 反馈: 意见征集“测试市教育局关于征求《测试市研学实践管理办法》意见的通知”" in result.stderr
    assert "”已于 2026-11-15 结束，31 天仍未公布反馈（超过 30 天）" in result.stderr
    assert result.stderr.count("仍未公布反馈") == 1
    assert build(root).returncode == 0
    set_today(root, "2026-12-15")
    assert "仍未公布反馈" not in build(root, strict=False).stderr


def test_today_from_environment_and_minimum_periods_setting(tmp_path):
    root = copy_fixture(tmp_path)
    set_today(root, None)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "      min_periods:\n        重大行政决策: 40日\n", "utf-8")
    result = build(root, env={"GONGKAI_AS_OF": "2026-12-10 17:00"})
    assert result.returncode != 0
    assert "zj-open.md:10: 征集截止: 重大行政决策的征集期限为39日" in result.stderr and "少于规定的40日" in result.stderr
    config.write_text(config.read_text("utf-8").replace("40日", "30日"), "utf-8")
    result = build(root, env={"GONGKAI_AS_OF": "2026-12-10 17:00"})
    assert result.returncode == 0, result.stderr
    row = text(root / "site", "xxgk/yjzj").split('data-gk-row="wj/jyj/2026/zj-open"')[1].split("</tr>")[0]
    assert 'data-gk-status="已结束"' in row  # built exactly at the close instant


def test_bad_setting_is_reported(tmp_path):
    root = copy_fixture(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text("utf-8") + "      min_periods:\n        重大行政决策: 三十天\n", "utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "option 'min_periods': 重大行政决策: “三十天”无法识别，应写成“30日”“7个工作日”或 null（不限）" in result.stderr
    config.write_text(config.read_text("utf-8").replace("重大行政决策: 三十天", "规章草案: 30日"), "utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "option 'min_periods': 规章草案: 不是征集类型，应为：重大行政决策 / 规章 / 涉企政策 / 行政规范性文件 / 其他" \
        in result.stderr


def test_site_periods_override_only_the_kinds_they_name():
    from gongkai.interaction import Period
    from gongkai.plugins.interaction.plugin import min_periods

    from gongkai.plugins.interaction.config import InteractionConfig

    config = InteractionConfig()
    config.load_dict({"min_periods": {"行政规范性文件": "15日", "其他": "5个工作日", "规章": None}})
    assert config.validate() == ([], [])
    periods = min_periods(config.min_periods)
    assert periods["行政规范性文件"] == Period(15) and periods["行政规范性文件"].source == "本站设置 min_periods"
    assert periods["其他"] == Period(5, workdays=True)
    assert periods["重大行政决策"] == Period(30) and periods["重大行政决策"].source == "《重大行政决策程序暂行条例》第十五条"
    assert periods["涉企政策"] == Period(30)
    assert periods["规章"] is None


def test_normative_documents_without_interpretation_are_listed(tmp_path):
    root = copy_fixture(tmp_path)
    write(root, "jyj/2026/gf-2.md", """title: 测试市教育局关于规范课后托管的通知
栏目: [gfxwj]
发布机构: jyj
成文日期: 2026-03-02
发布日期: 2026-03-02
索引号: 999100002/2026-00090
文号: 测教发〔2026〕90号
主题分类: 科技、教育
文件类型: 行政规范性文件""")
    result = build(root)
    assert result.returncode == 0, result.stderr  # a list for the editors, not a failure
    assert "以下 1 件行政规范性文件没有政策解读：content/wj/jyj/2026/gf-2.md《测试市教育局关于规范课后托管的通知》" \
        in result.stderr
    assert "gf-1.md" not in result.stderr.split("没有政策解读")[1]  # gf-1 has two 解读
