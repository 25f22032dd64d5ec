"""The one YAML reader: plain data with line numbers, built from parser events.

Front matter, catalogs and report data need mappings, lists and scalars only. Tags are rejected at the event level,
so no tag can construct an object. An alias (``指南: *guide``, which 0.1.0 read and sites use) is the anchored value
itself, shared, never copied; what the aliases of one file would add when expanded is counted as they are read,
and past ALIAS_BUDGET values the file is refused, so nested aliases (the "billion laughs" document) cost nothing.
An alias of a value not yet complete (a recursive alias) is one message. Duplicate keys are errors naming both
lines, and a tab used for indentation is named as a tab.
"""

from __future__ import annotations

import datetime as dt

import re

import yaml

try:  # the C parser is several times faster; the build parses every front matter with it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

from .errors import InputError, Problem
from .sources import read_text

# Deeper nesting than any catalog or front matter needs; deeper input is refused before it exhausts the stack.
MAX_DEPTH = 50
STR_TAG = "tag:yaml.org,2002:str"
NUMBER_TAGS = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
# YAML 1.1 also reads 030001 as octal (12289), 9:30 as base 60 (570), 0x1F, 0b101, 1_000 and .inf as numbers.
# Here such values are 邮编, codes and times: only plain decimals become numbers, the rest stay the text as written.
DECIMAL_RE = re.compile(r"^[-+]?(?:0|[1-9][0-9]*)(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?$")
YAML_TAG_PREFIX = "tag:yaml.org,2002:"
# Values the aliases of one file may add once expanded: far above any catalog's (a 指南 shared by 100 发布主体 is
# 800), far below what would slow anything that walks the data (the billion laughs is 9⁹).
ALIAS_BUDGET = 20_000
ALIAS_MESSAGE = "YAML 别名（*名称）展开后的内容过多"
RECURSIVE_ALIAS_MESSAGE = "YAML 别名“*{name}”没有可指的内容：锚点“&{name}”须在它之前写完，不能指向包含它自己的内容"
TAB_INDENT_RE = re.compile(r"^[ \t\-?:]*\t")

# libyaml's wording → what an editor can act on. Matched by substring; the original stays in parentheses.
SYNTAX_HINTS = (
    ("mapping values are not allowed", "这里不能出现“: ”（冒号加空格）", "文字中含有“: ”时，把整个值用引号括起来"),
    ("could not find expected ':'", "缺少“:”", "每行写成“字段: 值”，冒号后加一个空格"),
    ("did not find expected key", "缩进不对齐或缺少“:”", "同一层的字段左边对齐，只用空格缩进"),
    ("did not find expected '-' indicator", "列表项缩进不对齐", "同一列表的各项“- ”左边对齐"),
    ("found unexpected end of stream", "引号或括号没有成对", "检查引号“\"”“'”和括号“[ ]”“{ }”是否成对"),
    ("did not find expected ',' or ']'", "方括号列表没有结束或缺少逗号", "写成 [甲, 乙]，项之间用英文逗号"),
    ("did not find expected ',' or '}'", "花括号映射没有结束或缺少逗号", "写成 {键: 值, 键: 值}"),
    ("found unknown escape character", "双引号中的反斜杠“\\”不是有效的转义", "改用单引号，或把“\\”写成“\\\\”"),
    ("control characters are not allowed", "含有不可见的控制字符", "删除该行中不可见的字符（可重新输入该行）"),
    ("found character that cannot start any token", "该位置的字符不能作为值的开头",
     "以 @、`、%、| 或 > 开头的文字请用引号括起来"),
    ("found undefined tag handle", "不支持 YAML 标签（! 开头的写法）", "删去“!…”；需要文字时用引号括起来"),
    ("did not find expected node content", "这里缺少值，或值以 }、]、, 等符号开头",
     "检查该行的括号和逗号；值本身以这些符号开头时把整个值用引号括起来"),
    ("did not find expected alphabetic or numeric character", "“&”或“*”后面缺少名称",
     "文字以 & 或 * 开头时，把整个值用引号括起来"),
    ("block sequence entries are not allowed", "这里不能开始“- ”列表",
     "列表另起一行写在“字段:”下面，并比字段多缩进两格；值本身以“-”开头时用引号括起来"),
    ("expected a comment or a line break", "值后面多了内容", "引号括起的值后面不能再写文字：把整行的值放进一对引号里"),
    ("mapping keys are not allowed", "这里不能出现“? ”", "“?”开头的文字用引号括起来"),
    ("expected <document start>", "这里不能开始新的内容", "检查上一行的缩进和冒号；一个文件只写一组“字段: 值”"),
    ("found unexpected ':'", "冒号的位置不对", "“字段: 值”中冒号后加一个空格；文字中含冒号时把整个值用引号括起来"),
    ("unacceptable character", "含有不能出现在 YAML 中的字符", "删除该行中不可见或特殊的字符（可重新输入该行）"),
)
# Whatever libyaml says that the table above does not know: still a Chinese message, the original in parentheses.
SYNTAX_FALLBACK = ("该行的写法不符合 YAML 规则", "检查该行及上一行的缩进（只用空格）、冒号后的空格，以及引号和括号是否成对")


