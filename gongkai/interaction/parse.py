"""Read the 解读 / 征集 / 反馈 front-matter keys (kept raw in ``Document.extra``) into model objects.

Each kind of document declares its fields as a table read by ``gongkai.fields.FieldReader``: every bad value
becomes a ``Problem`` naming the file, the line where known, the field and the fix; a document with bad values is
still returned where possible so that one mistake does not hide the next.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Callable
from zoneinfo import ZoneInfo

from ..errors import Problems
from ..fields import COUNT, MAPPING, MOMENT, TEXTS, Field, FieldReader, keys
from ..model import Document
from ..safety import plain_text_problem
from .model import (CONSULTATION_KINDS, FORM_ALIASES, INTERPRETATION_FORMS, Channel, Consultation, Feedback,
                    Interpretation)

WHEN_FIX = "写成 2026-11-30，需要精确到时刻时写 2026-11-30 17:00（北京时间）"
CHANNEL_FIX = "写“反馈方式:”，下面至少填一项：邮箱、通讯地址（同时写邮编）、电话、传真或在线提交网址，并写联系人（公众据此提交意见）"

INTERPRETATION_FIELDS = (
    Field("原文", TEXTS, required=True, default=[],
          fix="写“原文: 索引号”（如 999000002/2024-00012）或原文的文件路径（不含 .md），多个原文写成列表"),
    Field("解读形式", choices=INTERPRETATION_FORMS, aliases=FORM_ALIASES, default="文字"),
)
CHANNEL = Field("反馈方式", MAPPING, required=True, shape="邮箱、通讯地址、邮编、电话、联系人…", fix=CHANNEL_FIX)
FEEDBACK_BLOCK = Field("反馈", MAPPING, shape="收到意见数、采纳、部分采纳、未采纳、未采纳理由、发布日期",
                       fix="按编辑手册“意见征集和反馈”（content/bangzhu/zhengji.md）的示例填写反馈块")
START, END = (Field(key, MOMENT, required=True, fix=WHEN_FIX) for key in ("征集开始", "征集截止"))
ORGANIZER = Field("征集单位", required=True, default="", fix="写“征集单位: 示例市司法局”（组织征集的单位全称）")
KIND = Field("征集类型", choices=CONSULTATION_KINDS, default="其他",
             fix="按征求意见稿的性质选一个，各类型的最短征集期限见编辑手册“意见征集和反馈”（content/bangzhu/zhengji.md）")
SHORT_REASON = Field("期限说明", default="")
DRAFTING_NOTE = Field("起草说明", default="", plain=False)  # Markdown, rendered with the site's extensions
CONSULTATION_FIELDS = (START, END, ORGANIZER, CHANNEL, KIND, SHORT_REASON, DRAFTING_NOTE, FEEDBACK_BLOCK)
CHANNEL_FIELDS = tuple(Field(key, default="", attr=attr) for key, attr in (
    ("邮箱", "email"), ("通讯地址", "address"), ("邮编", "postcode"), ("电话", "phone"), ("联系人", "contact"),
    ("传真", "fax"), ("在线提交", "online")))
COUNT_FIELDS = tuple(Field(key, COUNT, required=True, fix=f"填写“{key}: 0”或实际条数")
                     for key in ("收到意见数", "采纳", "部分采纳", "未采纳"))
REASONS = Field("未采纳理由", TEXTS, default=[])
CONSULTATION_REF = Field("征集", TEXTS, required=True, default=[], fix="写“征集: 索引号”或征集文件的路径（不含 .md）")
FEEDBACK_DATE = Field("发布日期", MOMENT, required=True, fix="在反馈块中加“发布日期: 2026-11-30”（反馈公开的日期）")

# Keys this feature owns in a document's front matter (declared to the core plugin).
INTERPRETATION_KEYS = keys(INTERPRETATION_FIELDS)
CONSULTATION_KEYS = keys(CONSULTATION_FIELDS)
FEEDBACK_COUNT_KEYS = keys(COUNT_FIELDS + (REASONS,))
FEEDBACK_KEYS = (CONSULTATION_REF.key,) + FEEDBACK_COUNT_KEYS
FIELDS = INTERPRETATION_KEYS + CONSULTATION_KEYS + FEEDBACK_KEYS
FEEDBACK_BLOCK_KEYS = FEEDBACK_COUNT_KEYS + (FEEDBACK_DATE.key,)

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


def reader(doc: Document, problems: Problems, display: Callable[[Document], str] = display_of,
           lines: LineOf = line_of, zone: ZoneInfo | None = None) -> FieldReader:
    """The field reader of one document's extra keys; a missing key is named at the front matter's first line."""
    return FieldReader(doc.extra, problems, display(doc), lines=lambda key: lines(doc, key), zone=zone,
                       line=min(doc.field_lines.values(), default=None), guide="编辑手册“政策解读”“意见征集和反馈”（content/bangzhu/jiedu.md、zhengji.md）")


def parse_interpretation(doc: Document, r: FieldReader) -> Interpretation:
    values = r.read_all(INTERPRETATION_FIELDS)
    return Interpretation(document=doc, form=values["解读形式"], references=values["原文"])


def parse_channel(r: FieldReader) -> Channel:
    c = r.mapping(CHANNEL)
    if c is None:
        return Channel()
    c.unknown_keys(keys(CHANNEL_FIELDS))
    channel = Channel(**c.read_all(CHANNEL_FIELDS))
    if channel.empty:
        r.error("反馈方式", "反馈方式中没有任何可用的联系渠道", CHANNEL_FIX)
    if channel.online and not ONLINE_RE.match(channel.online):
        c.error("在线提交", f"在线提交网址“{channel.online}”应以 https:// 或 http:// 开头", "例如 https://www.example.gov.cn/zjyj/")
        channel.online = ""
    if channel.email and not EMAIL_RE.match(channel.email):
        c.error("邮箱", f"邮箱“{channel.email}”格式不正确", "例如 fzb@example.gov.cn")
    if channel.address and not channel.postcode:
        c.error("通讯地址", "写了通讯地址但没有邮编", "在反馈方式下加“邮编: \"999000\"”（6位数字，加引号）")
    if channel.postcode and not POSTCODE_RE.match(channel.postcode):
        c.error("邮编", f"邮编“{channel.postcode}”应为6位数字", "写成带引号的6位数字，如 \"999000\"")
    return channel


def parse_feedback_counts(r: FieldReader, source: str) -> Feedback | None:
    """收到意见数 / 采纳 / 部分采纳 / 未采纳 / 未采纳理由, from a 反馈 document or a 征集's 反馈 block (``r``)."""
    numbers = [r.read(f) for f in COUNT_FIELDS]
    if None in numbers:
        return None
    received, adopted, partly, rejected = numbers
    if adopted + partly + rejected != received:
        r.error("收到意见数", f"采纳（{adopted}）、部分采纳（{partly}）、未采纳（{rejected}）之和为"
                f"{adopted + partly + rejected}，与收到意见数（{received}）不一致",
                "核对各项条数：三项之和应等于收到意见数（与本文件无关的意见计入未采纳）")
    if isinstance(r.data.get(REASONS.key), dict):  # by category: “类别: 理由”
        by_kind = r.within(REASONS.key)
        reasons = []
        for kind in by_kind.data:
            found = plain_text_problem(str(kind))
            if found:
                by_kind.error(kind, found[0], found[1])
            reason = by_kind.read(Field(kind, default=""))
            if reason:
                reasons.append(f"{kind}：{reason}")
    else:
        reasons = r.read(REASONS)
    if rejected and not reasons and REASONS.key not in r.reported:
        r.error(REASONS.key, f"有{rejected}条意见未采纳，但没有写未采纳理由", "加“未采纳理由:”，逐条或分类说明理由")
    return Feedback(received=received, adopted=adopted, partly=partly, rejected=rejected, reasons=reasons,
                    source=source)


