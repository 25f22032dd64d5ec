"""New documents for `gongkai new` (gongkai/commands/new.py): every required field, numbered and dated.

A ``Draft`` per kind (a document in any column, a 解读, a 征集, a 反馈), the next free 索引号 and 文号 of its
发布主体 and year, its text (``render``), and ``verify``: the new file loaded back through the core's loader and the
interaction checks before it is written. The site is the one the build sees, loaded up to the model-ready stage
(``gongkai.editor.site``).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from .. import workdays
from ..documents import DocumentLoader
from ..errors import Problems, close_matches
from ..model import DOCUMENT_KINDS, TOPICS, Column, Document, Organization, is_placeholder
from . import numbering
from .site import EditorSite
from .skeleton import body_for, front_matter

KINDS = ("解读", "征集", "反馈")
FALLBACK_TOPIC = "综合政务"


class NewError(Exception):
    """A mistake in the command line or a request the site cannot satisfy; the message says how to fix it."""


@dataclass
class Draft:
    """A new document before it is written."""

    org: Organization
    column: Column
    title: str
    day: dt.date
    topic: str
    kind_fields: list[tuple[str, object, str]] = field(default_factory=list)
    body: str = ""
    doc_kind: str | None = None  # 文件类型
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------- asking

# ask(question, choices or None, the option that answers it) -> the editor's answer, or NewError naming the option.
Ask = Callable[[str, "list[str] | None", str], str]


def no_questions(question: str, choices: list[str] | None, option: str) -> str:
    """Without a terminal to ask on: the message says which option gives the answer."""
    raise NewError(f"没有回答“{question}”：请用 {option} 指定" + (f"，可选：{' / '.join(choices)}" if choices else ""))


def parse_date(text: str, what: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise NewError(f"{what}“{text}”不是日期，应写成 2026-11-23") from None


# ---------------------------------------------------------------------------------------------- lookups


def find_org(site: EditorSite, text: str) -> Organization:
    orgs = site.catalog.organizations
    if text in orgs:
        return orgs[text]
    named = [o for o in orgs.values() if text in (o.name, o.short_name)]
    if len(named) == 1:
        return named[0]
    candidates = list(orgs) + [o.name for o in orgs.values()]
    raise NewError(f"“{text}”不是已定义的发布主体{close_matches(text, candidates)}"
                   f"（catalog/organizations.yml 中的 id：{'、'.join(orgs)}）")


def find_column(site: EditorSite, text: str, org: Organization) -> Column:
    columns = site.catalog.columns
    column = columns.get(text)
    if column is None:
        named = [c for c in columns.values() if c.name == text and c.applies(org)] or \
                [c for c in columns.values() if c.name == text]
        if len(named) > 1:
            raise NewError(f"名为“{text}”的栏目有多个（{'、'.join(c.id for c in named)}），请写栏目 id")
        column = named[0] if named else None
    if column is None:
        candidates = list(columns) + [c.name for c in columns.values()]
        raise NewError(f"“{text}”不是已定义的栏目{close_matches(text, candidates)}（栏目 id 见 catalog/columns.yml）")
    if not column.applies(org):
        usable = [c.id for c in site.catalog.columns_for(org) if c.lists_documents]
        raise NewError(f"栏目“{column.name}”（{column.id}）不适用于{org.kind}“{org.name}”"
                       f"{close_matches(text, usable)}；适用的栏目有：{'、'.join(usable)}")
    return column


def column_of_kind(site: EditorSite, org: Organization, kind: str, given: str | None) -> Column:
    """The column of a 解读 / 征集 / 反馈: the one named, else the first of that kind that applies to ``org``."""
    if given:
        column = find_column(site, given, org)
        if column.kind != kind:
            raise NewError(f"栏目“{column.name}”（{column.id}）的类型是{column.kind}，不是{kind}")
        return column
    for column in site.catalog.walk():
        if column.kind == kind and column.applies(org):
            return column
    raise NewError(f"没有适用于{org.kind}“{org.name}”的{kind}栏目：在 catalog/columns.yml 中增加类型为“{kind}”的栏目，"
                   "或用 --org 换一个发布主体")


def find_document(site: EditorSite, ref: str, what: str, candidates: list[Document] | None = None) -> Document:
    ref = ref.strip()
    doc = site.core.document_by_index(ref) or site.core.document_by_id(ref.lstrip("/").removesuffix(".md").rstrip("/"))
    if doc is not None:
        return doc
    pool = candidates if candidates is not None else site.documents
    raise NewError(f"找不到{what}“{ref}”{close_matches(ref, [d.index_number for d in pool], n=5)}"
                   f"（写{what}的索引号，如 {pool[0].index_number if pool else '999000001/2026-00001'}）")


def choose_topic(site: EditorSite, given: str | None, column: Column, org: Organization,
                 inherited: str | None = None) -> tuple[str, str]:
    """(主题分类, where it came from) — the editor's, the linked document's, the catalog's, or this column's usual."""
    if given:
        if given not in TOPICS:
            raise NewError(f"主题分类“{given}”无效{close_matches(given, TOPICS)}；可选：{' / '.join(TOPICS)}")
        return given, ""
    if inherited:
        return inherited, ""
    if column.topic:
        return column.topic, f"取自栏目“{column.name}”的默认主题分类"
    usual = Counter(d.topic for d in site.documents if d.publisher_id == org.id and column.id in d.column_ids)
    if usual:
        return usual.most_common(1)[0][0], f"取自{org.label}在“{column.name}”栏目中最常用的主题分类，请核对"
    return FALLBACK_TOPIC, f"栏目没有默认主题分类，暂填“{FALLBACK_TOPIC}”，请核对"


# ---------------------------------------------------------------------------------------------- drafts per kind


def plain_draft(site: EditorSite, args, day: dt.date, ask: Ask = no_questions) -> Draft:
    org = find_org(site, args.organization)
    column = find_column(site, args.column, org)
    if column.kind == "政策解读":
        raise NewError(f"“{column.name}”是政策解读栏目：请用 gongkai new 解读 <原文索引号>")
    if column.kind == "意见征集":
        raise NewError(f"“{column.name}”是意见征集栏目：请用 gongkai new 征集 {org.id} <标题>，"
                       "或 gongkai new 反馈 <征集索引号>")
    if column.kind == "年报":
        raise NewError(f"“{column.name}”是年报栏目：年报由数据文件生成，请用 gongkai report-prefill {org.id} <年度>")
    if column.kind == "指南":
        raise NewError(f"“{column.name}”由发布主体的指南数据（catalog/organizations.yml）生成，不能放文件")
    if args.kind and args.kind not in DOCUMENT_KINDS:
        raise NewError(f"文件类型“{args.kind}”无效{close_matches(args.kind, DOCUMENT_KINDS)}；可选：{' / '.join(DOCUMENT_KINDS)}")
    kind = args.kind or column.document_kind  # the 行政规范性文件 column's documents are 行政规范性文件
    if column.document_kind and kind != column.document_kind:
        raise NewError(f"栏目“{column.name}”只收{column.document_kind}，--kind 写的是“{args.kind}”：去掉 --kind，或换一个栏目")
    if kind == "行政规范性文件" and not args.daizi:
        # 统一编号 (国办发〔2018〕37号): every 行政规范性文件 has a 文号 — by default in the series this 发布主体's
        # 行政规范性文件 already use.
        usual = Counter(numbering.daizi_of(d.doc_number) for d in site.documents
                        if d.publisher_id == org.id and d.kind == kind and d.doc_number)
        usual.pop(None, None)
        if not usual:
            raise NewError("行政规范性文件必须有文号（统一登记、统一编号、统一印发，国办发〔2018〕37号）："
                           "用 --daizi 写机关代字（如 --daizi 示政规），由系统编排下一个文号")
        args.daizi = usual.most_common(1)[0][0]
        auto = f"文号：行政规范性文件必须有文号，按{org.label}行政规范性文件常用的机关代字“{args.daizi}”编号（另选用 --daizi）"
    else:
        auto = ""
    topic, note = choose_topic(site, args.topic, column, org)
    draft = Draft(org, column, _title(args.title), day, topic, body=body_for(column.kind), doc_kind=kind)
    if auto:
        draft.notes.append(auto)
    if note:
        draft.notes.append(f"主题分类：{topic}（{note}）")
    return draft


def interpretation_draft(site: EditorSite, args, day: dt.date, ask: Ask = no_questions) -> Draft:
    plugin = _interaction(site)
    original = find_document(site, args.original, "原文")
    if plugin.interaction.interpretation(original) is not None:
        raise NewError(f"“{args.original}”（{original.title}）本身是政策解读，不能作为原文")
    org = find_org(site, args.org) if args.org else site.catalog.organizations[original.publisher_id]
    column = column_of_kind(site, org, "政策解读", args.column)
    forms = list(_forms())
    form = args.form or ask("解读形式", forms, "--form")
    if form not in forms:
        raise NewError(f"解读形式“{form}”无效{close_matches(form, forms)}；可选：{' / '.join(forms)}")
    topic, note = choose_topic(site, args.topic, column, org, inherited=original.topic)
    title = _title(args.title) if args.title else f"《{_subject(original.title)}》政策解读"
    draft = Draft(org, column, title, day, topic, body=body_for("政策解读", form),
                  kind_fields=[("原文", original.index_number, original.title), ("解读形式", form, "")])
    lag = workdays.workdays_between(original.published, day)
    limit = plugin.settings.lag_workdays
    if lag > limit:
        draft.notes.append(f"注意：原文发布于 {original.published}，本解读晚{lag}个工作日（应在{limit}个工作日内），构建时会给出警告")
    return draft


def consultation_draft(site: EditorSite, args, day: dt.date, ask: Ask = no_questions) -> Draft:
    plugin = _interaction(site)
    org = find_org(site, args.organization)
    column = column_of_kind(site, org, "意见征集", args.column)
    periods = plugin.settings.min_periods  # 征集类型 → Period | None, from the site's configuration
    kinds = list(periods)
    kind = args.type or ask("征集类型", kinds, "--type")
    if kind not in periods:
        raise NewError(f"征集类型“{kind}”无效{close_matches(kind, kinds)}；可选：{' / '.join(kinds)}")
    minimum = periods[kind]
    earliest = None
    if minimum is not None:
        earliest = workdays.add_workdays(day, minimum.days) if minimum.workdays else day + dt.timedelta(days=minimum.days)
    if args.end:
        end = parse_date(args.end, "征集截止")
        if end <= day:
            raise NewError(f"征集截止 {end} 应晚于征集开始 {day}")
        if earliest and end < earliest and not args.reason:
            raise NewError(f"{kind}的征集期限不少于{minimum}（开始当日不计），截止日期最早为 {earliest}：改 --end，"
                           "或确需缩短时用 --reason 写明理由")
    elif earliest:
        end = earliest
    else:
        end = parse_date(ask(f"征集截止日期（{kind}没有规定最短期限，如 {day + dt.timedelta(days=30)}）", None, "--end"),
                    "征集截止")
        if end <= day:
            raise NewError(f"征集截止 {end} 应晚于征集开始 {day}")
    guide = org.guide
    channel = {k: v for k, v in (("邮箱", guide.email), ("通讯地址", guide.address), ("邮编", guide.postcode),
                                 ("电话", guide.phone)) if v}
    fields = [("征集开始", day, ""), ("征集截止", end, f"{kind}最短{minimum}" if minimum else ""),
              ("征集类型", kind, ""), ("征集单位", org.name, "")]
    if args.reason:
        fields.append(("期限说明", args.reason, ""))
    fields.append(("反馈方式", channel, "取自本机关信息公开指南，请改为起草单位的联系方式并加“联系人”"))
    topic, note = choose_topic(site, args.topic, column, org)
    draft = Draft(org, column, _title(args.title), day, topic, kind_fields=fields, body=body_for("意见征集"))
    draft.notes.append(f"征集期限：{day} 至 {end}" + (f"（{kind}最短{minimum}，开始当日不计）" if minimum else ""))
    if minimum is not None and minimum.workdays and not workdays.covered(end):
        draft.notes.append(f"{end.year} 年的节假日安排未收录，工作日按周一至周五计算，截止日期请按国务院公布的放假安排核对")
    if note:
        draft.notes.append(f"主题分类：{topic}（{note}）")
    return draft


def feedback_draft(site: EditorSite, args, day: dt.date, ask: Ask = no_questions) -> Draft:
    linked = _interaction(site).interaction
    consultations = [c.document for c in linked.consultations]
    target = find_document(site, args.consultation, "意见征集", consultations)
    consultation = linked.consultation(target)
    if consultation is None:
        raise NewError(f"“{args.consultation}”（{target.title}）不是意见征集"
                       f"{close_matches(args.consultation, [d.index_number for d in consultations])}")
    if consultation.feedback is not None:
        raise NewError(f"意见征集“{target.title}”已有反馈（{consultation.feedback.source}），不能再建第二份")
    if day < consultation.last_day:
        raise NewError(f"意见征集到 {consultation.last_day} 才结束，反馈应在结束后发布；"
                       f"结束后再运行本命令，或用 --date 写结束后的发布日期")
    org = site.catalog.organizations[target.publisher_id]
    main = site.catalog.columns[target.column_id]
    column = column_of_kind(site, org, "意见征集", args.column or (main.id if main.kind == "意见征集" else None))
    topic, _ = choose_topic(site, args.topic, column, org, inherited=target.topic)
    title = _title(args.title) if args.title else f"《{_subject(target.title)}》公开征求意见采纳情况"
    fields = [("征集", target.index_number, target.title), ("收到意见数", 0, "采纳、部分采纳、未采纳三项之和应等于收到意见数"),
              ("采纳", 0, ""), ("部分采纳", 0, ""), ("未采纳", 0, "有未采纳时加“未采纳理由:”")]
    return Draft(org, column, title, day, topic, kind_fields=fields, body=body_for("反馈"))


def _interaction(site: EditorSite):
    """The interaction plugin: ``.interaction`` (解读/征集 linked, docs/interaction.md) and ``.settings``."""
    if site.interaction is None or getattr(site.interaction, "interaction", None) is None:
        raise NewError("本网站没有启用 gongkai/interaction 插件（政策解读和意见征集）：在 mkdocs.yml 的 plugins 中加入")
    return site.interaction


def _forms() -> tuple[str, ...]:
    from ..interaction import INTERPRETATION_FORMS
    return INTERPRETATION_FORMS


def _title(text: str) -> str:
    title = " ".join(str(text).split())
    if not title:
        raise NewError("标题不能为空")
    return title


def _subject(title: str) -> str:
    """What a 解读 or 反馈 title names: the 《…》 in the original's title, or the document it 印发, or its title."""
    quoted = re.search(r"《(.+?)》", title)
    if quoted:
        return quoted.group(1)
    issued = re.search(r"关于印发(.+?)的(?:通知|决定)$", title)
    return issued.group(1) if issued else title


