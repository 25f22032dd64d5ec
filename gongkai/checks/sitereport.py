"""报表: the 政府网站工作年度报表 of last year still missing after its deadline, or one published after it
(国办函〔2018〕12号: 1月31日).

The site's 主办单位 publishes it on the home page; the data file is ``<docs_dir>/<data_dir>/<年度>.yml`` of the
``gongkai/sitereport`` plugin, whose published years this check is given.
"""

from __future__ import annotations

import datetime as dt
from typing import Iterable

from ..errors import Problem


def check_site_report(years: Iterable[int], as_of: dt.date, deadline: str, data_file: str,
                      published: dict | None = None) -> list[Problem]:
    """A warning when ``as_of`` is after last year's deadline ("MM-DD") and last year has no 报表, and one for
    each 报表 whose 发布日期 (``published``: year → (date, file, line)) is after its year's deadline."""
    last_year = as_of.year - 1
    month, day = (int(x) for x in deadline.split("-"))
    late = []
    for year, (day_published, file, line) in sorted((published or {}).items()):
        year_due = dt.date(year + 1, month, day)
        if day_published > year_due:
            late.append(Problem(file, f"{year} 年度政府网站工作年度报表的发布日期 {day_published} 晚于 {year_due}"
                                      f"（国办函〔2018〕12号：次年 {month} 月 {day} 日前在首页发布），逾期 "
                                      f"{(day_published - year_due).days} 天", line=line, field="发布日期",
                                check="baobiao", severity="warning",
                                fix="报表应按时发布；发布日期照实际发布的日子填写，不要为消除提示改早"))
    due = dt.date(as_of.year, month, day)
    if as_of <= due or last_year in set(years):
        return late
    return late + [Problem(data_file.format(year=last_year),
                    f"未发布 {last_year} 年度政府网站工作年度报表（应于 {due} 前在首页公开，截至 {as_of} 已逾期 "
                    f"{(as_of - due).days} 天）", check="baobiao", severity="warning",
                    fix=f"按编辑手册填写 {data_file.format(year=last_year)}（网站不能统计的数字），网站据此生成报表并列在首页")]
