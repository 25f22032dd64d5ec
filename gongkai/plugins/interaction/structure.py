"""What the 解读 / 征集 templates read: the linked models plus build-time status, as one small view object."""

from __future__ import annotations

import datetime as dt
import json
from html import escape

from markupsafe import Markup

from ...interaction import CLOSED, OPEN, UPCOMING, Consultation, Interaction, YearFigures
from ...model import Document

FORM_LABELS = {"文字": "文字解读", "图文": "图文解读", "图解": "图解", "视频": "视频解读", "音频": "音频解读",
               "动漫": "动漫解读", "问答": "问答解读", "发布会": "新闻发布会", "H5": "H5 解读"}
STATUS_CLASSES = {OPEN: "open", UPCOMING: "upcoming", CLOSED: "closed"}


class InteractionView:
    """Template context ``interaction``: lookups by document, the build-time status and the column figures."""

    def __init__(self, interaction: Interaction, core, now: dt.datetime):
        self._data, self._core, self.now = interaction, core, now
        self.today = now.date()

    # links
    def interpretation(self, doc: Document):
        return self._data.interpretation(doc) if doc else None

    def interpretations_of(self, doc: Document):
        return self._data.interpretations_of(doc) if doc else []

    def consultation(self, doc: Document) -> Consultation | None:
        return self._data.consultation(doc) if doc else None

    def feedback(self, doc: Document):
        """The 反馈 a 反馈 document carries (None for other documents)."""
        return self._data.feedback_document(doc) if doc else None

    def url(self, doc: Document) -> str:
        return self._core.url_of(doc)

    def publisher(self, doc: Document) -> str:
        org = self._core.catalog.organizations.get(doc.publisher_id)
        return org.name if org else doc.publisher_id

    @staticmethod
    def form_label(form: str) -> str:
        return FORM_LABELS.get(form, form)

    # status
    def status(self, c: Consultation) -> str:
        return c.status(self.now)

    def status_class(self, c: Consultation) -> str:
        return STATUS_CLASSES[self.status(c)]

    def days_left(self, c: Consultation) -> int:
        return c.days_left(self.today)

    def days_left_text(self, c: Consultation) -> str:
        return days_left_text(c.days_left(self.today))

    def attrs(self, c: Consultation) -> Markup:
        """data-* attributes from which the browser recomputes the status (gongkai-interaction.js)."""
        offset = int(c.end.utcoffset().total_seconds() // 60)
        values = {"data-gk-start": c.start.isoformat(), "data-gk-end": c.end.isoformat(),
                  "data-gk-last-day": c.last_day.isoformat(), "data-gk-offset": str(offset),
                  "data-gk-status": self.status(c)}
        return Markup(" ".join(f'{k}="{escape(v)}"' for k, v in values.items()))

    @staticmethod
    def when(c: Consultation, which: str) -> str:
        moment, has_time = (c.start, c.start_has_time) if which == "start" else (c.end, c.end_has_time)
        if which == "end" and not has_time:
            return f"{c.last_day.year}年{c.last_day.month}月{c.last_day.day}日"
        text = f"{moment.year}年{moment.month}月{moment.day}日"
        return text + moment.strftime(" %H:%M") if has_time else text

    @staticmethod
    def short_when(c: Consultation, which: str) -> str:
        """Compact form for lists: 2026-12-31, or 2026-12-31 17:00 when a time was given."""
        if which == "start":
            return c.start.strftime("%Y-%m-%d %H:%M" if c.start_has_time else "%Y-%m-%d")
        return c.end.strftime("%Y-%m-%d %H:%M") if c.end_has_time else c.last_day.isoformat()

    # column figures
    @property
    def figures(self) -> list[YearFigures]:
        return self._data.figures()

    def figures_for(self, listing) -> list[YearFigures]:
        """Per-year figures of the 征集 a column page lists (all its pages): this column, this 发布主体."""
        column, org = listing.column, listing.organization
        ids = {c.id for c in column.walk()}
        return self._data.figures([c for c in self._data.consultations
                                   if ids.intersection(c.document.column_ids)
                                   and (org is None or c.document.publisher_id == org.id)])

    def overdue(self) -> list[Consultation]:
        return self._data.overdue(self.today)


LAST_DAY_TEXT, DAYS_LEFT_TEXT = "今天截止", "还剩{n}天"


def days_left_text(days: int) -> str:
    """The phrase the page shows while a 征集 is open; the browser gets the same wording (browser_rules)."""
    return LAST_DAY_TEXT if days <= 0 else DAYS_LEFT_TEXT.format(n=days)


def browser_rules() -> str:
    """The status labels, their CSS classes and the days-left wording, for interaction.js (one owner: Python)."""
    rules = {"open": OPEN, "upcoming": UPCOMING, "closed": CLOSED, "classes": STATUS_CLASSES,
             "lastDay": LAST_DAY_TEXT, "daysLeft": DAYS_LEFT_TEXT}
    return "window.gkInteraction = " + json.dumps(rules, ensure_ascii=False) + ";\n"
