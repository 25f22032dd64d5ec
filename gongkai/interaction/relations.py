"""Relations between documents: 解读 ↔ 原文 and 征集 ↔ 反馈, linked across the documents and checked (periods, lags, overdue 反馈)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from .. import workdays
from ..errors import Problems, close_matches
from ..fields import FieldReader
from ..model import Column, Document
from .model import (CLOSED, DEFAULT_MIN_PERIODS, OPEN, STATUS_ORDER, UPCOMING, Consultation, Feedback, Interpretation,
                    Period, YearFigures)
from .parse import (CONSULTATION_KEYS, FEEDBACK_BLOCK, FEEDBACK_COUNT_KEYS, LineOf, display_of, line_of,
                    parse_consultation, parse_feedback_document, parse_interpretation, reader)


@dataclass
class Settings:
    """The plugin's settings, as the linking and the checks need them."""

    lag_workdays: int = 3  # a 解读 later than this many working days after its 原文 is reported
    min_periods: dict = field(default_factory=lambda: dict(DEFAULT_MIN_PERIODS))  # 征集类型 → Period | None
    overdue_days: int = 30  # a 征集 closed longer than this without 反馈 is reported
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo("Asia/Shanghai"))
    needs_interpretation: tuple[str, ...] = ("行政规范性文件",)  # Document.kind values expected to have a 解读


