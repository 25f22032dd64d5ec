"""`gongkai init`: a county's new site is complete, builds strictly at once with every plugin, lists every placeholder
as a 上线前待办 item, and fails on those items once it says it is live."""

from __future__ import annotations

import filecmp
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from kit import DEMO_CLOCK, ROOT, build, gongkai_check, write_doc
from gongkai.catalog import GUIDE_FIELDS, load_catalog
from gongkai.checks.links import Link, LinkReport, link_findings, scan_site
from gongkai.model import PLACEHOLDER
from gongkai.commands import init as init_command
from gongkai.sitekit import init

ALL_PLUGINS = {"gongkai/catalog", "gongkai/interaction", "gongkai/reports", "gongkai/checks", "gongkai/search",
               "gongkai/feeds", "gongkai/sitereport", "gongkai/accessibility"}
CODE = "113300000020000001"  # an 18-character 统一社会信用代码 shape (fictional)


@pytest.fixture(autouse=True)
def clock(monkeypatch):
    monkeypatch.setenv("GONGKAI_AS_OF", DEMO_CLOCK["GONGKAI_AS_OF"])


def make(tmp_path: Path, *args: str) -> Path:
    root = tmp_path / "linjiang"
    assert init_command.main([str(root), "--name", "临江县", *args]) == 0
    return root


def plugin_names(root: Path) -> dict[str, dict]:
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    out = {}
    for entry in config["plugins"]:
        name, options = (next(iter(entry.items())) if isinstance(entry, dict) else (entry, None))
        out[name] = options or {}
    return out


def set_live(root: Path, live: bool) -> None:
    path = root / "mkdocs.yml"
    text = path.read_text(encoding="utf-8")
    new = re.sub(r"live: (true|false)", f"live: {'true' if live else 'false'}", text)
    assert new != text or f"live: {'true' if live else 'false'}" in text
    path.write_text(new, encoding="utf-8")


# ---- the files ----------------------------------------------------------------------------------------------------


def test_init_writes_a_complete_site_repository(tmp_path):
    root = make(tmp_path, "--org", "jyj=临江县教育局", "--org", "qsz=临江县青山镇人民政府")
    config = yaml.safe_load((root / "mkdocs.yml").read_text(encoding="utf-8"))
    assert set(plugin_names(root)) == ALL_PLUGINS
    assert plugin_names(root)["gongkai/checks"] == {"live": False}
    assert config["theme"]["font"] is False and config["docs_dir"] == "content"
    assert config["site_name"] == "临江县人民政府门户网站"
    nav = json.dumps(config["nav"], ensure_ascii=False)
    # the 编辑手册 is served for editors but kept out of the public navigation (and out of search and sitemap)
    assert "bangzhu" not in nav and (root / "content" / "bangzhu" / "qianyi.md").is_file()
    catalog = load_catalog(root / "catalog")  # loads without a problem, placeholders and all
    assert {o.id: (o.name, o.kind) for o in catalog.organizations.values()} == {
        "xzf": ("临江县人民政府", "人民政府"), "xzfb": ("临江县人民政府办公室", "政府部门"),
        "jyj": ("临江县教育局", "政府部门"), "qsz": ("临江县青山镇人民政府", "乡镇（街道）")}
    names = {c.name for c in catalog.walk()}
    for column in ("政府信息公开指南", "机构职能", "政策文件", "行政规范性文件", "政策解读", "重点领域信息公开", "意见征集",
                   "政府信息公开年报", "依申请公开", "财政信息", "乡村振兴"):
        assert column in names
    assert "规章" not in names  # a county government has no 规章制定权
    kinds = {c.kind for c in catalog.walk()}
    assert {"指南", "政策解读", "意见征集", "年报", "依申请公开"} <= kinds
    # CI, nginx and requirements from the package's deploy folder, whatever it holds.
    deploy = ROOT / "gongkai" / "deploy"
    for source in deploy.iterdir():
        target = init.CI_FILES.get(source.name, f"deploy/{source.name}")
        assert (root / target).read_bytes() == source.read_bytes(), target
    assert (root / ".gitlab-ci.yml").is_file() and (root / ".github/workflows/site.yml").is_file()
    assert "gongkai" in (root / "requirements.txt").read_text(encoding="utf-8")
    ignored = (root / ".gitignore").read_text(encoding="utf-8").split()
    assert "site/" in ignored and ".cache/" in ignored
    readme = (root / "README.md").read_text(encoding="utf-8")
    assert "待填写" in readme and "live: true" in readme and "catalog/site.yml" in readme
    # Blank data: a 草稿 年报 per 发布主体 (read, never published), the 报表 template outside docs_dir.
    for org in catalog.organizations:
        assert "草稿: true" in (root / "content" / "reports" / org / "2025.yml").read_text(encoding="utf-8")
    assert (root / "模板" / "网站工作年度报表.yml").is_file() and not (root / "content" / "wzbb").exists()


