"""Lookups over the documents of one build: by source, id and 索引号; per column × 发布主体; prev/next."""

from __future__ import annotations

from collections import defaultdict
from typing import Callable

from gongkai.model import Catalog, Column, Document, Organization

Sorter = Callable[[Document], object]


def newest_first(doc: Document):
    return doc.sort_key


class DocumentIndex:
    """Every document registered in a build, and the lists the generated pages show.

    Documents are added while files load (``add``); the per-column lists are built once, after every plugin has
    added its documents (``freeze``).
    """

    def __init__(self, catalog: Catalog):
        self.catalog = catalog
        self.documents: list[Document] = []
        self.by_src: dict[str, Document] = {}
        self.by_id: dict[str, Document] = {}
        self.by_index: dict[str, Document] = {}
        self.direct: dict[tuple[str, str | None], list[Document]] = {}
        self.subtree: dict[tuple[str, str | None], list[Document]] = {}
        self.by_org: dict[str, list[Document]] = {}
        self.neighbours: dict[str, tuple[Document | None, Document | None]] = {}

    def add(self, doc: Document) -> None:
        self.documents.append(doc)
        self.by_src[doc.src_path] = doc
        self.by_id[doc.id] = doc
        self.by_index[doc.index_number] = doc

    def freeze(self, sorters: dict[str, Sorter]) -> None:
        """Per column × 发布主体 lists (direct and whole subtree) and prev/next within a column."""
        direct: dict[tuple[str, str | None], list[Document]] = defaultdict(list)
        subtree: dict[tuple[str, str | None], dict[str, Document]] = defaultdict(dict)
        by_org: dict[str, list[Document]] = defaultdict(list)
        for doc in self.documents:
            by_org[doc.publisher_id].append(doc)
            for col_id in doc.column_ids:
                for org_id in (doc.publisher_id, None):
                    direct[(col_id, org_id)].append(doc)
                    for ancestor in self.catalog.columns[col_id].lineage:
                        subtree[(ancestor.id, org_id)][doc.src_path] = doc
        self.by_org = dict(by_org)
        self.direct = {}
        for key, docs in direct.items():
            sorter = sorters.get(self.catalog.columns[key[0]].kind, newest_first)
            self.direct[key] = sorted(docs, key=sorter, reverse=sorter is newest_first)
        self.subtree = {k: sorted(v.values(), key=newest_first, reverse=True) for k, v in subtree.items()}
        self.neighbours = {}
        for (col_id, org_id), siblings in self.direct.items():
            if org_id is None:
                continue
            for i, doc in enumerate(siblings):
                if doc.column_id == col_id:
                    self.neighbours[doc.src_path] = (siblings[i - 1] if i > 0 else None,
                                                     siblings[i + 1] if i + 1 < len(siblings) else None)

    def of(self, org: Organization | None) -> list[Document]:
        return self.by_org.get(org.id, []) if org else self.documents

    def in_column(self, column: Column, org: Organization | None) -> list[Document]:
        """Documents filed directly in ``column`` (for one 发布主体 or site-wide), in the column's order."""
        return self.direct.get((column.id, org.id if org else None), [])

    def in_subtree(self, column: Column, org: Organization | None) -> list[Document]:
        """Documents in ``column`` or below, newest first."""
        return self.subtree.get((column.id, org.id if org else None), [])

    def count(self, column: Column, org: Organization | None) -> int:
        return len(self.in_subtree(column, org))
