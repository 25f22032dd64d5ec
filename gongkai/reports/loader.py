"""Read one report YAML file into an ``AnnualReport``, naming the file, line, table, row and column of every
problem. Shape checks live here; the invariants between figures are in ``validate``."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from .. import yamlutil
from ..errors import InputError, Problems, close_matches
from .formats import (APPLICANTS, FORMAT_2021, FORMAT_OLD, FORMATS, OLD_ROWS, PROSE_SECTIONS, TABLE2, TABLE3,
                      TABLE4_COLUMNS, TABLE4_GROUPS, AMOUNT, DELTA, format_for_year, normalise, plain)
from .model import AnnualReport

FIELDS = ("发布机构", "年度", "发布日期", "索引号", "格式", "逾期说明", "草稿", "一", "二", "三", "四", "五", "六", "正文", "统计表")
FIELDS_OLD = ("发布机构", "年度", "发布日期", "索引号", "格式", "逾期说明", "草稿", "正文", "统计表")
SUBTOTAL = "小计"
RESULTS = "本年度办理结果"
LITIGATION = "行政诉讼"
DATE_RE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def load_report_text(text: str, display: str, problems: Problems, organizations=None) -> AnnualReport | None:
    """Parse one report file; returns None after recording why it cannot be used."""
    try:
        data = yamlutil.load(text, display)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    if not isinstance(data, yamlutil.Mapping):
        problems.add(display, "年报数据应为“字段: 值”的映射", line=1, fix="参照 docs/reports.md 的示例填写")
        return None
    return ReportLoader(display, problems, organizations).build(data)


class ReportLoader:
    def __init__(self, display: str, problems: Problems, organizations=None):
        self.display = display
        self.problems = problems
        self.organizations = organizations
        self.lines: dict[str, int] = {}

    def err(self, message, *, line=None, field=None, fix=None, severity="error"):
        self.problems.add(self.display, message, line=line, field=field, fix=fix, severity=severity)

    # ---- numbers ---------------------------------------------------------------------------------------

    def number(self, value, kind: str, where: str, line: int | None):
        """A figure: count (non-negative integer), delta (any integer) or amount (non-negative decimal)."""
        if isinstance(value, bool) or value is None or value == "":
            found = "空白" if value in (None, "") else str(value)
            self.err(f"应为{'整数' if kind == DELTA else '非负数' if kind == AMOUNT else '非负整数'}，填写的是“{found}”",
                     line=line, field=where, fix="没有发生的事项填 0，不要留空")
            return None
        if kind == AMOUNT:
            try:
                amount = Decimal(str(value).strip())
            except InvalidOperation:
                amount = None
            if amount is None or not amount.is_finite() or amount < 0:
                self.err(f"应为非负数（单位：万元），填写的是“{value}”", line=line, field=where,
                         fix="填写金额数字，例如 0 或 1.25")
                return None
            return amount
        if isinstance(value, int) and (kind == DELTA or value >= 0):
            return value
        expected = "整数（可为负数）" if kind == DELTA else "非负整数"
        self.err(f"应为{expected}，填写的是“{value}”", line=line, field=where,
                 fix="件数只能填 0 或正整数" if kind != DELTA else "填写整数，减少时写负数，例如 -2")
        return None

    def numbers(self, value, columns: tuple[str, ...], kinds: tuple[str, ...], where: str, line: int | None):
        """A row of figures written as a list in column order, a mapping by column label, or 0 for all zeros."""
        n = len(columns)
        if value == 0 and not isinstance(value, bool):
            return [0] * n
        if isinstance(value, yamlutil.Mapping):
            by_label = {normalise(k): k for k in value}
            unknown = [k for k in value if normalise(k) not in {normalise(c) for c in columns}]
            for k in unknown:
                self.err(f"不认识的列“{k}”{close_matches(str(k), columns)}", line=value.line_of(k), field=where,
                         fix=f"列名应为：{'、'.join(columns)}")
            out = []
            for column, kind in zip(columns, kinds):
                key = by_label.get(normalise(column))
                if key is None:
                    self.err(f"缺少“{column}”列", line=value.line, field=where, fix=f"补上“{column}: 0”等数值")
                    out.append(None)
                else:
                    out.append(self.number(value[key], kind, f"{where} · {column}列", value.line_of(key)))
            return None if unknown or None in out else out
        if n == 1 and not isinstance(value, list):
            got = self.number(value, kinds[0], f"{where} · {columns[0]}列", line)
            return None if got is None else [got]
        if not isinstance(value, list):
            self.err(f"应为 {n} 个数（{'、'.join(columns)}），填写的是“{value}”", line=line, field=where,
                     fix=f"写成 [{', '.join('0' for _ in columns)}] 的形式，按“{'、'.join(columns)}”的顺序")
            return None
        if len(value) != n:
            self.err(f"应为 {n} 个数（{'、'.join(columns)}），填写了 {len(value)} 个", line=line, field=where,
                     fix="按表格各列的顺序逐一填写，没有的填 0")
            return None
        out = [self.number(v, k, f"{where} · {c}列", line) for v, k, c in zip(value, kinds, columns)]
        return None if None in out else out

    # ---- the file -------------------------------------------------------------------------------------

    def date(self, data, key) -> dt.date | None:
        value = data.get(key)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        match = DATE_RE.match(str(value or "").strip())
        if match:
            try:
                return dt.date(*map(int, match.groups()))
            except ValueError:
                pass
        self.err(f"日期“{value}”无效，应为 YYYY-MM-DD 格式的真实日期", line=data.line_of(key), field=key,
                 fix=f"例如 {key}: 2024-01-20")
        return None

    def build(self, data: yamlutil.Mapping) -> AnnualReport | None:
        start = len(self.problems.errors)
        self.lines = {str(k): data.line_of(k) for k in data}
        for key in ("发布机构", "年度", "发布日期"):
            if data.get(key) in (None, ""):
                self.err(f"缺少必填字段“{key}”", line=data.line, field=key, fix="见 docs/reports.md 的示例")
        org_id = str(data.get("发布机构") or "")
        if org_id and self.organizations is not None and org_id not in self.organizations:
            self.err(f"“{org_id}”不是已定义的发布主体{close_matches(org_id, self.organizations)}",
                     line=data.line_of("发布机构"), field="发布机构", fix="填写 catalog/organizations.yml 中的发布主体 id")
        year = data.get("年度")
        if year is not None and (isinstance(year, bool) or not isinstance(year, int) or not 2008 <= year <= 2100):
            self.err(f"年度应为 2008 年以后的四位年份，填写的是“{year}”", line=data.line_of("年度"), field="年度",
                     fix="例如 年度: 2024（报告所述的年度，不是发布年份）")
            year = None
        published = self.date(data, "发布日期") if data.get("发布日期") is not None else None
        fmt = str(data["格式"]) if data.get("格式") is not None else (format_for_year(year) if year else None)
        if fmt is not None and fmt not in FORMATS:
            self.err(f"格式“{fmt}”无效，应为：{' / '.join(FORMATS)}", line=data.line_of("格式"), field="格式",
                     fix="一般不必填写：2021 年度起用 2021 格式，2019、2020 年度用 2019 格式，2018 年度以前用统计表")
            fmt = None
        allowed = FIELDS_OLD if fmt == FORMAT_OLD else tuple(k for k in FIELDS if k not in ("正文", "统计表"))
        for key in data:
            if key not in allowed:
                hint = "（统计表格式的年报只有“正文”和“统计表”）" if fmt == FORMAT_OLD and key in FIELDS else \
                    "（“正文”“统计表”只用于 2018 年度以前的统计表格式）" if key in ("正文", "统计表") else ""
                self.err(f"不认识的字段“{key}”{hint}{close_matches(str(key), allowed)}", line=data.line_of(key),
                         field=str(key), fix="删除该字段或改为正确的字段名（见 docs/reports.md）")
        if fmt is None or year is None or published is None or not org_id:
            return None
        report = AnnualReport(org_id=org_id, year=year, published=published, format=fmt,
                              index_number=str(data.get("索引号") or "").strip(),
                              late_reason=str(data.get("逾期说明") or "").strip(), draft=data.get("草稿") is True,
                              source=self.display)
        if fmt == FORMAT_OLD:
            report.body = self.text(data, "正文")
            self.old(data, report)
        else:
            for section in PROSE_SECTIONS:
                report.prose[section] = self.text(data, section)
            self.table2(data, report)
            self.table3(data, report)
            self.table4(data, report)
        report.lines.update(self.lines)
        if len(self.problems.errors) > start:
            return None
        return report

    def text(self, data, key) -> str:
        value = data.get(key)
        if value in (None, ""):
            self.err(f"缺少“{key}”部分的正文", line=data.line, field=key,
                     fix=f"用 Markdown 填写，例如\n{key}: |\n  ……")
            return ""
        if not isinstance(value, str):
            self.err("应为一段 Markdown 文字", line=data.line_of(key), field=key,
                     fix=f"写成 {key}: | 后另起一行缩进两格书写")
            return ""
        return value.strip() + "\n"

    def section(self, data, key):
        value = data.get(key)
        if not isinstance(value, yamlutil.Mapping):
            self.err(f"缺少表格“{key}”" if value is None else f"表格“{key}”应为按行填写的映射",
                     line=data.line_of(key) if value is not None else data.line, field=key,
                     fix="见 docs/reports.md 中该表的完整示例")
            return None
        return value

    # ---- 二 ---------------------------------------------------------------------------------------------

    def table2(self, data, report: AnnualReport) -> None:
        section = self.section(data, "二")
        if section is None:
            return
        blocks = TABLE2[report.format]
        expected = {normalise(r): (r, b) for b in blocks for r in b.rows}
        seen = set()
        for key, value in section.items():
            match = expected.get(normalise(key))
            line = section.line_of(key)
            if match is None:
                self.err(f"不认识的行“{key}”{close_matches(str(key), [r for b in blocks for r in b.rows])}", line=line,
                         field="二", fix=f"表二的行为：{'、'.join(r for b in blocks for r in b.rows)}")
                continue
            row, block = match
            seen.add(row)
            self.lines[f"二.{row}"] = line
            cols = tuple(c.label for c in block.columns)
            got = self.numbers(value, cols, tuple(c.kind for c in block.columns), f"二 · {row}", line)
            if got is not None:
                for column, figure in zip(cols, got):
                    report.table2[(row, column)] = figure
        for block in blocks:
            for row in block.rows:
                if row not in seen:
                    cols = "、".join(c.label for c in block.columns)
                    self.err(f"缺少“{row}”行（{block.heading}）", line=section.line, field="二",
                             fix=f"补上“{row}”：{cols}；没有的填 0")

    # ---- 三 ---------------------------------------------------------------------------------------------

    def table3(self, data, report: AnnualReport) -> None:
        section = self.section(data, "三")
        if section is None:
            return
        layout = TABLE3[report.format]
        paths = {}
        for row in layout.rows:
            if row.top != "三":
                paths[(normalise(row.label),)] = row.key
            elif row.group:
                paths[(normalise(row.group), normalise(row.label))] = row.key
            else:
                paths[(normalise(row.label),)] = row.key
        group_keys = {normalise(g): g for g, _ in layout.groups}
        seen = set()
        for path, value, line, shown in self._leaves(section, (), ()):
            if len(path) > 1 and path[0] == normalise(RESULTS):
                path, shown = path[1:], shown[1:]
            where = "三 · " + " · ".join(str(s) for s in shown)
            if len(path) == 2 and path[1] == SUBTOTAL and path[0] in group_keys:
                group = group_keys[path[0]]
                got = self.numbers(value, APPLICANTS, ("count",) * 7, f"三 · {group} · 小计", line)
                if got is not None:
                    report.subtotals3[group] = got
                    self.lines[f"小计.{group}"] = line
                continue
            key = paths.get(path)
            if key is None:
                if report.format != FORMAT_2021 and path and path[0] == "其他处理":
                    hint = "（2019 格式的“（六）其他处理”只有一行，不分 1、2、3 项）"
                elif report.format == FORMAT_2021 and path == ("其他处理",):
                    hint = "（2021 格式的“（六）其他处理”分为 3 项，请逐项填写）"
                else:
                    hint = close_matches(path[-1] if path else "", [plain(r.label) for r in layout.rows])
                self.err(f"不认识的行“{' · '.join(str(s) for s in shown)}”{hint}", line=line, field="三",
                         fix="行名按国家格式填写，见 docs/reports.md 表三示例")
                continue
            row = layout.row(key)
            seen.add(key)
            self.lines[key] = line
            label = f"{row.group} · {row.label}" if row.group else row.label
            got = self.numbers(value, APPLICANTS, ("count",) * 7, f"三 · {label}", line)
            if got is not None:
                report.table3[key] = got
        for row in layout.rows:
            if row.key not in seen:
                label = f"{row.group} · {row.label}" if row.group else row.label
                self.err(f"缺少“{label}”行", line=section.line, field="三",
                         fix="补上该行的 7 个数（自然人、商业企业、科研机构、社会公益组织、法律服务机构、其他、总计），全为 0 可写 0")

    def _leaves(self, mapping, path, shown):
        """(normalised path, value, line, path as written) of each row in a nested mapping."""
        applicant_keys = {normalise(a) for a in APPLICANTS}
        for key, value in mapping.items():
            here, written = path + (normalise(key),), shown + (key,)
            # A mapping is a row written by column ("自然人: 8, 总计: 8") only when all its keys are columns.
            if isinstance(value, yamlutil.Mapping) and not {normalise(k) for k in value} <= applicant_keys:
                yield from self._leaves(value, here, written)
            else:
                yield here, value, mapping.line_of(key), written

    # ---- 四 ---------------------------------------------------------------------------------------------

    def table4(self, data, report: AnnualReport) -> None:
        section = self.section(data, "四")
        if section is None:
            return
        flat = []
        for key, value in section.items():
            if normalise(key) == LITIGATION and isinstance(value, yamlutil.Mapping) and \
                    not {normalise(k) for k in value} & set(TABLE4_COLUMNS):
                flat.extend((k, v, value.line_of(k)) for k, v in value.items())
            else:
                flat.append((key, value, section.line_of(key)))
        for key, value, line in flat:
            group = next((g for g in TABLE4_GROUPS if normalise(g) == normalise(key)), None)
            if group is None:
                self.err(f"不认识的项“{key}”{close_matches(str(key), TABLE4_GROUPS)}", line=line, field="四",
                         fix=f"表四的项为：{'、'.join(TABLE4_GROUPS)}（后两项属于行政诉讼）")
                continue
            self.lines[f"四.{group}"] = line
            got = self.numbers(value, TABLE4_COLUMNS, ("count",) * 5, f"四 · {group}", line)
            if got is not None:
                report.table4[group] = got
        for group in TABLE4_GROUPS:
            if group not in report.table4 and f"四.{group}" not in self.lines:
                self.err(f"缺少“{group}”", line=section.line, field="四",
                         fix=f"补上“{group}”的 5 个数（{'、'.join(TABLE4_COLUMNS)}），全为 0 可写 0")

    # ---- the old 统计表 ------------------------------------------------------------------------------------

    def old(self, data, report: AnnualReport) -> None:
        section = self.section(data, "统计表")
        if section is None:
            return
        groups = {normalise(r.key): r for r in OLD_ROWS if r.level == 0}
        seen = set()
        for gkey, value in section.items():
            group = groups.get(normalise(gkey))
            gline = section.line_of(gkey)
            if group is None:
                self.err(f"不认识的指标组“{gkey}”{close_matches(str(gkey), [g.key for g in groups.values()])}",
                         line=gline, field="统计表", fix=f"指标组为：{'、'.join(g.key for g in groups.values())}")
                continue
            members = [r for r in OLD_ROWS if r.group == group.key and not r.heading]
            if not isinstance(value, yamlutil.Mapping):
                if len(members) == 1 and members[0].key == group.key:
                    self._old_value(report, group, value, gline)
                    seen.add(group.id)
                else:
                    self.err("应为按指标填写的映射", line=gline, field=f"统计表 · {group.label}",
                             fix=f"该组的指标为：{'、'.join(r.key for r in members)}")
                continue
            by_key = {normalise(r.key): r for r in members}
            for key, figure in value.items():
                row = by_key.get(normalise(key))
                if row is None:
                    self.err(f"不认识的指标“{key}”{close_matches(str(key), [r.key for r in members])}",
                             line=value.line_of(key), field=f"统计表 · {group.label}",
                             fix=f"该组的指标为：{'、'.join(r.key for r in members)}")
                    continue
                seen.add(row.id)
                self._old_value(report, row, figure, value.line_of(key))
        for row in OLD_ROWS:
            if not row.heading and row.id not in seen:
                self.err(f"缺少指标“{row.label}”", line=section.line, field="统计表",
                         fix=f"在“{row.group}”下补上“{row.key}: 0”等数值")

    def _old_value(self, report, row, value, line):
        self.lines[f"统计表.{row.id}"] = line
        got = self.number(value, AMOUNT if row.decimal else "count", f"统计表 · {row.label}", line)
        if got is not None:
            report.old[row.id] = got
