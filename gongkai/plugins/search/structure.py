"""What the results page template reads (``gongkai_search``)."""

from __future__ import annotations

from dataclasses import dataclass, field

from gongkai.search.index import Facets
from gongkai.search.sites import OtherSite


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
    site_name: str = ""  # this site's name, beside its own hits when other sites are searched too
    sites: list[OtherSite] = field(default_factory=list)  # 联合检索: other gongkai sites searched too

    @property
    def sites_data(self) -> list[dict]:
        """What search.js reads from ``data-sites``: name, index folder and home address of each other site."""
        return [{"name": s.name, "index": s.index, "base": s.address} for s in self.sites]
