"""Turn SourceDocuments into document files: map, convert, validate with the site's own loader, then write.

Every document is checked by ``gongkai.documents.DocumentLoader`` — the parser the build uses — before anything
is written, so an imported file never breaks the build. A document is identified by its 索引号: when a file
under the documents folder already carries it, that file is updated in place; otherwise a new file is created
at ``<documents_dir>/<发布主体>/<发布日期年份>/<索引号 as a slug>.md``, attachments and images beside it under
``附件/<slug>/``. Nothing is written before every source has been read, and nothing at all with ``dry_run``.
"""

from __future__ import annotations

import dataclasses
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
from ..documents import IMPORTED, OLD_URL_RE, DocumentLoader, split_front_matter
from ..errors import InputError, Problems
from ..model import Catalog
from . import labels
from .mapping import EMPTY, Mapper
from .markdown import to_markdown
from .pages import read_page
from .source import DOWNLOAD_PROGRAM, PAGE_EXTS, SourceDocument, attachment_ext, download_name

CREATED, UPDATED, UNCHANGED, SKIPPED, MERGED = "新增", "更新", "未变化", "跳过", "合并"
# The body of a document imported without one (an export row with no 正文 and no saved page of its 链接).
NO_BODY = "本文件导入时没有正文。"
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
    filled: set[str] = field(default_factory=set)  # front-matter keys filled in by a rule, not given by the source


@dataclass
class _Planned:
    outcome: Outcome
    path: Path
    front: dict
    body: str  # with page-link tokens, resolved when every document is planned
    copies: list[tuple[Path, Path]]
    page_links: list[tuple[str, Path | None, str]]  # (text, linked saved page, absolute URL or "")
    existing_body: str | None = None  # the body of the site's file for this 索引号, when there is one
    stub: bool = False  # the source had no body: ``body`` is the no-body note


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

    def absolute(self, href: str) -> str:
        """The link's full address on the old site ("" when neither it nor the page says where it was)."""
        if urlsplit(href).scheme in ("http", "https"):
            return href
        base = self.doc.base_url
        return urljoin(base, href) if base and urlsplit(base).scheme in ("http", "https") else ""

    def _locate(self, href: str, base_dir: Path | None = None) -> Path | None:
        base_dir = base_dir or self.doc.base_dir
        parts = urlsplit(href)
        path = unquote(parts.path)
        if not path:
            return None
        candidates = []
        if not parts.scheme and not parts.netloc and not path.startswith("/"):
            candidates.append(base_dir / path)
        if self.site_root is not None:
            # the address on the old site (the page's own address resolves a relative link), under its mirror
            full = urlsplit(self.absolute(href) or href)
            site_path = unquote(full.path).lstrip("/")
            if site_path:
                if full.query:  # wget keeps a download program's query in the saved file's name
                    candidates.append(self.site_root / f"{site_path}?{full.query}")
                candidates.append(self.site_root / site_path)
        names = [posixpath.basename(path), download_name(href)]
        for name in filter(None, names):
            candidates.append(base_dir / name)
            if self.doc.page_path is not None:  # a browser's "save page, complete" folder
                candidates.append(self.doc.page_path.parent / f"{self.doc.page_path.stem}_files" / name)
        self.outside = False
        for candidate in candidates:
            try:
                if not candidate.is_file():
                    continue
            except (OSError, ValueError):  # a name the file system cannot hold
                continue
            found = candidate.resolve()
            if any(found.is_relative_to(root) for root in self.roots):
                return found
            self.outside = True
        return None

    def _missing(self, what: str, href: str) -> str:
        where = self.absolute(href) or href
        if self.outside:
            return f"{what}在导入的文件夹和 --site-root 以外（{where}），未复制"
        if attachment_ext(href) and DOWNLOAD_PROGRAM.search(unquote(urlsplit(href).path)):
            return f"{what}在旧网站的下载程序中（{where}），未找到文件，未复制"
        return f"{what}未找到（{where}），未复制"

    def _register(self, source: Path, name: str = "") -> str:
        if source not in self.copies:
            stem, dot, ext = (name or source.name).rpartition(".")
            base = _SAFE_NAME.sub("_", stem if dot else (name or source.name)).strip("_") or "file"
            ext = _SAFE_NAME.sub("_", ext.lower()) if dot else ""
            name, n = f"{base}.{ext}" if ext else base, 1
            while name in self.copies.values():
                n += 1
                name = f"{base}-{n}.{ext}" if ext else f"{base}-{n}"
            self.copies[source] = name
        return f"{self.folder}/{self.copies[source]}"

    def attachment(self, href: str, text: str, base_dir: Path | None = None) -> str | None:
        """Copy an attachment and list it as 附件; the path to link to, or None when it is not here."""
        found = self._locate(href, base_dir)
        if found is None:
            self.warnings.append(self._missing(f"附件“{text or href}”", href))
            return None
        path = self._register(found, download_name(href))  # a download program's file keeps its own name
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
        if attachment_ext(href):
            path = self.attachment(href, plain)
            if path:
                return f"[{text}]({path})"
            full = self.absolute(href)
            if full:  # kept visible and reported: the editor copies the file in or accepts the link
                self.warnings[-1] += "，正文保留原网址链接"
                return f"[{text}]({quote(full, safe=_URL_SAFE)})"
            self.warnings[-1] += "，正文中改为纯文字"
            return text
        if scheme in ("http", "https") and posixpath.splitext(parts.path)[1].lower() not in PAGE_EXTS:
            return f"[{text}]({quote(href, safe=_URL_SAFE)})"
        if scheme and scheme not in ("http", "https"):
            self.warnings.append(f"链接“{href}”无法在新网站使用，正文中改为纯文字")
            return text
        # A link to another page of the old site: resolved once every source has been read.
        target = None
        if not parts.netloc and not parts.path.startswith("/") and parts.path.lower().endswith(PAGE_EXTS):
            candidate = self.doc.base_dir / unquote(parts.path)
            target = candidate.resolve() if candidate.is_file() else None
        url = self.absolute(href)
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


