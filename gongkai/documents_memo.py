"""Documents checked in the last build, kept by their files' bytes (the build cache's ``documents`` entry).

Loading a document — its front matter parsed, every field read and checked against the catalog — is a function of
the file and of a few things of the build. ``DocumentLoader`` splits it in two (gongkai/documents.py): ``check``
reads only the file's bytes, its place, the catalog's 发布主体 and columns and the keys the feature plugins own;
``admit`` adds what depends on the build's day (发布日期 too far ahead, 有效性) and on the files loaded before it
(索引号, 文号 and 原网址 taken), in every build. This memo keeps what ``check`` found for each file — the
``Document`` without its body and 有效性, or none, and exactly the problems, in order — so that a warm build
with 10,000 documents checks again only the files that changed.

The key holds everything ``check`` reads:

- the entry's key (``DocumentMemo.open``): the code (``BuildCache.key`` salts every key with gongkai's files and
  the versions of the libraries, PyYAML's among them), the catalog's 发布主体 and columns as the checks see them
  (``catalog_digest``), and the keys plugins own (``extra_fields``: allowed, suggested, kept as ``extra``);
- each file's key inside it (``DocumentMemo.key``): its bytes, its path in ``docs_dir`` (the folder names its
  发布主体 for a 索引号's owner; a 附件's path is relative to it) and the path problems name it by.

The build's day, ``future_days`` and the other documents are not in it: ``admit`` reads them, in every build.
What a ``Document`` is given later in the build (its URL, 发布主体, columns, a 附件's size, 依据 and 解读 links) is
given to a new object each build: a record is decoded into fresh objects every time it is used.

One entry holds the records of every document of the last build, one line each (``key`` TAB JSON): a warm build
reads one entry instead of 10,000, and writes the lines it used back as they were (docs/performance.md). A record
that cannot be read back is a miss (its file is checked again), never an error; so is a value a record cannot
keep exactly (``encode`` refuses it and the file is checked again next time).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sys

from markupsafe import Markup

from . import validity, yamlutil
from .buildcache import describe, digest
from .documents import ADMIT_KEYS, Checked
from .errors import Problem
from .model import Attachment, Basis, Catalog, DocLink, Document, Revision, Timeline, Version

KIND = "documents"
RECORD_FIELDS = ("rejected", "problems", "marks", "published", "index_number", "publisher_id", "doc_number",
                 "imported", "old_url", "where's lines", "where's names", "document")
# The fields of a Document a record keeps, in order, and those ``admit`` and the build give it each time. A field
# added to Document and named in neither makes every record refuse (``encode``): nothing is kept without it.
KEPT = ("src_path", "title", "column_ids", "publisher_id", "written", "published", "index_number", "topic",
        "doc_number", "kind", "keywords", "summary", "attachments", "extra", "source", "field_lines",
        "page_options", "imported", "old_url", "timeline")
GIVEN = ("validity", "body", "url", "publisher", "columns")
CLASSES = {cls.__name__: cls for cls in (Timeline, Basis, Revision, Version, DocLink, Attachment)}


def catalog_digest(catalog: Catalog) -> str:
    """The 发布主体 and columns as ``check`` reads them: every field of each, in the catalog's order (a 索引号 of
    another 发布主体 names the first whose 机构代码 it has; suggestions list ids in order); a column's parent and
    children by id. The site's identity is not read."""
    organizations = [[key, org] for key, org in catalog.organizations.items()]
    columns = []
    for key, column in catalog.columns.items():
        described = {f.name: getattr(column, f.name) for f in dataclasses.fields(column)
                     if f.name not in ("parent", "children")}
        described["parent"] = column.parent.id if column.parent is not None else None
        described["children"] = [child.id for child in column.children]
        columns.append([key, described])
    return digest(describe([organizations, columns]))


