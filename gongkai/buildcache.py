"""Persistent build cache (构建缓存): what a build computed, kept for the next one (docs/performance.md).

A rebuild after one 通知 changed should not convert 10,000 Markdown bodies, render 12,000 pages and scan every file
again. Each cached result is stored under the hash of **everything it was computed from**, so a changed input is a
different key and never a stale hit:

- pure steps — a file's 个人信息 scan, a page's search terms, its links, its active-content check — are keyed by
  the bytes they read;
- a page's Markdown → HTML by its Markdown, its place in the site and the code and settings of the build, and it
  records every file its links resolved to, which must resolve to the same address again;
- a page's whole HTML by all of the above, its own Markdown and subject (a document, a list), and, stored beside
  it, what its template was recorded reading (the templates it loaded, the documents and values of the views it
  read: gongkai/plugins/catalog/caching.py). One document's body changed: that page is rendered again, no
  other. Its title changed: the pages that show it (its own, its neighbours', the lists it is on).

Entries are read from ``cache.sqlite``; this build's new ones are written to a file of its own, and the last
build's entries it used are only noted (``_unused``: those it did not use so far). When the build finished without a warning or error, the two
make the next ``cache.sqlite`` (``save``), which replaces the old one: so the cache holds exactly the last clean
build and never grows beyond it. Values are JSON (never pickle: a cache restored in CI must not be
able to run code). A missing, unreadable or foreign cache is a cold build, never an error.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import sqlite3
import sys
import threading
from importlib import metadata
from pathlib import Path
from typing import Any, Iterable

import zstandard

from . import parallel

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

FORMAT = "gongkai-cache-4"  # 4: entries compressed with zstd (3: zlib)
# Distributions whose code computes a stored result (a page, a Markdown rendering, a scan, a link verdict, a form);
# their versions are part of every key. The readers of attachments are here too: a scan's verdict is theirs.
DISTRIBUTIONS = ("mkdocs", "mkdocs-material", "markdown", "pymdown-extensions", "jinja2", "markupsafe", "pyyaml",
                 "selectolax", "chinesecalendar", "openpyxl", "pypdf", "defusedxml", "python-docx", "lxml",
                 "zstandard")
# Optional modules whose presence changes a result (an XLSX is scanned, or only "not scanned"): whether each can
# be imported in this build is part of every key, not only whether it is installed.
OPTIONAL_MODULES = ("openpyxl", "pypdf", "defusedxml", "docx", "lxml")
# How far an entry may inflate: to MAX_ENTRY_BYTES whatever its size (a page's HTML is well under it), beyond
# that to MAX_RATIO times its compressed size. What this code writes shrinks by 3–6 (JSON, HTML at level 1), so
# a large entry (the search index's state: about 20 MB at 100,000 documents) is read at any size, while a bomb
# (thousands to one) stops at a few dozen times its own size; an entry that inflates further is damaged and
# treated as missing.
MAX_ENTRY_BYTES = 64 << 20
MAX_RATIO = 32


def digest(*parts: str | bytes) -> str:
    """Hash of a sequence of strings/bytes (length-prefixed: ("ab", "c") ≠ ("a", "bc"))."""
    h = hashlib.blake2b(digest_size=20)
    for part in parts:
        if isinstance(part, str):
            part = part.encode("utf-8", "surrogatepass")
        h.update(len(part).to_bytes(8, "little"))
        h.update(part)
    return h.hexdigest()


class Unstable(Exception):
    """A setting whose value cannot be described reproducibly: the build runs without the page cache."""


def plain(value: Any, where: str = "") -> Any:
    """``value`` as JSON-able data that is equal across builds exactly when the value is; Unstable otherwise."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (bytes, bytearray)):
        return digest(bytes(value))
    if isinstance(value, Path) or hasattr(value, "isoformat"):
        return str(value)
    if isinstance(value, dict) or hasattr(value, "items") and callable(value.items):
        return {str(k): plain(v, f"{where}.{k}") for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, (list, tuple)):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    if isinstance(value, (set, frozenset)):
        return sorted((plain(v, where) for v in value), key=repr)
    if type(value).__name__ == "module":
        source = getattr(value, "__file__", None)
        return {"module": value.__name__, "source": file_digest(Path(source)) if source else None}
    if callable(value) and hasattr(value, "__qualname__"):  # a function named in mkdocs.yml (!!python/name)
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    config = getattr(value, "config", None)  # a plugin: its class and its settings
    if config is not None and hasattr(config, "items"):
        return {"class": f"{type(value).__module__}.{type(value).__qualname__}", "config": plain(config, where)}
    if type(value).__name__ == "Locale":  # the theme's language (babel's, or MkDocs' stand-in)
        return str(value)
    if hasattr(value, "__dict__") and type(value).__module__.split(".")[0] in ("mkdocs", "material", "gongkai"):
        return {"class": type(value).__qualname__, **plain(vars(value), where)}
    raise Unstable(f"{where or '?'}（{type(value).__name__}）")


