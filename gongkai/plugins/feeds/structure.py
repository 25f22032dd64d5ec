"""What templates see of the feeds: ``gk_feeds`` (every page) and the 订阅 page's lists."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ...feeds.atom import Feed
from ...model import TOPICS, Column

PAGE_SUFFIX_RE = re.compile(r"page/\d+/$")


@dataclass
class FeedNode:
    """A column on the 订阅 page, with its feed (None for a column without a document list) and children."""

    column: Column
    feed: Feed | None
    children: list["FeedNode"] = field(default_factory=list)


class FeedsView:
    """Feeds by page, for the ``<link rel="alternate">`` tags and the visible 订阅 links."""

    def __init__(self, core, feeds: dict[str, Feed], *, page_src: str, index_url: str, catalog_url: str,
                 documents_url: str, llms_url: str | None, home_url: str | None):
        self.core, self.feeds, self.page_src = core, feeds, page_src
        self.index_url, self.catalog_url, self.documents_url, self.llms_url = (index_url, catalog_url, documents_url,
                                                                               llms_url)
        self.site = feeds["site"]
        catalog = core.catalog
        self.organizations = [(o, feeds[f"org:{o.id}"]) for o in catalog.organizations.values()]
        self.topics = [feeds[f"topic:{t}"] for t in TOPICS]
        self.tree = [self._node(c) for c in catalog.roots]
        # Page URL → feeds, the page's own first: generated pages are known by the URLs the core gives them.
        self._by_url: dict[str, list[Feed]] = {}
        for url in {core.section_url, home_url, index_url} - {None}:
            self._by_url[_page_url(url)] = [self.site]
        for org in catalog.organizations.values():
            self._by_url[core.org_url(org)] = [feeds[f"org:{org.id}"]]
        for column in catalog.walk():
            own = feeds.get(f"column:{column.id}")
            if own is None:
                continue
            self._by_url[core.column_url(column)] = [own]
            for org in catalog.organizations.values():
                if column.applies(org):
                    self._by_url[core.column_url(column, org)] = [own, feeds[f"org:{org.id}"]]

    def _node(self, column: Column) -> FeedNode:
        return FeedNode(column, self.feeds.get(f"column:{column.id}"), [self._node(c) for c in column.children])

    def for_page(self, page) -> list[Feed]:
        """The feeds a page offers: a column page its column's (and 发布主体's), a document its column's, its
        发布主体's and its 主题分类's, the home and section pages the site's."""
        if page is None:
            return []
        doc = self.core.doc_for_page(page)
        if doc is not None:
            keys = [f"column:{doc.column_id}", f"org:{doc.publisher_id}", f"topic:{doc.topic}"]
            return [self.feeds[k] for k in keys if k in self.feeds]
        return self._by_url.get(PAGE_SUFFIX_RE.sub("", _page_url(page.url)), [])


def _page_url(url: str) -> str:
    """A page's URL as ``Page.url`` gives it: the home page's File says "./", the Page ""."""
    return "" if url in (".", "./") else url
