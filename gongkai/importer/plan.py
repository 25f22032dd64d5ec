"""Turn SourceDocuments into document files: map, convert, validate with the site's own loader, then write.

Every document is checked by ``gongkai.documents.DocumentLoader`` — the parser the build uses — before anything
is written, so an imported file never breaks the build. A document is identified by its 索引号: when a file
under the documents folder already carries it, that file is updated in place; otherwise a new file is created
at ``<documents_dir>/<发布主体>/<发布日期年份>/<索引号 as a slug>.md``, attachments and images beside it under
``附件/<slug>/``. Nothing is written before every source has been read, and nothing at all with ``dry_run``.
"""

from __future__ import annotations

import filecmp
import os
import posixpath
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urljoin, urlsplit

import yaml
from bs4 import BeautifulSoup

from .. import yamlutil
from ..documents import IMPORTED, DocumentLoader, split_front_matter
from ..errors import InputError, Problems
from ..model import Catalog
from . import labels
from .mapping import EMPTY, Mapper
from .markdown import to_markdown
from .pages import read_page
from .source import ATTACHMENT_EXTS, PAGE_EXTS, SourceDocument

CREATED, UPDATED, UNCHANGED, SKIPPED = "新增", "更新", "未变化", "跳过"
ATTACHMENT_DIR = "附件"
_TOKEN = re.compile("\ue000(\\d+)\ue001")
_SAFE_NAME = re.compile(r"[^\w.\-]+")
_URL_SAFE = ":/?#[]@!$&'*+,;=%~"
_RASTER_DATA = re.compile(r"data:image/(png|jpeg|gif|webp);base64,[A-Za-z0-9+/=\s]+$")


@dataclass
class Project:
    """Where the site keeps its documents, and its catalog."""

    root: Path  # folder of mkdocs.yml; paths in messages are relative to it
    docs_dir: Path
    documents_dir: str  # below docs_dir, e.g. "wj"
    catalog: Catalog

    @property
    def documents_path(self) -> Path:
        return self.docs_dir / self.documents_dir

    def display(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)


@dataclass
class Outcome:
    """One source's line in the report."""

    source: str
    status: str = SKIPPED
    index_number: str = ""
    title: str = ""
    target: str = ""
    reasons: list[str] = field(default_factory=list)  # why it was skipped
    inferred: list[str] = field(default_factory=list)  # fields filled in or inferred, for the editors to check
    warnings: list[str] = field(default_factory=list)  # imported, but something in it needs a look
    unmapped: list[tuple[str, str]] = field(default_factory=list)  # (map section, printed name)


@dataclass
class _Planned:
    outcome: Outcome
    path: Path
    text: str
    copies: list[tuple[Path, Path]]
    page_links: list[tuple[str, Path | None, str]]  # (text, linked saved page, absolute URL or "")