class Mapping(dict):
    """A dict that knows the line of each key (1-based) and its own line."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    """A list that knows its own line and the line of each item."""

    line: int = 0
    lines: list

    def line_of(self, index: int) -> int:
        return self.lines[index] if 0 <= index < len(self.lines) else self.line


def _tag_text(tag: str) -> str:
    return "!!" + tag[len(YAML_TAG_PREFIX):] if tag.startswith(YAML_TAG_PREFIX) else tag


class _Composer:
    """Builds Mapping / Sequence / scalars straight from parser events, collecting problems on the way."""

    def __init__(self, loader, file: str, line_offset: int):
        self.loader, self.file, self.offset = loader, file, line_offset
        self.problems: list[Problem] = []
        self.alias_lines: list[int] = []  # aliases that went over ALIAS_BUDGET
        self.anchors: dict[str, tuple[object, int]] = {}  # anchor → (value, values it holds once expanded)
        self.nodes = 0  # values read so far, aliases counted as expanded
        self.copied = 0  # values the aliases add once expanded
        self.tag_lines: set[int] = set()
        self.depth = 0

    def line(self, event) -> int:
        return event.start_mark.line + 1 + self.offset

    def document(self):
        loader = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        data = self.value()
        loader.get_event()  # DocumentEnd
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.get_event()
            self.problems.append(Problem(self.file, "只能有一个 YAML 文档，这里又出现了一个（“---”或“...”）",
                                         line=self.line(event), fix="删去多余的“---”或“...”行"))
        return data

    def value(self):
        event = self.loader.get_event()
        if isinstance(event, yaml.AliasEvent):
            return self.alias(event)
        if event.anchor is None:
            return self._value(event)
        start = self.nodes
        result = self._value(event)
        self.anchors[event.anchor] = (result, self.nodes - start)  # after the value: a recursive alias finds none
        return result

    def alias(self, event):
        """The anchored value itself (shared, never copied), while the file's aliases stay within ALIAS_BUDGET."""
        found = self.anchors.get(event.anchor)
        if found is None:
            self.problems.append(Problem(self.file, RECURSIVE_ALIAS_MESSAGE.format(name=event.anchor),
                                         line=self.line(event), fix="把“*名称”换成它所指的完整内容"))
            return None
        value, size = found
        self.copied += size
        self.nodes += size
        if self.copied > ALIAS_BUDGET:
            self.alias_lines.append(self.line(event))
            return None
        return value

    def _value(self, event):
        self.nodes += 1
        if event.tag is not None:
            self._tag(event)
        if isinstance(event, yaml.ScalarEvent):
            return self.scalar(event)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise InputError([Problem(self.file, f"嵌套超过 {MAX_DEPTH} 层", line=self.line(event),
                                      fix="检查缩进和括号；目录和文件元数据不需要这么深的层次")])
        result = self.mapping(event) if isinstance(event, yaml.MappingStartEvent) else self.sequence(event)
        self.depth -= 1
        return result

    def _tag(self, event) -> None:
        line = self.line(event)
        if line in self.tag_lines:
            return
        self.tag_lines.add(line)
        self.problems.append(Problem(
            self.file, f"不支持 YAML 标签“{_tag_text(event.tag)}”", line=line,
            fix=f"删去“{_tag_text(event.tag)}”：日期、数字和文字会自动识别，需要按文字处理时用引号括起来"))

    def scalar(self, event):
        loader = self.loader
        tag = loader.resolve(yaml.ScalarNode, event.value, event.implicit) if event.tag is None else STR_TAG
        construct = loader.yaml_constructors.get(tag)
        if tag == STR_TAG or construct is None or tag in NUMBER_TAGS and not DECIMAL_RE.match(event.value):
            return event.value  # also "<<" and "=", which YAML 1.1 resolves to merge and value keys
        node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        try:
            return construct(loader, node)
        except ValueError:  # e.g. a timestamp such as 2025-02-30: keep the text, the field check reports it
            return event.value

    def sequence(self, start) -> Sequence:
        result = Sequence()
        result.line = self.line(start)
        result.lines = []
        while not self.loader.check_event(yaml.SequenceEndEvent):
            result.lines.append(self.line(self.loader.peek_event()))
            result.append(self.value())
        self.loader.get_event()
        return result

    def mapping(self, start) -> Mapping:
        result = Mapping()
        result.line = self.line(start)
        result.lines = {}
        loader = self.loader
        while not loader.check_event(yaml.MappingEndEvent):
            key_line = self.line(loader.peek_event())
            key = self.value()
            if isinstance(key, (list, dict)):  # a complex key; the field checks report it as unknown
                key = str(key)
            value = self.value()
            if key in result.lines:
                first = result.lines[key]
                self.problems.append(Problem(
                    self.file, f"“{key}”在第 {first} 行与第 {key_line} 行重复", line=key_line, field=str(key),
                    fix="同一层中每个字段只能写一次：核对后删去其中一行"))
                continue  # keep the first value; the build fails anyway
            result[key] = value
            result.lines[key] = key_line
        loader.get_event()
        return result

    def finish(self) -> None:
        if self.alias_lines:
            self.problems.insert(0, Problem(
                self.file, f"{ALIAS_MESSAGE}：超过 {ALIAS_BUDGET} 项，从第 {self.alias_lines[0]} 行起不再展开",
                line=self.alias_lines[0], fix="把“*名称”换成它所指的内容，或减少层层引用的别名"))
        if self.problems:
            raise InputError(sorted(self.problems, key=lambda p: p.line or 0))


