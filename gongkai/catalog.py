"""Load ``catalog/*.yml`` (网站信息, 发布主体, 主动公开基本目录) into a ``Catalog``, checking every field."""

from __future__ import annotations

import re
from pathlib import Path

from . import yamlutil
from .errors import InputError, Problems, close_matches
from .yamlutil import describe, is_text
from .model import (COLUMN_KINDS, ORG_KINDS, TOPICS, UPDATE_CLASSES, Catalog, Column, DisclosureItem, Guide,
                    Organization, Site)
from .safety import plain_text_problem

SITE_FILE, ORGS_FILE, COLUMNS_FILE = "site.yml", "organizations.yml", "columns.yml"

# Ids start with a letter, so that no id is ever a YAML number (栏目: [2024] would be read as 2024, not "2024").
ID_RE = re.compile(r"^[a-z][a-z0-9-]*$")

SITE_FIELDS = {"网站名称": "name", "主办单位": "sponsor", "承办单位": "organizer", "网站标识码": "site_code",
               "ICP备案编号": "icp", "公安机关备案号": "police_record", "联系电话": "phone",
               "联系邮箱": "email", "地址": "address", "邮编": "postcode"}
GUIDE_FIELDS = {"工作机构名称": "office", "办公地址": "address", "办公时间": "hours", "邮编": "postcode",
                "电话": "phone", "传真": "fax", "邮箱": "email"}
ORG_KEYS = ("id", "名称", "类型", "机构代码", "上级", "简称", "指南")
COLUMN_KEYS = ("id", "名称", "说明", "类型", "适用", "更新类别", "主题分类", "暂无", "公开事项", "正文", "子栏目")
ITEM_FIELDS = {"序号": "number", "一级事项": "level1", "二级事项": "level2", "公开内容（要素）": "content",
               "公开依据": "basis", "公开时限": "time_limit", "公开主体": "subject",
               "公开渠道和载体": "channels", "公开对象": "audience", "公开方式": "mode", "公开层级": "levels"}
ITEM_OPTIONAL = ("序号", "二级事项")
# Catalog fields written in Markdown; every other value is plain text.
MARKDOWN_KEYS = ("正文",)
AUDIENCES, MODES, LEVELS = ("全社会", "特定群体"), ("主动", "依申请"), ("县级", "乡级")


class _Reader:
    """Field access on one YAML mapping that records precise problems instead of raising."""

    def __init__(self, problems: Problems, file: str, data, what: str):
        self.problems, self.file, self.data, self.what = problems, file, data, what

    def line(self, key=None) -> int | None:
        if isinstance(self.data, yamlutil.Mapping):
            return self.data.line_of(key) if key is not None else self.data.line
        return None

    def error(self, key, message, fix=None, line=None):
        self.problems.add(self.file, message, line=line or self.line(key), field=f"{self.what} · {key}", fix=fix)

    def unknown_keys(self, allowed) -> None:
        for key in self.data:
            if key not in allowed:
                self.error(key, f"不认识的字段“{key}”{close_matches(str(key), allowed)}",
                           fix="删除该字段或改为正确的字段名")

    def text(self, key, required=True, default=""):
        value = self.data.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.problems.add(self.file, f"缺少必填字段“{key}”", line=self.line(), field=f"{self.what} · {key}",
                                  fix=f"在{self.what}中填写“{key}”")
            return default
        if not is_text(value):
            self.error(key, f"应为一段文字，实际是{describe(value)}",
                       fix="写成一行文字" + ("，并加引号" if isinstance(value, (bool, float)) else ""))
            return default
        if key not in MARKDOWN_KEYS:
            self.plain(key, value)
        return str(value).strip()

    def plain(self, key, value) -> None:
        """Catalog values are plain text (docs/security.md), except Markdown fields such as a 单页's 正文."""
        found = plain_text_problem(value)
        if found:
            self.error(key, found[0], fix=found[1])

    def texts(self, key) -> list[str]:
        """A required field written as one text or a list of texts; [] after a message otherwise."""
        value = self.data.get(key)
        values = [value] if is_text(value) else value
        if value is None or values == []:
            self.text(key)  # reports the missing field
            return []
        bad = [v for v in values if not is_text(v)] if isinstance(values, list) else [value]
        if bad:
            self.error(key, f"应为一项文字或文字列表，实际是{describe(value)}"
                       + (f"，其中有{describe(bad[0])}" if isinstance(values, list) else ""), fix=f"例如 {key}: [甲, 乙]")
            return []
        return [str(v).strip() for v in values]

    def entries(self, key, what: str) -> list:
        """A list of entries (公开事项, 子栏目): [] when absent, and after a message when it is no list."""
        value = self.data.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.error(key, f"应为{what}列表（每项以“- ”开头），实际是{describe(value)}")
            return []
        return value

    def choice(self, key, choices, default=None):
        value = self.text(key, required=default is None, default=default or "")
        if value and value not in choices:
            self.error(key, f"取值“{value}”无效，应为：{' / '.join(choices)}{close_matches(value, choices)}")
            return default or choices[0]
        return value

    def choices(self, key, choices, default):
        value = self.data.get(key)
        if value is None:
            return default
        values = [value] if isinstance(value, str) else value
        if not isinstance(values, list) or not values:
            self.error(key, f"应为列表，取值：{' / '.join(choices)}；实际是{describe(value)}",
                       fix=f"例如 {key}: [{choices[0]}]")
            return default
        good = []
        for v in values:
            if str(v) in choices:
                good.append(str(v))
            else:
                self.error(key, f"取值“{v}”无效，应为：{' / '.join(choices)}{close_matches(str(v), choices)}")
        return tuple(good) or default


