"""Read the 解读 / 征集 / 反馈 front-matter keys (kept raw in ``Document.extra``) into model objects.

Every bad value becomes a ``Problem`` naming the file, the line where known, the field and the fix; a
document with bad values is still returned where possible so that one mistake does not hide the next.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable
from zoneinfo import ZoneInfo

from ..clock import parse_when
from ..errors import Problems, close_matches
from ..safety import plain_text_problem
from ..model import Document
from .model import (CONSULTATION_KINDS, FORM_ALIASES, INTERPRETATION_FORMS, Channel, Consultation, Feedback,
                    Interpretation)

# Keys this feature owns in a document's front matter (declared to the core plugin).
INTERPRETATION_KEYS = ("原文", "解读形式")
CONSULTATION_KEYS = ("征集开始", "征集截止", "征集单位", "反馈方式", "征集类型", "期限说明", "起草说明", "反馈")
FEEDBACK_COUNT_KEYS = ("收到意见数", "采纳", "部分采纳", "未采纳", "未采纳理由")
FEEDBACK_KEYS = ("征集",) + FEEDBACK_COUNT_KEYS
FIELDS = INTERPRETATION_KEYS + CONSULTATION_KEYS + FEEDBACK_KEYS
# Written in Markdown (rendered with the site's extensions); every other value is plain text.
MARKDOWN_KEYS = ("起草说明",)

CHANNEL_FIELDS = {"邮箱": "email", "通讯地址": "address", "邮编": "postcode", "电话": "phone", "联系人": "contact",
                  "传真": "fax", "在线提交": "online"}
FEEDBACK_BLOCK_KEYS = FEEDBACK_COUNT_KEYS + ("发布日期",)

# 在线提交 is printed as a link: only a web address, never javascript: or the like.
ONLINE_RE = re.compile(r"^https?://[^\s\"'<>]+$", re.I)
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
POSTCODE_RE = re.compile(r"^\d{6}$")

LineOf = Callable[[Document, str], "int | None"]


def line_of(doc: Document, key: str) -> int | None:
    """The front-matter line of ``key``: kept by the core in ``Document.field_lines``."""
    found = doc.field_lines.get(key)
    if found is None and hasattr(doc.extra, "line_of") and key in doc.extra:
        found = doc.extra.line_of(key)
    return found or None


def display_of(doc: Document) -> str:
    """The file as messages name it: relative to the project (``Document.source``), else to the docs dir."""
    return doc.source or doc.src_path


class Reader:
    """Field access on one document's extra keys, recording precise problems."""

    def __init__(self, doc: Document, problems: Problems, display: Callable[[Document], str] = display_of,
                 lines: LineOf = line_of):
        self.doc, self.problems, self.file, self.lines = doc, problems, display(doc), lines

    def line(self, key: str, sub=None, subkey: str | None = None) -> int | None:
        if sub is not None and subkey is not None and hasattr(sub, "line_of"):
            return sub.line_of(subkey) or self.lines(self.doc, key)
        return self.lines(self.doc, key)

    def error(self, key: str, message: str, fix: str | None = None, *, sub=None, subkey: str | None = None,
              severity: str = "error") -> None:
        name = f"{key} · {subkey}" if subkey else key
        self.problems.add(self.file, message, line=self.line(key, sub, subkey), field=name, fix=fix,
                          severity=severity)

    def text(self, key: str, data=None, subkey: str | None = None, required: bool = False, fix: str | None = None) -> str:
        source = self.doc.extra if data is None else data
        name = subkey or key
        value = source.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.error(key, f"缺少“{name}”", fix or f"填写“{name}”", sub=data, subkey=subkey)
            return ""
        if isinstance(value, (dict, list)):
            self.error(key, f"“{name}”应为一段文字，实际是{'列表' if isinstance(value, list) else '映射'}",
                       fix or f"把“{name}”写成一行文字", sub=data, subkey=subkey)
            return ""
        found = plain_text_problem(value) if name not in MARKDOWN_KEYS else None
        if found:  # plain text, like every metadata value (docs/security.md)
            self.error(key, f"“{name}”{found[0]}", found[1], sub=data, subkey=subkey)
            return ""
        return str(value).strip()

    def count(self, key: str, data=None, subkey: str | None = None) -> int | None:
        source = self.doc.extra if data is None else data
        name = subkey or key
        value = source.get(name)
        if value is None:
            self.error(key, f"缺少“{name}”（条数）", f"填写“{name}: 0”或实际条数", sub=data, subkey=subkey)
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            text = str(value).strip().rstrip("条")
            if not text.isdigit():
                self.error(key, f"“{name}”应为非负整数（条数），实际是“{value}”", "只写数字，例如 12",
                           sub=data, subkey=subkey)
                return None
            value = int(text)
        if value < 0:
            self.error(key, f"“{name}”不能为负数（{value}）", "填写实际条数", sub=data, subkey=subkey)
            return None
        return value