def _reader_problem(exc: yaml.reader.ReaderError, text: str, file: str, line_offset: int) -> Problem:
    """libyaml's reader names a byte position ("position 24"): an editor needs the line and the column."""
    data = text.encode("utf-8", "surrogatepass")
    before = data[:max(exc.position, 0)]
    line = before.count(b"\n") + 1 + line_offset
    column = len(before[before.rfind(b"\n") + 1:].decode("utf-8", "replace")) + 1
    char = exc.character if isinstance(exc.character, int) else ord(str(exc.character)[:1] or "\0")
    return Problem(file, f"第 {line} 行第 {column} 个字符是不可见的控制字符 U+{char:04X}，YAML 不允许", line=line,
                   fix="删除该字符（常见于从其他软件复制粘贴的文字；可重新输入该行）")


def _syntax_problem(exc: yaml.YAMLError, text: str, file: str, line_offset: int) -> Problem:
    if isinstance(exc, yaml.reader.ReaderError):
        return _reader_problem(exc, text, file, line_offset)
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc)
    if mark is not None:
        lines = text.splitlines()
        source = lines[mark.line] if mark.line < len(lines) else ""
        if TAB_INDENT_RE.match(source) or source[mark.column:mark.column + 1] == "\t" or "tab character" in problem:
            line = mark.line + 1 + line_offset
            return Problem(file, f"第 {line} 行用了制表符（Tab）缩进，YAML 只能用空格缩进", line=line,
                           fix="把该行开头的 Tab 换成空格（编辑器中可设置“用空格代替 Tab”）")
    for english, chinese, fix in SYNTAX_HINTS:
        if english in problem:
            message, hint = f"YAML 语法错误：{chinese}（{problem}）", fix
            break
    else:
        message, hint = f"YAML 语法错误：{SYNTAX_FALLBACK[0]}（{problem}）", SYNTAX_FALLBACK[1]
    if mark is not None:
        message += f"（第 {mark.column + 1} 列）"
    return Problem(file, message, line=mark.line + 1 + line_offset if mark else None, fix=hint)


