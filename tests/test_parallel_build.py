"""Builds with one process and with two (gongkai/parallel.py) publish the same bytes, or refuse with the same
findings in the same order, and an error in a worker names the file or page it was reading."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from gongkai.plugins.checks.plugin import PIPELINE_START
from kit import DEMO_CLOCK, ROOT, build, copy_mini, mkdocs_build, write_doc

pytestmark = pytest.mark.build

ID = "110105199003071239"  # a valid 身份证号 (province, birth date, check character)
FIXED = {**DEMO_CLOCK, "SOURCE_DATE_EPOCH": "1764460800"}  # sitemap dates too


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _same_bytes(a: Path, b: Path) -> None:
    one, two = _files(a), _files(b)
    assert sorted(one) == sorted(two)
    assert [rel for rel in one if one[rel] != two[rel]] == []


def _build(root: Path, workers: int, site: str, *, cache: bool = False):
    report = root / f"{site}.json"
    result = mkdocs_build(root / "mkdocs.yml", root / site, strict=True,
                          env={**FIXED, "GONGKAI_WORKERS": str(workers), "GONGKAI_CACHE": "1" if cache else "0",
                               "GONGKAI_CHECK_JSON": str(report)})
    findings = json.loads(report.read_text(encoding="utf-8"))["findings"] if report.exists() else None
    return result, findings


def test_the_demo_is_the_same_with_one_process_and_with_two(tmp_path):
    pages = sum(1 for _ in (ROOT / "content").rglob("*.md"))
    assert pages > PIPELINE_START  # so that the page pipelines really fork a worker
    results = {}
    for workers in (1, 2):
        report = tmp_path / f"w{workers}.json"
        result = mkdocs_build(ROOT / "mkdocs.yml", tmp_path / f"w{workers}", env={
            **FIXED, "GONGKAI_WORKERS": str(workers), "GONGKAI_CACHE": "0", "GONGKAI_CHECK_JSON": str(report)})
        assert result.returncode == 0, result.stderr[-3000:]
        results[workers] = json.loads(report.read_text(encoding="utf-8"))["findings"]
    _same_bytes(tmp_path / "w1", tmp_path / "w2")
    assert results[1] == results[2] and results[1]  # the same findings (提示 on the demo) in the same order


def _site(tmp_path: Path, *, pii: bool) -> Path:
    """The mini site with 260 documents (more than the thresholds at which scans and page reads are spread over
    processes), each with an attachment; with ``pii``, numbers planted in attachments, in sources and in what
    only the rendered page shows whole, and broken links."""
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8")
                      + "  - gongkai/checks:\n      checks: [pii, links]\n  - gongkai/search\n", encoding="utf-8")
    for i in range(260):
        front = (f"title: 测试市教育局关于第{i}批校园安全检查的通知\n栏目: [gfxwj]\n发布机构: jyj\n成文日期: 2025-06-02\n"
                 f"发布日期: 2025-06-04\n文号: 测教发〔2025〕{100 + i}号\n索引号: 999100002/2025-{100 + i:05d}\n"
                 "主题分类: 科技、教育\n")
        rows = "姓名,电话\n张某,138****0000\n"
        body = f"第{i}批检查结果见[名单](附件/名单{i}.csv)。\n"
        if pii and i % 7 == 3:
            rows += f"李某,1390013{i:04d}\n"  # in an attachment
        if pii and i % 11 == 5:
            body += f"\n联系人王某，电话 137\\-0013\\-{i:04d}。\n"  # whole only on the page
        if pii and i % 13 == 6:
            body += f"\n申请人身份证号 {ID}。\n"  # in the source
        if pii and i % 17 == 8:
            body += f"\n另见[旧文件](附件/不存在{i}.pdf)和[本页](#没有的锚点{i})。\n"
        path = write_doc(root, f"jyj/2025/aq-{i:03d}.md", front, body)
        (path.parent / "附件").mkdir(exist_ok=True)
        (path.parent / "附件" / f"名单{i}.csv").write_text(rows, encoding="utf-8")
    return root


def test_a_refused_site_is_refused_with_the_same_findings_in_the_same_order(tmp_path):
    root = _site(tmp_path, pii=True)
    one, found_one = _build(root, 1, "w1")
    two, found_two = _build(root, 2, "w2")
    assert one.returncode == two.returncode == 1, two.stderr[-3000:]
    assert "Traceback" not in one.stderr + two.stderr
    assert not (root / "w1").exists() and not (root / "w2").exists()
    assert found_one == found_two
    pii = [(f["file"], f.get("field")) for f in found_two if f["check"] == "pii" and f["severity"] == "error"]
    assert ("content/wj/jyj/2025/附件/名单3.csv", None) in pii  # the attachment
    assert ("content/wj/jyj/2025/aq-005.md", "正文（网页上显示的文字）") in pii  # only the page shows it whole
    assert ("content/wj/jyj/2025/aq-006.md", None) in pii  # the source
    assert len(pii) == len(range(3, 260, 7)) + len(range(5, 260, 11)) + len(range(6, 260, 13))
    links = [f for f in found_two if f["check"] == "links"]
    assert len(links) == 2 * len(range(8, 260, 17))
    # The logged error lists the findings in the same order too.
    assert one.stderr.split("发布前检查发现", 1)[1].split("\n\n")[0] == \
        two.stderr.split("发布前检查发现", 1)[1].split("\n\n")[0]


def test_a_clean_site_is_the_same_with_one_process_two_and_the_cache(tmp_path):
    root = _site(tmp_path, pii=False)
    one, found_one = _build(root, 1, "w1")
    assert one.returncode == 0, one.stderr[-3000:]
    for name in ("cold", "warm"):  # the second reads every scan and link verdict from the first's cache
        two, found_two = _build(root, 2, name, cache=True)
        assert two.returncode == 0, two.stderr[-3000:]
        assert found_two == found_one
        _same_bytes(root / "w1", root / name)
    assert "未命中 0" in two.stderr  # the warm build really came from the cache


HOOK = '''
import gongkai.plugins.checks.plugin as checks

_file, _page = checks.scan_file, checks.scan_rendered


def scan_file(path, display, **options):
    if path.name == "名单230.csv":
        raise RuntimeError("读取器内部错误")
    return _file(path, display, **options)


def scan_rendered(html, display, **options):
    if display.endswith("aq-240.md"):
        raise RuntimeError("页面读取器内部错误")
    return _page(html, display, **options)


checks.scan_file, checks.scan_rendered = scan_file, scan_rendered
'''


@pytest.mark.parametrize("workers", [1, 2])
def test_an_error_while_reading_names_the_file_and_the_page(tmp_path, workers):
    root = _site(tmp_path, pii=False)
    (root / "boom.py").write_text(HOOK, encoding="utf-8")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "hooks: [boom.py]\n", encoding="utf-8")
    result, _ = _build(root, workers, "out")
    assert result.returncode == 1
    assert "个人信息检查读取 content/wj/jyj/2025/附件/名单230.csv 时出错：RuntimeError: 读取器内部错误" in result.stderr
    # Once the attachment reads, the page is the one named.
    (root / "boom.py").write_text(HOOK.replace("名单230.csv", "-"), encoding="utf-8")
    result, _ = _build(root, workers, "out")
    assert result.returncode == 1
    assert "个人信息检查读取 content/wj/jyj/2025/aq-240.md 时出错：RuntimeError: 页面读取器内部错误" in result.stderr
