"""YAML loading that remembers line numbers, so errors can name the line."""

from __future__ import annotations

import yaml

try:  # the C loader is several times faster; the build parses every front matter with it
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader

from .errors import InputError, Problem


class Mapping(dict):
    """A dict that knows the line of each key (1-based) and its own line."""

    line: int = 0
    lines: dict

    def line_of(self, key) -> int:
        return self.lines.get(key, self.line)


class Sequence(list):
    line: int = 0


def _construct(node, loader):
    if isinstance(node, yaml.MappingNode):
        result = Mapping()
        result.line = node.start_mark.line + 1
        result.lines = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if isinstance(key, (list, dict)):
                key = str(key)
            result[key] = _construct(value_node, loader)
            result.lines[key] = key_node.start_mark.line + 1
        return result
    if isinstance(node, yaml.SequenceNode):
        result = Sequence(_construct(item, loader) for item in node.value)
        result.line = node.start_mark.line + 1
        return result
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:  # e.g. a timestamp such as 2025-02-30: keep the text, the field check reports it
        return node.value


def load(text: str, file: str, line_offset: int = 0):
    """Parse YAML text; a syntax error becomes an InputError naming file and line."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        data = _construct(node, loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 + line_offset if mark else None
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError([Problem(file, f"YAML 语法错误：{problem}", line=line,
                                  fix="检查该行的缩进、冒号后的空格和引号是否成对")]) from None
    finally:
        loader.dispose()
    if line_offset:
        _shift(data, line_offset)
    return data


def _shift(data, offset: int) -> None:
    if isinstance(data, Mapping):
        data.line += offset
        data.lines = {k: v + offset for k, v in data.lines.items()}
        for value in data.values():
            _shift(value, offset)
    elif isinstance(data, Sequence):
        data.line += offset
        for value in data:
            _shift(value, offset)


def load_file(path, display: str | None = None):
    with open(path, encoding="utf-8-sig") as fh:
        return load(fh.read(), display or str(path))
