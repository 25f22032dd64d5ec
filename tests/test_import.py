"""`gongkai import`: saved pages of two platforms, a generic layout and a CSV/XLSX export go into a copy of the demo
site with every field intact; the result builds strictly; re-runs are idempotent; --dry-run writes nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import re
import shutil
from pathlib import Path

import openpyxl
import pytest

from kit import ROOT, mkdocs_build, run_import
from gongkai import yamlutil
from gongkai.catalog import load_catalog
from gongkai.documents import DocumentLoader, split_front_matter
from gongkai.errors import Problems
from gongkai.importer import labels
from gongkai.importer.mapping import ImportMap, Mapper
from gongkai.importer.pages import decode, read_page

FIXTURES = Path(__file__).parent / "fixtures" / "import"
TRS = "content/wj/szfb/2022/11999900mb0000002x-2022-00041.md"
HANWEB = "content/wj/jyj/2022/sl00103-3000-2022-00017.md"
GENERIC = "content/wj/wjw/2022/000999104-2022-00008.md"
CSV_CZJ = "content/wj/czj/2021/999000106-2021-00003.md"
CSV_RSJ = "content/wj/rsj/2021/000999107-2021-00011.md"
ARGS = ["old/pages", "old/export/export.csv", "--map", "old/map.yml", "--column", "qtwj"]

EXPECTED = {
    TRS: {
        "title": "示例市人民政府办公室关于印发示例市老旧小区改造实施方案的通知", "栏目": ["qtwj"], "发布机构": "szfb",
        "成文日期": dt.date(2022, 5, 20), "发布日期": dt.date(2022, 5, 25), "文号": "示政办发[2022]15号",
        "索引号": "11999900MB0000002X/2022-00041", "主题分类": "城乡建设、环境保护",
        "原网址": "http://www.example.gov.cn/zwgk/zfwj/szfbwj/202205/t20220525_41.html",
        "附件": [{"名称": "1.示例市老旧小区改造项目清单",
                "文件": "附件/11999900mb0000002x-2022-00041/P020220525412.pdf"},
               {"名称": "2.示例市老旧小区改造资金安排表",
                "文件": "附件/11999900mb0000002x-2022-00041/P020220525414.xlsx"}],
        "来源": "导入"},
    HANWEB: {
        "title": "示例市教育局关于2022年义务教育阶段学校招生工作的通告", "栏目": ["tzgg"], "发布机构": "jyj",
        "成文日期": dt.date(2022, 6, 6), "发布日期": dt.date(2022, 6, 8), "文号": "示教〔2022〕9号",
        "索引号": "SL00103-3000-2022-00017", "主题分类": "无", "有效性": "有效",
        "原网址": "http://www.example.gov.cn/art/2022/6/8/art_1229_5678.html",
        "附件": [{"名称": "示例市2022年义务教育学校招生计划表.xlsx",
                "文件": "附件/sl00103-3000-2022-00017/P020220608.xlsx"}],
        "来源": "导入"},
    GENERIC: {
        "title": "关于开展2022年夏季爱国卫生运动的通知", "栏目": ["wsjk"], "发布机构": "wjw",
        "成文日期": dt.date(2022, 7, 1), "发布日期": dt.date(2022, 7, 4), "索引号": "000999104/2022-00008",
        "主题分类": "卫生、体育", "有效性": "失效", "来源": "导入"},
    CSV_CZJ: {
        "title": "示例市财政局2021年部门预算", "栏目": ["yjs"], "发布机构": "czj", "成文日期": dt.date(2021, 3, 2),
        "发布日期": dt.date(2021, 3, 5), "文号": "示财预〔2021〕3号", "索引号": "999000106/2021-00003",
        "主题分类": "财政、金融、审计", "有效性": "有效",
        "附件": [{"名称": "czj-2021-ys", "文件": "附件/999000106-2021-00003/czj-2021-ys.csv"}], "来源": "导入"},
    CSV_RSJ: {
        "title": "示例市2021年就业见习岗位募集公告", "栏目": ["jy"], "发布机构": "rsj", "成文日期": dt.date(2021, 4, 12),
        "发布日期": dt.date(2021, 4, 13), "索引号": "000999107/2021-00011", "主题分类": "劳动、人事、监察",
        "来源": "导入"},
}

BODIES = {
    TRS: """各镇人民政府、街道办事处，市政府各部门：

《示例市老旧小区改造实施方案》已经市人民政府同意，现印发给你们，请结合本地本部门实际认真组织实施。

**一、改造范围**

本方案所称老旧小区，是指建成年代较早、配套设施不全、群众改造意愿强烈的住宅小区。2022年计划改造12个小区。

1\\. 基础类改造：水电气管网、道路和消防设施。

**二、改造计划**

| **片区** | **小区名称** | **户数** |
| --- | --- | --- |
| 东城片区 | 示例市纺织厂宿舍 | 320 |
|  | 示例市粮食局宿舍 | 156 |
| 青山片区 | 青山镇供销社小区 | 88 |

