"""`gongkai check`: run the pre-publication checks by building the site into a temporary folder.

The same ``gongkai/checks`` plugin that runs inside ``mkdocs build`` does the work (added for this run when
mkdocs.yml does not list it), and the report is the build's own list of problems, graded by the same policy
(``core.reporter``, gongkai/reporting.py) as CI's ``mkdocs build --strict``: the command and CI count the same.
Prints the console report, writes JSON (--json) and HTML (--html), and exits 1 on errors (and on warnings with
--fail-on-warning), 2 when the site cannot be built at all.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import sys
import tempfile
from pathlib import Path

from ..checks import output
from ..errors import Problem, SeverityPolicy
from ..reporting import MkDocsWarnings


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="gongkai check", description="发布前检查：个人信息、空白栏目、栏目更新、公开时限、链接、年报")
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="网站配置文件（默认 mkdocs.yml）")
    p.add_argument("--as-of", metavar="DATE", help="按此日期检查栏目更新、年报等（默认今天），如 2026-11-23")
    p.add_argument("--json", metavar="PATH", help="写出 JSON 报告（供 CI 使用）")
    p.add_argument("--html", metavar="PATH", help="写出 HTML 报告（供政务公开办查看，不属于网站）")
    p.add_argument("--todo", metavar="PATH", help="写出上线前待办清单（Markdown，可在 Git 托管平台网页上阅读）")
    p.add_argument("--fail-on-warning", action="store_true", help="有警告时也以非零状态退出")
    p.add_argument("--external", action="store_true", help="访问外部链接检查是否可用（需要网络，不要在 CI 中使用）")
    p.add_argument("-q", "--quiet", action="store_true", help="只输出汇总")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.as_of:
        try:
            as_of = dt.date.fromisoformat(args.as_of)
        except ValueError:
            print(f"--as-of“{args.as_of}”不是日期，应写成 2026-11-23", file=sys.stderr)
            return 2
    config_file = Path(args.config_file)
    if not config_file.is_file():
        print(f"找不到网站配置文件 {config_file}", file=sys.stderr)
        return 2

    from mkdocs.commands.build import build
    from mkdocs.config import load_config
    from mkdocs.exceptions import MkDocsException

    from ..plugins.checks.plugin import ChecksPlugin

    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    mkdocs_log = logging.getLogger("mkdocs")
    mkdocs_log.setLevel(logging.WARNING)
    for handler in mkdocs_log.handlers:  # the report below says what matters
        handler.setLevel(logging.ERROR)
    # MkDocs' warnings before the build starts (reading mkdocs.yml) and the reason a build could not run; once it
    # runs, the core's reporter collects them with every other problem.
    early: list[Problem] = []
    collect = MkDocsWarnings(early).attach()
    with tempfile.TemporaryDirectory(prefix="gongkai-check-") as tmp:
        try:
            config = load_config(str(config_file), site_dir=tmp, strict=False)
            loading, early[:] = early[:], []
            plugin = config.plugins.get("gongkai/checks")
            if plugin is None:
                plugin = ChecksPlugin()
                errors, warnings = plugin.load_config({}, str(config_file))
                if errors:
                    print(errors, file=sys.stderr)
                    return 2
                config.plugins["gongkai/checks"] = plugin
            plugin.grade_as_strict = True  # CI builds with --strict: MkDocs' own warnings are errors here too
            core = config.plugins.get("gongkai/catalog")
            if core is not None:  # every input problem goes into the report instead of stopping the build
                core.raise_on_errors = False
                if args.as_of:
                    core.config.as_of = as_of.isoformat()
            plugin.config.fail_on_warnings = args.fail_on_warning
            plugin.config.check_external = args.external or plugin.config.check_external
            # written below, to the paths given
            plugin.config.report_json = plugin.config.report_html = plugin.config.report_todo = None
            build(config)
        except MkDocsException as exc:
            # MkDocs logs the reason (e.g. a catalog file that is not UTF-8) and raises only "Aborted with a
            # BuildError!": print the reason.
            reasons = "\n".join(f.message for f in early) or str(exc)
            print(f"网站无法构建，未能完成检查：\n{reasons}", file=sys.stderr)
            return 2
        finally:
            collect.detach()
    # The build's own policy (gongkai/errors.py), as the checks plugin set it for this run.
    policy = plugin.core.reporter.policy if plugin.core is not None else \
        SeverityPolicy(strict=True, fail_on_warnings=args.fail_on_warning)
    findings = [policy.grade(p) for p in loading] + plugin.all_findings
    if args.quiet:
        print(output.console(findings, plugin.as_of).splitlines()[0])
    else:
        print(output.console(findings, plugin.as_of, plugin.external), end="")
    if args.json:
        output.write(args.json, output.to_json(findings, plugin.as_of, plugin.external))
    if args.html:
        output.write(args.html, output.to_html(findings, plugin.as_of, plugin.external))
    if args.todo:
        output.write(args.todo, output.to_todo(findings, plugin.as_of, plugin.config.live))
    return 1 if any(policy.fails(f) for f in findings) else 0

