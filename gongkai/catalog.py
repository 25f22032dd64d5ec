"""Load ``catalog/*.yml`` (网站信息, 发布主体, 主动公开基本目录) into a ``Catalog``, checking every field."""

from __future__ import annotations

import re
from pathlib import Path

from . import yamlutil
from .errors import InputError, Problems
from .fields import BOOL, ID, LIST, MAPPING, TEXTS, Field, FieldReader, keys, top_mapping
from .model import (COLUMN_KINDS, ORG_KINDS, TOPICS, UPDATE_CLASSES, Catalog, Column, DisclosureItem, Guide,
                    Organization, Site, is_placeholder)

SITE_FILE, ORGS_FILE, COLUMNS_FILE = "site.yml", "organizations.yml", "columns.yml"
ORGS_PATH = "catalog/organizations.yml"  # named in fixes

# Ids are lowercase letters, digits and hyphens. One that starts with a digit (2024zt, 2024) stays allowed: 0.1.0
# accepted it and an id is part of every published address (gongkai.fields reads 栏目: [2024] as the id "2024").
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")

GUIDE = "编辑手册“从旧网站迁移”（content/bangzhu/qianyi.md）和 catalog/ 中各文件开头的说明"


def _texts(pairs, **options) -> tuple[Field, ...]:
    """Required text fields from (key, model attribute) pairs."""
    return tuple(Field(key, attr=attr, required=True, default="", **options) for key, attr in pairs)


SITE_FIELDS = _texts((("网站名称", "name"), ("主办单位", "sponsor"), ("承办单位", "organizer"), ("网站标识码", "site_code"),
                      ("ICP备案编号", "icp"), ("公安机关备案号", "police_record"), ("联系电话", "phone"),
                      ("联系邮箱", "email"), ("地址", "address"), ("邮编", "postcode")))
# Optional: the 党政机关网站标识's verification address, and the site's own emblem (a file under docs_dir).
SITE_OPTIONAL = (Field("党政机关标识链接", attr="conac_url", default=""), Field("网站标志", attr="logo", default=""))
GUIDE_FIELDS = _texts((("工作机构名称", "office"), ("办公地址", "address"), ("办公时间", "hours"), ("邮编", "postcode"),
                       ("电话", "phone"), ("传真", "fax"), ("邮箱", "email")))
ID_FIELD = Field("id", required=True, default="")
GUIDE_FIELD = Field("指南", MAPPING, required=True, shape="工作机构名称、办公地址、办公时间、邮编、电话、传真、邮箱",
                    fix="在该发布主体下写“指南:”，下面逐项写工作机构名称、办公地址、办公时间、邮编、电话、传真、邮箱")
ORG_FIELDS = (
    ID_FIELD,
    # A Word document's title may not exceed 255 characters: the 申请表 is titled “<名称>政府信息公开申请表”.
    Field("名称", required=True, default="", attr="name", max_length=100),
    Field("类型", required=True, default="", choices=ORG_KINDS, attr="kind"),
    # required unless 旧索引号前缀 is given: a 发布主体 migrating from an old site may not know its code yet
    Field("机构代码", default="", attr="code", example='"999000103"',
          fix="填写 9 位组织机构代码或 18 位统一社会信用代码（加引号）；只导入旧文件时可先写“旧索引号前缀”"),
    Field("上级", ID, noun="发布主体", attr="parent_id"),
    Field("简称", attr="short_name"),
    Field("规章制定权", BOOL, attr="rule_making", example="false",
          fix="人民政府才填：设区的市、自治州以上的人民政府有规章制定权（可不填），县级人民政府（含县级市）写 false"),
    # 索引号 prefixes of the old site's documents (PZ00108): imported documents carrying one are this 发布主体's
    Field("旧索引号前缀", TEXTS, default=[], attr="old_prefixes", example="[PZ00108]"),
    GUIDE_FIELD,
)
OLD_PREFIX_RE = re.compile(r"^[0-9A-Za-z][0-9A-Za-z/._-]{0,39}$")
ITEMS = Field("公开事项", LIST, noun="公开事项", shape="一级事项、公开内容（要素）…")
CHILDREN = Field("子栏目", LIST, noun="栏目", shape="id、名称…")
EMPTY = Field("暂无", MAPPING, shape="发布主体 id: 暂无内容的原因", fix="例如 暂无:\n      szf: 本机关未制定规章")
COLUMN_FIELDS = (
    ID_FIELD,
    Field("名称", required=True, default="", attr="name"),
    Field("说明", default="", attr="description"),
    Field("类型", choices=COLUMN_KINDS, default="文件列表", attr="kind"),
    Field("适用", TEXTS, choices=ORG_KINDS, attr="applies_to"),  # default: the parent's
    Field("更新类别", choices=UPDATE_CLASSES, attr="update_class"),  # default: the parent's, else 长期
    Field("主题分类", choices=TOPICS, attr="topic"),  # of new documents (gongkai new); default: the parent's
    EMPTY,
    ITEMS,
    Field("正文", default="", plain=False, attr="body"),  # Markdown, rendered with the site's extensions
    CHILDREN,
)
ITEM_FIELDS = (
    Field("序号", attr="number"),
    Field("一级事项", required=True, default="", attr="level1"),
    Field("二级事项", default="", attr="level2"),
    Field("公开内容（要素）", required=True, default="", attr="content"),
    Field("公开依据", required=True, default="", attr="basis"),
    Field("公开时限", required=True, default="", attr="time_limit"),
    Field("公开主体", required=True, default="", attr="subject"),
    Field("公开渠道和载体", TEXTS, required=True, default=[], attr="channels"),
    Field("公开对象", required=True, default="", choices=("全社会", "特定群体"), attr="audience"),
    Field("公开方式", required=True, default="", choices=("主动", "依申请"), attr="mode"),
    Field("公开层级", TEXTS, required=True, default=[], choices=("县级", "乡级"), attr="levels"),
)