class _Linker:
    """Decides, for one document, what each link and image of its body points to, and which files to copy."""

    def __init__(self, doc: SourceDocument, folder: str, site_root: Path | None, roots: tuple[Path, ...]):
        self.doc = doc
        self.folder = folder  # "附件/<slug>", relative to the document file
        self.site_root = site_root
        self.roots = roots  # files are copied only from below these: a page cannot publish other local files
        self.copies: dict[Path, str] = {}  # source file → name in folder
        self.attachments: list[tuple[str, str]] = []  # (名称, path relative to the document)
        self.page_links: list[tuple[str, Path | None, str]] = []
        self.warnings: list[str] = []
        self.outside = False  # the last file looked for exists, but outside the folders being imported

    def _locate(self, href: str) -> Path | None:
        parts = urlsplit(href)
        path = unquote(parts.path)
        if not path:
            return None
        candidates = []
        if not parts.scheme and not parts.netloc and not path.startswith("/"):
            candidates.append(self.doc.base_dir / path)
        elif self.site_root is not None:
            candidates.append(self.site_root / path.lstrip("/"))
        name = posixpath.basename(path)
        if name:
            candidates.append(self.doc.base_dir / name)
            if self.doc.page_path is not None:  # a browser's "save page, complete" folder
                candidates.append(self.doc.page_path.parent / f"{self.doc.page_path.stem}_files" / name)
        self.outside = False
        for candidate in candidates:
            if candidate.is_file():
                found = candidate.resolve()
                if any(found.is_relative_to(root) for root in self.roots):
                    return found
                self.outside = True
        return None

    def _missing(self, what: str, href: str) -> str:
        return (f"{what}在导入的文件夹和 --site-root 以外（{href}），未复制" if self.outside
                else f"{what}未找到（{href}），未复制")

    def _register(self, source: Path) -> str:
        if source not in self.copies:
            stem, dot, ext = source.name.rpartition(".")
            base = _SAFE_NAME.sub("_", stem if dot else source.name).strip("_") or "file"
            ext = _SAFE_NAME.sub("_", ext.lower()) if dot else ""
            name, n = f"{base}.{ext}" if ext else base, 1
            while name in self.copies.values():
                n += 1
                name = f"{base}-{n}.{ext}" if ext else f"{base}-{n}"
            self.copies[source] = name
        return f"{self.folder}/{self.copies[source]}"

    def attachment(self, href: str, text: str) -> str | None:
        """Copy an attachment and list it as 附件; the path to link to, or None when it is not here."""
        found = self._locate(href)
        if found is None:
            self.warnings.append(self._missing(f"附件“{text or href}”", href))
            return None
        path = self._register(found)
        if all(path != p for _, p in self.attachments):
            name = text or found.stem
            self.attachments.append((name, path))
        return path

    def link(self, href: str, text: str, plain: str = "") -> str:
        parts = urlsplit(href)
        scheme = parts.scheme.lower()
        text, plain = text or href, plain or text or href
        if scheme in ("mailto", "tel"):
            return f"[{text}]({href})"
        if scheme == "javascript" or href.startswith("#"):
            return text
        ext = parts.path.rsplit(".", 1)[-1].lower() if "." in posixpath.basename(parts.path) else ""
        if ext in ATTACHMENT_EXTS:
            path = self.attachment(href, plain)
            if path:
                return f"[{text}]({path})"
            if scheme in ("http", "https"):
                self.warnings[-1] += "，正文保留原网址链接"
                return f"[{text}]({quote(href, safe=_URL_SAFE)})"
            self.warnings[-1] += "，正文中改为纯文字"
            return text
        if scheme in ("http", "https"):
            return f"[{text}]({quote(href, safe=_URL_SAFE)})"
        if scheme:
            self.warnings.append(f"链接“{href}”无法在新网站使用，正文中改为纯文字")
            return text
        # A link to another page of the old site: resolved once every source has been read.
        target = None
        if not parts.netloc and not parts.path.startswith("/") and parts.path.lower().endswith(PAGE_EXTS):
            candidate = self.doc.base_dir / unquote(parts.path)
            target = candidate.resolve() if candidate.is_file() else None
        url = urljoin(self.doc.page_url, href) if self.doc.page_url else ""
        self.page_links.append((text, target, url))
        return f"\ue000{len(self.page_links) - 1}\ue001"

    def image(self, src: str, alt: str) -> str:
        if src.startswith("data:"):
            if _RASTER_DATA.match(src):  # an inline picture; SVG or HTML data could carry script
                return f"![{alt}]({src})"
            self.warnings.append(f"图片“{src[:40]}…”不是 PNG、JPEG、GIF 或 WebP 图片数据，正文中改为文字")
            return f"（图片：{alt or '图片'}）"
        found = self._locate(src)
        if found is not None:
            return f"![{alt}]({self._register(found)})"
        label = alt or posixpath.basename(urlsplit(src).path) or "图片"
        missing = self._missing("图片", src)
        if urlsplit(src).scheme in ("http", "https"):
            # never an <img> from the old host: the new site loads nothing from other hosts
            self.warnings.append(f"{missing}，正文中改为指向原网址的链接")
            return f"[图片：{label}]({quote(src, safe=_URL_SAFE)})"
        self.warnings.append(f"{missing}，正文中改为文字")
        return f"（图片：{label}）"


class _FrontMatterDumper(yaml.SafeDumper):
    """Lists of plain values on one line (栏目: [gfxwj]), as editors write them; everything else in blocks."""

    def ignore_aliases(self, data):
        return True  # 成文日期 and 发布日期 may be one date object: never an anchor (&id001) and alias (*id001)

    def represent_list(self, data):
        flow = all(not isinstance(item, (dict, list)) for item in data)
        return self.represent_sequence("tag:yaml.org,2002:seq", data, flow_style=flow)


_FrontMatterDumper.add_representer(list, _FrontMatterDumper.represent_list)


def _slug(index_number: str) -> str:
    return re.sub(r"[^0-9a-z]+", "-", index_number.lower()).strip("-") or "doc"


def _text_body(text: str):
    """Plain text from an export: one paragraph per line, through the same converter as HTML."""
    soup = BeautifulSoup("<div></div>", "lxml")
    for line in text.splitlines():
        if line.strip():
            paragraph = soup.new_tag("p")
            paragraph.string = line.strip()
            soup.div.append(paragraph)
    return soup.div


