"""政府网站工作年度报表 (国办函〔2018〕12号): figures the site computes from its own content, the rest read from
``<docs_dir>/wzbb/<年度>.yml``; the plugin ``gongkai.plugins.sitereport`` publishes one page per year."""

from .figures import SiteFigures, compute
from .model import FORM, Field, WebsiteReport
from .loader import load_report

__all__ = ["SiteFigures", "compute", "FORM", "Field", "WebsiteReport", "load_report"]
