"""Read one ``wzbb/<年度>.yml`` into a ``WebsiteReport``, every mistake a problem naming the file, line and fix."""

from __future__ import annotations

import datetime as dt

from .. import yamlutil
from ..errors import InputError, Problems, close_matches
from .model import FORM, INNOVATIONS, SIGNATURES, TOP_KEYS, WEBSITE_KINDS, YES_NO, WebsiteReport


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        return None


def load_report(text: str, display: str, problems: Problems) -> WebsiteReport | None:
    """The report, or None after recording why it cannot be read."""
    try:
        data = yamlutil.load(text, display)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    if not isinstance(data, dict):
        problems.add(display, "报表数据应为“名称: 值”的映射", line=1, fix="参照编辑手册“网站工作年度报表”一节的示例填写")
        return None
    start = len(problems.errors)

    def error(mapping, key, message, fix=None, name=None):
        line = mapping.line_of(key) if isinstance(mapping, yamlutil.Mapping) else None
        problems.add(display, message, line=line, field=name or str(key), fix=fix)

    blocks: dict[str, set[str]] = {}  # block → keys allowed directly inside it
    for f in FORM:
        if f.source == "data" and len(f.key) > 1:
            blocks.setdefault(f.key[0], set()).add(f.key[1])
    for key in data:
        if key not in TOP_KEYS:
            error(data, key, f"不认识的字段“{key}”{close_matches(str(key), TOP_KEYS)}", "删除该字段或改为正确的字段名")
        elif key in blocks and isinstance(data[key], dict):
            for sub in data[key]:
                if sub not in blocks[key]:
                    error(data[key], sub, f"“{key}”中不认识的字段“{sub}”{close_matches(str(sub), blocks[key])}",
                          f"可用字段：{'、'.join(sorted(blocks[key]))}", name=f"{key} · {sub}")

    year = data.get("年度")
    if not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100:
        error(data, "年度", f"年度“{year}”应为四位数字的年份", "例如 年度: 2025")
        year = None
    published = _date(data.get("发布日期"))
    if published is None:
        error(data, "发布日期", f"发布日期“{data.get('发布日期')}”不是 YYYY-MM-DD 格式的日期", "例如 发布日期: 2026-01-20")
    filled = _date(data["填报日期"]) if data.get("填报日期") is not None else None
    if data.get("填报日期") is not None and filled is None:
        error(data, "填报日期", f"填报日期“{data.get('填报日期')}”不是日期", "例如 填报日期: 2026-01-18")

    values: dict[tuple[str, ...], object] = {}
    for f in FORM:
        if f.source != "data":
            continue
        parent, missing_parent = data, False
        for part in f.key[:-1]:
            parent = parent.get(part) if isinstance(parent, dict) else None
            if parent is None:
                missing_parent = True
                break
        name = " · ".join(f.key)
        key = f.key[-1]
        if missing_parent or not isinstance(parent, dict) or parent.get(key) is None:
            if not f.optional:
                where = parent if isinstance(parent, dict) and not missing_parent else data
                problems.add(display, f"缺少“{name}”", line=getattr(where, "line", None) or None, field=name,
                             fix=f"填写“{name}”" + (f"（单位：{f.unit}）" if f.unit else ""))
            continue
        value = parent[key]
        if f.kind == "count":
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                error(parent, key, f"“{name}”应为非负整数，实际是“{value}”", "只写数字，不写单位，例如 1200", name)
                continue
        elif f.kind == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0:
                error(parent, key, f"“{name}”应为非负数，实际是“{value}”", "只写数字，例如 4.5", name)
                continue
            value = float(value)
        elif f.kind == "yesno":
            value = {True: "是", False: "否"}.get(value, value) if isinstance(value, bool) else str(value).strip()
            if value not in YES_NO:
                error(parent, key, f"“{name}”应为“是”或“否”，实际是“{value}”", None, name)
                continue
        elif f.kind == "choice":
            value = str(value).strip()
            if value not in WEBSITE_KINDS:
                error(parent, key, f"“{name}”应为：{' / '.join(WEBSITE_KINDS)}{close_matches(value, WEBSITE_KINDS)}", None, name)
                continue
        elif f.kind == "choices":
            chosen = [value] if isinstance(value, str) else value
            if not isinstance(chosen, list):
                error(parent, key, f"“{name}”应为列表", f"例如 {name}: [搜索即服务, 无障碍浏览]；都没有时写 []", name)
                continue
            wrong = [str(v) for v in chosen if str(v) not in INNOVATIONS]
            if wrong:
                error(parent, key, f"“{name}”中的“{'、'.join(wrong)}”无效{close_matches(wrong[0], INNOVATIONS)}",
                      f"可选：{' / '.join(INNOVATIONS)}", name)
                continue
            value = [str(v) for v in chosen]
        else:
            value = str(value).strip()
        values[f.key] = value

    media = data.get("移动新媒体")
    if isinstance(media, dict) and media.get("是否有移动新媒体") in ("是", True):
        for account in ("微博", "微信"):
            block = media.get(account)
            if block is not None and not isinstance(block, dict):
                error(media, account, f"“移动新媒体 · {account}”应为映射（名称、信息发布量…）", None, f"移动新媒体 · {account}")
            elif isinstance(block, dict):
                for f in FORM:
                    if f.key[:2] == ("移动新媒体", account) and f.key not in values and block.get(f.key[-1]) is None:
                        problems.add(display, f"缺少“{' · '.join(f.key)}”", line=block.line, field=" · ".join(f.key),
                                     fix=f"填写{account}的名称、信息发布量和{'关注量' if account == '微博' else '订阅数'}")
    signatures = {}
    for key in SIGNATURES:
        value = data.get(key)
        if value is None or not str(value).strip():
            problems.add(display, f"缺少“{key}”", line=data.line, field=key, fix=f"填写{key}")
        else:
            signatures[key] = str(value).strip()

    if len(problems.errors) > start or year is None or published is None:
        return None
    if published.year != year + 1 and published.year != year:
        problems.add(display, f"发布日期 {published} 不在报表年度 {year} 或次年", line=data.line_of("发布日期"),
                     field="发布日期", fix=f"报表应在 {year + 1} 年 1 月 31 日前发布")
        return None
    return WebsiteReport(year=year, published=published, source=display, data=values, signatures=signatures,
                         filled=filled)
