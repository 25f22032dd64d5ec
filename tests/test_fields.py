"""The one field reader (gongkai.fields): every kind of field, its messages and lines, and the same mistake getting
the same answer in each of the four loaders (catalog, documents, 解读/征集, reports)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from gongkai import yamlutil
from gongkai.catalog import load_catalog, load_columns, load_organizations
from gongkai.documents import DocumentLoader
from gongkai.errors import Problems
from gongkai.fields import (BOOL, COUNT, DATE, DECIMAL, ID, IDS, INT, LIST, MAPPING, MOMENT, TEXT, TEXTS, Field, FieldReader,
                            describe, is_text, whole_number)
from gongkai.interaction import FIELDS as INTERACTION_FIELDS, Settings, collect
from gongkai.reports import load_report_text
from kit import GOOD_FRONT, MINI

REPORT = (Path(__file__).parent / "fixtures" / "reports" / "valid-2021.yml").read_text(encoding="utf-8")


def read(text: str, field: Field, **options):
    """(value, [(line, field, message, fix)]) of one field of a YAML mapping in file a.yml."""
    problems = Problems()
    reader = FieldReader(yamlutil.load(text, "a.yml"), problems, "a.yml", **options)
    value = reader.read(field)
    return value, [(p.line, p.field, p.message, p.fix) for p in problems.items]


# ---- one kind each ------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("field, text, value", [
    (Field("k"), "k: ' 一段文字 '", "一段文字"),
    (Field("k"), "k: 030001", "030001"),  # a code stays as written (yamlutil)
    (Field("k"), "k: 12", "12"),
    (Field("k"), "k: 2025-03-01", "2025-03-01"),
    (Field("k", choices=("甲", "乙")), "k: 乙", "乙"),
    (Field("k", choices=("发布会",), aliases={"新闻发布会": "发布会"}), "k: 新闻发布会", "发布会"),
    (Field("k", TEXTS), "k: 甲", ["甲"]),
    (Field("k", TEXTS), "k: [甲, 2]", ["甲", "2"]),
    (Field("k", TEXTS, choices=("县级", "乡级")), "k: [乡级]", ["乡级"]),
    (Field("k", ID, noun="发布主体"), "k: szf", "szf"),
    (Field("k", IDS, noun="栏目"), "k: gfxwj", ["gfxwj"]),
    (Field("k", DATE), "k: 2025-03-01", dt.date(2025, 3, 1)),
    (Field("k", DATE), "k: '2025-3-1'", dt.date(2025, 3, 1)),
    (Field("k", COUNT), "k: 0", 0),
    (Field("k", INT), "k: -2", -2),
    (Field("k", DECIMAL), "k: 4.5", 4.5),
    (Field("k", DECIMAL), "k: 3", 3.0),
    (Field("k", INT, bounds=(2008, 2100)), "k: 2024", 2024),
    (Field("k", BOOL), "k: false", False),
    (Field("k", MAPPING), "k: {a: 1}", {"a": 1}),
    (Field("k", LIST), "k: [1]", [1]),
    (Field("k", TEXT, plain=False), "k: 'a <b>粗</b>'", "a <b>粗</b>"),  # Markdown may hold HTML
])
def test_each_kind_reads_what_it_accepts(field, text, value):
    assert read(text, field) == (value, [])


def test_a_moment_keeps_whether_a_time_was_written_in_the_site_zone():
    zone = ZoneInfo("Asia/Shanghai")
    value, problems = read("k: 2026-11-30 17:00", Field("k", MOMENT), zone=zone)
    assert problems == [] and value[1] is True and (value[0].hour, value[0].minute) == (17, 0)
    value, _ = read("k: 2026-11-30", Field("k", MOMENT), zone=zone)
    assert value[0].date() == dt.date(2026, 11, 30) and value[1] is False
    assert value[0].utcoffset() == dt.timedelta(hours=8)
    with pytest.raises(ValueError):  # no reader guesses the site's zone
        read("k: 2026-11-30", Field("k", MOMENT))


@pytest.mark.parametrize("field, text, message, fix", [
    (Field("k"), "k: [a]", "应为一段文字，实际是列表", "写成一行文字"),
    (Field("k"), "k: 1.5", "应为一段文字，实际是数字 1.5", "写成一行文字，并加引号"),
    (Field("k"), "k: yes", "应为一段文字，实际是逻辑值 true（YAML 把 true、false、yes、no、on、off 读作是/否，不是文字）",
     "写成一行文字，并加引号"),
    (Field("k", example="示例"), "k: {}", "应为一段文字，实际是映射（“键: 值”）", "写成 k: 示例"),
    (Field("k", choices=("甲", "乙丙")), "k: 乙", "取值“乙”无效，应为：甲 / 乙丙，相近的有：乙丙", "改为所列取值之一"),
    (Field("k", TEXTS), "k: [甲, {a: 1}]", "应为一项文字或文字列表，实际是列表，其中第 2 项是映射（“键: 值”）",
     "写成一项文字，或 [甲, 乙] 形式的列表"),
    (Field("k", TEXTS, choices=("县级", "乡级")), "k: [县级, 省级]", "取值“省级”无效，应为：县级 / 乡级，相近的有：县级、乡级", "改为所列取值之一"),
    (Field("k", ID, noun="发布主体"), "k: 1.5", "应为发布主体 id，实际是数字 1.5", "填写 id（小写字母、数字和连字符）"),
    (Field("k", IDS, noun="栏目"), "k: [a, 2024.5]", "应为栏目 id 或栏目 id 列表，实际是列表，其中第 2 项是数字 2024.5",
     "写成 [id1, id2] 形式的列表"),
    (Field("k", DATE, example="2025-03-10"), "k: 2024/13/01", "日期“2024/13/01”无效，应为 YYYY-MM-DD 格式的真实日期",
     "例如 k: 2025-03-10"),
    (Field("k", DATE), "k: 2025-02-30", "日期“2025-02-30”无效，应为 YYYY-MM-DD 格式的真实日期", "例如 k: 2024-03-08"),
    (Field("k", DATE), "k: [2025-02-03]", "应为日期（YYYY-MM-DD），实际是列表", "写成 YYYY-MM-DD，例如 2024-03-08"),
    (Field("k", MOMENT), "k: 十二月一日", "日期“十二月一日”无效，应为 YYYY-MM-DD 格式的真实日期，需要时刻时写 YYYY-MM-DD HH:MM",
     "写成 2026-11-30，需要精确到时刻时写 2026-11-30 17:00"),
    (Field("k", COUNT), "k: -1", "应为非负整数，实际是数字 -1", "填写 0 或正整数，只写数字，例如 12"),
    (Field("k", COUNT), "k: 12条", "应为非负整数，实际是文字“12条”", "填写 0 或正整数，只写数字，例如 12"),
    (Field("k", COUNT), "k: 1.5", "应为非负整数，实际是数字 1.5", "填写 0 或正整数，只写数字，例如 12"),
    (Field("k", COUNT), "k: 10000000000", "数值“10000000000”超出范围：不应超过 1000000000", "核对是否多写了数字"),
    (Field("k", INT, bounds=(2008, 2100), expected="四位年份（2008 年以后）"), "k: 1999",
     "应为四位年份（2008 年以后），实际是数字 1999", "填写整数，只写数字，可为负数，例如 -2"),
    (Field("k", DECIMAL), "k: -0.5", "应为非负数，实际是数字 -0.5", "只写数字，不写单位，例如 4.5"),
    (Field("k", DECIMAL), "k: 4.5天", "应为非负数，实际是文字“4.5天”", "只写数字，不写单位，例如 4.5"),
    (Field("k", DECIMAL), "k: .nan", "应为非负数，实际是文字“.nan”", "只写数字，不写单位，例如 4.5"),
    (Field("k", DECIMAL), "k: 2000000000.5", "数值“2000000000.5”超出范围：不应超过 1000000000", "核对是否多写了数字"),
    (Field("k", BOOL, example="true"), "k: 是", "应为是/否（true 或 false），实际是文字“是”", "写成 k: true"),
    (Field("k", MAPPING, shape="邮箱、电话"), "k: [a]", "应为映射（邮箱、电话），实际是列表", "另起一行，缩进两格，逐行写“键: 值”"),
    (Field("k", LIST, noun="附件"), "k: 文字", "应为附件列表（每项以“- ”开头），实际是文字“文字”", "每项另起一行，以“- ”开头"),
    (Field("k"), "k: 'a<b>'", "含有 HTML 标记“<b>”：元数据是纯文本，不能含 HTML 标记",
     "删去 <…> 标记；确需小于号的，在“<”后加空格，或改用全角“＜”"),
    (Field("k", TEXTS), "k: [甲, 'x<i>']", "含有 HTML 标记“<i>”：元数据是纯文本，不能含 HTML 标记",
     "删去 <…> 标记；确需小于号的，在“<”后加空格，或改用全角“＜”"),
    (Field("k", fix="照示例写"), "k: [a]", "应为一段文字，实际是列表", "照示例写"),
])
def test_each_wrong_value_is_named_with_what_was_expected_and_how_to_fix(field, text, message, fix):
    value, problems = read("a: 1\n" + text, field, zone=ZoneInfo("Asia/Shanghai"))
    assert value is field.default  # a list with any item refused is refused as a whole
    assert problems == [(2, "k", message, fix)]


@pytest.mark.parametrize("text", ["b: 1", "k:", "k: ''", "k: '  '"])
def test_absent_or_blank_required_field(text):
    value, problems = read("a: 1\n" + text, Field("k", required=True, default="", example="甲"))
    line = 2 if text.startswith("k") else 1  # the key's own line, else the mapping's
    assert value == "" and problems == [(line, "k", "缺少必填字段“k”", "填写“k”，例如 k: 甲")]
    _, problems = read("a: 1\n" + text, Field("k", required=True), guide="docs/schema.md")
    assert problems[0][3] == "填写“k”（见 docs/schema.md）"
    assert read("a: 1\n" + text, Field("k", default="无")) == ("无", [])


def test_an_empty_list_or_mapping_is_absent_only_where_one_belongs():
    assert read("k: []", Field("k", TEXTS, required=True))[1][0][2] == "缺少必填字段“k”"
    assert read("k: {}", Field("k", MAPPING, required=True))[1][0][2] == "缺少必填字段“k”"
    assert read("k: {}", Field("k", IDS, noun="栏目"))[1][0][2] == "应为栏目 id 或栏目 id 列表，实际是映射（“键: 值”）"
    assert read("k: []", Field("k"))[1][0][2] == "应为一段文字，实际是列表"


# ---- the mapping: unknown keys, where, lines ----------------------------------------------------------------------

def test_unknown_keys_suggest_and_list_or_point_to_the_guide():
    problems = Problems()
    reader = FieldReader(yamlutil.load("名称: a\n邮件: b\n", "a.yml"), problems, "a.yml", where="发布主体 jyj")
    reader.unknown_keys(("名称", "邮箱"))
    [p] = problems.items
    assert (p.line, p.field, p.message, p.fix) == (2, "发布主体 jyj · 邮件", "不认识的字段“邮件”，相近的有：邮箱",
                                                   "删除该字段或改为正确的字段名（可用字段：名称、邮箱）")
    problems = Problems()
    many = tuple(f"字段{i}" for i in range(20))
    FieldReader(yamlutil.load("x: 1\n", "a.yml"), problems, "a.yml", guide="docs/schema.md").unknown_keys(
        many, note=lambda key: "（只用于别处）")
    assert (problems.items[0].message, problems.items[0].fix) == (
        "不认识的字段“x”（只用于别处）", "删除该字段或改为正确的字段名（见 docs/schema.md）")


def test_sub_mappings_and_list_items_name_their_own_lines():
    text = "title: a\n附件:\n  - 名称: 表\n    文件: [x]\n  - 文字\n反馈方式:\n  邮箱: [a]\n"
    problems = Problems()
    r = FieldReader(yamlutil.load(text, "a.md", line_offset=1), problems, "a.md", where="栏目 zcwj")
    items = r.entries(Field("附件", LIST, noun="附件", shape="名称、文件"))
    assert [(dict(item), line) for item, line in items] == [({"名称": "表", "文件": ["x"]}, 4)]
    r.child(items[0][0], r.name("附件"), items[0][1]).read(Field("文件"))
    channel = r.mapping(Field("反馈方式", MAPPING))
    channel.read(Field("邮箱"))
    channel.error("电话", "没有电话")  # absent: named at the line of the sub-mapping
    assert [(p.line, p.field, p.message) for p in problems.items] == [
        (6, "栏目 zcwj · 附件", "第 2 个附件应为映射（名称、文件），实际是文字“文字”"),
        (5, "栏目 zcwj · 附件 · 文件", "应为一段文字，实际是列表"),
        (8, "栏目 zcwj · 反馈方式 · 邮箱", "应为一段文字，实际是列表"),
        (8, "栏目 zcwj · 反馈方式 · 电话", "没有电话")]


def test_a_plain_dict_takes_its_lines_from_the_caller():
    """Document.extra is a plain dict; its lines are the document's field lines."""
    problems = Problems()
    lines = {"收到意见数": 12}
    r = FieldReader({"收到意见数": "一条", "反馈": {"未采纳": -1}}, problems, "a.md", lines=lines.get, line=2)
    r.read(Field("收到意见数", COUNT))
    r.read(Field("采纳", COUNT, required=True))
    r.within("反馈").read(Field("未采纳", COUNT))
    assert [(p.line, p.field) for p in problems.items] == [(12, "收到意见数"), (2, "采纳"), (2, "反馈 · 未采纳")]


