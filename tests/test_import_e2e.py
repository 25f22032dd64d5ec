"""A county's whole path from its old CMS to a live site (issue 19): saved pages of five platforms (TRS, Hanweb/大汉,
开普云, an ``xxgk-info`` div layout, a ``<th>`` table; GBK and UTF-8), a CSV and an XLSX export of the same documents,
imported into a new site → strict build with every plugin → served by nginx with the old → new redirect map → the
pages, an old address (301) and an attachment fetched.

The pages are written here after the structure of real published pages (the metadata box, the body container,
attachment links and head tags as those platforms print them); the site, its organisations and every text are
fictional (临江县).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from kit import gongkai_check, mkdocs_build, run_import
from gongkai import cli, yamlutil
from gongkai.documents import split_front_matter

NGINX = "/usr/sbin/nginx"
AS_OF = "2023-12-01"
OLD = "http://www.linjiang.gov.cn"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# ---- the new site ---------------------------------------------------------------------------------------------

GUIDE = """    指南:
      工作机构名称: 临江县人民政府办公室
      办公地址: 临江县滨江路1号
      办公时间: 工作日上午9:00—12:00，下午14:00—17:30
      邮编: "999300"
      电话: 0999-3000001
      传真: 0999-3000002
      邮箱: gk@linjiang.example.gov.cn
"""
ORGANIZATIONS = f"""发布主体:
  - id: ljx
    名称: 临江县人民政府
    类型: 人民政府
    机构代码: "999300001"
{GUIDE}  - id: jyj
    名称: 临江县教育局
    类型: 政府部门
    上级: ljx
    简称: 县教育局
    # no 机构代码 yet: only its old site's 索引号 prefix is known
    旧索引号前缀: [PZ00108]
{GUIDE}  - id: wjj
    名称: 临江县卫生健康局
    类型: 政府部门
    上级: ljx
    机构代码: "999300003"
{GUIDE}  - id: czj
    名称: 临江县财政局
    类型: 政府部门
    上级: ljx
    机构代码: "999300004"
{GUIDE}  - id: sfj
    名称: 临江县司法局
    类型: 政府部门
    上级: ljx
    机构代码: "999300005"
{GUIDE}"""
SITE = """网站名称: 临江县人民政府门户网站
主办单位: 临江县人民政府办公室
承办单位: 临江县大数据中心
网站标识码: "9993000001"
ICP备案编号: 测ICP备00000301号
公安机关备案号: 测公网安备99930002000301号
联系电话: 0999-3000000
联系邮箱: web@linjiang.example.gov.cn
地址: 临江县滨江路1号
邮编: "999300"
"""


def make_site(tmp_path: Path) -> Path:
    """A new county site made as a county makes it, `gongkai init DIR --name 临江县`; then its organisations (one
    known only by its old 索引号 prefix) and 网站信息 filled in, as the site's README asks first."""
    root = tmp_path / "site-src"
    assert cli.main(["init", str(root), "--name", "临江县", "--level", "县", "--code", "999300001",
                     "--site-url", "https://www.linjiang.example.gov.cn/"]) == 0
    (root / "catalog/organizations.yml").write_text(ORGANIZATIONS, encoding="utf-8")
    (root / "catalog/site.yml").write_text(SITE, encoding="utf-8")
    shutil.rmtree(root / "content/reports", ignore_errors=True)  # init's 年报 drafts name its own 发布主体
    return root


# ---- the old site, as saved pages, a mirror and exports --------------------------------------------------------

TRS_URL = f"{OLD}/zwgk/zfwj/202305/t20230512_4521.html"
HANWEB_URL = f"{OLD}/art/2023/6/1/art_1229_9001.html"
UCAP_URL = f"{OLD}/wjj/gkml/202307/3f1c2b9e.shtml"
XXGK_URL = f"{OLD}/sfj/xxgk/content_7788.html"
TH_URL = f"{OLD}/czj/zfxxgk/info/2023/09/20230905101.html"
NEWS_URL = f"{OLD}/art/2023/10/9/art_1229_9050.html"
ONLY_CSV_URL = f"{OLD}/art/2023/11/2/art_1229_9077.html"

