"""无障碍和适老化声明 (accessibility statement): what the site claims, each requirement with the result the browser
tests last measured (``<data_dir>/results.json``, written by tests/test_eldercare_browser.py) or a dated manual
attestation, the known exceptions and how to report a barrier (``<data_dir>/shengming.yml``). See
docs/accessibility.md for the numbers and their sources."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field

from . import yamlutil
from .errors import InputError, Problems

# What each measured check means, in the statement's words, and where the number comes from.
REQUIREMENTS: dict[str, tuple[str, str]] = {
    "font": ("长者模式正文字号不小于 18 像素", "《互联网网站适老化通用设计规范》"),
    "line-height": ("长者模式行距不小于字号的 1.3 倍", "《互联网网站适老化通用设计规范》"),
    "paragraph-spacing": ("长者模式段落间距不小于行距的 1.3 倍", "《互联网网站适老化通用设计规范》"),
    "contrast": ("文字与背景对比度不小于 4.5:1（大字号 3:1），含长者模式和高对比度模式",
                 "WCAG 2.1 1.4.3；GB/T 37668-2019"),
    "targets": ("按钮、链接等可点击区域不小于 44 × 44 像素（句中链接除外）", "WCAG 2.1 2.5.5"),
    "main-targets": ("长者模式下主要功能按钮（无障碍工具条、页眉按钮、搜索、翻页）不小于 60 × 60 像素",
                     "《移动互联网应用（APP）适老化通用设计规范》"),
    "clipping-390": ("手机宽度（390 像素）、最大字号下，文字不被截断、不超出屏幕、页面不横向滚动",
                     "WCAG 2.1 1.4.10；《互联网网站适老化通用设计规范》"),
    "zoom-200": ("1280 像素宽度放大到 200% 时，文字不被截断、页面不横向滚动", "WCAG 2.1 1.4.4"),
    "speech": ("每个文件页面可朗读正文，可开始和停止；设备没有语音时显示提示", "《互联网网站适老化通用设计规范》"),
    "keyboard": ("只用键盘可以到达每个链接和按钮，焦点清晰可见", "WCAG 2.1 2.1.1、2.4.7"),
    "no-sitemap-requests": ("页面不向其他网站发出请求，打开页面不做多余请求", "（本站要求）"),
}


@dataclass
class Result:
    """One requirement's result: measured by the tests, or attested by a person on a date."""

    id: str
    requirement: str
    basis: str
    passed: bool
    detail: str
    date: dt.date | None
    method: str  # 自动测量 or 人工核验


@dataclass
class Statement:
    """无障碍和适老化声明."""

    level: str
    results: list[Result] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    contact: str = ""
    measured: dt.date | None = None
    tool: str = ""
    pages: int = 0
    measurements: int = 0
    results_url: str = ""
    source: str = ""  # the shengming.yml it was read from, as shown in messages


def _detail(check: dict) -> str:
    value, unit, failures = check.get("value"), check.get("unit", ""), check.get("failures", 0)
    parts = []
    if value is not None:
        parts.append(f"实测最小值 {value}{unit}（要求 {check.get('need')}{unit}）")
    parts.append("未发现不符合" if not failures else f"发现 {failures} 处不符合")
    if check.get("note"):
        parts.append(check["note"])
    return "；".join(parts)


def load_results(text: str, display: str, problems: Problems) -> dict | None:
    """The tests' results file, or None after recording why it cannot be read."""
    try:
        data = json.loads(text)
        dt.date.fromisoformat(data["date"])
        if not isinstance(data["checks"], dict):
            raise TypeError("checks")
    except (ValueError, KeyError, TypeError) as exc:
        problems.add(display, f"测量结果文件无法读取（{exc}）",
                     fix="重新运行 tests/test_eldercare_browser.py 生成该文件，不要手工编辑")
        return None
    return data


def load_statement(text: str, display: str, problems: Problems, results: dict | None, default_contact: str,
                   results_url: str = "") -> Statement | None:
    """The statement from the editor's YAML and the measured results."""
    try:
        data = yamlutil.load(text, display)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        problems.add(display, "声明文件应为“键: 值”形式", fix="参照 docs/accessibility.md 的示例填写")
        return None
    known = {"符合级别", "人工核验", "已知例外", "反馈方式"}
    for key in data:
        if key not in known:
            problems.add(display, f"不认识的键“{key}”", field=str(key), fix=f"可用的键：{'、'.join(sorted(known))}")
    level = data.get("符合级别")
    if not isinstance(level, str) or not level.strip():
        problems.add(display, "缺少“符合级别”", field="符合级别",
                     fix="写明声明的级别，例如：WCAG 2.1 AA 级；《互联网网站适老化通用设计规范》")
        return None
    statement = Statement(level=level.strip(), contact=str(data.get("反馈方式") or default_contact),
                          results_url=results_url, source=display)
    if results is not None:
        statement.measured = dt.date.fromisoformat(results["date"])
        statement.tool = str(results.get("tool", ""))
        statement.pages = int(results.get("pages", 0))
        statement.measurements = int(results.get("measurements", 0))
        for key, check in results["checks"].items():
            requirement, basis = REQUIREMENTS.get(key, (key, ""))
            statement.results.append(Result(key, requirement, basis, bool(check.get("passed")), _detail(check),
                                            statement.measured, "自动测量"))
    for i, entry in enumerate(data.get("人工核验") or []):
        where = f"人工核验[{i + 1}]"
        if not isinstance(entry, dict) or not all(k in entry for k in ("要求", "结果", "日期")):
            problems.add(display, f"{where} 应有“要求”“结果”“日期”三项", field=where,
                         fix="例如：{要求: 读屏软件朗读文件页面, 结果: 符合, 日期: 2026-11-20}")
            continue
        try:
            date = entry["日期"] if isinstance(entry["日期"], dt.date) else dt.date.fromisoformat(str(entry["日期"]))
        except ValueError:
            problems.add(display, f"{where} 的日期“{entry['日期']}”不是 YYYY-MM-DD", field=f"{where}.日期")
            continue
        result = str(entry["结果"])
        statement.results.append(Result(f"manual-{i + 1}", str(entry["要求"]), str(entry.get("依据", "")),
                                        result.startswith("符合"), result, date, "人工核验"))
    for item in data.get("已知例外") or []:
        statement.exceptions.append(str(item))
    return statement
