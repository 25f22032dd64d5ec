"""The checks plugin: pre-publication checks (发布前检查) inside ``mkdocs build``.

Model checks (个人信息, 空白栏目, 栏目不更新, 公开时限, 年报, 解读与征集) run at the end of ``on_files``, once
every feature plugin has registered its documents with the core; the link check reads each page's final HTML as
MkDocs produces it (``on_post_page``), checked against the files the build writes, and completes in
``on_post_build``. The findings are ``gongkai.errors.Problem``s like every other problem of the build: this plugin
hands them to the core's one reporter (``core.reporter``, gongkai/reporting.py) and sets its severity policy from
``live``, ``severity`` and ``fail_on_warnings``; the reporter logs them, counts them in the build summary, writes
the reports and fails the build on errors (docs/architecture.md, "The Problem pipeline").
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import re
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, CombinedEvent

from ... import parallel
from ...buildcache import digest
from ...checks.blank import check_blank
from ...checks.deadline import check_deadlines
from ...checks.freshness import check_freshness, check_home
from ...checks.golive import check_go_live
from ...checks.interaction import check_interaction
from ...checks.links import LinkChecker, check_external, events_shape, link_findings
from ...checks.pii import scan_file, scan_rendered
from ...checks.reports import check_annual_reports, check_normative_row
from ...checks.sitereport import check_site_report
from ...errors import Problem
from ...sources import RealPaths, site_root
from ...stages import OnConfig, OnFiles, OnPageContent, OnPostBuild, OnPostPage, OnPostTemplate, at
from ..catalog.plugin import active_core
from .config import ChecksConfig

log = logging.getLogger("mkdocs.plugins.gongkai.checks")
CARRIED_BATCH = 256  # carried pages whose stored links are read in one query


class ChecksPlugin(BasePlugin[ChecksConfig]):
    """发布前检查: findings with file, line, severity and fix; console/JSON/HTML reports."""

    def __init__(self):
        self.core = None
        self.findings: list[Problem] = []  # this plugin's, handed to the core's reporter at the end
        self.external: dict[str, list[str]] = {}
        self.sources: dict[str, tuple[str, str | None]] = {}
        self.links: LinkChecker | None = None
        self._static_html: list = []  # HTML files MkDocs copies as they are: their links are checked too
        self._pii_allow: set[str] = set()
        self._shown_allow: list[str] = []
        self._source_numbers: dict[str, list[str]] = {}  # file → masked numbers its source scan reported
        self._shown_numbers: dict[str, Counter] = {}  # file → masked numbers its pages' text reported so far
        self.as_of = dt.date.today()
        self.grade_as_strict = False  # `gongkai check` answers for the CI's --strict build
        self.workers = 1
        # Pages read in a worker process while MkDocs goes on (gongkai/parallel.py): the text a document's page
        # shows (个人信息), during the Markdown phase; the links of each written page, during the page phase. Made
        # in on_pre_build, before the documents load, so that their workers are forked from a small process.
        self._shown: parallel.Pipeline | None = None
        self._linking: parallel.Pipeline | None = None
        self._shown_task = _ShownScan()
        self._links_task = _PageLinks()
        self._shown_started = False
        self._carried_waiting: list[tuple[str, str]] = []  # carried pages whose stored links are read in batches

    # ------------------------------------------------------------------ configuration

    @at(OnConfig.DECLARE)
    def on_config(self, config):
        self.core = active_core(config, self)
        if self.core is None:
            return config
        self.as_of = self.core.as_of
        self.findings, self.external, self.sources = [], {}, {}
        self.links, self._static_html = None, []
        reporter = self.core.reporter
        reporter.checked = True
        policy = reporter.policy
        policy.live, policy.overrides = self.config.live, dict(self.config.severity)
        policy.fail_on_warnings = self.config.fail_on_warnings
        policy.strict = policy.strict or self.grade_as_strict
        # CI asks for the reports through the environment, so that a site's mkdocs.yml need not name them and the
        # report comes from the one build that publishes (gongkai/deploy).
        reporter.outputs = {"json": self.config.report_json or os.environ.get("GONGKAI_CHECK_JSON"),
                            "html": self.config.report_html or os.environ.get("GONGKAI_CHECK_HTML"),
                            "todo": self.config.report_todo}
        self._close_pipelines()
        self._carried_waiting = []
        self.workers = parallel.workers_of(config)
        # A page carried over from the last build (carried.py): its scan's result and its links from the cache.
        if self._on("pii"):
            self.core.carry_facts("checks-pii", content=self._carried_shown, reads=["pii-shown"])
        if self._on("links"):
            # A damaged entry of a page's links is found when read, and the links are read from the page's file.
            self.core.carry_facts("checks-links", output=self._carried_links, reads=[], forked=self._links_forked)
        return config

    def _on(self, name: str) -> bool:
        return name in self.config.checks

    def on_pre_build(self, config):
        """The page pipelines' workers, forked now, while the build holds only its settings and catalog: a worker
        forked once the pages exist would come to hold a copy of them (gongkai/parallel.py)."""
        self._close_pipelines()
        if self.core is None:
            return
        if self._on("pii"):
            self._shown_task, self._shown_started = _ShownScan(), False
            self._shown = parallel.Pipeline(self._shown_task, self._add_shown, workers=self.workers,
                                            name=lambda item: item[2], start_after=PIPELINE_START)
        if self._on("links"):
            self._links_task = _PageLinks()
            self._linking = self._links_pipeline()

    def _links_pipeline(self) -> parallel.Pipeline:
        return parallel.Pipeline(self._links_task, self._add_links, workers=self.workers,
                                 name=lambda item: item[0], start_after=PIPELINE_START)

    # ------------------------------------------------------------------ model checks

    @at(OnFiles.CHECK)  # after the core generated the pages: every document is registered and resolved
    def on_files(self, files, config):
        if self.core is None:
            return files
        catalog, documents = self.core.catalog, list(self.core.documents)
        root = site_root(config)
        docs_dir = Path(config.docs_dir)
        found: list[Problem] = []

        realpath = RealPaths()
        real_root = os.path.realpath(root)
        real_docs = os.path.realpath(docs_dir) + os.sep

        inside_root = real_root + os.sep

        def display(path: Path | str, real: str | None = None) -> str:
            real = real or realpath(path)
            if real.startswith(inside_root):  # resolved already: relative to the root is what follows it
                return real[len(inside_root):].replace(os.sep, "/")
            return str(Path(path))

        by_src = {d.src_path: d for d in documents}
        for file in files:
            if file.abs_src_path and file.is_documentation_page():
                doc = by_src.get(file.src_uri)
                shown = doc.source if doc is not None and doc.source else display(Path(file.abs_src_path))
                self.sources[file.dest_uri] = (shown, file.abs_src_path)
            elif file.src_uri in by_src:  # a page a feature plugin generated from data (年报 from YAML)
                doc = by_src[file.src_uri]
                path = root / doc.source if doc.source else None
                self.sources[file.dest_uri] = (doc.source or file.src_uri,
                                               str(path) if path is not None and path.is_file() else None)

        if self._on("pii"):
            allow = self._pii_allow = set(self.config.allow) | _catalog_numbers(catalog)
            scanned, targets = set(), []
            for file in files:
                if not file.abs_src_path:
                    continue
                real = realpath(file.abs_src_path)  # once per file: resolving is most of this loop's time
                if not real.startswith(real_docs):
                    continue
                path = file.abs_src_path
                # Every file: scanned, or listed as not scanned (an image, a .doc) with the reason.
                scanned.add(real)
                targets.append((path, display(path, real)))
            root_name = str(root)
            for doc in documents:  # sources outside docs_dir, e.g. the YAML data of 年报
                if not doc.source:
                    continue
                real = realpath(os.path.join(root_name, doc.source))  # a document's own file: resolved already
                if real not in scanned and (root / doc.source).is_file():
                    path = root / doc.source
                    scanned.add(real)
                    targets.append((path, display(path)))
            found += self._scan(targets, allow, self.workers)
        if self._on("blank"):
            found += check_blank(catalog, documents)
        if self._on("golive"):
            catalog_dir = site_root(config) / self.core.config.catalog_dir
            requirements_file = site_root(config) / "requirements.txt"
            try:  # opened, not probed: a build whose requirements.txt is absent is replayed only while it still is
                requirements = (display(requirements_file), requirements_file.read_text(encoding="utf-8", errors="replace"))
            except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
                requirements = None
            found += check_go_live(catalog, display(catalog_dir / "site.yml"), display(catalog_dir / "organizations.yml"),
                                   config.site_url, display(Path(config.config_file_path)), requirements,
                                   getattr(config.plugins.get("gongkai/accessibility"), "statement", None))
        if self._on("stale"):
            found += check_freshness(catalog, documents, self.as_of, self.config.update_limits)
        if self._on("home"):
            home = docs_dir / "index.md"
            found += check_home(documents, self.as_of, self.config.home_limit,
                                display(home) if home.is_file() else "index.md")
        if self._on("deadline"):
            found += check_deadlines(catalog, documents, self.config.time_limit_workdays)
        if self._on("nianbao"):
            deadlines = self.config.report_deadlines
            reports = config.plugins.get("gongkai/reports")
            if deadlines is None and reports is not None and reports.config.enabled:
                deadlines = reports.config.deadlines
            found += check_annual_reports(catalog, documents, self.as_of, deadlines)
            if reports is not None and reports.config.enabled and getattr(reports, "core", None) is not None:
                found += check_normative_row(reports.reports, documents)
        if self._on("interaction"):
            plugin = config.plugins.get("gongkai/interaction")
            found += check_interaction(plugin.interaction if plugin is not None and plugin.core else None)
        sitereport = config.plugins.get("gongkai/sitereport")
        if self._on("baobiao") and sitereport is not None and sitereport.config.enabled:
            data_file = display(docs_dir / sitereport.config.data_dir.strip("/") / "{year}.yml")
            published = {y: (r.published, r.source, r.published_line) for y, r in sitereport.reports.items()}
            found += check_site_report(sitereport.years, self.as_of, sitereport.config.deadline, data_file, published)
        self.findings = found
        return files

    def _scan(self, targets: list[tuple[Path | str, str]], allow: set[str], workers: int) -> list[Problem]:
        """个人信息 scan of each (file, name shown) in ``targets``, in that order; with the build cache, a file with the
        same bytes is not scanned again. The files not in the cache are scanned in ``workers`` processes."""
        cache = self.core.build_cache
        year = self.as_of.year
        results: list[list[dict] | None] = [None] * len(targets)
        keys: list[str | None] = [None] * len(targets)
        if cache is not None:
            # The allow list is the same for every file: hashed once, its digest in each key.
            settings = digest(str(year), *sorted(allow))
            for i, (path, shown) in enumerate(targets):
                try:
                    content = cache.file_digest(path).decode()
                except OSError:  # unreadable: scan_file says why
                    continue
                keys[i] = cache.key("pii", content, shown, settings)
            stored = cache.get_many("pii", [k for k in keys if k is not None], _findings_shape, carry=True)
            results = [stored.get(k) if k is not None else None for k in keys]
        todo = [i for i, value in enumerate(results) if value is None]

        def scan(i: int) -> list[dict]:
            path, shown = targets[i]
            return [asdict(f) for f in scan_file(Path(path), shown, allow=allow, latest_year=year)]

        with _named("个人信息检查读取"):
            computed = parallel.map_ordered(scan, todo, workers=workers, name=lambda i: targets[i][1], min_items=32)
        for i, value in zip(todo, computed):
            results[i] = value
            # A result that could not read the whole file (a time limit, a reader missing) is not kept: read again.
            if keys[i] is not None and not any(f["message"].startswith("未能扫描") for f in value):
                cache.put("pii", keys[i], value)
        return [Problem(**f) for value in results for f in value]

    @at(OnPageContent.SCAN)  # the body as rendered, before plugins decorate the page
    def on_page_content(self, html, page, config, files):
        """个人信息 in the text a document's page (or one of its 历史版本) shows, which its source may split with markup
        (gongkai/checks/pii.py)."""
        if self.core is None or not self._on("pii"):
            return html
        shown = self._shown_as(page, config) if html else None
        if shown is None:
            self.core.page_fact(page, "checks-pii", None)
            return html
        self._submit_shown(shown, html, src=page.file.src_uri)
        return html

    def _shown_as(self, page, config) -> str | None:
        """The file a page's shown text is reported against (a document's or a 历史版本's), or None."""
        doc = self.core.doc_for_page(page)
        if doc is not None:
            return doc.source or page.file.src_uri
        if self.core.version_for_page(page) is not None:
            path = Path(page.file.abs_src_path)
            root = site_root(config)
            return path.relative_to(root).as_posix() if path.is_relative_to(root) else page.file.src_uri
        return None

    def _carried_shown(self, page, fact) -> None:
        """A page carried over from the last build: the result of its scan, as if read from the cache (a page
        where it found nothing, most, says so in its fact)."""
        if fact is not None:
            self._submit_shown(fact[0], None, key=fact[1], found=[] if fact[2] else None)

    def _submit_shown(self, shown: str, html: str | None, key: str | None = None, src: str | None = None,
                      found: list | None = None) -> None:
        """The scan of the text a page shows (``html``; None: a carried page, whose result is ``found`` or stored
        under ``key``), into the pipeline in page order; ``src``: the page, whose fact is given with the result."""
        # The numbers the scan of its source reported (from on_files); those an earlier page of the same source
        # reported are left out when this page's findings are applied, in page order (_add_shown).
        known = self._source_numbers.get(shown, [])
        cache = self.core.build_cache
        if self._shown is None:  # a build without on_pre_build (an editor tool): in this process
            self._shown_task, self._shown_started = _ShownScan(), False
            self._shown = parallel.Pipeline(self._shown_task, self._add_shown)
        if not self._shown_started:
            self._shown_started = True
            self._source_numbers, self._shown_numbers = {}, {}
            for f in self.findings:
                if f.check == "pii" and "“" in f.message:
                    self._source_numbers.setdefault(f.file, []).append(_number(f))
            known = self._source_numbers.get(shown, [])
            self._shown_allow = sorted(self._pii_allow)
            self._shown_task.allow, self._shown_task.year = self._shown_allow, self.as_of.year
        if html is not None:
            key = cache.key("pii-shown", html, shown, str(self.as_of.year), *self._shown_allow, "\0", *known) \
                if cache is not None else None
            found = cache.get("pii-shown", key) if key is not None else None
        elif found is None:
            found = cache.get_many("pii-shown", [key], _findings_shape)[key]
        with _named("个人信息检查读取"):
            if found is None:  # the HTML as bytes: pickling the page's own str would keep its UTF-8 form in it
                self._shown.submit((key, html.encode("utf-8", "surrogatepass"), shown, known, src, key))
            else:
                self._shown.submit((None, None, shown, known, src, key), found)

    def _add_shown(self, item, found: list[dict]) -> None:
        """``item``: (key to store the result under, or None: it came from the cache; the page's HTML; the file
        reported; the numbers its source scan reported; the page, None if carried; the result's key)."""
        if item[0] is not None:  # computed in this build
            self.core.build_cache.put("pii-shown", item[0], found)
        if item[4] is not None and item[5] is not None:  # a page processed in this build: its fact, to carry it
            self.core.page_fact(item[4], "checks-pii", [item[2], item[5], not found], keep=[("pii-shown", item[5])])
        findings = [Problem(**f) for f in found]
        earlier = self._shown_numbers.setdefault(item[2], Counter())
        left = Counter(earlier)  # reported by an earlier page of the same source: once is enough
        for f in findings:
            if left[_number(f)] > 0:
                left[_number(f)] -= 1
            else:
                earlier[_number(f)] += 1
                self.findings.append(f)

    def _close_pipelines(self) -> None:
        for pipe in (self._shown, self._linking):
            if pipe is not None:
                pipe.close()
        self._shown = self._linking = None

    def on_build_error(self, error):
        self._close_pipelines()

    # ------------------------------------------------------------------ links, then the report

    def on_env(self, env, config, files):
        """The files the build writes are known now, before any page is written: links resolve against them."""
        if self._shown is not None:  # every page's Markdown is rendered: its findings in page order
            with _named("个人信息检查读取"):
                self._shown.finish()
            self._shown = None
        if self.core is None or not self._on("links"):
            return env
        core = self.core

        def read(rel: str) -> str | None:  # only files the build did not render itself (rare)
            path = core.output_file(config, rel)
            return path.read_text(encoding="utf-8", errors="replace") if path is not None else None

        included = [f for f in files if f.inclusion.is_included()]
        # Through the core: an output file unchanged from the previous site is not in site_dir until publication.
        self.links = LinkChecker((f.dest_uri for f in included),
                                 exists=lambda rel: core.output_file(config, rel) is not None,
                                 read=read, site_url=config.site_url)
        self._static_html = [f for f in included if not f.is_documentation_page() and f.dest_uri.endswith(".html")]
        self._links_task.checker = self.links  # pickled to the worker with the first page it reads
        if self._linking is None:
            self._linking = self._links_pipeline()
        return env

    def _add_links(self, item, events: dict) -> None:
        page, text, key = item
        if key is not None:  # computed in this build
            self.core.build_cache.put("links", key, events)
        self.links.apply(page, text, events)

    def _read_links(self, page: str, text: str, cache=None) -> str | None:
        self._take_carried()  # the carried pages before this one first: the check applies them in page order
        key, events = self.links.cached(page, text, cache)
        with _named("链接检查读取"):
            if events is None:
                self._linking.submit((page, text, key))
            else:
                self._linking.submit((page, text, None), events)
        return key

    @at(OnPostPage.FINAL)  # last: the HTML exactly as written, after every other plugin changed it
    def on_post_page(self, output, page, config):
        key = None
        if self.links is not None and output.strip():
            key = self._read_links(page.file.dest_uri, output, self.core.build_cache)
        if self.core is not None and self._on("links"):
            self.core.page_fact(page, "checks-links", key, keep=[("links", key)] if key else ())
        return output

    def _links_forked(self) -> None:
        """In the process that shares the page loop (split.py): a page's links are stored for the build, which
        applies them in page order with the page's fact; the check's own record of them there would never be read."""
        if self._linking is not None:
            self._linking.apply = self._store_links

    def _store_links(self, item, events: dict) -> None:
        if item[2] is not None:
            self.core.build_cache.put("links", item[2], events)

    def _carried_links(self, page, key) -> None:
        """A page carried over from the last build: its links as that build found them, into the check in page
        order. Its text is the previous site's file (the core's ``output_file``), read only if a link asks for one
        of its anchors, or if a file it links to is not what it was then, or if the stored links are damaged (then
        kept again). Taken in batches of pages (``_take_carried``): one query and one entry read a page cost as
        much as the rest of it."""
        if self.links is None or key is None:
            return
        self._carried_waiting.append((page.file.dest_uri, key))
        if len(self._carried_waiting) >= CARRIED_BATCH:
            self._take_carried()

    def _take_carried(self) -> None:
        """The links of the carried pages waiting, in their order: before any later page's, and before the check
        ends (``_pages_read``)."""
        waiting, self._carried_waiting = self._carried_waiting, []
        if not waiting:
            return
        cache = self.core.build_cache
        stored = cache.get_many("links", {key for _, key in waiting}, events_shape)
        for dest, key in waiting:
            events = stored.get(key)
            if events is None:  # the entry is damaged: the links read from the page's file, and kept again
                self._read_links(dest, self.links.read_page(dest), cache)
            elif not self.links.still_resolves(events):
                self._read_links(dest, self.links.read_page(dest), None)
            else:
                with _named("链接检查读取"):
                    self._linking.submit((dest, None, None), events)

    @at(OnPostTemplate.FINAL)
    def on_post_template(self, output_content, template_name, config):
        if self.links is not None and template_name.endswith(".html") and output_content.strip():
            self._read_links(template_name, output_content)
        return output_content

    @at(OnPostBuild.PAGES_READ)  # every page is written: the page worker's results in, before the search index forks
    def _pages_read(self, config):
        if self.links is not None:
            self._take_carried()
        if self._linking is not None:
            with _named("链接检查读取"):
                self._linking.finish()
            self._linking = None

    @at(OnPostBuild.VERDICT)  # after other plugins wrote their files into site_dir; before the core moves the site
    def _post_build(self, config):
        if self.core is None:
            return
        if self.links is not None:
            self._pages_read(config)
            for file in self._static_html:
                self.links.add_page(file.dest_uri, file.content_string)
            report = self.links.finish()
            self.links = None
            problems = None
            if self.config.check_external:
                problems = check_external(sorted(report.external), timeout=self.config.external_timeout)
            self.external = dict(report.external)
            self.findings += link_findings(report, self.sources, problems)
            log.info(f"链接检查：{report.pages} 个页面，{report.links} 个站内链接，{len(report.external)} 个外部链接"
                     + ("" if self.config.check_external else "（外部链接未访问）"))
        # Into the one pipeline: the core's reporter grades, logs, counts and fails on them at the build's end.
        self.core.reporter.external = self.external
        self.core.problems.extend(self.findings)

    on_post_build = CombinedEvent(_pages_read, _post_build)

    @property
    def all_findings(self) -> list[Problem]:
        """Every problem of the build, graded (the core's reporter): what the reports and `gongkai check` show."""
        return self.core.reporter.all if self.core is not None else list(self.findings)


