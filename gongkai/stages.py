"""The stages of a build: where each plugin's event handler runs, by name instead of a bare priority number.

MkDocs calls the handlers of one event in order of priority, highest first, and those of equal priority in the
order mkdocs.yml lists the plugins. gongkai's plugins are one contract whatever that order (docs/architecture.md,
"Event timeline"), so every handler whose place matters runs at a stage named here, and each stage says what is
true when it starts: what a handler there may rely on, and what it must leave for later stages.

A stage belongs to one event (``OnFiles.LOAD`` is for ``on_files``); a handler takes it with ``@at(stage)``, which
gives MkDocs the plain number. Every gongkai handler of an event listed here has a stage; handlers of the other
events (``on_nav``, ``on_env``, ``on_page_context`` …) run at MkDocs' default 0, where their order does not matter.
``tests/test_stages.py`` checks the numbers MkDocs sees against a recorded order, and the timeline table in
docs/architecture.md against this module.
"""

from __future__ import annotations

import enum
import re
from typing import Iterable

from mkdocs.plugins import event_priority


class Stage(enum.IntEnum):
    """A named priority of one event; its docstring says what holds when it runs."""

    def __new__(cls, value: int, doc: str):
        member = int.__new__(cls, value)
        member._value_ = value
        member.__doc__ = doc
        return member

    @classmethod
    def event(cls) -> str:
        """The MkDocs event the stage belongs to: ``OnFiles`` → ``files``, ``OnPageContent`` → ``page_content``."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", cls.__name__.removeprefix("On")).lower()

    def __str__(self) -> str:
        return f"{type(self).__name__}.{self.name}"


class OnConfig(Stage):
    SETUP = 100, ("The core's per-build state: the clock, the catalog, section URLs, nav, template folder, staging "
                  "folder, build cache. Every later on_config may read core.catalog and core.clock.")
    DECLARE = 0, ("The core is set up: feature plugins declare what they bring to it (front-matter fields, "
                  "sorters, document partials, assets: core.declare_fields, core.add_asset …) and read its clock.")
    CONFIGURED = -100, ("Every plugin has configured and declared: the core orders the assets and keys the build "
                        "cache's settings. Nothing may declare after this.")


class OnFiles(Stage):
    LOAD = 50, ("Unsafe sources are refused and every editor's document is loaded into the model; the home page is "
                "known. Later stages may read core.documents (incomplete until REGISTER has run).")
    REGISTER = 0, ("The editors' documents are loaded: feature plugins register the documents and pages they "
                   "produce (core.add_document, core.add_page): 年报 pages, the search results page.")
    RELATE = -10, ("Every document is registered: a plugin may link documents to each other (解读 ↔ 原文, "
                   "征集 ↔ 反馈).")
    DERIVE = -20, ("Documents and their links are complete: pages and figures derived from them (网站年度报表, "
                   "无障碍声明). Last stage to add input problems before GENERATE raises them.")
    GENERATE = -50, ("The core resolves 依据, 有效性 and 历史版本 at the build's instant, raises every input error, "
                     "freezes the indexes and generates the section's pages. After it the model is complete and "
                     "read-only.")
    CHECK = -60, "The model is complete and frozen: the checks read it (个人信息, 空白栏目, 公开时限 …)."
    EXPORT = -70, ("Every document's final URL is known and the checks have run: what is exported from the model "
                   "(feeds, catalog.json, llms.txt).")


class OnPageContent(Stage):
    AS_RENDERED = 100, ("The body exactly as its Markdown rendered, before any plugin added markup: checked for "
                        "active content.")
    TEXT = 50, "The body, still undecorated: its text for the search index."
    SCAN = 40, "The body, still undecorated: the text a visitor reads, scanned for 个人信息."
    DECORATE = 0, "Every reader of the undecorated body is done: plugins add their markup (征集 banner, 年报 toolbar)."
    DONE = -1000, ("Every plugin has read and changed the body: the core keys the page for the build cache and "
                   "releases its Markdown.")


class OnPageContext(Stage):
    VIEWS = 0, "Plugins hand their views of the model to the page's template (the page context, Jinja globals)."
    RECORD = -1000, ("Every plugin has given the page its context: the build cache checks a stored page against what "
                     "it read last time, or starts recording what the template reads of the views.")


class OnPostPage(Stage):
    AS_TEMPLATED = 1000, "The template's output before any plugin changes it: kept in the build cache."
    FINAL = -100, "The HTML exactly as it will be written, after every plugin changed it: read by the link check."
    WRITTEN = -1000, "Every plugin is done with the page: the core counts it and releases its HTML."


class OnPostTemplate(Stage):
    FINAL = -100, "A static template's output exactly as it will be written: read by the link check."


class OnPostBuild(Stage):
    PAGES_WRITTEN = 100, "Every page is written: the progress line ends."
    PAGES_READ = 50, ("Every page is written and the checks' worker has read them all (gongkai/parallel.py): its "
                      "results are in, before the search index forks workers of its own.")
    WRITE = 0, "Plugins write into the staging folder what they collected while pages rendered (the search index)."
    VERDICT = -100, ("Every file of the site is written into the staging folder: the link check completes and the "
                     "checks decide whether the build fails.")
    PUBLISH = -1000, ("The build is decided: the core checks the output and moves the staging folder onto "
                      "site_dir. Nothing runs after it.")


STAGES: tuple[type[Stage], ...] = (OnConfig, OnFiles, OnPageContent, OnPageContext, OnPostPage, OnPostTemplate, OnPostBuild)


def at(stage: Stage):
    """Run the decorated event handler at ``stage`` (MkDocs gets the plain number)."""
    if not isinstance(stage, Stage):
        raise TypeError(f"a stage from gongkai.stages, not {stage!r}")

    def decorate(method):
        method = event_priority(int(stage))(method)
        method.gongkai_stage = stage
        return method

    return decorate


def stage_named(name: str) -> Stage:
    """``"OnFiles.LOAD"`` → ``OnFiles.LOAD`` (for the documented timeline)."""
    kind, _, member = name.partition(".")
    for stage in STAGES:
        if stage.__name__ == kind and member in stage.__members__:
            return stage[member]
    raise KeyError(name)


def handlers_outside(config, events: Iterable[str], packages: Iterable[str] = ("gongkai",)) -> list[str]:
    """The plugins and hooks whose code is outside ``packages`` with a handler of any of ``events``, each once, by
    the name MkDocs gives them (what a build cannot vouch for: they may act on anything it makes)."""
    own = tuple(packages)
    names = []
    for event in events:
        for method in config.plugins.events[event]:
            module = getattr(method, "__module__", None) or ""
            if module.split(".")[0] not in own:
                names.append(config.plugins._event_origins.get(method, module or repr(method)))
    return list(dict.fromkeys(names))
