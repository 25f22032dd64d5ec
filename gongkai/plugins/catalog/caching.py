"""The core's use of the persistent build cache (gongkai/buildcache.py): one object, ``BuildCacheSession``, that
the core calls at a few named points of the build, and the recorder of what each page reads.

A page's HTML is reused when two things hold (docs/architecture.md, "The build cache"):

- its **key** matches: what every page reads (the build's code and settings, every input file other than
  documents and the files pages only link to (``OPAQUE_SUFFIXES``), the catalog, the template overrides, the
  nav: ``base_key``) and the page's own inputs — its Markdown, its body as rendered, and its subject: a
  document page's document (metadata) and its neighbours' addresses and titles, a generated page's structure
  object (``listing``, with the metadata of every document in it), a 历史版本 page's snapshot;
- every **read recorded** while its template last rendered still gives the same digest: every template loaded,
  every value of a view object handed to templates (``interaction``, ``reports``, ``gk_feeds`` … and anything a
  site's hook adds to the context or the Jinja globals), every method called on one with the arguments it was
  called with (``interaction.interpretations_of(document)``, ``interaction.status(c)``: the clock, when read),
  and ``gongkai.latest``. Documents reached through them are described by their metadata. A page that read
  ``page.update_date``, ``build_date_utc`` or MkDocs' ``pages``, or a value that cannot be described the same way
  twice, is never stored.

Nothing is declared by hand: a template that shows one more thing records it. The recorded reads are checked in
the core's last ``on_page_context``, when every plugin has given its view; MkDocs has picked the page's template by
then, so a page that may be reused gets ``gongkai/cached-page.html``, which either writes the stored HTML or, when
a recorded read changed, extends the page's own template (``gongkai_template``).
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as _dt
import json
import logging
import os
import sys
from collections import Counter
from decimal import Decimal
from enum import Enum
from importlib import metadata
from itertools import repeat
from pathlib import Path, PurePath
from types import SimpleNamespace

from markupsafe import Markup
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

from gongkai import parallel
from gongkai.buildcache import (BuildCache, Unstable, code_digest, describe_document, digest, file_digest, plain,
                                site_modules, tree_digest)
from gongkai.model import Column, Document, Organization
from gongkai.safety import active_content
from gongkai.sources import site_root
from gongkai.stages import handlers_outside

from .carried import (FACTS, TABLE, Carrying, Consumer, Inputs, OutputCheck, PageFacts, by_kind, entries_of,
                      facts_shape, foreign_events, missing_entries)
from .memory import MEMO_SIZE, BoundedMemo
from .rendering import lookups_resolve
from .replay import BuildRecord, Replay, site_template_dirs
from .split import SplitPages

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

CACHED_TEMPLATE = "gongkai/cached-page.html"
# Settings that differ between builds of the same site without changing a page: where the output goes.
VOLATILE_SETTINGS = ("site_dir",)
MARKDOWN_SETTINGS = ("markdown_extensions", "mdx_configs", "validation", "use_directory_urls", "docs_dir")
# Context entries covered by the key (MkDocs' own; the core's subject of the page) or volatile: not recorded.
READS_BATCH = 1000  # stored reads fetched at once when pages are carried across metadata (memory at 100,000 pages)
KEYED_CONTEXT = frozenset({"config", "nav", "base_url", "extra_css", "extra_javascript", "mkdocs_version", "page",
                           "build_date_utc", "pages", "document", "publisher", "document_partials",
                           "listing", "version", "gongkai_cached_page", "gongkai_template"})


# Files of docs_dir that pages link to but never read (a 附件, an image, a recording): their bytes are not in every
# page's key, so that a new 通知 with its PDF, or a replaced attachment, is not a rebuild of every page. What a
# page shows of one is its address (resolved while the page's Markdown renders, checked again in every build:
# ``rendering.py``) and, for a 附件, its type and size (``Attachment.measure``: the document's metadata, in the key
# of every page showing it). Anything else in docs_dir — the site's own pages, data, styles, scripts, SVG (which
# a template may inline) — stays in every key.
OPAQUE_SUFFIXES = frozenset({
    ".pdf", ".ofd", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".ppt", ".pptx", ".dps", ".odt", ".ods",
    ".odp", ".rtf", ".zip", ".rar", ".7z", ".jpg", ".jpeg", ".png", ".gif", ".webp", ".bmp", ".tif", ".tiff",
    ".mp3", ".mp4", ".wav", ".m4a", ".avi", ".mov", ".wmv", ".flv", ".mpg", ".mpeg"})


def opaque(rel: str) -> bool:
    return os.path.splitext(rel)[1].lower() in OPAQUE_SUFFIXES


NAMES = '["*names", []]'  # the read of which context entries and globals a page had
UNDESCRIBED = "*undescribed"  # a page read a value that cannot be described the same way twice


class WarningCounter(logging.Handler):
    """Counts what MkDocs would fail a --strict build for: a build that warned does not save its cache."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


def reads_shape(value) -> bool:
    """What a stored page read: {"templates": the JSON text of name → digest, "reads": read → digest}. The
    templates are one text (the same for every page of a kind): read back as one string, compared once per build
    (``PageRecorder.unchanged``)."""
    if not isinstance(value, dict) or set(value) != {"templates", "reads"} or not isinstance(value["templates"], str):
        return False
    reads = value["reads"]
    return isinstance(reads, dict) and all(map(isinstance, reads, repeat(str))) \
        and all(map(isinstance, reads.values(), repeat(str)))


