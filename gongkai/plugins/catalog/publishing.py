"""Publishing safety: what may enter the site, and a site that appears only when the build found no error.

Threat model and rules: docs/security.md. In short: every source file must really live inside docs_dir (no
symlink out of it); every file under the documents folder is a document, an attachment a document names, or a
file a document's body links to; a Markdown source is never copied raw; and the site is built into a staging
folder that replaces ``site_dir`` only after every check has passed.
"""

from __future__ import annotations

import logging
import os
import posixpath
import shutil
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from gongkai import htmlread
from gongkai.errors import Problems
from gongkai.filerules import editor_file_problems, name_refusal
from gongkai.model import Document
from gongkai.sources import RealPaths
from gongkai.stages import handlers_outside

from .unchanged import UnchangedFiles, route_writes

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
# Front-matter keys only a 政府信息 document has: such a page outside the documents folder is misplaced.
DOCUMENT_KEYS = ("索引号", "发布机构", "栏目")


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.relative_to(folder)
        return True
    except ValueError:
        return False


class SourceGuard:
    """Checks the source files of one build and records problems naming each offending file."""

    def __init__(self, root: Path, docs_dir: Path, documents_dir: str, problems: Problems):
        self.root = root.resolve()
        self.docs_dir = docs_dir
        self.real_docs_dir = docs_dir.resolve()
        self.prefix = documents_dir.strip("/") + "/"
        self.problems = problems
        self.referenced: set[str] = set()  # site URLs a document's rendered body links to
        self._unused: list[File] = []  # files under the documents folder no document names
        self._realpath = RealPaths()
        try:  # what ``display`` puts before a file's src_uri: docs_dir relative to the site's folder
            docs = docs_dir.relative_to(self.root).as_posix()
            self._docs_prefix: str | None = "" if docs == "." else docs + "/"
        except ValueError:
            self._docs_prefix = None

    def display(self, file: File) -> str:
        src = file.src_uri
        if self._docs_prefix is not None and all(part not in ("", ".") for part in src.split("/")):
            return self._docs_prefix + src  # what pathlib makes of such a src_uri below docs_dir: joined as it is
        path = self.docs_dir / src
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return (Path(self.docs_dir.name) / src).as_posix()

    def check(self, files: Files) -> None:
        """Symlinks out of docs_dir, Markdown that MkDocs would copy raw, and hidden Markdown: errors, removed."""
        for file in list(files):
            if file.generated_by or not file.abs_src_path:
                continue
            reason = self._refusal(file)
            if reason is not None:
                message, fix = reason
                self.problems.add(self.display(file), message, fix=fix)
                files.remove(file)

    def _refusal(self, file: File) -> tuple[str, str] | None:
        source = file.abs_src_path
        path = Path(source)
        resolved = self._realpath(source)
        if os.path.isabs(source) and os.path.normpath(source) == source:  # absolute and normal, as MkDocs makes it
            moved = resolved != source  # what Path(resolved) != path.absolute() says of such a path
        else:
            moved = Path(resolved) != path.absolute()
        if moved or path.is_symlink():
            real = Path(resolved)
            if not real.exists():
                return "是一个目标不存在的符号链接", "删除该链接，或换成文件本身"
            if not _inside(real, self.real_docs_dir):
                return (f"是指向 {real} 的符号链接，目标在网站内容文件夹之外，不能发布",
                        "删除该链接；要发布的文件请直接复制到内容文件夹中")
        name = path.name
        lower = name.lower()
        if lower.endswith(MARKDOWN_SUFFIXES) and not name.endswith(MARKDOWN_SUFFIXES):
            stem, suffix = os.path.splitext(name)
            return (f"扩展名“{suffix}”不是小写，这个文件会被当作普通文件原样发布（含文件元数据）",
                    f"把文件改名为 {stem}.md")
        if any(lower.endswith(s + ".txt") for s in MARKDOWN_SUFFIXES):
            return ("文件名以 .md.txt 结尾（Windows 常隐藏 .txt 扩展名），不会作为网页发布",
                    f"把文件改名为 {name[:-4]}")
        if lower.endswith(MARKDOWN_SUFFIXES) and any(p.startswith(".") for p in file.src_uri.split("/")):
            return "文件名或所在文件夹以“.”开头，MkDocs 不会发布它", "去掉文件名或文件夹名开头的“.”"
        refusal = name_refusal(name)  # x.md~, x.md.bak, "x.md " … (gongkai/filerules.py)
        return (refusal.message, refusal.fix) if refusal else None

    def check_editor_files(self, files: Files, config: MkDocsConfig, assets_dir: Path, allow_scripts: bool) -> None:
        """Files that shadow a theme or gongkai file, unnamed scripts and styles, case clashes: errors, removed."""
        for file, refusal in editor_file_problems(files, config, assets_dir=assets_dir, allow_scripts=allow_scripts):
            self.problems.add(self.display(file), refusal.message, fix=refusal.fix)
            files.remove(file)

    def note_links(self, page_url: str, html: str) -> list[str]:
        """Files a document's rendered body links to (images, downloads), as site URLs (MkDocs' File.url form);
        returns them."""
        base = "/" + (page_url if page_url.endswith("/") else posixpath.dirname(page_url) + "/")
        found = []
        for target in htmlread.urls(htmlread.parse(html)):
            path = urlsplit(target).path
            if not path or ":" in target or path.startswith("/"):
                continue
            found.append(quote(posixpath.normpath(posixpath.join(base, unquote(path))).lstrip("/")))
        self.referenced.update(found)
        return sorted(set(found))

    def check_documents_folder(self, files: Files, documents: list[Document]) -> None:
        """Every file under the documents folder is a document, a named attachment, or a linked file."""
        used = {d.src_path for d in documents} | {a.path for d in documents for a in d.attachments}
        for file in files:
            if file.generated_by or not file.src_uri.startswith(self.prefix) or file.src_uri in used:
                continue
            if file.is_documentation_page():
                continue  # a document that failed to load is reported by the loader already
            if file.src_uri.split("/")[-1].startswith("."):
                continue  # .gitkeep and the like: MkDocs never publishes dotfiles
            self._unused.append(file)

    def check_unreferenced(self) -> None:
        """After rendering: unnamed files under the documents folder that no body links to are errors."""
        for file in self._unused:
            if file.url not in self.referenced:
                self.problems.add(self.display(file), "既不是文件（.md），也不是任何文件的附件或正文中链接的文件",
                                  fix="在相关文件的“附件”中列出它，或在正文中链接它，或删除它")

    def check_output(self, site_dir: Path) -> None:
        """Last line of defence: no Markdown source in the written site."""
        for dirpath, _, names in os.walk(site_dir):  # names only: no Path object per file of a large site
            for name in names:
                if name.lower().endswith(MARKDOWN_SUFFIXES) and os.path.isfile(os.path.join(dirpath, name)):
                    rel = Path(os.path.relpath(os.path.join(dirpath, name), site_dir)).as_posix()
                    self.problems.add(rel, "构建结果中出现了 Markdown 源文件", fix="检查该文件的来源：网站不应原样发布源文件")


