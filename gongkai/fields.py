"""The one field reader for every YAML mapping an editor writes.

Front matter, the catalog (site.yml, organizations.yml, columns.yml), the 解读/征集/反馈 keys and report data declare
their fields as tables of ``Field`` and read them through a ``FieldReader``, so the same mistake gets the same
message everywhere: the file, the line, the field (prefixed by where it sits, e.g. “栏目 zcwj · 公开事项 · 公开时限”),
what was expected, what was written and how to fix it. A reader records problems instead of raising, so one
mistake does not hide the next, and returns the field's default for a value it refused.

Metadata is plain text: every text value of a field that is not Markdown goes through
``gongkai.safety.plain_text_problem`` here, so no loader can forget it.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field as dataclass_field
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from . import yamlutil
from .clock import parse_when
from .errors import Problems, close_matches
from .safety import control_problem, plain_text_problem

# Kinds of value. TEXT and ID are one scalar, TEXTS and IDS one scalar or a list of them (ids are letters and
# digits, so a YAML number or date where an id belongs is a mistake, not an id); DATE is a calendar date, MOMENT a
# date with an optional time of day in the site's time zone; COUNT a non-negative and INT any whole number;
# DECIMAL a non-negative number that may have decimals (平均办理时间 4.5 天).
TEXT, TEXTS, ID, IDS, DATE, MOMENT, COUNT, INT, DECIMAL, BOOL, MAPPING, LIST = (
    "text", "texts", "id", "ids", "date", "moment", "count", "int", "decimal", "bool", "mapping", "list")
LIST_KINDS = (TEXTS, IDS, LIST)

DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
# No count or figure an editor writes comes near this: a larger one is a typing slip (and would print as 1E+30).
MAX_NUMBER = 10 ** 9
MISSING = object()


def is_text(value) -> bool:
    """A scalar that reads as text as written: a string, a whole number or a date (not true/false, not 1.5)."""
    return isinstance(value, (str, int, dt.date)) and not isinstance(value, bool)


def describe(value) -> str:
    """What an editor actually wrote, for “应为…，实际是…” messages."""
    if isinstance(value, dict):
        return "映射（“键: 值”）"
    if isinstance(value, list):
        return "列表"
    if isinstance(value, bool):
        return f"逻辑值 {str(value).lower()}（YAML 把 true、false、yes、no、on、off 读作是/否，不是文字）"
    if isinstance(value, (int, float)):
        return f"数字 {value}"
    if isinstance(value, dt.date):
        return f"日期 {value}"
    if value is None:
        return "空值"
    return f"文字“{value}”"


def whole_number(value, kind: str = COUNT, *, bounds: tuple[int, int] | None = None,
                 expected: str = "") -> tuple[int | None, str | None, str | None]:
    """(the number, None, None), or (None, why not, how to fix) for a COUNT or INT value: the one rule for 条数,
    件数 and 年度."""
    expected = expected or ("非负整数" if kind == COUNT else "整数（可为负数）")
    if value is None or isinstance(value, str) and not value.strip():
        return None, f"应为{expected}，实际是空白", "没有的填 0，不要留空"
    if isinstance(value, bool) or not isinstance(value, int) or kind == COUNT and value < 0 \
            or bounds and not bounds[0] <= value <= bounds[1]:
        return None, f"应为{expected}，实际是{describe(value)}", KIND_FIXES[kind]
    if abs(value) > MAX_NUMBER:
        return None, f"数值“{value}”超出范围：不应超过 {MAX_NUMBER}", "核对是否多写了数字"
    return value, None, None


@dataclass(frozen=True)
class Field:
    """One field of a mapping: how it is written, whether it must be, and what the editor is told otherwise."""

    key: str
    kind: str = TEXT
    required: bool = False
    choices: tuple = ()  # TEXT, TEXTS: the values allowed
    default: Any = None  # returned when the field is absent, blank or refused
    example: str = ""  # a value as written, for the fix (“写成 栏目: [gfxwj]”)
    fix: str = ""  # replaces the generic fix of every problem with this field (markup aside)
    noun: str = ""  # ID, IDS: what the id names (“发布主体”); LIST: what one item is (“附件”)
    shape: str = ""  # MAPPING, and a LIST of mappings: the keys inside (“名称、文件”)
    expected: str = ""  # replaces the generic description of the kind in “应为…”
    plain: bool = True  # plain text (gongkai.safety); False for a field written in Markdown
    bounds: tuple | None = None  # COUNT, INT: (lowest, highest)
    aliases: dict = dataclass_field(default_factory=dict, compare=False)  # TEXT: other names of a choice
    attr: str = ""  # the model attribute ``read_all`` names the value by (default: the key)
    max_length: int = 0  # TEXT: the longest value accepted (0: any), where a file format limits it

    def description(self) -> str:
        if self.expected:
            return self.expected
        return {TEXT: "一段文字", TEXTS: "一项文字或文字列表", ID: f"{self.noun} id",
                IDS: f"{self.noun} id 或{self.noun} id 列表", DATE: "日期（YYYY-MM-DD）",
                MOMENT: "日期（YYYY-MM-DD，可加时刻 HH:MM）", COUNT: "非负整数", INT: "整数（可为负数）", DECIMAL: "非负数",
                BOOL: "是/否（true 或 false）", MAPPING: f"映射（{self.shape or '“键: 值”'}）",
                LIST: f"{self.noun}列表（每项以“- ”开头）"}[self.kind]

    def written(self) -> str:
        """The example as a line of YAML (a block example starts on the next line)."""
        return f"{self.key}:{'' if self.example.startswith(chr(10)) else ' '}{self.example}"

    def accepts(self, value) -> bool:
        """One scalar of a TEXT/TEXTS or ID/IDS field. An id YAML reads as a whole number (栏目: [2024]) is that id:
        0.1.0 read it so, and gongkai.yamlutil keeps only plain decimals as numbers, so its text is as written."""
        return is_text(value) and not isinstance(value, dt.date) if self.kind in (ID, IDS) else is_text(value)

    def blank(self, value) -> bool:
        """Absent: nothing, only spaces, or an empty list or mapping where one belongs."""
        return (value is None or isinstance(value, str) and not value.strip()
                or value == [] and self.kind in LIST_KINDS or value == {} and self.kind == MAPPING)


# How to fix a value of the wrong kind, when the field gives neither a fix nor an example.
KIND_FIXES = {TEXT: "写成一行文字", TEXTS: "写成一项文字，或 [甲, 乙] 形式的列表", ID: "填写 id（小写字母、数字和连字符）",
              IDS: "写成 [id1, id2] 形式的列表", DATE: "写成 YYYY-MM-DD，例如 2024-03-08",
              MOMENT: "写成 2026-11-30，需要精确到时刻时写 2026-11-30 17:00", COUNT: "填写 0 或正整数，只写数字，例如 12",
              INT: "填写整数，只写数字，可为负数，例如 -2", DECIMAL: "只写数字，不写单位，例如 4.5",
              BOOL: "写成 true 或 false", MAPPING: "另起一行，缩进两格，逐行写“键: 值”", LIST: "每项另起一行，以“- ”开头"}
UNKNOWN_FIX = "删除该字段或改为正确的字段名"
CHOICE_FIX = "改为所列取值之一"
LIST_ALLOWED = 12  # up to this many allowed keys are listed in the fix of an unknown key


def named(text: str, known) -> tuple[list[str], str] | None:
    """The ids an editor meant when writing a name instead (“示例市教育局”, its 简称 “教育局”, or “JYJ” in capitals), with
    why it is not the id; None when nothing matches."""
    text = text.strip()
    folded = [i for i in known if str(i).lower() == text.lower().replace(" ", "")]
    if folded:
        return folded, "id 只用小写字母"
    items = known.items() if hasattr(known, "items") else ()
    names = {i: [n for n in (getattr(o, "name", None), getattr(o, "short_name", None)) if n] for i, o in items}
    exact = [i for i, ns in names.items() if text in ns]
    if exact:
        return exact, "这是名称，这里应填 id"
    ends = [i for i, ns in names.items() if len(text) >= 2 and any(n.endswith(text) or text.endswith(n) for n in ns)]
    if len(ends) == 1:
        return ends, f"看起来是“{names[ends[0]][0]}”的名称或简称，这里应填 id"
    return None


def keys(fields: Iterable[Field]) -> tuple[str, ...]:
    return tuple(f.key for f in fields)


class FieldReader:
    """Reads the fields of one mapping (``data``), adding a ``Problem`` for every bad value.

    ``where`` prefixes the field names in messages (“发布主体 jyj” → “发布主体 jyj · 名称”). Lines come from the
    mapping when it is a ``yamlutil.Mapping``, else from ``lines`` (key → line, e.g. a document's field lines),
    else ``line``; a field that is absent is named at the line of the mapping itself.
    """

    def __init__(self, data, problems: Problems, file: str, *, where: str = "", line: int | None = None,
                 lines: Callable[[str], int | None] | None = None, guide: str = "", zone: ZoneInfo | None = None):
        self.data = data if isinstance(data, dict) else {}
        self.problems, self.file, self.where, self.lines = problems, file, where, lines
        self.line = data.line if isinstance(data, yamlutil.Mapping) else line
        self.guide = guide  # the editors' doc for this input, named in generic fixes
        self.zone = zone  # the site's time zone, for MOMENT fields
        self.reported: set = set()  # keys a problem was added for

    # ---- where ------------------------------------------------------------------------------------------------

    def name(self, key) -> str:
        return f"{self.where} · {key}" if self.where else str(key)

    def line_of(self, key) -> int | None:
        if isinstance(self.data, yamlutil.Mapping):
            return self.data.line_of(key)
        found = self.lines(key) if self.lines else None
        return found or self.line

    def error(self, key, message: str, fix: str | None = None, *, line: int | None = None,
              severity: str = "error") -> None:
        self.reported.add(key)
        self.problems.add(self.file, message, line=line or self.line_of(key), field=self.name(key), fix=fix,
                          severity=severity)

    def child(self, data, where: str, line: int | None = None) -> "FieldReader":
        """A reader of a mapping inside this one, its fields named “where · key”."""
        return FieldReader(data, self.problems, self.file, where=where, line=line, guide=self.guide, zone=self.zone)

    def within(self, key) -> "FieldReader":
        """A reader of the mapping under ``key``, as it is (``mapping`` reads and checks it first)."""
        return self.child(self.data.get(key), self.name(key), self.line_of(key))

    # ---- the mapping ------------------------------------------------------------------------------------------

    def unknown_keys(self, allowed: Iterable[str], *, suggest: Iterable[str] | None = None,
                     note: Callable[[str], str] | None = None) -> None:
        """A problem for each key not in ``allowed``, with the close matches among ``suggest`` (default: allowed)."""
        allowed = tuple(allowed)
        names = [str(k) for k in (allowed if suggest is None else suggest)]
        listed = f"（可用字段：{'、'.join(allowed)}）" if len(allowed) <= LIST_ALLOWED else \
            f"（见 {self.guide}）" if self.guide else ""
        for key in self.data:
            if key not in allowed:
                self.error(key, f"不认识的字段“{key}”{note(key) if note else ''}{close_matches(str(key), names)}",
                           UNKNOWN_FIX + listed)

    def read_all(self, fields: Iterable[Field]) -> dict:
        """Every field's value by its model attribute (or key)."""
        return {f.attr or f.key: self.read(f) for f in fields}

    def read(self, f: Field, default=MISSING):
        """The field's value, of its kind; ``default`` (else the field's) when absent, blank or refused (a list
        with any item refused is refused)."""
        default = f.default if default is MISSING else default
        value = self.data.get(f.key)
        if f.blank(value):
            if f.required:
                self.error(f.key, f"缺少必填字段“{f.key}”", f.fix or "填写“{}”{}{}".format(
                    f.key, f"，例如 {f.written()}" if f.example else "", f"（见 {self.guide}）" if self.guide else ""))
            return default
        got = getattr(self, "_" + f.kind)(f, value)
        return default if got is MISSING else got

    def mapping(self, f: Field) -> "FieldReader | None":
        """A reader of a MAPPING field, or None when it is absent or no mapping (reported)."""
        return None if self.read(f, default=None) is None else self.within(f.key)

    def entries(self, f: Field) -> list[tuple[dict, int | None]]:
        """The items of a LIST field of mappings, each with its line; an item that is no mapping is reported."""
        items = self.read(f, default=None) or []
        found = []
        for i, item in enumerate(items):
            line = items.line_of(i) if isinstance(items, yamlutil.Sequence) else self.line_of(f.key)
            if isinstance(item, dict):
                found.append((item, line))
            else:
                self.error(f.key, f"第 {i + 1} 个{f.noun}应为映射（{f.shape}），实际是{describe(item)}",
                           f.fix or f"每项以“- ”开头，下面逐行写“键: 值”（{f.shape}）", line=line)
        return found

    def reference(self, key, value: str, known, noun: str, defined_in: str, *, line: int | None = None) -> bool:
        """Whether ``value`` names one of ``known`` (ids defined elsewhere); a problem naming the close ones if not."""
        if value in known:
            return True
        meant = named(str(value), known)
        if meant:
            ids, why = meant
            self.error(key, f"“{value}”不是{noun} id：{why}",
                       f"改为 {ids[0]}" if len(ids) == 1 else f"改为其中之一：{'、'.join(ids)}（{noun} id，见 {defined_in}）",
                       line=line)
            return False
        self.error(key, f"“{value}”不是已定义的{noun}{close_matches(str(value), known)}",
                   f"填写 {defined_in} 中的{noun} id", line=line)
        return False

    # ---- one kind each ----------------------------------------------------------------------------------------

    def _wrong(self, f: Field, value, found: str | None = None):
        if f.fix:
            fix = f.fix
        elif f.example:
            fix = f"写成 {f.written()}"
        else:
            fix = KIND_FIXES[f.kind] + ("，并加引号" if f.kind == TEXT and isinstance(value, (bool, float)) else "")
        self.error(f.key, f"应为{f.description()}，实际是{found or describe(value)}", fix)
        return MISSING

    def _plain(self, f: Field, value) -> bool:
        # Markdown may hold markup, never a control character (XML — feeds, Word forms — cannot carry some).
        text = str(value)
        found = plain_text_problem(text) if f.plain else control_problem(text)
        if not found and f.max_length and len(text) > f.max_length:
            found = (f"太长：{len(text)} 个字，不能超过 {f.max_length} 个字", "核对是否把其他内容误填进了该字段")
        if found:
            self.error(f.key, found[0], found[1])
        return not found

    def _choose(self, f: Field, text: str):
        text = f.aliases.get(text, text)
        if f.choices and text not in f.choices:
            self.error(f.key, f"取值“{text}”无效，应为：{' / '.join(f.choices)}{close_matches(text, f.choices)}",
                       f.fix or CHOICE_FIX)
            return MISSING
        return text

    def _text(self, f: Field, value):
        if not f.accepts(value):
            return self._wrong(f, value)
        return self._choose(f, str(value).strip()) if self._plain(f, value) else MISSING

    _id = _text

    def _texts(self, f: Field, value):
        items = value if isinstance(value, list) else [value] if f.accepts(value) else None
        if items is None:
            return self._wrong(f, value)
        bad = [i for i, item in enumerate(items) if not f.accepts(item)]
        if bad:
            return self._wrong(f, value, f"列表，其中第 {bad[0] + 1} 项是{describe(items[bad[0]])}")
        chosen = [self._choose(f, str(item).strip()) if self._plain(f, item) else MISSING for item in items]
        return MISSING if MISSING in chosen else chosen

    _ids = _texts

    def _date(self, f: Field, value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        if not is_text(value):
            return self._wrong(f, value)
        text = str(value).strip()
        match = DATE_RE.match(text)
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                pass
        self.error(f.key, f"日期“{text}”无效，应为 YYYY-MM-DD 格式的真实日期",
                   f.fix or f"例如 {f.key}: {f.example or '2024-03-08'}")
        return MISSING

    def _moment(self, f: Field, value):
        """(aware datetime, whether a time was written)."""
        if self.zone is None:
            raise ValueError(f"reading {f.key} needs the site's time zone (FieldReader zone=…)")
        if not is_text(value):
            return self._wrong(f, value)
        when = parse_when(value, self.zone)
        if when is None:
            self.error(f.key, f"日期“{str(value).strip()}”无效，应为 YYYY-MM-DD 格式的真实日期，需要时刻时写 YYYY-MM-DD HH:MM",
                       f.fix or KIND_FIXES[MOMENT])
            return MISSING
        return when

    def _number(self, f: Field, value):
        number, problem, fix = whole_number(value, f.kind, bounds=f.bounds, expected=f.expected)
        if problem:
            self.error(f.key, problem, f.fix or (f"写成 {f.written()}" if f.example else fix))
            return MISSING
        return number

    _count = _int = _number

    def _decimal(self, f: Field, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < 0 or value != value:
            return self._wrong(f, value)
        if value > MAX_NUMBER:
            self.error(f.key, f"数值“{value}”超出范围：不应超过 {MAX_NUMBER}", "核对是否多写了数字")
            return MISSING
        return float(value)

    def _bool(self, f: Field, value):
        return value if isinstance(value, bool) else self._wrong(f, value)

    def _mapping(self, f: Field, value):
        return value if isinstance(value, dict) else self._wrong(f, value)

    def _list(self, f: Field, value):
        return value if isinstance(value, list) else self._wrong(f, value)


def top_mapping(problems: Problems, file: str, data, *, what: str, shape: str, fix: str, line: int = 1):
    """The mapping at the top of a file (or front matter), or None after a problem saying it is something else."""
    if isinstance(data, dict):
        return data
    problems.add(file, f"{what}应为“字段: 值”的映射（{shape}），实际是{describe(data)}", line=line, fix=fix)
    return None
