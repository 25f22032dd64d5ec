"""What a build lets go of once nothing needs it any more, so that a 100,000-document build stays small.

MkDocs keeps every page object until the build ends, and everything the core hands a page stays reachable from
it. Measured at the end of the page phase (docs/performance.md, "Memory"), a page the core renders
(``SectionPage``: documents and generated pages, none of them in the nav) kept its body's table of contents, its
anchors, its neighbours' links and the recorder's per-page memos long after it was written; and the C allocator kept, resident,
the memory of every page's HTML freed in between. This module holds the rules for letting go:

- ``PageRelease``: once a page of the core is written (the core's last ``on_post_page``), its HTML, its table of
  contents and its prev/next links are released — unless a plugin or hook we do not know has an
  ``on_post_build`` (it may read them there: a sitemap of headings, a reading-time report), in which case every
  page keeps them, as in MkDocs. Its anchors go too unless a link points into one of them (MkDocs checks such
  links after the last page is written); its links to anchors are kept for that check. Its Markdown was released
  once rendered (the core's ``on_page_content``).
- ``BoundedMemo``: the recorder's memo of described values keeps the reads that recur on many pages (the site,
  the nav's tabs, a view's settings) and forgets those of one page (a document's 解读, its page's tab).
- ``trim``: the allocator's free pages are given back to the system every ``TRIM_EVERY`` pages written, and MkDocs'
  memo of normalised paths emptied (``PURE_CACHES``): unbounded, it kept every page's URL and link split into parts
  for the whole build (~8 MB at 10,000 documents); a path is split again when next asked.
"""

from __future__ import annotations

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

import mkdocs.utils

from gongkai.parallel import trim  # the allocator's free memory back to the system
from gongkai.stages import handlers_outside

# Packages whose on_post_build reads no page's HTML, table of contents or neighbours: gongkai's own plugins, and
# those of mkdocs-material and MkDocs (search, social, privacy, offline, optimize: indexes gathered earlier,
# files on disk).
KNOWN_PACKAGES = ("gongkai", "material", "mkdocs")
MEMO_SIZE = 4_096  # the recorder's memo: a page reads ~20–60 values, a few hundred recur across the site
TRIM_EVERY = 1_000  # pages written between two trims: ~1 ms each against ~30 ms of rendering a page
# MkDocs' functools.lru_cache(maxsize=None) memo of a pure function of a path, filled with every page's URL and
# every link's target (``get_relative_url``). Not ``_get_norm_url``'s: it also says once per path that a link uses '\'.
PURE_CACHES = tuple(f for f in (getattr(mkdocs.utils, "_norm_parts", None),) if hasattr(f, "cache_clear"))
EMPTY_TOC = TableOfContents([])
NO_ANCHORS: frozenset[str] = frozenset()


def unknown_post_build(config: MkDocsConfig) -> list[str]:
    """The plugins and hooks outside ``KNOWN_PACKAGES`` with an ``on_post_build``, by the name MkDocs gives them."""
    return handlers_outside(config, ["post_build"], KNOWN_PACKAGES)


class PageRelease:
    """Releases what a written page of the core holds, for one build (made in the core's ``on_env``, when every
    plugin and hook is known)."""

    def __init__(self, config: MkDocsConfig, files: Files):
        self.keepers = unknown_post_build(config)  # non-empty: nothing is released
        self.written = 0
        # Every page's Markdown is rendered: the pages some link points into an anchor of. MkDocs checks those
        # links against the target's anchors after the last page is written; no other page's anchors are read.
        self.anchor_targets = {target.src_uri for file in files.documentation_pages() if file.page is not None
                               for target in (file.page.links_to_anchors or ())}

    @property
    def active(self) -> bool:
        return not self.keepers

    def page_written(self, page: Page) -> None:
        """``page`` (one of the core's, outside the nav: no other page's template reads it) is written."""
        self.written += 1
        if not self.active:
            return
        page.content = ""
        page.toc = EMPTY_TOC
        page.previous_page = page.next_page = None
        if page.file.src_uri not in self.anchor_targets:
            page.present_anchor_ids = NO_ANCHORS
        if self.written % TRIM_EVERY == 0:
            for cache in PURE_CACHES:
                cache.cache_clear()
            trim()


class BoundedMemo(dict):
    """A dict that keeps at most ``size`` entries: the least recently used goes first. Reads (``get``) and
    writes make an entry the most recent; nothing else of a dict's interface is used on it."""

    def __init__(self, size: int):
        super().__init__()
        self.size = size

    def get(self, key, default=None):
        value = super().pop(key, self)
        if value is self:
            return default
        super().__setitem__(key, value)  # now the most recent
        return value

    def __setitem__(self, key, value) -> None:
        super().pop(key, None)
        super().__setitem__(key, value)
        if len(self) > self.size:
            del self[next(iter(self))]
