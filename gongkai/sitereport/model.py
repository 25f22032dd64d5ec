"""The form of the 政府网站工作年度报表 and one year's report.

``FORM`` lists every item in the national order: its section, sub-group, label, unit, kind and where its value
comes from — ``site`` for what the site counts itself, ``data`` for what the 主办单位 fills in (the data file's key
path), ``identity`` for the footer identity of catalog/site.yml.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

WEBSITE_KINDS = ("政府门户网站", "部门网站", "专项网站")
INNOVATIONS = ("搜索即服务", "多语言版本", "无障碍浏览", "千人千网", "其他")
OTHER_INNOVATION = "其他"  # written “其他：……”: the form's “□其他____” has a blank for what it is
YES_NO = ("是", "否")


@dataclass(frozen=True)
class FormItem:
    section: str  # 信息发布
    label: str  # 总数
    unit: str = ""  # 条
    kind: str = "count"  # count | number | yesno | text | choice | choices | date
    source: str = "data"  # data | site | identity
    key: tuple[str, ...] = ()  # data file path, or the figure / identity name
    group: str = ""  # sub-group inside a section (留言办理)
    optional: bool = False


def _d(section, label, unit="", kind="count", key=None, group="", optional=False):
    return FormItem(section, label, unit, kind, "data", key or ((section, label) if section else (label,)), group, optional)


def _s(section, label, unit, key, group=""):
    return FormItem(section, label, unit, "count", "site", (key,), group)


def _i(label, key):
    return FormItem("", label, "", "text", "identity", (key,))


FORM: tuple[FormItem, ...] = (
    _i("网站名称", "name"), _i("首页网址", "url"), _i("主办单位", "sponsor"),
    _d("", "网站类型", kind="choice"),
    _i("政府网站标识码", "site_code"), _i("ICP备案号", "icp"), _i("公安机关备案号", "police_record"),
    _d("", "独立用户访问总量", "个"), _d("", "网站总访问量", "次"),
    _s("信息发布", "总数", "条", "published"), _s("信息发布", "概况类信息更新量", "条", "overview"),
    _s("信息发布", "政务动态信息更新量", "条", "news"), _s("信息发布", "信息公开目录信息更新量", "条", "directory"),
    _s("专栏专题", "维护数量", "个", "specials"), _s("专栏专题", "新开设数量", "个", "new_specials"),
    # 解读信息发布: its 总数 and the three kinds it adds up, in their printed units (解读产品 are 个, articles 篇).
    _s("解读回应", "总数", "条", "interpretations_total", group="解读信息发布"),
    _s("解读回应", "解读材料数量", "条", "interpretation_texts", group="解读信息发布"),
    _s("解读回应", "解读产品数量", "个", "interpretation_products", group="解读信息发布"),
    _d("解读回应", "媒体评论文章数量", "篇", group="解读信息发布"),
    _d("解读回应", "回应公众关注热点或重大舆情数量", "次"),
    _d("办事服务", "是否发布服务事项目录", kind="yesno"), _d("办事服务", "注册用户数", "个"),
    _d("办事服务", "政务服务事项数量", "项"), _d("办事服务", "可全程在线办理政务服务事项数量", "项"),
    _s("办事服务", "总数", "件", "cases", group="办件量"),
    _d("办事服务", "自然人办件量", "件", group="办件量"), _d("办事服务", "法人办件量", "件", group="办件量"),
    _d("互动交流", "是否使用统一平台", kind="yesno"),
    _d("互动交流", "收到留言数量", "条", group="留言办理"), _d("互动交流", "办结留言数量", "条", group="留言办理"),
    _d("互动交流", "平均办理时间", "天", kind="number", group="留言办理"),
    _d("互动交流", "公开答复数量", "条", group="留言办理"),
    _s("互动交流", "征集调查期数", "期", "consultations", group="征集调查"),
    _s("互动交流", "收到意见数量", "条", "comments", group="征集调查"),
    _s("互动交流", "公布调查结果期数", "期", "results", group="征集调查"),
    _d("互动交流", "访谈期数", "期", group="在线访谈"), _d("互动交流", "网民留言数量", "条", group="在线访谈"),
    _d("互动交流", "答复网民提问数量", "条", group="在线访谈"),
    _d("互动交流", "是否提供智能问答", kind="yesno"),
    _d("安全防护", "安全检测评估次数", "次"), _d("安全防护", "发现问题数量", "个"), _d("安全防护", "问题整改数量", "个"),
    _d("安全防护", "是否建立安全监测预警机制", kind="yesno"), _d("安全防护", "是否开展应急演练", kind="yesno"),
    _d("安全防护", "是否明确网站安全负责人", kind="yesno"),
    _d("移动新媒体", "是否有移动新媒体", kind="yesno"),
    _d("移动新媒体", "名称", kind="text", key=("移动新媒体", "微博", "名称"), group="微博", optional=True),
    _d("移动新媒体", "信息发布量", "条", key=("移动新媒体", "微博", "信息发布量"), group="微博", optional=True),
    _d("移动新媒体", "关注量", "个", key=("移动新媒体", "微博", "关注量"), group="微博", optional=True),
    _d("移动新媒体", "名称", kind="text", key=("移动新媒体", "微信", "名称"), group="微信", optional=True),
    _d("移动新媒体", "信息发布量", "条", key=("移动新媒体", "微信", "信息发布量"), group="微信", optional=True),
    _d("移动新媒体", "订阅数", "个", key=("移动新媒体", "微信", "订阅数"), group="微信", optional=True),
    _d("移动新媒体", "其他", kind="text", optional=True),
    _d("", "创新发展", kind="choices"),
)
SIGNATURES = ("单位负责人", "审核人", "填报人", "联系电话")
# Top-level keys of the data file, and the keys allowed inside each block.
TOP_KEYS = ("年度", "发布日期", "网站类型", "独立用户访问总量", "网站总访问量", "解读回应", "办事服务", "互动交流",
            "安全防护", "移动新媒体", "创新发展", *SIGNATURES, "填报日期")


@dataclass
class Item:
    """One filled-in line of the form."""

    field: FormItem
    value: object  # int, float, str, list[str]

    @property
    def text(self) -> str:
        value = self.value
        if isinstance(value, list):
            return "、".join(value) if value else "无"
        if isinstance(value, float):
            return f"{value:g}"
        return "" if value is None else str(value)


@dataclass
class WebsiteReport:
    """One year's 政府网站工作年度报表."""

    year: int
    published: dt.date
    source: str  # data file, for messages
    data: dict  # the data file's values by key path
    signatures: dict[str, str] = field(default_factory=dict)
    filled: dt.date | None = None  # 填报日期
    published_line: int | None = None  # line of 发布日期 in the data file, for the late-publication finding
    items: list[Item] = field(default_factory=list)  # set once the site's figures are known
    url: str = ""

    @property
    def title(self) -> str:
        return f"政府网站工作年度报表（{self.year}年度）"

    def sections(self) -> list[tuple[str, list[Item]]]:
        """Items grouped by section, in the form's order; the top lines form the section ""."""
        out: list[tuple[str, list[Item]]] = []
        for item in self.items:
            if not out or out[-1][0] != item.field.section:
                out.append((item.field.section, []))
            out[-1][1].append(item)
        return out