class BuildCacheSession:
    """The build cache as one build uses it. The core calls it at named points: ``open`` (on_config),
    ``configure`` (its last on_config), ``seal`` (on_nav), ``lookup`` (each page's on_page_content), ``attach``
    (on_env), ``begin`` (each page's last on_page_context), ``keep`` (on_post_page) and ``finish``."""

    def __init__(self, store: BuildCache):
        self.store = store
        self.counter = WarningCounter()
        logging.getLogger("mkdocs").addHandler(self.counter)
        self.settings_key = self.markdown_key = None  # None: the page cache is off (settings not describable)
        self.base_key: str | None = None
        self.carry_key: str | None = None  # the base key with the Markdown of the pages that are not documents
        self._nav_pages_changed = False  # their titles or front matter are not the last build's (nav_pages_read)
        self._nav_pages: dict = {}  # src_uri → the File of each page that is not a document (seal)
        self.pages: dict[str, str] = {}  # src_uri → key of the page's entry (found or to be made)
        # src_uri → (its front matter's template, or _ABSENT: ``lookup`` sets ours; its stored reads)
        self._candidates: dict[str, tuple[object, dict]] = {}
        self._reused: set[str] = set()
        self._subjects: dict[int, tuple] = {}  # describe's memo for the pages' subjects (frozen once sealed)
        # ... and for the records pages read (a tab, a 发布主体), while pages are carried: bounded, as a view may give
        # a new record for every page (memory.py).
        self._records: dict = BoundedMemo(MEMO_SIZE)
        self.recorder = PageRecorder()
        self.replay = Replay(store)
        self.hits = self.total = self.rendered = 0
        self.consumers: dict[str, Consumer] = {}  # plugins that keep something per page (carried.py)
        self.facts: PageFacts | None = None  # made when the pages' keys can be (seal)
        self.carrying: Carrying | None = None
        self._outputs: OutputCheck | None = None  # pages whose output may be the last build's (output_unchanged)
        self.split: SplitPages | None = None  # MkDocs' page loop shared with a forked process (split.py)

    @classmethod
    def open(cls, directory: Path, enabled: bool = True, workers: int = 1) -> "BuildCacheSession | NoCache":
        store = BuildCache(directory, workers=workers) if enabled and not cache_disabled_by_env() else None
        return cls(store) if store is not None and store.usable else NoCache()

    def watch(self, target: Path, cache_dir: Path) -> None:
        """The core's first on_config: files opened from now on are inputs (replay.py)."""
        self.replay.watch(target, cache_dir)

    def replayable(self, config: MkDocsConfig, clock, catalog_dir: Path, target: Path) -> BuildRecord | None:
        """After ``configure``: the last build's record when this build has exactly its inputs (replay.py)."""
        trees = self.replay.inputs(config, site_root(config), catalog_dir)
        return self.replay.find(config=config, settings=self.settings_key, clock=clock, target=target, trees=trees)

    def record(self, config: MkDocsConfig, *, clock, published: Path, problems, external, documents: int,
               inputs: "Inputs | None" = None, listed: dict | None = None) -> None:
        """A build published ``published``: what the next one must find the same to replay it, and (``inputs``)
        to carry its pages (carried.py). ``listed``: its folders whose files are known (``replay.site_files``)."""
        refused = []
        volatile = self.recorder.volatile_reads
        if UNDESCRIBED in volatile:
            refused.append("有页面读取了无法比较的值")
        if "build_date_utc" in volatile and not os.environ.get("SOURCE_DATE_EPOCH"):
            refused.append("有页面显示构建时刻（build_date_utc）")
        if self.counter.count:
            refused.append("构建有警告")
        recorded = self.replay.record(config=config, settings=self.settings_key, clock=clock, published=published,
                                      problems=problems, external=external, documents=documents, refused=refused,
                                      listed=listed)
        if recorded and inputs is not None and self.facts is not None and self.facts.table:
            inputs.whole_list = "pages" in volatile
            self.store.put(TABLE, "", {"inputs": dataclasses.asdict(inputs), "pages": self.facts.table})

    def keep_previous(self) -> None:
        """A replayed build: the last build's cache stays as it is (nothing of this build is worth keeping)."""
        self.close()
        self.store.discard()

    def active_content(self, html: str, allow) -> tuple[list, str | None]:
        """Active content in a page's body, and the key of the verdict's entry; a body the last build found clean
        is not parsed again."""
        key = self.store.key("active", str(allow), html)
        if self.store.get("active", key, lambda value: value == 1) is not None:
            return [], key
        found = active_content(html, allow=allow)
        if not found:
            self.store.put("active", key, 1)
        return found, key

    def configure(self, config: MkDocsConfig) -> None:
        """After every plugin's on_config: the code and the settings of this build."""
        self.recorder.config = config
        code = self.store.salt = code_digest()
        try:
            settings = {k: plain(v, k) for k, v in config.items() if k not in VOLATILE_SETTINGS}
        except Unstable as exc:
            log.info(f"构建缓存：设置 {exc} 无法比较，本次不复用页面")
            return
        settings["installed"] = installed_versions(config, self.store)
        for i, hook in enumerate(config.hooks or ()):  # a site's hooks are code: their text, not their name
            settings[f"hook {i}"] = file_digest(Path(hook)) if Path(hook).is_file() else str(hook)
        # ... and so is every module they import from the site's folder (loaded with the configuration).
        settings["site modules"] = site_modules(site_root(config))
        # Files Markdown includes (pymdownx.snippets): every file below its base paths, wherever they are.
        settings["snippets"] = snippet_files(config, skip=self.replay.not_input)
        markdown = {k: settings.get(k) for k in (*MARKDOWN_SETTINGS, "installed", "snippets", "site modules")}
        self.markdown_key = digest(code, json.dumps(markdown, sort_keys=True, ensure_ascii=False))
        self.settings_key = digest(code, json.dumps(settings, sort_keys=True, ensure_ascii=False))

    def seal(self, config: MkDocsConfig, files: Files, nav, document_sources: set[str],
             documents: dict[str, Document], listings: dict, catalog) -> None:
        """Once every file is known (on_nav): what every page reads besides its own inputs and recorded reads."""
        self.recorder.resolver = Resolver(files, documents, listings, catalog)
        forget_documents()  # documents are complete from here on; their digests are made once each
        if self.settings_key is None:
            return
        self.facts = PageFacts(self.store, self.consumers)
        docs_dir = Path(config.docs_dir)
        # The catalog's site identity and column tree, every column with all it says (the nav, the tabs, every
        # list's place, a column page's 说明, 公开事项, 暂无 and 单页 正文); its 发布主体 are recorded where a page
        # shows one (a document's, a list's, a home's).
        site_and_columns = json.dumps([describe(catalog.site), column_tree(catalog)], ensure_ascii=False,
                                      sort_keys=True)
        # The Markdown of a page that is not a document (the home page, a 帮助 page) is in its own key; what the
        # other pages show of it — its title and front matter, in the nav and the footer — is known once MkDocs has
        # read it, and compared then (``nav_pages_read``). Carrying decides before that: its key has them all.
        self._nav_pages = {f.src_uri: f for f in files.documentation_pages()
                           if f.src_uri not in document_sources and f.abs_src_path and f.src_uri.endswith(".md")}
        parts = [self.settings_key,
                 tree_digest(docs_dir, skip=lambda rel: rel in document_sources or opaque(rel)
                             or rel in self._nav_pages, stats=self.store),
                 site_and_columns, nav_digest(nav, documents)]
        for path in site_template_dirs(config):  # a site's own overrides; material's and gongkai's are code
            # Folders linked into it are walked too (tree_digest); templates that show the build's time are found
            # while pages render (PageRecorder), not by reading their text.
            parts.append(tree_digest(path, stats=self.store))
        self.base_key = digest(*parts)
        self.carry_key = digest(self.base_key, *(f"{src}\0{self.store.file_digest(Path(f.abs_src_path)).decode()}"
                                                 for src, f in sorted(self._nav_pages.items())))

    def _own_meta(self, src: str, meta: dict) -> dict:
        """A page's front matter as its file gives it (``lookup`` may have set the template of a stored page)."""
        candidate = self._candidates.get(src)  # all still there: no page is rendered yet
        if candidate is None:
            return meta
        meta = {k: v for k, v in meta.items() if k != "template"}
        if candidate[0] is not _ABSENT:
            meta["template"] = candidate[0]
        return meta

    def nav_pages_read(self) -> None:
        """Every page has read its Markdown and none is rendered yet (the core's on_env): the title and front matter
        of every page that is not a document, which every page may show (the nav, the footer's 上一页/下一页) and
        which the pages' keys leave out (``seal``), compared with the last build's. Any difference, or one that
        cannot be described: no stored page is reused in this build."""
        if self.base_key is None:
            return
        try:
            now = _VALUE_JSON(describe([[src, f.page.title, self._own_meta(src, f.page.meta)]
                                        for src, f in sorted(self._nav_pages.items()) if f.page is not None]))
        except Unstable:
            self._nav_pages_changed = True
            return
        key = self.store.key(NAV_PAGES, self.base_key)
        if self.store.get(NAV_PAGES, key, lambda value: isinstance(value, str)) != now:
            self._nav_pages_changed = True
        self.store.put(NAV_PAGES, key, now)

    def subject_digest(self, subject) -> str | None:
        """A page's subject (``lookup``) described, as a digest; None when it cannot be described."""
        try:
            return digest(_VALUE_JSON(_document_subject(subject) or describe(subject, memo=self._subjects)))
        except Unstable:
            return None

    def lookup(self, page: Page, html: str, subject) -> str | None:
        """A page's Markdown is rendered: its key, and whether it may be reused (its reads are checked in
        ``begin``). ``subject``: what the core shows on it besides its Markdown (a document and its neighbours, a
        generated page's structure, a version's snapshot). Returns the subject's digest (``subject_digest``)."""
        if self.base_key is None:
            return None
        src = page.file.src_uri
        try:
            described = _VALUE_JSON(describe(subject, memo=self._subjects))
        except Unstable as exc:
            log.debug(f"构建缓存：{src} 的内容无法比较（{exc}），不复用")
            return None
        key = digest(self.base_key, src, page.markdown or "", html, described)
        self.total += 1
        self.pages[src] = key
        self.facts.keyed(src, key)
        reads = self.store.get("reads", key, reads_shape)
        if reads is not None and self.store.check("page", key) and self.recorder.unchanged(reads["templates"]):
            self._candidates[src] = (page.meta.get("template", _ABSENT), reads["reads"])
            page.meta["template"] = CACHED_TEMPLATE
        return digest(described)

    def attach(self, env) -> None:
        self.recorder.attach(env)

    def begin(self, context, page: Page) -> None:
        """Every plugin has given the page's context: reuse the stored page if all it read is unchanged, else
        record what its template reads."""
        src = page.file.src_uri
        key = self.pages.get(src)
        if key is None:
            return
        self.recorder.track_globals()
        candidate = self._candidates.pop(src, None)
        if candidate is not None:
            own, reads = candidate
            template = "main.html" if own is _ABSENT else own
            changed = "导航所列页面的标题或元数据" if self._nav_pages_changed else self.recorder.changed(reads, context)
            if changed is None:
                output = self.store.get("page", key, lambda value: isinstance(value, str))
                if output is not None:
                    context["gongkai_cached_page"] = Markup(output)
                    self._reused.add(src)
                    self.hits += 1
                    return
                changed = "页面条目"
            log.debug(f"构建缓存：重新生成 {src}（{changed} 已变）")
            context["gongkai_template"] = template  # gongkai/cached-page.html extends it
        else:
            template = page.meta.get("template", "main.html")
            log.debug(f"构建缓存：重新生成 {src}")
        self.rendered += 1
        self.recorder.start(context, template, page)

    def keep(self, output: str, page: Page) -> None:
        """The template's output, before any plugin changes it: stored with what it read."""
        src = page.file.src_uri
        if src in self._reused:
            self.facts.kept(src)
            return
        key = self.pages.get(src)
        reads = self.recorder.finish(page)
        if key is not None and reads is not None:  # None: the page read a volatile value
            self.store.put("page", key, output)
            self.store.put("reads", key, reads)
            self.facts.kept(src)

    # ---- pages carried over from the last build (carried.py) ----------------------------------------------

    def register(self, consumer: Consumer) -> None:
        self.consumers[consumer.name] = consumer

    def page_fact(self, page: Page | str, name: str, value, keep=()) -> None:
        if self.facts is not None:
            self.facts.note(page if isinstance(page, str) else page.file.src_uri, name, value, keep)

    def not_carried(self, page: Page) -> None:
        if self.facts is not None:
            self.facts.refuse(page.file.src_uri)

    def carry(self, config: MkDocsConfig, inputs: Inputs, candidates: dict[str, Page], carry_output,
              published_as_recorded, views, subject=None, files: Files | None = None,
              template_globals: dict | None = None) -> int:
        """In the core's on_nav, once ``seal`` made the base key: the pages carried in this build, MkDocs' page
        loop made to skip them. Returns how many. With the published site still what the last recorded build
        published (``published_as_recorded()``), any other page whose key and reads turn out to be that build's
        is written no more either (``output_unchanged``; ``views(page)``: what every plugin gives its context).
        When documents were added, removed or their metadata changed, a page is carried only if it is still
        made as it was (``made_as_before``: ``subject(src)``, the site's ``files``, and the Jinja globals
        gongkai's plugins will add, ``template_globals``)."""
        if self.facts is None or self.base_key is None:
            return 0
        why = foreign_events(config)
        previous = self.store.get(TABLE, "", Inputs.shape, carry=False) if not why else None
        if why or previous is None or not isinstance(previous["pages"], dict):
            log.debug(f"构建缓存：不沿用上次构建的页面（{f'{why} 参与构建' if why else '上次构建没有页面表'}）")
            return 0
        self.carrying = Carrying(self.store, self.consumers)
        why = None if self.replay.partial is not None else "不只是正文有改动"
        if why is None and (config.extra_templates or any(
                (Path(d) / name).exists() for d in site_template_dirs(config) for name in config.theme.static_templates)):
            why = "网站自有模板列出全部页面"
        if why is None:
            still, kept = None, []
            if subject is not None and files is not None and template_globals is not None:
                self.recorder.preview(template_globals)

                def still(pages):
                    made = self.made_as_before(pages, subject, files, views)
                    kept.append(bool(made))
                    return made
            try:
                why = self.carrying.decide(previous, inputs, candidates, carry_output, still, self.replay.same_day)
            except (TypeError, ValueError, KeyError, AttributeError) as exc:  # a table of another shape
                self.carrying.pages.clear()
                why = f"页面表无法使用（{exc}）"
            finally:
                self.recorder.preview(None, used=any(kept) and bool(self.carrying.pages))
        if why is not None:
            log.debug(f"构建缓存：不沿用上次构建的页面（{why}）")
        self.carrying.keep(self.facts)
        if published_as_recorded():
            self._outputs = OutputCheck(previous["pages"], carry_output, views)
        # Where pages are built, the globals the carried pages' reads were checked on are checked in turn (even
        # when every page is carried and none is rendered).
        self.carrying.install(self.output_unchanged if self._outputs is not None else None, self.recorder.track_globals)
        count = len(self.carrying.pages)
        if count:
            log.info(f"构建缓存：{count} 个页面的输入与上次构建相同，直接沿用（未重新处理）")
        return count

    def made_as_before(self, pages: dict[str, tuple[Page, str, dict]], subject, files: Files, views) -> set[str]:
        """Of ``pages`` (src → the page, its key in the last build, the core's fact of it), those that would be
        made again as they were although documents were added, removed or their metadata changed (their own
        files are unchanged): no plugin decorated the body (a 征集's banner shows its 反馈, a 年报's toolbar its
        entry), the subject (``subject(src)``) and every link target the Markdown resolved are the same — so are
        the key and the Markdown phase —, and every read the template recorded gives the same on what the plugins
        will give its context (``views``, asked of a stand-in of the page, which MkDocs has not read yet)."""
        first = []
        for src, (page, key, core) in pages.items():
            if core.get("decorated") is False and isinstance(core.get("lookups"), dict) \
                    and core.get("subject") is not None and self.subject_digest(subject(src)) == core["subject"] \
                    and lookups_resolve(core["lookups"], files):
                first.append((src, page, key))
        made = set()
        for start in range(0, len(first), READS_BATCH):
            chunk = first[start:start + READS_BATCH]
            stored = self.store.get_many("reads", [key for _, _, key in chunk], reads_shape)
            # Reads one page alone makes (those naming its own document or page) are not memoized.
            counts = Counter(read for reads in stored.values() for read in reads["reads"])
            once = {read for read, n in counts.items() if n == 1}
            for src, page, key in chunk:
                reads = stored.get(key)
                if reads is not None and self.recorder.unchanged(reads["templates"]) \
                        and self._reads_same(page, reads["reads"], views, once):
                    made.add(src)
        return made

    def _reads_same(self, page: Page, reads: dict[str, str], views, once=frozenset()) -> bool:
        """Whether every recorded read gives the same on the views of ``page`` (each page's reads name its own
        document: no two pages share a verdict)."""
        probe = copy.copy(page)
        probe.meta, probe.toc = {}, get_toc([])
        try:
            return self.recorder.changed(reads, views(probe), self._records, once) is None
        except Exception:  # a plugin's view that needs what MkDocs reads later: not carried
            return False

    def output_unchanged(self, page: Page) -> dict | None:
        """MkDocs is about to build ``page``: its facts of the last build when its key is that build's and every
        read recorded then gives the same now, so that the previous site's file is this build's too (the page
        cache would write the stored output, byte for byte) — or None, and the page is built."""
        src = page.file.src_uri
        key, candidate, outputs = self.pages.get(src), self._candidates.get(src), self._outputs
        if key is None or candidate is None or outputs.table.get(src) != key or self._nav_pages_changed:
            return None
        so_far = self.facts.so_far(src)
        if so_far is None or "core" not in so_far[0]:
            return None  # its Markdown logged or added a problem: every build says it, and builds it
        self.recorder.track_globals()
        if self.recorder.changed(candidate[1], outputs.views(page)) is not None:
            return None
        stored = self.store.get_many(FACTS, [key], facts_shape).get(key)
        if stored is None or set(stored["facts"]) != set(self.consumers):
            return None
        noted, entries = so_far
        # The same key, the same inputs: what this build noted of the page so far is what the last one did (a
        # difference would be a plugin's fact that depends on something else: then the page is built).
        if any(stored["facts"][name] != fact for name, fact in noted.items()):
            return None
        # The entries the plugins still to come read back must be there and intact; this build's own are.
        made = {tuple(entry) for entry in entries}
        needed = by_kind(entry for entry in entries_of(key, stored) if tuple(entry) not in made)
        if any(missing_entries(self.store, needed, self.consumers).values()):
            return None
        if not outputs.carry_output(page.file.dest_uri):
            return None
        del self._candidates[src]
        self.hits += 1
        self.facts.adopt(src, key)
        self.carrying.adopt(src, key, stored)
        return stored["facts"]

    def reused(self, page: Page) -> bool:
        return page.file.src_uri in self._reused

    def share_pages(self, config: MkDocsConfig, unchanged, in_child) -> None:
        """The core's on_env, in a build that publishes: MkDocs' page loop shared with a forked process where it may
        be (split.py). ``unchanged``: the staging folder's UnchangedFiles (or None); ``in_child()``: called in that
        process before it makes a page."""
        if self.facts is None or self.base_key is None or not parallel.can_fork() \
                or parallel.workers_of(config) < 2:
            return
        outside = handlers_outside(config, ["page_context", "post_page"])
        if outside:
            log.debug(f"构建缓存：{'、'.join(outside)} 处理页面，页面在一个进程中生成")
            return
        self.split = SplitPages(self, unchanged, in_child,
                                self.store.directory / f".split-{os.getpid()}-pages.sqlite")
        self.split.install()

    def close(self) -> None:
        self._subjects.clear()
        self._records.clear()
        logging.getLogger("mkdocs").removeHandler(self.counter)
        self.replay.close()
        if self.split is not None:
            self.split.uninstall()
            if self.split.made:
                log.info(f"构建缓存：{self.split.made} 个页面由第二个进程生成")
            self.split = None
        if self.carrying is not None:
            self.carrying.uninstall()

    def finish(self, succeeded: bool) -> None:
        """Save this build's entries when it succeeded without a warning; say how much was reused."""
        self.close()
        if succeeded and self.counter.count == 0:
            if self.carrying is not None:
                self.carrying.keep_adopted()
            self.store.save()
            if self.total:
                log.info(f"构建缓存：{self.total} 个页面中 {self.hits} 个未变，直接沿用，{self.rendered} 个重新生成"
                         f"（Markdown 命中 {self.store.hits}，未命中 {self.store.misses}）")
        else:
            self.store.discard()


