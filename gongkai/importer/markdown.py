"""Article body HTML → clean Markdown, with markdownify doing the conversion.

Before conversion the tree is cleaned of what Word and TRS editors leave behind (``<o:p>``, VML, hidden blocks,
line-wrap spaces between Chinese characters, ``&nbsp;`` indents), ``<div>`` paragraphs become ``<p>`` and table
cells merged with ``rowspan`` are padded, so every row of a pipe table has its cells in the right columns.
Links and images are handed to a ``Linker`` (plan.py), which copies local files and says what to link to.
"""

from __future__ import annotations

import re
from typing import Protocol

from bs4 import NavigableString, Tag
from markdownify import MarkdownConverter

BLOCKS = {"p", "div", "table", "ul", "ol", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre",
          "section", "article", "dl", "center", "hr", "tr", "td", "th"}
_CJK = "\u3000-\u303f\u4e00-\u9fff\uff00-\uffef"
_WRAP_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]*\n\s*(?=[{_CJK}])")
_ENTITY_LIKE = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINK_CLOSE = re.compile(r"\](?=[(\[:]|$)")
_INDENT = re.compile(r"^[ \t\u3000]+", re.M)
_HIDDEN = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)
# Text at the start of a paragraph that Markdown would read as a list, heading, quote or rule.
_BLOCK_START = re.compile(r"^(\s*)(\d+)([.)])(?=\s)|^(\s*)([-+*#>])(?=\s|$)|^(\s*)(=+|-+)\s*$", re.M)


class Linker(Protocol):
    def link(self, href: str, text: str, plain: str) -> str: ...
    def image(self, src: str, alt: str) -> str: ...


def _escape_block_start(text: str) -> str:
    def repl(m: re.Match) -> str:
        if m.group(2) is not None:
            return f"{m.group(1)}{m.group(2)}\\{m.group(3)}"
        if m.group(5) is not None:
            return f"{m.group(4)}\\{m.group(5)}"
        return f"{m.group(6)}\\{m.group(7)}"
    return _BLOCK_START.sub(repl, text)


def _pad_row_spans(table: Tag) -> None:
    """Insert an empty cell wherever a cell above spans down, then drop rowspan: rows line up in Markdown."""
    if table.find(("td", "th"), rowspan=True) is None:
        return
    pending: dict[int, int] = {}  # column → rows still covered by a cell above
    for row in table.find_all("tr"):
        cells = row.find_all(("td", "th"), recursive=False)
        ordered: list[Tag] = []
        column = index = 0
        while index < len(cells) or any(c >= column and n > 0 for c, n in pending.items()):
            if pending.get(column, 0) > 0:
                pending[column] -= 1
                filler = Tag(name="td")
                ordered.append(filler)
                column += 1
                continue
            if index >= len(cells):
                column += 1
                continue
            cell = cells[index]
            index += 1
            span = _int(cell.get("colspan"))
            down = _int(cell.get("rowspan"))
            if down > 1:
                for offset in range(span):
                    pending[column + offset] = down - 1
            cell.attrs.pop("rowspan", None)
            ordered.append(cell)
            column += span
        for child in list(row.contents):  # whitespace between cells too, or it would end up inside the row
            child.extract()
        for cell in ordered:
            row.append(cell)


def _int(value) -> int:
    try:
        return max(1, min(100, int(str(value).strip())))
    except (TypeError, ValueError):
        return 1


