"""The export for a province's search engine (gongkai/search/export.py): OpenSearch/Elasticsearch ``_bulk``
NDJSON with an index definition for Chinese, Meilisearch documents and settings, withdrawn documents deleted."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from gongkai.search.export import FIELD_TYPES, ID_RE

from kit import build, copy_mini

pytestmark = pytest.mark.build

# The _bulk body as the Elasticsearch / OpenSearch reference describes it: newline-delimited JSON, the last line
# ending in a newline; an action line is an object with one of index/create/update/delete naming the metadata
# (_index, _id …); index, create and update are followed by one source line, delete by none.
ACTION = {"type": "object", "minProperties": 1, "maxProperties": 1,
          "patternProperties": {"^(index|create|update|delete)$": {
              "type": "object", "properties": {"_id": {"type": "string", "minLength": 1, "maxLength": 512},
                                               "_index": {"type": "string"}},
              "additionalProperties": False}},
          "additionalProperties": False}
# Meilisearch: "add or replace documents" takes an array of objects; the primary key's value is a string of
# letters, digits, hyphens and underscores of at most 511 bytes (or an integer), unique per index.
MEILI_DOCS = {"type": "array", "items": {"type": "object", "required": ["id"], "properties": {
    "id": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,511}$"}}}}
MEILI_SETTINGS_KEYS = {"searchableAttributes", "filterableAttributes", "sortableAttributes", "displayedAttributes",
                       "rankingRules", "stopWords", "synonyms", "distinctAttribute", "typoTolerance"}


def read_bulk(path: Path) -> list[tuple[str, dict, dict | None]]:
    text = path.read_text(encoding="utf-8")
    assert text.endswith("\n"), "the _bulk body must end with a newline"
    lines = [json.loads(line) for line in text.splitlines()]
    out, i = [], 0
    while i < len(lines):
        jsonschema.validate(lines[i], ACTION)
        (action, meta), = lines[i].items()
        if action == "delete":
            out.append((action, meta, None))
            i += 1
        else:
            assert i + 1 < len(lines), f"{action} without its source line"
            out.append((action, meta, lines[i + 1]))
            i += 2
    return out


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    root = copy_mini(tmp_path_factory.mktemp("export"))
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search:\n      export: true\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    first = {p.name: p.read_bytes() for p in (root / "site" / "search" / "export").iterdir()}
    # Withdraw one document and build again: its id must come back as a delete line.
    withdrawn = root / "content" / "wj" / "jyj" / "2025" / "gf-2.md"
    index_number = re.search(r"^索引号: *(\S+)", withdrawn.read_text(encoding="utf-8"), re.M).group(1)
    withdrawn.unlink()
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    return root, first, index_number


def test_bulk_ndjson_follows_the_bulk_format_with_stable_ids(exported):
    root, first, _ = exported
    out = root / "site" / "search" / "export"
    entries = read_bulk(out / "opensearch-bulk.ndjson")
    indexed = [(m, src) for action, m, src in entries if action == "index"]
    assert len(indexed) == 7  # the mini site's documents but the withdrawn one
    for meta, source in indexed:
        assert meta["_id"] == source["id"] and ID_RE.match(meta["_id"])
        assert source["id"] == source["site_code"] + "_" + source["index_number"].replace("/", "_")
        assert set(source) <= set(FIELD_TYPES), set(source) - set(FIELD_TYPES)
        assert source["url"].endswith("/") and source["title"] and source["content"]
        assert re.fullmatch(r"\d{4}-\d\d-\d\d", source["published"])
    # The same document gets the same id in both builds.
    before = {m["_id"] for m, _ in (e[1:] for e in read_bulk_bytes(first["opensearch-bulk.ndjson"]))}
    assert {m["_id"] for m, _ in indexed} < before


def read_bulk_bytes(data: bytes):
    lines = [json.loads(line) for line in data.decode().splitlines()]
    return [(next(iter(a)), a[next(iter(a))], s) for a, s in zip(lines[::2], lines[1::2])]


def test_withdrawn_documents_become_delete_lines_in_both_formats(exported):
    root, first, index_number = exported
    out = root / "site" / "search" / "export"
    assert json.loads(first["meilisearch-delete.json"]) == []  # nothing known withdrawn at the first build
    deletes = [m["_id"] for action, m, _ in read_bulk(out / "opensearch-bulk.ndjson") if action == "delete"]
    assert len(deletes) == 1 and deletes[0].endswith("_" + index_number.replace("/", "_"))
    assert json.loads((out / "meilisearch-delete.json").read_text(encoding="utf-8")) == deletes
    manifest = json.loads((out / "ids.json").read_text(encoding="utf-8"))
    assert manifest["withdrawn"] == deletes and deletes[0] not in manifest["ids"]


def test_index_definitions_name_the_chinese_analyzers(exported):
    root, _, _ = exported
    out = root / "site" / "search" / "export"
    sources = [src for action, _, src in read_bulk(out / "opensearch-bulk.ndjson") if src]
    for name, index_an, search_an in (("ik", "ik_max_word", "ik_smart"), ("smartcn", "smartcn", "smartcn")):
        body = json.loads((out / f"opensearch-index-{name}.json").read_text(encoding="utf-8"))
        assert set(body) == {"settings", "mappings"}
        props = body["mappings"]["properties"]
        assert body["mappings"]["dynamic"] == "strict"
        # Every field a document carries is mapped (a strict mapping rejects unmapped fields).
        assert {k for s in sources for k in s} <= set(props)
        for field in ("title", "content", "keywords", "summary"):
            assert props[field] == {**props[field], "type": "text", "analyzer": index_an, "search_analyzer": search_an}
        assert props["published"] == {"type": "date", "format": "yyyy-MM-dd"}
        assert props["index_number"]["type"] == props["doc_number"]["type"] == "keyword"


def test_meilisearch_documents_and_settings(exported):
    root, _, _ = exported
    out = root / "site" / "search" / "export"
    docs = json.loads((out / "meilisearch-documents.json").read_text(encoding="utf-8"))
    jsonschema.validate(docs, MEILI_DOCS)
    assert len({d["id"] for d in docs}) == len(docs) == 7
    bulk = {src["id"]: src for action, _, src in read_bulk(out / "opensearch-bulk.ndjson") if src}
    assert {d["id"]: d for d in docs} == bulk  # the same documents in both formats
    settings = json.loads((out / "meilisearch-settings.json").read_text(encoding="utf-8"))
    assert set(settings) <= MEILI_SETTINGS_KEYS
    fields = {k for d in docs for k in d}
    for key in ("searchableAttributes", "filterableAttributes", "sortableAttributes"):
        assert set(settings[key]) <= fields, key


def test_without_a_cache_the_previous_ids_come_from_the_site_being_replaced(tmp_path):
    from gongkai.search.export import previous_ids
    old = tmp_path / "ids.json"
    assert previous_ids(None, old) is None  # a first build: nothing to delete
    old.write_text(json.dumps({"ids": ["1_a", "1_b"], "withdrawn": ["1_c"]}), encoding="utf-8")
    assert previous_ids(None, old) == ({"1_a", "1_b"}, {"1_c"})
    old.write_text("{broken", encoding="utf-8")
    assert previous_ids(None, old) is None


def test_without_a_cache_a_withdrawn_document_is_found_in_the_published_site(tmp_path):
    """Built without the build cache (GONGKAI_CACHE=0, a lost CI cache), the ids of the last export come from the
    site being replaced, not from the staging folder the build writes into."""
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search:\n      export: true\n", encoding="utf-8")
    no_cache = {"GONGKAI_CACHE": "0"}
    assert build(root, env=no_cache).returncode == 0
    withdrawn = root / "content" / "wj" / "jyj" / "2025" / "gf-2.md"
    index_number = re.search(r"^索引号: *(\S+)", withdrawn.read_text(encoding="utf-8"), re.M).group(1)
    withdrawn.unlink()
    result = build(root, env=no_cache)
    assert result.returncode == 0, result.stderr[-3000:]
    deletes = json.loads((root / "site" / "search" / "export" / "meilisearch-delete.json").read_text(encoding="utf-8"))
    assert len(deletes) == 1 and deletes[0].endswith("_" + index_number.replace("/", "_")), deletes
    assert "1 件撤回" in result.stderr


def test_a_sites_own_synonyms_reach_the_index_and_a_bad_file_stops_the_build(tmp_path):
    import gzip
    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search:\n      synonyms: tongyici.yml\n",
                      encoding="utf-8")
    (root / "tongyici.yml").write_text("- [不动产登记, 房产证]\n", encoding="utf-8")
    result = build(root)
    assert result.returncode == 0, result.stderr[-3000:]
    meta = json.loads(gzip.decompress((root / "site" / "search" / "data" / "meta.bin").read_bytes()))
    assert ["不动产登记", "房产证"] in meta["syn"] and ["低保", "最低生活保障", "最低生活保障金"] in meta["syn"]
    (root / "tongyici.yml").write_text("- [房产证]\n", encoding="utf-8")
    result = build(root)
    assert result.returncode != 0
    assert "tongyici.yml 第 1 组：一组至少要有两个不同的词" in result.stderr


def test_a_cached_build_withdraws_what_the_site_it_replaces_published(tmp_path):
    """The cache is older than the site it replaces (a build published with GONGKAI_CACHE=0, or without --strict
    and with a warning, saves no cache): a document that site published and this build does not is withdrawn, as
    a build without the cache over the same site withdraws it (it reads that site's ids.json)."""
    import shutil

    from kit import GOOD_FRONT, mkdocs_build, write_doc

    root = copy_mini(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - gongkai/search:\n      export: true\n", encoding="utf-8")
    assert build(root).returncode == 0  # the cache's export: no gf-5
    added = write_doc(root, "jyj/2025/gf-5.md", GOOD_FRONT, "读书月活动通知全文如下。\n\n活动安排另行通知。\n")
    assert build(root, env={"GONGKAI_CACHE": "0"}).returncode == 0  # published gf-5; the cache is not saved
    added.unlink()
    shutil.copytree(root / "site", root / "clean", symlinks=True)
    cached = build(root)
    clean = mkdocs_build(config, root / "clean", env={"GONGKAI_CACHE": "0"})
    assert cached.returncode == clean.returncode == 0, (cached.stderr[-3000:], clean.stderr[-3000:])
    export = Path("search") / "export"
    deletes = json.loads((root / "site" / export / "meilisearch-delete.json").read_text(encoding="utf-8"))
    assert len(deletes) == 1 and deletes[0].endswith("_999100002_2025-00020"), deletes
    for name in ("ids.json", "meilisearch-delete.json", "opensearch-bulk.ndjson"):
        assert (root / "site" / export / name).read_bytes() == (root / "clean" / export / name).read_bytes(), name
