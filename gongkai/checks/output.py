"""Report writers: console (grouped by severity), JSON for CI, HTML for the 政务公开办 (not part of the site)."""

from __future__ import annotations

import datetime as dt
import html
import json
from collections import Counter, defaultdict
from pathlib import Path

from ..errors import CHECK_LABELS, LABELS, SEVERITIES, Problem, sort_key
from .findings import veto_distances


def _where(f: Problem) -> str:
    return f.file + (f":{f.line}" if f.line else "") + (f" [{f.field}]" if f.field else "")


def _pending(f: Problem) -> bool:
    """A 上线前待办 item that does not block yet (the site is not live)."""
    return f.todo and f.severity == "info"


def console(findings: list[Problem], as_of: dt.date, external: dict[str, list[str]] | None = None) -> str:
    counts = Counter(f.severity for f in findings)
    lines = [f"发布前检查（截至 {as_of}）：{counts['error']} 个错误，{counts['warning']} 个警告，{counts['info']} 个提示",
             "单项否决线：" + "；".join(str(v) for v in veto_distances(findings))]
    todo = sorted((f for f in findings if _pending(f)), key=sort_key)
    if todo:
        lines.append(f"\n== 上线前待办（{len(todo)}）==（网站尚未上线：gongkai/checks 的 live: false；上线后这些都是错误）")
        for f in todo:
            lines.append(f"[{CHECK_LABELS.get(f.check, f.check)}] {_where(f)}: {f.message}")
            if f.fix:
                lines.append(f"    修改方法：{f.fix}")
    for severity in SEVERITIES:
        group = sorted((f for f in findings if f.severity == severity and not _pending(f)), key=sort_key)
        if not group:
            continue
        lines.append(f"\n== {LABELS[severity]}（{len(group)}）==")
        for f in group:
            lines.append(f"[{CHECK_LABELS.get(f.check, f.check)}] {_where(f)}: {f.message}")
            if f.fix:
                lines.append(f"    修改方法：{f.fix}")
    if external:
        lines.append(f"\n外部链接 {len(external)} 个（未访问；用 --external 检查）：")
        lines += [f"  {url}（{len(pages)} 个页面）" for url, pages in sorted(external.items())]
    return "\n".join(lines) + "\n"