def _url_key(url: str) -> str:
    """An old address as a key: scheme, host case and a trailing "index.html" do not make another page."""
    parts = urlsplit(url.strip())
    path = re.sub(r"/(index\.s?html?)?$", "/", parts.path or "/")
    return f"{parts.netloc.lower()}{path}" + (f"?{parts.query}" if parts.query else "")


def _plain_data(value):
    """YAML as the site's loader gives it (line-numbered mappings) → plain values the dumper writes."""
    if isinstance(value, dict):
        return {str(k): _plain_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain_data(v) for v in value]
    if isinstance(value, str):
        return str(value)
    return value


def _blank(value, key: str = "") -> bool:
    """No value for merging: absent, empty, or the 无 old sites print for an item nobody filled in."""
    if value is None or value == "" or value == []:
        return True
    return isinstance(value, str) and key in ("主题分类", "文号", "有效性") and value.strip() in EMPTY


class Importer:
    """Plans and writes the import of a list of SourceDocuments into one site.

    Sources are only collected by ``add``; ``finish`` groups them (one document per 索引号; an export row and the
    saved page of its 链接 are one document), merges each group (a saved page outranks an export row; a source
    fills what another lacks, and differing values are reported), merges the result into the file the site
    already has for that 索引号 (which keeps every value it has: docs/import.md), validates and writes."""

    def __init__(self, project: Project, mapper: Mapper, *, org: str | None = None, column: str | None = None,
                 site_root: Path | None = None, roots: tuple[Path, ...] = (), update: bool = False,
                 skip_without_body: bool = False, check=None):
        self.project = project
        # where attachments may be copied from: the folders being imported and the old site's mirror
        self.roots = tuple(r.resolve() for r in roots + ((site_root,) if site_root else ()))
        self.mapper = mapper
        self.default_org = org
        self.default_column = column
        self.site_root = site_root
        self.update = update  # a source's differing value replaces the file's (never 栏目, never erasing)
        self.skip_without_body = skip_without_body
        self.check = check  # body text → problems the next build would report (active content, 个人信息)
        self.notes: list[str] = []  # about the run as a whole (e.g. an existing file that cannot be read)
        self._old_urls: dict[str, Path] = {}  # 原网址 → file, of the site's documents
        self._files: dict[Path, tuple] = {}  # the site's document files as read once: (front matter, body)
        self._url_owner: dict[str, str] = {}  # 原网址 → 索引号 of the document that has it (site and this run)
        self.by_index = self._existing()
        self._sources: list[tuple[SourceDocument, Outcome]] = []
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
                front, body, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
                data = yamlutil.load(front, self.project.display(path), line_offset=1) if front else None
            except (OSError, UnicodeDecodeError, InputError):
                self.notes.append(f"{self.project.display(path)} 无法读取，未参与按索引号查重")
                continue
            self._files[path] = (data, body)
            if isinstance(data, dict) and data.get("索引号"):
                index[str(data["索引号"]).strip()] = path
            if isinstance(data, dict) and isinstance(data.get("原网址"), str):
                self._old_urls[_url_key(data["原网址"])] = path
                self._url_owner[_url_key(data["原网址"])] = str(data.get("索引号") or "").strip()
        return index

    # ---- planning ------------------------------------------------------------------------------------------

    def add(self, doc: SourceDocument) -> Outcome:
        """Take one source; its Outcome is complete once ``finish`` has run."""
        out = Outcome(doc.source, index_number=doc.text("索引号"), title=doc.text("标题"))
        self._sources.append((doc, out))
        return out

    def _groups(self) -> list[list[tuple[SourceDocument, Outcome]]]:
        """Sources of one document together, in input order; a source that cannot be imported is reported."""
        pages = {}
        for doc, out in self._sources:
            if doc.kind == "page" and doc.page_url:
                pages.setdefault(_url_key(doc.page_url), (doc, out))
        joined: dict[int, str] = {}  # id(page) → 索引号 of the export row that names its address
        for doc, out in self._sources:
            if doc.kind != "export" or not doc.page_url or doc.problem or not doc.text("索引号"):
                continue
            page = pages.get(_url_key(doc.page_url))
            if page is None:
                continue
            if page[0].text("索引号") in ("", doc.text("索引号")):
                joined[id(page[0])] = doc.text("索引号")
            else:
                out.warnings.append(f"链接指向的 {page[0].source} 的索引号为“{page[0].text('索引号')}”，"
                                    f"与本行的“{doc.text('索引号')}”不同，未合并")
        groups: dict[str, list] = {}
        for doc, out in self._sources:
            key = joined.get(id(doc))
            existing = self._old_urls.get(_url_key(doc.page_url)) if doc.page_url and doc.problem else None
            if key is None and existing is not None and not doc.text("索引号"):
                # a page without a box whose address an earlier import gave a document (an export row's 链接)
                known = self._source_of(existing)
                if known is not None:
                    key = known.text("索引号")
                    groups.setdefault(key, []).append((known, Outcome(known.source)))
            if key is None and doc.problem:
                out.reasons.append(doc.problem)
                continue
            key = key or doc.text("索引号") or f"\0{id(doc)}"
            groups.setdefault(key, []).append((doc, out))
        return [sorted(members, key=lambda m: m[0].kind != "page") for members in groups.values()]

    def _source_of(self, path: Path) -> SourceDocument | None:
        """The site's file as a source (its metadata; it ranks like an export row), or None if unreadable."""
        data = self._files.get(path, (None, ""))[0]
        if not isinstance(data, dict):
            return None
        keys = {"title": "标题", "索引号": "索引号", "发布机构": "发布机构", "成文日期": "成文日期", "发布日期": "发布日期",
                "文号": "文号", "主题分类": "主题分类", "有效性": "有效性"}
        doc = SourceDocument(source=self.project.display(path), base_dir=path.parent, kind="export")
        doc.fields = {field: data[key] for key, field in keys.items() if data.get(key) not in (None, "")}
        columns = data.get("栏目")
        if isinstance(columns, list) and columns:
            doc.fields["栏目"] = str(columns[0])
        return doc

    def _same(self, field: str, a, b) -> bool:
        if field in ("成文日期", "发布日期"):
            return labels.parse_date(a) == labels.parse_date(b)
        a, b = labels.squeeze(str(a)), labels.squeeze(str(b))
        if a == b:
            return True
        mapped = {"发布机构": self.mapper.organization, "栏目": self.mapper.column,
                  "主题分类": lambda x: self.mapper.topic(x)[0], "有效性": lambda x: self.mapper.validity(x)[0]}
        return field in mapped and mapped[field](a) is not None and mapped[field](a) == mapped[field](b)

    def _merge_sources(self, members: list[tuple[SourceDocument, Outcome]]) -> SourceDocument:
        """One SourceDocument from every source of a document: the first (a page before an export row) decides
        where sources differ, the others fill what it lacks; every difference is reported on its Outcome."""
        first, out = members[0]
        merged = dataclasses.replace(first, fields=dict(first.fields), inferred=dict(first.inferred),
                                     links=list(first.links), unknown_labels=list(first.unknown_labels), problem=None)
        for doc, other in members[1:]:
            for field_name, value in doc.fields.items():
                have = merged.fields.get(field_name)
                weak_here = field_name in merged.inferred and field_name not in doc.inferred
                if _blank(have, field_name) and not _blank(value, field_name) or have is None or weak_here:
                    merged.fields[field_name] = value
                    if field_name in doc.inferred:
                        merged.inferred[field_name] = doc.inferred[field_name]
                    else:
                        merged.inferred.pop(field_name, None)
                elif not _blank(value, field_name) and not self._same(field_name, have, value):
                    out.warnings.append(f"{field_name}：{first.source} 为“{have}”，{doc.source} 为“{value}”，"
                                        "采用前者（网页优先于导出表）")
            if merged.body_html is None and not merged.body_text and (doc.body_html is not None or doc.body_text):
                merged.body_html, merged.body_text, merged.base_dir = doc.body_html, doc.body_text, doc.base_dir
                merged.page_path = merged.page_path or doc.page_path
            merged.links += [dataclasses.replace(link, base=link.base or doc.base_dir) for link in doc.links]
            merged.page_url = merged.page_url or doc.page_url
            merged.link_base = merged.link_base or doc.link_base
            merged.page_path = merged.page_path or doc.page_path
            merged.unknown_labels += [label for label in doc.unknown_labels if label not in merged.unknown_labels]
            merged.merged.append(doc)
            other.status, other.index_number = MERGED, merged.text("索引号")
            other.title = other.title or merged.text("标题")
            other.inferred.append(f"与 {first.source} 是同一篇文件，合并导入")
        return merged

    def _plan(self, doc: SourceDocument, out: Outcome, others: list[Outcome]) -> None:
        """Map, convert and validate one document (all its sources merged); the Outcomes say what happens."""
        out.index_number, out.title = doc.text("索引号"), doc.text("标题")
        front = self._front_matter(doc, out)
        self._unknown_labels(doc, out)
        if out.reasons:
            return
        index_number = out.index_number
        if index_number in self._by_index_planned:
            out.reasons.append(f"索引号与本次导入的 {self._by_index_planned[index_number].outcome.source} 相同，"
                               "只导入前者")
            return
        url = front.get("原网址")
        owner = self._url_owner.setdefault(_url_key(url), index_number) if url else index_number
        if owner != index_number:  # e.g. a platform that prints its home page as every page's canonical address
            del front["原网址"]
            out.warnings.append(f"原网址“{url}”已属于索引号为 {owner} 的文件（旧网页写的地址可能不对），未记录")
        path = self._target(front)
        existing_body = None
        if path.exists():
            found = self._merge_existing(path, front, out)
            if found is None:
                return
            front, existing_body = found
        md_dir = path.parent
        slug = path.stem
        linker = _Linker(doc, f"{ATTACHMENT_DIR}/{slug}", self.site_root, self.roots)
        body = ""
        if doc.body_html is not None or doc.body_text:
            element = doc.body_html if doc.body_html is not None else _text_body(doc.body_text)
            body = to_markdown(element, linker, drop_leading=(front["title"], front.get("文号", "")))
        for link in doc.links:
            if linker.attachment(link.href, link.text, link.base) is None:
                full = linker.absolute(link.href)
                if full:  # an attachment below the body that stays on the old site: listed, visibly, not lost
                    linker.warnings[-1] += "，正文末尾保留原网址链接"
                    body += f"\n附件（未随导入复制）：[{link.text or full}]({quote(full, safe=_URL_SAFE)})\n"
        stub = not body.strip()
        has_body = existing_body is not None and existing_body.strip() and not existing_body.strip().startswith(NO_BODY)
        if stub and has_body:
            body = ""  # the site's file has the body: nothing to say
        elif stub:
            if self.skip_without_body:
                out.reasons.append("没有正文（按 --skip-without-body 跳过）")
                return
            url = front.get("原网址", "")
            if url.startswith(("http://", "https://")):
                body = f"{NO_BODY}原文见[旧网站上的页面]({quote(url, safe=_URL_SAFE)})。\n"
                out.warnings.append("没有正文：只导入了元数据，正文为指向原网址的链接（用 --skip-without-body 可跳过这类文件）")
            else:
                body = f"{NO_BODY}\n"
                out.warnings.append("没有正文，也没有原网址：只导入了元数据（用 --skip-without-body 可跳过这类文件）")
        new_attachments = [{"名称": name, "文件": rel} for name, rel in linker.attachments]
        front["附件"] = self._union(front.get("附件") or [], new_attachments)
        if not front["附件"]:
            del front["附件"]
        front["来源"] = IMPORTED
        text = self._text(front, body)
        problems = Problems()
        src_path = path.relative_to(self.project.docs_dir).as_posix()
        if DocumentLoader(self.project.catalog, problems).load(text, src_path, self.project.display(path)) is None:
            out.reasons += [(f"{p.field}: " if p.field else "") + p.message + (f"（{p.fix}）" if p.fix else "")
                            for p in problems.errors]
            return
        out.warnings += linker.warnings
        out.target = self.project.display(path)
        out.status = UPDATED if path.exists() else CREATED
        for other in others:
            other.target = out.target
        planned = _Planned(out, path, front, body, [(src, md_dir / linker.folder / name)
                                                    for src, name in linker.copies.items()], linker.page_links,
                           existing_body=existing_body, stub=stub)
        self._planned.append(planned)
        self._by_index_planned[index_number] = planned
        self._paths.add(path)
        for page in [doc.page_path, *(d.page_path for d in doc.merged)]:
            if page is not None:
                self._by_page[page.resolve()] = planned

    @staticmethod
    def _union(old: list, new: list) -> list:
        """附件 of the file first, then the source's it does not list (by file)."""
        files = {str(a.get("文件")) for a in old if isinstance(a, dict)}
        return list(old) + [a for a in new if a["文件"] not in files]

    @staticmethod
    def _text(front: dict, body: str) -> str:
        return "---\n" + yaml.dump(front, Dumper=_FrontMatterDumper, allow_unicode=True, sort_keys=False,
                                   width=10_000) + "---\n\n" + body.lstrip("\n")

    def _merge_existing(self, path: Path, front: dict, out: Outcome) -> tuple[dict, str] | None:
        """The site's file for this 索引号 with what the source adds: the file keeps every value it has (a
        differing one is reported, or replaced with --update), its 栏目 and its 附件; None when the file is not
        one this import may touch (written by an editor, or another 发布主体's)."""
        shown = self.project.display(path)
        data, body = self._files.get(path, (None, ""))
        data = _plain_data(data)
        if not isinstance(data, dict):
            out.reasons.append(f"索引号与 {shown} 相同，而该文件无法读取：不覆盖（先修好该文件）")
            return None
        if data.get("来源") != IMPORTED:
            out.reasons.append(f"冲突：索引号与编辑撰写的 {shown} 相同（该文件没有“来源: {IMPORTED}”）：不覆盖"
                               "（核对索引号；确是同一篇时，请手工把需要的内容补进该文件）")
            return None
        if str(data.get("发布机构")) != front["发布机构"]:
            out.reasons.append(f"冲突：索引号与 {shown} 相同，但该文件属于发布主体 {data.get('发布机构')}，"
                               f"本来源为 {front['发布机构']}：不覆盖其他发布主体的文件（核对索引号）")
            return None
        merged = dict(data)
        # notes about items the source lacks are moot when the file has them
        for key, note in (("主题分类", "原页面未标注主题分类"), ("有效性", "原页面未标注有效性"), ("成文日期", "成文日期原页面未标注")):
            if not _blank(data.get(key), key):
                out.inferred[:] = [item for item in out.inferred if not item.startswith(note)]
        for key, value in front.items():
            old = merged.get(key)
            if key == "附件":
                merged[key] = self._union(old if isinstance(old, list) else [], value)
            elif _blank(old, key):
                merged[key] = value
            elif _blank(value, key) or old == value or key in out.filled:
                continue  # the source lacks it, agrees, or only a rule filled it in: the file's value stands
            elif key == "栏目":
                if not set(value) <= set(old if isinstance(old, list) else [old]):
                    out.warnings.append(f"栏目：文件已在栏目 {'、'.join(map(str, old))}，来源为 {'、'.join(value)}："
                                        "不移动（要放到其他栏目，请直接编辑文件）")
            elif self.update:
                merged[key] = value
                out.inferred.append(f"{key}按来源更新：“{old}”→“{value}”")
            else:
                out.warnings.append(f"冲突：{key}文件中为“{old}”，来源为“{value}”，保留文件中的"
                                    "（要采用来源的值，加 --update）")
        return merged, body

    def _front_matter(self, doc: SourceDocument, out: Outcome) -> dict:
        """The front matter the site needs, from what the source printed; problems go to out.reasons."""
        mapper = self.mapper
        if not out.index_number:
            out.reasons.append("缺少索引号（新网站按索引号识别文件，无索引号的文件无法导入）")
        if not out.title:
            out.reasons.append("缺少标题")
        elif "标题" in doc.inferred:
            out.inferred.append(f"标题取自{doc.inferred['标题']}“{out.title}”")

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
        elif out.index_number in self.by_index:
            pass  # the site's file has its 栏目: --column never moves it
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
            out.filled.add("成文日期")
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

        front: dict = {"title": out.title, "栏目": [column] if column else [], "发布机构": org, "成文日期": written,
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
        url = (doc.page_url or "").strip()
        if OLD_URL_RE.match(url):
            front["原网址"] = url
        elif url and not url.startswith("file:"):
            out.warnings.append(f"原网址“{url}”不是完整网址，未记录（旧地址不会转到新页面）")
        return front

    @staticmethod
    def _unknown_labels(doc: SourceDocument, out: Outcome) -> None:
        """Never "not labelled" when the page labelled it in a way the table does not know: say which labels."""
        if not doc.unknown_labels:
            return
        names = "、".join(doc.unknown_labels)
        hint = f"（页面上另有不认得的标签：{names}；若其中有这一项，在对照表“标签”中写明，例如 标签: {{{doc.unknown_labels[0]}: 发布机构}}）"
        for items in (out.reasons, out.inferred):
            for i, item in enumerate(items):
                if item.startswith(("缺少", "原页面未标注", "成文日期原页面未标注")) and "不认得的标签" not in item:
                    items[i] = item + hint
                    hint = f"（另见不认得的标签：{names}）"
        out.warnings.append(f"页面上有不认得的标签：{names}，其内容未导入（在对照表“标签”中写明对应哪一项）")

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
        """Plan every document, resolve links between imported pages, then write every planned file (or only
        compare, when dry)."""
        for members in self._groups():
            out = members[0][1]
            try:
                merged = self._merge_sources(members) if len(members) > 1 else members[0][0]
                self._plan(merged, out, [other for _, other in members[1:]])
            except Exception as exc:  # one unreadable source must not stop a batch of thousands; it is reported
                out.status, out.target = SKIPPED, ""
                out.reasons.append(f"无法处理（{type(exc).__name__}：{exc}）")
            if out.status == SKIPPED:
                for _, other in members[1:]:
                    other.status, other.target = SKIPPED, ""
                    other.reasons.append(f"与 {out.source} 是同一篇文件，一并跳过（原因见该来源）")
        for planned in self._planned:
            out = planned.outcome
            try:
                body = _TOKEN.sub(lambda m: self._page_link(planned, int(m.group(1))), planned.body)
                if planned.existing_body is not None:
                    body = self._merge_body(planned.existing_body, body, planned.stub, out)
                text = self._text(planned.front, body)
            except Exception as exc:
                out.status, out.target = SKIPPED, ""
                out.reasons.append(f"无法处理（{type(exc).__name__}：{exc}）")
                continue
            unchanged = planned.path.exists() and planned.path.read_text(encoding="utf-8") == text
            if self.check is not None and not unchanged:  # a file left as it is was checked when it was written
                found = self.check(text)
                if found:
                    out.status, out.target = SKIPPED, ""
                    out.reasons += [f"正文导入后会使构建失败：{message}" for message in found]
                    continue
            changed = not unchanged
            for source, dest in planned.copies:
                changed |= not dest.exists() or not filecmp.cmp(source, dest, shallow=False)
            if out.status == UPDATED and not changed:
                out.status = UNCHANGED
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
                out.status = SKIPPED
                out.reasons.append(f"写入 {out.target} 失败：{exc.strerror or exc}")

    def _merge_body(self, old: str, new: str, stub: bool, out: Outcome) -> str:
        """The file's body stays unless it is empty or the no-body note; a different one is reported."""
        if not old.strip() or old.strip().startswith(NO_BODY):
            return new if not stub or not old.strip() else old
        if stub or new.strip() == old.strip():
            return old
        if self.update:
            out.inferred.append("正文按来源更新")
            return new
        out.warnings.append("冲突：正文与文件中的不同，保留文件中的（要采用来源的正文，加 --update）")
        return old

    def _by_url(self) -> dict[str, Path]:
        """原网址 → document file, for the site's imported documents and those of this run."""
        urls = dict(self._old_urls)
        urls.update({_url_key(p.front["原网址"]): p.path for p in self._planned if p.front.get("原网址")})
        return urls

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
        if other is None and url:  # the old address of a page imported in this run or an earlier one
            other = self._by_url().get(_url_key(url))
        if other is not None:
            return f"[{text}]({quote(os.path.relpath(other, planned.path.parent).replace(os.sep, '/'))})"
        if url:
            return f"[{text}]({quote(url, safe=_URL_SAFE)})"
        planned.outcome.warnings.append(f"链接“{text}”指向的页面未导入，正文中改为纯文字")
        return text
