"""Settings of the 政府网站工作年度报表 plugin (``- gongkai/sitereport`` in mkdocs.yml)."""

from __future__ import annotations

from mkdocs.config import config_options as c
from mkdocs.config.base import Config

from ...config_options import MonthDay


class SiteReportConfig(Config):
    enabled = c.Type(bool, default=True)
    # Folder below docs_dir with one data file per year (<data_dir>/<年度>.yml); also the pages' URL prefix.
    data_dir = c.Type(str, default="wzbb")
    # Column ids whose documents are 概况类信息 (机构职能 …); other documents count as 政务动态 (更新类别 动态要闻)
    # or 信息公开目录信息.
    overview_columns = c.ListOfItems(c.Type(str), default=[])
    # Column ids whose subcolumns are the site's 专栏专题 (e.g. 重点领域信息公开).
    special_columns = c.ListOfItems(c.Type(str), default=[])
    # Last day (MM-DD of the following year) to publish a year's 报表 (国办函〔2018〕12号: 1月31日).
    deadline = MonthDay()
    deadline.default = "01-31"
