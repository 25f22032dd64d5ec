"""From what the old site printed to what this site knows: 发布主体 ids, column ids, 主题分类, 有效性.

A name maps only by an exact rule — the ``--map`` file, a 发布主体's full name or short name, a column's name when
no other column has it, a 主题分类 of the national list — never by similarity. Whatever does not map is returned
as ``None`` and the caller lists it, so the editor adds a line to the map file instead of finding a document
filed under the wrong 发布主体.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .. import yamlutil
from ..documents import NO_TOPIC
from ..errors import InputError, Problem, Problems, close_matches
from ..model import TOPICS, VALIDITIES, Catalog
from .labels import FIELDS as LABEL_FIELDS
from .labels import squeeze

SECTIONS = ("发布机构", "栏目", "主题分类", "有效性", "标签")
# 有效性 as old sites print it
VALIDITY_WORDS = {"现行有效": "有效", "已失效": "失效", "已废止": "废止", "已修改": "已修改（仍有效）",
                  "尚未生效": "尚未施行", "未施行": "尚未施行"}
EMPTY = ("", "无", "-", "—", "/", "暂无")


@dataclass
class ImportMap:
    """The ``--map`` file: per section, old name → this site's value."""

    sections: dict[str, dict[str, str]] = field(default_factory=lambda: {s: {} for s in SECTIONS})

    @classmethod
    def load(cls, path: Path, catalog: Catalog) -> "ImportMap":
        """Read and check a map file; raises InputError naming file, line and the fix."""
        display = str(path)
        try:
            text = path.read_text(encoding="utf-8-sig")
        except OSError as exc:
            raise InputError([Problem(display, f"无法读取对照表：{exc.strerror or exc}",
                                      fix="用 --map 指定一个存在的 YAML 文件")]) from None
        data = yamlutil.load(text, display) or yamlutil.Mapping()
        problems = Problems()
        if not isinstance(data, dict):
            problems.add(display, "对照表应为“栏目: {旧名称: 栏目id}”这样的映射", line=1,
                         fix="参照编辑手册“从旧网站迁移”（content/bangzhu/qianyi.md）中对照表的示例")
            problems.raise_if_errors()
        result = cls()
        allowed = {
            "发布机构": (catalog.organizations, "catalog/organizations.yml 中的发布主体 id"),
            "栏目": (catalog.columns, "catalog/columns.yml 中的栏目 id"),
            "主题分类": (TOPICS, "国务院公文主题分类之一，拿不准时写“其他”"),
            "有效性": (VALIDITIES, " / ".join(VALIDITIES)),
            "标签": (LABEL_FIELDS, f"一项元数据：{'、'.join(LABEL_FIELDS)}"),
        }
        for section, entries in data.items():
            line = data.line_of(section) if isinstance(data, yamlutil.Mapping) else None
            if section not in SECTIONS:
                problems.add(display, f"不认识的分节“{section}”{close_matches(str(section), SECTIONS)}", line=line,
                             fix=f"只能有：{'、'.join(SECTIONS)}")
                continue
            if entries is None:
                continue
            if not isinstance(entries, dict):
                problems.add(display, f"“{section}”下应为“旧名称: 新值”的映射", line=line, field=section)
                continue
            choices, what = allowed[section]
            for old, new in entries.items():
                where = entries.line_of(old) if isinstance(entries, yamlutil.Mapping) else line
                new = "" if new is None else str(new).strip()
                if new not in choices:
                    problems.add(display, f"“{old}”对应的“{new}”不是{what}{close_matches(new, choices)}",
                                 line=where, field=section, fix=f"改为{what}")
                    continue
                result.sections[section][squeeze(str(old)) if section != "标签" else str(old).strip()] = new
        problems.raise_if_errors()
        return result


class Mapper:
    """Resolves printed names with the map file first, then the catalog's exact names."""

    def __init__(self, catalog: Catalog, import_map: ImportMap):
        self.catalog = catalog
        self.map = import_map
        self._orgs: dict[str, str | None] = {}
        for org in catalog.organizations.values():
            for name in (org.name, org.short_name, org.id):
                if name:
                    # a short name two 发布主体 share maps to neither
                    self._orgs[name] = None if name in self._orgs and self._orgs[name] != org.id else org.id
        self._columns: dict[str, str | None] = {}
        for column in catalog.walk():
            for name in (column.name, column.id):
                self._columns[name] = (None if name in self._columns and self._columns[name] != column.id
                                       else column.id)

    def organization(self, name: str) -> str | None:
        name = squeeze(name)
        return self.map.sections["发布机构"].get(name) or self._orgs.get(name)

    def column(self, name: str) -> str | None:
        name = squeeze(name)
        return self.map.sections["栏目"].get(name) or self._columns.get(name)

    def topic(self, printed: str) -> tuple[str | None, str | None]:
        """(主题分类, note): 无 kept; "城乡建设、环境保护\\城市规划" gives its first level, with a note."""
        printed = squeeze(printed)
        if printed in self.map.sections["主题分类"]:
            return self.map.sections["主题分类"][printed], None
        if printed in EMPTY:
            return NO_TOPIC, None if printed == NO_TOPIC else "原页面未标注主题分类，记为“无”"
        if printed in TOPICS:
            return printed, None
        for separator in ("\\", "/", "／", ">", "＞"):
            first = printed.split(separator, 1)[0].strip()
            if separator in printed and first in TOPICS:
                return first, f"主题分类“{printed}”记为一级分类“{first}”"
        return None, None

    def validity(self, printed: str) -> tuple[str | None, str | None]:
        printed = squeeze(printed)
        if printed in self.map.sections["有效性"]:
            return self.map.sections["有效性"][printed], None
        if printed in EMPTY:
            return None, "原页面未标注有效性，按默认“有效”显示"
        value = VALIDITY_WORDS.get(printed, printed)
        return (value, None) if value in VALIDITIES else (None, None)
