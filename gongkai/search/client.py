"""The results page's script as the site ships it: ``assets/search/search.js`` minified.

The readable source stays in the package (tests/test_search_mirror.py runs its mirrored section in node); the site
gets it without comments and indentation, because every search loads it whole before its first result
(docs/search.md, Benchmark). rjsmin only removes what JavaScript ignores.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import rjsmin

SOURCE = Path(__file__).resolve().parent.parent / "assets" / "search" / "search.js"


@lru_cache(maxsize=1)
def script() -> str:
    """The minified client (computed once per process; the source is part of the installed package)."""
    text = SOURCE.read_text(encoding="utf-8")
    # Keep the first comment: it says what the file is and where its readable source lives.
    header = text[:text.index("*/") + 2] if text.startswith("/*") else ""
    return header + "\n" + rjsmin.jsmin(text[len(header):]) + "\n"
