"""The model checks (空白栏目, 栏目不更新, 公开时限, 年报, 解读/征集), the link check and the report writers, each
with a passing and a failing case, on model objects built here."""

from __future__ import annotations

import datetime as dt
import json
from types import SimpleNamespace

import pytest

from gongkai.checks.blank import check_blank
from gongkai.checks.deadline import check_deadlines, column_rule
from gongkai.checks.findings import Finding, apply_severities
from gongkai.checks.freshness import check_freshness, check_home, parse_limit, subtract
from gongkai.checks.interaction import check_interaction
from gongkai.checks.links import link_findings, scan_site
from gongkai.checks.output import console, to_html, to_json
from gongkai.checks.reports import check_annual_reports, report_year
from gongkai.model import Catalog, Column, DisclosureItem, Document, Guide, Organization, Site

D = dt.date
GUIDE = Guide("办公室", "人民路1号", "工作日", "999001", "0999-1", "0999-2", "a@example.gov.cn")


def org(id, kind="政府部门"):
    return Organization(id, f"{id}机构", kind, f"code-{id}", GUIDE)


def item(limit, workdays=None):
    return DisclosureItem("事项", "", "内容", "依据", limit, "主体", ["政府网站"], "全社会", "主动", ["县级"],
                          workdays=workdays)


def catalog(columns, orgs=None):
    orgs = orgs or [org("szf", "人民政府"), org("jyj")]
    by_id = {}
    for root in columns:
        for c in root.walk():
            by_id[c.id] = c
    return Catalog(Site(*["x"] * 10), {o.id: o for o in orgs}, columns, by_id)


def column(id, children=(), **kw):
    c = Column(id, f"{id}栏目", source=f"catalog/columns.yml:{len(id)}", **kw)
    c.children = list(children)
    for ch in c.children:
        ch.parent = c
    return c


def doc(col, publisher="szf", written=D(2025, 3, 3), published=D(2025, 3, 4), n=1, title="文件", extra=None):
    return Document(f"wj/{publisher}/{col}-{n}.md", title, [col], publisher, written, published,
                    f"x/{written.year}-{n:05d}", "综合政务", source=f"content/wj/{publisher}/{col}-{n}.md",
                    field_lines={"发布日期": 6}, extra=extra or {})


# ---------------------------------------------------------------- 空白栏目

def test_blank_column_is_an_error_unless_marked_with_a_reason():
    cat = catalog([column("gzdt"), column("tzgg", empty_reasons={"jyj": "在教育局网站发布。"})])
    docs = [doc("gzdt"), doc("tzgg")]
    findings = check_blank(cat, docs)
    assert [(f.severity, f.field, "jyj机构" in f.message) for f in findings] == [("error", "栏目 gzdt", True)]
    assert findings[0].file == "catalog/columns.yml" and findings[0].line == 4


def test_blank_passes_when_every_page_has_documents_or_a_reason():
    cat = catalog([column("gzdt", empty_reasons={"jyj": "无"})])
    assert check_blank(cat, [doc("gzdt")]) == []


def test_blank_skips_parents_guides_application_pages_and_single_pages_with_body():
    cat = catalog([column("zcwj", [column("gfxwj")]), column("zn", kind="指南"), column("ysq", kind="依申请公开"),
                   column("jgzn", kind="单页", body="机构职能……")])
    docs = [doc("gfxwj"), doc("gfxwj", "jyj")]
    assert check_blank(cat, docs) == []


def test_reason_on_a_page_with_documents_is_a_warning():
    cat = catalog([column("gzdt", empty_reasons={"jyj": "无"})])
    findings = check_blank(cat, [doc("gzdt"), doc("gzdt", "jyj", n=2)])
    assert [(f.severity, f.field) for f in findings] == [("warning", "栏目 gzdt · 暂无 · jyj")]


