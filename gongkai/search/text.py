"""Plain text for the index from rendered page HTML (what MkDocs already produced, so nothing is parsed twice)."""

from __future__ import annotations

import html
import re

_DROP_RE = re.compile(r"<(script|style|template)\b.*?</\1\s*>", re.S | re.I)
# Block-level ends become a space so that words of adjacent cells or paragraphs do not run together.
_BLOCK_RE = re.compile(r"</?(?:p|div|br|li|tr|td|th|h[1-6]|table|ul|ol|dd|dt|blockquote|pre|section)\b[^>]*>",
                       re.I)
_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")


# What a snippet must not show: table rows flattened into a run of cells, and the labels of controls.
_NOT_PROSE_RE = re.compile(r"<(table|button|form|nav|select|figure|svg)\b.*?</\1\s*>", re.S | re.I)


def prose_text(markup: str) -> str:
    """The page's running text for result snippets: without tables, controls, navigation and figures."""
    return html_to_text(_NOT_PROSE_RE.sub(" ", markup))


def html_to_text(markup: str) -> str:
    text = _DROP_RE.sub(" ", markup)
    text = _BLOCK_RE.sub(" ", text)
    text = _TAG_RE.sub("", text)
    return _SPACE_RE.sub(" ", html.unescape(text)).strip()