class NoCache:
    """The build without the cache (turned off, not writable, `gongkai check`): the same named points, doing
    nothing, so that the core calls them unconditionally."""

    store = markdown_key = carrying = None

    def watch(self, target, cache_dir) -> None: ...
    def replayable(self, *args) -> None: ...
    def record(self, *args, **kwargs) -> None: ...
    def keep_previous(self) -> None: ...
    def configure(self, config) -> None: ...
    def seal(self, *args) -> None: ...
    def share_pages(self, *args) -> None: ...
    def nav_pages_read(self) -> None: ...
    def lookup(self, page, html, subject) -> None: ...
    def attach(self, env) -> None: ...
    def begin(self, context, page) -> None: ...
    def keep(self, output, page) -> None: ...
    def close(self) -> None: ...
    def finish(self, succeeded: bool) -> None: ...
    def register(self, consumer) -> None: ...
    def page_fact(self, page, name, value, keep=()) -> None: ...
    def not_carried(self, page) -> None: ...

    def carry(self, *args) -> int:
        return 0

    def active_content(self, html: str, allow) -> tuple[list, None]:
        return active_content(html, allow=allow), None


class Resolver:
    """This build's objects by the names a recorded read gives them: documents by source path, generated pages'
    structures and MkDocs' pages by source URI."""

    def __init__(self, files: Files, documents: dict, listings: dict, catalog):
        self.files, self.documents, self.listings, self.catalog = files, documents, listings, catalog

    def encode(self, value):
        """An argument of a recorded call as JSON data, or Unstable."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return ["v", str(value) if isinstance(value, Markup) else value]
        if type(value) is Document:
            return ["d", value.src_path]
        if isinstance(value, Page):
            return ["p", value.file.src_uri]
        if self.listings.get(getattr(value, "src_uri", None)) is value:
            return ["l", value.src_uri]
        if isinstance(value, Organization):
            return ["o", value.id]
        if isinstance(value, Column):
            return ["k", value.id]
        raise Unstable(f"参数 {type(value).__name__}")

    def decode(self, data, refs):
        kind, value = data[0], data[1]
        if kind == "v":
            return value
        if kind == "d":
            return self.documents[value]
        if kind == "p":
            files = self.files
            if type(files) is Files:  # MkDocs' own: ``get_file_from_path`` without a PurePath per call
                return files.src_uris.get(_as_posix(value)).page
            return files.get_file_from_path(value).page
        if kind == "l":
            return self.listings[value]
        if kind == "o":
            return self.catalog.organizations[value]
        if kind == "k":
            return self.catalog.columns[value]
        if kind == "t":  # what an earlier read gave
            return refs(value)
        if kind == "s":
            return slice(*(self.decode(part, refs) for part in value))
        raise KeyError(kind)


def _as_posix(path: str) -> str:
    """``PurePath(path).as_posix()``, as ``Files.get_file_from_path`` makes it: on POSIX a path whose every
    segment is a name (not empty, not ".") is its own form, as a page's ``src_uri`` always is."""
    if os.name == "posix" and path and path != "." and "//" not in path and "/./" not in path \
            and path[0] != "/" and path[-1] != "/" and not path.startswith("./") and not path.endswith("/."):
        return path
    return PurePath(path).as_posix()