def test_column_not_applying_to_an_organization_is_not_blank_for_it():
    cat = catalog([column("gz", applies_to=("人民政府",))])
    assert check_blank(cat, [doc("gz")]) == []


# ---------------------------------------------------------------- 栏目不更新 / 首页不更新

def test_limits_parse_and_subtract():
    assert parse_limit("2周") == (14, "days") and parse_limit("6个月") == (6, "months")
    assert parse_limit("1年") == (12, "months") and parse_limit(30) == (30, "days")
    with pytest.raises(ValueError):
        parse_limit("半年")
    assert subtract(D(2025, 8, 31), (6, "months")) == D(2025, 2, 28)
    assert subtract(D(2025, 1, 15), (12, "months")) == D(2024, 1, 15)


@pytest.mark.parametrize("update_class,published,stale", [
    ("动态要闻", D(2025, 11, 17), False), ("动态要闻", D(2025, 11, 16), True),
    ("通知公告政策文件", D(2025, 6, 1), False), ("通知公告政策文件", D(2025, 5, 31), True),
    ("长期", D(2024, 12, 1), False), ("长期", D(2024, 11, 30), True),
    ("无", D(2000, 1, 1), False),
])
def test_update_classes(update_class, published, stale):
    cat = catalog([column("c", update_class=update_class)])
    findings = check_freshness(cat, [doc("c", published=published, written=published)], D(2025, 12, 1))
    assert bool(findings) == stale
    if stale:
        assert findings[0].check == "stale" and findings[0].severity == "warning"
        assert findings[0].field == "栏目 c · 更新类别" and findings[0].line == 1


def test_only_the_most_specific_stale_column_is_reported():
    child_a = column("a", update_class="动态要闻")
    child_b = column("b", update_class="动态要闻")
    parent = column("p", [child_a, child_b], update_class="动态要闻")
    cat = catalog([parent])
    old, new = D(2025, 1, 1), D(2025, 11, 30)
    findings = check_freshness(cat, [doc("a", published=old, written=old), doc("b", published=new, written=new)],
                               D(2025, 12, 1))
    assert [f.field for f in findings] == ["栏目 a · 更新类别"]
    findings = check_freshness(cat, [doc("a", published=old, written=old)], D(2025, 12, 1))
    assert [f.field for f in findings] == ["栏目 a · 更新类别"]  # b has no document: the 空白栏目 check's job


def test_custom_limits_and_future_documents():
    cat = catalog([column("c", update_class="动态要闻")])
    docs = [doc("c", published=D(2025, 11, 1), written=D(2025, 11, 1)),
            doc("c", published=D(2026, 1, 1), written=D(2025, 11, 1), n=2)]  # not yet published on the day
    assert check_freshness(cat, docs, D(2025, 12, 1), {"动态要闻": "1个月"}) == []
    assert len(check_freshness(cat, docs, D(2025, 12, 1))) == 1


def test_home_page():
    docs = [doc("c", published=D(2025, 11, 20))]
    assert check_home(docs, D(2025, 12, 1)) == []
    late = check_home(docs, D(2025, 12, 10))
    assert [(f.check, f.file, f.severity) for f in late] == [("home", "content/index.md", "warning")]


# ---------------------------------------------------------------- 公开时限

def test_default_is_20_working_days_on_the_chinese_calendar():
    cat = catalog([column("c")])
    # 成文 2025-09-26 (Fri): 国庆/中秋 1–8 October and 调休 Sunday 28 Sep and Saturday 11 Oct are working days.
    on_time = doc("c", written=D(2025, 9, 26), published=D(2025, 10, 30))
    late = doc("c", written=D(2025, 9, 26), published=D(2025, 10, 31), n=2)
    findings = check_deadlines(cat, [on_time, late])
    assert [(f.file, f.line, f.field, f.severity) for f in findings] == [
        ("content/wj/szf/c-2.md", 6, "发布日期", "warning")]
    assert "应不晚于 2025-10-30" in findings[0].message and "晚了 1 个工作日" in findings[0].message


