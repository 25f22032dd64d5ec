"""AnnualReport — 政府信息公开工作年度报告 as a plain model object, loaded once from its YAML file."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from .formats import FORMAT_OLD, SECTION_TITLES, TABLE3

Number = int | Decimal


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
    table2: dict[tuple[str, str], Number] = field(default_factory=dict)
    table3: dict[str, list[int]] = field(default_factory=dict)
    subtotals3: dict[str, list[int]] = field(default_factory=dict)  # optional 小计 an editor wrote for （三）…（六）
    table4: dict[str, list[int]] = field(default_factory=dict)
    old: dict[str, Number] = field(default_factory=dict)
    late_reason: str = ""  # 逾期说明: why a report was published after the deadline (kept in the archive)
    draft: bool = False  # 草稿: true — a prefilled draft the editor has not confirmed; never published
    source: str = ""  # the data file, as shown in messages
    lines: dict[str, int] = field(default_factory=dict)  # "三" / "三.3.1" / "发布日期" … → line in the file

    @property
    def is_old(self) -> bool:
        return self.format == FORMAT_OLD

    def line(self, key: str) -> int | None:
        return self.lines.get(key) or self.lines.get(key.split(".")[0]) or None

    @property
    def sections(self) -> dict[str, str]:
        return SECTION_TITLES

    # Key figures compared year by year on the 发布主体's history page; None where a format has no such figure.
    def key_figures(self) -> dict[str, Number | None]:
        if self.is_old:
            o = self.old
            return {"规范性文件制发": o.get("制发规范性文件总数"), "新收申请": o.get("收到申请数"),
                    "予以公开": o.get("同意公开答复数"), "行政复议": o.get("行政复议数量"),
                    "行政诉讼": o.get("行政诉讼数量")}
        t3, t4 = self.table3, self.table4
        rule_row = "行政规范性文件" if self.format == "2021" else "规范性文件"
        made = self.table2.get((rule_row, "本年制发件数" if self.format == "2021" else "本年新制作数量"))
        return {
            "规范性文件制发": made,
            "新收申请": t3["一"][6] if "一" in t3 else None,
            "予以公开": t3["三.1"][6] if "三.1" in t3 else None,
            "行政复议": t4["行政复议"][4] if "行政复议" in t4 else None,
            "行政诉讼": (t4["未经复议直接起诉"][4] + t4["复议后起诉"][4])
            if "未经复议直接起诉" in t4 and "复议后起诉" in t4 else None,
        }

    def table3_layout(self):
        return TABLE3[self.format]


KEY_FIGURES = ("规范性文件制发", "新收申请", "予以公开", "行政复议", "行政诉讼")
KEY_FIGURE_LABELS = {
    "规范性文件制发": "制发规范性文件（件）",
    "新收申请": "新收政府信息公开申请（件）",
    "予以公开": "予以公开（件）",
    "行政复议": "行政复议（件）",
    "行政诉讼": "行政诉讼（件）",
}