def foreign_post_build(config: MkDocsConfig) -> str:
    """The plugins and hooks other than gongkai's that act at the end of the build (``on_post_build``), named."""
    return "、".join(handlers_outside(config, ["post_build"]))


def _umask() -> int:
    """The process umask (it can only be read by setting it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class StagedOutput:
    """Builds into a staging folder beside ``site_dir`` and moves it into place only on success.

    A failed build leaves the previous site untouched, so a deploy step that copies ``site_dir`` can never
    publish a build that found, say, personal information. A file whose bytes are those of the previous site's
    file at the same place is not written again but linked from it at publication (``UnchangedFiles``,
    gongkai/plugins/catalog/unchanged.py): until then the staging folder holds no name of a previous file, so
    nothing written during the build can change the site that is online.
    """

    def __init__(self, config: MkDocsConfig):
        self.config = config
        target = Path(config.site_dir).absolute()
        # A site_dir that is a symbolic link (to the web server's folder, a release folder): MkDocs writes into the
        # folder it points to, and so does this: that folder is replaced, the link kept. Replacing the link itself
        # left the web server's folder as it was, and the link as .site-old-<pid>.
        self.target = Path(os.path.realpath(target)) if target.is_symlink() else target
        self.target.parent.mkdir(parents=True, exist_ok=True)
        self.staging = Path(tempfile.mkdtemp(prefix=f".{self.target.name}-building-", dir=self.target.parent))
        # mkdtemp makes the folder 0700, which would become site_dir itself: the web server (another user) would
        # answer 403 to every page. Give it the mode any folder of this process gets (0755 under umask 022);
        # files and subfolders are created with the umask already.
        os.chmod(self.staging, 0o777 & ~_umask())
        config.site_dir = str(self.staging)
        self.unchanged: UnchangedFiles | None = None
        self._grafts: list[str] = []  # folders of the previous site moved whole into the new one (commit)
        # Those folders → their entries as replay.site_files lists them, read when they were found whole: the
        # published site's record need not walk them again (``Replay.record``).
        self.grafted: dict[str, list[list]] = {}
        foreign = foreign_post_build(config)
        if foreign:
            # It may read or rewrite a page in the staging folder, where an unchanged one is not until the end.
            log.info(f"输出：{foreign} 在构建结束时（on_post_build）处理网站目录，本次不沿用上一版网站的文件")
        else:
            self.unchanged = UnchangedFiles(self.target, self.staging)
            route_writes(self.unchanged)

    def link_unchanged(self) -> int:
        """Give the unchanged files their names in the staging folder: once every plugin wrote what it writes
        (the core's last ``on_post_build``), before the checks of the written site and ``commit``. Nothing is
        written into the staging folder after this: a plugin whose ``on_post_build`` runs later writes into
        ``site_dir`` once it has replaced the previous site."""
        if self.unchanged is None:
            return 0
        route_writes(None)
        files, self.unchanged = self.unchanged, None
        reused = files.link()
        self._grafts = files.grafts
        self.grafted = files.listed
        return reused

    def where(self, rel: str) -> Path | None:
        """The file with the bytes of the output at the site-relative ``rel`` (None: no such file)."""
        if self.unchanged is not None:
            found = self.unchanged.where(rel)
            return Path(found) if found else None
        path = Path(self.config.site_dir) / rel
        return path if path.is_file() else None

    def commit(self) -> None:
        self.link_unchanged()
        old = None
        if self.target.exists():
            old = self.target.with_name(f".{self.target.name}-old-{os.getpid()}")
            os.replace(self.target, old)
            self._graft(old)
        os.replace(self.staging, self.target)
        self.unchanged = None
        self.config.site_dir = str(self.target)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)

    def _graft(self, old: Path) -> None:
        """The previous site's folders the new one has whole (``UnchangedFiles.link``), moved into it: the site is
        offline between the two renames of ``commit`` anyway; a move that fails puts everything back."""
        moved: list[tuple[str, str]] = []
        try:
            for rel in self._grafts:
                source, dest = os.path.join(old, rel), os.path.join(self.staging, rel)
                os.makedirs(os.path.dirname(dest), exist_ok=True)
                os.rename(source, dest)
                moved.append((source, dest))
        except OSError as exc:
            self.grafted = {}
            for source, dest in reversed(moved):
                os.rename(dest, source)
            os.replace(old, self.target)
            raise PluginError(f"发布时无法移动上一版网站的文件夹（{exc}），本次构建没有发布；请重新构建") from None
        finally:
            self._grafts = []

    def discard(self) -> None:
        route_writes(None)
        self.unchanged = None
        shutil.rmtree(self.staging, ignore_errors=True)
        self.config.site_dir = str(self.target)
