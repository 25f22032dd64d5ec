"""`gongkai upgrade [DIR] [--dry-run]`: rewrite a site written for the previous release to the current names.

What is rewritten, and how, is ``gongkai.upgrade`` (every rename is in ``gongkai.deprecations``); this module reads
the command line, writes or shows the changes and says what was done.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from .. import deprecations
from ..upgrade import notes, plan


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="gongkai upgrade",
        description="把为上一版本编写的网站文件（mkdocs.yml、年报数据、CI 配置）改写为当前写法；保留注释和格式，可重复运行")
    parser.add_argument("dir", nargs="?", default=".", metavar="目录", help="网站目录（mkdocs.yml 所在处，默认当前目录）")
    parser.add_argument("-f", "--config-file", default="mkdocs.yml", help="网站配置文件（相对于目录，默认 mkdocs.yml）")
    parser.add_argument("--dry-run", action="store_true", help="只显示将要做的改动（统一差异格式），不改文件")
    args = parser.parse_args(argv)
    root = Path(args.dir).resolve()
    try:
        changes = plan(root, args.config_file)
    except FileNotFoundError as exc:
        print(f"找不到网站配置文件 {exc}：请在 mkdocs.yml 所在目录运行，或写出网站目录", file=sys.stderr)
        return 2
    for change in changes:
        name = change.path.relative_to(root).as_posix()
        if args.dry_run:
            sys.stdout.write(change.diff(root))
        else:
            change.path.write_bytes(change.after.encode("utf-8"))
        for what in change.what:
            print(f"{name}: {what}", file=sys.stderr)
    for note in notes(root):
        print(f"注意：{note}", file=sys.stderr)
    for old, new in deprecations.RENAMED_ENV.items():
        if os.environ.get(old):
            print(f"注意：当前环境设置了 ${old}，它已更名为 ${new}，请在 CI 或脚本中改用 ${new}", file=sys.stderr)
    if not changes:
        print("无需改写：网站文件已是当前写法", file=sys.stderr)
    elif args.dry_run:
        print(f"将改写 {len(changes)} 个文件（未改动；去掉 --dry-run 即执行）", file=sys.stderr)
    else:
        print(f"已改写 {len(changes)} 个文件；请用 mkdocs build --strict 构建确认，并提交改动", file=sys.stderr)
    return 0