def references(value) -> list[str]:
    """原文 / 征集 references as strings: one value or a list."""
    values = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in values if v is not None and str(v).strip()]


def parse_interpretation(r: Reader) -> Interpretation | None:
    extra = r.doc.extra
    refs = references(extra.get("原文"))
    if not refs:
        r.error("原文", "政策解读没有写明所解读的原文",
                "写“原文: 索引号”（如 999000002/2024-00012）或原文的文件路径（不含 .md），多个原文写成列表")
    form = r.text("解读形式") or "文字"
    form = FORM_ALIASES.get(form, form)
    if form not in INTERPRETATION_FORMS:
        r.error("解读形式", f"解读形式“{form}”无效{close_matches(form, INTERPRETATION_FORMS)}",
                f"应为：{' / '.join(INTERPRETATION_FORMS)}")
        form = "文字"
    return Interpretation(document=r.doc, form=form, references=refs)


def parse_channel(r: Reader) -> Channel:
    data = r.doc.extra.get("反馈方式")
    fix = "写“反馈方式:”，下面至少填一项：邮箱、通讯地址（同时写邮编）、电话、传真或在线提交网址，并写联系人"
    if data is None:
        r.error("反馈方式", "意见征集没有写明反馈方式，公众无法提交意见", fix)
        return Channel()
    if not isinstance(data, dict):
        r.error("反馈方式", "“反馈方式”应为映射（邮箱、通讯地址、邮编、电话、联系人）", fix)
        return Channel()
    for key in data:
        if key not in CHANNEL_FIELDS:
            r.error("反馈方式", f"不认识的字段“{key}”{close_matches(str(key), CHANNEL_FIELDS)}",
                    f"可用字段：{'、'.join(CHANNEL_FIELDS)}", sub=data, subkey=str(key))
    channel = Channel(**{attr: r.text("反馈方式", data, key) for key, attr in CHANNEL_FIELDS.items()})
    if channel.empty:
        r.error("反馈方式", "反馈方式中没有任何可用的联系渠道", fix)
    if channel.online and not ONLINE_RE.match(channel.online):
        r.error("反馈方式", f"在线提交网址“{channel.online}”应以 https:// 或 http:// 开头", "例如 https://www.example.gov.cn/zjyj/",
                sub=data, subkey="在线提交")
        channel.online = ""
    if channel.email and not EMAIL_RE.match(channel.email):
        r.error("反馈方式", f"邮箱“{channel.email}”格式不正确", "例如 fzb@example.gov.cn", sub=data, subkey="邮箱")
    if channel.address and not channel.postcode:
        r.error("反馈方式", "写了通讯地址但没有邮编", "在反馈方式下加“邮编: \"999000\"”（6位数字，加引号）",
                sub=data, subkey="通讯地址")
    if channel.postcode and not POSTCODE_RE.match(channel.postcode):
        r.error("反馈方式", f"邮编“{channel.postcode}”应为6位数字", "写成带引号的6位数字，如 \"999000\"",
                sub=data, subkey="邮编")
    return channel


def parse_feedback_counts(r: Reader, key: str, data=None) -> Feedback | None:
    """收到意见数 / 采纳 / 部分采纳 / 未采纳 / 未采纳理由, from the document (``data`` None) or a block."""
    sub = (lambda k: k) if data is not None else (lambda k: None)
    numbers = {}
    for name in ("收到意见数", "采纳", "部分采纳", "未采纳"):
        numbers[name] = r.count(key if data is not None else name, data, sub(name))
    if None in numbers.values():
        return None
    received, adopted, partly, rejected = numbers.values()
    where = key if data is not None else "收到意见数"
    if adopted + partly + rejected != received:
        r.error(where, f"采纳（{adopted}）、部分采纳（{partly}）、未采纳（{rejected}）之和为"
                       f"{adopted + partly + rejected}，与收到意见数（{received}）不一致",
                "核对各项条数：三项之和应等于收到意见数（与本文件无关的意见计入未采纳）", sub=data, subkey=sub("收到意见数"))
    source = r.doc.extra if data is None else data
    raw = source.get("未采纳理由")
    reasons = references(raw) if raw is not None and not isinstance(raw, dict) else []
    if isinstance(raw, dict):
        reasons = [f"{k}：{v}" for k, v in raw.items()]
    for reason in reasons:
        found = plain_text_problem(reason)
        if found:
            r.error(where if data is not None else "未采纳理由", f"“未采纳理由”{found[0]}", found[1], sub=data,
                    subkey=sub("未采纳理由"))
    if rejected and not reasons:
        r.error(where if data is not None else "未采纳理由", f"有{rejected}条意见未采纳，但没有写未采纳理由",
                "加“未采纳理由:”，逐条或分类说明理由", sub=data, subkey=sub("未采纳理由"))
    return Feedback(received=received, adopted=adopted, partly=partly, rejected=rejected, reasons=reasons,
                    source=f"{r.file}:{r.line(key)}" if r.line(key) else r.file)