def test_column_rule_from_items():
    assert column_rule(column("c", items=[item("信息形成之日起10个工作日内", 10)]))[0] == 10
    assert column_rule(column("c", items=[item("7个工作日内")]))[0] == 7  # derived from the text
    assert column_rule(column("c", items=[item("每年3月底前")]))[0] is None  # another kind of period
    assert column_rule(column("c"))[0] == 20
    parent = column("p", [column("c")], items=[item("5个工作日", 5)])
    assert column_rule(parent.children[0])[0] == 5  # the nearest ancestor's rows


def test_column_without_workday_rule_is_not_checked():
    cat = catalog([column("ys", items=[item("每年3月底前")])])
    assert check_deadlines(cat, [doc("ys", written=D(2025, 1, 2), published=D(2025, 3, 28))]) == []


def test_custom_default_workdays():
    cat = catalog([column("c")])
    d = doc("c", written=D(2025, 3, 3), published=D(2025, 3, 14))  # 9 working days later
    assert check_deadlines(cat, [d], default_workdays=10) == []
    assert len(check_deadlines(cat, [d], default_workdays=5)) == 1


# ---------------------------------------------------------------- 年报

def nb_catalog():
    return catalog([column("nb", kind="年报", update_class="无")])


def test_missing_report_after_the_deadline():
    docs = [doc("nb", "szf", published=D(2025, 3, 20), title="szf机构2024年政府信息公开工作年度报告")]
    findings = check_annual_reports(nb_catalog(), docs, D(2025, 2, 1))
    assert [(f.check, "jyj机构" in f.message, "2025-01-31" in f.message) for f in findings] == [
        ("nianbao", True, True)]
    # szf (人民政府) is due by 31 March: not yet late on 1 February, present by 1 April.
    assert [("jyj机构" in f.message) for f in check_annual_reports(nb_catalog(), docs, D(2025, 4, 1))] == [True]


def test_reports_present_pass_and_late_reports_are_named():
    docs = [doc("nb", "szf", published=D(2025, 3, 20), title="2024年年度报告"),
            doc("nb", "jyj", published=D(2025, 2, 10), n=2, extra={"年报年度": 2024}, title="年报")]
    findings = check_annual_reports(nb_catalog(), docs, D(2025, 6, 1))
    assert [(f.file, f.field) for f in findings] == [("content/wj/jyj/nb-2.md", "发布日期")]
    assert "晚于 2025-01-31" in findings[0].message
    assert check_annual_reports(nb_catalog(), docs, D(2025, 6, 1), {"政府部门": "03-31"}) == []


def test_report_year_and_no_column():
    assert report_year(doc("nb", extra={"年报年度": 2023})) == 2023
    assert report_year(doc("nb", title="2022年度报告")) == 2022
    findings = check_annual_reports(catalog([column("c")]), [], D(2025, 6, 1))
    assert [f.severity for f in findings] == ["warning"]


# ---------------------------------------------------------------- 解读与征集

def test_interaction_findings_through_its_api():
    interpretation_missing = doc("gfxwj", n=2)
    # Overdue 反馈 has one owner, the interaction plugin (on the build's clock): not reported here again.
    api = SimpleNamespace(missing_interpretation=[interpretation_missing],
                          overdue=lambda today: pytest.fail("the checks must not report overdue 反馈 a second time"))
    findings = check_interaction(api)
    assert [(f.check, f.severity, f.file) for f in findings] == [("interaction", "info", interpretation_missing.source)]
    assert check_interaction(None) == []


# ---------------------------------------------------------------- links