def test_read_all_names_values_by_attribute_and_reference_names_close_ids():
    problems = Problems()
    r = FieldReader(yamlutil.load("名称: 甲\n上级: sfz\n", "a.yml"), problems, "a.yml")
    assert r.read_all((Field("名称", attr="name"), Field("简称"))) == {"name": "甲", "简称": None}
    assert not r.reference("上级", "sfz", {"szf": 1}, "发布主体", "catalog/organizations.yml")
    assert str(problems.items[0]) == ("a.yml:2: 上级: “sfz”不是已定义的发布主体，相近的有：szf"
                                      "（修改方法：填写 catalog/organizations.yml 中的发布主体 id）")
    assert r.reported == {"上级"}


def test_type_descriptions_have_one_home():
    assert [is_text(v) for v in ("a", 1, dt.date(2025, 1, 1), True, 1.5, None, [])] == [True] * 3 + [False] * 4
    assert describe(None) == "空值" and describe(1.5) == "数字 1.5" and describe([]) == "列表"
    assert whole_number(True) == (None, "应为非负整数，实际是逻辑值 true（YAML 把 true、false、yes、no、on、off 读作是/否，不是文字）",
                                  "填写 0 或正整数，只写数字，例如 12")
    assert whole_number("")[1] == "应为非负整数，实际是空白" and whole_number(-3, INT) == (-3, None, None)
    import gongkai.yamlutil as parser
    assert not hasattr(parser, "describe") and not hasattr(parser, "is_text")


