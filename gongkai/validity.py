"""有效性 over time: 施行日期, 废止日期 + 废止依据, 失效日期, 修改依据, a 决定's own 废止/修改 lists, 修订记录 and
历史版本 (read here, found and published by ``gongkai.versions``).

A document's front matter is read into its ``Timeline`` here (``read_timeline``, called by the document loader);
once every document of the site is registered, ``resolve`` finds each 依据 among them, joins what either side
says (the amended file's 修改依据, the 决定's 修改 list), refuses contradictions, and sets every document's
有效性 at the build's instant. Pages read the resolved ``Timeline`` (``DocLink`` snapshots of the other side).

Rules (docs/schema.md): 国办发〔2017〕47号 asks that a document's 修改、废止、失效 be published and marked on the
document itself; an explicit 有效性 written without dates keeps working as before.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict

from .errors import Problems, close_matches
from .fields import DATE, LIST, TEXT, TEXTS, Field, FieldReader, describe, keys
from .model import (AMENDED, EXPIRED, IN_FORCE, NOT_YET, REPEALED, VALIDITIES, Basis, DocLink, Document, Revision,
                    Timeline)
from .versions import VERSIONS, read_versions

BASIS_EXAMPLE = "示政发〔2025〕14号"
# What editors and old sites write for the five states.
ALIASES = {"已修改": AMENDED, "已修改(仍有效)": AMENDED, "修改": AMENDED, "现行有效": IN_FORCE, "未施行": NOT_YET,
           "尚未生效": NOT_YET, "未生效": NOT_YET, "已废止": REPEALED, "已失效": EXPIRED}
STATED = Field("有效性", choices=VALIDITIES, aliases=ALIASES, example="有效",
               fix="写有效 / 失效 / 废止 / 已修改（仍有效）/ 尚未施行；写了施行日期、废止日期等日期的，可删去此行，由日期自动得出")
IN_FORCE_FROM = Field("施行日期", DATE, example="2025-03-01")
REPEALED_ON = Field("废止日期", DATE, example="2026-01-01")
REPEAL_BASIS = Field("废止依据", TEXT, example=BASIS_EXAMPLE)
EXPIRES_ON = Field("失效日期", DATE, example="2029-02-28")
AMENDMENT_BASES = Field("修改依据", LIST, noun="修改依据", shape="依据、日期", example=f"[{BASIS_EXAMPLE}]")
ABOLISHES = Field("废止", TEXTS, example=f"[{BASIS_EXAMPLE}]")
AMENDS = Field("修改", TEXTS, example=f"[{BASIS_EXAMPLE}]")
REVISIONS = Field("修订记录", LIST, noun="修订记录", shape="日期、说明",
                  example="\n  - 日期: 2026-03-02\n    说明: 更正附件2中的联系电话")
BASIS_ITEM = (Field("依据", required=True, example=BASIS_EXAMPLE), Field("日期", DATE, example="2026-01-01"))
REVISION_ITEM = (Field("日期", DATE, required=True, example="2026-03-02"),
                 Field("说明", required=True, example="更正附件2中的联系电话"))
FIELDS = (STATED, IN_FORCE_FROM, REPEALED_ON, REPEAL_BASIS, EXPIRES_ON, AMENDMENT_BASES, ABOLISHES, AMENDS,
          REVISIONS, VERSIONS)
KEYS = keys(FIELDS)
DATE_KEYS = ("施行日期", "废止日期", "废止依据", "失效日期", "修改依据")


# The timeline of a document that writes none of the fields; ``resolve`` gives a document its own before relating it.
NOTHING = Timeline()


def read_timeline(r: FieldReader, *, imported: bool = False) -> Timeline:
    """The validity fields of one front matter; problems go to the reader's file and lines."""
    t = Timeline(stated=r.read(STATED), in_force=r.read(IN_FORCE_FROM), repealed=r.read(REPEALED_ON),
                 expires=r.read(EXPIRES_ON))
    basis = r.read(REPEAL_BASIS)
    if basis:
        t.repeal_basis = Basis(basis, t.repealed, r.line_of(REPEAL_BASIS.key))
    t.amendment_bases = _bases(r, AMENDMENT_BASES)
    t.abolishes = [Basis(ref, None, r.line_of(ABOLISHES.key)) for ref in r.read(ABOLISHES) or []]
    t.amends = [Basis(ref, None, r.line_of(AMENDS.key)) for ref in r.read(AMENDS) or []]
    for entry, line in r.entries(REVISIONS):
        item = r.child(entry, "修订记录", line)
        item.unknown_keys(keys(REVISION_ITEM))
        day, note = (item.read(f) for f in REVISION_ITEM)
        if day and note:
            t.revisions.append(Revision(day, note))
    t.revisions.sort(key=lambda rev: rev.date)
    t.versions = read_versions(r)
    if t == Timeline():
        return NOTHING  # most documents: one shared object, not one per document (memory on large sites)
    if t.in_force and t.expires and t.expires < t.in_force:
        r.error(EXPIRES_ON.key, f"失效日期 {t.expires} 早于施行日期 {t.in_force}",
                fix="失效日期是最后有效的一天（有效期至），应不早于施行日期")
    if t.in_force and t.repealed and t.repealed < t.in_force:
        r.error(REPEALED_ON.key, f"废止日期 {t.repealed} 早于施行日期 {t.in_force}", fix="核对两个日期")
    if t.repealed and not t.repeal_basis:
        r.error(REPEALED_ON.key, "写了废止日期，没有写废止依据", severity="warning",
                fix=f"加一行“废止依据: 文号或索引号”，写作出废止决定的文件，例如 废止依据: {BASIS_EXAMPLE}；"
                    "页面才能链接到该决定")
    if t.stated in (REPEALED, EXPIRED) and not t.dated and not imported:
        r.error(STATED.key, f"有效性为“{t.stated}”，但没有写{'废止日期' if t.stated == REPEALED else '失效日期'}",
                severity="warning",
                fix=(f"加上“废止日期”和“废止依据”（如 废止依据: {BASIS_EXAMPLE}）" if t.stated == REPEALED
                     else "加上“失效日期”（最后有效的一天）") + "：页面、年报预填才能知道是哪一天起不再有效")
    return t