# json.dumps(…, ensure_ascii=False[, sort_keys=True]) without a new encoder per call: a page records ~20 reads.
_READ_JSON = json.JSONEncoder(ensure_ascii=False).encode
_VALUE_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode
_ABSENT = object()  # no template in a page's front matter
NAV_PAGES = "nav-pages"  # the titles and front matter of the pages that are not documents, as the last build read them

# read → (root, its last step, the read it extends or None): the same few hundred reads recur on every page of a
# kind, so each is parsed once per process rather than once per page (bounded: a 100,000-page site has more).
_PARSED: dict[str, tuple] = {}
_PARSED_LIMIT = 200_000


_ROOT_READS: dict[str, str] = {}  # root → the read of the root itself, ``[root, []]``


def _parsed(read: str) -> tuple:
    found = _PARSED.get(read)
    if found is None:
        root, path = json.loads(read)
        if not path:
            found = (root, None, None, False)
        elif len(path) == 1:  # most reads: one step from a view (the parent's text is the same for all of them)
            parent = _ROOT_READS.get(root)
            if parent is None:
                parent = _ROOT_READS[root] = _READ_JSON([root, []])
            found = (root, path[0], parent, True)
        else:
            found = (root, path[-1], _READ_JSON([root, path[:-1]]), False)
        if len(_PARSED) >= _PARSED_LIMIT:
            _PARSED.clear()
        _PARSED[read] = found
    return found