# ---- the same mistake, the same answer, in all four loaders --------------------------------------------------------

@pytest.fixture(scope="module")
def catalog():
    return load_catalog(MINI / "catalog")


def catalog_problems(organizations: str) -> list[str]:
    problems = Problems()
    orgs = load_organizations(problems, yamlutil.load(organizations, "catalog/organizations.yml"),
                              "catalog/organizations.yml")
    columns = "栏目:\n  - id: gfxwj\n    名称: 规范性文件\n    类型: 文件列表\n"
    load_columns(problems, yamlutil.load(columns, "catalog/columns.yml"), "catalog/columns.yml", orgs)
    return [str(p) for p in problems.items]


def org(**fields) -> str:
    base = {"id": "szf", "名称": "示例市人民政府", "类型": "人民政府", "机构代码": '"999000001"',
            "指南": "{工作机构名称: 办公室, 办公地址: 一号, 办公时间: 工作日, 邮编: '999000', 电话: '1', 传真: '2', 邮箱: a@b.cn}"}
    base.update(fields)
    return "发布主体:\n  - " + "\n    ".join(f"{k}: {v}" for k, v in base.items() if v is not None) + "\n"


def document_problems(catalog, front: str) -> list[str]:
    loader = DocumentLoader(catalog, Problems(), {name: "gongkai/interaction" for name in INTERACTION_FIELDS})
    doc = loader.load(f"---\n{front}---\n\n正文。\n", "wj/jyj/2025/x.md", "content/wj/jyj/2025/x.md")
    if doc is None:
        return [str(p) for p in loader.problems.items]
    problems = Problems()
    collect([doc], Settings(), problems)
    return [str(p) for p in problems.items]


