"""The static search index: an inverted index of bigram terms cut into small gzip shards, and one small gzip
fragment per document for the results page.

Layout of ``<out>/`` (all ``.bin`` files are gzip; the browser inflates them with DecompressionStream):

- ``meta.bin`` — JSON: document count, the first term of every shard (sorted in UTF-16 order, as JavaScript
  compares strings), year → id ranges, filter labels and the 繁→简 table.
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
import json
import os
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from .t2s import T2S
from .tokenize import EXACT, FACET, exact_terms, fold, terms

FORMAT = 1
TEXT_LIMIT = 6000  # characters of body text kept for snippets
DOCS_PER_DIR = 1000
K1, B = 1.2, 0.75


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
    display: dict = field(default_factory=dict)  # labels shown with the result (发布主体 name, 栏目 name …)


@dataclass
class Facets:
    """Labels of the filters, in the order the results page shows them."""

    publishers: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    columns: list[tuple[str, str, int]] = field(default_factory=list)  # (id, name, depth)
    topics: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


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


_SMALL = 1 << 14  # values below this are one or two bytes; their encodings are precomputed
_VARINTS = [_varint_bytes(v) for v in range(_SMALL)]


def _utf16_key(term: str) -> bytes:
    return term.encode("utf-16-be")


def _gzip(data: bytes) -> bytes:
    return gzip.compress(data, compresslevel=6, mtime=0)


def build_index(records: Iterable[Record], out: Path, facets: Facets | None = None, *,
                shard_bytes: int = 12_000) -> IndexStats:
    """Write the index of ``records`` into ``out`` (replaced). ``shard_bytes`` is the raw size a shard is
    filled to before the next one starts; a single term larger than that gets a shard of its own."""
    records = sorted(records, key=lambda r: (-(r.published.toordinal() if r.published else 0), r.url))
    out = Path(out)
    if out.exists():
        shutil.rmtree(out)
    (out / "t").mkdir(parents=True)
    files = total_bytes = 0

    def write(rel: str, data: bytes) -> None:
        nonlocal files, total_bytes
        path = out / rel
        with open(path, "wb") as fh:
            fh.write(data)
        files += 1
        total_bytes += len(data)

    count = len(records)
    avg_len = max(1.0, sum(len(r.text) for r in records) / max(1, count))
    # term → [postings, last id, document frequency]
    index: dict[str, list] = {}
    postings = 0
    years: list[list[int]] = []
    dirs: set[int] = set()
    get = index.get
    for doc_id, rec in enumerate(records):
        title = Counter(terms(fold(rec.title)))
        text = rec.text[:TEXT_LIMIT] if len(rec.text) > TEXT_LIMIT else rec.text
        body = Counter(terms(fold(rec.text)))
        # BM25 saturation tf / (tf + norm) graded in thirds: below 1/3 ⇔ tf < norm / 2, below 2/3 ⇔ tf < 2 norm.
        norm = K1 * (1 - B + B * len(rec.text) / avg_len)
        low, high = norm / 2, 2 * norm
        weights = {term: (1 if tf < low else 2 if tf < high else 3) for term, tf in body.items()}
        for term in title:
            weights[term] = weights.get(term, 0) + 4
        extra = []
        if rec.publisher:
            extra.append(f"{FACET}p:{rec.publisher}")
        extra += [f"{FACET}c:{c}" for c in dict.fromkeys(rec.columns)]
        if rec.topic:
            extra.append(f"{FACET}t:{rec.topic}")
        if rec.kind:
            extra.append(f"{FACET}k:{rec.kind}")
        extra += exact_terms([rec.doc_number, rec.index_number])
        for term in extra:
            weights[term] = 0
        # The hot loop of the build (once per posting): table lookups instead of varint arithmetic.
        for term, weight in weights.items():
            entry = get(term)
            if entry is None:
                value = ((doc_id + 1) << 3) | weight
                index[term] = [bytearray(_VARINTS[value] if value < _SMALL else _varint_bytes(value)), doc_id, 1]
                continue
            value = ((doc_id - entry[1]) << 3) | weight
            entry[0] += _VARINTS[value] if value < _SMALL else _varint_bytes(value)
            entry[1] = doc_id
            entry[2] += 1
        postings += len(weights)

        if rec.published:
            if years and years[-1][0] == rec.published.year:
                years[-1][2] = doc_id
            else:
                years.append([rec.published.year, doc_id, doc_id])
        bucket = doc_id // DOCS_PER_DIR
        if bucket not in dirs:
            (out / "d" / str(bucket)).mkdir(parents=True, exist_ok=True)
            dirs.add(bucket)
        fragment = {"u": rec.url, "t": rec.title, "x": text}
        if rec.published:
            fragment["d"] = rec.published.isoformat()
        for key, value in (("n", rec.doc_number), ("i", rec.index_number), ("k", rec.kind), ("s", rec.topic)):
            if value:
                fragment[key] = value
        fragment.update(rec.display)
        write(f"d/{bucket}/{doc_id}.bin", _gzip(json.dumps(fragment, ensure_ascii=False,
                                                           separators=(",", ":")).encode()))

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

    facets = facets or Facets()
    meta = {
        "v": FORMAT, "n": count, "shards": firsts, "years": years, "dirs": DOCS_PER_DIR,
        "facets": {"p": facets.publishers, "c": facets.columns, "t": facets.topics, "k": facets.kinds},
        "t2s": "".join(t + s for t, s in T2S.items()),
    }
    write("meta.bin", _gzip(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()))
    return IndexStats(documents=count, terms=len(index), postings=postings, shards=len(firsts), files=files,
                      bytes=total_bytes)


def directory_size(path: Path) -> tuple[int, int]:
    """(bytes, files) under a directory."""
    size = files = 0
    for dirpath, _, names in os.walk(path):
        for name in names:
            size += os.path.getsize(os.path.join(dirpath, name))
            files += 1
    return size, files


__all__ = ["Record", "Facets", "IndexStats", "build_index", "directory_size", "EXACT", "FACET"]