class DocumentMemo:
    """The records of the last build's documents, and this build's for the next (saved with ``save``)."""

    def __init__(self, store, entry_key: str, previous: dict[bytes, bytes]):
        self.store, self.entry_key, self._previous = store, entry_key, previous
        self._lines: list[bytes] = []
        self.hits = self.misses = self.damaged = 0

    @classmethod
    def open(cls, store, catalog: Catalog, extra_fields: dict[str, str]) -> "DocumentMemo | None":
        """The memo of a build with the cache (``store``), or None (``GONGKAI_CACHE=0``, `gongkai check` …)."""
        if store is None:
            return None
        entry_key = store.key(
            KIND,
            # (the code: ``store.key`` salts every key with it)
            catalog_digest(catalog),  # the 发布主体 and columns every field is checked against
            json.dumps(list(extra_fields.items()), ensure_ascii=False),  # front-matter keys plugins own
        )
        stored = store.get(KIND, entry_key, lambda value: isinstance(value, bytes), carry=False)
        previous: dict[bytes, bytes] = {}
        if stored:
            for line in stored.split(b"\n"):
                key, _, record = line.partition(b"\t")
                previous[key] = record
        return cls(store, entry_key, previous)

    @staticmethod
    def key(source: bytes, src_path: str, display: str) -> bytes:
        # The file's bytes; its path in docs_dir (the folder a 索引号's owner is looked for in, the base of its 附件
        # paths, the Document's src_path); the path problems name it by (every problem's file, Document.source).
        return digest(source, src_path, display).encode("ascii")

    def find(self, key: bytes) -> Checked | None:
        """What ``check`` found for the file in the last build, as new objects; None if it is not kept."""
        record = self._previous.get(key)
        if record is None:
            return None
        try:
            checked = decode(json.loads(record))
        except (ValueError, TypeError, KeyError, IndexError, AttributeError):
            self.damaged += 1  # checked again; the build's summary of the cache does not count it
            return None
        self.hits += 1
        self._lines.append(key + b"\t" + record)
        return checked

    def keep(self, key: bytes, checked: Checked) -> None:
        """Keep a file's check for the next build (a value it cannot keep exactly: checked again then)."""
        self.misses += 1
        try:
            record = json.dumps(encode(checked), ensure_ascii=False, separators=(",", ":"))
        except (TypeError, ValueError):
            return
        self._lines.append(key + b"\t" + record.encode("utf-8", "surrogatepass"))

    def save(self) -> None:
        """This build's records, for the next build (kept only if this build's cache is)."""
        self.store.put(KIND, self.entry_key, b"\n".join(self._lines))


# ---- records ----------------------------------------------------------------------------------------------------

def encode(checked: Checked) -> list:
    document = checked.document
    if tuple(checked.where) not in ((), ADMIT_KEYS):  # a file refused before its fields has none
        raise TypeError("where")
    return [checked.rejected, [_problem(p) for p in checked.problems], list(checked.marks),
            _date_or_none(checked.published), _text(checked.index_number), _text_or_none(checked.publisher_id),
            _text_or_none(checked.doc_number), _flag(checked.imported), _text_or_none(checked.old_url),
            [_int_or_none(line) for line, _ in checked.where.values()],
            [_text(name) for _, name in checked.where.values()],
            None if document is None else _document(document)]


# What a record's values may be (checked by their types' set: a record is read back 10,000 times a warm build).
STR, STR_OR_NONE, INT_OR_NONE = {str}, {str, type(None)}, {int, type(None)}


def decode(record: list) -> Checked:
    """A record's Checked, as new objects; ValueError (or another error of a value) if it is not one."""
    if type(record) is not list or len(record) != len(RECORD_FIELDS):
        raise ValueError("记录形状不符")
    rejected, problems, marks, published, index_number, publisher_id, doc_number, imported, old_url, lines, \
        names, document = record
    if {type(rejected), type(imported)} != {bool} or type(marks) is not list or len(marks) != 3 \
            or set(map(type, marks)) != {int} or type(index_number) is not str \
            or not {type(publisher_id), type(doc_number), type(old_url)} <= STR_OR_NONE \
            or type(lines) is not list or type(names) is not list or len(lines) != len(names) or len(lines) not in (0, len(ADMIT_KEYS)) \
            or not set(map(type, lines)) <= INT_OR_NONE or not set(map(type, names)) <= STR \
            or type(problems) is not list:
        raise ValueError("记录形状不符")
    return Checked([_problem_from(p) for p in problems] if problems else [], rejected=rejected, marks=tuple(marks),
                   published=None if published is None else dt.date.fromisoformat(published),
                   index_number=index_number, publisher_id=publisher_id, doc_number=doc_number, imported=imported,
                   old_url=old_url, where=dict(zip(ADMIT_KEYS, zip(lines, names))),
                   document=None if document is None else _document_from(document))


def _problem(p: Problem) -> list:
    values = [getattr(p, f.name) for f in dataclasses.fields(Problem)]
    if not all(v is None or type(v) in (str, int, bool) for v in values):
        raise TypeError("problem")
    return values


def _problem_from(p: list) -> Problem:
    if type(p) is not list or not set(map(type, p)) <= {str, int, bool, type(None)}:
        raise ValueError("记录形状不符")
    return Problem(*p)


def _document(doc: Document) -> list:
    names = tuple(f.name for f in dataclasses.fields(Document))
    if set(names) != set(KEPT) | set(GIVEN):
        raise TypeError("Document 的字段与记录不符")
    if doc.body or doc.url or doc.publisher is not None or doc.columns or doc.validity != "有效":
        raise TypeError("Document 已有 admit 或构建给的值")
    if not all(a.size is None for a in doc.attachments):
        raise TypeError("附件大小")
    return [_text(doc.src_path), _text(doc.title), _texts(doc.column_ids), _text(doc.publisher_id),
            _date(doc.written), _date(doc.published), _text(doc.index_number), _text_or_none(doc.topic),
            _text_or_none(doc.doc_number), _text_or_none(doc.kind), _texts(doc.keywords), _text(doc.summary),
            [[_text(a.name), _text(a.path)] for a in _exact(doc.attachments, list)],
            {_text(k): yamlutil.to_plain(v) for k, v in _exact(doc.extra, dict).items()},
            _text(doc.source), {_text(k): _exact(v, int) for k, v in _exact(doc.field_lines, dict).items()},
            {_text(k): _value(v) for k, v in _exact(doc.page_options, dict).items()},
            _flag(doc.imported), _text_or_none(doc.old_url),
            0 if doc.timeline is validity.NOTHING else _value(doc.timeline)]