CONSULTATION = ("征集开始: 2025-06-04\n征集截止: 2025-07-10\n征集单位: 测试市教育局\n"
                "反馈方式:\n  邮箱: a@example.gov.cn\n")


def report_problems(old: str, new: str, organizations=None) -> list[str]:
    assert old in REPORT
    problems = Problems()
    load_report_text(REPORT.replace(old, new, 1), "content/reports/jyj/2023.yml", problems, organizations)
    return [str(p) for p in problems.items]


def words(found: list[str], needle: str) -> str:
    """The one message holding ``needle``, from “field: ” on (file and line differ between the loaders)."""
    [message] = [m for m in found if needle in m.split("（修改方法")[0]]
    return message.split(": ", 1)[1]


def test_a_list_where_text_belongs(catalog):
    assert words(catalog_problems(org(名称="[示例市人民政府]")), "名称") == \
        "发布主体 szf · 名称: 应为一段文字，实际是列表（修改方法：写成一行文字）"
    assert words(document_problems(catalog, GOOD_FRONT.replace("文号: 测教发〔2025〕11号", "文号: [a]")), "文号") == \
        "文号: 应为一段文字，实际是列表（修改方法：写成 文号: 示政办发〔2025〕6号）"
    assert words(document_problems(catalog, GOOD_FRONT + CONSULTATION.replace("测试市教育局", "[测试市教育局]")),
                 "征集单位") == "征集单位: 应为一段文字，实际是列表（修改方法：写“征集单位: 示例市司法局”（组织征集的单位全称））"
    assert words(report_problems("年度: 2023", "年度: 2023\n索引号: [a]"), "索引号") == \
        "索引号: 应为一段文字，实际是列表（修改方法：写成 索引号: 999000001/2025-00031）"


