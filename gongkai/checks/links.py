"""Links: every internal link, anchor and attachment of the built site resolves (不可用链接, docs/domain.md).

Works on the HTML the build produces (so links from templates, raw HTML and Markdown are all seen), page by page
as MkDocs renders it: ``LinkChecker.add_page`` takes each page's final HTML (the checks plugin calls it from
``on_post_page``), resolves its links against the files the build knows it writes, and keeps only what it cannot
decide yet (a link into a page not rendered so far, a file a plugin writes after the pages); ``finish`` decides
those once the site is complete. Nothing is read back from disk except files the build did not render itself.
``scan_site`` checks a site folder that is already written, with the same rules. A page is read as a browser reads
it (gongkai/htmlread.py: href, src, srcset, poster; <base>; character references; no links in comments or scripts).

External links are collected and listed; they are fetched only on request (``check_external``) — never in CI,
which has no network.
"""

from __future__ import annotations

import html
import posixpath
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable
from urllib.parse import unquote, urljoin, urlsplit

from .. import htmlread
from ..errors import Problem

SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:", "sms:")
SEP = "\0"  # joins a page's anchor ids into one string: far smaller than a set per page on a 100,000-page site


@dataclass
class Link:
    page: str  # site-relative path of the HTML page, '/'-separated
    target: str  # the URL as the browser reads it (character references decoded)
    line: int | None  # of the page's HTML where the link is written, when it can be found there


@dataclass
class LinkReport:
    broken: list[tuple[Link, str]] = field(default_factory=list)  # (link, why)
    external: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # url → pages
    pages: int = 0
    links: int = 0


def _ids(tree) -> str:
    """The page's anchor ids, joined by SEP, with SEP at both ends."""
    return SEP + SEP.join(htmlread.anchors(tree)) + SEP


class _Lines:
    """The line of the page's HTML a link is written on, found only for the few links reported or left open: the
    parser gives no positions, so the attribute value is looked for as written (plain or escaped), after an
    ``=``, a quote or, in a srcset, a space or comma; a target found again is looked for after the last one."""

    def __init__(self, text: str):
        self.text = text
        self.after: dict[str, int] = {}

    def __call__(self, target: str) -> int | None:
        text = self.text
        for written in dict.fromkeys((target, html.escape(target), html.escape(target, quote=False))):
            start = self.after.get(target, 0)
            while (at := text.find(written, start)) >= 0:
                if at > 0 and text[at - 1] in "\"'= ,\t\n":
                    self.after[target] = at + len(written)
                    return text.count("\n", 0, at) + 1
                start = at + 1
        return None


def events_shape(value) -> bool:
    """Whether a stored value has the shape of a page's link events (``LinkChecker.events``)."""
    return isinstance(value, dict) and isinstance(value.get("l"), list) and len(value["l"]) % 2 == 0


