"""Plain text for the index from rendered page HTML (what MkDocs already produced, so nothing is parsed twice),
read with the parser of gongkai/htmlread.py."""

from __future__ import annotations

import re

from .. import htmlread

_SPACE_RE = re.compile(r"\s+")
# What a snippet must not show: table rows flattened into a run of cells, and the labels of controls.
NOT_PROSE = ("table", "button", "form", "nav", "select", "figure", "svg")


def page_texts(markup: str) -> tuple[str, str]:
    """(text, prose) of a page's body HTML, from one parse: all the text a visitor can read, for the index; the
    running text for result snippets, without tables, controls, navigation and figures."""
    tree = htmlread.parse_body(markup)
    tree.strip_tags(list(htmlread.HIDDEN))
    htmlread.separate(tree, htmlread.BLOCKS)
    text = _collapse(htmlread.body_text(tree))
    htmlread.separate(tree, NOT_PROSE)
    tree.strip_tags(list(NOT_PROSE))
    return text, _collapse(htmlread.body_text(tree))


def html_to_text(markup: str) -> str:
    return page_texts(markup)[0]


def prose_text(markup: str) -> str:
    """The page's running text for result snippets: without tables, controls, navigation and figures."""
    return page_texts(markup)[1]


def _collapse(text: str) -> str:
    return _SPACE_RE.sub(" ", text).strip()
