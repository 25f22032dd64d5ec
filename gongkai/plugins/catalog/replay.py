"""Replaying a build whose inputs are all unchanged (issue 20: "nothing changed").

A build that saves its cache also saves a record of itself, ``BuildRecord``:

- what it was made from: its code and settings (the cache's settings key: configuration, versions, hooks, the
  modules they import, snippets), every file below ``docs_dir``, the catalog folder and the site's template folders
  (names and bytes), every other file it opened for reading, every variable of the environment it read (and
  gongkai's own), its dates (the clock's, the machine's, MkDocs' build date) and how it read its instant (``gongkai.clock.ClockReads``:
  each comparison with another instant and its answer);
- what it said: its problems as graded, the external links the link check found, how many documents it published;
- what it published: every file of ``site_dir`` (path, size, mtime, mode, owner).

The next build finds every input the same and the site still the files recorded: it would write the same files and
report the same, so the core replays the record instead (``Replay``). It reports the recorded problems through the
same reporter (same summary, same report files, same exit status) and leaves the published site as it is; no other
plugin runs. Any difference is a full build with the page cache: a byte of any input file, a file added or
removed, a setting, the date, a comparison with the clock that now answers otherwise, a file of the site changed.

A build is not recorded when something in it is not a function of its inputs: a page that read the build's exact
time (``build_date_utc`` without ``SOURCE_DATE_EPOCH``), or a value that cannot be described; a read of the clock's
hour or a difference with it; a file it could not scan completely (“未能扫描”); a plugin or hook other than gongkai's
acting before or after the build (``on_pre_build``, ``on_post_build``); an input file changed while it ran.
"""

from __future__ import annotations

import builtins
import datetime as dt
import io
import logging
import os
import stat
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import material
import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.utils import get_build_date

from gongkai.buildcache import BuildCache, digest, file_digest, tree_digest
from gongkai.clock import Clock, answer, unrecorded
from gongkai.errors import Problem
from gongkai.stages import handlers_outside

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

KIND = "build"  # the build cache's kind for the record (one per cache: the last build's)
# Variables of the environment that change what a build makes besides its settings, but these: $GONGKAI_AS_OF is
# the clock (its date and comparisons are compared), the number of workers changes nothing written.
ENV_IGNORED = frozenset({"GONGKAI_AS_OF", "GONGKAI_WORKERS", "GONGKAI_CACHE"})
# Events other plugins and hooks may have without the build depending on more than its inputs: they run on pages
# and the environment, which every input decides. Before and after the build a plugin may do anything.
SIDE_EVENTS = ("pre_build", "post_build")
ABSENT = ""  # the digest recorded for a file the build looked for and did not find (a file's digest is never empty)
VCS_FOLDERS = frozenset({".git", ".hg", ".svn"})  # written by commits: no file there is a page's input
TREES = "输入文件"  # why a build is not replayed when only files of the folders hashed whole differ
INCOMPLETE = "未能扫描"  # a problem saying a file was not read whole: the next build may read more
# Template folders that are code (material's, MkDocs' own, gongkai's): versioned in the settings key, not hashed as
# inputs.
SHIPPED = (Path(material.__file__).parent, Path(mkdocs.__file__).parent, Path(__file__).parents[2])


def site_template_dirs(config: MkDocsConfig) -> list[Path]:
    """The site's own template folders (``custom_dir`` …): inputs, hashed whole."""
    return [Path(d) for d in config.theme.dirs if not any(Path(d).is_relative_to(p) for p in SHIPPED)]


def environment(read: dict[str, str | None] | None = None) -> dict[str, str | None]:
    """gongkai's variables and MkDocs' build date, and every other variable the build read (``read``: name → its
    value, None when it was not set), as they are now."""
    names = {k for k in os.environ if k.startswith("GONGKAI_") or k == "SOURCE_DATE_EPOCH"} | set(read or ())
    return {k: os.environ.get(k) for k in sorted(names - ENV_IGNORED)}


class EnvironmentReads:
    """Every variable of the environment read while the build runs (``os.environ[...]``, ``.get``, ``in``,
    ``os.getenv``): a hook that shows one makes it an input nobody declared."""

    def __init__(self):
        self.read: dict[str, str | None] = {}
        self._saved = None

    def start(self) -> None:
        if self._saved is not None:
            return
        environ = type(os.environ)
        real, read = environ.__getitem__, self.read

        def getitem(mapping, key):
            try:
                value = real(mapping, key)
            except KeyError:
                if mapping is os.environ:
                    read.setdefault(key, None)
                raise
            if mapping is os.environ:
                read.setdefault(key, value)
            return value

        self._saved = real
        environ.__getitem__ = getitem

    def stop(self) -> None:
        if self._saved is not None:
            type(os.environ).__getitem__ = self._saved
            self._saved = None


