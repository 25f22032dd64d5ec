"""The next free 索引号 and 文号.

索引号 is ``<机构代码>/<年份>-<流水号>`` (docs/schema.md): one series per 发布主体 and year. The next one is the
highest 流水号 of that series plus one, so numbers are never reused: a 废止 or 失效 document keeps its number, and
gaps (numbers given to items that were never published) are not filled. 文号 is ``<机关代字>〔<年份>〕<序号>号``:
one series per 机关代字 and year across the whole site, because an office's 文号 can be published by another
发布主体 (a 市政府办公室 文 on the 市政府's pages).
"""

from __future__ import annotations

import re
from typing import Iterable

SERIAL_WIDTH = 5  # 流水号 digits when a series has no number yet (999000001/2026-00001)
DAIZI_RE = re.compile(r"^[^\s〔〕\[\]()（）【】]+$")


def index_serial(index_number: str, code: str, year: int) -> tuple[int, int] | None:
    """(流水号, its width) of an 索引号 in the series of ``code`` and ``year``, else None."""
    match = re.fullmatch(re.escape(code) + r"/(\d{4})-(\d+)", index_number.strip())
    if not match or int(match.group(1)) != year:
        return None
    return int(match.group(2)), len(match.group(2))


def next_index_number(code: str, year: int, series: Iterable[str], taken: Iterable[str] = ()) -> str:
    """The 索引号 after the highest one of ``series`` for ``code`` and ``year``; never one in ``taken``.

    ``series`` holds the numbers editors give (their documents, valid or not, 废止 included); ``taken`` every
    number in use on the site, including those other plugins derive in a range of their own (年报: 9 + year), which
    must not be reused but do not move the editors' series to the end of that range.
    """
    highest, width = 0, SERIAL_WIDTH
    for number in series:
        found = index_serial(number, code, year)
        if found and found[0] >= highest:
            highest, width = found[0], max(found[1], SERIAL_WIDTH)
    used = {n.strip() for n in (*series, *taken)}
    serial = highest + 1
    while f"{code}/{year}-{serial:0{width}d}" in used:
        serial += 1
    return f"{code}/{year}-{serial:0{width}d}"


def doc_number_serial(doc_number: str, daizi: str, year: int) -> int | None:
    match = re.fullmatch(re.escape(daizi) + r"〔(\d{4})〕(\d+)号", doc_number.strip())
    if not match or int(match.group(1)) != year:
        return None
    return int(match.group(2))


def next_doc_number(daizi: str, year: int, numbers: Iterable[str]) -> str:
    """The 文号 after the highest one of ``daizi`` in ``year`` among ``numbers``."""
    serials = [s for s in (doc_number_serial(n, daizi, year) for n in numbers) if s is not None]
    return f"{daizi}〔{year}〕{max(serials, default=0) + 1}号"


def daizi_of(doc_number: str) -> str | None:
    """The 机关代字 of a 文号 such as 示政办发〔2025〕6号 (None for a 政府令 number)."""
    match = re.fullmatch(r"(\S+?)〔\d{4}〕\d+号", doc_number.strip())
    return match.group(1) if match else None
