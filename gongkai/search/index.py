"""The static search index: an inverted index of bigram terms cut into small gzip shards, and one small gzip
fragment per document for the results page.

Layout of ``<out>/`` (all ``.bin`` files are gzip; the browser inflates them with DecompressionStream):

- ``meta.bin`` — JSON: document count, the first term of every shard (sorted in UTF-16 order, as JavaScript
  compares strings), year → id ranges, filter labels and which characters are 繁体.
- ``t2s.bin`` — the 繁→简 table, fetched only for a query holding a 繁体 character.
- ``t/<n>.bin`` — one shard: a run of consecutive terms with their postings. A query fetches only the shards of
  its own terms, so the bytes it moves depend on how common its terms are, not on the size of the site.
- ``d/<id // 1000>/<id>.bin`` — JSON of one document: url, title, display fields and text for the snippet.

Every file is a function of the records alone, and of each record alone where it can be, so that a rebuild
after one document changed rewrites only what that document is in (docs/search.md, "Incremental index"):

- Documents are numbered oldest first (发布日期, then url; pages without a date first): a document published
  today takes the next id and renumbers no other. "Sort by date" is id order backwards and a year or a month is
  a contiguous id range: neither needs any per-document data at query time.
- Postings are varints of ``(id gap << 3) | weight``, where weight (1–7) grades the term frequency in the body
  (BM25 saturation with length normalisation against a fixed ``REF_LEN``, three levels) and adds 4 when the term
  is in the title; the client multiplies it by the term's idf, computed from the document frequency stored with
  the term. A record's weights depend on that record only.
- A shard starts at a term whose hash says so (``_natural``, given its own postings' size) or where the last one
  is full: a change to a few terms moves the boundaries only up to the next such term.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import heapq
import json
import logging
import mmap
import os
import re
import shutil
import tempfile
from array import array
from bisect import bisect_right
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

log = logging.getLogger("mkdocs.plugins.gongkai.search")

FORMAT = 2  # 2: ids oldest first, weights against REF_LEN, shards cut where their terms say
TEXT_LIMIT = 6000  # characters of body text kept for snippets
DOCS_PER_DIR = 1000
K1, B = 1.2, 0.75
REF_LEN = 500  # characters: the length BM25 normalises a body against (docs/search.md, Weights)
PARALLEL_MIN = 2000  # documents per worker below which a second process costs more than it saves
RUN = 5000  # records whose postings a process holds at once on a large site before writing them out


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


# ---- one record: its term values and its fragment, each a function of the record alone ------------------------

def _terms_parts(rec: Record) -> list[str]:
    """What a record's term values are made from (its url, date and display labels are not)."""
    return [rec.title, rec.text, json.dumps(
        [rec.keywords, rec.publisher, rec.columns, rec.topic, rec.kind, rec.validity, rec.in_force, rec.doc_number,
         rec.index_number], ensure_ascii=False, default=str)]


def record_line(rec: Record) -> bytes:
    """A record as a JSON array of its fields in order: what its digest hashes, and what
    ``gongkai.search.records`` keeps of it on disk while the pages render."""
    return json.dumps([getattr(rec, f.name) for f in fields(Record)], ensure_ascii=False,
                      default=str).encode("utf-8", "surrogatepass")


def record_digest(rec: Record) -> str:
    """Everything a record puts into the index (its postings, its place in the id order and its fragment)."""
    return file_digest(record_line(rec))


def spoken_parts(rec: Record) -> list[str]:
    """What a record's pinyin terms are made from: its title and 主题词 alone."""
    return ["spoken", rec.title, json.dumps(rec.keywords, ensure_ascii=False)]


def spoken_values(rec: Record) -> dict[str, int]:
    """The pinyin terms of a record's 主题词 (weight 2) and title (5): no other term starts with ``PINYIN``."""
    values: dict[str, int] = {}
    if rec.keywords:
        values.update(dict.fromkeys(pinyin.index_terms(fold(" ".join(rec.keywords))), 2))
    values.update(dict.fromkeys(pinyin.index_terms(fold(rec.title)), 5))
    return values


def _spoken_key(rec: Record) -> str:
    """A fingerprint of ``spoken_parts``: compared only within one index's state, whose key holds the code and
    pypinyin's version."""
    return file_digest(json.dumps(spoken_parts(rec), ensure_ascii=False).encode("utf-8", "surrogatepass"))