# Digests of what recurs on every page, made once per process: they are pure functions of their text.
_CONSTANT_DIGESTS = {None: digest("null"), True: digest("true"), False: digest("false")}
_OBJECT_DIGESTS: dict[str, str] = {}  # a class's qualified name → digest("object", it)


def _object_digest(value) -> str:
    """``digest("object", type(value).__qualname__)``, once per class."""
    name = type(value).__qualname__
    found = _OBJECT_DIGESTS.get(name)
    if found is None:
        found = _OBJECT_DIGESTS[name] = digest("object", name)
    return found


def _whole_digest(value, memo: dict | None = None) -> str:
    """``digest(_VALUE_JSON(describe(value)))`` of a value recorded whole; None and the booleans (what most
    reads naming one document give: no 解读, no 征集) without describing them. ``memo``: ``describe``'s, for
    structures that no longer change."""
    if value is None or value is True or value is False:
        return _CONSTANT_DIGESTS[value]
    if memo is None or not dataclasses.is_dataclass(type(value)):
        return digest(_VALUE_JSON(describe(value, memo=memo)))
    # A record many pages read (a tab, a breadcrumb): its digest kept beside its description, with the object.
    found = memo.get(("digest", id(value)))
    if found is None or found[0] is not value:
        found = memo[("digest", id(value))] = (value, digest(_VALUE_JSON(describe(value, memo=memo))))
    return found[1]