# ---------------------------------------------------------------------------------------------- writing


def numbers(site: EditorSite, draft: Draft, daizi: str | None) -> tuple[str, str | None]:
    """The next free 索引号 of the draft's 发布主体 and year and, when asked, the next 文号 of ``daizi``."""
    year = draft.day.year
    if not draft.org.code:  # known so far only by its 旧索引号前缀 (catalog/organizations.yml)
        raise NewError(f"{draft.org.name}还没有机构代码，新文件无法编索引号：先在 catalog/organizations.yml 中填写"
                       "该发布主体的“机构代码”")
    if is_placeholder(draft.org.code):
        raise NewError(f"{draft.org.name}的机构代码还没有填写，无法编索引号：先在 catalog/organizations.yml 中把"
                       f"发布主体 {draft.org.id} 的“机构代码”改为本机关的 9 位组织机构代码或 18 位统一社会信用代码")
    series = [d.index_number for d in site.documents if site.is_editor_document(d)]
    series += [r.index_number for r in site.rejected if r.index_number]
    taken = [d.index_number for d in site.documents]
    index_number = numbering.next_index_number(draft.org.code, year, series, taken)
    if not daizi:
        return index_number, None
    daizi = daizi.strip()
    if not numbering.DAIZI_RE.match(daizi):
        raise NewError(f"机关代字“{daizi}”不对：只写代字本身，如 示政办发（年份和序号由系统编排）")
    used = [d.doc_number for d in site.documents if d.doc_number] + [r.doc_number for r in site.rejected if r.doc_number]
    known = sorted({k for k in (numbering.daizi_of(n) for n in used) if k})
    if daizi not in known:
        draft.notes.append(f"注意：本站还没有机关代字“{daizi}”的文号，将从 1 号编起{close_matches(daizi, known)}")
    return index_number, numbering.next_doc_number(daizi, year, used)