def record_values(rec: Record, spoken: dict[str, int] | None = None) -> dict[str, int]:
    """term → posting weight (0–7) of one record: a function of the record alone, so that one document's change
    moves no other document's postings (docs/search.md, "Weights"). ``spoken``: its ``spoken_values`` when they
    are known already (an update whose record kept its title and 主题词: pypinyin is then not even imported)."""
    folded_title = fold(rec.title)
    title = dict.fromkeys(terms(folded_title))
    folded = fold(rec.text)
    body = Counter(terms(folded))
    # BM25 saturation tf / (tf + norm) graded in thirds: below 1/3 ⇔ tf < norm / 2, below 2/3 ⇔ tf < 2 norm. The
    # length is measured against a fixed reference, not the corpus average (which every other record moves).
    norm = K1 * (1 - B + B * len(rec.text) / REF_LEN)
    low, high = norm / 2, 2 * norm
    # The grade of each count up to the largest, looked up in C for every term (a record has hundreds).
    grades = [1 if tf < low else 2 if tf < high else 3 for tf in range(max(body.values(), default=0) + 1)]
    values = dict(zip(body, map(grades.__getitem__, body.values())))
    for term in title:
        values[term] = values.get(term, 0) + 4
    # Pinyin of the 主题词 (a body term) and of the title (a title term): docs/search.md, Pinyin.
    values.update(spoken_values(rec) if spoken is None else spoken)
    if rec.publisher:
        values[f"{FACET}p:{rec.publisher}"] = 0
    for column in rec.columns:
        values[f"{FACET}c:{column}"] = 0
    if rec.topic:
        values[f"{FACET}t:{rec.topic}"] = 0
    if rec.kind:
        values[f"{FACET}k:{rec.kind}"] = 0
    if rec.validity:
        values[f"{FACET}v:{rec.validity}"] = 0
        if rec.in_force:
            values[f"{FACET}v:现行有效"] = 0
    parts = number_parts(rec.doc_number)
    if parts:
        values[f"{FACET}j:{parts[0]}"] = 0
        values[f"{FACET}w:{parts[1]}"] = 0
    for term in exact_terms([rec.doc_number, rec.index_number]):
        values[term] = 0  # weight 0: the document's own 文号 / 索引号
    for term in cited_terms(rec.text, folded):
        values.setdefault(term, 1)  # weight 1: a 文号 its text cites
    return values


def _values_shape(value) -> bool:
    return (isinstance(value, dict) and set(map(type, value)) <= {str} and set(map(type, value.values())) <= {int}
            and (not value or 0 <= min(value.values()) <= max(value.values()) <= 7))


# A record's term values as the build cache keeps them (kind RECORD): one text, the terms of each weight after the
# weight's digit, the terms separated by US and the weights by RS. Half the bytes of the JSON object, encoded and
# compressed (every record of a cold build) and read back (every changed record of a warm one) several times
# faster. Terms hold neither separator (Chinese characters, ASCII words, the prefixed facet, 文号 and pinyin
# terms); a record whose terms did would be kept as the JSON object (``_stored_values`` reads both).
_US, _RS = "\x1f", "\x1e"


def _packed_values(values: dict[str, int]):
    groups: dict[int, list[str]] = {}
    for term, weight in values.items():
        groups.setdefault(weight, []).append(term)
    if not all(0 <= weight <= 7 for weight in groups):
        return values
    packed = _RS.join(str(weight) + _US.join(terms) for weight, terms in groups.items())
    if packed.count(_US) + packed.count(_RS) != len(values) - len(groups) + max(0, len(groups) - 1):
        return values  # a separator inside a term
    return packed


def _stored_values(value) -> dict[str, int] | None:
    """The term values of a RECORD entry, or None when it is not one (then they are computed again)."""
    if isinstance(value, dict):
        return value if _values_shape(value) else None
    if not isinstance(value, str):
        return None
    values: dict[str, int] = {}
    if value:
        for group in value.split(_RS):
            weight = group[:1]
            if weight not in "01234567" or not weight:
                return None
            values.update(dict.fromkeys(group[1:].split(_US), int(weight)))
    return values


def _stored_shape(value) -> bool:
    return isinstance(value, (str, dict))


def fragment_bytes(rec: Record) -> bytes:
    """The result fragment of one record (``d/<bucket>/<id>.bin``)."""
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
    return _gzip(json.dumps(fragment, ensure_ascii=False, separators=(",", ":")).encode())


def _fragment_path(doc_id: int) -> str:
    return f"d/{doc_id // DOCS_PER_DIR}/{doc_id}.bin"


def _id_order(records: Iterable[Record]) -> list[Record]:
    """Oldest first (发布日期, then url), pages without a date before every document: a document published
    today takes the next id and renumbers no other."""
    return sorted(records, key=lambda r: (r.published.toordinal() if r.published else 0, r.url))