def _read_entry(problems, display, entry, what, keys, example, line=None):
    """A reader for one catalog entry (发布主体 or 栏目) and its checked id, or None if it is no mapping."""
    if not isinstance(entry, dict):
        problems.add(display, f"每个{what}应为映射（id、名称…），实际是{describe(entry)}", line=getattr(entry, "line", line),
                     field=what, fix="每项以“- id: …”开头，下面逐行写其他字段")
        return None
    r = _Reader(problems, display, entry, f"{what} {entry.get('id', '?')}")
    r.unknown_keys(keys)
    entry_id = r.text("id")
    if entry_id and not ID_RE.match(entry_id):
        r.error("id", f"“{entry_id}”不符合要求：以小写字母开头，只能用小写字母、数字和连字符", fix=example)
    return r, entry_id


def _mapping_list(problems, file, data, key) -> list:
    if not isinstance(data, dict) or key not in data:
        problems.add(file, f"文件顶层应为“{key}:”及其列表", line=1, field=key,
                     fix=f"以“{key}:”开头，下面每项以“- id: …”列出")
        return []
    items = data[key]
    if not isinstance(items, list):
        problems.add(file, f"“{key}”应为列表，实际是{describe(items)}", line=data.line_of(key), field=key)
        return []
    return items


# 机构代码, the 索引号 prefix: a 9-character 组织机构代码 (GB 11714: 8 digits or capitals and a check character,
# 0–9 or X) or an 18-character 统一社会信用代码 (GB 32100: digits and capitals without I, O, S, V, Z). The check
# characters are not verified: many sites' 索引号 prefixes were assigned before these codes and must not change.
ORG_CODE_RE = re.compile(r"[0-9A-Z]{8}[0-9X]")
CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_RE = re.compile(f"[{CREDIT_CODE_CHARS}]{{18}}")


def org_code_problem(code: str) -> tuple[str, str] | None:
    """(message, fix) when ``code`` is not a 9-character 组织机构代码 or an 18-character 统一社会信用代码."""
    shape = "应为 9 位组织机构代码或 18 位统一社会信用代码"
    if "-" in code or "－" in code or " " in code:
        joined = re.sub(r"[-－ ]", "", code)
        return f"机构代码“{code}”含有连字符或空格：{shape}，连续书写", f"写成“{joined}”（加引号）"
    if code != code.upper() and code.upper() != code.lower():
        return f"机构代码“{code}”含有小写字母：{shape}，字母大写", f"写成“{code.upper()}”（加引号）"
    if len(code) == 9:
        if ORG_CODE_RE.fullmatch(code):
            return None
        return f"机构代码“{code}”不是组织机构代码：前 8 位为数字或大写字母，第 9 位校验码为数字或 X", \
            "照抄本机关组织机构代码证上的代码（去掉连字符），加引号"
    if len(code) == 18:
        if CREDIT_CODE_RE.fullmatch(code):
            return None
        bad = "、".join(sorted({c for c in code if c not in CREDIT_CODE_CHARS}))
        return f"机构代码“{code}”含有统一社会信用代码不使用的字符“{bad}”（不使用 I、O、S、V、Z）", \
            "照抄本机关的统一社会信用代码（常见误写：O 应为 0，I 应为 1），加引号"
    return f"机构代码“{code}”为 {len(code)} 位：{shape}", \
        "填写本机关的 9 位组织机构代码或 18 位统一社会信用代码，加引号（如 \"014416330\"）"


