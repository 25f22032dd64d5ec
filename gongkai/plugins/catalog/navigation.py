"""The column tree in MkDocs' nav, and a cache that renders that nav once per distinct position."""

from __future__ import annotations

from gongkai import templating
from gongkai.model import Column

from .theme import name_nested_navs


def section_nav(nav, section: str, title: str, roots: list[Column]):
    """``nav`` with the section's entry replaced by the column tree (appended when the nav does not name it).

    The tree holds columns only, never one entry per document, which would make the build quadratic.
    """

    def entry(column: Column):
        src = f"{section}/{column.path}/index.md"
        name = templating.text(column.name)  # mkdocs-material prints nav titles as HTML
        if not column.children:
            return {name: src}
        return {name: [src] + [entry(child) for child in column.children]}

    subtree = {templating.text(title): [f"{section}/index.md"] + [entry(c) for c in roots]
               + [{"政府信息公开目录": f"{section}/mulu/index.md"}]}
    if not nav:
        return ["index.md", subtree]

    def is_section(value) -> bool:
        return isinstance(value, str) and value.strip("/") == section

    def replace(items):
        out, found = [], False
        for item in items:
            if isinstance(item, dict) and len(item) == 1:
                (name, value), = item.items()
                if is_section(value):
                    out.append(subtree)
                    found = True
                    continue
                if isinstance(value, list):
                    value, inner = replace(value)
                    found |= inner
                    item = {name: value}
            elif is_section(item):
                out.append(subtree)
                found = True
                continue
            out.append(item)
        return out, found

    items, found = replace(nav)
    return items if found else items + [subtree]


class NavCache:
    """Renders the nav once per distinct position instead of once per page.

    mkdocs-material renders the whole nav into every page. A page outside the nav (every document, every
    per-发布主体 page) has no active item, so its nav differs from another's only through relative URLs, which
    depend only on the page's depth and on the longest prefix of its path that leads towards a nav entry.
    """

    def __init__(self):
        self.prefixes: set[tuple[str, ...]] = {()}
        self.in_nav: set[str] = set()
        self.html: dict[tuple, str] = {}

    def reset(self, nav) -> None:
        self.prefixes, self.html = {()}, {}
        self.in_nav = {p.file.src_uri for p in nav.pages}
        for p in nav.pages:
            parts = tuple(s for s in p.url.split("/") if s)
            for i in range(1, len(parts) + 1):
                self.prefixes.add(parts[:i])

    def key(self, page) -> tuple | None:
        # Hiding the 目录 sidebar (the core hides it on generated pages and on documents without headings) leaves
        # the nav as it is; any other ``hide`` is the site's own, and its page is rendered as MkDocs would.
        if page is None or page.file.src_uri in self.in_nav or not set(page.meta.get("hide") or ()) <= {"toc"}:
            return None
        parts = tuple(s for s in page.url.split("/") if s)
        k = len(parts)
        while parts[:k] not in self.prefixes:
            k -= 1
        return len(parts), parts[:k]

    def __call__(self, page, caller):
        key = self.key(page)
        if key is None:
            return name_nested_navs(caller())
        if key not in self.html:
            self.html[key] = name_nested_navs(caller())
        return self.html[key]