def test_markup_in_metadata(catalog):
    expected = "含有 HTML 标记“<b>”：元数据是纯文本，不能含 HTML 标记"
    assert f"发布主体 szf · 简称: {expected}" in words(catalog_problems(org(简称="'<b>市政府'")), "简称")
    assert f"内容概述: {expected}" in words(document_problems(catalog, GOOD_FRONT + "内容概述: '<b>'\n"), "内容概述")
    assert f"期限说明: {expected}" in words(document_problems(catalog, GOOD_FRONT + CONSULTATION + "期限说明: '<b>'\n"),
                                         "期限说明")
    assert f"逾期说明: {expected}" in words(report_problems("年度: 2023", "年度: 2023\n逾期说明: '<b>'"), "逾期说明")


def test_an_invalid_choice(catalog):
    assert words(catalog_problems(org(类型="人民政府部门")), "szf · 类型") == ("发布主体 szf · 类型: 取值“人民政府部门”无效，应为：人民政府 / "
                                                                 "政府部门 / 乡镇（街道） / 其他单位，相近的有：政府部门、人民政府（修改方法：改为所列取值之一）")
    assert words(document_problems(catalog, GOOD_FRONT + "有效性: 有效的\n"), "有效性").startswith(
        "有效性: 取值“有效的”无效，应为：有效 / ")
    assert words(document_problems(catalog, GOOD_FRONT + CONSULTATION + "征集类型: 规章草案\n"), "征集类型").startswith(
        "征集类型: 取值“规章草案”无效，应为：重大行政决策 / 规章 / 涉企政策 / 行政规范性文件 / 其他，相近的有：规章")
    assert words(report_problems("年度: 2023", "年度: 2023\n格式: 2020"), "格式").startswith(
        "格式: 取值“2020”无效，应为：2021 / 2019 / 统计表")


def test_a_missing_required_field(catalog):
    assert words(catalog_problems(org(名称=None)), "名称") == "发布主体 szf · 名称: 缺少必填字段“名称”（修改方法：填写“名称”（见 编辑手册“从旧网站迁移”（content/bangzhu/qianyi.md）和 catalog/ 中各文件开头的说明））"
    assert words(document_problems(catalog, GOOD_FRONT.replace("主题分类: 科技、教育\n", "")), "主题分类").startswith(
        "主题分类: 缺少必填字段“主题分类”")
    assert words(document_problems(catalog, GOOD_FRONT + CONSULTATION.replace("征集单位: 测试市教育局\n", "")),
                 "征集单位").startswith("征集单位: 缺少必填字段“征集单位”")
    assert words(report_problems("年度: 2023\n", ""), "年度").startswith("年度: 缺少必填字段“年度”")


