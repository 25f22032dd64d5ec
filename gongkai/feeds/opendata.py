"""catalog.json, documents.json and llms.txt: the site's catalog and document metadata for programs.

Keys are the site's own Chinese field names (those of the front matter and of catalog/*.yml); the JSON Schemas
are docs/schemas/catalog.schema.json and docs/schemas/documents.schema.json.
"""

from __future__ import annotations

import json
from collections import defaultdict
from typing import Callable
from urllib.parse import quote

from ..model import Catalog, Column, Document

FORMAT_VERSION = 1  # catalog.json
# documents.json: 2 added 施行日期, 废止日期, 失效日期, 废止依据, 修改依据, 废止文件, 修改文件, 修订记录 and two 有效性 values
DOCUMENTS_VERSION = 2


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def validity_record(doc: Document, absolute: Callable[[str], str]) -> dict:
    """施行日期, 废止, 失效, 修改 and 修订记录 of a document, with the documents of the site they name."""
    t = doc.timeline

    def link(l):
        return {"标题": l.title, "文号": l.number, "网址": absolute(l.url), "日期": l.date.isoformat() if l.date else None}

    def day(d):
        return d.isoformat() if d else None

    return {"施行日期": day(t.in_force), "废止日期": day(t.repealed), "失效日期": day(t.expires),
            "废止依据": link(t.repealed_by) if t.repealed_by else None, "修改依据": [link(a) for a in t.amended_by],
            "废止文件": [link(a) for a in t.abolished], "修改文件": [link(a) for a in t.amended],
            "修订记录": [{"日期": r.date.isoformat(), "说明": r.note} for r in t.revisions]}


def document_record(doc: Document, catalog: Catalog, absolute: Callable[[str], str]) -> dict:
    publisher = catalog.organizations[doc.publisher_id]
    return {
        "索引号": doc.index_number,
        "标题": doc.title,
        "文号": doc.doc_number,
        "发布机构": publisher.name,
        "发布主体": publisher.id,
        "成文日期": doc.written.isoformat(),
        "发布日期": doc.published.isoformat(),
        "栏目": list(doc.column_ids),
        "主题分类": doc.topic,
        "有效性": doc.validity,
        **validity_record(doc, absolute),
        "文件类型": doc.kind,
        "主题词": list(doc.keywords),
        "内容概述": doc.summary,
        "网址": absolute(doc.url),
        "附件": [{"名称": a.name, "网址": absolute(quote(a.path))} for a in doc.attachments],
    }


def documents_files(documents: list[Document], records: dict[str, dict], shard_size: int,
                    shard_uri: Callable[[int], str], absolute: Callable[[str], str]) -> dict[str, dict]:
    """{"": documents.json, shard src_uri: shard} — one file while small, else one file per 发布日期 year.

    Year shards keep earlier years' files unchanged when a document is added, so caches and mirrors stay valid.
    Documents are newest first in every file.
    """
    ordered = sorted(documents, key=lambda d: d.sort_key, reverse=True)
    if len(ordered) <= shard_size:
        return {"": {"版本": DOCUMENTS_VERSION, "总数": len(ordered), "文件": [records[d.src_path] for d in ordered]}}
    by_year: dict[int, list[Document]] = defaultdict(list)
    for doc in ordered:
        by_year[doc.published.year].append(doc)
    files: dict[str, dict] = {}
    index = {"版本": DOCUMENTS_VERSION, "总数": len(ordered), "分片": []}
    for year in sorted(by_year, reverse=True):
        uri = shard_uri(year)
        docs = by_year[year]
        files[uri] = {"版本": DOCUMENTS_VERSION, "年份": year, "总数": len(docs), "文件": [records[d.src_path] for d in docs]}
        index["分片"].append({"年份": year, "总数": len(docs), "网址": absolute(uri)})
    files[""] = index
    return files


def catalog_record(catalog: Catalog, *, absolute: Callable[[str], str], site_url: str, column_url, org_url,
                   feed_url: Callable[[str], str], documents_url: str, counts: dict[str, int]) -> dict:
    """The 主动公开基本目录 (column tree), the 发布主体 and the 主题分类, each with its page and feed."""

    def column(c: Column) -> dict:
        return {
            "id": c.id, "名称": c.name, "类型": c.kind, "说明": c.description or None,
            "适用": list(c.applies_to), "更新类别": c.update_class, "主题分类": c.topic,
            "网址": absolute(column_url(c)),
            "订阅": absolute(feed_url(f"column:{c.id}")) if c.lists_documents else None,
            "文件数": counts.get(f"column:{c.id}", 0),
            "子栏目": [column(child) for child in c.children],
        }

    site = catalog.site
    return {
        "版本": FORMAT_VERSION,
        "网站": {"名称": site.name, "主办单位": site.sponsor, "网站标识码": site.site_code, "网址": site_url,
               "订阅": absolute(feed_url("site")), "文件数据": documents_url},
        "发布主体": [{
            "id": o.id, "名称": o.name, "简称": o.short_name, "类型": o.kind, "机构代码": o.code, "上级": o.parent_id,
            "网址": absolute(org_url(o)), "订阅": absolute(feed_url(f"org:{o.id}")), "文件数": counts.get(f"org:{o.id}", 0),
        } for o in catalog.organizations.values()],
        "目录": [column(c) for c in catalog.roots],
        "主题分类": [{"名称": topic, "订阅": absolute(feed_url(f"topic:{topic}")), "文件数": counts.get(f"topic:{topic}", 0)}
                 for topic in _topics()],
    }


def _topics():
    from ..model import TOPICS
    return TOPICS


def llms_txt(*, site_name: str, description: str, links: list[tuple[str, list[tuple[str, str, str]]]]) -> str:
    """/llms.txt (llmstxt.org): a title, a summary, then sections of "- [name](url): what it is" lines."""
    lines = [f"# {site_name}", ""]
    if description:
        lines += [f"> {description}", ""]
    lines += ["本站按主动公开基本目录发布政府信息。下列地址提供机器可读的目录、文件元数据和订阅源，"
              "数据格式见各文件中的字段名（与文件元数据字段一致）。", ""]
    for heading, items in links:
        lines += [f"## {heading}", ""]
        lines += [f"- [{name}]({url})" + (f": {note}" if note else "") for name, url, note in items]
        lines.append("")
    return "\n".join(lines)
