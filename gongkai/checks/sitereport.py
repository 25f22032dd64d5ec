"""报表: the 政府网站工作年度报表 of last year still missing after its deadline (国办函〔2018〕12号: 1月31日).

The site's 主办单位 publishes it on the home page; the data file is ``<docs_dir>/<data_dir>/<年度>.yml`` of the
``gongkai/sitereport`` plugin, whose published years this check is given.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from .findings import Finding


def check_site_report(years: Iterable[int], as_of: dt.date, deadline: str, data_file: str) -> list[Finding]:
    """A warning when ``as_of`` is after last year's deadline ("MM-DD") and last year has no 报表."""
    last_year = as_of.year - 1
    month, day = (int(x) for x in deadline.split("-"))
    due = dt.date(as_of.year, month, day)
    if as_of <= due or last_year in set(years):
        return []
    return [Finding(data_file.format(year=last_year),
                    f"未发布 {last_year} 年度政府网站工作年度报表（应于 {due} 前在首页公开，截至 {as_of} 已逾期 "
                    f"{(as_of - due).days} 天）", check="baobiao", severity="warning",
                    fix=f"按编辑手册填写 {data_file.format(year=last_year)}（网站不能统计的数字），网站据此生成报表并列在首页")]