class _Listed:
    """Records held in memory, in id order, read as ``gongkai.search.records.StoredRecords`` reads those kept
    on disk: ``records[i]``, ``url(i)``, ``published(i)``, ``digest(i)``."""

    def __init__(self, records: Iterable[Record]):
        self._records = _id_order(records)

    def __len__(self) -> int:
        return len(self._records)

    def __getitem__(self, i: int) -> Record:
        return self._records[i]

    def url(self, i: int) -> str:
        return self._records[i].url

    def published(self, i: int) -> dt.date | None:
        return self._records[i].published

    def digest(self, i: int) -> str:
        return record_digest(self._records[i])


# ---- shards: cut where the terms say, so a change rewrites only the shards around it ---------------------------

def _entry_size(encoded: bytes, buf) -> int:
    return len(buf) + len(encoded) + 4


def _natural(encoded: bytes, size: int, shard_bytes: int) -> bool:
    """Whether a shard starts at this term whatever comes before it: a hash of the term below the share its entry
    takes of ¾ ``shard_bytes`` (so about every ¾ ``shard_bytes`` bytes; an entry that large always starts one). A
    function of the term and its own postings only."""
    return zlib.crc32(encoded) * (shard_bytes * 3 // 4) < size << 32


def _cut(entries: Iterable[tuple[bytes, int, bytes]], shard_bytes: int):
    """Shards (lists of (term UTF-8, df, postings)) of entries in term order: a new shard at each natural term
    (``_natural``) or where the shard would pass ``shard_bytes``; a single larger term gets a shard of its own."""
    body, size = [], 0
    for entry in entries:
        s = _entry_size(entry[0], entry[2])
        if body and (size + s > shard_bytes or _natural(entry[0], s, shard_bytes)):
            yield body
            body, size = [], 0
        body.append(entry)
        size += s
    if body:
        yield body


def _encode_shard(body: list) -> bytes:
    data = bytearray()
    _varint(data, len(body))
    for encoded, df, buf in body:
        _varint(data, len(encoded))
        data += encoded
        _varint(data, df)
        _varint(data, len(buf))
    for _, _, buf in body:
        data += buf
    return _gzip(bytes(data))


def _decode_shard(data: bytes) -> list[tuple[bytes, int, bytes]]:
    raw = gzip.decompress(data)
    count, pos = _read_varint(raw, 0)
    heads = []
    for _ in range(count):
        length, pos = _read_varint(raw, pos)
        encoded = raw[pos:pos + length]
        pos += length
        df, pos = _read_varint(raw, pos)
        size, pos = _read_varint(raw, pos)
        heads.append((encoded, df, size))
    out = []
    for encoded, df, size in heads:
        out.append((encoded, df, raw[pos:pos + size]))
        pos += size
    return out


def _decode_postings(buf: bytes) -> dict[int, int]:
    out, pos, doc_id, end = {}, 0, -1, len(buf)
    while pos < end:
        value, pos = _read_varint(buf, pos)
        doc_id += value >> 3
        out[doc_id] = value & 7
    return out


def _encode_postings(postings: dict[int, int], last: int = -1) -> bytes:
    """Postings as gaps from ``last`` (the id before the first: -1 for a term's whole list)."""
    out = bytearray()
    for doc_id in sorted(postings):
        out += _VARINTS[((doc_id - last) << 3) | postings[doc_id]]
        last = doc_id
    return bytes(out)


_FIRST_BYTE = bytes((b & 0x7F) >> 3 for b in range(256))  # a varint's first byte's share of its value >> 3
_CONTINUED = re.compile(rb"[\x80-\xff]+")  # the bytes of a varint that another byte follows


def _last_id(buf: bytes) -> int:
    """The largest id of encoded postings (that of ``_decode_postings(buf)``), without decoding them one by one: a
    varint's value >> 3 (its gap) is its first byte's (b & 0x7F) >> 3 plus (b & 0x7F) << (7k − 3) for its k-th
    next byte (the weight is in the first byte's low three bits). Every byte is summed as a first byte in C; the
    few next bytes (a gap above 15) are corrected."""
    total = sum(buf.translate(_FIRST_BYTE))
    for run in _CONTINUED.finditer(buf):
        for k, b in enumerate(buf[run.start() + 1:run.end() + 1], 1):
            total += ((b & 0x7F) << (7 * k - 3)) - ((b & 0x7F) >> 3)
    return total - 1


def _appended(buf: bytes, changes: dict[int, int | None]) -> bytes | None:
    """``buf`` with ``changes`` (id → weight) put in, when each is a new posting after its last one (a document
    published after every other: a new 通知), else None. Equal to encoding the merged postings whole: the old ones
    keep their gaps, and the first new gap counts from the old last id."""
    if None in changes.values():
        return None
    last = _last_id(buf)
    if min(changes) <= last:
        return None
    return buf + _encode_postings(changes, last)


# ---- the full build ------------------------------------------------------------------------------------------

def _index_part(records: list[Record], start: int, end: int, out: Path, memo=None, write=_write):
    """Postings and fragments of documents ``start``–``end``: (term → [postings, last id, df], postings,
    [(fragment size, digest)], [terms key]). Gaps are counted from -1 at the start of the part; ``_merged``
    re-bases them."""
    # term → doc_id << 3 | weight while reading: an int for a term seen once (most terms of a large site), an
    # array of 4-byte values from the second posting on (a list of int objects would take ten times the memory
    # on a 100,000-document site); encoded to gaps once per term at the end.
    lists: dict[str, int | array] = {}
    get = lists.get
    postings = 0
    fragments, keys = [], []
    memo = memo.open(start) if memo is not None else None
    for doc_id in range(start, end):
        rec = records[doc_id]
        values = None
        key = ""
        if memo is not None:  # the build cache: a record's term values, by what they are made from
            key, values = memo.get(*_terms_parts(rec))
            if values is not None:
                values = _stored_values(values)
        if values is None:
            values = record_values(rec)
            if memo is not None:
                memo.put(key, _packed_values(values))
        keys.append((key, _spoken_key(rec) if memo is not None else ""))
        base = doc_id << 3
        # The hot loop of the build, once per posting: keep it to a lookup and an append.
        for term, weight in values.items():
            value = base | weight
            found = get(term)
            if found is None:
                lists[term] = value
            elif found.__class__ is int:
                lists[term] = array("I", (found, value))
            else:
                found.append(value)
        postings += len(values)
        data = fragment_bytes(rec)
        write(out / _fragment_path(doc_id), data)
        fragments.append((len(data), file_digest(data)))
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
    return index, postings, fragments, keys


def _spill(index: dict[str, list], path: str) -> str:
    """A part's postings written to ``path`` in term order (UTF-16, as shards are), emptied from memory as they
    go: per term its UTF-8, document frequency, last id and postings, each length a varint."""
    with open(path, "wb") as fh:
        out = bytearray()
        for term in sorted(index, key=_utf16_key):
            buf, last, df = index.pop(term)
            encoded = term.encode()
            _varint(out, len(encoded))
            out += encoded
            _varint(out, df)
            _varint(out, last)
            _varint(out, len(buf))
            out += buf
            if len(out) > 1 << 20:
                fh.write(out)
                out = bytearray()
        fh.write(out)
    return path


def _spilled(path: str):
    """(UTF-16 key, UTF-8 term, df, last id, postings) of a spilled part, read as they are needed."""
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if not size:
            return
        with mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ) as data:
            pos = 0
            while pos < size:
                length, pos = _read_varint(data, pos)
                encoded = data[pos:pos + length]
                pos += length
                df, pos = _read_varint(data, pos)
                last, pos = _read_varint(data, pos)
                length, pos = _read_varint(data, pos)
                yield encoded.decode().encode("utf-16-be"), encoded, df, last, data[pos:pos + length]
                pos += length