def dates(clock: Clock) -> list[str]:
    return [clock.as_of.isoformat(), dt.date.today().isoformat(), get_build_date()]


def foreign_side_events(config: MkDocsConfig) -> str:
    """Plugins and hooks other than gongkai's that act before or after the build, named."""
    return "、".join(handlers_outside(config, SIDE_EVENTS))


class OpenedFiles:
    """Every file opened for reading while the build runs (``builtins.open`` and ``io.open``, which ``pathlib``
    and ``codecs`` use): inputs nobody declared, such as a synonyms file or a file a hook reads."""

    def __init__(self):
        self.paths: set[str] = set()
        self._saved = None

    def start(self) -> None:
        if self._saved is not None:
            return
        real_builtin, real_io = builtins.open, io.open
        paths = self.paths

        def recorded(real):
            def open(file, mode="r", *args, **kwargs):
                if isinstance(file, (str, bytes, os.PathLike)) and not any(c in mode for c in "wax+"):
                    try:
                        paths.add(os.path.abspath(os.fsdecode(file)))
                    except (TypeError, ValueError):
                        pass
                return real(file, mode, *args, **kwargs)
            return open

        self._saved = (real_builtin, real_io)
        builtins.open, io.open = recorded(real_builtin), recorded(real_io)

    def stop(self) -> None:
        if self._saved is not None:
            builtins.open, io.open = self._saved
            self._saved = None


@dataclass
class BuildRecord:
    """One build's inputs, what it reported and what it published (module docstring)."""

    settings: str
    trees: str
    opened: dict[str, str]
    env: dict[str, str | None]
    dates: list[str]
    clock: list[list]
    site_dir: str
    site: list[list]  # [path, size, mtime_ns, mode, owner]
    problems: list[dict]
    external: dict[str, list[str]]
    documents: int
    notes: list[str] = field(default_factory=list)

    def announce(self, target: Path) -> None:
        files = sum(1 for f in self.site if not f[0].endswith("/"))
        log.info(f"构建缓存：所有输入与上次构建相同，沿用已发布的 {target.name}/（{files} 个文件），未重新生成")

    @classmethod
    def shape(cls, value) -> bool:
        return isinstance(value, dict) and set(value) == {f for f in cls.__dataclass_fields__}


def site_files(site: Path, known: dict[str, list[list]] | None = None,
               stats: dict[str, os.stat_result] | None = None) -> list[list]:
    """Every file and folder of a published site as [path, size, mtime_ns, mode, owner], sorted (a folder's path
    ends in /, its size and time are 0). Files are compared as ``make`` compares them: a copy that keeps the times
    (``cp -a``, a backup put back) is the same site, any write gives a new mtime; the mode and owner are what the
    web server reads the site as (publishing.StagedOutput gives new files the build's).

    ``known``: folders (path without its /) whose entries below them are known already, as this lists them: the
    folders of the previous site a build moved whole into the new one (``StagedOutput.grafted``), listed when
    they were found whole, moments before; a folder there is not walked (most of a site after one document
    changed: the site was walked three times a build). ``stats``: filled with each entry's lstat, by its path
    (without a folder's /)."""
    # What os.walk (top-down, links to folders listed but not followed, unreadable folders skipped) and an lstat
    # of each entry give, without its path joins and relpaths: one site of 12,000 files is walked twice a build.
    out: list[list] = []
    append = out.append
    pending = [(os.fspath(site), "")]
    while pending:
        top, prefix = pending.pop()
        try:
            with os.scandir(top) as entries:
                listed = list(entries)
        except OSError:
            continue
        for entry in listed:
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            st = entry.stat(follow_symlinks=False)  # lstat of the entry's path
            if stats is not None:
                stats[prefix + entry.name] = st
            if is_dir:
                append([prefix + entry.name + "/", 0, 0, st.st_mode, st.st_uid])
                below = known.get(prefix + entry.name) if known and stat.S_ISDIR(st.st_mode) else None
                if below is not None:
                    out.extend(below[:-1])  # its own row last: as its lstat gives it now, above
                elif not stat.S_ISLNK(st.st_mode):
                    pending.append((entry.path, prefix + entry.name + "/"))
            else:
                append([prefix + entry.name, st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid])
    out.sort()
    return out


