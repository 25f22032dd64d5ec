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

log = logging.getLogger("mkdocs.structure.pages")  # the logger MkDocs' Page.render consults


class SharedMarkdown:
    """One ``markdown.Markdown`` with the site's extensions, reset before each page."""

    def __init__(self, config: MkDocsConfig):
        self.md = markdown.Markdown(extensions=config.markdown_extensions,
                                    extension_configs=config.mdx_configs or {})


class SectionPage(Page):
    """A page of the core (a document or a generated page) rendered on the build's shared parser."""

    def __init__(self, title: str | None, file: File, config: MkDocsConfig, shared: SharedMarkdown):
        super().__init__(title, file, config)
        self.shared = shared

    def render(self, config: MkDocsConfig, files: Files) -> None:
        """MkDocs' ``Page.render`` (mkdocs 1.6), on the shared parser; the per-page processors are re-registered
        under their names, which replaces the previous page's."""
        if self.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
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
        self.toc = get_toc(getattr(md, "toc_tokens", []))
        self._title_from_render = extract_title_ext.title
        self.present_anchor_ids = extract_anchors_ext.present_anchor_ids | raw_html_ext.present_anchor_ids
        if log.getEffectiveLevel() > logging.DEBUG:
            self.links_to_anchors = relative_path_ext.links_to_anchors


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
