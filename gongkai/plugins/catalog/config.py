"""Settings of the core plugin (mkdocs.yml: plugins → gongkai/catalog)."""

from mkdocs.config import config_options as opt
from mkdocs.config.base import Config

from ...config_options import Instant, TimeZone


class CatalogConfig(Config):
    enabled = opt.Type(bool, default=True)
    # Folder of site.yml, organizations.yml and columns.yml, relative to mkdocs.yml.
    catalog_dir = opt.Type(str, default="catalog")
    # Folder below docs_dir whose every Markdown file is a document.
    documents_dir = opt.Type(str, default="wj")
    # URL prefix of the generated 政府信息公开 section.
    section = opt.Type(str, default="xxgk")
    section_title = opt.Type(str, default="政府信息公开")
    # Documents per column page (issue: 20) and rows per 信息公开目录 page.
    page_size = opt.Type(int, default=20)
    directory_page_size = opt.Type(int, default=100)
    # Newest documents shown per subcolumn on a parent column's overview.
    overview_size = opt.Type(int, default=5)
    # The build's date and time for every date-dependent status and finding ("2026-11-23" or
    # "2026-11-23 17:00"); default the real clock, or $GONGKAI_AS_OF. For tests and `gongkai check --as-of`.
    as_of = opt.Optional(Instant())
    # Dates without a zone (征集开始/截止, as_of) are read in this zone.
    timezone = TimeZone(default="Asia/Shanghai")
    # A 发布日期 more than this many days after the build's date is an error (a typo such as 2099).
    future_days = opt.Type(int, default=30)
    # Markdown bodies may hold HTML but no active content (<script>, on…= attributes, javascript: links …):
    # found, it fails the build. True lets it through for the whole site (docs/security.md).
    allow_active_content = opt.Type(bool, default=False)
    # Scripts, stylesheets and XSLT (.js, .mjs, .css, .xsl …) under docs_dir are refused unless mkdocs.yml names
    # them in extra_css / extra_javascript; True lets an editor's own through (docs/security.md).
    allow_scripts = opt.Type(bool, default=False)
    # Seconds one page's Markdown may take to render; past it (or nested too deep) the build stops naming the
    # file (gongkai/mdlimits.py). 0: no limit.
    markdown_time_limit = opt.Type((int, float), default=20)
    # Persistent build cache (docs/performance.md): a rebuild reuses what the last clean build computed for
    # unchanged inputs. Folder relative to mkdocs.yml; $GONGKAI_CACHE=0 turns it off for one build.
    cache = opt.Type(bool, default=True)
    cache_dir = opt.Type(str, default=".cache/gongkai")
    # Processes for the parts of a build that are embarrassingly parallel (个人信息 scans, the link check, the search
    # index; gongkai/parallel.py). Default: the usable CPUs, at most 2; 1 = the build's process only. The output is
    # the same whatever the number; $GONGKAI_WORKERS sets it for one build.
    workers = opt.Optional(opt.Type(int))
