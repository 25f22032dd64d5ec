"""The checks in real builds: the deliberately broken fixture site makes every check fire (each finding asserted),
`gongkai check` reports and exits as documented, and the strict build fails on errors only."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

pytestmark = pytest.mark.build

BROKEN = Path(__file__).parent / "fixtures" / "broken_site"
ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}


def gongkai_check(root: Path, *args: str):
    return subprocess.run([sys.executable, "-m", "gongkai.cli", "check", "-f", str(root / "mkdocs.yml"), *args],
                          capture_output=True, text=True, cwd=root, env=ENV)


def mkdocs(root: Path, *args: str):
    return subprocess.run([sys.executable, "-m", "mkdocs", "build", "-f", str(root / "mkdocs.yml"),
                           "-d", str(root / "site"), *args], capture_output=True, text=True, cwd=root, env=ENV)


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("broken") / "src"
    shutil.copytree(BROKEN, root)
    return root


@pytest.fixture(scope="module")
def report(broken):
    out = broken / "out"
    result = gongkai_check(broken, "--json", str(out / "r.json"), "--html", str(out / "r.html"))
    assert result.returncode == 1, result.stdout + result.stderr
    data = json.loads((out / "r.json").read_text(encoding="utf-8"))
    return SimpleReport(result.stdout, data, (out / "r.html").read_text(encoding="utf-8"))


class SimpleReport:
    def __init__(self, stdout, data, html):
        self.stdout, self.data, self.html = stdout, data, html
        self.findings = data["findings"]

    def of(self, check):
        return [(f["severity"], f["file"], f.get("line"), f.get("field")) for f in self.findings if f["check"] == check]

    def messages(self, check):
        return [f["message"] for f in self.findings if f["check"] == check]


def test_personal_information(report):
    assert sorted(report.of("pii")) == [
        ("error", "content/wj/szf/2025/gongshi.md", 18, None),
        ("error", "content/wj/szf/2025/gongshi.md", 18, None),
        ("error", "content/wj/szf/2025/附件/名单.csv", 2, None),
    ]
    messages = " ".join(report.messages("pii"))
    assert "身份证号“110105********002X”" in messages and "手机号“138****8000”" in messages
    assert "银行卡号“6222***********0128”" in messages
    # The full numbers never reach a report (CI logs are widely readable).
    assert "11010519491231002X" not in report.stdout + json.dumps(report.data) + report.html
    # Not reported: the masked row, 12345, the allow-listed 13900000000, the statistics table with an amount, the
    # 索引号 and 统一社会信用代码 rows, and the 教育局 mobile that the catalog publishes as its 指南 phone.
    assert "content/wj/jyj/2025/tongji.md" not in [f[1] for f in report.of("pii")]


def test_blank_columns(report):
    assert sorted(report.of("blank")) == [("error", "catalog/columns.yml", 5, "栏目 gzdt"),
                                          ("error", "catalog/columns.yml", 23, "栏目 tjxx")]
    assert any("“工作动态”（破损市教育局）" in m for m in report.messages("blank"))


def test_stale_columns_and_home(report):
    assert sorted(report.of("stale")) == [("warning", "catalog/columns.yml", 5, "栏目 gzdt · 更新类别"),
                                          ("warning", "catalog/columns.yml", 8, "栏目 tzgg · 更新类别")]
    assert report.of("home") == [("warning", "content/index.md", None, None)]


def test_time_limit(report):
    assert report.of("deadline") == [("warning", "content/wj/szf/2025/tongzhi.md", 6, "发布日期")]
    assert "10 个工作日" in report.messages("deadline")[0]


def test_links(report):
    assert sorted(report.of("links")) == [("error", "content/wj/szf/2025/gongshi.md", 23, None),
                                          ("error", "content/wj/szf/2025/tongzhi.md", 12, None)]
    assert {e["url"] for e in report.data["external_links"]} >= {"https://www.moe.gov.cn/"}


def test_annual_reports(report):
    assert sorted(report.of("nianbao")) == [("warning", "catalog/columns.yml", 32, "栏目 nb · jyj"),
                                            ("warning", "catalog/columns.yml", 32, "栏目 nb · szf")]


def test_interaction_finding_reported_once(report):
    overdue = [f for f in report.findings if f.get("field") == "反馈"]
    assert [(f["severity"], f["file"]) for f in overdue] == [("warning", "content/wj/jyj/2025/zhengji.md")]


def test_console_and_html(report):
    lines = report.stdout.splitlines()
    assert lines[0] == "发布前检查（截至 2025-12-01）：7 个错误，7 个警告，0 个提示"
    assert report.stdout.index("== 错误（7）==") < report.stdout.index("== 警告（7）==")
    assert report.html.count("<tr>") == 14 + report.html.count("<caption>")  # findings + a header row per table
    assert report.html.count("<caption>") == 8  # grouped by check within each severity
    assert report.data["as_of"] == "2025-12-01"


def test_as_of_and_fail_on_warning(broken, tmp_path):
    # As of 1 July 2025 the 工作动态 column is not yet stale; 年报 still late (deadlines passed).
    result = gongkai_check(broken, "--as-of", "2025-06-10", "--json", str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert not [f for f in data["findings"] if f["check"] in ("stale", "home")]
    assert result.returncode == 1
    assert gongkai_check(broken, "--as-of", "1 July").returncode == 2


def test_strict_build_fails_on_errors_and_names_them(broken):
    result = mkdocs(broken, "--strict")
    assert result.returncode == 1
    assert "发布前检查发现 7 个错误" in result.stderr
    assert "content/wj/szf/2025/附件/名单.csv:2" in result.stderr
    assert "6222021234567890128" not in result.stderr


def test_warnings_only_site_passes_strict_unless_asked(broken, tmp_path):
    root = tmp_path / "src"
    shutil.copytree(broken, root, ignore=shutil.ignore_patterns("site", "out"))
    # Fix every error: mask the numbers, fix the links, mark the blank pages 暂无.
    for rel, old, new in [
        ("content/wj/szf/2025/gongshi.md", "11010519491231002X | 13800138000", "110105********002X | 138****8000"),
        ("content/wj/szf/2025/gongshi.md", "[名单说明](#说明)", "名单说明"),
        ("content/wj/szf/2025/附件/名单.csv", "6222021234567890128", "6222 **** **** 0128"),
        ("content/wj/szf/2025/tongzhi.md", '<a href="附件/不存在.pdf">防汛预案</a>', "防汛预案"),
        ("catalog/columns.yml", "    更新类别: 动态要闻\n", "    更新类别: 动态要闻\n    暂无:\n      jyj: 测试。\n"),
        ("catalog/columns.yml", "    更新类别: 长期\n", "    更新类别: 长期\n    暂无:\n      szf: 测试。\n"),
    ]:
        path = root / rel
        text = path.read_text(encoding="utf-8")
        assert old in text, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")
    result = mkdocs(root, "--strict")
    assert result.returncode == 0, result.stderr
    assert "警告：" in result.stderr and "WARNING" not in result.stderr
    assert "0 个错误" in result.stderr
    # The 暂无 page says why it is empty (the core's column template).
    page = (root / "site" / "xxgk" / "jyj" / "gzdt" / "index.html").read_text(encoding="utf-8")
    assert "暂无信息：测试。" in page
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace('  - gongkai/checks:',
                                                                  '  - gongkai/checks:\n      fail_on_warnings: true'),
                      encoding="utf-8")
    result = mkdocs(root, "--strict")
    assert result.returncode == 1 and "发布前检查发现" in result.stderr and "个错误和警告" in result.stderr
    assert gongkai_check(root).returncode == 0
    assert gongkai_check(root, "--fail-on-warning").returncode == 1


def test_reports_written_by_the_plugin_settings(broken, tmp_path):
    root = tmp_path / "src"
    shutil.copytree(broken, root, ignore=shutil.ignore_patterns("site", "out"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "      report_json: reports/checks.json\n"
                      "      report_html: reports/checks.html\n", encoding="utf-8")
    mkdocs(root)  # not strict: errors are logged, the reports are written
    data = json.loads((root / "reports" / "checks.json").read_text(encoding="utf-8"))
    assert data["summary"]["error"] == 7
    assert (root / "reports" / "checks.html").read_text(encoding="utf-8").startswith("<!doctype html>")
    assert not (root / "site" / "reports").exists()


def test_mkdocs_own_warnings_are_in_the_command_report(broken, tmp_path):
    root = tmp_path / "src"
    shutil.copytree(broken, root, ignore=shutil.ignore_patterns("site", "out"))
    with open(root / "content" / "index.md", "a", encoding="utf-8") as fh:
        fh.write("\n[坏链接](nope.md)\n")
    result = gongkai_check(root, "--json", str(tmp_path / "r.json"))
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    build = [f for f in data["findings"] if f["check"] == "build"]
    assert len(build) == 1 and "nope.md" in build[0]["message"] and build[0]["severity"] == "error"
    assert ("error", "content/index.md", 9) in [(f["severity"], f["file"], f.get("line")) for f in data["findings"]
                                               if f["check"] == "links"]
    assert result.returncode == 1
