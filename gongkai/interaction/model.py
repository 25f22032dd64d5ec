"""Model objects for 政策解读 and 意见征集, built from ``Document.extra`` by ``gongkai.interaction.parse``.

Templates and checks read these; nothing reads the raw front matter again.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ..model import Document

# 解读形式 (docs/domain.md): the forms sites publish 解读 in; 新闻发布会 is accepted as a long form of 发布会.
# The first six keep the numbers `gongkai new 解读` has always offered them under.
INTERPRETATION_FORMS = ("文字", "图解", "视频", "动漫", "问答", "发布会", "图文", "专家解读", "媒体解读", "在线访谈", "音频",
                        "H5")
FORM_ALIASES = {"新闻发布会": "发布会", "文字解读": "文字", "图文解读": "图文", "图片解读": "图解", "视频解读": "视频",
                "问答解读": "问答", "音频解读": "音频", "动漫解读": "动漫", "h5": "H5", "H5解读": "H5", "访谈": "在线访谈",
                "专家": "专家解读", "媒体": "媒体解读"}
# 解读产品 of the 政府网站工作年度报表: 解读 made as a picture, sound or moving image (图解、音视频、动漫、H5); a 解读 that
# is text (文字, 图文, 专家解读, 媒体解读, 问答, and the 文字实录 of 在线访谈 and 发布会) is a 解读材料.
PRODUCT_FORMS = ("图解", "视频", "音频", "动漫", "H5")

# Status labels, in the order the 意见征集 column lists them.
OPEN, UPCOMING, CLOSED = "征集中", "未开始", "已结束"
STATUS_ORDER = (OPEN, UPCOMING, CLOSED)


@dataclass(frozen=True)
class Period:
    """A minimum consultation period: ``days`` calendar days, or working days when ``workdays``; ``source`` names
    the rule that sets it (a law, or the site's own setting)."""

    days: int
    workdays: bool = False
    source: str = field(default="", compare=False)

    def __str__(self) -> str:
        return f"{self.days}个工作日" if self.workdays else f"{self.days}日"


@dataclass(frozen=True)
class ConsultationKind:
    """征集类型: what the draft is, with the national minimum period for public comment (its ``source`` names the
    rule that sets it). A site's own rules override the period (``min_periods``)."""

    name: str
    minimum: Period | None
    covers: str  # what belongs to the kind, for the docs and messages


# The rules and what each says: docs/domain.md (意见征集).
KINDS = (
    ConsultationKind("重大行政决策", Period(30, source="《重大行政决策程序暂行条例》第十五条"), "重大行政决策事项的决策草案"),
    ConsultationKind("规章", Period(30, source="《规章制定程序条例》第十五条"), "规章草案"),
    ConsultationKind("涉企政策", Period(30, source="《优化营商环境条例》第六十二条"),
                     "与市场主体生产经营活动密切相关的规章、行政规范性文件"),
    ConsultationKind("行政规范性文件",
                     Period(7, workdays=True, source="各省行政规范性文件管理规定；《市县法治政府建设示范指标体系》第24项"),
                     "涉及群众切身利益或对公民、法人和其他组织权利义务有重大影响的其他行政规范性文件"),
    ConsultationKind("其他", None, "其他征求意见稿（不设最短期限）"),
)
CONSULTATION_KINDS = tuple(k.name for k in KINDS)
DEFAULT_MIN_PERIODS = {k.name: k.minimum for k in KINDS}


@dataclass
class Interpretation:
    """政策解读: a document explaining one or more 原文 (the documents it interprets)."""

    document: Document
    form: str  # 解读形式, one of INTERPRETATION_FORMS
    references: list[str]  # 原文 as written: 索引号 or document id
    originals: list[Document] = field(default_factory=list)  # resolved, in the order written

    @property
    def published(self) -> dt.date:
        return self.document.published


@dataclass
class Channel:
    """反馈方式: how the public sends comments on a 征集."""

    email: str = ""  # 邮箱
    address: str = ""  # 通讯地址
    postcode: str = ""  # 邮编
    phone: str = ""  # 电话
    contact: str = ""  # 联系人
    fax: str = ""  # 传真
    online: str = ""  # 在线提交: a URL

    @property
    def empty(self) -> bool:
        return not (self.email or self.address or self.phone or self.fax or self.online)


@dataclass
class Feedback:
    """反馈 (意见收集和采纳情况): what became of the comments on a closed 征集."""

    received: int  # 收到意见数
    adopted: int  # 采纳
    partly: int  # 部分采纳
    rejected: int  # 未采纳
    reasons: list[str] = field(default_factory=list)  # 未采纳理由
    published: dt.date | None = None  # 发布日期 of the 反馈 document or block
    document: Document | None = None  # the separate 反馈 document, None for a block in the 征集
    reference: str = ""  # the 征集 as the 反馈 document names it
    source: str = ""  # "file" or "file:line", for messages
    consultation: "Consultation | None" = field(default=None, repr=False)

    @property
    def adoption_rate(self) -> float | None:
        """采纳率 = (采纳 + 部分采纳) / 收到意见数; None when nothing was received."""
        return (self.adopted + self.partly) / self.received if self.received else None


@dataclass
class Consultation:
    """意见征集: a draft published for public comment between 征集开始 and 征集截止."""

    document: Document
    start: dt.datetime  # aware; the first moment comments are accepted
    end: dt.datetime  # aware; the first moment they are no longer accepted
    last_day: dt.date  # 征集截止 as a date: the last day comments are accepted
    start_has_time: bool
    end_has_time: bool
    organizer: str  # 征集单位
    channel: Channel  # 反馈方式
    kind: str = "其他"  # 征集类型
    kind_written: bool = True  # False when 征集类型 was left out (read as 其他, but its period is still checked)
    short_reason: str = ""  # 期限说明: why the period is shorter than the kind's minimum
    drafting_note: str = ""  # 起草说明
    feedback: Feedback | None = None

    def status(self, now: dt.datetime) -> str:
        """未开始 / 征集中 / 已结束 at the aware instant ``now``; the close instant itself is 已结束."""
        if now < self.start:
            return UPCOMING
        if now < self.end:
            return OPEN
        return CLOSED

    def days_left(self, today: dt.date) -> int:
        """Calendar days after ``today`` up to the last day: 0 means it closes today."""
        return max((self.last_day - today).days, 0)

    @property
    def period_days(self) -> int:
        """Length in calendar days; the start day is not counted (民法典第二百零一条)."""
        return (self.last_day - self.start.date()).days

    @property
    def year(self) -> int:
        """The year a 征集 is counted in for the column's figures: the year it started."""
        return self.start.year


@dataclass
class YearFigures:
    """Per-year figures on the 意见征集 column: 征集 count, 收到意见 total, 采纳率."""

    year: int
    consultations: int = 0
    with_feedback: int = 0
    received: int = 0
    adopted: int = 0
    partly: int = 0
    rejected: int = 0

    @property
    def adoption_rate(self) -> float | None:
        return (self.adopted + self.partly) / self.received if self.received else None

    @property
    def adoption_rate_text(self) -> str:
        rate = self.adoption_rate
        return "—" if rate is None else f"{rate * 100:.1f}%"