def test_an_unknown_key(catalog):
    assert words(catalog_problems(org(简写="市政府")), "简写").startswith("发布主体 szf · 简写: 不认识的字段“简写”，相近的有：简称")
    assert words(document_problems(catalog, GOOD_FRONT + "主题: 教育\n"), "主题").startswith("主题: 不认识的字段“主题”，相近的有：")
    assert words(document_problems(catalog, GOOD_FRONT + CONSULTATION + "  邮件: b@example.gov.cn\n"), "邮件").startswith(
        "反馈方式 · 邮件: 不认识的字段“邮件”，相近的有：邮编、邮箱")
    assert words(report_problems("年度: 2023", "年度: 2023\n年份: 2023"), "年份").startswith("年份: 不认识的字段“年份”")


def test_an_unknown_publisher(catalog):
    expected = "“sfz”不是已定义的发布主体，相近的有：szf（修改方法：填写 catalog/organizations.yml 中的发布主体 id）"
    assert words(catalog_problems(org(上级="sfz")), "sfz") == f"发布主体 szf · 上级: {expected}"
    assert words(document_problems(catalog, GOOD_FRONT.replace("发布机构: jyj", "发布机构: sfz")), "sfz") == \
        f"发布机构: {expected}"
    assert words(report_problems("发布机构: jyj", "发布机构: sfz", {"szf": None, "jyj": None}), "sfz") == \
        f"发布机构: {expected}"


def test_a_bad_date_and_a_bad_count(catalog):
    expected = "日期“2024/13/01”无效，应为 YYYY-MM-DD 格式的真实日期"
    assert f"发布日期: {expected}" in words(document_problems(catalog, GOOD_FRONT.replace("2025-06-04", "2024/13/01")),
                                        "发布日期")
    assert f"发布日期: {expected}" in words(report_problems("发布日期: 2024-01-20", "发布日期: 2024/13/01"), "发布日期")
    feedback = GOOD_FRONT + "征集: 999100002/2025-00001\n收到意见数: -1\n采纳: 0\n部分采纳: 0\n未采纳: 0\n"
    assert words(document_problems(catalog, feedback), "收到意见数").startswith("收到意见数: 应为非负整数，实际是数字 -1")
    assert any(m.startswith("content/reports/jyj/2023.yml:10: 二 · 行政处罚 · 本年处理决定数量列: 应为非负整数，实际是数字 -1")
               for m in report_problems("  行政处罚: 35", "  行政处罚: -1"))


def test_an_id_yaml_reads_as_a_number_is_that_id_as_in_0_1_0():
    # 0.1.0 accepted ids that start with a digit (they are in published addresses) and read 栏目: [2024] as "2024".
    assert read("k: [a, 2024]", Field("k", IDS, noun="栏目")) == (["a", "2024"], [])
    assert read("k: 2024", Field("k", ID, noun="发布主体")) == ("2024", [])


@pytest.mark.parametrize("written, message, fix", [
    ("测试市教育局", "“测试市教育局”不是发布主体 id：这是名称，这里应填 id", "改为 jyj"),
    ("教育局", "“教育局”不是发布主体 id：这是名称，这里应填 id", "改为 jyj"),  # its 简称
    ("JYJ", "“JYJ”不是发布主体 id：id 只用小写字母", "改为 jyj"),
    ("东城街道办事处", "“东城街道办事处”不是发布主体 id：看起来是“测试市东城街道办事处”的名称或简称，这里应填 id", "改为 dcjd"),
])
def test_a_publisher_written_as_its_name_gets_its_id_suggested(written, message, fix):
    loader = DocumentLoader(load_catalog(MINI / "catalog"), Problems())
    front = GOOD_FRONT.replace("发布机构: jyj", f"发布机构: {written}")
    assert loader.load(f"---\n{front}---\n\n正文。\n", "wj/jyj/2025/x.md", "content/wj/jyj/2025/x.md") is None
    [problem] = [p for p in loader.problems.items if p.field == "发布机构"]
    assert (problem.message, problem.fix) == (message, fix)