def load_site(problems: Problems, data, display: str) -> Site:
    if not isinstance(data, dict):
        if data is not None:
            problems.add(display, f"文件顶层应为“字段: 值”的映射（网站名称、主办单位…），实际是{describe(data)}", line=1,
                         fix="见 docs/schema.md 中 site.yml 的示例")
        data = yamlutil.Mapping()
    r = _Reader(problems, display, data, "网站信息")
    r.unknown_keys(SITE_FIELDS)
    return Site(**{attr: r.text(key) for key, attr in SITE_FIELDS.items()})


def load_organizations(problems: Problems, data, display: str) -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    codes: dict[str, Organization] = {}
    entries = _mapping_list(problems, display, data, "发布主体")
    for i, entry in enumerate(entries):
        line = entries.line_of(i) if isinstance(entries, yamlutil.Sequence) else None
        read = _read_entry(problems, display, entry, "发布主体", ORG_KEYS, "例如 jyj、dcjd", line)
        if read is None:
            continue
        r, org_id = read
        guide_data = entry.get("指南")
        if isinstance(guide_data, dict):
            g = _Reader(problems, display, guide_data, f"发布主体 {org_id} · 指南")
            g.unknown_keys(GUIDE_FIELDS)
            guide = Guide(**{attr: g.text(key) for key, attr in GUIDE_FIELDS.items()})
        else:  # one message, not one per missing guide field
            wrong = f"，实际是{describe(guide_data)}" if guide_data is not None else ""
            r.error("指南", f"缺少信息公开指南数据（工作机构名称、办公地址、办公时间、电话、传真、邮箱…）{wrong}",
                    fix="按 docs/schema.md 填写“指南:”", line=r.line("指南") if guide_data is not None else r.line())
            guide = Guide(**{attr: "" for attr in GUIDE_FIELDS.values()})
        org = Organization(id=org_id, name=r.text("名称"), kind=r.choice("类型", ORG_KINDS), code=r.text("机构代码"),
                           guide=guide, parent_id=r.text("上级", required=False) or None,
                           short_name=r.text("简称", required=False) or None, source=f"{display}:{r.line()}")
        bad_code = org_code_problem(org.code) if org.code else None
        if bad_code:
            r.error("机构代码", bad_code[0], fix=bad_code[1])
        if org_id in orgs:
            r.error("id", f"发布主体 id“{org_id}”重复，另见 {orgs[org_id].source}", fix="每个发布主体用不同的 id")
            continue
        if org.code in codes:
            r.error("机构代码", f"机构代码“{org.code}”与发布主体 {codes[org.code].id} 重复（{codes[org.code].source}）",
                    fix="索引号前缀须唯一，请核对机构代码")
        codes[org.code] = org
        if org_id:
            orgs[org_id] = org
    for org in orgs.values():
        if org.parent_id and org.parent_id not in orgs:
            problems.add(display, f"上级“{org.parent_id}”不是已定义的发布主体{close_matches(org.parent_id, orgs)}",
                         line=int(org.source.rsplit(":", 1)[1]), field=f"发布主体 {org.id} · 上级")
    return orgs


def _load_item(problems, display, entry, column_id, line=None) -> DisclosureItem | None:
    if not isinstance(entry, dict):
        problems.add(display, f"每个公开事项应为映射（一级事项、公开内容（要素）…），实际是{describe(entry)}",
                     line=line, field=f"栏目 {column_id} · 公开事项")
        return None
    r = _Reader(problems, display, entry, f"栏目 {column_id} · 公开事项")
    r.unknown_keys(ITEM_FIELDS)
    values = {}
    for key, attr in ITEM_FIELDS.items():
        if attr in ("channels", "levels"):
            continue
        values[attr] = r.text(key, required=key not in ITEM_OPTIONAL) or (None if key == "序号" else "")
    values["channels"] = r.texts("公开渠道和载体")
    for channel in values["channels"]:
        r.plain("公开渠道和载体", channel)
    values["levels"] = list(r.choices("公开层级", LEVELS, ()))
    if not values["levels"]:
        r.text("公开层级")
    if values["audience"] and values["audience"] not in AUDIENCES:
        r.error("公开对象", f"取值“{values['audience']}”无效，应为：{' / '.join(AUDIENCES)}")
    if values["mode"] and values["mode"] not in MODES:
        r.error("公开方式", f"取值“{values['mode']}”无效，应为：{' / '.join(MODES)}")
    return DisclosureItem(**values)


