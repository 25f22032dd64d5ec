"""Each bad document input gets a precise message and fails the strict build; nothing is dropped silently."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader, derive_summary, split_front_matter
from gongkai.errors import Problems
from kit import GOOD_FRONT, build, copy_mini, write_doc

MINI = Path(__file__).parent / "fixtures" / "mini"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(MINI / "catalog")


def load(catalog, front: str, body: str = "正文。", src="wj/jyj/2025/x.md", loader=None):
    loader = loader or DocumentLoader(catalog, Problems())
    doc = loader.load(f"---\n{front.strip()}\n---\n\n{body}", src, f"content/{src}")
    return doc, [str(p) for p in loader.problems.items]


def test_good_document_becomes_a_model(catalog):
    doc, problems = load(catalog, GOOD_FRONT + "主题词: [读书, 校园]\n有效性: 有效\n",
                         body="为营造书香校园，现就有关事项通知如下。\n\n一、活动时间\n")
    assert problems == []
    assert doc.title == "测试市教育局关于开展读书月活动的通知"
    assert doc.column_ids == ["gfxwj"] and doc.publisher_id == "jyj"
    assert (doc.written, doc.published) == (dt.date(2025, 6, 2), dt.date(2025, 6, 4))
    assert doc.doc_number == "测教发〔2025〕11号" and doc.index_number == "999100002/2025-00020"
    assert doc.keywords == ["读书", "校园"] and doc.validity == "有效"
    assert doc.summary == "为营造书香校园，现就有关事项通知如下。"  # derived from the first paragraph
    assert doc.where("文号") == ("content/wj/jyj/2025/x.md", 7)
    assert doc.body.strip().startswith("为营造书香校园")


@pytest.mark.parametrize("change, expected", [
    (("发布日期: 2025-06-04", "发布日期: 2024/13/01"),
     "content/wj/jyj/2025/x.md:6: 发布日期: 日期“2024/13/01”无效，应为 YYYY-MM-DD 格式的真实日期"),
    (("发布日期: 2025-06-04", "发布日期: 2025-02-30"), "日期“2025-02-30”无效"),
    (("文号: 测教发〔2025〕11号", "文号: 测教发[2025]11号"),
     "x.md:7: 文号: 文号“测教发[2025]11号”格式不对（修改方法：改为“测教发〔2025〕11号”（年份用六角括号〔〕））"),
    (("文号: 测教发〔2025〕11号", "文号: 测教发(2025)11号"), "改为“测教发〔2025〕11号”"),
    (("文号: 测教发〔2025〕11号", "文号: 测教发（2025）11号"), "改为“测教发〔2025〕11号”"),
    (("发布日期: 2025-06-04", "发布日期: 2025-05-30"),
     "x.md:6: 发布日期: 发布日期 2025-05-30 早于成文日期 2025-06-02"),
    (("栏目: [gfxwj]", "栏目: [gfwj]"), "x.md:3: 栏目: “gfwj”不是已定义的栏目，相近的有：gfxwj"),
    (("发布机构: jyj", "发布机构: jy"), "x.md:4: 发布机构: “jy”不是已定义的发布主体，相近的有：jyj"),
    (("栏目: [gfxwj]", "栏目: [gz]"), "栏目“规章”（gz）不适用于政府部门“测试市教育局”"),
    (("索引号: 999100002/2025-00020", "索引号: 999100001/2025-00020"),
     "索引号“999100001/2025-00020”应为“999100002/年份-流水号”"),
    (("主题分类: 科技、教育", "主题分类: 教育"), "主题分类: 取值“教育”无效"),
    (("title: 测试市教育局关于开展读书月活动的通知\n", ""), "x.md:2: title: 缺少必填字段“title”"),
    (("主题分类: 科技、教育", "主题分类: 科技、教育\n发文机关: 教育局"), "不认识的字段“发文机关”"),
])
def test_bad_field_messages(catalog, change, expected):
    doc, problems = load(catalog, GOOD_FRONT.replace(*change))
    assert doc is None
    assert any(expected in p for p in problems), problems


def test_yaml_error_in_front_matter_names_the_file_line(catalog):
    doc, problems = load(catalog, GOOD_FRONT.replace("栏目: [gfxwj]", "栏目: [gfxwj"))
    assert doc is None
    assert problems and problems[0].startswith("content/wj/jyj/2025/x.md:") and "YAML 语法错误" in problems[0]


def test_duplicate_index_number_names_both_files(catalog):
    loader = DocumentLoader(catalog, Problems())
    first, _ = load(catalog, GOOD_FRONT, src="wj/jyj/2025/a.md", loader=loader)
    second, problems = load(catalog, GOOD_FRONT, src="wj/jyj/2025/b.md", loader=loader)
    assert first is not None and second is None
    assert ("content/wj/jyj/2025/b.md:8: 索引号: 索引号“999100002/2025-00020”与 content/wj/jyj/2025/a.md 重复"
            in problems[0])


def test_missing_front_matter(catalog):
    loader = DocumentLoader(catalog, Problems())
    assert loader.load("# 标题\n\n正文", "wj/jyj/x.md", "content/wj/jyj/x.md") is None
    assert "content/wj/jyj/x.md:1: 缺少文件元数据" in str(loader.problems.items[0])


def test_front_matter_split_and_summary():
    front, body, line = split_front_matter("---\na: 1\n---\n正文第一段。\n")
    assert (front, body, line) == ("a: 1\n", "正文第一段。\n", 4)
    assert derive_summary("## 标题\n\n| a | b |\n\n这是**第一段**，含[链接](x.md)。\n\n第二段") == "这是第一段，含链接。"
    assert len(derive_summary("字" * 300)) == 120


@pytest.mark.build
def test_strict_build_fails_and_names_every_unplaced_document(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/bad-date.md", GOOD_FRONT.replace("2025-06-04", "2024/13/01"))
    write_doc(root, "jyj/2025/bad-number.md", GOOD_FRONT.replace("〔2025〕", "[2025]").replace("00020", "00021"))
    result = build(root)
    assert result.returncode != 0
    assert "content/wj/jyj/2025/bad-date.md:6: 发布日期: 日期“2024/13/01”无效" in result.stderr
    assert "content/wj/jyj/2025/bad-number.md:7: 文号" in result.stderr
    assert "以下 2 个文件未能发布" in result.stderr
    assert "bad-date.md" in result.stderr.split("未能发布")[1] and "bad-number.md" in result.stderr.split("未能发布")[1]


@pytest.mark.build
def test_non_strict_build_names_unplaced_documents_and_fails(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/bad.md", GOOD_FRONT.replace("发布机构: jyj", "发布机构: nobody"))
    result = build(root, strict=False)
    assert result.returncode == 1  # a document error fails the build without strict: true too
    assert not (root / "site").exists()  # and leaves no site to publish
    assert "ERROR" in result.stderr and "以下 1 个文件未能发布：content/wj/jyj/2025/bad.md" in result.stderr
    assert not (root / "site" / "wj" / "jyj" / "2025" / "bad").exists()


@pytest.mark.build
def test_missing_attachment_is_an_error(tmp_path):
    root = copy_mini(tmp_path)
    write_doc(root, "jyj/2025/att.md", GOOD_FRONT + "附件:\n  - 名称: 报名表\n    文件: 附件/报名表.csv\n")
    result = build(root)
    assert result.returncode != 0
    assert "content/wj/jyj/2025/att.md:10: 附件: 附件文件“wj/jyj/2025/附件/报名表.csv”不存在" in result.stderr


def test_a_document_in_another_publishers_folder_blames_its_publisher_not_its_index_number():
    """Copied into szf's folder with szf's 索引号 but 发布机构 left as jyj: the 发布机构 line is the mistake."""
    from gongkai.catalog import load_catalog
    from gongkai.documents import DocumentLoader
    from gongkai.errors import Problems
    from kit import GOOD_FRONT, MINI

    loader = DocumentLoader(load_catalog(MINI / "catalog"), Problems())
    front = GOOD_FRONT.replace("索引号: 999100002/2025-00020", "索引号: 999100001/2025-00020")
    assert loader.load(f"---\n{front}---\n\n正文。\n", "wj/szf/2025/x.md", "content/wj/szf/2025/x.md") is None
    [problem] = loader.problems.items
    assert problem.field == "发布机构"
    assert problem.message == ("发布机构写的是测试市教育局（jyj），但文件在测试市人民政府的文件夹中，"
                               "索引号“999100001/2025-00020”也是测试市人民政府的编号")
    assert problem.fix.startswith("若是测试市人民政府的文件，把发布机构改为 szf")
    # elsewhere, the 索引号 is the mistake, and whose number it is is said
    loader = DocumentLoader(load_catalog(MINI / "catalog"), Problems())
    assert loader.load(f"---\n{front}---\n\n正文。\n", "wj/jyj/2025/x.md", "content/wj/jyj/2025/x.md") is None
    [problem] = loader.problems.items
    assert problem.field == "索引号" and problem.message.endswith("；它是测试市人民政府的编号")


def _summary_as_before(body: str) -> str:
    """derive_summary as written before it read the body one block at a time (re.split of the whole body)."""
    import re

    from gongkai.documents import _cut
    from gongkai.safety import plain_text_of

    first = ""
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block.startswith(("#", "|", "!", "<", "```", "---")):
            continue
        text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", block)
        text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)
        if "<" in text or "&" in text:
            text = plain_text_of(text)
        text = re.sub(r"[*_`>#]|^\s*[-+]\s+|^\s*\d+\.\s+", "", text, flags=re.M)
        text = re.sub(r"\s+", "", text)
        if text and text.endswith(("：", ":")):
            first = first or text
            continue
        if text:
            return _cut(text)
    return _cut(first)


def test_the_summary_reads_blocks_as_the_whole_split_did():
    import re

    from hypothesis import given, settings, strategies as st

    from gongkai.documents import _blocks

    pieces = st.sampled_from(["\n", "\n\n", " \n \n", "\t", "段落", "通知如下：", "# 标题", "| a |", "- 项",
                              "1. 项", "[链接](x.md)", "![图](y.png)", "<b>粗</b>", "&amp;", "**重**", "```", "：", "x"])

    @settings(max_examples=400, deadline=None)
    @given(st.lists(pieces, max_size=30).map("".join))
    def agree(body):
        assert list(_blocks(body)) == re.split(r"\n\s*\n", body)
        assert derive_summary(body) == _summary_as_before(body)

    agree()