# TRS WCM / 政府信息公开平台: a <table> box of <td><b>label</b></td><td>value</td>, <meta name="Url">, the body in
# div.TRS_Editor, attachments ./P0….pdf listed below it (the files live beside the page on the old server).
TRS = f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<meta name="Url" content="{TRS_URL}">
<title>临江县人民政府办公室关于印发临江县2023年农村人居环境整治工作方案的通知</title>
<script>var _hmt = _hmt || [];</script></head>
<body><div class="top"><a href="../../../index.html">首页</a> &gt; <a href="../">政府文件</a></div>
<table class="xxgk_table" width="100%"><tbody>
<tr><td width="12%"><b>索 引 号：</b></td><td width="38%">999300001/2023-00012</td>
<td width="12%"><b>主题分类：</b></td><td width="38%">无</td></tr>
<tr><td><b>发文机关：</b></td><td>临江县人民政府</td><td><b>成文日期：</b></td><td>2023年05月10日</td></tr>
<tr><td><b>标　　题：</b></td><td colspan="3">临江县人民政府办公室关于印发临江县2023年农村人居环境整治工作方案的通知</td></tr>
<tr><td><b>发文字号：</b></td><td>临政办发〔2023〕8号</td><td><b>发布日期：</b></td><td>2023年05月12日</td></tr>
</tbody></table>
<div class="TRS_Editor"><div class="Custom_UnionStyle">
<p style="text-indent: 2em;">各乡镇人民政府，县政府各部门：</p>
<p style="text-indent: 2em;">《临江县2023年农村人居环境整治工作方案》已经县人民政府同意，现印发给你们，请认真贯彻执行。</p>
<p style="text-align: center;"><img src="./W020230512390.png" alt="整治范围示意图" /></p>
<p style="text-indent: 2em;">全县计划完成农村户厕改造1200户，生活垃圾收运处置体系覆盖全部行政村。</p>
</div></div>
<div class="fj">附件：<a href="./P020230512389.pdf">1.临江县2023年农村人居环境整治任务分解表.pdf</a></div>
<div class="bottom">临江县人民政府办公室 主办</div></body></html>"""

# Hanweb/大汉 JCMS: <meta name="ArticleTitle"/"PubDate"/"ColumnName"/"ContentSource">, the browser's "saved from url"
# comment, a <ul><li><span>label</span>value box with &ensp;-spaced labels, the body in div#zoom, attachments through
# /module/download/downfile.jsp?classid=0&filename=….
HANWEB = f"""<!DOCTYPE html>
<!-- saved from url=(0054){HANWEB_URL} -->
<html><head><meta charset="utf-8">
<meta name="ArticleTitle" content="临江县教育局关于2023年义务教育阶段招生入学工作的通告">
<meta name="PubDate" content="2023-06-01 16:20">
<meta name="ColumnName" content="通知公告">
<meta name="ContentSource" content="临江县教育局">
<title>临江县教育局关于2023年义务教育阶段招生入学工作的通告</title></head>
<body><div class="main"><div class="xxgk-head"><ul>
<li><span>索&ensp;引&ensp;号：</span>PZ00108-3000-2023-00031</li>
<li><span>发布机构：</span>临江县教育局</li>
<li><span>生成日期：</span>2023-05-29</li>
<li><span>文&emsp;&emsp;号：</span>临教〔2023〕11号</li>
<li><span>信息分类：</span>科技、教育</li>
<li><span>时&emsp;&emsp;效：</span>有效</li>
</ul></div>
<table width="100%"><tr><td class="title">临江县教育局关于2023年义务教育阶段招生入学工作的通告</td></tr></table>
<div id="zoom">
<p>　　为做好我县2023年义务教育阶段招生入学工作，现将有关事项通告如下：</p>
<p>　　一、招生对象为具有本县户籍或在本县居住的适龄儿童少年。</p>
<p>　　二、报名时间为6月10日至6月20日，扫码报名：![报名二维码](https://other.example.com/qr.png)</p>
<p>　　另见县政府<a href="{TRS_URL}">农村人居环境整治工作方案</a>。</p>
<p>附件：<a href="/module/download/downfile.jsp?classid=0&amp;filename=2306011620123.pdf">临江县2023年义务教育学校招生计划.pdf</a></p>
<p><a href="/module/download/downfile.jsp?classid=0&amp;filename=2306011620124.docx">入学报名登记表.docx</a></p>
</div></div></body></html>"""

# 开普云 (UCAP): the body in div#UCAP-CONTENT, a box table with 信息分类 / 所属机构 / 生成日期 / 文件编号 / 时效 / 公开方式.
UCAP = f"""<!DOCTYPE html><html><head><meta charset="utf-8">
<link rel="canonical" href="{UCAP_URL}">
<meta name="SiteName" content="临江县人民政府"><meta name="ColumnName" content="其他文件">
<title>临江县卫生健康局关于开展2023年夏季爱国卫生运动的通知</title></head>
<body><div class="pages-title">临江县卫生健康局关于开展2023年夏季爱国卫生运动的通知</div>
<div class="xxgk-box"><table class="table_suoyin">
<tr><td class="t1">索&nbsp;引&nbsp;号：</td><td>999300003/2023-00008</td><td class="t1">信息分类：</td><td>卫生、体育</td></tr>
<tr><td class="t1">所属机构：</td><td>临江县卫生健康局</td><td class="t1">生成日期：</td><td>2023-07-03</td></tr>
<tr><td class="t1">文件编号：</td><td>临卫〔2023〕21号</td><td class="t1">公开方式：</td><td>主动公开</td></tr>
<tr><td class="t1">发布日期：</td><td>2023-07-04</td><td class="t1">时效：</td><td>失效</td></tr>
</table></div>
<div class="pages_content" id="UCAP-CONTENT">
<p>各乡镇卫生院，县直各医疗卫生单位：</p>
<p>为巩固国家卫生县城创建成果，决定于7月至9月开展夏季爱国卫生运动。</p>
<table border="1"><tr><td>阶段</td><td>时间</td></tr><tr><td>动员部署</td><td>7月上旬</td></tr>
<tr><td>集中整治</td><td>7月中旬至8月底</td></tr></table>
</div></body></html>"""

# A div layout (many provincial 集约化 platforms): div.xxgk-info of label/value spans without colons, the body in a
# container no platform list names; one label (责任科室) that no table knows.
XXGK = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=gbk">
<meta name="Url" content="{XXGK_URL}"><title>临江县司法局2023年普法依法治理工作要点</title></head>
<body><div class="crumb">当前位置：首页 &gt; 信息公开</div>
<div class="xxgk-info">
<div class="row"><span class="lab">索引号</span><span class="val">999300005/2023-00004</span></div>
<div class="row"><span class="lab">发布机构</span><span class="val">临江县司法局</span></div>
<div class="row"><span class="lab">标题</span><span class="val">临江县司法局2023年普法依法治理工作要点</span></div>
<div class="row"><span class="lab">主题分类</span><span class="val">公安、安全、司法</span></div>
<div class="row"><span class="lab">成文日期</span><span class="val">2023.03.15</span></div>
<div class="row"><span class="lab">发布日期</span><span class="val">2023.03.20</span></div>
<div class="row"><span class="lab">时效</span><span class="val">现行有效</span></div>
<div class="row"><span class="lab">责任科室：</span><span class="val">普法与依法治理股</span></div>
</div>
<div class="xxgk-article"><p>2023年全县普法依法治理工作的总体要求是深入学习宣传习近平法治思想。</p>
<p>1. 深化“八五”普法规划实施，开展中期评估。</p>
<p>2. 推进“法治乡村”建设，培育农村学法用法示范户。</p></div>
<div class="foot">版权所有：临江县司法局</div></body></html>"""

# A <th> table box (many county sites), <base href>, an attachment in a sub-folder beside the page.
TH = f"""<!DOCTYPE html><html><head><meta charset="utf-8"><base href="{OLD}/czj/zfxxgk/info/2023/09/">
<title>临江县2023年第二批中央财政衔接推进乡村振兴补助资金分配方案</title></head>
<body><table class="detail-table">
<tr><th>索引号</th><td>999300004/2023-00019</td><th>发布机构</th><td>临江县财政局</td></tr>
<tr><th>标题</th><td colspan="3">临江县2023年第二批中央财政衔接推进乡村振兴补助资金分配方案</td></tr>
<tr><th>文件编号</th><td>临财农〔2023〕30号</td><th>发文日期</th><td>20230901</td></tr>
<tr><th>发布日期</th><td>2023-09-05</td><th>所属分类</th><td></td></tr>
</table>
<div class="article-content"><p>根据上级资金下达文件，现将第二批补助资金分配方案公开如下。</p>
<p>资金共计860万元，用于产业发展和基础设施建设。</p>
<p>附件：<a href="fj/zjfp.xlsx">资金分配表</a></p></div></body></html>"""

# A news-style page without any metadata box: only an export row with its address gives it an 索引号.
NEWS = f"""<!-- saved from url=(0052){NEWS_URL} -->
<html><head><meta charset="utf-8"><title>临江县召开2023年秋冬季森林防火工作会议</title></head>
<body><div class="article-content"><p>10月9日，县政府召开秋冬季森林防火工作会议，部署防火期各项工作。</p></div></body></html>"""

HEADER = ["索引号", "标题", "发布机构", "成文日期", "发布日期", "文号", "主题分类", "有效性", "栏目", "链接", "附件"]
ROWS = [
    ["999300001/2023-00012", "临江县人民政府办公室关于印发临江县2023年农村人居环境整治工作方案的通知", "临江县人民政府",
     "2023/5/10", "2023/5/12", "临政办发〔2023〕8号", "城乡建设、环境保护", "有效", "其他文件", TRS_URL, ""],
    ["PZ00108-3000-2023-00031", "临江县教育局关于2023年义务教育阶段招生入学工作的通告", "临江县教育局", "2023/5/29",
     "2023/6/1", "临教〔2023〕11号", "", "", "通知公告", HANWEB_URL, ""],
    ["999300003/2023-00008", "临江县卫生健康局关于开展2023年夏季爱国卫生运动的通知", "临江县卫生健康局", "2023/7/3",
     "2023/7/4", "临卫〔2023〕21号", "卫生、体育", "失效", "其他文件", UCAP_URL, ""],
    ["999300005/2023-00004", "临江县司法局2023年普法依法治理工作要点", "临江县司法局", "2023/3/15", "2023/3/20", "",
     "", "有效", "", XXGK_URL, ""],
    ["999300004/2023-00019", "临江县2023年第二批中央财政衔接推进乡村振兴补助资金分配方案", "临江县财政局", "2023/9/1",
     "2023/9/5", "临财农〔2023〕30号", "财政、金融、审计", "有效", "其他文件", TH_URL, "附件/zjfp-sm.pdf"],
    ["999300001/2023-00027", "临江县召开2023年秋冬季森林防火工作会议", "临江县人民政府", "2023/10/9", "2023/10/9", "",
     "农业、林业、水利", "有效", "其他文件", NEWS_URL, ""],
    ["999300001/2023-00031", "临江县人民政府关于公布2023年第四季度重大行政决策事项目录的通知", "临江县人民政府",
     "2023/11/1", "2023/11/2", "临政发〔2023〕19号", "", "有效", "其他文件", ONLY_CSV_URL, ""],
]
EXPORT_ONLY = "content/wj/ljx/2023/999300001-2023-00031.md"
DOCS = {  # target file → (old address, the fields every import order must give)
    "content/wj/ljx/2023/999300001-2023-00012.md": (TRS_URL, {
        "发布机构": "ljx", "栏目": ["qtwj"], "文号": "临政办发〔2023〕8号", "主题分类": "城乡建设、环境保护",
        "成文日期": dt.date(2023, 5, 10), "发布日期": dt.date(2023, 5, 12)}),
    "content/wj/jyj/2023/pz00108-3000-2023-00031.md": (HANWEB_URL, {
        "发布机构": "jyj", "栏目": ["tzgg"], "文号": "临教〔2023〕11号", "主题分类": "科技、教育", "有效性": "有效",
        "成文日期": dt.date(2023, 5, 29), "发布日期": dt.date(2023, 6, 1)}),
    "content/wj/wjj/2023/999300003-2023-00008.md": (UCAP_URL, {
        "发布机构": "wjj", "栏目": ["qtwj"], "文号": "临卫〔2023〕21号", "主题分类": "卫生、体育", "有效性": "失效",
        "成文日期": dt.date(2023, 7, 3), "发布日期": dt.date(2023, 7, 4)}),
    "content/wj/sfj/2023/999300005-2023-00004.md": (XXGK_URL, {
        "发布机构": "sfj", "栏目": ["qtwj"], "主题分类": "公安、安全、司法", "有效性": "有效",
        "成文日期": dt.date(2023, 3, 15), "发布日期": dt.date(2023, 3, 20)}),
    "content/wj/czj/2023/999300004-2023-00019.md": (TH_URL, {
        "发布机构": "czj", "栏目": ["qtwj"], "文号": "临财农〔2023〕30号", "主题分类": "财政、金融、审计",
        "成文日期": dt.date(2023, 9, 1), "发布日期": dt.date(2023, 9, 5)}),
    "content/wj/ljx/2023/999300001-2023-00027.md": (NEWS_URL, {
        "发布机构": "ljx", "栏目": ["qtwj"], "主题分类": "农业、林业、水利"}),
    EXPORT_ONLY: (ONLY_CSV_URL, {"发布机构": "ljx", "栏目": ["qtwj"], "主题分类": "无", "文号": "临政发〔2023〕19号"}),
}


def write_old_site(root: Path) -> None:
    """old/pages (saved pages), old/mirror (wget copy of the old server's files), old/export.csv and .xlsx."""
    pages, mirror = root / "old/pages", root / "old/mirror"
    for rel, text, encoding in (("trs/t20230512_4521.html", TRS, "gbk"), ("hanweb/art_1229_9001.html", HANWEB, "utf-8"),
                                ("ucap/3f1c2b9e.shtml", UCAP, "utf-8"), ("xxgk/content_7788.html", XXGK, "gbk"),
                                ("th/20230905101.html", TH, "utf-8"), ("news/art_1229_9050.html", NEWS, "utf-8")):
        (pages / rel).parent.mkdir(parents=True, exist_ok=True)
        (pages / rel).write_bytes(text.encode(encoding))
    files = {
        "zwgk/zfwj/202305/P020230512389.pdf": PDF,  # found only through the page's <meta name="Url">
        "zwgk/zfwj/202305/W020230512390.png": b"\x89PNG\r\n\x1a\n" + b"\0" * 32,
        "module/download/downfile.jsp?classid=0&filename=2306011620123.pdf": PDF + b"%jh\n",  # as wget saves it
    }
    for rel, data in files.items():
        (mirror / rel).parent.mkdir(parents=True, exist_ok=True)
        (mirror / rel).write_bytes(data)
    (pages / "th/fj").mkdir()
    openpyxl.Workbook().save(pages / "th/fj/zjfp.xlsx")
    (root / "old/附件").mkdir()
    (root / "old/附件/zjfp-sm.pdf").write_bytes(PDF + b"%sm\n")
    with open(root / "old/export.csv", "w", encoding="gbk", newline="") as f:
        csv.writer(f).writerows([HEADER, *ROWS])
    book = openpyxl.Workbook()
    for row in [HEADER, *ROWS]:
        book.active.append(row)
    book.save(root / "old/export.xlsx")


def gongkai_import(root: Path, *args: str) -> tuple[int, str]:
    code, out, err = run_import(root, *args)
    assert err == "", err
    return code, out


PAGES = ("old/pages", "--column", "qtwj", "--site-root", "old/mirror")


def documents(root: Path) -> dict[str, tuple[dict, str]]:
    found = {}
    for path in sorted((root / "content/wj").rglob("*.md")):
        raw, body, _ = split_front_matter(path.read_text(encoding="utf-8"))
        data = dict(yamlutil.load(raw, str(path)))
        data["附件"] = sorted((a["名称"], a["文件"]) for a in data.get("附件", []))  # the order sources came in
        found[path.relative_to(root).as_posix()] = (data, body)
    return found


@pytest.fixture(scope="module")
def county(tmp_path_factory):
    """Pages first, then the CSV, then the XLSX (nothing new: unchanged), as a county would do it."""
    root = make_site(tmp_path_factory.mktemp("county"))
    write_old_site(root)
    # the news page has no box: it goes with the export row naming its address (same import, or a later one)
    runs = [gongkai_import(root, *PAGES), gongkai_import(root, "old/export.csv", "old/pages/news", "--site-root", "old/mirror"),
            gongkai_import(root, "old/export.xlsx", "--site-root", "old/mirror")]
    return root, runs


def test_every_shape_imports_and_the_exports_fill_without_erasing(county):
    root, (pages, export, xlsx) = county
    code, out = pages
    # the news page has no box: skipped on its own, imported with the export row that names its address
    assert out.splitlines()[0] == "导入 6 个来源：新增 5，更新 0，未变化 0，跳过 1", out
    code, out = export
    assert out.splitlines()[0] == "导入 8 个来源：新增 2，更新 2，未变化 3，合并 1，跳过 0", out
    code, out = xlsx
    assert out.splitlines()[0] == "导入 7 个来源：新增 0，更新 0，未变化 7，跳过 0", out
    docs = documents(root)
    assert set(docs) == set(DOCS)
    for target, (url, fields) in DOCS.items():
        data, body = docs[target]
        assert data["原网址"] == url and data["来源"] == "导入", target
        assert {k: data.get(k) for k in fields} == fields, target
        assert body.strip(), target


def test_attachments_found_through_the_pages_own_address_and_the_mirror(county):
    root, _ = county
    docs = documents(root)
    trs = docs["content/wj/ljx/2023/999300001-2023-00012.md"]
    assert trs[0]["附件"] == [("1.临江县2023年农村人居环境整治任务分解表.pdf",
                               "附件/999300001-2023-00012/P020230512389.pdf")]
    assert "![整治范围示意图](附件/999300001-2023-00012/W020230512390.png)" in trs[1]
    assert (root / "content/wj/ljx/2023/附件/999300001-2023-00012/P020230512389.pdf").read_bytes() == PDF
    hanweb = docs["content/wj/jyj/2023/pz00108-3000-2023-00031.md"]
    assert hanweb[0]["附件"] == [("临江县2023年义务教育学校招生计划.pdf", "附件/pz00108-3000-2023-00031/2306011620123.pdf")]
    th = docs["content/wj/czj/2023/999300004-2023-00019.md"]
    assert th[0]["附件"] == [("zjfp-sm", "附件/999300004-2023-00019/zjfp-sm.pdf"),  # the export's, added
                             ("资金分配表", "附件/999300004-2023-00019/zjfp.xlsx")]


def test_what_stays_on_the_old_site_is_listed_with_its_address(county):
    root, ((_, out), _, _) = county
    assert ("附件“入学报名登记表.docx”在旧网站的下载程序中（http://www.linjiang.gov.cn/module/download/downfile.jsp?"
            "classid=0&filename=2306011620124.docx），未找到文件，未复制，正文保留原网址链接") in out
    body = documents(root)["content/wj/jyj/2023/pz00108-3000-2023-00031.md"][1]
    assert "[入学报名登记表.docx](http://www.linjiang.gov.cn/module/download/downfile.jsp?classid=0&filename=" \
           "2306011620124.docx)" in body
    # literal Markdown on the old page stays text; a link to another imported page's old address points to it
    assert r"![报名二维码\](https://other.example.com/qr.png)" in body
    assert "[农村人居环境整治工作方案](../../ljx/2023/999300001-2023-00012.md)" in body
    report = (root / "import-report.csv").read_text(encoding="utf-8-sig")
    assert "downfile.jsp?classid=0&filename=2306011620124.docx" not in report  # the last run's report: the XLSX


def test_unknown_labels_are_named_and_blank_topics_are_a_value(county):
    root, ((_, out), (_, export), _) = county
    assert "页面上有不认得的标签：责任科室，其内容未导入（在对照表“标签”中写明对应哪一项）" in out
    assert "索引号" not in out.split("不认得的标签")[1].split("\n")[0]  # known labels are never listed
    data, body = documents(root)[EXPORT_ONLY]
    assert data["主题分类"] == "无" and "原页面未标注主题分类，记为“无”" in export
    assert body.strip() == f"本文件导入时没有正文。原文见[旧网站上的页面]({ONLY_CSV_URL})。"
    assert "没有正文：只导入了元数据，正文为指向原网址的链接" in export


@pytest.mark.parametrize("order", ["export-first", "together"])
def test_import_order_does_not_change_the_documents(county, tmp_path, order):
    """Pages then export (the module fixture) = export then pages = both in one run: no field, body or
    attachment lost in any order (附件 compared as sets: each import lists its own first)."""
    root = make_site(tmp_path)
    write_old_site(root)
    if order == "export-first":
        gongkai_import(root, "old/export.csv", "--site-root", "old/mirror")
        gongkai_import(root, *PAGES)
    else:
        gongkai_import(root, *PAGES[:1], "old/export.csv", *PAGES[1:])
    assert documents(root) == documents(county[0])


def test_a_second_source_never_moves_a_document_out_of_its_column(county, tmp_path):
    root = make_site(tmp_path)
    write_old_site(root)
    gongkai_import(root, *PAGES)
    target = "content/wj/wjj/2023/999300003-2023-00008.md"
    before = (root / target).read_text(encoding="utf-8")
    moved = root / "old/moved.csv"
    moved.write_text("索引号,标题,发布机构,发布日期,主题分类,栏目\n999300003/2023-00008,"
                     "临江县卫生健康局关于开展2023年夏季爱国卫生运动的通知,临江县卫生健康局,2023-07-04,卫生、体育,通知公告\n",
                     encoding="utf-8")
    code, out = gongkai_import(root, "old/moved.csv", "--column", "tzgg")
    assert "栏目：文件已在栏目 qtwj，来源为 tzgg：不移动（要放到其他栏目，请直接编辑文件）" in out
    assert (root / target).read_text(encoding="utf-8") == before


def test_hand_written_and_other_publishers_documents_are_never_replaced(county, tmp_path):
    root = make_site(tmp_path)
    write_old_site(root)
    mine = root / "content/wj/ljx/2023/my.md"
    mine.parent.mkdir(parents=True)
    mine.write_text("---\ntitle: 编辑撰写的文件\n栏目: [qtwj]\n发布机构: ljx\n成文日期: 2023-05-10\n发布日期: 2023-05-12\n"
                    "索引号: 999300001/2023-00012\n主题分类: 综合政务\n---\n\n编辑写的正文。\n", encoding="utf-8")
    other = root / "content/wj/sfj/2023/x.md"
    other.parent.mkdir(parents=True)
    other.write_text("---\ntitle: 另一个发布主体的导入文件\n栏目: [qtwj]\n发布机构: sfj\n成文日期: 2023-07-03\n"
                     "发布日期: 2023-07-04\n索引号: 999300003/2023-00008\n主题分类: 其他\n来源: 导入\n---\n\n正文。\n",
                     encoding="utf-8")
    saved = {p: p.read_text(encoding="utf-8") for p in (mine, other)}
    code, out = gongkai_import(root, *PAGES)
    assert code == 1
    assert "冲突：索引号与编辑撰写的 content/wj/ljx/2023/my.md 相同（该文件没有“来源: 导入”）：不覆盖" in out
    assert "冲突：索引号与 content/wj/sfj/2023/x.md 相同，但该文件属于发布主体 sfj，本来源为 wjj：不覆盖其他发布主体的文件" in out
    assert {p: p.read_text(encoding="utf-8") for p in saved} == saved


# ---- build, serve, fetch ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(county):
    root, _ = county
    result = mkdocs_build(root / "mkdocs.yml", root / "site", env={"GONGKAI_AS_OF": AS_OF})
    return root, result


@pytest.mark.build
def test_the_imported_site_builds_strictly_with_every_plugin(built):
    root, result = built
    assert result.returncode == 0, result.stderr
    redirects = json.loads((root / "site/gongkai/redirects.json").read_text(encoding="utf-8"))
    assert {r["原网址"]: r["网址"] for r in redirects}[TRS_URL] == "/wj/ljx/2023/999300001-2023-00012/"
    assert len(redirects) == len(DOCS)
    topics = json.loads((root / "site/data/documents.json").read_text(encoding="utf-8"))
    assert "无" in json.dumps(topics, ensure_ascii=False)  # 主题分类 无 is data, not a crash
    assert '<option value="无">无</option>' in (root / "site/search/index.html").read_text(encoding="utf-8")
    feed = (root / "site/dingyue/jigou-ljx.xml").read_text(encoding="utf-8")
    assert "第四季度重大行政决策" in feed and 'term="无"' not in feed  # in its 发布主体's feed, no category
    check = gongkai_check(root, env={"GONGKAI_AS_OF": AS_OF})
    assert check.returncode == 0 and "Traceback" not in check.stderr + check.stdout, check.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str):
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.fixture(scope="module")
def served(built, tmp_path_factory):
    """The built site behind Debian's nginx, with the map include and the one `if` docs/deploy/README.md gives."""
    root, result = built
    assert result.returncode == 0, result.stderr
    assert Path(NGINX).is_file(), "Debian 的 nginx 未安装：运行 make test（会用 apt-get 安装 nginx）"
    tmp = tmp_path_factory.mktemp("nginx")
    port = free_port()
    temp = " ".join(f"{k}_temp_path {tmp / k};" for k in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"))
    (tmp / "nginx.conf").write_text(
        ("user root;\n" if os.geteuid() == 0 else "") +
        f"pid {tmp / 'nginx.pid'};\nerror_log stderr;\nevents {{}}\nhttp {{\n include /etc/nginx/mime.types;\n"
        f" access_log off;\n {temp}\n include {root / 'site/gongkai/redirects.nginx'};\n"
        f" server {{\n  listen 127.0.0.1:{port};\n  root {root / 'site'};\n  index index.html;\n  charset utf-8;\n"
        f"  if ($gongkai_redirect) {{ return 301 $gongkai_redirect; }}\n"
        f"  location / {{ try_files $uri $uri/ =404; }}\n }}\n}}\n", encoding="utf-8")
    check = subprocess.run([NGINX, "-t", "-p", str(tmp), "-c", str(tmp / "nginx.conf")], capture_output=True, text=True)
    assert check.returncode == 0, check.stderr
    process = subprocess.Popen([NGINX, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.1)
    yield f"http://127.0.0.1:{port}", root
    process.terminate()
    process.wait(timeout=10)


@pytest.mark.build
def test_served_pages_old_addresses_and_attachments(served):
    base, root = served
    status, _, body = fetch(base + "/wj/jyj/2023/pz00108-3000-2023-00031/")
    page = body.decode("utf-8")
    assert status == 200 and "临江县教育局关于2023年义务教育阶段招生入学工作的通告" in page
    assert "PZ00108-3000-2023-00031" in page
    # the old page's literal Markdown is shown as text, never loaded as an image from another host
    assert "![报名二维码](https://other.example.com/qr.png)" in page and 'src="https://other.example.com' not in page
    status, _, body = fetch(base + "/wj/ljx/2023/999300001-2023-00031/")
    assert status == 200 and "本文件导入时没有正文" in body.decode("utf-8")
    # an old address answers 301 with the new page; the query of a download program is part of the key
    status, headers, _ = fetch(base + "/zwgk/zfwj/202305/t20230512_4521.html")
    assert status == 301 and headers["Location"].endswith("/wj/ljx/2023/999300001-2023-00012/")
    status, headers, _ = fetch(base + "/art/2023/6/1/art_1229_9001.html")
    assert status == 301 and headers["Location"].endswith("/wj/jyj/2023/pz00108-3000-2023-00031/")
    status, _, _ = fetch(base + "/zwgk/zfwj/202305/t20230512_9999.html")
    assert status == 404
    status, _, body = fetch(base + "/wj/ljx/2023/%E9%99%84%E4%BB%B6/999300001-2023-00012/P020230512389.pdf")
    assert status == 200 and body == PDF