class PageRecorder:
    """What the page being rendered reads, recorded instead of declared (module docstring).

    Templates: every template its template loads (name and a digest of its source, however it was found: a site's
    folder, a symbolic link, the theme). Values: every view object in its context or in the Jinja globals that
    is not part of the key is handed to the template wrapped in ``Tracked``; each attribute read and method call
    on it is recorded as a path from its name (``["c:interaction", [["status", [["r", …]]]]]``) with a digest of
    the result's description, where documents are their metadata. Checking a stored page evaluates each path
    again on this build's context. Reading a volatile value (``page.update_date``, ``build_date_utc``,
    MkDocs' ``pages``) or one that cannot be described makes the page never reusable.

    MkDocs picks a page's template before ``on_page_context`` and renders every page's Markdown before it makes
    the build's Jinja environment, so whether a stored page's templates are still good is decided with an
    environment of the same template folders made here (``unchanged``), and what a page loads is recorded on the
    build's own."""

    def __init__(self):
        self.config = None
        self.env = None  # the build's environment (on_env)
        self.resolver: Resolver | None = None
        self._lookup = None  # the same folders, for the decision before on_env
        self.templates: dict[str, str] | None = None  # name → digest, for the page being rendered
        self.reads: dict[str, str] | None = None  # read → digest, for the page being rendered
        self.volatile = False
        self.volatile_reads: set[str] = set()  # every volatile value any page of the build read
        self._proxies: dict[int, Tracked] = {}  # id(object) → its wrapper, while a page renders
        self._first: dict[int, str] = {}  # id(object) → the read that gave it first
        self._digests: dict[tuple[int, str], str] = {}
        self._globals: dict[str, object] | None = None  # recorded globals: name → raw value
        self._described: dict[tuple, tuple] = BoundedMemo(MEMO_SIZE)  # (id of root, read) → (root, digest) (memory.py)
        self._previewed: dict[str, object] | None = None  # the globals pages were carried on (``preview``)
        self._names: dict[tuple, str] = {}  # the names of a context and of the globals → their digest (``names``)
        self._template_sets: dict[str, bool] = {}  # the templates a page loaded, as stored → ``unchanged``'s verdict

    # ---- templates -------------------------------------------------------------------------------------------

    def attach(self, env) -> None:
        """Watch ``env``'s template loads (once per build: MkDocs makes a new one each time)."""
        if getattr(env, "gongkai_recorder", None) is self:
            return
        self.env = env
        self._globals = None
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

    def unchanged(self, templates: str) -> bool:
        """Whether every template a stored page loaded (``templates``: the JSON text ``finish`` stored) has the same
        source in this build: once per distinct text (every page of a kind loads the same templates)."""
        found = self._template_sets.get(templates)
        if found is None:
            if self._lookup is None:
                from .theme import add_material_prefix
                self._lookup = self.config.theme.get_env()
                add_material_prefix(self._lookup)
            try:
                loaded = json.loads(templates)
            except ValueError:
                loaded = None
            found = isinstance(loaded, dict) and all(
                isinstance(d, str) and self.digest(name, self._lookup) == d for name, d in loaded.items())
            self._template_sets[templates] = found
        return found

    # ---- values ------------------------------------------------------------------------------------------------

    def track_globals(self) -> None:
        """The Jinja globals plugins and hooks added (every on_env has run): wrapped like context values."""
        if self._globals is not None or self.env is None:
            return
        self._globals = self._recorded_globals(list(self.env.globals.items()))
        for name, value in self._globals.items():
            if not whole(value):
                self.env.globals[name] = Tracked(value, self, f"g:{name}", ())
        previewed, self._previewed = self._previewed, None
        if previewed is not None and (previewed.keys() != self._globals.keys() or any(
                value is not previewed[name] and value != previewed[name] for name, value in self._globals.items())):
            # Pages were carried on what the plugins said they would add (``preview``): it must be what they did.
            raise PluginError("构建缓存内部错误：插件在 on_env 中加入的模板全局变量与此前声明的不同"
                              f"（{'、'.join(sorted(previewed.keys() ^ self._globals.keys())) or '值不同'}）。"
                              "请设置环境变量 GONGKAI_CACHE=0 重新构建，并报告此问题")

    def preview(self, values: dict | None, used: bool = False) -> None:
        """Before MkDocs makes the build's Jinja environment (the core's on_nav, carried.py): the globals
        gongkai's plugins will add to it (their ``template_globals``), as ``track_globals`` will find them there.
        None: the preview is over; ``used``: pages were carried on it, and it is checked against the globals
        then."""
        if values is None:
            if self.env is None:
                self._globals = None
            if not used:
                self._previewed = None
            return
        self._globals = self._recorded_globals(values.items())
        self._previewed = dict(self._globals)

    def _recorded_globals(self, items) -> dict:
        """Of Jinja globals (name, value), those whose reads are recorded: not the theme's own, not the core's
        view (in every page's context, recorded there), not one wrapped already."""
        if self._lookup is not None:
            standard = self._lookup.globals
        else:
            standard = self.config.theme.get_env().globals if self.config is not None else {}
        return {name: value for name, value in items
                if name not in standard and name != "gongkai" and not isinstance(value, (Tracked, Volatile))}

    def names(self, context) -> str:
        """The names of the page's context entries and of the globals that are recorded when read (once per
        distinct list of names: every page of a kind has the same)."""
        names = (tuple(context), tuple(self._globals or ()))
        found = self._names.get(names)
        if found is None:
            found = self._names[names] = digest(*sorted(n for n in context if n not in KEYED_CONTEXT), "\0",
                                                *sorted(self._globals or ()))
        return found

    def root(self, name: str, context):
        """The raw value a recorded read starts from, in this build."""
        if name.startswith("g:"):
            return self._globals[name[2:]] if name[2:] in self._globals else self.env.globals[name[2:]]
        value = context[name[2:]]
        return object.__getattribute__(value, "_value") if isinstance(value, Tracked) else value

    def note(self, root: str, path: tuple, value, base=None):
        """Record that the page read ``value`` at ``path`` from ``root`` (whose value is ``base``, if known);
        returns what the template gets: plain values as they are, recorded whole; any other object wrapped, so
        that what is read of it is recorded (a feed's title, not the documents it lists)."""
        if self.reads is None:
            return value
        read = _READ_JSON([root, path])
        if not whole(value):
            # What is read of it is recorded through its wrapper; here, only its kind, or that it is the very
            # object an earlier read gave: one wrapper per object, so that a template's ``is sameas`` holds, and
            # the next build checks that the same reads give the same (or different) objects again.
            proxy = self._proxies.get(id(value))
            if proxy is not None and object.__getattribute__(proxy, "_value") is value:
                first = self._first[id(value)]
                if first != read:
                    self.reads[read] = digest("same", first)
                return proxy
            self.reads[read] = _object_digest(value)
            proxy = self._proxies[id(value)] = Tracked(value, self, root, path, base)
            self._first[id(value)] = read
            return proxy
        found = self._memo(base, read) if base is not None else None
        if found is None:
            try:
                found = _whole_digest(value)
            except Unstable as exc:
                log.debug(f"构建缓存：{read} 无法比较（{exc}），本页不保存")
                self.volatile = True
                self.volatile_reads.add(UNDESCRIBED)
                return value
            if base is not None:
                self._described[(id(base), read)] = (base, found)
        self.reads[read] = found
        return value

    def _memo(self, base, read: str) -> str | None:
        """A read's digest already made in this build from the same root object (kept alive with it)."""
        found = self._described.get((id(base), read))
        return found[1] if found is not None and found[0] is base else None

    def encode(self, value):
        """An argument of a recorded call, as the next build finds it again."""
        if isinstance(value, Tracked):
            return ["t", [object.__getattribute__(value, "_root"), list(object.__getattribute__(value, "_path"))]]
        if isinstance(value, slice):
            return ["s", [self.encode(value.start), self.encode(value.stop), self.encode(value.step)]]
        return self.resolver.encode(value)

    def changed(self, reads: dict[str, str], context, memo: dict | None = None, once=frozenset()) -> str | None:
        """The first recorded read whose value differs in this build (None: all the same). ``memo``: ``describe``'s,
        when the structures read no longer change (``made_as_before``, before any page is read); ``once``: reads
        no other page asks for, not kept in the memo of described values (where they would push out those that
        recur)."""
        values: dict[str, object] = {}  # read → its value on this page (each shorter read evaluated once)
        decode = self.resolver.decode if self.resolver is not None else None

        def evaluate(read):
            """The value a read gives in this build (each shorter read it starts with evaluated once)."""
            if not isinstance(read, str):  # a reference from an argument: [root, path]
                read = _READ_JSON(read)
            if read not in values:
                root, last, parent, _ = _PARSED.get(read) or _parsed(read)
                if parent is None:
                    values[read] = self.root(root, context)
                else:
                    values[read] = step(evaluate(parent), *last)
            return values[read]

        def step(value, name, args):
            if name == "()":
                return value(*[decode(a, evaluate) for a in args])
            if name == "[]":
                return value[decode(args[0], evaluate)]
            if name == "#":
                return len(value)
            if name == "*":
                return value
            value = getattr(value, name)
            return value if args is None else value(*[decode(a, evaluate) for a in args])

        objects: dict[int, tuple[object, str]] = {}  # id → (object, the first read that gave it)
        bases: dict[str, object] = {}  # a root's name → its raw value on this page
        described = self._described
        for read, expected in reads.items():
            if read == NAMES:
                if self.names(context) != expected:
                    return read
                continue
            try:
                name, last, _, one_step = _PARSED.get(read) or _parsed(read)
                base = bases.get(name, bases)
                if base is bases:
                    base = bases[name] = self.root(name, context)
                alone = read in once
                hit = described.get((id(base), read)) if not alone else None
                if hit is not None and hit[0] is base:
                    found = hit[1]
                else:
                    if one_step and read not in values:  # ``evaluate``, its parent being the root itself
                        value = values[read] = step(base, *last)
                    else:
                        value = evaluate(read)
                    if whole(value):
                        found = _whole_digest(value, memo)
                        if not alone:
                            described[(id(base), read)] = (base, found)
                    else:
                        first = objects.get(id(value))
                        if first is not None and first[0] is value and first[1] != read:
                            found = digest("same", first[1])
                        else:
                            found = _object_digest(value)
                            objects.setdefault(id(value), (value, read))
            except Exception:  # gone, another shape, not describable: changed
                return read
            if found != expected:
                return read
        return None

    # ---- one page ------------------------------------------------------------------------------------------------

    def start(self, context, template: str, page) -> None:
        """The page's ``template`` (already loaded by MkDocs) is about to render with ``context``. The volatile
        values are wrapped, not every attribute read watched: a Jinja ``getattr`` hook would cost every page of a
        cold build a function call per attribute its templates read."""
        self.templates, self.reads, self.volatile = {template: self.digest(template, self.env)}, {}, False
        self._proxies, self._first = {}, {}
        for name in ("build_date_utc", "pages"):
            if name in context:
                context[name] = Volatile(context[name], self, name)
        for name in VOLATILE_ATTRIBUTES:
            if hasattr(page, name):
                setattr(page, name, Volatile(getattr(page, name), self, f"page.{name}"))
        # Which names there are is read too: a value a plugin or hook gives this page only in a later build.
        self.reads[NAMES] = self.names(context)
        for name, value in list(context.items()):
            if name not in KEYED_CONTEXT and not isinstance(value, (Tracked, Volatile)):
                context[name] = self.note(f"c:{name}", (), value, base=value)
        for name, value in (self._globals or {}).items():
            if whole(value):
                self.note(f"g:{name}", (), value, base=value)

    def finish(self, page) -> dict | None:
        """What the page read, or None when it read a volatile value (or nothing was recording)."""
        for name in VOLATILE_ATTRIBUTES:  # as MkDocs made it, for what renders after the page (sitemap.xml)
            value = getattr(page, name, None)
            if isinstance(value, Volatile):
                setattr(page, name, object.__getattribute__(value, "_value"))
        templates, reads = self.templates, self.reads
        self.templates = self.reads = None
        self._proxies, self._first = {}, {}
        if self.volatile or templates is None:
            return None
        return {"templates": _VALUE_JSON(templates), "reads": reads}