def parse_feedback_block(r: Reader, tz: ZoneInfo) -> Feedback | None:
    data = r.doc.extra.get("反馈")
    if data is None:
        return None
    if not isinstance(data, dict):
        r.error("反馈", "“反馈”应为映射（收到意见数、采纳、部分采纳、未采纳、未采纳理由、发布日期）",
                "按 docs/interaction.md 的示例填写反馈块")
        return None
    for key in data:
        if key not in FEEDBACK_BLOCK_KEYS:
            r.error("反馈", f"不认识的字段“{key}”{close_matches(str(key), FEEDBACK_BLOCK_KEYS)}",
                    f"可用字段：{'、'.join(FEEDBACK_BLOCK_KEYS)}", sub=data, subkey=str(key))
    feedback = parse_feedback_counts(r, "反馈", data)
    if feedback is None:
        return None
    if data.get("发布日期") is not None:
        when = parse_when(data["发布日期"], tz)
        if when is None:
            r.error("反馈", f"发布日期“{data['发布日期']}”无法识别", "写成 2026-11-30", sub=data, subkey="发布日期")
        else:
            feedback.published = when[0].date()
    else:
        r.error("反馈", "反馈块缺少发布日期", "在反馈块中加“发布日期: 2026-11-30”（反馈公开的日期）",
                sub=data, subkey="发布日期")
    return feedback


def parse_consultation(r: Reader, tz: ZoneInfo) -> Consultation | None:
    extra = r.doc.extra
    moments = {}
    for key in ("征集开始", "征集截止"):
        value = extra.get(key)
        if value is None or not str(value).strip():
            r.error(key, f"意见征集缺少“{key}”", f"写“{key}: 2026-11-30”，需要精确到时刻时写“2026-11-30 17:00”（北京时间）")
            continue
        when = parse_when(value, tz)
        if when is None:
            r.error(key, f"“{value}”不是可识别的日期", "写成 2026-11-30 或 2026-11-30 17:00（北京时间）")
            continue
        moments[key] = when
    kind = r.text("征集类型") or "其他"
    if kind not in CONSULTATION_KINDS:
        r.error("征集类型", f"征集类型“{kind}”无效{close_matches(kind, CONSULTATION_KINDS)}",
                f"应为：{' / '.join(CONSULTATION_KINDS)}")
        kind = "其他"
    organizer = r.text("征集单位", required=True, fix="写“征集单位: 示例市司法局”（组织征集的单位全称）")
    channel = parse_channel(r)
    if not r.doc.body.strip() and not r.doc.attachments:
        r.problems.add(r.file, "意见征集既没有正文也没有附件，公众看不到征求意见稿", field="正文",
                       fix="在正文中放征求意见稿全文，或在“附件”中附上征求意见稿")
    if len(moments) < 2:
        return None
    (start, start_time), (end, end_time) = moments["征集开始"], moments["征集截止"]
    if end_time:  # comments are accepted until just before that instant
        last_day = (end - dt.timedelta(microseconds=1)).date()
    else:  # a date-only 截止 accepts comments all that day
        last_day, end = end.date(), end + dt.timedelta(days=1)
    if end <= start:
        r.error("征集截止", f"征集截止（{_show(moments['征集截止'])}）早于或等于征集开始（{_show(moments['征集开始'])}）",
                "核对两个日期：征集截止应晚于征集开始")
        return None
    return Consultation(document=r.doc, start=start, end=end, last_day=last_day, start_has_time=start_time,
                        end_has_time=end_time, organizer=organizer, channel=channel, kind=kind,
                        short_reason=r.text("期限说明"), drafting_note=r.text("起草说明"),
                        feedback=parse_feedback_block(r, tz))


def parse_feedback_document(r: Reader) -> Feedback | None:
    refs = references(r.doc.extra.get("征集"))
    if len(refs) != 1:
        r.error("征集", "反馈应写明对应的一个意见征集" if not refs else "一篇反馈只能对应一个意见征集",
                "写“征集: 索引号”或征集文件的路径（不含 .md）")
        return None
    feedback = parse_feedback_counts(r, "征集")
    if feedback is None:
        return None
    feedback.document, feedback.reference, feedback.published = r.doc, refs[0], r.doc.published
    return feedback


def _show(when: tuple[dt.datetime, bool]) -> str:
    moment, has_time = when
    return moment.strftime("%Y-%m-%d %H:%M") if has_time else moment.strftime("%Y-%m-%d")
