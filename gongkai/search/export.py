"""Export of the 政府信息 documents for a province's search engine (集约化): Elasticsearch/OpenSearch ``_bulk``
NDJSON with an index definition for Chinese, and Meilisearch documents with their settings.

Files, in ``<search page>/export/`` of the site (docs/search.md, "Export for a province's engine"):

- ``opensearch-bulk.ndjson`` — ``_bulk`` body: an ``index`` action and its document per document, a ``delete``
  action per withdrawn document; no ``_index`` in the actions, so the province names its index in the URL.
- ``opensearch-index-ik.json`` / ``opensearch-index-smartcn.json`` — ``PUT /<index>`` bodies: the mapping
  with the IK (``ik_max_word`` / ``ik_smart``) or the smartcn analyzer on the Chinese text fields.
- ``meilisearch-documents.json`` — an array of the same documents (primary key ``id``);
  ``meilisearch-settings.json`` — searchable, filterable and sortable attributes; ``meilisearch-delete.json``
  — the ids of withdrawn documents, the body of ``POST /indexes/<uid>/documents/delete-batch``.
- ``ids.json`` — the ids of this export and of every withdrawn one, read by the next build.

A document's ``id`` is the site's 网站标识码 and its 索引号, stable across builds: ``<网站标识码>_<索引号>``
with ``/`` written ``_`` (Meilisearch accepts only letters, digits, ``-`` and ``_`` in an id).
Withdrawn (撤回) documents are those of the previous export no longer published: the previous ids come from
``ids.json`` of the site directory the build is about to replace (what was published there; a build without the
cache reads the same) or, without one, from the build cache (``gongkai/catalog``'s cache, kept between CI runs
that do not keep the site). Once withdrawn, an id stays in the delete lines until it is
published again, so an engine that missed an export still deletes it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from .tokenize import doc_number_key

CACHE_KIND = "search-export"
ID_RE = re.compile(r"^[A-Za-z0-9_-]{1,511}$")  # Meilisearch's rule for a document id; also safe in ES URLs
# Fields of an exported document, in order, with their Elasticsearch/OpenSearch field types.
TEXT_FIELDS = ("title", "content", "summary", "keywords", "publisher")
FIELD_TYPES = {
    "id": "keyword", "site_code": "keyword", "site_name": "keyword", "url": "keyword", "title": "text",
    "publisher": "text", "publisher_code": "keyword", "published": "date", "written": "date",
    "doc_number": "keyword", "doc_number_key": "keyword", "index_number": "keyword", "topic": "keyword",
    "kind": "keyword", "validity": "keyword", "columns": "keyword", "keywords": "text", "summary": "text",
    "content": "text",
}


@dataclass
class ExportRow:
    """One published document as the export writes it."""

    id: str
    fields: dict


def export_id(site_code: str, index_number: str) -> str:
    return f"{site_code}_{index_number}".replace("/", "_")


def row(site_code: str, site_name: str, url: str, doc, publisher: str, columns: list[str], text: str) -> ExportRow:
    """``doc`` is the core's Document; ``url`` absolute when the site has a site_url."""
    ident = export_id(site_code, doc.index_number)
    if not ID_RE.match(ident):
        raise ValueError(f"{doc.source}：导出编号 {ident} 不可用（网站标识码和索引号只能含字母、数字、“-”和“/”）")
    fields = {
        "id": ident, "site_code": site_code, "site_name": site_name, "url": url, "title": doc.title,
        "publisher": publisher, "publisher_code": doc.publisher_id, "published": doc.published.isoformat(),
        "written": doc.written.isoformat(), "doc_number": doc.doc_number or None,
        "doc_number_key": doc_number_key(doc.doc_number) if doc.doc_number else None,
        "index_number": doc.index_number, "topic": doc.topic, "kind": doc.kind or None,
        "validity": doc.validity, "columns": columns, "keywords": list(doc.keywords), "summary": doc.summary or "",
        "content": text,
    }
    return ExportRow(ident, {k: v for k, v in fields.items() if v is not None})


