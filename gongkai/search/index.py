"""The static search index: an inverted index of bigram terms cut into small gzip shards, and one small gzip
fragment per document for the results page.

Layout of ``<out>/`` (all ``.bin`` files are gzip; the browser inflates them with DecompressionStream):

- ``meta.bin`` — JSON: document count, the first term of every shard (sorted in UTF-16 order, as JavaScript
  compares strings), year → id ranges, filter labels and which characters are 繁体.
- ``t2s.bin`` — the 繁→简 table, fetched only for a query holding a 繁体 character.
- ``t/<n>.bin`` — one shard: a run of consecutive terms with their postings. A query fetches only the shards of
  its own terms, so the bytes it moves depend on how common its terms are, not on the size of the site.
- ``d/<id // 1000>/<id>.bin`` — JSON of one document: url, title, display fields and text for the snippet.

Documents are numbered newest first (发布日期, then url), so "sort by date" is id order and a year is a
contiguous id range: neither needs any per-document data at query time. Postings are varints of
``(id gap << 3) | weight``, where weight (1–7) grades the term frequency in the body (BM25 saturation with
length normalisation, three levels) and adds 4 when the term is in the title; the client multiplies it by the
term's idf, computed from the document frequency stored with the term.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
import shutil
from array import array
from collections import Counter
from itertools import chain, repeat
from operator import and_, sub
from dataclasses import dataclass, field, fields
from importlib import metadata
from pathlib import Path
from typing import Iterable
import zlib

from .. import parallel
from . import pinyin
from .t2s import T2S
from .tokenize import DOC_NUMBER_RE, EXACT, FACET, PINYIN, cited_terms, doc_number_key, exact_terms, fold, terms

FORMAT = 1
TEXT_LIMIT = 6000  # characters of body text kept for snippets
DOCS_PER_DIR = 1000
K1, B = 1.2, 0.75
PARALLEL_MIN = 2000  # documents per worker below which a second process costs more than it saves


@dataclass
class Record:
    """One searchable page: a 政府信息 document or another page of the site."""

    url: str  # site-relative
    title: str
    text: str  # plain text of the body
    published: dt.date | None = None  # 发布日期
    publisher: str | None = None  # 发布主体 id
    columns: list[str] = field(default_factory=list)  # 栏目 ids with their ancestors
    topic: str | None = None  # 主题分类
    kind: str | None = None  # 文件类型
    doc_number: str | None = None  # 文号
    index_number: str | None = None  # 索引号
    validity: str | None = None  # 有效性 at the build's instant
    in_force: bool = False  # 现行有效: 有效 or 已修改（仍有效）
    display: dict = field(default_factory=dict)  # labels shown with the result (发布主体 name, 栏目 name …)
    snippet: str | None = None  # running text for the result snippet, when it differs from the indexed text
    keywords: list[str] = field(default_factory=list)  # 主题词 (already in ``text``; their pinyin is indexed too)


@dataclass
class Facets:
    """Labels of the filters, in the order the results page shows them."""

    publishers: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    columns: list[tuple[str, str, int]] = field(default_factory=list)  # (id, name, depth)
    topics: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)
    validities: list[str] = field(default_factory=list)  # 现行有效, then the states documents have
    agencies: list[str] = field(default_factory=list)  # 机关代字 of the 文号, most documents first
    number_years: list[int] = field(default_factory=list)  # 年份 of the 文号, newest first


def number_parts(doc_number: str | None) -> tuple[str, int] | None:
    """(机关代字, 年份) of a 文号 of the 代字〔年份〕序号号 form, whatever brackets it was written with."""
    if not doc_number:
        return None
    key = doc_number_key(doc_number)
    match = DOC_NUMBER_RE.match(key)
    return (key[:key.index("〔")], int(match.group(1))) if match else None


def number_facets(numbers: Iterable[str | None]) -> tuple[list[str], list[int]]:
    """The 机关代字 (most documents first) and 文号 years (newest first) of these 文号."""
    agencies: Counter = Counter()
    years: set[int] = set()
    for number in numbers:
        parts = number_parts(number)
        if parts:
            agencies[parts[0]] += 1
            years.add(parts[1])
    return [a for a, _ in sorted(agencies.items(), key=lambda kv: (-kv[1], kv[0]))], sorted(years, reverse=True)


@dataclass
class IndexStats:
    documents: int
    terms: int
    postings: int
    shards: int
    files: int
    bytes: int


def _varint(out: bytearray, value: int) -> None:
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)


def _varint_bytes(value: int) -> bytes:
    out = bytearray()
    _varint(out, value)
    return bytes(out)


class _VarintTable(dict):
    """value → varint bytes; the one- and two-byte values are precomputed, larger ones filled on demand."""

    def __missing__(self, value: int) -> bytes:
        encoded = self[value] = _varint_bytes(value)
        return encoded


_VARINTS = _VarintTable((v, _varint_bytes(v)) for v in range(1 << 14))


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def _write(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)


def file_digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def _index_part(records: list[Record], start: int, end: int, out: Path, avg_len: float, memo=None, write=_write):
    """Postings and fragments of documents ``start``–``end``: (term → [postings, last id, df], files, bytes,
    postings, [(fragment path, size, digest)]). Gaps are counted from -1 at the start of the part; ``_merge``
    re-bases them."""
    written = []
    # term → doc_id << 3 | weight while reading: an int for a term seen once (most terms of a large site), an
    # array of 4-byte values from the second posting on (a list of int objects would take ten times the memory
    # on a 100,000-document site); encoded to gaps once per term at the end.
    lists: dict[str, int | array] = {}
    get = lists.get
    files = total_bytes = postings = 0
    memo = memo.open(start) if memo is not None else None
    for doc_id in range(start, end):
        rec = records[doc_id]
        counted = folded = None
        if memo is not None:  # the build cache: a record's terms are those of its title, text and 主题词
            key, counted = memo.get(rec.title, rec.text, *rec.keywords)
        if counted is None or len(counted) != 3:  # none, or made by a version without pinyin
            title = Counter(terms(fold(rec.title)))
            folded = fold(rec.text)
            body = Counter(terms(folded))
            # Pinyin of the title (a title term) and of the 主题词 (a body term): docs/search.md, Pinyin.
            # pypinyin's phrase lookup is the slow part (~0.5 ms a title), hence inside the cached step.
            spoken = dict.fromkeys(pinyin.index_terms(fold(" ".join(rec.keywords))), 2) if rec.keywords else {}
            spoken.update(dict.fromkeys(pinyin.index_terms(fold(rec.title)), 5))
            if memo is not None:
                memo.put(key, [title, body, spoken])
        else:
            title, body, spoken = counted
        # BM25 saturation tf / (tf + norm) graded in thirds: below 1/3 ⇔ tf < norm / 2, below 2/3 ⇔ tf < 2 norm.
        norm = K1 * (1 - B + B * len(rec.text) / avg_len)
        low, high = norm / 2, 2 * norm
        base = doc_id << 3
        values = {term: base | (1 if tf < low else 2 if tf < high else 3) for term, tf in body.items()}
        for term in title:
            values[term] = values.get(term, base) + 4
        for term, weight in spoken.items():
            values[term] = base | weight
        if rec.publisher:
            values[f"{FACET}p:{rec.publisher}"] = base
        for column in rec.columns:
            values[f"{FACET}c:{column}"] = base
        if rec.topic:
            values[f"{FACET}t:{rec.topic}"] = base
        if rec.kind:
            values[f"{FACET}k:{rec.kind}"] = base
        if rec.validity:
            values[f"{FACET}v:{rec.validity}"] = base
            if rec.in_force:
                values[f"{FACET}v:现行有效"] = base
        parts = number_parts(rec.doc_number)
        if parts:
            values[f"{FACET}j:{parts[0]}"] = base
            values[f"{FACET}w:{parts[1]}"] = base
        for term in exact_terms([rec.doc_number, rec.index_number]):
            values[term] = base  # weight 0: the document's own 文号 / 索引号
        for term in cited_terms(rec.text, folded):
            values.setdefault(term, base | 1)  # weight 1: a 文号 its text cites
        # The hot loop of the build, once per posting: keep it to a lookup and an append.
        for term, value in values.items():
            found = get(term)
            if found is None:
                lists[term] = value
            elif found.__class__ is int:
                lists[term] = array("I", (found, value))
            else:
                found.append(value)
        postings += len(values)

        text = rec.text if rec.snippet is None else rec.snippet
        text = text[:TEXT_LIMIT] if len(text) > TEXT_LIMIT else text
        fragment = {"u": rec.url, "t": rec.title, "x": text}
        if rec.published:
            fragment["d"] = rec.published.isoformat()
        for key, value in (("n", rec.doc_number), ("i", rec.index_number), ("k", rec.kind), ("s", rec.topic),
                           ("v", rec.validity)):
            if value:
                fragment[key] = value
        fragment.update(rec.display)
        data = _gzip(json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode())
        rel = f"d/{doc_id // DOCS_PER_DIR}/{doc_id}.bin"
        write(out / rel, data)
        written.append((rel, len(data), file_digest(data)))
        files += 1
        total_bytes += len(data)
    if memo is not None:
        memo.close()
    # Gaps from the previous id of the part (from start - 1 for the first), in C-level iterators:
    # value - (previous value with its weight bits cleared) = gap << 3 | weight.
    first = (start - 1) << 3
    varints = _VARINTS
    index = {}
    while lists:  # emptied as the index fills: the two never hold every posting at once
        term, values = lists.popitem()
        if values.__class__ is int:  # most terms of a large site occur once: skip the iterator set-up
            index[term] = [bytearray(varints[values - first]), values >> 3, 1]
        else:
            index[term] = [bytearray(b"".join(map(varints.__getitem__, map(sub, values, chain(
                (first,), map(and_, values, repeat(-8))))))), values[-1] >> 3, len(values)]
    return index, files, total_bytes, postings, written


def _merge(index: dict[str, list], part: dict[str, list], start: int) -> None:
    """Append a later part's postings; its first gap per term was counted from ``start - 1``."""
    for term, entry in part.items():
        mine = index.get(term)
        if mine is None:
            value, pos = _read_varint(entry[0], 0)
            doc_id = start - 1 + (value >> 3)
            entry[0] = bytearray(_varint_bytes(((doc_id + 1) << 3) | (value & 7))) + entry[0][pos:]
            index[term] = entry
            continue
        value, pos = _read_varint(entry[0], 0)
        doc_id = start - 1 + (value >> 3)
        mine[0] += _varint_bytes(((doc_id - mine[1]) << 3) | (value & 7))
        mine[0] += entry[0][pos:]
        mine[1] = entry[1]
        mine[2] += entry[2]


