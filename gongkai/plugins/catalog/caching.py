"""The core's use of the persistent build cache: keys of whole pages and of their Markdown (gongkai/buildcache.py).

A page's HTML is taken from the cache only when its key matches, and its key covers everything its template can
read. Two kinds of key:

- a **document page** reads its own document, its body as rendered, its neighbours in the column, the documents
  feature plugins relate to it (``CatalogPlugin.relate``: 原文 and 解读, 征集 and 反馈) and what every page reads:
  the build's code and settings, every input file other than documents, the catalog, the nav, the date and what
  feature plugins add with ``CatalogPlugin.fingerprint`` (``base_key``). Another document changing does not
  touch it unless it is one of those. The core's template view refuses to give a document page the site's
  document lists (``TemplateView.latest``), which this key does not cover;
- **every other page** (lists, homes, 目录, generated pages, a site's own pages) can show any document: its key
  adds every document's metadata and the whole file list (``site_key``) to its own Markdown.

Beside each stored page is what it was **recorded** reading while its template rendered (``PageRecorder``): every
template it loaded, with a digest of its source; a page that read a value of the build's instant (``page.update_date``,
``build_date_utc``) or MkDocs' ``pages`` is not stored. A stored page is used only while each recorded template is
unchanged (docs/architecture.md, "The build cache: dependencies recorded, not declared").

On a hit the page's template is the one-line ``gongkai/cached-page.html``, which writes the stored HTML as it is;
every plugin's events still run around it.
"""

from __future__ import annotations

import json
import logging
import os
from importlib import metadata
from pathlib import Path

import material
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from gongkai.buildcache import (BuildCache, Unstable, code_digest, describe_document, digest, documents_digest,
                                file_digest, plain, site_modules, tree_digest)

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

CACHED_TEMPLATE = "gongkai/cached-page.html"
# Settings that differ between builds of the same site without changing a page: where the output goes.
VOLATILE_SETTINGS = ("site_dir",)
MARKDOWN_SETTINGS = ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls", "docs_dir")