def load_columns(problems: Problems, data, display: str, orgs: dict[str, Organization]) -> tuple[list, dict]:
    columns: dict[str, Column] = {}

    def build(entries, parent: Column | None, key_line) -> list[Column]:
        result = []
        for i, entry in enumerate(entries):
            line = entries.line_of(i) if isinstance(entries, yamlutil.Sequence) else key_line
            read = _read_entry(problems, display, entry, "栏目", COLUMN_KEYS, "例如 zcwj、gfxwj", line)
            if read is None:
                continue
            r, col_id = read
            inherited = parent.applies_to if parent else ORG_KINDS
            col = Column(id=col_id, name=r.text("名称"), kind=r.choice("类型", COLUMN_KINDS, "文件列表"),
                         description=r.text("说明", required=False), body=r.text("正文", required=False),
                         applies_to=r.choices("适用", ORG_KINDS, inherited),
                         update_class=r.choice("更新类别", UPDATE_CLASSES, parent.update_class if parent else "长期"),
                         topic=r.choice("主题分类", TOPICS, "") or (parent.topic if parent else None) or None,
                         parent=parent, source=f"{display}:{r.line()}")
            if col_id in columns:
                r.error("id", f"栏目 id“{col_id}”重复，另见 {columns[col_id].source}",
                        fix="栏目 id 须全站唯一，请改用另一个 id")
            elif col_id:
                columns[col_id] = col
            reasons = entry.get("暂无")
            reasons = {} if reasons is None else reasons
            if not isinstance(reasons, dict):
                r.error("暂无", f"应为映射：发布主体 id: 暂无内容的原因，实际是{describe(reasons)}",
                        fix="例如 暂无:\n      szf: 本机关未制定规章")
            else:
                for org_id, reason in reasons.items():
                    line = reasons.line_of(org_id) if isinstance(reasons, yamlutil.Mapping) else None
                    if org_id not in orgs:
                        r.error("暂无", f"“{org_id}”不是已定义的发布主体{close_matches(str(org_id), orgs)}", line=line)
                    elif reason is not None and not is_text(reason):
                        r.error("暂无", f"发布主体 {org_id} 的暂无原因应为一段文字，实际是{describe(reason)}", line=line)
                    elif not str(reason or "").strip():
                        r.error("暂无", f"发布主体 {org_id} 标为暂无，但没有写原因", fix="写明暂无内容的原因", line=line)
                    else:
                        r.plain("暂无", reason)
                        col.empty_reasons[org_id] = str(reason).strip()
            items = r.entries("公开事项", "公开事项")
            for j, item in enumerate(items):
                loaded = _load_item(problems, display, item, col_id, items.line_of(j))
                if loaded:
                    col.items.append(loaded)
            children = r.entries("子栏目", "栏目")
            col.children = build(children, col, r.line("子栏目"))
            if not any(col.applies(o) for o in orgs.values()) and orgs:
                r.error("适用", f"栏目“{col.name}”不适用于任何发布主体（适用：{'、'.join(col.applies_to)}）",
                        fix="调整“适用”的发布主体类型，或删除该栏目")
            result.append(col)
        return result

    roots = build(_mapping_list(problems, display, data, "栏目"), None, 1)
    for root in roots:
        if root.id in orgs:
            problems.add(display, f"顶层栏目 id“{root.id}”与发布主体 id 相同，网址会冲突", field=f"栏目 {root.id} · id",
                         line=int(root.source.rsplit(":", 1)[1]), fix="改用另一个栏目 id")
    return roots, columns


def load_catalog(directory: str | Path, display_root: str | Path | None = None) -> Catalog:
    """Load and check the catalog; raises InputError listing every problem found."""
    directory = Path(directory)
    base = Path(display_root) if display_root else directory.parent

    def display(name: str) -> str:
        try:
            return str((directory / name).relative_to(base))
        except ValueError:
            return str(directory / name)

    problems = Problems()
    data = {}
    for name in (SITE_FILE, ORGS_FILE, COLUMNS_FILE):
        if not (directory / name).is_file():
            problems.add(display(name), "目录文件不存在", fix=f"在 {directory} 下创建 {name}（见 docs/schema.md）")
            continue
        try:  # every file's encoding and YAML problems at once, before the fields are checked
            data[name] = yamlutil.load_file(directory / name, display(name))
        except InputError as exc:
            problems.items.extend(exc.problems)
    problems.raise_if_errors()
    site = load_site(problems, data[SITE_FILE], display(SITE_FILE))
    orgs = load_organizations(problems, data[ORGS_FILE], display(ORGS_FILE))
    roots, columns = load_columns(problems, data[COLUMNS_FILE], display(COLUMNS_FILE), orgs)
    problems.raise_if_errors()
    return Catalog(site=site, organizations=orgs, roots=roots, columns=columns)


__all__ = ["load_catalog", "InputError"]