def test_township_columns_are_commented_out_without_a_township(tmp_path):
    root = make(tmp_path)
    catalog = load_catalog(root / "catalog")
    assert "xczx" not in catalog.columns and "nctd" not in catalog.columns
    assert "#           - id: xczx" in (root / "catalog" / "columns.yml").read_text(encoding="utf-8")


def test_the_template_manual_is_the_demo_manual():
    """The 编辑手册 init copies is content/bangzhu/ exactly (fix: cp -r content/bangzhu gongkai/sitekit/template/content/)."""
    template = ROOT / "gongkai" / "sitekit" / "template" / "content" / "bangzhu"
    cmp = filecmp.dircmp(ROOT / "content" / "bangzhu", template)
    fix = "run: rm -r gongkai/sitekit/template/content/bangzhu && cp -r content/bangzhu gongkai/sitekit/template/content/"
    assert not cmp.left_only and not cmp.right_only and not cmp.diff_files, fix
    assert not any(cmp.subdirs[d].diff_files or cmp.subdirs[d].left_only or cmp.subdirs[d].right_only
                   for d in cmp.subdirs), fix


def test_init_refuses_a_folder_that_is_not_empty(tmp_path, capsys):
    root = tmp_path / "site"
    root.mkdir()
    (root / "notes.txt").write_text("mine", encoding="utf-8")
    assert init_command.main([str(root), "--name", "临江县"]) == 2
    assert "不是空的" in capsys.readouterr().err
    assert sorted(p.name for p in root.iterdir()) == ["notes.txt"]
    assert init_command.main([str(root), "--name", "临江县", "--force"]) == 0
    assert (root / "notes.txt").read_text(encoding="utf-8") == "mine" and (root / "mkdocs.yml").is_file()


@pytest.mark.parametrize("args, name, gov", [
    (["--name", "东湖区"], "东湖区人民政府门户网站", ("qzf", "东湖区人民政府", "区政府")),
    (["--name", "青山", "--level", "县级市"], "青山市人民政府门户网站", ("szf", "青山市人民政府", "市政府")),
    (["--name", "临江自治县"], "临江自治县人民政府门户网站", ("xzf", "临江自治县人民政府", "县政府")),
])
def test_the_level_names_the_site_and_its_government(tmp_path, args, name, gov):
    root = tmp_path / "s"
    assert init_command.main([str(root), *args]) == 0
    catalog = load_catalog(root / "catalog")
    assert catalog.site.name == name
    first = next(iter(catalog.organizations.values()))
    assert (first.id, first.name, first.short_name) == gov


@pytest.mark.parametrize("args, message", [
    (["--name", "临江"], "行政级别"),
    (["--name", "临江县", "--code", "12345"], "机构代码"),
    (["--name", "临江县", "--org", "教育局"], "id=名称"),
    (["--name", "临江县", "--org", "xzf=临江县人民政府"], "重复"),
])
def test_init_says_what_is_wrong(tmp_path, capsys, args, message):
    assert init_command.main([str(tmp_path / "s"), *args]) == 2
    assert message in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