class Importer:
    """Plans and writes the import of a list of SourceDocuments into one site."""

    def __init__(self, project: Project, mapper: Mapper, *, org: str | None = None, column: str | None = None,
                 site_root: Path | None = None, roots: tuple[Path, ...] = ()):
        self.project = project
        # where attachments may be copied from: the folders being imported and the old site's mirror
        self.roots = tuple(r.resolve() for r in roots + ((site_root,) if site_root else ()))
        self.mapper = mapper
        self.default_org = org
        self.default_column = column
        self.site_root = site_root
        self.notes: list[str] = []  # about the run as a whole (e.g. an existing file that cannot be read)
        self.by_index = self._existing()
        self._planned: list[_Planned] = []
        self._by_index_planned: dict[str, _Planned] = {}
        self._paths: set[Path] = set()
        self._by_page: dict[Path, _Planned] = {}
        self._linked: dict[Path, Path | None] = {}

    def _existing(self) -> dict[str, Path]:
        """索引号 → file, for every document the site already has (read with the build's own parsers)."""
        index: dict[str, Path] = {}
        folder = self.project.documents_path
        for path in sorted(folder.rglob("*.md")) if folder.is_dir() else []:
            try:
                front, _, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
                data = yamlutil.load(front, self.project.display(path), line_offset=1) if front else None
            except (OSError, UnicodeDecodeError, InputError):
                self.notes.append(f"{self.project.display(path)} 无法读取，未参与按索引号查重")
                continue
            if isinstance(data, dict) and data.get("索引号"):
                index[str(data["索引号"]).strip()] = path
        return index

    # ---- planning ------------------------------------------------------------------------------------------

    def add(self, doc: SourceDocument) -> Outcome:
        """Map, convert and validate one source; the Outcome says what will happen to it."""
        out = Outcome(doc.source, index_number=doc.text("索引号"), title=doc.text("标题"))
        if doc.problem:
            out.reasons.append(doc.problem)
            return out
        front = self._front_matter(doc, out)
        if out.reasons:
            return out
        index_number = out.index_number
        if index_number in self._by_index_planned:
            out.reasons.append(f"索引号与本次导入的 {self._by_index_planned[index_number].outcome.source} 相同，"
                               "只导入前者")
            return out
        path = self._target(front)
        md_dir = path.parent
        slug = path.stem
        linker = _Linker(doc, f"{ATTACHMENT_DIR}/{slug}", self.site_root, self.roots)
        body = ""
        if doc.body_html is not None or doc.body_text:
            element = doc.body_html if doc.body_html is not None else _text_body(doc.body_text)
            body = to_markdown(element, linker, drop_leading=(front["title"], front.get("文号", "")))
        if not body.strip():
            out.warnings.append("没有找到正文")
        for link in doc.links:
            linker.attachment(link.href, link.text)
        if linker.attachments:
            front["附件"] = [{"名称": name, "文件": rel} for name, rel in linker.attachments]
        front["来源"] = IMPORTED
        text = "---\n" + yaml.dump(front, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
                                      width=10_000) + "---\n\n" + body
        problems = Problems()
        src_path = path.relative_to(self.project.docs_dir).as_posix()
        if DocumentLoader(self.project.catalog, problems).load(text, src_path, self.project.display(path)) is None:
            out.reasons += [(f"{p.field}: " if p.field else "") + p.message + (f"（{p.fix}）" if p.fix else "")
                            for p in problems.errors]
            return out
        out.warnings += linker.warnings
        out.target = self.project.display(path)
        out.status = UPDATED if path.exists() else CREATED
        planned = _Planned(out, path, text, [(src, md_dir / linker.folder / name)
                                              for src, name in linker.copies.items()], linker.page_links)
        self._planned.append(planned)
        self._by_index_planned[index_number] = planned
        self._paths.add(path)
        if doc.page_path is not None:
            self._by_page[doc.page_path.resolve()] = planned
        return out

    def _front_matter(self, doc: SourceDocument, out: Outcome) -> dict:
        """The front matter the site needs, from what the source printed; problems go to out.reasons."""
        mapper = self.mapper
        if not out.index_number:
            out.reasons.append("缺少索引号（新网站按索引号识别文件，无索引号的文件无法导入）")
        if not out.title:
            out.reasons.append("缺少标题")

        org = None
        printed = doc.text("发布机构")
        weak = "发布机构" in doc.inferred
        if printed:
            org = mapper.organization(printed)
            if org and weak:
                out.inferred.append(f"发布机构取自{doc.inferred['发布机构']}“{printed}”")
        if org is None and (not printed or weak) and self.default_org:
            org = self.default_org
            out.inferred.append(f"发布机构按 --org 记为 {org}" + (f"（页面来源为“{printed}”）" if printed else ""))
        if org is None:
            if printed:
                out.reasons.append(f"发布机构“{printed}”无法对应到发布主体"
                                   "（在对照表“发布机构”中补上，或先在目录中添加该发布主体）")
                out.unmapped.append(("发布机构", printed))
            else:
                out.reasons.append("缺少发布机构（用 --org 指定）")

        column = None
        printed = doc.text("栏目")
        if printed:
            column = mapper.column(printed)
            if column is None:
                out.reasons.append(f"栏目“{printed}”无法对应到栏目（在对照表“栏目”中补上）")
                out.unmapped.append(("栏目", printed))
        elif self.default_column:
            column = self.default_column
        else:
            out.reasons.append("缺少栏目（用 --column 指定，或在对照表“栏目”中对应）")

        published = labels.parse_date(doc.fields.get("发布日期"))
        if published is None:
            out.reasons.append(f"发布日期“{doc.text('发布日期')}”无法识别" if doc.text("发布日期") else "缺少发布日期")
        written = labels.parse_date(doc.fields.get("成文日期"))
        if written is None and doc.text("成文日期") and doc.text("成文日期") not in EMPTY:
            out.reasons.append(f"成文日期“{doc.text('成文日期')}”无法识别")
        elif written is None and published is not None:
            written = published
            out.inferred.append("成文日期原页面未标注，按发布日期填写")

        topic, note = mapper.topic(doc.text("主题分类"))
        if topic is None:
            out.reasons.append(f"主题分类“{doc.text('主题分类')}”不在国务院公文主题分类中（在对照表“主题分类”中补上）")
            out.unmapped.append(("主题分类", doc.text("主题分类")))
        elif note:
            out.inferred.append(note)
        validity, note = mapper.validity(doc.text("有效性"))
        if validity is None and note is None:
            out.reasons.append(f"有效性“{doc.text('有效性')}”无法识别（在对照表“有效性”中补上）")
            out.unmapped.append(("有效性", doc.text("有效性")))
        elif note:
            out.inferred.append(note)
        if out.reasons:
            return {}

        front: dict = {"title": out.title, "栏目": [column], "发布机构": org, "成文日期": written,
                       "发布日期": published}
        number = doc.text("文号")
        if number and number not in EMPTY:
            front["文号"] = number
        front["索引号"] = out.index_number
        front["主题分类"] = topic
        if validity:
            front["有效性"] = validity
        keywords = [k for k in re.split(r"[,，;；、\s]+", doc.text("主题词")) if k]
        if keywords:
            front["主题词"] = keywords
        if doc.text("内容概述"):
            front["内容概述"] = doc.text("内容概述")
        return front

    def _target(self, front: dict) -> Path:
        existing = self.by_index.get(front["索引号"])
        if existing is not None:
            return existing
        folder = self.project.documents_path / front["发布机构"] / str(front["发布日期"].year)
        slug = _slug(front["索引号"])
        path, n = folder / f"{slug}.md", 1
        while path in self._paths or path.exists():
            n += 1
            path = folder / f"{slug}-{n}.md"
        return path

    # ---- writing -------------------------------------------------------------------------------------------

    def finish(self, dry_run: bool) -> None:
        """Resolve links between imported pages, then write every planned file (or only compare, when dry)."""
        for planned in self._planned:
            text = _TOKEN.sub(lambda m: self._page_link(planned, int(m.group(1))), planned.text)
            changed = not planned.path.exists() or planned.path.read_text(encoding="utf-8") != text
            for source, dest in planned.copies:
                changed |= not dest.exists() or not filecmp.cmp(source, dest, shallow=False)
            if planned.outcome.status == UPDATED and not changed:
                planned.outcome.status = UNCHANGED
            if dry_run or not changed:
                continue
            try:
                planned.path.parent.mkdir(parents=True, exist_ok=True)
                planned.path.write_text(text, encoding="utf-8")
                for source, dest in planned.copies:
                    if not dest.exists() or not filecmp.cmp(source, dest, shallow=False):
                        dest.parent.mkdir(parents=True, exist_ok=True)
                        shutil.copyfile(source, dest)
            except OSError as exc:
                planned.outcome.status = SKIPPED
                planned.outcome.reasons.append(f"写入 {planned.outcome.target} 失败：{exc.strerror or exc}")

    def _linked_document(self, page: Path | None) -> Path | None:
        """The document file a saved page became, in this run or an earlier one (found by its 索引号)."""
        if page is None:
            return None
        if page in self._by_page:
            return self._by_page[page].path
        if page not in self._linked:
            index_number = read_page(page, str(page)).text("索引号")
            self._linked[page] = self.by_index.get(index_number) if index_number else None
        return self._linked[page]

    def _page_link(self, planned: _Planned, number: int) -> str:
        text, target, url = planned.page_links[number]
        other = self._linked_document(target)
        if other is not None:
            return f"[{text}]({quote(os.path.relpath(other, planned.path.parent).replace(os.sep, '/'))})"
        if url:
            return f"[{text}]({quote(url, safe=_URL_SAFE)})"
        planned.outcome.warnings.append(f"链接“{text}”指向的页面未导入，正文中改为纯文字")
        return text
