"""The catalog loads into models, and each bad catalog input gets a precise message."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gongkai.catalog import load_catalog
from gongkai.errors import InputError

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture
def catalog_dir(tmp_path):
    target = tmp_path / "catalog"
    shutil.copytree(MINI / "catalog", target)
    return target


def problems(catalog_dir) -> str:
    with pytest.raises(InputError) as info:
        load_catalog(catalog_dir)
    return str(info.value)


def test_models_from_the_mini_catalog():
    catalog = load_catalog(MINI / "catalog")
    assert catalog.site.site_code == "9999000009"
    assert set(catalog.organizations) == {"szf", "jyj", "dcjd"}
    jyj = catalog.organizations["jyj"]
    assert (jyj.kind, jyj.code, jyj.parent_id, jyj.label) == ("政府部门", "999100002", "szf", "教育局")
    assert jyj.guide.phone == "0999-00000001"
    gfxwj = catalog.columns["gfxwj"]
    assert gfxwj.path == "zcwj/gfxwj"
    assert gfxwj.applies_to == ("人民政府", "政府部门")
    assert gfxwj.update_class == "通知公告政策文件"  # inherited from 政策文件
    item = gfxwj.items[0]
    assert item.content == "行政规范性文件全文" and item.workdays == 20 and item.levels == ["县级"]
    assert [c.id for c in catalog.columns_for(catalog.organizations["dcjd"])] == ["zn", "zcwj", "gzdt", "ysqgk"]
    assert catalog.columns["gzdt"].empty_reasons == {"szf": "市政府工作动态在门户网站要闻栏目发布。"}


def test_yaml_syntax_error_names_file_and_line(catalog_dir):
    text = (catalog_dir / "columns.yml").read_text(encoding="utf-8")
    (catalog_dir / "columns.yml").write_text(text.replace("名称: 规章", "名称: [规章"), encoding="utf-8")
    message = problems(catalog_dir)
    assert "columns.yml:" in message and "YAML 语法错误" in message
    line = int(message.split("columns.yml:")[1].split(":")[0])
    assert 10 <= line <= 13  # the broken line, or the one where the parser noticed


def test_duplicate_column_id_names_both_places(catalog_dir):
    path = catalog_dir / "columns.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("id: gzdt", "id: gz"), encoding="utf-8")
    message = problems(catalog_dir)
    assert "栏目 id“gz”重复，另见 catalog/columns.yml:9" in message
    assert message.startswith("catalog/columns.yml:26: 栏目 gz · id:")


def test_column_that_applies_to_no_publisher(catalog_dir):
    path = catalog_dir / "columns.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("适用: [人民政府]", "适用: [其他单位]"),
                    encoding="utf-8")
    assert "栏目“规章”不适用于任何发布主体（适用：其他单位）" in problems(catalog_dir)


def test_unknown_key_and_bad_choice_suggest_close_matches(catalog_dir):
    path = catalog_dir / "columns.yml"
    text = path.read_text(encoding="utf-8").replace("更新类别: 动态要闻", "更新类型: 动态要闻")
    text = text.replace("类型: 指南", "类型: 指南页")
    path.write_text(text, encoding="utf-8")
    message = problems(catalog_dir)
    assert "不认识的字段“更新类型”，相近的有：更新类别" in message
    assert "取值“指南页”无效" in message and "相近的有：指南" in message


def test_unknown_parent_and_missing_guide_field(catalog_dir):
    path = catalog_dir / "organizations.yml"
    text = path.read_text(encoding="utf-8").replace("上级: szf\n    简称", "上级: sfz\n    简称")
    text = text.replace("  - id: dcjd\n    名称: 测试市东城街道办事处\n", "  - id: dcjd\n")
    path.write_text(text, encoding="utf-8")
    message = problems(catalog_dir)
    assert "发布主体 jyj · 上级: “sfz”不是已定义的发布主体，相近的有：szf" in message
    assert "发布主体 dcjd · 名称: 缺少必填字段“名称”" in message


def test_missing_catalog_file(catalog_dir):
    (catalog_dir / "site.yml").unlink()
    assert "site.yml: 目录文件不存在" in problems(catalog_dir)


@pytest.mark.parametrize("code", ["014416330", "99910000X", "9991000A1", "12100000MB0P12345A", "91350100M000100Y43"])
def test_org_code_shapes_that_pass(code):
    from gongkai.catalog import org_code_problem

    assert org_code_problem(code) is None


@pytest.mark.parametrize("code,message,fix", [
    ("01441633-0", "机构代码“01441633-0”含有连字符或空格：应为 9 位组织机构代码或 18 位统一社会信用代码，连续书写",
     "写成“014416330”（加引号）"),
    ("99910000x", "机构代码“99910000x”含有小写字母：应为 9 位组织机构代码或 18 位统一社会信用代码，字母大写",
     "写成“99910000X”（加引号）"),
    ("99910000Y", "机构代码“99910000Y”不是组织机构代码：前 8 位为数字或大写字母，第 9 位校验码为数字或 X", None),
    ("12100000MB0P1234OI", "机构代码“12100000MB0P1234OI”含有统一社会信用代码不使用的字符“I、O”（不使用 I、O、S、V、Z）",
     None),
    ("99910001", "机构代码“99910001”为 8 位：应为 9 位组织机构代码或 18 位统一社会信用代码", None),
])
def test_org_code_shapes_that_fail(code, message, fix):
    from gongkai.catalog import org_code_problem

    found = org_code_problem(code)
    assert found[0] == message
    if fix:
        assert found[1] == fix


def test_org_code_is_checked_when_the_catalog_loads(catalog_dir):
    path = catalog_dir / "organizations.yml"
    text = path.read_text(encoding="utf-8")
    line = next(n for n, l in enumerate(text.splitlines(), start=1) if '机构代码: "999100002"' in l)
    path.write_text(text.replace('机构代码: "999100002"', '机构代码: "99910002"'), encoding="utf-8")
    # A warning, not an error: 0.1.0 accepted any 机构代码, and 索引号 published with it must not change.
    [warning] = load_catalog(catalog_dir).warnings
    assert (f"organizations.yml:{line}: 发布主体 jyj · 机构代码: 机构代码“99910002”为 8 位：应为 9 位组织机构代码或 18 位"
            "统一社会信用代码") in str(warning)
    assert "已用它编发过索引号的不要改" in warning.fix


def test_demo_catalog_cites_what_the_laws_say():
    """The demo 主动公开基本目录 against docs/domain.md: 第二十条（六） publishes 处罚 decisions only; 招标投标法实施
    条例第五十四条 sets 3 日 (not working days); 自然灾害救助条例第二十六条 is the 款物 article; 第二十条（十一）
    （十三） and 第二十一条 each have a column, with 社会公益事业建设 split into its seven 专题."""
    catalog = load_catalog(Path(__file__).parent.parent / "catalog")
    items = [(c, i) for c in catalog.walk() for i in c.items]
    coercion = next(i for _, i in items if i.level1 == "行政强制")
    assert "决定" not in coercion.content.split("（")[0]
    bidding = next(i for _, i in items if "招标投标法实施条例》第五十四条" in i.basis)
    assert bidding.time_limit == "自收到评标报告之日起3日内" and "工作日" not in bidding.time_limit
    assert all("第二十九条" not in i.basis for _, i in items if "自然灾害救助条例" in i.basis)
    assert any("第二十条第（十一）项" in i.basis and c.id == "xczx" for c, i in items)
    assert any("第二十条第（十三）项" in i.basis and i.level1 == "产品质量" for _, i in items)
    welfare = catalog.columns["gysy"]
    assert [c.name for c in welfare.children] == ["义务教育", "卫生健康", "乡村振兴", "生态环境", "社会救助", "养老服务",
                                                  "救灾", "公共文化体育"]
    rural = catalog.columns["nctd"]
    assert rural.applies_to == ("乡镇（街道）",)
    assert [i.level2 for i in rural.items] == ["工程建设运营", "土地承包经营权流转", "宅基地使用审核"]
    assert all("第二十一条" in i.basis for i in rural.items)


def test_site_identity_options_and_a_bad_verification_address(catalog_dir):
    site = load_catalog(catalog_dir).site
    assert (site.conac_url, site.logo) == ("", "")  # both optional
    assert site.police_code == "".join(c for c in site.police_record if c.isdigit())
    path = catalog_dir / "site.yml"
    path.write_text(path.read_text(encoding="utf-8") + "党政机关标识链接: bszs.conac.cn/sitename\n", encoding="utf-8")
    message = problems(catalog_dir)
    assert "site.yml" in message and "党政机关标识链接" in message and "不是 https:// 开头的网址" in message


def test_rule_making_power_is_stated_for_governments_only(catalog_dir):
    """规章制定权 (立法法第九十三条): a county-level government says false; a department never has it."""
    from gongkai.catalog import load_catalog as load

    path = catalog_dir / "organizations.yml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('机构代码: "999100001"', '机构代码: "999100001"\n    规章制定权: false', 1), encoding="utf-8")
    orgs = load(catalog_dir).organizations
    assert orgs["szf"].makes_rules is False and orgs["jyj"].makes_rules is False
    path.write_text(text.replace('机构代码: "999100002"', '机构代码: "999100002"\n    规章制定权: true', 1), encoding="utf-8")
    assert "发布主体 jyj · 规章制定权: 政府部门没有规章制定权" in problems(catalog_dir)
