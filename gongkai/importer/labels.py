"""The labels old sites print in their metadata box, and the values they print beside them.

Platforms name the same item differently (发文机关 / 发布机构, 发文字号 / 文号, 名称 / 标题) and space the characters of
short labels apart (``索&ensp;引&ensp;号``, ``标　　题``). Every source — a page's box, its ``<meta>`` tags, a
CSV/XLSX header row — goes through ``field_of`` so that one table decides what a label means.
"""

from __future__ import annotations

import datetime as dt
import re

# canonical field → labels seen on published pages and in CMS exports
ALIASES: dict[str, tuple[str, ...]] = {
    "索引号": ("索引号", "信息索引号", "索取号"),
    "主题分类": ("主题分类", "公文主题分类", "主题类别", "分类"),
    "发布机构": ("发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "发布主体"),
    "成文日期": ("成文日期", "生成日期", "发文日期", "印发日期", "产生日期"),
    "标题": ("标题", "名称", "文件名称", "信息名称", "题名"),
    "文号": ("文号", "发文字号", "发文文号", "文件编号"),
    "发布日期": ("发布日期", "公开日期", "发布时间"),
    "有效性": ("有效性", "时效性", "效力状态"),
    "栏目": ("栏目", "所属栏目", "栏目名称"),
    "主题词": ("主题词", "关键词"),
    "内容概述": ("内容概述", "内容摘要", "摘要"),
    # export columns only
    "正文": ("正文", "内容", "文件内容"),
    "附件": ("附件", "附件文件"),
}
FIELDS = tuple(ALIASES)

# <meta name=…> written by most platforms (ArticleTitle, PubDate, ColumnName, ContentSource) → field
META_NAMES = {"articletitle": "标题", "pubdate": "发布日期", "firstpublishedtime": "发布日期",
              "columnname": "栏目", "lanmu": "栏目", "contentsource": "发布机构"}
# meta fields that only hint: used when the box lacks the item, and reported as inferred
WEAK_META = {"发布机构": "页面来源（ContentSource）"}

_SPACE = "\\s\u200b\u2002\u2003\u3000\xa0"
_BY_LABEL = {label: field for field, labels in ALIASES.items() for label in labels}
# A label as printed: its characters may be spaced apart; a colon (full or half width) usually follows.
_LABEL_ALT = "|".join(f"[{_SPACE}]*".join(map(re.escape, label))
                      for label in sorted(_BY_LABEL, key=len, reverse=True))
LABEL_AT_START = re.compile(rf"^[{_SPACE}]*({_LABEL_ALT})[{_SPACE}]*([：:]|$)")
LABEL_INSIDE = re.compile(rf"({_LABEL_ALT})[{_SPACE}]*[：:]")
# Any short CJK label followed by a colon ("浏览次数：", "字号："): where a value printed beside others ends.
ANY_LABEL = re.compile(rf"[\u4e00-\u9fff][\u4e00-\u9fff{_SPACE}]{{1,7}}[：:]")
_SPACES = re.compile(f"[{_SPACE}]+")
DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2})")


def squeeze(text: str) -> str:
    """Collapse runs of any space (&nbsp;, &ensp;, 全角空格) to one ASCII space and trim."""
    return _SPACES.sub(" ", text).strip()


def field_of(label: str) -> str | None:
    """The canonical field a printed label stands for, or None."""
    return _BY_LABEL.get(_SPACES.sub("", label).rstrip("：:"))


def split_label(text: str) -> tuple[str, str] | None:
    """(field, value) when ``text`` starts with a known label: "索 引 号：PZ001…" → ("索引号", "PZ001…")."""
    match = LABEL_AT_START.match(text)
    if not match:
        return None
    return _BY_LABEL[_SPACES.sub("", match.group(1))], text[match.end():]


def parse_date(value) -> dt.date | None:
    """A date as old sites print it: 2022-05-20, 2022年5月20日, 2022/5/20, 2022.05.20, 20220520, with or without
    a time after it; spreadsheet cells may already be dates."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    match = DATE_IN_TEXT.search(str(value or ""))
    if not match:
        return None
    year, month, day = (int(g) for g in (match.groups()[:3] if match.group(1) else match.groups()[3:]))
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