def test_links_anchors_and_attachments(tmp_path):
    site = tmp_path / "site"
    (site / "a").mkdir(parents=True)
    (site / "b").mkdir()
    (site / "files").mkdir()
    (site / "files" / "名单.pdf").write_bytes(b"%PDF")
    (site / "index.html").write_text('<a href="a/">a</a><a href="#top">t</a><h1 id="top">x</h1>', encoding="utf-8")
    (site / "a" / "index.html").write_text(
        '<p id="p1">\n<a href="../b/#sec">ok</a>\n<a href="../b/#nope">bad anchor</a>\n'
        '<a href="../files/%E5%90%8D%E5%8D%95.pdf">ok file</a>\n<img src="../files/missing.png">\n'
        '<a href="../c/">missing page</a>\n<a href="https://example.org/x">ext</a>\n<a href="mailto:a@b.c">m</a>\n'
        '<script>var s = "<a href=\'nowhere/\'>";</script>\n<a href="/a/#p1">root-absolute</a>\n', encoding="utf-8")
    (site / "b" / "index.html").write_text('<h2 id="sec">s</h2><a href="../../../up">out</a>', encoding="utf-8")
    report = scan_site(site)
    broken = sorted((link.page, link.target, link.line) for link, _ in report.broken)
    assert broken == [("a/index.html", "../b/#nope", 3), ("a/index.html", "../c/", 6),
                      ("a/index.html", "../files/missing.png", 5), ("b/index.html", "../../../up", 1)]
    assert dict(report.external) == {"https://example.org/x": ["a/index.html"]}
    src = tmp_path / "a.md"
    src.write_text("第一行\n见 [c](../c/index.md)\n", encoding="utf-8")
    findings = link_findings(report, {"a/index.html": ("content/a.md", str(src))})
    by_target = {f.message.split("”")[0].split("“")[1]: f for f in findings}
    assert by_target["../c/"].file == "content/a.md" and by_target["../c/"].line == 2
    assert by_target["../../../up"].file == "b/index.html" and by_target["../../../up"].line == 1
    assert {f.severity for f in findings} == {"error"}
    assert [f.check for f in link_findings(report, {}, {"https://example.org/x": "HTTP 404"})][-1] == "external"


def test_clean_site_has_no_broken_links(tmp_path):
    (tmp_path / "index.html").write_text('<a href="./">self</a><a href="#">top</a><a href="index.html">i</a>',
                                         encoding="utf-8")
    assert scan_site(tmp_path).broken == []


# ---------------------------------------------------------------- reports and severities

def sample_findings():
    return [Finding("content/a.md", "疑似未打码的手机号“138****8000”", 3, None, "打码", "error", check="pii"),
            Finding("catalog/columns.yml", "栏目不更新 <b>", 5, "栏目 c", "发布", "warning", check="stale"),
            Finding("content/b.doc", "无法读取", check="pii", severity="info")]


def test_console_groups_by_severity():
    text = console(sample_findings(), D(2025, 12, 1), {"https://example.org/": ["index.html"]})
    assert text.splitlines()[0] == "发布前检查（截至 2025-12-01）：1 个错误，1 个警告，1 个提示"
    assert text.index("== 错误（1）==") < text.index("== 警告（1）==") < text.index("== 提示（1）==")
    assert "[个人信息] content/a.md:3: 疑似未打码的手机号" in text and "https://example.org/" in text
    assert text.splitlines()[1] == ("单项否决线：栏目不更新 1 个（否决线 5 个，还差 4 个）；空白栏目 0 个（否决线 5 个，还差 5 个）；"
                                    "首页不更新：未触及否决线")


