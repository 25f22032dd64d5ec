"""What the next build would refuse in an imported document, found before the file is written.

The build renders every document body with the site's Markdown extensions and refuses active content in it
(gongkai.safety), and the checks plugin fails on an unmasked 个人信息 number (gongkai.checks.pii). An imported page
that would fail either is reported by the import and not written, so a batch import never leaves the site unbuildable.
The same functions the build uses are called here with the site's own settings; nothing is re-implemented.
"""

from __future__ import annotations

import datetime as dt
import re

import markdown

from ..checks.pii import scan_text
from ..documents import split_front_matter
from ..model import Catalog
from ..safety import UNCLOSED, active_content


class BuildCheck:
    """``check(text)`` → the problems (Chinese messages) the build would report for a document file's text."""

    def __init__(self, config, catalog: Catalog):
        self._markdown = markdown.Markdown(extensions=config.markdown_extensions,
                                           extension_configs=config.mdx_configs or {})
        core = config.plugins.get("gongkai/catalog")
        self.allow_active = bool(core and core.config.allow_active_content)
        checks = config.plugins.get("gongkai/checks")
        self.pii = bool(checks and checks.config.enabled and "pii" in checks.config.checks
                        and checks.config.severity.get("pii", "error") == "error")
        numbers = {catalog.site.phone, catalog.site.site_code}
        for org in catalog.organizations.values():
            numbers |= {org.code, org.guide.phone, org.guide.fax}
        self.allow = [run for n in numbers if n for run in re.findall(r"\d[\d -]*\d", n)]
        self.allow += list(checks.config.allow) if checks else []

    def __call__(self, text: str) -> list[str]:
        _, body, _ = split_front_matter(text)
        found = []
        html = self._markdown.reset().convert(body)
        for item in active_content(html, allow=self.allow_active):
            found.append(f"正文末尾有{item.what}" if item.what == UNCLOSED else f"正文中有{item.what}")
        if self.pii:
            for hit in scan_text(text, allow=self.allow, latest_year=dt.date.today().year):
                found.append(f"第 {hit.line} 行疑似未打码的{hit.kind}“{hit.masked}”（先在旧网站或导出表中打码，"
                             "或确属公开号码时加入检查插件的 allow 白名单）")
        return found