def file_digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=20)
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def tree_digest(root: Path, skip=lambda rel: False, stats: "BuildCache | None" = None) -> str:
    """Hash of every file below ``root`` (names and bytes), in a stable order; ``skip(rel)`` leaves files out.

    Folders reached through a symbolic link are walked like any other (a site's templates may be linked in). Every
    file's bytes are read: a file rewritten with the same size and mtime (``cp -p``, ``rsync -t``) is another
    file. With ``stats`` (the build's cache), a file hashed once in a build is not read again in that build.
    """
    h = hashlib.blake2b(digest_size=20)
    if not root.is_dir():
        return h.hexdigest()
    seen: set[str] = set()
    top = os.fspath(root)
    for dirpath, dirnames, filenames in os.walk(root, followlinks=True):
        real = os.path.realpath(dirpath)
        if real in seen:  # a link back up the tree: walked once
            dirnames[:] = []
            continue
        seen.add(real)
        dirnames.sort()
        # Paths made as Path(dirpath, name) and Path.relative_to(root) made them (os.walk's dirpath is ``top``
        # joined with names), without pathlib per file: a site's 10,000 documents are hashed every build.
        folder = os.path.relpath(dirpath, top).replace(os.sep, "/")
        within = "" if folder == "." else folder + "/"
        for name in sorted(filenames):
            path = os.path.join(dirpath, name)
            rel = within + name
            if skip(rel):
                continue
            h.update(rel.encode("utf-8", "surrogatepass") + b"\0")
            try:
                h.update(stats.file_digest(path) if stats is not None else file_digest(path).encode())
            except OSError:  # unreadable: the build itself will say so; here it only makes the key differ
                h.update(b"?")
    return h.hexdigest()


def code_digest() -> str:
    """gongkai's own files, the versions of the libraries that render pages, and Python's."""
    package = Path(__file__).parent
    parts = [FORMAT, sys.version, tree_digest(package, skip=lambda rel: "__pycache__" in rel or rel.endswith(".pyc"))]
    for name in DISTRIBUTIONS:
        try:
            parts.append(f"{name}=={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{name} absent")
    parts += [f"{name} {'importable' if importable(name) else 'not importable'}" for name in OPTIONAL_MODULES]
    return digest(*parts)


def importable(name: str) -> bool:
    """Whether ``import name`` would find the module (without importing it)."""
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):  # a blocked module (sys.modules[name] = None) or a broken parent
        return False


def site_modules(root: Path) -> list[str]:
    """Digests of the modules imported from the site's own folder (what its hooks import): code of the build.

    Modules installed in an environment inside the folder (a .venv) are the libraries', versioned elsewhere."""
    root = Path(os.path.realpath(root))
    found = []
    for name, module in sorted(sys.modules.items(), key=lambda item: item[0]):
        source = getattr(module, "__file__", None) if module is not None else None
        if not source or not source.endswith(".py"):
            continue
        path = Path(os.path.realpath(source))
        if path.is_relative_to(root) and "site-packages" not in path.parts and "dist-packages" not in path.parts:
            try:
                found.append(f"{name}\0{path.relative_to(root).as_posix()}\0{file_digest(path)}")
            except OSError:
                found.append(f"{name}\0?")
    return found


TAG_BYTES = 16


def _tag(kind: str, key: str, body: bytes) -> bytes:
    """What ties a stored value to its kind and key: an entry written by anything else, or moved under another
    key, or cut short, does not match and is a miss (its shape is then never trusted)."""
    h = hashlib.blake2b(digest_size=TAG_BYTES)
    h.update(f"{kind}\0{key}\0".encode("utf-8", "surrogatepass"))
    h.update(body)
    return h.digest()


def _plain(value: Any) -> tuple[bytes, bytes]:
    """(type, bytes) of a value as an entry stores it, before compression: a page's HTML as it is, not as a JSON
    string with every quote escaped."""
    if isinstance(value, str):
        return b"s", value.encode("utf-8", "surrogatepass")
    if isinstance(value, bytes):
        return b"b", value
    return b"j", json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _encode(value: Any, kind: str = "", key: str = "") -> bytes:
    return _encode_plain(_plain(value), kind, key)


# Entries are compressed with Zstandard at level 1: a cold build compresses every page, Markdown rendering, search
# record and page's reads it makes (at 10,000 documents some 45,000 entries, 400 MB), and zstd does that three to
# four times faster than zlib's fastest level, inflates twice as fast on a warm build, and to about the same size.
# One compressor per thread (a zstd context must not be shared by two threads at once); processes fork their own.
_CODEC = threading.local()