def _bases(r: FieldReader, f: Field) -> list[Basis]:
    """修改依据: each item a 文号 or 索引号, or “依据: …” with “日期: …”."""
    found = []
    items = r.read(f) or []
    for i, item in enumerate(items):
        line = items.line_of(i) if hasattr(items, "line_of") else r.line_of(f.key)
        if isinstance(item, str) and item.strip():
            found.append(Basis(item.strip(), None, line))
        elif isinstance(item, dict):
            child = r.child(item, f"{f.key} 第 {i + 1} 项", line)
            child.unknown_keys(keys(BASIS_ITEM))
            ref, day = (child.read(g) for g in BASIS_ITEM)
            if ref:
                found.append(Basis(ref, day, line))
        else:
            r.error(f.key, f"第 {i + 1} 个修改依据应为文号、索引号，或“依据、日期”的映射，实际是{describe(item)}",
                    fix=f"写成 修改依据: [{BASIS_EXAMPLE}]，或分行写“- 依据: {BASIS_EXAMPLE}”和“  日期: 2026-01-01”",
                    line=line)
    return found


def status_on(doc: Document, day: dt.date) -> str:
    """A document's 有效性 on ``day``: from its dates, else as written (it is the same every day then)."""
    return doc.timeline.status(day) if doc.timeline.dated else doc.validity


def repealed_in(doc: Document, year: int) -> bool | None:
    """Whether abolished within ``year``; None when marked 废止 without a date (the year cannot be known)."""
    if doc.timeline.repealed is not None:
        return doc.timeline.repealed.year == year
    return None if status_on(doc, dt.date(year, 12, 31)) == REPEALED else False


# ---- the whole site ---------------------------------------------------------------------------------------------