PIPELINE_START = 200  # pages read in the build's process before the worker is used: a small site is done first


class _ShownScan:
    """The 个人信息 scan of the text a page shows, as a worker process runs it: pickled with only the allow list
    and the year, never the plugin."""

    def __init__(self):
        self.allow: list[str] = []
        self.year = 0

    def __call__(self, item) -> list[dict]:
        html, shown, known = item[1:4]
        html = html.decode("utf-8", "surrogatepass")
        return [asdict(f) for f in scan_rendered(html, shown, allow=self.allow, latest_year=self.year, known=known)]


class _PageLinks:
    """``LinkChecker.events`` of a page, as a worker process runs it (the checker pickles only what that needs)."""

    def __init__(self):
        self.checker: LinkChecker | None = None

    def __call__(self, item) -> dict:
        page, text, _ = item
        return self.checker.events(page, text)


@contextmanager
def _named(what: str):
    """A page or file that made a check fail, named in the build's error."""
    try:
        yield
    except parallel.TaskFailed as exc:
        log.debug(exc.trace)
        raise PluginError(f"{what} {exc.item} 时出错：{exc.detail}") from exc


def _number(finding: Problem) -> str:
    """The masked number a 个人信息 finding reports (between “ and ”)."""
    return finding.message.split("“", 1)[1].split("”", 1)[0]




def _findings_shape(value) -> bool:
    return isinstance(value, list) and all(isinstance(f, dict) for f in value)


def _catalog_numbers(catalog) -> set[str]:
    """Numbers the catalog publishes itself: the site's and every 指南's phone and fax, and the 机构代码."""
    numbers = {catalog.site.phone, catalog.site.site_code}
    for org in catalog.organizations.values():
        numbers |= {org.code, org.guide.phone, org.guide.fax}
    # A field may hold several numbers ("0999-1234567、13800000000"): allow each one.
    return {run for n in numbers if n for run in re.findall(r"\d[\d -]*\d", n)}
