"""The statutory table layouts of 政府信息公开工作年度报告, as data (sources and years: docs/domain.md).

Every label here is printed exactly as the national template prints it; the loader matches editors' keys against
them, the validator names rows and columns by them, and the renderer draws the tables from them. Nothing else in
gongkai spells a report label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

FORMAT_2021 = "2021"  # 国办公开办函〔2021〕30号, reports on 2021 onward
FORMAT_2019 = "2019"  # 国办公开办函〔2019〕60号, reports on 2019 and 2020
FORMAT_TONGJIBIAO = "统计表"  # reports on 2008–2018: free sections and the 政府信息公开情况统计表
FORMATS = (FORMAT_2021, FORMAT_2019, FORMAT_TONGJIBIAO)

FORMAT_NAMES = {
    FORMAT_2021: "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2021〕30号）",
    FORMAT_2019: "《中华人民共和国政府信息公开工作年度报告格式》（国办公开办函〔2019〕60号）",
    FORMAT_TONGJIBIAO: "政府信息公开情况统计表（2008—2018年度报告）",
}


def format_for_year(year: int) -> str:
    if year >= 2021:
        return FORMAT_2021
    if year >= 2019:
        return FORMAT_2019
    return FORMAT_TONGJIBIAO


SECTION_TITLES = {
    "一": "一、总体情况",
    "二": "二、主动公开政府信息情况",
    "三": "三、收到和处理政府信息公开申请情况",
    "四": "四、政府信息公开行政复议、行政诉讼情况",
    "五": "五、存在的主要问题及改进情况",
    "六": "六、其他需要报告的事项",
}
PROSE_SECTIONS = ("一", "五", "六")


# ---- 二、主动公开政府信息情况 ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column2:
    label: str
    kind: str = "count"  # count: non-negative integer | delta: any integer (本年增/减) | amount: non-negative decimal


@dataclass(frozen=True)
class Block2:
    """One 第二十条第（X）项 block of table 二: a heading, its value columns and its rows."""

    heading: str
    columns: tuple[Column2, ...]
    rows: tuple[str, ...]


COUNT, DELTA, AMOUNT = "count", "delta", "amount"

TABLE2 = {
    FORMAT_2021: (
        Block2("第二十条第（一）项", (Column2("本年制发件数"), Column2("本年废止件数"), Column2("现行有效件数")),
               ("规章", "行政规范性文件")),
        Block2("第二十条第（五）项", (Column2("本年处理决定数量"),), ("行政许可",)),
        Block2("第二十条第（六）项", (Column2("本年处理决定数量"),), ("行政处罚", "行政强制")),
        Block2("第二十条第（八）项", (Column2("本年收费金额（单位：万元）", AMOUNT),), ("行政事业性收费",)),
    ),
    FORMAT_2019: (
        Block2("第二十条第（一）项", (Column2("本年新制作数量"), Column2("本年新公开数量"), Column2("对外公开总数量")),
               ("规章", "规范性文件")),
        Block2("第二十条第（五）项", (Column2("上一年项目数量"), Column2("本年增/减", DELTA), Column2("处理决定数量")),
               ("行政许可", "其他对外管理服务事项")),
        Block2("第二十条第（六）项", (Column2("上一年项目数量"), Column2("本年增/减", DELTA), Column2("处理决定数量")),
               ("行政处罚", "行政强制")),
        Block2("第二十条第（八）项", (Column2("上一年项目数量"), Column2("本年增/减", DELTA)), ("行政事业性收费",)),
        Block2("第二十条第（九）项", (Column2("采购项目数量"), Column2("采购总金额", AMOUNT)), ("政府集中采购",)),
    ),
}
TABLE2_FIRST_HEADER = "信息内容"


# ---- 三、收到和处理政府信息公开申请情况 -------------------------------------------------------------------------

APPLICANTS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
APPLICANT_GROUP = "申请人情况"
LEGAL_PERSONS = "法人或其他组织"
RECONCILE_NOTE = "本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和"


@dataclass(frozen=True)
class Row3:
    """A row of table 三 that carries seven numbers. ``group`` is the （三）…（六） heading it sits under."""

    key: str  # stable id, e.g. "三.3.1"
    label: str  # exactly as printed
    top: str  # "一" | "二" | "三" | "四": the top-level item
    group: str | None = None  # e.g. "（三）不予公开" for its sub-rows


@dataclass(frozen=True)
class Table3:
    rows: tuple[Row3, ...]
    groups: tuple[tuple[str, tuple[str, ...]], ...]  # (group label, sub-row keys) for （三）…（六）
    results: tuple[str, ...]  # keys of the rows summed into （七）总计
    total_key: str = "三.7"

    def row(self, key: str) -> Row3:
        return next(r for r in self.rows if r.key == key)


TOP3 = {
    "一": "一、本年新收政府信息公开申请数量",
    "二": "二、上年结转政府信息公开申请数量",
    "三": "三、本年度办理结果",
    "四": "四、结转下年度继续办理",
}
WITHHELD = ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
            "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")
UNAVAILABLE = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
NOT_PROCESSED = ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                 "5.要求行政机关确认或重新出具已获取信息")
OTHER_2021 = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
              "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")


OTHER_ONE_ROW = "三.6"  # （六）其他处理 as one row: the 2019 format, and 2021-format reports that printed it so


def _table3(fmt: str) -> Table3:
    rows = [Row3("一", TOP3["一"], "一"), Row3("二", TOP3["二"], "二"),
            Row3("三.1", "（一）予以公开", "三"),
            Row3("三.2", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "三")]
    groups = []
    results = ["三.1", "三.2"]
    subgroups = [("三", "（三）不予公开", WITHHELD), ("四", "（四）无法提供", UNAVAILABLE),
                 ("五", "（五）不予处理", NOT_PROCESSED)]
    if fmt == FORMAT_2021:
        subgroups.append(("六", "（六）其他处理", OTHER_2021))
    for number, heading, labels in subgroups:
        keys = []
        for i, label in enumerate(labels, start=1):
            key = f"三.{'三四五六'.index(number) + 3}.{i}"
            rows.append(Row3(key, label, "三", heading))
            keys.append(key)
        groups.append((heading, tuple(keys)))
        results.extend(keys)
    if fmt != FORMAT_2021:
        rows.append(Row3(OTHER_ONE_ROW, "（六）其他处理", "三"))
        results.append(OTHER_ONE_ROW)
    rows.append(Row3("三.7", "（七）总计", "三"))
    rows.append(Row3("四", TOP3["四"], "四"))
    return Table3(tuple(rows), tuple(groups), tuple(results))


TABLE3 = {FORMAT_2021: _table3(FORMAT_2021), FORMAT_2019: _table3(FORMAT_2019)}


# ---- 四、政府信息公开行政复议、行政诉讼情况 -----------------------------------------------------------------------

REVIEW = "行政复议"
LITIGATION = "行政诉讼"
TABLE4_GROUPS = ("行政复议", "未经复议直接起诉", "复议后起诉")  # the last two sit under 行政诉讼
TABLE4_COLUMNS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


# ---- the 政府信息公开情况统计表 of reports on 2008–2018 (format "统计表") -------------------------------------------

SUM, SUBSET, AT_MOST = "sum", "subset", "at_most"


@dataclass(frozen=True)
class TongjibiaoRow:
    """One indicator of the 统计表. ``relation`` says how it relates to ``parent``:
    "sum" — parent = sum of its "sum" children; "subset" — a 其中 row, at most its parent; "at_most" — a channel
    row, at most the parent (the parent counts an item once however many channels carried it); None — no rule."""

    key: str  # group-scoped short name editors write, e.g. "当面申请数"
    label: str  # exactly as printed, with numbering and notes
    unit: str  # 条 件 次 篇 个 人 人次 万元, or "——" for headings
    level: int  # indentation: 0 group, 1 （一）, 2 1., 3 其中
    group: str  # the group's key
    parent: str | None = None
    relation: str | None = None
    decimal: bool = False

    @property
    def heading(self) -> bool:
        return self.unit == "——"

    @property
    def id(self) -> str:
        """Site-wide unique name of the indicator: its key, qualified by its group where a key repeats."""
        return f"{self.group}·{self.key}" if self.key in _REPEATED else self.key

    @property
    def parent_id(self) -> str | None:
        if self.parent is None:
            return None
        return f"{self.group}·{self.parent}" if self.parent in _REPEATED else self.parent


TONGJIBIAO_TITLE = "政府信息公开情况统计表"
TONGJIBIAO_COLUMNS = ("统计指标", "单位", "统计数")
_H = "——"


def _tongjibiao_rows() -> tuple[TongjibiaoRow, ...]:
    """The 65 rows as printed in reports on 2016 (docs/domain.md names the published report they are checked
    against, tests/fixtures/reports/tongjibiao-2016.tsv)."""
    rows: list[TongjibiaoRow] = []

    def add(key, label, unit, level, group, parent=None, relation=None, decimal=False):
        rows.append(TongjibiaoRow(key, label, unit, level, group, parent, relation, decimal))

    g = "主动公开情况"
    add(g, "一、主动公开情况", _H, 0, g)
    add("主动公开政府信息数", "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", 1, g)
    add("主动公开规范性文件数", "其中：主动公开规范性文件数", "条", 3, g, "主动公开政府信息数", SUBSET)
    add("制发规范性文件总数", "制发规范性文件总数", "件", 3, g)
    add("通过不同渠道和方式公开政府信息的情况", "（二）通过不同渠道和方式公开政府信息的情况", _H, 1, g)
    for i, name in enumerate(("政府公报", "政府网站", "政务微博", "政务微信", "其他方式"), start=1):
        add(f"{name}公开政府信息数", f"{i}.{name}公开政府信息数", "条", 2, g, "主动公开政府信息数", AT_MOST)
    g = "回应解读情况"
    add(g, "二、回应解读情况", _H, 0, g)
    add("回应公众关注热点或重大舆情数", "（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", 1, g)
    add("通过不同渠道和方式回应解读的情况", "（二）通过不同渠道和方式回应解读的情况", _H, 1, g)
    add("参加或举办新闻发布会总次数", "1.参加或举办新闻发布会总次数", "次", 2, g)
    add("主要负责同志参加新闻发布会次数", "其中：主要负责同志参加新闻发布会次数", "次", 3, g,
        "参加或举办新闻发布会总次数", SUBSET)
    add("政府网站在线访谈次数", "2.政府网站在线访谈次数", "次", 2, g)
    add("主要负责同志参加政府网站在线访谈次数", "其中：主要负责同志参加政府网站在线访谈次数", "次", 3, g,
        "政府网站在线访谈次数", SUBSET)
    add("政策解读稿件发布数", "3.政策解读稿件发布数", "篇", 2, g)
    add("微博微信回应事件数", "4.微博微信回应事件数", "次", 2, g)
    add("其他方式回应事件数", "5.其他方式回应事件数", "次", 2, g)
    g = "依申请公开情况"
    add(g, "三、依申请公开情况", _H, 0, g)
    add("收到申请数", "（一）收到申请数", "件", 1, g)
    for i, name in enumerate(("当面", "传真", "网络", "信函"), start=1):
        add(f"{name}申请数", f"{i}.{name}申请数", "件", 2, g, "收到申请数", SUM)
    add("申请办结数", "（二）申请办结数", "件", 1, g)
    add("按时办结数", "1.按时办结数", "件", 2, g, "申请办结数", SUM)
    add("延期办结数", "2.延期办结数", "件", 2, g, "申请办结数", SUM)
    add("申请答复数", "（三）申请答复数", "件", 1, g)
    add("属于已主动公开范围数", "1.属于已主动公开范围数", "件", 2, g, "申请答复数", SUM)
    add("同意公开答复数", "2.同意公开答复数", "件", 2, g, "申请答复数", SUM)
    add("同意部分公开答复数", "3.同意部分公开答复数", "件", 2, g, "申请答复数", SUM)
    add("不同意公开答复数", "4.不同意公开答复数", "件", 2, g, "申请答复数", SUM)
    # The six reasons end with a catch-all (法律法规规定的其他情形), so together they are the refusals.
    reasons = ("涉及国家秘密", "涉及商业秘密", "涉及个人隐私", "危及国家安全、公共安全、经济安全和社会稳定",
               "不是《条例》所指政府信息", "法律法规规定的其他情形")
    for i, name in enumerate(reasons):
        add(name, ("其中：" if i == 0 else "") + name, "件", 3, g, "不同意公开答复数", SUM)
    for i, name in enumerate(("不属于本行政机关公开数", "申请信息不存在数", "告知作出更改补充数", "告知通过其他途径办理数"),
                             start=5):
        add(name, f"{i}.{name}", "件", 2, g, "申请答复数", SUM)
    g = "行政复议数量"
    add(g, "四、行政复议数量", "件", 0, g)
    for i, name in enumerate(("维持具体行政行为数", "被依法纠错数", "其他情形数")):
        add(name, f"（{'一二三'[i]}）{name}", "件", 1, g, g, SUM)
    g = "行政诉讼数量"
    add(g, "五、行政诉讼数量", "件", 0, g)
    for i, name in enumerate(("维持具体行政行为或者驳回原告诉讼请求数", "被依法纠错数", "其他情形数")):
        add(name, f"（{'一二三'[i]}）{name}", "件", 1, g, g, SUM)
    g = "举报投诉数量"
    add(g, "六、举报投诉数量", "件", 0, g)
    g = "依申请公开信息收取的费用"
    add(g, "七、依申请公开信息收取的费用", "万元", 0, g, decimal=True)
    g = "机构建设和保障经费情况"
    add(g, "八、机构建设和保障经费情况", _H, 0, g)
    add("政府信息公开工作专门机构数", "（一）政府信息公开工作专门机构数", "个", 1, g)
    add("设置政府信息公开查阅点数", "（二）设置政府信息公开查阅点数", "个", 1, g)
    add("从事政府信息公开工作人员数", "（三）从事政府信息公开工作人员数", "人", 1, g)
    add("专职人员数", "1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", 2, g, "从事政府信息公开工作人员数", SUM)
    add("兼职人员数", "2.兼职人员数", "人", 2, g, "从事政府信息公开工作人员数", SUM)
    add("政府信息公开专项经费",
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）", "万元", 1, g,
        decimal=True)
    g = "政府信息公开会议和培训情况"
    add(g, "九、政府信息公开会议和培训情况", _H, 0, g)
    add("召开政府信息公开工作会议或专题会议数", "（一）召开政府信息公开工作会议或专题会议数", "次", 1, g)
    add("举办各类培训班数", "（二）举办各类培训班数", "次", 1, g)
    add("接受培训人员数", "（三）接受培训人员数", "人次", 1, g)
    return tuple(rows)


_REPEATED: set[str] = set()
TONGJIBIAO_ROWS = _tongjibiao_rows()
_REPEATED.update(k for k in {r.key for r in TONGJIBIAO_ROWS} if sum(r.key == k for r in TONGJIBIAO_ROWS) > 1)
TONGJIBIAO_GROUPS = tuple(r.key for r in TONGJIBIAO_ROWS if r.level == 0)


def tongjibiao_subtree(row: TongjibiaoRow) -> tuple[TongjibiaoRow, ...]:
    """The row and every row printed under it (deeper level, up to the next row at its level or above)."""
    rows = TONGJIBIAO_ROWS
    start = rows.index(row)
    out = [row]
    for other in rows[start + 1:]:
        if other.level <= row.level:
            break
        out.append(other)
    return tuple(out)


# ---- matching editors' keys to labels --------------------------------------------------------------------------

_NUMBERING = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\(\s*[一二三四五六七八九十]+\s*\)|\d+[.．、])\s*")


def plain(label: str) -> str:
    """A label without its numbering, 其中： and trailing note: the short key an editor may write.

    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）" → "部分公开"; "1.属于国家秘密" → "属于国家秘密".
    """
    text = _NUMBERING.sub("", label.strip())
    text = re.sub(r"^其中[：:]\s*", "", text)
    text = re.sub(r"[（(][^（）()]*[）)]$", "", text) if not text.endswith("单位：万元）") else text
    return text.strip()


def normalise(key) -> str:
    """Compare keys the way an editor would: ignore spaces, numbering, and ASCII vs full-width brackets/colons."""
    text = str(key).strip().replace("(", "（").replace(")", "）").replace(":", "：").replace(" ", "")
    return plain(text)