def clean(body: Tag) -> None:
    """Strip editor markup in place; keep paragraphs, headings, lists, tables, links and images."""
    for element in body.find_all(True):
        if element.decomposed:
            continue
        if ":" in element.name:  # <o:p>, <st1:chsdate> keep their text; VML shapes (<v:…>, <w:…>) go
            if element.name.startswith(("v:", "w:", "xml")):
                element.decompose()
            else:
                element.unwrap()
            continue
        if element.name in ("xml", "meta", "link"):
            element.decompose()
            continue
        if _HIDDEN.search(element.get("style", "")) or element.has_attr("hidden"):
            element.decompose()
    for table in body.find_all("table"):
        if table.decomposed:
            continue
        for inner in table.find_all("table"):  # a table in a cell: keep its text in that cell
            inner.replace_with(" ".join(inner.stripped_strings))
    for table in body.find_all("table"):
        _pad_row_spans(table)
    for div in body.find_all("div"):  # TRS and Word bodies often hold paragraphs as <div>s
        if not any(isinstance(child, Tag) and child.name in BLOCKS for child in div.descendants):
            div.name = "p"
    for bold in body.find_all(("b", "strong")):  # <b>一、</b><b>总则</b> → one run, not **一、****总则**
        if bold.decomposed:
            continue
        nxt = bold.next_sibling
        while isinstance(nxt, Tag) and nxt.name == bold.name:
            following = nxt.next_sibling
            for child in list(nxt.contents):
                bold.append(child.extract())
            nxt.decompose()
            nxt = following
    for text in body.find_all(string=True):
        if isinstance(text, NavigableString) and text.parent is not None and text.parent.name != "pre":
            cleaned = _WRAP_SPACE.sub("", str(text)).replace("\xa0", " ")
            if cleaned != text:
                text.replace_with(cleaned)


class BodyConverter(MarkdownConverter):
    """markdownify with the site's conventions: ATX headings, '-' bullets, links and images via the Linker."""

    def __init__(self, linker: Linker):
        super().__init__(heading_style="ATX", bullets="-", table_infer_header=True, escape_misc=False)
        self.linker = linker

    def escape(self, text, parent_tags):
        # Text is text: "&lt;b&gt;" on the old page must not become a <b> tag (or a <script>) in the new one.
        text = _ENTITY_LIKE.sub("&amp;", text).replace("<", "&lt;")
        # Page text that is Markdown syntax stays text: "![x](https://other.host/a.png)" printed on the old page
        # must not become an image from another host, nor "[x](javascript:…)" a link, nor "{: onclick=…}" an
        # attribute. A "]" that would close a link, image or reference, and every "{", are escaped.
        text = _LINK_CLOSE.sub(r"\\]", text).replace("{", "\\{")
        return super().escape(text, parent_tags)

    def convert_a(self, el, text, parent_tags):
        href = (el.get("href") or "").strip()
        return self.linker.link(href, text.strip(), " ".join(el.get_text().split())) if href else text

    def convert_img(self, el, text, parent_tags):
        src = (el.get("src") or "").strip()
        return self.linker.image(src, (el.get("alt") or el.get("title") or "").strip()) if src else ""

    def convert_p(self, el, text, parent_tags):
        # 　　 (two full-width spaces) indents every paragraph of a 公文; the page layout does that, not the text
        text = _INDENT.sub("", text)
        return _escape_block_start(super().convert_p(el, text, parent_tags))

    def convert_td(self, el, text, parent_tags):
        return super().convert_td(el, text.replace("|", "\\|"), parent_tags)

    convert_th = convert_td


def to_markdown(body: Tag, linker: Linker, drop_leading: tuple[str, ...] = ()) -> str:
    """The body as Markdown. Leading paragraphs that only repeat ``drop_leading`` (the title, the 文号, already
    shown above the body by the document page) are dropped."""
    if body.name in ("td", "th", "li", "dd"):
        body.name = "div"  # gov.cn's body is a <td id="UCAP-CONTENT">: its paragraphs, not one table cell
    clean(body)
    text = BodyConverter(linker).convert_soup(body)
    blocks = [b.rstrip() for b in re.split(r"\n[ \t]*\n", text.strip("\n")) if b.strip()]
    wanted = {_plain(t) for t in drop_leading if t}
    while blocks and len(blocks) > 1:
        if _plain(blocks[0]) in wanted:
            blocks.pop(0)
            continue
        # a long title set over several centred lines (gov.cn, most 公文 pages): drop the lines together
        joined, n = "", 0
        while n < len(blocks) - 1 and any(w.startswith(joined + _plain(blocks[n])) for w in wanted if w):
            joined += _plain(blocks[n])
            n += 1
            if joined in wanted:
                del blocks[:n]
                break
        else:
            break
        if joined not in wanted:
            break
    return "\n\n".join(blocks) + "\n" if blocks else ""


def _plain(text: str) -> str:
    return re.sub(r"[\s*_\\]", "", text)