def test_a_broken_link_in_a_generated_page_does_not_talk_about_attachments():
    report = LinkReport(broken=[(Link("dingyue/index.html", "quanzhan.xml", 5), "目标不存在"),
                                (Link("wj/a/index.html", "附件/表.pdf", 3), "目标不存在")])
    generated, editor = link_findings(report, {"wj/a/index.html": ("content/wj/a.md", None)})
    assert "附件" not in generated.fix and "gongkai" in generated.fix
    assert "附件" in editor.fix


# ---- builds -------------------------------------------------------------------------------------------------------


def todo_findings(root: Path, *args: str) -> tuple[int, dict]:
    report = root.parent / "check.json"
    result = gongkai_check(root, "--json", str(report), *args, env=DEMO_CLOCK)
    return result.returncode, json.loads(report.read_text(encoding="utf-8"))


def placeholders(root: Path) -> list[str]:
    """Every 待填写 init wrote, as the field the checks name it by."""
    site = yaml.safe_load((root / "catalog" / "site.yml").read_text(encoding="utf-8"))
    orgs = yaml.safe_load((root / "catalog" / "organizations.yml").read_text(encoding="utf-8"))["发布主体"]
    fields = [f"网站信息 · {k}" for k, v in site.items() if v == PLACEHOLDER]
    for org in orgs:
        fields += [f"发布主体 {org['id']} · {k}" for k, v in org.items() if v == PLACEHOLDER]
        if any(org["指南"][f.key] == PLACEHOLDER for f in GUIDE_FIELDS):
            fields.append(f"发布主体 {org['id']} · 指南")
    fields.append("site_url")
    fields.append("无障碍声明 · 人工核验")  # the starter shengming.yml records no check, and no results.json is shipped
    if "git.example.gov.cn" in (root / "requirements.txt").read_text(encoding="utf-8"):
        fields.append("requirements.txt")  # the shipped Git address CI would install gongkai from
    return fields


@pytest.mark.build
def test_a_new_site_builds_strictly_at_once_with_every_plugin(tmp_path):
    root = make(tmp_path)
    result = build(root, env=DEMO_CLOCK)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    assert "上线前待办" in result.stderr
    # Every feed the pages link is written, though the site has no document yet; the 编辑手册 is served.
    for path in ("dingyue/quanzhan.xml", "dingyue/jigou-xzf.xml", "dingyue/lanmu-gfxwj.xml", "dingyue/index.html",
                 "bangzhu/qianyi/index.html", "xxgk/index.html", "index.html"):
        assert (site / path).is_file(), path
    # No page links to a file or page that is not written (the build's own link check, and a scan of the output).
    report = scan_site(site)
    assert report.pages > 50 and not report.broken, report.broken[:5]
    assert "https://daitianxie.invalid/dingyue/quanzhan.xml" in (site / "dingyue" / "sitemap.xml").read_text()
    # The 无障碍声明 is built, says plainly that nothing is measured yet (the demo's results are not the county's),
    # and gives the contact of site.yml; every footer links it.
    assert not (root / "content" / "wzasm" / "results.json").exists()
    statement = (site / "wzasm" / "index.html").read_text(encoding="utf-8")
    assert "本网站尚未记录任何无障碍测量或人工核验结果" in statement and "<table" not in statement
    phone = yaml.safe_load((root / "catalog" / "site.yml").read_text(encoding="utf-8"))["联系电话"]
    assert f"电话 {phone}" in statement
    assert 'href="wzasm/"' in (site / "index.html").read_text(encoding="utf-8")


