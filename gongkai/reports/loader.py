"""Read one report YAML file into an ``AnnualReport``, naming the file, line, table, row and column of every
problem. Shape checks live here; the invariants between figures are in ``validate``."""

from __future__ import annotations

import difflib
from decimal import Decimal, InvalidOperation

from .. import deprecations, yamlutil
from ..errors import InputError, Problems, close_matches
from ..fields import (BOOL, COUNT, DATE, ID, INT, MAPPING, MAX_NUMBER, TEXTS, Field, FieldReader, describe, keys,
                      top_mapping, whole_number)
from ..sources import decode
from .formats import (APPLICANTS, FORMAT_2019, FORMAT_2021, FORMAT_TONGJIBIAO, FORMATS, PROSE_SECTIONS, TABLE2,
                      TABLE3, TABLE4_COLUMNS, TABLE4_GROUPS, TONGJIBIAO_ROWS, AMOUNT, DELTA, format_for_year, normalise,
                      OTHER_ONE_ROW, plain, tongjibiao_subtree)
from .model import NOT_APPLICABLE, AnnualReport, SicNote

GUIDE = "编辑手册“年报和网站工作年度报表”（content/bangzhu/nianbao.md）"
SIC_FIX = "写成“原文如此:”，下面每行“位置: 说明”，位置照抄构建提示中冒号前的部分，例如“四 · 行政复议: 原报告总计印为0”"
COMMON = (
    Field("发布机构", ID, required=True, noun="发布主体", example="szf"),
    Field("年度", INT, required=True, bounds=(2008, 2100), expected="四位年份（2008 年以后）",
          fix="例如 年度: 2024（报告所述的年度，不是发布年份）"),
    Field("发布日期", DATE, required=True, example="2024-01-20"),
    Field("索引号", default="", example="999000001/2025-00031"),
    Field("格式", choices=FORMATS,
          fix="一般不必填写：2021 年度起用 2021 格式，2019、2020 年度用 2019 格式，2018 年度以前用统计表"),
    Field("逾期说明", default="", example="因……未能按时发布"),
    Field("草稿", BOOL, default=False, example="true"),
)
SIC = Field("原文如此", MAPPING, shape="位置: 说明", fix=SIC_FIX)
# The prose of a report is Markdown; a table is a mapping of rows, checked row by row below.
PROSE = {key: Field(key, required=True, default="", plain=False, expected="一段 Markdown 文字",
                    fix=f"用 Markdown 填写，例如\n{key}: |\n  ……") for key in PROSE_SECTIONS + ("正文",)}
TABLES = {key: Field(key, MAPPING, required=True, shape="每行写“行名: 数值”", fix="照 gongkai report-prefill 生成的草稿或上一年度的年报文件中该表的写法填写")
          for key in ("二", "三", "四", "统计表")}
ABSENT = Field("未列", TEXTS, default=[],
               fix="列出原统计表没有的指标或指标组，例如 未列: [回应解读情况, 通过不同渠道和方式公开政府信息的情况]")
FIELDS = keys(COMMON) + (SIC.key, "一", "二", "三", "四", "五", "六")
FIELDS_TONGJIBIAO = keys(COMMON) + (SIC.key, "正文", "统计表", "未列")
SUBTOTAL = "小计"
RESULTS = "本年度办理结果"
OTHER = "其他处理"
LITIGATION = "行政诉讼"
# What a published table prints in a cell that does not apply (ASCII or full-width slash, dashes).
NOT_APPLICABLE_MARKS = ("/", "／", "—", "——", "-")
MAX_DECIMALS = 6  # 万元 to 0.01 元


def load_report_text(text: str | bytes, display: str, problems: Problems, organizations=None) -> AnnualReport | None:
    """Parse one report file (bytes must be UTF-8, see ``gongkai.sources``); returns None after recording why it
    cannot be used."""
    try:
        data = yamlutil.load(decode(text, display) if isinstance(text, bytes) else text, display)
    except InputError as exc:
        problems.items.extend(exc.problems)
        return None
    if top_mapping(problems, display, data, what="年报数据", shape="发布机构、年度、发布日期…",
                   fix=f"参照{GUIDE}和上一年度的年报文件填写") is None:
        return None
    return ReportLoader(display, problems, organizations).build(data)


