"""The `gongkai` command: editor and maintenance tools, one module per subcommand in ``gongkai/commands/``."""

from __future__ import annotations

import importlib
import sys

# subcommand → (module with a main(argv) -> int, one-line help). Modules are imported only when their command
# runs: `gongkai init` needs no MkDocs, `gongkai new` no importer.
COMMANDS = {
    "init": ("gongkai.commands.init", "新建一个政务公开网站（目录、编辑手册、年报草稿、CI 和 nginx 文件），生成后即可构建"),
    "new": ("gongkai.commands.new", "新建一篇文件（解读、征集、反馈），自动编索引号、文号和日期"),
    "check": ("gongkai.commands.check", "发布前检查：个人信息、空白栏目、栏目更新、公开时限、链接、年报"),
    "report-prefill": ("gongkai.commands.report_prefill", "按网站已有文件预填年报第二部分数据，供编辑核对"),
    "upgrade": ("gongkai.commands.upgrade", "把为上一版本编写的网站改写为当前写法（--dry-run 只显示改动）"),
    "import": ("gongkai.commands.import_", "导入已有网站的文件（保存的网页、CSV/XLSX 导出表），保留原索引号等元数据"),
}


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help") or argv[0] not in COMMANDS:
        print("用法：gongkai <命令> [参数]\n\n命令：")
        for name, (_, text) in COMMANDS.items():
            print(f"  {name:16} {text}")
        return 0 if argv and argv[0] in ("-h", "--help") else 2
    module = importlib.import_module(COMMANDS[argv[0]][0])
    return module.main(argv[1:])


if __name__ == "__main__":
    sys.exit(main())