@pytest.mark.build
def test_the_todo_list_names_every_placeholder_and_blocks_once_live(tmp_path):
    root = make(tmp_path, "--org", "jyj=临江县教育局")
    code, data = todo_findings(root, "--todo", str(tmp_path / "待办.md"))
    assert code == 0 and data["summary"]["error"] == 0
    todo = [f for f in data["findings"] if f.get("todo")]
    assert data["todo"] == len(todo) and all(f["severity"] == "info" for f in todo)
    named = {f.get("field") for f in todo if f["check"] == "golive"}
    expected = placeholders(root)
    assert len(expected) >= 15 and set(expected) == named
    blank = [f for f in todo if f["check"] == "blank"]
    assert len(blank) > 20
    checklist = (tmp_path / "待办.md").read_text(encoding="utf-8")
    assert checklist.count("- [ ]") == len(todo) and "网站标识码" in checklist and "live: false" in checklist
    for f in todo + data["findings"]:
        assert "docs/" not in (f.get("fix") or "") + f["message"], f

    set_live(root, True)
    code, live = todo_findings(root)
    assert code == 1
    graded = {(f["check"], f.get("field"), f["message"]): f["severity"] for f in live["findings"]}
    for f in todo:  # every to-do item is an error once live; the CI install address only a warning
        key = (f["check"], f.get("field"), f["message"])
        assert graded.get(key) == ("warning" if f.get("field") == "requirements.txt" else "error"), key
    result = build(root, env=DEMO_CLOCK)
    assert result.returncode != 0
    for field in expected:
        assert field in result.stderr, field
    assert "空白栏目" in result.stderr


@pytest.mark.build
def test_a_site_with_one_document_per_top_column_builds_strictly(tmp_path):
    root = make(tmp_path, "--code", CODE)
    catalog = load_catalog(root / "catalog")
    gov = catalog.organizations["xzf"]
    number = iter(range(1, 100))

    def doc(name: str, column: str, extra: str = "", doc_number: str = "") -> str:
        index = f"{CODE}/2026-{next(number):05d}"
        write_doc(root, f"xzf/2026/{name}.md", f"""title: 临江县人民政府关于{name}的通知
栏目: [{column}]
发布机构: xzf
成文日期: 2026-11-20
发布日期: 2026-11-20
索引号: {index}
主题分类: 综合政务
{doc_number}{extra}""")
        return index

    written = []
    for top in catalog.roots:
        if top.kind in ("指南", "依申请公开", "年报"):
            continue
        if top.kind == "政策解读":
            doc("jd", top.id, f"原文: {original}\n解读形式: 文字\n")
        elif top.kind == "意见征集":
            doc("zj", top.id, "征集开始: 2026-11-20\n征集截止: 2026-12-21\n征集单位: 临江县人民政府办公室\n"
                              "征集类型: 其他\n反馈方式:\n  邮箱: zwgk@linjiang.invalid\n")
        elif top.id == "fdzdgknr":
            original = doc("gf", "gfxwj", "文件类型: 行政规范性文件\n", "文号: 临政发〔2026〕1号\n")
        else:
            leaf = next(c for c in top.walk() if not c.children and c.applies(gov) and c.kind == "文件列表")
            doc(top.id, leaf.id)
        written.append(top.id)
    assert {"zd", "fdzdgknr", "zdly", "zcjd", "yjzj"} <= set(written)
    result = build(root, env=DEMO_CLOCK)
    assert result.returncode == 0, result.stdout + result.stderr
    site = root / "site"
    assert "发布 5 件政府信息" in result.stderr
    assert not scan_site(site).broken
    feed = (site / "dingyue" / "quanzhan.xml").read_text(encoding="utf-8")
    assert feed.count("<entry>") == 5


@pytest.mark.build
def test_a_placeholder_code_stops_numbering_with_a_reason(tmp_path):
    root = make(tmp_path)
    new = subprocess.run([sys.executable, "-m", "gongkai.cli", "new", "xzf", "gfxwj", "关于测试的通知",
                          "--daizi", "临政规"], cwd=root,
                         capture_output=True, text=True, env={**os.environ, **DEMO_CLOCK})
    assert new.returncode != 0 and "机构代码还没有填写" in new.stderr, new.stderr
    assert not (root / "content" / "wj").exists()
    write_doc(root, "xzf/2026/a.md", """title: 临江县人民政府关于测试的通知
栏目: [gfxwj]
发布机构: xzf
成文日期: 2026-11-20
发布日期: 2026-11-20
索引号: 待填写/2026-00001
文号: 临政规〔2026〕1号
主题分类: 综合政务""")
    result = build(root, env=DEMO_CLOCK)
    assert result.returncode != 0 and "临江县人民政府的机构代码还没有填写，不能为其文件编索引号" in result.stderr