class WarningCounter(logging.Handler):
    """Counts what MkDocs would fail a --strict build for: a build that warned does not save its cache."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


class PageCache:
    """Keys and entries of one build's pages."""

    def __init__(self, cache: BuildCache):
        self.store = cache
        self.counter = WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        self.settings_key = self.markdown_key = None  # None: the page cache is off (settings not describable)
        self.site_key: str | None = None
        self.base_key: str | None = None
        self._parts: list[tuple[str, str]] = []
        self._document_parts: dict[str, list[str]] = {}  # src_path → what the build computed for that document
        self.pages: dict[str, str] = {}  # src_uri → key of the page's entry (found or to be made)
        self.recorder = PageRecorder()
        self.hits = self.total = 0

    def configure(self, config: MkDocsConfig) -> None:
        """After every plugin's on_config: the code and the settings of this build."""
        self.recorder.config = config
        code = self.store.salt = code_digest()
        try:
            settings = {k: plain(v, k) for k, v in config.items() if k not in VOLATILE_SETTINGS}
        except Unstable as exc:
            log.info(f"构建缓存：设置 {exc} 无法比较，本次不复用页面")
            return
        settings["installed"] = installed_versions(config)
        for i, hook in enumerate(config.hooks or ()):  # a site's hooks are code: their text, not their name
            settings[f"hook {i}"] = file_digest(Path(hook)) if Path(hook).is_file() else str(hook)
        # ... and so is every module they import from the site's folder (loaded with the configuration).
        settings["site modules"] = site_modules(Path(config.config_file_path).parent)
        # Files Markdown includes (pymdownx.snippets): every file below its base paths, wherever they are.
        settings["snippets"] = snippet_files(config)
        markdown = {k: settings.get(k) for k in (*MARKDOWN_SETTINGS, "installed", "snippets", "site modules")}
        self.markdown_key = digest(code, json.dumps(markdown, sort_keys=True, ensure_ascii=False))
        self.settings_key = digest(code, json.dumps(settings, sort_keys=True, ensure_ascii=False))

    def fingerprint(self, name: str, value, document=None) -> None:
        if self.base_key is not None:
            # The keys are made: a value given now would be part of none of them and could publish a stale page.
            raise RuntimeError(f"core.fingerprint({name!r}) 调用得太晚：页面的缓存键已在 on_nav 生成，请在 on_files 中调用")
        text = json.dumps(plain(value, name), sort_keys=True, ensure_ascii=False)
        if document is None:
            self._parts.append((name, text))
        else:
            self._document_parts.setdefault(document.src_path, []).append(f"{name}\0{text}")

    def seal(self, config: MkDocsConfig, files: Files, nav, documents, document_sources: set[str],
             catalog_dir: Path, as_of) -> None:
        """Once every file is known (on_nav): the keys of what pages show besides their own Markdown."""
        if self.settings_key is None:
            return
        docs_dir = Path(config.docs_dir)
        # No date here: a document page shows nothing of the date but what plugins fingerprint for it (a 征集's
        # status and days left); lists and homes get the date in the site key below.
        parts = [self.settings_key,
                 tree_digest(docs_dir, skip=document_sources.__contains__, stats=self.store),
                 tree_digest(catalog_dir, stats=self.store), nav_digest(nav)]
        shipped = (Path(material.__file__).parent, Path(__file__).parents[2])
        for directory in config.theme.dirs:  # a site's own overrides; material's and gongkai's are code
            path = Path(directory)
            if not any(path.is_relative_to(p) for p in shipped):
                # Folders linked into it are walked too (tree_digest); templates that show the build's time are
                # found while pages render (PageRecorder), not by reading their text.
                parts.append(tree_digest(path, stats=self.store))
        parts += [f"{name}\0{value}" for name, value in sorted(self._parts)]
        self.base_key = digest(*parts)
        self.site_key = digest(self.base_key, str(as_of), documents_digest(documents),
                               *(f"{src}\0{part}" for src in sorted(self._document_parts)
                                 for part in self._document_parts[src]),
                               digest(*(f"{f.src_uri}\0{f.dest_uri}\0{f.url}\0{f.inclusion.name}" for f in
                                        sorted(files, key=lambda f: f.src_uri))))

    def page_key(self, src_uri: str, markdown: str | None) -> str | None:
        """A page that may show any document."""
        if self.site_key is None:
            return None
        return digest(self.site_key, src_uri, markdown or "")

    def document_key(self, src_uri: str, markdown: str | None, html: str, document, neighbours,
                     related) -> str | None:
        """A document's own page: itself, its body as rendered (links resolved, plugins' additions), its
        neighbours' addresses and titles, and the documents plugins relate to it."""
        if self.base_key is None:
            return None
        related = sorted(related, key=lambda d: d.src_path)
        return digest(self.base_key, "document", src_uri, markdown or "", html, describe_document(document),
                      *(f"{d.url}\0{d.title}" if d is not None else "" for d in neighbours),
                      *(describe_document(d) for d in related),
                      *(part for d in [document, *related] for part in self._document_parts.get(d.src_path, ())))

    def close(self) -> None:
        logging.getLogger("mkdocs").removeHandler(self.counter)

    def finish(self, succeeded: bool) -> None:
        """Save this build's entries when it succeeded without a warning; say how much was reused."""
        self.close()
        if succeeded and self.counter.count == 0:
            self.store.save()
            if self.total:
                log.info(f"构建缓存：{self.total} 个页面中 {self.hits} 个未变，直接沿用"
                         f"（Markdown 命中 {self.store.hits}，未命中 {self.store.misses}）")
        else:
            self.store.discard()


def snippet_files(config: MkDocsConfig) -> list[str] | None:
    """Digests of every file pymdownx.snippets may include (its base paths, its auto-appended files), or None
    without it. A snippet is read while Markdown converts, so a page's Markdown alone does not say what it shows."""
    names = [ext if isinstance(ext, str) else type(ext).__module__ for ext in config.markdown_extensions or ()]
    if not any(name.startswith("pymdownx.snippets") for name in names):
        return None
    options = (config.mdx_configs or {}).get("pymdownx.snippets", {})
    bases = options.get("base_path", ["."])
    bases = [bases] if isinstance(bases, str) else list(bases)
    found = []
    for base in [*bases, *options.get("auto_append", [])]:
        path = Path(os.path.abspath(base))  # as the extension resolves it: from the working folder
        if path.is_file():
            found.append(f"{path}\0{file_digest(path)}")
        else:
            found.append(f"{path}\0{tree_digest(path)}")
    return found


# Attributes of MkDocs' page that hold the build's date: a page showing one differs on every day it is built.
VOLATILE_ATTRIBUTES = frozenset({"update_date"})


