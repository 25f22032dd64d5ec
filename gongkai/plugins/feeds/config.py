"""Settings of the feeds and open-data plugin (``- gongkai/feeds`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config


class FeedsConfig(Config):
    enabled = c.Type(bool, default=True)
    # Newest documents per Atom feed.
    feed_size = c.Type(int, default=20)
    # URL folder of the feeds and of the 订阅 page that lists them (docs/feeds.md).
    feeds_dir = c.Type(str, default="dingyue")
    # Title of the 订阅 page.
    title = c.Type(str, default="订阅与开放数据")
    # URL folder of catalog.json and documents.json.
    data_dir = c.Type(str, default="data")
    # documents.json lists every document up to this many; above it, it lists one file per 发布日期 year.
    shard_size = c.Type(int, default=2000)
    # Write /llms.txt, a plain-text map of the site's data for programs (llmstxt.org).
    llms_txt = c.Type(bool, default=True)
    # Old address → new page map of imported documents (原网址): <redirects>.json and <redirects>.nginx (an nginx
    # map to include; docs/deploy/README.md). Empty: not written.
    redirects = c.Type(str, default="gongkai/redirects")