class LinkChecker:
    """Checks the links of a site page by page, as its pages are produced.

    ``known`` is every file the build writes (site-relative, '/'-separated) as far as it is known before the
    pages are rendered; ``exists`` answers for anything else once the site is written (a file a plugin wrote
    after the pages, say); ``read`` gives the text of an HTML file the checker was not handed.
    """

    def __init__(self, known: Iterable[str], exists, read, site_url: str | None = None):
        self.known = set(known)
        self._initial = frozenset(self.known)  # what a page's links are decided against (see _events)
        # Links that start with the site's own address are checked as links inside the site.
        self.site_url = (site_url.rstrip("/") + "/") if site_url else None
        self.exists, self.read = exists, read
        self.report = LinkReport()
        self._ids: dict[str, str] = {}  # page → its ids joined (see _ids), for pages an anchor link points into
        self._wanted: set[str] = set()  # pages an anchor link points into
        self._resolved: dict[str, str | None] = {}  # site path → the file serving it, None = not known yet
        self._pending: list[tuple[int, Link, str, str | None, str]] = []  # (order, link, rel, file, fragment)
        self._broken: list[tuple[str, int, Link, str]] = []  # (page, order, link, why)
        self._order = 0

    def __getstate__(self) -> dict:
        """Pickled for a worker process that runs ``events`` (gongkai/parallel.py): only what it depends on."""
        return {"initial": self._initial, "site_url": self.site_url}

    def __setstate__(self, state: dict) -> None:
        self.__init__((), exists=None, read=None)
        self._initial, self.site_url = state["initial"], state["site_url"]

    def _known_file(self, rel: str, known) -> str | None:
        """The file a site-relative path serves among the ``known`` files (same rules as a web server)."""
        if rel not in self._resolved:
            if rel.endswith("/") or rel == "":
                found = rel + "index.html" if rel + "index.html" in known else None
            elif rel in known:
                found = rel
            elif rel + "/index.html" in known:
                found = rel + "/index.html"
            else:
                found = None
            self._resolved[rel] = found
        return self._resolved[rel]

    def _file_on_disk(self, rel: str) -> str | None:
        if rel.endswith("/") or rel == "":
            return rel + "index.html" if self.exists(rel + "index.html") else None
        if self.exists(rel):
            return rel
        if self.exists(rel + "/index.html"):
            return rel + "/index.html"
        return None

    def add_page(self, page: str, text: str, cache=None) -> None:
        """One HTML page of the site: ``page`` its site-relative path, ``text`` what is written there.

        With the build cache (gongkai/buildcache.py), what a page's links are found to be is kept under the hash
        of the page and its text, with every path its links looked up among the files the build writes: an
        unchanged page whose links find the same files is not read again.

        The three steps may also be taken apart (the checks plugin reads pages in another process,
        gongkai/parallel.py): ``cached`` in the build's process, ``events`` anywhere (it depends only on the page
        and the files known when the checker was made), ``apply`` in the build's process, in page order.
        """
        key, events = self.cached(page, text, cache)
        tree = None
        if events is None:
            tree = htmlread.parse(text)
            events = self._events(page, text, tree)
            if key is not None:
                cache.put("links", key, events)
        self.apply(page, text, events, tree)

    def cached(self, page: str, text: str, cache) -> tuple[str | None, dict | None]:
        """(key, what the build cache holds for this page or None); key None without a cache."""
        if cache is None:
            return None, None
        key = cache.key("links", self.site_url or "", page, text)  # salted with the code that decides
        events = cache.get("links", key, events_shape)
        if events is not None and not self.still_resolves(events):
            events = None  # a file it links to was added or removed
        return key, events

    def still_resolves(self, events: dict) -> bool:
        """Whether every path a page's stored ``events`` looked up finds the same file in this build."""
        looked = events["l"]  # path, file, path, file …
        return all(self._known_file(rel, self._initial) == found for rel, found in zip(looked[::2], looked[1::2]))

    def read_page(self, page: str) -> str:
        """The text of a page this build did not hand over (a page carried over from the last build)."""
        text = self.read(page) if self.read is not None else None
        if text is None:
            raise RuntimeError(f"链接检查：找不到页面 {page}")
        return text

    def events(self, page: str, text: str) -> dict:
        """What the links of a page are (see ``_events``)."""
        return self._events(page, text, htmlread.parse(text))

    def _split(self, target: str) -> tuple[str, str, str]:
        """(kind, path, fragment) of a URL: kind "skip" (mailto: and the like), "external" (another site: path is
        the URL) or "internal" (path decoded, "/…" from the site's root, else relative to the page's folder)."""
        if ":" in target or target.startswith("//"):
            if target.lower().startswith(SKIP_SCHEMES):
                return "skip", "", ""
            parts = urlsplit(target)
            if self.site_url and target.startswith(self.site_url):
                # the site's own full address (canonical links, feeds): a link inside the site
                parts = urlsplit(target[len(self.site_url):])
                return "internal", "/" + unquote(parts.path), unquote(parts.fragment)
            if parts.scheme or target.startswith("//"):
                if parts.scheme in ("http", "https") or target.startswith("//"):
                    return "external", target, ""
                return "skip", "", ""
            return "internal", unquote(parts.path), unquote(parts.fragment)
        if "#" in target or "?" in target or "%" in target:
            parts = urlsplit(target)
            return "internal", unquote(parts.path), unquote(parts.fragment)
        return "internal", target, ""

    def _events(self, page: str, text: str, tree) -> dict:
        """What the links of a page are, decided from the page alone and the files known before any page was
        rendered: counts, external links, broken ones, and those decided later (a file not known yet, an anchor
        in another page). ``k`` numbers a page's internal links, for the report's order."""
        initial = self._initial
        lookups: dict[str, str | None] = {}
        ids = None
        folder, here, away = posixpath.dirname(page), page, None  # what relative URLs resolve against
        base = htmlread.base_href(tree)
        if base is not None:  # <base href>: relative URLs resolve against it, as in the browser
            kind, path, _ = self._split(base)
            if kind == "external":
                away = base
            elif kind == "internal" and path:
                joined = posixpath.normpath(path.lstrip("/") if path.startswith("/") else posixpath.join(folder, path))
                joined = "" if joined == "." else joined
                folder = joined if path.endswith("/") else posixpath.dirname(joined)
                here = self._known_file(joined + "/" if path.endswith("/") and joined else joined, initial) or page
        line = _Lines(text)
        seen: dict[str, str | None] = {}  # target → file it resolved to on this page, for repeated targets
        external, broken, unknown, anchors = [], [], [], []
        k = 0
        for target in htmlread.urls(tree):
            if target in seen:  # same target, same page: same verdict
                if seen[target] is not None:
                    k += 1
                continue
            kind, path, fragment = self._split(target)
            if kind == "internal" and away is not None and not (self.site_url and target.startswith(self.site_url)):
                kind, path = "external", urljoin(away, target)  # relative to a <base> on another site
            if kind != "internal":
                if kind == "external":
                    external.append(path)
                seen[target] = None
                continue
            k += 1
            if not path:
                file = here
            else:
                joined = posixpath.normpath(path.lstrip("/") if path.startswith("/")
                                            else posixpath.join(folder, path))
                if joined.startswith(".."):
                    broken.append((k, target, line(target), "指向网站根目录之外"))
                    continue
                rel = "" if joined == "." else joined
                rel = rel + "/" if path.endswith("/") and rel else rel
                file = lookups[rel] = self._known_file(rel, initial)
                if file is None:  # not among the files the build writes: decided when the site is complete
                    unknown.append((k, target, line(target), rel, fragment))
                    continue
            if not fragment or not file.endswith(".html"):
                seen[target] = file
                continue
            if file == page:
                if ids is None:
                    ids = _ids(tree)
                if SEP + fragment + SEP not in ids:
                    broken.append((k, target, line(target), f"页面中没有锚点“#{fragment}”"))
            else:
                anchors.append((k, target, line(target), file, fragment))
        # The lookups flat (path, file, path, file …), not as pairs: a carried page's stored events are read back
        # every build, and 30-odd small lists a page were most of what inflating them cost.
        return {"n": k, "x": external, "b": broken, "p": unknown, "a": anchors,
                "l": [part for pair in lookups.items() for part in pair]}

    def apply(self, page: str, text: str | None, events: dict, tree=None) -> None:
        """A page's links into the report, in page order (``tree``: the page already parsed, if it was; ``text``
        None: read only if an earlier page links to one of its anchors)."""
        report = self.report
        report.pages += 1
        self.known.add(page)
        if page in self._wanted:  # an earlier page links to an anchor here
            if tree is None and text is None:
                text = self.read_page(page)
            self._ids[page] = _ids(tree if tree is not None else htmlread.parse(text))
        base = self._order
        for target in events["x"]:
            report.external[target].append(page)
        for k, target, line, why in events["b"]:
            self._broken.append((page, base + k, Link(page, target, line), why))
        for k, target, line, rel, fragment in events["p"]:
            self._pending.append((base + k, Link(page, target, line), rel, None, fragment))
        for k, target, line, file, fragment in events["a"]:
            if file in self._ids:
                if SEP + fragment + SEP not in self._ids[file]:
                    self._broken.append((page, base + k, Link(page, target, line), f"页面中没有锚点“#{fragment}”"))
            else:  # decided at the end: the page comes later, or came before without anyone asking for its ids
                self._wanted.add(file)
                self._pending.append((base + k, Link(page, target, line), "", file, fragment))
        report.links += events["n"]
        self._order += events["n"]

    def finish(self) -> LinkReport:
        """Decide the links left open; the report, in page order, as a scan of the written site gives it.

        Anchors in a page rendered before any link asked for them are read from the written page: in practice a
        handful (an anchor link into an earlier page), where keeping every page's anchors would cost memory.
        """
        for order, link, rel, file, fragment in self._pending:
            if file is None:
                file = self._file_on_disk(rel)
                if file is None:
                    self._broken.append((link.page, order, link, "目标不存在"))
                    continue
            if not fragment or not file.endswith(".html"):
                continue
            if file not in self._ids:
                text = self.read(file)
                self._ids[file] = _ids(htmlread.parse(text)) if text is not None else SEP
            if SEP + fragment + SEP not in self._ids[file]:
                self._broken.append((link.page, order, link, f"页面中没有锚点“#{fragment}”"))
        self._pending = []
        self._broken.sort(key=lambda item: (item[0], item[1]))
        self.report.broken = [(link, why) for _, _, link, why in self._broken]
        for pages in self.report.external.values():
            pages.sort()
        return self.report


