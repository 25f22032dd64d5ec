"""Pages carried over from the last build (issue 20: one document's body changed, at 100,000 documents).

A build that differs from the last recorded one (replay.py) only in the *bodies* of some documents — every
document's metadata (its model without the body, the 内容概述 taken from a first paragraph included), the
document set, the catalog, the settings, the templates, the environment, the dates, the clock's answers, the
files opened and the published site are the last build's — makes every other page from exactly the inputs it was
made from last time. Nothing a page shows
of another document comes from that document's body: lists, neighbours, 解读 and 征集 links show its metadata
(``caching.document_digest``, which leaves the body out), and a body is released once its page is rendered.
So such a page is **carried**: MkDocs' page loop skips it (``Carrying.install``), its output file is the
previous site's (linked at publication, ``UnchangedFiles.carry``), and what each plugin noted of it while it was
last processed is handed back to that plugin from the cache, at the place in page order where MkDocs would have
run the page's events — its search record, its links for the link check, its 个人信息 verdict, the files its
body links to.

Pages never carried: a changed document's own page and its 历史版本 pages; a page whose Markdown links to an
anchor on a changed document's page (MkDocs checks those anchors); a page that read a volatile value, or was not
stored; a page in the nav (other pages show its title); a page a plugin gave no fact for. Carrying is off
altogether for ``mkdocs serve`` and ``--dirty``, with a plugin or hook that is not gongkai's acting during the build
(on pages, or on the files, nav or environment every page is made with),
when a site overrides a template MkDocs renders outside the page loop (``sitemap.xml``, ``404.html``: they list
every page) or has ``extra_templates``, and when any page of the last build read MkDocs' whole page list.

**Another document's metadata, another day.** When documents were also added, removed or changed in their
metadata (a title, a new 通知, a withdrawn one, a 附件 of another size), or the date or one of the clock's answers
differs (``Replay.same_day``: an editor's first publish of a day), everything else as above, a page is carried
only when it is
still made as it was (``BuildCacheSession.made_as_before``, the ``still`` of ``decide``): its own file unchanged;
no plugin decorated its body last time (a 征集's banner shows its 反馈, a 年报's toolbar its entry: other
documents, read in the Markdown phase); its subject (its document with the 解读/原文 it shows and its neighbours, a
generated page's lists) and every link target its Markdown resolved the same — so its Markdown phase and its key
are the last build's —; and every read its template recorded the same on what the plugins will give its context,
on this build's clock. What a day changes is in those: a document's 有效性 as of the day is its metadata, a
list's order by a 征集's status is in the list's subject, days left are a template's read; the Markdown phase of an
undecorated page asks the clock nothing.

In any other build (a catalog edit), a page's Markdown is converted as usual, but where
MkDocs would build it the guard asks the core first (``BuildCacheSession.output_unchanged``): when its key and
every read its template recorded are the last build's, and the published site is the one that build recorded,
the page is built no more — its file is the previous site's and its ``output`` facts are handed over as above.

**Feature plugins** that keep something per page register with the core in their ``on_config``
(``core.carry_facts(name, content, output)``) and, for every page they process, hand the core a fact
(``core.page_fact(page, name, value, keep=[(kind, key), …])``: a small JSON value, and the cache entries it
refers to). A page is carried next time only when every registered plugin gave its fact. For a carried page the
core calls ``content(page, value)`` where the page's ``on_page_content`` would have run and ``output(page,
value)`` where its ``on_post_page`` would have, in page order, and keeps the entries for the build after.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import Any, Callable

import mkdocs.commands.build as mkdocs_build
from mkdocs.structure.pages import Page

from gongkai.buildcache import BuildCache
from gongkai.stages import handlers_outside

log = logging.getLogger("mkdocs.plugins.gongkai.cache")

TABLE = "carried"  # the cache's kind for the last build's table of pages (one entry, key "")
FACTS = "page-facts"  # the cache's kind for one page's facts, under the page's key
# The only events a plugin or hook that is not gongkai's may have for pages to be carried. Any other could make a
# page from a document's body: on a page, or through a value it computes for every page (``on_files`` reading the
# documents, a template global in ``on_env``), which a carried page would not show.
OUTSIDE_EVENTS = frozenset({"startup", "shutdown", "serve", "build_error"})


@dataclass
class Consumer:
    """A plugin that keeps something per page: called for each carried page with what it noted last time."""

    name: str
    content: Callable[[Page, Any], None] | None = None
    output: Callable[[Page, Any], None] | None = None
    # The kinds of the entries it keeps that it reads back for a carried page: each must be intact (written by this
    # code under its kind and key) for the page to be carried. The others it keeps for a later build, which
    # checks them when it reads them; and one it reads back whose damage it can tell and recover from (the link
    # check: a page's links from the page's file) need only be there. None: every kind it keeps.
    reads: frozenset[str] | None = None
    # Called in the process that shares MkDocs' page loop (split.py), before it makes a page.
    forked: Callable[[], None] | None = None


class _Pending:
    """A page's facts until every plugin gave its own, as JSON text: at 100,000 pages, held through the whole
    Markdown phase (the link check's facts come when pages are written), the objects were 1.5 KB a page."""

    __slots__ = ("facts", "entries", "key", "kept")

    def __init__(self):
        self.facts: dict[str, str] = {}  # plugin → its fact, JSON
        self.entries = ""  # the cache entries the facts refer to: JSON arrays, comma-separated
        self.key: str | None = None
        self.kept = False


def foreign_events(config) -> str:
    """Plugins and hooks other than gongkai's that act during the build, named."""
    return "、".join(handlers_outside(config, [e for e in config.plugins.events if e not in OUTSIDE_EVENTS]))


ANCHORS = "page-anchors"  # the build cache's kind for the anchors of a page, under its key


def page_state(page: Page) -> dict:
    """What MkDocs' later steps read of a page it did not process, as the core's fact of the page: its ``robots``
    (the only metadata ``sitemap.xml`` reads; carrying is off when a site overrides a template that lists every
    page), the pages whose anchors its Markdown links to, and whether it has anchors (kept apart, ``ANCHORS``:
    read only if another page links to one)."""
    robots = page.meta.get("robots")
    return {"robots": str(robots) if robots is not None else None,
            "to": sorted({f.src_uri for f in (page.links_to_anchors or {})}),
            "anchors": bool(page.present_anchor_ids)}


def restore_state(page: Page, state: dict, anchors) -> None:
    """``anchors()``: the page's anchors from the cache, read when MkDocs checks a link to one."""
    page.meta = {"robots": state["robots"]} if state["robots"] is not None else {}
    page.carried_anchors = anchors if state["anchors"] else (lambda: ())


class PageFacts:
    """What this build's plugins noted of each page they processed, stored per page once complete (every
    consumer's fact, the page's key, its entry stored), and the table of those pages for the next build."""

    def __init__(self, store: BuildCache, consumers: dict[str, Consumer]):
        self.store = store
        self.consumers = consumers
        self._pending: dict[str, _Pending] = {}
        self.table: dict[str, str] = {}  # src → its key: pages the next build may carry
        self._refused: set[str] = set()
        # src → the facts stored of each page completed from now on, when set (the page loop's second process,
        # split.py, hands them to the build).
        self.completed: dict[str, dict] | None = None

    def _get(self, src: str) -> _Pending:
        found = self._pending.get(src)
        if found is None:
            found = self._pending[src] = _Pending()
        return found

    def refuse(self, src: str) -> None:
        """The page may not be carried next time (it added a problem)."""
        self._refused.add(src)
        self._pending.pop(src, None)
        self.table.pop(src, None)

    def note(self, src: str, name: str, value, keep=()) -> None:
        if src in self._refused:
            return
        pending = self._get(src)
        pending.facts[name] = json.dumps(value, ensure_ascii=False)
        for kind, key in keep:
            pending.entries += ("," if pending.entries else "") + json.dumps([kind, key])
        self._complete(src, pending)

    def keyed(self, src: str, key: str) -> None:
        self._get(src).key = key

    def kept(self, src: str) -> None:
        if src in self._refused:
            return
        pending = self._get(src)
        pending.kept = True
        self._complete(src, pending)

    def _complete(self, src: str, pending: _Pending) -> None:
        if pending.kept and pending.key is not None and len(pending.facts) == len(self.consumers):
            del self._pending[src]
            stored = {"facts": {name: json.loads(text) for name, text in pending.facts.items()},
                      "entries": json.loads(f"[{pending.entries}]")}
            self.store.put(FACTS, pending.key, stored)
            self.table[src] = pending.key
            if self.completed is not None:
                self.completed[src] = stored

    def carried(self, src: str, key: str) -> None:
        self.table[src] = key

    def noted(self, src: str, name: str) -> bool:
        """Whether ``name``'s fact of the page is noted and the page is still to be completed."""
        pending = self._pending.get(src)
        return pending is not None and name in pending.facts

    def so_far(self, src: str) -> tuple[dict, list] | None:
        """What this build's plugins noted of a page so far: (plugin → its fact, the entries they refer to), or
        None (nothing, or the page may not be carried)."""
        pending = self._pending.get(src)
        if pending is None:
            return None
        return ({name: json.loads(text) for name, text in pending.facts.items()},
                json.loads(f"[{pending.entries}]"))

    def adopt(self, src: str, key: str) -> None:
        """The page's facts are the last build's, under the same key (its output is that build's): what this build
        noted of it so far is the same and is dropped."""
        self._pending.pop(src, None)
        self.table[src] = key


@dataclass
class Inputs:
    """What decides whether pages may be carried, as one build had it (the table's head)."""

    base: str  # the pages' base key (settings, files other than documents and 附件, columns, nav, templates)
    catalog: str  # every file of the catalog folder
    consumers: list[str]
    documents: dict[str, list[str]]  # src → [its file's digest, its metadata's digest]
    versions: dict[str, str]  # 历史版本 src → its file's digest
    whole_list: bool  # a page read MkDocs' whole page list

    @classmethod
    def shape(cls, value) -> bool:
        return isinstance(value, dict) and isinstance(value.get("inputs"), dict) and \
            set(value["inputs"]) == set(cls.__dataclass_fields__) and isinstance(value.get("pages"), dict)


@dataclass
class OutputCheck:
    """What deciding whether a page's output is the last build's needs (``BuildCacheSession.output_unchanged``):
    the last build's table of pages (src → key), whether the previous site's file of a page may be linked, and
    what every plugin gives a page's context (its views, the page outside MkDocs' context)."""

    table: dict[str, str]
    carry_output: Callable[[str], bool]
    views: Callable[[Page], dict]


class Carrying:
    """One build's carried pages: decided in the core's ``on_nav``, skipped by MkDocs' page loop, replayed to the
    plugins in page order."""

    def __init__(self, store: BuildCache, consumers: dict[str, Consumer]):
        self.store = store
        self.consumers = consumers
        self.pages: dict[str, dict] = {}  # src → its stored facts
        self._keys: dict[str, str] = {}
        self._saved: tuple | None = None
        self._adopted: dict[str, str] = {}  # pages built no more, their output the last build's: src → its entries, JSON

    def decide(self, previous: dict, now: Inputs, candidates: dict[str, Page], carry_output,
               still: Callable[[dict[str, tuple[Page, str, dict]]], set[str]] | None = None,
               same_day: bool = True) -> str | None:
        """Which of ``candidates`` (src → the page, pages the core renders outside the nav) are carried; None, or
        why none is. ``carry_output(dest_uri)``: whether the previous site's file can be linked for the page.
        ``still({src: (page, key, core fact)})``: when documents were added, removed or their metadata changed,
        or the date or the clock's answers are not the last build's (``same_day``), the pages whose Markdown
        phase and template would give what they gave (module docstring)."""
        last = Inputs(**previous["inputs"])
        if last.whole_list:
            return "上次有页面读取了全部页面列表"
        for name in ("base", "catalog", "consumers", "versions"):
            if getattr(last, name) != getattr(now, name):
                return {"base": "设置、模板或文件", "catalog": "目录", "consumers": "插件",
                        "versions": "历史版本"}[name]
        # Documents whose file differs, added or removed; of those, the ones whose metadata differs too.
        changed = {src for src in last.documents.keys() | now.documents.keys()
                   if last.documents.get(src) != now.documents.get(src)}
        described = {src for src in changed if src not in last.documents or src not in now.documents
                     or last.documents[src][1] != now.documents[src][1]}
        if not same_day and still is None:
            return "日期或时刻"
        if described and still is None:
            return f"{min(described)} 的元数据或文件增删"
        folders = tuple(src[:-3] + "/" for src in changed if src.endswith(".md"))
        wanted = {src: key for src, key in previous["pages"].items()
                  if src in candidates and src not in changed and not src.startswith(folders) and isinstance(key, str)}
        stored = self.store.get_many(FACTS, wanted.values(), facts_shape)
        chosen: dict[str, dict] = {}
        for src, key in wanted.items():
            facts = stored.get(key)
            if facts is None or set(facts["facts"]) != set(self.consumers):
                continue
            if changed.intersection(facts["facts"]["core"]["to"]):
                continue  # its Markdown links to an anchor on a changed page: MkDocs checks that anchor again
            chosen[src] = facts
        if described or not same_day:
            made = still({src: (candidates[src], wanted[src], facts["facts"]["core"]) for src, facts in chosen.items()})
            chosen = {src: facts for src, facts in chosen.items() if src in made}
        # Every entry a carried page's plugins read back must be there and intact (a cache cut short, or damaged,
        # keeps the page rendered).
        missing = missing_entries(self.store, by_kind(e for src, facts in chosen.items()
                                                       for e in entries_of(wanted[src], facts)), self.consumers)
        for src, facts in chosen.items():
            if any(entry in missing[kind] for kind, entry in entries_of(wanted[src], facts)):
                continue
            if not carry_output(candidates[src].file.dest_uri):
                continue
            self.pages[src] = facts
            self._keys[src] = wanted[src]
        return None

    # ---- MkDocs' page loop -------------------------------------------------------------------------------

    def install(self, output_unchanged: Callable[[Page], dict | None] | None = None,
                building: Callable[[], None] = lambda: None) -> None:
        """MkDocs reads and renders (``_populate_page``) and writes (``_build_page``) each page with module
        functions its ``build`` looks up when it calls them: a carried page gets its plugins' facts instead; so
        does, where it would be built, a page whose output is the last build's (``output_unchanged(page)``: its
        facts of that build, or None). ``building()``: called where each page would be built (every plugin's
        on_env has run)."""
        if self._saved is not None or not (self.pages or output_unchanged):
            return
        populate, build = mkdocs_build._populate_page, mkdocs_build._build_page
        self._saved = (populate, build)
        carried = self.pages

        def _populate_page(page, config, files, dirty=False):
            if page.file.src_uri in carried:
                self._replay(page, "content")
            else:
                populate(page, config, files, dirty)

        def _build_page(page, config, doc_files, nav, env, dirty=False, excluded=False):
            building()
            if page.file.src_uri in carried:
                self._replay(page, "output")
                return
            facts = output_unchanged(page) if output_unchanged is not None and not dirty and not excluded else None
            if facts is not None:
                self._hand_over(page, "output", facts)
            else:
                build(page, config, doc_files, nav, env, dirty, excluded)

        mkdocs_build._populate_page, mkdocs_build._build_page = _populate_page, _build_page

    def uninstall(self) -> None:
        if self._saved is not None:
            mkdocs_build._populate_page, mkdocs_build._build_page = self._saved
            self._saved = None

    def key_of(self, page: Page) -> str:
        """A carried page's key (its stored entries')."""
        return self._keys[page.file.src_uri]

    def _replay(self, page: Page, phase: str) -> None:
        src = page.file.src_uri
        self._hand_over(page, phase, self.pages[src]["facts"])
        if phase == "output":  # the page's last step: its facts are not needed again (100,000 pages hold many)
            self.pages[src] = _DONE

    def _hand_over(self, page: Page, phase: str, facts: dict) -> None:
        hand_over(self.consumers, page, phase, facts)

    def adopt(self, src: str, key: str, stored: dict) -> None:
        """A page whose output is the last build's (not carried: its Markdown was processed in this build)."""
        self._adopted[src] = json.dumps(entries_of(key, stored))

    def keep_adopted(self) -> None:
        """The entries of the pages whose output was the last build's, into this build's cache (as ``keep``)."""
        self._keep(entry for entries in self._adopted.values() for entry in json.loads(entries))
        if self._adopted:
            log.info(f"构建缓存：{len(self._adopted)} 个页面的输出与上次构建相同，沿用已发布的文件（未重新生成）")

    def keep(self, facts: PageFacts) -> None:
        """The carried pages' entries, into this build's cache: the next build may carry them again, or render
        them from their stored parts."""
        for src in self.pages:
            facts.carried(src, self._keys[src])
        self._keep(entry for src, stored in self.pages.items() for entry in entries_of(self._keys[src], stored))

    def _keep(self, entries) -> None:
        for kind, keys in by_kind(entries).items():
            self.store.keep(kind, keys, count=False)


_DONE = {"facts": None}  # a carried page whose facts were all handed over


def hand_over(consumers: dict[str, Consumer], page: Page, phase: str, facts: dict) -> None:
    """What each plugin noted of ``page`` (``facts``), back to it where its ``phase`` ("content", "output") would
    have run."""
    for name, consumer in consumers.items():
        call = getattr(consumer, phase)
        if call is not None:
            call(page, facts[name])


def entries_of(key: str, stored: dict) -> list:
    """Every cache entry a carried page needs, as [kind, key]: its template output and reads, its facts, and the
    entries its plugins' facts refer to."""
    return [["page", key], ["reads", key], [FACTS, key], *stored["entries"]]


def by_kind(entries) -> dict[str, set[str]]:
    """[kind, key] entries grouped: kind → keys."""
    grouped: dict[str, set[str]] = {}
    for kind, key in entries:
        grouped.setdefault(kind, set()).add(key)
    return grouped


def missing_entries(store: BuildCache, needed: dict[str, set[str]], consumers: dict[str, Consumer]) \
        -> dict[str, set[str]]:
    """Of ``needed`` (kind → keys), the entries a carried page's plugins could not read back: not there, or, of
    the kinds some plugin reads back (``Consumer.reads``), not intact. A page's facts were read whole already; its
    template output and reads, and its Markdown, are not read in a build that carries it, only kept for a later one,
    which checks them when it reads them: those need only be there (checking every kept entry whole was a twentieth
    of a rebuild after one body changed, at 10,000 documents)."""
    every = any(c.reads is None for c in consumers.values())
    checked = set().union(*(c.reads for c in consumers.values() if c.reads is not None))
    return {kind: keys - (store.intact(kind, keys) if every or kind in checked else store.present(kind, keys))
            for kind, keys in needed.items()}


def facts_shape(value) -> bool:
    return isinstance(value, dict) and isinstance(value.get("facts"), dict) and \
        isinstance(value.get("entries"), list) and isinstance(value["facts"].get("core"), dict)