class Interaction:
    """All 解读, 征集 and 反馈 of a site, linked both ways. Built once per build by ``collect``."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.interpretations: list[Interpretation] = []
        self.consultations: list[Consultation] = []
        self.feedbacks: list[Feedback] = []
        self._by_original: dict[str, list[Interpretation]] = {}
        self._interpretation: dict[str, Interpretation] = {}
        self._consultation: dict[str, Consultation] = {}
        self._feedback: dict[str, Feedback] = {}  # 反馈 documents by id
        self.missing_interpretation: list[Document] = []  # 行政规范性文件 without any 解读

    # lookups by document, for templates and other plugins
    def interpretation(self, doc: Document) -> Interpretation | None:
        return self._interpretation.get(doc.id)

    def interpretations_of(self, doc: Document) -> list[Interpretation]:
        """相关解读 of a 原文, oldest first."""
        return self._by_original.get(doc.id, [])

    def consultation(self, doc: Document) -> Consultation | None:
        return self._consultation.get(doc.id)

    def feedback_document(self, doc: Document) -> Feedback | None:
        return self._feedback.get(doc.id)

    def overdue(self, today: dt.date) -> list[Consultation]:
        """征集 closed more than ``overdue_days`` before ``today`` without a 反馈, longest overdue first."""
        limit = dt.timedelta(days=self.settings.overdue_days)
        late = [c for c in self.consultations if c.feedback is None and today - c.last_day > limit]
        return sorted(late, key=lambda c: c.last_day)

    def figures(self, consultations: Iterable[Consultation] | None = None) -> list[YearFigures]:
        """Per-year figures (by the year a 征集 started), newest year first; all 征集 unless given."""
        years: dict[int, YearFigures] = {}
        for c in self.consultations if consultations is None else consultations:
            y = years.setdefault(c.year, YearFigures(c.year))
            y.consultations += 1
            if c.feedback:
                y.with_feedback += 1
                y.received += c.feedback.received
                y.adopted += c.feedback.adopted
                y.partly += c.feedback.partly
                y.rejected += c.feedback.rejected
        return [years[y] for y in sorted(years, reverse=True)]


def consultation_order(consultation: Consultation, now: dt.datetime) -> tuple:
    """Sort key: 征集中 (closing soonest first), then 未开始 (starting soonest), then 已结束 (latest close first)."""
    status = consultation.status(now)
    rank = STATUS_ORDER.index(status)
    if status == OPEN:
        return (rank, consultation.end.timestamp())
    if status == UPCOMING:
        return (rank, consultation.start.timestamp())
    return (rank, -consultation.end.timestamp())


def _is_consultation(doc: Document) -> bool:
    return any(k in doc.extra for k in CONSULTATION_KEYS)


def collect(documents: Iterable[Document], settings: Settings, problems: Problems, *,
            columns: dict[str, Column] | None = None, display: Callable[[Document], str] = display_of,
            lines: LineOf = line_of) -> Interaction:
    """Parse every document's 解读/征集/反馈 keys, link them and add the problems found.

    ``columns`` (the catalog's columns by id) enables the column checks: a document in a 政策解读 column must be
    a 解读, one in a 意见征集 column a 征集 or a 反馈, and a 解读 must be listed in a 政策解读 column.
    """
    documents = list(documents)
    result = Interaction(settings)
    by_id = {d.id: d for d in documents}
    by_index = {d.index_number: d for d in documents if d.index_number}

    def resolve(ref: str) -> Document | None:
        ref = ref.strip().lstrip("/")
        return by_index.get(ref) or by_id.get(ref[:-3] if ref.endswith(".md") else ref.rstrip("/"))

    def kinds(doc: Document) -> set[str]:
        return {columns[c].kind for c in doc.column_ids if columns and c in columns}

    def unknown(doc: Document, r: FieldReader, key: str, ref: str, what: str) -> None:
        near = close_matches(ref, [k for k, d in (*by_index.items(), *by_id.items()) if d is not doc])
        r.error(key, f"找不到{what}“{ref}”{near}",
                f"写{what}的索引号（如 {next(iter(by_index), '999000002/2024-00012')}）或其文件路径（不含 .md），"
                "并确认该文件已发布")

    def read(doc: Document) -> FieldReader:
        return reader(doc, problems, display, lines, settings.timezone)

    feedback_docs: list[tuple[Document, FieldReader, Feedback]] = []
    for doc in documents:
        r = read(doc)
        is_interp, is_consult, is_feedback = ("原文" in doc.extra or "解读形式" in doc.extra,
                                              _is_consultation(doc), "征集" in doc.extra)
        col_kinds = kinds(doc)
        if sum((is_interp, is_consult, is_feedback)) > 1:
            r.error("原文" if is_interp else "征集", "同一篇文件不能同时是政策解读、意见征集或反馈中的两种",
                    "把解读、征集和反馈分成不同的文件")
            continue
        if "政策解读" in col_kinds and not is_interp:
            r.error("原文", "放在政策解读栏目中的文件没有写明所解读的原文",
                    "加“原文: 索引号”（或原文文件路径），并写“解读形式”")
        if "意见征集" in col_kinds and not (is_consult or is_feedback):
            r.error("征集截止", "放在意见征集栏目中的文件既不是意见征集（缺征集开始、征集截止）也不是反馈（缺“征集”）",
                    "意见征集写“征集开始”“征集截止”“征集单位”“反馈方式”；反馈写“征集: 索引号”和采纳情况")
        if not is_feedback:
            for key in FEEDBACK_COUNT_KEYS:
                if key in doc.extra:
                    r.error(key, f"“{key}”只用于反馈", "单独发布的反馈加“征集: 对应征集的索引号”；"
                            "或把采纳情况写在征集文件的“反馈:”块中")
        if is_interp:
            interp = parse_interpretation(doc, r)
            for ref in interp.references:
                original = resolve(ref)
                if original is None:
                    unknown(doc, r, "原文", ref, "原文")
                elif original is doc:
                    r.error("原文", "解读的原文不能是它自己", "写被解读文件的索引号")
                elif original not in interp.originals:
                    interp.originals.append(original)
            result.interpretations.append(interp)
            result._interpretation[doc.id] = interp
            if columns is not None and "政策解读" not in col_kinds:
                r.error("原文", "政策解读没有放入政策解读栏目，栏目列表中不会出现",
                        "在“栏目”中加入类型为政策解读的栏目（如 zcjd）")
        elif is_consult:
            consultation = parse_consultation(doc, r)
            if consultation:
                _check_kind(r, consultation, settings)
                _check_period(r, consultation, settings)
                if consultation.feedback:
                    consultation.feedback.consultation = consultation
                    result.feedbacks.append(consultation.feedback)
                result.consultations.append(consultation)
                result._consultation[doc.id] = consultation
        elif is_feedback:
            feedback = parse_feedback_document(doc, r)
            if feedback:
                feedback_docs.append((doc, r, feedback))

    for doc, r, feedback in feedback_docs:
        target = resolve(feedback.reference)
        if target is None:
            unknown(doc, r, "征集", feedback.reference, "意见征集")
            continue
        consultation = result._consultation.get(target.id)
        if consultation is None:
            if _is_consultation(target):
                continue  # the 征集 itself is broken; its own problems say why
            r.error("征集", f"“{feedback.reference}”（{target.title}）不是意见征集",
                    "写对应意见征集的索引号；意见征集文件须有征集开始、征集截止")
            continue
        if consultation.feedback is not None:
            r.error("征集", f"意见征集“{target.title}”已有反馈（{consultation.feedback.source}），不能再有第二份",
                    "合并为一份反馈，或删除重复的反馈")
            continue
        if feedback.published and feedback.published < consultation.last_day:
            r.error("征集", f"反馈的发布日期 {feedback.published} 早于征集截止 {consultation.last_day}",
                    "核对发布日期：反馈应在征集结束后发布")
        consultation.feedback = feedback
        feedback.consultation = consultation
        result.feedbacks.append(feedback)
        result._feedback[doc.id] = feedback

    for c in result.consultations:  # a 反馈 block dated before the close is as wrong as a 反馈 document
        fb = c.feedback
        if fb and fb.document is None and fb.published and fb.published < c.last_day:
            read(c.document).within(FEEDBACK_BLOCK.key).error(
                "发布日期", f"反馈的发布日期 {fb.published} 早于征集截止 {c.last_day}", "核对反馈块的发布日期")

    for interp in result.interpretations:
        for original in interp.originals:
            result._by_original.setdefault(original.id, []).append(interp)
            _check_lag(read(interp.document), interp, original, settings, display)
    for lst in result._by_original.values():
        lst.sort(key=lambda i: (i.published, i.document.id))

    for doc in documents:
        if doc.kind in settings.needs_interpretation and doc.id not in result._by_original \
                and doc.id not in result._interpretation:
            result.missing_interpretation.append(doc)
    return result


def _check_lag(r: FieldReader, interp: Interpretation, original: Document, settings: Settings, display) -> None:
    if interp.published < original.published:
        # A 解读 explains a published 原文; one dated earlier is a wrong date or a 原文 not yet public.
        r.error("原文", f"解读（{interp.published}）早于原文《{original.title}》（{display(original)}，{original.published}）"
                       f"{(original.published - interp.published).days} 天发布",
                "核对两者的发布日期：解读应与原文同时或之后发布；原文尚未公开的，先发布原文", severity="warning")
        return
    lag = workdays.workdays_between(original.published, interp.published)
    if lag > settings.lag_workdays:
        note = "" if workdays.covered(interp.published) else "（该年节假日安排未收录，按周一至周五计算）"
        r.error("原文", f"解读（{interp.published}）比原文《{original.title}》（{display(original)}，"
                       f"{original.published}）晚{lag}个工作日发布，超过{settings.lag_workdays}个工作日{note}",
                "文件与解读应同步发布；如确属补发，核对两者的发布日期", severity="warning")


def _check_kind(r: FieldReader, c: Consultation, settings: Settings) -> None:
    """A 征集 labelled 规章 by an institution without 规章制定权; a 征集 with no 征集类型 at all."""
    org = c.document.publisher
    if c.kind == "规章" and org is not None and not org.makes_rules:
        why = "部门和乡镇（街道）" if org.kind != "人民政府" else "县级人民政府（含县级市、市辖区）"
        r.error("征集类型", f"{org.name}没有规章制定权：{why}不能制定规章，地方政府规章只由设区的市、自治州以上的人民政府"
                         "制定（《中华人民共和国立法法》第九十三条）",
                "本机关起草的规范性文件写“征集类型: 行政规范性文件”；代人民政府征集规章草案的，由该人民政府发布"
                + ("；若本机关确有规章制定权，在 catalog/organizations.yml 中写“规章制定权: true”" if org.kind == "人民政府" else ""))
    if not c.kind_written:
        floor = _untyped_minimum(settings)
        r.error("征集类型", "没有写征集类型，按“其他”处理；规章、行政规范性文件、重大行政决策、涉企政策的草案都有最短征集期限"
                + (f"，最短的是{floor}" if floor else ""),
                "写明“征集类型:”（重大行政决策 / 规章 / 涉企政策 / 行政规范性文件 / 其他），确实不属于前四类的写“其他”",
                severity="warning")


def _untyped_minimum(settings: Settings) -> Period | None:
    """For a 征集 with no 征集类型: the shortest minimum of the kinds that have one (it may be any of them)."""
    periods = [p for kind, p in settings.min_periods.items() if p and kind != "其他"]
    return min(periods, key=lambda p: p.days if p.workdays else p.days * 5 / 7, default=None)


def _check_period(r: FieldReader, c: Consultation, settings: Settings) -> None:
    minimum: Period | None = settings.min_periods.get(c.kind) if c.kind_written else _untyped_minimum(settings)
    if not minimum:
        return
    # The public can only comment once the notice is out: a 征集开始 before the 发布日期 does not count.
    start = max(c.start.date(), c.document.published)
    if minimum.workdays:
        length = workdays.workdays_between(start, c.last_day)
        shown = f"{length}个工作日"
    else:
        length = (c.last_day - start).days
        shown = f"{length}日"
    enough = length >= minimum.days
    if enough or c.short_reason:
        return
    if minimum.workdays:
        earliest = workdays.add_workdays(start, minimum.days)
    else:
        earliest = start + dt.timedelta(days=minimum.days)
    late = f"（征集开始 {c.start.date()} 早于发布日期，从发布日期起算）" if start > c.start.date() else ""
    basis = f"（{minimum.source}）" if minimum.source else ""
    note = "" if workdays.covered(c.last_day) or not minimum.workdays else \
        f"（{c.last_day.year} 年节假日安排未收录，按周一至周五计算）"
    if not c.kind_written:  # the kind is unknown: said, not failed
        r.error("征集截止", f"征集期限为{shown}（{start} 至 {c.last_day}，开始当日不计）{late}{note}，少于各类草案中最短的"
                        f"{minimum}{basis}", f"写明“征集类型:”；属于有最短期限的类型的，把征集截止改到 {earliest} 或之后",
                severity="warning")
        return
    r.error("征集截止", f"{c.kind}的征集期限为{shown}（{start} 至 {c.last_day}，开始当日不计）{late}{note}，"
                    f"少于规定的{minimum}{basis}",
            f"把征集截止改到 {earliest} 或之后；确需缩短的，加“期限说明:”写明理由")


__all__ = ["Settings", "Interaction", "collect", "consultation_order", "OPEN", "UPCOMING", "CLOSED"]
