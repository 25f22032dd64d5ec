"""历史版本: an amended document keeps its earlier text, dated, at a stable address under its own.

The editor lists the earlier texts in the current document's front matter (``历史版本: [{日期, 说明}]``) and saves
each one, body only, as ``<文件名>/<日期>.md`` beside the document: ``cxdbbf.md`` keeps ``cxdbbf/2025-12-12.md``,
published at ``<文件地址>2025-12-12/``. A version is no document: no 索引号, not in any list, 目录, feed, search
index or count; its page says it is a 历史版本 and links to the current text (docs/schema.md).
"""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from dataclasses import dataclass

from .errors import Problems
from .fields import DATE, LIST, TEXT, Field, FieldReader, keys
from .model import Document, Version

VERSIONS = Field("历史版本", LIST, noun="历史版本", shape="日期、说明",
                 example="\n  - 日期: 2025-12-12\n    说明: 按示政发〔2025〕14号修改前的文本")
VERSION_ITEM = (Field("日期", DATE, required=True, example="2025-12-12"),
                Field("说明", TEXT, example="按示政发〔2025〕14号修改前的文本"))
DATE_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.md")


@dataclass
class VersionPage:
    """What a version's page shows: the version and a snapshot of the current document."""

    version: Version
    title: str  # the current document's
    url: str
    number: str
    src_path: str  # the current document's source


def read_versions(r: FieldReader) -> list[Version]:
    """历史版本 of one front matter, oldest first; problems go to the reader's file and lines."""
    found: list[Version] = []
    for entry, line in r.entries(VERSIONS):
        item = r.child(entry, "历史版本", line)
        item.unknown_keys(keys(VERSION_ITEM))
        day, note = (item.read(f) for f in VERSION_ITEM)
        if day is None:
            continue
        if any(v.date == day for v in found):
            r.error(VERSIONS.key, f"历史版本的日期 {day} 写了两次", fix="每个日期只写一项；同一天的文本只保留一份",
                    line=line)
            continue
        found.append(Version(day, note, line))
    return sorted(found, key=lambda v: v.date)


def version_src(doc_src: str, day: dt.date) -> str:
    """Where a document's text before ``day`` is kept: ``<文件名>/<日期>.md`` beside the document."""
    return f"{doc_src[:-len(posixpath.splitext(doc_src)[1])]}/{day.isoformat()}.md"


def is_version_src(src: str, sources: set[str]) -> bool:
    """Whether a Markdown source is a version file: named by a date, in a folder named after a document beside it."""
    folder, name = posixpath.split(src)
    return bool(DATE_NAME.fullmatch(name)) and f"{folder}.md" in sources


def attach(documents: list[Document], candidates: dict[str, tuple[str, str]], today: dt.date,
           problems: Problems) -> dict[str, VersionPage]:
    """Each listed version found among the version files (``src → (url, path shown to editors)``); every
    mismatch is a problem."""
    pages: dict[str, VersionPage] = {}
    for doc in documents:
        file = doc.source or doc.src_path
        for v in doc.timeline.versions:
            v.src_path = version_src(doc.src_path, v.date)
            if v.date > today:
                problems.add(file, f"历史版本的日期 {v.date} 晚于今天（{today}）", line=v.line, field="历史版本",
                             fix="“日期”写修改后的文本开始施行、这份旧文本不再适用的那一天，不能是将来的日期")
            if v.date < doc.written:
                problems.add(file, f"历史版本的日期 {v.date} 早于本文件的成文日期 {doc.written}", line=v.line,
                             field="历史版本", fix="核对日期：应是修改生效、旧文本不再适用的那一天")
            found = candidates.get(v.src_path)
            if found is None:
                problems.add(file, f"历史版本 {v.date} 的文本文件“{_display(file, v.src_path)}”不存在",
                             line=v.line, field="历史版本",
                             fix=f"把修改前的正文另存为与本文件同名的文件夹中的“{v.date}.md”"
                                 f"（即 {_display(file, v.src_path)}），或删去这一项")
                continue
            v.url = found[0]
            pages[v.src_path] = VersionPage(v, doc.title, doc.url, doc.doc_number or doc.index_number, doc.src_path)
    loaded = {doc.src_path for doc in documents}
    for src, (_, display) in candidates.items():
        if src not in pages and posixpath.dirname(src) + ".md" in loaded:  # else its document's errors say why
            owner = posixpath.dirname(display) + ".md"
            problems.add(display, f"这是“{posixpath.basename(posixpath.dirname(src))}.md”的历史版本文件，"
                         f"但该文件的“历史版本”没有列出日期 {posixpath.basename(src)[:-3]}",
                         fix=f"在 {owner} 的元数据中加上“历史版本: [{{日期: {posixpath.basename(src)[:-3]}}}]”，"
                             "或把这个文件移出该文件夹")
    return pages



def _display(doc_file: str, version_src_path: str) -> str:
    """The version file's path as the editor sees the document's (``content/…``)."""
    return f"{posixpath.splitext(doc_file)[0]}/{posixpath.basename(version_src_path)}"


def page_meta(page: VersionPage, meta: dict, display: str, document_keys: tuple[str, ...], problems: Problems) -> None:
    """A version page's title and template; a version file written as a document is refused."""
    written = [key for key in document_keys if key in meta]
    if written:
        problems.add(display, f"历史版本文件写了文件的元数据（{'、'.join(written)}），它只是“{page.title}”"
                     f"在 {page.version.date} 以前的文本，不是另一个文件",
                     fix="删去这个文件开头“---”之间的元数据，只保留修改前的正文；"
                         "若它确是另一个文件，把它移出该文件夹并改名（不用日期作文件名）")
    meta.update(title=f"{page.title}（历史版本，{page.version.date} 以前的文本）", template="gongkai/version.html",
                search={"exclude": True})
