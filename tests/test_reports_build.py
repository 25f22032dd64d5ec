"""年报 in a real build: pages in each 发布主体's 年报 column, history page with inline SVG, downloads, strict
failures, drafts — on a copy of the mini site with a 年报 column and the gongkai/reports plugin."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path


import pytest

from kit import build, copy_mini

pytestmark = pytest.mark.build

FIXTURES = Path(__file__).parent / "fixtures" / "reports"
NB_COLUMN = """  - id: gknb
    名称: 政府信息公开年报
    类型: 年报
    更新类别: 无
"""


def make_site(tmp_path: Path, reports: dict[str, str]) -> Path:
    root = copy_mini(tmp_path)
    with open(root / "catalog" / "columns.yml", "a", encoding="utf-8") as fh:
        fh.write(NB_COLUMN)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/reports\n", encoding="utf-8")
    for rel, text in reports.items():
        path = root / "content" / "reports" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("reports"), {
        "jyj/2023.yml": fixture("valid-2021.yml"),
        "szf/2019.yml": fixture("valid-2019.yml"),
        "szf/2016.yml": fixture("valid-2016.yml"),
    })
    result = build(root, strict=True)
    assert result.returncode == 0, result.stderr
    assert "WARNING" not in result.stderr, result.stderr
    return root / "site", result


def read(site_dir: Path, rel: str) -> str:
    return (site_dir / rel).read_text(encoding="utf-8")


def test_report_page_in_the_organization_column(site):
    site_dir, _ = site
    html = read(site_dir, "xxgk/jyj/gknb/2023/index.html")
    assert "测试市教育局2023年政府信息公开工作年度报告" in html
    assert "999100002/2024-92023" in html  # 索引号 derived from the 机构代码 and the publication year
    assert "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）" in html
    assert html.index("一、总体情况") < html.index("二、主动公开政府信息情况") < html.index("六、其他需要报告的事项")
    assert 'href="../jyj-2023-nianbao.csv"' in html and 'data-gk-print' in html
    assert "assets/reports/reports.css" in html
    column = read(site_dir, "xxgk/jyj/gknb/index.html")
    assert 'href="../../../xxgk/jyj/gknb/2023/"' in column or 'href="2023/"' in column
    assert "jyj-2023-nianbao.csv" in column and "年报历年数据对比" in column


def test_column_lists_every_year_newest_first(site):
    site_dir, _ = site
    html = read(site_dir, "xxgk/szf/gknb/index.html")
    years = re.findall(r"测试市人民政府(\d{4})年政府信息公开工作年度报告", html)
    assert years == ["2019", "2016"]
    site_wide = read(site_dir, "xxgk/gknb/index.html")
    assert re.findall(r"测试市\w+?(\d{4})年政府信息公开工作年度报告", site_wide) == ["2023", "2019", "2016"]


def test_report_is_in_the_directory(site):
    site_dir, _ = site
    assert "测试市教育局2023年政府信息公开工作年度报告" in read(site_dir, "xxgk/jyj/mulu/2024/index.html")


def test_old_and_2019_formats_render(site):
    site_dir, _ = site
    old = read(site_dir, "xxgk/szf/gknb/2016/index.html")
    assert "政府信息公开情况统计表" in old and "（一）收到申请数" in old and "1.当面申请数" in old
    assert "二、主动公开政府信息情况" not in old
    r2019 = read(site_dir, "xxgk/szf/gknb/2019/index.html")
    assert "本年新制作数量" in r2019 and "第二十条第（九）项" in r2019 and "-12" in r2019
    assert "3.其他" not in r2019


def test_history_page_with_inline_svg(site):
    site_dir, _ = site
    html = read(site_dir, "xxgk/szf/gknb/lishi/index.html")
    assert html.count("<svg class=\"gk-chart\"") == 5
    assert "<script" not in html.split("<article", 1)[1].split("</article>", 1)[0]
    table = html.split('class="gk-list gk-report-keys"', 1)[1].split("</table>", 1)[0]
    assert re.findall(r">(\d{4})年度<", table) == ["2019", "2016"]
    assert ">104<" in table and ">60<" in table


def test_downloads(site):
    site_dir, _ = site
    rows = list(csv.reader(io.StringIO(read(site_dir, "xxgk/jyj/gknb/jyj-2023-nianbao.csv").lstrip("\ufeff"))))
    assert rows[0] == ["表格", "项目", "列", "单位", "数值"] and ["三", "（七）总计", "总计", "件", "51"] in rows
    data = json.loads(read(site_dir, "xxgk/szf/gknb/szf-2016-nianbao.json"))
    assert data["政府信息公开情况统计表"]["（一）收到申请数"] == {"单位": "件", "统计数": 104}
    assert not list(site_dir.rglob("*.yml"))  # the raw data is not published


def test_strict_build_fails_on_an_unbalanced_report(tmp_path):
    text = fixture("valid-2021.yml").replace("结转下年度继续办理: [6, 1, 0, 0, 1, 0, 8]",
                                             "结转下年度继续办理: [4, 1, 0, 0, 1, 0, 6]")
    root = make_site(tmp_path, {"jyj/2023.yml": text})
    result = build(root, strict=True)
    assert result.returncode != 0
    assert "content/reports/jyj/2023.yml:15: 三 · 总计列: 一+二 = 59 但 三（七）总计+四 = 57" in result.stderr
    relaxed = build(root, strict=False)  # an error fails the build with or without strict
    assert relaxed.returncode == 1 and "三 · 总计列: 一+二 = 59 但 三（七）总计+四 = 57" in relaxed.stderr


def test_late_report_fails_the_strict_build(tmp_path):
    text = fixture("valid-2021.yml").replace("发布日期: 2024-01-20", "发布日期: 2024-02-05")
    result = build(make_site(tmp_path, {"jyj/2023.yml": text}), strict=True)
    assert result.returncode != 0
    assert "发布日期: 政府部门的2023年度报告应于 2024-01-31 前发布（条例第四十九条） 但 发布日期 = 2024-02-05" in result.stderr


def test_draft_is_not_published(tmp_path):
    text = "草稿: true\n" + fixture("valid-2021.yml")
    root = make_site(tmp_path, {"jyj/2023.yml": text})
    result = build(root, strict=True)
    assert result.returncode == 0, result.stderr
    assert "测试市教育局2023年度年报是草稿（草稿: true），本次未发布" in result.stderr
    assert not (root / "site" / "xxgk" / "jyj" / "gknb" / "2023").exists()


def test_file_must_sit_at_org_and_year(tmp_path):
    result = build(make_site(tmp_path, {"szf/2023.yml": fixture("valid-2021.yml")}), strict=True)
    assert result.returncode != 0
    assert "文件应放在 reports/jyj/2023.yml（发布机构/年度.yml）" in result.stderr


def test_gap_in_years_is_a_warning(tmp_path):
    text = fixture("valid-2021.yml")
    early = text.replace("年度: 2023", "年度: 2021").replace("发布日期: 2024-01-20", "发布日期: 2022-01-20")
    root = make_site(tmp_path, {"jyj/2023.yml": text, "jyj/2021.yml": early})
    result = build(root, strict=True)
    assert result.returncode == 0, result.stderr
    assert "测试市教育局缺少 2022 年度的年报" in result.stderr


@pytest.mark.build
def test_history_marks_a_report_archived_as_printed(tmp_path):
    """A report kept 原文如此 (its 总计 printed 0 where the items add to 11) is marked on the 历年数据 page and in its
    charts, the one place its inconsistency would otherwise be silent."""
    text = fixture("valid-2021.yml").replace("  行政复议: [1, 1, 0, 0, 2]", "  行政复议: [10, 1, 0, 0, 0]")
    text += "原文如此:\n  四 · 行政复议: 原报告行政复议一栏各项为10、1、0、0，总计印为0，照录。\n"
    root = make_site(tmp_path, {"jyj/2023.yml": text, "jyj/2022.yml": fixture("valid-2021.yml").replace(
        "年度: 2023", "年度: 2022").replace("发布日期: 2024-01-20", "发布日期: 2023-01-20")})
    result = build(root, strict=True)
    assert result.returncode == 0, result.stderr[-3000:]
    html = read(root / "site", "xxgk/jyj/gknb/lishi/index.html")
    rows = re.findall(r'<th scope="row">(.*?)</th>', html)
    assert [re.sub(r"<[^>]+>", "", r).strip() for r in rows] == ["2023年度 原文如此", "2022年度"]
    assert "标“原文如此”的年度（图中年份后加 *）" in html
    assert re.findall(r'class="gk-chart-label">([^<]+)<', html)[:2] == ["2022", "2023*"]
    assert "2023年（原文如此）：0" in html  # the chart's description, read by screen readers
