"""What one source (a saved page or an export row) says about one document, before it is mapped to the site."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

PAGE_EXTS = (".html", ".htm", ".shtml", ".xhtml")  # saved article pages
# Files a body links to that are the document's 附件 (copied in and listed), rather than other pages.
ATTACHMENT_EXTS = {"pdf", "doc", "docx", "wps", "xls", "xlsx", "et", "csv", "ppt", "pptx", "ofd", "txt", "rtf",
                   "zip", "rar", "7z"}


@dataclass
class Link:
    """A file the body links to: an attachment (listed as 附件) or an image; ``href`` as written in the source."""

    href: str
    text: str
    image: bool = False
    in_body: bool = True  # False: linked beside the body (an attachment block below the article)


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
    problem: str | None = None  # why nothing can be imported from this source

    def text(self, name: str) -> str:
        value = self.fields.get(name)
        return "" if value is None else str(value).strip()