def render(draft: Draft, index_number: str, doc_number: str | None) -> str:
    rows = [("title", draft.title, ""), ("栏目", [draft.column.id], draft.column.name),
            ("发布机构", draft.org.id, draft.org.name), ("成文日期", draft.day, ""), ("发布日期", draft.day, "")]
    if doc_number:
        rows.append(("文号", doc_number, ""))
    rows += [("索引号", index_number, ""), ("主题分类", draft.topic, "")]
    if draft.doc_kind:
        rows.append(("文件类型", draft.doc_kind, ""))
    rows += draft.kind_fields
    return front_matter(rows) + draft.body


def verify(site: EditorSite, text: str, src_path: str, display: str) -> list:
    """Load the new file as the build will: the core's loader, then the 解读/征集/反馈 checks. Returns problems."""
    problems = Problems()
    extra = {}
    if site.interaction is not None:
        from ..interaction import FIELDS
        extra = dict.fromkeys(FIELDS, "gongkai/interaction")
    loader = DocumentLoader(site.catalog, problems, extra, today=site.today(), future_days=site.core.config.future_days)
    loader.by_index = {d.index_number: d for d in site.documents}
    doc = loader.load(text, src_path, display)
    if doc is not None and site.interaction is not None:
        from ..interaction import collect
        collect([*site.documents, doc], site.interaction.settings, problems, columns=site.catalog.columns)
    return [p for p in problems.items if p.file == display]


# 解读 / 征集 / 反馈 (the first argument of `gongkai new`) → its draft; None: a document in any column.
DRAFTS = {None: plain_draft, "解读": interpretation_draft, "征集": consultation_draft, "反馈": feedback_draft}
