"""`gongkai new`: write a new document with every required field, numbered and dated.

    gongkai new <发布主体> <栏目> <标题> [--daizi 示政办发]   a document in any column
    gongkai new 解读 <原文索引号> [标题] [--form 图解]         a 政策解读 of a published document
    gongkai new 征集 <发布主体> <标题> [--type 重大行政决策]    a 意见征集, 截止 computed from the kind's minimum period
    gongkai new 反馈 <征集索引号> [标题]                       the 意见采纳情况 of a closed 征集

The file goes to ``<docs_dir>/<documents_dir>/<发布主体>/<年份>/<slug>.md``; its path is printed on stdout, what was
chosen (索引号, 文号, 主题分类 …) on stderr. The site is loaded up to the model-ready stage only
(``gongkai.editor.site``: catalog and documents through the build's own plugins, no page, form or feed made); the
drafting is ``gongkai.editor.drafts``.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from ..editor.drafts import DRAFTS, KINDS, NewError, no_questions, numbers, parse_date, render, verify
from ..editor.site import SiteError, load_site
from ..errors import close_matches
from ..model import DOCUMENT_KINDS

SLUG_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]*$")


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("-f", "--config-file", default="mkdocs.yml", help="网站配置文件（默认 mkdocs.yml）")
    p.add_argument("--date", help="成文日期和发布日期（默认今天，北京时间），如 2026-11-23")
    p.add_argument("--slug", help="文件名（不含 .md，只用字母、数字、连字符；默认为索引号的流水号）")
    p.add_argument("--topic", help="主题分类（默认取栏目的主题分类，或本栏目已有文件最常用的）")


def _parser(kind: str | None) -> argparse.ArgumentParser:
    if kind is None:
        p = argparse.ArgumentParser(prog="gongkai new", description="新建一篇政府信息文件，自动填写索引号、文号和日期",
                                    epilog="政策解读、意见征集、反馈：gongkai new 解读|征集|反馈 -h")
        p.add_argument("organization", metavar="发布主体", help="发布主体 id（如 szf）或名称")
        p.add_argument("column", metavar="栏目", help="栏目 id（如 gfxwj）或名称")
        p.add_argument("title", metavar="标题", help="文件标题")
        p.add_argument("--daizi", metavar="机关代字", help="按此机关代字编下一个文号，如 示政办发")
        p.add_argument("--kind", metavar="文件类型", help=f"文件类型：{' / '.join(DOCUMENT_KINDS)}")
    elif kind == "解读":
        p = argparse.ArgumentParser(prog="gongkai new 解读", description="新建一篇政策解读，原文、发布机构、主题分类取自原文")
        p.add_argument("original", metavar="原文索引号", help="被解读文件的索引号（或文件路径，如 wj/szf/2026/gf-3）")
        p.add_argument("title", metavar="标题", nargs="?", help="默认为“《原文名称》政策解读”")
        p.add_argument("--form", metavar="解读形式", help="文字 / 图解 / 视频 / 动漫 / 问答 / 发布会 / 图文 / 专家解读 / 媒体解读 / 在线访谈 / 音频 / H5（不写则询问）")
        p.add_argument("--org", metavar="发布主体", help="解读的发布主体（默认为原文的发布主体）")
    elif kind == "征集":
        p = argparse.ArgumentParser(prog="gongkai new 征集", description="新建一篇意见征集，征集截止按征集类型的最短期限计算")
        p.add_argument("organization", metavar="发布主体", help="发布主体 id（如 szf）或名称")
        p.add_argument("title", metavar="标题", help="征集通知的标题")
        p.add_argument("--type", metavar="征集类型", help="征集类型（不写则询问）")
        p.add_argument("--end", metavar="征集截止", help="征集截止日期（默认按最短期限计算）")
        p.add_argument("--reason", metavar="期限说明", help="征集期限短于最短期限时的理由")
        p.add_argument("--daizi", metavar="机关代字", help="按此机关代字编下一个文号")
    else:
        p = argparse.ArgumentParser(prog="gongkai new 反馈", description="新建一篇意见征集的反馈（意见收集和采纳情况）")
        p.add_argument("consultation", metavar="征集索引号", help="对应意见征集的索引号（或文件路径）")
        p.add_argument("title", metavar="标题", nargs="?", help="默认为“《征求意见稿名称》公开征求意见采纳情况”")
    if kind in ("解读", "征集", "反馈"):
        p.add_argument("--column", metavar="栏目", help="栏目 id（默认为该发布主体适用的第一个相应类型栏目）")
    _common(p)
    return p



def ask(question: str, choices: list[str] | None, option: str) -> str:
    """Ask the editor on the terminal (a draft's ``Ask``); without an answer (no terminal, empty input) say which
    option to use."""
    listed = f"（{' / '.join(f'{i} {c}' for i, c in enumerate(choices, 1))}）" if choices else ""
    print(f"{question}{listed}：", end="", file=sys.stderr, flush=True)
    answer = sys.stdin.readline().strip() if sys.stdin else ""
    if not answer:
        print(file=sys.stderr)
        return no_questions(question, choices, option)
    if choices:
        if answer.isdigit() and 1 <= int(answer) <= len(choices):
            return choices[int(answer) - 1]
        if answer not in choices:
            raise NewError(f"“{answer}”不是可选的{question}{close_matches(answer, choices)}；可选：{' / '.join(choices)}")
    return answer


def main(argv: list[str]) -> int:
    kind = argv[0] if argv and argv[0] in KINDS else None
    args = _parser(kind).parse_args(argv[1:] if kind else argv)
    if args.slug and not SLUG_RE.match(args.slug):
        print(f"文件名“{args.slug}”只能用字母、数字、连字符和下划线，如 gzyd2026", file=sys.stderr)
        return 2
    try:
        site = load_site(args.config_file)
        day = parse_date(args.date, "--date") if args.date else site.today()
        draft = DRAFTS[kind](site, args, day, ask)
        index_number, doc_number = numbers(site, draft, getattr(args, "daizi", None))
    except (NewError, SiteError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    slug = args.slug or index_number.rsplit("-", 1)[1]
    folder = site.documents_dir / draft.org.id / str(day.year)
    path = folder / f"{slug}.md"
    display = site.display(path)
    if path.exists():
        print(f"{display} 已存在，未覆盖：用 --slug 另取一个文件名", file=sys.stderr)
        return 2
    text = render(draft, index_number, doc_number)
    src_path = path.relative_to(Path(site.config.docs_dir)).as_posix()
    problems = verify(site, text, src_path, display)
    errors = [p for p in problems if p.severity == "error"]
    if errors:
        print("新文件未通过检查，未写入：\n" + "\n".join(f"  {p}" for p in errors), file=sys.stderr)
        return 1
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    print(display)
    print(f"已新建“{draft.column.name}”栏目文件：索引号 {index_number}" + (f"，文号 {doc_number}" if doc_number else "")
          + f"，成文日期和发布日期 {day}。", file=sys.stderr)
    for note in draft.notes + [f"警告：{p}" for p in problems]:
        print(note, file=sys.stderr)
    if site.rejected:
        print(f"提示：{'、'.join(r.path for r in site.rejected)} 有错误，构建时不会发布（运行 gongkai check 查看）；"
              "新文件的编号已避开其中的索引号和文号。", file=sys.stderr)
    print("下一步：打开该文件，写正文，核对各字段，再提交。", file=sys.stderr)
    return 0
