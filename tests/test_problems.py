"""The one Problem pipeline (docs/architecture.md): one record, one severity policy, one reporter, one count.

Unit tests of the policy and the reporter, then builds: the build summary counts what `gongkai check` counts (the
demo, and a site with findings of every severity), and a problem planted for each producer — the core, each
feature plugin and the checks — reaches both the build's output and `gongkai check`'s report with its file and
field.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest
from mkdocs.exceptions import PluginError

from gongkai.checks.findings import Finding
from gongkai.errors import Problem, Problems, SeverityPolicy
from gongkai.reporting import Reporter
from kit import DEMO_CLOCK, ROOT, build, copy_mini, gongkai_check

BROKEN = Path(__file__).parent / "fixtures" / "broken_site"


# ---- the record and the policy ------------------------------------------------------------------------------------


def test_a_finding_is_a_problem():
    assert Finding is Problem
    p = Problem("content/a.md", "疑似未打码的手机号", 3, "正文", "打码", "error", check="pii")
    assert str(p) == "content/a.md:3: 正文: 疑似未打码的手机号（修改方法：打码）"
    assert Problems().add("a.md", "x") is None and Problem("a.md", "x").check == "input"


def test_policy_live_severity_strict_and_failing():
    def graded(policy, check, severity="error"):
        p = policy.grade(Problem("f", "m", severity=severity, check=check))
        return p.severity, p.todo

    preparing = SeverityPolicy(live=False)
    assert graded(preparing, "golive") == ("info", True)
    assert graded(preparing, "blank", "warning") == ("info", True)
    assert graded(preparing, "pii") == ("error", False)
    assert graded(SeverityPolicy(live=True), "blank") == ("error", True)
    # severity wins over live; MkDocs' own warnings are errors only when strict
    assert graded(SeverityPolicy(live=False, overrides={"golive": "warning"}), "golive") == ("warning", True)
    assert graded(SeverityPolicy(overrides={"stale": "error"}), "stale", "warning") == ("error", False)
    assert graded(SeverityPolicy(strict=True), "build", "warning") == ("error", False)
    assert graded(SeverityPolicy(strict=False), "build", "error") == ("warning", False)
    warning = Problem("f", "m", severity="warning", check="stale")
    assert not SeverityPolicy().fails(warning) and SeverityPolicy(fail_on_warnings=True).fails(warning)
    # fail_on_warnings is the checks' setting: what loading found, an old name still read (a site that built with
    # the previous version still builds) and MkDocs' own warnings (--strict decides) are left alone
    for check in ("input", "upgrade", "build"):
        assert not SeverityPolicy(fail_on_warnings=True).fails(Problem("f", "m", severity="warning", check=check))


class Captured(logging.Handler):
    """The reporter's log records, whatever other tests did to MkDocs' loggers (levels, propagation)."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self.logger = logging.getLogger("mkdocs.plugins.gongkai.problems")

    def emit(self, record):
        self.records.append(record)

    def __enter__(self):
        self.level = self.logger.level
        self.logger.setLevel(logging.DEBUG)
        self.logger.addHandler(self)
        return self

    def __exit__(self, *exc):
        self.logger.removeHandler(self)
        self.logger.setLevel(self.level)

    @property
    def text(self) -> str:
        return "\n".join(r.getMessage() for r in self.records)


def _reporter(tmp_path, *, strict=False) -> Reporter:
    reporter = Reporter(Problems())
    reporter.start(SimpleNamespace(strict=strict, config_file_path=str(tmp_path / "mkdocs.yml")))
    return reporter


def test_reporter_stops_on_errors_and_logs_warnings_at_info(tmp_path):
    reporter = _reporter(tmp_path)
    try:
        reporter.problems.add("a.md", "警告一", severity="warning")
        with Captured() as log:
            reporter.flush()
        assert [(r.levelname, r.getMessage()) for r in log.records] == [("INFO", "警告：a.md: 警告一")]
        reporter.problems.add("b.md", "错误一", field="标题")
        with pytest.raises(PluginError, match="发现 1 个错误：\n  b.md: 标题: 错误一"):
            reporter.flush()
        reporter.flush()  # nothing new: nothing raised again
    finally:
        reporter.close()