def scan_site(site_dir: str | Path) -> LinkReport:
    """The link check of a site folder already written (``gongkai check`` builds with LinkChecker instead)."""
    site = Path(site_dir)
    files = [p.relative_to(site).as_posix() for p in site.rglob("*") if p.is_file()]

    def read(rel: str) -> str | None:
        path = site / rel
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None

    checker = LinkChecker(files, exists=lambda rel: (site / rel).is_file(), read=read)
    for rel in sorted(f for f in files if f.endswith(".html")):
        checker.add_page(rel, read(rel))
    return checker.finish()


def check_external(urls: list[str], timeout: float = 10.0, workers: int = 8) -> dict[str, str]:
    """url → problem, for external links that do not answer with a success status (only on request)."""

    def probe(url: str) -> tuple[str, str | None]:
        full = "https:" + url if url.startswith("//") else url
        for method in ("HEAD", "GET"):
            try:
                req = urllib.request.Request(full, method=method, headers={"User-Agent": "gongkai-check"})
                with urllib.request.urlopen(req, timeout=timeout) as resp:
                    if resp.status < 400:
                        return url, None
            except urllib.error.HTTPError as exc:
                if method == "HEAD" and exc.code in (403, 405, 501):
                    continue
                return url, f"HTTP {exc.code}"
            except Exception as exc:  # DNS, TLS, timeout: all mean a visitor cannot follow the link
                return url, exc.__class__.__name__
        return url, "无法访问"

    with ThreadPoolExecutor(max_workers=workers) as pool:
        return {u: why for u, why in pool.map(probe, urls) if why}


