"""`gongkai report-prefill 发布主体 年度`: the 二 figures the site knows, written into a draft 年报 file.

The counting is ``gongkai.reports.prefill``; the documents are the site's own, loaded by its plugins up to the
model-ready stage (``gongkai.editor.site``; a broken file does not stop the count).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..editor.site import SiteError, load_site
from ..reports.prefill import count, draft_yaml


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="gongkai report-prefill",
                                     description="按网站已发布的文件预填年报第二部分（第二十条第（一）项），生成草稿供编辑核对")
    parser.add_argument("organization", help="发布主体 id，例如 szf")
    parser.add_argument("year", type=int, help="报告年度，例如 2024")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="站点配置文件（默认 mkdocs.yml）")
    parser.add_argument("-o", "--output", help="草稿写到哪里（默认 <docs_dir>/reports/<发布主体>/<年度>.yml）")
    parser.add_argument("--stdout", action="store_true", help="只打印草稿，不写文件")
    args = parser.parse_args(argv)
    try:  # the site's plugins load the documents, as `gongkai new` does; a broken file does not stop the count
        site = load_site(args.config_file)
    except SiteError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    config, core = site.config, site.core
    org = core.catalog.organizations.get(args.organization)
    if org is None:
        print(f"“{args.organization}”不是已定义的发布主体；可用的有：{'、'.join(core.catalog.organizations)}",
              file=sys.stderr)
        return 2
    try:
        figures = count(core.documents, org.id, args.year)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    text = draft_yaml(org.id, org.name, args.year, figures)
    if args.stdout:
        sys.stdout.write(text)
        return 0
    reports = config.plugins.get("gongkai/reports")
    folder = reports.config.reports_dir if reports is not None else "reports"
    target = Path(args.output) if args.output else Path(config.docs_dir) / folder / org.id / f"{args.year}.yml"
    if target.exists():
        print(f"{target} 已存在，未覆盖。用 --stdout 查看预填结果后手工核对合并。", file=sys.stderr)
        return 1
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    rows = "；".join(f"{row} {values}" for row, values in figures.rows.items())
    print(f"已写入草稿 {target}：{rows}。请核对全部数据和文字，然后删去“草稿: true”。")
    return 0
