"""The import report: a console summary for the editor and a CSV with one row per source for the records."""

from __future__ import annotations

import csv
import io
from collections import Counter

from .plan import CREATED, MERGED, SKIPPED, UNCHANGED, UPDATED, Outcome

CSV_HEADER = ("来源", "状态", "索引号", "标题", "目标文件", "跳过原因", "推断或补全的字段", "警告")


def console(outcomes: list[Outcome], notes: list[str], *, dry_run: bool, report_path: str | None) -> str:
    counts = Counter(o.status for o in outcomes)
    lines = [f"导入 {len(outcomes)} 个来源：新增 {counts[CREATED]}，更新 {counts[UPDATED]}，"
             f"未变化 {counts[UNCHANGED]}，" + (f"合并 {counts[MERGED]}，" if counts[MERGED] else "")
             + f"跳过 {counts[SKIPPED]}"
             + ("（试运行：没有写入任何文件）" if dry_run else "")]
    lines += [f"注意：{note}" for note in notes]
    skipped = [o for o in outcomes if o.status == SKIPPED]
    if skipped:
        lines.append(f"\n跳过（{len(skipped)}）：")
        lines += [f"  {o.source}：{'；'.join(o.reasons)}" for o in skipped]
    unmapped: dict[str, Counter] = {}
    for outcome in outcomes:
        for section, name in outcome.unmapped:
            unmapped.setdefault(section, Counter())[name] += 1
    if unmapped:
        lines.append("\n无法对应的名称（没有猜测）。把下面几行加到 --map 对照表，填好新网站的 id 后重新导入：")
        for section, names in unmapped.items():
            lines.append(f"{section}:")
            lines += [f"  {_yaml_key(name)}:    # {count} 个文件" for name, count in names.most_common()]
    inferred = [o for o in outcomes if o.inferred and o.status != SKIPPED]
    if inferred:
        lines.append(f"\n推断或补全的字段，请核对（{len(inferred)} 个文件）：")
        lines += [f"  {o.target}：{'；'.join(o.inferred)}" for o in inferred]
    warned = [o for o in outcomes if o.warnings and o.status != SKIPPED]
    if warned:
        lines.append(f"\n警告（{len(warned)} 个文件）：")
        lines += [f"  {o.target}：{'；'.join(o.warnings)}" for o in warned]
    if report_path:
        lines.append(f"\n逐个来源的报告已写入 {report_path}")
    return "\n".join(lines) + "\n"


def _yaml_key(name: str) -> str:
    return f'"{name}"' if any(c in name for c in ':#{}[],&*!|>\'"%@`') else name


def to_csv(outcomes: list[Outcome]) -> str:
    """UTF-8 with a byte-order mark, so that Excel on Chinese Windows opens it with the right characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    for o in outcomes:
        writer.writerow([_cell(value) for value in (o.source, o.status, o.index_number, o.title, o.target,
                                                    "；".join(o.reasons), "；".join(o.inferred), "；".join(o.warnings))])
    return "\ufeff" + buffer.getvalue()


def _cell(value: str) -> str:
    """A spreadsheet reads a cell starting with = + - @ (or a tab or carriage return before one) as a formula:
    text from an old page ("=HYPERLINK(…)" as a title) is prefixed with ' so that Excel shows it as text."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value
