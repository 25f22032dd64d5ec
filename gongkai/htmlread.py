"""Reading the HTML that gongkai and MkDocs produce: links, anchors and text, as a browser reads them.

One parser for all of it, the one ``gongkai.safety`` checks active content with: Lexbor (through selectolax), which
follows the HTML standard's tokenizer and tree builder. Regular expressions over HTML miss what a browser sees
(unquoted, single-quoted or uppercase attributes, character references in a URL, a ``<base>``) and see what it
does not (markup inside a comment, a ``<script>`` string or a ``<textarea>``).
"""

from __future__ import annotations

from typing import Iterator

from selectolax.lexbor import LexborHTMLParser

# Elements that carry a URL a visitor follows or the browser loads, in document order, each once.
URL_ELEMENTS = ":is([href], [src], [srcset], [poster])"
HREF_TAGS = frozenset({"a", "area", "link"})  # where href is a link (not <base>, SVG <use>, <image>)
SRCSET_TAGS = frozenset({"img", "source"})
SPACE = " \t\n\r\f"  # ASCII whitespace, which a browser strips around a URL and splits srcset on


def parse(html: str) -> LexborHTMLParser:
    """A whole page as the browser's tree, with scripting off: what is inside <noscript> is markup, the way a
    visitor without script sees it."""
    return LexborHTMLParser(html)


def parse_body(fragment: str, *, scripting: bool = False) -> LexborHTMLParser:
    """A page's body HTML (what Markdown rendered) as the tree a browser builds for it inside a standards-mode page."""
    return LexborHTMLParser(f"<!DOCTYPE html><html><body>{fragment}", scripting=scripting)


def urls(tree: LexborHTMLParser) -> Iterator[str]:
    """Every URL of the page's links and resources, in document order, as the browser reads each attribute
    (character references decoded, whitespace around it stripped); a ``srcset`` gives each of its candidates."""
    for node in tree.css(URL_ELEMENTS):
        attrs = node.attrs
        tag = node.tag
        if tag in HREF_TAGS:
            value = attrs.get("href")
            if value:
                yield value.strip(SPACE)
        value = attrs.get("src")
        if value:
            yield value.strip(SPACE)
        if tag in SRCSET_TAGS:
            value = attrs.get("srcset")
            if value:
                yield from srcset_urls(value)
        if tag == "video":
            value = attrs.get("poster")
            if value:
                yield value.strip(SPACE)


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset`` (HTML's "parse a srcset attribute": a URL is a run of non-space characters, its
    trailing commas end it; descriptors run to the next comma outside parentheses)."""
    found, pos, end = [], 0, len(value)
    while pos < end:
        while pos < end and (value[pos] in SPACE or value[pos] == ","):
            pos += 1
        start = pos
        while pos < end and value[pos] not in SPACE:
            pos += 1
        url = value[start:pos]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            depth = 0
            while pos < end:
                char = value[pos]
                pos += 1
                if char == "(":
                    depth += 1
                elif char == ")":
                    depth = max(0, depth - 1)
                elif char == "," and depth == 0:
                    break
        if url:
            found.append(url)
    return found


def base_href(tree: LexborHTMLParser) -> str | None:
    """The document's base URL as written (the first <base> with an href), or None."""
    node = tree.css_first("base[href]")
    value = node.attrs.get("href") if node is not None else None
    return value.strip(SPACE) if value else None


def anchors(tree: LexborHTMLParser) -> set[str]:
    """What a fragment (``#x``) can point to in the page: any element's id, an <a>'s name."""
    found = {node.attrs.get("id") for node in tree.css("[id]")}
    found |= {node.attrs.get("name") for node in tree.css("a[name]")}
    found.discard(None)
    found.discard("")
    return found


# Elements a browser shows as a block or a line of their own: the words either side of one do not run together.
BLOCKS = ("p", "div", "br", "li", "tr", "td", "th", "h1", "h2", "h3", "h4", "h5", "h6", "table", "ul", "ol", "dd",
          "dt", "blockquote", "pre", "section")
HIDDEN = ("script", "style", "template")  # never shown as text
VOID = frozenset({"br", "hr", "img", "input", "wbr", "area", "col", "embed", "source", "track", "link", "meta"})


def separate(tree: LexborHTMLParser, tags, separator: str = " ", *, inside: bool = False) -> None:
    """Put ``separator`` as text before and after every element of ``tags``, or before it and at the end of its
    content with ``inside`` (changes the tree)."""
    body = tree.body
    if body is not None:
        for node in body.css(", ".join(tags)):
            node.insert_before(separator)
            if inside:
                if node.tag not in VOID:
                    node.insert_child(separator)
            else:
                node.insert_after(separator)


def body_text(tree: LexborHTMLParser) -> str:
    """The text of the body, references decoded, comments left out (as it stands: see ``separate``)."""
    body = tree.body
    return body.text(deep=True) if body is not None else ""
