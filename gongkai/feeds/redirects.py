"""Old address → new page: every document with a 原网址 (imported from an old CMS) keeps answering at its old
address, with a 301 to its page on this site (docs/import.md, docs/deploy/README.md).

Two files are written into the site: ``redirects.json`` (a list, for people and other servers) and
``redirects.nginx``, an nginx ``map`` block the site's server file includes in its ``http`` context. The map's key
is what nginx sees of a request, ``$uri$is_args$args``: the path decoded (``$uri``) and the query as sent; the old
host name is not part of it, since at switch-over the old host name points at the new server.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote, urlsplit

from ..documents import redirect_key
from ..model import Document

MAP_VARIABLE = "$gongkai_redirect"
# What may not appear in an nginx quoted string without changing its meaning; such keys are left out, reported.
_UNSAFE = re.compile(r'[\x00-\x1f\x7f"\\$;{}]')


def nginx_key(old_url: str) -> str:
    """The request as nginx's ``$uri$is_args$args`` gives it for this old address."""
    parts = urlsplit(old_url)
    return unquote(parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def entries(documents: list[Document], site_path: str, url_of) -> list[dict]:
    """One {原网址, 网址, 索引号, 标题} per document with a 原网址, ordered by old address; 网址 is the new page's
    path on the server (the site's own path prefix included)."""
    prefix = "/" + site_path.strip("/") + "/" if site_path.strip("/") else "/"
    rows = []
    for doc in documents:
        if not doc.old_url:
            continue
        new = prefix + quote(url_of(doc).lstrip("/"), safe="/%")
        if redirect_key(doc.old_url) == new:  # the old address is already the new page: no redirect loop
            continue
        rows.append({"原网址": doc.old_url, "网址": new, "索引号": doc.index_number, "标题": doc.title})
    return sorted(rows, key=lambda r: (nginx_key(r["原网址"]), r["网址"]))


def to_json(rows: list[dict]) -> str:
    return json.dumps(rows, ensure_ascii=False, indent=1) + "\n"


def to_nginx(rows: list[dict]) -> str:
    """An nginx ``map`` block: include it in the http context, then ``if ($gongkai_redirect) { return 301
    $gongkai_redirect; }`` in the server (the shipped nginx files show where)."""
    lines = ["# 由 gongkai 构建生成：旧网站地址 → 新页面（301）。在 nginx 的 http 段 include 本文件，见 docs/deploy/README.md。",
             f"map $uri$is_args$args {MAP_VARIABLE} {{", '    default "";']
    seen = set()
    for row in rows:
        key = nginx_key(row["原网址"])
        if key in seen or _UNSAFE.search(key) or _UNSAFE.search(row["网址"]):
            continue
        seen.add(key)
        lines.append(f'    "{key}" "{row["网址"]}";')
    lines.append("}")
    return "\n".join(lines) + "\n"
