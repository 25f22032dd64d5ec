"""`gongkai init DIR --name 临江县`: a complete site repository for a county (区、县级市、旗) that builds at once.

What the site holds, and how it is made from the package's template, is ``gongkai.sitekit.init``; this module reads
the command line and writes the site.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

from ..catalog import org_code_problem
from ..clock import Clock
from ..sitekit.init import LEVELS, PLACEHOLDER_URL, County, InitError, make_orgs, parse_level, site_files, write_site


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="gongkai init", description="新建一个政务公开网站（网站仓库的全部文件），生成后即可构建",
        epilog="例：gongkai init linjiang --name 临江县 --code 11330000002000000X --org jyj=临江县教育局 "
               "--org qsz=临江县青山镇人民政府")
    p.add_argument("dir", help="新网站的文件夹（不存在或为空）")
    p.add_argument("--name", required=True, help="县级行政区的全称，如 临江县、东湖区、青山市")
    p.add_argument("--level", help=f"行政级别（默认从名称最后一字看出）：{'、'.join(LEVELS)}")
    p.add_argument("--code", help="本级人民政府的机构代码（9 位组织机构代码或 18 位统一社会信用代码，索引号的前缀）")
    p.add_argument("--org", action="append", default=[], metavar="ID=名称",
                   help="再加一个发布主体（可重复），如 jyj=临江县教育局、qsz=临江县青山镇人民政府；类型按名称判断")
    p.add_argument("--site-url", help="网站的正式网址，如 https://www.linjiang.gov.cn/（默认占位网址，上线前要改）")
    p.add_argument("--force", action="store_true", help="文件夹不是空的也写入（覆盖同名文件）")
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        name, level = parse_level(args.name, args.level)
        if args.code is not None:
            bad = org_code_problem(args.code.strip())
            if bad:
                raise InitError(f"--code：{bad[0]}（{bad[1]}）")
        site_url = args.site_url or PLACEHOLDER_URL
        if not re.match(r"https?://[^/\s]+", site_url):
            raise InitError(f"--site-url“{site_url}”不是网址，应写成 https://www.linjiang.gov.cn/")
        county = County(name, level, make_orgs(name, level, args.code and args.code.strip(), args.org),
                        site_url if site_url.endswith("/") else site_url + "/")
        target = Path(args.dir)
        write_site(target, site_files(county, Clock.make(ZoneInfo("Asia/Shanghai")).as_of), args.force)
    except InitError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    print(f"已在 {target} 生成{county.site_name}。先看其中的 README.md：要填写的内容和上线步骤。\n"
          f"检查：cd {target} && gongkai check（上线前待办列在报告开头）；构建：mkdocs build --strict")
    return 0

