"""AnnualReport — 政府信息公开工作年度报告 as a plain model object, loaded once from its YAML file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .formats import FORMAT_2019, FORMAT_2021, FORMAT_TONGJIBIAO, SECTION_TITLES, TABLE3


class NotApplicable:
    """A cell printed "/" in the published table: the row does not apply to this 发布主体 (e.g. 规章 for an
    institution with no rule-making power). Not a figure: excluded from sums, null in CSV and JSON."""

    _instance = None

    def __new__(cls):
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NOT_APPLICABLE"

    def __str__(self) -> str:
        return "/"


NOT_APPLICABLE = NotApplicable()
Number = int | Decimal

# A report is published as a Document in a column of this kind; its Document.extra carries the report year under
# YEAR_EXTRA (the checks read both from here).
COLUMN_KIND = "年报"
YEAR_EXTRA = "年报年度"


@dataclass
class SicNote:
    """原文如此: a known inconsistency of the published report, kept as published and explained."""

    where: str  # the finding's position as the build names it, e.g. "四 · 行政复议"
    note: str  # the editor's explanation, shown on the page
    line: int | None = None


@dataclass
class AnnualReport:
    """政府信息公开工作年度报告 of one 发布主体 (发布机构) on one year (年度).

    Figures are keyed by the labels of ``formats``: ``table2[(row, column)]``, ``table3[row key]`` (seven numbers:
    自然人, 商业企业, 科研机构, 社会公益组织, 法律服务机构, 其他, 总计), ``table4[group]`` (five numbers),
    ``old[row key]`` for the 统计表. Prose is Markdown.
    """

    org_id: str
    year: int
    published: dt.date
    format: str
    index_number: str = ""  # 索引号, given or derived by the plugin
    prose: dict[str, str] = field(default_factory=dict)  # "一" / "五" / "六" → Markdown (2019/2021 formats)
    body: str = ""  # 正文: the free sections of an old-format report, Markdown
    table2: dict[tuple[str, str], Number | NotApplicable] = field(default_factory=dict)
    table3: dict[str, list[int]] = field(default_factory=dict)
    subtotals3: dict[str, list[int]] = field(default_factory=dict)  # optional 小计 an editor wrote for （三）…（六）
    table4: dict[str, list[int]] = field(default_factory=dict)
    tongjibiao: dict[str, Number] = field(default_factory=dict)  # 统计表 row id → 统计数
    absent: set[str] = field(default_factory=set)  # 统计表 row ids the published table did not carry (未列)
    other_as_one_row: bool = False  # a 2021-format report that printed （六）其他处理 as one row
    sic: list[SicNote] = field(default_factory=list)  # 原文如此
    late_reason: str = ""  # 逾期说明: why a report was published after the deadline (kept in the archive)
    draft: bool = False  # 草稿: true — a prefilled draft the editor has not confirmed; never published
    source: str = ""  # the data file, as shown in messages
    # Line in the file of each field ("一", "发布日期"), table 二 row ("二/规章"), table 三 row ("三/一", "三/三.3.1"),
    # table 四 item ("四/行政复议") and 统计表 row ("统计表/收到申请数"); "一:1" is the first line of 一's text.
    lines: dict[str, int] = field(default_factory=dict)

    @property
    def is_tongjibiao(self) -> bool:
        return self.format == FORMAT_TONGJIBIAO

    def line(self, key: str) -> int | None:
        """The line of ``key``, else of the field it belongs to ("三/一" → "三")."""
        return self.lines.get(key) or self.lines.get(key.split("/")[0]) or None

    @property
    def sections(self) -> dict[str, str]:
        return SECTION_TITLES

    # Key figures compared year by year on the 发布主体's history page; None where a format has no such figure.
    def key_figures(self) -> dict[str, Number | None]:
        if self.is_tongjibiao:
            o = self.tongjibiao
            return {"规范性文件制发": o.get("制发规范性文件总数"), "新收申请": o.get("收到申请数"),
                    "予以公开": o.get("同意公开答复数"), "行政复议": o.get("行政复议数量"),
                    "行政诉讼": o.get("行政诉讼数量")}
        t3, t4 = self.table3, self.table4
        rule_row = "行政规范性文件" if self.format == "2021" else "规范性文件"
        made = self.table2.get((rule_row, "本年制发件数" if self.format == "2021" else "本年新制作数量"))
        return {
            "规范性文件制发": None if made is NOT_APPLICABLE else made,
            "新收申请": t3["一"][6] if "一" in t3 else None,
            "予以公开": t3["三.1"][6] if "三.1" in t3 else None,
            "行政复议": t4["行政复议"][4] if "行政复议" in t4 else None,
            "行政诉讼": (t4["未经复议直接起诉"][4] + t4["复议后起诉"][4])
            if "未经复议直接起诉" in t4 and "复议后起诉" in t4 else None,
        }

    def table3_layout(self):
        """Table 三 as this report printed it: a 2021-format report with a one-row （六）其他处理 has the rows of the
        2019 layout (the two differ only there); its three sub-rows are absent, never invented."""
        return TABLE3[FORMAT_2019 if self.format == FORMAT_2021 and self.other_as_one_row else self.format]


KEY_FIGURES = ("规范性文件制发", "新收申请", "予以公开", "行政复议", "行政诉讼")
KEY_FIGURE_LABELS = {
    "规范性文件制发": "制发规范性文件（件）",
    "新收申请": "新收政府信息公开申请（件）",
    "予以公开": "予以公开（件）",
    "行政复议": "行政复议（件）",
    "行政诉讼": "行政诉讼（件）",
}
