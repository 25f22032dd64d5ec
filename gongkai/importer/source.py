"""What one source (a saved page or an export row) says about one document, before it is mapped to the site."""

from __future__ import annotations

from dataclasses import dataclass, field
import re
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

PAGE_EXTS = (".html", ".htm", ".shtml", ".xhtml")  # saved article pages
# Files a body links to that are the document's 附件 (copied in and listed), rather than other pages.
# Download programs of old CMSs (Hanweb's module/download/downfile.jsp?…&filename=x.pdf and the like): the
# attachment's name is in the query, the file itself only on the old server.
DOWNLOAD_PROGRAM = re.compile(r"(^|/)(down(load)?(file)?|getfile|filedown(load)?|attach(ment)?)\.(jsp|do|aspx?|php|action)$",
                              re.I)
ATTACHMENT_EXTS = {"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "csv", "ppt", "pptx", "ofd", "txt", "rtf",
                   "zip", "rar", "7z"}


@dataclass
class Link:
    """A file the body links to: an attachment (listed as 附件) or an image; ``href`` as written in the source."""

    href: str
    text: str
    image: bool = False
    in_body: bool = True  # False: linked beside the body (an attachment block below the article)
    base: Path | None = None  # folder a relative href is resolved from, when not the document's base_dir


@dataclass
class SourceDocument:
    """One document as its source printed it. ``fields`` maps canonical labels (labels.FIELDS) to the text
    printed beside them; ``inferred`` names fields taken from weaker evidence (e.g. a <meta> tag)."""

    source: str  # shown in the report: a path, or "export.csv 第 5 行"
    base_dir: Path  # relative links and attachment paths are resolved from here
    fields: dict[str, object] = field(default_factory=dict)
    inferred: dict[str, str] = field(default_factory=dict)  # field → where it was taken from
    body_html: object = None  # a BeautifulSoup Tag of the article body, or None
    body_text: str = ""  # plain-text body (export rows without HTML)
    links: list[Link] = field(default_factory=list)  # attachments linked beside the body
    page_path: Path | None = None  # the saved page itself
    page_url: str | None = None  # the page's address on the old site, when the saved page says it
    link_base: str | None = None  # <base href>, resolved: what relative links resolve against instead of page_url
    problem: str | None = None  # why nothing can be imported from this source
    kind: str = "page"  # "page" (a saved page) or "export" (a CSV/XLSX row): a page outranks an export row
    unknown_labels: list[str] = field(default_factory=list)  # "label：value" items in the box no table knows
    merged: list["SourceDocument"] = field(default_factory=list)  # other sources of the same document, this run

    @property
    def base_url(self) -> str | None:
        """The address relative links of the page resolve against."""
        return self.link_base or self.page_url

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        return "" if value is None else str(value).strip()


def attachment_ext(href: str) -> str:
    """The file type of a linked attachment: from its path, else from a download program's query
    (``downfile.jsp?filename=P0202205.pdf``); "" when the link is not to a file."""
    parts = urlsplit(href)
    name = unquote(parts.path).rsplit("/", 1)[-1]
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext in ATTACHMENT_EXTS:
        return ext
    if parts.query and (DOWNLOAD_PROGRAM.search(unquote(parts.path)) or ext in ("jsp", "do", "aspx", "asp", "php")):
        for _, value in parse_qsl(parts.query, keep_blank_values=True):
            tail = value.rsplit("/", 1)[-1]
            if "." in tail and tail.rsplit(".", 1)[-1].lower() in ATTACHMENT_EXTS:
                return tail.rsplit(".", 1)[-1].lower()
        if DOWNLOAD_PROGRAM.search(unquote(parts.path)):
            return "download"  # a download program without a file name: still an attachment, never a page
    return ""


def download_name(href: str) -> str:
    """The file name a download program's query gives (``filename=…``), or ""."""
    for _, value in parse_qsl(urlsplit(href).query, keep_blank_values=True):
        tail = value.rsplit("/", 1)[-1]
        if "." in tail and tail.rsplit(".", 1)[-1].lower() in ATTACHMENT_EXTS:
            return tail
    return ""
