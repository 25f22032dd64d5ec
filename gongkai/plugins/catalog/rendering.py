"""Markdown rendering of the section's pages with one parser per build instead of one per page.

MkDocs' ``Page.render`` builds a new ``markdown.Markdown`` for every page, loading and registering every
extension again; on a site of thousands of documents that set-up is about half of the Markdown time. Python-Markdown
is made to convert many documents with one instance (``Markdown.reset()`` between them clears the stash, the
references and every extension's state), so the core gives its documents and its generated pages outside the nav
a ``Page`` whose ``render`` does exactly what MkDocs' does, on a shared parser. Pages the core does not own keep
MkDocs' own ``Page``.
"""

from __future__ import annotations

import logging

import markdown
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import (Page, _ExtractAnchorsTreeprocessor, _ExtractTitleTreeprocessor,
                                    _RawHTMLPreprocessor, _RelativePathTreeprocessor)
from mkdocs.structure.toc import get_toc

from gongkai.buildcache import BuildCache, digest

log = logging.getLogger("mkdocs.structure.pages")  # the logger MkDocs' Page.render consults


class SharedMarkdown:
    """One ``markdown.Markdown`` with the site's extensions, reset before each page; with the build cache, the
    HTML of a page whose Markdown, place and every link target are unchanged is taken from there."""

    def __init__(self, config: MkDocsConfig, cache: BuildCache | None = None, key: str | None = None):
        self.md = markdown.Markdown(extensions=config.markdown_extensions,
                                    extension_configs=config.mdx_configs or {})
        self.cache = cache if key is not None else None
        self.key = key  # the code and the Markdown settings of this build


class _RecordingFiles:
    """The site's files as a page's link processors see them, noting every lookup and its answer: a cached
    rendering is valid only while each of its links resolves to the same address."""

    def __init__(self, files: Files):
        self._files = files
        self.lookups: dict[str, str | None] = {}

    def get_file_from_path(self, path: str) -> File | None:
        file = self._files.get_file_from_path(path)
        self.lookups[path] = _target(file)
        return file


class _Logged(logging.Handler):
    """Whether rendering a page logged anything (a link MkDocs could not resolve): such a page is not cached,
    so that every build says it again."""

    def __init__(self):
        super().__init__(logging.DEBUG + 1)
        self.seen = False

    def emit(self, record: logging.LogRecord) -> None:
        self.seen = True


class SectionPage(Page):
    """A page of the core (a document or a generated page) rendered on the build's shared parser."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, shared: SharedMarkdown):
        super().__init__(title, file, config)
        self.shared = shared
        self.markdown_key: str | None = None  # the build cache's entry of its rendering, if there is one
        self.lookups: dict[str, str | None] | None = None  # with it: every link target it resolved, and to what
        self.carried_anchors = None  # a page carried over from the last build (carried.py): reads its anchors

    @property
    def present_anchor_ids(self) -> set[str] | None:
        """MkDocs' anchors of the page; of a carried page, read from the cache when a link to one is checked."""
        found = self.__dict__.get("present_anchor_ids")
        if found is None and self.carried_anchors is not None:
            found = self.__dict__["present_anchor_ids"] = set(self.carried_anchors())
        return found

    @present_anchor_ids.setter
    def present_anchor_ids(self, value) -> None:
        self.__dict__["present_anchor_ids"] = value

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """MkDocs' ``Page.render`` (mkdocs 1.6), on the shared parser; the per-page processors are re-registered
        under their names, which replaces the previous page's."""
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        cache = self.shared.cache
        if cache is None:
            self._render(config, files)
            return
        key = digest(self.shared.key, self.file.src_uri, self.file.dest_uri, self.file.url, self.markdown)
        entry = cache.lookup("markdown", key, _entry_shape)
        if entry is not None and lookups_resolve(entry["lookups"], files):
            self.markdown_key, self.lookups = key, entry["lookups"]
            self.content = entry["content"]
            self.toc = get_toc(entry["toc"])
            self._title_from_render = entry["title"]
            self.present_anchor_ids = set(entry["anchors"])
            if log.getEffectiveLevel() > logging.DEBUG:
                self.links_to_anchors = {files.get_file_from_path(src): links
                                         for src, links in entry["to_anchors"].items()}
            return
        recording, logged = _RecordingFiles(files), _Logged()
        log.addHandler(logged)
        try:
            toc_tokens = self._render(config, recording)
        finally:
            log.removeHandler(logged)
        if not logged.seen:
            self.markdown_key, self.lookups = key, recording.lookups
            cache.put("markdown", key, {
                "content": self.content, "toc": toc_tokens, "title": self._title_from_render,
                "anchors": sorted(self.present_anchor_ids), "lookups": recording.lookups,
                "to_anchors": {f.src_uri: links for f, links in (self.links_to_anchors or {}).items()}})

    def _render(self, config: MkDocsConfig, files) -> list:
        md = self.shared.md
        md.reset()
        raw_html_ext = _RawHTMLPreprocessor()
        raw_html_ext._register(md)
        extract_anchors_ext = _ExtractAnchorsTreeprocessor(self.file, files, config)
        extract_anchors_ext._register(md)
        relative_path_ext = _RelativePathTreeprocessor(self.file, files, config)
        relative_path_ext._register(md)
        extract_title_ext = _ExtractTitleTreeprocessor()
        extract_title_ext._register(md)

        self.content = md.convert(self.markdown)
        toc_tokens = getattr(md, "toc_tokens", [])
        self.toc = get_toc(toc_tokens)
        self._title_from_render = extract_title_ext.title
        self.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if log.getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = relative_path_ext.links_to_anchors
        return toc_tokens


def _entry_shape(value) -> bool:
    """A stored rendering as ``SectionPage.render`` writes it."""
    return isinstance(value, dict) and isinstance(value.get("content"), str) and \
        isinstance(value.get("toc"), list) and isinstance(value.get("title"), (str, type(None))) and \
        isinstance(value.get("anchors"), list) and isinstance(value.get("lookups"), dict) and \
        isinstance(value.get("to_anchors"), dict)


def lookups_resolve(lookups: dict[str, str | None], files: Files) -> bool:
    """Whether every link target a stored rendering resolved resolves to the same in ``files``."""
    return all(_target(files.get_file_from_path(path)) == target for path, target in lookups.items())


def _target(file: File | None) -> str | None:
    """What a link processor uses of a link's target file: its address and whether it is published."""
    return f"{file.url}\0{file.inclusion.name}" if file is not None else None


def nav_sources(nav) -> set[str]:
    """Every source path named in a ``nav`` configuration (strings at any depth)."""
    found: set[str] = set()

    def walk(item):
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            for value in item.values():
                walk(value)
        elif isinstance(item, list):
            for value in item:
                walk(value)

    walk(nav)
    return found