def test_reporter_summary_counts_everything_and_mkdocs_warnings(tmp_path):
    reporter = _reporter(tmp_path, strict=True)
    reporter.checked = True
    reporter.outputs = {"json": "out/r.json"}
    reporter.problems.add("a.md", "输入警告", severity="warning")
    reporter.flush()
    mkdocs_log = logging.getLogger("mkdocs")
    level, mkdocs_log.level = mkdocs_log.level, logging.WARNING  # as in a build, whatever ran before
    logging.getLogger("mkdocs.structure.pages").warning("Doc file 'a.md' contains a link 'nope.md'")
    logging.getLogger("mkdocs.plugins.gongkai.x").warning("gongkai's own: not counted twice")
    reporter.problems.extend([Problem("c.md", "坏链接", check="links"),
                              Problem("d.jpg", "不支持扫描", check="pii", severity="info")])
    with Captured() as log, pytest.raises(PluginError) as raised:
        reporter.finish(as_of=dt.date(2026, 11, 30))
    assert reporter.summary == "发布前检查（截至 2026-11-30）：2 个错误，1 个警告，1 个提示"
    assert reporter.summary in log.text
    assert str(raised.value).startswith("发布前检查发现 2 个错误：")  # the link and MkDocs' warning (strict)
    data = json.loads((tmp_path / "out/r.json").read_text(encoding="utf-8"))
    assert data["summary"] == {"error": 2, "warning": 1, "info": 1}
    assert {f["check"] for f in data["findings"]} == {"input", "build", "links", "pii"}
    logging.getLogger("mkdocs.structure.pages").warning("after the end: not collected")
    mkdocs_log.setLevel(level)
    assert len(reporter.mkdocs) == 1


def test_without_the_checks_the_summary_says_so_and_warnings_can_fail(tmp_path):
    reporter = _reporter(tmp_path)
    reporter.policy.fail_on_warnings = True
    reporter.problems.add("a.md", "输入警告", severity="warning")
    reporter.problems.add("b.md", "检查的警告", severity="warning", check="stale")
    reporter.flush()  # a warning never stops the build where it is found
    with pytest.raises(PluginError, match="^发现 1 个错误和警告：\n  b.md: 检查的警告$"):
        reporter.finish()
    assert reporter.summary.startswith("构建发现的问题：0 个错误，2 个警告，0 个提示")


# ---- builds: one count -------------------------------------------------------------------------------------------


def summary_of(result) -> str:
    log = result if isinstance(result, str) else result.stderr
    [line] = [line.split("INFO    -  ", 1)[1] for line in log.splitlines() if "发布前检查（截至" in line]
    return line


@pytest.mark.build
def test_the_demo_build_summary_is_gongkai_checks_count(demo_build_log):
    """The demo_site fixture's build (`mkdocs build --strict` of the demo for DEMO_CLOCK, which must succeed)."""
    checked = gongkai_check(ROOT, "-q", env=DEMO_CLOCK)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert summary_of(demo_build_log) == checked.stdout.strip()
    assert summary_of(demo_build_log).startswith("发布前检查（截至 2026-11-30）：0 个错误，0 个警告，")


@pytest.mark.build
def test_several_of_each_severity_counted_alike(tmp_path):
    """The broken site, plus 提示 (attachments that cannot be scanned), input warnings (a deprecated option, an
    overdue 征集) and MkDocs' own warning (a link to a missing page): the strict build and `gongkai check` agree."""
    root = tmp_path / "src"
    shutil.copytree(BROKEN, root)
    for name in ("照片.jpg", "旧表.xls"):
        (root / "content/wj/szf/2025/附件" / name).write_bytes(b"\x00\x01binary")
    with open(root / "content/index.md", "a", encoding="utf-8") as fh:
        fh.write("\n[坏链接](nope.md)\n")
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace("  - gongkai/checks:\n",
                                                                 "  - gongkai/checks:\n      as_of: 2025-12-01\n"),
                      encoding="utf-8")
    built = build(root)
    checked = gongkai_check(root, "--json", str(tmp_path / "r.json"))
    assert built.returncode == 1 and checked.returncode == 1
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    counts = data["summary"]
    assert counts["error"] >= 2 and counts["warning"] >= 2 and counts["info"] >= 2, counts
    assert {"build", "input", "pii", "links"} <= {f["check"] for f in data["findings"]}
    assert summary_of(built) == checked.stdout.splitlines()[0] == (
        f"发布前检查（截至 2025-12-01）：{counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示")
    # the failure names as many errors as the summary counts
    assert f"发布前检查发现 {counts['error']} 个错误" in built.stderr


# ---- builds: every producer through the one pipeline -------------------------------------------------------------

PLUGINS = """  - gongkai/interaction
  - gongkai/reports
  - gongkai/sitereport
  - gongkai/accessibility
  - gongkai/search
  - gongkai/feeds
  - gongkai/checks
"""


def producer_site(tmp_path: Path, name: str) -> Path:
    root = copy_mini(tmp_path / name)
    config = root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("plugins:\n", "site_url: https://gk.example.gov.cn/\nplugins:\n")
    config.write_text(text.rstrip("\n") + "\n" + PLUGINS, encoding="utf-8")
    return root