class PageRecorder:
    """What the page being rendered reads, recorded instead of declared: every template its template loads (name
    and a digest of its source, however it was found: a site's folder, a symbolic link, the theme), and whether it
    read a value that differs on every build (``page.update_date``, ``build_date_utc``, MkDocs' ``pages``), which
    makes the page never reusable. A stored page is reused only while each template it loaded is unchanged.

    MkDocs picks a page's template before ``on_page_context`` and renders every page's Markdown before it makes
    the build's Jinja environment, so whether a stored page is still good is decided with an environment of the
    same template folders made here (``unchanged``), and what a page loads is recorded on the build's own."""

    def __init__(self):
        self.config = None
        self.env = None  # the build's environment (on_env)
        self._lookup = None  # the same folders, for the decision before on_env
        self.templates: dict[str, str] | None = None  # name → digest, for the page being rendered
        self.volatile = False
        self._digests: dict[tuple[int, str], str] = {}

    def attach(self, env) -> None:
        """Watch ``env``'s template loads and attribute reads (once per build: MkDocs makes a new one each time)."""
        if getattr(env, "gongkai_recorder", None) is self:
            return
        self.env = env
        env.gongkai_recorder = self
        load = env._load_template

        def _load_template(name, globals):
            template = load(name, globals)
            if self.templates is not None and isinstance(name, str):
                self.templates[name] = self.digest(name, env)
            return template

        env._load_template = _load_template

    def digest(self, name: str, env) -> str:
        """The source of a template as ``env``'s loader finds it (once per build)."""
        found = self._digests.get((id(env), name))
        if found is None:
            try:
                source = env.loader.get_source(env, name)[0]
            except Exception:  # not found (any more): differs from any recorded digest
                source = None
            found = self._digests[(id(env), name)] = digest("missing") if source is None else digest(source)
        return found

    def unchanged(self, templates: dict[str, str]) -> bool:
        """Whether every template a stored page loaded has the same source in this build."""
        if self._lookup is None:
            from .theme import add_material_prefix
            self._lookup = self.config.theme.get_env()
            add_material_prefix(self._lookup)
        return all(self.digest(name, self._lookup) == d for name, d in templates.items())

    def start(self, context, template: str, page) -> None:
        """The page's ``template`` (already loaded by MkDocs) is about to render with ``context``. The volatile
        values are wrapped, not every attribute read watched: a Jinja ``getattr`` hook would cost every page of a
        cold build a function call per attribute its templates read."""
        self.templates, self.volatile = {template: self.digest(template, self.env)}, False
        for name in ("build_date_utc", "pages"):
            if name in context:
                context[name] = Volatile(context[name], self)
        for name in VOLATILE_ATTRIBUTES:
            if hasattr(page, name):
                setattr(page, name, Volatile(getattr(page, name), self))

    def finish(self, page) -> dict[str, str] | None:
        """The templates the page loaded, or None when it read a volatile value (or nothing was recording)."""
        for name in VOLATILE_ATTRIBUTES:  # as MkDocs made it, for what renders after the page (sitemap.xml)
            value = getattr(page, name, None)
            if isinstance(value, Volatile):
                setattr(page, name, object.__getattribute__(value, "_value"))
        templates, self.templates = self.templates, None
        return None if self.volatile else templates


class Volatile:
    """A value of the build's instant or of MkDocs' whole page list, as a template sees it: reading it in any way
    marks the page being rendered as never reusable."""

    __slots__ = ("_value", "_recorder")

    def __init__(self, value, recorder: PageRecorder):
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_recorder", recorder)

    def _read(self):
        self._recorder.volatile = True
        return self._value

    def __getattr__(self, name):
        return getattr(self._read(), name)

    def __str__(self):
        return str(self._read())

    def __html__(self):
        value = self._read()
        return value.__html__() if hasattr(value, "__html__") else str(value)

    def __format__(self, spec):
        return format(self._read(), spec)

    def __iter__(self):
        return iter(self._read())

    def __len__(self):
        return len(self._read())

    def __bool__(self):
        return bool(self._read())

    def __getitem__(self, item):
        return self._read()[item]

    def __contains__(self, item):
        return item in self._read()

    def __eq__(self, other):
        return self._read() == other

    def __lt__(self, other):
        return self._read() < other

    def __hash__(self):
        return hash(self._read())


def templates_shape(value) -> bool:
    """What a stored page loaded: template name → digest."""
    return isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())


def nav_digest(nav) -> str:
    """What a page's navigation can show: every item's kind, title and address, in order."""
    parts = []

    def walk(items, depth):
        for item in items:
            parts.append(f"{depth}\0{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}")
            walk(getattr(item, "children", None) or (), depth + 1)

    walk(nav.items if nav is not None else (), 0)
    return digest(*parts)


def installed_versions(config: MkDocsConfig) -> list[str]:
    """Versions of the packages whose code can change a page: every plugin's, the theme's, every Markdown
    extension's (a site may use plugins besides gongkai's)."""
    roots = {type(plugin).__module__.split(".")[0] for plugin in config.plugins.values()}
    roots |= {(ext if isinstance(ext, str) else type(ext).__module__).split(".")[0]
              for ext in config.markdown_extensions or ()}
    roots.add("material")
    owners = metadata.packages_distributions()
    found = set()
    for root in roots:
        for name in owners.get(root, ()):
            try:
                found.add(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                found.add(f"{name} absent")
    return sorted(found)


def cache_disabled_by_env() -> bool:
    return os.environ.get("GONGKAI_CACHE", "").strip().lower() in ("0", "off", "false", "no")