def _read_varint(data, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def build_index(records: Iterable[Record], out: Path, facets: Facets | None = None, *,
                shard_bytes: int = 12_000, workers: int = 1, cache=None, synonyms: list | None = None,
                writer=None) -> IndexStats:
    """Write the index of ``records`` into ``out`` (replaced). ``shard_bytes`` is the raw size a shard is
    filled to before the next one starts; a single term larger than that gets a shard of its own. With
    ``workers`` > 1 (and fork available), large sites are tokenized in that many processes. With ``cache`` (the
    build cache, gongkai/buildcache.py), a record's terms are counted once for the same title and text.
    ``synonyms`` (gongkai.search.synonyms.synonym_groups) go into ``meta.bin`` for the browser to widen queries.
    ``writer`` (the core's ``output_writer``) writes each file: one whose bytes are the previous site's is linked
    from it when the site is published."""
    records = sorted(records, key=lambda r: (-(r.published.toordinal() if r.published else 0), r.url))
    out = Path(out)
    facets = facets or Facets()
    whole = None
    if cache is not None:
        # The files of an index are a function of its records, filters, synonyms and settings (and of the code,
        # which every key carries): made from the same, they are the same files.
        whole = cache.key(WHOLE, _inputs_digest(records, facets, synonyms, shard_bytes))
        stats = _reuse_whole(cache, whole, records, out, writer) if writer is not None else None
        if stats is not None:
            return stats
    if out.exists():
        shutil.rmtree(out)
    (out / "t").mkdir(parents=True)
    count = len(records)
    for bucket in range(-(-count // DOCS_PER_DIR)):
        (out / "d" / str(bucket)).mkdir(parents=True)
    avg_len = max(1.0, sum(len(r.text) for r in records) / max(1, count))
    years: list[list[int]] = []
    months: list[list[int]] = []  # [yyyymm, first id, last id]: a date range is an id range too
    for doc_id, rec in enumerate(records):
        if rec.published:
            if years and years[-1][0] == rec.published.year:
                years[-1][2] = doc_id
            else:
                years.append([rec.published.year, doc_id, doc_id])
            month = rec.published.year * 100 + rec.published.month
            if months and months[-1][0] == month:
                months[-1][2] = doc_id
            else:
                months.append([month, doc_id, doc_id])

    memo = cache.for_workers("search") if cache is not None else None
    workers = max(1, min(workers, count // PARALLEL_MIN))
    step = -(-count // workers) if count else 1
    bounds = [(i, min(count, i + step)) for i in range(0, count, step)] or [(0, 0)]

    def part(b: tuple[int, int]):
        if writer is None:
            return _index_part(records, b[0], b[1], out, avg_len, memo), None
        writer.start_worker()  # what this process decides goes back to the build's writer (adopt, below)
        return _index_part(records, b[0], b[1], out, avg_len, memo, writer.write), writer.take()

    done = parallel.map_ordered(part, bounds, workers=workers, name=lambda b: f"第 {b[0] + 1}–{b[1]} 条记录",
                                chunks_per_worker=1)
    parts = [p for p, _ in done]
    for _, decided in done:
        if decided:
            writer.adopt(decided)
    if memo is not None:
        cache.merge(memo)
    index, files, total_bytes, postings, written = parts[0]
    for (start, _), (part, f, b, p, w) in zip(bounds[1:], parts[1:]):
        _merge(index, part, start)
        files, total_bytes, postings = files + f, total_bytes + b, postings + p
        written += w

    def write(rel: str, data: bytes) -> None:
        nonlocal files, total_bytes
        (writer.write if writer else _write)(out / rel, data)
        written.append((rel, len(data), file_digest(data)))
        files += 1
        total_bytes += len(data)

    # Shards: consecutive terms in JavaScript's string order, filled up to shard_bytes.
    firsts: list[str] = []
    head, body, size = bytearray(), [], 0
    n_terms = 0

    def flush():
        nonlocal head, body, size, n_terms
        if not body:
            return
        data = bytearray()
        _varint(data, n_terms)
        data += head
        for chunk in body:
            data += chunk
        write(f"t/{len(firsts) - 1}.bin", _gzip(bytes(data)))
        head, body, size, n_terms = bytearray(), [], 0, 0

    for term in sorted(index, key=_utf16_key):
        buf, _, df = index[term]
        if body and size + len(buf) > shard_bytes:
            flush()
        if not body:
            firsts.append(term)
        encoded = term.encode()
        _varint(head, len(encoded))
        head += encoded
        _varint(head, df)
        _varint(head, len(buf))
        body.append(buf)
        size += len(buf) + len(encoded) + 4
        n_terms += 1
    flush()

    meta = {
        "v": FORMAT, "n": count, "shards": firsts, "years": years, "months": months, "dirs": DOCS_PER_DIR,
        "facets": {"p": facets.publishers, "c": facets.columns, "t": facets.topics, "k": facets.kinds,
                   "j": facets.agencies, "w": facets.number_years, "v": facets.validities},
        # The 繁体 characters only (gaps between code points, hex): a query holding none needs no table.
        "trad": _code_point_gaps(T2S),
        "syn": synonyms or [],
        "spoken": pinyin.spoken_words(synonyms or []),
    }
    write("t2s.bin", _gzip("".join(t + s for t, s in T2S.items()).encode()))  # fetched for a 繁体 query only
    write("meta.bin", _gzip(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()))
    stats = IndexStats(documents=count, terms=len(index), postings=postings, shards=len(firsts), files=files,
                       bytes=total_bytes)
    if whole is not None:
        cache.put(WHOLE, whole, {"files": written, "stats": [getattr(stats, f.name) for f in fields(IndexStats)]})
    return stats


WHOLE = "search-index"  # the build cache's kind: what an index's files were (path, size, digest), and its stats


def _inputs_digest(records: list[Record], facets: Facets, synonyms: list | None, shard_bytes: int) -> str:
    """Everything an index's files are made from but the code: its records in order, filters, synonyms and
    settings, and the versions of what turns them into bytes besides gongkai (pinyin, gzip)."""
    h = hashlib.blake2b(digest_size=20)

    def put(value: str) -> None:
        data = value.encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    try:
        spoken = metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        spoken = "absent"
    put(json.dumps([FORMAT, shard_bytes, DOCS_PER_DIR, TEXT_LIMIT, K1, B, zlib.ZLIB_RUNTIME_VERSION, spoken,
                    [getattr(facets, f.name) for f in fields(Facets)], synonyms or []], ensure_ascii=False, default=str))
    names = [f.name for f in fields(Record) if f.name not in ("title", "text", "snippet")]
    for rec in records:
        put(rec.title)
        put(rec.text)
        put("\0" if rec.snippet is None else rec.snippet)
        put(json.dumps([getattr(rec, name) for name in names], ensure_ascii=False, default=str))
    return h.hexdigest()


def _manifest_shape(value) -> bool:
    return (isinstance(value, dict) and isinstance(value.get("files"), list)
            and all(isinstance(f, list) and len(f) == 3 and isinstance(f[0], str) and isinstance(f[1], int)
                    and isinstance(f[2], str) for f in value["files"])
            and isinstance(value.get("stats"), list) and len(value["stats"]) == len(fields(IndexStats))
            and all(isinstance(n, int) for n in value["stats"]))


def _reuse_whole(cache, key: str, records: list[Record], out: Path, writer) -> IndexStats | None:
    """The previous site's index, when it was made from the same inputs and every file of it is still what was
    written (size and digest): its files are kept for links (``writer``) and nothing is computed. The term
    counts of every record stay in the cache for the next build that does compute."""
    manifest = cache.get(WHOLE, key, shape=_manifest_shape)
    if manifest is None or not writer.keep_previous(out, manifest["files"], file_digest):
        return None
    cache.keep("search", [cache.key(rec.title, rec.text, *rec.keywords) for rec in records])
    return IndexStats(*manifest["stats"])


def _code_point_gaps(chars) -> str:
    """The characters as the hex gaps between their sorted code points ("4e0f,3,1a…"): a third of the bytes
    of the characters themselves once compressed (search.js reads it back)."""
    out, last = [], 0
    for code in sorted(map(ord, chars)):
        out.append(format(code - last, "x"))
        last = code
    return ",".join(out)


def directory_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under a directory."""
    size = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            size += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return size, files


__all__ = ["Record", "Facets", "IndexStats", "build_index", "directory_size", "EXACT", "FACET", "PINYIN"]
