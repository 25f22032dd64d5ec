"""The core's use of the persistent build cache: keys of whole pages and of their Markdown (gongkai/buildcache.py).

A page's HTML is taken from the cache only when its key matches, and its key covers everything its template can
read. Two kinds of key:

- a **document page** reads its own document, its body as rendered, its neighbours in the column, the documents
  feature plugins relate to it (``CatalogPlugin.relate``: 原文 and 解读, 征集 and 反馈) and what every page reads:
  the build's code and settings, every input file other than documents, the catalog, the nav, the date and what
  feature plugins add with ``CatalogPlugin.fingerprint`` (``base_key``). Another document changing does not
  touch it unless it is one of those. The core's template view refuses to give a document page the site's
  document lists (``TemplateView.latest``), which this key does not cover;
- **every other page** (lists, homes, 目录, generated pages, a site's own pages) can show any document: its key
  adds every document's metadata and the whole file list (``site_key``) to its own Markdown.

On a hit the page's template is the one-line ``gongkai/cached-page.html``, which writes the stored HTML as it is;
every plugin's events still run around it.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import metadata
from pathlib import Path

import material
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files

from gongkai.buildcache import (BuildCache, Unstable, code_digest, describe_document, digest, documents_digest,
                                file_digest, plain, tree_digest)

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

CACHED_TEMPLATE = "gongkai/cached-page.html"
# Settings that differ between builds of the same site without changing a page: where the output goes.
VOLATILE_SETTINGS = ("site_dir",)
MARKDOWN_SETTINGS = ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls", "docs_dir")


class WarningCounter(logging.Handler):
    """Counts what MkDocs would fail a --strict build for: a build that warned does not save its cache."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageCache:
    """Keys and entries of one build's pages."""

    def __init__(self, cache: BuildCache):
        self.store = cache
        self.counter = WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        self.settings_key = self.markdown_key = None  # None: the page cache is off (settings not describable)
        self.site_key: str | None = None
        self.base_key: str | None = None
        self._parts: list[tuple[str, str]] = []
        self._document_parts: dict[str, list[str]] = {}  # src_path → what the build computed for that document
        self.pages: dict[str, str] = {}  # src_uri → key of a page whose HTML is in the cache
        self.hits = self.total = 0

    def configure(self, config: MkDocsConfig) -> None:
        """After every plugin's on_config: the code and the settings of this build."""
        code = self.store.salt = code_digest()
        try:
            settings = {k: plain(v, k) for k, v in config.items() if k not in VOLATILE_SETTINGS}
        except Unstable as exc:
            log.info(f"构建缓存：设置 {exc} 无法比较，本次不复用页面")
            return
        settings["installed"] = installed_versions(config)
        for i, hook in enumerate(config.hooks or ()):  # a site's hooks are code: their text, not their name
            settings[f"hook {i}"] = file_digest(Path(hook)) if Path(hook).is_file() else str(hook)
        self.markdown_key = digest(code, json.dumps({k: settings.get(k) for k in MARKDOWN_SETTINGS},
                                                    sort_keys=True, ensure_ascii=False))
        self.settings_key = digest(code, json.dumps(settings, sort_keys=True, ensure_ascii=False))

    def fingerprint(self, name: str, value, document=None) -> None:
        text = json.dumps(plain(value, name), sort_keys=True, ensure_ascii=False)
        if document is None:
            self._parts.append((name, text))
        else:
            self._document_parts.setdefault(document.src_path, []).append(f"{name}\0{text}")

    def seal(self, config: MkDocsConfig, files: Files, nav, documents, document_sources: set[str],
             catalog_dir: Path, as_of) -> None:
        """Once every file is known (on_nav): the keys of what pages show besides their own Markdown."""
        if self.settings_key is None:
            return
        docs_dir = Path(config.docs_dir)
        # No date here: a document page shows nothing of the date but what plugins fingerprint for it (a 征集's
        # status and days left); lists and homes get the date in the site key below.
        parts = [self.settings_key,
                 tree_digest(docs_dir, skip=document_sources.__contains__, stats=self.store),
                 tree_digest(catalog_dir, stats=self.store), nav_digest(nav)]
        shipped = (Path(material.__file__).parent, Path(__file__).parents[2])
        for directory in config.theme.dirs:  # a site's own overrides; material's and gongkai's are code
            path = Path(directory)
            if not any(path.is_relative_to(p) for p in shipped):
                if uses_build_time(path):
                    log.info(f"构建缓存：{path.name} 中的模板使用了构建时间（build_date_utc），本次不复用页面")
                    return
                parts.append(tree_digest(path, stats=self.store))
        parts += [f"{name}\0{value}" for name, value in sorted(self._parts)]
        self.base_key = digest(*parts)
        self.site_key = digest(self.base_key, str(as_of), documents_digest(documents),
                               *(f"{src}\0{part}" for src in sorted(self._document_parts)
                                 for part in self._document_parts[src]),
                               digest(*(f"{f.src_uri}\0{f.dest_uri}\0{f.url}\0{f.inclusion.name}" for f in
                                        sorted(files, key=lambda f: f.src_uri))))

    def page_key(self, src_uri: str, markdown: str | None) -> str | None:
        """A page that may show any document."""
        if self.site_key is None:
            return None
        return digest(self.site_key, src_uri, markdown or "")

    def document_key(self, src_uri: str, markdown: str | None, html: str, document, neighbours,
                     related) -> str | None:
        """A document's own page: itself, its body as rendered (links resolved, plugins' additions), its
        neighbours' addresses and titles, and the documents plugins relate to it."""
        if self.base_key is None:
            return None
        related = sorted(related, key=lambda d: d.src_path)
        return digest(self.base_key, "document", src_uri, markdown or "", html, describe_document(document),
                      *(f"{d.url}\0{d.title}" if d is not None else "" for d in neighbours),
                      *(describe_document(d) for d in related),
                      *(part for d in [document, *related] for part in self._document_parts.get(d.src_path, ())))

    def close(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.counter)

    def finish(self, succeeded: bool) -> None:
        """Save this build's entries when it succeeded without a warning; say how much was reused."""
        self.close()
        if succeeded and self.counter.count == 0:
            self.store.save()
            if self.total:
                log.info(f"构建缓存：{self.total} 个页面中 {self.hits} 个未变，直接沿用"
                         f"（Markdown 命中 {self.store.hits}，未命中 {self.store.misses}）")
        else:
            self.store.discard()