def link_findings(report: LinkReport, sources: dict[str, tuple[str, str | None]] | None = None,
                  external_problems: dict[str, str] | None = None) -> list[Problem]:
    """Findings for broken links. ``sources`` maps a page's site path to (source file as shown, its path on disk)
    so that the finding names the file an editor changes, at the line of the link in that source when it can be
    found there (else no line); pages without a source (generated ones) are named by their site path and line."""
    sources = sources or {}
    findings = []
    for link, why in report.broken:
        src = sources.get(link.page)
        file, line, field = link.page, link.line, "网页"
        if src is not None:
            file, field = src[0], None
            line = _line_in_source(src[1], link.target) if src[1] else None
        findings.append(Problem(
            file, f"链接“{link.target}”不可用：{why}（页面 {link.page}）", line=line, field=field, check="links",
            severity="error", url=link.page, fix=_link_fix(link.target, src is not None)))
    for url, pages in sorted(report.external.items()):
        why = (external_problems or {}).get(url)
        if why:
            findings.append(Problem(pages[0], f"外部链接“{url}”无法访问（{why}），共 {len(pages)} 个页面引用",
                                    check="external", severity="warning", fix="改正或删除该链接"))
    return findings


def _link_fix(target: str, editor_source: bool) -> str:
    """How to fix a broken link: an editor's file (a page or an attachment link), or a page the build generated."""
    if not editor_source:
        return ("该页面由网站生成，不是编辑写的文件：若网站的 overrides/ 中有改写的模板，请检查其中的链接；"
                "否则是 gongkai 的缺陷，请把这条信息报告给网站的技术支持")
    name = unquote(urlsplit(target).path).rstrip("/").rsplit("/", 1)[-1]
    ext = posixpath.splitext(name)[1].lower()
    if ext and ext not in (".html", ".htm", ".md"):
        return "改正链接地址；附件须放在文件旁（如同一年份文件夹下的 附件/），并在文件元数据的“附件”中写对路径"
    return "改正链接地址或锚点：链接另一篇文件时写它的 .md 文件的相对路径（如 ../2025/tongzhi.md）"


def _line_in_source(file: str, target: str) -> int | None:
    path = Path(file)
    needle = unquote(urlsplit(target).path).rstrip("/").rsplit("/", 1)[-1] or urlsplit(target).fragment
    if needle and path.is_file():
        try:
            for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if needle in line or needle in unquote(line):
                    return n
        except (OSError, UnicodeDecodeError):
            pass
    return None