class Tracked:
    """An object handed to a template, as the template sees it while a page renders: each attribute it reads, each
    method it calls (with its arguments), each item and the length of a sequence are recorded
    (``PageRecorder.note``); outside a page's rendering it gives the object's own values."""

    __slots__ = ("_value", "_recorder", "_root", "_path", "_base")

    def __init__(self, value, recorder: PageRecorder, root: str, path: tuple, base=None):
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_root", root)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_base", value if base is None else base)  # the raw value ``_root`` names

    def _note(self, step, value):
        return self._recorder.note(self._root, (*self._path, step), value, base=self._base)

    def _call(self, name: str, function, args, kwargs):
        recorder = self._recorder
        raw = [object.__getattribute__(a, "_value") if isinstance(a, Tracked) else a for a in args]
        value = function(*raw, **kwargs)
        if recorder.reads is None:
            return value
        try:
            if kwargs:
                raise Unstable("关键字参数")
            encoded = [recorder.encode(a) for a in args]
        except Unstable as exc:
            recorder.volatile = True
            log.debug(f"构建缓存：{self._root} {name} 的调用无法记录（{exc}），本页不保存")
            return value
        return self._note([name, encoded], value)

    def __getattr__(self, name):
        value = getattr(self._value, name)
        if self._recorder.reads is None or name in getattr(type(self._value), "__untracked__", ()):
            return value
        if callable(value) and not isinstance(value, type) and not whole(value):
            return TrackedCall(self, name, value)
        return self._note([name, None], value)

    def __call__(self, *args, **kwargs):
        return self._call("()", self._value, args, kwargs)

    def __getitem__(self, item):
        value = self._value[item]
        if self._recorder.reads is None:
            return value
        try:
            encoded = self._recorder.encode(item)
        except Unstable:
            self._recorder.volatile = True
            return value
        return self._note(["[]", [encoded]], value)

    def _whole(self):
        if self._recorder.reads is not None:
            self._note(["*", None], self._value)
        return self._value

    def _length(self) -> int:
        value = self._value
        if self._recorder.reads is not None:
            self._note(["#", None], len(value))
        return len(value)

    def __iter__(self):
        value = self._value
        if self._recorder.reads is None or not isinstance(value, (list, tuple)):
            return iter(self._whole())
        self._length()
        return (self._note(["[]", [["v", i]]], item) for i, item in enumerate(value))

    def __len__(self):
        return self._length()

    def __bool__(self):
        value = self._value
        if isinstance(value, (list, tuple, dict, set, frozenset)):
            return self._length() > 0
        if hasattr(type(value), "__bool__") or hasattr(type(value), "__len__"):
            return bool(self._whole())
        return True  # an object's truth is its existence

    def __contains__(self, item):
        return item in self._whole()

    def __str__(self):
        return str(self._whole())

    def __html__(self):
        value = self._whole()
        return value.__html__() if hasattr(value, "__html__") else str(value)

    def __eq__(self, other):
        if isinstance(other, Tracked):
            other = object.__getattribute__(other, "_value")
        return self._whole() == other

    def __hash__(self):
        return hash(self._value)


class TrackedCall:
    """A method of a tracked object: its calls are recorded with their arguments."""

    __slots__ = ("_owner", "_name", "_function")

    def __init__(self, owner: Tracked, name: str, function):
        self._owner, self._name, self._function = owner, name, function

    def __call__(self, *args, **kwargs):
        return self._owner._call(self._name, self._function, args, kwargs)


WHOLE_TYPES = (str, bool, int, float, _dt.date, _dt.time, Decimal, Enum, Document, Column, Organization, Page, File)


PLAIN_TYPES = (str, bool, int, float, _dt.date, _dt.time, Decimal, Enum)


def whole(value) -> bool:
    """Whether a value is recorded whole when read (a string, a date, a document by its metadata, a record of
    plain fields such as a breadcrumb, a list of them) rather than wrapped so that only what is read of it is
    recorded (a feed: its title, not every document it lists)."""
    if value is None or isinstance(value, WHOLE_TYPES):
        return True
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(whole(v) for v in value)
    if isinstance(value, dict):
        return all(whole(v) for v in value.values())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(v is None or isinstance(v, PLAIN_TYPES) for v in vars(value).values()) \
            if hasattr(value, "__dict__") else False
    return type(value).__module__.startswith("gongkai.") and type(value).__repr__ is not object.__repr__ \
        and not getattr(value, "__dict__", None)


def describe(value, depth: int = 0, seen: frozenset = frozenset(), memo: dict | None = None):
    """``value`` as JSON data equal across builds exactly when what a template can show of it is: documents by
    their metadata, the catalog's columns and 发布主体 by id (the catalog is in every key). Unstable otherwise.

    ``memo`` (id → (object, description, depth it was walked at)), kept by the caller for one build whose
    structures no longer change: a record shared by many pages (the column tree on every home, a 发布主体's
    breadcrumbs) is walked once."""
    # One walk with the ancestors in a set it adds to and takes from (a cycle is an ancestor seen again), and the
    # common exact types first: this runs over every list a page shows, once per page of a cold build.
    ancestors = set(seen)
    fields = dataclasses.fields
    cycles = 0  # "↺" given so far: a description holding one depends on where it was reached, never memoized

    def walk(value, depth):
        cls = type(value)
        if cls is str:
            return value
        if value is None or cls is int or cls is bool or cls is float:
            return value
        if cls is _dt.date:
            return value.isoformat()
        if isinstance(value, (bool, int, float)):
            return value
        if isinstance(value, str):
            return str(value)
        if isinstance(value, (_dt.date, _dt.datetime, _dt.time)):
            return value.isoformat()
        if depth > 24:
            raise Unstable("嵌套过深")
        key = id(value)
        if key in ancestors:
            nonlocal cycles
            cycles += 1
            return "↺"
        if memo is not None:
            found = memo.get(key)
            if found is not None and found[0] is value and depth <= found[2]:  # no deeper than it was walked
                return found[1]
        ancestors.add(key)
        before = cycles
        try:
            described = node(value, cls, depth + 1)
        finally:
            ancestors.discard(key)
        if memo is not None and cycles == before and dataclasses.is_dataclass(cls):
            memo[key] = (value, described, depth)  # the object is kept with it: its id is not reused meanwhile
        return described

    def node(value, cls, depth):
        if cls is Document:
            return {"document": value.src_path, "meta": document_digest(value)}
        if isinstance(value, Column):
            return {"column": value.id}
        if isinstance(value, Page):
            return {"page": value.file.src_uri, "url": value.url, "title": str(value.title)}
        if isinstance(value, File):
            return {"file": value.src_uri, "url": value.url}
        if isinstance(value, (list, tuple)):
            return [walk(v, depth) for v in value]
        if isinstance(value, (set, frozenset)):
            return sorted((walk(v, depth) for v in value), key=repr)
        if isinstance(value, dict):
            return [[walk(k, depth), walk(v, depth)] for k, v in sorted(value.items(), key=lambda kv: repr(kv[0]))]
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            data = {f.name: walk(getattr(value, f.name), depth) for f in fields(value)}
            return {"class": cls.__qualname__, **data}
        if isinstance(value, SimpleNamespace):
            return walk(vars(value), depth)
        if isinstance(value, (Decimal, Enum)):
            return [cls.__qualname__, str(value)]
        if cls.__module__.startswith("gongkai.") and cls.__repr__ is not object.__repr__ \
                and not getattr(value, "__dict__", None):
            return [cls.__qualname__, repr(value)]  # a constant of gongkai's with a repr of its own
        raise Unstable(cls.__name__)

    return walk(value, depth)