def _source(r: FieldReader, key: str) -> str:
    line = r.line_of(key)
    return f"{r.file}:{line}" if line else r.file


def parse_feedback_block(r: FieldReader) -> Feedback | None:
    block = r.mapping(FEEDBACK_BLOCK)
    if block is None:
        return None
    block.unknown_keys(FEEDBACK_BLOCK_KEYS)
    feedback = parse_feedback_counts(block, _source(r, FEEDBACK_BLOCK.key))
    if feedback is None:
        return None
    when = block.read(FEEDBACK_DATE)
    if when:
        feedback.published = when[0].date()
    return feedback


def parse_consultation(doc: Document, r: FieldReader) -> Consultation | None:
    start_when, end_when = r.read(START), r.read(END)
    kind = r.read(KIND)
    organizer = r.read(ORGANIZER)
    channel = parse_channel(r)
    if not doc.body.strip() and not doc.attachments:
        r.problems.add(r.file, "意见征集既没有正文也没有附件，公众看不到征求意见稿", field="正文",
                       fix="在正文中放征求意见稿全文，或在“附件”中附上征求意见稿")
    if start_when is None or end_when is None:
        return None
    (start, start_time), (end, end_time) = start_when, end_when
    if end_time:  # comments are accepted until just before that instant
        last_day = (end - dt.timedelta(microseconds=1)).date()
    else:  # a date-only 截止 accepts comments all that day
        last_day, end = end.date(), end + dt.timedelta(days=1)
    if end <= start:
        r.error("征集截止", f"征集截止（{_show(end_when)}）早于或等于征集开始（{_show(start_when)}）",
                "核对两个日期：征集截止应晚于征集开始")
        return None
    return Consultation(document=doc, start=start, end=end, last_day=last_day, start_has_time=start_time,
                        end_has_time=end_time, organizer=organizer, channel=channel, kind=kind,
                        kind_written=not KIND.blank(r.data.get(KIND.key)),
                        short_reason=r.read(SHORT_REASON), drafting_note=r.read(DRAFTING_NOTE),
                        feedback=parse_feedback_block(r))


def parse_feedback_document(doc: Document, r: FieldReader) -> Feedback | None:
    refs = r.read(CONSULTATION_REF)
    if len(refs) > 1:
        r.error("征集", "一篇反馈只能对应一个意见征集", CONSULTATION_REF.fix)
    if len(refs) != 1:
        return None
    feedback = parse_feedback_counts(r, _source(r, CONSULTATION_REF.key))
    if feedback is None:
        return None
    feedback.document, feedback.reference, feedback.published = doc, refs[0], doc.published
    return feedback


def _show(when: tuple[dt.datetime, bool]) -> str:
    moment, has_time = when
    return moment.strftime("%Y-%m-%d %H:%M") if has_time else moment.strftime("%Y-%m-%d")
