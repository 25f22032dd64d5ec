"""Read one ``wzbb/<年度>.yml`` into a ``WebsiteReport`` through the one field reader (``gongkai.fields``)."""

from __future__ import annotations

from .. import deprecations, yamlutil
from ..errors import InputError, Problems, close_matches
from ..fields import COUNT, DATE, DECIMAL, INT, MAPPING, TEXT, TEXTS, Field, FieldReader, top_mapping
from .model import (FORM, INNOVATIONS, OTHER_INNOVATION, SIGNATURES, TOP_KEYS, WEBSITE_KINDS, YES_NO, FormItem,
                    WebsiteReport)

GUIDE = "编辑手册“网站工作年度报表”一节"
# How each kind of form item is written in the data file.
KINDS = {"count": (COUNT, (), "1200"), "number": (DECIMAL, (), "4.5"), "yesno": (TEXT, YES_NO, "是"),
         "choice": (TEXT, WEBSITE_KINDS, WEBSITE_KINDS[0]), "choices": (TEXTS, (), "[搜索即服务, 无障碍浏览]"),
         "text": (TEXT, (), "")}
YEAR = Field("年度", INT, required=True, bounds=(2000, 2100), expected="四位数字的年份", example="2025")
PUBLISHED = Field("发布日期", DATE, required=True, example="2026-01-20")
FILLED = Field("填报日期", DATE, example="2026-01-18")
SIGNATURE_FIELDS = tuple(Field(key, TEXT, required=True) for key in SIGNATURES)


def field_of(item: FormItem) -> Field:
    kind, choices, example = KINDS[item.kind]
    return Field(item.key[-1], kind, required=not item.optional, choices=choices, example=example,
                 expected="列表（可选：" + " / ".join(INNOVATIONS) + "；都没有时写 []）" if item.kind == "choices" else "")


def innovations(block: FieldReader, key: str, values: list[str]) -> list[str] | None:
    """创新发展: the form's boxes, and “其他：……” with what the other innovation is (the form has a blank for it)."""
    good = []
    for value in values:
        other = value.startswith(OTHER_INNOVATION) and value != OTHER_INNOVATION
        text = value[len(OTHER_INNOVATION):].lstrip("：: ").strip() if other else ""
        if value in INNOVATIONS and value != OTHER_INNOVATION or other and text:
            good.append(f"{OTHER_INNOVATION}：{text}" if other else value)
        elif value.startswith(OTHER_INNOVATION):
            block.error(key, "“其他”须写明是什么创新", "写成“其他：……”，例如 [搜索即服务, 其他：政策智能问答]")
            return None
        else:
            choices = " / ".join(INNOVATIONS)
            block.error(key, f"取值“{value}”无效，应为：{choices}" + close_matches(value, INNOVATIONS),
                        "改为所列取值之一；不在其中的写成“其他：……”")
            return None
    return good


def load_report(text: str, display: str, problems: Problems) -> WebsiteReport | None:
    """The report, or None after recording why it cannot be read."""
    try:
        data = yamlutil.load(text, display)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    data = top_mapping(problems, display, data, what="报表数据", shape="年度、发布日期、网站类型…", fix=f"参照{GUIDE}的示例填写")
    if data is None:
        return None
    start = len(problems.errors)
    for old, new in deprecations.SITEREPORT_KEYS.items():
        block = data.get(old[0])
        if isinstance(block, yamlutil.Mapping) and old[1] in block and new[1] not in block:
            line = block.lines.pop(old[1])
            block[new[1]], block.lines[new[1]] = block.pop(old[1]), line
            problems.add(display, deprecations.sitereport_key(old), line=line, field=" · ".join(old),
                         fix=deprecations.fix(), severity="warning", check="upgrade")
    top = FieldReader(data, problems, display, guide=GUIDE)
    top.unknown_keys(TOP_KEYS)
    readers: dict[tuple[str, ...], FieldReader | None] = {(): top}

    def reader(path: tuple[str, ...]) -> FieldReader | None:
        """The reader of the block at ``path`` (移动新媒体 · 微博), or None when it is absent or not a mapping."""
        if path not in readers:
            parent = reader(path[:-1])
            block = None
            if parent is not None:
                items = [i for i in FORM if i.source == "data" and i.key[:len(path)] == path]
                required = any(not i.optional for i in items)
                block = parent.mapping(Field(path[-1], MAPPING, required=required))
                if block is not None:
                    block.unknown_keys(sorted({i.key[len(path)] for i in items}))
            readers[path] = block
        return readers[path]

    year = top.read(YEAR)
    published = top.read(PUBLISHED)
    filled = top.read(FILLED)
    values: dict[tuple[str, ...], object] = {}
    for item in FORM:
        if item.source != "data":
            continue
        block = reader(item.key[:-1])
        if block is None:
            continue
        value = block.read(field_of(item))
        if item.kind == "choices" and value is not None:
            value = innovations(block, item.key[-1], value)
        if value is not None:
            values[item.key] = value
    media = reader(("移动新媒体",))
    if media is not None and values.get(("移动新媒体", "是否有移动新媒体")) == "是":
        for account in ("微博", "微信"):
            if media.data.get(account) is not None:  # an account it has: every figure of it is then required
                block = reader(("移动新媒体", account))
                for item in FORM:
                    if block is not None and item.key[:2] == ("移动新媒体", account):
                        block.read(Field(item.key[-1], KINDS[item.kind][0], required=True))
    signatures = top.read_all(SIGNATURE_FIELDS)

    if len(problems.errors) > start or year is None or published is None:
        return None
    if published.year != year + 1 and published.year != year:
        top.error("发布日期", f"发布日期 {published} 不在报表年度 {year} 或次年", f"报表应在 {year + 1} 年 1 月 31 日前发布")
        return None
    return WebsiteReport(year=year, published=published, source=display, data=values, signatures=signatures,
                         filled=filled, published_line=top.line_of(PUBLISHED.key))
