"""Settings of the search plugin (``- gongkai/search:`` in mkdocs.yml)."""

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from gongkai.config_options import SiteList


class SearchConfig(Config):
    enabled = opt.Type(bool, default=True)
    # URL path of the results page; the header search box submits to it.
    page = opt.Type(str, default="search")
    title = opt.Type(str, default="搜索")
    # Raw bytes a shard of the inverted index is filled to (docs/search.md: why 12,000).
    shard_bytes = opt.Type(int, default=12_000)
    # Processes that tokenize a large site (2,000+ documents per process); default: the core's ``workers``
    # (gongkai/parallel.py: the usable CPUs, at most 2).
    workers = opt.Optional(opt.Type(int))
    # A site's own 同义词 groups (YAML, the form of gongkai/search/synonyms.yml), relative to mkdocs.yml;
    # added to the shipped 政务同义词表.
    synonyms = opt.Optional(opt.File(exists=True))
    # Write the 政府信息 documents for a province's search engine (OpenSearch/Elasticsearch _bulk NDJSON and
    # Meilisearch JSON) into <page>/export/ (gongkai/search/export.py).
    export = opt.Type(bool, default=False)
    # Other gongkai sites whose published indexes the results page searches too ({名称, 地址} each;
    # gongkai/search/sites.py). The one exception to "no request to another host": the owner names each host.
    sites = SiteList()
