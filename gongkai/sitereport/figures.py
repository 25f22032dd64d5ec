"""What the site counts itself for a year's 政府网站工作年度报表.

信息发布 counts the documents published in the year (发布日期), each once, by its main column: 概况类 when that
column is one the site names as 概况 (``overview_columns``), else 政务动态 when the column is of 更新类别 动态要闻, else
信息公开目录 — every document is in the 政府信息公开目录. 专栏专题 are the columns below ``special_columns``:
maintained when they hold a document published by the year's end, new when their first document was published in
the year. 解读 are those published in the year: one made as a picture, sound or moving image (图解, 视频, 音频, 动漫, H5:
``PRODUCT_FORMS``) is a 解读产品, every other (文字, 图文, 问答, 发布会 …) a 解读材料. 征集调查 counts the
征集 started in the year; 收到意见数量 and 公布调查结果期数 count the 反馈 published in the year (a 征集 of December
may report in January), so that a finished year's figures never change.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from ..interaction.model import PRODUCT_FORMS
from ..model import Catalog, Document


@dataclass
class SiteFigures:
    published: int = 0
    overview: int = 0
    news: int = 0
    directory: int = 0
    specials: int = 0
    new_specials: int = 0
    interpretation_texts: int = 0
    interpretation_products: int = 0
    consultations: int = 0
    comments: int = 0
    results: int = 0


def compute(year: int, catalog: Catalog, documents: Iterable[Document], interaction=None, *,
            overview_columns: Iterable[str] = (), special_columns: Iterable[str] = ()) -> SiteFigures:
    """``interaction`` is the interaction plugin's linked ``Interaction`` (None when the site has no such plugin)."""
    documents = list(documents)
    figures = SiteFigures()
    overview = set(overview_columns)
    for doc in documents:
        if doc.published.year != year:
            continue
        figures.published += 1
        column = catalog.columns[doc.column_id]
        if column.id in overview:
            figures.overview += 1
        elif column.update_class == "动态要闻":
            figures.news += 1
        else:
            figures.directory += 1
    for root_id in special_columns:
        root = catalog.columns[root_id]
        for special in root.children:
            ids = {c.id for c in special.walk()}
            dates = [d.published for d in documents if ids.intersection(d.column_ids) and d.published.year <= year]
            if dates:
                figures.specials += 1
                figures.new_specials += min(dates).year == year
    if interaction is not None:
        for interp in interaction.interpretations:
            if interp.published.year == year:
                if interp.form in PRODUCT_FORMS:
                    figures.interpretation_products += 1
                else:
                    figures.interpretation_texts += 1
        for c in interaction.consultations:
            figures.consultations += c.year == year
            feedback = c.feedback
            if feedback is not None and feedback.published is not None and feedback.published.year == year:
                figures.results += 1
                figures.comments += feedback.received
    return figures