BRACKETS = str.maketrans({"[": "〔", "]": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕", "【": "〔", "】": "〕"})


def fold_number(ref: str) -> str:
    """A 文号 as editors type it: no spaces, any bracket as 〔〕."""
    return re.sub(r"\s+", "", ref).translate(BRACKETS)


def effective(doc: Document) -> dt.date:
    """When a 决定 takes effect on what it abolishes or amends: its 施行日期, else its 发布日期."""
    return doc.timeline.in_force or doc.published


def link(doc: Document, day: dt.date | None) -> DocLink:
    return DocLink(title=doc.title, url=doc.url, number=doc.doc_number or doc.index_number, src_path=doc.src_path,
                   date=day)


class _Finder:
    """A document of the site by its 索引号 or 文号, or a problem with the close matches."""

    def __init__(self, documents: list[Document]):
        self.by_index = {d.index_number: d for d in documents}
        self.by_number: dict[str, list[Document]] = defaultdict(list)
        for d in documents:
            if d.doc_number:
                self.by_number[fold_number(d.doc_number)].append(d)

    def find(self, ref: str, doc: Document, key: str, line: int | None, problems: Problems) -> Document | None:
        file = doc.source or doc.src_path
        found = self.by_index.get(ref.strip())
        if found is None:
            same = self.by_number.get(fold_number(ref), [])
            if len(same) > 1:
                problems.add(file, f"{key}“{ref}”对应多个文件：{'、'.join(f'{d.source}（{d.index_number}）' for d in same)}",
                             line=line, field=key, fix="改写该文件的索引号")
                return None
            found = same[0] if same else None
        if found is None:
            known = list(self.by_index) + [d.doc_number for ds in self.by_number.values() for d in ds]
            problems.add(file, f"{key}“{ref}”不是本站的文件{close_matches(ref, known)}", line=line, field=key,
                         fix="写本站已发布的决定文件的文号（如 示政发〔2025〕14号）或索引号；该决定须先在本站发布")
            return None
        if found is doc:
            problems.add(file, f"{key}“{ref}”是本文件自己", line=line, field=key, fix="写作出决定的另一个文件")
            return None
        return found


def resolve(documents: list[Document], today: dt.date, problems: Problems) -> None:
    """Every 依据 found, both sides joined, contradictions refused, and every document's 有效性 on ``today``."""
    finder = _Finder(documents)
    repeals: dict[str, dict[str, tuple[Document, Document, dt.date | None, str, int | None, Document]]] = \
        defaultdict(dict)  # affected → decider → (affected, decider, date, key, line, who said it)
    amends: dict[str, dict[str, tuple]] = defaultdict(dict)
    for doc in documents:
        t = doc.timeline
        if t.repeal_basis:
            decider = finder.find(t.repeal_basis.ref, doc, "废止依据", t.repeal_basis.line, problems)
            if decider:
                repeals[doc.src_path][decider.src_path] = (doc, decider, t.repealed, "废止依据", t.repeal_basis.line, doc)
        for b in t.amendment_bases:
            decider = finder.find(b.ref, doc, "修改依据", b.line, problems)
            if decider:
                amends[doc.src_path][decider.src_path] = (doc, decider, b.date, "修改依据", b.line, doc)
        for b in t.abolishes:
            target = finder.find(b.ref, doc, "废止", b.line, problems)
            if target:
                repeals[target.src_path].setdefault(doc.src_path, (target, doc, None, "废止", b.line, doc))
        for b in t.amends:
            target = finder.find(b.ref, doc, "修改", b.line, problems)
            if target:
                amends[target.src_path].setdefault(doc.src_path, (target, doc, None, "修改", b.line, doc))

    def own(doc: Document) -> Timeline:
        if doc.timeline is NOTHING:
            doc.timeline = Timeline()
        return doc.timeline

    def say(entry, message, fix):
        _, _, _, key, line, who = entry
        problems.add(who.source or who.src_path, message, line=line, field=key, fix=fix)

    def older(entry, verb: str) -> bool:
        target, decider = entry[0], entry[1]
        if decider.written < target.written:
            say(entry, f"{entry[3]}“{decider.doc_number or decider.index_number}”（成文日期 {decider.written}）"
                f"早于被{verb}的文件“{target.title}”（成文日期 {target.written}）",
                "核对文号或索引号：作出决定的文件应晚于被决定的文件")
            return True
        return False

    for src, by_decider in repeals.items():
        entries = list(by_decider.values())
        if len(entries) > 1:
            target = entries[0][0]
            names = "、".join(f"{e[1].doc_number or e[1].index_number}（{e[1].source}）" for e in entries)
            for e in entries:
                say(e, f"“{target.title}”被写成由多个文件废止：{names}",
                    "一个文件只能废止一次：保留真正作出废止决定的那一个")
            continue
        entry = entries[0]
        target, decider = entry[0], entry[1]
        if decider.src_path in amends.get(src, {}):
            other = amends[src][decider.src_path]
            for e in (entry, other):
                say(e, f"“{decider.title}”对“{target.title}”既写成废止又写成修改",
                    "核对该决定：废止的写在“废止”/“废止依据”，修改的写在“修改”/“修改依据”，两边一致")
            del amends[src][decider.src_path]
            continue
        if older(entry, "废止"):
            continue
        day = target.timeline.repealed or effective(decider)
        own(target).repealed = day
        target.timeline.repealed_by = link(decider, day)
        own(decider).abolished.append(link(target, day))
    for src, by_decider in amends.items():
        for entry in by_decider.values():
            target, decider, day = entry[0], entry[1], entry[2]
            if older(entry, "修改"):
                continue
            day = day or effective(decider)
            own(target).amended_by.append(link(decider, day))
            own(decider).amended.append(link(target, day))
    for doc in documents:
        t = doc.timeline
        if t is not NOTHING:
            t.amended_by.sort(key=lambda a: (a.date or dt.date.min, a.number))
            t.abolished.sort(key=lambda a: a.number)
            t.amended.sort(key=lambda a: a.number)
        doc.validity = derived = t.status(today)
        if t.stated and t.dated and t.stated != derived and not (t.stated == IN_FORCE and derived == AMENDED):
            file, line = doc.where("有效性")
            problems.add(file, f"有效性写的是“{t.stated}”，但按{_reasons(t)}，到 {today} 应为“{derived}”",
                         line=line, field="有效性", fix="删去“有效性”一行（由日期自动得出），或改正日期和依据")


def _reasons(t: Timeline) -> str:
    parts = []
    if t.in_force:
        parts.append(f"施行日期 {t.in_force}")
    if t.repealed_by:
        parts.append(f"废止依据 {t.repealed_by.number}（{t.repealed_by.date}）")
    elif t.repealed:
        parts.append(f"废止日期 {t.repealed}")
    if t.expires:
        parts.append(f"失效日期 {t.expires}")
    if t.amended_by:
        parts.append("修改依据 " + "、".join(a.number for a in t.amended_by))
    return "、".join(parts) or "所写日期"
