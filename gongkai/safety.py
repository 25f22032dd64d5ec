"""What editors' input may carry into the published HTML.

- Metadata (front matter, catalog, report data) is plain text. A value holding markup is refused, because
  mkdocs-material prints some of it (page titles, nav, prev/next) without escaping, and because "<b>" in a
  title is a mistake either way.
- A Markdown body (a document, a 年报's prose, a 单页's 正文, a 征集's 起草说明) may hold raw HTML, but no
  active content: nothing that runs script in a visitor's browser or hijacks the page. That is checked on the
  HTML the Markdown renders to, so Markdown syntax (``[x](javascript:…)``, attribute lists) cannot get round
  it, and with a parser that follows the HTML standard as browsers do (Lexbor, through selectolax): Python's
  html.parser reads <textarea>, <xmp>, <iframe>, <noscript> and <style> inside SVG differently from a browser,
  and markup hidden from the check that way would run.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from selectolax.lexbor import LexborHTMLParser

from . import htmlread
from .errors import Problems

# "<" opens a tag, an end tag, a comment/doctype or a processing instruction only before an ASCII letter, "/",
# "!" or "?" (HTML tokenizer, "tag open state"); "1 < 2", "a <= b" and "<条例>" stay text.
MARKUP_RE = re.compile(r"<[A-Za-z/!?][^<>\n]{0,40}>?")
# C0/C1 controls other than tab and line breaks, and the bidi embedding/override/isolate controls, which can
# make a file name or a title display differently from what it is ("Trojan Source").
# U+FFFE and U+FFFF are no characters at all: XML (the feeds, the Word forms) cannot carry them either.
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufffe\uffff]")
# What XML 1.0 cannot carry at all (a body holding one would end the feed writer in a traceback).
XML_ILLEGAL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")

MARKUP_FIX = "删去 <…> 标记；确需小于号的，在“<”后加空格，或改用全角“＜”"
CONTROL_FIX = "删去该字符（常见于从其他软件复制粘贴的文字）"


def plain_text_problem(value) -> tuple[str, str] | None:
    """(message, fix) if a metadata value is not plain text, else None."""
    if not isinstance(value, str):
        return None
    match = MARKUP_RE.search(value)
    if match:
        return f"含有 HTML 标记“{match.group(0)}”：元数据是纯文本，不能含 HTML 标记", MARKUP_FIX
    return control_problem(value)


def control_problem(value: str) -> tuple[str, str] | None:
    """(message, fix) if text (plain or Markdown) holds a control character, else None."""
    match = CONTROL_RE.search(value)
    if match:
        char = match.group(0)
        name = unicodedata.name(char, "控制字符")
        return f"含有不可见的控制字符 U+{ord(char):04X}（{name}）", CONTROL_FIX
    return None


def plain_text_of(fragment: str) -> str:
    """The text a browser shows for an HTML fragment: tags dropped, entities decoded."""
    tree = htmlread.parse_body(fragment, scripting=True)
    tree.strip_tags(list(htmlread.HIDDEN))
    return htmlread.body_text(tree) if tree.body is not None else fragment


# ---- active content in rendered HTML ------------------------------------------------------------------------

# Attributes whose value the browser treats as a URL (HTML, SVG, MathML).
URL_ATTRIBUTES = frozenset({
    "href", "src", "action", "formaction", "xlink:href", "data", "poster", "background", "lowsrc", "dynsrc",
    "cite", "longdesc", "codebase", "ping", "manifest", "srcset", "imagesrcset", "archive", "classid",
})
# Schemes that run script (or render attacker HTML in our origin's name).
SCRIPT_SCHEMES = ("javascript:", "vbscript:", "livescript:", "mocha:")
HTML_DATA_TYPES = ("data:text/html", "data:application/xhtml+xml", "data:text/xml", "data:application/xml",
                   "data:image/svg+xml")
# An image or picture source may be an SVG data URL: images never run script.
IMAGE_SOURCES = {("img", "src"), ("img", "srcset"), ("source", "srcset"), ("picture", "srcset")}
PLUGIN_ELEMENTS = frozenset({"object", "embed", "applet"})
# SVG animation can set an href to a script URL: <set attributeName="href" to="javascript:…">.
ANIMATION_ELEMENTS = frozenset({"set", "animate", "animatetransform", "animatemotion"})
ANIMATION_VALUES = ("to", "from", "values", "by")
# Appended to a fragment: if it is not parsed as an element, the fragment ends inside a tag, an attribute, a
# comment or a raw-text element (<textarea>, <noscript> …) and would swallow the page's markup that follows it.
SENTINEL = "gk-end-of-fragment"
UNCLOSED = "未闭合的 HTML（标签、引号、注释或 <textarea> 之类的元素没有结束），会吞掉页面后面的内容"
ACTIVE_FIX = ("删去它。正文可以写 HTML，但不能有会在访客浏览器中运行或劫持页面的内容（<script>、on…= 事件属性、"
              "javascript: 链接等）；确需使用的，由网站管理员在 mkdocs.yml 的 gongkai/catalog 下设置 "
              "allow_active_content: true（网站上的任何脚本都会以本站名义在访客浏览器中运行，只在确有必要、内容可信时设置）")
ACTIVE_FILE_FIX = ("删去其中的脚本和事件属性后再放入网站：SVG、HTML 等文件在访客点开时以本站名义运行其中的脚本；"
                   "确需发布原件的，改为 PDF 或图片格式")
UNCLOSED_FIX = "补上缺少的“>”、引号、“-->”或结束标签（如 </textarea>）"
# Files served as they are that a browser renders as a document, scripts included, when opened on their own.
ACTIVE_FILE_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".xht", ".svg", ".xml", ".xsl", ".xslt", ".mht",
                                  ".mhtml", ".shtml"})
# Browsers ignore tabs and line breaks anywhere in a URL's scheme, and controls and spaces around it.
URL_NOISE_RE = re.compile(r"[\t\n\r]")
C0_AND_SPACE = "".join(map(chr, range(0x21)))


@dataclass(frozen=True)
class ActiveContent:
    """One piece of active content: what it is, in words for the editor, and text to find its line by."""

    what: str
    needle: str
    fix: str | None = None  # the message's fix, when not ACTIVE_FIX


# Attributes that make the browser load a resource as soon as the page opens (no click): with an absolute URL they
# make a request to another host, which the site promises never to make (and which tells that host who reads what).
LOADING_ATTRIBUTES = {
    "img": ("src", "srcset"), "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
    "track": ("src",), "iframe": ("src",), "frame": ("src",), "embed": ("src",), "object": ("data",),
    "input": ("src",), "image": ("href", "xlink:href"), "use": ("href", "xlink:href"), "feimage": ("href", "xlink:href"),
    "link": ("href", "imagesrcset"), "script": ("src",),
}
EXTERNAL_URL_RE = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
CSS_EXTERNAL_RE = re.compile(r"(?:url\(\s*['\"]?|@import\s+['\"])\s*(?:[a-z][a-z0-9+.-]*:)?//", re.I)
EXTERNAL_FIX = ("把图片、视频等文件下载后放进网站（与文件放在同一文件夹），用相对路径引用；网站承诺访客浏览时不向其他网站"
                "发出任何请求。指向其他网站的普通链接 <a href> 不受影响")


def _external_loads(tag: str, attrs: dict[str, str]) -> list[ActiveContent]:
    found = []
    names = LOADING_ATTRIBUTES.get(tag, ())
    for name in (*names, "background"):
        value = attrs.get(name)
        if not value:
            continue
        parts = [p.strip().split(" ", 1)[0] for p in value.split(",")] if name.endswith("srcset") else [value]
        if any(EXTERNAL_URL_RE.match(p) for p in parts):
            found.append(ActiveContent(f"外部资源 <{tag} {name}=“{value[:60]}”>（访客打开页面时会向其他网站发出请求）",
                                       value[:40], EXTERNAL_FIX))
    if CSS_EXTERNAL_RE.search(attrs.get("style", "")):
        found.append(ActiveContent(f"外部资源（<{tag} style> 中的 url(//…)）", "url(", EXTERNAL_FIX))
    return found


def _url_danger(tag: str, attr: str, value: str) -> str | None:
    url = URL_NOISE_RE.sub("", value).strip(C0_AND_SPACE).lower()
    candidates = [url]
    if attr.endswith("srcset"):  # "a.png 1x, javascript:… 2x"
        candidates = [part.strip() for part in url.split(",")]
    for candidate in candidates:
        if candidate.startswith(SCRIPT_SCHEMES):
            return candidate.split(":", 1)[0] + ":"
        if candidate.startswith(HTML_DATA_TYPES):
            if candidate.startswith("data:image/svg+xml") and (tag, attr) in IMAGE_SOURCES:
                continue
            return candidate.split(",", 1)[0].split(";", 1)[0]
    return None


def _element_problems(name: str, attrs: dict[str, str]) -> list[ActiveContent]:
    found = []
    # An SVG or XML file opened on its own is read as XML, where <h:script xmlns:h="…xhtml"> is a script.
    tag = name.rsplit(":", 1)[-1]
    if tag == "script":
        found.append(ActiveContent("脚本元素 <script>", f"<{name}"))
    elif tag in PLUGIN_ELEMENTS:
        found.append(ActiveContent(f"插件元素 <{tag}>", f"<{name}"))
    elif tag == "base":
        found.append(ActiveContent("基准链接元素 <base>（会改变页面上所有相对链接的去向）", f"<{name}"))
    elif tag == "meta" and "http-equiv" in attrs:
        found.append(ActiveContent("跳转元素 <meta http-equiv>", "http-equiv"))
    if "srcdoc" in attrs:
        found.append(ActiveContent(f"内嵌页面 <{tag} srcdoc>", "srcdoc"))
    for name, value in attrs.items():
        if name.startswith("on") and len(name) > 2:
            found.append(ActiveContent(f"事件属性 {name}（<{tag} {name}=…>）", name))
        elif name in URL_ATTRIBUTES:
            scheme = _url_danger(tag, name, value)
            if scheme:
                shown = CONTROL_RE.sub("�", URL_NOISE_RE.sub(" ", value[:40]))
                found.append(ActiveContent(f"脚本链接 {scheme}（<{tag} {name}=“{shown}”>）", value[:40] or name))
    found += _external_loads(tag, attrs)
    if tag in ANIMATION_ELEMENTS and attrs.get("attributename", "").lower() in ("href", "xlink:href"):
        for name in ANIMATION_VALUES:
            if any(_url_danger(tag, "href", v) for v in attrs.get(name, "").split(";")):
                found.append(ActiveContent(f"脚本链接（<{tag} {name}=“{attrs[name][:40]}”>）", attrs[name][:40]))
    return found


def _elements(root):
    """Every element under ``root``, the content of <template> elements included (a declarative shadow root,
    <template shadowrootmode>, is live as soon as the page is parsed)."""
    for node in root.traverse(include_text=False):
        if node.tag and not node.tag.startswith("-"):
            yield node
            if node.tag == "template":
                for fragment in node.template_fragments():
                    yield from _elements(fragment)


def find_active_content(html: str) -> list[ActiveContent]:
    """Every script element, event-handler attribute, script URL and page-hijacking element in ``html``, as a
    browser parses it (scripting on, so <noscript> holds text), and whether the HTML ends unclosed."""
    tree = LexborHTMLParser(f"<!DOCTYPE html><html><body>{html}<{SENTINEL}></{SENTINEL}>", scripting=True)
    found, closed = [], False
    for element in _elements(tree.body):
        if element.tag == SENTINEL:
            closed = True
            continue
        attrs = {name.lower(): value or "" for name, value in element.attributes.items()}
        found += _element_problems(element.tag, attrs)
        if element.tag == "style" and CSS_EXTERNAL_RE.search(element.text(deep=True) or ""):
            found.append(ActiveContent("外部资源（<style> 中的 @import 或 url(//…)）", "<style", EXTERNAL_FIX))
    if not closed:
        found.append(ActiveContent(UNCLOSED, ""))
    return found


# XML a browser transforms before showing it: an <?xml-stylesheet?> processing instruction makes it load a
# stylesheet (XSLT or CSS) from the site, and an XSLT stylesheet can build <script> with xsl:element, which no
# parse of the XML itself shows. The HTML parser reads a processing instruction as a bogus comment: looked for here.
XML_STYLESHEET_RE = re.compile(r"<\?xml-stylesheet\b", re.I)
XSLT_RE = re.compile(r"http://www\.w3\.org/1999/XSL/Transform|<\s*[\w.-]+:(?:stylesheet|transform)\b[^>]*\bversion=",
                     re.I)


def active_file_content(text: str, *, allow: bool = False) -> list[ActiveContent]:
    """Active content in a file served as it is (an SVG image, an HTML attachment): it runs in the site's name
    when a visitor opens the file. Nothing follows such a file, so unclosed markup does not matter."""
    if allow:
        return []
    found = [f for f in find_active_content(text) if f.what != UNCLOSED]
    if XML_STYLESHEET_RE.search(text):
        found.append(ActiveContent("样式表处理指令 <?xml-stylesheet?>（浏览器会按它加载并执行 XSLT/CSS）",
                                   "<?xml-stylesheet"))
    if XSLT_RE.search(text):
        found.append(ActiveContent("XSLT 样式表（可以生成 <script> 并在本站运行）", "XSL/Transform"))
    return found


def active_content(html: str, *, allow: bool = False) -> list[ActiveContent]:
    """What in ``html`` fails the build: active content unless the site allows it, and unclosed HTML always."""
    found = find_active_content(html) if html else []
    return [f for f in found if f.what == UNCLOSED] if allow else found


def report_active_content(problems: Problems, found: list[ActiveContent], file: str, *, field: str | None,
                          source: str = "", start: int = 1, line: int | None = None) -> None:
    """One problem per finding, on the line of ``source`` (from line ``start`` on) that holds it, else ``line``."""
    label = field.rsplit(" · ", 1)[-1] if field else "文件"  # "栏目 jgzn · 正文" → "正文"
    for item in found:
        if item.what == UNCLOSED:
            problems.add(file, f"{label}末尾有{item.what}", line=line, field=field, fix=UNCLOSED_FIX)
        else:
            where = (line_of(source, item.needle, start) if item.needle and source else None) or line
            problems.add(file, f"{label}中有{item.what}", line=where, field=field,
                         fix=item.fix or (ACTIVE_FIX if field else ACTIVE_FILE_FIX))


def line_of(source: str, needle: str, start_line: int = 1) -> int | None:
    """1-based line of the first line at or after ``start_line`` that holds ``needle`` (case-insensitive)."""
    needle = needle.lower()
    for number, line in enumerate(source.splitlines(), start=1):
        if number >= start_line and needle in line.lower():
            return number
    return None