改造效果示意见下图。

![改造效果示意图](附件/11999900mb0000002x-2022-00041/W020220525413.png)

附件：[1.示例市老旧小区改造项目清单](附件/11999900mb0000002x-2022-00041/P020220525412.pdf)

[2.示例市老旧小区改造资金安排表](附件/11999900mb0000002x-2022-00041/P020220525414.xlsx)

示例市人民政府办公室

2022年5月20日

（此件公开发布）
""",
    HANWEB: """为做好我市2022年义务教育阶段学校招生工作，现将有关事项通告如下：

## 一、招生对象

凡本市户籍或持有本市居住证的适龄儿童少年，均可按规定申请入学。

## 二、报名方式

1. 网上报名：6月15日至6月20日。
2. 现场审核：6月25日至6月28日。

报名需准备以下材料：

- 户口簿或居住证；
- 房产证明或租赁合同。

## 三、招生计划

| 学校 | 班级数 | 计划人数 |
| --- | --- | --- |
| 示例市实验小学 | 8 | 360 |
| 示例市第一中学 | 10 | 500 |

老旧小区改造片区学校的学位安排，另见[市政府办公室关于老旧小区改造的通知](../../szfb/2022/11999900mb0000002x-2022-00041.md)。往年招生情况见[2021年招生通告](http://www.example.gov.cn/art/2022/6/8/art_1229_4321.html)。

附件：[示例市2022年义务教育学校招生计划表.xlsx](附件/sl00103-3000-2022-00017/P020220608.xlsx)

[报名登记表.pdf](http://www.example.gov.cn/module/download/P020220608bm.pdf)

咨询电话：0999-12340310。
""",
    GENERIC: """各镇卫生院、街道社区卫生服务中心：

为改善城乡环境卫生，预防夏季传染病，决定在全市开展夏季爱国卫生运动。

1\\. 清理卫生死角，做到垃圾日产日清。

2\\. 开展病媒生物防制，降低蚊蝇密度。

\\- 各单位于7月31日前报送工作总结。

示例市卫生健康委员会办公室
""",
    CSV_CZJ: """现将示例市财政局2021年部门预算公开如下。

| 项目 | 金额（万元） |
| --- | --- |
| 一般公共预算 | 1,280.5 |
| 政府性基金 | 46 |
""",
    CSV_RSJ: """为帮助高校毕业生积累工作经验，现募集就业见习岗位。

1\\. 见习期限为3至12个月。

见习单位按规定领取见习补贴。
""",
}

SKIPPED = {
    "old/pages/unmapped/list.html": "没有找到元数据（索引号、标题等），不像是一篇文件的页面",
    "old/pages/unmapped/wlj-2022-03.html": "发布机构“示例市文化和旅游局”无法对应到发布主体"
                                           "（在对照表“发布机构”中补上，或先在目录中添加该发布主体）；"
                                           "栏目“机构设置”无法对应到栏目（在对照表“栏目”中补上）",
    "old/export/export.csv 第 4 行": "缺少索引号（新网站按索引号识别文件，无索引号的文件无法导入）",
    "old/export/export.csv 第 5 行": "发布日期“待定”无法识别",
    "old/export/export.csv 第 6 行": "主题分类“民生”不在国务院公文主题分类中（在对照表“主题分类”中补上）",
}


def make_site(tmp_path: Path, content: bool = True) -> Path:
    """A copy of the demo site with the import fixtures beside it as old/; without its documents when a test
    neither builds the site nor needs documents already there (faster)."""
    root = tmp_path / "site-src"
    root.mkdir()
    for name in ("catalog", "overrides") + (("content",) if content else ()):
        shutil.copytree(ROOT / name, root / name)
    if not content:
        (root / "content").mkdir()
        shutil.copy(ROOT / "content/index.md", root / "content/index.md")
    shutil.copy(ROOT / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(FIXTURES, root / "old")
    return root


def gongkai_import(root: Path, *args: str) -> tuple[int, str, str]:
    """Run `gongkai import` in the site folder, as an editor would; (exit code, stdout, stderr)."""
    return run_import(root, *args)


def snapshot(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def front_and_body(path: Path):
    front, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
    return yamlutil.load(front, str(path)), body


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    root = make_site(tmp_path_factory.mktemp("import"))
    before = snapshot(root / "content")
    code, out, err = gongkai_import(root, *ARGS)
    return {"root": root, "code": code, "out": out, "err": err, "before": before}


@pytest.fixture(scope="module")
def built(imported):
    """The demo copy with the imported documents, built with --strict (its site/ beside the sources)."""
    return mkdocs_build(imported["root"] / "mkdocs.yml", imported["root"] / "site")


# ---- the import into the demo -----------------------------------------------------------------------------

@pytest.mark.build
def test_result_builds_strictly(built):
    assert built.returncode == 0, built.stderr
    assert "WARNING" not in built.stderr and "ERROR" not in built.stderr


def test_summary_and_exit_code(imported):
    assert imported["err"] == ""
    assert imported["out"].splitlines()[0] == "导入 10 个来源：新增 5，更新 0，未变化 0，跳过 5"
    assert imported["code"] == 1  # some sources were skipped


def test_only_the_imported_files_are_new(imported):
    root = imported["root"]
    after = snapshot(root / "content")
    assert {k: v for k, v in after.items() if k in imported["before"]} == imported["before"]  # nothing else touched
    new = sorted(set(after) - set(imported["before"]))
    assert new == sorted([
        "wj/czj/2021/999000106-2021-00003.md", "wj/czj/2021/附件/999000106-2021-00003/czj-2021-ys.csv",
        "wj/jyj/2022/sl00103-3000-2022-00017.md", "wj/jyj/2022/附件/sl00103-3000-2022-00017/P020220608.xlsx",
        "wj/rsj/2021/000999107-2021-00011.md",
        "wj/szfb/2022/11999900mb0000002x-2022-00041.md",
        "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/P020220525412.pdf",
        "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/P020220525414.xlsx",
        "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/W020220525413.png",
        "wj/wjw/2022/000999104-2022-00008.md"])


@pytest.mark.parametrize("target", list(EXPECTED))
def test_every_field_of_every_imported_document(imported, target):
    data, _ = front_and_body(imported["root"] / target)
    assert dict(data) == EXPECTED[target]


@pytest.mark.parametrize("target", list(EXPECTED))
def test_imported_documents_load_as_the_build_reads_them(imported, target):
    root = imported["root"]
    loader = DocumentLoader(load_catalog(root / "catalog"), Problems())
    doc = loader.load((root / target).read_text(encoding="utf-8"), target[len("content/"):], target)
    assert loader.problems.items == [] and doc.imported
    assert doc.index_number == EXPECTED[target]["索引号"] and doc.topic == EXPECTED[target]["主题分类"]


@pytest.mark.parametrize("target", list(BODIES))
def test_body_paragraphs_tables_and_links(imported, target):
    _, body = front_and_body(imported["root"] / target)
    assert body.lstrip("\n") == BODIES[target]
    for leftover in ("Mso", "mso-", "o:p", "font-family", "<span", "style=", "\u3000", "\xa0", "\ue000"):
        assert leftover not in body


def test_title_and_doc_number_repeated_at_the_top_of_the_body_are_dropped(imported):
    _, body = front_and_body(imported["root"] / TRS)
    assert "老旧小区改造实施方案的通知" not in body and "示政办发[2022]15号" not in body


@pytest.mark.build
def test_attachments_copied_byte_for_byte_and_published(imported, built):
    root = imported["root"]
    pairs = [("pages/trs/P020220525412.pdf", "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/P020220525412.pdf"),
             ("pages/trs/P020220525414.xlsx", "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/P020220525414.xlsx"),
             ("pages/trs/W020220525413.png", "wj/szfb/2022/附件/11999900mb0000002x-2022-00041/W020220525413.png"),
             ("pages/hanweb/art_1229_5678_files/P020220608.xlsx",
              "wj/jyj/2022/附件/sl00103-3000-2022-00017/P020220608.xlsx"),
             ("export/附件/czj-2021-ys.csv", "wj/czj/2021/附件/999000106-2021-00003/czj-2021-ys.csv")]
    for source, copied in pairs:
        original = (FIXTURES / source).read_bytes()
        assert (root / "content" / copied).read_bytes() == original
        assert (root / "site" / copied).read_bytes() == original
    # the footer's 申请表 link is the old site's, not this document's
    assert not list((root / "content").rglob("sqb.doc"))


@pytest.mark.build
def test_built_document_page_shows_the_published_metadata(imported, built):
    root = imported["root"]
    page = (root / "site/wj/szfb/2022/11999900mb0000002x-2022-00041/index.html").read_text(encoding="utf-8")
    box = page[page.index('<table class="gk-meta">'):page.index("</table>")]
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", box, re.S)]
    assert cells == ["11999900MB0000002X/2022-00041", "城乡建设、环境保护", "示例市人民政府办公室", "2022-05-20",
                     "示例市人民政府办公室关于印发示例市老旧小区改造实施方案的通知", "示政办发[2022]15号", "2022-05-25",
                     "有效", "无"]  # no 主题词: "无", never a blank cell
    body = page[page.index('<div class="gk-body">'):]
    assert "<td>东城片区</td>" in body and "<td>示例市粮食局宿舍</td>" in body and "<th><strong>片区</strong></th>" in body
    assert "<p>本方案所称老旧小区，是指建成年代较早、配套设施不全、群众改造意愿强烈的住宅小区。" in body
    for src in re.findall(r'(?:src|href)="(\.\./附件/[^"]+)"', body):
        assert (root / "site/wj/szfb/2022/11999900mb0000002x-2022-00041" / src).resolve().is_file(), src
    hanweb = (root / "site/wj/jyj/2022/sl00103-3000-2022-00017/index.html").read_text(encoding="utf-8")
    assert '<th scope="row">主题分类</th><td>无</td>' in hanweb
    assert 'href="../../../szfb/2022/11999900mb0000002x-2022-00041/"' in hanweb  # link between imported pages


def test_console_report_lists_skips_unmapped_names_inferences_and_warnings(imported):
    out = imported["out"]
    for source, reason in SKIPPED.items():
        assert f"  {source}：{reason}\n" in out
    assert ("无法对应的名称（没有猜测）。把下面几行加到 --map 对照表，填好新网站的 id 后重新导入：\n"
            "发布机构:\n  示例市文化和旅游局:    # 1 个文件\n栏目:\n  机构设置:    # 1 个文件\n"
            "主题分类:\n  民生:    # 1 个文件\n") in out
    assert (f"  {TRS}：主题分类“城乡建设、环境保护\\城市规划”记为一级分类“城乡建设、环境保护”；"
            "原页面未标注有效性，按默认“有效”显示\n") in out
    assert (f"  {HANWEB}：附件“报名登记表.pdf”未找到（http://www.example.gov.cn/module/download/P020220608bm.pdf），"
            "未复制，正文保留原网址链接\n") in out
    assert "注意：old/export/export.csv：未使用的列：浏览次数\n" in out
    assert not list((imported["root"] / "content").rglob("*000999120*"))  # the unmappable page is not written


def test_csv_report_has_one_row_per_source(imported):
    text = (imported["root"] / "import-report.csv").read_text(encoding="utf-8")
    assert text.startswith("\ufeff")
    rows = {row["来源"]: row for row in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    assert len(rows) == 10
    for source, reason in SKIPPED.items():
        assert rows[source]["状态"] == "跳过" and rows[source]["跳过原因"] == reason and rows[source]["目标文件"] == ""
    trs = rows["old/pages/trs/t20220525_41.html"]
    assert (trs["状态"], trs["索引号"], trs["目标文件"]) == ("新增", "11999900MB0000002X/2022-00041", TRS)
    assert trs["推断或补全的字段"].startswith("主题分类“城乡建设、环境保护\\城市规划”记为一级分类")
    assert rows["old/export/export.csv 第 3 行"]["标题"] == "示例市2021年就业见习岗位募集公告"
    assert rows["old/pages/hanweb/art_1229_5678.html"]["警告"].startswith("附件“报名登记表.pdf”未找到")


# ---- re-runs and dry runs -----------------------------------------------------------------------------------

def test_rerun_updates_the_same_file_and_never_duplicates(tmp_path):
    root = make_site(tmp_path)
    assert gongkai_import(root, *ARGS)[0] == 1
    first = snapshot(root / "content")
    code, out, _ = gongkai_import(root, *ARGS)
    assert out.splitlines()[0] == "导入 10 个来源：新增 0，更新 0，未变化 5，跳过 5"
    assert snapshot(root / "content") == first
    # the old site corrected a title: the same 索引号 updates the same file
    export = root / "old/export/export.csv"
    export.write_bytes(export.read_bytes().decode("gb18030").replace("岗位募集公告", "岗位募集公告（更正）")
                       .encode("gb18030"))
    code, out, _ = gongkai_import(root, "old/export/export.csv")
    # by default the file keeps its value and the difference is reported
    assert out.splitlines()[0] == "导入 5 个来源：新增 0，更新 0，未变化 2，跳过 3"
    assert ("冲突：title文件中为“示例市2021年就业见习岗位募集公告”，来源为“示例市2021年就业见习岗位募集公告（更正）”，"
            "保留文件中的（要采用来源的值，加 --update）") in out
    assert snapshot(root / "content") == first
    code, out, _ = gongkai_import(root, "old/export/export.csv", "--update")
    assert out.splitlines()[0] == "导入 5 个来源：新增 0，更新 1，未变化 1，跳过 3"
    after = snapshot(root / "content")
    assert set(after) == set(first)
    assert [k for k in after if after[k] != first[k]] == [CSV_RSJ[len("content/"):]]
    assert front_and_body(root / CSV_RSJ)[0]["title"] == "示例市2021年就业见习岗位募集公告（更正）"


def test_rerun_finds_documents_an_editor_moved(tmp_path):
    root = make_site(tmp_path, content=False)
    gongkai_import(root, "old/pages/generic", "--map", "old/map.yml")
    moved = root / "content/wj/wjw/2022/aiwei-2022.md"
    (root / GENERIC).rename(moved)
    code, out, _ = gongkai_import(root, "old/pages/generic", "--map", "old/map.yml")
    assert (code, out.splitlines()[0]) == (0, "导入 1 个来源：新增 0，更新 0，未变化 1，跳过 0")
    assert not (root / GENERIC).exists()


def test_dry_run_writes_nothing(tmp_path):
    root = make_site(tmp_path)
    before = snapshot(root)
    code, out, _ = gongkai_import(root, *ARGS, "--dry-run")
    assert snapshot(root) == before
    assert out.splitlines()[0] == "导入 10 个来源：新增 5，更新 0，未变化 0，跳过 5（试运行：没有写入任何文件）"
    assert code == 1 and "逐个来源的报告" not in out


# ---- options and errors ---------------------------------------------------------------------------------------

def test_map_file_mistakes_are_named_with_line_and_fix(tmp_path):
    root = make_site(tmp_path, content=False)
    (root / "bad.yml").write_text("栏目:\n  卫生健康: wsj\n机构:\n  x: y\n", encoding="utf-8")
    code, out, err = gongkai_import(root, "old/pages", "--map", "bad.yml")
    assert code == 2 and out == ""
    assert "bad.yml:2: 栏目: “卫生健康”对应的“wsj”不是catalog/columns.yml 中的栏目 id，相近的有：wsjk" in err
    assert "bad.yml:3: 不认识的分节“机构”" in err


@pytest.mark.parametrize("args, message", [
    (["old/nothing"], "old/nothing：文件或文件夹不存在"),
    (["old/pages/trs/P020220525412.pdf"], "不是网页（.html、.htm、.shtml、.xhtml）或导出表（.csv、.xlsx）"),
    (["old/export/附件"], "old/export/附件：文件夹中没有网页"),
    (["old/pages", "--org", "jyjj"], "“jyjj”不是已定义的发布主体 id"),
    (["old/pages", "--column", "tzg"], "“tzg”不是已定义的栏目 id"),
    (["old/pages", "-f", "nope.yml"], "找不到网站配置文件 nope.yml"),
])
def test_bad_command_lines_exit_2_with_a_message(tmp_path, args, message):
    root = make_site(tmp_path, content=False)
    before = snapshot(root)
    code, out, err = gongkai_import(root, *args)
    assert code == 2 and message in err and out == ""
    assert snapshot(root) == before


def test_org_and_column_apply_only_where_the_source_names_none(tmp_path):
    root = make_site(tmp_path, content=False)
    page = root / "old/no-publisher.html"
    page.write_text("""<html><head><meta charset="utf-8"><meta name="ContentSource" content="东城街道党政办">
<meta name="PubDate" content="2023-02-03 10:00"></head><body>
<ul class="info"><li>索引号：DC-2023-0001</li><li>标题：东城街道2023年春季植树活动安排</li><li>主题分类：其他</li></ul>
<div id="zoom"><p>东城街道定于3月12日组织春季植树活动。</p></div></body></html>""", encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/no-publisher.html")
    assert code == 1
    assert "缺少栏目（用 --column 指定，或在对照表“栏目”中对应）" in out
    assert "发布机构“东城街道党政办”无法对应到发布主体" in out  # a hint from <meta> is listed, not guessed
    code, out, _ = gongkai_import(root, "old/no-publisher.html", "--org", "dcjd", "--column", "gzdt")
    assert code == 0
    data, body = front_and_body(root / "content/wj/dcjd/2023/dc-2023-0001.md")
    assert (data["发布机构"], data["栏目"], data["成文日期"], data["发布日期"]) == \
        ("dcjd", ["gzdt"], dt.date(2023, 2, 3), dt.date(2023, 2, 3))
    assert "发布机构按 --org 记为 dcjd（页面来源为“东城街道党政办”）；成文日期原页面未标注，按发布日期填写" in out
    assert body.strip() == "东城街道定于3月12日组织春季植树活动。"


def test_a_box_inside_the_article_container_is_metadata_not_text(tmp_path):
    page = tmp_path / "inside.html"
    page.write_text("""<html><head><meta charset="utf-8"></head><body><div class="TRS_Editor">
<table><tr><td>索 引 号：</td><td>A1/2023-7</td></tr><tr><td>名　　称：</td><td>示例市甲通知</td></tr>
<tr><td>发布日期：</td><td>2023年1月2日</td></tr></table>
<p>正文第一段。</p></div></body></html>""", encoding="utf-8")
    doc = read_page(page, "inside.html")
    assert (doc.fields["索引号"], doc.fields["标题"], doc.fields["发布日期"]) == ("A1/2023-7", "示例市甲通知", "2023年1月2日")
    assert doc.body_html.get_text(strip=True) == "正文第一段。"


def test_xlsx_export(tmp_path):
    root = make_site(tmp_path, content=False)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["名称", "索引号", "发布机构", "发文日期", "公开日期", "发文字号", "主题分类", "所属栏目", "内容"])
    sheet.append(["示例市民政局关于调整城乡低保标准的通知", "MZ-2023-004", "示例市民政局", dt.datetime(2023, 6, 1),
                  "2023-06-05", "示民发〔2023〕4号", "民政、扶贫、救灾", "社会救助", "自7月1日起调整城乡低保标准。"])
    book.save(root / "old/export.xlsx")
    code, out, _ = gongkai_import(root, "old/export.xlsx")
    assert (code, out.splitlines()[0]) == (0, "导入 1 个来源：新增 1，更新 0，未变化 0，跳过 0")
    data, body = front_and_body(root / "content/wj/mzj/2023/mz-2023-004.md")
    assert dict(data) == {"title": "示例市民政局关于调整城乡低保标准的通知", "栏目": ["shjz"], "发布机构": "mzj",
                          "成文日期": dt.date(2023, 6, 1), "发布日期": dt.date(2023, 6, 5), "文号": "示民发〔2023〕4号",
                          "索引号": "MZ-2023-004", "主题分类": "民政、扶贫、救灾", "来源": "导入"}
    assert body.strip() == "自7月1日起调整城乡低保标准。"


def test_an_export_without_the_key_columns_is_skipped_with_the_reason(tmp_path):
    root = make_site(tmp_path, content=False)
    (root / "old/bad.csv").write_text("标题,日期\n甲,2023-01-01\n", encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/bad.csv")
    assert code == 1
    assert "old/bad.csv：标题行缺少“索引号”列（现有列：标题、日期）：新网站按索引号识别文件，请在导出表中补上这一列" in out


def test_two_sources_with_one_index_number_are_one_document(tmp_path):
    root = make_site(tmp_path, content=False)
    shutil.copy(root / "old/pages/generic/wjw-2022-08.html", root / "old/pages/generic/copy.html")
    code, out, _ = gongkai_import(root, "old/pages/generic", "--map", "old/map.yml")
    assert code == 0
    assert out.splitlines()[0] == "导入 2 个来源：新增 1，更新 0，未变化 0，合并 1，跳过 0"
    assert "与 old/pages/generic/copy.html 是同一篇文件，合并导入" in out
    assert len(list((root / "content/wj/wjw/2022").glob("000999104*.md"))) == 1


def test_a_document_the_schema_rejects_is_skipped_with_the_loaders_message(tmp_path):
    root = make_site(tmp_path, content=False)
    page = root / "old/late.html"
    page.write_text("""<html><head><meta charset="utf-8"></head><body><table>
<tr><td>索引号：</td><td>999000103/2023-00001</td><td>发布机构：</td><td>示例市教育局</td></tr>
<tr><td>标题：</td><td>示例市教育局规章</td><td>主题分类：</td><td>科技、教育</td></tr>
<tr><td>成文日期：</td><td>2023-05-02</td><td>发布日期：</td><td>2023-05-01</td></tr></table>
<div id="zoom"><p>正文。</p></div></body></html>""", encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/late.html", "--column", "gz")
    assert code == 1
    assert "old/late.html：栏目: 栏目“规章”（gz）不适用于政府部门“示例市教育局”" in out
    assert "发布日期: 发布日期 2023-05-01 早于成文日期 2023-05-02" in out
    assert not (root / "content/wj/jyj/2023").exists()


# ---- labels, dates and mapping --------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("索\u2002引\u2002号：PZ00108-3000-2022-00041", ("索引号", "PZ00108-3000-2022-00041")),
    ("标　　题：示例", ("标题", "示例")),
    ("发文字号: 示政发〔2022〕1号", ("文号", " 示政发〔2022〕1号")),
    ("发文机关", ("发布机构", "")),
    ("浏览次数：12", None),
    ("组配分类：部门文件", None),
])
def test_labels_as_printed(text, expected):
    assert labels.split_label(text) == expected


@pytest.mark.parametrize("value, expected", [
    ("2022-05-20", dt.date(2022, 5, 20)), ("2022年5月20日", dt.date(2022, 5, 20)),
    ("2022/5/20 10:30:00", dt.date(2022, 5, 20)), ("2022.05.20", dt.date(2022, 5, 20)),
    ("20220520", dt.date(2022, 5, 20)), (dt.datetime(2022, 5, 20, 8), dt.date(2022, 5, 20)),
    ("2022-02-30", None), ("待定", None), ("", None),
])
def test_dates_as_printed(value, expected):
    assert labels.parse_date(value) == expected


def test_names_map_only_exactly():
    catalog = load_catalog(ROOT / "catalog")
    mapper = Mapper(catalog, ImportMap())
    assert mapper.organization("示例市教育局") == "jyj" and mapper.organization("市教育局") == "jyj"
    assert mapper.organization("示例市教育") is None and mapper.organization("教育局") is None
    assert mapper.column("行政规范性文件") == "gfxwj" and mapper.column("规范性文件") is None
    assert mapper.topic("无") == ("无", None)
    assert mapper.topic("") == ("无", "原页面未标注主题分类，记为“无”")
    assert mapper.topic("卫生、体育/医疗") == ("卫生、体育", "主题分类“卫生、体育/医疗”记为一级分类“卫生、体育”")
    assert mapper.topic("卫生") == (None, None)
    assert mapper.validity("已废止") == ("废止", None) and mapper.validity("部分失效") == (None, None)


# ---- the schema for imported documents (gongkai/documents.py) ---------------------------------------------

BASE = """title: 示例市某通知
栏目: [qtwj]
发布机构: jyj
成文日期: 2022-05-20
发布日期: 2022-05-25
主题分类: 科技、教育
"""


def load_front(front: str):
    loader = DocumentLoader(load_catalog(ROOT / "catalog"), Problems())
    doc = loader.load(f"---\n{front}---\n\n正文。\n", "wj/jyj/2022/x.md", "content/wj/jyj/2022/x.md")
    return doc, [str(p) for p in loader.problems.items]


@pytest.mark.parametrize("index_number", ["PZ00108-3000-2022-00041", "11350128MB1234567X/2022-00041",
                                          "000014349/2022-00041", "999000103/2019-00007"])
def test_imported_documents_keep_their_index_number_in_any_published_shape(index_number):
    doc, problems = load_front(BASE + f"索引号: {index_number}\n文号: 示教[2022]9号\n来源: 导入\n")
    assert problems == [] and doc.index_number == index_number and doc.doc_number == "示教[2022]9号"


def test_new_documents_keep_the_sites_own_index_number_rule():
    _, problems = load_front(BASE + "索引号: PZ00108-3000-2022-00041\n")
    assert problems == ["content/wj/jyj/2022/x.md:8: 索引号: 索引号“PZ00108-3000-2022-00041”应为“999000103/年份-流水号”"
                        "（示例市教育局的机构代码）（修改方法：例如 999000103/2024-00012）"]


@pytest.mark.parametrize("front, expected", [
    (BASE.replace("科技、教育", "无") + "索引号: 999000103/2022-00001\n",
     "x.md:7: 主题分类: 只有导入的文件（来源: 导入）才能写“无”（修改方法：从国务院公文主题分类中选一个，拿不准时写“其他”）"),
    (BASE + "索引号: PZ 001/2022\n来源: 导入\n",
     "x.md:8: 索引号: 索引号“PZ 001/2022”含空白或不允许的字符（修改方法：照原网页逐字填写：只能有字母、数字和 / . _ -，3 至 64 个字符）"),
    (BASE + "索引号: 999000103/2022-00001\n来源: 旧网站\n",
     "x.md:9: 来源: 取值“旧网站”无效，应为：导入"),
])
def test_imported_flag_rules(front, expected):
    _, problems = load_front(front)
    assert len(problems) == 1 and expected in problems[0]


def test_imported_documents_may_have_topic_none():
    doc, problems = load_front(BASE.replace("科技、教育", "无") + "索引号: SL-1/2022\n来源: 导入\n")
    assert problems == [] and doc.topic == "无" and doc.imported


# ---- locating attachments, the body and earlier imports ----------------------------------------------------

MIRRORED = """<html><head><meta charset="utf-8"></head><body><div class="meta">
<p>索引号：QS-2023-0002</p><p>标题：青山镇2023年农村公路养护计划</p><p>发布机构：青山镇</p>
<p>发布日期：2023-03-10</p><p>主题分类：工业、交通</p></div>
<div class="main-text"><p>全镇计划养护农村公路46公里。</p>
<p>附件：<a href="/uploadfile/2023/0310/yh.xlsx">养护计划表</a></p></div>
<div class="side"><p>相关链接</p></div></body></html>"""


@pytest.mark.build
def test_site_root_finds_attachments_linked_from_the_old_sites_root(tmp_path):
    root = make_site(tmp_path)
    mirror = root / "old/mirror"
    (mirror / "uploadfile/2023/0310").mkdir(parents=True)
    (mirror / "uploadfile/2023/0310/yh.xlsx").write_bytes((FIXTURES / "pages/trs/P020220525414.xlsx").read_bytes())
    (mirror / "qsz").mkdir()
    (mirror / "qsz/art_2.html").write_text(MIRRORED, encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/mirror/qsz", "--column", "qtwj")
    assert code == 0 and "附件“养护计划表”未找到（/uploadfile/2023/0310/yh.xlsx），未复制，正文中改为纯文字" in out
    body = front_and_body(root / "content/wj/qsz/2023/qs-2023-0002.md")[1]
    assert "养护计划表" in body and "](" not in body  # a link to nowhere would fail the strict build
    code, out, _ = gongkai_import(root, "old/mirror/qsz", "--column", "qtwj", "--site-root", "old/mirror")
    # the file keeps its body (an editor may have worked on it), gains the attachment, and says how to take the new body
    assert (code, out.splitlines()[0]) == (0, "导入 1 个来源：新增 0，更新 1，未变化 0，跳过 0")
    assert "冲突：正文与文件中的不同，保留文件中的（要采用来源的正文，加 --update）" in out
    data, body = front_and_body(root / "content/wj/qsz/2023/qs-2023-0002.md")
    assert data["附件"] == [{"名称": "养护计划表", "文件": "附件/qs-2023-0002/yh.xlsx"}] and "附件：养护计划表" in body
    code, out, _ = gongkai_import(root, "old/mirror/qsz", "--column", "qtwj", "--site-root", "old/mirror", "--update")
    assert (code, out.splitlines()[0]) == (0, "导入 1 个来源：新增 0，更新 1，未变化 0，跳过 0")
    data, body = front_and_body(root / "content/wj/qsz/2023/qs-2023-0002.md")
    assert data["附件"] == [{"名称": "养护计划表", "文件": "附件/qs-2023-0002/yh.xlsx"}]
    assert "附件：[养护计划表](附件/qs-2023-0002/yh.xlsx)" in body
    assert (root / "content/wj/qsz/2023/附件/qs-2023-0002/yh.xlsx").read_bytes() == \
        (mirror / "uploadfile/2023/0310/yh.xlsx").read_bytes()
    assert mkdocs_build(root / "mkdocs.yml", root / "site").returncode == 0


def test_body_option_picks_the_article_element(tmp_path):
    root = make_site(tmp_path, content=False)
    (root / "old/page.html").write_text(MIRRORED.replace("附件：", "说明："), encoding="utf-8")
    gongkai_import(root, "old/page.html", "--column", "qtwj", "--body", "div.side")
    assert front_and_body(root / "content/wj/qsz/2023/qs-2023-0002.md")[1] == "\n相关链接\n"
    code, out, _ = gongkai_import(root, "old/page.html", "--column", "qtwj", "--body", "div.nothing")
    assert code == 1 and "old/page.html：页面中没有与 --body“div.nothing”匹配的元素" in out


def test_links_to_pages_imported_in_an_earlier_run_point_to_their_documents(tmp_path):
    root = make_site(tmp_path, content=False)
    gongkai_import(root, "old/pages/trs", "--column", "qtwj")
    gongkai_import(root, "old/pages/hanweb")
    body = front_and_body(root / HANWEB)[1]
    assert "另见[市政府办公室关于老旧小区改造的通知](../../szfb/2022/11999900mb0000002x-2022-00041.md)" in body


def test_files_outside_the_imported_folders_are_never_copied(tmp_path):
    root = make_site(tmp_path, content=False)
    (root / "secret.txt").write_text("不应发布的本地文件\n", encoding="utf-8")
    page = root / "old/pages/generic/leak.html"
    page.write_text(MIRRORED.replace("/uploadfile/2023/0310/yh.xlsx", "../../../secret.txt")
                    .replace("46公里。", '46公里。<img src="../../../nowhere.png" alt="示意图">'), encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/pages/generic/leak.html", "--column", "qtwj")
    assert code == 0
    assert "附件“养护计划表”在导入的文件夹和 --site-root 以外（../../../secret.txt），未复制，正文中改为纯文字" in out
    assert "图片未找到（../../../nowhere.png），未复制，正文中改为文字" in out
    assert not list((root / "content").rglob("secret.txt"))
    data, body = front_and_body(root / "content/wj/qsz/2023/qs-2023-0002.md")
    assert "附件" not in data and "附件：养护计划表" in body and "46公里。（图片：示意图）" in body


@pytest.mark.parametrize("data, expected", [
    ('<meta charset="gb2312"><p>示例市堃园小区</p>'.encode("gb18030"), "示例市堃园小区"),  # 堃 is GBK, not GB2312
    ("<p>示例市政府文件</p>".encode("gbk"), "示例市政府文件"),  # no declaration at all
    ('<meta charset="utf-8"><p>示例市政府文件</p>'.encode("gbk"), "示例市政府文件"),  # declared wrongly
    ('<meta charset="utf-8"><p>示例市政府文件</p>'.encode("utf-8"), "示例市政府文件"),
])
def test_page_encodings_old_sites_use(data, expected):
    assert expected in decode(data)


def test_text_that_looks_like_markup_stays_text(tmp_path):
    root = make_site(tmp_path, content=False)
    (root / "old/markup.html").write_text("""<html><head><meta charset="utf-8"></head><body><table>
<tr><td>索引号：</td><td>JY-2023-09</td><td>发布机构：</td><td>示例市教育局</td></tr>
<tr><td>标题：</td><td>示例市教育局网页制作培训通知</td><td>发布日期：</td><td>2023-09-01</td></tr></table>
<div id="zoom"><p>培训讲解 &lt;script&gt; 与 &lt;b&gt; 标签，以及 &amp;nbsp; 的写法。</p>
<p><a href="javascript:alert(1)">点击报名</a> <img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4=" alt="流程图"></p>
</div></body></html>""", encoding="utf-8")
    code, out, _ = gongkai_import(root, "old/markup.html", "--column", "tzgg")
    assert code == 0, out
    body = front_and_body(root / "content/wj/jyj/2023/jy-2023-09.md")[1]
    assert body == ("\n培训讲解 &lt;script> 与 &lt;b> 标签，以及 &amp;nbsp; 的写法。\n\n点击报名 （图片：流程图）\n")
    assert "不是 PNG、JPEG、GIF 或 WebP 图片数据，正文中改为文字" in out