def test_distance_to_each_veto_line():
    from gongkai.checks.findings import veto_distances

    blank = [Finding("catalog/columns.yml", "空白栏目：“x”（甲）没有任何信息", check="blank") for _ in range(5)]
    note = [Finding("catalog/columns.yml", "栏目“x”（甲）标为暂无，但已有 1 条信息", check="blank", severity="warning")]
    stale = [Finding("catalog/columns.yml", "栏目不更新：…", check="stale", severity="warning") for _ in range(4)]
    home = [Finding("content/index.md", "首页不更新：…", check="home", severity="warning")]
    distances = veto_distances(blank + note + stale + home)
    assert [str(v) for v in distances] == ["栏目不更新 4 个（否决线 5 个，还差 1 个）", "空白栏目 5 个（否决线 5 个，已达到，单项否决）",
                                           "首页不更新：已触及否决线（单项否决）"]
    data = json.loads(to_json(blank + stale, D(2025, 12, 1)))
    assert data["veto"][1] == {"check": "blank", "name": "空白栏目", "count": 5, "threshold": 5, "reached": True}
    assert "<li>空白栏目 5 个（否决线 5 个，已达到，单项否决）</li>" in to_html(blank, D(2025, 12, 1))


def test_json_and_html_reports():
    data = json.loads(to_json(sample_findings(), D(2025, 12, 1)))
    assert data["summary"] == {"error": 1, "warning": 1, "info": 1}
    assert data["findings"][0] == {"file": "content/a.md", "message": "疑似未打码的手机号“138****8000”", "line": 3,
                                   "fix": "打码", "severity": "error", "check": "pii"}
    page = to_html(sample_findings(), D(2025, 12, 1))
    assert page.startswith("<!doctype html>") and 'lang="zh-CN"' in page
    assert "栏目不更新 &lt;b&gt;" in page and "栏目不更新 <b>" not in page
    assert page.count("<table>") == 3 and '<th scope="col">文件与位置</th>' in page


def test_severity_overrides():
    findings = apply_severities(sample_findings(), {"stale": "error"})
    assert [f.severity for f in findings] == ["error", "error", "info"]


def test_external_links_are_fetched_only_when_asked(tmp_path):
    from kit import serve
    from gongkai.checks.links import check_external

    (tmp_path / "ok.html").write_text("ok", encoding="utf-8")
    base, server = serve(tmp_path)
    try:
        problems = check_external([f"{base}/ok.html", f"{base}/missing.html"], timeout=5)
    finally:
        server.shutdown()
    assert problems == {f"{base}/missing.html": "HTTP 404"}


def test_links_to_the_sites_own_address_are_links_inside_the_site():
    from gongkai.checks.links import LinkChecker

    checker = LinkChecker(["index.html", "a/index.html"], exists=lambda rel: False, read=lambda rel: None,
                          site_url="https://www.example.gov.cn")
    checker.add_page("index.html", '<link rel="canonical" href="https://www.example.gov.cn/">'
                                   '<a href="https://www.example.gov.cn/a/">有</a>'
                                   '<a href="https://www.example.gov.cn/gone/">无</a>'
                                   '<a href="https://example.org/">外</a>')
    report = checker.finish()
    assert list(report.external) == ["https://example.org/"]
    assert [link.target for link, _ in report.broken] == ["https://www.example.gov.cn/gone/"]
    assert report.links == 3


@pytest.mark.parametrize("update_class, published", [("长期", D(2024, 11, 30)), ("动态要闻", D(2025, 11, 16))])
def test_stale_fix_never_asks_for_the_class_the_column_already_has(update_class, published):
    cat = catalog([column("c", update_class=update_class)])
    [finding] = check_freshness(cat, [doc("c", published=published, written=published)], D(2025, 12, 1))
    if update_class == "长期":
        assert "改为“长期”" not in finding.fix and "把“更新类别”改为“无”" in finding.fix
    else:
        assert "改为“长期”或“无”" in finding.fix


def test_missing_interpretation_says_how_to_link_one():
    """The old hint told editors to write “解读: 原文索引号”, a field that then fails the build."""
    gf = doc("c")
    found = check_interaction(SimpleNamespace(missing_interpretation=[gf]))
    assert "“解读:" not in found[0].fix
    assert found[0].fix.startswith(f"如需解读，用 gongkai new 解读 {gf.index_number} 新建解读")
    assert f"“原文: {gf.index_number}”" in found[0].fix
