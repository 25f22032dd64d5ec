"""Read one saved article page: its metadata box, its <meta> tags and the element that holds the article body.

Old 政府信息公开 platforms print the box above the article in one of a few shapes, all handled by one rule:

- a ``<table>`` of label cells and value cells (TRS/政府信息公开 platforms, gov.cn: ``<td><b>索引号：</b></td>
  <td>000014349/2022-00041</td><td><b>主题分类：</b></td>…``);
- a ``<ul><li>`` list of "label：value" items, labels spaced with ``&ensp;`` (``<li><span>索&ensp;引&ensp;号：
  </span>PZ00108-3000-2022-00041</li>``), usually with ``<meta name="ArticleTitle">``, ``PubDate``,
  ``ColumnName`` and ``ContentSource`` in the head;
- anything else that prints "label：value" in one element or a label element followed by its value
  (``<dt>``/``<dd>``, ``<span>``/``<span>``, ``<p>``).

An element whose text starts with a known label (labels.py) gives that field; its value is the rest of its text,
or else the text after it up to the next label (the next cell, the ``<dd>``, the following text). When several
elements give the same field, the smallest wins, so a row or list holding the whole box never hides its cells.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urljoin

from bs4 import BeautifulSoup, Comment, Tag
from bs4.dammit import EncodingDetector

from . import labels
from .source import Link, SourceDocument, attachment_ext

# Where platforms put the article body, most specific first (UCAP/gov.cn, TRS WCM, Hanweb and most others).
BODY_CONTAINERS = (("id", "UCAP-CONTENT"), ("class", "TRS_UEDITOR"), ("class", "TRS_Editor"), ("id", "zoom"),
                   ("id", "Zoom"), ("class", "pages_content"), ("class", "article-content"),
                   ("class", "article_content"), ("id", "content"), ("tag", "article"), ("class", "content"))
_RANK = {key: rank for rank, key in enumerate(BODY_CONTAINERS)}
# Never part of a document (a <form> is not dropped: ASP.NET sites wrap the whole page in one).
_DROP = {"script", "style", "noscript", "template", "iframe", "object", "embed", "button", "select"}
_SAVED_FROM = re.compile(r"saved from url=\(\d+\)(\S+)")
_GB = {"gb2312", "gbk", "x-gbk", "gb_2312-80", "cp936", "csgb2312", "euc-cn"}
MAX_VALUE = 300  # characters: longer "values" are whole blocks of the page, not a box item
# Bounds on what one saved page may cost (docs/security.md): an article page is tens of KB and a few dozen levels
# deep; a page past these is refused with a named reason, never read for minutes.
MAX_PAGE_BYTES = 10 * 1024 * 1024
MAX_DEPTH = 256
SKIPPED_FIELDS = ("正文", "附件")  # export columns; on a page these labels introduce the body's own text


def decode(data: bytes) -> str:
    """Page bytes as text: the declared charset (GB2312/GBK read as their superset GB18030), else UTF-8, else
    GB18030 — old Chinese CMSs publish GBK pages, not always declared."""
    declared = EncodingDetector.find_declared_encoding(data, is_html=True)
    encodings = []
    if declared:
        declared = declared.lower()
        encodings.append("gb18030" if declared in _GB else declared)
    encodings += ["utf-8-sig", "gb18030"]
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            continue
    return data.decode("utf-8", errors="replace")


@dataclass
class _Hit:
    value: str
    element: Tag
    size: int


def _following_value(element: Tag, table: labels.LabelTable) -> str:
    """The text after a label element, up to the next label: the next cell, the <dd>, the following text."""
    parts: list[str] = []
    for sibling in element.next_siblings:
        text = sibling.get_text() if isinstance(sibling, Tag) else str(sibling)
        squeezed = labels.squeeze(text)
        if table.at_start.match(text) or labels.ANY_LABEL.match(squeezed):
            break
        parts.append(text)
        if squeezed and isinstance(sibling, Tag) and sibling.name in ("td", "th", "dd"):
            break  # one value cell
    return labels.squeeze("".join(parts))


def box_fields(root: Tag, skip: set[int], table: labels.LabelTable = labels.TABLE) -> dict[str, _Hit]:
    """Every metadata item printed under ``root``, ignoring the elements whose id() is in ``skip``."""
    hits: dict[str, _Hit] = {}
    for element in root.find_all(True):
        if id(element) in skip:
            continue
        text = element.get_text()
        if len(text) > 2 * MAX_VALUE:
            continue
        found = table.split_label(text)
        if not found:
            continue
        field, rest = found
        if field in SKIPPED_FIELDS or table.inside.search(rest):
            continue  # a row or list with several items: its own cells are visited too
        value = labels.squeeze(rest)
        if field not in ("标题", "内容概述"):
            cut = labels.ANY_LABEL.search(value)  # "2022-05-25 浏览次数：12"
            value = value[:cut.start()].strip() if cut else value
        if not value:
            value = _following_value(element, table)
        if not value or len(value) > MAX_VALUE:
            continue
        if field not in hits or len(text) < hits[field].size:
            hits[field] = _Hit(value, element, len(text))
    return hits


def _common_ancestor(elements: list[Tag]) -> Tag | None:
    common = None
    for element in elements:
        chain = [element, *element.parents]
        common = chain if common is None else [e for e in common if any(e is c for c in chain)]
    return common[0] if common else None


def unknown_labels(hits: dict[str, _Hit], table: labels.LabelTable) -> list[str]:
    """Labels printed in the metadata box ("所属单位：…") that the label table does not know, in page order."""
    box = _common_ancestor([hit.element for hit in hits.values()]) if len(hits) >= 2 else None
    if box is None or len(box.get_text()) > 20 * MAX_VALUE:
        return []
    found: list[str] = []
    for text in box.stripped_strings:
        match = labels.ANY_LABEL.match(labels.squeeze(text))
        if match and table.unknown(match.group(0)) and labels.bare(match.group(0)) not in found:
            found.append(labels.bare(match.group(0)))
    return found


def _container_rank(tag: Tag) -> int | None:
    ranks = [_RANK.get(("tag", tag.name)), _RANK.get(("id", tag.get("id")))]
    ranks += [_RANK.get(("class", c)) for c in tag.get("class") or ()]
    ranks = [r for r in ranks if r is not None]
    return min(ranks) if ranks else None


def find_body(soup: BeautifulSoup, selector: str | None, candidates: dict[int, Tag]) -> Tag | None:
    """The article body: ``--body`` if given, else the best known container (found while walking the page once),
    else the block holding the most paragraph text."""
    if selector:
        return soup.select_one(selector)
    for rank in sorted(candidates):
        if candidates[rank].get_text(strip=True):
            return candidates[rank]
    best, best_size = None, 0
    for element in soup.find_all(("div", "td", "section", "article")):
        texts = (p.get_text(strip=True) for p in element.find_all("p", recursive=False))
        size = sum(len(t) for t in texts if not labels.split_label(t))  # "发布机构：…" is the box, not the body
        if size > best_size:
            best, best_size = element, size
    return best


def _remove_box(body: Tag, hits: dict[str, _Hit]) -> None:
    """A box printed inside the body container is metadata, not text of the document."""
    elements = [hit.element for hit in hits.values()]
    box = _common_ancestor(elements)
    if box is not None and box is not body and any(p is body for p in box.parents):
        box.decompose()
        return
    for element in elements:  # the items sit directly in the body: drop their rows one by one
        row = element.find_parent(("tr", "li", "dl")) or element
        if row.parent is not None:
            row.decompose()


def read_page(path: Path, display: str, body_selector: str | None = None,
              table: labels.LabelTable = labels.TABLE) -> SourceDocument:
    """Parse a saved page into a SourceDocument (metadata as printed, the body element, nearby attachments)."""
    doc = SourceDocument(source=display, base_dir=path.parent, page_path=path)
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            doc.problem = (f"页面有 {size / 1024 / 1024:.0f} MB，超过 {MAX_PAGE_BYTES // 1024 // 1024} MB 的上限，"
                           "不像是一篇文章页，未读取（请确认是否保存错了文件）")
            return doc
        soup = BeautifulSoup(decode(path.read_bytes()), "lxml")
    except OSError as exc:
        doc.problem = f"无法读取文件：{exc.strerror or exc}"
        return doc
    # One walk over the page collects what the steps below need (bs4's find_all would walk it once each).
    comments, dropped, metas, candidates, base_href = [], [], [], {}, ""
    depths = {id(soup): 0}
    for node in soup.descendants:
        if isinstance(node, Tag):
            depth = depths[id(node)] = depths.get(id(node.parent), 0) + 1
            if depth > MAX_DEPTH:
                doc.problem = (f"页面元素嵌套超过 {MAX_DEPTH} 层（第 {depth} 层的 <{node.name}>），"
                               "不是正常的文章页，未读取")
                return doc
        if isinstance(node, Comment):
            comments.append(node)
        elif isinstance(node, Tag):
            if node.name in _DROP:
                dropped.append(node)
            elif node.name == "meta":
                metas.append(node)
            elif node.name == "link" and "canonical" in (node.get("rel") or ()) and node.get("href"):
                doc.page_url = node["href"]
            elif node.name == "base" and node.get("href") and not base_href:
                base_href = node["href"].strip()
            rank = _container_rank(node)
            if rank is not None and rank not in candidates:
                candidates[rank] = node
    for comment in comments:
        saved = _SAVED_FROM.search(comment)
        if saved and not doc.page_url:
            doc.page_url = saved.group(1)
        comment.extract()  # also Word's <!--[if gte mso 9]>…<![endif]--> blocks
    for meta in metas:
        name, content = (meta.get("name") or "").strip().lower(), labels.squeeze(meta.get("content") or "")
        if name == "url" and content:
            doc.page_url = doc.page_url or content
        field = labels.META_NAMES.get(name)
        if field and content and field not in doc.fields:
            doc.fields[field] = content
            if field in labels.WEAK_META:
                doc.inferred[field] = labels.WEAK_META[field]
    if base_href:  # <base href> decides how the page's relative links resolve, not the page's own address
        doc.link_base = urljoin(doc.page_url or "", base_href)
    for tag in dropped:
        if not tag.decomposed:
            tag.decompose()
    candidates = {rank: tag for rank, tag in candidates.items() if not tag.decomposed}

    body = find_body(soup, body_selector, candidates)
    if body is None and body_selector:
        doc.problem = f"页面中没有与 --body“{body_selector}”匹配的元素"
        return doc
    inside = {id(e) for e in body.descendants} | {id(body)} if body is not None else set()
    outside = {id(e) for e in body.parents} | inside if body is not None else set()
    root = soup.body or soup
    hits = box_fields(root, outside, table)
    doc.unknown_labels = unknown_labels(hits, table)
    if len(hits) < 2 and body is not None:  # some platforms print the box inside the article container
        inner = box_fields(body, set(), table)
        if len(inner) >= 2:
            doc.unknown_labels = unknown_labels(inner, table)
            _remove_box(body, inner)
            hits = {**inner, **hits}
    for field, hit in hits.items():
        doc.fields[field] = hit.value
        doc.inferred.pop(field, None)
    if "标题" not in doc.fields and "索引号" in doc.fields and soup.title and soup.title.get_text(strip=True):
        # the box lacks a title (开普云 prints it as a heading): the page's <title>, without the site's name
        title = re.split(r"\s*(?:_|\||｜| - | — )\s*", labels.squeeze(soup.title.get_text()))[0]
        if title:
            doc.fields["标题"] = title
            doc.inferred["标题"] = "网页标题（<title>）"
    doc.body_html = body
    if not any(field in doc.fields for field in ("索引号", "标题")):
        # kept as it is: an export row with this page's address (链接) takes its body from it
        doc.problem = "没有找到元数据（索引号、标题等），不像是一篇文件的页面"
    if body is not None and body.parent is not None:
        # Attachments are often listed in a block right below the body container, not inside it.
        for anchor in body.parent.find_all("a", href=True):
            if id(anchor) in inside:
                continue
            if attachment_ext(anchor["href"]):
                doc.links.append(Link(anchor["href"].strip(), labels.squeeze(anchor.get_text()), in_body=False))
    return doc
