"""Every kind of page the demo site generates, found in a built demo site: the pages the readability and
accessibility tests visit and `make screenshots` photographs (scripts/screenshots)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote

WIDTHS = (1366, 1280, 390)


def _first(site: Path, pattern: str, needle: str) -> str:
    """The URL path of the first page under ``pattern`` whose HTML holds ``needle`` (sorted, so stable)."""
    for path in sorted(site.glob(pattern)):
        if needle in path.read_text(encoding="utf-8"):
            return path.parent.relative_to(site).as_posix() + "/"
    raise AssertionError(f"演示站点中没有含 {needle!r} 的页面（{pattern}）")


def page_kinds(site: Path) -> dict[str, str]:
    """Name → URL path (relative to the site root) of one page of each kind."""
    kinds = {
        "home": "",
        "section-home": "xxgk/",
        "org-home": "xxgk/jyj/",
        "list-parent": "xxgk/fdzdgknr/",
        "list-files": "xxgk/fdzdgknr/zcwj/gfxwj/",
        "list-files-org": "xxgk/szf/fdzdgknr/zcwj/gfxwj/",
        "list-jd": "xxgk/zcjd/",
        "list-zj": "xxgk/yjzj/",
        "list-zj-org": "xxgk/jyj/yjzj/",
        "list-nb": "xxgk/nb/",
        "list-nb-org": "xxgk/szf/nb/",
        "ysqgk": "xxgk/szf/ysqgk/",
        "directory": "xxgk/mulu/",
        "directory-current": "xxgk/mulu/xxyx/",
        # 有效性 (issue 21): a banner above the metadata box; the 决定 lists what it abolished and amended
        "document-repealed": _first(site, "wj/*/*/*/index.html", "gk-validity gk-validity--repealed"),
        "document-amended": _first(site, "wj/*/*/*/index.html", "gk-validity gk-validity--amended"),
        "document-pending": _first(site, "wj/*/*/*/index.html", "gk-validity gk-validity--pending"),
        "decision": _first(site, "wj/*/*/*/index.html", 'id="gk-decided-title"'),
        "document-version": _first(site, "wj/*/*/*/*/index.html", "gk-version__banner"),  # 历史版本
        "document": _first(site, "wj/*/*/*/index.html", 'class="gk-docno"'),
        "jd": _first(site, "wj/*/*/*/index.html", 'class="gk-box gk-jd-originals"'),
        "zj-open": _first(site, "wj/*/*/*/index.html", "gk-zj-badge gk-zj-badge--open"),
        "zj-closed": _first(site, "wj/*/*/*/index.html", "gk-zj-badge gk-zj-badge--closed"),
        "nb-2021": "xxgk/szf/nb/2025/",
        "nb-2019": "xxgk/szf/nb/2019/",
        "nb-old": "xxgk/szf/nb/2018/",
        "nb-history": "xxgk/szf/nb/lishi/",
        "guide": "xxgk/szf/zn/",
        "apply-form": "xxgk/szf/sqb/",
        "sitereport": "wzbb/2025/",
        "statement": "wzasm/",
        "search-hits": "search/?q=" + quote("政务公开"),
        "search-none": "search/?q=" + quote("示政发〔2025〕999号"),
        "404": "404.html",
    }
    for name, url in kinds.items():
        target = site / re.sub(r"\?.*$", "", url)
        if not (target.is_file() or (target / "index.html").is_file()):
            raise AssertionError(f"{name}: 演示站点中没有 {url}")
    return kinds