def _document_from(d: list) -> Document:
    if type(d) is not list or len(d) != len(KEPT):
        raise ValueError("记录形状不符")
    (src_path, title, column_ids, publisher_id, written, published, index_number, topic, doc_number, kind,
     keywords, summary, attachments, extra, source, field_lines, page_options, imported, old_url, timeline) = d
    if {type(src_path), type(title), type(publisher_id), type(index_number), type(summary), type(source)} != STR \
            or not {type(topic), type(doc_number), type(kind), type(old_url)} <= STR_OR_NONE \
            or type(column_ids) is not list or not set(map(type, column_ids)) <= STR \
            or type(keywords) is not list or not set(map(type, keywords)) <= STR \
            or type(field_lines) is not dict or not set(map(type, field_lines.values())) <= {int} \
            or type(attachments) is not list or type(extra) is not dict or type(page_options) is not dict \
            or type(imported) is not bool:
        raise ValueError("记录形状不符")
    shared = sys.intern
    return Document(
        src_path=src_path, title=title, column_ids=column_ids, publisher_id=publisher_id,
        written=dt.date.fromisoformat(written), published=dt.date.fromisoformat(published),
        index_number=index_number, topic=shared(topic) if topic is not None else None, doc_number=doc_number,
        kind=kind, keywords=keywords, summary=summary,
        attachments=[Attachment(name=_check(n, str), path=_check(p, str)) for n, p in attachments]
        if attachments else [],
        extra={k: yamlutil.from_plain(v) for k, v in extra.items()} if extra else {},
        source=source, field_lines={shared(k): v for k, v in field_lines.items()},
        page_options={k: _value_from(v) for k, v in page_options.items()} if page_options else {},
        imported=imported, old_url=old_url,
        timeline=validity.NOTHING if timeline == 0 else _check(_value_from(timeline), Timeline))


# Values are kept only in a form that gives back the same type: a str subclass (Markup), a yamlutil mapping with
# its lines, a date or a dataclass of the model each say what they are; anything else is refused.

def _value(v):
    t = type(v)
    if v is None or t in (str, int, bool):
        return v
    if t is float:
        return {"f": repr(v)}
    if t is Markup:
        return {"M": str(v)}
    if t is dt.date:
        return {"d": v.isoformat()}
    if t is dt.datetime:
        return {"t": v.isoformat()}
    if t in (yamlutil.Mapping, yamlutil.Sequence):
        return {"y": yamlutil.to_plain(v)}
    if t is list:
        return {"l": [_value(x) for x in v]}
    if t is dict:
        return {"o": [[_text(k), _value(x)] for k, x in v.items()]}
    if t.__name__ in CLASSES and CLASSES[t.__name__] is t:
        return {"c": t.__name__, "v": [_value(getattr(v, f.name)) for f in dataclasses.fields(v)]}
    raise TypeError(t.__name__)


def _value_from(v):
    if type(v) is not dict:
        return v
    if "c" in v:
        return CLASSES[v["c"]](*(_value_from(x) for x in _check(v["v"], list)))
    if len(v) != 1:
        raise ValueError("记录形状不符")
    (tag, value), = v.items()
    if tag == "f":
        return float(value)
    if tag == "M":
        return Markup(_check(value, str))
    if tag == "d":
        return dt.date.fromisoformat(value)
    if tag == "t":
        return dt.datetime.fromisoformat(value)
    if tag == "y":
        return yamlutil.from_plain(value)
    if tag == "l":
        return [_value_from(x) for x in _check(value, list)]
    if tag == "o":
        return {_check(k, str): _value_from(x) for k, x in _check(value, list)}
    raise ValueError("记录形状不符")


def _check(value, *types):
    """``value``, if it is exactly of one of ``types``."""
    if type(value) not in types:
        raise ValueError("记录形状不符")
    return value


def _exact(value, t):
    if type(value) is not t:
        raise TypeError(type(value).__name__)
    return value


def _text(value) -> str:
    return _exact(value, str)


def _text_or_none(value):
    return value if value is None else _exact(value, str)


def _int_or_none(value):
    return value if value is None else _exact(value, int)


def _flag(value) -> bool:
    return _exact(value, bool)


def _texts(values) -> list:
    return [_text(v) for v in _exact(values, list)]


def _date(value) -> str:
    return _exact(value, dt.date).isoformat()


def _date_or_none(value):
    return None if value is None else _date(value)
