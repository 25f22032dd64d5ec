"""The 无障碍声明's data: the editor's shengming.yml and the tests' results.json become one Statement; mistakes are
named with the file and field. Attachments tell their type and size."""

from __future__ import annotations

import datetime as dt
import json

from gongkai.accessibility import load_results, load_statement
from gongkai.errors import Problems
from gongkai.model import Attachment

RESULTS = json.dumps({"date": "2026-12-01", "tool": "t", "pages": 28, "measurements": 140, "checks": {
    "font": {"value": 18.48, "unit": "px", "need": 18, "failures": 0, "passed": True},
    "targets": {"value": 40, "unit": "px", "need": 44, "failures": 3, "passed": False}}})

YAML = """符合级别: WCAG 2.1 AA 级
人工核验:
  - 要求: 读屏软件朗读文件页面
    结果: 符合
    日期: 2026-11-20
已知例外:
  - 图表标注不随字号放大
"""


def test_statement_from_results_and_attestations():
    problems = Problems()
    results = load_results(RESULTS, "content/wzasm/results.json", problems)
    s = load_statement(YAML, "content/wzasm/shengming.yml", problems, results, "电话 0999-1")
    assert not problems.items
    assert s.level == "WCAG 2.1 AA 级" and s.measured == dt.date(2026, 12, 1) and s.contact == "电话 0999-1"
    font, targets, manual = s.results
    assert font.passed and "18.48px" in font.detail and font.method == "自动测量"
    assert not targets.passed and "发现 3 处不符合" in targets.detail
    assert manual.passed and manual.date == dt.date(2026, 11, 20) and manual.method == "人工核验"
    assert s.exceptions == ["图表标注不随字号放大"]


def test_mistakes_are_named():
    problems = Problems()
    assert load_statement("级别: AA\n", "content/wzasm/shengming.yml", problems, None, "") is None
    messages = [(p.file, p.field, p.message) for p in problems.items]
    assert ("content/wzasm/shengming.yml", "级别", "不认识的键“级别”") in messages
    assert any(field == "符合级别" for _, field, _ in messages)
    problems = Problems()
    load_statement("符合级别: AA\n人工核验:\n  - 要求: x\n    结果: 符合\n    日期: 昨天\n", "s.yml", problems, None, "")
    assert problems.items[0].field == "人工核验[1].日期"
    problems = Problems()
    assert load_results("{}", "results.json", problems) is None and "重新运行" in problems.items[0].fix


def test_attachment_label():
    a = Attachment(name="预算主要报表", path="wj/czj/ys.csv", size=12 * 1024 + 100)
    assert a.label == "（CSV，12 KB）"
    assert Attachment(name="x", path="x.PDF", size=3 * 1024 * 1024).label == "（PDF，3.0 MB）"
    assert Attachment(name="x", path="x.docx", size=10).label == "（DOCX，1 KB）"
    assert Attachment(name="x", path="x.xlsx").label == "（XLSX）"