def to_json(findings: list[Problem], as_of: dt.date, external: dict[str, list[str]] | None = None) -> str:
    counts = Counter(f.severity for f in findings)
    data = {
        "as_of": as_of.isoformat(),
        "summary": {s: counts[s] for s in SEVERITIES},
        "todo": sum(1 for f in findings if _pending(f)),  # 上线前待办 among the 提示 (the site is not live yet)
        "veto": [{"check": v.check, "name": v.name, "count": v.count, "threshold": v.threshold, "reached": v.reached}
                 for v in veto_distances(findings)],
        "findings": [f.as_dict() for f in sorted(findings, key=sort_key)],
        "external_links": [{"url": u, "pages": sorted(set(p))} for u, p in sorted((external or {}).items())],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


CSS = """body{font:16px/1.6 system-ui,sans-serif;max-width:72rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
h1{font-size:1.6rem}h2{font-size:1.3rem;margin-top:2rem}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:.4rem .5rem;text-align:left;vertical-align:top}th{background:#eee}
.error h2{color:#a40000}.warning h2{color:#7a4a00}.fix{color:#333;font-size:.95em}
caption{text-align:left;font-weight:bold;padding:.3rem 0}code{word-break:break-all}"""


def to_html(findings: list[Problem], as_of: dt.date, external: dict[str, list[str]] | None = None,
            title: str = "发布前检查报告") -> str:
    e = html.escape
    counts = Counter(f.severity for f in findings)
    out = [f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8">'
           f'<meta name="viewport" content="width=device-width,initial-scale=1"><title>{e(title)}</title>'
           f"<style>{CSS}</style></head><body><main>",
           f"<h1>{e(title)}</h1><p>检查日期：{as_of}。共 {counts['error']} 个错误、{counts['warning']} 个警告、"
           f"{counts['info']} 个提示。错误须在发布前改正；警告请尽快处理。</p>",
           "<p>距单项否决线：</p><ul>" + "".join(f"<li>{e(str(v))}</li>" for v in veto_distances(findings)) + "</ul>"]
    todo = sorted((f for f in findings if _pending(f)), key=sort_key)
    if todo:
        out.append(f'<section class="todo"><h2>上线前待办（{len(todo)}）</h2><p>网站尚未上线（gongkai/checks 的 '
                   "live: false）。上线前须全部完成：改为 live: true 后，未完成的各项都是错误，网站不能发布。</p>"
                   "<table><thead><tr><th scope=\"col\">文件与位置</th><th scope=\"col\">待办</th>"
                   "<th scope=\"col\">怎样完成</th></tr></thead><tbody>")
        out += [f"<tr><td><code>{e(_where(f))}</code></td><td>{e(f.message)}</td><td class=\"fix\">{e(f.fix or '')}</td></tr>"
                for f in todo]
        out.append("</tbody></table></section>")
    for severity in SEVERITIES:
        group = sorted((f for f in findings if f.severity == severity and not _pending(f)), key=sort_key)
        out.append(f'<section class="{severity}"><h2>{LABELS[severity]}（{len(group)}）</h2>')
        if not group:
            out.append("<p>无。</p></section>")
            continue
        by_check = defaultdict(list)
        for f in group:
            by_check[f.check].append(f)
        for check, items in by_check.items():
            out.append(f"<table><caption>{e(CHECK_LABELS.get(check, check))}（{len(items)}）</caption>"
                       "<thead><tr><th scope=\"col\">文件与位置</th><th scope=\"col\">问题</th>"
                       "<th scope=\"col\">修改方法</th></tr></thead><tbody>")
            for f in items:
                out.append(f"<tr><td><code>{e(_where(f))}</code></td><td>{e(f.message)}</td>"
                           f"<td class=\"fix\">{e(f.fix or '')}</td></tr>")
            out.append("</tbody></table>")
        out.append("</section>")
    if external:
        out.append(f"<section><h2>外部链接（{len(external)}）</h2><ul>")
        out += [f"<li><code>{e(u)}</code>（{len(set(p))} 个页面）</li>" for u, p in sorted(external.items())]
        out.append("</ul></section>")
    out.append("</main></body></html>\n")
    return "".join(out)


def to_todo(findings: list[Problem], as_of: dt.date, live: bool) -> str:
    """上线前待办 as a Markdown checklist, grouped by file: what an editor reads in the Git host's web view."""
    items = sorted((f for f in findings if f.todo), key=lambda f: (f.file, f.line or 0, f.check))
    state = ("网站已上线（live: true）：以下各项都是错误，改完网站才能发布。" if live else
             "网站尚未上线（mkdocs.yml 中 gongkai/checks 的 live: false）。以下各项在上线前都要完成；把 live 改为 true "
             "后，未完成的各项都是错误，网站不能发布。")
    lines = [f"# 上线前待办（{len(items)} 项，截至 {as_of}）", "", "本文件由发布前检查生成，不要手工修改：完成一项后重新检查，"
             "它就会从这里消失。", "", state]
    if not items:
        lines += ["", "没有待办事项。"]
    by_file: dict[str, list[Problem]] = defaultdict(list)
    for f in items:
        by_file[f.file].append(f)
    for file, group in by_file.items():
        lines += ["", f"## {file}", ""]
        for f in group:
            where = (f"第 {f.line} 行" if f.line else "") + (f"（{f.field}）" if f.field else "")
            lines.append(f"- [ ] {where + '：' if where else ''}{f.message}")
            if f.fix:
                lines.append(f"  —— {f.fix}")
    return "\n".join(lines) + "\n"


def write(path: str | Path, text: str) -> None:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
