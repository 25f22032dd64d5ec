"""The site as the build sees it, for editor tools: its plugins run up to the model-ready stage, no further.

Documents are read by the site's own plugins (the core's loader, the 年报 and interaction plugins) and the core
completes the model (gongkai/plugins/catalog/model_ready.py); no page, form, feed or scan is made and nothing is
written. A file the core rejected still holds numbers that are taken: its 索引号 and 文号 are read with the same
front-matter reader (``gongkai.documents.split_front_matter`` and ``gongkai.yamlutil``).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .. import versions, yamlutil
from ..documents import split_front_matter
from ..errors import InputError
from ..model import Document

class SiteError(Exception):
    """The site cannot be loaded; the message says why, in Chinese."""


@dataclass
class RejectedFile:
    """A document file the core did not publish because of errors; its numbers are still taken."""

    path: str
    index_number: str = ""
    doc_number: str = ""


@dataclass
class EditorSite:
    config: object  # MkDocsConfig
    core: object  # the gongkai/catalog plugin
    interaction: object | None  # the gongkai/interaction plugin, when the site uses it
    root: Path  # folder of mkdocs.yml
    documents_dir: Path  # <docs_dir>/<documents_dir>
    rejected: list[RejectedFile] = field(default_factory=list)

    @property
    def catalog(self):
        return self.core.catalog

    @property
    def documents(self) -> list[Document]:
        return self.core.documents

    def today(self) -> dt.date:
        """Today by the build's clock: the site's time zone (Asia/Shanghai), or the core's ``as_of`` setting or
        $GONGKAI_AS_OF when set (tests, back-dated entry)."""
        return self.core.as_of

    def is_editor_document(self, doc: Document) -> bool:
        """A Markdown file under the documents folder (not a page a plugin generated from data, such as a 年报)."""
        prefix = self.core.config.documents_dir.strip("/") + "/"
        return doc.src_path.startswith(prefix)

    def display(self, path: Path) -> str:
        try:
            return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
        except ValueError:
            return str(path)


def load_site(config_file: str | Path, *, model_only: bool = True) -> EditorSite:
    """Load the site's model as ``mkdocs build`` does, without generating or writing anything.

    ``model_only=False`` runs every ``on_files`` handler of the build (pages, forms, scans, feeds) first."""
    from mkdocs.structure.files import get_files

    from ..plugins.catalog.model_ready import LoadError, load

    config_file = Path(config_file)
    if not config_file.is_file():
        raise SiteError(f"找不到网站配置文件 {config_file}（在网站根目录运行，或用 -f 指定 mkdocs.yml）")
    try:
        config, _, core = load(config_file, model_only=model_only)
        core.reporter.close()  # no build follows: stop collecting MkDocs' warnings
    except LoadError as exc:
        raise SiteError(str(exc)) from None
    root = config_file.resolve().parent
    site = EditorSite(config=config, core=core, interaction=config.plugins.get("gongkai/interaction"), root=root,
                      documents_dir=Path(config.docs_dir) / core.config.documents_dir.strip("/"))
    # Every Markdown file under the documents folder is a document or an earlier text of one (历史版本); one
    # that is neither was rejected (and removed from the build's files).
    prefix = core.config.documents_dir.strip("/") + "/"
    sources = {f.src_uri: Path(f.abs_src_path) for f in get_files(config).documentation_pages()
               if f.src_uri.startswith(prefix)}
    loaded, known = {d.src_path for d in core.documents}, set(sources)
    for src_uri, path in sorted(sources.items()):
        if src_uri not in loaded and not versions.is_version_src(src_uri, known):
            site.rejected.append(_numbers_of(path, site.display(path)))
    return site


def _numbers_of(path: Path, display: str) -> RejectedFile:
    """The 索引号 and 文号 written in a file the core rejected, as far as its front matter can be read."""
    rejected = RejectedFile(display)
    front, _, _ = split_front_matter(path.read_text(encoding="utf-8-sig"))
    if not front:
        return rejected
    try:
        data = yamlutil.load(front, display)
    except InputError:
        return rejected
    if isinstance(data, dict):
        rejected.index_number = str(data.get("索引号") or "").strip()
        rejected.doc_number = str(data.get("文号") or "").strip()
    return rejected