def _document_subject(subject) -> list | None:
    """``describe`` of a document page's subject (``CatalogPlugin._subject``: the document, then each neighbour's
    address and title or None), made directly when it has exactly that shape and those types (what ``describe``
    gives them unchanged); None otherwise, and ``describe`` walks it."""
    if type(subject) is not list or len(subject) != 2 or type(subject[0]) is not Document \
            or type(subject[1]) is not list:
        return None
    sides = []
    for side in subject[1]:
        if side is None:
            sides.append(None)
        elif type(side) is list and len(side) == 2 and all(v is None or type(v) is str for v in side):
            sides.append(list(side))
        else:
            return None
    doc = subject[0]
    return [{"document": doc.src_path, "meta": document_digest(doc)}, sides]


_DOCUMENT_DIGESTS: dict[int, tuple[Document, str]] = {}
_PUBLISHERS: dict[int, tuple[object, str]] = {}  # a 发布主体 described once per build, not once per document


def document_digest(doc: Document) -> str:
    """A document's metadata (not its body) and its 发布主体's, once per document object."""
    found = _DOCUMENT_DIGESTS.get(id(doc))
    if found is None or found[0] is not doc:
        # Its 发布主体 as the catalog names it today: a page showing the document may show that name.
        org = doc.publisher
        publisher = _PUBLISHERS.get(id(org))
        if publisher is None or publisher[0] is not org:
            publisher = _PUBLISHERS[id(org)] = (org, json.dumps(describe(org), ensure_ascii=False, sort_keys=True))
        found = _DOCUMENT_DIGESTS[id(doc)] = (doc, digest(describe_document(doc), doc.url, publisher[1]))
    return found[1]


def forget_documents() -> None:
    """A new build: its documents are new objects (and may be changed while loading), and so are its 发布主体."""
    _DOCUMENT_DIGESTS.clear()
    _PUBLISHERS.clear()


def snippet_files(config: MkDocsConfig, skip=lambda path: False) -> list[str] | None:
    """Digests of every file pymdownx.snippets may include (its base paths, its auto-appended files), or None
    without it. A snippet is read while Markdown converts, so a page's Markdown alone does not say what it shows.
    ``skip(path)``: files that are no input (replay.Replay.not_input), left out of a base path hashed whole."""
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
            found.append(f"{path}\0{tree_digest(path, skip=lambda rel, base=path: skip(os.path.join(base, rel)))}")
    return found


# Attributes of MkDocs' page that hold the build's date: a page showing one differs on every day it is built.
VOLATILE_ATTRIBUTES = frozenset({"update_date"})


class Volatile:
    """A value of the build's instant or of MkDocs' whole page list, as a template sees it: reading it in any way
    marks the page being rendered as never reusable."""

    __slots__ = ("_value", "_recorder", "_name")

    def __init__(self, value, recorder: PageRecorder, name: str):
        object.__setattr__(self, "_value", value)
        object.__setattr__(self, "_recorder", recorder)
        object.__setattr__(self, "_name", name)

    def _read(self):
        self._recorder.volatile = True
        self._recorder.volatile_reads.add(self._name)
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


def column_tree(catalog) -> list:
    """Every column of the catalog as a page can show it, in order. ``describe`` gives a column by its id only
    (it reaches templates inside every list and document), so what the column says — its 名称, 说明, 公开事项,
    暂无 and a 单页's 正文 — is here, in every page's key, or an edited 单页 would be published as it was. Its
    parent and children are named by id (each is described in its own place)."""
    tree = []
    for column in catalog.walk():
        described = {f.name: describe(getattr(column, f.name)) for f in dataclasses.fields(column)
                     if f.name not in ("parent", "children")}
        described["parent"] = column.parent.id if column.parent is not None else None
        described["children"] = [child.id for child in column.children]
        tree.append(described)
    return tree


def nav_digest(nav, documents: dict[str, Document] | None = None) -> str:
    """What a page's navigation can show: every item's kind, title and address, in order. A document a site's
    ``nav`` names (or one of its 历史版本) has no title yet in on_nav: its title is its metadata, taken here whole."""
    parts = []
    documents = documents or {}

    def shown(item) -> str:
        src = getattr(getattr(item, "file", None), "src_uri", None)
        if src is None:
            return ""
        doc = documents.get(src) or documents.get(src.rpartition("/")[0] + ".md")
        return document_digest(doc) if doc is not None else ""

    def walk(items, depth):
        for item in items:
            parts.append(f"{depth}\0{type(item).__name__}\0{item.title}\0{getattr(item, 'url', '')}\0{shown(item)}")
            walk(getattr(item, "children", None) or (), depth + 1)

    walk(nav.items if nav is not None else (), 0)
    return digest(*parts)


def installed_versions(config: MkDocsConfig, store: BuildCache | None = None) -> list[str]:
    """Versions of the packages whose code can change a page: every plugin's, the theme's, every Markdown
    extension's (a site may use plugins besides gongkai's)."""
    roots = {type(plugin).__module__.split(".")[0] for plugin in config.plugins.values()}
    roots |= {(ext if isinstance(ext, str) else type(ext).__module__).split(".")[0]
              for ext in config.markdown_extensions or ()}
    roots.add("material")
    owners = package_owners(store)
    found = set()
    for root in roots:
        for name in owners.get(root, ()):
            try:
                found.add(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                found.add(f"{name} absent")
    return sorted(found)


def package_owners(store: BuildCache | None = None) -> dict[str, list[str]]:
    """``importlib.metadata.packages_distributions()``: which installed distributions provide each top-level
    module. Working it out reads the file list of every installed distribution that does not declare its modules
    (a tenth of a second on a plain install, more than the rest of a replayed build's settings), so the answer is
    kept in the build cache under what it is made from: every distribution's metadata folder as it is now (path,
    modification time: pip makes a new one for each install, upgrade or removal)."""
    installed = []
    for dist in metadata.distributions():
        path = getattr(dist, "_path", None)
        try:
            installed.append(f"{path}\0{os.stat(path).st_mtime_ns}" if path is not None else repr(dist))
        except OSError:
            installed.append(str(path))
    key = store.key("owners", *sorted(installed), *sys.path) if store is not None else None
    if key is not None:
        found = store.get("owners", key, _owners_shape)
        if found is not None:
            return found
    owners = {k: sorted(v) for k, v in metadata.packages_distributions().items()}
    if key is not None:
        store.put("owners", key, owners)
    return owners


def _owners_shape(value) -> bool:
    return isinstance(value, dict) and all(
        isinstance(k, str) and isinstance(v, list) and all(isinstance(n, str) for n in v) for k, v in value.items())


def cache_disabled_by_env() -> bool:
    return os.environ.get("GONGKAI_CACHE", "").strip().lower() in ("0", "off", "false", "no")