def _read_entry(problems, display, entry, line, what, fields, example):
    """A reader for one catalog entry (发布主体 or 栏目), its unknown keys reported and its id checked."""
    r = FieldReader(entry, problems, display, where=f"{what} {entry.get('id', '?')}", line=line, guide=GUIDE)
    r.unknown_keys(keys(fields))
    entry_id = r.read(ID_FIELD)
    if entry_id and not ID_RE.match(entry_id):
        r.error("id", f"“{entry_id}”不符合要求：只能用小写字母、数字和连字符，且不以连字符开头", fix=example)
    return r, entry_id


def _entries(problems, file, data, field: Field) -> list[tuple[dict, int | None]]:
    """The entries listed under the one top-level key of organizations.yml / columns.yml."""
    top = top_mapping(problems, file, data, what="文件顶层", shape=f"{field.key}: 及其列表",
                      fix=f"以“{field.key}:”开头，下面每项以“- id: …”列出")
    if top is None:
        return []
    r = FieldReader(top, problems, file, guide=GUIDE)
    r.unknown_keys((field.key,))
    return r.entries(field)


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
    if data is not None and top_mapping(problems, display, data, what="文件顶层", shape="网站名称、主办单位…",
                                        fix="每行写“字段: 值”，如“网站名称: 临江县人民政府门户网站”，字段见 gongkai init 生成的 site.yml") is None:
        return Site(**{f.attr: "" for f in SITE_FIELDS})
    r = FieldReader(data, problems, display, where="网站信息", line=1, guide=GUIDE)
    r.unknown_keys(keys(SITE_FIELDS + SITE_OPTIONAL))
    site = Site(**r.read_all(SITE_FIELDS + SITE_OPTIONAL))
    if site.conac_url and not site.conac_url.startswith("https://"):
        r.error("党政机关标识链接", f"“{site.conac_url}”不是 https:// 开头的网址",
                fix="填写开办单位标识的核验地址（在党政机关网站标识管理系统中查到的 https:// 网址）")
        site.conac_url = ""
    return site


def load_organizations(problems: Problems, data, display: str) -> dict[str, Organization]:
    orgs: dict[str, Organization] = {}
    codes: dict[str, Organization] = {}
    prefixes: dict[str, Organization] = {}
    readers: dict[str, FieldReader] = {}
    for entry, line in _entries(problems, display, data, Field("发布主体", LIST, required=True, noun="发布主体",
                                                                shape="id、名称…")):
        r, org_id = _read_entry(problems, display, entry, line, "发布主体", ORG_FIELDS, "例如 jyj、dcjd")
        values = r.read_all(f for f in ORG_FIELDS[1:] if f is not GUIDE_FIELD)
        guide = r.mapping(GUIDE_FIELD)
        if guide is not None:
            guide.unknown_keys(keys(GUIDE_FIELDS))
        # A missing 指南 is one problem, not one per guide field.
        values["guide"] = Guide(**(guide.read_all(GUIDE_FIELDS) if guide else {f.attr: "" for f in GUIDE_FIELDS}))
        org = Organization(id=org_id, source=f"{display}:{r.line}", **values)
        # 待填写 (gongkai init): a 上线前待办 item of the checks, not a code to check or to compare.
        bad_code = org_code_problem(org.code) if org.code and not is_placeholder(org.code) else None
        if bad_code:
            # A warning: 0.1.0 accepted any 机构代码, and the 索引号 already published with it must not change.
            r.error("机构代码", bad_code[0], fix=f"{bad_code[1]}；已用它编发过索引号的不要改（索引号一经发布不得更改），"
                    "可忽略本提示", severity="warning")
        elif not org.code and not org.old_prefixes:
            r.error("机构代码", "缺少必填字段“机构代码”", fix="填写 9 位组织机构代码或 18 位统一社会信用代码（加引号），"
                    "例如 机构代码: \"999000103\"；只导入旧网站的文件时，可先写“旧索引号前缀: [旧前缀]”")
        if org.rule_making and org.kind != "人民政府":
            r.error("规章制定权", f"{org.kind}没有规章制定权：地方政府规章只由设区的市、自治州以上的人民政府制定"
                    "（《中华人民共和国立法法》第九十三条）", fix="删去这一行")
        for prefix in org.old_prefixes:
            if not OLD_PREFIX_RE.match(prefix):
                r.error("旧索引号前缀", f"旧索引号前缀“{prefix}”含空白或不允许的字符",
                        fix="照旧网站索引号开头逐字填写：只能有字母、数字和 / . _ -，例如 [PZ00108]")
            elif prefix in prefixes:
                r.error("旧索引号前缀", f"旧索引号前缀“{prefix}”与发布主体 {prefixes[prefix].id} 重复",
                        fix="每个前缀只能属于一个发布主体")
            else:
                prefixes[prefix] = org
        if org_id in orgs:
            r.error("id", f"发布主体 id“{org_id}”重复，另见 {orgs[org_id].source}", fix="每个发布主体用不同的 id")
            continue
        if org.code and org.code in codes and not is_placeholder(org.code):
            r.error("机构代码", f"机构代码“{org.code}”与发布主体 {codes[org.code].id} 重复（{codes[org.code].source}）",
                    fix="索引号前缀须唯一，请核对机构代码")
        codes[org.code] = org
        if org_id:
            orgs[org_id], readers[org_id] = org, r
    for org_id, org in orgs.items():  # 上级 may name an entry further down the file
        if org.parent_id:
            readers[org_id].reference("上级", org.parent_id, orgs, "发布主体", ORGS_PATH)
    return orgs