def write(root: Path, rel: str, text: str) -> None:
    path = root / "content" / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / "content" / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def both_outputs(root: Path, tmp_path: Path) -> tuple[str, list[dict]]:
    built = build(root)
    out = tmp_path / f"{root.parent.name}.json"
    checked = gongkai_check(root, "--json", str(out))
    assert built.returncode == 1 and checked.returncode == 1, built.stderr + checked.stdout + checked.stderr
    return built.stderr, json.loads(out.read_text(encoding="utf-8"))["findings"]


def assert_in_both(stderr: str, findings: list[dict], producer: str, file: str, field: str | None, words: str):
    same = [f for f in findings if f["file"] == file and f.get("field") == field and words in f["message"]]
    assert same, (producer, [(f["file"], f.get("field"), f["message"]) for f in findings])
    shown = f"{file}:" if field is None else f": {field}: "
    assert any(file in line and shown in line and words in line for line in stderr.splitlines()), (producer, stderr)


@pytest.mark.build
def test_each_producer_reports_through_the_one_pipeline(tmp_path):
    # Loading: the core, interaction, reports, sitereport, accessibility and search all stop the build together.
    root = producer_site(tmp_path, "loading")
    edit(root, "wj/jyj/2025/gf-2.md", "主题分类: 科技、教育", "主题分类: 科技教育")
    edit(root, "wj/szf/2025/gf-1.md", "---\n\n", "反馈方式: 不是映射\n---\n\n")
    write(root, "reports/jyj/2024.yml", "年度: 2024\n统计口径: 全年\n")
    write(root, "wzbb/2025.yml", "年度: 2025\n网站名称: 测试\n不存在的键: 1\n")
    write(root, "wzasm/shengming.yml", "级别: AA\n")
    write(root, "search/index.md", "# 我的搜索\n")
    stderr, findings = both_outputs(root, tmp_path)
    planted = [
        ("core", "content/wj/jyj/2025/gf-2.md", "主题分类", "科技教育"),
        ("interaction", "content/wj/szf/2025/gf-1.md", "反馈方式", "不是映射"),
        ("reports", "content/reports/jyj/2024.yml", "统计口径", "统计口径"),
        ("sitereport", "content/wzbb/2025.yml", "不存在的键", "不存在的键"),
        ("accessibility", "content/wzasm/shengming.yml", "级别", "级别"),
        ("search", "content/search/index.md", None, "搜索结果页的地址 search/ 已被"),
    ]
    for producer, file, field, words in planted:
        assert_in_both(stderr, findings, producer, file, field, words)
    assert "发现" in stderr and "发布前检查（截至" not in stderr  # stopped before any page was written

    # Generating: feeds stop the build before any page is written.
    root = producer_site(tmp_path, "feeds")
    write(root, "dingyue/index.md", "# 我的订阅\n")
    stderr, findings = both_outputs(root, tmp_path)
    assert_in_both(stderr, findings, "feeds", "content/dingyue/index.md", None, "dingyue/index.md 已被网站中的同名文件占用")

    # The checks: found while pages render, reported at the end with the summary.
    root = producer_site(tmp_path, "checks")
    edit(root, "wj/jyj/2025/gf-1.md", "坚持依法行政", "联系人手机 13800138000，坚持依法行政")
    stderr, findings = both_outputs(root, tmp_path)
    pii = [f for f in findings if f["check"] == "pii" and f["severity"] == "error"]
    assert pii and pii[0]["file"] == "content/wj/jyj/2025/gf-1.md" and pii[0]["line"]
    assert f"content/wj/jyj/2025/gf-1.md:{pii[0]['line']}:" in stderr and "发布前检查发现" in stderr


@pytest.mark.build
def test_a_strict_build_mkdocs_warned_in_fails_before_publishing(tmp_path):
    """MkDocs aborts a --strict build on its own warnings only after on_post_build, when gongkai had already moved
    the staged site into place: the warned build was published. Now the reporter fails it first, naming it."""
    root = copy_mini(tmp_path)
    with open(root / "content/index.md", "a", encoding="utf-8") as fh:
        fh.write("\n[坏链接](nope.md)\n")
    strict = build(root)
    assert strict.returncode == 1
    assert "构建发现的问题：1 个错误，0 个警告，0 个提示（未启用 gongkai/checks，发布前检查未运行）" in strict.stderr
    assert "发现 1 个错误：\n  MkDocs: " in strict.stderr and "nope.md" in strict.stderr
    assert not (root / "site").exists()
    relaxed = build(root, strict=False)
    assert relaxed.returncode == 0, relaxed.stderr
    assert "构建发现的问题：0 个错误，1 个警告，0 个提示" in relaxed.stderr and (root / "site/index.html").is_file()