class Replay:
    """Records a build (``record``) and decides whether the next one may replay it (``find``)."""

    def __init__(self, store: BuildCache):
        self.store = store
        self.opened = OpenedFiles()
        self.environ = EnvironmentReads()
        self.started = time.time_ns()
        self.trees: str | None = None
        self._folders: list[str] = []  # the folders hashed whole (``inputs``): files opened there are in ``trees``
        self._site = ""
        self._skip: list[str] = []  # folders whose files are not inputs (the output, the cache, the code)
        self._written: list[str] = []  # of these, those builds write (the output, the cache, the environment)
        # The last build's record when this build differs from it only in files of the folders hashed whole (its
        # documents, catalog, templates): which of them, and what pages may be carried, carried.py decides.
        self.partial: BuildRecord | None = None
        # With ``partial``: whether the dates and the clock's answers are the last build's too (else only pages
        # checked one by one may be carried, carried.py).
        self.same_day = False
        self.last: BuildRecord | None = None  # the last build's record, whatever differs from it
        self._as_recorded: bool | None = None
        self._stats: dict[str, os.stat_result] | None = None  # the published site's entries when as recorded

    def watch(self, target: Path, cache_dir: Path) -> None:
        """From the core's first on_config: files opened from now on are recorded. ``target``: the site_dir."""
        site = os.path.abspath(target)
        self._site = site
        self._written = [site, str(cache_dir.absolute()), sys.prefix, sys.base_prefix]
        self._skip = [*self._written, *map(str, SHIPPED), "/dev", "/proc", "/sys"]
        self.opened.start()
        self.environ.start()

    def not_input(self, path: str) -> bool:
        """Whether the file at ``path`` is one that builds and commits write, never an input of a page: the
        published site, the staging and old folders beside it, the cache, the Python environment, a
        version-control folder. A folder hashed whole for what a page may include (pymdownx.snippets' default base
        path is the project's folder) leaves them out, or every build would have another key."""
        if any(part in VCS_FOLDERS for part in Path(path).parts):
            return True
        beside = os.path.join(os.path.dirname(self._site), f".{os.path.basename(self._site)}-")
        return path.startswith(beside) or any(path == f or path.startswith(f.rstrip(os.sep) + os.sep)
                                              for f in self._written)

    def inputs(self, config: MkDocsConfig, root: Path, catalog_dir: Path) -> str:
        """The digest of every file of the folders a build reads whole (its documents, catalog and templates)."""
        folders = [Path(config.docs_dir), catalog_dir, *site_template_dirs(config)]
        self._folders = [str(folder.absolute()) for folder in folders]
        parts = []
        for folder in folders:
            parts += [str(folder.absolute()), tree_digest(folder, stats=self.store)]
        self.trees = digest(*parts)
        return self.trees

    def _opened(self) -> dict[str, str] | None:
        """Digests of the files opened outside the folders hashed whole, the output, the cache and the code (None:
        one changed while the build ran)."""
        inside = [f.rstrip(os.sep) + os.sep for f in [*self._folders, *self._skip]]
        # The staging and old folders of the output (publishing.StagedOutput) are beside it: .site-building-…
        beside = os.path.join(os.path.dirname(self._site), f".{os.path.basename(self._site)}-")
        found = {}
        for path in sorted(self.opened.paths):
            if any(path.startswith(f) for f in inside) or path.startswith(beside) or os.path.isdir(path):
                continue
            try:
                st = os.stat(path)
            except FileNotFoundError:
                # Looked for and not there (an optional file, or a temporary file of the build's own that is gone):
                # the next build compares that too, or a file that appears would not be read.
                found[path] = ABSENT
                continue
            except OSError:
                continue
            if max(st.st_mtime_ns, st.st_ctime_ns) >= self.started:
                return None
            found[path] = file_digest(Path(path))
        return found

    def record(self, *, config: MkDocsConfig, settings: str | None, clock: Clock, published: Path,
               problems: list[Problem], external: dict, documents: int, refused: list[str],
               listed: dict[str, list[list]] | None = None) -> bool:
        """At the end of a build that published: what the next build must find the same to replay it. Whether the
        build was recorded. ``listed``: folders of the published site whose files are known (``site_files``)."""
        self.close()
        reasons = list(refused)
        reads = clock.reads
        if self.partial is not None:
            self._inherit(self.partial, reads)
        if settings is None or self.trees is None:
            reasons.append("设置无法比较")
        if reads is None or reads.exact:
            reasons.append("读取了构建时刻（时、分或时间差）")
        foreign = foreign_side_events(config)
        if foreign:
            reasons.append(f"{foreign} 在构建前后运行")
        if any(p.message.startswith(INCOMPLETE) for p in problems):
            reasons.append("有文件未能完整扫描")
        opened = self._opened() if not reasons else None
        if not reasons and opened is None:
            reasons.append("构建期间输入文件有改动")
        if reasons:
            log.debug(f"构建缓存：本次构建不记录为可重放（{'；'.join(reasons)}）")
            return False
        record = BuildRecord(
            settings=settings, trees=self.trees, opened=opened, env=environment(self.environ.read), dates=dates(clock),
            clock=sorted([op, other, said] for op, other, said in reads.comparisons),
            site_dir=str(published.absolute()), site=site_files(published, listed),
            problems=[asdict(p) for p in problems], external={k: list(v) for k, v in external.items()},
            documents=documents)
        # Its fields are plain already: asdict's deep copy of every file of the site would cost a tenth of a second
        # at 10,000 pages.
        self.store.put(KIND, "", {name: getattr(record, name) for name in BuildRecord.__dataclass_fields__})
        return True

    def _inherit(self, last: BuildRecord, reads) -> None:
        """A build that differs from the last recorded one only in files of the folders hashed whole may carry
        pages over (carried.py): a carried page asks the clock nothing, opens no file and reads no variable in this
        build. What the last build asked, opened and read — those pages' included — this build found the same when
        it started (``find``), so it is this build's too: recorded again, the next build compares it (a 征集 that
        closes at 17:00, shown only on its carried page, is not replayed as open at 17:30)."""
        # Another day or another answer of the clock: a page carried then was checked on this build's clock (its
        # template's reads, carried.py), and the last build's answers are not this build's.
        if reads is not None and self.same_day:
            reads.comparisons.update((op, other, said) for op, other, said in last.clock)
        self.opened.paths.update(last.opened)
        for name in last.env:
            self.environ.read.setdefault(name, os.environ.get(name))

    def find(self, *, config: MkDocsConfig, settings: str | None, clock: Clock, target: Path,
             trees: str) -> BuildRecord | None:
        """The last build's record if this build would make exactly what it made (else None, and why, at debug)."""
        # Not carried into this build's cache: a build that is not recorded leaves none behind.
        value = self.store.get(KIND, "", BuildRecord.shape, carry=False)
        if value is None or settings is None:
            return None
        try:
            record = self.last = BuildRecord(**value)
            why = self._differs(record, config, settings, clock, target, trees)
            if why is not None and self._differs(record, config, settings, clock, target, record.trees,
                                                 timeless=True) is None:
                # Only files of the folders hashed whole, the dates or the clock's answers differ: pages may be
                # carried.
                self.partial, self.same_day = record, why == TREES
        except (TypeError, ValueError, KeyError, IndexError, OSError) as exc:  # a record of another shape
            why = f"记录无法使用（{exc}）"
        if why:
            log.debug(f"构建缓存：不重放上次构建（{why}）")
            return None
        return record

    def published_as_recorded(self, target: Path) -> bool:
        """Whether ``target`` is still, file by file, the site the last recorded build published (each file's
        size, time, mode and owner, as ``find`` compares them): its pages' files are that build's output."""
        if self._as_recorded is None:
            last, stats = self.last, {}
            try:
                self._as_recorded = last is not None and last.site_dir == str(target.absolute()) and \
                    [list(f) for f in last.site] == site_files(target, stats=stats)
            except (OSError, TypeError):
                self._as_recorded = False
            self._stats = stats if self._as_recorded else None
        return self._as_recorded

    def published_stats(self, target: Path) -> dict[str, os.stat_result] | None:
        """The lstat of each file and folder of ``target`` (by its path in the site) as ``published_as_recorded``
        found them, when it found the site the last build published; given once (None after)."""
        if not self.published_as_recorded(target):
            return None
        stats, self._stats = self._stats, None
        return stats

    def _differs(self, record: BuildRecord, config, settings, clock: Clock, target: Path, trees: str,
                 timeless: bool = False) -> str | None:
        """The first input of this build that differs from ``record``'s (None: none); ``timeless``: the dates and
        the clock's answers are not compared."""
        if record.settings != settings:
            return "设置或代码"
        if record.env != environment(record.env):
            return "环境变量"
        if not timeless and record.dates != dates(clock):
            return "日期"
        if record.site_dir != str(target.absolute()):
            return "网站目录"
        now = unrecorded(clock.now)
        for op, other, expected in record.clock:
            if not isinstance(expected, bool) or (not timeless and answer(op, now, other) != expected):
                return f"时刻（{op} {other}）"
        if foreign_side_events(config):
            return "其他插件"
        if record.trees != trees:
            return TREES
        for path, expected in record.opened.items():
            try:
                if file_digest(Path(path)) != expected:
                    return path
            except FileNotFoundError:
                if expected != ABSENT:
                    return path
            except OSError:
                return path
        if not self.published_as_recorded(target):  # record is self.last: the comparison made once per build
            return "已发布的网站有改动"
        return None

    def close(self) -> None:
        self.opened.stop()
        self.environ.stop()