class ReportLoader:
    def __init__(self, display: str, problems: Problems, organizations=None):
        self.display = display
        self.problems = problems
        self.organizations = organizations
        self.lines: dict[str, int] = {}

    def err(self, message, *, line=None, field=None, fix=None, severity="error", check="input"):
        self.problems.add(self.display, message, line=line, field=field, fix=fix, severity=severity, check=check)

    # ---- numbers ---------------------------------------------------------------------------------------

    def number(self, value, kind: str, where: str, line: int | None, *, na: bool = False):
        """A figure: count (non-negative integer), delta (any integer) or amount (non-negative decimal), at most
        MAX_NUMBER. With ``na``, "/" (not applicable) is accepted and returned as NOT_APPLICABLE."""
        if isinstance(value, str) and value.strip() in NOT_APPLICABLE_MARKS:
            if na:
                return NOT_APPLICABLE
            self.err(f"“{value.strip()}”（不适用）只能用于表二中不适用于本发布主体的行或格，此处应填数字", line=line,
                     field=where, fix="没有发生的事项填 0；确实不适用的，只在表二中写 /")
            return None
        blank = value is None or value == ""
        if kind == AMOUNT:
            figure, problem, fix = self.amount(value)
        else:
            figure, problem, fix = whole_number(value, INT if kind == DELTA else COUNT)
        if problem:
            if blank:
                fix = "没有发生的事项填 0，不要留空" + ("；不适用于本发布主体的写 /" if na else "")
            self.err(problem, line=line, field=where, fix=fix)
        return figure

    @staticmethod
    def amount(value) -> tuple[Decimal | None, str | None, str | None]:
        """A sum in 万元: a non-negative decimal with at most MAX_DECIMALS places, printed in plain notation."""
        expected = "非负数（单位：万元）"
        if value is None or value == "" or isinstance(value, bool):
            return None, f"应为{expected}，实际是{'空白' if value in (None, '') else describe(value)}", None
        try:
            amount = Decimal(str(value).strip())
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount < 0:
            return None, f"应为{expected}，实际是{describe(value)}", "填写金额数字，例如 0 或 1.25"
        if amount > MAX_NUMBER:
            return None, f"金额“{value}”超出范围：不应超过 {MAX_NUMBER} 万元", "核对金额和单位（万元），是否多写了数字"
        amount = Decimal(format(amount, "f"))  # 1E+3 → 1000: figures are printed in plain notation
        if -amount.as_tuple().exponent > MAX_DECIMALS:
            return None, f"金额“{value}”的小数超过 {MAX_DECIMALS} 位", "单位为万元，最多保留到 0.000001 万元（0.01 元）"
        return amount, None, None

    def numbers(self, value, columns: tuple[str, ...], kinds: tuple[str, ...], where: str, line: int | None,
                *, na: bool = False):
        """A row of figures written as a list in column order, a mapping by column label, or 0 for all zeros;
        with ``na``, "/" for a whole row that does not apply, or for single cells."""
        n = len(columns)
        if value == 0 and not isinstance(value, bool):
            return [0] * n
        if na and isinstance(value, str) and value.strip() in NOT_APPLICABLE_MARKS:
            return [NOT_APPLICABLE] * n
        if n > 1 and (value is None or value == ""):
            self.err(f"整行空白，应为 {n} 个数（{'、'.join(columns)}）", line=line, field=where,
                     fix="没有发生的事项填 0（整行为 0 可只写一个 0），不要留空" + ("；不适用于本发布主体的写 /" if na else ""))
            return None
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
                    out.append(self.number(value[key], kind, f"{where} · {column}列", value.line_of(key), na=na))
            return None if unknown or None in out else out
        if n == 1 and not isinstance(value, list):
            got = self.number(value, kinds[0], f"{where} · {columns[0]}列", line, na=na)
            return None if got is None else [got]
        if not isinstance(value, list):
            self.err(f"应为 {n} 个数（{'、'.join(columns)}），实际是{describe(value)}", line=line, field=where,
                     fix=f"写成 [{', '.join('0' for _ in columns)}] 的形式，按“{'、'.join(columns)}”的顺序")
            return None
        if len(value) != n:
            self.err(f"应为 {n} 个数（{'、'.join(columns)}），填写了 {len(value)} 个", line=line, field=where,
                     fix="按表格各列的顺序逐一填写，没有的填 0")
            return None
        out = [self.number(v, k, f"{where} · {c}列", line, na=na) for v, k, c in zip(value, kinds, columns)]
        return None if None in out else out

    # ---- the file -------------------------------------------------------------------------------------

    def build(self, data: yamlutil.Mapping) -> AnnualReport | None:
        start = len(self.problems.errors)
        self.lines = {str(k): data.line_of(k) for k in data}
        r = FieldReader(data, self.problems, self.display, guide=GUIDE)
        values = r.read_all(COMMON)
        org_id, year, published, fmt = values["发布机构"], values["年度"], values["发布日期"], values["格式"]
        if org_id and self.organizations is not None:
            r.reference("发布机构", org_id, self.organizations, "发布主体", "catalog/organizations.yml")
        if fmt is None and "格式" not in r.reported and year:
            fmt = format_for_year(year)
        allowed = FIELDS_TONGJIBIAO if fmt == FORMAT_TONGJIBIAO else FIELDS

        def hint(key) -> str:
            if fmt == FORMAT_TONGJIBIAO and key in FIELDS:
                return "（统计表格式的年报只有“正文”和“统计表”）"
            return "（“正文”“统计表”“未列”只用于 2018 年度以前的统计表格式）" if key in FIELDS_TONGJIBIAO else ""

        r.unknown_keys(allowed, note=hint)
        if fmt is None or year is None or published is None or not org_id:
            return None
        report = AnnualReport(org_id=org_id, year=year, published=published, format=fmt,
                              index_number=values["索引号"], late_reason=values["逾期说明"], draft=values["草稿"],
                              source=self.display)
        if fmt == FORMAT_TONGJIBIAO:
            report.body = self.text(r, "正文")
            self.tongjibiao(r, report)
        else:
            for section in PROSE_SECTIONS:
                report.prose[section] = self.text(r, section)
            self.table2(r, report)
            self.table3(r, report)
            self.table4(r, report)
        report.sic = self.sic(r)
        report.lines.update(self.lines)
        if len(self.problems.errors) > start:
            return None
        return report

    def text(self, r: FieldReader, key: str) -> str:
        value = r.read(PROSE[key])
        if not value:
            return ""
        # First line of the text in the file, so that a finding inside it can name its own line: a block scalar
        # ("一: |") starts on the line after the key, after any blank lines it keeps.
        raw, key_line = str(r.data[key]), r.line_of(key)
        leading = len(raw) - len(raw.lstrip("\n"))
        self.lines[f"{key}:1"] = key_line + 1 + leading if "\n" in raw.strip("\n") or raw.endswith("\n") \
            else key_line
        return value + "\n"

    def sic(self, r: FieldReader) -> list[SicNote]:
        """原文如此: position → note, for inconsistencies kept as published (validate matches them)."""
        notes = r.mapping(SIC)
        found = []
        for where in notes.data if notes else ():
            note = notes.read(Field(where, default=""))
            if note:
                found.append(SicNote(str(where).strip(), note, notes.line_of(where)))
            elif where not in notes.reported:
                notes.error(where, f"“{where}”缺少说明：原报告如何、为何照录", SIC_FIX)
        return found

    @staticmethod
    def section(r: FieldReader, key: str):
        return r.read(TABLES[key])

    # ---- 二 ---------------------------------------------------------------------------------------------

    def table2(self, r, report: AnnualReport) -> None:
        section = self.section(r, "二")
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
            self.lines[f"二/{row}"] = line
            cols = tuple(c.label for c in block.columns)
            got = self.numbers(value, cols, tuple(c.kind for c in block.columns), f"二 · {row}", line, na=True)
            if got is not None:
                for column, figure in zip(cols, got):
                    report.table2[(row, column)] = figure
        for block in blocks:
            for row in block.rows:
                if row not in seen:
                    cols = "、".join(c.label for c in block.columns)
                    self.err(f"缺少“{row}”行（{block.heading}）", line=section.line, field="二",
                             fix=f"补上“{row}”：{cols}；没有的填 0，不适用于本发布主体的写 /")

    # ---- 三 ---------------------------------------------------------------------------------------------

    def table3(self, r, report: AnnualReport) -> None:
        section = self.section(r, "三")
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
        if report.format == FORMAT_2021:
            # Reports that printed （六）其他处理 as one row, as the 2019 format did, are archived as published.
            paths[(OTHER,)] = OTHER_ONE_ROW
        group_keys = {normalise(g): g for g, _ in layout.groups}
        seen = set()
        for path, value, line, shown in self._leaves(section, (), ()):
            if len(path) > 1 and path[0] == normalise(RESULTS):
                path, shown = path[1:], shown[1:]
            if len(path) == 2 and path[1] == SUBTOTAL and path[0] in group_keys:
                group = group_keys[path[0]]
                got = self.numbers(value, APPLICANTS, ("count",) * 7, f"三 · {group} · 小计", line)
                if got is not None:
                    report.subtotals3[group] = got
                    self.lines[f"三/小计.{group}"] = line
                continue
            key = paths.get(path)
            if key is None:
                if report.format != FORMAT_2021 and path and path[0] == OTHER:
                    hint = "（2019 格式的“（六）其他处理”只有一行，不分 1、2、3 项）"
                else:
                    hint = close_matches(path[-1] if path else "", [plain(r.label) for r in layout.rows])
                self.err(f"不认识的行“{' · '.join(str(s) for s in shown)}”{hint}", line=line, field="三",
                         fix="行名按国家格式逐字填写（与 gongkai report-prefill 生成的草稿中的行名相同）")
                continue
            row = TABLE3[FORMAT_2019].row(key) if key == OTHER_ONE_ROW else layout.row(key)
            seen.add(key)
            self.lines[f"三/{key}"] = line
            label = f"{row.group} · {row.label}" if row.group else row.label
            got = self.numbers(value, APPLICANTS, ("count",) * 7, f"三 · {label}", line)
            if got is not None:
                report.table3[key] = got
        if report.format == FORMAT_2021 and OTHER_ONE_ROW in seen:
            line = self.lines[f"三/{OTHER_ONE_ROW}"]
            if any(k.startswith(OTHER_ONE_ROW + ".") for k in seen):
                self.err("“（六）其他处理”既按一行填写，又填写了分项", line=line, field="三",
                         fix="照录原报告：原报告分 3 项的，删去一行的写法；只印一行的，删去分项")
            else:
                report.other_as_one_row = True
                self.err("2021 格式的“（六）其他处理”分为 3 项，本报告按一行填写：页面照此显示一行，3 个分项不显示",
                         line=line, field="三 · （六）其他处理", severity="warning",
                         fix="新编写的年报请按 3 项分别填写；照录原报告只印一行的，保留一行即可")
        for row in report.table3_layout().rows:
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

    def table4(self, r, report: AnnualReport) -> None:
        section = self.section(r, "四")
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
            self.lines[f"四/{group}"] = line
            got = self.numbers(value, TABLE4_COLUMNS, ("count",) * 5, f"四 · {group}", line)
            if got is not None:
                report.table4[group] = got
        for group in TABLE4_GROUPS:
            if group not in report.table4 and f"四/{group}" not in self.lines:
                self.err(f"缺少“{group}”", line=section.line, field="四",
                         fix=f"补上“{group}”的 5 个数（{'、'.join(TABLE4_COLUMNS)}），全为 0 可写 0")

    # ---- the 统计表 (reports on 2008–2018) ----------------------------------------------------------------------

    def tongjibiao(self, r, report: AnnualReport) -> None:
        report.absent = self.absent(r)
        section = self.section(r, "统计表")
        if section is None:
            return
        groups = {normalise(r.key): r for r in TONGJIBIAO_ROWS if r.level == 0}
        seen = set()
        unknown: dict[str, list[str]] = {}  # group → row names not recognised, for the missing rows' fixes
        for gkey, value in section.items():
            group = groups.get(normalise(gkey))
            gline = section.line_of(gkey)
            if group is None:
                self.err(f"不认识的指标组“{gkey}”{close_matches(str(gkey), [g.key for g in groups.values()])}",
                         line=gline, field="统计表", fix=f"指标组为：{'、'.join(g.key for g in groups.values())}")
                continue
            members = [r for r in TONGJIBIAO_ROWS if r.group == group.key and not r.heading]
            if not isinstance(value, yamlutil.Mapping):
                if len(members) == 1 and members[0].key == group.key:
                    self._tongjibiao_value(report, group, value, gline)
                    seen.add(group.id)
                else:
                    self.err("应为按指标填写的映射", line=gline, field=f"统计表 · {group.label}",
                             fix=f"该组的指标为：{'、'.join(r.key for r in members)}")
                continue
            by_key = {normalise(r.key): r for r in members}
            for key, figure in value.items():
                row = by_key.get(normalise(key))
                renamed = deprecations.TONGJIBIAO_ROWS.get(str(key).strip())
                if row is None and renamed and group.key == deprecations.TONGJIBIAO_GROUP:
                    row = by_key[normalise(renamed)]
                    self.err(deprecations.tongjibiao_row(str(key).strip()), line=value.line_of(key),
                             field=f"统计表 · {group.label}", fix=deprecations.fix(), severity="warning",
                             check="upgrade")
                if row is None:
                    unknown.setdefault(group.key, []).append(str(key))
                    self.err(f"不认识的指标“{key}”{close_matches(str(key), [r.key for r in members])}",
                             line=value.line_of(key), field=f"统计表 · {group.label}",
                             fix=f"该组的指标为：{'、'.join(r.key for r in members)}")
                    continue
                seen.add(row.id)
                if row.id in report.absent:
                    self.err(f"“{row.label}”已列入“未列”（原统计表没有这一行），不应再填写数字", line=value.line_of(key),
                             field=f"统计表 · {row.label}", fix="原统计表有这一行的，从“未列”中删去；没有的，删去这一行")
                    continue
                self._tongjibiao_value(report, row, figure, value.line_of(key))
        for row in TONGJIBIAO_ROWS:
            if not row.heading and row.id not in seen and row.id not in report.absent:
                self.err(f"缺少指标“{row.label}”", line=section.line, field="统计表", fix=self._missing_fix(row, unknown))

    @staticmethod
    def _missing_fix(row, unknown: dict[str, list[str]]) -> str:
        """A row written under another name is renamed, never listed in 未列: that would print "—" for the figure
        the published 统计表 carries."""
        close = difflib.get_close_matches(row.key, unknown.get(row.group, []), n=1, cutoff=0.5)
        if close:
            return f"“{row.group}”下的“{close[0]}”若就是这一行，把它改为“{row.key}”，数字照原统计表填写"
        return (f"照原统计表在“{row.group}”下补上“{row.key}: 数字”（该行印为 0 的写 0）；原统计表确实没有这一行的，"
                f"才把“{row.key}”写进“未列”（页面显示“—”）")

    def absent(self, r: FieldReader) -> set[str]:
        """未列: rows (with the rows printed under them) that the report's published 统计表 did not carry."""
        ids: set[str] = set()
        for name in r.read(ABSENT):
            last = name.split("·")[-1].strip()  # “指标组·指标” or the row alone
            if last in deprecations.TONGJIBIAO_ROWS:
                self.err(deprecations.tongjibiao_row(last), line=r.line_of(ABSENT.key), field=ABSENT.key,
                         fix=deprecations.fix(), severity="warning", check="upgrade")
                name = name[:name.rindex(last)] + deprecations.TONGJIBIAO_ROWS[last]
            wanted = normalise(name.replace("·", " · ").split(" · ")[-1])
            group = normalise(name.split("·")[0]) if "·" in name else None
            rows = [row for row in TONGJIBIAO_ROWS if normalise(row.key) == wanted
                    and (group is None or normalise(row.group) == group)]
            if len(rows) != 1:
                names = [row.id for row in TONGJIBIAO_ROWS]
                problem = f"“{name}”对应多个指标：{'、'.join(row.id for row in rows)}" if rows else \
                    f"不认识的指标“{name}”{close_matches(name, names)}"
                r.error(ABSENT.key, problem, fix="写指标名（去掉编号），重名的写成“指标组·指标”")
                continue
            ids.update(row.id for row in tongjibiao_subtree(rows[0]))
        return ids

    def _tongjibiao_value(self, report, row, value, line):
        self.lines[f"统计表/{row.id}"] = line
        got = self.number(value, AMOUNT if row.decimal else "count", f"统计表 · {row.label}", line)
        if got is not None:
            report.tongjibiao[row.id] = got
