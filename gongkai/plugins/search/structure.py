"""What the results page template reads (``gongkai_search``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.search.index import Facets


@dataclass
class SearchView:
    """The results page's settings: where the index and the site are, and the filter choices."""

    page_url: str  # site-relative URL of the results page
    index_url: str  # site-relative URL of the index folder (with a trailing slash)
    script: str  # site-relative URL of search.js
    site_url: str = ""
    facets: Facets = field(default_factory=Facets)
    years: list[int] = field(default_factory=list)  # newest first
    example_number: str = "示政办发〔2024〕12号"
