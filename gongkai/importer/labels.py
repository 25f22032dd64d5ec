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
    "索引号": ("索引号", "信息索引号", "索取号", "索 引 号", "信息索取号"),
    "主题分类": ("主题分类", "公文主题分类", "主题类别", "分类", "信息分类", "所属分类", "主题", "所属主题", "信息类别"),
    "发布机构": ("发布机构", "发文机关", "发文单位", "发布单位", "制发机关", "发布主体", "发文机构", "信息发布机构",
             "所属机构", "公开主体", "责任单位", "发布部门", "生成机构"),
    "成文日期": ("成文日期", "生成日期", "发文日期", "印发日期", "产生日期", "成文时间", "制发日期", "生成时间",
             "发文时间", "印发时间"),
    "标题": ("标题", "名称", "文件名称", "信息名称", "题名", "文件标题", "信息标题"),
    "文号": ("文号", "发文字号", "发文文号", "文件编号", "发文号", "文件文号"),
    "发布日期": ("发布日期", "公开日期", "发布时间", "公开时间", "发布时期", "信息发布日期"),
    "有效性": ("有效性", "时效性", "效力状态", "时效", "是否有效", "有效状态", "效力"),
    "栏目": ("栏目", "所属栏目", "栏目名称"),
    "主题词": ("主题词", "关键词", "关键字", "主 题 词"),
    "内容概述": ("内容概述", "内容摘要", "摘要", "内容描述"),
    # export columns only
    "正文": ("正文", "内容", "文件内容"),
    "附件": ("附件", "附件文件", "附件链接", "附件地址", "附件路径"),
    "原网址": ("链接", "URL", "网址", "原网址", "页面地址", "访问地址", "文章链接", "原文链接"),
}
FIELDS = tuple(ALIASES)
# Labels old pages print that gongkai knows and does not use (a page's chrome, or items the national catalog does not
# need): never reported as unknown.
IGNORED = ("公开方式", "公开范围", "公开形式", "公开类型", "公开时限", "公开属性", "体裁分类", "组配分类", "服务对象",
           "服务对象分类", "实施日期", "施行日期", "废止日期", "失效日期", "有效期", "作者",
           "编辑", "责任编辑", "浏览次数", "访问次数", "阅读次数", "点击数", "浏览量", "字号", "字体", "打印", "关闭",
           "分享", "分享到", "当前位置", "您的位置", "您当前的位置", "所属地区",
           "备注", "附件下载", "相关附件", "相关链接", "扫一扫", "联系电话", "电话")

# <meta name=…> written by most platforms (ArticleTitle, PubDate, ColumnName, ContentSource) → field
META_NAMES = {"articletitle": "标题", "pubdate": "发布日期", "firstpublishedtime": "发布日期",
              "columnname": "栏目", "lanmu": "栏目", "contentsource": "发布机构"}
# meta fields that only hint: used when the box lacks the item, and reported as inferred
WEAK_META = {"发布机构": "页面来源（ContentSource）"}

_SPACE = "\\s\u200b\u2002\u2003\u3000\xa0"
# Any short CJK label followed by a colon ("浏览次数：", "字号："): where a value printed beside others ends.
ANY_LABEL = re.compile(rf"[\u4e00-\u9fff][\u4e00-\u9fff{_SPACE}]{{1,7}}[：:]")
_SPACES = re.compile(f"[{_SPACE}]+")
_LEADING = re.compile(f"[{_SPACE}]*")
DATE_IN_TEXT = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})|(\d{4})(\d{2})(\d{2})")


def squeeze(text: str) -> str:
    """Collapse runs of any space (&nbsp;, &ensp;, 全角空格) to one ASCII space and trim."""
    return _SPACES.sub(" ", text).strip()


def bare(label: str) -> str:
    """A printed label without its spaces and colon: "索&ensp;引&ensp;号：" → "索引号"."""
    return _SPACES.sub("", str(label)).rstrip("：:")


class LabelTable:
    """Which printed label means which field: ``ALIASES``, plus the ``标签`` section of a map file."""

    def __init__(self, extra: dict[str, str] | None = None):
        self.by_label: dict[str, str] = {bare(label): f for f, names in ALIASES.items() for label in names}
        self.by_label.update({bare(label): f for label, f in (extra or {}).items()})
        self.ignored = {bare(label) for label in IGNORED} - set(self.by_label)
        alt = "|".join(f"[{_SPACE}]*".join(map(re.escape, label))
                       for label in sorted(self.by_label, key=len, reverse=True))
        # A label as printed: its characters may be spaced apart; a colon (full or half width) usually follows.
        self.at_start = re.compile(rf"^[{_SPACE}]*({alt})[{_SPACE}]*([：:]|$)")
        self.inside = re.compile(rf"({alt})[{_SPACE}]*[：:]")
        self._first = {label[0] for label in self.by_label}  # a cheap test before the long alternation

    def field_of(self, label: str) -> str | None:
        """The canonical field a printed label stands for, or None."""
        return self.by_label.get(bare(label))

    def split_label(self, text: str) -> tuple[str, str] | None:
        """(field, value) when ``text`` starts with a known label: "索 引 号：PZ001…" → ("索引号", "PZ001…")."""
        start = _LEADING.match(text).end()
        if text[start:start + 1] not in self._first:
            return None
        match = self.at_start.match(text)
        if not match:
            return None
        return self.by_label[_SPACES.sub("", match.group(1))], text[match.end():]

    def unknown(self, label: str) -> bool:
        """A label neither used nor knowingly ignored (reported, so that the editor can map it)."""
        name = bare(label)
        return name not in self.by_label and name not in self.ignored


TABLE = LabelTable()
LABEL_AT_START, LABEL_INSIDE = TABLE.at_start, TABLE.inside
field_of, split_label = TABLE.field_of, TABLE.split_label


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