def _compressor():
    found = getattr(_CODEC, "compress", None)
    if found is None:
        found = _CODEC.compress = zstandard.ZstdCompressor(level=1, write_content_size=True).compress
    return found


def _decompressor():
    found = getattr(_CODEC, "decompress", None)
    if found is None:
        found = _CODEC.decompress = zstandard.ZstdDecompressor().decompress
    return found


def _encode_plain(plain: tuple[bytes, bytes], kind: str, key: str) -> bytes:
    body = plain[0] + _compressor()(plain[1])
    return _tag(kind, key, body) + body


def _encode_entry(entry: tuple) -> bytes:
    """The writer's task: compress and tag an entry made plain (``_plain``) in the build's process."""
    kind, key, plain = entry
    return _encode_plain(plain, kind, key)


WRITER_START = 200  # entries encoded in the build's process before a writer is forked (a small site is done first)


def _decode(blob: bytes, kind: str = "", key: str = "") -> Any:
    """The stored value; ValueError for an entry that is not one this code wrote under ``kind`` and ``key``, or
    that inflates beyond its limit (MAX_ENTRY_BYTES, or MAX_RATIO times its size when that is more)."""
    blob = bytes(blob)
    tag, body = blob[:TAG_BYTES], blob[TAG_BYTES:]
    if len(tag) != TAG_BYTES or tag != _tag(kind, key, body):
        raise ValueError("条目与其键不符")
    frame = body[1:]
    limit = max(MAX_ENTRY_BYTES, MAX_RATIO * len(body))
    try:
        # The size a frame declares is checked before anything is inflated (a frame without one is not ours);
        # zstd then fails on a frame that would inflate beyond what it declared, or that is cut short.
        size = zstandard.frame_content_size(frame)
        if size < 0:
            raise ValueError("条目未标明大小")
        if size > limit:
            raise ValueError("条目解压后过大")
        data = _decompressor()(frame, max_output_size=limit)
    except zstandard.ZstdError as exc:
        raise ValueError(f"条目不完整（{exc}）") from None
    if len(data) != size:
        raise ValueError("条目不完整")
    if body[:1] == b"s":
        return data.decode("utf-8", "surrogatepass")
    if body[:1] == b"b":
        return data
    if body[:1] == b"j":
        return json.loads(data.decode("utf-8", "surrogatepass"))
    raise ValueError("未知的条目类型")


# ``save``: the last build's file is copied whole when at most half of its entries go unused and at most a quarter
# of its pages are free (COPY_WHOLE off: always the entries one by one; a test compares the two ways).
COPY_WHOLE = True
MAX_FREE = 0.25
USES_HELD = 4096  # keys used before the listing is made and they are taken off it (a replay uses a handful)
_BATCH = 500  # keys per query of ``get_many`` and ``present`` (SQLite allows 999 parameters before 3.32)


def _by_keys(conn: sqlite3.Connection, statement: str, kind: str, keys: list[str]) -> list[tuple]:
    """``statement`` (``… WHERE kind = ? AND key IN ({})``) run for ``keys``, ``_BATCH`` of them at a time: the rows
    it gives."""
    rows: list[tuple] = []
    for start in range(0, len(keys), _BATCH):
        part = keys[start:start + _BATCH]
        rows += conn.execute(statement.format(",".join("?" * len(part))), (kind, *part)).fetchall()
    return rows


