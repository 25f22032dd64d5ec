"""`gongkai import PATH... [--org ID] [--column ID] [--map MAP.yml] [--site-root DIR] [--update] [--dry-run]`

PATH is a saved article page, a folder of them (read recursively; a browser's ``*_files`` folders are skipped),
or a CSV/XLSX export. Exits 0 when every source was imported (or was already there unchanged), 1 when some were
skipped (the report says why), 2 when the command cannot run at all.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from ..errors import InputError
from ..importer.source import PAGE_EXTS

EXPORT_EXTS = (".csv", ".xlsx")
DEFAULT_REPORT = "import-report.csv"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongkai import",
                                description="导入已有网站的文件：保存的文章网页（或其文件夹）、CSV/XLSX 导出表；"
                                            "保留原索引号、文号等元数据，重复导入只更新同一个文件")
    p.add_argument("paths", nargs="+", metavar="PATH", help="保存的网页、网页所在文件夹，或 CSV/XLSX 导出表")
    p.add_argument("--org", metavar="ID", help="来源没有写发布机构时使用的发布主体 id")
    p.add_argument("--column", metavar="ID", help="来源没有写栏目时使用的栏目 id")
    p.add_argument("--map", metavar="MAP.yml", help="对照表：旧发布机构、栏目、主题分类、有效性 → 新网站的取值")
    p.add_argument("--dry-run", action="store_true", help="试运行：只报告将要做什么，不写入任何文件")
    p.add_argument("--report", metavar="PATH",
                   help=f"逐个来源的 CSV 报告写到哪里（默认网站目录下的 {DEFAULT_REPORT}；试运行时只在指定时写）")
    p.add_argument("--body", metavar="CSS", help="正文所在元素的 CSS 选择器，自动识别不准时使用，如 div.article")
    p.add_argument("--site-root", metavar="DIR",
                   help="旧网站镜像的根目录：附件链接写成 /uploadfile/… 或完整网址时到这里找文件")
    p.add_argument("--update", action="store_true",
                   help="已有文件与来源不同的字段和正文改用来源的（不会删去任何字段、附件，不会改栏目）")
    p.add_argument("--skip-without-body", action="store_true",
                   help="跳过没有正文的来源（默认：只导入元数据，正文写明没有正文并链接原网址）")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="网站配置文件（默认 mkdocs.yml）")
    return p


def _load_project(config_file: Path):
    from mkdocs.config import load_config

    from ..catalog import load_catalog
    from ..importer.plan import Project

    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    config = load_config(str(config_file))
    core = config.plugins.get("gongkai/catalog")
    if core is None:
        raise SystemExit(f"{config_file}: 没有启用 gongkai/catalog 插件，无法导入")
    root = config_file.resolve().parent
    catalog = load_catalog(root / core.config.catalog_dir, display_root=root)
    return Project(root=root, docs_dir=Path(config.docs_dir).resolve(),
                   documents_dir=core.config.documents_dir.strip("/"), catalog=catalog), config


def _sources(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Every page or export under the given paths, in a stable order; plus problems with the paths."""
    found, problems = [], []
    for path in paths:
        if path.is_file():
            if path.suffix.lower() in PAGE_EXTS + EXPORT_EXTS:
                found.append(path)
            else:
                problems.append(f"{path}：不是网页（{'、'.join(PAGE_EXTS)}）或导出表（.csv、.xlsx）")
        elif path.is_dir():
            pages = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in PAGE_EXTS
                           and not any(part.endswith("_files") for part in p.relative_to(path).parts[:-1]))
            if not pages:
                problems.append(f"{path}：文件夹中没有网页（{'、'.join(PAGE_EXTS)}）")
            found += pages
        else:
            problems.append(f"{path}：文件或文件夹不存在")
    return found, problems


def run(args: argparse.Namespace) -> int:
    config_file = Path(args.config_file)
    if not config_file.is_file():
        print(f"找不到网站配置文件 {config_file}（用 -f 指定）", file=sys.stderr)
        return 2
    try:
        from mkdocs.exceptions import MkDocsException

        from ..importer.mapping import ImportMap, Mapper
        from ..importer.pages import read_page
        from ..importer.plan import Importer, Outcome
        from ..importer.report import console, to_csv
        from ..importer.tables import ExportError, read_export
    except ImportError as exc:
        print(f"导入需要额外的软件包（{exc.name}）：pip install 'gongkai[import]'", file=sys.stderr)
        return 2
    try:
        project, mkdocs_config = _load_project(config_file)
        import_map = ImportMap.load(Path(args.map), project.catalog) if args.map else ImportMap()
    except InputError as exc:
        print(f"无法导入：\n{exc}", file=sys.stderr)
        return 2
    except MkDocsException as exc:
        print(f"网站配置有误，无法导入：{exc}", file=sys.stderr)
        return 2
    for option, known, what in ((args.org, project.catalog.organizations, "发布主体"),
                                (args.column, project.catalog.columns, "栏目")):
        if option and option not in known:
            print(f"“{option}”不是已定义的{what} id；可用的有：{'、'.join(known)}", file=sys.stderr)
            return 2
    site_root = Path(args.site_root) if args.site_root else None
    if site_root is not None and not site_root.is_dir():
        print(f"--site-root：{site_root} 不是文件夹", file=sys.stderr)
        return 2
    files, problems = _sources([Path(p) for p in args.paths])
    if problems:
        print("无法导入：\n" + "\n".join(f"  {p}" for p in problems), file=sys.stderr)
        return 2

    roots = tuple(p if p.is_dir() else p.parent for p in map(Path, args.paths))
    from ..importer.checking import BuildCheck
    from ..importer.labels import LabelTable

    table = LabelTable(import_map.sections["标签"])
    importer = Importer(project, Mapper(project.catalog, import_map), org=args.org, column=args.column,
                        site_root=site_root, roots=roots, update=args.update,
                        skip_without_body=args.skip_without_body, check=BuildCheck(mkdocs_config, project.catalog))
    outcomes: list[Outcome] = []
    for path in files:
        display = str(path)
        try:
            if path.suffix.lower() in EXPORT_EXTS:
                try:
                    rows, notes = read_export(path, display, table)
                except ExportError as exc:
                    outcomes.append(Outcome(display, reasons=[str(exc)]))
                    continue
                importer.notes += [f"{display}：{note}" for note in notes]
                outcomes += [importer.add(row) for row in rows]
            else:
                outcomes.append(importer.add(read_page(path, display, args.body, table)))
        except Exception as exc:  # one unreadable source must not stop a batch of thousands; it is reported
            outcomes.append(Outcome(display, reasons=[f"无法处理（{type(exc).__name__}：{exc}）"]))
    importer.finish(dry_run=args.dry_run)

    report_path = args.report or (None if args.dry_run else str(project.root / DEFAULT_REPORT))
    if report_path:
        Path(report_path).write_text(to_csv(outcomes), encoding="utf-8")
    sys.stdout.write(console(outcomes, importer.notes, dry_run=args.dry_run, report_path=report_path))
    return 1 if any(o.reasons for o in outcomes) else 0


def main(argv: list[str] | None = None) -> int:
    return run(_parser().parse_args(argv))

