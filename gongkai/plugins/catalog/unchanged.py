"""Unchanged output is not written again (issue 20, item 4).

A rebuild after one 通知 changed produces ten thousand pages and search fragments with exactly the bytes they had
in the site it replaces. Writing each again is most of the system time of such a build (docs/performance.md), and
makes every file look new to whatever copies the site to the web server. So a file the build is about to write
is first compared with the file at the same place in the previous ``site_dir``; when the bytes are the same (and
it is a plain file of the mode a new one would get, owned by this user, with no other name), nothing is written,
and when the site is published that file is hard-linked into the new one (copied if a link cannot be made).

Why the links are made only at the end, in ``link()``: a hard link is one file under two names. While the build
runs, every plugin (gongkai's, material's, a site's own) may write into the staging folder, and a plugin that
opened a linked file to rewrite it would change the **live** site through the link — before the build has even
passed its checks. Until ``link()`` the staging folder holds no name of a previous file at all, so nothing
written during the build can reach the live site. ``link()`` runs in the core's last ``on_post_build``, after
every plugin wrote what it writes and before the checks of the written site; then the staging folder replaces
``site_dir`` (gongkai/plugins/catalog/publishing.py, ``StagedOutput``) and nothing more is written into it (a
plugin whose ``on_post_build`` runs later writes into the published ``site_dir``). Every file this module writes
is a new file (``O_EXCL``, after removing whatever had that name), never an existing one opened for writing.

A plugin that reads back in ``on_post_build`` a file it did not write itself does not find an unchanged page
in the staging folder (it is linked only at the end); ``where()`` says where its bytes are (the link check uses
it, through the core's ``output_file``).
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import stat
from pathlib import Path
from typing import Callable

from mkdocs.exceptions import PluginError

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

# Reading the previous file in one call: a page is tens of KB, an attachment may be large (read in chunks).
_CHUNK = 1 << 20


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class UnchangedFiles:
    """The files of one build that are the previous site's files, and the writes of those that are not.

    ``previous`` is the site being replaced (may not exist), ``staging`` the folder the build writes into.
    """

    def __init__(self, previous: Path, staging: Path):
        self.previous = str(previous) if previous.is_dir() and not previous.is_symlink() else None
        self.staging = str(staging)
        self._prefix = self.staging + os.sep
        self.mode = 0o666 & ~_umask()  # what open() gives a new file: a reused one must have the same mode
        self.uid = os.geteuid() if hasattr(os, "geteuid") else None
        # rel path → (st_dev, st_ino, st_size, st_mtime_ns) of the previous file when it was compared
        self._pending: dict[str, tuple[int, int, int, int]] = {}
        self._log: list[tuple[str, tuple[int, int, int, int]]] | None = None  # a forked worker's own (``take``)
        self._folders: dict[str, bool] = {"": True}  # previous site's folders checked for symbolic links
        self.reused = 0  # files linked (or copied) from the previous site by ``link``, or moved with their folder
        self.grafts: list[str] = []  # folders of the previous site moved whole into the new one (``link``)
        self.listed: dict[str, list[list]] = {}  # each of those → its entries, as replay.site_files lists them
        # What this build found of the previous site when it started (``carry``): path in the site → its lstat, or
        # None; asked for once, when a carried page's file is first wanted.
        self.listing: Callable[[], dict[str, os.stat_result] | None] | None = None
        self._seen: dict[str, os.stat_result] | None = None
        self.written = 0  # files written by this module

    # ---- during the build ---------------------------------------------------------------------------------

    def _rel(self, path: str) -> str | None:
        path = os.fspath(path)
        return path[len(self._prefix):] if path.startswith(self._prefix) else None

    def write(self, path, data: bytes) -> None:
        """``data`` as the file at ``path``: kept for a link to the previous site's file when that has these
        bytes, else written as a new file."""
        path = os.fspath(path)
        rel = self._rel(path)
        if rel is not None and self.previous is not None and self._same_bytes(rel, data):
            return
        self._discard(rel)
        _new_file(path, data)
        self.written += 1

    def copy(self, source, path) -> None:
        """The file at ``source`` copied to ``path`` (MkDocs' static files): kept for a link when the previous
        site's file has the same bytes, else copied into a new file."""
        source, path = os.fspath(source), os.fspath(path)
        rel = self._rel(path)
        if rel is not None and self.previous is not None and self._same_file(rel, source):
            return
        self._discard(rel)
        _remove(path)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        shutil.copyfile(source, path)  # onto a name that no longer exists: a new file
        self.written += 1

    def where(self, rel: str) -> str | None:
        """Where the bytes of the build's file at the site-relative path ``rel`` are now: in the staging folder,
        or the previous site's file it will be linked from; None if the build has no such file."""
        rel = os.path.normpath(rel)
        if rel in self._pending:
            return os.path.join(self.previous, rel)
        path = os.path.join(self.staging, rel)
        return path if os.path.isfile(path) else None

    def _discard(self, rel: str | None) -> None:
        if rel is not None and self._pending.pop(rel, None) is not None and self._log is not None:
            self._log.append((rel, None))

    def _plain_folder(self, rel: str) -> bool:
        """Whether the previous site's folder ``rel`` and each above it is a real folder, not a symbolic link
        (which would make a file outside the site look like one of it); decided once per folder."""
        found = self._folders.get(rel)
        if found is None:
            parent = os.path.dirname(rel)
            try:
                found = (parent == rel or self._plain_folder(parent)) and stat.S_ISDIR(self._lstat(rel).st_mode)
            except OSError:
                found = False
            self._folders[rel] = found
        return found

    def _lstat(self, rel: str) -> os.stat_result:
        """The previous site's entry at ``rel``: as this build found it when it started, while carrying pages
        (``listing``), else now. Either way a file linked at publication is checked then to be still the one
        kept (``link``)."""
        seen = self._seen
        if seen is None and self.listing is not None:
            seen = self._seen = self.listing() or {}
            self.listing = None
        found = seen.get(rel) if seen else None
        return found if found is not None else os.lstat(os.path.join(self.previous, rel))

    def _previous(self, rel: str):
        """The previous site's file at ``rel``, opened, with its status, when it may be reused; else None."""
        if not self._plain_folder(os.path.dirname(rel)):
            return None
        try:
            fd = os.open(os.path.join(self.previous, rel), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                         | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return None
        st = os.fstat(fd)
        if not self._reusable(st):
            os.close(fd)
            return None
        return fd, st

    def _reusable(self, st: os.stat_result) -> bool:
        """A plain file with the mode and owner a new one would get, and no other name (a second name — a backup
        made with `cp -al`, a staging folder of a build that was killed — would make the new site share it)."""
        return (stat.S_ISREG(st.st_mode) and stat.S_IMODE(st.st_mode) == self.mode and st.st_nlink == 1
                and (self.uid is None or st.st_uid == self.uid))

    def _same_bytes(self, rel: str, data: bytes) -> bool:
        found = self._previous(rel)
        if found is None:
            return False
        fd, st = found
        try:
            if st.st_size != len(data):
                return False
            with open(fd, "rb", closefd=False) as fh:
                if fh.read(len(data) + 1) != data:
                    return False
        finally:
            os.close(fd)
        self._keep(rel, st)
        return True

    def _same_file(self, rel: str, source: str) -> bool:
        found = self._previous(rel)
        if found is None:
            return False
        fd, st = found
        try:
            if os.stat(source).st_size != st.st_size:
                return False
            with open(fd, "rb", closefd=False) as old, open(source, "rb") as new:
                while True:
                    a, b = old.read(_CHUNK), new.read(_CHUNK)
                    if a != b:
                        return False
                    if not a:
                        break
        except OSError:
            return False
        finally:
            os.close(fd)
        self._keep(rel, st)
        return True

    def carry(self, rel: str) -> bool:
        """The previous site's file at the site-relative path ``rel`` is this build's too, unread: the page of a
        carried page (carried.py), whose inputs are those that file was made from — the published site is the
        files the last build recorded (replay.py). False if that file may not be linked."""
        if self.previous is None:
            return False
        rel = os.path.normpath(rel)
        if not self._plain_folder(os.path.dirname(rel)):
            return False
        try:  # not opened: its bytes are not read
            st = self._lstat(rel)
        except OSError:
            return False
        if not self._reusable(st):
            return False
        self._keep(rel, st)
        return True

    def keep_previous(self, folder, listed, digest) -> bool:
        """Keep the previous site's files under ``folder`` (in the staging folder) for links, when each file
        ``listed`` as (path in the folder, size, ``digest(bytes)``) is there with that size and digest: what a
        step knows it would write, from the same inputs, without making it. False (nothing kept) if any is not."""
        base = self._rel(os.fspath(folder))
        if base is None or self.previous is None:
            return False
        found = []
        for rel, size, expected in listed:
            rel = os.path.join(base, rel)
            previous = self._previous(rel)
            if previous is None:
                return False
            fd, st = previous
            try:
                if st.st_size != size:
                    return False
                with open(fd, "rb", closefd=False) as fh:
                    if digest(fh.read(size + 1)) != expected:
                        return False
            finally:
                os.close(fd)
            found.append((rel, st))
        for rel, st in found:
            self._keep(rel, st)
        return True

    def _keep(self, rel: str, st: os.stat_result) -> None:
        _remove(os.path.join(self.staging, rel))  # written earlier in this build: the later write wins
        info = (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns)
        self._pending[rel] = info
        if self._log is not None:
            self._log.append((rel, info))

    def _whole_folders(self) -> list[str]:
        """The top-most folders of the previous site the new site has whole (``link``): each file in them, at any
        depth, kept by this build and still the file it was when kept (device, inode, size, mtime); nothing else
        in them; each folder plain, with the mode and owner a new one would get; no name of them in the staging
        folder. The site's root never is one. What each holds, as ``replay.site_files`` lists a site, is kept in
        ``listed`` (folder → its entries below it): moved whole, they are what the published site has there."""
        found: list[str] = []
        pending = self._pending
        mode = stat.S_IFDIR | (0o777 & ~_umask())
        listed = self.listed

        def whole(rel: str) -> list | None:
            """The entries of ``rel`` and below (site_files' rows: its own last) when it is whole; else None."""
            path = os.path.join(self.previous, rel)
            ok, children, rows = True, [], []
            try:
                with os.scandir(path) as entries:
                    for entry in entries:
                        child = os.path.join(rel, entry.name) if rel else entry.name
                        try:
                            st = entry.stat(follow_symlinks=False)
                        except OSError:
                            ok = False
                            continue
                        if stat.S_ISDIR(st.st_mode):
                            below = whole(child)
                            if below is not None:
                                children.append((child, below))
                                rows += below
                            else:
                                ok = False
                        elif not stat.S_ISREG(st.st_mode) or \
                                pending.get(child) != (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns):
                            ok = False
                        elif ok:
                            rows.append([child.replace(os.sep, "/"), st.st_size, st.st_mtime_ns, st.st_mode, st.st_uid])
            except OSError:
                return None
            if ok and rel:
                try:
                    st = os.lstat(path)
                except OSError:
                    return None
                ok = st.st_mode == mode and (self.uid is None or st.st_uid == self.uid) and \
                    not os.path.lexists(os.path.join(self.staging, rel))
                rows.append([rel.replace(os.sep, "/") + "/", 0, 0, st.st_mode, st.st_uid])
            if not ok or not rel:
                for child, below in children:
                    found.append(child)
                    listed[child.replace(os.sep, "/")] = below
                return None
            return rows

        listed.clear()
        if self._plain_folder(""):
            whole("")
        return found

    # ---- forked workers (the search index) ------------------------------------------------------------------

    def start_worker(self) -> None:
        """In a forked worker: record what this process decides, for ``take``."""
        self._log = []

    def take(self) -> list:
        """In a forked worker: what it decided, for the build process's ``adopt``."""
        log, self._log = self._log or [], None
        return log

    def adopt(self, decided: list) -> None:
        for rel, info in decided:
            if info is None:
                self._pending.pop(rel, None)
            else:
                self._pending[rel] = info

    # ---- at publication -----------------------------------------------------------------------------------

    def link(self) -> int:
        """Give every kept file its name in the staging folder: a hard link to the previous site's file (a copy
        where links cannot be made). Called once, after every plugin wrote what it writes, right before the
        staging folder replaces the site. A file written at that name after it was kept is the one published.

        A folder of the previous site that the new one has whole — every file in it kept, nothing else in it, and
        nothing written there by this build — is not made again folder by folder: it is moved into the new site
        when that is published (``grafts``, moved by ``StagedOutput.commit``). Making a folder is the costliest
        step of linking (about 0.3 ms on the ext4 of the machine measured; a site has a folder per page)."""
        self._seen = self.listing = None
        self.grafts = self._whole_folders() if self.previous is not None else []
        grafted = set(self.grafts)
        made: set[str] = {self.staging}
        can_link = True
        # In path order, so that a folder's parent is made before it: one mkdir a folder, not makedirs' walk up.
        for rel in sorted(self._pending):
            folder = os.path.dirname(rel)
            while folder and folder not in grafted:
                folder = os.path.dirname(folder)
            if folder:  # inside a folder moved whole at publication
                self.reused += 1
                continue
            dev, ino, size, mtime = self._pending[rel]
            path = os.path.join(self.staging, rel)
            folder = os.path.dirname(path)
            if folder not in made:
                try:
                    os.mkdir(folder)
                except FileExistsError:
                    pass
                except FileNotFoundError:
                    os.makedirs(folder, exist_ok=True)
                made.add(folder)
            source = os.path.join(self.previous, rel)
            if can_link:
                try:
                    os.link(source, path, follow_symlinks=False)
                except FileExistsError:
                    continue  # something wrote this name after the comparison: that file is the build's output
                except OSError as exc:
                    if exc.errno not in (errno.EXDEV, errno.EPERM, errno.EMLINK, errno.ENOTSUP, errno.EACCES):
                        raise
                    can_link = False  # another filesystem, or links refused: copy from now on
            if not can_link:
                if os.path.lexists(path):
                    continue
                shutil.copyfile(source, path, follow_symlinks=False)
            st = os.lstat(path) if can_link else os.lstat(source)
            if (can_link and (st.st_dev, st.st_ino) != (dev, ino)) or (st.st_size, st.st_mtime_ns) != (size, mtime):
                # The previous site was changed while this build ran: what was compared is not what is there.
                raise PluginError(f"发布前，{os.path.join(self.previous, rel)} 在构建期间被改动或替换，"
                                  "本次构建没有发布；请重新构建")
            self.reused += 1
        self._pending.clear()
        if self.reused:
            log.info(f"输出：{self.reused} 个文件与上一版网站相同，沿用原文件；{self.written} 个文件重新写入")
        return self.reused


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    except IsADirectoryError:
        shutil.rmtree(path)


def _new_file(path: str, data: bytes) -> None:
    """``data`` written to a new file at ``path``: whatever had that name is removed first, never written
    through (``x``: the open fails rather than write into a file that exists)."""
    try:
        fh = open(path, "xb")
    except FileExistsError:
        _remove(path)
        fh = open(path, "xb")
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        fh = open(path, "xb")
    with fh:
        fh.write(data)


# ---- MkDocs' writers ----------------------------------------------------------------------------------------

_ACTIVE: UnchangedFiles | None = None
_ORIGINAL: dict[str, object] = {}


def _write_file(content: bytes, output_path: str) -> None:
    files = _ACTIVE
    if files is not None and files._rel(output_path) is not None:
        files.write(output_path, content)
    else:
        _ORIGINAL["write_file"](content, output_path)


def _copy_file(source_path: str, output_path: str) -> None:
    files = _ACTIVE
    if files is not None and files._rel(output_path) is not None and not os.path.isdir(output_path):
        files.copy(source_path, output_path)
    else:
        _ORIGINAL["copy_file"](source_path, output_path)


def _file_copy_file(file, dirty: bool = False) -> None:
    files = _ACTIVE
    content = file._content
    if (files is not None and content is not None and not (dirty and not file.is_modified())
            and files._rel(file.abs_dest_path) is not None):
        # A generated file (a feed, documents.json, a 申请表): MkDocs would open its name and write into it.
        files.write(file.abs_dest_path, content.encode("utf-8") if isinstance(content, str) else content)
    else:
        _ORIGINAL["File.copy_file"](file, dirty)


def route_writes(files: UnchangedFiles | None) -> None:
    """MkDocs writes every page (``mkdocs.utils.write_file``), copies every static file (``utils.copy_file``)
    and writes every generated file (``File.copy_file``) into ``files``' staging folder through ``files`` until
    ``route_writes(None)``. Writes anywhere else go to MkDocs' own functions."""
    global _ACTIVE
    import mkdocs.utils
    from mkdocs.structure.files import File

    if not _ORIGINAL:
        _ORIGINAL["write_file"], _ORIGINAL["copy_file"] = mkdocs.utils.write_file, mkdocs.utils.copy_file
        _ORIGINAL["File.copy_file"] = File.copy_file
        mkdocs.utils.write_file, mkdocs.utils.copy_file = _write_file, _copy_file
        File.copy_file = _file_copy_file
    _ACTIVE = files