def uses_build_time(directory: Path) -> bool:
    """Whether a site's template overrides show the time of the build, which differs on every build."""
    for path in directory.rglob("*"):
        if path.is_file() and path.suffix in (".html", ".xml", ".j2", ".jinja"):
            if "build_date_utc" in path.read_text(encoding="utf-8", errors="replace"):
                return True
    return False


def nav_digest(nav) -> str:
    """What a page's navigation can show: every item's kind, title and address, in order."""
    parts = []

    def walk(items, depth):
        for item in items:
            parts.append(f"{depth}\0{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}")
            walk(getattr(item, "children", None) or (), depth + 1)

    walk(nav.items if nav is not None else (), 0)
    return digest(*parts)


def installed_versions(config: MkDocsConfig) -> list[str]:
    """Versions of the packages whose code can change a page: every plugin's, the theme's, every Markdown
    extension's (a site may use plugins besides gongkai's)."""
    roots = {type(plugin).__module__.split(".")[0] for plugin in config.plugins.values()}
    roots |= {(ext if isinstance(ext, str) else type(ext).__module__).split(".")[0]
              for ext in config.markdown_extensions or ()}
    roots.add("material")
    owners = metadata.packages_distributions()
    found = set()
    for root in roots:
        for name in owners.get(root, ()):
            try:
                found.add(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                found.add(f"{name} absent")
    return sorted(found)


def cache_disabled_by_env() -> bool:
    return os.environ.get("GONGKAI_CACHE", "").strip().lower() in ("0", "off", "false", "no")