class BuildCache:
    """The cache of one build: reads the last clean build's entries, collects this build's, saves on success."""

    FILE = "cache.sqlite"

    def __init__(self, directory: Path, workers: int = 1):
        self.directory = Path(directory)
        # With 2+ workers, entries are encoded (JSON, zstd, tag) in a worker process while the build goes on.
        self._writer: parallel.Pipeline | None = parallel.Pipeline(
            _encode_entry, self._insert, workers=workers, name=lambda entry: f"{entry[0]} {entry[1]}",
            batch=64, start_after=WRITER_START) if workers > 1 else None
        self.hits = self.misses = 0
        self.salt = FORMAT  # the build's code (set by the core): part of every key made with ``key``
        self._old: sqlite3.Connection | None = None
        self._new: sqlite3.Connection | None = None
        self._new_path = self.directory / f".{self.FILE}.{os.getpid()}"
        self._digests: dict[str, str] = {}  # path → content hash, once per build
        # The last build's entries this build has not used (read and kept, or kept unread) so far: kind → keys, the
        # strings of the listing (``_keys``). ``save`` makes the next cache of the others and this build's new
        # entries (``_compose``). None until the uses noted (``_uses``) are many: a build that replays the last one
        # uses a handful and never lists the cache.
        self._unused: dict[str, set[str]] | None = None
        self._uses: list[tuple[str, Iterable[str]]] = []
        self._use_count = 0
        self._old_fd: int | None = None  # the last build's file as it was opened (``save`` may copy it)
        self._listing: dict[str, set[str]] | None = None  # the last build's keys: kind → keys (``_keys``)
        self.damaged = 0  # entries found that this code did not write (or that inflate too far): misses
        # In the page loop's second process (``forked``): the last build's entries it used, for the build's
        # ``take_forked``. In the build, once it took them: ``get_many`` finds this build's own entries too.
        self._forked_uses: list[tuple[str, tuple]] | None = None
        self._fresh = False
        old = self.directory / self.FILE
        try:
            if old.is_file():
                self._old_fd = os.open(old, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
                self._old = sqlite3.connect(f"file:{old}?mode=ro&immutable=1", uri=True, check_same_thread=False)
                if os.fstat(self._old_fd).st_ino != os.stat(old).st_ino:  # replaced in between by another build
                    raise sqlite3.DatabaseError("缓存文件在打开时被替换")
                row = self._old.execute("SELECT value FROM entries WHERE kind = 'format' AND key = ''").fetchone()
                if row is None or _decode(row[0], "format", "") != FORMAT:
                    raise sqlite3.DatabaseError("另一版本的缓存")
        except (OSError, sqlite3.Error, ValueError) as exc:
            log.info(f"构建缓存：{old} 无法使用（{exc}），本次完整构建")
            self._close_old()
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            _remove_leftovers(self.directory)
            self._new = _new_store(self._new_path)
        except (OSError, sqlite3.Error) as exc:
            log.info(f"构建缓存：无法写入 {self.directory}（{exc}），本次不使用缓存")
            self._close_old()
            self._discard_new()

    @property
    def usable(self) -> bool:
        return self._new is not None

    def get(self, kind: str, key: str, shape=None, carry: bool = True) -> Any:
        """The entry, or None; an entry read is kept for the next build (unless ``carry`` is false). ``shape(value)``
        says whether a value is one the caller can use: an entry of another shape is a miss, never a traceback."""
        if self._old is None:
            return None
        try:
            row = self._old.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
            if row is None:
                return None
            value = _decode(row[0], kind, key)
            if shape is not None and not shape(value):
                raise ValueError("条目形状不符")
        except (sqlite3.Error, ValueError, TypeError, KeyError, AttributeError) as exc:
            self._damaged(kind, exc)
            return None
        if carry:
            self._use(kind, (key,))
        return value

    def _use(self, kind: str, keys) -> None:
        """The last build's entries of ``kind`` under ``keys`` are kept for the next build (``save``)."""
        if self._new is None:
            return
        keys = keys if isinstance(keys, tuple) else tuple(keys)
        if self._forked_uses is not None:
            self._forked_uses.append((kind, keys))
            return
        self._uses.append((kind, keys))
        self._use_count += len(keys)
        if self._use_count > USES_HELD:
            self._apply_uses()

    def _apply_uses(self) -> dict[str, set[str]] | None:
        """The uses noted so far, taken off the entries not used (``_unused``, made from the listing on the
        first call); None when nothing was used or the listing cannot be read."""
        if self._unused is None:
            if not self._uses:
                return None
            listing = self._keys()
            if listing is None:
                self._uses.clear()
                return None
            self._unused = {k: set(found) for k, found in listing.items()}
        unused = self._unused
        for kind, keys in self._uses:
            left = unused.get(kind)
            if left:
                left.difference_update(keys)
        self._uses.clear()
        self._use_count = 0
        return unused

    def _damaged(self, kind: str, exc: Exception) -> None:
        if not isinstance(exc, sqlite3.Error):
            if not self.damaged:
                log.info(f"构建缓存：有条目无法使用（{kind}：{exc}），按未缓存处理")
            self.damaged += 1

    def check(self, kind: str, key: str) -> bool:
        """Whether an entry is there and was written by this code under this kind and key (without inflating it)."""
        if self._old is None:
            return False
        try:
            row = self._old.execute("SELECT value FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        except sqlite3.Error:
            return False
        if row is None:
            return False
        blob = bytes(row[0])
        if blob[:TAG_BYTES] != _tag(kind, key, blob[TAG_BYTES:]):
            self._damaged(kind, ValueError("条目与其键不符"))
            return False
        return True

    def has(self, kind: str, key: str) -> bool:
        if self._old is None:
            return False
        try:
            return self._old.execute("SELECT 1 FROM entries WHERE kind = ? AND key = ?", (kind, key)).fetchone() is not None
        except sqlite3.Error:
            return False

    def put(self, kind: str, key: str, value: Any) -> None:
        if self._new is None:
            return
        if self._writer is not None:
            # Made plain here, not pickled: pickling a str stores its UTF-8 form in it for as long as it lives,
            # and the values put are mostly the build's own (a page's HTML, titles, anchors): up to 1.5 times
            # their size again in the build process.
            self._writer.submit((kind, key, _plain(value)))
        else:
            self._insert((kind, key), _encode(value, kind, key))

    def _insert(self, entry: tuple, blob: bytes) -> None:
        if self._new is not None:
            self._new.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (entry[0], entry[1], blob))

    def _flush(self) -> None:
        """Every entry put so far into this build's store (the writer's queue emptied, its worker stopped)."""
        if self._writer is not None:
            writer, self._writer = self._writer, None
            writer.finish()

    def _batched(self, kind: str, keys: Iterable[str], columns: str, conn: sqlite3.Connection | None = None) \
            -> list[tuple]:
        """``columns`` of the last build's entries (or ``conn``'s) of ``kind`` under ``keys``, queried a batch of
        keys at a time."""
        conn = self._old if conn is None else conn
        keys = list(keys)
        if len(keys) == 1:  # a carried page's one entry, asked for 10,000 times a build: a statement never rebuilt
            return conn.execute(f"SELECT {columns} FROM entries WHERE kind = ? AND key = ?", (kind, keys[0])).fetchall()
        return _by_keys(conn, f"SELECT {columns} FROM entries WHERE kind = ? AND key IN ({{}})", kind, keys)

    def get_many(self, kind: str, keys: Iterable[str], shape=None, carry: bool = False) -> dict[str, Any]:
        """``get`` of many entries of one kind in few queries: key → value, for the entries there (and of the right
        shape). Those found are kept for the next build only with ``carry``, as ``get`` keeps them."""
        found: dict[str, Any] = {}
        if self._old is None and not self._fresh:
            return found
        keys = list(keys)
        try:
            rows = self._batched(kind, keys, "key, value") if self._old is not None else []
            if self._fresh and len(rows) < len(keys):  # entries the page loop's second process made (split.py)
                there = {key for key, _ in rows}
                rows += self._batched(kind, [k for k in keys if k not in there], "key, value", self._new)
        except sqlite3.Error:
            return found
        for key, blob in rows:
            try:
                value = _decode(blob, kind, key)
                if shape is not None and not shape(value):
                    raise ValueError("条目形状不符")
            except (ValueError, TypeError, KeyError, AttributeError) as exc:
                self._damaged(kind, exc)
                continue
            found[key] = value
        if carry and found:
            self._use(kind, found)
        return found

    # ---- the page loop's second process (plugins/catalog/split.py) -------------------------------------------

    def forked(self, side: Path) -> None:
        """In a process forked from the build: reads through a connection of its own, writes every entry into
        ``side`` (a new file), and notes the last build's entries it used instead of listing them (``finish_forked``,
        then the build's ``take_forked``). The build's connections are left as they are, never closed here: SQLite
        connections must not cross a fork, and closing one would act on the build's files."""
        _INHERITED.extend(held for held in (self._old, self._new, self._writer) if held is not None)
        self._writer = None  # the build's writer process (``parallel.forked`` first): this one encodes its own
        old = self.directory / self.FILE
        try:
            same = self._old_fd is not None and os.stat(old).st_ino == os.fstat(self._old_fd).st_ino
            self._old = sqlite3.connect(f"file:{old}?mode=ro&immutable=1", uri=True, check_same_thread=False) \
                if self._old is not None and same else None
        except (OSError, sqlite3.Error):
            self._old = None  # another build replaced it meanwhile: what was there is computed again
        self._old_fd = None
        self._listing = None
        self._new, self._new_path = _new_store(side), side
        self._uses, self._use_count, self._unused = [], 0, None
        self._forked_uses = []

    def finish_forked(self) -> list[tuple[str, tuple]]:
        """In the forked process, at its end: its entries written out; the last build's entries it used."""
        self._new.commit()
        self._new.close()
        self._new = None
        return self._forked_uses or []

    def take_forked(self, side: Path, uses: list[tuple[str, tuple]]) -> bool:
        """In the build: the entries the forked process wrote into ``side``, into this build's, and the last build's
        entries it used, kept for the next build. From now on ``get_many`` also finds this build's own entries (the
        facts of the pages it made refer to them). Returns whether they were taken."""
        for kind, keys in uses:
            self._use(kind, keys)
        taken = self._merge_file(side)
        self._fresh = self._fresh or taken
        return taken

    def present(self, kind: str, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` have an entry of ``kind`` (not read, not carried)."""
        listing = self._keys()
        return listing.get(kind, set()).intersection(keys) if listing is not None else set()

    def _keys(self) -> dict[str, set[str]] | None:
        """Every key of the last build's entries, by kind, listed once a build (one walk of the file's index: asking
        for 100,000 keys of carried pages a few hundred at a time cost five times as much); None without it."""
        if self._listing is None and self._old is not None:
            listing: dict[str, set[str]] = {}
            try:
                for kind, key in self._old.execute("SELECT kind, key FROM entries"):
                    found = listing.get(kind)
                    if found is None:
                        found = listing[kind] = set()
                    found.add(key)
            except sqlite3.Error:
                return None
            self._listing = listing
        return self._listing

    def intact(self, kind: str, keys: Iterable[str]) -> set[str]:
        """Which of ``keys`` have an entry of ``kind`` that this code wrote under that kind and key (``check`` of
        many, not inflated, not carried): one that is present but damaged is not."""
        if self._old is None:
            return set()
        try:
            rows = self._batched(kind, keys, "key, value")
        except sqlite3.Error:
            return set()
        found = set()
        for key, blob in rows:
            blob = bytes(blob)
            if blob[:TAG_BYTES] == _tag(kind, key, blob[TAG_BYTES:]):
                found.add(key)
            else:
                self._damaged(kind, ValueError("条目与其键不符"))
        return found

    def keep(self, kind: str, keys: Iterable[str], count: bool = True) -> int:
        """Carry the entries of ``kind`` under ``keys`` into this build's cache without reading them: a step that
        reused its whole output still keeps what the next build may need. Returns how many were there (with
        ``count``; else 0, and the keys need not be looked up: one that is not there is simply not kept)."""
        if self._old is None or self._new is None:
            return 0
        if not count:
            self._use(kind, keys)
            return 0
        found = self.present(kind, keys)
        self._use(kind, found)
        return len(found)

    def key(self, *parts: str) -> str:
        """The key of a pure step's result: its inputs and the code that computes it."""
        return digest(self.salt, *parts)

    def memo(self, kind: str, parts: Iterable[str], compute, *, shape=None, final=None):
        """``compute()``, or what it returned in the last build for the same ``parts`` (its inputs).

        ``shape(value)``: whether a stored value can be used (else computed again). ``final(value)``: whether a
        result is complete and may be kept — one cut short by a time limit, or made without a reader, is not (it
        is computed again next time). An error in ``compute`` stores nothing."""
        key = self.key(kind, *parts)
        value = self.get(kind, key, shape)
        if value is None:
            value = compute()
            if value is not None and (final is None or final(value)):
                self.put(kind, key, value)
        return value

    def lookup(self, kind: str, key: str, shape=None) -> Any:
        """``get`` counted as a hit or a miss (for the build's one-line summary)."""
        value = self.get(kind, key, shape)
        if value is None:
            self.misses += 1
        else:
            self.hits += 1
        return value

    def file_digest(self, path: Path) -> bytes:
        """Content hash of a file: its bytes are always read (a size and mtime say nothing about them: ``cp -p``,
        ``rsync -t`` and coarse-mtime filesystems keep both across a rewrite), once per build."""
        key = str(path)
        value = self._digests.get(key)
        if value is None:
            value = self._digests[key] = file_digest(path)
        return value.encode()

    def for_workers(self, kind: str) -> "WorkerStore | None":
        """The cache as forked worker processes use it (their own connections); ``merge`` takes their entries."""
        if self._new is None:
            return None
        old = self.directory / self.FILE if self._old is not None else None
        return WorkerStore(kind, self.salt, old, self.directory)

    def merge(self, store: "WorkerStore") -> None:
        """The entries the workers of ``store`` read or made, into this build's cache."""
        for path in sorted(store.directory.glob(f".{store.kind}-{store.owner}-*.sqlite")):
            self._merge_file(path)

    def _merge_file(self, path: Path) -> bool:
        """Every entry of the entries file at ``path`` into this build's, the file removed. Returns whether merged."""
        merged = False
        try:
            if self._new is not None:
                self._new.commit()  # ATTACH is refused inside a transaction
                self._new.execute("ATTACH DATABASE ? AS side", (str(path),))
                self._new.execute("INSERT OR REPLACE INTO entries SELECT * FROM side.entries")
                self._new.commit()
                self._new.execute("DETACH DATABASE side")
                merged = True
        except sqlite3.Error as exc:
            log.info(f"构建缓存：{path.name} 无法合并（{exc}）")
        path.unlink(missing_ok=True)
        return merged

    def save(self) -> None:
        """Make this build's entries the cache (the build finished cleanly)."""
        if self._new is None:
            return
        try:
            self._flush()
            self.put("format", "", FORMAT)
            self._new.commit()
            self._new.close()
            self._new = None
            path = self._compose()
            self._close_old()
            os.replace(path, self.directory / self.FILE)
        except (OSError, sqlite3.Error) as exc:
            log.info(f"构建缓存：无法写入 {self.directory}（{exc}），下次完整构建")
            self._close_old()
            self._discard_new()

    def _compose(self) -> Path:
        """The next cache: the last build's entries this build used (all but ``_unused``) and this build's own
        (which win where both have a key), in a file beside the cache. Returns it.

        Two ways give the same entries. When this build used most of the last build's entries (a rebuild after an
        edit: all but a few hundred of a site's entries), the last build's file is copied whole (one system call,
        no entry passing through SQLite or Python), the entries this build did not use are deleted from the copy
        and its own are written into it. Otherwise (a first build, a new version of the code, a site much changed)
        the used entries are copied one by one into this build's file. A copy with many free pages left by
        deleted entries (a quarter) is not copied again: the next build copies entries, which compacts it."""
        new = self._new_path
        unused = self._apply_uses() if self._old is not None else None
        listing = self._keys() if unused is not None else None
        if not listing:
            return new
        unused = {kind: keys for kind, keys in unused.items() if keys}
        total = sum(map(len, listing.values()))
        if COPY_WHOLE and 2 * sum(map(len, unused.values())) <= total and self._free_fraction() <= MAX_FREE:
            copy = self.directory / f".{self.FILE}.whole.{os.getpid()}"
            try:
                self._copy_old(copy)
                conn = sqlite3.connect(copy)
                try:
                    conn.execute("PRAGMA journal_mode = OFF")
                    conn.execute("PRAGMA synchronous = OFF")
                    for kind, keys in unused.items():
                        _by_keys(conn, "DELETE FROM entries WHERE kind = ? AND key IN ({})", kind, list(keys))
                    conn.commit()
                    conn.execute("ATTACH DATABASE ? AS new", (str(new),))
                    conn.execute("INSERT OR REPLACE INTO main.entries SELECT * FROM new.entries")
                    conn.commit()
                    conn.execute("DETACH DATABASE new")
                finally:
                    conn.close()
                new.unlink(missing_ok=True)
                return copy
            except (OSError, sqlite3.Error):
                copy.unlink(missing_ok=True)  # the other way, below
        conn = sqlite3.connect(new)
        try:
            conn.execute("PRAGMA journal_mode = OFF")
            conn.execute("PRAGMA synchronous = OFF")
            conn.execute("ATTACH DATABASE ? AS old", (str(self.directory / self.FILE),))
            if not self._old_unreplaced():
                return new  # another build saved meanwhile: its entries are not the ones this build used
            for kind, keys in listing.items():
                # This build's own entry wins over the last build's under the same key (OR IGNORE).
                _by_keys(conn, "INSERT OR IGNORE INTO main.entries SELECT * FROM old.entries WHERE kind = ? AND key "
                         "IN ({})", kind, list(keys - unused.get(kind, set())))
            conn.commit()
        finally:
            conn.close()
        return new

    def _free_fraction(self) -> float:
        try:
            free = self._old.execute("PRAGMA freelist_count").fetchone()[0]
            pages = self._old.execute("PRAGMA page_count").fetchone()[0]
        except sqlite3.Error:
            return 1.0
        return free / pages if pages else 1.0

    def _old_unreplaced(self) -> bool:
        """Whether ``cache.sqlite`` is still the file this build opened (no other build saved meanwhile)."""
        try:
            return self._old_fd is not None and os.fstat(self._old_fd).st_ino == \
                os.stat(self.directory / self.FILE).st_ino
        except OSError:
            return False

    def _copy_old(self, dest: Path) -> None:
        """The last build's file as this build opened it (another build may have replaced it since), copied."""
        size = os.fstat(self._old_fd).st_size
        with open(dest, "wb") as out:
            done = 0
            try:
                while done < size:
                    sent = os.copy_file_range(self._old_fd, out.fileno(), size - done, done, done)
                    if sent == 0:
                        break
                    done += sent
            except (AttributeError, OSError):
                done = 0
            if done != size:  # no copy_file_range here (another system, another filesystem): read and write
                out.seek(0)
                out.truncate()
                offset = 0
                while chunk := os.pread(self._old_fd, 1 << 20, offset):
                    out.write(chunk)
                    offset += len(chunk)

    def discard(self) -> None:
        """Keep the last clean build's cache (this build failed or warned)."""
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        self._close_old()
        self._discard_new()

    def _close_old(self) -> None:
        self._listing = None
        if self._old is not None:
            self._old.close()
            self._old = None
        if self._old_fd is not None:
            os.close(self._old_fd)
            self._old_fd = None

    def _discard_new(self) -> None:
        if self._new is not None:
            try:
                self._new.close()
            except sqlite3.Error:
                pass
            self._new = None
        try:
            self._new_path.unlink(missing_ok=True)
        except OSError:
            pass
        self._unused = None
        self._uses.clear()
        self._use_count = 0


DOCUMENT_SKIP = ("body", "publisher", "columns")  # the body is the page's own; the other two are the catalog's


def describe_document(doc) -> str:
    """A document's metadata (its model without the body) as JSON text: what a page may show of it."""
    from dataclasses import fields

    data = {f.name: getattr(doc, f.name) for f in fields(doc) if f.name not in DOCUMENT_SKIP}
    return json.dumps(data, ensure_ascii=False, sort_keys=True, default=_default)


def describe(value: Any) -> str:
    """JSON text of a model object (dataclasses, dates, lists …), for a key."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=_default)


def _default(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "__dataclass_fields__"):
        return {name: getattr(value, name) for name in value.__dataclass_fields__}
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    return repr(value)


# A forked process's inherited connections and writer (``BuildCache.forked``): held, never closed nor freed there.
_INHERITED: list = []


def _new_store(path: Path) -> sqlite3.Connection:
    """An empty entries file, written without a journal: it is renamed into place only when complete."""
    path.unlink(missing_ok=True)
    conn = sqlite3.connect(path, check_same_thread=False)
    # Pages of 16 KiB instead of 4: a page's HTML (about 6 KB) fits one page instead of a chain of overflow pages,
    # and copying the entries a warm build keeps (about 200 MB at 10,000 documents, ``keep``) costs 40 % less CPU;
    # a lookup costs the same. Set before the table exists (it is the file's layout; any reader opens it).
    conn.execute("PRAGMA page_size = 16384")
    conn.execute("PRAGMA journal_mode = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    conn.execute("CREATE TABLE entries (kind TEXT, key TEXT, value BLOB, PRIMARY KEY (kind, key))")
    return conn


def _remove_leftovers(directory: Path) -> None:
    """Files of builds that were killed before they could save or discard (their process is gone)."""
    for path in directory.glob(".*.sqlite*"):
        pid = path.name.rsplit(".", 1)[-1] if path.name.startswith(f".{BuildCache.FILE}.") else \
            path.stem.split("-")[1] if path.name.count("-") >= 2 else ""
        if not pid.isdigit() or int(pid) == os.getpid():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            path.unlink(missing_ok=True)
        except OSError:
            pass


class WorkerStore:
    """One kind of entry of the build cache, as a forked worker reads and adds to it (``open`` in the worker):
    sqlite connections must not cross a fork, so each worker opens its own and writes what it read or made to a
    file of its own, which the build merges (``BuildCache.merge``)."""

    def __init__(self, kind: str, salt: str, old: Path | None, directory: Path):
        self.kind, self.salt, self.old, self.directory = kind, salt, old, directory
        # The build's own process in every file name: another build of the same site at the same time (mkdocs serve
        # and mkdocs build) merges its own workers' files, never these.
        self.owner = os.getpid()
        self._old: sqlite3.Connection | None = None
        self._side: sqlite3.Connection | None = None

    def open(self, part: int = 0) -> "WorkerStore":
        try:
            if self.old is not None:
                self._old = sqlite3.connect(f"file:{self.old}?mode=ro&immutable=1", uri=True)
            self._side = _new_store(self.directory / f".{self.kind}-{self.owner}-{os.getpid()}-{part}.sqlite")
        except (OSError, sqlite3.Error):
            self.close()
        return self

    def get(self, *parts: str) -> tuple[str, Any]:
        """(key, value or None) of the entry made from ``parts``."""
        key = digest(self.salt, *parts)
        if self._old is None or self._side is None:
            return key, None
        try:
            row = self._old.execute("SELECT value FROM entries WHERE kind = ? AND key = ?",
                                    (self.kind, key)).fetchone()
            if row is None:
                return key, None
            value = _decode(row[0], self.kind, key)
            self._side.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)", (self.kind, key, row[0]))
            return key, value
        except (sqlite3.Error, ValueError):
            return key, None

    def put(self, key: str, value: Any) -> None:
        if self._side is not None:
            self._side.execute("INSERT OR REPLACE INTO entries VALUES (?, ?, ?)",
                               (self.kind, key, _encode(value, self.kind, key)))

    def close(self) -> None:
        for conn in (self._old, self._side):
            if conn is not None:
                try:
                    conn.commit()
                    conn.close()
                except sqlite3.Error:
                    pass
        self._old = self._side = None
