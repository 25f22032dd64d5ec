"""Links: every internal link, anchor and attachment of the built site resolves (不可用链接, docs/domain.md).

Works on the HTML MkDocs wrote to ``site_dir`` (so links from templates, raw HTML and Markdown are all seen).
External links are collected and listed; they are fetched only on request (``check_external``) — never in CI,
which has no network.
"""

from __future__ import annotations

import html
import os
import re
import urllib.error
import urllib.request
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .findings import Finding

TAG_RE = re.compile(r"<(a|link|img|script|source|iframe|area|video|audio|embed)\b([^>]*)>", re.I)
ATTR_RE = re.compile(r"""\b(href|src)\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.I)
ID_RE = re.compile(r"""<[a-zA-Z][^>]*?\s(?:id|name)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
SCRIPT_RE = re.compile(r"<script\b[^>]*>.*?</script>", re.S | re.I)
COMMENT_RE = re.compile(r"<!--.*?-->", re.S)
SKIP_SCHEMES = ("mailto:", "tel:", "javascript:", "data:", "blob:", "about:", "sms:")


@dataclass
class Link:
    page: str  # site-relative path of the HTML page, '/'-separated
    target: str  # as written in the href/src
    line: int


@dataclass
class LinkReport:
    broken: list[tuple[Link, str]] = field(default_factory=list)  # (link, why)
    external: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # url → pages
    pages: int = 0
    links: int = 0


def _links(text: str, page: str):
    text = COMMENT_RE.sub(lambda m: "\n" * m.group(0).count("\n"), text)
    text = SCRIPT_RE.sub(lambda m: m.group(0)[:m.group(0).find(">") + 1] + "\n" * m.group(0).count("\n"), text)
    for tag in TAG_RE.finditer(text):
        for attr in ATTR_RE.finditer(tag.group(2)):
            value = html.unescape(attr.group(2) if attr.group(2) is not None else attr.group(3) or "").strip()
            yield Link(page, value, text.count("\n", 0, tag.start()) + 1)


def _ids(text: str) -> set[str]:
    return {html.unescape(a if a is not None else b) for a, b in ID_RE.findall(text)}


def scan_site(site_dir: str | Path) -> LinkReport:
    site = Path(site_dir)
    report = LinkReport()
    pages: dict[str, str] = {}
    for path in site.rglob("*.html"):
        pages[path.relative_to(site).as_posix()] = path.read_text(encoding="utf-8", errors="replace")
    ids_cache: dict[str, set[str]] = {}

    def ids_of(rel: str) -> set[str]:
        if rel not in ids_cache:
            ids_cache[rel] = _ids(pages[rel]) if rel in pages else set()
        return ids_cache[rel]

    exists_cache: dict[str, str | None] = {}

    def resolve(rel: str) -> str | None:
        """The site file a site-relative path serves, or None."""
        if rel not in exists_cache:
            target = site / rel
            if rel.endswith("/") or rel == "":
                found = (rel + "index.html") if (target / "index.html").is_file() else None
            elif target.is_file():
                found = rel
            elif (target / "index.html").is_file():
                found = rel + "/index.html"
            else:
                found = None
            exists_cache[rel] = found
        return exists_cache[rel]

    for page, text in sorted(pages.items()):
        report.pages += 1
        base = os.path.dirname(page)
        for link in _links(text, page):
            target = link.target
            if not target or target.lower().startswith(SKIP_SCHEMES):
                continue
            parts = urlsplit(target)
            if parts.scheme or target.startswith("//"):
                if parts.scheme in ("http", "https") or target.startswith("//"):
                    report.external[target].append(page)
                continue
            report.links += 1
            path, fragment = unquote(parts.path), unquote(parts.fragment)
            if not path:
                file = page
            else:
                joined = os.path.normpath(path.lstrip("/") if path.startswith("/") else os.path.join(base, path))
                if joined.startswith(".."):
                    report.broken.append((link, "指向网站根目录之外"))
                    continue
                rel = "" if joined == "." else joined.replace(os.sep, "/")
                rel = rel + "/" if path.endswith("/") and rel else rel
                file = resolve(rel)
                if file is None:
                    report.broken.append((link, "目标不存在"))
                    continue
            if fragment and file.endswith(".html") and fragment not in ids_of(file):
                report.broken.append((link, f"页面中没有锚点“#{fragment}”"))
    return report


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
                  external_problems: dict[str, str] | None = None) -> list[Finding]:
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
        findings.append(Finding(
            file, f"链接“{link.target}”不可用：{why}（页面 {link.page}）", line=line, field=field, check="links",
            severity="error", url=link.page,
            fix="改正链接地址或锚点；附件须放在文件旁并在“附件”中写对路径"))
    for url, pages in sorted(report.external.items()):
        why = (external_problems or {}).get(url)
        if why:
            findings.append(Finding(pages[0], f"外部链接“{url}”无法访问（{why}），共 {len(pages)} 个页面引用",
                                    check="external", severity="warning", fix="改正或删除该链接"))
    return findings


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