def load(text: str, file: str, line_offset: int = 0, cache=None):
    """Parse YAML text (line numbers shifted by ``line_offset``); every problem becomes an InputError.

    With ``cache`` (the build cache, gongkai/buildcache.py), text that parsed without a problem in the last build
    is not parsed again: its data, lines included, is kept as JSON (``_to_plain``)."""
    if cache is not None:
        key = cache.key("yaml", str(line_offset), text)
        stored = cache.get("yaml", key)
        if stored is not None:
            return _from_plain(stored)
        data = _load(text, file, line_offset)
        try:
            cache.put("yaml", key, _to_plain(data))
        except TypeError:  # a value JSON cannot keep exactly: parsed again next time
            pass
        return data
    return _load(text, file, line_offset)


def _to_plain(value):
    """JSON-able form of parsed data that ``_from_plain`` turns back into equal data with the same lines."""
    if isinstance(value, Mapping):
        return {"m": value.line, "k": [[_to_plain(k), value.lines[k], _to_plain(v)] for k, v in value.items()]}
    if isinstance(value, Sequence):
        return {"s": value.line, "i": [[line, _to_plain(v)] for line, v in zip(value.lines, value)]}
    if value is None or type(value) in (str, int, bool):
        return value
    if type(value) is float:
        return {"f": repr(value)}  # nan and inf too
    if type(value) is dt.datetime:
        return {"t": value.isoformat()}
    if type(value) is dt.date:
        return {"d": value.isoformat()}
    raise TypeError(type(value).__name__)


def _from_plain(value):
    if not isinstance(value, dict):
        return value
    if "m" in value:
        result = Mapping()
        result.line, result.lines = value["m"], {}
        for key, line, item in value["k"]:
            key = _from_plain(key)
            result[key] = _from_plain(item)
            result.lines[key] = line
        return result
    if "s" in value:
        result = Sequence(_from_plain(item) for _, item in value["i"])
        result.line, result.lines = value["s"], [line for line, _ in value["i"]]
        return result
    if "f" in value:
        return float(value["f"])
    if "t" in value:
        return dt.datetime.fromisoformat(value["t"])
    return dt.date.fromisoformat(value["d"])


# Parsed data kept as JSON by others than ``load`` (front-matter values a document keeps: gongkai/documents_memo.py).
to_plain, from_plain = _to_plain, _from_plain


SURROGATE_RE = re.compile("[\ud800-\udfff]")


def _load(text: str, file: str, line_offset: int):
    bad = SURROGATE_RE.search(text)
    if bad:  # a lone surrogate: never from a decoded file, but libyaml would raise on it
        line = text.count("\n", 0, bad.start()) + 1 + line_offset
        raise InputError([Problem(file, f"第 {line} 行含有无效的字符 U+{ord(bad.group(0)):04X}", line=line,
                                  fix="删除该字符")])
    loader = _Loader(text)
    composer = _Composer(loader, file, line_offset)
    try:
        data = composer.document()
    except yaml.YAMLError as exc:
        raise InputError([_syntax_problem(exc, text, file, line_offset)]) from None
    finally:
        loader.dispose()
    composer.finish()
    return data


def load_file(path, display: str | None = None):
    """Read and parse a YAML file: UTF-8 only (``gongkai.sources``)."""
    display = display or str(path)
    return load(read_text(path, display), display)