def index_definition(analyzer: str) -> dict:
    """``PUT /<index>`` body. ``analyzer``: "ik" (the IK plugin: ik_max_word to index, ik_smart to search) or
    "smartcn" (the analysis-smartcn plugin of Elasticsearch / OpenSearch)."""
    index_an, search_an = ("ik_max_word", "ik_smart") if analyzer == "ik" else ("smartcn", "smartcn")
    properties = {}
    for name, kind in FIELD_TYPES.items():
        if kind == "text":
            prop = {"type": "text", "analyzer": index_an, "search_analyzer": search_an}
            if name in ("title", "publisher"):
                prop["fields"] = {"raw": {"type": "keyword", "ignore_above": 512}}
        elif kind == "date":
            prop = {"type": "date", "format": "yyyy-MM-dd"}
        else:
            prop = {"type": "keyword"}
        properties[name] = prop
    return {"settings": {"number_of_shards": 1}, "mappings": {"dynamic": "strict", "properties": properties}}


MEILI_SETTINGS = {
    "searchableAttributes": ["title", "doc_number", "keywords", "summary", "content", "publisher"],
    "filterableAttributes": ["site_code", "publisher_code", "topic", "kind", "validity", "columns",
                             "doc_number_key", "index_number", "published"],
    "sortableAttributes": ["published"],
    "displayedAttributes": ["*"],
}


def previous_ids(cache, old_site_file: Path | None) -> tuple[set[str], set[str]] | None:
    """(ids of the last export, ids withdrawn so far), or None when no earlier export is known."""
    data = cache.get(CACHE_KIND, "ids") if cache is not None else None
    if data is None and old_site_file is not None and old_site_file.is_file():
        try:
            data = json.loads(old_site_file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
    if not isinstance(data, dict):
        return None
    return set(data.get("ids", [])), set(data.get("withdrawn", []))


def write_export(rows: list[ExportRow], out: Path, previous: tuple[set[str], set[str]] | None, cache=None,
                 writer=None) -> dict:
    """Write the export files into ``out``; return counts for the build log. ``writer`` (the core's
    ``output_writer``) writes each file: one whose bytes are the previous site's is linked from it instead."""
    out.mkdir(parents=True, exist_ok=True)
    rows = sorted(rows, key=lambda r: r.id)
    ids = [r.id for r in rows]
    current = set(ids)
    if len(current) != len(ids):  # 索引号 are unique per site (the core checks); a repeat would overwrite
        raise ValueError("导出：索引号重复")
    withdrawn: set[str] = set()
    if previous is not None:
        last, before = previous
        withdrawn = (last | before) - current
    dump = lambda value: json.dumps(value, ensure_ascii=False, separators=(",", ":"))  # noqa: E731

    def write(name: str, text: str) -> None:
        data = text.encode("utf-8")
        if writer is not None:
            writer.write(out / name, data)
        else:
            (out / name).write_bytes(data)

    bulk = []
    for r in rows:
        bulk.append(dump({"index": {"_id": r.id}}))
        bulk.append(dump(r.fields))
    for ident in sorted(withdrawn):
        bulk.append(dump({"delete": {"_id": ident}}))
    write("opensearch-bulk.ndjson", "".join(line + "\n" for line in bulk))
    for name in ("ik", "smartcn"):
        write(f"opensearch-index-{name}.json", json.dumps(index_definition(name), ensure_ascii=False, indent=2) + "\n")
    write("meilisearch-documents.json", dump([r.fields for r in rows]) + "\n")
    write("meilisearch-settings.json", json.dumps(MEILI_SETTINGS, indent=2) + "\n")
    write("meilisearch-delete.json", dump(sorted(withdrawn)) + "\n")
    manifest = {"ids": ids, "withdrawn": sorted(withdrawn)}
    write("ids.json", dump(manifest) + "\n")
    if cache is not None:
        cache.put(CACHE_KIND, "ids", manifest)
    return {"documents": len(rows), "withdrawn": len(withdrawn)}