def _merged(parts: list[tuple[int, str]]):
    """(term UTF-8, df, postings) of every term of the spilled parts in term order, each term's postings of the
    parts joined in id order (a part's first gap was counted from its first id − 1)."""
    def stream(n: int, start: int, path: str):
        for key, encoded, df, last, buf in _spilled(path):
            yield key, n, start, encoded, df, last, buf

    streams = [stream(n, start, path) for n, (start, path) in enumerate(parts)]
    current, acc = None, None
    for key, _, start, encoded, df, last, buf in heapq.merge(*streams):
        value, pos = _read_varint(buf, 0)
        doc_id = start - 1 + (value >> 3)
        if key != current:
            if acc is not None:
                yield acc[0], acc[3], bytes(acc[1])
            current = key
            acc = [encoded, bytearray(_varint_bytes(((doc_id + 1) << 3) | (value & 7))) + buf[pos:], last, df]
        else:
            acc[1] += _varint_bytes(((doc_id - acc[2]) << 3) | (value & 7))
            acc[1] += buf[pos:]
            acc[2] = last
            acc[3] += df
    if acc is not None:
        yield acc[0], acc[3], bytes(acc[1])


def _read_varint(data, pos: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        b = data[pos]
        pos += 1
        value |= (b & 0x7F) << shift
        shift += 7
        if not b & 0x80:
            return value, pos


def _date_ranges(records) -> tuple[list, list]:
    """[year, first id, last id] and [yyyymm, first id, last id]: a year or a range of months is an id range."""
    years: list[list[int]] = []
    months: list[list[int]] = []
    for doc_id in range(len(records)):
        published = records.published(doc_id)
        if published:
            if years and years[-1][0] == published.year:
                years[-1][2] = doc_id
            else:
                years.append([published.year, doc_id, doc_id])
            month = published.year * 100 + published.month
            if months and months[-1][0] == month:
                months[-1][2] = doc_id
            else:
                months.append([month, doc_id, doc_id])
    return years, months


def build_index(records, out: Path, facets: Facets | None = None, *,
                shard_bytes: int = 12_000, workers: int = 1, cache=None, synonyms: list | None = None,
                writer=None) -> IndexStats:
    """Write the index of ``records`` into ``out`` (replaced). Shards are cut where a term says so
    (``_cut``: about every ¾ ``shard_bytes`` raw bytes, at most ``shard_bytes``; a single larger term gets a shard
    of its own). With ``workers`` > 1 (and fork available), large sites are tokenized in that many processes. With
    ``cache`` (the build cache, gongkai/buildcache.py), a record's term values are computed once for the same
    inputs, and with ``writer`` too (the core's ``output_writer``, which links a file whose bytes are the previous
    site's) the index of the previous build is updated where its records changed (``_update``) instead of made
    again: the same files, byte for byte. ``synonyms`` (gongkai.search.synonyms.synonym_groups) go into
    ``meta.bin`` for the browser to widen queries. ``records``: ``Record`` objects, or a
    ``gongkai.search.records.RecordSpill`` (the build's records kept on disk, read back one at a time)."""
    records = records.ordered() if hasattr(records, "ordered") else _Listed(records)
    out = Path(out)
    facets = facets or Facets()
    count = len(records)
    years, months = _date_ranges(records)
    head = {"v": FORMAT, "n": count, "years": years, "months": months, "dirs": DOCS_PER_DIR,
            "facets": {"p": facets.publishers, "c": facets.columns, "t": facets.topics, "k": facets.kinds,
                       "j": facets.agencies, "w": facets.number_years, "v": facets.validities},
            # The 繁体 characters only (gaps between code points, hex): a query holding none needs no table.
            "trad": _code_point_gaps(T2S), "syn": synonyms or [], "spoken": _spoken_words(synonyms or [], cache)}
    state_key = digests = None
    if cache is not None:
        state_key = cache.key(STATE, _settings(shard_bytes))
        digests = [records.digest(i) for i in range(count)]
        if writer is not None and writer.previous is not None:
            done = _update(cache, state_key, records, digests, out, writer, shard_bytes, head)
            if done is not None:
                return done
    if out.exists():
        shutil.rmtree(out)
    (out / "t").mkdir(parents=True)
    for bucket in range(-(-count // DOCS_PER_DIR)):
        (out / "d" / str(bucket)).mkdir(parents=True)

    memo = cache.for_workers(RECORD) if cache is not None else None
    workers = max(1, min(workers, count // PARALLEL_MIN))
    step = -(-count // workers) if count else 1
    bounds = [(i, min(count, i + step)) for i in range(0, count, step)] or [(0, 0)]

    # A large site's postings go to files of RUN records each, sorted by term, written by the process that made
    # them, and are merged from there term by term: no process holds more than a run's postings, nor the whole
    # index, and no part travels through a pipe (docs/performance.md, "Memory").
    spill = None
    if len(bounds) > 1 or count > RUN:
        spill = tempfile.mkdtemp(prefix=".search-", dir=getattr(cache, "directory", None))

    def part(b: tuple[int, int]):
        if writer is not None:
            writer.start_worker()  # what this process decides goes back to the build's writer (adopt, below)
        write = writer.write if writer is not None else _write
        if spill is None:
            found = _index_part(records, b[0], b[1], out, memo, write)
            return ([(b[0], found[0])],) + found[1:], writer.take() if writer is not None else None
        runs, postings, fragments, keys = [], 0, [], []
        for start in range(b[0], b[1], RUN):
            index, p, f, k = _index_part(records, start, min(b[1], start + RUN), out, memo, write)
            runs.append((start, _spill(index, os.path.join(spill, f"{start}.bin"))))
            postings, fragments, keys = postings + p, fragments + f, keys + k
        return (runs, postings, fragments, keys), writer.take() if writer is not None else None

    try:
        done = parallel.map_ordered(part, bounds, workers=workers, name=lambda b: f"第 {b[0] + 1}–{b[1]} 条记录",
                                    chunks_per_worker=1)
        parts = [p for p, _ in done]
        for _, decided in done:
            if decided:
                writer.adopt(decided)
        if memo is not None:
            cache.merge(memo)
        postings = sum(p[1] for p in parts)
        fragments = [f for p in parts for f in p[2]]
        keys = [k for p in parts for k in p[3]]
        if spill is None:
            index = parts[0][0][0][1]
            n_terms = len(index)

            def entries():
                for term in sorted(index, key=_utf16_key):
                    buf, _, df = index.pop(term)
                    yield term.encode(), df, buf
        else:
            n_terms = 0

            def entries():
                nonlocal n_terms
                for entry in _merged([run for p in parts for run in p[0]]):
                    n_terms += 1
                    yield entry

        shards = []
        for body in _cut(entries(), shard_bytes):
            data = _encode_shard(body)
            (writer.write if writer else _write)(out / f"t/{len(shards)}.bin", data)
            shards.append([body[0][0].decode(), len(data), file_digest(data),
                           _natural(body[0][0], _entry_size(body[0][0], body[0][2]), shard_bytes)])
    finally:
        if spill is not None:
            shutil.rmtree(spill, ignore_errors=True)
    stats = _finish(out, writer, head, shards, fragments, n_terms, postings)
    if cache is not None:
        cache.put(STATE, state_key, {"records": _state_records(records, digests, keys),
                                     "fragments": fragments, "shards": shards, "terms": n_terms,
                                     "postings": postings})
    return stats


def _finish(out: Path, writer, head: dict, shards: list, fragments: list, n_terms: int, postings: int) -> IndexStats:
    """meta.bin and t2s.bin, made whole on every build (they are small), and the index's stats."""
    meta = dict(head, shards=[s[0] for s in shards])
    total = sum(s[1] for s in shards) + sum(f[0] for f in fragments)
    for rel, data in (("t2s.bin", _gzip("".join(t + s for t, s in T2S.items()).encode())),  # a 繁体 query's
                      ("meta.bin", _gzip(json.dumps(meta, ensure_ascii=False, separators=(",", ":")).encode()))):
        (writer.write if writer else _write)(out / rel, data)
        total += len(data)
    return IndexStats(documents=head["n"], terms=n_terms, postings=postings, shards=len(shards),
                      files=len(shards) + len(fragments) + 2, bytes=total)


# ---- the incremental update ----------------------------------------------------------------------------------

STATE = "search-state"  # the build cache's kind: what the last index was made of (records, shards, fragments)
RECORD = "search-record"  # a record's term values, under the key of what they are made from
SPOKEN = "search-spoken"  # the synonym table's words by their pinyin (meta.bin's "spoken")
MAX_CHANGED = 0.05  # above this share of records changed, the index is made whole (it costs about the same)


def _state_records(records, digests: list[str], keys: list[tuple[str, str]]) -> list[list[str]]:
    """[url, digest, term values' key, pinyin inputs' fingerprint] of each id, as the state keeps them."""
    return [[records.url(i), digest, key, spoken] for i, (digest, (key, spoken)) in enumerate(zip(digests, keys))]


def _pinyin_version() -> str:
    try:
        return metadata.version("pypinyin")
    except metadata.PackageNotFoundError:
        return "absent"


def _settings(shard_bytes: int) -> str:
    """What the index's bytes depend on besides its records (and the code, which every key carries)."""
    return json.dumps([FORMAT, shard_bytes, DOCS_PER_DIR, TEXT_LIMIT, K1, B, REF_LEN, zlib.ZLIB_RUNTIME_VERSION,
                       _pinyin_version()])


def _spoken_words(groups: list, cache) -> dict[str, list[str]]:
    """``pinyin.spoken_words`` of the synonym table, kept by the build cache: pypinyin (its dictionaries take a
    fifth of a second to import) is then not imported by a build that changes no title."""
    if cache is None:
        return pinyin.spoken_words(groups)
    return cache.memo(SPOKEN, [json.dumps(groups, ensure_ascii=False), _pinyin_version()],
                      lambda: pinyin.spoken_words(groups), shape=_spoken_shape)


def _spoken_shape(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(w, str) for w in v) for k, v in value.items())


def _state_shape(value) -> bool:
    if not isinstance(value, dict):
        return False
    records, fragments, shards = value.get("records"), value.get("fragments"), value.get("shards")
    return (isinstance(records, list) and isinstance(fragments, list) and isinstance(shards, list)
            and len(records) == len(fragments)
            and all(isinstance(r, list) and len(r) == 4 and all(isinstance(x, str) for x in r) for r in records)
            and all(isinstance(f, list) and len(f) == 2 and isinstance(f[0], int) and isinstance(f[1], str)
                    for f in fragments)
            and all(isinstance(s, list) and len(s) == 4 and isinstance(s[0], str) and isinstance(s[1], int)
                    and isinstance(s[2], str) and isinstance(s[3], bool) for s in shards)
            and [s[0] for s in shards] == sorted((s[0] for s in shards), key=_utf16_key)
            and isinstance(value.get("terms"), int) and isinstance(value.get("postings"), int))


class _Stale(Exception):
    """The previous index cannot be updated (a file not what was written, a record's values missing)."""


def _update(cache, state_key: str, records, digests: list[str], out: Path, writer, shard_bytes: int,
            head: dict) -> IndexStats | None:
    """The previous build's index with the records that changed since put in, or None (then it is made whole).

    The ids whose record changed are updated: those changed in place, and every id from the first where the old
    and new id orders differ (a document added, removed or moved there renumbers those after it), as long as all
    of them are few. Their old term values come from the cache (a record's under the key of what they are made
    of), the new ones too unless the record changed; each term whose postings change is located in its shard,
    those shards are read back from the previous site (checked against the digest recorded), updated and cut
    again between the nearest terms where ``_cut`` starts a shard whatever came before; every other file is the
    previous site's, kept for a link without being read."""
    state = cache.get(STATE, state_key, shape=_state_shape, carry=False)
    if state is None:
        return None
    old = state["records"]
    n_old, count = len(old), len(records)
    same = 0  # the length of the common prefix of the two id orders
    while same < min(n_old, count) and records.url(same) == old[same][0]:
        same += 1
    changed = [i for i in range(same) if digests[i] != old[i][1]] + list(range(same, max(n_old, count)))
    if len(changed) > max(1, int(MAX_CHANGED * count)):
        log.debug(f"搜索索引：{len(changed)} 个编号的记录有变化，完整生成")
        return None
    try:
        stats = _apply(cache, state, state_key, changed, records, digests, out, writer, shard_bytes, head)
    except _Stale as exc:
        log.debug(f"搜索索引：上次的索引文件 {exc} 与记录不符，完整生成")
        return None
    log.debug(f"搜索索引：按改动更新，{len(changed)} 个编号的记录有变化")
    return stats


def _previous_bytes(writer, out: Path, rel: str, size: int, digest: str) -> bytes:
    base = os.path.relpath(out, writer.staging)
    try:
        with open(os.path.join(writer.previous, base, rel), "rb") as fh:
            data = fh.read(size + 1)
    except OSError:
        raise _Stale(rel) from None
    if len(data) != size or file_digest(data) != digest:
        raise _Stale(rel)
    return data


def _apply(cache, state, state_key, changed, records, digests, out, writer, shard_bytes, head) -> IndexStats:
    old_records, old_shards = state["records"], state["shards"]
    n_old, count = len(old_records), len(records)
    keys = ([(r[2], r[3]) for r in old_records] + [("", "")] * count)[:count]
    # term → {id: new weight, or None where the id's record no longer holds the term}
    delta: dict[str, dict[int, int | None]] = {}
    n_terms, postings = state["terms"], state["postings"]
    for doc_id in changed:
        before = after = {}
        if doc_id < n_old:
            before = _stored_values(cache.get(RECORD, old_records[doc_id][2], shape=_stored_shape, carry=False))
            if before is None:
                raise _Stale(old_records[doc_id][0])
        if doc_id < count:
            rec = records[doc_id]
            key, spoken_key = cache.key(*_terms_parts(rec)), _spoken_key(rec)
            keys[doc_id] = (key, spoken_key)
            after = _stored_values(cache.get(RECORD, key, shape=_stored_shape))
            if after is None:
                # The record this id held had the same title and 主题词: its pinyin terms are this one's.
                spoken = {t: w for t, w in before.items() if t[:1] == PINYIN} \
                    if doc_id < n_old and old_records[doc_id][3] == spoken_key else None
                after = record_values(rec, spoken)
                cache.put(RECORD, key, _packed_values(after))
        for term, weight in before.items():
            if after.get(term) != weight:
                delta.setdefault(term, {})[doc_id] = after.get(term)
        for term, weight in after.items():
            if term not in before:
                delta.setdefault(term, {})[doc_id] = weight
        postings += len(after) - len(before)

    firsts = [_utf16_key(s[0]) for s in old_shards]
    by_shard: dict[int, list[str]] = {}
    for term in delta:
        by_shard.setdefault(max(0, bisect_right(firsts, _utf16_key(term)) - 1), []).append(term)

    decoded: dict[int, list] = {}

    def shard_entries(n: int) -> list:
        """Shard ``n`` of the previous index with this build's changes, in term order."""
        if n in decoded:
            return decoded[n]
        entries = []
        if old_shards:
            _, size, digest, _ = old_shards[n]
            entries = _decode_shard(_previous_bytes(writer, out, f"t/{n}.bin", size, digest))
        nonlocal n_terms
        mine = by_shard.get(n)
        if mine:
            at = {e[0]: i for i, e in enumerate(entries)}
            for term in mine:
                encoded = term.encode()
                i = at.get(encoded)
                if i is not None:  # a new document's term: most are held by thousands of documents already
                    appended = _appended(entries[i][2], delta[term])
                    if appended is not None:
                        entries[i] = (encoded, entries[i][1] + len(delta[term]), appended)
                        continue
                found = _decode_postings(entries[i][2]) if i is not None else {}
                for doc_id, weight in delta[term].items():
                    if weight is None:
                        found.pop(doc_id, None)
                    else:
                        found[doc_id] = weight
                if i is None:
                    if found:
                        entries.append((encoded, len(found), _encode_postings(found)))
                        n_terms += 1
                elif found:
                    entries[i] = (encoded, len(found), _encode_postings(found))
                else:
                    entries[i] = None
                    n_terms -= 1
            entries = sorted((e for e in entries if e is not None), key=lambda e: _utf16_key(e[0].decode()))
        decoded[n] = entries
        return entries

    # Windows of previous shards to cut again: from a shard whose first term starts a shard whatever precedes it,
    # to the last shard before one that does (and is unchanged).
    windows = []
    for n in sorted(by_shard):
        if windows and n <= windows[-1][1]:
            continue
        start, end = n, n
        while end + 1 < len(old_shards) and (end + 1 in by_shard or not old_shards[end + 1][3]):
            end += 1
        while start > 0:
            first = next((e for k in range(start, end + 1) for e in shard_entries(k)), None)
            if first is not None and _natural(first[0], _entry_size(first[0], first[2]), shard_bytes):
                break
            start -= 1
        if windows and start <= windows[-1][1]:
            start = windows.pop()[0]
        windows.append([start, end])
    new_shards: list = []  # [first, size, digest, natural, bytes or None, previous index or None]
    at = 0
    for start, end in windows:
        new_shards += [list(s) + [None, k] for k, s in enumerate(old_shards[at:start], at)]
        entries = [e for k in range(start, end + 1) for e in shard_entries(k)]
        for body in _cut(entries, shard_bytes):
            data = _encode_shard(body)
            new_shards.append([body[0][0].decode(), len(data), file_digest(data),
                               _natural(body[0][0], _entry_size(body[0][0], body[0][2]), shard_bytes), data, None])
        at = end + 1
    new_shards += [list(s) + [None, k] for k, s in enumerate(old_shards[at:], at)]

    # Every file read back and checked before anything is written: a previous file that is not what was
    # recorded means the index is made whole, with nothing of this attempt left behind.
    moved = {}
    for n, s in enumerate(new_shards):
        if s[5] is not None and s[5] != n:
            moved[n] = _previous_bytes(writer, out, f"t/{s[5]}.bin", s[1], s[2])
    fragments = (list(state["fragments"]) + [None] * count)[:count]
    is_changed = set(changed)
    kept = [(_fragment_path(i), f[0], f[1]) for i, f in enumerate(fragments) if i not in is_changed]
    kept += [(f"t/{n}.bin", s[1], s[2]) for n, s in enumerate(new_shards) if s[5] == n]
    if not writer.keep_previous(out, kept, file_digest):
        raise _Stale("kept")
    for doc_id in changed:
        if doc_id >= count:
            break
        data = fragment_bytes(records[doc_id])
        writer.write(out / _fragment_path(doc_id), data)
        fragments[doc_id] = [len(data), file_digest(data)]
    for n, s in enumerate(new_shards):
        data = s[4] if s[4] is not None else moved.get(n)
        if data is not None:
            writer.write(out / f"t/{n}.bin", data)
    shards = [s[:4] for s in new_shards]
    cache.keep(RECORD, (k for i, (k, _) in enumerate(keys) if i not in is_changed))
    cache.put(STATE, state_key, {"records": _state_records(records, digests, keys),
                                 "fragments": fragments, "shards": shards, "terms": n_terms, "postings": postings})
    return _finish(out, writer, head, shards, fragments, n_terms, postings)


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