def _load_item(r: FieldReader) -> DisclosureItem:
    r.unknown_keys(keys(ITEM_FIELDS))
    return DisclosureItem(**r.read_all(ITEM_FIELDS))


def load_columns(problems: Problems, data, display: str, orgs: dict[str, Organization]) -> tuple[list, dict]:
    columns: dict[str, Column] = {}

    def build(entries, parent: Column | None) -> list[Column]:
        result = []
        for entry, line in entries:
            r, col_id = _read_entry(problems, display, entry, line, "栏目", COLUMN_FIELDS, "例如 zcwj、gfxwj")
            col = Column(id=col_id, parent=parent, source=f"{display}:{r.line}", **r.read_all(
                f for f in COLUMN_FIELDS[1:] if f not in (EMPTY, ITEMS, CHILDREN)))
            col.applies_to = tuple(col.applies_to or (parent.applies_to if parent else ORG_KINDS))
            col.update_class = col.update_class or (parent.update_class if parent else "长期")
            col.topic = col.topic or (parent.topic if parent else None)
            if col_id in columns:
                r.error("id", f"栏目 id“{col_id}”重复，另见 {columns[col_id].source}",
                        fix="栏目 id 须全站唯一，请改用另一个 id")
            elif col_id:
                columns[col_id] = col
            reasons = r.mapping(EMPTY)
            for org_id in reasons.data if reasons else ():
                if not reasons.reference(org_id, org_id, orgs, "发布主体", ORGS_PATH):
                    continue
                reason = reasons.read(Field(org_id, default=""))
                if reason:
                    col.empty_reasons[org_id] = reason
                elif org_id not in reasons.reported:
                    reasons.error(org_id, f"发布主体 {org_id} 标为暂无，但没有写原因", fix="写明暂无内容的原因")
            for item, item_line in r.entries(ITEMS):
                col.items.append(_load_item(r.child(item, f"栏目 {col_id} · 公开事项", item_line)))
            col.children = build(r.entries(CHILDREN), col)
            if not any(col.applies(o) for o in orgs.values()) and orgs:
                r.error("适用", f"栏目“{col.name}”不适用于任何发布主体（适用：{'、'.join(col.applies_to)}）",
                        fix="调整“适用”的发布主体类型，或删除该栏目")
            result.append(col)
        return result

    roots = build(_entries(problems, display, data, Field("栏目", LIST, required=True, noun="栏目", shape="id、名称…")),
                  None)
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
        if (directory / name).is_symlink():
            # Never followed: its target (a token file, /proc/self/environ) would be read and echoed in messages.
            problems.add(display(name), "是符号链接，目录文件必须是真实的文件，不会读取链接指向的内容",
                         fix=f"删除该链接，把 {name} 本身放进 {directory.name}/ 文件夹")
            continue
        if not (directory / name).is_file():
            problems.add(display(name), "目录文件不存在", fix=f"在 {directory} 下创建 {name}（gongkai init 新建的网站自带 site.yml、organizations.yml 和 columns.yml）")
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
    return Catalog(site=site, organizations=orgs, roots=roots, columns=columns, warnings=problems.warnings)


__all__ = ["load_catalog", "InputError"]
